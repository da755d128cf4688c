//! Matching the clauses of two editions (the order of the steps is in the
//! parent module's doc).

use std::collections::{BTreeMap, HashMap};

use super::MatchedBy;
use super::text::{ClauseText, overlap, percent};

/// Same anchor: changed rather than removed and added when at least this
/// share of the characters is in common.
const SAME_ANCHOR_PERCENT: usize = 50;
/// Another anchor: the same clause renumbered when at least this share is
/// in common.
const MOVED_PERCENT: usize = 60;
/// Beyond this many candidate pairs, step 4 (similar text under another
/// number) is skipped: it compares every unmatched old clause with every
/// unmatched new one.
const MAX_SIMILARITY_PAIRS: usize = 40_000;

/// One row of the comparison: an old clause, a new clause, or both.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub old: Option<usize>,
    pub new: Option<usize>,
    pub matched_by: Option<MatchedBy>,
    pub similarity_percent: u32,
}

/// Matches `old` with `new` and lists the rows in the new edition's order.
pub fn align(old: &[ClauseText], new: &[ClauseText]) -> Vec<Pair> {
    let mut m = Matching {
        old_to_new: vec![None; old.len()],
        new_taken: vec![false; new.len()],
    };
    let new_by_anchor: HashMap<&str, usize> = new
        .iter()
        .enumerate()
        .map(|(i, c)| (c.anchor.as_str(), i))
        .collect();

    // 1. Same anchor, same text.
    for (o, clause) in old.iter().enumerate() {
        if let Some(&n) = new_by_anchor.get(clause.anchor.as_str())
            && new[n].text == clause.text
        {
            m.take(o, n, MatchedBy::Anchor, 100);
        }
    }
    // 2. Same text, once on each side, under another anchor.
    fn unique_texts<'a>(
        clauses: &'a [ClauseText],
        taken: &dyn Fn(usize) -> bool,
    ) -> HashMap<&'a str, usize> {
        let mut seen: HashMap<&str, Option<usize>> = HashMap::new();
        for (i, c) in clauses.iter().enumerate() {
            if taken(i) || c.text.trim().is_empty() {
                continue;
            }
            seen.entry(c.text.as_str())
                .and_modify(|slot| *slot = None)
                .or_insert(Some(i));
        }
        seen.into_iter()
            .filter_map(|(text, i)| i.map(|i| (text, i)))
            .collect()
    }
    let old_unique = unique_texts(old, &|i| m.old_to_new[i].is_some());
    let new_unique = unique_texts(new, &|i| m.new_taken[i]);
    let mut moved: Vec<(usize, usize)> = old_unique
        .iter()
        .filter_map(|(text, &o)| new_unique.get(text).map(|&n| (o, n)))
        .collect();
    moved.sort_unstable();
    for (o, n) in moved {
        m.take(o, n, MatchedBy::IdenticalText, 100);
    }
    // 3. Same anchor, similar text.
    m.same_anchor(old, new, &new_by_anchor, SAME_ANCHOR_PERCENT);
    // 4. Similar text under another anchor, most similar first.
    let free_old: Vec<usize> = (0..old.len())
        .filter(|&o| m.old_to_new[o].is_none())
        .collect();
    let free_new: Vec<usize> = (0..new.len()).filter(|&n| !m.new_taken[n]).collect();
    if free_old.len() * free_new.len() <= MAX_SIMILARITY_PAIRS {
        let mut candidates = Vec::new();
        for &o in &free_old {
            let a = old[o].text.chars().count();
            for &n in &free_new {
                let b = new[n].text.chars().count();
                // At best every character of the shorter text is shared.
                if a.min(b) * 2 * 100 < (a + b) * MOVED_PERCENT || a + b == 0 {
                    continue;
                }
                let shared = overlap(&old[o].text, &new[n].text);
                if shared.0 * 100 >= shared.1 * MOVED_PERCENT {
                    candidates.push((shared, o, n));
                }
            }
        }
        // Highest share first (compared as fractions, exactly), then in
        // document order.
        candidates.sort_by(|(x, o1, n1), (y, o2, n2)| {
            (y.0 * x.1)
                .cmp(&(x.0 * y.1))
                .then(o1.cmp(o2))
                .then(n1.cmp(n2))
        });
        for (shared, o, n) in candidates {
            if m.old_to_new[o].is_none() && !m.new_taken[n] {
                m.take(o, n, MatchedBy::SimilarText, percent(shared));
            }
        }
    }
    // 5. Same anchor, whatever the text.
    m.same_anchor(old, new, &new_by_anchor, 0);
    order(&m.old_to_new, new.len())
}

struct Matching {
    old_to_new: Vec<Option<(usize, MatchedBy, u32)>>,
    new_taken: Vec<bool>,
}

impl Matching {
    fn take(&mut self, o: usize, n: usize, by: MatchedBy, percent: u32) {
        self.old_to_new[o] = Some((n, by, percent));
        self.new_taken[n] = true;
    }

    /// Matches each unmatched old clause with the unmatched new clause of
    /// its anchor when at least `min_percent` of their text is in common.
    fn same_anchor(
        &mut self,
        old: &[ClauseText],
        new: &[ClauseText],
        new_by_anchor: &HashMap<&str, usize>,
        min_percent: usize,
    ) {
        for (o, clause) in old.iter().enumerate() {
            if self.old_to_new[o].is_some() {
                continue;
            }
            if let Some(&n) = new_by_anchor.get(clause.anchor.as_str())
                && !self.new_taken[n]
            {
                let shared = overlap(&clause.text, &new[n].text);
                if shared.0 * 100 >= shared.1 * min_percent {
                    self.take(o, n, MatchedBy::Anchor, percent(shared));
                }
            }
        }
    }
}

/// The rows in the new edition's order, each removed clause after the row
/// of the old clause before it.
fn order(old_to_new: &[Option<(usize, MatchedBy, u32)>], new_len: usize) -> Vec<Pair> {
    let mut new_rows: Vec<Pair> = (0..new_len)
        .map(|n| Pair {
            old: None,
            new: Some(n),
            matched_by: None,
            similarity_percent: 0,
        })
        .collect();
    // Removed clauses, grouped under the new row they follow (`None`: before all).
    let mut removed_after: BTreeMap<Option<usize>, Vec<usize>> = BTreeMap::new();
    let mut last_new: Option<usize> = None;
    for (o, matched) in old_to_new.iter().enumerate() {
        match matched {
            Some((n, by, pct)) => {
                new_rows[*n].old = Some(o);
                new_rows[*n].matched_by = Some(*by);
                new_rows[*n].similarity_percent = *pct;
                last_new = Some(*n);
            }
            None => removed_after.entry(last_new).or_default().push(o),
        }
    }
    let removed = |o: usize| Pair {
        old: Some(o),
        new: None,
        matched_by: None,
        similarity_percent: 0,
    };
    let mut out = Vec::new();
    out.extend(
        removed_after
            .remove(&None)
            .into_iter()
            .flatten()
            .map(removed),
    );
    for (n, row) in new_rows.into_iter().enumerate() {
        out.push(row);
        out.extend(
            removed_after
                .remove(&Some(n))
                .into_iter()
                .flatten()
                .map(removed),
        );
    }
    out
}

/// Where each old anchor went: the new anchor of every matched clause.
pub fn anchor_map(
    old: &[ClauseText],
    new: &[ClauseText],
    pairs: &[Pair],
) -> BTreeMap<String, String> {
    pairs
        .iter()
        .filter_map(|p| Some((old[p.old?].anchor.clone(), new[p.new?].anchor.clone())))
        .collect()
}
