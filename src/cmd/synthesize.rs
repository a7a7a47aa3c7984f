//! `qualsynth synthesize`: cross-group tables from a coded study, stored
//! under `data/synthesis/`; `--explain ID` traces one row to its segments.

use crate::cli::SynthesizeArgs;
use crate::pipeline::{Study, synthesize};
use crate::render::synthesis::{Bound, SHOWN, summary};
use crate::terminal as output;

/// Synthesises the study and prints a summary, or explains one row.
pub fn run(a: SynthesizeArgs) -> anyhow::Result<()> {
    // Explaining a merged recommendation quotes its members' texts: it
    // reads no other segment column.
    let columns: &[&str] = match &a.explain {
        Some(id) if !id.contains('@') => &synthesize::EXPLAIN_COLUMNS,
        _ => &synthesize::SYNTHESIS_COLUMNS,
    };
    let study = Study::open_segment_columns(&a.study.study, columns)?;
    let text = match &a.explain {
        Some(id) => synthesize::explain(&study, id, output::width())?,
        None => {
            let bound = if a.all { Bound::ALL } else { SHOWN };
            let note = crate::render::status::left_out_note(&synthesize::left_out(&study)?);
            let mut text = summary(
                &synthesize::synthesize_study(study)?,
                output::width(),
                bound,
            );
            if let Some(n) = note {
                text.push_str(&format!("\nnote: {n}\n"));
            }
            text
        }
    };
    output::print(text)?;
    Ok(())
}
