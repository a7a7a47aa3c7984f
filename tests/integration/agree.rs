//! Human coders: `import codes`, `agree`, `agree --explain`, `suggest` and
//! `export presence`, on a transcript coded by hand
//! (fixtures/human-coding) and on the Grand Débat themes the meetings
//! declared.

use crate::common::{TestEnv, fixture, shipped, stderr};

const GD: &str = "corpora/granddebat/reunions_locales_dep04_05.csv";
const THEMES: &str = "Sur quel s theme s votre reunion a t elle porte";

/// The hand-coded debate, imported with its turn ids, coded by the
/// fixture's codebook and by its human coder `ann`.
fn debate() -> TestEnv {
    let env = TestEnv::new();
    let turns = env.copy_in("human-coding/turns.csv");
    let codebook = fixture("human-coding/codebook.toml");
    env.study_cmd(&["import", "transcript", turns.to_str().unwrap()])
        .args(["--group", "Assemblée", "--id-column", "turn"])
        .assert()
        .success();
    env.study_cmd(&["code", "--quiet", "--codebook", codebook.to_str().unwrap()])
        .assert()
        .success();
    env.study_cmd(&["import", "codes", turns.to_str().unwrap()])
        .args(["--coder", "ann", "--codes-column", "codes"])
        .assert()
        .success()
        .stderr(predicates::str::contains(
            "coder ann: 200 rows read (rows of source assemblee-turns by line); 200 segments rated",
        ));
    env
}

/// CSV output as header-keyed rows.
fn csv_rows(bytes: &[u8]) -> Vec<std::collections::BTreeMap<String, String>> {
    let mut r = csv::Reader::from_reader(bytes);
    let h: Vec<String> = r.headers().unwrap().iter().map(str::to_owned).collect();
    r.records()
        .map(|rec| {
            h.iter()
                .cloned()
                .zip(rec.unwrap().iter().map(str::to_owned))
                .collect()
        })
        .collect()
}

fn ok(env: &TestEnv, args: &[&str]) -> Vec<u8> {
    let out = env.study_cmd(args).output().unwrap();
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    out.stdout
}

#[test]
fn turn_ids_are_kept_and_explain_takes_them() {
    let env = debate();
    let segs = env.segments(&[]);
    assert_eq!(segs[0]["key"], "0");
    assert_eq!(segs[199]["key"], "199");
    let status = String::from_utf8(ok(&env, &["status", "--format", "table"])).unwrap();
    assert!(
        status.contains("human coders: ann (200 segments read, 206 codings)"),
        "{status}"
    );
    let out = ok(&env, &["code", "--explain", "43"]);
    let text = String::from_utf8(out).unwrap();
    assert!(text.starts_with("assemblee-turns:44 (fr)"), "{text}");
}

#[test]
fn agreement_with_the_human_coder() {
    let env = debate();
    let rows = csv_rows(&ok(&env, &["agree", "--format", "csv"]));
    // One row per code, then micro and macro; the unit on every row.
    assert_eq!(rows.len(), 12);
    assert!(
        rows.iter()
            .all(|r| r["unit"] == "segment" && r["reference"] == "ann")
    );
    for r in &rows[..10] {
        let n: u64 = ["tp", "fp", "fn", "tn"]
            .iter()
            .map(|k| r[*k].parse::<u64>().unwrap())
            .sum();
        assert_eq!(n, 200, "{r:?}");
    }
    let micro = &rows[10];
    assert_eq!(micro["code"], "(micro)");
    let f1: f64 = micro["f1"].parse().unwrap();
    let kappa: f64 = micro["kappa"].parse().unwrap();
    // Measured: the codebook was written before the coding, not tuned on it.
    assert!((0.6..0.75).contains(&f1), "{f1}");
    assert!((0.55..0.7).contains(&kappa), "{kappa}");
    // Numbers are numbers, negative ones included (no spreadsheet guard).
    assert!(rows.iter().all(|r| !r["kappa"].starts_with('\'')));

    // JSON says the same.
    let json: serde_json::Value =
        serde_json::from_slice(&ok(&env, &["agree", "--format", "json"])).unwrap();
    assert_eq!(json["unit"], "segment");
    assert_eq!(json["codes"].as_array().unwrap().len(), 10);
    let jf1 = json["micro"]["versus"][0]["f1"].as_f64().unwrap();
    assert!((jf1 - f1).abs() < 1e-12);

    // Spreading codes to neighbouring turns changes the counts.
    let wide = csv_rows(&ok(&env, &["agree", "--format", "csv", "--window", "1"]));
    assert_eq!(wide[10]["window"], "1");
    let tp = |r: &std::collections::BTreeMap<String, String>| r["tp"].parse::<u64>().unwrap();
    assert!(tp(&wide[10]) > tp(micro));
    // Or to the exchange between two turns of the chair (a facilitator).
    let ex = csv_rows(&ok(&env, &["agree", "--format", "csv", "--exchange"]));
    assert_eq!(ex[10]["window"], "exchange");
    assert!(tp(&ex[10]) > tp(micro));
}

#[test]
fn spreading_the_codes_of_the_study_is_what_agree_measured() {
    let env = debate();
    let measured = csv_rows(&ok(&env, &["agree", "--format", "csv", "--window", "1"]));
    ok(&env, &["code", "--quiet", "--spread", "window:1"]);
    let manifest = std::fs::read_to_string(env.study().join("study.toml")).unwrap();
    assert!(manifest.contains("spread = \"window:1\""), "{manifest}");
    let stored = csv_rows(&ok(&env, &["agree", "--format", "csv"]));
    for k in ["tp", "fp", "fn", "tn"] {
        assert_eq!(measured[10][k], stored[10][k], "{k}");
    }
    // The spread codings say where they come from and have no span.
    let bytes = std::fs::read(env.study().join("data/codings.parquet")).unwrap();
    let df = qualsynth::store::tables::from_parquet(&bytes).unwrap();
    let rules = df.column("rule").unwrap().str().unwrap().clone();
    assert!(rules.iter().any(|r| r == Some("spread (window:1)")));
    // Another setting in study.toml makes the codings stale.
    std::fs::write(
        env.study().join("study.toml"),
        manifest.replace("spread = \"window:1\"", "spread = \"exchange\""),
    )
    .unwrap();
    let out = env.study_cmd(&["agree"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("the codes now spread to exchange"),
        "{}",
        stderr(&out)
    );
    std::fs::write(
        env.study().join("study.toml"),
        manifest.replace("spread = \"window:1\"", "spread = \"window\""),
    )
    .unwrap();
    let out = env.study_cmd(&["agree"]).output().unwrap();
    let err = stderr(&out);
    assert!(
        err.contains("study.toml:") && err.contains("expected \"turn\", \"window:N\""),
        "{err}"
    );
}

#[test]
fn the_agreement_table_for_people() {
    let env = debate();
    let out = ok(&env, &["agree", "--format", "table"]);
    insta::assert_snapshot!(String::from_utf8(out).unwrap());
}

#[test]
fn explain_and_suggest_give_something_to_change() {
    let env = debate();
    let out = ok(
        &env,
        &[
            "agree",
            "--explain",
            "enfant",
            "--format",
            "csv",
            "--limit",
            "0",
        ],
    );
    let rows = csv_rows(&out);
    let fps: Vec<_> = rows
        .iter()
        .filter(|r| r["error"] == "false positive")
        .collect();
    assert!(fps.len() >= 10, "{}", fps.len());
    // The stem rule ~grandir fires on "grand": a rule to change.
    assert!(
        fps.iter()
            .any(|r| r["rule"] == "~grandir" && r["matched"] == "grand"),
        "{fps:?}"
    );
    assert!(fps.iter().all(|r| !r["key"].is_empty()));

    let out = ok(
        &env,
        &[
            "suggest",
            "consultation",
            "--min-count",
            "2",
            "--format",
            "csv",
        ],
    );
    let rows = csv_rows(&out);
    assert!(rows.iter().any(|r| r["rule"] == "constitution"), "{rows:?}");
    let table = String::from_utf8(ok(
        &env,
        &[
            "suggest",
            "consultation",
            "--min-count",
            "2",
            "--format",
            "table",
        ],
    ))
    .unwrap();
    assert!(table.contains("terms = [\"référendum*\""), "{table}");
    assert!(
        table.contains("\"constitution\", \"démagogie\"]"),
        "{table}"
    );
}

#[test]
fn presence_tables_join_back() {
    let env = debate();
    ok(&env, &["export", "presence", "p.csv"]);
    let rows = csv_rows(&std::fs::read(env.dir.path().join("p.csv")).unwrap());
    assert_eq!(rows.len(), 200);
    assert_eq!(rows[0]["key"], "0");
    assert!(
        rows.iter()
            .all(|r| r["procedure"] == "0" || r["procedure"] == "1")
    );
    ok(
        &env,
        &[
            "export", "presence", "ann.csv", "--coder", "ann", "--unit", "case",
        ],
    );
    let cases = csv_rows(&std::fs::read(env.dir.path().join("ann.csv")).unwrap());
    assert_eq!(cases.len(), 32);
    assert!(
        cases
            .iter()
            .any(|r| r["participant_id"].ends_with("/corinne-narassiguin"))
    );
    ok(&env, &["export", "presence", "p.parquet"]);
    let bytes = std::fs::read(env.dir.path().join("p.parquet")).unwrap();
    let df = qualsynth::store::tables::from_parquet(&bytes).unwrap();
    assert_eq!(df.height(), 200);
    assert_eq!(df.column("line").unwrap().dtype().to_string(), "u64");
}

#[test]
fn bad_codes_are_errors_and_nothing_is_half_imported() {
    let env = debate();
    let before = std::fs::read(env.study().join("data/human_codings.parquet")).unwrap();
    let bad = env.dir.path().join("bad.csv");
    std::fs::write(&bad, "turn,codes\n1,adoption\n2,adoption; mariage gay\n").unwrap();
    let out = env
        .study_cmd(&["import", "codes", bad.to_str().unwrap(), "--coder", "ann"])
        .args(["--key-column", "turn", "--codes-column", "codes"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("bad.csv:3:2: unknown code \"mariage gay\""),
        "{err}"
    );
    std::fs::write(&bad, "turn,codes\n1,adoption\n999,adoption\n").unwrap();
    let out = env
        .study_cmd(&["import", "codes", bad.to_str().unwrap(), "--coder", "ann"])
        .args(["--key-column", "turn", "--codes-column", "codes"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(
        err.contains("bad.csv:3:1: no segment has the segment key"),
        "{err}"
    );
    assert!(err.contains("\"999\""), "{err}");
    let after = std::fs::read(env.study().join("data/human_codings.parquet")).unwrap();
    assert_eq!(before, after);
    // `auto` is the automatic coder's name.
    let out = env
        .study_cmd(&["import", "codes", bad.to_str().unwrap(), "--coder", "auto"])
        .args(["--key-column", "turn", "--codes-column", "codes"])
        .output()
        .unwrap();
    assert!(stderr(&out).contains("\"auto\" is the automatic coder"));
}

#[test]
fn declared_themes_of_the_grand_debat() {
    let env = TestEnv::new();
    let grid = env.copy_in(GD);
    env.study_cmd(&["import", "grid", grid.to_str().unwrap()])
        .args([
            "--group-column",
            "Département",
            "--split-items",
            "--id-column",
            "chunk_id",
        ])
        .args([
            "--text-column",
            "Quels ont ete les constats ou les diagnostics exprimes sur les themes du debat",
        ])
        .args([
            "--text-column",
            "Quelles sont les propositions qui ont emerge des discussions",
        ])
        .assert()
        .success();
    let cb = shipped("granddebat.toml");
    env.study_cmd(&["code", "--quiet", "--codebook", cb.to_str().unwrap()])
        .assert()
        .success();
    let map = shipped("granddebat-themes.csv");
    env.study_cmd(&[
        "import",
        "codes",
        grid.to_str().unwrap(),
        "--coder",
        "declared",
    ])
    .args(["--codes-column", THEMES, "--map", map.to_str().unwrap()])
    .assert()
    .success()
    .stderr(predicates::str::contains("34 without text skipped"));
    let rows = csv_rows(&ok(&env, &["agree", "--unit", "row", "--format", "csv"]));
    // The table benches/granddebat_agreement.py printed (declared, coded,
    // both per theme, at the meeting level).
    let got: Vec<(String, u64, u64, u64)> = rows[..4]
        .iter()
        .map(|r| {
            let n = |k: &str| r[k].parse::<u64>().unwrap();
            (
                r["code"].clone(),
                n("tp") + n("fn"),
                n("tp") + n("fp"),
                n("tp"),
            )
        })
        .collect();
    let want = [
        ("fiscalite", 26, 20, 12),
        ("ecologie", 22, 15, 10),
        ("democratie", 26, 23, 17),
        ("etat", 25, 23, 12),
    ];
    for (g, w) in got.iter().zip(want) {
        assert_eq!((g.0.as_str(), g.1, g.2, g.3), w);
    }
    assert!(rows.iter().all(|r| r["unit"] == "row"));
    let micro_f1: f64 = rows[4]["f1"].parse().unwrap();
    assert!((micro_f1 - 0.567).abs() < 0.001, "{micro_f1}");
}
