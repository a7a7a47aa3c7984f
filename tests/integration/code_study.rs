//! `qualsynth code` on a study, `--explain`, and `kwic`.

use crate::common::{TestEnv, fixture, stderr};

/// The Lille transcript imported and coded with the shipped codebook.
fn coded() -> TestEnv {
    let env = TestEnv::new();
    let t = fixture("coop-workspaces/lille/reunion-2026-03-12.txt");
    env.study_cmd(&[
        "import",
        "transcript",
        t.to_str().unwrap(),
        "--group",
        "Lille",
    ])
    .assert()
    .success();
    let cb = fixture("../codebooks/coop-workspaces.toml");
    let out = env
        .study_cmd(&["code", "--codebook", cb.to_str().unwrap(), "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    env
}

fn codings(env: &TestEnv) -> Vec<(String, String, u32, u32, String, String, bool)> {
    let bytes = std::fs::read(env.study().join("data/codings.parquet")).unwrap();
    let df = qualsynth::store::tables::from_parquet(&bytes).unwrap();
    let s = |n: &str| -> Vec<String> {
        df.column(n)
            .unwrap()
            .str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap().to_owned())
            .collect()
    };
    let u = |n: &str| -> Vec<u32> {
        df.column(n)
            .unwrap()
            .u32()
            .unwrap()
            .iter()
            .map(|v| v.unwrap())
            .collect()
    };
    let neg: Vec<bool> = df
        .column("negated")
        .unwrap()
        .bool()
        .unwrap()
        .iter()
        .map(|v| v.unwrap())
        .collect();
    let (seg, code, start, end, matched, rule) = (
        s("segment_id"),
        s("code"),
        u("start"),
        u("end"),
        s("matched"),
        s("rule"),
    );
    (0..df.height())
        .map(|i| {
            (
                seg[i].clone(),
                code[i].clone(),
                start[i],
                end[i],
                matched[i].clone(),
                rule[i].clone(),
                neg[i],
            )
        })
        .collect()
}

#[test]
fn codings_point_into_the_segment_text_in_code_points() {
    let env = coded();
    let segs = env.segments(&[]);
    let text_of = |id: &str| {
        segs.iter().find(|s| s["segment_id"] == id).unwrap()["text"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let all = codings(&env);
    assert!(all.len() > 50, "{}", all.len());
    for (seg, _, start, end, matched, _, _) in &all {
        let text = text_of(seg);
        let span: String = text
            .chars()
            .skip(*start as usize)
            .take((*end - *start) as usize)
            .collect();
        assert_eq!(&span, matched, "{seg}");
    }
    // "Je paie déjà le loyer de mon appartement": the rent code, by its rule.
    assert!(
        all.iter().any(|c| c.1 == "cout.loyer" && c.4 == "loyer"),
        "{all:?}"
    );
    // Lille says isolation is not its problem: negated mentions.
    let iso: Vec<_> = all.iter().filter(|c| c.1 == "lien.isolement").collect();
    assert!(!iso.is_empty() && iso.iter().all(|c| c.6), "{iso:?}");
}

#[test]
fn the_codebook_is_recorded_with_provenance() {
    let env = coded();
    let manifest = std::fs::read_to_string(env.study().join("study.toml")).unwrap();
    assert!(
        manifest.contains("[codebook]") && manifest.contains("coop-workspaces.toml"),
        "{manifest}"
    );
    let prov: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(env.study().join("data/coding.json")).unwrap(),
    )
    .unwrap();
    assert!(
        prov["codebook_hash"]
            .as_str()
            .unwrap()
            .starts_with("sha256:")
    );
    assert_eq!(
        prov["codings"].as_u64().unwrap() as usize,
        codings(&env).len()
    );
    // Coding again with the recorded codebook gives the same tables.
    let before = env.snapshot();
    env.study_cmd(&["code", "--quiet"]).assert().success();
    assert_eq!(env.snapshot(), before);
}

#[test]
fn coding_without_a_codebook_says_what_to_pass() {
    let env = TestEnv::new();
    let out = env.study_cmd(&["code"]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--codebook"), "{}", stderr(&out));
}

#[test]
fn a_broken_codebook_writes_nothing() {
    let env = TestEnv::new();
    let t = fixture("formats/paragraphs.txt");
    env.study_cmd(&["import", "transcript", t.to_str().unwrap(), "--group", "G"])
        .assert()
        .success();
    let before = env.snapshot();
    let cb = fixture("codebooks/broken.toml");
    let out = env
        .study_cmd(&["code", "--codebook", cb.to_str().unwrap()])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("broken.toml:"), "{}", stderr(&out));
    assert_eq!(env.snapshot(), before);
}

#[test]
fn explain_shows_rules_and_spans() {
    let env = coded();
    let out = env
        .study_cmd(&["code", "--explain", "lille-reunion-2026-03-12:15"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

#[test]
fn kwic_lines_for_a_stem_rule() {
    let env = coded();
    let out = env
        .study_cmd(&["kwic", "~loyer", "--width", "25", "--limit", "5"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    insta::assert_snapshot!(String::from_utf8(out.stdout).unwrap());
}

#[test]
fn kwic_for_a_code_includes_its_children() {
    let env = coded();
    let out = env
        .study_cmd(&["kwic", "lien", "--width", "20"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("[isolement]") && text.contains("(negated)"),
        "{text}"
    );
    let out = env
        .study_cmd(&["kwic", "loyer NEAR/x cher"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("column 7"), "{}", stderr(&out));
}

#[test]
fn a_code_limited_to_participants_leaves_the_interviewers_turns_uncoded() {
    let env = TestEnv::new();
    let dir = env.dir.path();
    // "Interviewer" is recognised by its label; Bram is one by `--role`.
    let t = dir.join("entretien.csv");
    std::fs::write(
        &t,
        "speaker;text\n\
         Interviewer;Et le loyer, il vous coûte combien ?\n\
         Hélène;Le loyer est trop cher pour moi.\n\
         Bram;Votre loyer, et celui des autres ?\n",
    )
    .unwrap();
    env.study_cmd(&[
        "import",
        "transcript",
        t.to_str().unwrap(),
        "--group",
        "G",
        "--role",
        "Bram=interviewer",
    ])
    .assert()
    .success();
    let cb = dir.join("roles.toml");
    std::fs::write(
        &cb,
        "[[codes]]\nid = \"dit\"\nterms = [\"loyer\"]\nroles = [\"participant\"]\nshared = [\"loyer\"]\n\n\
         [[codes]]\nid = \"tout\"\nterms = [\"loyer\"]\n",
    )
    .unwrap();
    let out = env
        .study_cmd(&["code", "--codebook", cb.to_str().unwrap(), "--quiet"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let segs = env.segments(&[]);
    let speaker_of = |seg: &str| {
        segs.iter().find(|s| s["segment_id"] == seg).unwrap()["participant"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let coded = |code: &str| -> Vec<String> {
        let mut who: Vec<String> = codings(&env)
            .into_iter()
            .filter(|c| c.1 == code)
            .map(|c| speaker_of(&c.0))
            .collect();
        who.sort();
        who
    };
    // The limited code: the participant's turn only; the other code: all.
    assert_eq!(coded("dit"), ["Hélène"]);
    assert_eq!(coded("tout"), ["Bram", "Hélène", "Interviewer"]);
    // `--explain` shows what was saved.
    let id = |who: &str| {
        segs.iter().find(|s| s["participant"] == who).unwrap()["segment_id"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    let explain = |who: &str| {
        let out = env
            .study_cmd(&["code", "--explain", &id(who)])
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        String::from_utf8(out.stdout).unwrap()
    };
    for who in ["Interviewer", "Bram"] {
        let text = explain(who);
        assert!(
            text.contains("│ tout") && !text.contains("│ dit"),
            "{who}: {text}"
        );
    }
    let text = explain("Hélène");
    assert!(text.contains("│ tout") && text.contains("│ dit"), "{text}");
}
