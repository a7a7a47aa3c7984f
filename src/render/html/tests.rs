//! Tests of the HTML report on small typed tables with hostile text.

use super::charts::{CHART_TOP, blue, support_cell};
use super::sections::priority_class;
use super::*;
use crate::render::report::lines::{self, Filter, ThemeLine};
use crate::render::report::{Evidence, Kind, Member};

const EVIL: &str = "<script>alert(1)</script>\" onmouseover='x' &";

fn rec(
    rank: u32,
    id: &str,
    wording: &str,
    groups: &[&str],
    support: u32,
    n: u32,
) -> RecommendationLine {
    RecommendationLine {
        rank,
        id: id.into(),
        recommendation: wording.into(),
        groups: groups.iter().map(|g| (*g).to_owned()).collect(),
        support,
        groups_total: n,
        votes_total: None,
        priority: None,
        priority_level: None,
        stance: "neutral".into(),
        codes: vec![],
        evidence_segments: 0,
        has_owner: false,
        has_target: false,
        has_deadline: false,
        actionable: false,
        curated: false,
    }
}

fn shares(pairs: &[(&str, Option<f64>)]) -> std::collections::BTreeMap<String, Option<f64>> {
    pairs.iter().map(|(g, s)| ((*g).to_owned(), *s)).collect()
}

fn theme(code: &str, label: &str, k: u32, class: &str, p: &[(&str, Option<f64>)]) -> ThemeLine {
    ThemeLine {
        code: code.into(),
        label: label.into(),
        groups_raised: k,
        groups_total: 3,
        class: class.into(),
        participant_share: shares(p),
        segment_share: shares(&[]),
    }
}

fn conv(
    code: &str,
    label: &str,
    k: u32,
    class: &str,
    by: &[&str],
    only: Option<&str>,
) -> ConvergenceLine {
    ConvergenceLine {
        code: code.into(),
        label: label.into(),
        groups_raised: k,
        groups_total: 3,
        class: class.into(),
        raised_by: by.iter().map(|g| (*g).to_owned()).collect(),
        specific_to: only.map(str::to_owned),
        min_segments: 2,
        min_participants: 2,
    }
}

/// Every table, with hostile text in each place people wrote.
fn all() -> Vec<Table> {
    let mut r1 = rec(1, "R001", EVIL, &["Lille", "Marseille"], 2, 3);
    r1.votes_total = Some(9);
    r1.priority = Some(EVIL.into());
    r1.codes = vec!["cout".into()];
    r1.evidence_segments = 4;
    r1.has_owner = true;
    vec![
        Table::Recommendations(vec![
            r1,
            rec(2, "R002", "Baisser le loyer", &["Lille"], 1, 3),
        ]),
        Table::Themes(Themes {
            groups: vec!["Bruxelles".into(), "Lille".into(), "Marseille".into()],
            segment_shares: false,
            rows: vec![
                theme(
                    "cout",
                    EVIL,
                    2,
                    "most groups",
                    &[
                        ("Bruxelles", None),
                        ("Lille", Some(0.5)),
                        ("Marseille", Some(1.0)),
                    ],
                ),
                theme(
                    "cout.loyer",
                    "Loyer",
                    1,
                    "one group",
                    &[
                        ("Bruxelles", Some(0.0)),
                        ("Lille", Some(0.25)),
                        ("Marseille", None),
                    ],
                ),
            ],
        }),
        Table::Matrix(vec![]),
        Table::Convergence(vec![
            conv(
                "cout",
                EVIL,
                2,
                "most groups",
                &["Lille", "Marseille"],
                None,
            ),
            conv(
                "cout.loyer",
                "Loyer",
                1,
                "one group",
                &["Lille"],
                Some("Lille"),
            ),
        ]),
        Table::Quotes(vec![QuoteLine {
            code: "cout.loyer".into(),
            group: "Lille".into(),
            rank: 1,
            participant: Some(EVIL.into()),
            source: "lille-reunion".into(),
            segment_id: "s:3".into(),
            key: None,
            line: Some(3),
            time_ms: None,
            quote: EVIL.into(),
        }]),
        Table::Sources(vec![SourceLine {
            id: "lille-reunion".into(),
            kind: "transcript".into(),
            format: "txt".into(),
            groups: vec!["Lille".into()],
            segments: 12,
        }]),
    ]
}

fn empty(kind: Kind) -> Table {
    match kind {
        Kind::Recommendations => Table::Recommendations(vec![]),
        Kind::Themes => Table::Themes(Themes::default()),
        Kind::Matrix => Table::Matrix(vec![]),
        Kind::Convergence => Table::Convergence(vec![]),
        Kind::Quotes => Table::Quotes(vec![]),
        Kind::Sources => Table::Sources(vec![]),
        Kind::NonProposals => Table::NonProposals(vec![]),
        Kind::Methods => Table::Methods(vec![]),
        Kind::Tensions => Table::Tensions(vec![]),
    }
}

fn matrix_cell(
    code: &str,
    label: &str,
    group: &str,
    p: Option<f64>,
    s: Option<f64>,
) -> crate::synthesis::matrix::MatrixRow {
    crate::synthesis::matrix::MatrixRow {
        code: code.into(),
        label: label.into(),
        group: group.into(),
        participant_share: p,
        segment_share: s,
        ..Default::default()
    }
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

fn only(kinds: &[Kind]) -> Vec<Table> {
    all()
        .into_iter()
        .filter(|t| kinds.contains(&t.kind()))
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
    let empty: Vec<Table> = Kind::ALL.iter().map(|k| empty(*k)).collect();
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
    let rows = vec![
        matrix_cell("cout", "Coût", "Lille", Some(0.5), None),
        matrix_cell("cout", "Coût", "Bruxelles", None, None),
        matrix_cell("lien", "Lien", "Lille", Some(1.0), None),
    ];
    let matrix = Table::Matrix(lines::matrix(&rows, &Filter::default()));
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
    let recs: Vec<RecommendationLine> = (1..=20)
        .map(|i| rec(i, &format!("R{i:03}"), &"x".repeat(80), &[], 1, 3))
        .collect();
    let h = to_html("T", &[Table::Recommendations(recs)], &[]);
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
    let recs = Table::Recommendations(vec![rec(1, "R001", &long, &["Lille"], 1, 2)]);
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
    let rows: Vec<crate::synthesis::matrix::MatrixRow> = ["A", "B"]
        .iter()
        .zip([0.25, 0.5])
        .map(|(g, f)| matrix_cell("cout", "Coût", g, None, Some(f)))
        .collect();
    let convergence = vec![crate::synthesis::convergence::ConvergenceRow {
        code: "cout".into(),
        label: "Coût".into(),
        groups_raised: 2,
        groups_total: 2,
        class: "all groups".into(),
        ..Default::default()
    }];
    let themes = Table::Themes(lines::themes(&convergence, &rows, &Filter::default()));
    let matrix = Table::Matrix(lines::matrix(&rows, &Filter::default()));
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

/// A report given the first recommendations and the counts of all is the
/// report given all of them, byte for byte: the header's figures, the
/// curated note, the compact list and its count of the others, the chart.
#[test]
fn the_listed_recommendations_with_their_counts_render_as_all_of_them() {
    let all: Vec<RecommendationLine> = (1..=LISTED as u32 + 77)
        .map(|i| {
            let mut r = rec(
                i,
                &format!("R{i:04}"),
                &format!("Proposal {i}"),
                &["A"],
                1,
                3,
            );
            r.actionable = i % 7 == 0;
            // The only curated one is past those listed.
            r.curated = i == LISTED as u32 + 5;
            r
        })
        .collect();
    let listed = all[..LISTED].to_vec();
    let counts = RecCounts::of(&all);
    assert_eq!(
        (counts.total, counts.actionable, counts.curated),
        (397, 56, true)
    );
    let full = to_html_with("t", &[Table::Recommendations(all)], &[], &[]);
    let bounded = to_html_counted(
        "t",
        &[Table::Recommendations(listed.clone())],
        Some(counts),
        &[],
        &[],
    );
    assert_eq!(bounded, full);
    assert!(full.contains("<b>397</b>merged recommendations"));
    assert!(full.contains("377 more recommendations"));
    assert!(full.contains("77 more, each backed by fewer groups"));
    // Without the counts, the listed ones are all there is.
    let alone = to_html_with("t", &[Table::Recommendations(listed)], &[], &[]);
    assert_ne!(alone, full);
    assert!(alone.contains("<b>320</b>merged recommendations"));
}
