//! The report stage: the stored synthesis tables read once, checked
//! against the filter, built into the report's typed tables and rendered
//! in any format.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use anyhow::Context;

use super::{PipelineError, Study, fresh, synthesize};
use crate::corpus::Source;
use crate::render::report::details::{Quoted, rec_details};
use crate::render::report::{self, Filter, Input, Kind, Table};
use crate::render::{html, xlsx};
use crate::store::atomic::write_atomic;
use crate::synthesis::Synthesis;
use crate::synthesis::recommendations::EvidenceRow;

/// The segment columns a report reads: the quoted segments' ids, sources,
/// speakers and texts (and what tells whether the codings are current).
pub const REPORT_COLUMNS: [&str; 4] = ["segment_id", "source_id", "participant_id", "text"];

/// A report format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Terminal tables.
    Table,
    /// Markdown pipe tables.
    Markdown,
    /// CSV, one table.
    Csv,
    /// The JSON report.
    Json,
    /// The Excel workbook.
    Xlsx,
    /// The HTML board report.
    Html,
}

/// What a report reads: the synthesis tables and the sources.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The stored synthesis, without the members and evidence of the
    /// merged recommendations (read for those the HTML report details).
    pub synthesis: Synthesis,
    /// The study's sources.
    pub sources: Vec<Source>,
}

/// Reads the synthesis tables of a study whose codings are current.
pub fn load(study: &Study) -> anyhow::Result<Loaded> {
    let loaded = load_current(study)?;
    fresh::require_current(study)?;
    Ok(loaded)
}

/// [`load`] for a report that lists only the first `listed`
/// recommendations `filter` keeps (the HTML report): only those are read
/// whole, the others only counted (at 2,000,000 contributions, reading the
/// 1.8 M merged recommendations as rows took 7 to 11 s and most of the
/// report's 4.5 GB).
pub fn load_listed(
    study: &Study,
    filter: &Filter,
    listed: usize,
) -> anyhow::Result<(Loaded, html::RecCounts)> {
    let ws = study.ws();
    let mut synthesis = ws
        .read_synthesis_summary_but_recommendations()?
        .ok_or(PipelineError::NotSynthesised)?;
    let mut columns = vec!["rank", "actionable", "curated"];
    if !filter.is_empty() {
        columns.extend(["groups", "codes"]);
    }
    let mut counts = html::RecCounts::default();
    let mut rows: Vec<u32> = Vec::new();
    if let Some(df) = ws.recommendation_columns(&columns)? {
        // A column the table lacks (written before it existed) counts as
        // false, or as no groups and codes.
        let flag = |name: &str| -> anyhow::Result<Vec<bool>> {
            match df.column(name) {
                Ok(c) => Ok(c.bool()?.iter().map(Option::unwrap_or_default).collect()),
                Err(_) => Ok(vec![false; df.height()]),
            }
        };
        let (actionable, curated) = (flag("actionable")?, flag("curated")?);
        let lists = |name: &str| -> anyhow::Result<Vec<Vec<String>>> {
            match df.column(name) {
                Ok(_) => crate::rows::read_column(&df, name).map_err(Into::into),
                Err(_) => Ok(vec![Vec::new(); df.height()]),
            }
        };
        let (groups, codes) = if filter.is_empty() {
            (Vec::new(), Vec::new())
        } else {
            (lists("groups")?, lists("codes")?)
        };
        for i in 0..df.height() {
            if !filter.is_empty() && !filter.keeps_recommendation(&groups[i], &codes[i]) {
                continue;
            }
            counts.total += 1;
            counts.actionable += usize::from(actionable[i]);
            counts.curated |= curated[i];
            if rows.len() < listed {
                rows.push(i as u32);
            }
        }
    }
    synthesis.recommendations = ws.recommendations_at(&rows)?;
    let loaded = Loaded {
        synthesis,
        sources: ws.tables.sources.clone(),
    };
    fresh::require_current(study)?;
    Ok((loaded, counts))
}

/// Reads the synthesis tables of a study whose codings the caller found
/// current.
pub fn load_current(study: &Study) -> anyhow::Result<Loaded> {
    Ok(Loaded {
        synthesis: study
            .ws()
            .read_synthesis_summary()?
            .ok_or(PipelineError::NotSynthesised)?,
        sources: study.ws().tables.sources.clone(),
    })
}

impl Loaded {
    /// The report's input.
    pub fn input(&self) -> Input<'_> {
        let s = &self.synthesis;
        Input {
            recommendations: &s.recommendations,
            convergence: &s.convergence,
            matrix: &s.matrix,
            quotes: &s.quotes,
            sources: &self.sources,
            non_proposals: &s.non_proposals,
            method_items: &s.method_items,
            tensions: &s.tensions,
        }
    }

    /// Refuses a group or code the study does not have (a typo would
    /// otherwise give empty tables), naming the ones it has.
    pub fn check_filter(&self, filter: &Filter) -> anyhow::Result<()> {
        if let Some(g) = &filter.group {
            let groups = report::lines::groups(&self.synthesis.matrix);
            if !groups.contains(g) {
                return Err(PipelineError::unknown("group", g, "groups", &groups).into());
            }
        }
        if let Some(c) = &filter.code {
            let mut codes: Vec<String> = self
                .synthesis
                .convergence
                .iter()
                .map(|r| r.code.clone())
                .collect();
            codes.sort();
            if !codes.contains(c) {
                return Err(PipelineError::Unknown {
                    what: "code",
                    name: c.clone(),
                    known: format!("codes: {}", codes.join(", ")),
                }
                .into());
            }
        }
        Ok(())
    }

    /// Builds the tables asked for.
    pub fn build(&self, kinds: &[Kind], filter: &Filter) -> Vec<Table> {
        let input = self.input();
        kinds
            .iter()
            .map(|k| report::build(*k, &input, filter))
            .collect()
    }
}

/// The bytes of a one-file report (every format but CSV of several tables,
/// for which CSV renders the first table).
///
/// An HTML report whose recommendations table lists only the first of
/// them gets their `counts` ([`load_listed`]); other formats ignore it.
pub fn render(
    study: &Study,
    format: Format,
    tables: &[Table],
    counts: Option<html::RecCounts>,
    width: u16,
    colour: bool,
) -> anyhow::Result<Vec<u8>> {
    let title = study.title();
    Ok(match format {
        Format::Table => report::to_table(tables, width, colour).into_bytes(),
        Format::Markdown => report::to_markdown(tables).into_bytes(),
        Format::Csv => match tables.first() {
            Some(t) => report::to_csv(t)?,
            None => Vec::new(),
        },
        Format::Json => report::to_json(title, tables)?,
        Format::Xlsx => xlsx::to_xlsx(title, tables).context("cannot build the workbook")?,
        Format::Html => {
            let detailed: HashSet<&str> = tables
                .iter()
                .flat_map(|t| t.recommendations().iter().take(html::DETAILED))
                .map(|r| r.id.as_str())
                .collect();
            let (members, evidence) = study.ws().read_recommendation_rows(&detailed)?;
            let details = rec_details(&members, &evidence, &quoted(study, &evidence)?);
            let notes: Vec<String> =
                crate::render::status::left_out_note(&synthesize::left_out(study)?)
                    .into_iter()
                    .collect();
            html::to_html_counted(title, tables, counts, &details, &notes).into_bytes()
        }
    })
}

/// The segments quoted as evidence, with their speakers' display names
/// and sources (one pass over the segments).
fn quoted(study: &Study, evidence: &[EvidenceRow]) -> anyhow::Result<HashMap<String, Quoted>> {
    let wanted: HashSet<&str> = evidence.iter().map(|e| e.segment_id.as_str()).collect();
    let mut out = HashMap::new();
    if wanted.is_empty() {
        return Ok(out);
    }
    let t = &study.ws().tables;
    let names: HashMap<&str, &str> = t
        .participants
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    let segs = &t.segments;
    let (ids, sources, who, texts) = (
        segs.column("segment_id")?.str()?,
        segs.column("source_id")?.str()?,
        segs.column("participant_id")?.str()?,
        segs.column("text")?.str()?,
    );
    for i in 0..segs.height() {
        let Some(id) = ids.get(i).filter(|id| wanted.contains(id)) else {
            continue;
        };
        out.insert(
            id.to_owned(),
            Quoted {
                participant: who
                    .get(i)
                    .map(|w| names.get(w).copied().unwrap_or(w).to_owned()),
                source: sources.get(i).unwrap_or_default().to_owned(),
                text: texts.get(i).unwrap_or_default().to_owned(),
            },
        );
    }
    Ok(out)
}

/// One CSV file per table in `dir` (created if needed), named after it.
pub fn write_csv_dir(dir: &Path, tables: &[Table]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for t in tables {
        let path = dir.join(format!("{}.csv", t.kind().name()));
        // The error names the file already (`cannot write …`).
        write_atomic(&path, &report::to_csv(t)?)?;
    }
    Ok(())
}

/// Writes a one-file report atomically.
pub fn write_file(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    Ok(write_atomic(path, bytes)?)
}
