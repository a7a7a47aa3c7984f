//! The one codebook loader: every command that reads a codebook reads it
//! here, with the same checks (the reader's, then the structural checks of
//! `codebook::check`, then the coder's), and shows its warnings the same
//! way. Also `codebook check`, `show` and `convert`.

use std::collections::HashSet;
use std::path::Path;

use anyhow::Context;

use super::{Feedback, PipelineError, Study};
use crate::codebook::diagnostics::{self, one_line};
use crate::codebook::formats;
use crate::codebook::{Codebook, Diagnostic, Origin, Severity, check as checker};
use crate::coding::Coder;
use crate::store::StoreError;
use crate::store::atomic::write_atomic;

/// A codebook file as read, errors included: its name for messages, its
/// decoded text, the codebook (unless nothing usable was found) and every
/// diagnostic of the reader and the checks, sorted by position.
#[derive(Debug, Clone)]
pub struct Checked {
    /// The path as given, for messages.
    pub name: String,
    /// The decoded text, for excerpts.
    pub text: String,
    /// The codebook, `None` when the file could not be read at all.
    pub codebook: Option<Codebook>,
    /// The reader's diagnostics (what was skipped or guessed).
    pub reader: Vec<Diagnostic>,
    /// The structural checks' diagnostics.
    pub checks: Vec<Diagnostic>,
}

impl Checked {
    /// Every diagnostic, sorted by position.
    pub fn diagnostics(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self.reader.iter().chain(&self.checks).cloned().collect();
        diagnostics::sort(&mut all);
        all
    }

    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.reader
            .iter()
            .chain(&self.checks)
            .any(|d| d.severity == Severity::Error)
    }
}

/// Reads a codebook file by extension and runs the checks on it. Only an
/// unreadable file or an unknown extension fails; problems of the codebook
/// are diagnostics.
pub fn check_file(path: &Path) -> anyhow::Result<Checked> {
    let name = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    formats::check_extension(ext).map_err(|m| anyhow::anyhow!("{name}: {m}"))?;
    let bytes = std::fs::read(path).map_err(|e| StoreError::io(path, "read", e))?;
    let (text, lenient) = match formats::decode_text(&bytes) {
        Ok(text) => {
            let l = formats::read_lenient(&name, ext, &text);
            (text, l)
        }
        Err(d) => (
            String::new(),
            formats::Lenient {
                codebook: None,
                diagnostics: vec![d],
            },
        ),
    };
    let checks = match &lenient.codebook {
        Some(cb) => checker::check_with(cb, &checker::incomplete_codes(cb, &lenient.diagnostics)),
        None => Vec::new(),
    };
    Ok(Checked {
        name,
        text,
        codebook: lenient.codebook,
        reader: lenient.diagnostics,
        checks,
    })
}

/// A codebook without errors, ready to use, with its warnings.
#[derive(Debug, Clone)]
pub struct Loaded {
    /// The path as given, for messages.
    pub name: String,
    /// The decoded text, for excerpts.
    pub text: String,
    /// The codebook.
    pub codebook: Codebook,
    /// The reader's warnings (what was skipped or guessed).
    pub reader: Vec<Diagnostic>,
    /// The checks' and the coder's warnings.
    pub checks: Vec<Diagnostic>,
}

/// The error of a codebook with errors: the first one on one line
/// (`file:line:col: message`), and how many more.
fn codebook_error(name: &str, errors: &[&Diagnostic]) -> PipelineError {
    let more = match errors.len() {
        0 | 1 => String::new(),
        n => format!(
            " (and {} more error{}; see `qualsynth codebook check {name}`)",
            n - 1,
            if n == 2 { "" } else { "s" }
        ),
    };
    let first = errors
        .first()
        .map(|d| one_line(name, d))
        .unwrap_or_else(|| format!("{name}: cannot read this codebook"));
    PipelineError::Codebook {
        path: name.to_owned(),
        first: format!("{first}{more}"),
    }
}

/// Reads and checks a codebook for use; any error fails (see
/// [`codebook_error`]).
pub fn load(path: &Path) -> anyhow::Result<Loaded> {
    let c = check_file(path)?;
    let mut errors: Vec<&Diagnostic> = c
        .reader
        .iter()
        .chain(&c.checks)
        .filter(|d| d.severity == Severity::Error)
        .collect();
    errors.sort_by_key(|d| d.origin);
    if !errors.is_empty() {
        return Err(codebook_error(&c.name, &errors).into());
    }
    let Some(codebook) = c.codebook else {
        return Err(codebook_error(&c.name, &[]).into());
    };
    Ok(Loaded {
        name: c.name,
        text: c.text,
        codebook,
        reader: c.reader,
        checks: c.checks,
    })
}

impl Loaded {
    /// Every warning, sorted by position.
    pub fn warnings(&self) -> Vec<Diagnostic> {
        let mut all: Vec<Diagnostic> = self.reader.iter().chain(&self.checks).cloned().collect();
        diagnostics::sort(&mut all);
        all
    }

    /// Compiles the codebook into a coder; the coder's warnings join the
    /// checks' (each once).
    pub fn compile(&mut self) -> anyhow::Result<Coder> {
        let coder = Coder::compile(&self.codebook).map_err(|d| {
            let errors: Vec<&Diagnostic> =
                d.iter().filter(|d| d.severity == Severity::Error).collect();
            codebook_error(&self.name, &errors)
        })?;
        for d in coder.diagnostics() {
            if d.severity == Severity::Warning && !self.checks.contains(d) {
                self.checks.push(d.clone());
            }
        }
        Ok(coder)
    }

    /// Shows the warnings, if any.
    pub fn report(&self, fb: &dyn Feedback) {
        let w = self.warnings();
        if !w.is_empty() {
            fb.diagnostics(&self.name, &self.text, &w);
        }
    }
}

/// Loads, compiles and reports a codebook: what every coding command does.
pub fn coder(path: &Path, fb: &dyn Feedback) -> anyhow::Result<(Loaded, Coder)> {
    let mut l = load(path)?;
    let coder = l.compile()?;
    l.report(fb);
    Ok((l, coder))
}

/// How often one rule matches a study's segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleHits {
    /// The code.
    pub code: String,
    /// The rule as written.
    pub rule: String,
    /// Where it is written.
    pub origin: Origin,
    /// Segments it matches.
    pub segments: usize,
}

/// The hits of every rule of a codebook in a study, and the study's
/// segment count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hits {
    /// One row per rule (exclusions left out: matching nothing is their
    /// normal state), in codebook order.
    pub rules: Vec<RuleHits>,
    /// Segments in the study.
    pub segments: usize,
}

/// `codebook check`: every diagnostic of the file; with a study (and no
/// error), also how often each rule matches its segments.
pub fn check(path: &Path, study: Option<&Path>) -> anyhow::Result<(Checked, Option<Hits>)> {
    let c = check_file(path)?;
    let hits = match (&c.codebook, study, c.has_errors()) {
        (Some(cb), Some(dir), false) => Some(rule_hits(cb, dir)?),
        _ => None,
    };
    Ok((c, hits))
}

/// Codes the study in `dir` with the codebook and counts, for each rule,
/// the segments it matches (with the segments' languages).
fn rule_hits(cb: &Codebook, dir: &Path) -> anyhow::Result<Hits> {
    let study =
        Study::open(dir).with_context(|| format!("cannot open the study in {}", dir.display()))?;
    let coder = Coder::compile(cb).map_err(|d| {
        let errors: Vec<&Diagnostic> = d.iter().filter(|d| d.severity == Severity::Error).collect();
        codebook_error(&cb.name, &errors)
    })?;
    let docs: Vec<(&str, &str)> = study.ws().tables.segment_docs()?;
    let mut counts: std::collections::HashMap<(String, String), usize> =
        std::collections::HashMap::new();
    for codings in coder.code_all(&docs) {
        let distinct: HashSet<(String, String)> =
            codings.into_iter().map(|c| (c.code, c.rule)).collect();
        for k in distinct {
            *counts.entry(k).or_default() += 1;
        }
    }
    let mut rules = Vec::new();
    for c in &cb.codes {
        for r in c.rules.iter().filter(|r| !r.exclude) {
            rules.push(RuleHits {
                code: c.id.clone(),
                rule: r.text.clone(),
                origin: r.origin,
                segments: counts
                    .get(&(c.id.clone(), r.text.clone()))
                    .copied()
                    .unwrap_or(0),
            });
        }
    }
    Ok(Hits {
        rules,
        segments: docs.len(),
    })
}

/// `codebook convert`: reads any format and writes `.toml`, `.csv` or
/// `.qdc` atomically; a codebook with errors is not converted. Returns a
/// note when the output format keeps less than the input.
pub fn convert(input: &Path, output: &Path, fb: &dyn Feedback) -> anyhow::Result<()> {
    let out_ext = output.extension().and_then(|e| e.to_str()).unwrap_or("");
    // Refuse an unwritable format before reading anything.
    if !formats::WRITABLE.contains(&out_ext.to_ascii_lowercase().as_str())
        && let Err(e) = formats::write(out_ext, &Codebook::default())
    {
        anyhow::bail!("{}: {e}", output.display());
    }
    let l = load(input)?;
    if !l.reader.is_empty() {
        fb.diagnostics(&l.name, &l.text, &l.reader);
    }
    let cb = l.codebook;
    let bytes =
        formats::write(out_ext, &cb).map_err(|e| anyhow::anyhow!("{}: {e}", output.display()))?;
    if out_ext.eq_ignore_ascii_case("csv")
        && (!cb.name.is_empty() || cb.options != crate::codebook::CodebookOptions::default())
    {
        fb.note(&format!(
            "{} keeps no codebook options (name, lang, fold_accents, negation_window, semantics)",
            output.display()
        ));
    }
    write_atomic(output, &bytes)?;
    Ok(())
}
