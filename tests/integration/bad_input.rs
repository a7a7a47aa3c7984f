//! Bad input: one clear error naming the file (and line, column where it
//! applies), exit code 1, and the workspace left exactly as it was.

use crate::common::{TestEnv, fixture, stderr};

/// Imports `rel` and checks the failure: exit 1, every `needles` in the
/// message, nothing changed on disk, no panic.
fn refused(kind: &str, rel: &str, extra: &[&str], needles: &[&str]) {
    let env = TestEnv::new();
    // A first import, so that "unchanged" covers existing tables too.
    let ok = fixture("formats/paragraphs.txt");
    env.study_cmd(&["import", "transcript", ok.to_str().unwrap(), "--group", "G"])
        .assert()
        .success();
    let before = env.snapshot();
    let path = fixture(rel);
    let mut args = vec!["import", kind, path.to_str().unwrap(), "--group", "G"];
    args.extend_from_slice(extra);
    let out = env.study_cmd(&args).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{err}");
    assert!(err.starts_with("error: "), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert!(!err.contains("panicked"), "{err}");
    let name = std::path::Path::new(rel)
        .file_name()
        .unwrap()
        .to_str()
        .unwrap();
    assert!(err.contains(name), "names the file: {err}");
    for n in needles {
        assert!(err.contains(n), "{n:?} missing in: {err}");
    }
    assert_eq!(env.snapshot(), before, "workspace changed");
}

#[test]
fn missing_file() {
    refused(
        "transcript",
        "bad/does-not-exist.txt",
        &[],
        &["no such file"],
    );
}

#[test]
fn empty_file() {
    refused("transcript", "bad/empty.txt", &[], &["empty"]);
}

#[test]
fn whitespace_only_file() {
    refused("transcript", "bad/whitespace.txt", &[], &["white space"]);
}

#[test]
fn binary_file() {
    refused("transcript", "bad/binary.txt", &[], &["binary"]);
}

#[test]
fn unbalanced_quote_names_line_and_column() {
    refused(
        "grid",
        "bad/unbalanced-quote.csv",
        &[],
        &["unbalanced-quote.csv:3:5:", "quote"],
    );
}

#[test]
fn ragged_row_names_its_line() {
    refused(
        "grid",
        "bad/ragged.csv",
        &[],
        &["ragged.csv:4", "4 fields", "3"],
    );
}

#[test]
fn unreadable_encoding_names_line_and_column() {
    refused(
        "transcript",
        "formats/cp1252.txt",
        &["--encoding", "utf-8"],
        &["cp1252.txt:", "not valid UTF-8"],
    );
}

#[test]
fn corrupt_docx() {
    refused("transcript", "bad/corrupt.docx", &[], &["corrupt DOCX"]);
}

#[test]
fn not_a_zip_docx() {
    refused("transcript", "bad/not-a-zip.docx", &[], &["not a DOCX"]);
}

#[test]
fn docx_without_document() {
    refused(
        "transcript",
        "bad/no-document.docx",
        &[],
        &["word/document.xml"],
    );
}

#[test]
fn zip_bomb_is_refused() {
    refused("transcript", "bad/bomb.docx", &[], &["zip bomb"]);
}

#[test]
fn path_escape_is_refused() {
    refused(
        "transcript",
        "bad/escape.docx",
        &[],
        &["outside the archive"],
    );
}

#[test]
fn corrupt_xlsx() {
    refused("grid", "bad/corrupt.xlsx", &[], &["corrupt XLSX"]);
}

#[test]
fn malformed_vtt_timing_names_its_line() {
    refused(
        "transcript",
        "bad/bad-timing.vtt",
        &[],
        &["bad-timing.vtt:8", "-->"],
    );
}

#[test]
fn unknown_format_word_is_a_usage_error() {
    let env = TestEnv::new();
    let f = fixture("formats/paragraphs.txt");
    let out = env
        .study_cmd(&[
            "import",
            "transcript",
            f.to_str().unwrap(),
            "--group",
            "G",
            "--format",
            "pdf",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn one_bad_file_among_good_ones_imports_none() {
    let env = TestEnv::new();
    let before = env.snapshot();
    let good = fixture("formats/meeting.srt");
    let bad = fixture("bad/binary.txt");
    let out = env
        .study_cmd(&[
            "import",
            "transcript",
            good.to_str().unwrap(),
            bad.to_str().unwrap(),
            "--group",
            "G",
        ])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(env.snapshot(), before);
}

#[test]
fn a_broken_manifest_is_reported_with_its_position() {
    let env = TestEnv::new();
    let m = env.study().join("study.toml");
    let mut text = std::fs::read_to_string(&m).unwrap();
    text.push_str("\n[[sources]]\npath = \"x.txt\"\nkind = \"transcript\"\ngroupe = \"G\"\n");
    std::fs::write(&m, &text).unwrap();
    let out = env.study_cmd(&["status"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    let line = text.lines().position(|l| l.starts_with("groupe")).unwrap() + 1;
    assert!(
        err.contains(&format!("study.toml:{line}:")) && err.contains("groupe"),
        "{err}"
    );
}
