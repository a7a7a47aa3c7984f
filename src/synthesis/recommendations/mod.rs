//! Recommendations merged across groups: the recommendations that say the
//! same thing (same codes, similar stemmed wording) become one, with its
//! supporting groups, votes, priority, evidence and actionability, ranked
//! for the board.
//!
//! # Similarity
//!
//! Every segment of kind `recommendation` is an item with two sets:
//!
//! - its **codes**, as applied by the coder (leaf level: parents are not
//!   added, since a shared parent would make every pair of siblings look
//!   alike: "lower the rent" and "income-based fees" are both `cout`);
//! - its **stems**: the coder's tokens, stop words removed (French and
//!   English lists, by the segment's `lang`, with the words every proposal
//!   uses: `proposer`, `demander`, `mettre en place`), French plurals
//!   reduced, the Snowball stem of the segment's language, accents folded;
//!   a word within three tokens after a negator (`ne … pas`, `sans`, `not`)
//!   is a different stem, so that a proposal and its negation differ.
//!
//! `similarity(a, b) = w × jaccard(codes) + (1 − w) × cosine(stems)`, with
//! `w = merge_code_weight`. The cosine weighs each stem by its inverse
//! document frequency among the study's recommendations,
//! `idf = ln((1 + N) / (1 + df)) + 1`, so that a shared rare word counts
//! more than a shared common one; a phrase both share (stems adjacent in
//! both texts: `services publics`, `horaires d'ouverture`) counts as one
//! word, weighed as its rarest stem, since one shared phrase is one shared
//! idea. When either recommendation has no code, the similarity is the
//! wording cosine alone. Two recommendations are similar when the
//! similarity reaches `merge_threshold`.
//!
//! With the defaults (`w` 0.5, threshold 0.6) two recommendations with the
//! same codes need a wording cosine of at least 0.2: the same themes alone
//! never merge (a crèche partnership and a children's corner are both
//! childcare), nor, therefore, do two languages without a shared word.
//!
//! # Blocking
//!
//! Pairs are not all compared. A pair is compared when both blocking sets
//! share a stem; a recommendation's blocking set holds its stems used by at
//! most 400 recommendations and its 2 rarest stems whatever their
//! frequency. When two recommendations with disjoint codes cannot come
//! near the threshold (`1 − w` below 90% of it, as with the defaults), two
//! coded recommendations are compared only if they also share a code.
//! Codes block on their own (when used by at most 400 recommendations)
//! only if `w ≥ threshold`, the one case where codes alone can reach the
//! threshold: otherwise a pair without a shared stem has similarity at
//! most `w`. Compared pairs grow about linearly with the number of
//! recommendations.
//!
//! # Clustering
//!
//! Average linkage over the compared pairs: the two clusters with the
//! highest mean similarity over all their member pairs merge, while that
//! mean reaches the threshold; pairs not compared, or below 90% of the
//! threshold, count as 0. A recommendation similar to one member only does
//! not join (no chaining). Ties go to the earliest recommendations in the
//! segments table. Two recommendations of one group may merge (a group may
//! state one idea twice); support counts distinct groups.
//!
//! # The merged recommendation
//!
//! Its wording is the member closest to the others (highest summed
//! similarity to them; ties to the most votes, then the first in the
//! segments table). Its codes are its members' codes. Its evidence is, in
//! each supporting group, the coded segments other than recommendations
//! that carry one of its codes or a descendant, and the best 3 quotes for
//! those codes. It is actionable when some member names an owner, a
//! measurable target and a deadline, in the `owner`, `indicator` and
//! `deadline` columns or in its wording (an owner: a body or role after a
//! determiner, `le conseil d'administration`, `l'équipe`, `the board`, or
//! `CA`, `État`; a target: a number or a percentage that is not a date; a
//! deadline: a year 20xx, a date, `d'ici six mois`).
//!
//! # Ranking
//!
//! The board table ranks merged recommendations by supporting groups
//! (most first), then evidence segments (most first), then total votes
//! (most first, none last), then the position of their first member in the
//! segments table. `rec_id` numbers them in that order: `R001`, `R002`…

mod action;
mod cluster;
mod evidence;
mod similarity;
#[cfg(test)]
mod tests;
mod wording;

use std::collections::{BTreeMap, BTreeSet, HashMap};

use polars::prelude::*;

use self::action::{is_blank, names_deadline, names_owner, names_target, priority_level};
use self::evidence::{Coded, QUOTES_PER_GROUP, Quotes};
use self::similarity::{Item, Space};
use self::wording::Vocabulary;
use super::Input;
use super::groups::Groups;
use super::quotes::QuoteRow;
use super::tree::CodeTree;

/// Pairs less similar than this share of the threshold are not kept for
/// the clustering (they count as 0 in the cluster means).
const EDGE_FLOOR: f64 = 0.9;

crate::rows! {
    /// One group's votes for a merged recommendation.
    #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
    pub struct GroupVotes {
        /// The group.
        pub group: String,
        /// The votes of its members.
        pub votes: i64,
    }
}

crate::rows! {
    /// The evidence a supporting group gives a merged recommendation.
    #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
    pub struct GroupEvidence {
        /// The group.
        pub group: String,
        /// Its coded segments (other than recommendations) sharing one of the recommendation's codes.
        pub segments: u32,
    }
}

crate::rows! {
    /// One merged recommendation, ranked for the board.
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
    pub struct RecommendationRow {
        /// Rank on the board, from 1.
        pub rank: u32,
        /// "R001", "R002"… in rank order.
        pub rec_id: String,
        /// The representative wording: the member closest to the others.
        pub wording: String,
        /// The supporting groups, sorted.
        pub groups: Vec<String>,
        /// Distinct supporting groups (k).
        pub support: u32,
        /// Groups in the study (n).
        pub groups_total: u32,
        /// Votes of all members; empty when no member has votes.
        pub votes_total: Option<i64>,
        /// Votes per group, for the groups with votes.
        pub votes_by_group: Vec<GroupVotes>,
        /// The highest priority among members, as written.
        pub priority: Option<String>,
        /// The members' codes, in codebook order.
        pub codes: Vec<String>,
        /// Coded segments behind it in the supporting groups.
        pub evidence_segments: u32,
        /// Evidence segments per supporting group.
        pub evidence_by_group: Vec<GroupEvidence>,
        /// Some member names an owner.
        pub has_owner: bool,
        /// Some member names a measurable target.
        pub has_target: bool,
        /// Some member names a deadline.
        pub has_deadline: bool,
        /// Owner, target and deadline are all named.
        pub actionable: bool,
        /// Original recommendations merged into it.
        pub members: u32,
    }
}

crate::rows! {
    /// One original recommendation and the merged one it belongs to.
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
    pub struct MemberRow {
        /// The merged recommendation.
        pub rec_id: String,
        /// The original recommendation's segment.
        pub segment_id: String,
        /// Its group.
        pub group: String,
        /// Its wording as written.
        pub text: String,
        /// Its votes.
        pub votes: Option<i64>,
        /// Its priority, as written.
        pub priority: Option<String>,
        /// Its owner.
        pub owner: Option<String>,
        /// Its deadline.
        pub deadline: Option<String>,
        /// Its indicator.
        pub indicator: Option<String>,
        /// Similarity to the representative wording, 0 to 1 (1 for the representative).
        pub similarity_to_wording: f64,
    }
}

crate::rows! {
    /// One of the best quotes behind a merged recommendation.
    #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
    pub struct EvidenceRow {
        /// The merged recommendation.
        pub rec_id: String,
        /// The supporting group the quote comes from.
        pub group: String,
        /// The quoted segment.
        pub segment_id: String,
        /// Rank within the group, from 1.
        pub rank: u32,
    }
}

/// The merged recommendations of a study.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    /// One row per merged recommendation, in rank order.
    pub recommendations: Vec<RecommendationRow>,
    /// One row per original recommendation: by rank, then similarity
    /// (highest first), then segments-table order.
    pub members: Vec<MemberRow>,
    /// The best quotes behind each merged recommendation: by rank of the
    /// recommendation, then group, then quote rank.
    pub evidence: Vec<EvidenceRow>,
}

/// One recommendation segment.
#[derive(Debug, Clone)]
struct Rec<'a> {
    segment_id: &'a str,
    group: &'a str,
    text: &'a str,
    votes: Option<i64>,
    priority: Option<&'a str>,
    owner: Option<&'a str>,
    deadline: Option<&'a str>,
    indicator: Option<&'a str>,
}

/// One merged recommendation before ranking.
#[derive(Debug, Clone)]
struct Cluster {
    /// Item indices, in segments-table order.
    members: Vec<usize>,
    /// The member whose wording is kept.
    wording: usize,
    /// Supporting groups, sorted.
    groups: Vec<String>,
    votes_total: Option<i64>,
    votes_by_group: Vec<GroupVotes>,
    priority: Option<String>,
    /// Code indices, codebook order.
    codes: Vec<u32>,
    evidence_segments: u32,
    evidence_by_group: Vec<GroupEvidence>,
    has_owner: bool,
    has_target: bool,
    has_deadline: bool,
}

/// A cell that says something (see [`is_blank`]).
fn cell(c: Option<&str>) -> Option<&str> {
    c.filter(|s| !is_blank(Some(s)))
}

use crate::rows::strs;

/// Merges the recommendations of `input` across groups (see the module
/// documentation for the method), with evidence quotes picked from
/// `quotes`.
pub fn merge(input: &Input, quotes: &[QuoteRow]) -> PolarsResult<Merged> {
    let config = input.config;
    let threshold = config.merge_threshold;
    let w = config.merge_code_weight;
    let tree = CodeTree::from_frame(input.codes)?;
    let groups = Groups::of(input)?;
    let segs = input.segments;

    // Recommendations and every segment's codes.
    let (ids, group_col, kinds) = if segs.height() == 0 {
        (Vec::new(), Vec::new(), Vec::new())
    } else {
        (
            strs(segs, "segment_id")?,
            strs(segs, "group")?,
            strs(segs, "kind")?,
        )
    };
    let rec_rows: Vec<usize> = (0..kinds.len())
        .filter(|&i| kinds[i] == Some("recommendation"))
        .collect();
    let mut recs: Vec<Rec> = Vec::with_capacity(rec_rows.len());
    let mut langs: Vec<&str> = Vec::with_capacity(rec_rows.len());
    if !rec_rows.is_empty() {
        let text = segs.column("text")?.str()?;
        let lang = segs.column("lang")?.str()?;
        let votes = segs.column("votes")?.cast(&DataType::Int64)?;
        let votes = votes.i64()?;
        let priority = segs.column("priority")?.str()?;
        let owner = segs.column("owner")?.str()?;
        let deadline = segs.column("deadline")?.str()?;
        let indicator = segs.column("indicator")?.str()?;
        for &i in &rec_rows {
            recs.push(Rec {
                segment_id: ids[i].unwrap_or_default(),
                group: group_col[i].unwrap_or_default(),
                text: text.get(i).unwrap_or_default(),
                votes: votes.get(i),
                priority: cell(priority.get(i)),
                owner: cell(owner.get(i)),
                deadline: cell(deadline.get(i)),
                indicator: cell(indicator.get(i)),
            });
            langs.push(lang.get(i).unwrap_or_default());
        }
    }
    let seg_codes = segment_codes(input, &ids, &tree)?;

    // Items, similarity, clusters.
    let mut vocabulary = Vocabulary::default();
    let items: Vec<Item> = recs
        .iter()
        .zip(&rec_rows)
        .zip(&langs)
        .map(|((r, row), lang)| {
            Item::new(
                vocabulary.sequence(r.text, lang),
                seg_codes.get(row).cloned().unwrap_or_default(),
            )
        })
        .collect();
    let space = Space::new(items, vocabulary.names.len(), w);
    let (edges, _) = space.edges(threshold * EDGE_FLOOR, w >= threshold);
    let labels = cluster::average_linkage(recs.len(), &edges, threshold);
    let mut closeness = vec![0.0f64; recs.len()];
    for &(a, b, s) in &edges {
        if labels[a as usize] == labels[b as usize] {
            closeness[a as usize] += s;
            closeness[b as usize] += s;
        }
    }
    let mut by_label: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, &l) in labels.iter().enumerate() {
        by_label.entry(l).or_default().push(i);
    }

    // Evidence: coded segments other than recommendations, by group.
    let mut coded = Coded::new(
        &tree,
        seg_codes.iter().filter_map(|(&row, codes)| {
            if kinds[row] == Some("recommendation") {
                return None;
            }
            let g = groups.get(group_col[row]?)?;
            Some((row as u32, g as u32, codes.clone()))
        }),
    );
    let quotes = Quotes::new(quotes, &tree);

    let mut clusters: Vec<Cluster> = by_label
        .into_values()
        .map(|members| describe(members, &recs, &space, &closeness, &groups, &mut coded))
        .collect();
    clusters.sort_by(|a, b| {
        b.groups
            .len()
            .cmp(&a.groups.len())
            .then_with(|| b.evidence_segments.cmp(&a.evidence_segments))
            .then_with(|| match (a.votes_total, b.votes_total) {
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.members[0].cmp(&b.members[0]))
    });
    frames(&clusters, &recs, &space, &tree, &groups, &quotes)
}

/// The codes applied to each segment (by row of the segments frame), as
/// sorted codebook indices; codes missing from the codebook are left out.
fn segment_codes(
    input: &Input,
    ids: &[Option<&str>],
    tree: &CodeTree,
) -> PolarsResult<HashMap<usize, Vec<u32>>> {
    let mut out: HashMap<usize, Vec<u32>> = HashMap::new();
    let codings = input.codings;
    if codings.height() == 0 || ids.is_empty() {
        return Ok(out);
    }
    let row_of: HashMap<&str, usize> = ids
        .iter()
        .enumerate()
        .filter_map(|(i, id)| Some(((*id)?, i)))
        .collect();
    let seg = codings.column("segment_id")?.str()?;
    let code = codings.column("code")?.str()?;
    for (s, c) in seg.iter().zip(code.iter()) {
        let (Some(s), Some(c)) = (s, c) else { continue };
        let (Some(&row), Some(c)) = (row_of.get(s), tree.get(c)) else {
            continue;
        };
        out.entry(row).or_default().push(c as u32);
    }
    for codes in out.values_mut() {
        codes.sort_unstable();
        codes.dedup();
    }
    Ok(out)
}

/// Everything the board table says about one cluster of recommendations.
fn describe(
    members: Vec<usize>,
    recs: &[Rec],
    space: &Space,
    closeness: &[f64],
    groups: &Groups,
    coded: &mut Coded,
) -> Cluster {
    let wording = members
        .iter()
        .copied()
        .reduce(|best, m| {
            let better = closeness[m]
                .total_cmp(&closeness[best])
                .then_with(|| recs[m].votes.cmp(&recs[best].votes));
            if better == std::cmp::Ordering::Greater {
                m
            } else {
                best
            }
        })
        .unwrap_or_default();
    let mut votes: BTreeMap<&str, i64> = BTreeMap::new();
    let mut group_set: BTreeSet<&str> = BTreeSet::new();
    let mut codes: Vec<u32> = Vec::new();
    let (mut owner, mut target, mut deadline) = (false, false, false);
    let mut priority: Option<(u8, &str)> = None;
    for &m in &members {
        let r = &recs[m];
        group_set.insert(r.group);
        if let Some(v) = r.votes {
            *votes.entry(r.group).or_insert(0) += v;
        }
        codes.extend_from_slice(&space.items[m].codes);
        owner = owner || r.owner.is_some() || names_owner(r.text);
        target = target || r.indicator.is_some() || names_target(r.text);
        deadline = deadline || r.deadline.is_some() || names_deadline(r.text);
        if let Some(p) = r.priority {
            let level = priority_level(p);
            if priority.is_none_or(|(best, _)| level > best) {
                priority = Some((level, p.trim()));
            }
        }
    }
    codes.sort_unstable();
    codes.dedup();
    let mut evidence_total = 0u32;
    let mut evidence_by_group = Vec::new();
    for g in &group_set {
        let n = match groups.get(g) {
            Some(gi) if !codes.is_empty() => coded.count(gi as u32, &codes),
            _ => 0,
        };
        evidence_total = evidence_total.saturating_add(n);
        evidence_by_group.push(GroupEvidence {
            group: (*g).to_owned(),
            segments: n,
        });
    }
    Cluster {
        wording,
        groups: group_set.iter().map(|g| (*g).to_owned()).collect(),
        votes_total: (!votes.is_empty()).then(|| votes.values().sum()),
        votes_by_group: votes
            .iter()
            .map(|(g, v)| GroupVotes {
                group: (*g).to_owned(),
                votes: *v,
            })
            .collect(),
        priority: priority.map(|(_, p)| p.to_owned()),
        codes,
        evidence_segments: evidence_total,
        evidence_by_group,
        has_owner: owner,
        has_target: target,
        has_deadline: deadline,
        members,
    }
}

/// Rounds a similarity for display (4 decimals).
fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// The three output tables, clusters already ranked.
fn frames(
    clusters: &[Cluster],
    recs: &[Rec],
    space: &Space,
    tree: &CodeTree,
    groups: &Groups,
    quotes: &Quotes,
) -> PolarsResult<Merged> {
    let n = clusters.len();
    let rec_ids: Vec<String> = (1..=n).map(|r| format!("R{r:03}")).collect();
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    let recommendations = clusters
        .iter()
        .enumerate()
        .map(|(k, c)| RecommendationRow {
            rank: count(k + 1),
            rec_id: rec_ids[k].clone(),
            wording: recs[c.wording].text.to_owned(),
            groups: c.groups.clone(),
            support: count(c.groups.len()),
            groups_total: count(groups.len()),
            votes_total: c.votes_total,
            votes_by_group: c.votes_by_group.clone(),
            priority: c.priority.clone(),
            codes: c
                .codes
                .iter()
                .map(|&i| tree.ids[i as usize].clone())
                .collect(),
            evidence_segments: c.evidence_segments,
            evidence_by_group: c.evidence_by_group.clone(),
            has_owner: c.has_owner,
            has_target: c.has_target,
            has_deadline: c.has_deadline,
            actionable: c.has_owner && c.has_target && c.has_deadline,
            members: count(c.members.len()),
        })
        .collect();

    // Members: representative first, then by similarity to it.
    let mut members = Vec::with_capacity(recs.len());
    for (k, c) in clusters.iter().enumerate() {
        let mut ms: Vec<(usize, f64)> = c
            .members
            .iter()
            .map(|&m| {
                let s = if m == c.wording {
                    1.0
                } else {
                    round4(space.similarity(m, c.wording))
                };
                (m, s)
            })
            .collect();
        ms.sort_by(|a, b| {
            (b.0 == c.wording)
                .cmp(&(a.0 == c.wording))
                .then_with(|| b.1.total_cmp(&a.1))
                .then_with(|| a.0.cmp(&b.0))
        });
        let own = |s: Option<&str>| s.map(str::to_owned);
        members.extend(ms.into_iter().map(|(m, s)| {
            let r = &recs[m];
            MemberRow {
                rec_id: rec_ids[k].clone(),
                segment_id: r.segment_id.to_owned(),
                group: r.group.to_owned(),
                text: r.text.to_owned(),
                votes: r.votes,
                priority: own(r.priority),
                owner: own(r.owner),
                deadline: own(r.deadline),
                indicator: own(r.indicator),
                similarity_to_wording: s,
            }
        }));
    }

    // Evidence quotes.
    let mut evidence = Vec::new();
    for (k, c) in clusters.iter().enumerate() {
        if c.codes.is_empty() {
            continue;
        }
        for g in &c.groups {
            for (r, seg) in quotes.best(tree, g, &c.codes).into_iter().enumerate() {
                evidence.push(EvidenceRow {
                    rec_id: rec_ids[k].clone(),
                    group: g.clone(),
                    segment_id: seg.to_owned(),
                    rank: r as u32 + 1,
                });
            }
        }
    }
    debug_assert!(evidence.iter().all(|e| e.rank as usize <= QUOTES_PER_GROUP));
    Ok(Merged {
        recommendations,
        members,
        evidence,
    })
}
