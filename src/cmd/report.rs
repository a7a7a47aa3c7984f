//! `qualsynth report`: the synthesis tables for people and programs.

use std::io::{IsTerminal, Write};
use std::path::Path;

use anyhow::Context;

use crate::cli::{ReportArgs, ReportFormat, ReportTable};
use crate::render::report::{self, Built, Filter, Frames, Kind};
use crate::store::Workspace;
use crate::store::atomic::write_atomic;
use crate::store::tables::sources_frame;

use super::output;

const NOT_SYNTHESISED: &str =
    "the study is not synthesised yet; run `qualsynth synthesize` (or `qualsynth run`)";

/// Writes the report.
pub fn run(a: ReportArgs) -> anyhow::Result<()> {
    let ws = Workspace::open(&a.study.study)?;
    let load = |name: &str| -> anyhow::Result<_> {
        ws.synthesis_table(name)?
            .ok_or_else(|| anyhow::anyhow!(NOT_SYNTHESISED))
    };
    let (recs, conv, matrix, quotes) = (
        load("recommendations")?,
        load("convergence")?,
        load("matrix")?,
        load("quotes")?,
    );
    super::synthesize::check_fresh(&ws)?;
    let sources = sources_frame(&ws.tables.sources)?;
    let frames = Frames {
        recommendations: &recs,
        convergence: &conv,
        matrix: &matrix,
        quotes: &quotes,
        sources: &sources,
    };
    let filter = Filter {
        group: a.group.clone(),
        code: a.code.clone(),
    };
    let kinds: Vec<Kind> = match a.table {
        ReportTable::All => Kind::ALL.to_vec(),
        t => vec![kind(t)],
    };
    let built = kinds
        .iter()
        .map(|k| report::build(*k, &frames, &filter))
        .collect::<Result<Vec<Built>, _>>()
        .context("cannot build the report")?;
    let format = a.format.unwrap_or(if std::io::stdout().is_terminal() {
        ReportFormat::Table
    } else {
        ReportFormat::Csv
    });
    if format == ReportFormat::Csv && built.len() > 1 {
        let Some(dir) = &a.out else {
            anyhow::bail!("--table all --format csv needs --out DIR");
        };
        return csv_dir(dir, &built);
    }
    let bytes = match format {
        ReportFormat::Table => report::to_table(&built, output::width()).into_bytes(),
        ReportFormat::Markdown => report::to_markdown(&built).into_bytes(),
        ReportFormat::Csv => {
            let mut out = Vec::new();
            built[0].listing.write_csv(&mut out)?;
            out
        }
        ReportFormat::Json => report::to_json(&ws.manifest.manifest.study.title, &built)?,
    };
    match &a.out {
        Some(path) => {
            write_atomic(path, &bytes).with_context(|| format!("cannot write {}", path.display()))
        }
        None => Ok(std::io::stdout().lock().write_all(&bytes)?),
    }
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
