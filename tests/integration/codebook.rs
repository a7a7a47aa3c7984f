//! `qualsynth codebook check|show|convert`, and the readers of other tools'
//! codebooks on real sample files.

use std::path::Path;

use qualsynth::codebook::formats;
use qualsynth::codebook::{Codebook, Origin, Pattern, Semantics, Term};

use crate::common::{TestEnv, fixture, shipped, stderr};

fn read_file(path: &Path) -> Codebook {
    let bytes = std::fs::read(path).unwrap();
    let ext = path.extension().unwrap().to_str().unwrap();
    let (cb, _) = formats::read(&path.display().to_string(), ext, &bytes)
        .unwrap_or_else(|e| panic!("{}: {e:?}", path.display()));
    cb
}

/// The codebook without positions (they differ between formats).
fn strip(mut cb: Codebook) -> Codebook {
    for c in &mut cb.codes {
        c.origin = Origin::default();
        c.parent_origin = Origin::default();
        for r in &mut c.rules {
            r.origin = Origin::default();
        }
        for s in &mut c.shared {
            s.origin = Origin::default();
        }
    }
    cb
}

/// (category, entry) pairs, sorted.
fn entries(cb: &Codebook) -> Vec<(String, String, Pattern)> {
    let mut v: Vec<_> = cb
        .codes
        .iter()
        .flat_map(|c| {
            c.rules
                .iter()
                .map(move |r| (c.id.clone(), r.text.clone(), r.pattern.clone()))
        })
        .collect();
    v.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
    v
}

#[test]
fn check_reports_every_mistake_with_a_caret() {
    let env = TestEnv::new();
    env.copy_in("codebooks/broken.toml");
    let out = env
        .cmd()
        .args(["codebook", "check", "broken.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(!err.contains("panicked"), "{err}");
    assert!(
        err.ends_with("error: broken.toml: 5 errors, 1 warning\n"),
        "{err}"
    );
    insta::assert_snapshot!(err);
}

#[test]
fn check_passes_the_shipped_codebooks() {
    let env = TestEnv::new();
    for name in ["coop-workspaces.toml", "granddebat.toml"] {
        let path = shipped(name);
        let out = env
            .cmd()
            .args(["codebook", "check"])
            .arg(&path)
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(0), "{name}: {err}");
        assert!(err.ends_with(": 0 errors, 0 warnings\n"), "{name}: {err}");
    }
}

#[test]
fn show_draws_the_tree() {
    let env = TestEnv::new();
    let out = env
        .cmd()
        .args(["codebook", "show"])
        .arg(shipped("coop-workspaces.toml"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

#[test]
fn show_refuses_a_broken_codebook_in_one_line() {
    let env = TestEnv::new();
    env.copy_in("codebooks/broken.toml");
    let out = env
        .cmd()
        .args(["codebook", "show", "broken.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.starts_with("error: broken.toml:15:6: duplicate code id \"cost\""),
        "{err}"
    );
    assert!(err.contains("and 4 more errors"), "{err}");
}

/// Converts with the CLI and reads the result back.
fn convert(env: &TestEnv, from: &Path, to: &str) -> Codebook {
    let out = env
        .cmd()
        .args(["codebook", "convert"])
        .arg(from)
        .arg(to)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    read_file(&env.dir.path().join(to))
}

#[test]
fn toml_round_trips_through_toml_csv_and_qdc() {
    let env = TestEnv::new();
    for name in ["coop-workspaces.toml", "granddebat.toml"] {
        let original = strip(read_file(&shipped(name)));
        assert!(!original.codes.is_empty());
        let toml = convert(&env, &shipped(name), "again.toml");
        assert_eq!(strip(toml), original, "{name} → toml");
        let qdc = convert(&env, &shipped(name), "book.qdc");
        let back = convert(&env, &env.dir.path().join("book.qdc"), "from-qdc.toml");
        assert_eq!(strip(qdc), original, "{name} → qdc");
        assert_eq!(strip(back), original, "{name} → qdc → toml");
        let mut csv = strip(convert(&env, &shipped(name), "book.csv"));
        let back = convert(&env, &env.dir.path().join("book.csv"), "from-csv.toml");
        assert_eq!(strip(back), csv, "{name} → csv → toml");
        // CSV keeps every code and rule, not the codebook options.
        csv.name = original.name.clone();
        csv.options = original.options.clone();
        assert_eq!(csv, original, "{name} → csv");
    }
}

#[test]
fn convert_is_deterministic() {
    let env = TestEnv::new();
    for to in ["a.qdc", "b.qdc"] {
        convert(&env, &shipped("coop-workspaces.toml"), to);
    }
    let a = std::fs::read(env.dir.path().join("a.qdc")).unwrap();
    let b = std::fs::read(env.dir.path().join("b.qdc")).unwrap();
    assert_eq!(a, b);
}

#[test]
fn exported_qdc_validates_against_the_schema() {
    let have_xmllint = std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_ok_and(|o| o.status.success());
    if !have_xmllint {
        eprintln!("skipped: xmllint is not on PATH (Debian: apt-get install libxml2-utils)");
        return;
    }
    let env = TestEnv::new();
    let xsd = fixture("refi/Codebook.xsd");
    for (from, to) in [
        (shipped("coop-workspaces.toml"), "coop.qdc"),
        (shipped("granddebat.toml"), "gd.qdc"),
        (fixture("refi/taguette_style_example.qdc"), "taguette.qdc"),
        (fixture("dicts/liwca_toy.dic"), "liwc.qdc"),
        (fixture("refi/nvivo12win_oltas0517.qdpx"), "nvivo.qdc"),
        (fixture("refi/sample_two_regions.qdpx"), "two_regions.qdc"),
    ] {
        convert(&env, &from, to);
        let out = std::process::Command::new("xmllint")
            .arg("--noout")
            .arg("--schema")
            .arg(&xsd)
            .arg(env.dir.path().join(to))
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{to}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn convert_refuses_an_unwritable_format_and_writes_nothing() {
    let env = TestEnv::new();
    let before = env.snapshot();
    let out = env
        .cmd()
        .args(["codebook", "convert"])
        .arg(shipped("coop-workspaces.toml"))
        .arg("out.dic")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("cannot write .dic"), "{err}");
    assert!(err.contains(".toml, .csv, .qdc"), "{err}");
    assert_eq!(env.snapshot(), before);
    // A broken input writes nothing either.
    env.copy_in("codebooks/broken.toml");
    let before = env.snapshot();
    let out = env
        .cmd()
        .args(["codebook", "convert", "broken.toml", "out.qdc"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(env.snapshot(), before);
}

#[test]
fn bad_files_fail_cleanly() {
    let env = TestEnv::new();
    let cases: [(&str, &[u8], &str); 5] = [
        ("missing.toml", b"", "no such file"),
        (
            "book.docx",
            b"PK\x03\x04\x00",
            "unknown codebook extension .docx",
        ),
        ("binary.toml", b"\x00\x01\x02\x03\x00\xff\x00", "binary"),
        (
            "notxml.qdc",
            b"{ \"codes\": [] }",
            "expected a REFI-QDA <CodeBook>",
        ),
        ("bad.qdc", b"<CodeBook>\n<Codes></Code>", "bad.qdc:2:8"),
    ];
    for (name, bytes, needle) in cases {
        if name != "missing.toml" {
            std::fs::write(env.dir.path().join(name), bytes).unwrap();
        }
        let out = env
            .cmd()
            .args(["codebook", "check", name])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{name}: {err}");
        assert!(err.contains(needle), "{name}: {needle:?} not in {err}");
        assert!(!err.contains("panicked"), "{err}");
    }
}

#[test]
fn liwc_dic_and_dicx_samples_give_the_same_entries() {
    let dic = read_file(&fixture("dicts/liwca_toy.dic"));
    let dicx = read_file(&fixture("dicts/liwca_toy.dicx"));
    assert_eq!(dic.options.semantics, Semantics::Dictionary);
    assert!(!dic.options.fold_accents);
    let ids: Vec<&str> = dic.codes.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, ["Basketball", "Baseball", "Football"]);
    let e = entries(&dic);
    assert_eq!(e.len(), 18, "{e:?}");
    assert_eq!(e, entries(&dicx));
    // A term in several categories is a rule in each.
    let coach = e.iter().filter(|(_, t, _)| t == "coach").count();
    assert_eq!(coach, 3);
    assert!(e.contains(&(
        "Football".into(),
        "fumbl*".into(),
        Pattern::Term(Term::Prefix("fumbl".into()))
    )));
}

#[test]
fn refi_spec_example_reads() {
    let cb = read_file(&fixture("refi/spec_annexA1_codebook.qdc"));
    let got: Vec<(&str, &str, Option<&str>)> = cb
        .codes
        .iter()
        .map(|c| (c.id.as_str(), c.label.as_str(), c.colour.as_deref()))
        .collect();
    assert_eq!(
        got,
        [
            ("Topics", "Topics", None),
            ("Economy", "Economy", Some("#ffff00")),
            ("Health_care", "Health care", Some("#33cc33")),
            ("Values", "Values", None),
            ("Conservatives", "Conservatives", Some("#ff0000")),
            ("Liberals", "Liberals", Some("#0000ff")),
        ]
    );
    assert_eq!(
        cb.codes[1].definition.as_deref(),
        Some("Anything about jobs or taxes or business")
    );
    assert!(cb.codes.iter().all(|c| c.rules.is_empty()));
    assert_eq!(cb.options.semantics, Semantics::Codes);
}

#[test]
fn taguette_style_qdc_reads_despite_empty_sets() {
    let cb = read_file(&fixture("refi/taguette_style_example.qdc"));
    let labels: Vec<&str> = cb.codes.iter().map(|c| c.label.as_str()).collect();
    assert_eq!(labels, ["interesting", "people", "interesting\\places"]);
    assert_eq!(cb.name, "taguette_style_example");
    // Codes without rules are fine to read; check warns about them.
    let env = TestEnv::new();
    let out = env
        .cmd()
        .args(["codebook", "check"])
        .arg(fixture("refi/taguette_style_example.qdc"))
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(err.matches("has no rules").count(), 3, "{err}");
}

/// Two codes share `loyer` on purpose (declared), `prix` by accident (not
/// declared), and a declaration has a typo.
const SHARING: &str = r#"[codebook]
name = "Partage"

[[codes]]
id = "cout"
terms = ["loyer", "prix", "charges"]

[[codes]]
id = "cout.loyer"
parent = "cout"
terms = ["Loyer", "bail"]
shared = ["loyer"]

[[codes]]
id = "equipement"
terms = ["prix", "imprimante*"]
shared = ["imprimant*"]
"#;

#[test]
fn a_rule_shared_on_purpose_is_no_warning_and_a_typo_in_shared_is_one() {
    let env = TestEnv::new();
    std::fs::write(env.dir.path().join("share.toml"), SHARING).unwrap();
    let out = env
        .cmd()
        .args(["codebook", "check", "share.toml"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // Declared: no warning for `loyer`. Undeclared: `prix` warns. The typo
    // warns at its line and column.
    assert!(!err.contains("\"loyer\""), "{err}");
    assert!(
        err.contains(
            "share.toml:16:10: rule \"prix\" of code \"equipement\" is also a rule of code \"cout\""
        ),
        "{err}"
    );
    assert!(
        err.contains("share.toml:17:11: shared rule \"imprimant*\" is not a rule of code \"equipement\"; did you mean \"imprimante*\"?"),
        "{err}"
    );
    assert!(err.ends_with("share.toml: 0 errors, 2 warnings\n"), "{err}");
    insta::assert_snapshot!(err);
    // Without the declaration, `loyer` warns like `prix`.
    std::fs::write(
        env.dir.path().join("undeclared.toml"),
        SHARING.replace("shared = [\"loyer\"]\n", ""),
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["codebook", "check", "undeclared.toml"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(
        err.contains(
            "rule \"Loyer\" of code \"cout.loyer\" is also a rule of code \"cout\" (line 6)"
        ),
        "{err}"
    );
    assert!(err.ends_with("0 errors, 3 warnings\n"), "{err}");
    // `code` reads the codebook through the same checks.
    std::fs::write(env.dir.path().join("t.csv"), "id,text\n1,le loyer\n").unwrap();
    let out = env
        .cmd()
        .args(["code", "t.csv", "--codebook", "share.toml"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert_eq!(err.matches("warning:").count(), 2, "{err}");
    assert!(!err.contains("\"Loyer\""), "{err}");
}

#[test]
fn shared_declarations_survive_a_toml_round_trip_and_other_formats_say_they_drop_them() {
    let env = TestEnv::new();
    let from = env.dir.path().join("share.toml");
    std::fs::write(&from, SHARING).unwrap();
    let original = strip(read_file(&from));
    let shared: Vec<&str> = original.codes[1]
        .shared
        .iter()
        .map(|s| s.text.as_str())
        .collect();
    assert_eq!(shared, ["loyer"]);
    assert_eq!(strip(convert(&env, &from, "again.toml")), original);
    for to in ["book.csv", "book.qdc"] {
        let out = env
            .cmd()
            .args(["codebook", "convert", "share.toml", to])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert!(out.status.success(), "{err}");
        assert!(
            err.contains(&format!("note: {to} keeps no `shared` declarations")),
            "{err}"
        );
    }
}

#[test]
fn check_with_a_study_prints_one_bounded_table_of_hits_per_rule() {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    let run = env.cmd().args(["run", "study"]).output().unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let check = |extra: &[&str]| {
        let out = env
            .cmd()
            .args(["codebook", "check"])
            .arg(shipped("coop-workspaces.toml"))
            .args(["--study", "study", "--format", "table"])
            .args(extra)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        let err = stderr(&out);
        (String::from_utf8(out.stdout).unwrap(), err)
    };
    let (table, err) = check(&[]);
    // 195 rules: the first 40 silent ones and the 10 with most hits, in
    // codebook order, then what was left out.
    let rows: Vec<&str> = table.lines().filter(|l| l.starts_with("│ ")).collect();
    assert_eq!(rows.len(), 1 + 50, "{table}");
    assert_eq!(rows.iter().filter(|r| r.contains("no hits")).count(), 40);
    assert!(
        table.ends_with(
            "… and 145 more rules (109 with hits, 36 with none; all of them: --verbose, or --format csv)\n"
        ),
        "{table}"
    );
    assert!(
        err.contains("76 of 195 rules match nothing in the study (253 segments)"),
        "{err}"
    );
    // No block of diagnostics per silent rule: the codebook has no warning.
    assert!(!err.contains("warning:"), "{err}");
    insta::assert_snapshot!(table);
    // --verbose: every rule.
    let (all, _) = check(&["--verbose"]);
    let rows: Vec<&str> = all.lines().filter(|l| l.starts_with("│ ")).collect();
    assert_eq!(rows.len(), 1 + 195, "{all}");
    assert_eq!(rows.iter().filter(|r| r.contains("no hits")).count(), 76);
    assert!(!all.contains("more rules"), "{all}");
}

#[test]
fn check_with_a_study_lists_rules_that_match_nothing() {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    let run = env.cmd().args(["run", "study"]).output().unwrap();
    assert!(run.status.success(), "{}", stderr(&run));
    let out = env
        .cmd()
        .args(["codebook", "check"])
        .arg(shipped("coop-workspaces.toml"))
        .args(["--study", "study"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    // One row per rule with the segments it matches: nobody in the study
    // mentions a printer; everyone mentions rent.
    let table = String::from_utf8(out.stdout).unwrap();
    let mut rdr = csv::Reader::from_reader(table.as_bytes());
    assert_eq!(
        rdr.headers().unwrap(),
        vec!["location", "code", "rule", "segments"]
    );
    let hits: std::collections::HashMap<(String, String), usize> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            ((r[1].to_owned(), r[2].to_owned()), r[3].parse().unwrap())
        })
        .collect();
    assert_eq!(hits[&("equipement".into(), "imprimante*".into())], 0);
    assert!(hits[&("cout.loyer".into(), "loyer*".into())] > 5, "{table}");
    assert!(
        err.contains("rules match nothing in the study (253 segments)"),
        "{err}"
    );
}

#[test]
fn check_on_a_one_line_codebook_with_hundreds_of_warnings_stays_readable() {
    // The shape of a real NVivo export: the whole codebook on one line, and
    // no code with a rule (each one a warning at its column of that line).
    let env = TestEnv::new();
    let mut xml = String::from(
        r#"<?xml version="1.0" encoding="utf-8"?><CodeBook xmlns="urn:QDA-XML:codebook:1.0" origin="NVivo"><Codes>"#,
    );
    for i in 0..300 {
        xml.push_str(&format!(
            r#"<Code guid="00000000-0000-4000-8000-{i:012}" name="Theme number {i}" isCodable="true"><Description>A long description of theme {i}, as NVivo writes them.</Description></Code>"#
        ));
    }
    xml.push_str("</Codes></CodeBook>");
    assert!(!xml.contains('\n') && xml.len() > 40_000);
    std::fs::write(env.dir.path().join("nvivo.qdc"), &xml).unwrap();
    let out = env
        .cmd()
        .args(["codebook", "check", "nvivo.qdc"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(err.len() < 4_000, "{} bytes:\n{err}", err.len());
    assert!(err.contains("297 more like this"), "{err}");
    assert!(err.contains("(--verbose lists them all)"), "{err}");
    assert!(err.lines().all(|l| l.chars().count() < 200), "{err}");
    // --verbose lists every warning, each excerpt still cut to a window.
    let out = env
        .cmd()
        .args(["codebook", "check", "nvivo.qdc", "--verbose"])
        .output()
        .unwrap();
    let all = stderr(&out);
    assert_eq!(all.matches("no rules").count(), 300, "{all}");
    assert!(all.lines().all(|l| l.chars().count() < 200));
    // --quiet says nothing but the outcome.
    let out = env
        .cmd()
        .args(["codebook", "check", "nvivo.qdc", "-q"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(stderr(&out), "");
}

/// The `guid` of every `<Code>` element of a REFI-QDA file, in file order.
fn code_guids(xml: &str) -> Vec<String> {
    xml.split("<Code ")
        .skip(1)
        .filter_map(|rest| {
            let tag = &rest[..rest.find('>').unwrap_or(rest.len())];
            let at = tag.find("guid=\"")? + 6;
            tag[at..].split('"').next().map(str::to_owned)
        })
        .collect()
}

/// The text of the one `.qde` of a `.qdpx`.
fn qde_of(qdpx: &Path) -> String {
    let bytes = std::fs::read(qdpx).unwrap();
    let mut z = zip::ZipArchive::new(std::io::Cursor::new(bytes)).unwrap();
    let name: String = z
        .file_names()
        .map(|n| n.unwrap().into_owned())
        .find(|n| n.to_ascii_lowercase().ends_with(".qde") && !n.contains('/'))
        .unwrap();
    let mut text = String::new();
    std::io::Read::read_to_string(&mut z.by_name(&name).unwrap(), &mut text).unwrap();
    text.trim_start_matches('\u{feff}').to_owned()
}

#[test]
fn codebook_commands_read_the_codebook_of_a_qde_and_a_qdpx_project() {
    let env = TestEnv::new();
    let qdpx = fixture("refi/nvivo12win_oltas0517.qdpx");
    let out = env
        .cmd()
        .args(["codebook", "check"])
        .arg(&qdpx)
        .output()
        .unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{err}");
    assert!(!err.contains("unknown codebook extension"), "{err}");
    let cb = read_file(&qdpx);
    assert_eq!(cb.codes.len(), 152);
    assert_eq!(cb.name, "nvivo12win_oltas0517");
    let categories: Vec<&str> = cb
        .codes
        .iter()
        .filter(|c| !c.codable)
        .map(|c| c.id.as_str())
        .collect();
    assert_eq!(categories, ["Attituderoots"]);
    // The same project as a bare .qde (with its BOM).
    std::fs::write(env.dir.path().join("project.qde"), qde_of(&qdpx)).unwrap();
    assert_eq!(
        strip(read_file(&env.dir.path().join("project.qde"))).codes,
        strip(cb).codes
    );
    let out = env
        .cmd()
        .args(["codebook", "show", "project.qde"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let tree = String::from_utf8(out.stdout).unwrap();
    assert!(tree.starts_with("project\n152 codes, 0 rules"), "{tree}");
    assert!(
        tree.contains("Attituderoots") && tree.contains("(not codable)"),
        "{tree}"
    );
}

#[test]
fn imported_guids_and_categories_survive_convert_to_qdc_and_through_toml() {
    let env = TestEnv::new();
    let qdpx = fixture("refi/nvivo12win_oltas0517.qdpx");
    let original = code_guids(&qde_of(&qdpx));
    assert_eq!(original.len(), 152);
    convert(&env, &qdpx, "nvivo.qdc");
    let qdc = std::fs::read_to_string(env.dir.path().join("nvivo.qdc")).unwrap();
    // Regression: every GUID was regenerated (0 of 152 survived).
    assert_eq!(code_guids(&qdc), original);
    assert_eq!(qdc.matches("isCodable=\"false\"").count(), 1);
    // Through TOML and back, still the same GUIDs.
    convert(&env, &env.dir.path().join("nvivo.qdc"), "nvivo.toml");
    let toml = std::fs::read_to_string(env.dir.path().join("nvivo.toml")).unwrap();
    assert_eq!(toml.matches("\nguid = ").count(), 152);
    assert_eq!(toml.matches("\ncodable = false\n").count(), 1);
    convert(&env, &env.dir.path().join("nvivo.toml"), "again.qdc");
    let again = std::fs::read_to_string(env.dir.path().join("again.qdc")).unwrap();
    assert_eq!(code_guids(&again), original);
    // Upper-case GUIDs keep their case.
    let s2 = fixture("refi/sample_two_regions.qdpx");
    convert(&env, &s2, "s2.qdc");
    let s2_qdc = std::fs::read_to_string(env.dir.path().join("s2.qdc")).unwrap();
    assert_eq!(code_guids(&s2_qdc), code_guids(&qde_of(&s2)));
    assert!(s2_qdc.contains("guid=\"1151DEBE-6435-5745-8AF4-DA1938BD90ED\""));
}

#[test]
fn a_plain_codebook_writes_back_without_qualsynth_lines_in_its_descriptions() {
    let env = TestEnv::new();
    for from in [
        fixture("refi/nvivo12win_oltas0517.qdpx"),
        fixture("refi/spec_annexA1_codebook.qdc"),
        fixture("refi/sample_two_regions.qdpx"),
    ] {
        let original = read_file(&from);
        let back = convert(&env, &from, "plain.qdc");
        let qdc = std::fs::read_to_string(env.dir.path().join("plain.qdc")).unwrap();
        // Regression: every description gained a `qualsynth id:` line.
        assert!(!qdc.contains("qualsynth id:"), "{}: {qdc}", from.display());
        assert_eq!(strip(back), strip(original), "{}", from.display());
    }
    // A codebook with rules still round-trips exactly (see
    // toml_round_trips_through_toml_csv_and_qdc): its ids travel.
    convert(&env, &shipped("coop-workspaces.toml"), "coop.qdc");
    let qdc = std::fs::read_to_string(env.dir.path().join("coop.qdc")).unwrap();
    assert!(qdc.contains("qualsynth id: cout\n"), "{qdc}");
}

#[test]
fn a_project_without_a_codebook_is_an_error_not_zero_codes() {
    let env = TestEnv::new();
    let qde = "<?xml version=\"1.0\"?>\n<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"p\">\n  <Sources/>\n</Project>\n";
    std::fs::write(env.dir.path().join("bare.qde"), qde).unwrap();
    let mut zipped = std::io::Cursor::new(Vec::new());
    {
        let mut w = zip::ZipWriter::new(&mut zipped);
        w.start_file("project.qde", zip::write::SimpleFileOptions::default())
            .unwrap();
        std::io::Write::write_all(&mut w, qde.as_bytes()).unwrap();
        w.finish().unwrap();
    }
    std::fs::write(env.dir.path().join("bare.qdpx"), zipped.into_inner()).unwrap();
    for (file, needle) in [
        (
            "bare.qdpx",
            "bare.qdpx:2:1: project.qde has no <CodeBook>: 0 codes",
        ),
        (
            "bare.qde",
            "bare.qde:2:1: this project has no <CodeBook>: 0 codes",
        ),
    ] {
        let out = env
            .cmd()
            .args(["codebook", "check", file])
            .output()
            .unwrap();
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(1), "{err}");
        assert!(err.contains(needle), "{file}: {err}");
        let before = env.snapshot();
        let out = env
            .cmd()
            .args(["codebook", "convert", file, "out.toml"])
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
        assert_eq!(env.snapshot(), before);
    }
}

#[test]
fn the_csv_convert_writes_is_a_codebook_taguette_imports() {
    let env = TestEnv::new();
    let original = read_file(&shipped("coop-workspaces.toml"));
    convert(&env, &shipped("coop-workspaces.toml"), "taguette.csv");
    // What Taguette's import does: lower-case the header, take the one
    // `tag`/`name`/`path` column as the tag and `description` if present.
    let bytes = std::fs::read(env.dir.path().join("taguette.csv")).unwrap();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(&bytes[..]);
    let mut rows = rdr.records().map(Result::unwrap);
    let header: Vec<String> = rows.next().unwrap().iter().map(str::to_lowercase).collect();
    let col = |n: &str| header.iter().position(|h| h == n);
    let tag_cols: Vec<usize> = ["tag", "name", "path"]
        .iter()
        .filter_map(|n| col(n))
        .collect();
    assert_eq!(tag_cols.len(), 1, "{header:?}");
    let (tag, description) = (tag_cols[0], col("description").unwrap());
    let tags: Vec<(String, String)> = rows
        .map(|r| (r[tag].trim().to_owned(), r[description].trim().to_owned()))
        .collect();
    let want: Vec<(String, String)> = original
        .codes
        .iter()
        .map(|c| (c.id.clone(), c.definition.clone().unwrap_or_default()))
        .collect();
    assert_eq!(tags, want);
}

#[test]
fn a_category_with_rules_is_warned_about_and_codes_nothing() {
    let env = TestEnv::new();
    let dir = env.dir.path();
    std::fs::write(
        dir.join("cat.toml"),
        "[[codes]]\nid = \"cout\"\ncodable = false\ncolour = \"#abc\"\nterms = [\"prix\"]\n\n\
         [[codes]]\nid = \"cout.loyer\"\nparent = \"cout\"\nterms = [\"loyer\"]\n",
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["codebook", "check", "cat.toml"])
        .output()
        .unwrap();
    let err = stderr(&out);
    assert!(out.status.success(), "{err}");
    assert!(
        err.contains("cat.toml:2:6: code \"cout\" is not codable (a category, isCodable=\"false\"): its 1 rule is ignored"),
        "{err}"
    );
    std::fs::write(dir.join("t.csv"), "id,text\n1,le prix du loyer\n").unwrap();
    let out = env
        .cmd()
        .args(["code", "t.csv", "--codebook", "cat.toml"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let codings = String::from_utf8(out.stdout).unwrap();
    assert!(codings.contains(",cout.loyer,"), "{codings}");
    assert!(!codings.contains(",cout,"), "{codings}");
    // `convert` keeps the rules, the category and a #RRGGBB colour.
    let back = convert(&env, &dir.join("cat.toml"), "cat.qdc");
    let qdc = std::fs::read_to_string(dir.join("cat.qdc")).unwrap();
    assert!(
        qdc.contains("isCodable=\"false\" color=\"#aabbcc\""),
        "{qdc}"
    );
    assert_eq!(strip(back), strip(read_file(&dir.join("cat.toml"))));
}
