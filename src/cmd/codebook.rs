//! `qualsynth codebook check|show|convert`, and [`load`], which other
//! commands use to read a codebook file.

use std::collections::HashSet;
use std::path::Path;

use anyhow::Context;

use crate::cli::{CodebookCheckArgs, CodebookConvertArgs, CodebookShowArgs};
use crate::codebook::diagnostics::{self, one_line, render_all, summary};
use crate::codebook::formats::{self, Lenient};
use crate::codebook::{Codebook, Diagnostic, Severity, check as checker, show as tree};
use crate::coding::Coder;
use crate::store::Workspace;
use crate::store::atomic::write_atomic;

/// A codebook file as read: its name for messages, decoded text, and what
/// the reader made of it.
struct Read {
    name: String,
    text: String,
    lenient: Lenient,
}

fn read_file(path: &Path) -> anyhow::Result<Read> {
    let name = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    formats::check_extension(ext).map_err(|m| anyhow::anyhow!("{name}: {m}"))?;
    let bytes = std::fs::read(path).map_err(|e| crate::store::StoreError::io(path, "read", e))?;
    let (text, lenient) = match formats::decode_text(&bytes) {
        Ok(text) => {
            let l = formats::read_lenient(&name, ext, &text);
            (text, l)
        }
        Err(d) => (
            String::new(),
            Lenient {
                codebook: None,
                diagnostics: vec![d],
            },
        ),
    };
    Ok(Read {
        name,
        text,
        lenient,
    })
}

/// A codebook read and checked without errors.
struct Loaded {
    name: String,
    text: String,
    codebook: Codebook,
    /// The reader's warnings (what was skipped or guessed).
    reader: Vec<Diagnostic>,
    /// The checker's warnings.
    checks: Vec<Diagnostic>,
}

fn open(path: &Path) -> anyhow::Result<Loaded> {
    let r = read_file(path)?;
    let mut checks = Vec::new();
    if let Some(cb) = &r.lenient.codebook {
        checks = checker::check(cb);
    }
    let mut errors: Vec<&Diagnostic> = r
        .lenient
        .diagnostics
        .iter()
        .chain(&checks)
        .filter(|d| d.severity == Severity::Error)
        .collect();
    errors.sort_by_key(|d| d.origin);
    if let Some(first) = errors.first() {
        let more = match errors.len() {
            1 => String::new(),
            n => format!(
                " (and {} more error{}; see `qualsynth codebook check {}`)",
                n - 1,
                if n == 2 { "" } else { "s" },
                r.name
            ),
        };
        anyhow::bail!("{}{more}", one_line(&r.name, first));
    }
    let Some(codebook) = r.lenient.codebook else {
        anyhow::bail!("{}: cannot read this codebook", r.name);
    };
    Ok(Loaded {
        name: r.name,
        text: r.text,
        codebook,
        reader: r.lenient.diagnostics,
        checks,
    })
}

/// Reads and checks a codebook file for use by other commands. Errors
/// (the reader's or [`checker::check`]'s) fail with the first one on one
/// line, `file:line:col: message`; warnings are returned, sorted, for the
/// caller to show or not, with the decoded source text (for
/// [`diagnostics::render`]).
pub(crate) fn load(path: &Path) -> anyhow::Result<(Codebook, Vec<Diagnostic>, String)> {
    let l = open(path)?;
    let mut warnings = l.reader;
    warnings.extend(l.checks);
    diagnostics::sort(&mut warnings);
    Ok((l.codebook, warnings, l.text))
}

/// Checks a codebook: diagnostics with caret excerpts on stderr, then a
/// summary; fails (exit 1) when there are errors.
pub fn check(a: CodebookCheckArgs) -> anyhow::Result<()> {
    let r = read_file(&a.file)?;
    let mut diags = r.lenient.diagnostics;
    if let Some(cb) = &r.lenient.codebook {
        diags.extend(checker::check_with(
            cb,
            &checker::incomplete_codes(cb, &diags),
        ));
        let clean = !diags.iter().any(|d| d.severity == Severity::Error);
        if let (Some(study), true) = (&a.study, clean) {
            diags.extend(unused_rules_warnings(cb, study)?);
        }
    }
    diagnostics::sort(&mut diags);
    if !diags.is_empty() {
        eprintln!("{}", render_all(&r.name, &r.text, &diags));
    }
    let line = summary(&r.name, &diags);
    if diags.iter().any(|d| d.severity == Severity::Error) {
        anyhow::bail!(line);
    }
    eprintln!("{line}");
    Ok(())
}

/// Warnings for the rules that match no segment of the study at `study`
/// (exclusions are not counted: matching nothing is their normal state).
/// Rules are coded with the study's segments and their sources' languages.
fn unused_rules_warnings(cb: &Codebook, study: &Path) -> anyhow::Result<Vec<Diagnostic>> {
    let ws = Workspace::open(study)
        .with_context(|| format!("cannot open the study in {}", study.display()))?;
    let Ok(coder) = Coder::compile(cb) else {
        // Its errors are the checker's too, and were reported.
        return Ok(Vec::new());
    };
    let docs: Vec<(&str, &str)> = ws.tables.segment_docs()?;
    if docs.is_empty() {
        return Ok(vec![Diagnostic::warning(
            crate::codebook::Origin::default(),
            format!(
                "the study in {} has no segments yet; import sources to see which rules match nothing",
                study.display()
            ),
        )]);
    }
    let used: HashSet<(String, String)> = coder
        .code_all(&docs)
        .into_iter()
        .flatten()
        .map(|c| (c.code, c.rule))
        .collect();
    let mut out = Vec::new();
    for c in &cb.codes {
        for r in c.rules.iter().filter(|r| !r.exclude) {
            if !used.contains(&(c.id.clone(), r.text.clone())) {
                out.push(Diagnostic::warning(
                    r.origin,
                    format!(
                        "rule \"{}\" of code \"{}\" matches nothing in the study ({} segments)",
                        r.text,
                        c.id,
                        docs.len()
                    ),
                ));
            }
        }
    }
    Ok(out)
}

/// Prints the code tree.
pub fn show(a: CodebookShowArgs) -> anyhow::Result<()> {
    let (cb, warnings, _) = load(&a.file)?;
    print!("{}", tree::render(&cb));
    if !warnings.is_empty() {
        eprintln!(
            "note: {} warning{}; see `qualsynth codebook check {}`",
            warnings.len(),
            if warnings.len() == 1 { "" } else { "s" },
            a.file.display()
        );
    }
    Ok(())
}

/// Converts a codebook between formats, by extension; the output is
/// written atomically. The reader's warnings (what was skipped) go to
/// stderr.
pub fn convert(a: CodebookConvertArgs) -> anyhow::Result<()> {
    let out_ext = a.output.extension().and_then(|e| e.to_str()).unwrap_or("");
    // Refuse an unwritable format before reading anything.
    if !formats::WRITABLE.contains(&out_ext.to_ascii_lowercase().as_str()) {
        let msg = formats::write(out_ext, &Codebook::default())
            .err()
            .unwrap_or_default();
        anyhow::bail!("{}: {msg}", a.output.display());
    }
    let l = open(&a.input)?;
    if !l.reader.is_empty() {
        eprintln!("{}", render_all(&l.name, &l.text, &l.reader));
    }
    let cb = l.codebook;
    let bytes =
        formats::write(out_ext, &cb).map_err(|e| anyhow::anyhow!("{}: {e}", a.output.display()))?;
    if out_ext.eq_ignore_ascii_case("csv")
        && (!cb.name.is_empty() || cb.options != crate::codebook::CodebookOptions::default())
    {
        eprintln!(
            "note: {} keeps no codebook options (name, lang, fold_accents, negation_window, semantics)",
            a.output.display()
        );
    }
    write_atomic(&a.output, &bytes)?;
    Ok(())
}
