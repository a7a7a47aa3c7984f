//! `qualsynth import grid`: CSV in its encodings and delimiters, XLSX, ODS,
//! sticky notes, recommendation columns, and the real Grand Débat grid.

use crate::common::{TestEnv, fixture, speakers, stderr, texts};

fn import(env: &TestEnv, rel: &str, extra: &[&str]) -> std::process::Output {
    let path = fixture(rel);
    let mut args = vec!["import", "grid", path.to_str().unwrap()];
    args.extend_from_slice(extra);
    env.study_cmd(&args).output().unwrap()
}

fn ok(env: &TestEnv, rel: &str, extra: &[&str]) -> Vec<serde_json::Value> {
    let out = import(env, rel, extra);
    assert!(out.status.success(), "{}", stderr(&out));
    env.segments(&[])
}

#[test]
fn windows_1252_semicolon_wide_grid_with_split_items() {
    let env = TestEnv::new();
    let segs = ok(
        &env,
        "coop-workspaces/lille/grille-observations.csv",
        &[
            "--group",
            "Lille",
            "--participant-column",
            "Participant",
            "--text-column",
            "Ce qui fonctionne",
            "--text-column",
            "Ce qui bloque",
            "--text-column",
            "Idées",
            "--split-items",
        ],
    );
    let t = texts(&segs);
    // Non-breaking spaces inside « » are kept as written.
    assert!(
        t.contains(&"«\u{a0}Le matériel est top\u{a0}» : écran 27 pouces, traceur A3".to_owned()),
        "{t:?}"
    );
    // A cell of three lines gave three segments, each with the column as question.
    for item in [
        "Tarif solidaire selon les revenus",
        "Formule deux jours par semaine",
        "Annuaire des compétences des membres",
    ] {
        let s = segs
            .iter()
            .find(|s| s["text"] == item)
            .unwrap_or_else(|| panic!("{item} missing: {t:?}"));
        assert_eq!(s["question"], "Idées");
        assert_eq!(s["participant"], "Claire Dubois");
        assert_eq!(s["kind"], "observation");
    }
    let st = env.status();
    assert_eq!(st["sources"][0]["encoding"], "windows-1252");
    // Rôle and Statut are kept as participant attributes.
    let parts = polars_participants(&env);
    assert!(
        parts.iter().any(
            |(name, attrs)| name == "Claire Dubois" && attrs.contains("\"Statut\":\"externe\"")
        ),
        "{parts:?}"
    );
}

/// (name, attributes JSON) of every participant, read from the Parquet table.
fn polars_participants(env: &TestEnv) -> Vec<(String, String)> {
    let bytes = std::fs::read(env.study().join("data/participants.parquet")).unwrap();
    let df = qualsynth::store::tables::from_parquet(&bytes).unwrap();
    qualsynth::store::tables::participants_from(&df)
        .unwrap()
        .into_iter()
        .map(|p| (p.name, p.attributes))
        .collect()
}

#[test]
fn xlsx_recommendations_map_votes_priority_owner_deadline() {
    let env = TestEnv::new();
    let segs = ok(
        &env,
        "coop-workspaces/marseille/recommandations.xlsx",
        &[
            "--group",
            "Marseille",
            "--kind",
            "recommendations",
            "--sheet",
            "Recommandations",
        ],
    );
    assert_eq!(segs.len(), 6);
    assert!(
        segs.iter()
            .all(|s| s["kind"] == "recommendation" && s["question"] == "Recommandation")
    );
    let rows = read_segments(&env);
    let creche = rows.iter().find(|s| s.text.contains("crèche")).unwrap();
    assert_eq!(creche.votes, Some(6));
    assert_eq!(creche.priority.as_deref(), Some("haute"));
    assert_eq!(creche.owner.as_deref(), Some("Comité local Marseille"));
    assert_eq!(creche.deadline.as_deref(), Some("2027-09-30"));
    assert_eq!(
        creche.indicator.as_deref(),
        Some("10 places de crèche pour les membres")
    );
    let navette = rows.iter().find(|s| s.text.contains("navette")).unwrap();
    assert_eq!(
        (navette.owner.as_deref(), navette.deadline.as_deref()),
        (None, None)
    );
    assert_eq!(creche.line, Some(3), "spreadsheet row number");
}

fn read_segments(env: &TestEnv) -> Vec<qualsynth::corpus::Segment> {
    let bytes = std::fs::read(env.study().join("data/segments.parquet")).unwrap();
    qualsynth::store::tables::segments_from(
        &qualsynth::store::tables::from_parquet(&bytes).unwrap(),
    )
    .unwrap()
}

#[test]
fn csv_recommendations_with_bom_in_english() {
    let env = TestEnv::new();
    let segs = ok(
        &env,
        "coop-workspaces/bruxelles/recommendations.csv",
        &[
            "--group",
            "Bruxelles",
            "--kind",
            "recommendations",
            "--lang",
            "en",
        ],
    );
    assert_eq!(texts(&segs)[0], "Introduce income-based membership fees");
    let rows = read_segments(&env);
    assert_eq!(rows[0].votes, Some(8));
    assert_eq!(rows[0].owner.as_deref(), Some("Board of directors"));
    assert_eq!(rows[0].lang, "en");
}

#[test]
fn a_missing_sheet_lists_the_sheets() {
    let env = TestEnv::new();
    let before = env.snapshot();
    let out = import(
        &env,
        "bad/two-sheets.xlsx",
        &["--group", "G", "--sheet", "C"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("two-sheets.xlsx") && err.contains("\"C\"") && err.contains("A, B"),
        "{err}"
    );
    assert_eq!(env.snapshot(), before);
    let segs = ok(
        &env,
        "bad/two-sheets.xlsx",
        &["--group", "G", "--sheet", "B"],
    );
    assert_eq!(segs.len(), 2);
}

#[test]
fn ods_grid() {
    let env = TestEnv::new();
    let segs = ok(
        &env,
        "formats/grid.ods",
        &[
            "--group",
            "G",
            "--participant-column",
            "Participant",
            "--split-items",
        ],
    );
    let t = texts(&segs);
    assert!(
        t.contains(&"Le loyer".to_owned()) && t.contains(&"Les horaires du samedi".to_owned()),
        "{t:?}"
    );
    assert!(t.iter().any(|x| x.contains("L'accueil & le café")), "{t:?}");
    assert!(segs.iter().all(|s| !s["participant"].is_null()));
}

#[test]
fn tsv_with_a_group_column() {
    let env = TestEnv::new();
    let segs = ok(
        &env,
        "formats/grid.tsv",
        &[
            "--group-column",
            "Groupe",
            "--participant-column",
            "Participant",
            "--text-column",
            "Réponse",
            "--split-items",
        ],
    );
    let groups: Vec<&str> = segs.iter().map(|s| s["group"].as_str().unwrap()).collect();
    assert_eq!(groups, ["Lyon", "Lyon", "Lyon", "Nantes", "Nantes"]);
    assert_eq!(
        texts(&segs)[1..3],
        ["Horaires trop courts", "fermé le samedi"]
    );
}

/// The segments table of a first import is written as the import reads
/// (a scratch file renamed into place): it must be as shareable as the
/// tables written whole, not private like a temporary file.
#[cfg(unix)]
#[test]
fn the_segments_table_is_as_readable_as_the_other_tables() {
    use std::os::unix::fs::PermissionsExt;
    let env = TestEnv::new();
    ok(
        &env,
        "formats/grid.tsv",
        &["--group-column", "Groupe", "--text-column", "Réponse"],
    );
    let data = env.dir.path().join("study/data");
    let mode = |f: &str| {
        std::fs::metadata(data.join(f))
            .unwrap()
            .permissions()
            .mode()
            & 0o777
    };
    assert_eq!(mode("segments.parquet"), mode("sources.parquet"));
    assert_ne!(mode("segments.parquet") & 0o600, 0);
}

#[test]
fn sticky_notes_export() {
    let env = TestEnv::new();
    let segs = ok(
        &env,
        "coop-workspaces/marseille/post-it.csv",
        &["--group", "Marseille", "--kind", "notes"],
    );
    assert!(segs.len() >= 10);
    assert!(segs.iter().all(|s| s["kind"] == "note"));
    assert_eq!(speakers(&segs)[0], "Lucas Martin");
    let rows = read_segments(&env);
    assert_eq!(rows[0].votes, Some(3));
    assert!(
        rows[0].attributes.contains("Ce qui marche"),
        "{}",
        rows[0].attributes
    );
}

#[test]
fn grand_debat_by_departement_one_segment_per_proposal() {
    let env = TestEnv::new();
    let segs = ok(
        &env,
        "corpora/granddebat/reunions_locales_dep04_05.csv",
        &[
            "--group-column",
            "Département",
            "--text-column",
            "Quelles sont les propositions qui ont emerge des discussions",
            "--kind",
            "recommendations",
            "--split-items",
        ],
    );
    let st = env.status();
    let groups: Vec<&str> = st["groups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| g["group"].as_str().unwrap())
        .collect();
    assert_eq!(groups, ["Alpes de Haute-Provence", "Hautes-Alpes"]);
    let t = texts(&segs);
    assert!(t.contains(
        &"Limitation des mandats représentatifs (en temps, en cumul et réélection)".to_owned()
    ));
    assert!(t.contains(&"Les élus doivent être révocables".to_owned()));
    assert!(
        t.iter().all(|x| !x.contains('\n') || x.len() > 200),
        "items are split"
    );
    // Far more proposals than meetings: every line became its own segment.
    assert!(segs.len() > 150, "{}", segs.len());
}

/// Proposals as recommendations and findings as observations: two readings
/// of the same Grand Débat grid, as two sources.
#[test]
fn the_same_grid_read_twice_with_add() {
    let env = TestEnv::new();
    let gd = "corpora/granddebat/reunions_locales_dep04_05.csv";
    let proposals = [
        "--group-column",
        "Département",
        "--text-column",
        "Quelles sont les propositions qui ont emerge des discussions",
        "--kind",
        "recommendations",
        "--split-items",
    ];
    let findings = [
        "--group-column",
        "Département",
        "--text-column",
        "Quels ont ete les constats ou les diagnostics exprimes sur les themes du debat",
        "--kind",
        "observations",
        "--split-items",
    ];
    ok(&env, gd, &proposals);
    // Without --add the other reading is refused, and says how to do it.
    let out = import(&env, gd, &findings);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("--add"), "{}", stderr(&out));
    let mut with_add = findings.to_vec();
    with_add.push("--add");
    ok(&env, gd, &with_add);
    let kinds = |env: &TestEnv| -> (usize, usize) {
        let segs = env.segments(&[]);
        let n = |k: &str| segs.iter().filter(|s| s["kind"] == k).count();
        (n("recommendation"), n("observation"))
    };
    let (recs, obs) = kinds(&env);
    assert!(
        recs > 150 && obs > 100,
        "{recs} recommendations, {obs} observations"
    );
    let st = env.status();
    assert_eq!(st["sources"].as_array().unwrap().len(), 2);
    // The same reading again changes nothing, with or without --add.
    let before = env.snapshot();
    ok(&env, gd, &with_add);
    ok(&env, gd, &proposals);
    assert_eq!(env.snapshot(), before);
    // --replace cannot tell which reading to replace.
    let mut replace = proposals.to_vec();
    replace.push("--replace");
    let out = import(&env, gd, &replace);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("several sources"), "{}", stderr(&out));
    // The manifest rebuilds both.
    env.cmd()
        .args(["run", "study", "--quiet"])
        .assert()
        .success();
    assert_eq!(kinds(&env), (recs, obs));
}

#[test]
fn an_unknown_column_lists_the_columns() {
    let env = TestEnv::new();
    let before = env.snapshot();
    let out = import(
        &env,
        "formats/grid.tsv",
        &["--group", "G", "--text-column", "Answer"],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("grid.tsv")
            && err.contains("\"Answer\"")
            && err.contains("Participant, Groupe, Réponse"),
        "{err}"
    );
    assert_eq!(env.snapshot(), before);
}

#[test]
fn group_or_group_column_is_required() {
    let env = TestEnv::new();
    let out = import(&env, "formats/grid.tsv", &[]);
    assert_eq!(out.status.code(), Some(2));
}

/// Writes `text` as `name` in the test directory and imports it with
/// `args`, the path given as written (relative), as a user would.
fn import_written(env: &TestEnv, name: &str, text: &str, args: &[&str]) -> std::process::Output {
    std::fs::write(env.dir.path().join(name), text).unwrap();
    let mut all = vec!["import", "grid", name];
    all.extend_from_slice(args);
    env.study_cmd(&all).output().unwrap()
}

#[test]
fn a_swot_grid_takes_its_quadrants_from_columns_or_frames() {
    let env = TestEnv::new();
    let columns = "Forces;Faiblesses;Opportunités;Menaces\n\
        Le café partagé;Le bruit des appels;Un tiers-lieu partenaire;La hausse du loyer\n\
        La fibre;;;\n";
    let out = import_written(
        &env,
        "swot.csv",
        columns,
        &["--group", "Lille", "--method", "swot"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let frames = "Content,Frame,Author,Votes\n\
        Loyer trop cher,Weaknesses,Ana,3\n\
        A terrace,Strengths,Ben,1\n";
    let out = import_written(
        &env,
        "board.csv",
        frames,
        &[
            "--group",
            "Bruxelles",
            "--kind",
            "notes",
            "--method",
            "swot",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let got: Vec<(String, String, String)> = env
        .segments(&[])
        .iter()
        .map(|s| {
            (
                s["method"].as_str().unwrap_or_default().to_owned(),
                s["part"].as_str().unwrap_or_default().to_owned(),
                s["text"].as_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let want: Vec<(String, String, String)> = [
        ("swot", "strengths", "Le café partagé"),
        ("swot", "weaknesses", "Le bruit des appels"),
        ("swot", "opportunities", "Un tiers-lieu partenaire"),
        ("swot", "threats", "La hausse du loyer"),
        ("swot", "strengths", "La fibre"),
        ("swot", "weaknesses", "Loyer trop cher"),
        ("swot", "strengths", "A terrace"),
    ]
    .iter()
    .map(|(a, b, c)| ((*a).to_owned(), (*b).to_owned(), (*c).to_owned()))
    .collect();
    assert_eq!(got, want);
    // The manifest records the method, and a rebuild reads it back.
    let toml = std::fs::read_to_string(env.study().join("study.toml")).unwrap();
    assert_eq!(toml.matches("method = \"swot\"").count(), 2, "{toml}");
    let before = env.segments(&[]);
    env.cmd()
        .args(["run", "study", "--quiet"])
        .assert()
        .success();
    assert_eq!(env.segments(&[]), before);
}

#[test]
fn a_wrong_part_name_is_an_error_at_its_file_line_and_column() {
    let env = TestEnv::new();
    let study = |env: &TestEnv| {
        let mut s = env.snapshot();
        s.retain(|p, _| p.starts_with(env.study()));
        s
    };
    let before = study(&env);
    let header = "Forces;Faiblesses;Oportunités;Menaces\nLe café;Le bruit;Un partenaire;Le bail\n";
    let out = import_written(
        &env,
        "swot.csv",
        header,
        &[
            "--group",
            "G",
            "--method",
            "swot",
            "--text-column",
            "Oportunités",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let frame = "Content,Frame\nLe café,Forces\nLe bruit,Problèmes\n";
    let out2 = import_written(
        &env,
        "board.csv",
        frame,
        &["--group", "G", "--kind", "notes", "--method", "swot"],
    );
    assert_eq!(out2.status.code(), Some(1));
    let out3 = import_written(&env, "m.csv", frame, &["--group", "G", "--method", "swto"]);
    assert_eq!(out3.status.code(), Some(1));
    insta::assert_snapshot!(format!(
        "{}{}{}",
        stderr(&out),
        stderr(&out2),
        stderr(&out3)
    ));
    assert_eq!(study(&env), before, "nothing imported");
}

#[test]
fn a_study_defines_its_own_method_in_study_toml() {
    let env = TestEnv::new();
    let manifest = env.study().join("study.toml");
    let mut text = std::fs::read_to_string(&manifest).unwrap();
    text.push_str(
        "\n[methods.retro]\nlabel = \"Rétrospective\"\nparts = [\n  { name = \"keep\", synonyms = [\"à garder\"], opposite = \"stop\" },\n  { name = \"stop\", synonyms = [\"à arrêter\"] },\n]\n",
    );
    std::fs::write(&manifest, text).unwrap();
    let grid = "À garder;À arrêter\nLe café du matin;Les réunions trop longues\n";
    let out = import_written(
        &env,
        "retro.csv",
        grid,
        &["--group", "G", "--method", "retro"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let parts: Vec<String> = env
        .segments(&[])
        .iter()
        .map(|s| s["part"].as_str().unwrap_or_default().to_owned())
        .collect();
    assert_eq!(parts, ["keep", "stop"]);
    // A name that is none of its parts lists them.
    let out = import_written(
        &env,
        "retro2.csv",
        "À garder;À changer\nx;y\n",
        &[
            "--group",
            "G",
            "--method",
            "retro",
            "--text-column",
            "À changer",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("retro2.csv:1:2: column \"À changer\" is not a part of retro; expected one of: keep (à garder), stop (à arrêter)"),
        "{err}"
    );
}

/// The example study's workshop files in their real-world shapes: an XLSX
/// with one column per quadrant, a whiteboard export with a frame column, a
/// Miro board as its REST API returns it.
#[test]
fn workshop_methods_import_from_columns_frames_and_a_miro_board() {
    let env = TestEnv::new();
    let parts = |env: &TestEnv, source: &str| -> Vec<String> {
        env.segments(&["--source", source])
            .iter()
            .map(|s| s["part"].as_str().unwrap_or_default().to_owned())
            .collect()
    };
    let count = |v: &[String], p: &str| v.iter().filter(|x| *x == p).count();
    let xlsx = "coop-workspaces/lille/atelier-swot-empathie.xlsx";
    let out = import(
        &env,
        xlsx,
        &["--group", "Lille", "--sheet", "SWOT", "--method", "swot"],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let swot = parts(&env, "lille-atelier-swot-empathie");
    assert_eq!(
        [
            count(&swot, "strengths"),
            count(&swot, "weaknesses"),
            count(&swot, "opportunities"),
            count(&swot, "threats")
        ],
        [4, 4, 3, 3]
    );
    let out = import(
        &env,
        "coop-workspaces/marseille/swot-post-it.csv",
        &[
            "--group",
            "Marseille",
            "--kind",
            "notes",
            "--method",
            "swot",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let segs = env.segments(&["--source", "marseille-swot-post-it"]);
    let first = &segs[0];
    assert_eq!(
        (first["part"].as_str(), first["participant"].as_str()),
        (Some("strengths"), Some("Inès Bouzid"))
    );
    assert_eq!(segs.len(), 15);
    let out = import(
        &env,
        "coop-workspaces/bruxelles/empathy-map-miro.json",
        &[
            "--group",
            "Bruxelles",
            "--lang",
            "en",
            "--method",
            "empathy",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let segs = env.segments(&["--source", "bruxelles-empathy-map-miro"]);
    assert_eq!(segs.len(), 17);
    let noise = segs
        .iter()
        .find(|s| s["text"] == "Noise and calls in the open space")
        .unwrap();
    assert_eq!(noise["part"], "pains");
    assert_eq!(noise["kind"], "note");
    // The board's two pages, its frames and its dot votes.
    let st = env.status();
    assert_eq!(st["sources"][2]["format"], "miro");
    let bytes = std::fs::read(env.study().join("data/segments.parquet")).unwrap();
    let df = qualsynth::store::tables::from_parquet(&bytes).unwrap();
    let rows = qualsynth::store::tables::segments_from(&df).unwrap();
    let votes: Option<i64> = rows
        .iter()
        .filter(|s| s.source_id == "bruxelles-empathy-map-miro")
        .map(|s| s.votes.unwrap_or(0))
        .reduce(|a, b| a + b);
    assert_eq!(votes, Some(12));
}

/// A grid large enough to be streamed (over 1 MiB), `rows` rows.
fn large_grid(path: &std::path::Path, group: &str, rows: usize) {
    let mut s = String::from("Groupe;Participant;Idées\n");
    for i in 0..rows {
        s.push_str(&format!(
            "{group};P{};\"- ouvrir le samedi {i} pour les familles du quartier\n- un tarif solidaire {i}\"\n",
            i % 17
        ));
    }
    assert!(s.len() > 1 << 20);
    std::fs::write(path, s).unwrap();
}

#[test]
fn a_streamed_copy_under_another_path_is_skipped_and_the_next_file_imported() {
    let env = TestEnv::new();
    let d = env.dir.path();
    large_grid(&d.join("a.csv"), "Lille", 15_000);
    std::fs::copy(d.join("a.csv"), d.join("copy.csv")).unwrap();
    large_grid(&d.join("b.csv"), "Lyon", 14_000);
    let grid = |files: &[&str]| {
        let mut args = vec!["import", "grid"];
        args.extend_from_slice(files);
        args.extend_from_slice(&["--group-column", "Groupe", "--participant-column"]);
        args.extend_from_slice(&["Participant", "--text-column", "Idées", "--split-items"]);
        let out = env.study_cmd(&args).output().unwrap();
        assert!(out.status.success(), "{}", stderr(&out));
        format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(&out))
    };
    grid(&["a.csv"]);
    let said = grid(&["copy.csv", "b.csv"]);
    assert!(
        said.contains("copy.csv has the same content as ../a.csv (source a); skipped"),
        "{said}"
    );
    let st = env.status();
    let ids: Vec<&str> = st["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["source_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, ["a", "b"], "{st}");
    // Two items a row, none of them the copy's.
    assert_eq!(st["total"]["segments"], 2 * (15_000 + 14_000), "{st}");
    let manifest = std::fs::read_to_string(env.study().join("study.toml")).unwrap();
    assert!(!manifest.contains("copy.csv"), "{manifest}");
    // The recorded hash is the file's: read again, it is unchanged.
    let again = grid(&["b.csv"]);
    assert!(
        again.contains("b.csv is already imported as b, unchanged"),
        "{again}"
    );
}
