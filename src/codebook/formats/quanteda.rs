//! quanteda dictionaries in YAML: keys are categories, nested keys are
//! subcategories (ids `parent.child`, as quanteda flattens them), values
//! are lists of glob patterns; an empty key `''` holds a parent's own
//! values. Read with yaml-rust2's event parser, which keeps line numbers.

use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::liwc::DictBuilder;
use crate::codebook::model::{Codebook, Diagnostic, Origin};

/// A YAML node with its position.
#[derive(Debug)]
enum Node {
    Scalar(String, Origin),
    Null(Origin),
    Seq(Vec<Node>, Origin),
    Map(Vec<(Node, Node)>, Origin),
    Alias(Origin),
}

impl Node {
    fn origin(&self) -> Origin {
        match self {
            Node::Scalar(_, o)
            | Node::Null(o)
            | Node::Seq(_, o)
            | Node::Map(_, o)
            | Node::Alias(o) => *o,
        }
    }
}

enum Frame {
    Seq(Vec<Node>, Origin),
    Map(Vec<(Node, Node)>, Option<Node>, Origin),
}

struct Builder {
    stack: Vec<Frame>,
    root: Option<Node>,
    /// The text's number of lines and the end of its last line: every
    /// node's position is kept inside the text (see [`within_text`]).
    lines: u32,
    end: Origin,
}

impl Builder {
    /// A builder for nodes of `text`.
    fn new(text: &str) -> Self {
        let lines = crate::codebook::diagnostics::LineIndex::new(text)
            .len()
            .max(1) as u32;
        Builder {
            stack: Vec::new(),
            root: None,
            lines,
            end: within_text(
                text,
                Origin {
                    line: lines + 1,
                    column: 1,
                },
            ),
        }
    }

    fn push(&mut self, n: Node) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(n);
                }
            }
            Some(Frame::Seq(v, _)) => v.push(n),
            Some(Frame::Map(v, pending, _)) => match pending.take() {
                None => *pending = Some(n),
                Some(k) => v.push((k, n)),
            },
        }
    }
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        let o = Origin {
            line: mark.line() as u32,
            column: mark.col() as u32 + 1,
        };
        // The parser places events at the end of input on the line after
        // the last one (an empty key with no line break after it: `? `).
        let o = match o.line {
            0 => Origin { line: 1, column: 1 },
            l if l > self.lines => self.end,
            _ => o,
        };
        match ev {
            Event::Scalar(s, style, _, _) => {
                let null = style == TScalarStyle::Plain
                    && matches!(s.as_str(), "" | "~" | "null" | "Null" | "NULL");
                self.push(if null {
                    Node::Null(o)
                } else {
                    Node::Scalar(s, o)
                });
            }
            Event::SequenceStart(..) => self.stack.push(Frame::Seq(Vec::new(), o)),
            Event::MappingStart(..) => self.stack.push(Frame::Map(Vec::new(), None, o)),
            Event::SequenceEnd | Event::MappingEnd => {
                let n = match self.stack.pop() {
                    Some(Frame::Seq(v, o)) => Node::Seq(v, o),
                    Some(Frame::Map(v, _, o)) => Node::Map(v, o),
                    None => return,
                };
                self.push(n);
            }
            Event::Alias(_) => self.push(Node::Alias(o)),
            _ => {}
        }
    }
}

/// A position of the YAML parser inside the text: it reports the end of
/// input on the line after the last one, so such a position becomes the
/// end of the last line (lines counted as diagnostics count them: `\n`,
/// `\r\n` or a lone `\r`).
fn within_text(text: &str, o: Origin) -> Origin {
    let index = crate::codebook::diagnostics::LineIndex::new(text);
    let lines = index.len().max(1) as u32;
    if o.line == 0 {
        return Origin { line: 1, column: 1 };
    }
    if o.line <= lines {
        return o;
    }
    let last = index.line(lines).unwrap_or("");
    Origin {
        line: lines,
        column: last.chars().count() as u32 + 1,
    }
}

/// Reads a quanteda YAML dictionary.
pub fn read(text: &str, name: &str) -> (Option<Codebook>, Vec<Diagnostic>) {
    let mut diags = Vec::new();
    let mut builder = Builder::new(text);
    let mut parser = Parser::new_from_str(text);
    if let Err(e) = parser.load(&mut builder, false) {
        let m = e.marker();
        diags.push(Diagnostic::error(
            within_text(
                text,
                Origin {
                    line: m.line() as u32,
                    column: m.col() as u32 + 1,
                },
            ),
            format!("invalid YAML: {}", e.info()),
        ));
        return (None, diags);
    }
    let Some(Node::Map(entries, _)) = builder.root else {
        let o = within_text(
            text,
            builder
                .root
                .as_ref()
                .map_or(Origin::default(), Node::origin),
        );
        diags.push(Diagnostic::error(
            o,
            "expected a mapping of categories to lists of patterns, like `posemo: [happy, glad*]`",
        ));
        return (None, diags);
    };
    let mut b = DictBuilder::new(name);
    map(&mut b, &entries, None, &mut diags);
    (Some(b.finish()), diags)
}

fn map(
    b: &mut DictBuilder,
    entries: &[(Node, Node)],
    parent: Option<usize>,
    diags: &mut Vec<Diagnostic>,
) {
    for (k, v) in entries {
        let key = match k {
            Node::Scalar(s, _) => s.as_str(),
            Node::Null(_) => "",
            other => {
                diags.push(Diagnostic::warning(
                    other.origin(),
                    "a category name must be text; entry skipped",
                ));
                continue;
            }
        };
        if key.trim().is_empty() {
            match parent {
                Some(p) => values(b, v, p, diags),
                None => diags.push(Diagnostic::warning(
                    k.origin(),
                    "values under an empty key at the top level belong to no category; skipped",
                )),
            }
            continue;
        }
        let cat = b.category(key, parent, k.origin());
        values(b, v, cat, diags);
    }
}

fn values(b: &mut DictBuilder, v: &Node, cat: usize, diags: &mut Vec<Diagnostic>) {
    match v {
        Node::Scalar(s, o) => b.entry(cat, s, *o, diags),
        Node::Null(_) => {}
        Node::Seq(items, _) => {
            for item in items {
                values(b, item, cat, diags);
            }
        }
        Node::Map(entries, _) => map(b, entries, Some(cat), diags),
        Node::Alias(o) => diags.push(Diagnostic::warning(
            *o,
            "YAML aliases are not supported; skipped",
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::model::{Pattern, Severity, Term};

    /// Found by the `codebook_yml` fuzz target: the YAML parser put an
    /// error at the end of input on a line past the last one.
    #[test]
    fn fuzz_codebook_yml_6580bec2_error_past_the_last_line() {
        let bytes = include_bytes!("../../../fixtures/fuzz/codebook_yml-6580bec2.yml");
        let text = String::from_utf8_lossy(bytes);
        let (_, d) = read(&text, "q");
        let lines = text.lines().count().max(1) as u32;
        assert!(!d.is_empty());
        for x in &d {
            assert!(
                x.origin.line >= 1 && x.origin.line <= lines,
                "{x:?} in {lines} lines"
            );
        }
    }

    /// Found by the `codebook_yml` fuzz target: `? ` (an empty key at the
    /// end of input) gave a warning on the line after the only one.
    #[test]
    fn fuzz_codebook_yml_a29dcce1_empty_key_past_the_last_line() {
        for src in ["? ", "?", "a: [b]\n? ", "a:\r? "] {
            let (_, d) = read(src, "q");
            let lines = crate::codebook::diagnostics::LineIndex::new(src)
                .len()
                .max(1) as u32;
            for x in &d {
                assert!(
                    x.origin.line >= 1 && x.origin.line <= lines,
                    "{src:?}: {x:?} in {lines} lines"
                );
            }
        }
        let (_, d) = read("? ", "q");
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].message.contains("belong to no category"), "{d:?}");
    }

    /// Found by the `codebook_yml` fuzz target: a document that is not a
    /// mapping, ending without a line break, was reported on the line after
    /// the last one; and an old-Mac (`\r`) file must count its lines so.
    #[test]
    fn fuzz_codebook_yml_f515d006_root_past_the_last_line() {
        for src in ["&a", "&V\u{fffd}", "a: [x", "a:\r  - b\r  - [c"] {
            let (_, d) = read(src, "q");
            let lines = crate::codebook::diagnostics::LineIndex::new(src).len() as u32;
            assert!(!d.is_empty(), "{src:?}");
            for x in &d {
                assert!(
                    x.origin.line >= 1 && x.origin.line <= lines,
                    "{src:?}: {x:?} in {lines} lines"
                );
            }
        }
    }

    #[test]
    fn reads_nested_categories_and_parent_values() {
        let src = "christmas:\n  - Christmas\n  - Santa\n  - holiday*\nopposition:\n  '':\n    - opp*\n  parties: [Labour Party, tories]\n  leaders: Corbyn\nempty:\n";
        let (cb, d) = read(src, "q");
        assert!(d.is_empty(), "{d:?}");
        let cb = cb.unwrap();
        let ids: Vec<_> = cb
            .codes
            .iter()
            .map(|c| (c.id.as_str(), c.parent.as_deref(), c.rules.len()))
            .collect();
        assert_eq!(
            ids,
            [
                ("christmas", None, 3),
                ("opposition", None, 1),
                ("opposition.parties", Some("opposition"), 2),
                ("opposition.leaders", Some("opposition"), 1),
                ("empty", None, 0)
            ]
        );
        assert_eq!(
            cb.codes[0].rules[2].pattern,
            Pattern::Term(Term::Prefix("holiday".into()))
        );
        assert_eq!(cb.codes[0].rules[1].origin, Origin { line: 3, column: 5 });
        assert!(matches!(cb.codes[2].rules[0].pattern, Pattern::Phrase(_)));
        assert_eq!(cb.codes[1].origin.line, 5);
    }

    #[test]
    fn errors_and_warnings() {
        let (cb, d) = read("a: [x\n", "q");
        assert!(cb.is_none());
        assert_eq!(d[0].severity, Severity::Error);
        assert!(d[0].origin.line >= 1);
        let (cb, d) = read("- a\n- b\n", "q");
        assert!(cb.is_none() && d[0].message.contains("mapping"));
        let (cb, d) = read("a: ['*x', 'co?r', ok]\n'': [z]\n", "q");
        assert_eq!(cb.unwrap().codes[0].rules.len(), 1);
        assert_eq!(d.len(), 3, "{d:?}");
        assert!(
            d.iter()
                .all(|x| x.severity == Severity::Warning && x.origin.line >= 1)
        );
    }
}
