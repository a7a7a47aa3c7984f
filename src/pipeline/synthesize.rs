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

/// The segment columns the synthesis reads: not the attributes (a grid's
/// other columns, as JSON: often the largest column of a study), the
/// question or the session, which no synthesis table reads (at 2,000,000
/// contributions the question alone held 0.8 GB).
pub const SYNTHESIS_COLUMNS: [&str; 18] = [
    "segment_id",
    "source_id",
    "group",
    "participant_id",
    "position",
    "key",
    "line",
    "time_ms",
    "kind",
    "lang",
    "text",
    "votes",
    "priority",
    "owner",
    "deadline",
    "indicator",
    "method",
    "part",
];

/// The segment columns [`explain`] reads for a merged recommendation.
pub const EXPLAIN_COLUMNS: [&str; 2] = ["segment_id", "text"];

/// The frames the synthesis reads, loaded once, with the study's
/// glossary and curation.
struct Frames {
    /// The segments the synthesis counts: without those of interviewers
    /// and facilitators, unless the study includes their role.
    segments: DataFrame,
    codings: DataFrame,
    codes: DataFrame,
    participants: DataFrame,
    cache: Cache,
    glossary: Option<Coder>,
    curation: Option<Curation>,
    methods: crate::corpus::method::MethodSet,
}

/// The codings' columns the synthesis tables read (explaining a matrix
/// cell reads them all: it shows where each match starts and ends).
const SYNTHESIS_CODING_COLUMNS: [&str; 4] = ["segment_id", "code", "negated", "rule"];

/// Loads the coding tables of a study whose codings are current: only the
/// columns the synthesis tables read, or all of them (`all`).
fn frames(study: &Study, all: bool) -> anyhow::Result<Frames> {
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
        codings: if all {
            ws.coding_table(CODINGS)?
        } else {
            ws.coding_columns(CODINGS, &SYNTHESIS_CODING_COLUMNS)?
        }
        .ok_or_else(missing)?,
        codes: ws.coding_table(CODES)?.ok_or_else(missing)?,
        segments: counted_segments(study)?,
        participants: participants_frame(&counted_participants(study))?,
        cache: Cache::default(),
        glossary,
        curation,
        methods: ws.manifest.manifest.method_set(),
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

/// The participants whose words count (see [`SynthesisConfig::counts`]).
fn counted_participants(study: &Study) -> Vec<crate::corpus::Participant> {
    let cfg = &study.ws().manifest.manifest.synthesis;
    study
        .ws()
        .tables
        .participants
        .iter()
        .filter(|p| cfg.counts(p.role))
        .cloned()
        .collect()
}

/// Who is left out of the synthesis: the participants whose role does not
/// count, by group, and their segments.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LeftOut {
    /// `(group, name, role)` of each, sorted.
    pub people: Vec<(String, String, &'static str)>,
    /// Their segments.
    pub segments: usize,
}

/// The ids of the participants whose role does not count (see
/// [`SynthesisConfig::counts`]).
fn left_out_ids(study: &Study) -> HashSet<&str> {
    let ws = study.ws();
    let cfg = &ws.manifest.manifest.synthesis;
    ws.tables
        .participants
        .iter()
        .filter(|p| !cfg.counts(p.role))
        .map(|p| p.id.as_str())
        .collect()
}

/// The interviewers and facilitators whose words the synthesis leaves out.
pub fn left_out(study: &Study) -> anyhow::Result<LeftOut> {
    let ws = study.ws();
    let out = left_out_ids(study);
    if out.is_empty() {
        return Ok(LeftOut::default());
    }
    let segments = ws
        .tables
        .segments
        .column("participant_id")?
        .str()?
        .iter()
        .filter(|p| p.is_some_and(|p| out.contains(p)))
        .count();
    let mut people: Vec<(String, String, &'static str)> = ws
        .tables
        .participants
        .iter()
        .filter(|p| out.contains(p.id.as_str()))
        .map(|p| (p.group.clone(), p.name.clone(), p.role.as_str()))
        .collect();
    people.sort();
    Ok(LeftOut { people, segments })
}

/// The segments whose words count: without those of the participants
/// [`counted_participants`] leaves out.
fn counted_segments(study: &Study) -> anyhow::Result<DataFrame> {
    let ws = study.ws();
    let out = left_out_ids(study);
    let segs = &ws.tables.segments;
    if out.is_empty() {
        return Ok(segs.clone());
    }
    let keep: polars::prelude::BooleanChunked = segs
        .column("participant_id")?
        .str()?
        .iter()
        .map(|p| !p.is_some_and(|p| out.contains(p)))
        .collect();
    Ok(segs.filter(&keep)?)
}

fn input<'a>(study: &'a Study, f: &'a Frames) -> Input<'a> {
    Input {
        segments: &f.segments,
        codings: &f.codings,
        codes: &f.codes,
        participants: &f.participants,
        config: &study.ws().manifest.manifest.synthesis,
        cache: &f.cache,
        glossary: f.glossary.as_ref(),
        curation: f.curation.as_ref(),
        methods: Some(&f.methods),
    }
}

/// Computes every synthesis table and stores them, all or nothing.
/// Refuses a study whose codings are missing or stale.
pub fn synthesize(study: &Study) -> anyhow::Result<Synthesis> {
    let s = compute(study)?;
    study.ws().save_synthesis(&s)?;
    Ok(s)
}

/// [`synthesize`] for a study opened for it alone: its segments are held
/// by the synthesis only, so they are freed before the merge (which reads
/// a copy of the recommendations' rows), and the tables are written
/// without them (at 2,000,000 contributions, gigabytes less at the
/// stage's peak).
pub fn synthesize_study(mut study: Study) -> anyhow::Result<Synthesis> {
    let f = frames(&study, false)?;
    study.ws_mut().tables.segments = DataFrame::default();
    let s = merge_frames(&study, f)?;
    study.ws().save_synthesis(&s)?;
    Ok(s)
}

/// Every synthesis table of a study.
fn compute(study: &Study) -> anyhow::Result<Synthesis> {
    merge_frames(study, frames(study, false)?)
}

/// Every synthesis table, computed from `f` (dropped on return). The
/// merge reads neither the segments nor the codings but what the tables
/// prepared of them: both are dropped first (the last copies, where the
/// study holds no segments).
fn merge_frames(study: &Study, mut f: Frames) -> anyhow::Result<Synthesis> {
    let (tables, prepared) = synthesis::tables(&input(study, &f))?;
    f.codings = DataFrame::default();
    f.segments = DataFrame::default();
    Ok(synthesis::merged(tables, &input(study, &f), prepared)?)
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
        let f = frames(study, true)?;
        let inp = input(study, &f);
        let segments = synthesis::matrix::explain_cell(&inp, code, group)?;
        return Ok(crate::render::synthesis::explain_cell(
            code, group, &segments, width,
        ));
    }
    fresh::require_current(study)?;
    let s = study
        .ws()
        .read_synthesis_summary()?
        .ok_or(PipelineError::NotSynthesised)?;
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
    // Only the rows of this recommendation (a consultation has millions).
    let (members, evidence) = study.ws().read_recommendation_rows(&HashSet::from([id]))?;
    Ok(crate::render::synthesis::explain_recommendation(
        rec, &members, &evidence, &text_of, width,
    ))
}
