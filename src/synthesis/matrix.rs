//! The theme-by-group matrix: the chart of the framework method (Ritchie
//! and Spencer), one row per code and group, with the counts behind each
//! cell and the shares that make groups of different sizes comparable.
//! [`explain_cell`] lists the segments behind one cell.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::Input;
use super::coded::{CodedOptions, SegmentKey, cells, share};
use super::groups::{Groups, display_names};
use super::tree::CodeTree;

crate::rows! {
    /// One cell of the theme-by-group matrix: a code in a group, with the
    /// counts behind it and the shares that make groups of different sizes
    /// comparable (raw counts are not).
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
    pub struct MatrixRow {
        /// The code id.
        pub code: String,
        /// The code's label.
        pub label: String,
        /// Depth in the code tree: 0 for a top-level code.
        pub depth: u32,
        /// The group.
        pub group: String,
        /// Segments of the group coded with the code or a descendant.
        pub segments: u32,
        /// Distinct participants among those segments.
        pub participants: u32,
        /// Distinct sources among those segments.
        pub sources: u32,
        /// Segments of the group.
        pub group_segments: u32,
        /// Participants of the group (participants table and segment speakers).
        pub group_participants: u32,
        /// participants / group_participants, 0 to 1; empty when the group names no participant.
        pub participant_share: Option<f64>,
        /// segments / group_segments, 0 to 1.
        pub segment_share: Option<f64>,
        /// Codings of the code or a descendant flagged negated.
        pub negated: u32,
    }
}

/// The matrix, one row per (code, group) in codebook order then group
/// name, every code and group present (zeros where nothing was coded).
pub fn matrix(input: &Input) -> PolarsResult<Vec<MatrixRow>> {
    let tree = CodeTree::from_frame(input.codes)?;
    let groups = Groups::of(input)?;
    let cells = cells(input, &tree, &groups)?;
    let mut out = Vec::with_capacity(tree.len() * groups.len());
    for c in 0..tree.len() {
        for g in 0..groups.len() {
            let cell = cells
                .get(&(c as u32, g as u32))
                .copied()
                .unwrap_or_default();
            out.push(MatrixRow {
                code: tree.ids[c].clone(),
                label: tree.labels[c].clone(),
                depth: tree.depths[c],
                group: groups.names[g].clone(),
                segments: cell.segments,
                participants: cell.participants,
                sources: cell.sources,
                group_segments: groups.segments[g],
                group_participants: groups.participants[g],
                participant_share: share(cell.participants, groups.participants[g]),
                segment_share: share(cell.segments, groups.segments[g]),
                negated: cell.negated,
            });
        }
    }
    Ok(out)
}

/// One coding behind a cell of the matrix, ordered by position in the text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Span<'a> {
    start: u32,
    end: u32,
    code: &'a str,
    matched: &'a str,
    rule: &'a str,
    negated: bool,
}

crate::rows! {
    /// One coding in a segment behind a matrix cell.
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
    pub struct CellMatch {
        /// The code applied.
        pub code: String,
        /// The text it matched.
        pub matched: String,
        /// Start, in code points.
        pub start: u32,
        /// End, in code points (exclusive).
        pub end: u32,
        /// Whether the match is negated.
        pub negated: bool,
    }
}

crate::rows! {
    /// One segment behind a matrix cell, with the codings that put it there.
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
    pub struct CellSegment {
        /// The segment.
        pub segment_id: String,
        /// Its source.
        pub source_id: String,
        /// The speaker's display name (the pseudonym where pseudonymised).
        pub participant: Option<String>,
        /// Line in the source.
        pub line: Option<u64>,
        /// Start time in the source, in milliseconds.
        pub time_ms: Option<u64>,
        /// The segment's text.
        pub text: String,
        /// The codes applied under the cell's code, in codebook order.
        pub codes: Vec<String>,
        /// Each coding under the cell's code, in text order.
        pub matched: Vec<CellMatch>,
        /// The distinct rules that matched.
        pub rules: Vec<String>,
        /// Codings under the cell's code.
        pub codings: u32,
        /// Of them, negated.
        pub negated: u32,
    }
}

/// The segments behind one cell of the matrix: those of `group` coded with
/// `code` or a descendant, in segment order (source id, position), each
/// with its codings under `code` in text order. An unknown code or group
/// is an error.
pub fn explain_cell(input: &Input, code: &str, group: &str) -> PolarsResult<Vec<CellSegment>> {
    let tree = CodeTree::from_frame(input.codes)?;
    let groups = Groups::of(input)?;
    let Some(c) = tree.get(code) else {
        polars_bail!(ComputeError: "unknown code \"{code}\"");
    };
    let Some(g) = groups.get(group) else {
        polars_bail!(ComputeError: "no group \"{group}\" in the segments");
    };
    // Which segments: the expanded codings restricted to the cell.
    let opts = CodedOptions {
        code: Some(c),
        group: Some(g),
        ..Default::default()
    };
    let hits = super::coded::coded(input, &tree, &groups, opts)?;
    let seg_rows: Vec<IdxSize> = hits.column("seg")?.idx()?.into_no_null_iter().collect();
    let segs = input
        .segments
        .take(&IdxCa::from_vec("seg".into(), seg_rows))?;
    // Their codings under the code.
    let under: std::collections::HashSet<&str> = (0..tree.len())
        .filter(|&i| i == c || tree.is_ancestor(c, i))
        .map(|i| tree.ids[i].as_str())
        .collect();
    let ids: std::collections::HashMap<&str, usize> = segs
        .column("segment_id")?
        .str()?
        .iter()
        .enumerate()
        .filter_map(|(i, s)| Some((s?, i)))
        .collect();
    let cod = input.codings;
    let mut per_seg: BTreeMap<usize, Vec<Span>> = BTreeMap::new();
    if cod.height() > 0 && !ids.is_empty() {
        let (sid, ccode) = (cod.column("segment_id")?.str()?, cod.column("code")?.str()?);
        let (start, end) = (cod.column("start")?.u32()?, cod.column("end")?.u32()?);
        let (matched, rule) = (cod.column("matched")?.str()?, cod.column("rule")?.str()?);
        let neg = cod.column("negated")?.bool()?;
        for i in 0..cod.height() {
            let (Some(s), Some(k)) = (sid.get(i), ccode.get(i)) else {
                continue;
            };
            let (Some(&row), true) = (ids.get(s), under.contains(k)) else {
                continue;
            };
            per_seg.entry(row).or_default().push(Span {
                start: start.get(i).unwrap_or_default(),
                end: end.get(i).unwrap_or_default(),
                code: k,
                matched: matched.get(i).unwrap_or_default(),
                rule: rule.get(i).unwrap_or_default(),
                negated: neg.get(i).unwrap_or_default(),
            });
        }
    }
    // Segment order.
    let source = segs.column("source_id")?.str()?;
    let position = segs.column("position")?.u32()?;
    let sid = segs.column("segment_id")?.str()?;
    let key = |i: usize| -> SegmentKey<'_> {
        (
            source.get(i).unwrap_or_default(),
            position.get(i).unwrap_or_default(),
            sid.get(i).unwrap_or_default(),
        )
    };
    let mut order: Vec<usize> = (0..segs.height()).collect();
    order.sort_by_key(|&i| key(i));
    let names = display_names(input)?;
    let who = segs.column("participant_id")?.str()?;
    let (line, time) = (segs.column("line")?.u64()?, segs.column("time_ms")?.u64()?);
    let text = segs.column("text")?.str()?;
    let mut out = Vec::with_capacity(order.len());
    for &i in &order {
        let mut cs = per_seg.remove(&i).unwrap_or_default();
        cs.sort();
        let mut codes: Vec<usize> = cs.iter().filter_map(|c| tree.get(c.code)).collect();
        codes.sort_unstable();
        codes.dedup();
        let mut rules: Vec<&str> = Vec::new();
        for c in &cs {
            if !rules.contains(&c.rule) {
                rules.push(c.rule);
            }
        }
        out.push(CellSegment {
            segment_id: sid.get(i).unwrap_or_default().to_owned(),
            source_id: source.get(i).unwrap_or_default().to_owned(),
            participant: who.get(i).and_then(|w| names.get(w)).cloned(),
            line: line.get(i),
            time_ms: time.get(i),
            text: text.get(i).unwrap_or_default().to_owned(),
            codes: codes.iter().map(|&k| tree.ids[k].clone()).collect(),
            matched: cs
                .iter()
                .map(|c| CellMatch {
                    code: c.code.to_owned(),
                    matched: c.matched.to_owned(),
                    start: c.start,
                    end: c.end,
                    negated: c.negated,
                })
                .collect(),
            rules: rules.iter().map(|r| (*r).to_owned()).collect(),
            codings: cs.len() as u32,
            negated: cs.iter().filter(|c| c.negated).count() as u32,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::SegmentKind::Turn;
    use crate::synthesis::testing::*;

    /// Group A has 2 participants, group B 10; one participant of each
    /// raises `cout.loyer`.
    fn unequal_groups() -> Study {
        let mut b = Builder::codes(&[
            ("cout", None),
            ("cout.loyer", Some("cout")),
            ("bruit", None),
        ])
        .participant("A", "a0")
        .participant("A", "a1");
        for i in 0..10 {
            b = b.participant("B", &format!("b{i}"));
        }
        let a = b.seg("srcA", "A", Some("a0"), Turn, "Le loyer est trop cher.");
        b.seg("srcA", "A", Some("a1"), Turn, "Rien à dire.");
        let a2 = b.seg("srcA", "A", Some("a0"), Turn, "Le loyer, encore.");
        b.code(&a, "cout.loyer", "loyer*", false);
        b.code(&a, "cout", "cher", false);
        b.code(&a2, "cout.loyer", "loyer*", true);
        let x = b.seg("srcB", "B", Some("b3"), Turn, "Le loyer.");
        b.code(&x, "cout.loyer", "loyer*", false);
        for i in 0..9 {
            b.seg("srcB", "B", Some(&format!("b{i}")), Turn, "Autre chose.");
        }
        b.build()
    }

    #[test]
    fn shares_make_groups_of_different_sizes_comparable() {
        let study = unequal_groups();
        let m = frame(&matrix(&study.input()).unwrap());
        assert_eq!(m.height(), 6, "3 codes x 2 groups");
        assert_eq!(
            strs(&m, "code"),
            ["cout", "cout", "cout.loyer", "cout.loyer", "bruit", "bruit"]
        );
        assert_eq!(strs(&m, "group"), ["A", "B", "A", "B", "A", "B"]);
        // cout aggregates cout.loyer, once per segment.
        assert_eq!(strs(&m, "segments"), ["2", "1", "2", "1", "0", "0"]);
        assert_eq!(strs(&m, "participants"), ["1", "1", "1", "1", "0", "0"]);
        assert_eq!(
            strs(&m, "group_participants"),
            ["2", "10", "2", "10", "2", "10"]
        );
        assert_eq!(strs(&m, "participant_share")[..2], ["0.500", "0.100"]);
        assert_eq!(strs(&m, "segment_share")[..2], ["0.667", "0.100"]);
        assert_eq!(strs(&m, "negated"), ["1", "0", "1", "0", "0", "0"]);
        assert_eq!(strs(&m, "depth"), ["0", "0", "1", "1", "0", "0"]);
        assert_eq!(strs(&m, "sources")[..2], ["1", "1"]);
    }

    #[test]
    fn a_group_without_participants_has_a_null_participant_share() {
        let mut b = Builder::codes(&[("a", None)]);
        let s = b.seg("doc", "G", None, Turn, "texte");
        b.code(&s, "a", "texte", false);
        let study = b.build();
        let m = frame(&matrix(&study.input()).unwrap());
        assert_eq!(strs(&m, "group_participants"), ["0"]);
        assert_eq!(strs(&m, "participant_share"), ["∅"]);
        assert_eq!(strs(&m, "segment_share"), ["1.000"]);
    }

    #[test]
    fn codes_without_codings_and_empty_studies_give_zeros_or_nothing() {
        let mut b = Builder::codes(&[("a", None), ("b", None)]);
        b.seg("doc", "G", None, Turn, "texte");
        let study = b.build();
        let m = frame(&matrix(&study.input()).unwrap());
        assert_eq!(strs(&m, "segments"), ["0", "0"]);
        let empty = Builder::codes(&[("a", None)]).build();
        let m = frame(&matrix(&empty.input()).unwrap());
        assert_eq!(m.height(), 0);
        assert_eq!(m.width(), 12);
    }

    #[test]
    fn matrix_is_the_same_for_shuffled_rows() {
        let study = unequal_groups();
        let a = matrix(&study.input()).unwrap();
        assert_eq!(a, matrix(&study.input()).unwrap());
        assert_eq!(a, matrix(&shuffled(&study).input()).unwrap());
    }

    #[test]
    fn explain_cell_lists_the_segments_and_spans_behind_a_cell() {
        let study = unequal_groups();
        let e = explain_cell(&study.input(), "cout", "A").unwrap();
        let ids: Vec<&str> = e.iter().map(|s| s.segment_id.as_str()).collect();
        assert_eq!(ids, ["srcA:1", "srcA:3"]);
        assert_eq!(e[0].participant.as_deref(), Some("a0"));
        assert_eq!(e[0].codes, ["cout", "cout.loyer"]);
        assert_eq!(e[1].codes, ["cout.loyer"]);
        let spans = |s: &CellSegment| -> Vec<(String, String, u32, u32, bool)> {
            s.matched
                .iter()
                .map(|m| (m.code.clone(), m.matched.clone(), m.start, m.end, m.negated))
                .collect()
        };
        assert_eq!(
            spans(&e[0]),
            [
                ("cout.loyer".into(), "loyer".into(), 0, 5, false),
                ("cout".into(), "cher".into(), 10, 15, false)
            ]
        );
        assert_eq!(
            spans(&e[1]),
            [("cout.loyer".into(), "loyer".into(), 0, 5, true)]
        );
        assert_eq!(e[0].rules, ["loyer*", "cher"]);
        assert_eq!((e[0].negated, e[1].negated), (0, 1));
        let again = explain_cell(&shuffled(&study).input(), "cout", "A").unwrap();
        assert_eq!(e, again);
        assert!(explain_cell(&study.input(), "nope", "A").is_err());
        assert!(explain_cell(&study.input(), "cout", "Z").is_err());
        assert_eq!(explain_cell(&study.input(), "bruit", "A").unwrap().len(), 0);
    }
}
