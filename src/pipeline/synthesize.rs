//! The synthesis stage: the cross-group tables of a coded study, computed
//! and stored under `data/synthesis/`, and the explanation of one row.

use polars::prelude::DataFrame;

use std::collections::HashSet;

use super::{PipelineError, Study, codebook, fresh};
use crate::coding::Coder;
use crate::store::StoreError;
use crate::store::codings::{CODES, CODINGS};
use crate::store::tables::participants_frame;
use crate::synthesis::recommendations::{Curation, curation, recommendation_ids};
use crate::synthesis::{self, Cache, Input, Synthesis};

/// The frames the synthesis reads, loaded once, with the study's
/// glossary and curation.
struct Frames {
    codings: DataFrame,
    codes: DataFrame,
    participants: DataFrame,
    cache: Cache,
    glossary: Option<Coder>,
    curation: Option<Curation>,
}

/// Loads the coding tables of a study whose codings are current.
fn frames(study: &Study) -> anyhow::Result<Frames> {
    fresh::require_current(study)?;
    let ws = study.ws();
    let missing = || PipelineError::NotCoded {
        dir: study.dir().display().to_string(),
    };
    let cfg = &ws.manifest.manifest.synthesis;
    let glossary = match &cfg.glossary {
        Some(rel) => Some(codebook::load(&ws.dir.join(rel))?.compile()?),
        None => None,
    };
    let curation = match &cfg.curation {
        Some(rel) => Some(read_curation(study, rel)?),
        None => None,
    };
    Ok(Frames {
        codings: ws.coding_table(CODINGS)?.ok_or_else(missing)?,
        codes: ws.coding_table(CODES)?.ok_or_else(missing)?,
        participants: participants_frame(&ws.tables.participants)?,
        cache: Cache::default(),
        glossary,
        curation,
    })
}

/// Reads the curation file (`rel` to the study) and checks that every row
/// names a member of the study.
fn read_curation(study: &Study, rel: &str) -> anyhow::Result<Curation> {
    let path = study.dir().join(rel);
    let bytes = std::fs::read(&path).map_err(|e| StoreError::io(&path, "read", e))?;
    let text = crate::corpus::decode::decode(&bytes, None)
        .map_err(|e| anyhow::anyhow!("{}: {}", path.display(), e.message))?
        .text;
    let shown = path.display().to_string();
    let curation = curation::parse(&shown, &text)?;
    let ids = recommendation_ids(&study.ws().tables.segments)?;
    let known: HashSet<&str> = ids.iter().map(|(_, m)| m.as_str()).collect();
    curation.check(&known)?;
    Ok(curation)
}

fn input<'a>(study: &'a Study, f: &'a Frames) -> Input<'a> {
    Input {
        segments: &study.ws().tables.segments,
        codings: &f.codings,
        codes: &f.codes,
        participants: &f.participants,
        config: &study.ws().manifest.manifest.synthesis,
        cache: &f.cache,
        glossary: f.glossary.as_ref(),
        curation: f.curation.as_ref(),
    }
}

/// Computes every synthesis table and stores them, all or nothing.
/// Refuses a study whose codings are missing or stale.
pub fn synthesize(study: &Study) -> anyhow::Result<Synthesis> {
    let f = frames(study)?;
    let s = synthesis::synthesize(&input(study, &f))?;
    study.ws().save_synthesis(&s)?;
    Ok(s)
}

/// The stored synthesis tables, or an error saying what to run.
pub fn stored(study: &Study) -> anyhow::Result<Synthesis> {
    study
        .ws()
        .read_synthesis()?
        .ok_or_else(|| PipelineError::NotSynthesised.into())
}

/// `--explain R001` (a merged recommendation: its wordings and evidence)
/// or `--explain CODE@GROUP` (the segments behind a matrix cell), as text
/// `width` characters wide.
pub fn explain(study: &Study, id: &str, width: u16) -> anyhow::Result<String> {
    if let Some((code, group)) = id.split_once('@') {
        let f = frames(study)?;
        let inp = input(study, &f);
        let segments = synthesis::matrix::explain_cell(&inp, code, group)?;
        return Ok(crate::render::synthesis::explain_cell(
            code, group, &segments, width,
        ));
    }
    fresh::require_current(study)?;
    let s = stored(study)?;
    let Some(rec) = s.recommendations.iter().find(|r| r.rec_id == id) else {
        let known: Vec<&str> = s
            .recommendations
            .iter()
            .take(10)
            .map(|r| r.rec_id.as_str())
            .collect();
        anyhow::bail!(
            "no recommendation {id:?}; ids look like {} (or pass CODE@GROUP for a matrix cell)",
            known.join(", ")
        );
    };
    let t = &study.ws().tables;
    let (ids, texts) = (t.segment_strs("segment_id")?, t.segment_strs("text")?);
    let text_of = |seg: &str| {
        ids.iter()
            .position(|x| *x == seg)
            .map(|i| texts[i].to_owned())
    };
    Ok(crate::render::synthesis::explain_recommendation(
        rec,
        &s.members,
        &s.evidence,
        &text_of,
        width,
    ))
}
