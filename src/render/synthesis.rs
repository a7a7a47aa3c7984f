//! The synthesis as people read it in a terminal: the convergence of
//! themes, where groups diverge, the ranked recommendations, and
//! explanations of single rows. Typed rows in, text out.

use crate::render::listing::Listing;
use crate::synthesis::Synthesis;
use crate::synthesis::convergence::ConvergenceRow;
use crate::synthesis::divergence::DivergenceRow;
use crate::synthesis::matrix::CellSegment;
use crate::synthesis::recommendations::{EvidenceRow, MemberRow, RecommendationRow};

fn some(s: impl ToString) -> Option<String> {
    Some(s.to_string())
}

fn yes(b: bool) -> Option<String> {
    some(if b { "yes" } else { "no" })
}

/// Rows of each table the summary shows unless asked for all.
pub const SHOWN: Bound = Bound {
    themes: 30,
    divergences: 10,
    recommendations: 20,
};

/// How many rows of each table a summary shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bound {
    /// Themes of the convergence table.
    pub themes: usize,
    /// Lines of "Where groups diverge".
    pub divergences: usize,
    /// Merged recommendations.
    pub recommendations: usize,
}

impl Bound {
    /// Every row.
    pub const ALL: Bound = Bound {
        themes: usize::MAX,
        divergences: usize::MAX,
        recommendations: usize::MAX,
    };
}

/// `… and 3,280 more merged recommendations: …` when `shown < total`.
fn more(shown: usize, total: usize, what: &str, table: &str) -> String {
    if shown >= total {
        return String::new();
    }
    format!(
        "… and {} more {what} (all of them: --all, or qualsynth report --table {table})\n",
        total - shown
    )
}

/// The summary printed by `synthesize`: convergence, divergence, and the
/// board's recommendation table, each cut to `bound` rows (with the count
/// of the others), group lists cut to their first names, so that it stays
/// one screen or so at 100 groups and 30,000 items.
pub fn summary(s: &Synthesis, width: u16, bound: Bound) -> String {
    let mut out = String::new();
    let total = s.convergence.first().map_or(0, |c| c.groups_total);
    out.push_str(&format!("Themes across {total} groups\n"));
    let shown = s.convergence.len().min(bound.themes);
    out.push_str(&crate::render::report::fit(
        &convergence_listing(&s.convergence[..shown]),
        width,
        false,
    ));
    out.push_str(&more(shown, s.convergence.len(), "themes", "themes"));
    if let Some(note) = s.convergence.iter().find_map(|c| c.note.as_deref()) {
        out.push_str(&format!("note: {note}\n"));
    }
    let diverging = divergence_lines(&s.divergence);
    if !diverging.is_empty() {
        out.push_str("\nWhere groups diverge\n");
        for line in diverging.iter().take(bound.divergences) {
            out.push_str(&format!("  {line}\n"));
        }
        if diverging.len() > bound.divergences {
            out.push_str(&format!(
                "  … and {} more (qualsynth report --table themes)\n",
                diverging.len() - bound.divergences
            ));
        }
    }
    out.push_str(&format!(
        "\nRecommendations, merged across groups ({} after merging)\n",
        s.recommendations.len()
    ));
    let shown = s.recommendations.len().min(bound.recommendations);
    out.push_str(&crate::render::report::fit(
        &recommendations_listing(&s.recommendations[..shown]),
        width,
        false,
    ));
    out.push_str(&more(
        shown,
        s.recommendations.len(),
        "merged recommendations",
        "recommendations",
    ));
    if !s.non_proposals.is_empty() {
        out.push_str(&format!(
            "{} items set aside as non-proposals (qualsynth report --table non-proposals)\n",
            s.non_proposals.len()
        ));
    }
    methods_summary(&mut out, s, width, bound);
    out
}

/// The workshop methods: the items several groups wrote, then the
/// tensions, each cut to `bound.recommendations` and `bound.divergences`.
fn methods_summary(out: &mut String, s: &Synthesis, width: u16, bound: Bound) {
    if s.method_items.is_empty() {
        return;
    }
    let shared: Vec<_> = s.method_items.iter().filter(|i| i.support > 1).collect();
    out.push_str(&format!(
        "\nWorkshop methods: {} items, {} written by several groups\n",
        s.method_items.len(),
        shared.len()
    ));
    let shown = shared.len().min(bound.recommendations);
    let mut l = Listing::new(&["method", "part", "item", "support", "votes"]);
    for i in &shared[..shown] {
        l.rows.push(vec![
            some(&i.method_label),
            some(&i.part_label),
            some(&i.wording),
            some(format!("{}/{}", i.support, i.groups_total)),
            i.votes_total.map(|v| v.to_string()),
        ]);
    }
    if shown > 0 {
        out.push_str(&crate::render::report::fit(&l, width, false));
    }
    out.push_str(&more(
        shown,
        shared.len(),
        "items written by several groups",
        "methods",
    ));
    if !s.tensions.is_empty() {
        out.push_str("Tensions (a theme in opposite parts)\n");
        for t in s.tensions.iter().take(bound.divergences) {
            out.push_str(&format!(
                "  {} {}: {} ({}) / {} ({})\n",
                t.method,
                t.code,
                crate::render::report::cells::part_label(&t.method, &t.part_a),
                t.groups_a.join(", "),
                crate::render::report::cells::part_label(&t.method, &t.part_b),
                t.groups_b.join(", ")
            ));
        }
        if s.tensions.len() > bound.divergences {
            out.push_str(&format!(
                "  … and {} more (qualsynth report --table tensions)\n",
                s.tensions.len() - bound.divergences
            ));
        }
    }
}

fn convergence_listing(conv: &[ConvergenceRow]) -> Listing {
    let mut l = Listing::new(&["code", "label", "k", "convergence", "raised by"]);
    for c in conv {
        l.rows.push(vec![
            some(&c.code),
            some(&c.label),
            some(format!("{}/{}", c.groups_raised, c.groups_total)),
            some(&c.class),
            some(c.raised_by.join(", ")),
        ]);
    }
    l
}

fn recommendations_listing(recs: &[RecommendationRow]) -> Listing {
    let mut l = Listing::new(&[
        "id",
        "recommendation",
        "groups",
        "support",
        "votes",
        "evidence",
        "actionable",
    ]);
    for r in recs {
        l.rows.push(vec![
            some(&r.rec_id),
            some(&r.wording),
            some(r.groups.join(", ")),
            some(r.support),
            r.votes_total.map(|v| v.to_string()),
            some(r.evidence_segments),
            yes(r.actionable),
        ]);
    }
    l
}

/// `code: Lille leans negative; Marseille, Bruxelles lean positive` for
/// every code flagged as diverging.
fn divergence_lines(div: &[DivergenceRow]) -> Vec<String> {
    let mut out: Vec<(&str, Vec<&str>, Vec<&str>)> = Vec::new();
    for d in div.iter().filter(|d| d.diverges) {
        if out.last().is_none_or(|l| l.0 != d.code) {
            out.push((&d.code, Vec::new(), Vec::new()));
        }
        let last = out.last_mut().expect("pushed above");
        match d.lean.as_deref() {
            Some("negative") => last.1.push(&d.group),
            Some("positive") => last.2.push(&d.group),
            _ => {}
        }
    }
    let verb = |n: usize| if n == 1 { "leans" } else { "lean" };
    out.into_iter()
        .map(|(code, neg, pos)| {
            format!(
                "{code}: {} {} negative; {} {} positive",
                neg.join(", "),
                verb(neg.len()),
                pos.join(", "),
                verb(pos.len())
            )
        })
        .collect()
}

/// The segments behind one matrix cell, as `--explain CODE@GROUP` shows
/// them.
pub fn explain_cell(code: &str, group: &str, segments: &[CellSegment], width: u16) -> String {
    let mut l = Listing::new(&["segment", "participant", "text", "codings"]);
    for s in segments {
        let matched: Vec<String> = s
            .matched
            .iter()
            .map(|m| {
                let flag = if m.negated { " (negated)" } else { "" };
                format!("{}: «{}» {}–{}{flag}", m.code, m.matched, m.start, m.end)
            })
            .collect();
        l.rows.push(vec![
            some(&s.segment_id),
            s.participant.clone(),
            some(&s.text),
            some(matched.join("; ")),
        ]);
    }
    format!(
        "{code} in {group}: {} segments\n\n{}",
        segments.len(),
        l.to_table(width)
    )
}

/// A quoted segment: its text, looked up by the caller.
pub type QuoteText<'a> = &'a dyn Fn(&str) -> Option<String>;

/// Which segments produced one merged recommendation: its wordings per
/// group, then its evidence (the best quotes from the supporting groups).
pub fn explain_recommendation(
    rec: &RecommendationRow,
    members: &[MemberRow],
    evidence: &[EvidenceRow],
    text_of: QuoteText,
    width: u16,
) -> String {
    let mut out = format!(
        "{}: {}{}\nstance {}; supported by {} of {} groups ({}); votes {}; evidence {} segments; codes {}\n\n",
        rec.rec_id,
        rec.wording,
        if rec.curated { " (curated)" } else { "" },
        rec.stance,
        rec.support,
        rec.groups_total,
        rec.groups.join(", "),
        rec.votes_total.map(|v| v.to_string()).unwrap_or_default(),
        rec.evidence_segments,
        rec.codes.join(", "),
    );
    let mut l = Listing::new(&[
        "member_id",
        "group",
        "text",
        "stance",
        "similarity",
        "votes",
        "owner",
        "deadline",
    ]);
    for m in members.iter().filter(|m| m.rec_id == rec.rec_id) {
        l.rows.push(vec![
            some(&m.member_id),
            some(&m.group),
            some(&m.text),
            some(&m.stance),
            some(format!("{:.2}", m.similarity_to_wording)),
            m.votes.map(|v| v.to_string()),
            m.owner.clone(),
            m.deadline.clone(),
        ]);
    }
    out.push_str(
        "Wordings (member_id is the curation file's id; similarity to the wording kept)\n",
    );
    out.push_str(&crate::render::report::fit(&l, width, false));
    let quotes: Vec<&EvidenceRow> = evidence.iter().filter(|e| e.rec_id == rec.rec_id).collect();
    if !quotes.is_empty() {
        let mut l = Listing::new(&["group", "segment_id", "quote"]);
        for e in quotes {
            l.rows.push(vec![
                some(&e.group),
                some(&e.segment_id),
                Some(text_of(&e.segment_id).unwrap_or_default()),
            ]);
        }
        out.push_str("\nEvidence\n");
        out.push_str(&l.to_table(width));
    }
    out
}
