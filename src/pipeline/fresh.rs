//! What is stale: whether a study's codings were made with its codebook as
//! it is now on its segments as they are now, and the digests `run` keeps
//! of each stage's inputs (`data/run.json`). Nothing here is a silent
//! default: a codebook or table that cannot be read is an error naming it.

use std::path::Path;

use super::{PipelineError, Study};
use crate::store::StoreError;
use crate::store::codings::{CODES, CODINGS, Provenance};
use crate::store::import::{ContentHasher, content_hash};
use crate::store::runstate::digest;
use crate::store::tables::Tables;

/// Where the codings of a study stand.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CodingState {
    /// Not coded yet.
    NotCoded,
    /// Coded with the codebook and segments as they are now.
    Current(Provenance),
    /// Coded, but something changed since.
    Stale {
        /// What the codings were made with.
        provenance: Provenance,
        /// What changed, for people.
        reason: String,
    },
}

/// A digest of the segment ids and texts, and of the participants who are
/// not plain participants (a code can be limited to a role): codings are
/// stale when it changes. A study without interviewers or facilitators
/// keeps the digest it had before roles existed.
pub fn segments_hash(t: &Tables) -> anyhow::Result<String> {
    let mut h = ContentHasher::default();
    // Read in place (two vectors of 8.6 M strings at 2,000,000
    // contributions were 0.3 GB).
    let ids = t.segments.column("segment_id")?.str()?;
    let texts = t.segments.column("text")?.str()?;
    for (id, text) in ids.iter().zip(texts.iter()) {
        for part in [id.unwrap_or(""), text.unwrap_or("")] {
            h.update(part.as_bytes());
            h.update(&[0]);
        }
    }
    for p in t.participants.iter().filter(|p| p.role.leads()) {
        h.update(b"\x01role\0");
        for part in [p.id.as_str(), p.role.as_str()] {
            h.update(part.as_bytes());
            h.update(&[0]);
        }
    }
    Ok(h.finish())
}

/// The digest of a codebook file; an unreadable file is an error.
pub fn file_hash(path: &Path) -> Result<String, StoreError> {
    std::fs::read(path)
        .map(|b| content_hash(&b))
        .map_err(|e| StoreError::io(path, "read", e))
}

/// Where the codings of `study` stand.
pub fn coding_state(study: &Study) -> anyhow::Result<CodingState> {
    let ws = study.ws();
    let Some(prov) = ws.coding_provenance()? else {
        return Ok(CodingState::NotCoded);
    };
    let stale = |reason: String| {
        Ok(CodingState::Stale {
            provenance: prov.clone(),
            reason,
        })
    };
    for table in [CODINGS, CODES] {
        if !ws.dir.join(table).is_file() {
            return stale(format!("{table} is missing"));
        }
    }
    if let Some(cb) = &ws.manifest.manifest.codebook {
        if cb.path != prov.codebook {
            return stale(format!(
                "the study's codebook is now {}, the codings were made with {}",
                cb.path, prov.codebook
            ));
        }
        let spread = cb.spread.as_deref().unwrap_or("turn");
        if spread != prov.spread {
            return stale(format!(
                "the codes now spread to {spread}, the codings were made with {}",
                prov.spread
            ));
        }
        if file_hash(&ws.dir.join(&cb.path))? != prov.codebook_hash {
            return stale(format!(
                "the codings were made with an older version of {}",
                cb.path
            ));
        }
    }
    if segments_hash(&ws.tables)? != prov.segments_hash {
        return stale("sources changed since the study was coded".to_owned());
    }
    Ok(CodingState::Current(prov))
}

/// The provenance of current codings, or an error saying what to run.
pub fn require_current(study: &Study) -> anyhow::Result<Provenance> {
    let dir = study.dir().display().to_string();
    match coding_state(study)? {
        CodingState::Current(p) => Ok(p),
        CodingState::NotCoded => Err(PipelineError::NotCoded { dir }.into()),
        CodingState::Stale { reason, .. } => Err(PipelineError::Stale { reason, dir }.into()),
    }
}

/// A digest of everything an import reads: the sources' settings, their
/// current contents, the study's language and the pseudonym key.
pub fn import_digest(study: &Study) -> anyhow::Result<String> {
    let ws = study.ws();
    let m = &ws.manifest.manifest;
    let mut parts: Vec<Vec<u8>> = vec![m.study.lang.clone().into_bytes()];
    // The study's own methods decide the parts of its sources (a study
    // without any keeps the digest it had before methods existed).
    if !m.methods.is_empty() {
        parts.push(serde_json::to_vec(&m.methods)?);
    }
    for (i, spec) in m.sources.iter().enumerate() {
        let mut spec = spec.clone();
        spec.hash = None;
        parts.push(serde_json::to_vec(&spec)?);
        let path = ws.dir.join(&spec.path);
        let hash = file_hash(&path).map_err(|e| {
            anyhow::Error::new(e).context(format!("source {} of study.toml", i + 1))
        })?;
        parts.push(hash.into_bytes());
    }
    let key = ws.dir.join(crate::store::workspace::KEY);
    match std::fs::read(&key) {
        Ok(bytes) => parts.push(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => parts.push(Vec::new()),
        Err(e) => return Err(StoreError::io(&key, "read", e).into()),
    }
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    Ok(digest(&refs))
}

/// A digest of what the synthesis reads: the import, the codings, the
/// synthesis settings, and the glossary and curation files they name.
pub fn synthesis_digest(study: &Study, import: &str, prov: &Provenance) -> anyhow::Result<String> {
    let cfg = &study.ws().manifest.manifest.synthesis;
    let config = serde_json::to_vec(cfg)?;
    let mut files = Vec::new();
    for rel in [&cfg.glossary, &cfg.curation].into_iter().flatten() {
        files.push(file_hash(&study.dir().join(rel))?.into_bytes());
    }
    let mut parts: Vec<&[u8]> = vec![
        import.as_bytes(),
        prov.codebook_hash.as_bytes(),
        prov.segments_hash.as_bytes(),
        &config,
    ];
    parts.extend(files.iter().map(Vec::as_slice));
    Ok(digest(&parts))
}

/// A digest of what the report files depend on: the synthesis, the report
/// settings and the title.
pub fn reports_digest(study: &Study, synthesis: &str) -> anyhow::Result<String> {
    let m = &study.ws().manifest.manifest;
    Ok(digest(&[
        synthesis.as_bytes(),
        &serde_json::to_vec(&m.report)?,
        m.study.title.as_bytes(),
    ]))
}
