//! `qualsynth curate`: the consultant's corrections, made as the README
//! says (edit the CSV in a spreadsheet), survive every later run.

use crate::common::{TestEnv, stderr};

fn run(env: &TestEnv) -> std::process::Output {
    let out = env.cmd().args(["run", "study"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    out
}

/// The merged recommendations as the JSON report gives them.
fn recommendations(env: &TestEnv) -> Vec<serde_json::Value> {
    let out = env
        .study_cmd(&["report", "--table", "recommendations", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    v["tables"]["recommendations"].as_array().unwrap().clone()
}

fn find<'a>(recs: &'a [serde_json::Value], prefix: &str) -> &'a serde_json::Value {
    recs.iter()
        .find(|r| r["recommendation"].as_str().unwrap().starts_with(prefix))
        .unwrap_or_else(|| panic!("no recommendation starting {prefix:?}"))
}

/// The curation file as a spreadsheet saves it: `;`-separated with a BOM
/// and CRLF line ends; the rows as lists of cells.
fn read_rows(env: &TestEnv) -> Vec<Vec<String>> {
    let text = std::fs::read_to_string(env.study().join("curation.csv")).unwrap();
    let text = text.strip_prefix('\u{feff}').expect("a BOM for Excel");
    assert!(text.contains("\r\n"));
    text.split("\r\n")
        .filter(|l| !l.is_empty())
        .map(|l| l.split(';').map(str::to_owned).collect())
        .collect()
}

fn write_rows(env: &TestEnv, rows: &[Vec<String>]) {
    let text: String = rows.iter().map(|r| r.join(";") + "\r\n").collect();
    std::fs::write(env.study().join("curation.csv"), format!("\u{feff}{text}")).unwrap();
}

#[test]
fn a_correction_survives_two_runs_and_is_marked() {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    run(&env);
    let before = recommendations(&env);
    assert_eq!(find(&before, "Mettre en place un tarif")["support"], 3);

    let out = env.study_cmd(&["curate"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let manifest = std::fs::read_to_string(env.study().join("study.toml")).unwrap();
    assert!(
        manifest.contains("curation = \"curation.csv\""),
        "{manifest}"
    );
    // A second curate would lose the consultant's edits: refused.
    let again = env.study_cmd(&["curate"]).output().unwrap();
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("--force"), "{}", stderr(&again));

    // The consultant takes the Brussels fee proposal out of the merged
    // fee recommendation and rewords the opening hours.
    let mut rows = read_rows(&env);
    let col = |name: &str| rows[0].iter().position(|h| h == name).unwrap();
    let (cluster, group, wording) = (col("cluster"), col("group"), col("wording"));
    let fee = rows[1][cluster].clone();
    let hours = rows
        .iter()
        .find(|r| r[col("text")].starts_with("Élargir les horaires"))
        .unwrap()[cluster]
        .clone();
    for r in rows.iter_mut().skip(1) {
        if r[cluster] == fee && r[group] == "Bruxelles" {
            r[cluster] = "bruxelles-apart".into();
        }
        if r[cluster] == hours && r[group] == "Lille" {
            r[wording] = "Ouvrir en soirée et le samedi".into();
        }
    }
    write_rows(&env, &rows);

    for _ in 0..2 {
        run(&env);
        let recs = recommendations(&env);
        let fee = find(&recs, "Mettre en place un tarif");
        assert_eq!(fee["support"], 2, "{fee}");
        assert_eq!(fee["curated"], true);
        let apart = find(&recs, "Introduce income-based membership fees");
        assert_eq!(apart["support"], 1);
        assert_eq!(apart["curated"], true);
        let hours = find(&recs, "Ouvrir en soirée et le samedi");
        assert_eq!(hours["support"], 3);
        assert_eq!(hours["curated"], true);
        let booths = find(&recs, "Installer des cabines");
        assert_eq!(booths["curated"], false);
    }
    // The board reads the marks too.
    let md = env
        .study_cmd(&[
            "report",
            "--table",
            "recommendations",
            "--format",
            "markdown",
        ])
        .output()
        .unwrap();
    let md = String::from_utf8_lossy(&md.stdout);
    assert!(md.contains("✎ | Ouvrir en soirée et le samedi"), "{md}");
    let html = std::fs::read_to_string(env.study().join("reports/report.html")).unwrap();
    assert!(html.contains("✎"), "curated items are marked in the HTML");
}

#[test]
fn an_unknown_member_id_is_an_error_with_its_line_and_column() {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    run(&env);
    let out = env.study_cmd(&["curate"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let mut rows = read_rows(&env);
    let member = rows[0].iter().position(|h| h == "member_id").unwrap();
    rows[3][member] = "lille-recommandations:00000000".into();
    write_rows(&env, &rows);
    let before = env.snapshot();
    let out = env.cmd().args(["run", "study"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    // Line 4 of the file (the header is line 1), the member_id column (as
    // a spreadsheet numbers them).
    let at = format!("curation.csv:4:{}: ", member + 1);
    assert!(err.contains(&at), "{at} in {err}");
    assert!(err.contains("lille-recommandations:00000000"), "{err}");
    // Nothing was written.
    assert_eq!(env.snapshot(), before);
}
