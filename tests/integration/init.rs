//! `qualsynth init`.

use crate::common::TestEnv;

#[test]
fn init_writes_a_manifest_with_title_and_language() {
    let env = TestEnv::new();
    let text = std::fs::read_to_string(env.study().join("study.toml")).unwrap();
    assert!(text.contains("title = \"Test study\""), "{text}");
    assert!(text.contains("lang = \"fr\""), "{text}");
    let status = env.status();
    assert_eq!(status["title"], "Test study");
    assert_eq!(status["total"]["segments"], 0);
}

#[test]
fn init_twice_is_refused_and_keeps_the_study() {
    let env = TestEnv::new();
    let before = env.snapshot();
    let out = env
        .cmd()
        .args(["init", "study", "--title", "Other"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("already exists"));
    assert_eq!(env.snapshot(), before);
}

#[test]
fn commands_outside_a_study_say_how_to_make_one() {
    let env = TestEnv::new();
    let out = env
        .cmd()
        .args(["status", "--study", "elsewhere"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("no study.toml in elsewhere") && err.contains("qualsynth init"),
        "{err}"
    );
}
