//! The report's tables as typed rows, built from the stored synthesis
//! tables and chosen with a [`Filter`]. Each row type serialises to the
//! rows of the JSON report (see the module doc of `report`); people's and
//! spreadsheets' columns are derived from the same rows (`cells`).

use std::collections::BTreeMap;

use serde::Serialize;

use crate::corpus::Source;
use crate::synthesis::convergence::ConvergenceRow;
use crate::synthesis::matrix::MatrixRow;
use crate::synthesis::methods::{MethodItemRow, TensionRow};
use crate::synthesis::quotes::QuoteRow;
use crate::synthesis::recommendations::{NonProposalRow, RecommendationRow};

/// The stored tables a report reads.
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// The merged recommendations, ranked.
    pub recommendations: &'a [RecommendationRow],
    /// Convergence of every code.
    pub convergence: &'a [ConvergenceRow],
    /// The theme-by-group matrix.
    pub matrix: &'a [MatrixRow],
    /// The best quotes.
    pub quotes: &'a [QuoteRow],
    /// The imported sources.
    pub sources: &'a [Source],
    /// The recommendation items set aside as non-proposals.
    pub non_proposals: &'a [NonProposalRow],
    /// The items of the workshop methods' parts.
    pub method_items: &'a [MethodItemRow],
    /// Themes in opposite parts of a method.
    pub tensions: &'a [TensionRow],
}

/// Row filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only rows of this group.
    pub group: Option<String>,
    /// Only this code and its children.
    pub code: Option<String>,
}

impl Filter {
    fn code_ok(&self, c: &str) -> bool {
        self.code.as_deref().is_none_or(|want| is_under(c, want))
    }

    fn codes_ok(&self, codes: &[String]) -> bool {
        self.code.is_none() || codes.iter().any(|c| self.code_ok(c))
    }

    fn group_ok(&self, g: &str) -> bool {
        self.group.as_deref().is_none_or(|want| g == want)
    }

    fn groups_ok(&self, groups: &[String]) -> bool {
        self.group.as_ref().is_none_or(|g| groups.contains(g))
    }

    /// Whether the recommendations table keeps a recommendation of these
    /// groups and codes.
    pub fn keeps_recommendation(&self, groups: &[String], codes: &[String]) -> bool {
        self.groups_ok(groups) && self.codes_ok(codes)
    }

    /// Whether it keeps every row.
    pub fn is_empty(&self) -> bool {
        self.group.is_none() && self.code.is_none()
    }
}

/// `code` is `parent` or one of its descendants.
pub(super) fn is_under(code: &str, parent: &str) -> bool {
    code == parent
        || code
            .strip_prefix(parent)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// A merged recommendation as the board reads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RecommendationLine {
    /// Rank on the board, from 1.
    pub rank: u32,
    /// `R001`…
    pub id: String,
    /// The representative wording.
    pub recommendation: String,
    /// Supporting groups, sorted.
    pub groups: Vec<String>,
    /// Supporting groups (k).
    pub support: u32,
    /// Groups in the study (n).
    pub groups_total: u32,
    /// Total votes, when some member has votes.
    pub votes_total: Option<i64>,
    /// The highest priority, as written.
    pub priority: Option<String>,
    /// That priority on one scale: 3 high, 2 medium, 1 low.
    pub priority_level: Option<u32>,
    /// for, against or neutral.
    pub stance: String,
    /// Codes, in codebook order.
    pub codes: Vec<String>,
    /// Coded segments behind it.
    pub evidence_segments: u32,
    /// It names an owner.
    pub has_owner: bool,
    /// It names a measurable target.
    pub has_target: bool,
    /// It names a deadline.
    pub has_deadline: bool,
    /// All three.
    pub actionable: bool,
    /// The consultant's curation changed it.
    pub curated: bool,
}

/// A theme with the share of each group that raised it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ThemeLine {
    /// The code id.
    pub code: String,
    /// Its label.
    pub label: String,
    /// Groups that raised it (k).
    pub groups_raised: u32,
    /// Groups in the study (n).
    pub groups_total: u32,
    /// Convergence class.
    pub class: String,
    /// Share of each group's participants who raised it (null: the group
    /// names no participant).
    pub participant_share: BTreeMap<String, Option<f64>>,
    /// Share of each group's segments coded with it.
    pub segment_share: BTreeMap<String, Option<f64>>,
}

/// The themes table: its rows and the groups of its share columns.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Themes {
    /// Groups, sorted: one share column each.
    pub groups: Vec<String>,
    /// The study names no participant, so people see segment shares.
    pub segment_shares: bool,
    /// One row per code.
    pub rows: Vec<ThemeLine>,
}

/// A cell of the theme-by-group matrix.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MatrixLine {
    /// The code id.
    pub code: String,
    /// Its label.
    pub label: String,
    /// The group.
    pub group: String,
    /// Segments coded.
    pub segments: u32,
    /// Participants who raised it.
    pub participants: u32,
    /// Share of the group's participants.
    pub participant_share: Option<f64>,
    /// Share of the group's segments.
    pub segment_share: Option<f64>,
    /// Negated codings.
    pub negated: u32,
}

/// A theme's convergence across groups.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ConvergenceLine {
    /// The code id.
    pub code: String,
    /// Its label.
    pub label: String,
    /// Groups that raised it (k).
    pub groups_raised: u32,
    /// Groups in the study (n).
    pub groups_total: u32,
    /// Convergence class.
    pub class: String,
    /// The groups that raised it.
    pub raised_by: Vec<String>,
    /// The one group that raised it.
    pub specific_to: Option<String>,
    /// Coded segments a group needs to have raised it.
    pub min_segments: u32,
    /// Distinct participants among them, for a group that names them.
    pub min_participants: u32,
}

/// An item of a recommendations column that proposes nothing.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct NonProposalLine {
    /// Its group.
    pub group: String,
    /// Its text.
    pub text: String,
    /// Why it was set aside.
    pub reason: String,
    /// Its segment.
    pub segment_id: String,
    /// Its stable id.
    pub member_id: String,
}

/// One of the best quotes of a theme in a group.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct QuoteLine {
    /// The code id.
    pub code: String,
    /// The group.
    pub group: String,
    /// Rank, from 1.
    pub rank: u32,
    /// Speaker.
    pub participant: Option<String>,
    /// Source id.
    pub source: String,
    /// Segment id.
    pub segment_id: String,
    /// The segment's key (the row or turn id of its import), when it has one.
    pub key: Option<String>,
    /// Line in the source.
    pub line: Option<u64>,
    /// Start time in milliseconds.
    pub time_ms: Option<u64>,
    /// The quote.
    pub quote: String,
}

/// An item of a part of a workshop method, merged across groups.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MethodLine {
    /// The method (`swot`, `empathy`…).
    pub method: String,
    /// Its name for people (`SWOT`).
    pub method_label: String,
    /// The part (`strengths`…).
    pub part: String,
    /// Its name for people (`Strengths`).
    pub part_label: String,
    /// The part's place in the method, from 1.
    pub part_order: u32,
    /// Rank within the part, from 1.
    pub rank: u32,
    /// `swot.weaknesses.1`.
    pub id: String,
    /// The representative wording.
    pub item: String,
    /// Groups with a note of it, sorted.
    pub groups: Vec<String>,
    /// Those groups (k).
    pub support: u32,
    /// Groups that used the method (n).
    pub groups_total: u32,
    /// Dot votes, when some note has votes.
    pub votes_total: Option<i64>,
    /// Codes of its notes.
    pub codes: Vec<String>,
    /// The segments of its notes.
    pub notes: Vec<String>,
}

/// A theme placed in opposite parts of a method by different groups.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TensionLine {
    /// The method.
    pub method: String,
    /// The code id.
    pub code: String,
    /// Its label.
    pub label: String,
    /// One part (`strengths`).
    pub part_a: String,
    /// The opposite part (`weaknesses`).
    pub part_b: String,
    /// Groups placing it in `part_a`.
    pub groups_a: Vec<String>,
    /// Groups placing it in `part_b`.
    pub groups_b: Vec<String>,
    /// The notes in `part_a`.
    pub notes_a: Vec<String>,
    /// The notes in `part_b`.
    pub notes_b: Vec<String>,
}

/// An imported source.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SourceLine {
    /// Source id.
    pub id: String,
    /// transcript or grid.
    pub kind: String,
    /// Its format.
    pub format: String,
    /// Groups of its segments.
    pub groups: Vec<String>,
    /// Segments.
    pub segments: u32,
}

/// The merged recommendations kept by the filter.
pub fn recommendations(recs: &[RecommendationRow], f: &Filter) -> Vec<RecommendationLine> {
    recs.iter()
        .filter(|r| f.keeps_recommendation(&r.groups, &r.codes))
        .map(|r| RecommendationLine {
            rank: r.rank,
            id: r.rec_id.clone(),
            recommendation: r.wording.clone(),
            groups: r.groups.clone(),
            support: r.support,
            groups_total: r.groups_total,
            votes_total: r.votes_total,
            priority: r.priority.clone(),
            priority_level: r.priority_level,
            stance: r.stance.clone(),
            codes: r.codes.clone(),
            evidence_segments: r.evidence_segments,
            has_owner: r.has_owner,
            has_target: r.has_target,
            has_deadline: r.has_deadline,
            actionable: r.actionable,
            curated: r.curated,
        })
        .collect()
}

/// The sorted distinct groups of the matrix.
pub fn groups(matrix: &[MatrixRow]) -> Vec<String> {
    let mut g: Vec<String> = matrix.iter().map(|m| m.group.clone()).collect();
    g.sort();
    g.dedup();
    g
}

/// The themes: convergence with each group's shares.
pub fn themes(conv: &[ConvergenceRow], matrix: &[MatrixRow], f: &Filter) -> Themes {
    let groups: Vec<String> = groups(matrix)
        .into_iter()
        .filter(|g| f.group_ok(g))
        .collect();
    let at: std::collections::HashMap<(&str, &str), &MatrixRow> = matrix
        .iter()
        .map(|m| ((m.code.as_str(), m.group.as_str()), m))
        .collect();
    // A study that names no participant (grids without a participant
    // column) has no participant share anywhere: people see the segment
    // share instead.
    let segment_shares = matrix.iter().all(|m| m.participant_share.is_none());
    let rows = conv
        .iter()
        .filter(|c| f.code_ok(&c.code))
        .map(|c| {
            let map = |share: fn(&MatrixRow) -> Option<f64>| -> BTreeMap<String, Option<f64>> {
                groups
                    .iter()
                    .map(|g| {
                        let v = at
                            .get(&(c.code.as_str(), g.as_str()))
                            .and_then(|m| share(m));
                        (g.clone(), v.filter(|v| v.is_finite()))
                    })
                    .collect()
            };
            ThemeLine {
                code: c.code.clone(),
                label: c.label.clone(),
                groups_raised: c.groups_raised,
                groups_total: c.groups_total,
                class: c.class.clone(),
                participant_share: map(|m| m.participant_share),
                segment_share: map(|m| m.segment_share),
            }
        })
        .collect();
    Themes {
        groups,
        segment_shares,
        rows,
    }
}

/// The matrix cells kept by the filter.
pub fn matrix(matrix: &[MatrixRow], f: &Filter) -> Vec<MatrixLine> {
    matrix
        .iter()
        .filter(|m| f.code_ok(&m.code) && f.group_ok(&m.group))
        .map(|m| MatrixLine {
            code: m.code.clone(),
            label: m.label.clone(),
            group: m.group.clone(),
            segments: m.segments,
            participants: m.participants,
            participant_share: m.participant_share.filter(|v| v.is_finite()),
            segment_share: m.segment_share.filter(|v| v.is_finite()),
            negated: m.negated,
        })
        .collect()
}

/// The convergence rows kept by the filter.
pub fn convergence(conv: &[ConvergenceRow], f: &Filter) -> Vec<ConvergenceLine> {
    conv.iter()
        .filter(|c| f.code_ok(&c.code) && f.groups_ok(&c.raised_by))
        .map(|c| ConvergenceLine {
            code: c.code.clone(),
            label: c.label.clone(),
            groups_raised: c.groups_raised,
            groups_total: c.groups_total,
            class: c.class.clone(),
            raised_by: c.raised_by.clone(),
            specific_to: c.specific_to.clone(),
            min_segments: c.min_segments,
            min_participants: c.min_participants,
        })
        .collect()
}

/// The quotes kept by the filter.
pub fn quotes(quotes: &[QuoteRow], f: &Filter) -> Vec<QuoteLine> {
    quotes
        .iter()
        .filter(|q| f.code_ok(&q.code) && f.group_ok(&q.group))
        .map(|q| QuoteLine {
            code: q.code.clone(),
            group: q.group.clone(),
            rank: q.rank,
            participant: q.participant.clone(),
            source: q.source_id.clone(),
            segment_id: q.segment_id.clone(),
            key: q.key.clone(),
            line: q.line,
            time_ms: q.time_ms,
            quote: q.text.clone(),
        })
        .collect()
}

/// The sources kept by the filter.
pub fn sources(sources: &[Source], f: &Filter) -> Vec<SourceLine> {
    sources
        .iter()
        .filter(|s| f.groups_ok(&s.groups))
        .map(|s| SourceLine {
            id: s.id.clone(),
            kind: s.kind.clone(),
            format: s.format.clone(),
            groups: s.groups.clone(),
            segments: s.segments,
        })
        .collect()
}

/// The non-proposals kept by the filter.
pub fn non_proposals(rows: &[NonProposalRow], f: &Filter) -> Vec<NonProposalLine> {
    rows.iter()
        .filter(|r| f.group_ok(&r.group) && f.code.is_none())
        .map(|r| NonProposalLine {
            group: r.group.clone(),
            text: r.text.clone(),
            reason: r.reason.clone(),
            segment_id: r.segment_id.clone(),
            member_id: r.member_id.clone(),
        })
        .collect()
}

/// The workshop methods' items kept by the filter (an item of a group, or
/// with a code under the code).
pub fn methods(rows: &[MethodItemRow], f: &Filter) -> Vec<MethodLine> {
    rows.iter()
        .filter(|r| f.groups_ok(&r.groups) && f.codes_ok(&r.codes))
        .map(|r| MethodLine {
            method: r.method.clone(),
            method_label: r.method_label.clone(),
            part: r.part.clone(),
            part_label: r.part_label.clone(),
            part_order: r.part_order,
            rank: r.rank,
            id: r.item_id.clone(),
            item: r.wording.clone(),
            groups: r.groups.clone(),
            support: r.support,
            groups_total: r.groups_total,
            votes_total: r.votes_total,
            codes: r.codes.clone(),
            notes: r.segment_ids.clone(),
        })
        .collect()
}

/// The tensions kept by the filter (a group on either side; the code or
/// one under it).
pub fn tensions(rows: &[TensionRow], f: &Filter) -> Vec<TensionLine> {
    rows.iter()
        .filter(|r| (f.groups_ok(&r.groups_a) || f.groups_ok(&r.groups_b)) && f.code_ok(&r.code))
        .map(|r| TensionLine {
            method: r.method.clone(),
            code: r.code.clone(),
            label: r.label.clone(),
            part_a: r.part_a.clone(),
            part_b: r.part_b.clone(),
            groups_a: r.groups_a.clone(),
            groups_b: r.groups_b.clone(),
            notes_a: r.segments_a.clone(),
            notes_b: r.segments_b.clone(),
        })
        .collect()
}
