//! `qualsynth status`: a summary of the study.

use crate::cli::{ListFormat, StatusArgs};
use crate::store::Workspace;

/// Prints the summary.
pub fn run(a: StatusArgs) -> anyhow::Result<()> {
    let ws = Workspace::open(&a.study.study)?;
    print(&ws, a.format.unwrap_or(ListFormat::Table))
}

/// Prints a workspace's summary in a format (also used by `run`).
pub fn print(ws: &Workspace, format: ListFormat) -> anyhow::Result<()> {
    let text = crate::render::status::render(
        &ws.manifest.manifest.study,
        &ws.tables,
        format,
        super::output::width(),
    )?;
    use std::io::Write;
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}
