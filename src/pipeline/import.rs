//! The import stage: files into a study (all of them or none), or the
//! whole study rebuilt from its manifest.

use std::path::PathBuf;

use super::{Feedback, Study};
use crate::corpus::spec::SourceSpec;
pub use crate::store::import::{Mode, Outcome};
use crate::store::import::{import_file, rebuild as rebuild_tables};

/// Imports `files` read with `spec`; the study is saved only when every
/// file succeeded and something changed. Returns each file's outcome.
pub fn import_files(
    study: &mut Study,
    files: &[PathBuf],
    spec: &SourceSpec,
    mode: Mode,
) -> anyhow::Result<Vec<(PathBuf, Outcome)>> {
    let mut spec = spec.clone();
    if let Some(m) = &spec.method {
        // The study's own methods are defined in its manifest.
        spec.method_def = study.ws().manifest.manifest.method_set().get(m);
    }
    let mut out = Vec::with_capacity(files.len());
    for file in files {
        let outcome = import_file(study.ws_mut(), file, spec.clone(), mode)?;
        out.push((file.clone(), outcome));
    }
    let changed = out
        .iter()
        .any(|(_, o)| matches!(o, Outcome::Imported { .. } | Outcome::Replaced { .. }));
    if changed {
        study.ws_mut().save()?;
    }
    Ok(out)
}

/// What one file's import did, for people.
pub fn describe(file: &std::path::Path, outcome: &Outcome) -> String {
    let shown = file.display();
    match outcome {
        Outcome::Imported {
            source_id,
            segments,
            participants,
        } => format!(
            "imported {shown} as {source_id}: {segments} segments, {participants} participants"
        ),
        Outcome::Replaced {
            source_id,
            segments,
            participants,
        } => format!(
            "re-imported {shown} as {source_id}: {segments} segments, {participants} participants"
        ),
        Outcome::Unchanged { source_id } => {
            format!("{shown} is already imported as {source_id}, unchanged; nothing to do")
        }
        Outcome::Duplicate { source_id, path } => {
            format!("{shown} has the same content as {path} (source {source_id}); skipped")
        }
    }
}

/// Rebuilds every table from the manifest alone and saves them; sources
/// whose content changed since they were recorded get a note (the
/// manifest then records their new hash).
pub fn rebuild(study: &mut Study, fb: &dyn Feedback) -> anyhow::Result<()> {
    let total = study.ws().manifest.manifest.sources.len() as u64;
    fb.start("import", Some(total));
    let rebuilt = rebuild_tables(study.ws_mut(), &mut |done, _total, path| {
        fb.advance(done as u64, path);
    });
    fb.finish();
    let rebuilt = rebuilt?;
    for path in &rebuilt.changed {
        fb.note(&format!(
            "{path} changed since it was recorded; study.toml now records its new hash"
        ));
    }
    study.ws_mut().save()?;
    Ok(())
}
