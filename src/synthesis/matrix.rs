//! The theme-by-group matrix: the chart of the framework method (Ritchie
//! and Spencer), one row per code and group, with the counts behind each
//! cell and the shares that make groups of different sizes comparable.
//! [`explain_cell`] lists the segments behind one cell.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::Input;
use super::common::{CodeTree, CodedOptions, Groups, SegmentKey, cells, display_names, share};

/// The matrix, one row per (code, group) in codebook order then group
/// name, every code and group present (zeros where nothing was coded):
///
/// | column | type | meaning |
/// |---|---|---|
/// | `code`, `label` | str | the code |
/// | `depth` | u32 | 0 for a top-level code |
/// | `group` | str | the group |
/// | `segments` | u32 | segments coded with the code or a descendant |
/// | `participants` | u32 | distinct participants among them |
/// | `sources` | u32 | distinct sources among them |
/// | `group_segments` | u32 | segments of the group |
/// | `group_participants` | u32 | participants of the group (participants table and segment speakers) |
/// | `participant_share` | f64 | participants / group_participants; null when the group has none |
/// | `segment_share` | f64 | segments / group_segments |
/// | `negated` | u32 | codings of the code or a descendant flagged negated |
///
/// Raw counts are not comparable across groups; the shares are.
pub fn matrix(input: &Input) -> PolarsResult<DataFrame> {
    let tree = CodeTree::from_frame(input.codes)?;
    let groups = Groups::of(input)?;
    let cells = cells(input, &tree, &groups)?;
    let n = tree.len() * groups.len();
    let mut code = Vec::with_capacity(n);
    let mut label = Vec::with_capacity(n);
    let mut depth = Vec::with_capacity(n);
    let mut group = Vec::with_capacity(n);
    let (mut segments, mut participants, mut sources) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut group_segments, mut group_participants) =
        (Vec::with_capacity(n), Vec::with_capacity(n));
    let (mut participant_share, mut segment_share, mut negated) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for c in 0..tree.len() {
        for g in 0..groups.len() {
            let cell = cells
                .get(&(c as u32, g as u32))
                .copied()
                .unwrap_or_default();
            code.push(tree.ids[c].as_str());
            label.push(tree.labels[c].as_str());
            depth.push(tree.depths[c]);
            group.push(groups.names[g].as_str());
            segments.push(cell.segments);
            participants.push(cell.participants);
            sources.push(cell.sources);
            group_segments.push(groups.segments[g]);
            group_participants.push(groups.participants[g]);
            participant_share.push(share(cell.participants, groups.participants[g]));
            segment_share.push(share(cell.segments, groups.segments[g]));
            negated.push(cell.negated);
        }
    }
    DataFrame::new_infer_height(vec![
        Column::new("code".into(), code),
        Column::new("label".into(), label),
        Column::new("depth".into(), depth),
        Column::new("group".into(), group),
        Column::new("segments".into(), segments),
        Column::new("participants".into(), participants),
        Column::new("sources".into(), sources),
        Column::new("group_segments".into(), group_segments),
        Column::new("group_participants".into(), group_participants),
        Column::new("participant_share".into(), participant_share),
        Column::new("segment_share".into(), segment_share),
        Column::new("negated".into(), negated),
    ])
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

/// The segments behind one cell of the matrix: those of `group` coded with
/// `code` or a descendant, in segment order (source id, position). Columns:
/// `segment_id, source_id` (str), `participant` (display name, or null),
/// `line, time_ms` (u64), `text` (str), `codes` (the codes applied,
/// codebook order, comma-separated), `matched` (each coding as
/// `code: «matched text» start–end`, with ` (negated)` where flagged, in
/// text order, `; `-separated), `rules` (distinct rules, `; `-separated),
/// `codings` (u32), `negated` (u32: of them, flagged negated). An unknown
/// code or group is an error.
pub fn explain_cell(input: &Input, code: &str, group: &str) -> PolarsResult<DataFrame> {
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
    let hits = super::common::coded(input, &tree, &groups, opts)?;
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
    let n = order.len();
    let (mut o_sid, mut o_src, mut o_who) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut o_line, mut o_time, mut o_text) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut o_codes, mut o_matched, mut o_rules) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let (mut o_codings, mut o_negated) = (Vec::with_capacity(n), Vec::with_capacity(n));
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
        let matched: Vec<String> = cs
            .iter()
            .map(|c| {
                let flag = if c.negated { " (negated)" } else { "" };
                format!("{}: «{}» {}–{}{flag}", c.code, c.matched, c.start, c.end)
            })
            .collect();
        o_sid.push(sid.get(i).map(str::to_owned));
        o_src.push(source.get(i).map(str::to_owned));
        o_who.push(who.get(i).and_then(|w| names.get(w)).cloned());
        o_line.push(line.get(i));
        o_time.push(time.get(i));
        o_text.push(text.get(i).map(str::to_owned));
        o_codes.push(
            codes
                .iter()
                .map(|&k| tree.ids[k].as_str())
                .collect::<Vec<_>>()
                .join(","),
        );
        o_matched.push(matched.join("; "));
        o_rules.push(rules.join("; "));
        o_codings.push(cs.len() as u32);
        o_negated.push(cs.iter().filter(|c| c.negated).count() as u32);
    }
    DataFrame::new_infer_height(vec![
        Column::new("segment_id".into(), o_sid),
        Column::new("source_id".into(), o_src),
        Column::new("participant".into(), o_who),
        Column::new("line".into(), o_line),
        Column::new("time_ms".into(), o_time),
        Column::new("text".into(), o_text),
        Column::new("codes".into(), o_codes),
        Column::new("matched".into(), o_matched),
        Column::new("rules".into(), o_rules),
        Column::new("codings".into(), o_codings),
        Column::new("negated".into(), o_negated),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::SegmentKind::Turn;
    use crate::synthesis::common::testing::*;

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
        let m = matrix(&study.input()).unwrap();
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
        let m = matrix(&study.input()).unwrap();
        assert_eq!(strs(&m, "group_participants"), ["0"]);
        assert_eq!(strs(&m, "participant_share"), ["∅"]);
        assert_eq!(strs(&m, "segment_share"), ["1.000"]);
    }

    #[test]
    fn codes_without_codings_and_empty_studies_give_zeros_or_nothing() {
        let mut b = Builder::codes(&[("a", None), ("b", None)]);
        b.seg("doc", "G", None, Turn, "texte");
        let study = b.build();
        let m = matrix(&study.input()).unwrap();
        assert_eq!(strs(&m, "segments"), ["0", "0"]);
        let empty = Builder::codes(&[("a", None)]).build();
        let m = matrix(&empty.input()).unwrap();
        assert_eq!(m.height(), 0);
        assert_eq!(m.width(), 12);
    }

    #[test]
    fn matrix_is_the_same_for_shuffled_rows() {
        let study = unequal_groups();
        let a = matrix(&study.input()).unwrap();
        assert_same(&a, &matrix(&study.input()).unwrap());
        assert_same(&a, &matrix(&shuffled(&study).input()).unwrap());
    }

    #[test]
    fn explain_cell_lists_the_segments_and_spans_behind_a_cell() {
        let study = unequal_groups();
        let e = explain_cell(&study.input(), "cout", "A").unwrap();
        assert_eq!(strs(&e, "segment_id"), ["srcA:1", "srcA:3"]);
        assert_eq!(strs(&e, "participant"), ["a0", "a0"]);
        assert_eq!(strs(&e, "codes"), ["cout,cout.loyer", "cout.loyer"]);
        assert_eq!(
            strs(&e, "matched"),
            [
                "cout.loyer: «loyer» 0–5; cout: «cher» 10–15",
                "cout.loyer: «loyer» 0–5 (negated)"
            ]
        );
        assert_eq!(strs(&e, "rules"), ["loyer*; cher", "loyer*"]);
        assert_eq!(strs(&e, "negated"), ["0", "1"]);
        let again = explain_cell(&shuffled(&study).input(), "cout", "A").unwrap();
        assert_same(&e, &again);
        assert!(explain_cell(&study.input(), "nope", "A").is_err());
        assert!(explain_cell(&study.input(), "cout", "Z").is_err());
        assert_eq!(
            explain_cell(&study.input(), "bruit", "A").unwrap().height(),
            0
        );
    }
}
