//! Codebook diagnostics as people read them: `error: …`, then
//! `--> file:line:col` and the source line with a caret under the culprit,
//! in the style of rustc and just. Also line bookkeeping shared by the
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

/// Renders one diagnostic with a caret excerpt of `source_text`:
///
/// ```text
/// error: code "cost.rent" has unknown parent "cost"
///   --> codebook.toml:14:10
///    |
/// 14 | parent = "cost"
///    |          ^^^^^^
/// ```
///
/// Line 0 means the whole file (no excerpt); column 0, the whole line.
pub fn render(path: &str, source_text: &str, d: &Diagnostic) -> String {
    let kind = match d.severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
    };
    let mut out = format!("{kind}: {}\n", d.message);
    let Origin { line, column } = d.origin;
    let index = LineIndex::new(source_text);
    let text = if line == 0 { None } else { index.line(line) };
    let Some(text) = text else {
        out.push_str(&format!(" --> {path}\n"));
        return out;
    };
    let pad = " ".repeat(line.to_string().len());
    if column == 0 {
        out.push_str(&format!("{pad}--> {path}:{line}\n"));
    } else {
        out.push_str(&format!("{pad}--> {path}:{line}:{column}\n"));
    }
    out.push_str(&format!("{pad} |\n"));
    out.push_str(&format!("{line} | {}\n", expand_tabs(text).trim_end()));
    if column > 0 {
        let chars: Vec<char> = text.chars().collect();
        let at = (column as usize - 1).min(chars.len());
        let before: String = chars[..at].iter().collect();
        let width = caret_width(&chars[at..]);
        out.push_str(&format!(
            "{pad} | {}{}\n",
            " ".repeat(expand_tabs(&before).chars().count()),
            "^".repeat(width)
        ));
    }
    out
}

/// Renders several diagnostics, separated by blank lines.
pub fn render_all(path: &str, source_text: &str, diagnostics: &[Diagnostic]) -> String {
    diagnostics
        .iter()
        .map(|d| render(path, source_text, d))
        .collect::<Vec<_>>()
        .join("\n")
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
            "error: code \"cost.rent\" has unknown parent \"cost\"\n --> codebook.toml:3:10\n  |\n3 | parent = \"cost\"\n  |          ^^^^^^\n"
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
        assert_eq!(render("a.dic", src, &whole), "error: empty\n --> a.dic\n");
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
}
