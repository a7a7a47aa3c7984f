//! A closed pipe is success: `qualsynth … | head -1` exits 0 and says
//! nothing on stderr, for every command that writes data.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use crate::common::{TestEnv, shipped, stderr};

/// Runs `qualsynth ARGS` in the env's directory with stdout to a pipe that
/// is closed after `lines` lines (0: before anything is read), and returns
/// the exit status and stderr.
fn closed_after(env: &TestEnv, args: &[&str], lines: usize) -> (Option<i32>, String) {
    let mut child = Command::new(assert_cmd::cargo::cargo_bin!("qualsynth"))
        .args(args)
        .current_dir(env.dir.path())
        .env("COLUMNS", "100")
        .env("NO_COLOR", "1")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stdout = child.stdout.take().unwrap();
    if lines > 0 {
        let mut r = BufReader::new(stdout);
        for _ in 0..lines {
            let mut line = String::new();
            r.read_line(&mut line).unwrap();
        }
        drop(r);
    } else {
        drop(stdout);
    }
    let out = child.wait_with_output().unwrap();
    (out.status.code(), stderr(&out))
}

fn assert_quiet_success(env: &TestEnv, args: &[&str]) {
    for lines in [0, 1] {
        let (code, err) = closed_after(env, args, lines);
        assert_eq!(code, Some(0), "{args:?} after {lines} lines: {err}");
        assert_eq!(err, "", "{args:?} after {lines} lines");
    }
}

fn study() -> TestEnv {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    env.cmd()
        .args(["run", "study", "--quiet"])
        .assert()
        .success();
    env
}

#[test]
fn segments_into_a_closed_pipe() {
    let env = study();
    assert_quiet_success(&env, &["segments", "--format", "csv", "--study", "study"]);
}

#[test]
fn report_into_a_closed_pipe() {
    let env = study();
    for format in ["table", "json", "markdown"] {
        let args = [
            "report", "--table", "all", "--format", format, "--study", "study",
        ];
        assert_quiet_success(&env, &args);
    }
    assert_quiet_success(&env, &["report", "--format", "csv", "--study", "study"]);
}

#[test]
fn codebook_show_into_a_closed_pipe() {
    // A large codebook: its tree is far more than a pipe holds, so the
    // writes after the first line meet the closed pipe.
    let env = TestEnv::new();
    let mut toml = String::from("[codebook]\nname = \"big\"\n");
    for i in 0..3000 {
        toml.push_str(&format!(
            "\n[[codes]]\nid = \"code{i}\"\nlabel = \"Code number {i}\"\nterms = [\"mot{i}\"]\n"
        ));
    }
    std::fs::write(env.dir.path().join("big.toml"), toml).unwrap();
    assert_quiet_success(&env, &["codebook", "show", "big.toml"]);
    let small = shipped("coop-workspaces.toml");
    let (code, err) = closed_after(&env, &["codebook", "show", small.to_str().unwrap()], 0);
    assert_eq!((code, err.as_str()), (Some(0), ""));
}

#[test]
fn kwic_into_a_closed_pipe() {
    let env = study();
    assert_quiet_success(&env, &["kwic", "loyer*", "--study", "study"]);
}
