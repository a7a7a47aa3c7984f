//! LIWC dictionaries: `.dic` (a `%` line, `id<TAB>name` lines, a `%` line,
//! then `term<TAB>id…` lines) and LIWC-22 `.dicx` (CSV: the term, then one
//! column per category holding `X`). Categories become codes; a term in
//! several categories becomes a rule in each.
//!
//! Real files bend the format: spaces instead of tabs, zero-padded or
//! space-separated ids, CR-only or CRLF line ends, phrases with spaces.
//! What LIWC itself accepts is read; what cannot be used is skipped with a
//! warning naming its line.

use std::collections::{HashMap, HashSet};

use super::common::{self, id_from_name, unique_id};
use crate::codebook::diagnostics::LineIndex;
use crate::codebook::model::{Code, Codebook, CodebookOptions, Diagnostic, Origin, Semantics};

/// Options of a codebook read from a dictionary tool: dictionary counting,
/// no accent folding.
pub fn dictionary_options() -> CodebookOptions {
    CodebookOptions {
        fold_accents: false,
        semantics: Semantics::Dictionary,
        ..CodebookOptions::default()
    }
}

/// Collects categories and their entries, then builds the codebook.
pub struct DictBuilder {
    cb: Codebook,
    taken: HashSet<String>,
    seen: HashSet<(usize, String)>,
}

impl DictBuilder {
    /// An empty dictionary codebook called `name`.
    pub fn new(name: &str) -> Self {
        DictBuilder {
            cb: Codebook {
                name: name.to_owned(),
                options: dictionary_options(),
                codes: Vec::new(),
            },
            taken: HashSet::new(),
            seen: HashSet::new(),
        }
    }

    /// Adds a category; its id is made from its name (under its parent's
    /// id, `parent.name`, when nested). Returns its index.
    pub fn category(&mut self, name: &str, parent: Option<usize>, origin: Origin) -> usize {
        let own = id_from_name(name);
        let (id, parent_id) = match parent {
            Some(p) => {
                let pid = self.cb.codes[p].id.clone();
                (format!("{pid}.{own}"), Some(pid))
            }
            None => (own, None),
        };
        let id = unique_id(&mut self.taken, id);
        self.cb.codes.push(Code {
            id,
            label: name.trim().to_owned(),
            parent: parent_id,
            parent_origin: origin,
            origin,
            ..Code::default()
        });
        self.cb.codes.len() - 1
    }

    /// Adds an entry (a word, `glob*` or a phrase) to a category; an entry
    /// the rule syntax cannot hold is skipped with a warning.
    pub fn entry(
        &mut self,
        category: usize,
        term: &str,
        origin: Origin,
        diags: &mut Vec<Diagnostic>,
    ) {
        let term = term.split_whitespace().collect::<Vec<_>>().join(" ");
        if term.is_empty() || !self.seen.insert((category, term.clone())) {
            return;
        }
        if term.contains('?') {
            diags.push(Diagnostic::warning(
                origin,
                format!("entry \"{term}\" skipped: `?` wildcards are not supported"),
            ));
            return;
        }
        if term.starts_with('/')
            || term
                .split(' ')
                .any(|w| w.starts_with('~') || w.to_ascii_uppercase().starts_with("NEAR/"))
        {
            diags.push(Diagnostic::warning(
                origin,
                format!(
                    "entry \"{term}\" skipped: it would read as a qualsynth rule (`~`, `/…/`, NEAR)"
                ),
            ));
            return;
        }
        match common::rule(&term, None, false, origin) {
            Ok(r) => self.cb.codes[category].rules.push(r),
            Err(e) => diags.push(Diagnostic::warning(
                origin,
                format!("entry \"{term}\" skipped: {}", e.message),
            )),
        }
    }

    /// Number of categories so far.
    pub fn len(&self) -> usize {
        self.cb.codes.len()
    }

    /// Whether there is no category yet.
    pub fn is_empty(&self) -> bool {
        self.cb.codes.is_empty()
    }

    /// Sets the colour of a category.
    pub fn colour(&mut self, category: usize, colour: String) {
        self.cb.codes[category].colour = Some(colour);
    }

    /// The codebook.
    pub fn finish(self) -> Codebook {
        self.cb
    }
}

/// Reads a LIWC `.dic` file.
pub fn read_dic(text: &str, name: &str) -> (Option<Codebook>, Vec<Diagnostic>) {
    let index = LineIndex::new(text);
    let mut diags = Vec::new();
    let mut lines = index
        .lines()
        .enumerate()
        .map(|(n, (start, l))| (n as u32 + 1, start, l));
    // Leading blank lines, then the opening `%`.
    let mut opened = false;
    for (n, start, l) in lines.by_ref() {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        if t == "%" {
            opened = true;
            break;
        }
        let origin = index.origin(start + (l.len() - l.trim_start().len()));
        diags.push(Diagnostic::error(
            origin,
            format!("line {n}: expected `%` opening the category list of a LIWC .dic file"),
        ));
        return (None, diags);
    }
    if !opened {
        diags.push(Diagnostic::error(
            Origin::default(),
            "no `%` line: this is not a LIWC .dic file",
        ));
        return (None, diags);
    }
    let mut b = DictBuilder::new(name);
    let mut by_number: HashMap<u64, usize> = HashMap::new();
    let mut closed = false;
    for (_, start, l) in lines.by_ref() {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        let origin = index.origin(start + (l.len() - l.trim_start().len()));
        if t == "%" {
            closed = true;
            break;
        }
        let mut parts = t.splitn(2, char::is_whitespace);
        let number = parts.next().unwrap_or("");
        let cat = parts.next().map(str::trim).unwrap_or("");
        let cat = cat.split('\t').next().unwrap_or("").trim();
        match number.parse::<u64>() {
            Ok(k) if !cat.is_empty() => {
                if by_number.contains_key(&k) {
                    diags.push(Diagnostic::warning(origin, format!("category number {k} defined twice; the first one is kept")));
                    continue;
                }
                let i = b.category(cat, None, origin);
                by_number.insert(k, i);
            }
            _ => diags.push(Diagnostic::warning(
                origin,
                format!("category line \"{t}\" skipped: expected a number and a name, like `1<TAB>posemo`"),
            )),
        }
    }
    if !closed {
        diags.push(Diagnostic::error(
            Origin::default(),
            "no second `%` line closing the category list",
        ));
        return (None, diags);
    }
    for (_, start, l) in lines {
        let t = l.trim();
        if t.is_empty() {
            continue;
        }
        let lead = l.len() - l.trim_start().len();
        let origin = index.origin(start + lead);
        if t == "%" {
            diags.push(Diagnostic::warning(origin, "extra `%` line ignored"));
            continue;
        }
        let (term, ids) = split_entry(t);
        if term.is_empty() {
            diags.push(Diagnostic::warning(
                origin,
                format!("line \"{t}\" skipped: no term before the category numbers"),
            ));
            continue;
        }
        if ids.is_empty() {
            diags.push(Diagnostic::warning(
                origin,
                format!("entry \"{term}\" skipped: no category number"),
            ));
            continue;
        }
        for id in ids {
            match id.parse::<u64>().ok().and_then(|k| by_number.get(&k)) {
                Some(&cat) => b.entry(cat, term, origin, &mut diags),
                None if id.parse::<u64>().is_ok() => diags.push(Diagnostic::warning(
                    origin,
                    format!("entry \"{term}\": category {id} is not defined above; ignored"),
                )),
                None => diags.push(Diagnostic::warning(
                    origin,
                    format!("entry \"{term}\": category \"{id}\" is not a number (LIWC 2007 conditional entries are not supported); ignored"),
                )),
            }
        }
    }
    (Some(b.finish()), diags)
}

/// Splits an entry line into the term and its category ids. With tabs, the
/// term is the first field and every later token an id; without, the ids
/// are the trailing numbers (so a phrase keeps its spaces).
fn split_entry(t: &str) -> (&str, Vec<&str>) {
    if let Some((term, rest)) = t.split_once('\t') {
        return (term.trim(), rest.split_whitespace().collect());
    }
    let mut tokens: Vec<(usize, &str)> = Vec::new();
    let mut start = None;
    for (i, c) in t.char_indices() {
        if c.is_whitespace() {
            if let Some(s) = start.take() {
                tokens.push((s, &t[s..i]));
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(s) = start {
        tokens.push((s, &t[s..]));
    }
    if tokens.is_empty() {
        return ("", Vec::new());
    }
    let numeric = tokens
        .iter()
        .rev()
        .take_while(|(_, x)| x.bytes().all(|c| c.is_ascii_digit()))
        .count();
    // At least one token is the term, even a number.
    let keep = (tokens.len() - numeric).max(1);
    let term = match tokens.get(keep) {
        Some(&(s, _)) => t[..s].trim(),
        None => t.trim(),
    };
    (term, tokens[keep..].iter().map(|x| x.1).collect())
}

/// Reads a LIWC-22 `.dicx` file (CSV).
pub fn read_dicx(text: &str, name: &str) -> (Option<Codebook>, Vec<Diagnostic>) {
    let index = LineIndex::new(text);
    let mut diags = Vec::new();
    let header_line = index.line(1).unwrap_or("");
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else if header_line.contains('\t') && !header_line.contains(',') {
        b'\t'
    } else {
        b','
    };
    let mut rdr = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut records = rdr.records();
    let header = match records.next() {
        Some(Ok(h)) => h,
        Some(Err(e)) => {
            diags.push(Diagnostic::error(
                Origin::default(),
                format!("malformed CSV: {e}"),
            ));
            return (None, diags);
        }
        None => {
            diags.push(Diagnostic::error(
                Origin::default(),
                "no header row; expected DicTerm,<category>,…",
            ));
            return (None, diags);
        }
    };
    if header.len() < 2 {
        diags.push(Diagnostic::error(
            Origin { line: 1, column: 1 },
            "the header has no category columns; expected DicTerm,<category>,…",
        ));
        return (None, diags);
    }
    let mut b = DictBuilder::new(name);
    let mut cats: Vec<Option<usize>> = vec![None];
    for (k, h) in header.iter().enumerate().skip(1) {
        let h = h.trim();
        if h.is_empty() {
            diags.push(Diagnostic::warning(
                Origin { line: 1, column: 0 },
                format!("column {} has no category name; ignored", k + 1),
            ));
            cats.push(None);
        } else {
            cats.push(Some(b.category(h, None, Origin { line: 1, column: 0 })));
        }
    }
    for rec in records {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let o = e
                    .position()
                    .map_or(Origin::default(), |p| index.origin(p.byte() as usize));
                diags.push(Diagnostic::warning(o, format!("row skipped: {e}")));
                continue;
            }
        };
        let origin = rec
            .position()
            .map_or(Origin::default(), |p| index.origin(p.byte() as usize));
        let term = rec.get(0).unwrap_or("").trim();
        if term.is_empty() {
            if rec.iter().any(|f| !f.trim().is_empty()) {
                diags.push(Diagnostic::warning(origin, "row without a term skipped"));
            }
            continue;
        }
        for (k, cell) in rec.iter().enumerate().skip(1) {
            if cell.trim().is_empty() {
                continue;
            }
            match cats.get(k).copied().flatten() {
                Some(cat) => b.entry(cat, term, origin, &mut diags),
                None => diags.push(Diagnostic::warning(
                    origin,
                    format!(
                        "entry \"{term}\": column {} has no category; ignored",
                        k + 1
                    ),
                )),
            }
        }
    }
    (Some(b.finish()), diags)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::model::{Pattern, Severity, Term};

    fn entries(cb: &Codebook) -> Vec<(String, String)> {
        let mut v: Vec<_> = cb
            .codes
            .iter()
            .flat_map(|c| c.rules.iter().map(move |r| (c.id.clone(), r.text.clone())))
            .collect();
        v.sort();
        v
    }

    #[test]
    fn reads_a_plain_dic() {
        let (cb, d) = read_dic(
            "%\n1\tposemo\n2\tnegemo\n%\nhappy\t1\nsad*\t2\nkind of\t1\t2\n",
            "toy",
        );
        assert!(d.is_empty(), "{d:?}");
        let cb = cb.unwrap();
        assert_eq!(cb.options.semantics, Semantics::Dictionary);
        assert!(!cb.options.fold_accents);
        assert_eq!(cb.codes[0].id, "posemo");
        assert_eq!(
            cb.codes[1].rules[0].pattern,
            Pattern::Term(Term::Prefix("sad".into()))
        );
        assert_eq!(
            cb.codes[1].rules[1].pattern,
            Pattern::Phrase(vec![Term::Word("kind".into()), Term::Word("of".into())])
        );
        assert_eq!(cb.codes[1].rules[1].origin, Origin { line: 7, column: 1 });
    }

    #[test]
    fn messy_dic_gives_the_same_entries() {
        let clean = "%\n1\tposemo\n2\tnegemo\n%\nhappy\t1\nsad*\t2\nkind of\t1\t2\n";
        // Spaces instead of tabs, zero-padded ids, CR-only line ends,
        // space-separated ids, blank lines, a BOM-less leading blank line.
        let messy = "\r%\r01 posemo\r  02    negemo\r%\rhappy 01\r\rsad*   2\rkind of 1 02\r";
        let (a, _) = read_dic(clean, "x");
        let (b, d) = read_dic(messy, "x");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(entries(&a.unwrap()), entries(&b.unwrap()));
        let crlf = clean.replace('\n', "\r\n");
        assert_eq!(
            entries(&read_dic(&crlf, "x").0.unwrap()),
            entries(&read_dic(clean, "x").0.unwrap())
        );
    }

    #[test]
    fn warns_about_what_cannot_be_used() {
        let src = "%\n1\tA\nx\n%\nok\t1\nbad\t9\nlike\t(02 134)125/464\n*\t1\nnonum\n";
        let (cb, d) = read_dic(src, "x");
        let cb = cb.unwrap();
        assert_eq!(cb.codes.len(), 1);
        assert_eq!(cb.codes[0].rules.len(), 1);
        assert!(d.iter().all(|x| x.severity == Severity::Warning));
        let lines: Vec<u32> = d.iter().map(|x| x.origin.line).collect();
        assert_eq!(lines, [3, 6, 7, 7, 8, 9], "{d:#?}");
        let (cb, d) = read_dic("posemo 1\n", "x");
        assert!(cb.is_none() && d[0].severity == Severity::Error);
        let (cb, _) = read_dic("%\n1 a\n", "x");
        assert!(cb.is_none());
    }

    #[test]
    fn dicx_matches_dic() {
        let dic = "%\n1\tposemo\n2\tnegemo\n%\nhappy\t1\nsad*\t2\nkind of\t1\t2\n";
        let dicx =
            "\u{FEFF}DicTerm,posemo,negemo\r\nhappy,X,\r\nsad*,,X\r\n\"kind of\",X,X\r\n,,\r\n";
        let (a, _) = read_dic(dic, "x");
        let (b, d) = read_dicx(dicx.trim_start_matches('\u{FEFF}'), "x");
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(entries(&a.unwrap()), entries(&b.unwrap()));
    }

    #[test]
    fn split_entry_keeps_phrases() {
        assert_eq!(split_entry("kind of 1 2"), ("kind of", vec!["1", "2"]));
        assert_eq!(split_entry("a\t01 2\t3"), ("a", vec!["01", "2", "3"]));
        assert_eq!(split_entry("12 3"), ("12", vec!["3"]));
        assert_eq!(split_entry("word"), ("word", vec![]));
    }
}
