//! A `run` killed (SIGKILL) at any point leaves a workspace that `status`
//! reads and that the next `run` brings to exactly what an uninterrupted
//! run writes.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use crate::common::{TestEnv, stderr};

/// Every file under `dir` (reports and data) with its bytes, leaving out
/// `run.json`'s timing-free content is compared too; temporary files of a
/// killed run are listed apart.
fn files(dir: &Path) -> (BTreeMap<PathBuf, Vec<u8>>, Vec<PathBuf>) {
    let mut out = BTreeMap::new();
    let mut temps = Vec::new();
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p.strip_prefix(dir).unwrap().to_owned();
            if rel.to_string_lossy().contains(".qualsynth-") {
                temps.push(rel);
            } else {
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    (out, temps)
}

#[cfg(unix)]
#[test]
fn a_run_killed_at_any_point_recovers_on_the_next_run() {
    // What an uninterrupted run writes, and how long it takes.
    let clean = TestEnv::with_fixture_study("coop-workspaces");
    let t = Instant::now();
    clean
        .cmd()
        .args(["run", "study", "--quiet"])
        .assert()
        .success();
    let took = t.elapsed();
    let (want, _) = files(&clean.study());

    const POINTS: u32 = 12;
    let mut killed = 0;
    for k in 0..POINTS {
        let env = TestEnv::with_fixture_study("coop-workspaces");
        let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("qualsynth"))
            .current_dir(env.dir.path())
            .args(["run", "study", "--quiet"])
            .env("COLUMNS", "100")
            .env("NO_COLOR", "1")
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(took * k / POINTS + Duration::from_millis(5));
        if child.try_wait().unwrap().is_none() {
            killed += 1;
        }
        let _ = child.kill(); // SIGKILL on unix
        let _ = child.wait();

        // The workspace reads: status says where it stands, no panic.
        let out = env.study_cmd(&["status"]).output().unwrap();
        let err = stderr(&out);
        assert!(!err.contains("panicked"), "point {k}: {err}");
        assert!(
            out.status.success() || err.starts_with("error: "),
            "point {k}: {err}"
        );

        // The next run completes and writes what a clean run writes.
        let out = env
            .cmd()
            .args(["run", "study", "--quiet"])
            .output()
            .unwrap();
        assert!(out.status.success(), "point {k}: {}", stderr(&out));
        let (got, temps) = files(&env.study());
        assert!(
            temps.is_empty(),
            "point {k}: temporary files left: {temps:?}"
        );
        let differ: Vec<&PathBuf> = want
            .keys()
            .chain(got.keys())
            .filter(|p| want.get(*p) != got.get(*p))
            .collect();
        assert!(differ.is_empty(), "point {k}: files differ: {differ:?}");
    }
    // Most points fell inside the run.
    assert!(
        killed >= POINTS / 2,
        "only {killed} kills landed inside a run"
    );
}
