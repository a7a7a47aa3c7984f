//! `qualsynth synthesize`: what the example study was written to contain,
//! freshness checks, explanations, determinism.

use qualsynth::rows::Rows;
use qualsynth::synthesis::convergence::ConvergenceRow;
use qualsynth::synthesis::divergence::DivergenceRow;
use qualsynth::synthesis::recommendations::{MemberRow, RecommendationRow};

use crate::common::{TestEnv, fixture, stderr};

fn synthesized() -> TestEnv {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    env.cmd()
        .args(["run", "study", "--quiet"])
        .assert()
        .success();
    let out = env.study_cmd(&["synthesize"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    env
}

fn table(env: &TestEnv, name: &str) -> polars::prelude::DataFrame {
    let bytes = std::fs::read(env.study().join(format!("data/synthesis/{name}.parquet"))).unwrap();
    qualsynth::store::tables::from_parquet(&bytes).unwrap()
}

/// A stored synthesis table as typed rows.
fn rows<T: Rows>(env: &TestEnv, name: &str) -> Vec<T> {
    T::from_frame(&table(env, name)).unwrap()
}

/// (class, groups, specific_to) of a code in the convergence table.
fn convergence_of(env: &TestEnv, code: &str) -> (String, String, String) {
    let rows: Vec<ConvergenceRow> = rows(env, "convergence");
    let r = rows.iter().find(|r| r.code == code).unwrap();
    (
        r.class.clone(),
        r.raised_by.join(","),
        r.specific_to.clone().unwrap_or_default(),
    )
}

#[test]
fn themes_shared_by_all_groups_and_specific_to_one() {
    let env = synthesized();
    for code in ["cout", "lien", "acces"] {
        assert_eq!(convergence_of(&env, code).0, "all groups", "{code}");
    }
    assert_eq!(
        convergence_of(&env, "garde"),
        ("one group".into(), "Marseille".into(), "Marseille".into())
    );
    assert_eq!(convergence_of(&env, "outils").2, "Bruxelles");
    let (class, groups, _) = convergence_of(&env, "bruit");
    assert_eq!(class, "most groups", "2 of 3 is half or more");
    assert!(
        groups.contains("Bruxelles") && groups.contains("Lille") && !groups.contains("Marseille"),
        "{groups}"
    );
}

#[test]
fn lille_leans_against_isolation_where_others_raise_it() {
    let env = synthesized();
    let div: Vec<DivergenceRow> = rows(&env, "divergence");
    let lean = |g: &str| {
        let r = div
            .iter()
            .find(|r| r.code == "lien.isolement" && r.group == g)
            .unwrap();
        (r.lean.clone().unwrap_or_default(), r.diverges)
    };
    assert_eq!(lean("Lille"), ("negative".into(), true));
    assert_eq!(lean("Marseille").0, "positive");
    assert_eq!(lean("Bruxelles").0, "positive");
}

#[test]
fn recommendations_phrased_differently_are_merged_and_unrelated_kept_apart() {
    let env = synthesized();
    let members: Vec<MemberRow> = rows(&env, "recommendation_members");
    let rec_of = |needle: &str| {
        members
            .iter()
            .find(|m| m.text.contains(needle))
            .unwrap_or_else(|| panic!("{needle} not found"))
            .rec_id
            .clone()
    };
    // Income-based fees: Lille and Marseille say it differently.
    assert_eq!(
        rec_of("tarif solidaire modulé"),
        rec_of("prix adapté aux revenus")
    );
    // Longer opening hours.
    assert_eq!(
        rec_of("Élargir les horaires"),
        rec_of("Étendre les horaires")
    );
    // Same theme, different action: apart.
    assert_ne!(rec_of("Baisser le loyer"), rec_of("tarif solidaire modulé"));
    assert_ne!(rec_of("navette"), rec_of("Étendre les horaires"));
    assert_ne!(
        rec_of("annuaire des compétences"),
        rec_of("tarif solidaire modulé")
    );
    let recs: Vec<RecommendationRow> = rows(&env, "recommendations");
    let fee = recs
        .iter()
        .find(|r| r.rec_id == rec_of("tarif solidaire modulé"))
        .unwrap();
    assert!(fee.support >= 2, "{}", fee.support);
    assert!(fee.groups.contains(&"Lille".into()) && fee.groups.contains(&"Marseille".into()));
    // The board table is ranked by support first.
    let supports: Vec<u32> = recs.iter().map(|r| r.support).collect();
    assert!(supports.windows(2).all(|w| w[0] >= w[1]), "{supports:?}");
}

#[test]
fn explain_traces_a_recommendation_and_a_cell_to_segments() {
    let env = synthesized();
    let out = env
        .study_cmd(&["synthesize", "--explain", "R001"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("R001: ") && text.contains("Wordings"),
        "{text}"
    );
    // The stance and the ids the curation file uses.
    assert!(text.contains("stance for;"), "{text}");
    assert!(text.contains("lille-recommandations:"), "{text}");
    let out = env
        .study_cmd(&["synthesize", "--explain", "garde@Marseille"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.starts_with("garde in Marseille: ") && text.contains("garde: «enfants»"),
        "{text}"
    );
    let out = env
        .study_cmd(&["synthesize", "--explain", "R999"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn synthesizing_twice_gives_identical_bytes() {
    let env = synthesized();
    let first = env.snapshot();
    env.study_cmd(&["synthesize"]).assert().success();
    assert_eq!(env.snapshot(), first);
}

#[test]
fn an_uncoded_study_says_which_command_to_run() {
    let env = TestEnv::new();
    let f = fixture("formats/meeting.srt");
    env.study_cmd(&["import", "transcript", f.to_str().unwrap(), "--group", "G"])
        .assert()
        .success();
    let out = env.study_cmd(&["synthesize"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("not coded yet") && stderr(&out).contains("qualsynth code"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn codings_older_than_the_codebook_are_refused() {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    env.cmd()
        .args(["run", "study", "--quiet"])
        .assert()
        .success();
    let cb = env.study().join("codebook.toml");
    let mut text = std::fs::read_to_string(&cb).unwrap();
    text.push_str("\n# edited after coding\n");
    std::fs::write(&cb, text).unwrap();
    let out = env.study_cmd(&["synthesize"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("older version of codebook.toml"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn one_group_still_synthesises_and_says_convergence_is_trivial() {
    let env = TestEnv::new();
    let f = fixture("coop-workspaces/lille/reunion-2026-03-12.txt");
    env.study_cmd(&[
        "import",
        "transcript",
        f.to_str().unwrap(),
        "--group",
        "Lille",
    ])
    .assert()
    .success();
    let cb = fixture("../codebooks/coop-workspaces.toml");
    env.study_cmd(&["code", "--codebook", cb.to_str().unwrap(), "--quiet"])
        .assert()
        .success();
    let out = env.study_cmd(&["synthesize"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("one group"), "{text}");
}

/// A study of `groups` groups, each with one recommendation everyone shares
/// and `own` of its own (words no other item has), imported, coded and
/// synthesised.
fn many_groups(groups: usize, own: usize) -> TestEnv {
    let env = TestEnv::new();
    let mut csv = String::from("Groupe,Proposition\n");
    for g in 0..groups {
        csv.push_str(&format!(
            "Groupe {g:03},Ouvrir une maison commune des associations\n"
        ));
        for k in 0..own {
            // Letters only: every word is new, so nothing else merges.
            let word: String = format!("{:03}{k:02}", g)
                .chars()
                .map(|d| char::from(b'a' + d.to_digit(10).unwrap() as u8))
                .collect();
            csv.push_str(&format!("Groupe {g:03},Installer {word}tron {word}plex\n"));
        }
    }
    let path = env.dir.path().join("grid.csv");
    std::fs::write(&path, csv).unwrap();
    env.study_cmd(&["import", "grid", path.to_str().unwrap(), "-q"])
        .args(["--group-column", "Groupe", "--text-column", "Proposition"])
        .args(["--kind", "recommendations"])
        .assert()
        .success();
    let codebook = crate::common::shipped("granddebat.toml");
    env.study_cmd(&["code", "-q", "--codebook", codebook.to_str().unwrap()])
        .assert()
        .success();
    env
}

#[test]
fn the_summary_stays_one_screen_at_many_groups_and_items() {
    let env = many_groups(60, 2);
    let out = env.study_cmd(&["synthesize"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    // 60 shared + 120 own items: 121 merged; 20 shown.
    assert!(text.contains("(121 after merging)"), "{text}");
    assert!(text.contains("R020") && !text.contains("R021"), "{text}");
    assert!(
        text.contains("… and 101 more merged recommendations"),
        "{text}"
    );
    // The shared one names five groups and counts the others.
    assert!(text.contains("… +55"), "{text}");
    assert!(!text.contains("Groupe 059"), "{text}");
    assert!(text.lines().count() < 150, "{} lines", text.lines().count());
    // --all prints everything; the stored table always holds everything.
    let all = env.study_cmd(&["synthesize", "--all"]).output().unwrap();
    let all = String::from_utf8_lossy(&all.stdout);
    assert!(all.contains("R121"), "{all}");
    let recs: Vec<RecommendationRow> = rows(&env, "recommendations");
    assert_eq!(recs.len(), 121);
    assert_eq!(recs[0].groups.len(), 60);
}

#[test]
fn run_prints_the_first_rows_of_the_board_unless_all() {
    let env = many_groups(30, 1);
    let out = env.cmd().args(["run", "study"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("R020") && !text.contains("R021"), "{text}");
    assert!(
        text.contains("… and 11 more merged recommendations"),
        "{text}"
    );
    let out = env.cmd().args(["run", "study", "--all"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("R031") && !text.contains("more merged"),
        "{text}"
    );
}
