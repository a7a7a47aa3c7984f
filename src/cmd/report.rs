//! `qualsynth report`: the synthesis tables for people and programs.

use crate::cli::{ReportArgs, ReportFormat, ReportTable};
use crate::pipeline::Study;
use crate::pipeline::report::{self, Format};
use crate::render::html;
use crate::render::report::{Filter, Kind};
use crate::terminal as output;

/// Writes the report.
pub fn run(a: ReportArgs) -> anyhow::Result<()> {
    let study = Study::open_segment_columns(&a.study.study, &report::REPORT_COLUMNS)?;
    let filter = Filter {
        group: a.group.clone(),
        code: a.code.clone(),
    };
    let format = match a.format {
        Some(f) => format(f),
        None if output::stdout_is_terminal() => Format::Table,
        None => Format::Csv,
    };
    // The HTML report lists the first recommendations and counts the
    // others: only those are read whole.
    let (loaded, counts) = if format == Format::Html {
        let (loaded, counts) = report::load_listed(&study, &filter, html::LISTED)?;
        (loaded, Some(counts))
    } else {
        (report::load(&study)?, None)
    };
    loaded.check_filter(&filter)?;
    let kinds: Vec<Kind> = match (a.table, format) {
        (Some(ReportTable::All), _) | (None, Format::Xlsx | Format::Html) => Kind::ALL.to_vec(),
        (Some(t), _) => vec![kind(t)],
        (None, _) => vec![Kind::Recommendations],
    };
    let tables = loaded.build(&kinds, &filter);
    if format == Format::Csv && tables.len() > 1 {
        let Some(dir) = &a.out else {
            anyhow::bail!("--table all --format csv needs --out DIR");
        };
        return report::write_csv_dir(dir, &tables);
    }
    if matches!(format, Format::Xlsx | Format::Html) && a.out.is_none() {
        let name = if format == Format::Xlsx {
            "xlsx"
        } else {
            "html"
        };
        anyhow::bail!("--format {name} writes a file: add --out FILE");
    }
    let bytes = report::render(
        &study,
        format,
        &tables,
        counts,
        output::width(),
        output::colour(),
    )?;
    match &a.out {
        Some(path) => report::write_file(path, &bytes),
        None => Ok(output::print(bytes)?),
    }
}

fn format(f: ReportFormat) -> Format {
    match f {
        ReportFormat::Table => Format::Table,
        ReportFormat::Markdown => Format::Markdown,
        ReportFormat::Csv => Format::Csv,
        ReportFormat::Json => Format::Json,
        ReportFormat::Xlsx => Format::Xlsx,
        ReportFormat::Html => Format::Html,
    }
}

fn kind(t: ReportTable) -> Kind {
    match t {
        ReportTable::Recommendations | ReportTable::All => Kind::Recommendations,
        ReportTable::Themes => Kind::Themes,
        ReportTable::Matrix => Kind::Matrix,
        ReportTable::Convergence => Kind::Convergence,
        ReportTable::Quotes => Kind::Quotes,
        ReportTable::Sources => Kind::Sources,
        ReportTable::NonProposals => Kind::NonProposals,
        ReportTable::Methods => Kind::Methods,
        ReportTable::Tensions => Kind::Tensions,
    }
}
