//! `qualsynth codebook check|show|convert`.

use crate::cli::{CodebookCheckArgs, CodebookConvertArgs, CodebookShowArgs};
use crate::codebook::diagnostics::summary;
use crate::codebook::show as tree;
use crate::pipeline::{Feedback, codebook};
use crate::render::listing::Listing;
use crate::terminal as output;

/// Checks a codebook: diagnostics with caret excerpts on stderr, then a
/// summary; fails (exit 1) when there are errors.
/// With a study, the hits of every rule go to stdout as one table.
pub fn check(a: CodebookCheckArgs, fb: &dyn Feedback) -> anyhow::Result<()> {
    let (c, hits) = codebook::check(&a.file, a.study.as_deref())?;
    let diags = c.diagnostics();
    fb.diagnostics(&c.name, &c.text, &diags);
    if let Some(h) = hits {
        output::print_listing(&rule_hits(&c.name, &h), output::list_format(None))?;
        let silent = h.rules.iter().filter(|r| r.segments == 0).count();
        fb.info(&format!(
            "{silent} of {} rules match nothing in the study ({} segments)",
            h.rules.len(),
            h.segments
        ));
    }
    let line = summary(&c.name, &diags);
    if c.has_errors() {
        anyhow::bail!(line);
    }
    fb.info(&line);
    Ok(())
}

/// One row per rule: where it is written, its code, the rule and the
/// segments it matches.
fn rule_hits(name: &str, h: &codebook::Hits) -> Listing {
    let mut l = Listing::new(&["location", "code", "rule", "segments"]);
    for r in &h.rules {
        l.rows.push(vec![
            Some(format!("{name}:{}:{}", r.origin.line, r.origin.column)),
            Some(r.code.clone()),
            Some(r.rule.clone()),
            Some(r.segments.to_string()),
        ]);
    }
    l
}

/// Prints the code tree.
pub fn show(a: CodebookShowArgs, fb: &dyn Feedback) -> anyhow::Result<()> {
    let l = codebook::load(&a.file)?;
    output::print(tree::render(&l.codebook))?;
    let n = l.warnings().len();
    if n > 0 {
        fb.note(&format!(
            "{n} warning{}; see `qualsynth codebook check {}`",
            if n == 1 { "" } else { "s" },
            a.file.display()
        ));
    }
    Ok(())
}

/// Converts a codebook between formats, by extension.
pub fn convert(a: CodebookConvertArgs, fb: &dyn Feedback) -> anyhow::Result<()> {
    codebook::convert(&a.input, &a.output, fb)
}
