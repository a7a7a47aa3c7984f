//! `qualsynth import transcript`: every format, on fixture and real files.

use crate::common::{TestEnv, fixture, speakers, stderr, texts};

fn import(env: &TestEnv, rel: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let path = fixture(rel);
    let mut args = vec![
        "import",
        "transcript",
        path.to_str().unwrap(),
        "--group",
        "G",
    ];
    args.extend_from_slice(extra);
    let out = env.study_cmd(&args).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    env.segments(&[])
}

#[test]
fn plain_text_name_colon_turns() {
    let env = TestEnv::new();
    let segs = import(
        &env,
        "coop-workspaces/lille/reunion-2026-03-12.txt",
        &["--session", "2026-03-12"],
    );
    let who = speakers(&segs);
    assert!(who.iter().any(|s| s == "Claire Dubois"), "{who:?}");
    assert!(who.iter().any(|s| s == "Animatrice"));
    // The heading lines before the first turn are one paragraph without speaker.
    assert_eq!(who[0], "");
    assert!(texts(&segs)[1].starts_with("Bonsoir à toutes et à tous"));
    assert!(segs.len() > 40, "{}", segs.len());
    assert_eq!(segs[1]["position"], "line 5");
}

#[test]
fn qualcoder_id_tags() {
    let env = TestEnv::new();
    let segs = import(&env, "corpora/qualcoder_examples/transcript.txt", &[]);
    assert_eq!(speakers(&segs)[..3], ["id1", "id2", "id3"]);
    assert!(texts(&segs)[1].starts_with("I am struggling with the lecture slides"));
}

#[test]
fn utf16_and_windows_1252_are_decoded() {
    let env = TestEnv::new();
    let segs = import(&env, "formats/utf16.txt", &[]);
    assert_eq!(
        speakers(&segs),
        [
            "Animatrice",
            "Hélène Fournier",
            "Grégoire Lambert",
            "Animatrice"
        ]
    );
    let env = TestEnv::new();
    let segs = import(&env, "formats/cp1252.txt", &[]);
    assert_eq!(
        speakers(&segs),
        ["Animateur", "Léa Mercier", "François Cœur", "Léa Mercier"]
    );
    let all = texts(&segs).join(" ");
    assert!(speakers(&segs)[2].contains('œ'));
    for c in ["’", "«", "»", "€"] {
        assert!(all.contains(c), "{c} missing in {all}");
    }
    let st = env.status();
    assert_eq!(st["sources"][0]["encoding"], "windows-1252");
}

#[test]
fn bracket_and_all_caps_speakers_with_timestamps() {
    let env = TestEnv::new();
    let segs = import(&env, "formats/speakers-brackets.txt", &[]);
    assert_eq!(
        speakers(&segs),
        ["Ana", "Bruno", "Ana", "MARIE", "JEAN-PAUL", "MARIE"]
    );
    assert_eq!(segs[3]["position"], "00:04:28");
}

#[test]
fn paragraphs_without_speakers() {
    let env = TestEnv::new();
    let segs = import(&env, "formats/paragraphs.txt", &[]);
    assert_eq!(segs.len(), 3);
    assert!(
        segs.iter()
            .all(|s| s["participant"].is_null() && s["kind"] == "paragraph")
    );
}

#[test]
fn webvtt_voices_merge_consecutive_cues() {
    let env = TestEnv::new();
    let segs = import(
        &env,
        "coop-workspaces/marseille/atelier-2026-03-19.vtt",
        &[],
    );
    let who = speakers(&segs);
    assert_eq!(who[0], "Amina Haddad");
    assert_eq!(who[1], "Lucas Martin", "two cues of Amina became one turn");
    assert!(
        texts(&segs)[0].contains("merci d'être là") && texts(&segs)[0].contains("tour de table")
    );
    assert_eq!(segs[0]["position"], "00:00:03");
    assert!(
        texts(&segs).iter().all(|t| !t.contains('<')),
        "tags stripped"
    );
}

#[test]
fn webvtt_real_samples() {
    let env = TestEnv::new();
    let segs = import(&env, "corpora/webvtt/teams_timeframe.vtt", &[]);
    assert_eq!(speakers(&segs), ["Yuri Bakulin", "Adrian Petrescu"]);
    let env = TestEnv::new();
    let segs = import(&env, "corpora/webvtt/cue_tags.vtt", &[]);
    assert_eq!(texts(&segs)[2], "That's amore");
    let env = TestEnv::new();
    let segs = import(&env, "corpora/webvtt/captions_with_bom.vtt", &[]);
    assert_eq!(segs.len(), 4);
}

#[test]
fn srt_with_speakers() {
    let env = TestEnv::new();
    let segs = import(&env, "formats/meeting.srt", &[]);
    // Cues 3 and 4 are both Sonia Lefort's: one turn.
    assert_eq!(
        speakers(&segs),
        [
            "Animatrice",
            "Paul Girard",
            "Sonia Lefort",
            "Paul Girard",
            "Animatrice"
        ]
    );
    assert_eq!(
        texts(&segs)[1],
        "Le prix de l'abonnement est trop élevé pour quelqu'un qui démarre."
    );
    assert_eq!(segs[0]["position"], "00:00:01");
}

#[test]
fn docx_paragraphs_with_speaker_labels() {
    let env = TestEnv::new();
    let segs = import(
        &env,
        "coop-workspaces/bruxelles/focus-group-2026-03-26.docx",
        &["--lang", "en"],
    );
    let who = speakers(&segs);
    assert!(
        who.contains(&"Tom Peeters".to_owned()) && who.contains(&"Facilitator".to_owned()),
        "{who:?}"
    );
    assert!(
        texts(&segs)
            .iter()
            .any(|t| t.starts_with("I’m Tom, freelance video editor"))
    );
    assert_eq!(env.status()["sources"][0]["format"], "docx");
}

#[test]
fn tabular_transcript_of_the_national_assembly() {
    let env = TestEnv::new();
    let segs = import(&env, "corpora/assemblee_nationale/20130119_turns.csv", &[]);
    assert_eq!(segs.len(), 380);
    assert_eq!(segs[3]["participant"], "Corinne Narassiguin");
    assert!(texts(&segs)[3].starts_with("Monsieur le président, madame la ministre"));
    let env = TestEnv::new();
    let segs = import(&env, "formats/turns.csv", &[]);
    assert_eq!(segs.len(), 5);
    assert!(texts(&segs)[2].contains("\"Trop cher\", oui ; et les horaires"));
}

#[test]
fn importing_twice_changes_nothing() {
    let env = TestEnv::new();
    let f = env.copy_in("formats/meeting.srt");
    let f = f.to_str().unwrap();
    env.study_cmd(&["import", "transcript", f, "--group", "G"])
        .assert()
        .success();
    let before = env.snapshot();
    let out = env
        .study_cmd(&["import", "transcript", f, "--group", "G"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert!(
        stderr(&out).contains("already imported"),
        "{}",
        stderr(&out)
    );
    assert_eq!(env.snapshot(), before);
    assert_eq!(env.segments(&[]).len(), 5);
}

#[test]
fn a_changed_file_needs_replace() {
    let env = TestEnv::new();
    let f = env.copy_in("formats/paragraphs.txt");
    let fs = f.to_str().unwrap();
    env.study_cmd(&["import", "transcript", fs, "--group", "G"])
        .assert()
        .success();
    std::fs::write(&f, "Ana: one\nBob: two\n").unwrap();
    let before = env.snapshot();
    let out = env
        .study_cmd(&["import", "transcript", fs, "--group", "G"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--replace"), "{}", stderr(&out));
    assert_eq!(env.snapshot(), before);
    env.study_cmd(&["import", "transcript", fs, "--group", "G", "--replace"])
        .assert()
        .success();
    let segs = env.segments(&[]);
    assert_eq!(speakers(&segs), ["Ana", "Bob"]);
    let manifest = std::fs::read_to_string(env.study().join("study.toml")).unwrap();
    assert_eq!(manifest.matches("\n[[sources]]").count(), 1, "{manifest}");
}

#[test]
fn same_content_under_another_name_is_not_duplicated() {
    let env = TestEnv::new();
    let a = env.copy_in("formats/meeting.srt");
    let b = env.dir.path().join("copy.srt");
    std::fs::copy(&a, &b).unwrap();
    env.study_cmd(&[
        "import",
        "transcript",
        a.to_str().unwrap(),
        b.to_str().unwrap(),
        "--group",
        "G",
    ])
    .assert()
    .success();
    assert_eq!(env.segments(&[]).len(), 5);
}
