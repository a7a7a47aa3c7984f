//! The HTML report for the board: one self-contained page (inline CSS and
//! SVG, no script, no network) built from the report tables' JSON rows
//! (schema `qualsynth.report/1`) and the recommendations' members and
//! evidence. Values in, bytes out: same input, same bytes.
//!
//! Sections, each present when its table is given and not empty: the ranked
//! recommendations (members and evidence in a `<details>`, printed open),
//! a support bar chart, a theme-by-group heatmap (from `themes`, else
//! `matrix`), the convergence classes, the quotes under each theme and the
//! sources.

use serde_json::Value;

use super::report::{Built, Kind, RecDetail};

/// Bars in the support chart.
const CHART_TOP: usize = 15;

/// Convergence classes in reading order; others follow as they come.
const CLASS_ORDER: [&str; 5] = [
    "all groups",
    "most groups",
    "some groups",
    "one group",
    "no group",
];

/// ColorBrewer "Blues" (9 classes): one hue, light to dark, readable by
/// colour-blind people and in greyscale.
const BLUES: [(u8, u8, u8); 9] = [
    // Darker than white so that a 0% cell still shows on the page.
    (0xea, 0xf1, 0xf9),
    (0xde, 0xeb, 0xf7),
    (0xc6, 0xdb, 0xef),
    (0x9e, 0xca, 0xe1),
    (0x6b, 0xae, 0xd6),
    (0x42, 0x92, 0xc6),
    (0x21, 0x71, 0xb5),
    (0x08, 0x51, 0x9c),
    (0x08, 0x30, 0x6b),
];

const CSS: &str = r#"
:root{--ink:#17212b;--muted:#55616e;--line:#d8dde3;--zebra:#f3f5f8;--accent:#1f4e79;--soft:#e9f0f7}
*{box-sizing:border-box}
html{-webkit-print-color-adjust:exact;print-color-adjust:exact}
body{margin:0;background:#fff;color:var(--ink);font:15px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif}
main{max-width:1120px;margin:0 auto;padding:36px 32px 40px}
header.top{border-bottom:3px solid var(--accent);padding-bottom:18px}
.kicker{margin:0;color:var(--accent);font-size:12px;font-weight:700;letter-spacing:.09em;text-transform:uppercase}
h1{margin:6px 0 6px;font-size:30px;line-height:1.2}
.summary{margin:0;color:var(--muted);font-size:16px}
.figures{display:flex;flex-wrap:wrap;gap:12px;margin:18px 0 0;padding:0;list-style:none}
.figures li{flex:1 1 0;min-width:110px;padding:10px 14px;border:1px solid var(--line);border-left:4px solid var(--accent);border-radius:4px;color:var(--muted);font-size:13px}
.figures b{display:block;color:var(--ink);font-size:24px;line-height:1.2}
nav.toc{margin:14px 0 0;font-size:14px}
nav.toc a{margin-right:16px;color:var(--accent);text-decoration:none}
nav.toc a:hover{text-decoration:underline}
section{margin-top:40px}
h2{margin:0 0 4px;padding-bottom:6px;border-bottom:1px solid var(--line);font-size:21px}
h3{margin:22px 0 8px;font-size:16px}
p.note{margin:6px 0 14px;color:var(--muted);font-size:13px}
table{width:100%;border-collapse:collapse;font-size:14px}
th{padding:6px 8px;border-bottom:2px solid var(--ink);color:var(--muted);font-size:11px;font-weight:700;letter-spacing:.05em;text-align:left;text-transform:uppercase;vertical-align:bottom}
td{padding:8px;border-bottom:1px solid var(--line);vertical-align:top}
table.plain tbody tr:nth-child(even) td{background:var(--zebra)}
table.recs tbody:nth-of-type(even) td{background:var(--zebra)}
table.recs tr.main td{border-bottom:0}
th.num,td.num{text-align:right;font-variant-numeric:tabular-nums}
td.rank{color:var(--accent);font-size:18px;font-weight:700}
.wording{font-weight:600}
table.recs{table-layout:fixed}
col.c-rank{width:4%}col.c-rec{width:33%}col.c-groups{width:12%}col.c-support{width:9%}
col.c-votes{width:6%}col.c-prio{width:10%}col.c-evid{width:8%}col.c-flag{width:6%}
.id,.code{color:var(--muted);font-size:12px;font-weight:400;font-variant-numeric:tabular-nums}
.code{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,monospace}
.dots{letter-spacing:1px;white-space:nowrap}
.dots .on{color:var(--accent)}
.dots .off{color:#b8c1cc}
.kn{color:var(--muted);font-size:12px;white-space:nowrap}
.badge{display:inline-block;padding:1px 9px;border:1px solid;border-radius:10px;font-size:12px;font-weight:600;white-space:nowrap}
.p-high{background:#fbe9e5;border-color:#eab4a8;color:#8c1d0d}
.p-med{background:#fdf3d8;border-color:#e6cf86;color:#634700}
.p-low{background:#e8f2ea;border-color:#b5d4bb;color:#1d5529}
.p-other{background:#eef0f3;border-color:#d2d8df;color:#39434d}
th.flag,td.flag{text-align:center}
td.flag.yes{color:var(--accent);font-weight:700}
td.flag.no{color:#9aa3ad}
td.support{white-space:nowrap}
tr.detail td{padding-top:0}
details>summary{width:max-content;color:var(--accent);font-size:13px;cursor:pointer}
.detail-body{display:grid;grid-template-columns:minmax(0,2fr) minmax(0,3fr);gap:8px 28px;margin:8px 0 4px}
.detail-body h4{margin:0 0 4px;color:var(--muted);font-size:11px;letter-spacing:.05em;text-transform:uppercase}
ul.members{margin:0;padding-left:18px;font-size:13px}
ul.members li{margin-bottom:3px}
.votes{color:var(--muted);white-space:nowrap}
figure.quote{margin:0 0 10px;padding:2px 0 2px 12px;border-left:3px solid #9ecae1;break-inside:avoid}
figure.quote blockquote{margin:0;font-size:14px;white-space:pre-line}
figure.quote figcaption{color:var(--muted);font-size:12px}
.detail-body figure.quote blockquote{font-size:13px}
.quotes-grid{display:grid;align-items:start;grid-template-columns:repeat(auto-fill,minmax(320px,1fr));gap:4px 24px}
figure.chart{margin:12px 0 0}
figure.chart svg{display:block;width:100%;height:auto;max-width:100%}
svg text{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,"Noto Sans",sans-serif;fill:#17212b}
svg .muted{fill:#55616e}
table.conv{table-layout:fixed}
table.conv col.c-theme{width:36%}
table.conv col.c-code{width:18%}
table.conv col.c-kn{width:13%}
table.conv tr:nth-child(odd) td{background:var(--zebra)}
tr.class-head th{padding:18px 8px 6px;border-bottom:1px solid var(--ink);color:var(--ink);font-size:15px;letter-spacing:0;text-transform:none}
.count{color:var(--muted);font-size:13px;font-weight:400}
td.child{padding-left:26px}
footer.bottom{margin-top:48px;padding-top:10px;border-top:1px solid var(--line);color:var(--muted);font-size:12px}
@page{size:A4;margin:14mm 12mm}
@media print{
body{font-size:10pt}
main{max-width:none;padding:0}
nav.toc{display:none}
.screen-only{display:none}
section{margin-top:22px}
h2,h3{break-after:avoid}
tr,figure{break-inside:avoid}
table.recs tr.main{break-after:avoid}
table.recs tr.detail{break-inside:auto}
p.note{break-after:avoid}
ul.members,.detail-body figure.quote blockquote{font-size:8.5pt}
figure.quote figcaption{font-size:7.5pt}
details>summary{display:none}
details::details-content{display:block;content-visibility:visible}
table{font-size:9pt}
th{padding:4px;font-size:6.5pt;letter-spacing:0}
td{padding:5px 4px}
td.rank{font-size:12pt}
.quotes-grid{grid-template-columns:1fr 1fr}
#heatmap,#support{break-inside:avoid}
a{color:inherit;text-decoration:none}
}
"#;

/// The self-contained HTML report of `study` for the given tables and the
/// recommendations' members and evidence.
pub fn to_html(study: &str, built: &[Built], details: &[RecDetail]) -> String {
    let t = Tables::new(built);
    let heat = Heat::new(&t);
    let mut out = String::with_capacity(64 * 1024);
    out.push_str("<!DOCTYPE html>\n<html lang=\"und\">\n<head>\n<meta charset=\"utf-8\">\n");
    out.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    out.push_str("<meta name=\"generator\" content=\"qualsynth\">\n");
    out.push_str(&format!("<title>{}</title>\n", esc(study)));
    out.push_str("<style>");
    out.push_str(CSS);
    out.push_str("</style>\n</head>\n<body>\n<main>\n");
    header(&mut out, study, &t, &heat);
    let mut any = false;
    if !t.recs.is_empty() {
        any = true;
        recommendations(&mut out, t.recs, details);
        support_chart(&mut out, t.recs);
    }
    if !heat.rows.is_empty() {
        any = true;
        heatmap(&mut out, &heat);
    }
    if !t.conv.is_empty() {
        any = true;
        convergence(&mut out, t.conv);
    }
    if !t.quotes.is_empty() {
        any = true;
        quotes(&mut out, &t);
    }
    if !t.sources.is_empty() {
        any = true;
        sources(&mut out, t.sources);
    }
    if !any {
        out.push_str("<p class=\"note\">Nothing to report: the tables are empty.</p>\n");
    }
    out.push_str(&format!(
        "<footer class=\"bottom\">Generated by qualsynth {}</footer>\n",
        env!("CARGO_PKG_VERSION")
    ));
    out.push_str("</main>\n</body>\n</html>\n");
    out
}

/// `&<>"'` escaped: for text and for attribute values in double quotes.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + s.len() / 8);
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// At most `max` characters, cut at a word when one is near, with `…`.
/// Longest recommendation wording shown in the table, in characters.
const MAX_WORDING: usize = 280;

fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        return s.to_owned();
    }
    let cut: String = s.chars().take(max.saturating_sub(1)).collect();
    let cut = match cut.rfind(' ') {
        Some(i) if cut[..i].chars().count() * 4 >= max * 3 => &cut[..i],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([' ', ',', ';', ':']))
}

/// `0.857` as `86%`.
fn pct(f: f64) -> String {
    format!("{:.0}%", f * 100.0)
}

/// First letter in capitals: `all groups` as `All groups`.
fn capital(s: &str) -> String {
    let mut c = s.chars();
    c.next()
        .map(|f| f.to_uppercase().chain(c).collect())
        .unwrap_or_default()
}

fn s<'a>(v: &'a Value, key: &str) -> &'a str {
    v.get(key).and_then(Value::as_str).unwrap_or("")
}

fn opt_s<'a>(v: &'a Value, key: &str) -> Option<&'a str> {
    v.get(key).and_then(Value::as_str).filter(|s| !s.is_empty())
}

fn int(v: &Value, key: &str) -> Option<i64> {
    v.get(key).and_then(Value::as_i64)
}

fn flag(v: &Value, key: &str) -> bool {
    v.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn list<'a>(v: &'a Value, key: &str) -> Vec<&'a str> {
    v.get(key)
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default()
}

/// Pushes `s` to `v` unless it is there already (first-seen order).
fn push_new(v: &mut Vec<String>, s: &str) {
    if !v.iter().any(|x| x == s) {
        v.push(s.to_owned());
    }
}

/// The rows of each table (empty when the table was not asked for).
struct Tables<'a> {
    recs: &'a [Value],
    themes: &'a [Value],
    matrix: &'a [Value],
    conv: &'a [Value],
    quotes: &'a [Value],
    sources: &'a [Value],
}

impl<'a> Tables<'a> {
    fn new(built: &'a [Built]) -> Self {
        let rows = |k: Kind| {
            built
                .iter()
                .find(|b| b.kind == k)
                .map_or(&[][..], |b| b.rows.as_slice())
        };
        Tables {
            recs: rows(Kind::Recommendations),
            themes: rows(Kind::Themes),
            matrix: rows(Kind::Matrix),
            conv: rows(Kind::Convergence),
            quotes: rows(Kind::Quotes),
            sources: rows(Kind::Sources),
        }
    }

    /// Number of groups in the study: `groups_total` of any row, else the
    /// groups seen.
    fn groups_total(&self, heat: &Heat) -> usize {
        self.recs
            .iter()
            .chain(self.themes)
            .chain(self.conv)
            .find_map(|r| int(r, "groups_total"))
            .and_then(|n| usize::try_from(n).ok())
            .unwrap_or(heat.groups.len())
    }

    /// Codes in theme order (themes, convergence, matrix, then quotes).
    fn code_order(&self) -> Vec<String> {
        let mut codes = Vec::new();
        for r in self
            .themes
            .iter()
            .chain(self.conv)
            .chain(self.matrix)
            .chain(self.quotes)
        {
            push_new(&mut codes, s(r, "code"));
        }
        codes
    }

    /// A code's label, from any table that has one.
    fn label(&self, code: &str) -> Option<&'a str> {
        self.themes
            .iter()
            .chain(self.conv)
            .chain(self.matrix)
            .find(|r| s(r, "code") == code)
            .and_then(|r| opt_s(r, "label"))
    }
}

/// The heatmap's data: participant share per theme and group.
struct Heat {
    groups: Vec<String>,
    rows: Vec<HeatRow>,
    /// The shares are of segments, not participants: no participant could
    /// be counted anywhere (grids without a participant column).
    segments: bool,
}

struct HeatRow {
    code: String,
    label: String,
    shares: Vec<Option<f64>>,
}

impl Heat {
    /// From the `themes` rows, else from the `matrix` rows.
    fn new(t: &Tables) -> Self {
        let mut groups = Vec::new();
        let mut rows = Vec::new();
        if !t.themes.is_empty() {
            for r in t.themes {
                if let Some(m) = r.get("participant_share").and_then(Value::as_object) {
                    for g in m.keys() {
                        push_new(&mut groups, g);
                    }
                }
            }
            for r in t.themes {
                let m = r.get("participant_share").and_then(Value::as_object);
                rows.push(HeatRow {
                    code: s(r, "code").to_owned(),
                    label: s(r, "label").to_owned(),
                    shares: groups
                        .iter()
                        .map(|g| m.and_then(|m| m.get(g)).and_then(Value::as_f64))
                        .collect(),
                });
            }
        }
        let no_participants = rows.iter().all(|r| r.shares.iter().all(Option::is_none));
        if no_participants && !t.matrix.is_empty() {
            let mut heat = Heat::from_matrix(t, "participant_share");
            if heat
                .rows
                .iter()
                .all(|r| r.shares.iter().all(Option::is_none))
            {
                heat = Heat::from_matrix(t, "segment_share");
                heat.segments = true;
            }
            return heat;
        }
        Heat {
            groups,
            rows,
            segments: false,
        }
    }

    /// From the `matrix` rows, with the share in column `share`.
    fn from_matrix(t: &Tables, share: &str) -> Self {
        let (mut groups, mut rows, mut codes) = (Vec::new(), Vec::new(), Vec::new());
        for r in t.matrix {
            push_new(&mut codes, s(r, "code"));
            push_new(&mut groups, s(r, "group"));
        }
        groups.sort();
        for c in codes {
            let cell = |g: &str| {
                t.matrix
                    .iter()
                    .find(|r| s(r, "code") == c && s(r, "group") == g)
            };
            rows.push(HeatRow {
                label: t.label(&c).unwrap_or("").to_owned(),
                shares: groups
                    .iter()
                    .map(|g| cell(g).and_then(|r| r.get(share)).and_then(Value::as_f64))
                    .collect(),
                code: c,
            });
        }
        Heat {
            groups,
            rows,
            segments: false,
        }
    }
}

fn header(out: &mut String, study: &str, t: &Tables, heat: &Heat) {
    let groups = t.groups_total(heat);
    let themes = if t.themes.is_empty() {
        if t.conv.is_empty() {
            heat.rows.len()
        } else {
            t.conv.len()
        }
    } else {
        t.themes.len()
    };
    let shared = t
        .themes
        .iter()
        .chain(if t.themes.is_empty() { t.conv } else { &[] })
        .filter(|r| {
            let (k, n) = (int(r, "groups_raised"), int(r, "groups_total"));
            k.is_some() && k == n
        })
        .count();
    let actionable = t.recs.iter().filter(|r| flag(r, "actionable")).count();
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut summary = vec![plural(groups, "working group", "working groups")];
    if themes > 0 {
        summary.push(plural(themes, "theme", "themes"));
    }
    if !t.recs.is_empty() {
        summary.push(plural(
            t.recs.len(),
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
        if !t.themes.is_empty() || !t.conv.is_empty() {
            figures.push((shared.to_string(), "themes shared by all groups"));
        }
    }
    if !t.recs.is_empty() {
        figures.push((t.recs.len().to_string(), "merged recommendations"));
        figures.push((actionable.to_string(), "actionable"));
    }
    out.push_str("<ul class=\"figures\">\n");
    for (n, what) in &figures {
        out.push_str(&format!("<li><b>{n}</b>{}</li>\n", esc(what)));
    }
    out.push_str("</ul>\n");
    let mut toc = Vec::new();
    if !t.recs.is_empty() {
        toc.push(("recommendations", "Recommendations"));
        toc.push(("support", "Support"));
    }
    if !heat.rows.is_empty() {
        toc.push(("heatmap", "Themes by group"));
    }
    if !t.conv.is_empty() {
        toc.push(("convergence", "Convergence"));
    }
    if !t.quotes.is_empty() {
        toc.push(("quotes", "Quotes"));
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

/// `k` of `n` as dots (up to 10 groups) or a small bar, then `k/n`.
fn support_cell(k: i64, n: i64) -> String {
    let label = format!("{k} of {n} groups");
    let glyphs = if (1..=10).contains(&n) {
        let on = k.clamp(0, n);
        format!(
            "<span class=\"dots\" role=\"img\" aria-label=\"{label}\"><span class=\"on\">{}</span><span class=\"off\">{}</span></span>",
            "●".repeat(usize::try_from(on).unwrap_or(0)),
            "○".repeat(usize::try_from(n - on).unwrap_or(0)),
        )
    } else {
        let w = if n > 0 {
            (k.clamp(0, n) as f64 / n as f64 * 48.0).round()
        } else {
            0.0
        };
        format!(
            "<svg width=\"48\" height=\"8\" role=\"img\" aria-label=\"{label}\"><rect width=\"48\" height=\"8\" fill=\"#dde3ea\"/><rect width=\"{w}\" height=\"8\" fill=\"#1f4e79\"/></svg>"
        )
    };
    format!("{glyphs} <span class=\"kn\">{k}/{n}</span>")
}

/// The CSS class of a priority, by its usual wordings (French and English).
fn priority_class(p: &str) -> &'static str {
    match p.trim().to_lowercase().as_str() {
        "haute" | "high" | "élevée" | "elevee" | "forte" | "urgent" | "urgente" | "1" => "p-high",
        "moyenne" | "medium" | "moyen" | "normal" | "normale" | "2" => "p-med",
        "basse" | "low" | "faible" | "bas" | "3" => "p-low",
        _ => "p-other",
    }
}

fn recommendations(out: &mut String, recs: &[Value], details: &[RecDetail]) {
    out.push_str("<section id=\"recommendations\">\n<h2>Recommendations</h2>\n");
    out.push_str(
        "<p class=\"note\">Merged across groups and ranked by support, then votes.\
         <span class=\"screen-only\"> Open a row for the original wordings and the evidence.</span></p>\n",
    );
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
    for r in recs {
        let id = s(r, "id");
        let (k, n) = (
            int(r, "support").unwrap_or(0),
            int(r, "groups_total").unwrap_or(0),
        );
        let votes = int(r, "votes_total").map_or("–".to_owned(), |v| v.to_string());
        let priority = opt_s(r, "priority").map_or("–".to_owned(), |p| {
            format!(
                "<span class=\"badge {}\">{}</span>",
                priority_class(p),
                esc(p)
            )
        });
        let evidence = int(r, "evidence_segments").map_or("–".to_owned(), |v| v.to_string());
        let flags: String = ["has_owner", "has_target", "has_deadline"]
            .iter()
            .map(|key| {
                if flag(r, key) {
                    "<td class=\"flag yes\">✓</td>"
                } else {
                    "<td class=\"flag no\">–</td>"
                }
            })
            .collect();
        out.push_str("<tbody>\n<tr class=\"main\">");
        out.push_str(&format!(
            "<td class=\"rank\">{}</td>",
            int(r, "rank").map_or(String::new(), |n| n.to_string())
        ));
        // A wording that is a whole paragraph is cut here; the members
        // below keep every word.
        let wording = s(r, "recommendation");
        let shown = truncate(wording, MAX_WORDING);
        out.push_str(&format!(
            "<td class=\"rec\"><span class=\"wording\"{}>{}</span> <span class=\"id\">{}</span></td>",
            if shown.len() < wording.len() {
                format!(" title=\"{}\"", esc(wording))
            } else {
                String::new()
            },
            esc(&shown),
            esc(id)
        ));
        out.push_str(&format!(
            "<td>{}</td><td class=\"support\">{}</td><td class=\"num\">{}</td><td>{}</td><td class=\"num\">{}</td>{}</tr>\n",
            esc(&list(r, "groups").join(", ")),
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
    out.push_str("</table>\n</section>\n");
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
        for m in &d.members {
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

fn support_chart(out: &mut String, recs: &[Value]) {
    let shown = &recs[..recs.len().min(CHART_TOP)];
    let n = shown
        .iter()
        .filter_map(|r| int(r, "groups_total"))
        .chain(shown.iter().filter_map(|r| int(r, "support")))
        .max()
        .unwrap_or(0)
        .max(1);
    let (width, label_w, row_h, top) = (960, 430, 26, 30);
    let bar_w = width - label_w - 70;
    let height = top + row_h * shown.len() as i64 + 8;
    out.push_str("<section id=\"support\">\n<h2>Support across groups</h2>\n");
    out.push_str(&format!(
        "<p class=\"note\">Supporting groups per recommendation{}.</p>\n",
        if recs.len() > CHART_TOP {
            format!(", top {CHART_TOP} of {}", recs.len())
        } else {
            String::new()
        }
    ));
    out.push_str(&format!(
        "<figure class=\"chart\"><svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"support-title\">\n<title id=\"support-title\">Supporting groups per recommendation</title>\n"
    ));
    // Grid lines and ticks, one per group count (at most 10 ticks).
    let step = (n + 9) / 10;
    let mut tick = 0;
    while tick <= n {
        let x = label_w + tick * bar_w / n;
        out.push_str(&format!(
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#d8dde3\"/><text x=\"{x}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" class=\"muted\">{tick}</text>\n",
            top - 6,
            height - 4,
            top - 12
        ));
        tick += step;
    }
    out.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\" class=\"muted\">groups</text>\n",
        label_w - 10,
        top - 12
    ));
    for (i, r) in shown.iter().enumerate() {
        let y = top + row_h * i as i64;
        let k = int(r, "support").unwrap_or(0).clamp(0, n);
        let total = int(r, "groups_total").unwrap_or(n);
        let w = k * bar_w / n;
        let wording = s(r, "recommendation");
        out.push_str(&format!(
            "<g><title>{} {}: {k} of {total} groups</title>",
            esc(s(r, "id")),
            esc(wording)
        ));
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"end\"><tspan font-weight=\"700\">{}</tspan> {}</text>",
            label_w - 10,
            y + 17,
            esc(s(r, "id")),
            esc(&truncate(wording, 52))
        ));
        out.push_str(&format!(
            "<rect x=\"{label_w}\" y=\"{}\" width=\"{w}\" height=\"16\" rx=\"2\" fill=\"#2171b5\"/>",
            y + 5
        ));
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"600\">{k}/{total}</text></g>\n",
            label_w + w + 6,
            y + 17
        ));
    }
    out.push_str("</svg></figure>\n</section>\n");
}

/// The colour of a share on the Blues scale, as `#rrggbb`.
fn blue(f: f64) -> String {
    let f = f.clamp(0.0, 1.0) * (BLUES.len() - 1) as f64;
    let i = (f.floor() as usize).min(BLUES.len() - 2);
    let t = f - i as f64;
    let (a, b) = (BLUES[i], BLUES[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

fn heatmap(out: &mut String, heat: &Heat) {
    let longest_group = heat
        .groups
        .iter()
        .map(|g| g.chars().count())
        .max()
        .unwrap_or(0)
        .min(24) as i64;
    let rotate = longest_group > 11;
    let cell_w: i64 = if rotate {
        64
    } else {
        (longest_group * 8 + 20).max(84)
    };
    let cell_h = 28;
    let longest_label = heat
        .rows
        .iter()
        .map(|r| r.label.chars().count().min(40) + r.code.chars().count().min(24) + 3)
        .max()
        .unwrap_or(0) as i64;
    let label_w = (longest_label * 13 / 2 + 24).clamp(160, 420);
    let head_h = if rotate { longest_group * 6 + 24 } else { 30 };
    let grid_w = cell_w * heat.groups.len() as i64;
    // Room for the legend (six swatches) and for rotated group names,
    // which lean right past the last column.
    let legend_w = 44 * 5 + 16 + 40 + 24;
    let lean = if rotate { longest_group * 5 } else { 0 };
    let width = label_w + (grid_w + lean).max(legend_w) + 16;
    let (who, measure) = if heat.segments {
        ("segments", "Segment share")
    } else {
        ("participants", "Participant share")
    };
    let grid_h = cell_h * heat.rows.len() as i64;
    let legend_y = head_h + grid_h + 22;
    let height = legend_y + 40;
    out.push_str("<section id=\"heatmap\">\n<h2>Themes by group</h2>\n");
    out.push_str(&if heat.segments {
        "<p class=\"note\">Share of each group's segments coded with the theme (no participant \
         is known in this study, so shares are of segments). Hatched cells: the group has no \
         segment.</p>\n"
            .to_owned()
    } else {
        format!(
            "<p class=\"note\">Share of each group's {who} who raised the theme. \
             Hatched cells: no participant could be counted.</p>\n"
        )
    });
    out.push_str(&format!(
        "<figure class=\"chart\" style=\"max-width:{width}px\"><svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"heatmap-title\">\n<title id=\"heatmap-title\">{measure} per theme and group</title>\n"
    ));
    out.push_str(
        "<defs><pattern id=\"qs-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eceef1\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#b4bcc6\" stroke-width=\"2\"/></pattern></defs>\n",
    );
    for (j, g) in heat.groups.iter().enumerate() {
        let x = label_w + cell_w * j as i64 + cell_w / 2;
        let name = esc(&truncate(g, 24));
        if rotate {
            out.push_str(&format!(
                "<text x=\"{x}\" y=\"{}\" font-size=\"12\" font-weight=\"600\" transform=\"rotate(-40 {x} {})\"><title>{}</title>{name}</text>\n",
                head_h - 8,
                head_h - 8,
                esc(g)
            ));
        } else {
            out.push_str(&format!(
                "<text x=\"{x}\" y=\"{}\" font-size=\"12\" font-weight=\"600\" text-anchor=\"middle\"><title>{}</title>{name}</text>\n",
                head_h - 10,
                esc(g)
            ));
        }
    }
    for (i, r) in heat.rows.iter().enumerate() {
        let y = head_h + cell_h * i as i64;
        let child = r.code.contains('.');
        let indent = if child { 18 } else { 0 };
        let label = if r.label.is_empty() {
            &r.code
        } else {
            &r.label
        };
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"13\"{}><title>{}</title>{}<tspan class=\"muted\" font-size=\"11\" font-weight=\"400\"> {}</tspan></text>\n",
            indent,
            y + 18,
            if child { "" } else { " font-weight=\"600\"" },
            esc(&format!("{label} ({})", r.code)),
            esc(&truncate(label, 40)),
            esc(&truncate(&r.code, 24))
        ));
        for (j, share) in r.shares.iter().enumerate() {
            let x = label_w + cell_w * j as i64;
            let group = heat.groups.get(j).map_or("", String::as_str);
            let (fill, text, ink) = match share {
                Some(f) if f.is_finite() => (
                    blue(*f),
                    pct(*f),
                    if *f >= 0.5 { "#ffffff" } else { "#17212b" },
                ),
                _ => ("url(#qs-hatch)".to_owned(), "–".to_owned(), "#55616e"),
            };
            out.push_str(&format!(
                "<g class=\"cell\"><title>{}, {}: {}</title><rect x=\"{x}\" y=\"{y}\" width=\"{cell_w}\" height=\"{cell_h}\" fill=\"{fill}\" stroke=\"#ffffff\" stroke-width=\"2\"/><text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\" style=\"fill:{ink}\">{text}</text></g>\n",
                esc(label),
                esc(group),
                if text == "–" { "no data" } else { &text },
                x + cell_w / 2,
                y + 18
            ));
        }
    }
    // Legend: five steps and the hatched "no data".
    out.push_str(&format!(
        "<text x=\"{label_w}\" y=\"{}\" font-size=\"11\" class=\"muted\">{measure}</text>\n",
        legend_y - 6
    ));
    for (i, f) in [0.0, 0.25, 0.5, 0.75, 1.0].iter().enumerate() {
        let x = label_w + 44 * i as i64;
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"{legend_y}\" width=\"40\" height=\"12\" fill=\"{}\" stroke=\"#c9d0d8\" stroke-width=\"0.5\"/><text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" class=\"muted\">{}</text>\n",
            blue(*f),
            x + 20,
            legend_y + 26,
            pct(*f)
        ));
    }
    let x = label_w + 44 * 5 + 16;
    out.push_str(&format!(
        "<rect x=\"{x}\" y=\"{legend_y}\" width=\"40\" height=\"12\" fill=\"url(#qs-hatch)\" stroke=\"#c9d0d8\" stroke-width=\"0.5\"/><text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" class=\"muted\">– no data</text>\n",
        x + 20,
        legend_y + 26
    ));
    out.push_str("</svg></figure>\n</section>\n");
}

fn convergence(out: &mut String, conv: &[Value]) {
    let mut classes: Vec<String> = CLASS_ORDER
        .iter()
        .filter(|c| conv.iter().any(|r| s(r, "class") == **c))
        .map(|c| (*c).to_owned())
        .collect();
    for r in conv {
        push_new(&mut classes, s(r, "class"));
    }
    out.push_str("<section id=\"convergence\">\n<h2>Convergence</h2>\n");
    out.push_str("<p class=\"note\">Themes by how many groups raised them (k of n groups).</p>\n");
    out.push_str(
        "<table class=\"conv\"><colgroup><col class=\"c-theme\"><col class=\"c-code\"><col class=\"c-kn\"><col></colgroup>\n\
         <thead><tr><th>Theme</th><th>Code</th><th>Groups</th><th>Raised by</th></tr></thead>\n",
    );
    for class in &classes {
        let rows: Vec<&Value> = conv.iter().filter(|r| s(r, "class") == class).collect();
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
            let code = s(r, "code");
            let (k, n) = (
                int(r, "groups_raised").unwrap_or(0),
                int(r, "groups_total").unwrap_or(0),
            );
            let mut raised = esc(&list(r, "raised_by").join(", "));
            if let Some(only) = opt_s(r, "specific_to") {
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
                esc(s(r, "label")),
                esc(code),
                support_cell(k, n)
            ));
        }
        out.push_str("</tbody>\n");
    }
    out.push_str("</table>\n</section>\n");
}

fn quotes(out: &mut String, t: &Tables) {
    out.push_str("<section id=\"quotes\">\n<h2>Quotes by theme</h2>\n");
    out.push_str(
        "<p class=\"note\">The most representative segments of each theme, per group.</p>\n",
    );
    for (i, code) in t.code_order().iter().enumerate() {
        let rows: Vec<&Value> = t.quotes.iter().filter(|r| s(r, "code") == code).collect();
        if rows.is_empty() {
            continue;
        }
        out.push_str(&format!(
            "<section class=\"theme-quotes\" id=\"q-{}\"><h3>{} <span class=\"code\">{}</span></h3>\n<div class=\"quotes-grid\">\n",
            i + 1,
            esc(t.label(code).unwrap_or(code)),
            esc(code)
        ));
        for r in rows {
            let position = match (int(r, "time_ms"), int(r, "line")) {
                (Some(ms), _) => Some(clock(ms)),
                (None, Some(n)) => Some(format!("line {n}")),
                _ => None,
            };
            let who: Vec<String> = [
                opt_s(r, "participant").map(str::to_owned),
                opt_s(r, "group").map(str::to_owned),
                opt_s(r, "source").map(str::to_owned),
                position,
            ]
            .into_iter()
            .flatten()
            .collect();
            out.push_str(&format!(
                "<figure class=\"quote\"><blockquote>« {} »</blockquote><figcaption>— {}</figcaption></figure>\n",
                esc(s(r, "quote").trim()),
                esc(&who.join(" · "))
            ));
        }
        out.push_str("</div></section>\n");
    }
    out.push_str("</section>\n");
}

/// `1:02:03` or `2:03` from milliseconds.
fn clock(ms: i64) -> String {
    let s = ms / 1000;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

fn sources(out: &mut String, sources: &[Value]) {
    out.push_str("<section id=\"sources\">\n<h2>Sources</h2>\n");
    out.push_str(
        "<table class=\"plain\"><thead><tr><th>Source</th><th>Kind</th><th>Format</th><th>Groups</th><th class=\"num\">Segments</th></tr></thead><tbody>\n",
    );
    for r in sources {
        out.push_str(&format!(
            "<tr><td class=\"code\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"num\">{}</td></tr>\n",
            esc(s(r, "id")),
            esc(s(r, "kind")),
            esc(s(r, "format")),
            esc(&list(r, "groups").join(", ")),
            int(r, "segments").map_or(String::new(), |n| n.to_string())
        ));
    }
    out.push_str("</tbody></table>\n</section>\n");
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::render::listing::Listing;
    use crate::render::report::{Evidence, Member};

    const EVIL: &str = "<script>alert(1)</script>\" onmouseover='x' &";

    fn built(kind: Kind, rows: Vec<Value>) -> Built {
        Built {
            kind,
            listing: Listing::default(),
            rows,
        }
    }

    /// Every table, with hostile text in each place people wrote.
    fn all() -> Vec<Built> {
        vec![
            built(
                Kind::Recommendations,
                vec![
                    json!({"rank": 1, "id": "R001", "recommendation": EVIL,
                        "groups": ["Lille", "Marseille"], "support": 2, "groups_total": 3,
                        "votes_total": 9, "priority": EVIL, "codes": ["cout"],
                        "evidence_segments": 4, "has_owner": true, "has_target": false,
                        "has_deadline": false, "actionable": false}),
                    json!({"rank": 2, "id": "R002", "recommendation": "Baisser le loyer",
                        "groups": ["Lille"], "support": 1, "groups_total": 3,
                        "votes_total": null, "priority": null, "codes": [],
                        "evidence_segments": 0, "has_owner": false, "has_target": false,
                        "has_deadline": false, "actionable": false}),
                ],
            ),
            built(
                Kind::Themes,
                vec![
                    json!({"code": "cout", "label": EVIL, "groups_raised": 2, "groups_total": 3,
                        "class": "most groups",
                        "participant_share": {"Bruxelles": null, "Lille": 0.5, "Marseille": 1.0}}),
                    json!({"code": "cout.loyer", "label": "Loyer", "groups_raised": 1,
                        "groups_total": 3, "class": "one group",
                        "participant_share": {"Bruxelles": 0.0, "Lille": 0.25, "Marseille": null}}),
                ],
            ),
            built(Kind::Matrix, vec![]),
            built(
                Kind::Convergence,
                vec![
                    json!({"code": "cout", "label": EVIL, "groups_raised": 2, "groups_total": 3,
                        "class": "most groups", "raised_by": ["Lille", "Marseille"],
                        "specific_to": null}),
                    json!({"code": "cout.loyer", "label": "Loyer", "groups_raised": 1,
                        "groups_total": 3, "class": "one group", "raised_by": ["Lille"],
                        "specific_to": "Lille"}),
                ],
            ),
            built(
                Kind::Quotes,
                vec![json!({"code": "cout.loyer", "group": "Lille", "rank": 1,
                    "participant": EVIL, "source": "lille-reunion", "segment_id": "s:3",
                    "line": 3, "time_ms": null, "quote": EVIL})],
            ),
            built(
                Kind::Sources,
                vec![
                    json!({"id": "lille-reunion", "kind": "transcript", "format": "txt",
                    "groups": ["Lille"], "segments": 12}),
                ],
            ),
        ]
    }

    fn details() -> Vec<RecDetail> {
        vec![RecDetail {
            rec_id: "R001".into(),
            members: vec![Member {
                group: "Lille".into(),
                text: EVIL.into(),
                votes: Some(5),
            }],
            evidence: vec![Evidence {
                group: "Marseille".into(),
                participant: Some(EVIL.into()),
                source: "marseille-atelier".into(),
                text: EVIL.into(),
            }],
        }]
    }

    fn only(kinds: &[Kind]) -> Vec<Built> {
        all()
            .into_iter()
            .filter(|b| kinds.contains(&b.kind))
            .collect()
    }

    #[test]
    fn escapes_the_five_characters() {
        assert_eq!(
            esc(r#"<a href="x">&'</a>"#),
            "&lt;a href=&quot;x&quot;&gt;&amp;&#39;&lt;/a&gt;"
        );
    }

    #[test]
    fn hostile_text_never_becomes_markup() {
        let h = to_html(EVIL, &all(), &details());
        assert!(!h.contains("<script"), "a script element leaked");
        assert!(!h.contains("\" onmouseover"), "an attribute leaked");
        assert!(!h.contains("' onmouseover"), "an attribute leaked");
        assert!(
            h.contains("&lt;script&gt;alert(1)&lt;/script&gt;&quot; onmouseover=&#39;x&#39; &amp;")
        );
        // Title, wording, priority, theme label (heatmap, convergence, quotes),
        // quote, participant, member and evidence: all escaped.
        assert!(h.matches("&lt;script&gt;").count() >= 10, "{h}");
        // Nothing but the stylesheet between <style> tags.
        let style = &h[h.find("<style>").unwrap()..h.find("</style>").unwrap()];
        assert_eq!(style, format!("<style>{CSS}"));
    }

    #[test]
    fn page_is_self_contained_html5() {
        let h = to_html("T", &all(), &details());
        assert!(h.starts_with("<!DOCTYPE html>\n<html lang=\"und\">"));
        assert!(h.contains("<meta charset=\"utf-8\">"));
        assert!(h.contains("<meta name=\"viewport\""));
        assert!(!h.contains("http:") && !h.contains("https:") && !h.contains("<link"));
        assert!(!h.contains("<script"));
        assert!(h.contains("@media print"));
        assert!(h.contains("print-color-adjust:exact"));
        assert!(h.trim_end().ends_with("</html>"));
        assert!(h.contains(&format!(
            "Generated by qualsynth {}",
            env!("CARGO_PKG_VERSION")
        )));
    }

    #[test]
    fn every_section_when_every_table_is_given() {
        let h = to_html("T", &all(), &details());
        for id in [
            "recommendations",
            "support",
            "heatmap",
            "convergence",
            "quotes",
            "sources",
        ] {
            assert!(
                h.contains(&format!("<section id=\"{id}\">")),
                "{id} missing"
            );
        }
        assert!(h.contains("3 working groups · 2 themes · 2 merged recommendations."));
        // Members and evidence under R001, none under R002.
        assert_eq!(h.matches("<details>").count(), 1);
        assert!(h.contains("(5 votes)"));
        assert!(h.contains("« &lt;script&gt;"));
        // The convergence classes in reading order, with specificity.
        let most = h.find(">Most groups <").unwrap();
        let one = h.find(">One group <").unwrap();
        assert!(most < one);
        assert!(h.contains("specific to Lille"));
        // Quotes under the child theme, with its label and position.
        assert!(h.contains("<h3>Loyer <span class=\"code\">cout.loyer</span></h3>"));
        assert!(h.contains("lille-reunion · line 3"));
    }

    #[test]
    fn sections_follow_the_tables_given() {
        let h = to_html("T", &only(&[Kind::Sources]), &[]);
        assert!(h.contains("<section id=\"sources\">"));
        for id in [
            "recommendations",
            "support",
            "heatmap",
            "convergence",
            "quotes",
        ] {
            assert!(
                !h.contains(&format!("<section id=\"{id}\">")),
                "{id} present"
            );
        }
        assert!(!h.contains("<nav"), "no contents for one section");
        let h = to_html("T", &only(&[Kind::Recommendations]), &details());
        assert!(h.contains("<section id=\"recommendations\">"));
        assert!(h.contains("<section id=\"support\">"));
        assert!(!h.contains("<section id=\"heatmap\">"));
    }

    #[test]
    fn empty_tables_are_skipped() {
        let empty: Vec<Built> = Kind::ALL.iter().map(|k| built(*k, vec![])).collect();
        let h = to_html("T", &empty, &[]);
        assert!(!h.contains("<section"), "{h}");
        assert!(h.contains("Nothing to report"));
        let h = to_html("T", &[], &[]);
        assert!(h.contains("Nothing to report"));
    }

    #[test]
    fn heatmap_has_a_cell_per_theme_and_group() {
        let h = to_html("T", &all(), &[]);
        assert_eq!(h.matches("<g class=\"cell\">").count(), 2 * 3);
        // Groups in the order of the shares; the child theme indented.
        let (b, l, m) = (
            h.find(">Bruxelles</text>").unwrap(),
            h.find(">Lille</text>").unwrap(),
            h.find(">Marseille</text>").unwrap(),
        );
        assert!(b < l && l < m);
        assert!(h.contains("<text x=\"18\""), "child code not indented");
    }

    #[test]
    fn null_shares_are_hatched_and_zero_is_not() {
        let h = to_html("T", &all(), &[]);
        let cells: Vec<&str> = h
            .split("<g class=\"cell\">")
            .skip(1)
            .map(|c| &c[..c.find("</g>").unwrap()])
            .collect();
        let hatched: Vec<&&str> = cells
            .iter()
            .filter(|c| c.contains("url(#qs-hatch)"))
            .collect();
        assert_eq!(hatched.len(), 2);
        assert!(
            hatched
                .iter()
                .all(|c| c.contains(">–</text>") && c.contains("no data"))
        );
        assert!(
            cells
                .iter()
                .any(|c| c.contains(">0%</text>") && !c.contains("hatch"))
        );
        assert!(cells.iter().any(|c| c.contains(">100%</text>")));
        assert!(cells.iter().any(|c| c.contains(">25%</text>")));
    }

    #[test]
    fn heatmap_falls_back_to_the_matrix() {
        let matrix = built(
            Kind::Matrix,
            vec![
                json!({"code": "cout", "label": "Coût", "group": "Lille", "participant_share": 0.5}),
                json!({"code": "cout", "label": "Coût", "group": "Bruxelles", "participant_share": null}),
                json!({"code": "lien", "label": "Lien", "group": "Lille", "participant_share": 1.0}),
            ],
        );
        let h = to_html("T", &[matrix], &[]);
        assert!(h.contains("<section id=\"heatmap\">"));
        assert_eq!(h.matches("<g class=\"cell\">").count(), 2 * 2);
        // lien has no Bruxelles row: no data, hatched.
        assert_eq!(
            h.matches("fill=\"url(#qs-hatch)\" stroke=\"#ffffff\"")
                .count(),
            2
        );
    }

    #[test]
    fn same_input_same_bytes() {
        let a = to_html("T", &all(), &details());
        let b = to_html("T", &all(), &details());
        assert_eq!(a, b);
    }

    #[test]
    fn support_chart_shows_k_of_n_for_the_top_recommendations() {
        let recs: Vec<Value> = (1..=20)
            .map(|i| {
                json!({"rank": i, "id": format!("R{i:03}"), "recommendation": "x".repeat(80),
                    "groups": [], "support": 1, "groups_total": 3})
            })
            .collect();
        let h = to_html("T", &[built(Kind::Recommendations, recs)], &[]);
        let chart = &h[h.find("<section id=\"support\">").unwrap()..];
        let chart = &chart[..chart.find("</section>").unwrap()];
        assert_eq!(chart.matches("<rect").count(), CHART_TOP);
        assert!(chart.contains(">1/3</text>"));
        assert!(chart.contains("top 15 of 20"));
        assert!(chart.contains(&format!("{}…", "x".repeat(51))));
    }

    #[test]
    fn a_paragraph_long_wording_is_cut_in_the_table_and_kept_in_full() {
        let long = format!("Réformer {}fin.", "la fiscalité locale et ".repeat(30));
        let recs = built(
            Kind::Recommendations,
            vec![json!({"rank": 1, "id": "R001", "recommendation": long,
                "groups": ["Lille"], "support": 1, "groups_total": 2,
                "votes_total": null, "priority": null, "codes": [],
                "evidence_segments": 0, "has_owner": false, "has_target": false,
                "has_deadline": false, "actionable": false})],
        );
        let d = RecDetail {
            rec_id: "R001".into(),
            members: vec![Member {
                group: "Lille".into(),
                text: long.clone(),
                votes: None,
            }],
            evidence: vec![],
        };
        let h = to_html("T", &[recs], &[d]);
        let cell = h.split("<span class=\"wording\"").nth(1).unwrap();
        let shown = &cell[cell.find('>').unwrap() + 1..cell.find("</span>").unwrap()];
        assert!(
            shown.ends_with('…') && shown.chars().count() <= MAX_WORDING,
            "{shown}"
        );
        assert!(
            cell.starts_with(" title=\"Réformer"),
            "the full wording on hover"
        );
        // The member keeps every word.
        assert!(h.contains(&long));
    }

    #[test]
    fn without_participants_the_heatmap_shows_segment_shares() {
        let themes = built(
            Kind::Themes,
            vec![json!({"code": "cout", "label": "Coût", "groups_raised": 2,
                "groups_total": 2, "class": "all groups",
                "participant_share": {"A": null, "B": null}})],
        );
        let matrix = built(
            Kind::Matrix,
            ["A", "B"]
                .iter()
                .zip([0.25, 0.5])
                .map(|(g, f)| {
                    json!({"code": "cout", "label": "Coût", "group": g, "segments": 3,
                        "participants": 0, "participant_share": null,
                        "segment_share": f, "negated": 0})
                })
                .collect(),
        );
        let h = to_html("T", &[themes, matrix], &[]);
        assert!(h.contains("Segment share per theme and group"), "{h}");
        assert!(
            h.contains(">25%</text>") && h.contains(">50%</text>"),
            "{h}"
        );
        assert!(
            !h.contains("url(#qs-hatch)\" stroke=\"#ffffff\""),
            "no hatched cell"
        );
    }

    #[test]
    fn scales_and_helpers() {
        assert_eq!(blue(0.0), "#eaf1f9");
        assert_eq!(blue(1.0), "#08306b");
        assert_eq!(blue(1.5), "#08306b");
        assert_eq!(truncate("short", 10), "short");
        assert_eq!(truncate("Mettre en place un tarif", 12), "Mettre en…");
        assert_eq!(capital("all groups"), "All groups");
        assert_eq!(priority_class("Haute"), "p-high");
        assert_eq!(priority_class("whenever"), "p-other");
        assert_eq!(support_cell(2, 3).matches('●').count(), 2);
        assert!(support_cell(5, 12).contains("<svg"));
    }
}
