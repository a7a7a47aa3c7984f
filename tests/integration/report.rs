//! `qualsynth report`: tables for people (snapshots), CSV and JSON for
//! programs (parsed), formula cells neutralised, every table to a folder.

use crate::common::{TestEnv, stderr};

fn synthesized() -> TestEnv {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    env.cmd()
        .args(["run", "study", "--quiet"])
        .assert()
        .success();
    env
}

fn report(env: &TestEnv, args: &[&str]) -> String {
    let mut all = vec!["report"];
    all.extend_from_slice(args);
    let out = env.study_cmd(&all).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn recommendations_as_a_table() {
    let env = synthesized();
    insta::assert_snapshot!(report(&env, &["--format", "table"]));
}

#[test]
fn recommendations_as_markdown() {
    let env = synthesized();
    insta::assert_snapshot!(report(&env, &["--format", "markdown"]));
}

#[test]
fn all_tables_as_markdown_have_headings() {
    let env = synthesized();
    let md = report(&env, &["--table", "all", "--format", "markdown"]);
    for h in [
        "## Recommendations",
        "## Themes",
        "## Theme-by-group matrix",
        "## Convergence",
        "## Quotes",
        "## Sources",
    ] {
        assert!(md.contains(&format!("{h}\n")), "{h} missing");
    }
}

#[test]
fn json_has_the_schema_and_machine_values() {
    let env = synthesized();
    let v: serde_json::Value =
        serde_json::from_str(&report(&env, &["--table", "all", "--format", "json"])).unwrap();
    assert_eq!(v["schema"], "qualsynth.report/1");
    assert_eq!(
        v["study"],
        "Espaces de travail partagés pour les membres indépendants"
    );
    let r0 = &v["tables"]["recommendations"][0];
    assert_eq!(r0["id"], "R001");
    assert!(r0["support"].is_u64(), "{r0}");
    assert!(r0["votes_total"].is_u64(), "{r0}");
    assert!(r0["actionable"].is_boolean(), "{r0}");
    assert!(r0["groups"].is_array(), "{r0}");
    let m0 = &v["tables"]["matrix"][0];
    let share = m0["participant_share"].as_f64().unwrap();
    assert!((0.0..=1.0).contains(&share), "{m0}");
    let t0 = &v["tables"]["themes"][0];
    assert!(t0["participant_share"]["Lille"].is_f64(), "{t0}");
    for t in ["convergence", "quotes", "sources"] {
        assert!(
            !v["tables"][t].as_array().unwrap().is_empty(),
            "{t} is empty"
        );
    }
}

#[test]
fn group_and_code_filters_keep_matching_rows() {
    let env = synthesized();
    let v: serde_json::Value = serde_json::from_str(&report(
        &env,
        &[
            "--table", "matrix", "--format", "json", "--group", "Lille", "--code", "cout",
        ],
    ))
    .unwrap();
    let rows = v["tables"]["matrix"].as_array().unwrap();
    assert_eq!(rows.len(), 3, "cout, cout.loyer, cout.tarifs in Lille");
    assert!(rows.iter().all(|r| r["group"] == "Lille"));
    let v: serde_json::Value =
        serde_json::from_str(&report(&env, &["--format", "json", "--group", "Bruxelles"])).unwrap();
    let recs = v["tables"]["recommendations"].as_array().unwrap();
    assert!(!recs.is_empty());
    assert!(recs.iter().all(|r| {
        r["groups"]
            .as_array()
            .unwrap()
            .contains(&"Bruxelles".into())
    }));
}

#[test]
fn csv_neutralises_a_formula_in_a_recommendation() {
    let env = TestEnv::new();
    let grid = env.dir.path().join("recs.csv");
    std::fs::write(
        &grid,
        "Recommendation,Votes\n\"=HYPERLINK(\"\"http://x\"\")\",3\n",
    )
    .unwrap();
    let codebook =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("codebooks/coop-workspaces.toml");
    for args in [
        vec![
            "import",
            "grid",
            grid.to_str().unwrap(),
            "--group",
            "G",
            "--kind",
            "recommendations",
        ],
        vec!["code", "--quiet", "--codebook", codebook.to_str().unwrap()],
        vec!["synthesize"],
    ] {
        let out = env.study_cmd(&args).output().unwrap();
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    }
    let csv = report(&env, &["--format", "csv"]);
    let mut r = csv::Reader::from_reader(csv.as_bytes());
    let headers = r.headers().unwrap().clone();
    let col = headers.iter().position(|h| h == "recommendation").unwrap();
    let row = r.records().next().unwrap().unwrap();
    assert!(row[col].starts_with("'="), "{csv}");
}

#[test]
fn all_tables_as_csv_go_to_a_folder() {
    let env = synthesized();
    let out = env
        .study_cmd(&["report", "--table", "all", "--format", "csv"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("--table all --format csv needs --out DIR"),
        "{}",
        stderr(&out)
    );
    report(
        &env,
        &["--table", "all", "--format", "csv", "--out", "out/report"],
    );
    let dir = env.dir.path().join("out/report");
    for t in [
        "recommendations",
        "themes",
        "matrix",
        "convergence",
        "quotes",
        "sources",
    ] {
        let text = std::fs::read_to_string(dir.join(format!("{t}.csv"))).unwrap();
        let mut r = csv::Reader::from_reader(text.as_bytes());
        assert!(r.records().count() > 0, "{t}.csv has no rows");
    }
}

#[test]
fn out_writes_the_file_and_nothing_on_stdout() {
    let env = synthesized();
    let stdout = report(&env, &["--format", "markdown", "--out", "recs.md"]);
    assert_eq!(stdout, "");
    let md = std::fs::read_to_string(env.dir.path().join("recs.md")).unwrap();
    assert!(md.starts_with("| rank | id | recommendation |"), "{md}");
}

#[test]
fn a_study_not_synthesised_says_how_to_fix_it() {
    let env = TestEnv::new();
    let out = env.study_cmd(&["report"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "the study is not synthesised yet; run `qualsynth synthesize` (or `qualsynth run`)"
        ),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_stale_synthesis_is_refused() {
    let env = synthesized();
    let cb = env.study().join("codebook.toml");
    let mut text = std::fs::read_to_string(&cb).unwrap();
    text.push_str("\n# edited\n");
    std::fs::write(&cb, text).unwrap();
    let out = env.study_cmd(&["report"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the codings were made with an older version of codebook.toml"),
        "{}",
        stderr(&out)
    );
}
