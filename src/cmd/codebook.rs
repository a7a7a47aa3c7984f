//! `qualsynth codebook check|show|convert`.

use crate::cli::{CodebookCheckArgs, CodebookConvertArgs, CodebookShowArgs};
use crate::codebook::diagnostics::summary;
use crate::codebook::show as tree;
use crate::pipeline::codebook::HITS_SHOWN;
use crate::pipeline::{Feedback, codebook};
use crate::render::listing::{Format, Listing};
use crate::terminal as output;

/// Checks a codebook: diagnostics with caret excerpts on stderr, then a
/// summary; fails (exit 1) when there are errors.
/// With a study, the hits of every rule go to stdout as one table: on a
/// terminal the silent rules and the top ones (`--verbose`: all), in CSV
/// or JSON every rule.
pub fn check(a: CodebookCheckArgs, fb: &dyn Feedback) -> anyhow::Result<()> {
    let (c, hits) = codebook::check(&a.file, a.study.as_deref())?;
    let diags = c.diagnostics();
    fb.diagnostics(&c.name, &c.text, &diags);
    if let Some(h) = hits {
        match output::list_format(a.format) {
            Format::Table => {
                let limit = if fb.verbose() { usize::MAX } else { HITS_SHOWN };
                output::print(hits_table(&h.shown(limit), output::width()))?;
            }
            f => output::print_listing(&rule_hits(&c.name, &h), f)?,
        }
        fb.info(&format!(
            "{} of {} rules match nothing in the study ({} segments)",
            h.silent(),
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

/// The terminal table: code, rule, where it is written, the segments it
/// matches and a mark on those matching none; then what was left out.
fn hits_table(s: &codebook::ShownHits<'_>, width: u16) -> String {
    let mut l = Listing::new(&["code", "rule", "at", "hits", "note"]);
    for r in &s.rows {
        let at = (r.origin.line > 0).then(|| format!("{}:{}", r.origin.line, r.origin.column));
        let note = (r.segments == 0).then(|| "no hits".to_owned());
        l.rows.push(vec![
            Some(r.code.clone()),
            Some(r.rule.clone()),
            at,
            Some(r.segments.to_string()),
            note,
        ]);
    }
    let mut out = l.to_table(width);
    let hidden = s.hidden_with_hits + s.hidden_silent;
    if hidden > 0 {
        out.push_str(&format!(
            "… and {hidden} more rules ({} with hits, {} with none; all of them: --verbose, or --format csv)\n",
            s.hidden_with_hits, s.hidden_silent
        ));
    }
    out
}

/// One row per rule, for programs: where it is written, its code, the
/// rule and the segments it matches.
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
