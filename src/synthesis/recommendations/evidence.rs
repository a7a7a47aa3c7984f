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
    /// Each group's distinct code sets (codes and their ancestors, as
    /// bit sets of `words` words) with the number of segments that have
    /// each: what a count over several codes reads when that is less than
    /// their row lists.
    sets: HashMap<u32, Vec<(Vec<u64>, u32)>>,
    /// Words of 64 codes in a bit set.
    words: usize,
}

impl Coded {
    /// Indexes segments: `(row, group index, codes as applied)`.
    pub fn new<'a>(tree: &CodeTree, segments: impl Iterator<Item = (u32, u32, &'a [u32])>) -> Self {
        let words = tree.len().div_ceil(64).max(1);
        let mut by_cell: HashMap<(u32, u32), Vec<u32>> = HashMap::new();
        let mut distinct: HashMap<u32, HashMap<Vec<u64>, u32>> = HashMap::new();
        for (row, group, codes) in segments {
            let mut all: Vec<u32> = codes
                .iter()
                .flat_map(|&c| {
                    std::iter::once(c).chain(tree.ancestors(c as usize).map(|a| a as u32))
                })
                .collect();
            all.sort_unstable();
            all.dedup();
            if all.is_empty() {
                continue;
            }
            *distinct
                .entry(group)
                .or_default()
                .entry(bits(&all, words))
                .or_default() += 1;
            for c in all {
                by_cell.entry((group, c)).or_default().push(row);
            }
        }
        for rows in by_cell.values_mut() {
            rows.sort_unstable();
        }
        let sets = distinct
            .into_iter()
            .map(|(g, sets)| {
                let mut sets: Vec<(Vec<u64>, u32)> = sets.into_iter().collect();
                sets.sort_unstable();
                (g, sets)
            })
            .collect();
        Coded {
            by_cell,
            sets,
            words,
        }
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
                let rows: usize = many.iter().map(|l| l.len()).sum();
                let sets = self.sets.get(&group).map_or(&[][..], Vec::as_slice);
                if sets.len() * self.words < rows {
                    // The segments whose code set meets the query.
                    let query = bits(codes, self.words);
                    sets.iter()
                        .filter(|(set, _)| set.iter().zip(&query).any(|(a, b)| a & b != 0))
                        .map(|(_, n)| *n as usize)
                        .sum()
                } else {
                    let mut rows: Vec<u32> = many.iter().flat_map(|l| l.iter().copied()).collect();
                    rows.sort_unstable();
                    rows.dedup();
                    rows.len()
                }
            }
        };
        u32::try_from(n).unwrap_or(u32::MAX)
    }
}

/// Code indices as a bit set of `words` words (indices past it left out).
fn bits(codes: &[u32], words: usize) -> Vec<u64> {
    let mut out = vec![0u64; words];
    for &c in codes {
        if let Some(w) = out.get_mut(c as usize / 64) {
            *w |= 1 << (c % 64);
        }
    }
    out
}

/// One row of the quotes frame.
#[derive(Debug, Clone)]
struct Quote {
    code: u32,
    rank: u32,
    score: f64,
    /// Its segment, in [`Quotes::segments`].
    segment: u32,
}

/// The quotes of the study by group name.
#[derive(Debug, Default)]
pub(crate) struct Quotes {
    by_group: HashMap<String, Vec<Quote>>,
    /// The quoted segments' ids, each once, sorted.
    segments: Vec<String>,
}

impl Quotes {
    /// Indexes the quotes by group; quotes of codes missing from the
    /// codebook are left out.
    pub fn new(quotes: &[QuoteRow], tree: &CodeTree) -> Self {
        let kept: Vec<(&QuoteRow, usize)> = quotes
            .iter()
            .filter_map(|q| Some((q, tree.get(&q.code)?)))
            .collect();
        let mut segments: Vec<String> = kept.iter().map(|(q, _)| q.segment_id.clone()).collect();
        segments.sort_unstable();
        segments.dedup();
        let mut by_group: HashMap<String, Vec<Quote>> = HashMap::new();
        for (q, c) in kept {
            let segment = segments
                .binary_search(&q.segment_id)
                .expect("every quoted segment is listed") as u32;
            by_group.entry(q.group.clone()).or_default().push(Quote {
                code: c as u32,
                rank: q.rank,
                score: q.score,
                segment,
            });
        }
        Quotes { by_group, segments }
    }

    /// The quoted segments' ids, sorted: [`Quotes::best`] gives indices
    /// into them.
    pub fn segments(&self) -> &[String] {
        &self.segments
    }

    /// The best quotes of `group` for `codes` (a quote of a code or of one
    /// of its descendants), at most [`QUOTES_PER_GROUP`], each segment
    /// once: by quote rank, then score (highest first), then code in
    /// codebook order, then segment id. Their segments, as indices into
    /// [`Quotes::segments`].
    pub fn best(&self, tree: &CodeTree, group: &str, codes: &[u32]) -> Vec<u32> {
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
        // Segment indices sort as the segment ids do.
        hits.sort_by(|a, b| {
            a.rank
                .cmp(&b.rank)
                .then_with(|| b.score.total_cmp(&a.score))
                .then_with(|| a.code.cmp(&b.code))
                .then_with(|| a.segment.cmp(&b.segment))
        });
        let mut out: Vec<u32> = Vec::new();
        for q in hits {
            if out.len() == QUOTES_PER_GROUP {
                break;
            }
            if !out.contains(&q.segment) {
                out.push(q.segment);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use polars::prelude::*;

    use super::*;

    /// A codebook of `n` codes where code `i > 0` has parent `(i - 1) / 3`
    /// for one code in four (a tree several levels deep), others top level.
    fn tree(n: usize) -> CodeTree {
        let ids: Vec<String> = (0..n).map(|i| format!("c{i}")).collect();
        let parents: Vec<Option<String>> = (0..n)
            .map(|i| (i > 0 && i % 4 == 0).then(|| format!("c{}", (i - 1) / 3)))
            .collect();
        let frame = df!(
            "code_id" => &ids,
            "label" => &ids,
            "parent_id" => parents,
        )
        .unwrap();
        CodeTree::from_frame(&frame).unwrap()
    }

    #[test]
    fn counts_over_several_codes_are_the_distinct_segments_either_way() {
        // 130 codes: bit sets of three words. Group 0 has few distinct code
        // sets (read from the sets), group 1 many (read from the lists).
        let tree = tree(130);
        let mut state = 7u64;
        let mut next = |m: u64| {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (state >> 33) % m
        };
        let mut segments = Vec::new();
        for row in 0..3000u32 {
            let group = row % 2;
            let codes: Vec<u32> = if group == 0 {
                vec![[3, 70, 129][next(3) as usize], [8, 64][next(2) as usize]]
            } else {
                (0..1 + next(4)).map(|_| next(130) as u32).collect()
            };
            segments.push((row, group, codes));
        }
        let coded = Coded::new(
            &tree,
            segments.iter().map(|(r, g, c)| (*r, *g, c.as_slice())),
        );
        let brute = |group: u32, codes: &[u32]| {
            segments
                .iter()
                .filter(|(_, g, cs)| {
                    *g == group
                        && cs.iter().any(|&c| {
                            std::iter::once(c as usize)
                                .chain(tree.ancestors(c as usize))
                                .any(|a| codes.contains(&(a as u32)))
                        })
                })
                .count() as u32
        };
        for query in [
            vec![3, 8],
            vec![0, 64, 129],
            vec![1, 2, 70],
            vec![5, 21, 64, 100],
            vec![128, 129],
            vec![3],
            vec![],
        ] {
            for group in 0..3 {
                assert_eq!(
                    coded.count(group, &query),
                    brute(group, &query),
                    "group {group}, codes {query:?}"
                );
            }
        }
        assert!(
            coded.sets[&0].len() * coded.words < 1500,
            "group 0 reads its sets"
        );
    }
}
