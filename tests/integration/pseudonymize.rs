//! `--pseudonymize`: stable pseudonyms in speakers and text; the key is kept
//! apart from the shareable data.

use crate::common::{TestEnv, fixture, speakers, texts};

#[test]
fn names_are_replaced_in_speakers_and_text() {
    let env = TestEnv::new();
    let f = fixture("coop-workspaces/lille/reunion-2026-03-12.txt");
    env.study_cmd(&[
        "import",
        "transcript",
        f.to_str().unwrap(),
        "--group",
        "Lille",
        "--pseudonymize",
    ])
    .assert()
    .success();
    let segs = env.segments(&[]);
    let who = speakers(&segs);
    assert!(!who.iter().any(|w| w.contains("Dubois")), "{who:?}");
    assert!(
        who.contains(&"P01".to_owned()) && who.contains(&"Animatrice".to_owned()),
        "{who:?}"
    );
    let all = texts(&segs).join("\n");
    for name in [
        "Claire Dubois",
        "Karim Benali",
        "Martine Lefebvre",
        "Julien Vandamme",
    ] {
        assert!(!all.contains(name), "{name} left in the text");
    }
    // The key is in private/, and the shareable tables do not hold the names.
    let key = std::fs::read_to_string(env.study().join("private/pseudonyms.csv")).unwrap();
    assert!(
        key.starts_with("name,pseudonym\n") && key.contains("Claire Dubois,P01"),
        "{key}"
    );
    for table in ["segments", "participants", "sources"] {
        let bytes = std::fs::read(env.study().join(format!("data/{table}.parquet"))).unwrap();
        let df = qualsynth::store::tables::from_parquet(&bytes).unwrap();
        assert!(
            !format!("{df:?}").contains("Dubois"),
            "{table} holds a name"
        );
    }
}

#[test]
fn pseudonyms_are_stable_across_rebuilds_and_sources() {
    let env = TestEnv::new();
    let f = fixture("coop-workspaces/lille/reunion-2026-03-12.txt");
    let g = fixture("coop-workspaces/lille/grille-observations.csv");
    env.study_cmd(&[
        "import",
        "transcript",
        f.to_str().unwrap(),
        "--group",
        "Lille",
        "--pseudonymize",
    ])
    .assert()
    .success();
    env.study_cmd(&[
        "import",
        "grid",
        g.to_str().unwrap(),
        "--group",
        "Lille",
        "--participant-column",
        "Participant",
        "--pseudonymize",
    ])
    .assert()
    .success();
    let first = env.segments(&[]);
    let p_turn = first
        .iter()
        .find(|s| {
            s["source_id"] == "lille-reunion-2026-03-12"
                && s["text"]
                    .as_str()
                    .unwrap()
                    .contains("graphiste indépendante depuis six ans")
        })
        .unwrap();
    let p_grid = first
        .iter()
        .find(|s| {
            s["source_id"] == "lille-grille-observations"
                && s["text"].as_str().unwrap().contains("Le coût : 180")
        })
        .unwrap();
    assert_eq!(
        p_turn["participant"], p_grid["participant"],
        "same person, same pseudonym"
    );
    env.cmd()
        .args(["run", "study", "--quiet"])
        .assert()
        .success();
    assert_eq!(env.segments(&[]), first);
}
