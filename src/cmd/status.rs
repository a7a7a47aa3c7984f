//! `qualsynth status`: a summary of the study.

use crate::cli::{ListFormat, StatusArgs};
use crate::pipeline::{Study, status};
use crate::terminal as output;

/// Prints the summary, and on a table where the coding stands.
pub fn run(a: StatusArgs) -> anyhow::Result<()> {
    let study = Study::open(&a.study.study)?;
    let format = output::list_format(Some(a.format.unwrap_or(ListFormat::Table)));
    output::print(status::text(&study, format, output::width())?)?;
    Ok(())
}
