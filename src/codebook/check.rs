//! Validation of a codebook: what makes it unusable (duplicate ids,
//! unknown parents, cycles, invalid regular expressions) and what is
//! suspicious (codes that can never apply, a rule in two codes unless one
//! of them declares it `shared`, a `shared` entry that is none of the
//! code's rules, rules of a code that is not codable, two codes with one
//! GUID, languages without a stemmer). Pure: a codebook in, diagnostics
//! out.

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::formats::common::{has_stemmer, suggest};
use super::model::{Code, Codebook, Diagnostic, Origin, Pattern, Semantics, Severity, guid_key};

/// Deepest code tree accepted: a code may have at most 99 ancestors.
pub const MAX_DEPTH: usize = 100;

/// Largest compiled size of a rule's regular expression (1 MiB).
pub const REGEX_SIZE_LIMIT: usize = 1 << 20;

/// A rule's regular expression that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegexError {
    /// It does not parse.
    #[error("invalid regular expression /{re}/: {why}")]
    Invalid {
        /// The expression.
        re: String,
        /// What is wrong, on one line.
        why: String,
    },
    /// It compiles to more than the limit.
    #[error(
        "regular expression /{0}/ is too big (it compiles to more than 1 MiB); simplify it or use terms"
    )]
    TooBig(String),
}

/// Compiles a rule's regular expression with the size limit every part of
/// qualsynth uses; the error says what is wrong on one line.
pub fn compile_regex(re: &str) -> Result<regex::Regex, RegexError> {
    let shown = short_regex(re);
    regex::RegexBuilder::new(re)
        .size_limit(REGEX_SIZE_LIMIT)
        .dfa_size_limit(REGEX_SIZE_LIMIT)
        .nest_limit(64)
        .build()
        .map_err(|e| match e {
            regex::Error::Syntax(s) => {
                let what = s
                    .lines()
                    .rev()
                    .find_map(|l| l.trim().strip_prefix("error: "))
                    .unwrap_or(s.lines().last().unwrap_or("syntax error"))
                    .to_owned();
                RegexError::Invalid {
                    re: shown,
                    why: what,
                }
            }
            regex::Error::CompiledTooBig(_) => RegexError::TooBig(shown),
            other => RegexError::Invalid {
                re: shown,
                why: other.to_string(),
            },
        })
}

/// Longest regular expression a message quotes whole, in characters.
const SHOWN_REGEX: usize = 80;

/// A regular expression as messages quote it: cut to its first
/// [`SHOWN_REGEX`] characters and `…` when longer (a 100,000-word
/// alternation would fill the terminal).
pub fn short_regex(re: &str) -> String {
    match re.char_indices().nth(SHOWN_REGEX) {
        Some((i, _)) => format!("{}…", &re[..i]),
        None => re.to_owned(),
    }
}

/// Checks a codebook; diagnostics come in code order.
pub fn check(cb: &Codebook) -> Vec<Diagnostic> {
    check_with(cb, &HashSet::new())
}

/// Like [`check`], for a codebook read in spite of errors: codes in
/// `incomplete` lost rules the reader could not parse, so they get no
/// "no rules" warning (the reader's error says it already).
pub fn check_with(cb: &Codebook, incomplete: &HashSet<String>) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut first: HashMap<&str, usize> = HashMap::new();
    for (i, c) in cb.codes.iter().enumerate() {
        if c.id.trim().is_empty() {
            out.push(Diagnostic::error(c.origin, "a code has an empty id"));
        } else if c.id.chars().any(|ch| ch.is_whitespace() || ch.is_control()) {
            out.push(Diagnostic::error(
                c.origin,
                format!("code id \"{}\" contains white space; use `_` or `.`", c.id),
            ));
        }
        match first.get(c.id.as_str()) {
            Some(&k) => out.push(Diagnostic::error(
                c.origin,
                format!(
                    "duplicate code id \"{}\" (first defined{})",
                    c.id,
                    at_line(cb.codes[k].origin)
                ),
            )),
            None => {
                first.insert(&c.id, i);
            }
        }
    }
    // GUIDs, compared without regard to case or braces.
    let mut guids: HashMap<String, usize> = HashMap::new();
    for (i, c) in cb.codes.iter().enumerate() {
        let Some(g) = c.guid.as_deref() else {
            continue;
        };
        match guids.get(&guid_key(g)) {
            Some(&k) => out.push(Diagnostic::warning(
                c.origin,
                format!(
                    "code \"{}\" has the GUID {g} of code \"{}\"{}; a .qdc export gives it a new one",
                    c.id,
                    cb.codes[k].id,
                    at_line(cb.codes[k].origin)
                ),
            )),
            None => {
                guids.insert(guid_key(g), i);
            }
        }
    }
    // Parents.
    let has_child: HashSet<&str> = cb
        .codes
        .iter()
        .filter_map(|c| c.parent.as_deref())
        .collect();
    for c in &cb.codes {
        let Some(p) = c.parent.as_deref() else {
            continue;
        };
        if p == c.id {
            out.push(Diagnostic::error(
                c.parent_origin,
                format!("code \"{}\" is its own parent", c.id),
            ));
        } else if !first.contains_key(p) {
            out.push(Diagnostic::error(
                c.parent_origin,
                format!("code \"{}\" has unknown parent \"{p}\"", c.id),
            ));
        }
    }
    out.extend(cycles(cb, &first));
    // Rules.
    let mut seen: HashMap<(String, Option<&str>, bool), (usize, Origin)> = HashMap::new();
    let mut langs_warned: HashSet<&str> = HashSet::new();
    let dictionary = cb.options.semantics == Semantics::Dictionary;
    let fold = cb.options.fold_accents;
    // Rules each code declares it shares on purpose (`shared = […]`).
    let shared: Vec<HashSet<String>> = cb
        .codes
        .iter()
        .map(|c| c.shared.iter().map(|s| normalise(&s.text, fold)).collect())
        .collect();
    for (i, c) in cb.codes.iter().enumerate() {
        if c.rules.is_empty() && !has_child.contains(c.id.as_str()) && !incomplete.contains(&c.id) {
            out.push(Diagnostic::warning(
                c.origin,
                format!(
                    "code \"{}\" has no rules and no child codes: it can never apply",
                    c.id
                ),
            ));
        }
        if !c.codable && !c.rules.is_empty() {
            let n = c.rules.len();
            out.push(Diagnostic::warning(
                c.origin,
                format!(
                    "code \"{}\" is not codable (a category, isCodable=\"false\"): its {n} rule{} {} ignored; move {} to a child code, or make the code codable",
                    c.id,
                    if n == 1 { "" } else { "s" },
                    if n == 1 { "is" } else { "are" },
                    if n == 1 { "it" } else { "them" },
                ),
            ));
        }
        for r in &c.rules {
            if let Pattern::Regex(re) = &r.pattern
                && let Err(e) = compile_regex(re)
            {
                out.push(Diagnostic::error(r.origin, e.to_string()));
            }
            if let Some(l) = r.lang.as_deref()
                && !dictionary
                && !has_stemmer(l)
                && langs_warned.insert(l)
            {
                out.push(Diagnostic::warning(
                    r.origin,
                    format!("no stemmer for \"{l}\"; stems (~word) fall back to words"),
                ));
            }
            if dictionary {
                continue;
            }
            let key = (normalise(&r.text, fold), r.lang.as_deref(), r.exclude);
            match seen.get(&key) {
                Some(&(k, o)) if k == i => out.push(Diagnostic::warning(
                    r.origin,
                    format!(
                        "rule \"{}\" appears twice in code \"{}\"{}",
                        r.text,
                        c.id,
                        also_at(o)
                    ),
                )),
                Some(&(k, _)) if shared[i].contains(&key.0) || shared[k].contains(&key.0) => {}
                Some(&(k, o)) => out.push(Diagnostic::warning(
                    r.origin,
                    format!(
                        "rule \"{}\" of code \"{}\" is also a rule of code \"{}\"{}",
                        r.text,
                        c.id,
                        cb.codes[k].id,
                        also_at(o)
                    ),
                )),
                None => {
                    seen.insert(key, (i, r.origin));
                }
            }
        }
        if !incomplete.contains(&c.id) {
            out.extend(unknown_shared(c, fold));
        }
    }
    if !dictionary && !has_stemmer(&cb.options.lang) {
        out.push(Diagnostic::warning(
            Origin::default(),
            format!(
                "no stemmer for the codebook language \"{}\"; stems (~word) fall back to words",
                cb.options.lang
            ),
        ));
    }
    out
}

/// A warning for each `shared` entry that is none of the code's rules (a
/// typo would otherwise silence nothing, or hide the real rule's warning).
fn unknown_shared(c: &Code, fold: bool) -> Vec<Diagnostic> {
    let rules: HashSet<String> = c.rules.iter().map(|r| normalise(&r.text, fold)).collect();
    let texts: Vec<&str> = c.rules.iter().map(|r| r.text.as_str()).collect();
    c.shared
        .iter()
        .filter(|s| !rules.contains(&normalise(&s.text, fold)))
        .map(|s| {
            let hint = match suggest(&s.text, &texts) {
                Some(t) => format!("did you mean \"{t}\"? "),
                None => String::new(),
            };
            Diagnostic::warning(
                s.origin,
                format!(
                    "shared rule \"{}\" is not a rule of code \"{}\"; {hint}`shared` lists the code's own rules as written",
                    s.text, c.id
                ),
            )
        })
        .collect()
}

/// The codes a reader's errors fall in (between a code's start and the
/// next code's): they lost rules that did not parse. For [`check_with`].
pub fn incomplete_codes(cb: &Codebook, reader: &[Diagnostic]) -> HashSet<String> {
    let mut starts: Vec<(u32, &str)> = cb
        .codes
        .iter()
        .map(|c| (c.origin.line, c.id.as_str()))
        .filter(|(l, _)| *l > 0)
        .collect();
    starts.sort_unstable();
    reader
        .iter()
        .filter(|d| d.severity == Severity::Error && d.origin.line > 0)
        .filter_map(|d| {
            let k = starts.partition_point(|(l, _)| *l <= d.origin.line);
            k.checked_sub(1).map(|k| starts[k].1.to_owned())
        })
        .collect()
}

/// One error per cycle of parents, at the parent of its first code (in
/// codebook order), then one per code nested deeper than [`MAX_DEPTH`]
/// levels (the first such code of each branch). Each code's parent chain
/// is walked once: linear in the number of codes, however deep the tree.
fn cycles(cb: &Codebook, first: &HashMap<&str, usize>) -> Vec<Diagnostic> {
    const UNSEEN: usize = usize::MAX;
    const ON_PATH: usize = usize::MAX - 1;
    let n = cb.codes.len();
    let parent = |i: usize| {
        cb.codes[i]
            .parent
            .as_deref()
            .and_then(|p| first.get(p).copied())
            .filter(|&p| p != i)
    };
    // The level of each code (1 for a top-level code); a code in a cycle,
    // or under one, counts from the cycle as from the top.
    let mut level = vec![UNSEEN; n];
    let mut found: Vec<(usize, Vec<usize>)> = Vec::new();
    let mut path = Vec::new();
    for i in 0..n {
        path.clear();
        let mut at = Some(i);
        while let Some(a) = at {
            if level[a] != UNSEEN {
                break;
            }
            level[a] = ON_PATH;
            path.push(a);
            at = parent(a);
        }
        let mut base = match at {
            Some(a) if level[a] == ON_PATH => {
                // A cycle: the path from `a` on.
                let k = path.iter().position(|&x| x == a).unwrap_or(0);
                let members = path.split_off(k);
                let lowest = (0..members.len()).min_by_key(|&j| members[j]).unwrap_or(0);
                let mut ordered = members[lowest..].to_vec();
                ordered.extend_from_slice(&members[..lowest]);
                for &m in &members {
                    level[m] = 0;
                }
                found.push((ordered[0], ordered));
                0
            }
            Some(a) => level[a],
            None => 0,
        };
        for &c in path.iter().rev() {
            base += 1;
            level[c] = base;
        }
    }
    found.sort_unstable();
    let mut out: Vec<Diagnostic> = found
        .into_iter()
        .map(|(m, members)| {
            let mut names: Vec<String> = members
                .iter()
                .map(|&x| format!("\"{}\"", cb.codes[x].id))
                .collect();
            names.push(names[0].clone());
            Diagnostic::error(
                cb.codes[m].parent_origin,
                format!("cycle of parents: {}", names.join(" → ")),
            )
        })
        .collect();
    for (i, c) in cb.codes.iter().enumerate() {
        if level[i] == MAX_DEPTH + 1 {
            out.push(Diagnostic::error(
                c.parent_origin,
                format!(
                    "code \"{}\" is nested deeper than {MAX_DEPTH} levels of parents; the code tree may be at most {MAX_DEPTH} levels deep",
                    c.id
                ),
            ));
        }
    }
    out
}

fn at_line(o: Origin) -> String {
    if o.line == 0 {
        String::new()
    } else {
        format!(" at line {}", o.line)
    }
}

fn also_at(o: Origin) -> String {
    if o.line == 0 {
        String::new()
    } else {
        format!(" (line {})", o.line)
    }
}

/// A rule as the matcher sees it: lower case, white space collapsed,
/// accents folded when the codebook folds them.
fn normalise(text: &str, fold: bool) -> String {
    let t = text
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    if fold {
        t.nfd().filter(|c| !is_combining_mark(*c)).nfc().collect()
    } else {
        t.nfc().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::formats::native;
    use crate::codebook::model::Severity;

    fn run(src: &str) -> Vec<(Severity, u32, u32, String)> {
        let (cb, d) = native::read(src);
        assert!(d.is_empty(), "{d:?}");
        check(&cb.unwrap())
            .into_iter()
            .map(|d| (d.severity, d.origin.line, d.origin.column, d.message))
            .collect()
    }

    /// A chain of `n` codes, each the parent of the next.
    fn chain(n: usize) -> Codebook {
        let codes = (0..n)
            .map(|i| Code {
                id: format!("c{i}"),
                parent: (i > 0).then(|| format!("c{}", i - 1)),
                parent_origin: Origin {
                    line: i as u32 + 1,
                    column: 10,
                },
                rules: Vec::new(),
                ..Code::default()
            })
            .collect();
        Codebook {
            codes,
            ..Codebook::default()
        }
    }

    #[test]
    fn a_tree_deeper_than_the_limit_is_one_error_per_branch() {
        let errors = |cb: &Codebook| -> Vec<(Origin, String)> {
            check(cb)
                .into_iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| (d.origin, d.message))
                .collect()
        };
        assert!(errors(&chain(MAX_DEPTH)).is_empty());
        let e = errors(&chain(MAX_DEPTH + 50));
        assert_eq!(
            e,
            [(
                Origin {
                    line: 101,
                    column: 10
                },
                "code \"c100\" is nested deeper than 100 levels of parents; the code tree may be at most 100 levels deep".to_owned()
            )]
        );
        // 100,000 levels (a hostile .qdc or TOML): one error, in linear
        // time (the walk up each code's parents was quadratic).
        assert_eq!(errors(&chain(100_000)).len(), 1);
        // A cycle under a long chain is reported once, from its first code.
        let mut cb = chain(300);
        cb.codes[0].parent = Some("c299".into());
        let e = errors(&cb);
        assert_eq!(e.len(), 1, "{e:?}");
        assert!(
            e[0].1
                .starts_with("cycle of parents: \"c0\" → \"c299\" → \"c298\""),
            "{e:?}"
        );
    }

    #[test]
    fn a_clean_codebook_has_no_diagnostics() {
        let d = run(
            "[[codes]]\nid = \"a\"\nterms = [\"x\"]\n[[codes]]\nid = \"a.b\"\nparent = \"a\"\nterms = [\"y\", '/\\d+/']\nterms_en = [\"z\"]\n",
        );
        assert!(d.is_empty(), "{d:?}");
    }

    #[test]
    fn structural_errors() {
        let src = "[[codes]]\nid = \"a\"\nterms = [\"x\"]\n\
                   [[codes]]\nid = \"a\"\nterms = [\"y\"]\n\
                   [[codes]]\nid = \"b\"\nparent = \"nope\"\nterms = [\"z\"]\n\
                   [[codes]]\nid = \"c\"\nparent = \"d\"\nterms = [\"c\"]\n\
                   [[codes]]\nid = \"d\"\nparent = \"c\"\nterms = [\"d\"]\n\
                   [[codes]]\nid = \"e\"\nparent = \"e\"\nregex = ['(']\n";
        let d = run(src);
        let errors: Vec<_> = d.iter().filter(|x| x.0 == Severity::Error).collect();
        assert_eq!(errors.len(), 5, "{d:#?}");
        assert_eq!((errors[0].1, errors[0].2), (5, 6));
        assert!(
            errors[0]
                .3
                .contains("duplicate code id \"a\" (first defined at line 2)")
        );
        assert!(errors[1].3.contains("unknown parent \"nope\"") && errors[1].1 == 9);
        assert!(errors[2].3.contains("own parent"));
        assert_eq!(errors[3].3, "cycle of parents: \"c\" → \"d\" → \"c\"");
        assert_eq!(errors[3].1, 13);
        assert!(errors[4].3.contains("unclosed group"), "{}", errors[4].3);
    }

    #[test]
    fn warnings() {
        let src = "[codebook]\nlang = \"pl\"\n[[codes]]\nid = \"a\"\nterms = [\"Coût\", \"x\", \"x\"]\n\
                   [[codes]]\nid = \"b\"\nterms = [\"cout\"]\nterms_xx = [\"~y\"]\n\
                   [[codes]]\nid = \"empty\"\n";
        let d = run(src);
        assert!(d.iter().all(|x| x.0 == Severity::Warning), "{d:#?}");
        let msgs: Vec<&str> = d.iter().map(|x| x.3.as_str()).collect();
        assert!(
            msgs.iter()
                .any(|m| m.contains("appears twice in code \"a\""))
        );
        assert!(msgs.iter().any(|m| {
            m.contains("rule \"cout\" of code \"b\" is also a rule of code \"a\" (line 5)")
        }));
        assert!(msgs.iter().any(|m| m.contains("no stemmer for \"xx\"")));
        assert!(msgs.iter().any(|m| m.contains("codebook language \"pl\"")));
        assert!(msgs.iter().any(|m| m.contains("\"empty\" has no rules")));
        assert_eq!(d.len(), 5);
    }

    #[test]
    fn a_rule_declared_shared_by_either_code_is_no_warning() {
        let two = |a: &str, b: &str| {
            format!(
                "[[codes]]\nid = \"a\"\nterms = [\"loyer\", \"x\"]\n{a}\n\
                 [[codes]]\nid = \"b\"\nterms = [\"Loyer\", \"x\"]\n{b}\n"
            )
        };
        let also = |d: &[(Severity, u32, u32, String)]| -> Vec<String> {
            d.iter()
                .filter(|x| x.3.contains("is also a rule"))
                .map(|x| x.3.clone())
                .collect()
        };
        // Undeclared: both rules warn.
        assert_eq!(also(&run(&two("", ""))).len(), 2);
        for (a, b) in [
            ("shared = [\"loyer\"]", ""),
            ("", "shared = [\"loyer\"]"),
            ("shared = [\"loyer\"]", "shared = \"LOYER\""),
        ] {
            let d = run(&two(a, b));
            let w = also(&d);
            // Only the declared rule is silenced; `x` still warns.
            assert_eq!(w.len(), 1, "{a} / {b}: {d:?}");
            assert!(w[0].contains("rule \"x\" of code \"b\""), "{w:?}");
            assert_eq!(d.len(), 1, "{d:?}");
        }
    }

    #[test]
    fn a_shared_entry_that_is_no_rule_of_its_code_warns_at_its_position() {
        let d = run("[[codes]]\nid = \"a\"\nterms = [\"loyer\"]\n\
             [[codes]]\nid = \"b\"\nterms = [\"loyer\"]\nshared = [\"loyer\", \"lyoer\", \"zzz\"]\n");
        assert_eq!(d.len(), 2, "{d:#?}");
        assert_eq!((d[0].0, d[0].1, d[0].2), (Severity::Warning, 7, 20));
        assert_eq!(
            d[0].3,
            "shared rule \"lyoer\" is not a rule of code \"b\"; did you mean \"loyer\"? `shared` lists the code's own rules as written"
        );
        assert_eq!((d[1].1, d[1].2), (7, 29));
        assert!(!d[1].3.contains("did you mean"), "{}", d[1].3);
    }

    #[test]
    fn reader_errors_silence_the_no_rules_warning_of_their_code() {
        let (cb, d) = native::read(
            "[[codes]]\nid = \"a\"\nterms = [\"x NEAR/y z\"]\n[[codes]]\nid = \"b\"\n",
        );
        let cb = cb.unwrap();
        assert_eq!(d.len(), 1);
        let inc = incomplete_codes(&cb, &d);
        assert_eq!(inc.into_iter().collect::<Vec<_>>(), ["a"]);
        let w = check_with(&cb, &incomplete_codes(&cb, &d));
        assert_eq!(w.len(), 1);
        assert!(w[0].message.contains("\"b\""));
    }

    #[test]
    fn regex_size_limit() {
        assert!(
            compile_regex("a{1000}{1000}")
                .unwrap_err()
                .to_string()
                .contains("too big")
        );
        assert!(compile_regex(r"\d+ ?€").is_ok());
    }

    #[test]
    fn rules_of_a_code_that_is_not_codable_are_a_warning() {
        let got = run(
            "[[codes]]\nid = \"a\"\ncodable = false\nterms = [\"x\", \"y\"]\n\
                       [[codes]]\nid = \"a.b\"\nparent = \"a\"\nterms = [\"z\"]\n\
                       [[codes]]\nid = \"c\"\ncodable = false\n[[codes]]\nid = \"c.d\"\nparent = \"c\"\nterms = [\"w\"]\n",
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].0, got[0].1, got[0].2), (Severity::Warning, 2, 6));
        assert_eq!(
            got[0].3,
            "code \"a\" is not codable (a category, isCodable=\"false\"): its 2 rules are ignored; move them to a child code, or make the code codable"
        );
    }

    #[test]
    fn two_codes_with_one_guid_in_any_case_are_a_warning() {
        let got = run(
            "[[codes]]\nid = \"a\"\nterms = [\"x\"]\nguid = \"5215cc69-b628-4e02-afb9-9beeaee55808\"\n\
                       [[codes]]\nid = \"b\"\nterms = [\"y\"]\nguid = \"{5215CC69-B628-4E02-AFB9-9BEEAEE55808}\"\n",
        );
        assert_eq!(got.len(), 1, "{got:?}");
        assert_eq!((got[0].0, got[0].1), (Severity::Warning, 6));
        assert!(
            got[0].3.starts_with("code \"b\" has the GUID {5215CC69-B628-4E02-AFB9-9BEEAEE55808} of code \"a\" at line 2"),
            "{got:?}"
        );
    }
}
