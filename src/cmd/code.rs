//! `qualsynth code`: codes a study's segments (`--explain SEGMENT` shows
//! one), or codes a file to stdout without a study.

use crate::cli::{CodeArgs, CodeFormat};
use crate::pipeline::code::{self, FileOptions};
use crate::pipeline::{Feedback, Study};
use crate::render::codings::{TableFormat, explain, tally_listing};
use crate::terminal as output;

/// Codes the study, or explains one segment.
pub fn study(a: CodeArgs, fb: &dyn Feedback) -> anyhow::Result<()> {
    let mut columns = code::CODING_COLUMNS.to_vec();
    if a.explain.is_some() {
        columns.push("key");
    }
    let mut study = Study::open_segment_columns(&a.study, &columns)?;
    if let Some(id) = &a.explain {
        let shown: Vec<String> = code::explain(&mut study, a.codebook.as_deref(), id, fb)?
            .iter()
            .map(|e| explain(&e.id, &e.lang, &e.text, &e.codings, output::width()))
            .collect();
        output::print(shown.join("\n"))?;
        return Ok(());
    }
    let coded = code::code_study_spread(&mut study, a.codebook.as_deref(), a.spread, fb)?;
    fb.info(&format!(
        "coded {} segments: {} codings of {} codes",
        coded.segments,
        coded.codings,
        coded.applied()
    ));
    output::print_listing(&tally_listing(&coded.tallies), output::list_format(None))?;
    Ok(())
}

/// Codes a file to stdout.
pub fn file(a: CodeArgs, fb: &dyn Feedback) -> anyhow::Result<()> {
    let (Some(file), Some(codebook)) = (a.file, a.codebook) else {
        anyhow::bail!("coding a file needs a codebook: --codebook FILE");
    };
    let o = FileOptions {
        file,
        codebook,
        id_column: a.id_column,
        text_column: a.text_column,
        lang: a.lang,
        counts: a.counts,
        format: match a.format {
            CodeFormat::Csv => TableFormat::Csv,
            CodeFormat::Jsonl => TableFormat::Jsonl,
        },
    };
    let mut out = std::io::stdout().lock();
    code::code_file(&o, &mut out, fb)
}
