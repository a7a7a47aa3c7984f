//! Test environment: a temporary study and a command to run in it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use assert_cmd::Command;

/// A temporary directory holding a study at `study/`.
pub struct TestEnv {
    pub dir: tempfile::TempDir,
}

/// The repository's fixtures folder.
pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

/// A shipped codebook's absolute path.
pub fn shipped(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("codebooks")
        .join(name)
}

/// A fixture file's absolute path.
pub fn fixture(rel: &str) -> PathBuf {
    fixtures().join(rel)
}

impl TestEnv {
    /// An empty study (`qualsynth init study`).
    pub fn new() -> Self {
        let env = TestEnv {
            dir: tempfile::tempdir().unwrap(),
        };
        env.cmd()
            .args(["init", "study", "--title", "Test study"])
            .assert()
            .success();
        env
    }

    /// A copy of a fixture folder at `study/` (for `run`).
    pub fn with_fixture_study(name: &str) -> Self {
        let env = TestEnv {
            dir: tempfile::tempdir().unwrap(),
        };
        copy_dir(&fixtures().join(name), &env.study());
        env
    }

    /// The study directory.
    pub fn study(&self) -> PathBuf {
        self.dir.path().join("study")
    }

    /// `qualsynth` run in the temp dir, fixed width, no colour.
    pub fn cmd(&self) -> Command {
        let mut c = Command::new(assert_cmd::cargo::cargo_bin!("qualsynth"));
        c.current_dir(self.dir.path())
            .env("COLUMNS", "100")
            .env("NO_COLOR", "1")
            .env_remove("RUST_BACKTRACE");
        c
    }

    /// `qualsynth ARGS… --study study`.
    pub fn study_cmd(&self, args: &[&str]) -> Command {
        let mut c = self.cmd();
        c.args(args).args(["--study", "study"]);
        c
    }

    /// Copies a fixture file into the temp dir and returns its path.
    pub fn copy_in(&self, rel: &str) -> PathBuf {
        let to = self.dir.path().join(Path::new(rel).file_name().unwrap());
        std::fs::copy(fixture(rel), &to).unwrap();
        to
    }

    /// The segments as parsed JSON objects.
    pub fn segments(&self, extra: &[&str]) -> Vec<serde_json::Value> {
        let mut args = vec!["segments", "--format", "json"];
        args.extend_from_slice(extra);
        let out = self.study_cmd(&args).output().unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice::<Vec<serde_json::Value>>(&out.stdout).unwrap()
    }

    /// The study's status as parsed JSON.
    pub fn status(&self) -> serde_json::Value {
        let out = self
            .study_cmd(&["status", "--format", "json"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap()
    }

    /// Every file under the temp dir with its bytes: to check that nothing changed.
    pub fn snapshot(&self) -> BTreeMap<PathBuf, Vec<u8>> {
        let mut out = BTreeMap::new();
        walk(self.dir.path(), &mut out);
        out
    }
}

fn walk(dir: &Path, out: &mut BTreeMap<PathBuf, Vec<u8>>) {
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.insert(p.clone(), std::fs::read(&p).unwrap());
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let p = e.unwrap().path();
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        // A copy of a study (`cp -r`, a Windows checkout) keeps links as
        // links, which then point nowhere: fixtures hold none.
        assert!(!p.is_symlink(), "{} is a symbolic link", p.display());
        if ["data", "private", "out", "reports"].contains(&name.as_str()) {
            continue;
        }
        if p.is_dir() {
            copy_dir(&p, &to.join(&name));
        } else {
            std::fs::copy(&p, to.join(&name)).unwrap();
        }
    }
}

/// Texts of segments, in order.
pub fn texts(segs: &[serde_json::Value]) -> Vec<String> {
    segs.iter()
        .map(|s| s["text"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// Participants of segments, in order (empty string when none).
pub fn speakers(segs: &[serde_json::Value]) -> Vec<String> {
    segs.iter()
        .map(|s| s["participant"].as_str().unwrap_or("").to_owned())
        .collect()
}

/// Stderr of an output as text.
pub fn stderr(out: &std::process::Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}
