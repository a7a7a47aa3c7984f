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
        "## Workshop methods",
        "## Tensions",
    ] {
        assert!(md.contains(&format!("{h}\n")), "{h} missing");
    }
}

#[test]
fn json_has_the_schema_and_machine_values() {
    let env = synthesized();
    let v: serde_json::Value =
        serde_json::from_str(&report(&env, &["--table", "all", "--format", "json"])).unwrap();
    assert_eq!(v["schema"], "qualsynth.report/2");
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
    assert!(md.starts_with("| id | recommendation |"), "{md}");
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

#[test]
fn every_table_as_a_terminal_table() {
    let env = synthesized();
    insta::assert_snapshot!(report(&env, &["--table", "all", "--format", "table"]));
}

#[test]
fn every_table_as_markdown() {
    let env = synthesized();
    insta::assert_snapshot!(report(&env, &["--table", "all", "--format", "markdown"]));
}

#[test]
fn recommendations_as_csv() {
    let env = synthesized();
    insta::assert_snapshot!(report(&env, &["--format", "csv"]));
}

#[test]
fn no_colour_when_no_color_is_set_or_stdout_is_a_pipe() {
    let env = synthesized();
    let table = report(&env, &["--table", "all", "--format", "table"]);
    assert!(!table.contains('\x1b'), "{table}");
}

/// The workbook read back with calamine: a sheet per table, in order, with
/// the headers and typed cells.
#[test]
fn xlsx_has_a_sheet_per_table_with_headers_and_typed_cells() {
    use calamine::{Data, Reader, Xlsx};
    let env = synthesized();
    let path = env.dir.path().join("report.xlsx");
    let out = env
        .study_cmd(&["report", "--format", "xlsx"])
        .arg("--out")
        .arg(&path)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let mut wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "recommendations",
            "themes",
            "matrix",
            "convergence",
            "quotes",
            "sources",
            "non_proposals",
            "swot",
            "empathy",
            "tensions"
        ]
    );
    let header = |wb: &mut Xlsx<_>, sheet: &str| -> Vec<String> {
        let r = wb.worksheet_range(sheet).unwrap();
        r.rows()
            .next()
            .unwrap()
            .iter()
            .map(|c| c.to_string())
            .collect()
    };
    assert_eq!(
        header(&mut wb, "recommendations")[..5],
        ["rank", "id", "recommendation", "groups", "support"]
    );
    assert_eq!(
        header(&mut wb, "themes"),
        [
            "code",
            "label",
            "groups_raised",
            "groups_total",
            "class",
            "Bruxelles",
            "Lille",
            "Marseille",
            "Bruxelles (segment share)",
            "Lille (segment share)",
            "Marseille (segment share)"
        ]
    );
    assert_eq!(header(&mut wb, "quotes")[..3], ["code", "group", "rank"]);
    let recs = wb.worksheet_range("recommendations").unwrap();
    let first = recs.rows().nth(1).unwrap();
    assert_eq!(first[0], Data::Float(1.0));
    assert_eq!(first[1], Data::String("R001".into()));
    assert!(
        first[2]
            .to_string()
            .starts_with("Mettre en place un tarif solidaire")
    );
    assert_eq!(first[4], Data::Float(3.0));
    let themes = wb.worksheet_range("themes").unwrap();
    // Shares are fractions (shown as percentages), not text.
    let cout = themes
        .rows()
        .find(|r| r[0] == Data::String("cout".into()))
        .unwrap();
    assert!(
        matches!(cout[5], Data::Float(f) if f > 0.0 && f <= 1.0),
        "{:?}",
        cout[5]
    );
    // The same study gives the same bytes.
    let again = env.dir.path().join("again.xlsx");
    env.study_cmd(&["report", "--format", "xlsx"])
        .arg("--out")
        .arg(&again)
        .assert()
        .success();
    assert_eq!(
        std::fs::read(&path).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

#[test]
fn a_formula_in_a_recommendation_stays_text_in_the_workbook() {
    use calamine::{Data, Reader, Xlsx};
    let env = TestEnv::with_fixture_study("coop-workspaces");
    let csv = env.study().join("lille/recommandations.csv");
    // The file is in Windows-1252: replace the ASCII words byte for byte.
    let bytes = std::fs::read(&csv).unwrap();
    let (from, to): (&[u8], &[u8]) = (b"Baisser le loyer", b"=HYPERLINK(\"http://x\")");
    let at = bytes.windows(from.len()).position(|w| w == from).unwrap();
    let mut edited = bytes[..at].to_vec();
    edited.extend_from_slice(to);
    edited.extend_from_slice(&bytes[at + from.len()..]);
    std::fs::write(&csv, edited).unwrap();
    env.cmd()
        .args(["run", "study", "--quiet"])
        .assert()
        .success();
    let path = env.dir.path().join("r.xlsx");
    env.study_cmd(&["report", "--format", "xlsx"])
        .arg("--out")
        .arg(&path)
        .assert()
        .success();
    let mut wb: Xlsx<_> = calamine::open_workbook(&path).unwrap();
    let formulas = wb.worksheet_formula("recommendations").unwrap();
    assert!(formulas.used_cells().all(|(_, _, f)| f.is_empty()));
    let recs = wb.worksheet_range("recommendations").unwrap();
    assert!(
        recs.rows()
            .any(|r| matches!(&r[2], Data::String(s) if s.starts_with("=HYPERLINK")))
    );
}

#[test]
fn xlsx_and_html_need_an_output_file() {
    let env = synthesized();
    for f in ["xlsx", "html"] {
        let out = env.study_cmd(&["report", "--format", f]).output().unwrap();
        assert_eq!(out.status.code(), Some(1), "{f}");
        assert!(stderr(&out).contains("--out FILE"), "{}", stderr(&out));
    }
}

/// A small JSON Schema checker for the keywords `schemas/*.json` use:
/// `type`, `const`, `required`, `properties`, `additionalProperties`,
/// `items`, `minimum`, `maximum`. Returns the first violation's path.
fn check_schema(schema: &serde_json::Value, v: &serde_json::Value, at: &str) -> Result<(), String> {
    use serde_json::Value;
    let fail = |what: &str| Err(format!("{at}: {what} (value {v})"));
    if let Some(c) = schema.get("const")
        && c != v
    {
        return fail(&format!("expected {c}"));
    }
    if let Some(t) = schema.get("type") {
        let types: Vec<&str> = match t {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => vec![],
        };
        let ok = types.iter().any(|t| match *t {
            "string" => v.is_string(),
            "integer" => v.is_i64() || v.is_u64(),
            "number" => v.is_number(),
            "boolean" => v.is_boolean(),
            "array" => v.is_array(),
            "object" => v.is_object(),
            "null" => v.is_null(),
            _ => false,
        });
        if !ok {
            return fail(&format!("expected type {t}"));
        }
    }
    if let Some(n) = v.as_f64() {
        if schema
            .get("minimum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n < m)
        {
            return fail("below the minimum");
        }
        if schema
            .get("maximum")
            .and_then(Value::as_f64)
            .is_some_and(|m| n > m)
        {
            return fail("above the maximum");
        }
    }
    if let Value::Object(obj) = v {
        for r in schema
            .get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
        {
            if !obj.contains_key(r.as_str().unwrap_or_default()) {
                return fail(&format!("missing {r}"));
            }
        }
        let props = schema.get("properties").and_then(Value::as_object);
        for (k, x) in obj {
            let sub = format!("{at}.{k}");
            match (
                props.and_then(|p| p.get(k)),
                schema.get("additionalProperties"),
            ) {
                (Some(s), _) => check_schema(s, x, &sub)?,
                (None, Some(Value::Bool(false))) => return fail(&format!("unexpected key {k}")),
                (None, Some(s @ Value::Object(_))) => check_schema(s, x, &sub)?,
                (None, _) => {}
            }
        }
    }
    if let (Value::Array(items), Some(s)) = (v, schema.get("items")) {
        for (i, x) in items.iter().enumerate() {
            check_schema(s, x, &format!("{at}[{i}]"))?;
        }
    }
    Ok(())
}

fn report_schema() -> serde_json::Value {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("schemas/report-2.schema.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn json_report_follows_its_published_schema() {
    let env = synthesized();
    let v: serde_json::Value =
        serde_json::from_str(&report(&env, &["--table", "all", "--format", "json"])).unwrap();
    let schema = report_schema();
    check_schema(&schema, &v, "$").unwrap();
    // Every table is there and not empty, so every item schema was used.
    for t in [
        "recommendations",
        "themes",
        "matrix",
        "convergence",
        "quotes",
        "sources",
        "methods",
        "tensions",
    ] {
        assert!(!v["tables"][t].as_array().unwrap().is_empty(), "{t}");
    }
}

/// The example study's cross-group SWOT and empathy map, as programs read
/// them: parsed JSON, compared as values.
#[test]
fn json_has_the_cross_group_swot_and_empathy_map() {
    let env = synthesized();
    let v: serde_json::Value =
        serde_json::from_str(&report(&env, &["--table", "all", "--format", "json"])).unwrap();
    let items = v["tables"]["methods"].as_array().unwrap();
    // Every group-backed item of each part, in rank order.
    let shared: Vec<(String, String, u64, u64, Option<i64>)> = items
        .iter()
        .filter(|i| i["support"].as_u64() > Some(1))
        .map(|i| {
            (
                i["id"].as_str().unwrap().to_owned(),
                i["item"].as_str().unwrap().to_owned(),
                i["support"].as_u64().unwrap(),
                i["groups_total"].as_u64().unwrap(),
                i["votes_total"].as_i64(),
            )
        })
        .collect();
    let want: Vec<(String, String, u64, u64, Option<i64>)> = [
        (
            "swot.strengths.1",
            "Le modèle coopératif, les membres décident ensemble",
            Some(0),
        ),
        (
            "swot.weaknesses.1",
            "Prix trop élevé pour qui démarre son activité (160 €/mois)",
            Some(3),
        ),
        (
            "swot.weaknesses.2",
            "Fermé à 18 h 30 et le samedi, impossible de venir après l'école",
            Some(2),
        ),
        (
            "swot.opportunities.1",
            "Un tarif social selon les revenus pour les jeunes indépendants",
            Some(3),
        ),
        (
            "swot.threats.1",
            "Le propriétaire annonce une hausse du loyer à la fin du bail, en 2027",
            Some(2),
        ),
        (
            "empathy.pains.1",
            "Noise and calls in the open space",
            Some(3),
        ),
        (
            "empathy.pains.2",
            "The price of a fixed desk for people starting out",
            Some(2),
        ),
        (
            "empathy.pains.3",
            "Closed on Saturdays and after 7 pm",
            Some(1),
        ),
    ]
    .iter()
    .map(|(id, t, v)| ((*id).to_owned(), (*t).to_owned(), 2, 2, *v))
    .collect();
    assert_eq!(shared, want);
    // Each item is traceable to its notes, from both groups.
    let noise = items.iter().find(|i| i["id"] == "empathy.pains.1").unwrap();
    assert_eq!(noise["groups"], serde_json::json!(["Bruxelles", "Lille"]));
    let notes: Vec<&str> = noise["notes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n.as_str().unwrap())
        .collect();
    assert_eq!(notes.len(), 2);
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("bruxelles-empathy-map-miro:")),
        "{notes:?}"
    );
    assert!(
        notes.iter().any(|n| n.starts_with("lille-empathie:")),
        "{notes:?}"
    );
    // Tensions: transport a strength in Marseille, a weakness in Lille;
    // a pain in Lille, a gain in Bruxelles.
    let tensions: Vec<(
        String,
        String,
        String,
        String,
        serde_json::Value,
        serde_json::Value,
    )> = v["tables"]["tensions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| {
            let s = |k: &str| t[k].as_str().unwrap().to_owned();
            (
                s("method"),
                s("code"),
                s("part_a"),
                s("part_b"),
                t["groups_a"].clone(),
                t["groups_b"].clone(),
            )
        })
        .collect();
    let j = |g: &[&str]| serde_json::json!(g);
    assert!(
        tensions.contains(&(
            "swot".into(),
            "acces.transport".into(),
            "strengths".into(),
            "weaknesses".into(),
            j(&["Marseille"]),
            j(&["Lille", "Marseille"])
        )),
        "{tensions:?}"
    );
    assert!(
        tensions.contains(&(
            "empathy".into(),
            "acces.transport".into(),
            "pains".into(),
            "gains".into(),
            j(&["Lille"]),
            j(&["Bruxelles"])
        )),
        "{tensions:?}"
    );
}

#[test]
fn the_schema_checker_catches_violations() {
    let schema = report_schema();
    let mut v = serde_json::json!({"schema": "qualsynth.report/2", "study": "x", "tables": {}});
    assert!(check_schema(&schema, &v, "$").is_ok());
    v["tables"]["sources"] = serde_json::json!([{"id": "a", "kind": "grid", "format": "csv", "groups": ["G"], "segments": "3"}]);
    let err = check_schema(&schema, &v, "$").unwrap_err();
    assert!(err.contains("$.tables.sources[0].segments"), "{err}");
    v["tables"]["sources"][0]["segments"] = serde_json::json!(3);
    assert!(check_schema(&schema, &v, "$").is_ok());
    v["tables"]["extra"] = serde_json::json!([]);
    assert!(check_schema(&schema, &v, "$").is_err());
    v["schema"] = serde_json::json!("qualsynth.report/2");
    assert!(check_schema(&schema, &v, "$").is_err());
}

#[test]
fn an_unknown_group_or_code_is_refused_with_the_known_ones() {
    let env = synthesized();
    let out = env
        .study_cmd(&["report", "--group", "Lile"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("no group \"Lile\"")
            && stderr(&out).contains("Bruxelles, Lille, Marseille"),
        "{}",
        stderr(&out)
    );
    let out = env
        .study_cmd(&["report", "--code", "loyer"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("cout.loyer"), "{}", stderr(&out));
}
