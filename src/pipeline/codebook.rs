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

/// Reads a codebook file by extension (a `.qdpx` project: its `.qde`'s
/// `<CodeBook>`) and runs the checks on it. Only an unreadable file or an
/// unknown extension fails; problems of the codebook are diagnostics.
pub fn check_file(path: &Path) -> anyhow::Result<Checked> {
    let name = path.display().to_string();
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    formats::check_extension(ext).map_err(|m| anyhow::anyhow!("{name}: {m}"))?;
    let bytes = std::fs::read(path).map_err(|e| StoreError::io(path, "read", e))?;
    let (text, lenient) = formats::read_bytes_lenient(&name, ext, &bytes);
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
    /// The codebook as the coder uses it ([`Codebook::for_coding`]: codes
    /// that are not codable have no rules; `check` warns about those it
    /// drops).
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
/// [`codebook_error`]). The rules of codes that are not codable are
/// dropped ([`Codebook::for_coding`]), so no command codes with them.
pub fn load(path: &Path) -> anyhow::Result<Loaded> {
    let mut l = load_as_written(path)?;
    if let std::borrow::Cow::Owned(cb) = l.codebook.for_coding() {
        l.codebook = cb;
    }
    Ok(l)
}

/// [`load`] without dropping anything: the codebook as the file holds it,
/// for `convert`.
fn load_as_written(path: &Path) -> anyhow::Result<Loaded> {
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

/// Rows a terminal table of rule hits shows when not asked for all.
pub const HITS_SHOWN: usize = 50;

/// Rows kept for the rules with the most hits when the silent rules alone
/// would fill the table (at most a fifth of it).
const TOP_SHOWN: usize = 10;

/// The rows of [`Hits`] a terminal table shows, and what it leaves out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShownHits<'a> {
    /// The rows shown, in codebook order.
    pub rows: Vec<&'a RuleHits>,
    /// Rules with hits left out.
    pub hidden_with_hits: usize,
    /// Rules without hits left out.
    pub hidden_silent: usize,
}

impl Hits {
    /// Rules that match no segment.
    pub fn silent(&self) -> usize {
        self.rules.iter().filter(|r| r.segments == 0).count()
    }

    /// At most `limit` rows: every rule when they fit; else the silent
    /// rules (what to act on; the first in codebook order, leaving room for
    /// 10 others, a fifth of a smaller `limit`) and the rules with the most
    /// hits in the rest of the room; shown in codebook order.
    pub fn shown(&self, limit: usize) -> ShownHits<'_> {
        if self.rules.len() <= limit {
            return ShownHits {
                rows: self.rules.iter().collect(),
                hidden_with_hits: 0,
                hidden_silent: 0,
            };
        }
        let silent: Vec<usize> = (0..self.rules.len())
            .filter(|&i| self.rules[i].segments == 0)
            .collect();
        let mut hit: Vec<usize> = (0..self.rules.len())
            .filter(|&i| self.rules[i].segments > 0)
            .collect();
        // Most hits first; ties in codebook order (the sort is stable).
        hit.sort_by_key(|&i| std::cmp::Reverse(self.rules[i].segments));
        let room_top = TOP_SHOWN.min(limit / 5).min(hit.len());
        let n_silent = silent.len().min(limit - room_top);
        let n_hit = hit.len().min(limit - n_silent);
        let mut keep: Vec<usize> = silent[..n_silent]
            .iter()
            .chain(&hit[..n_hit])
            .copied()
            .collect();
        keep.sort_unstable();
        ShownHits {
            rows: keep.into_iter().map(|i| &self.rules[i]).collect(),
            hidden_with_hits: hit.len() - n_hit,
            hidden_silent: silent.len() - n_silent,
        }
    }
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
    let coder = Coder::compile(&cb.for_coding()).map_err(|d| {
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
    // The rules of a code that is not codable are ignored (`check` says so).
    for c in cb.codes.iter().filter(|c| c.codable) {
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
/// `.qdc` atomically; a codebook with errors is not converted. Notes what
/// the output format keeps less than the input (options in CSV, `shared`
/// declarations outside TOML). Everything the file holds is converted,
/// the rules of codes that are not codable included.
pub fn convert(input: &Path, output: &Path, fb: &dyn Feedback) -> anyhow::Result<()> {
    let out_ext = output.extension().and_then(|e| e.to_str()).unwrap_or("");
    // Refuse an unwritable format before reading anything.
    if !formats::WRITABLE.contains(&out_ext.to_ascii_lowercase().as_str())
        && let Err(e) = formats::write(out_ext, &Codebook::default())
    {
        anyhow::bail!("{}: {e}", output.display());
    }
    let l = load_as_written(input)?;
    if !l.reader.is_empty() {
        fb.diagnostics(&l.name, &l.text, &l.reader);
    }
    let cb = l.codebook;
    let bytes =
        formats::write(out_ext, &cb).map_err(|e| anyhow::anyhow!("{}: {e}", output.display()))?;
    for loss in formats::losses(out_ext, &cb) {
        fb.note(&format!("{} {loss}", output.display()));
    }
    write_atomic(output, &bytes)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(segments: &[usize]) -> Hits {
        Hits {
            rules: segments
                .iter()
                .enumerate()
                .map(|(i, &n)| RuleHits {
                    code: "c".into(),
                    rule: format!("r{i}"),
                    origin: Origin::default(),
                    segments: n,
                })
                .collect(),
            segments: 100,
        }
    }

    fn rules(s: &ShownHits<'_>) -> Vec<String> {
        s.rows.iter().map(|r| r.rule.clone()).collect()
    }

    #[test]
    fn few_rules_are_all_shown() {
        let h = hits(&[3, 0, 1]);
        let s = h.shown(3);
        assert_eq!(rules(&s), ["r0", "r1", "r2"]);
        assert_eq!((s.hidden_with_hits, s.hidden_silent), (0, 0));
        assert_eq!(h.silent(), 1);
    }

    #[test]
    fn many_rules_keep_the_silent_ones_and_the_top_in_codebook_order() {
        // 2 silent, 10 with hits, room for 5: both silent and the 3 best.
        let h = hits(&[1, 0, 9, 2, 9, 3, 0, 8, 1, 1, 1, 1]);
        let s = h.shown(5);
        assert_eq!(rules(&s), ["r1", "r2", "r4", "r6", "r7"]);
        assert_eq!((s.hidden_with_hits, s.hidden_silent), (7, 0));
    }

    #[test]
    fn silent_rules_leave_room_for_the_top_ten() {
        let mut v = vec![0; 60];
        v.extend(1..=20);
        let h = hits(&v);
        let s = h.shown(HITS_SHOWN);
        assert_eq!(s.rows.len(), HITS_SHOWN);
        assert_eq!(s.rows.iter().filter(|r| r.segments == 0).count(), 40);
        assert_eq!(s.rows.last().unwrap().segments, 20);
        assert_eq!(s.rows[40].segments, 11);
        assert_eq!((s.hidden_with_hits, s.hidden_silent), (10, 20));
    }
}
