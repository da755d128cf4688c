//! What a document contains, indexed for looking up reference names.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::LazyLock;

use regex::Regex;

use super::grammar::Name;
use crate::model::{Clause, ClauseKind, Document, block_units};

/// One clause in document order, with what ranges and levels need.
#[derive(Clone, Debug)]
pub struct ClauseEntry {
    pub anchor: String,
    pub number: Option<String>,
    pub label: String,
    pub depth: usize,
    pub parent: Option<String>,
    /// For a level container ("B.2 第二级要求"): the level's ordinal as written.
    pub level: Option<u32>,
}

pub struct DocIndex {
    pub slug: String,
    pub clauses: Vec<ClauseEntry>,
    position: BTreeMap<String, usize>,
    by_number: BTreeMap<String, String>,
    anchors: BTreeSet<String>,
    /// Unit anchor → the anchor of the clause it is in.
    pub clause_of: BTreeMap<String, String>,
}

static LEVEL_TITLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:第\s*)?([一二三四五])\s*级.*要求$|^Level\s+(\d)\b.*[Rr]equirements$")
        .expect("static regex")
});

/// The ordinal of a level container's title: "第二级要求" → 2, "三级评价要求" → 3.
pub fn level_of_title(title: &str) -> Option<u32> {
    let caps = LEVEL_TITLE.captures(title.trim())?;
    if let Some(zh) = caps.get(1) {
        return "一二三四五"
            .chars()
            .position(|c| zh.as_str().starts_with(c))
            .and_then(|p| u32::try_from(p + 1).ok());
    }
    caps.get(2)?.as_str().parse().ok()
}

impl DocIndex {
    pub fn new(doc: &Document) -> Self {
        let mut index = DocIndex {
            slug: doc.slug.clone(),
            clauses: Vec::new(),
            position: BTreeMap::new(),
            by_number: BTreeMap::new(),
            anchors: doc.units().iter().map(|u| u.anchor.to_string()).collect(),
            clause_of: BTreeMap::new(),
        };
        for clause in &doc.clauses {
            index.add(clause, None);
        }
        index
    }

    fn add(&mut self, clause: &Clause, parent: Option<&str>) {
        let title = clause.title.as_ref().map_or("", |t| t.markdown.as_str());
        let label = if clause.number_text.is_empty() {
            title.to_string()
        } else {
            clause.number_text.clone()
        };
        self.position
            .insert(clause.anchor.clone(), self.clauses.len());
        if let Some(n) = &clause.number {
            self.by_number
                .entry(n.clone())
                .or_insert_with(|| clause.anchor.clone());
        }
        self.clauses.push(ClauseEntry {
            anchor: clause.anchor.clone(),
            number: clause.number.clone(),
            label,
            depth: clause.depth,
            parent: parent.map(str::to_string),
            level: if matches!(clause.kind, ClauseKind::Numbered) {
                level_of_title(title)
            } else {
                None
            },
        });
        self.clause_of
            .insert(clause.anchor.clone(), clause.anchor.clone());
        for unit in block_units(&clause.blocks) {
            self.clause_of
                .insert(unit.anchor.to_string(), clause.anchor.clone());
        }
        for child in &clause.children {
            self.add(child, Some(&clause.anchor));
        }
    }

    pub fn has(&self, anchor: &str) -> bool {
        self.anchors.contains(anchor)
    }

    /// The clause a number names: an anchor equal to it (which follows
    /// `{#id}` corrections), else the first clause printed with that number.
    pub fn clause(&self, number: &str) -> Option<&str> {
        if let Some((anchor, _)) = self.position.get_key_value(number) {
            return Some(anchor);
        }
        self.by_number.get(number).map(String::as_str)
    }

    pub fn entry(&self, anchor: &str) -> Option<&ClauseEntry> {
        self.position.get(anchor).map(|&i| &self.clauses[i])
    }

    /// Every clause from `from` to `to` inclusive, at the depth of `from`
    /// and under the same parent, in document order.
    pub fn range(&self, from: &str, to: &str) -> Option<Vec<String>> {
        let (&a, &b) = (self.position.get(from)?, self.position.get(to)?);
        if b < a {
            return None;
        }
        let first = &self.clauses[a];
        let last = &self.clauses[b];
        if first.depth != last.depth || first.parent != last.parent {
            return None;
        }
        Some(
            self.clauses[a..=b]
                .iter()
                .filter(|c| c.depth == first.depth && c.parent == first.parent)
                .map(|c| c.anchor.clone())
                .collect(),
        )
    }

    /// The level container with ordinal `level` among the siblings of the
    /// nearest ancestor of `clause` that is a level container.
    pub fn level(&self, clause: &str, level: u32) -> Option<&str> {
        let mut current = self.entry(clause);
        while let Some(entry) = current {
            if entry.level.is_some() {
                return self
                    .clauses
                    .iter()
                    .find(|c| c.parent == entry.parent && c.level == Some(level))
                    .map(|c| c.anchor.as_str());
            }
            current = entry.parent.as_deref().and_then(|p| self.entry(p));
        }
        None
    }

    /// Every anchor a range names, both ends included, in document order:
    /// clauses (or annexes) of the same level from one to the other, or the
    /// numbered items from one number to the other ("第64～71项"). `Err`
    /// says why the range cannot be read.
    pub fn lookup_range(
        &self,
        from: &Name,
        to: &Name,
        context_clause: &str,
    ) -> Result<Vec<String>, String> {
        if let (Name::Numbered(a), Name::Numbered(b)) = (from, to) {
            let (Ok(first), Ok(last)) = (a.parse::<u32>(), b.parse::<u32>()) else {
                return Err(format!("items {a} to {b} are not numbers"));
            };
            if last <= first {
                return Err(format!("item {b} does not come after item {a}"));
            }
            return (first..=last)
                .map(|n| self.lookup(&Name::Numbered(n.to_string()), context_clause))
                .collect();
        }
        let from = self.lookup(from, context_clause)?;
        let to = self.lookup(to, context_clause)?;
        self.range(&from, &to).ok_or_else(|| {
            "the two ends are not clauses of the same level in reading order".to_string()
        })
    }

    /// Looks a name up; `Err` says why it cannot be found.
    pub fn lookup(&self, name: &Name, context_clause: &str) -> Result<String, String> {
        match name {
            Name::Clause(n) => self
                .clause(n)
                .map(str::to_string)
                .ok_or_else(|| format!("there is no clause {n} in this document")),
            Name::Annex(letter) => self
                .entry(letter)
                .filter(|e| e.depth == 1)
                .map(|e| e.anchor.clone())
                .ok_or_else(|| format!("there is no annex {letter} in this document")),
            Name::Table(n) => {
                let anchor = format!("table-{n}");
                self.has(&anchor)
                    .then_some(anchor)
                    .ok_or_else(|| format!("there is no table {n} in this document"))
            }
            Name::Figure(n) => {
                let anchor = format!("figure-{n}");
                self.has(&anchor)
                    .then_some(anchor)
                    .ok_or_else(|| format!("there is no figure {n} in this document"))
            }
            Name::Item { clause, marker } => {
                let Some(clause_anchor) = self.clause(clause) else {
                    return Err(format!("there is no clause {clause} in this document"));
                };
                let anchor = format!("{clause_anchor}-{marker}");
                self.has(&anchor)
                    .then_some(anchor)
                    .ok_or_else(|| format!("clause {clause} has no list item {marker})"))
            }
            // "第9项": item 9 of this clause's list, else item 9 of a form.
            Name::Numbered(n) => [format!("{context_clause}-{n}"), format!("item-{n}")]
                .into_iter()
                .find(|a| self.has(a))
                .ok_or_else(|| format!("there is no item {n} in this clause or this document")),
            Name::Level(level) => self
                .level(context_clause, *level)
                .map(str::to_string)
                .ok_or_else(|| {
                    format!("no level-{level} requirements clause beside this clause's level")
                }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn level_titles() {
        assert_eq!(level_of_title("第二级要求"), Some(2));
        assert_eq!(level_of_title("三级评价要求"), Some(3));
        assert_eq!(level_of_title("Level 4 requirements"), Some(4));
        assert_eq!(level_of_title("基本要求"), None);
    }
}
