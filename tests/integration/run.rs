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
    assert!(
        text.contains("3 groups (Bruxelles, Lille, Marseille)")
            && text.contains("12 sources, 19 participants, 253 segments"),
        "{text}"
    );
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
        [
            "txt", "csv", "csv", "vtt", "xlsx", "csv", "docx", "csv", "xlsx", "xlsx", "csv", "miro"
        ]
    );
    // The manifest names a codebook, so run codes and synthesises the
    // study, prints the board's table and writes the reports.
    // Parents count as applied through their children.
    assert!(
        text.contains("15 of 15 codes applied, 446 codings"),
        "{text}"
    );
    assert!(text.contains("16 recommendations merged into 11"), "{text}");
    assert!(
        text.contains("R001") && text.contains("Mettre en place"),
        "{text}"
    );
    assert!(
        text.contains("reports/report.html, reports/report.xlsx"),
        "{text}"
    );
    for f in ["reports/report.html", "reports/report.xlsx"] {
        assert!(env.study().join(f).is_file(), "{f}");
    }
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

/// Inserts `tables` into the study's manifest, before its `[codebook]`.
fn before_codebook(env: &TestEnv, tables: &str) {
    let manifest = env.study().join("study.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    let edited = text.replace("[codebook]", &format!("{tables}\n\n[codebook]"));
    std::fs::write(&manifest, edited).unwrap();
}

/// Adds settings to the study's `[synthesis]` table.
fn in_synthesis(env: &TestEnv, settings: &str) {
    let manifest = env.study().join("study.toml");
    let text = std::fs::read_to_string(&manifest).unwrap();
    assert!(text.contains("\n[synthesis]\n"), "{text}");
    let edited = text.replace("\n[synthesis]\n", &format!("\n[synthesis]\n{settings}\n"));
    std::fs::write(&manifest, edited).unwrap();
}

/// Modification times of every file under the study.
fn mtimes(env: &TestEnv) -> Vec<(std::path::PathBuf, std::time::SystemTime)> {
    env.snapshot()
        .into_keys()
        .map(|p| {
            let t = std::fs::metadata(&p).unwrap().modified().unwrap();
            (p, t)
        })
        .collect()
}

fn stages(out: &std::process::Output) -> Vec<(String, String)> {
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let (name, status) = (w.next()?, w.next()?);
            ["import", "coding", "synthesis", "reports"]
                .contains(&name)
                .then(|| (name.to_owned(), status.to_owned()))
        })
        .collect()
}

#[test]
fn rerunning_with_nothing_changed_redoes_nothing() {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    let out = run(&env);
    assert!(
        stages(&out)
            .iter()
            .all(|(_, s)| s == "done" || s == "written")
    );
    let before = mtimes(&env);
    std::thread::sleep(std::time::Duration::from_millis(20));
    let out = run(&env);
    assert_eq!(
        stages(&out),
        ["import", "coding", "synthesis", "reports"]
            .map(|s| (s.to_owned(), "unchanged".to_owned()))
    );
    assert_eq!(mtimes(&env), before, "a file was rewritten");
}

#[test]
fn only_the_stages_after_a_change_run_again() {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    run(&env);
    // A synthesis setting: import and coding stay, synthesis and reports rerun.
    in_synthesis(&env, "quotes_per_cell = 2");
    let out = run(&env);
    let st: Vec<String> = stages(&out).into_iter().map(|(_, s)| s).collect();
    assert_eq!(
        st,
        ["unchanged", "unchanged", "done", "written"],
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    // A deleted report comes back; nothing else reruns.
    std::fs::remove_file(env.study().join("reports/report.xlsx")).unwrap();
    let out = run(&env);
    let st: Vec<String> = stages(&out).into_iter().map(|(_, s)| s).collect();
    assert_eq!(st, ["unchanged", "unchanged", "unchanged", "written"]);
    assert!(env.study().join("reports/report.xlsx").is_file());
}

#[test]
fn the_manifest_chooses_the_report_files() {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    before_codebook(
        &env,
        "[report]\ndir = \"board\"\nname = \"synthese\"\nformats = [\"markdown\", \"json\", \"csv\"]",
    );
    run(&env);
    let mut files: Vec<String> = std::fs::read_dir(env.study().join("board"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "synthese-convergence.csv",
            "synthese-matrix.csv",
            "synthese-methods.csv",
            "synthese-non_proposals.csv",
            "synthese-quotes.csv",
            "synthese-recommendations.csv",
            "synthese-sources.csv",
            "synthese-tensions.csv",
            "synthese-themes.csv",
            "synthese.json",
            "synthese.md"
        ]
    );
    assert!(!env.study().join("reports").exists());
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(env.study().join("board/synthese.json")).unwrap())
            .unwrap();
    assert_eq!(v["schema"], "qualsynth.report/2");
}

#[test]
fn an_unknown_report_format_names_the_line() {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    before_codebook(&env, "[report]\nformats = [\"pdf\"]");
    let out = env.cmd().args(["run", "study"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(err.contains("study.toml:") && err.contains("pdf"), "{err}");
    assert!(
        err.contains("html") && err.contains("xlsx"),
        "expected formats listed: {err}"
    );
}

#[test]
fn quiet_runs_print_nothing_on_stderr() {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    let out = env
        .cmd()
        .args(["run", "study", "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stderr(&out), "");
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

/// Findings without proposals and without participants: run prints the
/// themes (with segment shares) instead of an empty recommendation table.
#[test]
fn without_recommendations_run_prints_the_themes() {
    let env = TestEnv::new();
    let grid = crate::common::fixture("corpora/granddebat/reunions_locales_dep04_05.csv");
    let out = env
        .study_cmd(&[
            "import",
            "grid",
            grid.to_str().unwrap(),
            "--group-column",
            "Département",
            "--kind",
            "observations",
            "--split-items",
            "--text-column",
            "Quels ont ete les constats ou les diagnostics exprimes sur les themes du debat",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let codebook =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("codebooks/granddebat.toml");
    std::fs::copy(codebook, env.study().join("granddebat.toml")).unwrap();
    let manifest = env.study().join("study.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str("\n[codebook]\npath = \"granddebat.toml\"\n");
    std::fs::write(&manifest, text).unwrap();
    let out = run(&env);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.starts_with("No recommendations in this study"),
        "{text}"
    );
    let fiscal = text
        .lines()
        .find(|l| l.starts_with("│ fiscalite "))
        .unwrap();
    assert!(fiscal.contains('%'), "segment shares shown: {fiscal}");
    assert!(
        text.contains("synthesis        done         no recommendations"),
        "{text}"
    );
}

#[test]
fn the_example_study_is_self_contained() {
    // A copy of the folder anywhere runs: its codebook is a file of its own
    // (a copy of the shipped one, kept equal by this test), not a link.
    let copy = crate::common::fixture("coop-workspaces/codebook.toml");
    assert!(!copy.is_symlink());
    assert_eq!(
        std::fs::read_to_string(&copy).unwrap(),
        std::fs::read_to_string(crate::common::shipped("coop-workspaces.toml")).unwrap(),
        "fixtures/coop-workspaces/codebook.toml differs from codebooks/coop-workspaces.toml"
    );
    let env = TestEnv::with_fixture_study("coop-workspaces");
    run(&env);
    assert!(env.study().join("reports/report.html").is_file());
}
