//! `--help` is what people read first: snapshot it.

use crate::common::TestEnv;

fn help(args: &[&str]) -> String {
    let env = TestEnv::new();
    let out = env.cmd().args(args).output().unwrap();
    assert!(out.status.success());
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn top_level_help() {
    insta::assert_snapshot!(help(&["--help"]));
}

#[test]
fn import_grid_help() {
    insta::assert_snapshot!(help(&["import", "grid", "--help"]));
}

#[test]
fn report_help() {
    insta::assert_snapshot!(help(&["report", "--help"]));
}

#[test]
fn run_help() {
    insta::assert_snapshot!(help(&["run", "--help"]));
}

#[test]
fn completions_and_manual_pages() {
    let env = TestEnv::new();
    for shell in ["bash", "zsh", "fish"] {
        let out = env.cmd().args(["completions", shell]).output().unwrap();
        assert!(out.status.success(), "{shell}");
        let script = String::from_utf8(out.stdout).unwrap();
        assert!(
            script.contains("qualsynth") && script.contains("synthesize"),
            "{shell}"
        );
    }
    let out = env.cmd().arg("man").output().unwrap();
    assert!(out.status.success());
    let page = String::from_utf8(out.stdout).unwrap();
    assert!(
        page.starts_with(".ie") || page.contains(".TH qualsynth"),
        "{page}"
    );
    env.cmd().args(["man", "--out", "man"]).assert().success();
    for page in ["qualsynth.1", "qualsynth-run.1", "qualsynth-import-grid.1"] {
        let text = std::fs::read_to_string(env.dir.path().join("man").join(page)).unwrap();
        assert!(text.contains(".TH"), "{page}");
    }
}
