//! REFI-QDA projects: `export qdpx` validates and is deterministic, a
//! study survives the round trip through a `.qdpx` (texts, codes, codings
//! with their positions and coders), and a real NVivo export imports with
//! its codings where NVivo put them.

use std::collections::HashMap;

use crate::common::{TestEnv, fixture, stderr};

fn frame(path: &std::path::Path) -> polars::prelude::DataFrame {
    qualsynth::store::tables::from_parquet(&std::fs::read(path).unwrap()).unwrap()
}

fn strs(df: &polars::prelude::DataFrame, col: &str) -> Vec<Option<String>> {
    df.column(col)
        .unwrap()
        .str()
        .unwrap()
        .iter()
        .map(|s| s.map(str::to_owned))
        .collect()
}

fn u32s(df: &polars::prelude::DataFrame, col: &str) -> Vec<Option<u32>> {
    df.column(col).unwrap().u32().unwrap().iter().collect()
}

/// `(segment text, code label, start, end, coder)` of every coding of a
/// study: the automatic ones as coder `auto`, the human ones by name.
fn codings(env: &TestEnv, group: &str) -> Vec<(String, String, u32, u32, String)> {
    let data = env.study().join("data");
    let segs = frame(&data.join("segments.parquet"));
    let (ids, texts, groups) = (
        strs(&segs, "segment_id"),
        strs(&segs, "text"),
        strs(&segs, "group"),
    );
    let text_of: HashMap<String, String> = ids
        .iter()
        .zip(&texts)
        .zip(&groups)
        .filter(|(_, g)| g.as_deref() == Some(group))
        .map(|((i, t), _)| (i.clone().unwrap(), t.clone().unwrap()))
        .collect();
    let codes = frame(&data.join("codes.parquet"));
    let label: HashMap<String, String> = strs(&codes, "code_id")
        .into_iter()
        .zip(strs(&codes, "label"))
        .map(|(i, l)| (i.unwrap(), l.unwrap()))
        .collect();
    let mut out = Vec::new();
    let auto = frame(&data.join("codings.parquet"));
    for (((s, c), a), b) in strs(&auto, "segment_id")
        .into_iter()
        .zip(strs(&auto, "code"))
        .zip(u32s(&auto, "start"))
        .zip(u32s(&auto, "end"))
    {
        if let Some(t) = text_of.get(s.as_deref().unwrap()) {
            out.push((
                t.clone(),
                label[&c.unwrap()].clone(),
                a.unwrap(),
                b.unwrap(),
                "auto".to_owned(),
            ));
        }
    }
    let hpath = data.join("human_codings.parquet");
    if hpath.exists() {
        let h = frame(&hpath);
        let rows = strs(&h, "segment_id")
            .into_iter()
            .zip(strs(&h, "code"))
            .zip(u32s(&h, "start").into_iter().zip(u32s(&h, "end")))
            .zip(strs(&h, "coder"));
        for (((s, c), (a, b)), who) in rows {
            let (Some(t), Some(c)) = (text_of.get(s.as_deref().unwrap()), c) else {
                continue;
            };
            let n = t.chars().count() as u32;
            out.push((
                t.clone(),
                label[&c].clone(),
                a.unwrap_or(0),
                b.unwrap_or(n),
                who.unwrap(),
            ));
        }
    }
    out.sort();
    out
}

/// The example study, run, with a human coder who coded two turns.
fn coded_study() -> TestEnv {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    env.cmd()
        .args(["run", "study", "--quiet"])
        .assert()
        .success();
    std::fs::write(
        env.dir.path().join("ann.csv"),
        "segment_id,codes\nlille-reunion-2026-03-12:2,cout\nlille-reunion-2026-03-12:5,lien; acces\n",
    )
    .unwrap();
    env.study_cmd(&["import", "codes", "ann.csv", "--coder", "ann"])
        .args(["--key-column", "segment_id", "--codes-column", "codes"])
        .assert()
        .success();
    env
}

#[test]
fn a_study_survives_the_round_trip_through_a_qdpx() {
    let env = coded_study();
    env.study_cmd(&["export", "qdpx", "lille.qdpx", "--group", "Lille"])
        .assert()
        .success();
    let one = std::fs::read(env.dir.path().join("lille.qdpx")).unwrap();
    env.study_cmd(&["export", "qdpx", "again.qdpx", "--group", "Lille"])
        .assert()
        .success();
    assert_eq!(
        one,
        std::fs::read(env.dir.path().join("again.qdpx")).unwrap()
    );

    // Into a new study.
    let back = TestEnv::new();
    let file = env.dir.path().join("lille.qdpx");
    let out = back
        .study_cmd(&["import", "qdpx", file.to_str().unwrap(), "--group", "Lille"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let said = stderr(&out);
    assert!(said.contains("coder qualsynth: "), "{said}");
    assert!(said.contains("coder ann: 3 codings"), "{said}");

    // Same texts, in the same order.
    let texts = |e: &TestEnv| -> Vec<String> {
        let s = frame(&e.study().join("data/segments.parquet"));
        strs(&s, "text")
            .into_iter()
            .zip(strs(&s, "group"))
            .filter(|(_, g)| g.as_deref() == Some("Lille"))
            .map(|(t, _)| t.unwrap())
            .collect()
    };
    let before = texts(&env);
    assert_eq!(texts(&back), before);
    assert!(before.len() > 50);

    // Same codings: code, position and coder (the automatic coder travels
    // as the user "qualsynth").
    let want: Vec<_> = codings(&env, "Lille")
        .into_iter()
        .map(|(t, c, a, b, who)| {
            let who = if who == "auto" {
                "qualsynth".to_owned()
            } else {
                who
            };
            (t, c, a, b, who)
        })
        .collect();
    back.study_cmd(&["code", "--quiet"]).assert().success();
    let got: Vec<_> = codings(&back, "Lille")
        .into_iter()
        .filter(|x| x.4 != "auto")
        .collect();
    let mut want = want;
    want.sort();
    assert_eq!(got.len(), want.len());
    assert_eq!(got, want);
    // The codebook travelled with its rules: coding the imported texts
    // gives back the automatic codings of the original.
    let recoded: Vec<_> = codings(&back, "Lille")
        .into_iter()
        .filter(|x| x.4 == "auto")
        .collect();
    let original: Vec<_> = codings(&env, "Lille")
        .into_iter()
        .filter(|x| x.4 == "auto")
        .collect();
    assert_eq!(recoded, original);
    // The speakers are the same people.
    let people = |e: &TestEnv| -> Vec<String> {
        let p = frame(&e.study().join("data/participants.parquet"));
        let mut n: Vec<String> = strs(&p, "name")
            .into_iter()
            .zip(strs(&p, "group"))
            .filter(|(_, g)| g.as_deref() == Some("Lille"))
            .map(|(n, _)| n.unwrap())
            .collect();
        n.sort();
        n
    };
    let (a, b) = (people(&env), people(&back));
    assert!(b.iter().all(|n| a.contains(n)), "{a:?} {b:?}");
}

#[test]
fn the_export_validates_against_the_project_schema() {
    if std::process::Command::new("xmllint")
        .arg("--version")
        .output()
        .is_err()
    {
        eprintln!("xmllint not installed: schema check skipped");
        return;
    }
    let env = coded_study();
    env.study_cmd(&["export", "qdpx", "all.qdpx"])
        .assert()
        .success();
    let bytes = std::fs::read(env.dir.path().join("all.qdpx")).unwrap();
    let qde = qualsynth::corpus::zipsafe::read_entry(&bytes, "project.qde", "QDPX")
        .unwrap()
        .unwrap();
    let path = env.dir.path().join("project.qde");
    std::fs::write(&path, &qde).unwrap();
    let out = std::process::Command::new("xmllint")
        .args(["--noout", "--schema"])
        .arg(fixture("refi/Project.xsd"))
        .arg(&path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(qde).unwrap();
    assert!(text.contains("<User guid=\"") && text.contains("name=\"ann\""));
    assert!(text.contains("<Set ") && text.contains("name=\"Marseille\""));
    assert!(text.contains("<Case ") && text.contains("<VariableRef"));
}

#[test]
fn a_real_nvivo_export_imports_with_its_codings_in_place() {
    let env = TestEnv::new();
    let file = fixture("refi/nvivo12win_oltas0517.qdpx");
    let out = env
        .study_cmd(&["import", "qdpx", file.to_str().unwrap(), "--group", "HU"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("coder Gergo: 303 codings"),
        "{}",
        stderr(&out)
    );
    let data = env.study().join("data");
    let segs = frame(&data.join("segments.parquet"));
    let text: HashMap<String, String> = strs(&segs, "segment_id")
        .into_iter()
        .zip(strs(&segs, "text"))
        .map(|(i, t)| (i.unwrap(), t.unwrap()))
        .collect();
    let h = frame(&data.join("human_codings.parquet"));
    let (ids, starts, ends) = (strs(&h, "segment_id"), u32s(&h, "start"), u32s(&h, "end"));
    let mut whole = 0;
    for i in 0..h.height() {
        let t = &text[ids[i].as_deref().unwrap()];
        let (a, b) = (starts[i].unwrap() as usize, ends[i].unwrap() as usize);
        assert!(a < b && b <= t.chars().count());
        if a == 0 && b == t.chars().count() {
            whole += 1;
        }
    }
    // NVivo counts UTF-16 units: read so, the coded comments are whole
    // lines (282 of 303); read as characters they would not be.
    assert_eq!(whole, 282);
    // Its codebook became the study's, and reads back.
    let manifest = std::fs::read_to_string(env.study().join("study.toml")).unwrap();
    assert!(
        manifest.contains("nvivo12win-oltas0517-codebook.qdc"),
        "{manifest}"
    );
    env.study_cmd(&["code", "--quiet"]).assert().success();
}
