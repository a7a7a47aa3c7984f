//! Shared bodies of the fuzz targets: each calls one public qualsynth
//! parser on the fuzz bytes and checks the cheap invariants its docs
//! promise. A returned error is fine; a panic (or a failed assertion
//! below) is a finding.

use qualsynth::codebook::check;
use qualsynth::codebook::diagnostics::{self, LineIndex};
use qualsynth::codebook::formats;
use qualsynth::codebook::{Code, Codebook, Pattern, Rule, Semantics, Severity};
use qualsynth::coding::Coder;
use qualsynth::corpus::grid::{self, GridFormat, GridKind, GridOptions};
use qualsynth::corpus::transcript::{self, TranscriptFormat, TranscriptOptions};
use qualsynth::corpus::RawSegment;
use qualsynth::refi::read::Project;

/// A text to code with fuzzed rules.
const SAMPLE: &str = "Le loyer est trop cher : on partage l'espace de travail, \
    pas les frais. 12 € par mois, c'est coûteux ! Don't share the rent.";

/// What `RawSegment::text` promises: trimmed and never empty; lines are
/// 1-based.
pub fn check_segment(s: &RawSegment, what: &str) {
    assert!(!s.text.is_empty(), "{what}: empty segment text: {s:?}");
    assert_eq!(
        s.text,
        s.text.trim(),
        "{what}: segment text not trimmed: {s:?}"
    );
    if let Some(line) = s.line {
        assert!(line >= 1, "{what}: line 0: {s:?}");
    }
}

/// `parse_transcript` under a file name whose extension decides the format.
pub fn transcript(name: &str, want: TranscriptFormat, data: &[u8]) {
    let opts = TranscriptOptions::default();
    if let Ok(t) = transcript::parse_transcript(name, data, &opts) {
        assert_eq!(t.format, want, "format of {name}");
        assert!(!t.segments.is_empty(), "Ok with no segment");
        for s in &t.segments {
            check_segment(s, name);
        }
    }
}

/// `parse_grid` under a file name; the kind and item splitting follow the
/// input's length so that every mapping path is reached without spending
/// input bytes on options. For CSV, `read_table` too (rows as wide as the
/// header).
pub fn grid(name: &str, want: Option<GridFormat>, data: &[u8]) {
    let opts = GridOptions {
        kind: [
            GridKind::Observations,
            GridKind::Recommendations,
            GridKind::Notes,
        ][data.len() % 3],
        split_items: data.len() % 2 == 1,
        ..GridOptions::default()
    };
    if let Ok(g) = grid::parse_grid(name, data, &opts) {
        assert_ne!(g.format, GridFormat::Auto);
        // A zip under a CSV name is resolved by its content.
        let by_content = want == Some(GridFormat::Csv) && data.starts_with(b"PK\x03\x04");
        if let (Some(want), false) = (want, by_content) {
            assert_eq!(g.format, want, "format of {name}");
        }
        check_headers(&g.headers);
        for c in &g.text_columns {
            assert!(
                g.headers.contains(c),
                "text column {c:?} not in {:?}",
                g.headers
            );
        }
        for s in &g.segments {
            check_segment(s, name);
        }
    }
    if want == Some(GridFormat::Csv) {
        if let Ok(t) = grid::read_table(name, data, &GridOptions::default()) {
            check_headers(&t.headers);
            for r in &t.rows {
                assert_eq!(r.cells.len(), t.headers.len(), "row {} width", r.line);
            }
        }
    }
}

/// Headers are trimmed, never empty, unique.
fn check_headers(headers: &[String]) {
    let mut seen = std::collections::HashSet::new();
    for h in headers {
        assert!(!h.is_empty(), "empty header in {headers:?}");
        assert_eq!(h, h.trim(), "header not trimmed in {headers:?}");
        assert!(seen.insert(h), "header {h:?} twice in {headers:?}");
    }
}

/// A codebook file read by extension, then checked, compiled and written
/// back (none of which may panic). Diagnostics point into the returned
/// text.
pub fn codebook(ext: &str, data: &[u8]) {
    let path = format!("x.{ext}");
    let (text, lenient) = formats::read_bytes_lenient(&path, ext, data);
    check_diagnostics(&path, &text, &lenient.diagnostics);
    let Some(cb) = &lenient.codebook else { return };
    let diags = check::check(cb);
    check_diagnostics(&path, &text, &diags);
    let _ = qualsynth::codebook::show::render(cb);
    for w in formats::WRITABLE {
        let _ = formats::write(w, cb);
    }
    if lenient.has_errors() || diags.iter().any(|d| d.severity == Severity::Error) {
        return;
    }
    if let Ok(coder) = Coder::compile(cb) {
        let lang = cb.options.lang.clone();
        check_codings(&coder, SAMPLE, &lang);
    }
}

/// Diagnostics point at a line of `text` (0 = the whole file; lines end
/// at `\n`, `\r\n` or a lone `\r`, as `LineIndex` counts them) and
/// render without panicking. Not checked when nothing could be decoded
/// (`text` empty).
fn check_diagnostics(path: &str, text: &str, diags: &[qualsynth::codebook::Diagnostic]) {
    if text.is_empty() {
        return;
    }
    let lines = LineIndex::new(text).len() as u32;
    for d in diags {
        assert!(
            d.origin.line <= lines,
            "diagnostic at line {} of a {lines}-line text: {d:?}",
            d.origin.line
        );
    }
    let _ = diagnostics::render_all(path, text, diags);
}

/// Codes `text`; every span lies in the text and `matched` is its text.
pub fn check_codings(coder: &Coder, text: &str, lang: &str) {
    let chars: Vec<char> = text.chars().collect();
    for c in coder.code_segment(text, lang) {
        assert!(
            c.start <= c.end && c.end as usize <= chars.len(),
            "span {}..{} outside a {}-char text: {c:?}",
            c.start,
            c.end,
            chars.len()
        );
        let span: String = chars[c.start as usize..c.end as usize].iter().collect();
        assert_eq!(c.matched, span, "matched text differs from its span: {c:?}");
    }
}

/// One rule: the first line of the input is the pattern, the rest (or a
/// sample sentence) the text it codes, under both semantics.
pub fn pattern(data: &[u8]) {
    let input = String::from_utf8_lossy(data);
    let (rule, text) = match input.split_once('\n') {
        Some((r, t)) => (r, t),
        None => (&*input, SAMPLE),
    };
    let pattern = match qualsynth::codebook::pattern::parse_pattern(rule) {
        Ok(p) => p,
        Err(e) => {
            let n = rule.chars().count() as u32;
            assert!(
                e.column >= 1 && e.column <= n + 1,
                "error column {} in a {n}-char pattern: {e:?}",
                e.column
            );
            return;
        }
    };
    if let Pattern::Regex(re) = &pattern {
        if check::compile_regex(re).is_err() {
            return;
        }
    }
    for semantics in [Semantics::Codes, Semantics::Dictionary] {
        let mut cb = Codebook {
            name: "fuzz".into(),
            codes: vec![Code {
                id: "c".into(),
                label: "c".into(),
                rules: vec![Rule {
                    pattern: pattern.clone(),
                    lang: None,
                    exclude: false,
                    text: rule.to_owned(),
                    origin: Default::default(),
                }],
                ..Code::default()
            }],
            ..Codebook::default()
        };
        cb.options.semantics = semantics;
        let _ = check::check(&cb);
        if let Ok(coder) = Coder::compile(&cb) {
            check_codings(&coder, text, "fr");
            check_codings(&coder, text, "en");
        }
    }
}

/// What `read_qdpx`/`read_qde` promise of a project, and what turning it
/// into segments and codings promises.
pub fn check_project(p: &Project) {
    let mut guids: Vec<&str> = Vec::new();
    for c in &p.codes {
        if let Some(parent) = &c.parent {
            assert!(
                guids.contains(&parent.as_str()),
                "code {} listed before its parent {parent}",
                c.guid
            );
        }
        guids.push(&c.guid);
    }
    for s in &p.sources {
        let n = s.text.chars().count();
        for sel in &s.selections {
            assert!(
                sel.start <= sel.end && sel.end <= n,
                "selection {}..{} outside a {n}-char text in source {}",
                sel.start,
                sel.end,
                s.guid
            );
            let _ = s.excerpt(sel);
            for c in &sel.codings {
                assert!(
                    guids.contains(&c.code.as_str()),
                    "coding with code {} not in the codebook",
                    c.code
                );
            }
        }
    }
    let segs = qualsynth::refi::segments::segments(p);
    for seg in &segs {
        check_segment(&seg.raw, "qdpx segment");
        let n = p.sources[seg.source].text.chars().count();
        assert_eq!(
            seg.len,
            seg.raw.text.chars().count(),
            "segment len: {seg:?}"
        );
        assert!(seg.start + seg.len <= n, "segment past its source: {seg:?}");
    }
    for c in qualsynth::refi::segments::codings(p, &segs) {
        assert!(c.segment < segs.len(), "coding of no segment: {c:?}");
        assert!(
            c.start <= c.end && c.end <= segs[c.segment].len,
            "coding span outside its segment: {c:?}"
        );
    }
}

/// The source text a fuzzed `.qde` gets for every `.txt` it names.
pub const QDE_SOURCE: &str = "Interviewer: Pourquoi ce lieu ?\n\nAlice: Le loyer est bas.\n\
    Bob: Et l'espace est partagé.\r\n\r\nAlice: Oui.\n";

/// A `.qde` read with every `.txt` source resolving to [`QDE_SOURCE`].
pub fn refi_qde(data: &[u8]) {
    let xml = String::from_utf8_lossy(data);
    let lookup = |path: &str| {
        path.to_ascii_lowercase()
            .ends_with(".txt")
            .then(|| QDE_SOURCE.as_bytes().to_vec())
    };
    if let Ok(p) = qualsynth::refi::read::read_qde(&xml, &lookup) {
        check_project(&p);
    }
}

/// A `.qdpx` archive; also as a transcript (its text sources as segments).
pub fn refi_qdpx(data: &[u8]) {
    if let Ok(p) = qualsynth::refi::read::read_qdpx(data) {
        check_project(&p);
        transcript("x.qdpx", TranscriptFormat::Qdpx, data);
    }
}

/// `study.toml`: a manifest that parses parses again from its own text.
pub fn manifest(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Ok(m) = qualsynth::store::manifest::ManifestFile::parse(&text) {
        let again = m.to_text();
        if let Err(e) = qualsynth::store::manifest::ManifestFile::parse(&again) {
            panic!("manifest does not parse from its own text: {e:?}\n{again}");
        }
    }
}

/// Documents to code: the first byte picks TSV, CSV, JSON lines or text.
pub fn documents(data: &[u8]) {
    use qualsynth::coding::documents::{read_all, Columns, InputFormat};
    let Some((&sel, rest)) = data.split_first() else {
        return;
    };
    let format = [
        InputFormat::Tsv,
        InputFormat::Csv,
        InputFormat::Jsonl,
        InputFormat::Text,
    ][sel as usize % 4];
    let _ = read_all(rest, format, Columns::default());
}
