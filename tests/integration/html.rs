//! `qualsynth report --format html`: one self-contained page with every
//! section, checked in headless Chromium by `scripts/check-html.sh` when
//! `/usr/bin/chromium` exists.

use std::path::Path;

use crate::common::{TestEnv, stderr};

/// The example study, run, rendered to `report.html` in the temp dir.
fn rendered() -> (TestEnv, String) {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    env.cmd()
        .args(["run", "study", "--quiet"])
        .assert()
        .success();
    let out = env
        .study_cmd(&["report", "--format", "html", "--out", "report.html"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let html = std::fs::read_to_string(env.dir.path().join("report.html")).unwrap();
    (env, html)
}

#[test]
fn html_report_is_self_contained_with_every_section() {
    let (env, html) = rendered();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("<meta charset=\"utf-8\">"));
    let lower = html.to_lowercase();
    for bad in ["http://", "https://", "<link", "<script", "@import", "src="] {
        assert!(!lower.contains(bad), "{bad} in the report");
    }
    for id in [
        "recommendations",
        "support",
        "heatmap",
        "convergence",
        "quotes",
        "sources",
    ] {
        assert!(html.contains(&format!("<section id=\"{id}\">")), "{id}");
    }
    assert!(html.contains("<h1>Espaces de travail partagés pour les membres indépendants</h1>"));
    assert!(
        html.contains("Mettre en place un tarif solidaire modulé selon les revenus des membres")
    );
    assert!(html.contains("3 working groups"));
    // 15 themes by 3 groups.
    assert_eq!(html.matches("<g class=\"cell\">").count(), 15 * 3);
    // The cross-group SWOT as a 2×2 and the empathy map as its canvas,
    // each item with its support, votes and groups, traceable to its notes.
    assert!(html.contains("<section id=\"methods\">"));
    for m in ["swot", "empathy"] {
        assert!(
            html.contains(&format!("<section class=\"method\" id=\"method-{m}\">")),
            "{m}"
        );
    }
    assert!(html.contains("SWOT across groups: strengths, weaknesses, opportunities and threats"));
    assert!(html.contains("Prix trop élevé pour qui démarre son activité (160 €/mois)"));
    assert!(html.contains("●● 2/2 · 3 votes · Lille, Marseille"));
    assert!(
        html.contains("●● 2/2 · 3 votes · Bruxelles, Lille"),
        "the noise pain"
    );
    assert!(html.contains("<title>empathy.pains.1 · 2 notes: "));
    assert!(html.contains("class=\"persona\""));
    assert!(html.contains("<td>Transports et trajet <span class=\"code\">acces.transport</span></td><td>Strengths</td><td>Marseille</td><td>Weaknesses</td><td>Lille, Marseille</td>"));

    // Same study, same bytes.
    let again = env
        .study_cmd(&["report", "--format", "html", "--out", "again.html"])
        .output()
        .unwrap();
    assert!(again.status.success(), "{}", stderr(&again));
    let again = std::fs::read_to_string(env.dir.path().join("again.html")).unwrap();
    assert!(again == html, "the report changed between two runs");

    let chromium = Path::new("/usr/bin/chromium");
    if !chromium.exists() {
        eprintln!("note: /usr/bin/chromium not found, browser check skipped");
        return;
    }
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("scripts/check-html.sh");
    let png = env.dir.path().join("report.png");
    let check = |page: &str| {
        std::process::Command::new("sh")
            .arg(&script)
            .arg(env.dir.path().join(page))
            .arg(&png)
            .env("CHROMIUM", chromium)
            .output()
            .unwrap()
    };
    let out = check("report.html");
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        stderr(&out)
    );
    assert!(
        std::fs::metadata(&png).unwrap().len() > 10_000,
        "empty screenshot"
    );

    // The check sees a script error: the same page with one thrown.
    let broken = html.replace(
        "</body>",
        "<script>throw new Error(\"deliberate\")</script></body>",
    );
    std::fs::write(env.dir.path().join("broken.html"), broken).unwrap();
    let out = check("broken.html");
    assert!(!out.status.success(), "a console error went unseen");
    assert!(
        stderr(&out).contains("Uncaught Error: deliberate"),
        "{}",
        stderr(&out)
    );
}

/// `report --format html` reads only the recommendations it lists and
/// counts the others; `run` renders the same page from all of them.
#[test]
fn the_html_report_is_the_one_run_writes() {
    let (env, html) = rendered();
    let by_run = std::fs::read_to_string(env.dir.path().join("study/reports/report.html")).unwrap();
    assert_eq!(html, by_run);
    assert!(html.contains("<b>11</b>merged recommendations"));
}

/// With a group or a code, the page counts the recommendations the CSV
/// report lists for it.
#[test]
fn a_filtered_html_report_counts_what_the_filtered_table_lists() {
    let (env, _) = rendered();
    for filter in [["--group", "Marseille"], ["--code", "lien"]] {
        let csv = env
            .study_cmd(&["report", "--format", "csv", "--table", "recommendations"])
            .args(filter)
            .output()
            .unwrap();
        assert!(csv.status.success(), "{}", stderr(&csv));
        let rows = csv::Reader::from_reader(csv.stdout.as_slice())
            .records()
            .count();
        assert!(rows > 0 && rows < 11, "{filter:?}: {rows}");
        let out = env
            .study_cmd(&["report", "--format", "html", "--out", "f.html"])
            .args(filter)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let html = std::fs::read_to_string(env.dir.path().join("f.html")).unwrap();
        let figure = format!("<b>{rows}</b>merged recommendations");
        assert!(html.contains(&figure), "{filter:?}: {figure}");
    }
}
