//! Lexicoder dictionaries (`.lc3`): `+category` lines, optionally with a
//! colour (`+economy#FF0000`), each followed by one pattern a line.

use super::common::{normal_colour, valid_colour};
use super::liwc::DictBuilder;
use crate::codebook::diagnostics::LineIndex;
use crate::codebook::model::{Codebook, Diagnostic, Origin};

/// Reads a Lexicoder `.lc3` dictionary.
pub fn read(text: &str, name: &str) -> (Option<Codebook>, Vec<Diagnostic>) {
    let index = LineIndex::new(text);
    let mut diags = Vec::new();
    let mut b = DictBuilder::new(name);
    let mut current: Option<usize> = None;
    for (start, line) in index.lines() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let origin = index.origin(start + (line.len() - line.trim_start().len()));
        if let Some(head) = t.strip_prefix('+') {
            let (cat, colour) = match head.rfind('#') {
                Some(i) if valid_colour(&head[i..]) => (head[..i].trim(), Some(&head[i..])),
                _ => (head.trim(), None),
            };
            if cat.is_empty() {
                diags.push(Diagnostic::warning(
                    origin,
                    "a `+` line without a category name; its patterns are skipped",
                ));
                current = None;
                continue;
            }
            let i = b.category(cat, None, origin);
            if let Some(c) = colour {
                b.colour(i, normal_colour(c).unwrap_or_else(|| c.to_owned()));
            }
            current = Some(i);
            continue;
        }
        match current {
            Some(cat) => b.entry(cat, t, origin, &mut diags),
            None => diags.push(Diagnostic::warning(
                origin,
                format!("pattern \"{t}\" skipped: no `+category` line above it"),
            )),
        }
    }
    if b.is_empty() {
        diags.push(Diagnostic::error(
            Origin::default(),
            "no `+category` line; expected `+name` lines each followed by patterns",
        ));
        return (None, diags);
    }
    (Some(b.finish()), diags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::model::{Pattern, Severity, Term};

    #[test]
    fn reads_categories_colours_and_patterns() {
        let (cb, d) = read(
            "stray\n+economy#FF0000\ntax*\njob loss\n\n+health\r\ndoctor*\r\n",
            "lsd",
        );
        let cb = cb.unwrap();
        assert_eq!(cb.codes.len(), 2);
        assert_eq!(cb.codes[0].colour.as_deref(), Some("#FF0000"));
        assert_eq!(
            cb.codes[0].rules[0].pattern,
            Pattern::Term(Term::Prefix("tax".into()))
        );
        assert!(matches!(cb.codes[0].rules[1].pattern, Pattern::Phrase(_)));
        assert_eq!(cb.codes[1].id, "health");
        assert_eq!(cb.codes[1].rules[0].origin.line, 7);
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].severity, d[0].origin.line), (Severity::Warning, 1));
        let (cb, _) = read("tax*\n", "x");
        assert!(cb.is_none());
    }
}
