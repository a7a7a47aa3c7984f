//! Convergence: for each code, how many groups raised it (k of n) and a
//! class (all groups, most groups, some groups, one group, no group).
//!
//! A group raised a code when there is evidence of it: at least
//! `raised_min_segments` of its segments (default 2) are coded with the
//! code or a descendant, by at least `raised_min_participants` distinct
//! participants (default 2) when the group names its participants, and the
//! share of the group reaching it is at least `raised_min_share`: the
//! participant share when the group has participants, else the segment
//! share. One stray match is not a theme raised. Every row states the
//! minimums it used. Classes, with k groups raising the code out of n:
//!
//! - k = n: "all groups" (also with a single group: the `note` column then
//!   says convergence is trivial);
//! - k ≥ 2 and k ≥ `most_groups_share` × n: "most groups";
//! - k ≥ 2: "some groups";
//! - k = 1: "one group" (even when one group is half the study);
//! - k = 0: "no group".

use polars::prelude::*;

use super::Input;
use super::coded::{cells, share};
use super::groups::Groups;
use super::tree::CodeTree;

/// Note on every row when the study has a single group.
pub const ONE_GROUP_NOTE: &str = "one group: convergence is trivial";

crate::rows! {
    /// How many groups raised one code, and its convergence class.
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
    pub struct ConvergenceRow {
        /// The code id.
        pub code: String,
        /// The code's label.
        pub label: String,
        /// Depth in the code tree: 0 for a top-level code.
        pub depth: u32,
        /// Groups that raised the code (k).
        pub groups_raised: u32,
        /// Groups in the study (n).
        pub groups_total: u32,
        /// The groups that raised it, sorted.
        pub raised_by: Vec<String>,
        /// "all groups", "most groups", "some groups", "one group" or "no group".
        pub class: String,
        /// The group, when exactly one raised it.
        pub specific_to: Option<String>,
        /// "one group: convergence is trivial" when the study has a single group.
        pub note: Option<String>,
        /// The evidence a group needs to have raised the code: coded segments…
        pub min_segments: u32,
        /// …and distinct participants among them, for a group that names its participants.
        pub min_participants: u32,
    }
}

/// One row per code in codebook order (see the module doc for what
/// "raised" means and for the classes).
pub fn convergence(input: &Input) -> PolarsResult<Vec<ConvergenceRow>> {
    let tree = CodeTree::from_frame(input.codes)?;
    let groups = Groups::of(input)?;
    let cells = cells(input, &tree, &groups)?;
    let cfg = input.config;
    let n = groups.len();
    let min_segments = cfg.raised_min_segments.max(1);
    let min_participants = cfg.raised_min_participants.max(1);
    let note = (n == 1).then(|| ONE_GROUP_NOTE.to_owned());
    let mut out = Vec::with_capacity(tree.len());
    for c in 0..tree.len() {
        let raised: Vec<String> = (0..n)
            .filter(|&g| {
                let cell = cells
                    .get(&(c as u32, g as u32))
                    .copied()
                    .unwrap_or_default();
                let named = groups.participants[g] > 0;
                let s = if named {
                    share(cell.participants, groups.participants[g])
                } else {
                    share(cell.segments, groups.segments[g])
                };
                cell.segments as usize >= min_segments
                    && (!named || cell.participants as usize >= min_participants)
                    && s.unwrap_or(0.0) >= cfg.raised_min_share
            })
            .map(|g| groups.names[g].clone())
            .collect();
        let k = raised.len();
        out.push(ConvergenceRow {
            code: tree.ids[c].clone(),
            label: tree.labels[c].clone(),
            depth: tree.depths[c],
            groups_raised: k as u32,
            groups_total: n as u32,
            class: classify(k, n, cfg.most_groups_share).to_owned(),
            specific_to: (k == 1).then(|| raised[0].clone()),
            raised_by: raised,
            note: note.clone(),
            min_segments: min_segments as u32,
            min_participants: min_participants as u32,
        });
    }
    Ok(out)
}

/// The convergence class of a code raised by `k` groups of `n`.
pub fn classify(k: usize, n: usize, most_groups_share: f64) -> &'static str {
    if k == 0 {
        "no group"
    } else if k == n {
        "all groups"
    } else if k >= 2 && k as f64 >= most_groups_share * n as f64 {
        "most groups"
    } else if k >= 2 {
        "some groups"
    } else {
        "one group"
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::SegmentKind::Turn;
    use crate::synthesis::testing::*;

    #[test]
    fn classes_follow_k_of_n() {
        let c = |k, n| classify(k, n, 0.5);
        assert_eq!(c(3, 3), "all groups");
        assert_eq!(c(1, 1), "all groups");
        assert_eq!(c(2, 3), "most groups");
        assert_eq!(c(2, 4), "most groups");
        assert_eq!(c(2, 5), "some groups");
        assert_eq!(c(1, 2), "one group");
        assert_eq!(c(1, 3), "one group");
        assert_eq!(c(0, 3), "no group");
        assert_eq!(classify(3, 4, 0.8), "some groups");
    }

    /// The convergence with one coded segment enough (the rules of the
    /// counts; the evidence thresholds have a test of their own).
    fn convergence(input: &Input) -> PolarsResult<Vec<ConvergenceRow>> {
        let mut config = input.config.clone();
        config.raised_min_segments = 1;
        config.raised_min_participants = 1;
        super::convergence(&Input {
            config: Box::leak(Box::new(config)),
            ..*input
        })
    }

    fn raised(rows: &[ConvergenceRow]) -> Vec<String> {
        rows.iter().map(|r| r.raised_by.join(",")).collect()
    }

    /// Groups A, B, C with 2, 2 and 4 participants; `x` raised by everyone
    /// of A, one participant of B and C; `y` only in A; `z` nowhere.
    fn three_groups() -> Study {
        let mut b = Builder::codes(&[("x", None), ("y", None), ("z", None)]);
        for (g, n) in [("A", 2), ("B", 2), ("C", 4)] {
            for i in 0..n {
                b = b.participant(g, &format!("p{i}"));
            }
        }
        for (g, who) in [("A", "p0"), ("A", "p1"), ("B", "p0"), ("C", "p0")] {
            let s = b.seg(&format!("src{g}"), g, Some(who), Turn, "x");
            b.code(&s, "x", "x", false);
        }
        let s = b.seg("srcA", "A", Some("p0"), Turn, "y");
        b.code(&s, "y", "y", false);
        b.build()
    }

    #[test]
    fn convergence_counts_the_groups_that_raised_a_code() {
        let study = three_groups();
        let rows = convergence(&study.input()).unwrap();
        let c = frame(&rows);
        assert_eq!(strs(&c, "code"), ["x", "y", "z"]);
        assert_eq!(strs(&c, "groups_raised"), ["3", "1", "0"]);
        assert_eq!(strs(&c, "groups_total"), ["3", "3", "3"]);
        assert_eq!(raised(&rows), ["A,B,C", "A", ""]);
        assert_eq!(strs(&c, "class"), ["all groups", "one group", "no group"]);
        assert_eq!(strs(&c, "specific_to"), ["∅", "A", "∅"]);
        assert_eq!(strs(&c, "note"), ["∅", "∅", "∅"]);
        assert_eq!(rows, convergence(&shuffled(&study).input()).unwrap());
    }

    #[test]
    fn thresholds_use_the_participant_share() {
        let mut study = three_groups();
        // x: A 2/2, B 1/2, C 1/4.
        study.config.raised_min_share = 0.5;
        let rows = convergence(&study.input()).unwrap();
        let c = frame(&rows);
        assert_eq!(raised(&rows), ["A,B", "A", ""]);
        assert_eq!(strs(&c, "class")[0], "most groups");
        study.config.raised_min_share = 0.6;
        let rows = convergence(&study.input()).unwrap();
        let c = frame(&rows);
        assert_eq!(strs(&c, "class")[0], "one group");
        assert_eq!(strs(&c, "specific_to")[0], "A");
        study.config.raised_min_share = 0.0;
        study.config.raised_min_segments = 2;
        study.config.raised_min_participants = 1;
        let rows = super::convergence(&study.input()).unwrap();
        assert_eq!(raised(&rows), ["A", "", ""]);
    }

    #[test]
    fn a_single_group_converges_trivially_with_a_note() {
        let mut b = Builder::codes(&[("x", None), ("y", None)]).participant("A", "p0");
        let s = b.seg("src", "A", Some("p0"), Turn, "x");
        b.code(&s, "x", "x", false);
        let study = b.build();
        let rows = convergence(&study.input()).unwrap();
        let c = frame(&rows);
        assert_eq!(strs(&c, "class"), ["all groups", "no group"]);
        assert_eq!(strs(&c, "specific_to"), ["A", "∅"]);
        assert_eq!(strs(&c, "note"), [ONE_GROUP_NOTE, ONE_GROUP_NOTE]);
    }

    #[test]
    fn a_group_without_participants_uses_the_segment_share() {
        let mut b = Builder::codes(&[("x", None)]);
        let s = b.seg("src", "A", None, Turn, "x");
        b.seg("src", "A", None, Turn, "rien");
        b.seg("src", "A", None, Turn, "rien");
        b.code(&s, "x", "x", false);
        let mut study = b.build();
        study.config.raised_min_share = 0.3;
        let rows = convergence(&study.input()).unwrap();
        let c = frame(&rows);
        assert_eq!(strs(&c, "groups_raised"), ["1"]);
        study.config.raised_min_share = 0.4;
        let rows = convergence(&study.input()).unwrap();
        let c = frame(&rows);
        assert_eq!(strs(&c, "groups_raised"), ["0"]);
    }

    #[test]
    fn no_segments_gives_no_group_everywhere() {
        let study = Builder::codes(&[("x", None)]).build();
        let rows = convergence(&study.input()).unwrap();
        let c = frame(&rows);
        assert_eq!(strs(&c, "class"), ["no group"]);
        assert_eq!(strs(&c, "groups_total"), ["0"]);
    }

    #[test]
    fn one_stray_match_is_not_a_theme_raised() {
        // A: x in two segments by two people; B: x once; C: x twice by one.
        let mut b = Builder::codes(&[("x", None)]);
        for (g, n) in [("A", 2), ("B", 2), ("C", 2)] {
            for i in 0..n {
                b = b.participant(g, &format!("p{i}"));
            }
        }
        for (g, who) in [
            ("A", "p0"),
            ("A", "p1"),
            ("B", "p0"),
            ("C", "p0"),
            ("C", "p0"),
        ] {
            let s = b.seg(&format!("src{g}"), g, Some(who), Turn, "x");
            b.code(&s, "x", "x", false);
        }
        let study = b.build();
        let rows = super::convergence(&study.input()).unwrap();
        assert_eq!(raised(&rows), ["A"]);
        assert_eq!((rows[0].min_segments, rows[0].min_participants), (2, 2));
        assert_eq!(rows[0].class, "one group");
    }
}
