//! Co-occurrence of codes within segments, over the whole study and in
//! each group: how often two codes are applied to the same segment, and
//! their Jaccard index. Parents aggregate their children; a pair where one
//! code is an ancestor of the other is left out (it co-occurs by
//! construction).

use std::collections::BTreeMap;

use polars::prelude::*;
use rayon::prelude::*;

use super::Input;
use super::coded::{CodedOptions, coded};
use super::groups::Groups;
use super::tree::CodeTree;

/// Bits of a code or group index in a pair key.
const KEY_BITS: u32 = 21;

/// Scope of the rows over the whole study.
pub const ALL: &str = "all";

crate::rows! {
    /// Two codes applied to common segments, over the study or in a group.
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
    pub struct CooccurrenceRow {
        /// "all" for the whole study, else a group name.
        pub scope: String,
        /// The first code, in codebook order.
        pub code_a: String,
        /// The second code.
        pub code_b: String,
        /// Segments coded with both.
        pub both: u32,
        /// Segments coded with code_a.
        pub a: u32,
        /// Segments coded with code_b.
        pub b: u32,
        /// both / (a + b - both), 0 to 1.
        pub jaccard: f64,
    }
}

/// Pairs of codes (`code_a` before `code_b` in codebook order) applied to
/// at least one common segment, sorted by scope ("all" first, then groups
/// by name), then code_a and code_b in codebook order.
pub fn cooccurrence(input: &Input) -> PolarsResult<Vec<CooccurrenceRow>> {
    let tree = CodeTree::from_frame(input.codes)?;
    let groups = Groups::of(input)?;
    let c = coded(input, &tree, &groups, CodedOptions::default())?;
    let u = |name: &str| crate::rows::u32s(&c, name);
    let seg: Vec<IdxSize> = c
        .column("seg")?
        .idx()?
        .iter()
        .map(Option::unwrap_or_default)
        .collect();
    let (code, group) = (u("code_idx")?, u("group_idx")?);
    if tree.len() as u64 >= 1 << KEY_BITS || groups.len() as u64 >= 1 << KEY_BITS {
        polars_bail!(ComputeError: "co-occurrence: too many codes or groups");
    }
    // The rows come by segment (then code): a run of rows is a segment.
    let n_codes = tree.len();
    let mut single = vec![0u32; (groups.len() + 1) * n_codes];
    let mut keys: Vec<u64> = Vec::new();
    let mut start = 0;
    while start < seg.len() {
        let mut end = start + 1;
        while end < seg.len() && seg[end] == seg[start] {
            end += 1;
        }
        let g = group[start] as usize;
        for i in start..end {
            single[(g + 1) * n_codes + code[i] as usize] += 1;
            single[code[i] as usize] += 1;
            for j in i + 1..end {
                let (a, b) = (code[i].min(code[j]), code[i].max(code[j]));
                if !tree.is_ancestor(a as usize, b as usize) {
                    keys.push(
                        (g as u64) << (2 * KEY_BITS) | u64::from(a) << KEY_BITS | u64::from(b),
                    );
                }
            }
        }
        start = end;
    }
    // Pairs counted per group, then summed over the study (scope 0).
    keys.par_sort_unstable();
    let mask = (1u64 << KEY_BITS) - 1;
    let mut both: BTreeMap<(usize, u32, u32), u32> = BTreeMap::new();
    for run in keys.chunk_by(|x, y| x == y) {
        let k = run[0];
        let (g, a, b) = (
            (k >> (2 * KEY_BITS)) as usize,
            ((k >> KEY_BITS) & mask) as u32,
            (k & mask) as u32,
        );
        let n = run.len() as u32;
        *both.entry((0, a, b)).or_default() += n;
        both.insert((g + 1, a, b), n);
    }
    let mut out = Vec::with_capacity(both.len());
    for (&(s, a, b), &n) in &both {
        let na = single[s * n_codes + a as usize];
        let nb = single[s * n_codes + b as usize];
        let union = f64::from(na) + f64::from(nb) - f64::from(n);
        out.push(CooccurrenceRow {
            scope: if s == 0 {
                ALL.to_owned()
            } else {
                groups.names[s - 1].clone()
            },
            code_a: tree.ids[a as usize].clone(),
            code_b: tree.ids[b as usize].clone(),
            both: n,
            a: na,
            b: nb,
            jaccard: if union > 0.0 {
                f64::from(n) / union
            } else {
                0.0
            },
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::SegmentKind::Turn;
    use crate::synthesis::testing::*;

    fn study() -> Study {
        let mut b = Builder::codes(&[
            ("cout", None),
            ("cout.loyer", Some("cout")),
            ("bruit", None),
            ("lien", None),
        ]);
        // G1: loyer+bruit, loyer, bruit+lien; G2: cout+bruit.
        let s1 = b.seg("s1", "G1", None, Turn, "t");
        b.code(&s1, "cout.loyer", "loyer", false);
        b.code(&s1, "bruit", "bruit", false);
        b.code(&s1, "bruit", "calme", false);
        let s2 = b.seg("s1", "G1", None, Turn, "t");
        b.code(&s2, "cout.loyer", "loyer", false);
        let s3 = b.seg("s1", "G1", None, Turn, "t");
        b.code(&s3, "bruit", "bruit", false);
        b.code(&s3, "lien", "lien", false);
        let s4 = b.seg("s2", "G2", None, Turn, "t");
        b.code(&s4, "cout", "cher", false);
        b.code(&s4, "bruit", "bruit", false);
        b.build()
    }

    #[test]
    fn pairs_count_segments_with_both_codes_and_their_jaccard() {
        let st = study();
        let typed = cooccurrence(&st.input()).unwrap();
        let c = frame(&typed);
        let rows: Vec<String> = (0..c.height())
            .map(|i| {
                format!(
                    "{} {}+{} {}/{}/{} {}",
                    strs(&c, "scope")[i],
                    strs(&c, "code_a")[i],
                    strs(&c, "code_b")[i],
                    strs(&c, "both")[i],
                    strs(&c, "a")[i],
                    strs(&c, "b")[i],
                    strs(&c, "jaccard")[i],
                )
            })
            .collect();
        assert_eq!(
            rows,
            [
                // all: cout in s1 s2 s4 (3), bruit in s1 s3 s4 (3), both 2.
                "all cout+bruit 2/3/3 0.500",
                "all cout.loyer+bruit 1/2/3 0.250",
                "all bruit+lien 1/3/1 0.333",
                "G1 cout+bruit 1/2/2 0.333",
                "G1 cout.loyer+bruit 1/2/2 0.333",
                "G1 bruit+lien 1/2/1 0.500",
                "G2 cout+bruit 1/1/1 1.000",
            ]
        );
        // cout and cout.loyer (an ancestor) never pair.
        assert!(!strs(&c, "code_b").contains(&"cout.loyer".to_owned()));
        assert_eq!(typed, cooccurrence(&shuffled(&st).input()).unwrap());
    }

    #[test]
    fn no_codings_no_pairs() {
        let mut b = Builder::codes(&[("a", None), ("b", None)]);
        b.seg("s", "G", None, Turn, "t");
        let c = frame(&cooccurrence(&b.build().input()).unwrap());
        assert_eq!((c.height(), c.width()), (0, 7));
    }
}
