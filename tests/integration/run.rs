//! `qualsynth run`: rebuilds the example study from its manifest alone.

use crate::common::{TestEnv, stderr};

fn run(env: &TestEnv) -> std::process::Output {
    let out = env.cmd().args(["run", "study"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    out
}

#[test]
fn the_example_study_rebuilds_from_its_manifest() {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    let out = run(&env);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("3 groups, 8 sources"), "{text}");
    let st = env.status();
    let groups: Vec<&str> = st["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["Bruxelles", "Lille", "Marseille"]);
    for g in st["groups"].as_array().unwrap() {
        assert!(g["turns"].as_u64().unwrap() > 20, "{g}");
        assert!(g["recommendations"].as_u64().unwrap() >= 5, "{g}");
        assert!(g["participants"].as_u64().unwrap() >= 4, "{g}");
    }
    let formats: Vec<&str> = st["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["format"].as_str().unwrap())
        .collect();
    assert_eq!(
        formats,
        ["txt", "csv", "csv", "vtt", "xlsx", "csv", "docx", "csv"]
    );
    // The manifest names a codebook, so run codes the study too.
    assert!(
        text.contains("cout.loyer") && text.contains("Garde d'enfants"),
        "{text}"
    );
    let prov: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(env.study().join("data/coding.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(prov["codebook"], "codebook.toml");
    assert!(prov["codings"].as_u64().unwrap() > 200, "{prov}");
}

#[test]
fn the_shipped_manifest_records_every_hash() {
    // The demo must not rewrite the shipped study.toml: its hashes are current.
    let env = TestEnv::with_fixture_study("coop-workspaces");
    let before = std::fs::read(env.study().join("study.toml")).unwrap();
    let out = run(&env);
    assert!(!stderr(&out).contains("changed"), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(env.study().join("study.toml")).unwrap(),
        before
    );
}

#[test]
fn rerunning_gives_identical_bytes() {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    run(&env);
    let first = env.snapshot();
    run(&env);
    assert_eq!(env.snapshot(), first);
}

#[test]
fn a_changed_source_is_noted_and_recorded() {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    run(&env);
    let f = env.study().join("lille/reunion-2026-03-12.txt");
    let mut text = std::fs::read_to_string(&f).unwrap();
    text.push_str("Claire Dubois: Une dernière remarque sur le loyer.\n");
    std::fs::write(&f, text).unwrap();
    let out = run(&env);
    assert!(
        stderr(&out).contains("lille/reunion-2026-03-12.txt changed"),
        "{}",
        stderr(&out)
    );
    let segs = env.segments(&["--source", "lille-reunion-2026-03-12"]);
    assert_eq!(
        segs.last().unwrap()["text"],
        "Une dernière remarque sur le loyer."
    );
    let out = run(&env);
    assert!(!stderr(&out).contains("changed"));
}

#[test]
fn a_missing_source_fails_and_keeps_the_workspace() {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    run(&env);
    std::fs::remove_file(env.study().join("marseille/post-it.csv")).unwrap();
    let before = env.snapshot();
    let out = env.cmd().args(["run", "study"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("post-it.csv"), "{}", stderr(&out));
    assert_eq!(env.snapshot(), before);
}

#[test]
fn run_accepts_the_manifest_path() {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    let out = env
        .cmd()
        .args(["run", "study/study.toml", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
}
