//! WordStat dictionaries (`.cat`): category lines, and entries `WORD (1)`
//! indented one TAB deeper than their category; nested categories are
//! deeper still (depth = number of leading TABs). Files are often CRLF and
//! Windows-1252 (decoded before this reader). Indentation with spaces is
//! read too, one level per the smallest indent seen.

use super::liwc::DictBuilder;
use crate::codebook::diagnostics::LineIndex;
use crate::codebook::model::{Codebook, Diagnostic, Origin};

/// Reads a WordStat `.cat` dictionary.
pub fn read(text: &str, name: &str) -> (Option<Codebook>, Vec<Diagnostic>) {
    let index = LineIndex::new(text);
    let mut diags = Vec::new();
    let space_unit = index
        .lines()
        .filter_map(|(_, l)| {
            let n = l.len() - l.trim_start_matches(' ').len();
            (n > 0 && !l.trim().is_empty()).then_some(n)
        })
        .min()
        .unwrap_or(1);
    let mut b = DictBuilder::new(name);
    let mut open: Vec<(usize, usize)> = Vec::new(); // (depth, category)
    for (start, line) in index.lines() {
        let t = line.trim();
        if t.is_empty() {
            continue;
        }
        let lead = &line[..line.len() - line.trim_start().len()];
        let tabs = lead.matches('\t').count();
        let spaces = lead.matches(' ').count();
        let depth = tabs + spaces / space_unit;
        let origin = index.origin(start + lead.len());
        while open.last().is_some_and(|&(d, _)| d >= depth) {
            open.pop();
        }
        match entry(t) {
            Some(term) => match open.last() {
                Some(&(_, cat)) => b.entry(cat, term, origin, &mut diags),
                None => diags.push(Diagnostic::warning(
                    origin,
                    format!("entry \"{term}\" skipped: it is not under a category"),
                )),
            },
            None => {
                let parent = open.last().map(|&(_, c)| c);
                let cat = b.category(t, parent, origin);
                open.push((depth, cat));
            }
        }
    }
    if b.is_empty() {
        diags.push(Diagnostic::error(
            Origin::default(),
            "no category found; expected category lines and TAB-indented `WORD (1)` entries",
        ));
        return (None, diags);
    }
    (Some(b.finish()), diags)
}

/// `WORD (1)` gives `WORD`; a line without a `(weight)` is a category.
fn entry(t: &str) -> Option<&str> {
    let inner = t.strip_suffix(')')?;
    let open = inner.rfind('(')?;
    let weight = inner[open + 1..].trim();
    if weight.is_empty() || !weight.chars().all(|c| c.is_ascii_digit() || c == '.') {
        return None;
    }
    let term = inner[..open].trim();
    (!term.is_empty()).then_some(term)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::model::{Pattern, Severity, Term};
    use crate::corpus::decode::decode;

    #[test]
    fn reads_nested_categories_crlf_and_windows_1252() {
        let bytes = b"ECONOMIE\r\n\tIMP\xd4T* (1)\r\n\tEMPLOI\r\n\t\tCH\xd4MAGE (1)\r\n\tBANQUE CENTRALE (1)\r\nSANT\xc9\r\n\tH\xd4PITAL (1)\r\n";
        let text = decode(bytes, None).unwrap().text.into_owned();
        let (cb, d) = read(&text, "ws");
        assert!(d.is_empty(), "{d:?}");
        let cb = cb.unwrap();
        let got: Vec<_> = cb
            .codes
            .iter()
            .map(|c| (c.id.as_str(), c.parent.as_deref(), c.rules.len()))
            .collect();
        assert_eq!(
            got,
            [
                ("ECONOMIE", None, 2),
                ("ECONOMIE.EMPLOI", Some("ECONOMIE"), 1),
                ("SANTÉ", None, 1)
            ]
        );
        assert_eq!(
            cb.codes[0].rules[0].pattern,
            Pattern::Term(Term::Prefix("IMPÔT".into()))
        );
        assert!(matches!(cb.codes[0].rules[1].pattern, Pattern::Phrase(_)));
        assert_eq!(cb.codes[1].rules[0].origin, Origin { line: 4, column: 3 });
    }

    #[test]
    fn space_indentation_and_orphans() {
        let (cb, d) = read("  LOST (1)\nA\n  x (1)\n  B\n    y (1)\n", "ws");
        let cb = cb.unwrap();
        assert_eq!(cb.codes.len(), 2);
        assert_eq!(cb.codes[1].id, "A.B");
        assert_eq!(cb.codes[1].rules[0].text, "y");
        assert_eq!(d.len(), 1);
        assert_eq!((d[0].severity, d[0].origin.line), (Severity::Warning, 1));
        let (cb, d) = read("  x (1)\n", "ws");
        assert!(cb.is_none() && d.iter().any(|x| x.severity == Severity::Error));
    }
}
