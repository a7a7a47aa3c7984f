//! A workspace file that is corrupt or missing is an error naming it,
//! never a silent default ("not coded", "fresh", an empty key).

use crate::common::{TestEnv, stderr};

fn coded() -> TestEnv {
    let env = TestEnv::with_fixture_study("coop-workspaces");
    env.cmd()
        .args(["run", "study", "--quiet"])
        .assert()
        .success();
    env
}

/// Runs `args` and returns stderr, which must be one error line.
fn fails(env: &TestEnv, args: &[&str]) -> String {
    let out = env.cmd().args(args).output().unwrap();
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(1), "{args:?}: {err}");
    assert!(
        err.starts_with("error: ") && !err.contains("panicked"),
        "{err}"
    );
    err
}

#[test]
fn a_corrupt_coding_provenance_is_an_error_not_not_coded() {
    let env = coded();
    std::fs::write(env.study().join("data/coding.json"), "{ \"codebook\": ").unwrap();
    for args in [
        &["status", "--study", "study"][..],
        &["synthesize", "--study", "study"],
        &["report", "--study", "study"],
        &["run", "study"],
    ] {
        let err = fails(&env, args);
        assert!(
            err.contains("data/coding.json") && err.contains("corrupt"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn an_unreadable_codebook_is_an_error_not_fresh_codings() {
    let env = coded();
    std::fs::remove_file(env.study().join("codebook.toml")).unwrap();
    for args in [
        &["report", "--study", "study"][..],
        &["synthesize", "--study", "study"],
        &["status", "--study", "study"],
    ] {
        let err = fails(&env, args);
        assert!(
            err.contains("codebook.toml") && err.contains("no such file"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn an_unreadable_pseudonym_key_is_an_error_not_an_empty_key() {
    let env = coded();
    let key = env.study().join("private/pseudonyms.csv");
    std::fs::create_dir_all(key.parent().unwrap()).unwrap();
    std::fs::write(&key, "name,pseudonym\nClaire Dubois,P01\nKarim Benali\n").unwrap();
    for args in [&["status", "--study", "study"][..], &["run", "study"]] {
        let err = fails(&env, args);
        assert!(
            err.contains("private/pseudonyms.csv:3") && err.contains("pseudonym key"),
            "{args:?}: {err}"
        );
    }
}

#[test]
fn a_corrupt_run_state_is_an_error_naming_it() {
    let env = coded();
    std::fs::write(env.study().join("data/run.json"), "not json").unwrap();
    let err = fails(&env, &["run", "study"]);
    assert!(
        err.contains("data/run.json") && err.contains("delete it"),
        "{err}"
    );
}

#[test]
fn a_synthesis_table_of_another_shape_is_an_error_naming_it() {
    let env = coded();
    // An older workspace: the convergence table without its list column.
    let path = env.study().join("data/synthesis/convergence.parquet");
    let mut df = qualsynth::store::tables::from_parquet(&std::fs::read(&path).unwrap()).unwrap();
    let _ = df.drop_in_place("raised_by").unwrap();
    std::fs::write(&path, qualsynth::store::tables::to_parquet(df).unwrap()).unwrap();
    let err = fails(&env, &["report", "--study", "study"]);
    assert!(
        err.contains("convergence.parquet") && err.contains("raised_by"),
        "{err}"
    );
}

/// The workspace page, as the code documents the tables.
fn page_path() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/workspace.md")
}

#[test]
fn the_workspace_page_documents_every_table() {
    let page = qualsynth::store::schema::page();
    if std::env::var_os("QUALSYNTH_WRITE_DOCS").is_some() {
        std::fs::write(page_path(), &page).unwrap();
    }
    let on_disk = std::fs::read_to_string(page_path()).unwrap_or_default();
    assert!(
        on_disk == page,
        "docs/workspace.md is out of date; rewrite it with `QUALSYNTH_WRITE_DOCS=1 cargo test --locked the_workspace_page`"
    );
}

#[test]
fn the_files_a_run_writes_are_the_documented_tables() {
    use qualsynth::store::schema::{tables, type_name};
    let env = coded();
    // A human coder, for the human codings table.
    std::fs::write(
        env.dir.path().join("ann.csv"),
        "segment_id,codes\nlille-reunion-2026-03-12:2,cout\nlille-reunion-2026-03-12:3,\n",
    )
    .unwrap();
    env.study_cmd(&["import", "codes", "ann.csv", "--coder", "ann"])
        .args(["--key-column", "segment_id", "--codes-column", "codes"])
        .assert()
        .success();
    let mut documented: Vec<String> = Vec::new();
    for t in tables() {
        let path = env.study().join(t.path);
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", t.path));
        let df = qualsynth::store::tables::from_parquet(&bytes).unwrap();
        let found: Vec<(String, String)> = df
            .columns()
            .iter()
            .map(|c| (c.name().to_string(), type_name(c.dtype())))
            .collect();
        let want: Vec<(String, String)> = t
            .columns
            .iter()
            .map(|c| (c.name.to_owned(), type_name(&c.dtype)))
            .collect();
        assert_eq!(found, want, "{}", t.path);
        documented.push(t.path.to_owned());
    }
    // And no Parquet file goes undocumented.
    let mut written = Vec::new();
    for dir in ["data", "data/synthesis"] {
        for e in std::fs::read_dir(env.study().join(dir)).unwrap() {
            let name = e.unwrap().file_name().to_string_lossy().into_owned();
            if name.ends_with(".parquet") {
                written.push(format!("{dir}/{name}"));
            }
        }
    }
    written.sort();
    documented.sort();
    assert_eq!(written, documented);
}
