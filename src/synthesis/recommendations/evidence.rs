//! What backs a merged recommendation in each supporting group: the coded
//! segments (other than recommendations) that share one of its codes, and
//! the best quotes for its codes.

use std::collections::HashMap;

use crate::synthesis::quotes::QuoteRow;
use crate::synthesis::tree::CodeTree;

/// Quotes kept per merged recommendation and supporting group.
pub(crate) const QUOTES_PER_GROUP: usize = 3;

/// The coded segments of each group, by code: a segment coded with a code
/// counts for that code and its ancestors.
#[derive(Debug, Default)]
pub(crate) struct Coded {
    /// Segment rows by (group index, code index), sorted.
    by_cell: HashMap<(u32, u32), Vec<u32>>,
}

impl Coded {
    /// Indexes segments: `(row, group index, codes as applied)`.
    pub fn new(tree: &CodeTree, segments: impl Iterator<Item = (u32, u32, Vec<u32>)>) -> Self {
        let mut by_cell: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
        for (row, group, codes) in segments {
            let mut all: Vec<u32> = codes
                .iter()
                .flat_map(|&c| {
                    std::iter::once(c).chain(tree.ancestors(c as usize).map(|a| a as u32))
                })
                .collect();
            all.sort_unstable();
            all.dedup();
            for c in all {
                by_cell.entry((group, c)).or_default().push(row);
            }
        }
        for rows in by_cell.values_mut() {
            rows.sort_unstable();
        }
        Coded { by_cell }
    }

    /// Distinct segments of `group` coded with any of `codes` (or a
    /// descendant).
    pub fn count(&self, group: u32, codes: &[u32]) -> u32 {
        let lists: Vec<&Vec<u32>> = codes
            .iter()
            .filter_map(|&c| self.by_cell.get(&(group, c)))
            .collect();
        let n = match lists.as_slice() {
            [] => 0,
            [one] => one.len(),
            many => {
                let mut rows: Vec<u32> = many.iter().flat_map(|l| l.iter().copied()).collect();
                rows.sort_unstable();
                rows.dedup();
                rows.len()
            }
        };
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

/// One row of the quotes frame.
#[derive(Debug, Clone)]
struct Quote {
    code: u32,
    rank: u32,
    score: f64,
    segment_id: String,
}

/// The quotes of the study by group name.
#[derive(Debug, Default)]
pub(crate) struct Quotes {
    by_group: HashMap<String, Vec<Quote>>,
}

impl Quotes {
    /// Indexes the quotes by group; quotes of codes missing from the
    /// codebook are left out.
    pub fn new(quotes: &[QuoteRow], tree: &CodeTree) -> Self {
        let mut by_group: HashMap<String, Vec<Quote>> = HashMap::new();
        for q in quotes {
            let Some(c) = tree.get(&q.code) else { continue };
            by_group.entry(q.group.clone()).or_default().push(Quote {
                code: c as u32,
                rank: q.rank,
                score: q.score,
                segment_id: q.segment_id.clone(),
            });
        }
        Quotes { by_group }
    }

    /// The best quotes of `group` for `codes` (a quote of a code or of one
    /// of its descendants), at most [`QUOTES_PER_GROUP`], each segment
    /// once: by quote rank, then score (highest first), then code in
    /// codebook order, then segment id.
    pub fn best(&self, tree: &CodeTree, group: &str, codes: &[u32]) -> Vec<&str> {
        let Some(quotes) = self.by_group.get(group) else {
            return Vec::new();
        };
        let mut hits: Vec<&Quote> = quotes
            .iter()
            .filter(|q| {
                std::iter::once(q.code as usize)
                    .chain(tree.ancestors(q.code as usize))
                    .any(|c| codes.binary_search(&(c as u32)).is_ok())
            })
            .collect();
        hits.sort_by(|a, b| {
            a.rank
                .cmp(&b.rank)
                .then_with(|| b.score.total_cmp(&a.score))
                .then_with(|| a.code.cmp(&b.code))
                .then_with(|| a.segment_id.cmp(&b.segment_id))
        });
        let mut out: Vec<&str> = Vec::new();
        for q in hits {
            if out.len() == QUOTES_PER_GROUP {
                break;
            }
            if !out.contains(&q.segment_id.as_str()) {
                out.push(&q.segment_id);
            }
        }
        out
    }
}
