//! What a study holds: its summary per group and source, where its coding
//! stands, and its segments.

use super::fresh::{self, CodingState};
use super::{PipelineError, Study};
use crate::corpus::{GroupSummary, Segment, Source};
use crate::store::summary::by_group;
use crate::store::tables::segments_from;

/// A study's summary.
#[derive(Debug, Clone)]
pub struct Summary {
    /// Counts per group, sorted by name.
    pub groups: Vec<GroupSummary>,
    /// The total row.
    pub total: GroupSummary,
    /// The sources, in manifest order.
    pub sources: Vec<Source>,
}

/// The summary of a study.
pub fn summary(study: &Study) -> anyhow::Result<Summary> {
    let (groups, total) = by_group(&study.ws().tables)?;
    Ok(Summary {
        groups,
        total,
        sources: study.ws().tables.sources.clone(),
    })
}

/// One line on the codings: absent, current, or out of date and why.
pub fn coding_line(study: &Study) -> anyhow::Result<String> {
    Ok(match fresh::coding_state(study)? {
        CodingState::NotCoded => "not coded yet: `qualsynth code --codebook FILE`".to_owned(),
        CodingState::Current(p) => format!(
            "coded: {} codings in {} segments with {}",
            p.codings, p.segments, p.codebook
        ),
        CodingState::Stale { reason, .. } => format!(
            "coded, but out of date: {reason}; run `qualsynth code --study {}` again",
            study.dir().display()
        ),
    })
}

/// Segments of a study, in table order, with participants' display names.
#[derive(Debug, Clone)]
pub struct Segments {
    /// The segments kept.
    pub rows: Vec<Segment>,
    /// Participant id to display name.
    pub names: std::collections::BTreeMap<String, String>,
}

/// The segments of a group and of a source (id or path), when given; an
/// unknown group or source is an error listing the known ones.
pub fn segments(
    study: &Study,
    group: Option<&str>,
    source: Option<&str>,
) -> anyhow::Result<Segments> {
    let t = &study.ws().tables;
    let source_id = match source {
        None => None,
        Some(s) => match t.sources.iter().find(|x| x.id == s || x.path == s) {
            Some(x) => Some(x.id.clone()),
            None => {
                let known: Vec<String> = t.sources.iter().map(|x| x.id.clone()).collect();
                return Err(PipelineError::unknown("source", s, "sources", &known).into());
            }
        },
    };
    let groups = t.segment_strs("group")?;
    if let Some(g) = group
        && !groups.contains(&g)
    {
        let mut known: Vec<String> = groups.iter().map(|g| (*g).to_owned()).collect();
        known.sort();
        known.dedup();
        return Err(PipelineError::unknown("group", g, "groups", &known).into());
    }
    let sources = t.segment_strs("source_id")?;
    let keep: polars::prelude::BooleanChunked = groups
        .iter()
        .zip(&sources)
        .map(|(g, s)| group.is_none_or(|x| x == *g) && source_id.as_deref().is_none_or(|x| x == *s))
        .collect();
    Ok(Segments {
        rows: segments_from(&t.segments.filter(&keep)?)?,
        names: t
            .participants
            .iter()
            .map(|p| (p.id.clone(), p.name.clone()))
            .collect(),
    })
}

/// The summary as `status` prints it (with, on a table, where the coding
/// stands).
pub fn text(
    study: &Study,
    format: crate::render::listing::Format,
    width: u16,
) -> anyhow::Result<String> {
    use crate::render::status::{Status, render};
    let s = summary(study)?;
    let view = Status {
        title: study.title(),
        lang: study.lang(),
        groups: &s.groups,
        total: &s.total,
        sources: &s.sources,
    };
    let mut out = render(&view, format, width)?;
    if format == crate::render::listing::Format::Table {
        out.push_str(&format!("\n{}\n", coding_line(study)?));
        if let Some(l) = coders_line(study)? {
            out.push_str(&format!("{l}\n"));
        }
    }
    Ok(out)
}

/// The human coders and what each coded, when the study has any.
pub fn coders_line(study: &Study) -> anyhow::Result<Option<String>> {
    let rows = study.ws().human_codings()?;
    if rows.is_empty() {
        return Ok(None);
    }
    let mut by: std::collections::BTreeMap<&str, (std::collections::BTreeSet<&str>, usize)> =
        std::collections::BTreeMap::new();
    for r in &rows {
        let e = by.entry(r.coder.as_str()).or_default();
        e.0.insert(r.segment_id.as_str());
        if r.code.is_some() {
            e.1 += 1;
        }
    }
    let list: Vec<String> = by
        .iter()
        .map(|(c, (segs, n))| format!("{c} ({} segments read, {n} codings)", segs.len()))
        .collect();
    Ok(Some(format!(
        "human coders: {}; `qualsynth agree` compares them with auto",
        list.join(", ")
    )))
}
