//! `data/run.json`: what `qualsynth run` last built, as digests of each
//! stage's inputs, and the hashes of the report files it wrote. A stage
//! whose digest is unchanged (and whose output is still there) is skipped,
//! so a re-run with nothing changed redoes nothing.

use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::StoreError;
use super::atomic::write_atomic;

/// Where the run state lives, relative to the study directory.
pub const RUN_STATE: &str = "data/run.json";

/// Digests of the inputs of each stage `run` last completed.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunState {
    /// The qualsynth version that wrote it (another version redoes all).
    pub version: String,
    /// Sources (paths, options, content hashes) and study settings.
    pub import: Option<String>,
    /// Codings (codebook and segments) and the synthesis settings.
    pub synthesis: Option<String>,
    /// The synthesis and the report settings.
    pub reports: Option<String>,
    /// Report files written, relative to the study, with their hashes.
    pub outputs: BTreeMap<String, String>,
}

impl RunState {
    /// The state recorded in `dir`; an empty one when there is none or
    /// another version wrote it (then every stage reruns). A file that
    /// cannot be read or parsed is an error naming it.
    pub fn read(dir: &Path) -> Result<Self, StoreError> {
        let fresh = RunState {
            version: env!("CARGO_PKG_VERSION").to_owned(),
            ..RunState::default()
        };
        let path = dir.join(RUN_STATE);
        let bytes = match std::fs::read(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(fresh),
            Err(e) => return Err(StoreError::io(&path, "read", e)),
        };
        let state: RunState = serde_json::from_slice(&bytes).map_err(|e| StoreError::Table {
            path: path.display().to_string(),
            message: format!(
                "corrupt run state ({e}); delete it and `qualsynth run` rebuilds every stage"
            ),
        })?;
        Ok(if state.version == fresh.version {
            state
        } else {
            fresh
        })
    }

    /// Writes the state atomically (only when it changed).
    pub fn write(&self, dir: &Path) -> Result<(), StoreError> {
        let path = dir.join(RUN_STATE);
        let mut text = serde_json::to_vec_pretty(self).unwrap_or_default();
        text.push(b'\n');
        if std::fs::read(&path).ok().as_deref() == Some(text.as_slice()) {
            return Ok(());
        }
        write_atomic(&path, &text)
    }
}

/// A digest of several parts (each length-prefixed, so parts cannot run
/// into each other).
pub fn digest(parts: &[&[u8]]) -> String {
    let mut h = super::import::ContentHasher::default();
    for p in parts {
        h.update(&(p.len() as u64).to_le_bytes());
        h.update(p);
    }
    h.finish()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_ignores_other_versions() {
        let dir = tempfile::tempdir().unwrap();
        let mut s = RunState::read(dir.path()).unwrap();
        assert_eq!(s.import, None);
        s.import = Some("sha256:x".into());
        s.outputs
            .insert("reports/report.html".into(), "sha256:y".into());
        s.write(dir.path()).unwrap();
        assert_eq!(RunState::read(dir.path()).unwrap(), s);
        s.version = "0.0.0-other".into();
        s.write(dir.path()).unwrap();
        assert_eq!(RunState::read(dir.path()).unwrap().import, None);
        std::fs::write(dir.path().join(RUN_STATE), "{ not json").unwrap();
        let e = RunState::read(dir.path()).unwrap_err().to_string();
        assert!(e.contains("run.json") && e.contains("corrupt"), "{e}");
    }

    #[test]
    fn digest_parts_do_not_run_together() {
        assert_ne!(digest(&[b"ab", b"c"]), digest(&[b"a", b"bc"]));
        assert_eq!(digest(&[b"a"]), digest(&[b"a"]));
    }
}
