//! Workshop methods across groups: the notes of each part of a method
//! (the weaknesses of every group's SWOT, the pains of every empathy map)
//! merged into items, ranked, and the tensions between opposite parts.
//!
//! # Items
//!
//! The segments with a method and a part (see `corpus::method`) are the
//! notes. The notes of one part of one method, from every group, are
//! merged as recommendations are (see [`super::recommendations`]: the same
//! stems, concepts of the glossary, codes, phrases, stance veto, average
//! linkage and threshold; no curation). A note that names only a theme or
//! is too short to act on, which a recommendation would not be, stays an
//! item of its own; a placeholder (`RAS`) or a pointer (`voir compte rendu`)
//! is no item. Each item carries its wording (the note closest to the
//! others), its groups, its support `k` of `n` where `n` counts the groups
//! that used the method, its dot votes and the codes of its notes.
//!
//! Items are ranked within their part by support (most groups first), then
//! votes (most first, none last), then the first note in the segments
//! table. Parts come in the method's order, then parts taken as written
//! (journey stages, brainstorm clusters) in the order they first appear;
//! methods in the order built-in (`swot`, `empathy`, `journey`,
//! `brainstorm`), then the study's own by name.
//!
//! # Tensions
//!
//! A code, or one of its ancestors, on notes of a part by some groups and
//! on notes of the opposite part (strengths and weaknesses, opportunities
//! and threats, pains and gains, or the study's `opposite`) by others: a
//! tension when the two sides do not hold the same groups (one group alone
//! on both sides is no tension). The most specific codes say where the
//! tension is: an ancestor is a tension only when none of its descendants
//! is (isolation a pain here, community a gain there make a tension of
//! their parent). Tensions come by method, pair of parts, then codebook
//! order.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use polars::prelude::*;

use super::Input;
use super::recommendations::{self, GroupVotes};
use super::tree::CodeTree;
use crate::corpus::ingest::slug;
use crate::corpus::method::{Method, MethodSet};
use crate::rows::strs;

crate::rows! {
    /// One item of a part of a workshop method, merged across groups.
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
    pub struct MethodItemRow {
        /// The method: swot, empathy, journey, brainstorm or the study's own.
        pub method: String,
        /// The method's name in reports (SWOT, Empathy map…).
        pub method_label: String,
        /// The part: strengths, weaknesses… (swot), says, pains… (empathy), a stage or cluster as written.
        pub part: String,
        /// The part's name in reports (Strengths…).
        pub part_label: String,
        /// The part's place in the method, from 1.
        pub part_order: u32,
        /// Rank within the part, from 1: support, then votes.
        pub rank: u32,
        /// "swot.weaknesses.1": the method, the part and the rank.
        pub item_id: String,
        /// The representative wording: the note closest to the others.
        pub wording: String,
        /// The groups with a note of it in this part, sorted.
        pub groups: Vec<String>,
        /// Distinct groups (k).
        pub support: u32,
        /// Groups that used the method (n).
        pub groups_total: u32,
        /// Dot votes of its notes; empty when none has votes.
        pub votes_total: Option<i64>,
        /// Votes per group, for the groups with votes.
        pub votes_by_group: Vec<GroupVotes>,
        /// The codes of its notes, in codebook order.
        pub codes: Vec<String>,
        /// Notes merged into it.
        pub members: u32,
        /// The segments of its notes: representative first, then by similarity.
        pub segment_ids: Vec<String>,
    }
}

crate::rows! {
    /// One note of a workshop method and the item it belongs to.
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
    pub struct MethodMemberRow {
        /// The item.
        pub item_id: String,
        /// The method.
        pub method: String,
        /// The part.
        pub part: String,
        /// The note's segment.
        pub segment_id: String,
        /// Its group.
        pub group: String,
        /// Its text as written.
        pub text: String,
        /// Its dot votes.
        pub votes: Option<i64>,
        /// Similarity to the item's wording, 0 to 1 (1 for the representative).
        pub similarity_to_wording: f64,
    }
}

crate::rows! {
    /// A theme placed in opposite parts of a method by different groups.
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
    pub struct TensionRow {
        /// The method.
        pub method: String,
        /// The code.
        pub code: String,
        /// Its label.
        pub label: String,
        /// The first part of the pair (strengths, opportunities, pains…).
        pub part_a: String,
        /// The opposite part (weaknesses, threats, gains…).
        pub part_b: String,
        /// Groups with a note of the code in part_a, sorted.
        pub groups_a: Vec<String>,
        /// Groups with a note of the code in part_b, sorted.
        pub groups_b: Vec<String>,
        /// Those notes' segments in part_a.
        pub segments_a: Vec<String>,
        /// Those notes' segments in part_b.
        pub segments_b: Vec<String>,
    }
}

/// The method tables of a study.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Methods {
    /// Items by method, part, rank.
    pub items: Vec<MethodItemRow>,
    /// Notes by item, then similarity (highest first).
    pub members: Vec<MethodMemberRow>,
    /// Tensions by method, pair of parts, codebook order.
    pub tensions: Vec<TensionRow>,
}

/// One note: its row in the segments frame, group and part.
struct Note<'a> {
    row: usize,
    group: &'a str,
    part: &'a str,
}

/// The notes of one method, by part in report order.
struct MethodNotes<'a> {
    method: Method,
    parts: Vec<(&'a str, Vec<Note<'a>>)>,
    groups: BTreeSet<&'a str>,
}

/// Merges the notes of every method's parts and finds the tensions.
pub fn methods(input: &Input) -> PolarsResult<Methods> {
    let segs = input.segments;
    let schema = segs.schema();
    if segs.height() == 0 || !schema.contains("method") || !schema.contains("part") {
        return Ok(Methods::default());
    }
    let (methods, parts, groups) = (
        strs(segs, "method")?,
        strs(segs, "part")?,
        strs(segs, "group")?,
    );
    let set = input.methods.cloned().unwrap_or_default();
    let mut by_method: BTreeMap<&str, Vec<Note>> = BTreeMap::new();
    for row in 0..segs.height() {
        let (Some(m), Some(p), Some(g)) = (methods[row], parts[row], groups[row]) else {
            continue;
        };
        by_method.entry(m).or_default().push(Note {
            row,
            group: g,
            part: p,
        });
    }
    if by_method.is_empty() {
        return Ok(Methods::default());
    }
    let order = method_order(&set, by_method.keys().copied());
    let tree = CodeTree::from_frame(input.codes)?;
    let codes = note_codes(input, &tree)?;
    let ids = strs(segs, "segment_id")?;
    let mut out = Methods::default();
    for name in order {
        let Some(notes) = by_method.remove(name) else {
            continue;
        };
        let m = set.get(name).unwrap_or_else(|| Method {
            name: name.to_owned(),
            label: name.to_owned(),
            parts: Vec::new(),
            open: true,
        });
        let grouped = group_parts(m, notes);
        for (k, (part, notes)) in grouped.parts.iter().enumerate() {
            merge_part(input, &grouped, k, part, notes, &mut out)?;
        }
        out.tensions.extend(tensions(&grouped, &codes, &tree, &ids));
    }
    Ok(out)
}

/// Methods in report order: built-in, then the study's by name, then any
/// other name found (a method removed from the study since its import).
fn method_order<'a>(set: &MethodSet, found: impl Iterator<Item = &'a str>) -> Vec<&'a str> {
    let names = set.names();
    let mut found: Vec<&str> = found.collect();
    found.sort_by_key(|f| (names.iter().position(|n| n == f).unwrap_or(usize::MAX), *f));
    found
}

/// A method's notes by part: its defined parts in order, then the others in
/// the order they first appear.
fn group_parts<'a>(method: Method, notes: Vec<Note<'a>>) -> MethodNotes<'a> {
    let mut parts: Vec<(&str, Vec<Note>)> = Vec::new();
    let mut groups = BTreeSet::new();
    for n in notes {
        groups.insert(n.group);
        match parts.iter_mut().find(|(p, _)| *p == n.part) {
            Some((_, v)) => v.push(n),
            None => parts.push((n.part, vec![n])),
        }
    }
    // Stable: parts taken as written keep their order of appearance.
    parts.sort_by_key(|(p, _)| method.order(p).unwrap_or(usize::MAX));
    MethodNotes {
        method,
        parts,
        groups,
    }
}

/// The codes on each note (by segment row), each with its ancestors, as
/// sorted codebook indices.
fn note_codes(input: &Input, tree: &CodeTree) -> PolarsResult<HashMap<usize, Vec<usize>>> {
    let mut out: HashMap<usize, Vec<usize>> = HashMap::new();
    let codings = input.codings;
    if codings.height() == 0 {
        return Ok(out);
    }
    let ids = strs(input.segments, "segment_id")?;
    let methods = strs(input.segments, "method")?;
    let row_of: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .filter(|(i, _)| methods[*i].is_some())
        .filter_map(|(i, id)| Some(((*id)?, i)))
        .collect();
    let seg = strs(codings, "segment_id")?;
    let code = strs(codings, "code")?;
    for (s, c) in seg.iter().zip(code.iter()) {
        let (Some(&row), Some(c)) = (s.and_then(|s| row_of.get(s)), c.and_then(|c| tree.get(c)))
        else {
            continue;
        };
        let v = out.entry(row).or_default();
        v.push(c);
        v.extend(tree.ancestors(c));
    }
    for v in out.values_mut() {
        v.sort_unstable();
        v.dedup();
    }
    Ok(out)
}

/// Merges the notes of one part, as recommendations are merged, and adds
/// its items and members to `out`.
fn merge_part(
    input: &Input,
    m: &MethodNotes,
    part_index: usize,
    part: &str,
    notes: &[Note],
    out: &mut Methods,
) -> PolarsResult<()> {
    let rows: Vec<IdxSize> = notes.iter().map(|n| n.row as IdxSize).collect();
    let mut sub = input.segments.take(&IdxCa::from_vec("idx".into(), rows))?;
    // The merge reads the notes as recommendations; nothing else of the
    // study is in the frame, so no evidence weighs on the ranking.
    let kinds: Vec<&str> = vec!["recommendation"; sub.height()];
    sub.with_column(Column::new("kind".into(), kinds))?;
    let cache = super::Cache::default();
    let sub_input = Input {
        segments: &sub,
        cache: &cache,
        curation: None,
        ..*input
    };
    let merged = recommendations::merge(&sub_input, &[])?;
    let method = &m.method;
    // Defined parts keep their place in the method; parts taken as
    // written follow.
    let place = method
        .order(part)
        .unwrap_or(method.parts.len() + part_index);
    let part_order = u32::try_from(place + 1).unwrap_or(u32::MAX);
    let groups_total = u32::try_from(m.groups.len()).unwrap_or(u32::MAX);
    let base = format!("{}.{}", method.name, slug(part));
    let base = if out.items.iter().any(|i| {
        i.method == method.name && i.part != part && i.item_id.starts_with(&format!("{base}."))
    }) {
        format!("{base}-{part_order}")
    } else {
        base
    };

    // Items: the merged notes, and the notes a recommendation would not be
    // (a theme name, a short word) as items of their own.
    struct Draft {
        row: recommendations::RecommendationRow,
        notes: Vec<recommendations::MemberRow>,
        first: usize,
    }
    // Each note's row in the part's frame: the order of the segments table.
    let sub_ids = strs(&sub, "segment_id")?;
    let position: HashMap<&str, usize> = sub_ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| Some(((*id)?, i)))
        .collect();
    let mut notes_of: HashMap<String, Vec<recommendations::MemberRow>> = HashMap::new();
    for m in merged.members.rows()? {
        notes_of.entry(m.rec_id.clone()).or_default().push(m);
    }
    let mut drafts: Vec<Draft> = merged
        .recommendations
        .iter()
        .map(|r| {
            let notes = notes_of.remove(&r.rec_id).unwrap_or_default();
            let first = notes
                .iter()
                .map(|n| {
                    position
                        .get(n.segment_id.as_str())
                        .copied()
                        .unwrap_or(usize::MAX)
                })
                .min()
                .unwrap_or(usize::MAX);
            Draft {
                row: r.clone(),
                notes,
                first,
            }
        })
        .collect();
    let votes = sub.column("votes")?.cast(&DataType::Int64)?;
    let votes = votes.i64()?;
    let sub_codes = sub_codes(input, &sub)?;
    for np in &merged.non_proposals {
        if !matches!(np.reason.as_str(), "heading" | "too short") {
            continue;
        }
        let at = position
            .get(np.segment_id.as_str())
            .copied()
            .unwrap_or(usize::MAX);
        let v = votes.get(at);
        drafts.push(Draft {
            row: recommendations::RecommendationRow {
                wording: np.text.clone(),
                groups: vec![np.group.clone()],
                support: 1,
                votes_total: v,
                votes_by_group: v
                    .map(|votes| {
                        vec![GroupVotes {
                            group: np.group.clone(),
                            votes,
                        }]
                    })
                    .unwrap_or_default(),
                codes: sub_codes
                    .get(np.segment_id.as_str())
                    .cloned()
                    .unwrap_or_default(),
                members: 1,
                ..Default::default()
            },
            notes: vec![recommendations::MemberRow {
                segment_id: np.segment_id.clone(),
                group: np.group.clone(),
                text: np.text.clone(),
                votes: v,
                similarity_to_wording: 1.0,
                ..Default::default()
            }],
            first: at,
        });
    }
    drafts.sort_by(|a, b| {
        b.row
            .support
            .cmp(&a.row.support)
            .then_with(|| match (a.row.votes_total, b.row.votes_total) {
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.first.cmp(&b.first))
    });
    for (k, d) in drafts.into_iter().enumerate() {
        let rank = u32::try_from(k + 1).unwrap_or(u32::MAX);
        let item_id = format!("{base}.{rank}");
        out.items.push(MethodItemRow {
            method: method.name.clone(),
            method_label: method.label.clone(),
            part: part.to_owned(),
            part_label: method.part_label(part).to_owned(),
            part_order,
            rank,
            item_id: item_id.clone(),
            wording: d.row.wording,
            groups: d.row.groups,
            support: d.row.support,
            groups_total,
            votes_total: d.row.votes_total,
            votes_by_group: d.row.votes_by_group,
            codes: d.row.codes,
            members: d.row.members,
            segment_ids: d.notes.iter().map(|n| n.segment_id.clone()).collect(),
        });
        out.members
            .extend(d.notes.into_iter().map(|n| MethodMemberRow {
                item_id: item_id.clone(),
                method: method.name.clone(),
                part: part.to_owned(),
                segment_id: n.segment_id,
                group: n.group,
                text: n.text,
                votes: n.votes,
                similarity_to_wording: n.similarity_to_wording,
            }));
    }
    Ok(())
}

/// The leaf codes applied to each note of `sub`, by segment id, in
/// codebook order.
fn sub_codes(input: &Input, sub: &DataFrame) -> PolarsResult<HashMap<String, Vec<String>>> {
    let tree = CodeTree::from_frame(input.codes)?;
    let ids: BTreeSet<&str> = strs(sub, "segment_id")?.into_iter().flatten().collect();
    let mut out: HashMap<String, Vec<usize>> = HashMap::new();
    if input.codings.height() > 0 {
        let seg = strs(input.codings, "segment_id")?;
        let code = strs(input.codings, "code")?;
        for (s, c) in seg.iter().zip(code.iter()) {
            if let (Some(s), Some(c)) = (s, c.and_then(|c| tree.get(c)))
                && ids.contains(s)
            {
                out.entry((*s).to_owned()).or_default().push(c);
            }
        }
    }
    Ok(out
        .into_iter()
        .map(|(s, mut v)| {
            v.sort_unstable();
            v.dedup();
            (s, v.into_iter().map(|i| tree.ids[i].clone()).collect())
        })
        .collect())
}

/// One side of a tension: groups and segments.
#[derive(Default, Clone, PartialEq)]
struct Side<'a> {
    groups: BTreeSet<&'a str>,
    segments: Vec<&'a str>,
}

/// The tensions of one method (see the module documentation).
fn tensions(
    m: &MethodNotes,
    codes: &HashMap<usize, Vec<usize>>,
    tree: &CodeTree,
    ids: &[Option<&str>],
) -> Vec<TensionRow> {
    let mut out = Vec::new();
    for (a, b) in m.method.opposites() {
        let side = |part: &str| -> BTreeMap<usize, Side> {
            let mut by_code: BTreeMap<usize, Side> = BTreeMap::new();
            let Some((_, notes)) = m.parts.iter().find(|(p, _)| *p == part) else {
                return by_code;
            };
            for n in notes {
                for &c in codes.get(&n.row).into_iter().flatten() {
                    let s = by_code.entry(c).or_default();
                    s.groups.insert(n.group);
                    s.segments.extend(ids[n.row]);
                }
            }
            by_code
        };
        let (sa, sb) = (side(&a), side(&b));
        let found: Vec<(usize, &Side, &Side)> = sa
            .iter()
            .filter_map(|(c, x)| {
                let y = sb.get(c)?;
                let crosses = x.groups.iter().any(|g| !y.groups.contains(g))
                    || y.groups.iter().any(|g| !x.groups.contains(g));
                crosses.then_some((*c, x, y))
            })
            .collect();
        for &(c, x, y) in &found {
            // The most specific codes say where the tension is.
            if found.iter().any(|&(d, _, _)| tree.is_ancestor(c, d)) {
                continue;
            }
            let names = |s: &Side| s.groups.iter().map(|g| (*g).to_owned()).collect();
            let segments = |s: &Side| s.segments.iter().map(|g| (*g).to_owned()).collect();
            out.push(TensionRow {
                method: m.method.name.clone(),
                code: tree.ids[c].clone(),
                label: tree.labels[c].clone(),
                part_a: a.clone(),
                part_b: b.clone(),
                groups_a: names(x),
                groups_b: names(y),
                segments_a: segments(x),
                segments_b: segments(y),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::SegmentKind;
    use crate::synthesis::testing::Builder;

    /// A note of `method`'s `part` by `group`, coded with `codes`.
    #[allow(clippy::too_many_arguments)]
    fn note(
        b: &mut Builder,
        source: &str,
        group: &str,
        method: &str,
        part: &str,
        text: &str,
        votes: Option<i64>,
        codes: &[&str],
    ) {
        let id = b.seg(source, group, None, SegmentKind::Note, text);
        b.set(&id, |seg| {
            seg.method = Some(method.into());
            seg.part = Some(part.into());
            seg.votes = votes;
        });
        for c in codes {
            b.code(&id, c, "x", false);
        }
    }

    /// Two groups' SWOTs and one group's empathy map.
    fn study() -> Builder {
        let mut b = Builder::codes(&[
            ("cout", None),
            ("cout.loyer", Some("cout")),
            ("acces", None),
        ]);
        let n = &mut b;
        note(
            n,
            "l",
            "Lille",
            "swot",
            "weaknesses",
            "Le loyer du local est trop cher",
            Some(2),
            &["cout.loyer"],
        );
        note(
            n,
            "m",
            "Marseille",
            "swot",
            "weaknesses",
            "Loyer du local trop cher pour nous",
            Some(3),
            &["cout.loyer"],
        );
        note(
            n,
            "m",
            "Marseille",
            "swot",
            "strengths",
            "Un loyer encore raisonnable au centre",
            None,
            &["cout.loyer"],
        );
        note(
            n,
            "l",
            "Lille",
            "swot",
            "strengths",
            "Près du métro",
            Some(1),
            &["acces"],
        );
        note(n, "l", "Lille", "swot", "threats", "RAS", None, &[]);
        note(
            n,
            "l",
            "Lille",
            "swot",
            "threats",
            "Hausse des charges du local en 2027",
            None,
            &["cout"],
        );
        note(
            n,
            "l",
            "Lille",
            "empathy",
            "pains",
            "Le trajet depuis la gare",
            None,
            &["acces"],
        );
        b
    }

    fn run(b: &Builder) -> Methods {
        methods(&b.build().input()).unwrap()
    }

    #[test]
    fn notes_of_one_part_merge_across_groups_and_rank_by_support_then_votes() {
        let out = run(&study());
        type Item<'a> = (&'a str, u32, &'a str, u32, u32, Option<i64>);
        let got: Vec<Item> = out
            .items
            .iter()
            .map(|i| {
                (
                    i.item_id.as_str(),
                    i.part_order,
                    i.wording.as_str(),
                    i.support,
                    i.groups_total,
                    i.votes_total,
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                ("swot.strengths.1", 1, "Près du métro", 1, 2, Some(1)),
                (
                    "swot.strengths.2",
                    1,
                    "Un loyer encore raisonnable au centre",
                    1,
                    2,
                    None
                ),
                // The wording: the closest to the others, then the most voted.
                (
                    "swot.weaknesses.1",
                    2,
                    "Loyer du local trop cher pour nous",
                    2,
                    2,
                    Some(5)
                ),
                (
                    "swot.threats.1",
                    4,
                    "Hausse des charges du local en 2027",
                    1,
                    2,
                    None
                ),
                ("empathy.pains.1", 7, "Le trajet depuis la gare", 1, 1, None),
            ]
        );
        let weak = &out.items[2];
        assert_eq!(weak.groups, ["Lille", "Marseille"]);
        assert_eq!(weak.codes, ["cout.loyer"]);
        assert_eq!(weak.segment_ids.len(), 2);
        assert_eq!(weak.part_label, "Weaknesses");
        assert_eq!(weak.method_label, "SWOT");
        // Every note is a member of one item, but the placeholder.
        assert_eq!(out.members.len(), 6);
        assert!(out.members.iter().all(|m| m.text != "RAS"));
        assert_eq!(
            out.members
                .iter()
                .filter(|m| m.item_id == "swot.weaknesses.1")
                .count(),
            2
        );
    }

    #[test]
    fn the_same_theme_in_opposite_parts_by_different_groups_is_a_tension() {
        let out = run(&study());
        type Tension<'a> = (&'a str, &'a str, &'a str, Vec<String>, Vec<String>);
        let got: Vec<Tension> = out
            .tensions
            .iter()
            .map(|t| {
                (
                    t.code.as_str(),
                    t.part_a.as_str(),
                    t.part_b.as_str(),
                    t.groups_a.clone(),
                    t.groups_b.clone(),
                )
            })
            .collect();
        // The rent: a strength in Marseille, a weakness in Lille and
        // Marseille; its parent `cout` is left out, and so is a parent
        // tension of a code's children alone.
        assert_eq!(
            got,
            [(
                "cout.loyer",
                "strengths",
                "weaknesses",
                vec!["Marseille".to_owned()],
                vec!["Lille".to_owned(), "Marseille".to_owned()]
            )]
        );
        assert_eq!(out.tensions[0].segments_b.len(), 2);
        assert_eq!(out.tensions[0].label, "Label cout.loyer");
    }

    #[test]
    fn children_on_either_side_make_a_tension_of_their_parent() {
        let mut b = Builder::codes(&[
            ("lien", None),
            ("lien.isolement", Some("lien")),
            ("lien.communaute", Some("lien")),
        ]);
        note(
            &mut b,
            "m",
            "Marseille",
            "empathy",
            "pains",
            "Isolé l'été",
            None,
            &["lien.isolement"],
        );
        note(
            &mut b,
            "b",
            "Bruxelles",
            "empathy",
            "gains",
            "A community",
            None,
            &["lien.communaute"],
        );
        let out = run(&b);
        let got: Vec<(&str, &str, &str)> = out
            .tensions
            .iter()
            .map(|t| (t.code.as_str(), t.part_a.as_str(), t.part_b.as_str()))
            .collect();
        assert_eq!(got, [("lien", "pains", "gains")]);
    }

    #[test]
    fn one_group_on_both_sides_is_no_tension() {
        let mut b = Builder::codes(&[("acces", None)]);
        for (p, t) in [
            ("strengths", "Près du métro"),
            ("weaknesses", "Le métro est en travaux"),
        ] {
            note(&mut b, "l", "Lille", "swot", p, t, None, &["acces"]);
        }
        let out = run(&b);
        assert!(out.tensions.is_empty(), "{:?}", out.tensions);
        assert_eq!(out.items.len(), 2);
    }

    #[test]
    fn a_study_without_methods_has_none_and_same_input_same_output() {
        let b = Builder::codes(&[("cout", None)]);
        assert_eq!(run(&b), Methods::default());
        assert_eq!(run(&study()), run(&study()));
    }
}
