//! `qualsynth status`: a summary of the study.

use crate::cli::{ListFormat, StatusArgs};
use crate::store::Workspace;

/// Prints the summary, and on a table where the coding stands.
pub fn run(a: StatusArgs) -> anyhow::Result<()> {
    let ws = Workspace::open(&a.study.study)?;
    let format = a.format.unwrap_or(ListFormat::Table);
    print(&ws, format)?;
    if format == ListFormat::Table {
        println!("\n{}", coding_state(&ws));
    }
    Ok(())
}

/// One line on the codings: absent, current, or out of date and why.
fn coding_state(ws: &Workspace) -> String {
    match ws.coding_provenance() {
        None => "not coded yet: `qualsynth code --codebook FILE`".to_owned(),
        Some(p) => match super::synthesize::check_fresh(ws) {
            Ok(()) => format!(
                "coded: {} codings in {} segments with {}",
                p.codings, p.segments, p.codebook
            ),
            Err(e) => format!("coded, but out of date: {e}"),
        },
    }
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
