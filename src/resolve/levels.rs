//! The level graph: which requirements apply at each level of a graded
//! annex or chapter.
//!
//! A *level group* is a clause (annex B of 000, chapter 7, chapter 4 of
//! 002) whose children are level containers ("B.2 第二级要求"). A container
//! inherits another level when its text says so ("除满足一级能力要求外，还应满足
//! B.2.2～B.2.4的要求", "本级应在满足第一级保护要求的基础上…"): the resolved
//! references of that sentence give the inherited level and the clauses
//! the level adds. The full set at a level is what it adds plus the full
//! set of the level it inherits.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::index::DocIndex;
use crate::model::{AnnotationKind, Block, Clause, Document, ListItem, Text};

#[derive(Clone, Debug, Serialize)]
pub struct LevelGroup {
    /// The anchor of the annex or chapter.
    pub anchor: String,
    pub label: String,
    pub title: String,
    pub levels: Vec<Level>,
    /// Every requirement of the group, in document order.
    pub requirements: Vec<Requirement>,
    /// Whether any level inherits another (otherwise each level is self-contained).
    pub cumulative: bool,
}

#[derive(Clone, Debug, Serialize)]
pub struct Level {
    pub ordinal: u32,
    pub anchor: String,
    pub label: String,
    pub title: String,
    /// The level this one inherits, as its ordinal, and the sentence that says so.
    pub inherits: Option<u32>,
    pub statement: Option<String>,
    /// Clauses the statement says this level adds.
    pub adds: Vec<String>,
    /// Anchors of the requirements of this level's own clauses.
    pub own: Vec<String>,
    /// Anchors of every requirement that applies at this level.
    pub full: Vec<String>,
    /// What is odd about this level in the source, for the reader.
    pub anomalies: Vec<Anomaly>,
}

#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Anomaly {
    /// The level has no requirements at all.
    Empty,
    /// Own requirements that the inheritance sentence's range leaves out:
    /// whole clauses (J.2.5.1), or requirements of the clause that holds
    /// the sentence itself (K.2 b), beside "还要满足K.2.1～K.2.3的评价条件").
    OutsideRange { anchors: Vec<String> },
    /// The level inherits a level other than the one before it.
    InheritsNonAdjacent { inherits: u32, expected: u32 },
    /// No sentence says what the level inherits, though others do.
    NoInheritanceStatement,
}

#[derive(Clone, Debug, Serialize)]
pub struct Requirement {
    pub anchor: String,
    /// The clause it is in, and that clause's number.
    pub clause: String,
    pub clause_label: String,
    /// "a)", "p2" …, for display beside the clause number.
    pub marker: String,
    #[serde(skip)]
    pub text: Text,
    /// The level whose own clauses hold it.
    pub level: u32,
}

/// Finds the level groups of a document (after its texts are annotated).
pub fn level_groups(doc: &Document, index: &DocIndex) -> Vec<LevelGroup> {
    let mut out = Vec::new();
    for clause in doc.all_clauses() {
        let containers: Vec<(&Clause, u32)> = clause
            .children
            .iter()
            .filter_map(|c| index.entry(&c.anchor).and_then(|e| e.level).map(|l| (c, l)))
            .collect();
        if containers.len() < 2 {
            continue;
        }
        out.push(group(clause, &containers, index));
    }
    out
}

fn group(parent: &Clause, containers: &[(&Clause, u32)], index: &DocIndex) -> LevelGroup {
    let container_of: BTreeMap<&str, u32> = containers
        .iter()
        .map(|(c, l)| (c.anchor.as_str(), *l))
        .collect();
    let mut requirements = Vec::new();
    let mut levels = Vec::new();
    for (container, ordinal) in containers {
        let mut inherits = None;
        let mut statement = None;
        let mut adds = Vec::new();
        let mut own = Vec::new();
        let mut own_clauses = BTreeSet::new();
        for clause in container.walk() {
            let mut units = Vec::new();
            requirement_units(clause, &mut units);
            for (anchor, marker, text) in units {
                // The inheritance sentence: a reference to a sibling level
                // container, with the clauses this level adds.
                let level_ref = text.annotations.iter().find_map(|a| match &a.kind {
                    AnnotationKind::Ref { anchor } => container_of.get(anchor.as_str()).copied(),
                    _ => None,
                });
                if let Some(level) = level_ref.filter(|_| inherits.is_none()) {
                    inherits = Some(level);
                    statement = Some(anchor.clone());
                    for a in &text.annotations {
                        match &a.kind {
                            AnnotationKind::Range { members, .. } => adds.extend(members.clone()),
                            AnnotationKind::Ref { anchor }
                                if !container_of.contains_key(anchor.as_str()) =>
                            {
                                adds.push(anchor.clone());
                            }
                            _ => {}
                        }
                    }
                    continue;
                }
                own_clauses.insert(clause.anchor.clone());
                own.push(anchor.clone());
                requirements.push(Requirement {
                    anchor,
                    clause: clause.anchor.clone(),
                    clause_label: index
                        .entry(&clause.anchor)
                        .map_or_else(|| clause.anchor.clone(), |e| e.label.clone()),
                    marker,
                    text: text.clone(),
                    level: *ordinal,
                });
            }
        }
        let mut anomalies = Vec::new();
        if own.is_empty() {
            anomalies.push(Anomaly::Empty);
        }
        if !adds.is_empty() {
            let added: BTreeSet<&str> = adds.iter().map(String::as_str).collect();
            let statement_clause = statement_clause(index, statement.as_deref());
            // The clause holding the statement is not itself in the range
            // it names: its other requirements lie outside, one by one.
            let mut outside: Vec<String> = statement_clause
                .filter(|c| !is_at_or_below_any(index, c, &added))
                .map(|c| {
                    requirements
                        .iter()
                        .filter(|r| r.level == *ordinal && r.clause == c)
                        .map(|r| r.anchor.clone())
                        .collect()
                })
                .unwrap_or_default();
            outside.extend(
                own_clauses
                    .iter()
                    .filter(|c| !is_at_or_below_any(index, c, &added))
                    .filter(|c| statement_clause != Some(c.as_str()))
                    .cloned(),
            );
            if !outside.is_empty() {
                anomalies.push(Anomaly::OutsideRange { anchors: outside });
            }
        }
        levels.push(Level {
            ordinal: *ordinal,
            anchor: container.anchor.clone(),
            label: index
                .entry(&container.anchor)
                .map_or_else(|| container.anchor.clone(), |e| e.label.clone()),
            title: container
                .title
                .as_ref()
                .map(|t| t.markdown.clone())
                .unwrap_or_default(),
            inherits,
            statement,
            adds,
            own,
            full: Vec::new(),
            anomalies,
        });
    }
    let cumulative = levels.iter().any(|l| l.inherits.is_some());
    // Full sets, following inheritance (guarding against cycles in bad sources).
    let by_ordinal: BTreeMap<u32, usize> = levels
        .iter()
        .enumerate()
        .map(|(i, l)| (l.ordinal, i))
        .collect();
    let fulls: Vec<Vec<String>> = (0..levels.len())
        .map(|i| {
            let mut seen = BTreeSet::new();
            let mut chain = vec![i];
            let mut current = i;
            while let Some(next) = levels[current]
                .inherits
                .and_then(|o| by_ordinal.get(&o).copied())
            {
                if !seen.insert(next) || next == i {
                    break;
                }
                chain.push(next);
                current = next;
            }
            let members: BTreeSet<&String> =
                chain.iter().flat_map(|&j| levels[j].own.iter()).collect();
            requirements
                .iter()
                .filter(|r| members.contains(&r.anchor))
                .map(|r| r.anchor.clone())
                .collect()
        })
        .collect();
    for (level, full) in levels.iter_mut().zip(fulls) {
        level.full = full;
    }
    if cumulative {
        for (i, level) in levels.iter_mut().enumerate() {
            if i == 0 {
                continue;
            }
            let expected = containers[i - 1].1;
            match level.inherits {
                Some(o) if o != expected => level.anomalies.push(Anomaly::InheritsNonAdjacent {
                    inherits: o,
                    expected,
                }),
                None if !level.own.is_empty() => {
                    level.anomalies.push(Anomaly::NoInheritanceStatement);
                }
                _ => {}
            }
        }
    }
    LevelGroup {
        anchor: parent.anchor.clone(),
        label: index
            .entry(&parent.anchor)
            .map_or_else(|| parent.anchor.clone(), |e| e.label.clone()),
        title: parent
            .title
            .as_ref()
            .map(|t| t.markdown.clone())
            .unwrap_or_default(),
        levels,
        requirements,
        cumulative,
    }
}

fn statement_clause<'a>(index: &'a DocIndex, statement: Option<&str>) -> Option<&'a str> {
    statement
        .and_then(|s| index.clause_of.get(s))
        .map(String::as_str)
}

/// Is `clause` one of `anchors`, or inside one of them?
fn is_at_or_below_any(index: &DocIndex, clause: &str, anchors: &BTreeSet<&str>) -> bool {
    let mut current = Some(clause);
    while let Some(c) = current {
        if anchors.contains(c) {
            return true;
        }
        current = index.entry(c).and_then(|e| e.parent.as_deref());
    }
    false
}

/// The requirement units of one clause (not of its children): numbered
/// list items at every depth, tables, and paragraphs that are not lead-ins
/// ("准备阶段要求：").
fn requirement_units(clause: &Clause, out: &mut Vec<(String, String, Text)>) {
    fn items(list: &[ListItem], out: &mut Vec<(String, String, Text)>) {
        for item in list {
            if let Some(anchor) = &item.anchor {
                out.push((anchor.clone(), item.marker.clone(), item.text.clone()));
            }
            items(&item.children, out);
        }
    }
    for block in &clause.blocks {
        match block {
            Block::Paragraph { anchor, text } => {
                let t = text.markdown.trim_end();
                if !(t.ends_with('：') || t.ends_with(':')) {
                    // "7.1-p2" is shown as "¶2".
                    let marker = anchor
                        .rsplit_once("-p")
                        .map_or(String::new(), |(_, n)| format!("¶{n}"));
                    out.push((anchor.clone(), marker, text.clone()));
                }
            }
            Block::List { items: list } => items(list, out),
            _ => {}
        }
    }
}
