//! Codebook diagnostics as people read them: `error: file:line:col:
//! message`, then the source line with a caret under the culprit (cut to a
//! window on long lines), in the style of just; many diagnostics of one
//! kind are summarised with a count. Also line bookkeeping shared by the
//! readers (byte offset to line and column, CR-only and CRLF line ends).

use super::model::{Diagnostic, Origin, Severity};

/// Line starts of a text, to turn byte offsets into 1-based lines and
/// columns. Line ends are `\n`, `\r\n` or a lone `\r` (old Mac files).
#[derive(Debug, Clone)]
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes `text`.
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        let mut i = 0;
        while i < bytes.len() {
            match bytes[i] {
                b'\n' => starts.push(i + 1),
                b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                    starts.push(i + 2);
                    i += 1;
                }
                b'\r' => starts.push(i + 1),
                _ => {}
            }
            i += 1;
        }
        LineIndex { text, starts }
    }

    /// The 1-based line and column (in characters) of a byte offset.
    pub fn origin(&self, byte: usize) -> Origin {
        let byte = byte.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= byte);
        let start = self.starts[line - 1];
        let column = self
            .text
            .get(start..byte)
            .map_or(1, |s| s.chars().count() + 1);
        Origin {
            line: line as u32,
            column: column as u32,
        }
    }

    /// The line of a CSV record starting at byte `byte`: the csv crate
    /// may place a record at the line end before it (the `\n` of a CRLF).
    pub fn record_line(&self, byte: u64) -> u32 {
        let b = self.text.as_bytes();
        let mut at = usize::try_from(byte).unwrap_or(usize::MAX).min(b.len());
        while at < b.len() && matches!(b[at], b'\n' | b'\r') {
            at += 1;
        }
        self.origin(at).line
    }

    /// The text of a 1-based line, without its line end.
    pub fn line(&self, line: u32) -> Option<&'a str> {
        let i = (line as usize).checked_sub(1)?;
        let start = *self.starts.get(i)?;
        let end = self.starts.get(i + 1).copied().unwrap_or(self.text.len());
        let s = self.text.get(start..end)?;
        Some(s.trim_end_matches(['\n', '\r']))
    }

    /// Every line with the byte offset where it starts (line ends removed).
    pub fn lines(&self) -> impl Iterator<Item = (usize, &'a str)> + '_ {
        (1..=self.starts.len() as u32)
            .filter_map(move |n| Some((self.starts[n as usize - 1], self.line(n)?)))
    }

    /// Number of lines.
    pub fn len(&self) -> usize {
        self.starts.len()
    }

    /// Whether the text is empty.
    pub fn is_empty(&self) -> bool {
        self.text.is_empty()
    }
}

/// Renders one diagnostic as `severity: path:line:col: message`, then a
/// caret excerpt of `source_text`:
///
/// ```text
/// error: codebook.toml:14:10: code "cost.rent" has unknown parent "cost"
///    |
/// 14 | parent = "cost"
///    |          ^^^^^^
/// ```
///
/// Line 0 means the whole file (no excerpt); column 0, the whole line. A
/// long line is cut to a window around the column, `…` marking the cuts.
pub fn render(path: &str, source_text: &str, d: &Diagnostic) -> String {
    render_with(path, &LineIndex::new(source_text), d)
}

fn severity(d: &Diagnostic) -> &'static str {
    match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    }
}

fn render_with(path: &str, index: &LineIndex, d: &Diagnostic) -> String {
    let mut out = format!("{}: {}\n", severity(d), one_line(path, d));
    let Origin { line, column } = d.origin;
    let Some(text) = (if line == 0 { None } else { index.line(line) }) else {
        return out;
    };
    let pad = " ".repeat(line.to_string().len());
    let chars: Vec<char> = expand_tabs(text).chars().collect();
    // The column counts characters of the line as written; tabs expand.
    let at = if column == 0 {
        0
    } else {
        let before: String = text.chars().take(column as usize - 1).collect();
        expand_tabs(&before).chars().count().min(chars.len())
    };
    let caret = caret_width(&chars[at..]);
    let (start, end) = window(chars.len(), at, caret);
    let mut shown: String = chars[start..end].iter().collect();
    let mut offset = at - start;
    if start > 0 {
        shown.insert(0, '…');
        offset += 1;
    }
    if end < chars.len() {
        shown.push('…');
    }
    out.push_str(&format!("{pad} |\n"));
    out.push_str(&format!("{line} | {}\n", shown.trim_end()));
    if column > 0 {
        let width = caret.min(end - at).max(1);
        out.push_str(&format!(
            "{pad} | {}{}\n",
            " ".repeat(offset),
            "^".repeat(width)
        ));
    }
    out
}

/// Characters of an excerpt, at most.
const EXCERPT: usize = 100;
/// Characters kept before the column when a line is cut.
const BEFORE: usize = 30;

/// The part of a line of `len` characters shown for a diagnostic at `at`
/// with `caret` carets: the whole line when it is short, else a window
/// starting a little before the column.
fn window(len: usize, at: usize, caret: usize) -> (usize, usize) {
    if len <= EXCERPT {
        return (0, len);
    }
    let start = at.saturating_sub(BEFORE);
    let end = (start + EXCERPT.max(at - start + caret.min(EXCERPT / 2))).min(len);
    (start, end)
}

/// Renders several diagnostics in full, separated by blank lines.
pub fn render_all(path: &str, source_text: &str, diagnostics: &[Diagnostic]) -> String {
    let index = LineIndex::new(source_text);
    diagnostics
        .iter()
        .map(|d| render_with(path, &index, d))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Diagnostics of the same kind shown in full before the rest of that kind
/// are summarised in one line (unless `verbose`).
pub const SHOWN_PER_KIND: usize = 3;

/// Renders diagnostics as people read them: in full, except that when more
/// than [`SHOWN_PER_KIND`] share a kind (the same message but for quoted
/// names and numbers), the first ones are shown and the others counted in
/// one line, unless `verbose`. The output stays bounded whatever the file.
pub fn render_summary(
    path: &str,
    source_text: &str,
    diagnostics: &[Diagnostic],
    verbose: bool,
) -> String {
    if verbose {
        return render_all(path, source_text, diagnostics);
    }
    let index = LineIndex::new(source_text);
    let kinds: Vec<(Severity, String)> = diagnostics
        .iter()
        .map(|d| (d.severity, shape(&d.message)))
        .collect();
    let mut total: std::collections::HashMap<&(Severity, String), usize> =
        std::collections::HashMap::new();
    for k in &kinds {
        *total.entry(k).or_default() += 1;
    }
    let mut seen: std::collections::HashMap<&(Severity, String), usize> =
        std::collections::HashMap::new();
    let mut parts = Vec::new();
    for (d, k) in diagnostics.iter().zip(&kinds) {
        let n = seen.entry(k).or_default();
        *n += 1;
        if *n <= SHOWN_PER_KIND {
            parts.push(render_with(path, &index, d));
        }
        let all = total[k];
        if *n == all && all > SHOWN_PER_KIND {
            let more = all - SHOWN_PER_KIND;
            parts.push(format!(
                "{}: {path}: {more} more like this: {} (--verbose lists them all)\n",
                severity(d),
                k.1
            ));
        }
    }
    parts.join("\n")
}

/// The kind of a message: the message with quoted text and numbers
/// replaced by `…`, so that `code "a" has no rules` and `code "b" has no
/// rules` are one kind.
pub fn shape(message: &str) -> String {
    let mut out = String::with_capacity(message.len());
    let mut chars = message.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '«' | '“' => {
                let close = match c {
                    '«' => '»',
                    '“' => '”',
                    _ => '"',
                };
                for x in chars.by_ref() {
                    if x == close {
                        break;
                    }
                }
                out.push(c);
                out.push('…');
                out.push(close);
            }
            d if d.is_ascii_digit() => {
                while chars.peek().is_some_and(char::is_ascii_digit) {
                    chars.next();
                }
                out.push('…');
            }
            c => out.push(c),
        }
    }
    out
}

/// Sorts diagnostics by position (whole-file ones first), errors before
/// warnings at the same place; keeps discovery order otherwise.
pub fn sort(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by_key(|d| (d.origin, d.severity));
}

/// `codebook.toml: 2 errors, 1 warning`.
pub fn summary(path: &str, diagnostics: &[Diagnostic]) -> String {
    let errors = count(diagnostics, Severity::Error);
    let warnings = count(diagnostics, Severity::Warning);
    format!(
        "{path}: {errors} error{}, {warnings} warning{}",
        if errors == 1 { "" } else { "s" },
        if warnings == 1 { "" } else { "s" }
    )
}

/// How many diagnostics have this severity.
pub fn count(diagnostics: &[Diagnostic], severity: Severity) -> usize {
    diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .count()
}

/// One line: `codebook.toml:14:10: message` (no excerpt), for errors that
/// travel inside another error.
pub fn one_line(path: &str, d: &Diagnostic) -> String {
    match (d.origin.line, d.origin.column) {
        (0, _) => format!("{path}: {}", d.message),
        (l, 0) => format!("{path}:{l}: {}", d.message),
        (l, c) => format!("{path}:{l}:{c}: {}", d.message),
    }
}

fn expand_tabs(s: &str) -> String {
    s.replace('\t', "    ")
}

/// How many carets: a quoted string up to its closing quote, else the word
/// (up to white space or TOML punctuation), at least one.
fn caret_width(rest: &[char]) -> usize {
    let Some(&first) = rest.first() else {
        return 1;
    };
    if first == '"' || first == '\'' {
        let mut i = 1;
        while i < rest.len() {
            if rest[i] == '\\' && first == '"' {
                i += 2;
                continue;
            }
            if rest[i] == first {
                return i + 1;
            }
            i += 1;
        }
        return rest.len().max(1);
    }
    let n = rest
        .iter()
        .take_while(|c| !c.is_whitespace() && !matches!(c, '"' | '\'' | ',' | ']' | '}' | ';'))
        .count();
    n.max(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_handles_every_line_end() {
        let t = "ab\ncd\r\nef\rgh";
        let ix = LineIndex::new(t);
        assert_eq!(ix.len(), 4);
        assert_eq!(ix.origin(0), Origin { line: 1, column: 1 });
        assert_eq!(ix.origin(4), Origin { line: 2, column: 2 });
        assert_eq!(ix.origin(7), Origin { line: 3, column: 1 });
        assert_eq!(ix.origin(10), Origin { line: 4, column: 1 });
        assert_eq!(ix.line(2), Some("cd"));
        assert_eq!(ix.line(3), Some("ef"));
        assert_eq!(ix.line(5), None);
        let lines: Vec<_> = ix.lines().map(|(_, l)| l).collect();
        assert_eq!(lines, ["ab", "cd", "ef", "gh"]);
        // Columns count characters, not bytes.
        assert_eq!(LineIndex::new("é x").origin(3).column, 3);
    }

    #[test]
    fn renders_a_caret_under_a_string() {
        let src = "[[codes]]\nid = \"cost.rent\"\nparent = \"cost\"\n";
        let d = Diagnostic::error(
            Origin {
                line: 3,
                column: 10,
            },
            "code \"cost.rent\" has unknown parent \"cost\"",
        );
        assert_eq!(
            render("codebook.toml", src, &d),
            "error: codebook.toml:3:10: code \"cost.rent\" has unknown parent \"cost\"\n  |\n3 | parent = \"cost\"\n  |          ^^^^^^\n"
        );
    }

    #[test]
    fn renders_a_word_and_whole_file_diagnostics() {
        let src = "\thoop 1 NEAR/x\n";
        let d = Diagnostic::warning(Origin { line: 1, column: 9 }, "bad");
        let r = render("a.dic", src, &d);
        assert!(
            r.ends_with("1 |     hoop 1 NEAR/x\n  |            ^^^^^^\n"),
            "{r}"
        );
        let whole = Diagnostic::error(Origin::default(), "empty");
        assert_eq!(render("a.dic", src, &whole), "error: a.dic: empty\n");
        let no_col = Diagnostic::error(Origin { line: 1, column: 0 }, "x");
        assert!(!render("a.dic", src, &no_col).contains('^'));
    }

    #[test]
    fn summary_and_one_line() {
        let ds = vec![
            Diagnostic::error(Origin { line: 2, column: 3 }, "a"),
            Diagnostic::error(Origin::default(), "b"),
            Diagnostic::warning(Origin { line: 1, column: 0 }, "c"),
        ];
        assert_eq!(summary("x.toml", &ds), "x.toml: 2 errors, 1 warning");
        assert_eq!(one_line("x.toml", &ds[0]), "x.toml:2:3: a");
        assert_eq!(one_line("x.toml", &ds[2]), "x.toml:1: c");
        let mut sorted = ds.clone();
        sort(&mut sorted);
        assert_eq!(sorted[0].message, "b");
        assert_eq!(sorted[2].message, "a");
    }

    #[test]
    fn long_lines_are_cut_to_a_window_around_the_column() {
        let line = format!("{}<Code name=\"x\"/>{}", "a".repeat(5000), "b".repeat(5000));
        let d = Diagnostic::warning(
            Origin {
                line: 1,
                column: 5001,
            },
            "w",
        );
        let r = render("big.qdc", &line, &d);
        assert!(r.len() < 400, "{r}");
        let lines: Vec<&str> = r.lines().collect();
        assert!(
            lines[2].starts_with("1 | …") && lines[2].ends_with('…'),
            "{r}"
        );
        // The caret stands under the culprit.
        let at = lines[2].chars().position(|c| c == '<').unwrap();
        assert_eq!(lines[3].chars().position(|c| c == '^'), Some(at), "{r}");
    }

    #[test]
    fn many_diagnostics_of_one_kind_are_counted() {
        let ds: Vec<Diagnostic> = (1..=200)
            .map(|i| {
                Diagnostic::warning(
                    Origin { line: 1, column: i },
                    format!("code \"c{i}\" has no rules"),
                )
            })
            .chain([Diagnostic::warning(Origin::default(), "other")])
            .collect();
        let text = "x".repeat(300);
        let r = render_summary("one.qdc", &text, &ds, false);
        assert_eq!(r.matches("has no rules\n").count(), SHOWN_PER_KIND, "{r}");
        assert!(
            r.contains("warning: one.qdc: 197 more like this: code \"…\" has no rules (--verbose lists them all)"),
            "{r}"
        );
        assert!(r.contains("warning: one.qdc: other"), "{r}");
        assert!(r.len() < 2000, "{}", r.len());
        let all = render_summary("one.qdc", &text, &ds, true);
        assert_eq!(all.matches("has no rules\n").count(), 200);
        assert_eq!(shape("rule \"a\" at 12 of «b»"), "rule \"…\" at … of «…»");
    }
}
