//! `qualsynth report`: the synthesis tables for people and programs.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::Context;
use polars::prelude::DataFrame;

use crate::cli::{ReportArgs, ReportFormat, ReportTable};
use crate::render::report::{self, Built, Filter, Frames, Kind};
use crate::render::{html, xlsx};
use crate::store::Workspace;
use crate::store::atomic::write_atomic;
use crate::store::tables::{participants_frame, sources_frame};

use super::output;

const NOT_SYNTHESISED: &str =
    "the study is not synthesised yet; run `qualsynth synthesize` (or `qualsynth run`)";

/// Writes the report.
pub fn run(a: ReportArgs) -> anyhow::Result<()> {
    let ws = Workspace::open(&a.study.study)?;
    let loaded = Loaded::read(&ws)?;
    let filter = Filter {
        group: a.group.clone(),
        code: a.code.clone(),
    };
    loaded.check_filter(&filter)?;
    let format = a.format.unwrap_or(if std::io::stdout().is_terminal() {
        ReportFormat::Table
    } else {
        ReportFormat::Csv
    });
    let kinds: Vec<Kind> = match (a.table, format) {
        (Some(ReportTable::All), _) | (None, ReportFormat::Xlsx | ReportFormat::Html) => {
            Kind::ALL.to_vec()
        }
        (Some(t), _) => vec![kind(t)],
        (None, _) => vec![Kind::Recommendations],
    };
    let built = loaded.build(&kinds, &filter)?;
    if format == ReportFormat::Csv && built.len() > 1 {
        let Some(dir) = &a.out else {
            anyhow::bail!("--table all --format csv needs --out DIR");
        };
        return csv_dir(dir, &built);
    }
    if matches!(format, ReportFormat::Xlsx | ReportFormat::Html) && a.out.is_none() {
        anyhow::bail!(
            "--format {} writes a file: add --out FILE",
            if format == ReportFormat::Xlsx {
                "xlsx"
            } else {
                "html"
            }
        );
    }
    let bytes = render(
        &ws,
        &loaded,
        format,
        &built,
        output::width(),
        output::colour(),
    )?;
    match &a.out {
        Some(path) => {
            write_atomic(path, &bytes).with_context(|| format!("cannot write {}", path.display()))
        }
        None => Ok(std::io::stdout().lock().write_all(&bytes)?),
    }
}

/// The stored tables a report reads.
pub struct Loaded {
    pub(super) recs: DataFrame,
    conv: DataFrame,
    matrix: DataFrame,
    quotes: DataFrame,
    pub(super) members: DataFrame,
    evidence: DataFrame,
    sources: DataFrame,
}

impl Loaded {
    /// Reads the synthesis tables; refuses a study not synthesised, or
    /// whose codings are stale.
    pub fn read(ws: &Workspace) -> anyhow::Result<Self> {
        let loaded = Self::read_current(ws)?;
        super::synthesize::check_fresh(ws)?;
        Ok(loaded)
    }

    /// Reads the synthesis tables of a study whose codings the caller has
    /// found current.
    pub fn read_current(ws: &Workspace) -> anyhow::Result<Self> {
        let load = |name: &str| -> anyhow::Result<_> {
            ws.synthesis_table(name)?
                .ok_or_else(|| anyhow::anyhow!(NOT_SYNTHESISED))
        };
        Ok(Loaded {
            recs: load("recommendations")?,
            conv: load("convergence")?,
            matrix: load("matrix")?,
            quotes: load("quotes")?,
            members: load("recommendation_members")?,
            evidence: load("recommendation_evidence")?,
            sources: sources_frame(&ws.tables.sources)?,
        })
    }

    /// Refuses a group or code the study does not have (a typo would
    /// otherwise give empty tables), naming the ones it has.
    pub fn check_filter(&self, filter: &Filter) -> anyhow::Result<()> {
        if let Some(g) = &filter.group {
            let groups = report::distinct(&self.matrix, "group")?;
            if !groups.contains(g) {
                anyhow::bail!(
                    "no group {g:?} in this study; groups: {}",
                    groups.join(", ")
                );
            }
        }
        if let Some(c) = &filter.code {
            let codes = report::distinct(&self.conv, "code")?;
            if !codes.contains(c) {
                anyhow::bail!("no code {c:?} in the codebook; codes: {}", codes.join(", "));
            }
        }
        Ok(())
    }

    /// Builds the tables asked for.
    pub fn build(&self, kinds: &[Kind], filter: &Filter) -> anyhow::Result<Vec<Built>> {
        let frames = Frames {
            recommendations: &self.recs,
            convergence: &self.conv,
            matrix: &self.matrix,
            quotes: &self.quotes,
            sources: &self.sources,
        };
        kinds
            .iter()
            .map(|k| report::build(*k, &frames, filter))
            .collect::<Result<Vec<Built>, _>>()
            .context("cannot build the report")
    }
}

/// The bytes of a one-file report (every format but CSV of several tables).
pub fn render(
    ws: &Workspace,
    loaded: &Loaded,
    format: ReportFormat,
    built: &[Built],
    width: u16,
    colour: bool,
) -> anyhow::Result<Vec<u8>> {
    let title = &ws.manifest.manifest.study.title;
    Ok(match format {
        ReportFormat::Table => report::to_table(built, width, colour).into_bytes(),
        ReportFormat::Markdown => report::to_markdown(built).into_bytes(),
        ReportFormat::Csv => {
            let mut out = Vec::new();
            if let Some(b) = built.first() {
                b.listing.write_csv(&mut out)?;
            }
            out
        }
        ReportFormat::Json => report::to_json(title, built)?,
        ReportFormat::Xlsx => xlsx::to_xlsx(title, built).context("cannot build the workbook")?,
        ReportFormat::Html => {
            let details = report::rec_details(
                &loaded.members,
                &loaded.evidence,
                &ws.tables.segments,
                &participants_frame(&ws.tables.participants)?,
            )?;
            html::to_html(title, built, &details).into_bytes()
        }
    })
}

/// One CSV file per table in `dir` (created if needed).
fn csv_dir(dir: &Path, built: &[Built]) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for b in built {
        let mut out = Vec::new();
        b.listing.write_csv(&mut out)?;
        let path = dir.join(format!("{}.csv", b.kind.name()));
        write_atomic(&path, &out).with_context(|| format!("cannot write {}", path.display()))?;
    }
    Ok(())
}

fn kind(t: ReportTable) -> Kind {
    match t {
        ReportTable::Recommendations | ReportTable::All => Kind::Recommendations,
        ReportTable::Themes => Kind::Themes,
        ReportTable::Matrix => Kind::Matrix,
        ReportTable::Convergence => Kind::Convergence,
        ReportTable::Quotes => Kind::Quotes,
        ReportTable::Sources => Kind::Sources,
    }
}
