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
