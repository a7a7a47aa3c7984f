//! Importing files into a workspace and rebuilding it from its manifest.
//! Everything happens in memory; the caller saves once all files succeed.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::corpus::Source;
use crate::corpus::ingest::{self, SourceContext, Tables, slug};
use crate::corpus::spec::SourceSpec;

use super::{StoreError, Workspace, relative_path};

/// What an import did with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new source.
    Imported {
        /// Its id.
        source_id: String,
        /// Segments it gave.
        segments: usize,
        /// Participants it named.
        participants: usize,
    },
    /// A changed source re-imported with `--replace`.
    Replaced {
        /// Its id.
        source_id: String,
        /// Segments it now gives.
        segments: usize,
        /// Participants it names.
        participants: usize,
    },
    /// The same file (same path and content) was already imported.
    Unchanged {
        /// Its id.
        source_id: String,
    },
    /// The same content was already imported from another path.
    Duplicate {
        /// The source holding that content.
        source_id: String,
        /// Its path.
        path: String,
    },
}

/// `sha256:` and the hex digest.
pub fn content_hash(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut s = String::with_capacity(7 + 64);
    s.push_str("sha256:");
    for b in digest.iter() {
        s.push_str(&format!("{b:02x}"));
    }
    s
}

fn read(path: &Path) -> Result<Vec<u8>, StoreError> {
    std::fs::read(path).map_err(|e| StoreError::io(path, "read", e))
}

/// Imports one file. `spec.path` is ignored: the path is recorded relative
/// to the study directory. `shown` is the path as the user wrote it.
pub fn import_file(
    ws: &mut Workspace,
    file: &Path,
    mut spec: SourceSpec,
    replace: bool,
) -> Result<Outcome, StoreError> {
    let shown = file.display().to_string();
    let bytes = read(file)?;
    let hash = content_hash(&bytes);
    spec.path = relative_path(&ws.dir, file);
    spec.hash = Some(hash.clone());
    spec.validate()
        .map_err(|m| StoreError::Input(crate::corpus::ParseError::file(m).in_file(&shown)))?;

    let sources = &ws.manifest.manifest.sources;
    let existing = sources.iter().position(|s| s.path == spec.path);
    if let Some(i) = existing {
        let old = &sources[i];
        let id = old.id.clone().unwrap_or_else(|| {
            ws.tables
                .sources
                .get(i)
                .map(|s| s.id.clone())
                .unwrap_or_default()
        });
        if !replace {
            if old.hash.as_deref() != Some(hash.as_str()) {
                return Err(StoreError::Changed { path: shown });
            }
            let mut same = spec.clone();
            same.id = old.id.clone();
            if same != *old {
                return Err(StoreError::OptionsDiffer { path: shown });
            }
            return Ok(Outcome::Unchanged { source_id: id });
        }
        spec.id = Some(id.clone());
        let (source, ingested) = parse_source(ws, &spec, &bytes, &shown)?;
        ws.tables.remove_source(&id);
        let (segments, participants) = (ingested.segments.len(), ingested.participants.len());
        ws.tables.add_source(source, ingested);
        ws.manifest.set_source(i, spec);
        let order: Vec<String> = manifest_ids(ws);
        ws.tables.order_by(&order);
        return Ok(Outcome::Replaced {
            source_id: id,
            segments,
            participants,
        });
    }
    if let Some(s) = ws.tables.sources.iter().find(|s| s.hash == hash) {
        return Ok(Outcome::Duplicate {
            source_id: s.id.clone(),
            path: s.path.clone(),
        });
    }
    let id = match &spec.id {
        Some(id) => id.clone(),
        None => fresh_id(ws, &spec),
    };
    spec.id = Some(id.clone());
    let (source, ingested) = parse_source(ws, &spec, &bytes, &shown)?;
    let (segments, participants) = (ingested.segments.len(), ingested.participants.len());
    ws.tables.add_source(source, ingested);
    ws.manifest.push_source(spec);
    Ok(Outcome::Imported {
        source_id: id,
        segments,
        participants,
    })
}

/// What a rebuild found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rebuilt {
    /// Sources whose content changed since the manifest recorded them.
    pub changed: Vec<String>,
}

/// Rebuilds every table from the manifest alone, reading each source again.
/// `progress` is told `(done, total, path)` before each source.
pub fn rebuild(
    ws: &mut Workspace,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<Rebuilt, StoreError> {
    let mut out = Rebuilt::default();
    ws.tables = Tables::default();
    let specs = ws.manifest.manifest.sources.clone();
    for (i, mut spec) in specs.into_iter().enumerate() {
        progress(i, ws.manifest.manifest.sources.len(), &spec.path);
        let file = ws.dir.join(&spec.path);
        let bytes = read(&file)?;
        let hash = content_hash(&bytes);
        let id = match &spec.id {
            Some(id) => id.clone(),
            None => fresh_id(ws, &spec),
        };
        let mut updated = spec.clone();
        if spec.hash.as_deref() != Some(hash.as_str()) {
            if spec.hash.is_some() {
                out.changed.push(spec.path.clone());
            }
            updated.hash = Some(hash);
            ws.manifest.set_source(i, updated);
        }
        spec.id = Some(id);
        let (source, ingested) = parse_source(ws, &spec, &bytes, &file.display().to_string())?;
        ws.tables.add_source(source, ingested);
    }
    Ok(out)
}

fn manifest_ids(ws: &Workspace) -> Vec<String> {
    ws.manifest
        .manifest
        .sources
        .iter()
        .filter_map(|s| s.id.clone())
        .collect()
}

/// A new id from the group and file stem, unique in the study.
fn fresh_id(ws: &Workspace, spec: &SourceSpec) -> String {
    let stem = Path::new(&spec.path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base = match &spec.group {
        Some(g) => format!("{}-{}", slug(g), slug(&stem)),
        None => slug(&stem),
    };
    let taken = |id: &str| {
        ws.tables.sources.iter().any(|s| s.id == id)
            || ws
                .manifest
                .manifest
                .sources
                .iter()
                .any(|s| s.id.as_deref() == Some(id))
    };
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .unwrap_or(base)
}

fn parse_source(
    ws: &mut Workspace,
    spec: &SourceSpec,
    bytes: &[u8],
    shown: &str,
) -> Result<(Source, ingest::Ingested), StoreError> {
    let parsed = spec.parse(shown, bytes).map_err(|e| e.in_file(shown))?;
    let lang = spec
        .lang
        .clone()
        .unwrap_or_else(|| ws.manifest.manifest.study.lang.clone());
    let id = spec.id.clone().unwrap_or_default();
    let ctx = SourceContext {
        source_id: &id,
        group: spec.group.as_deref(),
        session: spec.session.as_deref(),
        lang: &lang,
        pseudonymize: spec.pseudonymize,
    };
    let ingested =
        ingest::ingest(parsed.segments, &ctx, &mut ws.key).map_err(|e| e.in_file(shown))?;
    let source = Source {
        id: id.clone(),
        path: spec.path.clone(),
        kind: spec.kind.clone(),
        format: parsed.format.to_owned(),
        groups: String::new(),
        session: spec.session.clone(),
        lang,
        encoding: parsed.encoding.map(str::to_owned),
        hash: spec.hash.clone().unwrap_or_else(|| content_hash(bytes)),
        segments: 0,
    };
    Ok((source, ingested))
}
