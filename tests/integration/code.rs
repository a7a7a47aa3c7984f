//! `qualsynth code FILE`: coding a file to stdout, and dictionary counts
//! equal to scikit-learn's on the bench-small fixture.

use crate::common::{TestEnv, fixture, stderr};

/// A small French/English codebook in the native format.
const CODEBOOK: &str = r#"[codebook]
name = "Test"
lang = "fr"

[[codes]]
id = "cost"
label = "Cost"
terms = ["coût", "~loyer", "espace* de travail"]
terms_en = ["rent"]
regex = ['\d+ ?€']

[[codes]]
id = "cost.high"
parent = "cost"
label = "High cost"
terms = ["loyer NEAR/3 cher"]
exclude = ["pas cher"]
"#;

fn parse_csv(bytes: &[u8]) -> Vec<Vec<String>> {
    csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(bytes)
        .records()
        .map(|r| r.unwrap().iter().map(str::to_owned).collect())
        .collect()
}

#[test]
fn bench_small_counts_equal_sklearn() {
    let env = TestEnv::new();
    let out = env
        .cmd()
        .arg("code")
        .arg(fixture("bench-small/corpus.tsv"))
        .arg("--codebook")
        .arg(fixture("bench-small/dictionary.dic"))
        .arg("--counts")
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let ours = parse_csv(&out.stdout);
    let oracle = parse_csv(&std::fs::read(fixture("bench-small/counts_sklearn.csv")).unwrap());
    assert_eq!(ours[0], oracle[0], "header");
    assert_eq!(ours.len(), oracle.len(), "documents");
    assert!(oracle.len() > 1000);
    let mut cells = 0;
    for (a, b) in ours.iter().zip(&oracle) {
        assert_eq!(a.len(), b.len());
        for (j, (x, y)) in a.iter().zip(b).enumerate() {
            assert_eq!(x, y, "document {}, column {}", b[0], oracle[0][j]);
            cells += 1;
        }
    }
    assert!(cells > 20_000);
    let total: u64 = ours[1..]
        .iter()
        .flat_map(|r| &r[1..])
        .map(|c| c.parse::<u64>().unwrap())
        .sum();
    assert!(total > 30_000, "{total}");
}

#[test]
fn codings_of_a_tsv_file() {
    let env = TestEnv::new();
    let dir = env.dir.path();
    std::fs::write(dir.join("cb.toml"), CODEBOOK).unwrap();
    std::fs::write(
        dir.join("input.tsv"),
        "id\ttext\nd1\tLe loyer est trop cher : 900 € 🏠\nd2\tCe n'est pas cher, l'espace de travail\nd3\tThe rent\n",
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["code", "input.tsv", "--codebook", "cb.toml"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let rows = parse_csv(&out.stdout);
    let row = |r: &[&str]| r.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
    assert_eq!(
        rows,
        [
            row(&[
                "doc_id", "code", "start", "end", "matched", "rule", "negated"
            ]),
            row(&["d1", "cost", "3", "8", "loyer", "~loyer", "false"]),
            row(&[
                "d1",
                "cost.high",
                "3",
                "22",
                "loyer est trop cher",
                "loyer NEAR/3 cher",
                "false"
            ]),
            row(&["d1", "cost", "25", "30", "900 €", "/\\d+ ?€/", "false"]),
            row(&[
                "d2",
                "cost",
                "21",
                "38",
                "espace de travail",
                "espace* de travail",
                "true"
            ]),
        ]
    );
    // --lang en: `terms_en` applies as well as the rules of every language
    let out = env
        .cmd()
        .args([
            "code",
            "input.tsv",
            "--codebook",
            "cb.toml",
            "--lang",
            "en",
            "--format",
            "jsonl",
        ])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let lines: Vec<serde_json::Value> = out
        .stdout
        .split(|&b| b == b'\n')
        .filter(|l| !l.is_empty())
        .map(|l| serde_json::from_slice(l).unwrap())
        .collect();
    let matched: Vec<&str> = lines
        .iter()
        .map(|v| v["matched"].as_str().unwrap())
        .collect();
    assert_eq!(
        matched,
        [
            "loyer",
            "loyer est trop cher",
            "900 €",
            "espace de travail",
            "rent"
        ]
    );
}

#[test]
fn counts_of_text_paragraphs_and_jsonl() {
    let env = TestEnv::new();
    let dir = env.dir.path();
    std::fs::write(dir.join("cb.toml"), CODEBOOK).unwrap();
    std::fs::write(
        dir.join("notes.txt"),
        "Le coût.\nLe loyer, le loyer.\n\nRien.\n",
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["code", "notes.txt", "-c", "cb.toml", "--counts"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "doc_id,cost,cost.high\n1,3,0\n4,0,0\n"
    );
    std::fs::write(dir.join("docs.jsonl"), "{\"key\": 1, \"body\": \"coût\"}\n").unwrap();
    let out = env
        .cmd()
        .args([
            "code",
            "docs.jsonl",
            "-c",
            "cb.toml",
            "--counts",
            "--format",
            "jsonl",
        ])
        .args(["--id-column", "key", "--text-column", "body"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        v,
        serde_json::json!({"doc_id": "1", "cost": 1, "cost.high": 0})
    );
}

#[test]
fn invalid_utf8_names_the_line_and_writes_nothing() {
    let env = TestEnv::new();
    let dir = env.dir.path();
    std::fs::write(dir.join("cb.toml"), CODEBOOK).unwrap();
    std::fs::write(
        dir.join("input.tsv"),
        b"id\ttext\nd1\tloyer\nd2\tbad \xff byte\n",
    )
    .unwrap();
    let out = env
        .cmd()
        .args(["code", "input.tsv", "-c", "cb.toml", "--counts"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("input.tsv:3: invalid UTF-8"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn bad_regex_in_codebook_is_an_error_with_position() {
    let env = TestEnv::new();
    let dir = env.dir.path();
    std::fs::write(
        dir.join("cb.toml"),
        "[[codes]]\nid = \"a\"\nlabel = \"A\"\nregex = ['(oops']\n",
    )
    .unwrap();
    std::fs::write(dir.join("input.txt"), "text\n").unwrap();
    let out = env
        .cmd()
        .args(["code", "input.txt", "-c", "cb.toml"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(out.stdout.is_empty());
    let err = stderr(&out);
    assert!(err.contains("cb.toml:4"), "{err}");
}
