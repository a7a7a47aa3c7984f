//! Interviewers and facilitators: recognised by label, given by `--role`,
//! study.toml or a role column, and left out of the synthesis unless the
//! study includes their role.

use crate::common::{TestEnv, stderr};

fn participants(env: &TestEnv) -> Vec<(String, String)> {
    let bytes = std::fs::read(env.study().join("data/participants.parquet")).unwrap();
    let df = qualsynth::store::tables::from_parquet(&bytes).unwrap();
    let ids = df.column("participant_id").unwrap().str().unwrap().clone();
    let roles = df.column("role").unwrap().str().unwrap().clone();
    ids.iter()
        .zip(roles.iter())
        .map(|(i, r)| (i.unwrap().to_owned(), r.unwrap().to_owned()))
        .collect()
}

/// The `group_participants` of a code's matrix rows, by group.
fn group_participants(env: &TestEnv) -> Vec<(String, u32)> {
    let bytes = std::fs::read(env.study().join("data/synthesis/matrix.parquet")).unwrap();
    let df = qualsynth::store::tables::from_parquet(&bytes).unwrap();
    let codes = df.column("code").unwrap().str().unwrap().clone();
    let groups = df.column("group").unwrap().str().unwrap().clone();
    let n = df
        .column("group_participants")
        .unwrap()
        .u32()
        .unwrap()
        .clone();
    (0..df.height())
        .filter(|&i| codes.get(i) == Some("cout"))
        .map(|i| (groups.get(i).unwrap().to_owned(), n.get(i).unwrap()))
        .collect()
}

#[test]
fn facilitators_of_the_example_study_are_left_out_and_can_be_counted() {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    let out = env.cmd().args(["run", "study"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        text.contains("the words of 3 facilitators (Facilitator in Bruxelles, Animatrice in Lille, Amina Haddad in Marseille)"),
        "{text}"
    );
    let roles = participants(&env);
    let role = |id: &str| roles.iter().find(|(i, _)| i == id).unwrap().1.clone();
    // By label, and by name in study.toml.
    assert_eq!(role("lille/animatrice"), "facilitator");
    assert_eq!(role("marseille/amina-haddad"), "facilitator");
    assert_eq!(role("lille/claire-dubois"), "participant");
    let without = group_participants(&env);

    // Counting them again gives the facilitators back to their groups.
    let manifest = env.study().join("study.toml");
    let t = std::fs::read_to_string(&manifest).unwrap();
    std::fs::write(
        &manifest,
        t.replace(
            "\n[synthesis]\n",
            "\n[synthesis]\ninclude_roles = [\"facilitator\"]\n",
        ),
    )
    .unwrap();
    let out = env.cmd().args(["run", "study"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!String::from_utf8_lossy(&out.stdout).contains("Left out"));
    let with = group_participants(&env);
    for ((g, a), (h, b)) in without.iter().zip(&with) {
        assert_eq!(g, h);
        assert_eq!(a + 1, *b, "{g}: one facilitator per group");
    }
}

#[test]
fn roles_from_a_column_and_from_the_command_line() {
    let env = TestEnv::new();
    let f = env.dir.path().join("turns.csv");
    std::fs::write(
        &f,
        "speaker,role,text\nRA,enquêteur,Vous venez souvent ?\nLéa,,Oui le loyer est cher\nTom,,Le loyer aussi\n",
    )
    .unwrap();
    env.study_cmd(&["import", "transcript", f.to_str().unwrap(), "--group", "A"])
        .args(["--role-column", "role", "--role", "Tom=interviewer"])
        .assert()
        .success();
    let roles = participants(&env);
    assert_eq!(
        roles,
        [
            ("a/lea".to_owned(), "participant".to_owned()),
            ("a/ra".to_owned(), "interviewer".to_owned()),
            ("a/tom".to_owned(), "interviewer".to_owned()),
        ]
    );
    // study.toml keeps what the command line said.
    let manifest = std::fs::read_to_string(env.study().join("study.toml")).unwrap();
    assert!(manifest.contains("role_column = \"role\""), "{manifest}");
    assert!(manifest.contains("Tom = \"interviewer\""), "{manifest}");
}

#[test]
fn bad_roles_are_errors_that_say_what_is_expected() {
    let env = TestEnv::new();
    let f = env.dir.path().join("turns.csv");
    std::fs::write(&f, "speaker,role,text\nRA,chef,Bonjour\n").unwrap();
    let out = env
        .study_cmd(&["import", "transcript", f.to_str().unwrap(), "--group", "A"])
        .args(["--role-column", "role"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("turns.csv:2:2: unknown role \"chef\" in column \"role\""),
        "{err}"
    );
    let out = env
        .study_cmd(&["import", "transcript", f.to_str().unwrap(), "--group", "A"])
        .args(["--role", "RA=boss"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("unknown role \"boss\""));
    assert!(!env.study().join("data").exists());
}
