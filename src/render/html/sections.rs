//! The report's sections: the header with its key figures, the ranked
//! recommendations with their members and evidence, the convergence
//! classes, the quotes under each theme, and the sources.

use super::charts::{Heat, support_cell};
use super::{MAX_WORDING, Tables, capital, esc, push_new, truncate};
use crate::render::report::RecDetail;
use crate::render::report::cells::clock;
use crate::render::report::lines::{
    ConvergenceLine, NonProposalLine, QuoteLine, RecommendationLine, SourceLine,
};

/// Convergence classes in reading order; others follow as they come.
const CLASS_ORDER: [&str; 5] = [
    "all groups",
    "most groups",
    "some groups",
    "one group",
    "no group",
];

pub(super) fn header(out: &mut String, study: &str, t: &Tables, heat: &Heat) {
    let groups = t.groups_total(heat);
    let theme_rows = t.themes();
    let themes = if theme_rows.is_empty() {
        if t.conv.is_empty() {
            heat.rows.len()
        } else {
            t.conv.len()
        }
    } else {
        theme_rows.len()
    };
    let shared = if theme_rows.is_empty() {
        t.conv
            .iter()
            .filter(|r| r.groups_raised == r.groups_total)
            .count()
    } else {
        theme_rows
            .iter()
            .filter(|r| r.groups_raised == r.groups_total)
            .count()
    };
    let (total, actionable) = (t.counts.total, t.counts.actionable);
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut summary = vec![plural(groups, "working group", "working groups")];
    if themes > 0 {
        summary.push(plural(themes, "theme", "themes"));
    }
    if total > 0 {
        summary.push(plural(
            total,
            "merged recommendation",
            "merged recommendations",
        ));
    }
    out.push_str("<header class=\"top\">\n<p class=\"kicker\">Cross-group synthesis</p>\n");
    out.push_str(&format!("<h1>{}</h1>\n", esc(study)));
    out.push_str(&format!(
        "<p class=\"summary\">{}.</p>\n",
        esc(&summary.join(" · "))
    ));
    let mut figures: Vec<(String, &str)> = vec![(groups.to_string(), "working groups")];
    if themes > 0 {
        figures.push((themes.to_string(), "themes"));
        if !theme_rows.is_empty() || !t.conv.is_empty() {
            figures.push((shared.to_string(), "themes shared by all groups"));
        }
    }
    if total > 0 {
        figures.push((total.to_string(), "merged recommendations"));
        figures.push((actionable.to_string(), "actionable"));
    }
    out.push_str("<ul class=\"figures\">\n");
    for (n, what) in &figures {
        out.push_str(&format!("<li><b>{n}</b>{}</li>\n", esc(what)));
    }
    out.push_str("</ul>\n");
    let mut toc = Vec::new();
    if total > 0 {
        toc.push(("recommendations", "Recommendations"));
        toc.push(("support", "Support"));
    }
    if !heat.rows.is_empty() {
        toc.push(("heatmap", "Themes by group"));
    }
    if !t.conv.is_empty() {
        toc.push(("convergence", "Convergence"));
    }
    if !t.methods.is_empty() {
        toc.push(("methods", "Workshop methods"));
    }
    if !t.quotes.is_empty() {
        toc.push(("quotes", "Quotes"));
    }
    if !t.non_proposals.is_empty() {
        toc.push(("non-proposals", "Non-proposals"));
    }
    if !t.sources.is_empty() {
        toc.push(("sources", "Sources"));
    }
    if toc.len() > 1 {
        out.push_str("<nav class=\"toc\" aria-label=\"Contents\">");
        for (id, title) in toc {
            out.push_str(&format!("<a href=\"#{id}\">{title}</a>"));
        }
        out.push_str("</nav>\n");
    }
    out.push_str("</header>\n");
}

/// The CSS class of a priority, by its usual wordings (French and English).
pub(super) fn priority_class(p: &str) -> &'static str {
    match p.trim().to_lowercase().as_str() {
        "haute" | "high" | "élevée" | "elevee" | "forte" | "urgent" | "urgente" | "1" => "p-high",
        "moyenne" | "medium" | "moyen" | "normal" | "normale" | "2" => "p-med",
        "basse" | "low" | "faible" | "bas" | "3" => "p-low",
        _ => "p-other",
    }
}

pub(super) fn recommendations(
    out: &mut String,
    recs: &[RecommendationLine],
    counts: super::RecCounts,
    details: &[RecDetail],
) {
    out.push_str("<section id=\"recommendations\">\n<h2>Recommendations</h2>\n");
    let curated = counts.curated;
    out.push_str(&format!(
        "<p class=\"note\">Merged across groups when they say the same thing, and ranked by \
         the number of groups that back them, then the coded segments behind them, then votes.{}\
         <span class=\"screen-only\"> Open a row for the original wordings and the evidence.</span></p>\n",
        if curated {
            " ✎ marks a recommendation the consultant curated."
        } else {
            ""
        }
    ));
    out.push_str(
        "<table class=\"recs\">\n<colgroup><col class=\"c-rank\"><col class=\"c-rec\"><col class=\"c-groups\">\
         <col class=\"c-support\"><col class=\"c-votes\"><col class=\"c-prio\"><col class=\"c-evid\">\
         <col class=\"c-flag\"><col class=\"c-flag\"><col class=\"c-flag\"></colgroup>\n<thead><tr><th>#</th><th>Recommendation</th>\
         <th>Groups</th><th>Support</th><th class=\"num\">Votes</th><th>Priority</th>\
         <th class=\"num\">Evidence</th><th class=\"flag\">Owner</th><th class=\"flag\">Target</th>\
         <th class=\"flag\" title=\"Deadline\">Due</th></tr></thead>\n",
    );
    let by_id: std::collections::HashMap<&str, &RecDetail> =
        details.iter().map(|d| (d.rec_id.as_str(), d)).collect();
    let (full, rest) = recs.split_at(recs.len().min(FULL_RECOMMENDATIONS));
    for r in full {
        let id = r.id.as_str();
        let (k, n) = (i64::from(r.support), i64::from(r.groups_total));
        let votes = r.votes_total.map_or("–".to_owned(), |v| v.to_string());
        let priority =
            r.priority
                .as_deref()
                .filter(|p| !p.is_empty())
                .map_or("–".to_owned(), |p| {
                    format!(
                        "<span class=\"badge {}\">{}</span>",
                        priority_class(p),
                        esc(p)
                    )
                });
        let evidence = r.evidence_segments.to_string();
        let flags: String = [r.has_owner, r.has_target, r.has_deadline]
            .iter()
            .map(|on| {
                if *on {
                    "<td class=\"flag yes\">✓</td>"
                } else {
                    "<td class=\"flag no\">–</td>"
                }
            })
            .collect();
        out.push_str("<tbody>\n<tr class=\"main\">");
        out.push_str(&format!("<td class=\"rank\">{}</td>", r.rank));
        // A wording that is a whole paragraph is cut here; the members
        // below keep every word.
        let wording = r.recommendation.as_str();
        let shown = truncate(wording, MAX_WORDING);
        out.push_str(&format!(
            "<td class=\"rec\"><span class=\"wording\"{}>{}</span>{} <span class=\"id\">{}{}</span></td>",
            if shown.len() < wording.len() {
                format!(" title=\"{}\"", esc(wording))
            } else {
                String::new()
            },
            esc(&shown),
            stance_badge(&r.stance),
            esc(id),
            if r.curated { " ✎" } else { "" }
        ));
        out.push_str(&format!(
            "<td>{}</td><td class=\"support\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td>{}</tr>\n",
            group_list(&r.groups),
            support_cell(k, n),
            votes,
            priority,
            evidence,
            flags
        ));
        if let Some(d) = by_id
            .get(id)
            .filter(|d| !d.members.is_empty() || !d.evidence.is_empty())
        {
            out.push_str("<tr class=\"detail\"><td></td><td colspan=\"9\">");
            rec_detail(out, d);
            out.push_str("</td></tr>\n");
        }
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n");
    // Those after the full ones: listed, then counted.
    let more = counts.total.saturating_sub(full.len());
    if more > 0 {
        compact_recommendations(out, rest, more);
    }
    out.push_str("</section>\n");
}

/// Recommendations shown in full (with their members and evidence); the
/// others are listed compactly.
pub(crate) const FULL_RECOMMENDATIONS: usize = 20;
/// Recommendations listed compactly, at most; the others are counted.
pub(crate) const COMPACT_RECOMMENDATIONS: usize = 300;
/// Group names shown in a cell before the rest fold away.
const GROUPS_SHOWN: usize = 6;
/// Members shown under a recommendation before the rest fold away.
const MEMBERS_SHOWN: usize = 12;

/// The recommendations after the first ones: a line each (rank, wording,
/// support, votes), the count of those left out: `more` after the full
/// ones, of which `rest` are at hand.
fn compact_recommendations(out: &mut String, rest: &[RecommendationLine], more: usize) {
    let shown = &rest[..rest.len().min(COMPACT_RECOMMENDATIONS)];
    let hidden = more.saturating_sub(shown.len());
    out.push_str(&format!(
        "<details class=\"more\"><summary>{} more recommendation{}</summary>\n<table class=\"compact\"><thead><tr><th>#</th><th>Recommendation</th><th>Support</th><th class=\"num\">Votes</th></tr></thead><tbody>\n",
        more,
        if more == 1 { "" } else { "s" }
    ));
    for r in shown {
        out.push_str(&format!(
            "<tr><td class=\"rank\">{}</td><td>{}{} <span class=\"id\">{}{}</span></td><td class=\"kn\">{}/{}</td><td class=\"num\">{}</td></tr>\n",
            r.rank,
            esc(&truncate(&r.recommendation, 160)),
            stance_badge(&r.stance),
            esc(&r.id),
            if r.curated { " ✎" } else { "" },
            r.support,
            r.groups_total,
            r.votes_total.map_or("–".to_owned(), |v| v.to_string())
        ));
    }
    out.push_str("</tbody></table>\n");
    if hidden > 0 {
        out.push_str(&format!(
            "<p class=\"note\">{hidden} more, each backed by fewer groups, are in the workbook and the CSV and JSON reports.</p>\n"
        ));
    }
    out.push_str("</details>\n");
}

/// A small badge for a stance (none for neutral).
fn stance_badge(stance: &str) -> String {
    match stance {
        "for" | "against" => format!(" <span class=\"stance s-{stance}\">{stance}</span>"),
        _ => String::new(),
    }
}

/// Group names, the first few shown and the others folded away.
pub(super) fn group_list(groups: &[String]) -> String {
    if groups.len() <= GROUPS_SHOWN {
        return esc(&groups.join(", "));
    }
    let (first, others) = groups.split_at(GROUPS_SHOWN - 1);
    format!(
        "{}<details class=\"groups\"><summary>+ {} more</summary>{}</details>",
        esc(&first.join(", ")),
        others.len(),
        esc(&others.join(", "))
    )
}

fn rec_detail(out: &mut String, d: &RecDetail) {
    let count =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    out.push_str(&format!(
        "<details><summary>{} · {}</summary>\n<div class=\"detail-body\">",
        count(
            d.members.len(),
            "original recommendation",
            "original recommendations"
        ),
        count(d.evidence.len(), "evidence quote", "evidence quotes")
    ));
    out.push_str("<div><h4>Original recommendations</h4>");
    if d.members.is_empty() {
        out.push_str("<p class=\"note\">None recorded.</p>");
    } else {
        out.push_str("<ul class=\"members\">");
        for m in d.members.iter().take(MEMBERS_SHOWN) {
            let votes = m.votes.map_or(String::new(), |v| {
                format!(
                    " <span class=\"votes\">({v} {})</span>",
                    if v == 1 { "vote" } else { "votes" }
                )
            });
            out.push_str(&format!(
                "<li><b>{}</b>: {}{votes}</li>",
                esc(&m.group),
                esc(&m.text)
            ));
        }
        out.push_str("</ul>");
        if d.members.len() > MEMBERS_SHOWN {
            out.push_str(&format!(
                "<p class=\"note\">and {} more; the workbook lists them all.</p>",
                d.members.len() - MEMBERS_SHOWN
            ));
        }
    }
    out.push_str("</div><div><h4>Evidence</h4>");
    if d.evidence.is_empty() {
        out.push_str("<p class=\"note\">No quote found.</p>");
    }
    for e in &d.evidence {
        let who: Vec<&str> = e
            .participant
            .as_deref()
            .into_iter()
            .chain([e.group.as_str(), e.source.as_str()])
            .filter(|x| !x.is_empty())
            .collect();
        out.push_str(&format!(
            "<figure class=\"quote\"><blockquote>« {} »</blockquote><figcaption>— {}</figcaption></figure>",
            esc(e.text.trim()),
            esc(&who.join(", "))
        ));
    }
    out.push_str("</div></div>\n</details>");
}

pub(super) fn convergence(out: &mut String, conv: &[ConvergenceLine]) {
    let mut classes: Vec<String> = CLASS_ORDER
        .iter()
        .filter(|c| conv.iter().any(|r| r.class == **c))
        .map(|c| (*c).to_owned())
        .collect();
    for r in conv {
        push_new(&mut classes, &r.class);
    }
    out.push_str("<section id=\"convergence\">\n<h2>Convergence</h2>\n");
    out.push_str("<p class=\"note\">Themes by how many groups raised them (k of n groups).</p>\n");
    out.push_str(
        "<table class=\"conv\"><colgroup><col class=\"c-theme\"><col class=\"c-code\"><col class=\"c-kn\"><col></colgroup>\n\
         <thead><tr><th>Theme</th><th>Code</th><th>Groups</th><th>Raised by</th></tr></thead>\n",
    );
    for class in &classes {
        let rows: Vec<&ConvergenceLine> = conv.iter().filter(|r| &r.class == class).collect();
        let title = if class.is_empty() {
            "Unclassified".to_owned()
        } else {
            capital(class)
        };
        out.push_str(&format!(
            "<tbody><tr class=\"class-head\"><th colspan=\"4\" scope=\"rowgroup\">{} <span class=\"count\">{} {}</span></th></tr>\n",
            esc(&title),
            rows.len(),
            if rows.len() == 1 { "theme" } else { "themes" }
        ));
        for r in rows {
            let code = r.code.as_str();
            let (k, n) = (i64::from(r.groups_raised), i64::from(r.groups_total));
            let mut raised = group_list(&r.raised_by);
            if let Some(only) = r.specific_to.as_deref().filter(|s| !s.is_empty()) {
                raised.push_str(&format!(
                    " <span class=\"badge p-other\">specific to {}</span>",
                    esc(only)
                ));
            }
            out.push_str(&format!(
                "<tr><td{}>{}</td><td class=\"code\">{}</td><td class=\"support\">{}</td><td>{raised}</td></tr>\n",
                if code.contains('.') {
                    " class=\"child\""
                } else {
                    ""
                },
                esc(&r.label),
                esc(code),
                support_cell(k, n)
            ));
        }
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n</section>\n");
}

pub(super) fn quotes(out: &mut String, t: &Tables) {
    out.push_str("<section id=\"quotes\">\n<h2>Quotes by theme</h2>\n");
    out.push_str(&format!(
        "<p class=\"note\">The most representative segments of each theme, per group (at most {QUOTES_PER_THEME} per theme: with many groups, the best quote of each of the first groups; the workbook has them all).</p>\n",
    ));
    for (i, code) in t.code_order().iter().enumerate() {
        let all: Vec<&QuoteLine> = t.quotes.iter().filter(|r| &r.code == code).collect();
        if all.is_empty() {
            continue;
        }
        let groups: std::collections::BTreeSet<&str> =
            all.iter().map(|r| r.group.as_str()).collect();
        // Every quote when they fit; else the best one of each group.
        let rows: Vec<&QuoteLine> = if all.len() <= QUOTES_PER_THEME {
            all
        } else if groups.len() <= QUOTES_PER_THEME {
            let per = QUOTES_PER_THEME / groups.len();
            all.into_iter().filter(|r| r.rank as usize <= per).collect()
        } else {
            all.into_iter()
                .filter(|r| r.rank == 1)
                .take(QUOTES_PER_THEME)
                .collect()
        };
        out.push_str(&format!(
            "<section class=\"theme-quotes\" id=\"q-{}\"><h3>{} <span class=\"code\">{}</span></h3>\n<div class=\"quotes-grid\">\n",
            i + 1,
            esc(t.label(code).unwrap_or(code)),
            esc(code)
        ));
        for r in rows {
            let position = match (r.time_ms, r.line) {
                (Some(ms), _) => Some(clock(ms)),
                (None, Some(n)) => Some(format!("line {n}")),
                _ => None,
            };
            let nonempty = |s: &str| (!s.is_empty()).then(|| s.to_owned());
            let who: Vec<String> = [
                r.participant.as_deref().and_then(nonempty),
                nonempty(&r.group),
                nonempty(&r.source),
                position,
            ]
            .into_iter()
            .flatten()
            .collect();
            out.push_str(&format!(
                "<figure class=\"quote\"><blockquote>« {} »</blockquote><figcaption>— {}</figcaption></figure>\n",
                esc(r.quote.trim()),
                esc(&who.join(" · "))
            ));
        }
        out.push_str("</div></section>\n");
    }
    out.push_str("</section>\n");
}

/// Quotes shown per theme, at most.
const QUOTES_PER_THEME: usize = 12;
/// Sources listed, at most.
const SOURCES_SHOWN: usize = 100;
/// Non-proposals listed, at most.
const NON_PROPOSALS_SHOWN: usize = 50;

/// The items set aside: how many for each reason, and the first ones.
pub(super) fn non_proposals(out: &mut String, rows: &[NonProposalLine]) {
    let mut by_reason: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    for r in rows {
        *by_reason.entry(r.reason.as_str()).or_default() += 1;
    }
    let counts: Vec<String> = by_reason.iter().map(|(r, n)| format!("{n} {r}")).collect();
    out.push_str("<section id=\"non-proposals\">\n<h2>Items that propose nothing</h2>\n");
    out.push_str(&format!(
        "<p class=\"note\">{} item{} of the recommendation columns propose nothing ({}): they are neither merged nor ranked.</p>\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" },
        esc(&counts.join(", "))
    ));
    out.push_str("<details class=\"more\"><summary>The items</summary><table class=\"plain\"><thead><tr><th>Group</th><th>Reason</th><th>Text</th></tr></thead><tbody>\n");
    for r in rows.iter().take(NON_PROPOSALS_SHOWN) {
        out.push_str(&format!(
            "<tr><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            esc(&r.group),
            esc(&r.reason),
            esc(&truncate(&r.text, 200))
        ));
    }
    out.push_str("</tbody></table>");
    if rows.len() > NON_PROPOSALS_SHOWN {
        out.push_str(&format!(
            "<p class=\"note\">and {} more in the workbook.</p>",
            rows.len() - NON_PROPOSALS_SHOWN
        ));
    }
    out.push_str("</details>\n</section>\n");
}

pub(super) fn sources(out: &mut String, sources: &[SourceLine]) {
    out.push_str("<section id=\"sources\">\n<h2>Sources</h2>\n");
    out.push_str(
        "<table class=\"plain\"><thead><tr><th>Source</th><th>Kind</th><th>Format</th><th>Groups</th><th class=\"num\">Segments</th></tr></thead><tbody>\n",
    );
    for r in sources.iter().take(SOURCES_SHOWN) {
        out.push_str(&format!(
            "<tr><td class=\"code\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>\n",
            esc(&r.id),
            esc(&r.kind),
            esc(&r.format),
            group_list(&r.groups),
            r.segments
        ));
    }
    out.push_str("</tbody></table>\n");
    if sources.len() > SOURCES_SHOWN {
        out.push_str(&format!(
            "<p class=\"note\">and {} more sources in the workbook.</p>\n",
            sources.len() - SOURCES_SHOWN
        ));
    }
    out.push_str("</section>\n");
}
