//! `qualsynth segments`: filters and formats.

use crate::common::{TestEnv, fixture};

fn study() -> TestEnv {
    let env = TestEnv::new();
    let a = fixture("formats/meeting.srt");
    let b = fixture("formats/grid.tsv");
    env.study_cmd(&[
        "import",
        "transcript",
        a.to_str().unwrap(),
        "--group",
        "Nord",
    ])
    .assert()
    .success();
    env.study_cmd(&[
        "import",
        "grid",
        b.to_str().unwrap(),
        "--group-column",
        "Groupe",
        "--text-column",
        "Réponse",
    ])
    .assert()
    .success();
    env
}

#[test]
fn filters_by_group_and_source() {
    let env = study();
    assert_eq!(env.segments(&[]).len(), 9);
    let nantes = env.segments(&["--group", "Nantes"]);
    assert_eq!(nantes.len(), 2);
    assert!(nantes.iter().all(|s| s["group"] == "Nantes"));
    let srt = env.segments(&["--source", "nord-meeting"]);
    assert_eq!(srt.len(), 5);
    let out = env
        .study_cmd(&["segments", "--group", "Paris"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("groups: Lyon, Nantes, Nord"));
}

#[test]
fn csv_output_parses_with_stable_columns() {
    let env = study();
    let out = env
        .study_cmd(&["segments", "--format", "csv"])
        .output()
        .unwrap();
    let mut rdr = csv::Reader::from_reader(out.stdout.as_slice());
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(str::to_owned).collect();
    assert_eq!(
        headers,
        [
            "segment_id",
            "group",
            "source_id",
            "key",
            "participant",
            "position",
            "kind",
            "question",
            "method",
            "part",
            "text"
        ]
    );
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 9);
    assert_eq!(&rows[0][0], "nord-meeting:1");
    assert_eq!(&rows[5][7], "Réponse");
}

#[test]
fn table_output_fits_the_width() {
    let env = study();
    let out = env
        .study_cmd(&["segments", "--format", "table"])
        .output()
        .unwrap();
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.lines().all(|l| l.chars().count() <= 100), "{text}");
    assert!(text.contains("Paul Girard"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let env = study();
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin!("qualsynth"))
        .current_dir(env.dir.path())
        .args(["segments", "--study", "study", "--format", "csv"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}
