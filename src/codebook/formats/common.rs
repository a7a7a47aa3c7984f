//! Helpers shared by the codebook readers and writers: rules from text,
//! `;`-separated rule lists, the canonical rule order, ids from names,
//! colour and language checks.

use std::borrow::Cow;
use std::collections::HashSet;

use crate::codebook::model::{Diagnostic, Origin, Pattern, Rule, Term};
use crate::codebook::pattern::{PatternError, parse_pattern};

/// Languages with a Snowball stemmer (ISO 639-1 codes).
pub const SNOWBALL_LANGS: [&str; 18] = [
    "ar", "da", "de", "el", "en", "es", "fi", "fr", "hu", "it", "nl", "no", "pt", "ro", "ru", "sv",
    "ta", "tr",
];

/// Builds a rule from its text (white space between words normalised to
/// one space). The error's column is within `text`.
pub fn rule(
    text: &str,
    lang: Option<&str>,
    exclude: bool,
    origin: Origin,
) -> Result<Rule, PatternError> {
    let pattern = parse_pattern(text)?;
    // Runs of white space in terms are one separator; a regex keeps its own.
    let text = match pattern {
        Pattern::Regex(_) => text.trim().to_owned(),
        _ => text.split_whitespace().collect::<Vec<_>>().join(" "),
    };
    Ok(Rule {
        pattern,
        lang: lang.map(str::to_owned),
        exclude,
        text,
        origin,
    })
}

/// The origin `column - 1` characters to the right of `origin` (for text
/// copied verbatim from the file).
pub fn shift(origin: Origin, column: u32) -> Origin {
    if origin.column == 0 {
        return origin;
    }
    Origin {
        line: origin.line,
        column: origin.column + column.saturating_sub(1),
    }
}

/// An error diagnostic for a rule that does not parse, at the column the
/// parser names (for text copied verbatim from the file at `origin`).
pub fn pattern_error(origin: Origin, text: &str, e: &PatternError) -> Diagnostic {
    Diagnostic::error(
        shift(origin, e.column),
        format!("cannot parse rule \"{}\": {}", text.trim(), e.message),
    )
}

/// Splits a `;`-separated list of rules into `(byte offset, rule)` pieces,
/// trimmed, empty pieces dropped. A `/regex/` may hold `;`: it ends at a
/// `/` followed by `;` or the end; inside it, a `;` after a `/` (and white
/// space) is written with one more `\` before it (`/a/\;b/` is `a/;b`,
/// see [`join_rules`]). Elsewhere `\;` stands for a `;` that belongs to
/// the rule (a dictionary entry like `;)`) and `\\` for `\`.
pub fn split_rules(cell: &str) -> Vec<(usize, Cow<'_, str>)> {
    let mut out = Vec::new();
    let bytes = cell.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        while i < bytes.len() && (bytes[i] as char).is_ascii_whitespace() {
            i += 1;
        }
        let start = i;
        let mut end = None;
        if bytes.get(i) == Some(&b'/') {
            let mut j = i + 1;
            while j < bytes.len() {
                if bytes[j] == b'/' {
                    let rest = cell[j + 1..].trim_start();
                    if rest.is_empty() || rest.starts_with(';') {
                        end = Some(j + 1);
                        break;
                    }
                }
                j += 1;
            }
        }
        let (stop, regex) = match end {
            Some(e) => (e, true),
            None => {
                let mut k = start;
                while k < bytes.len() && bytes[k] != b';' {
                    // `\;` and `\\` are escapes: skip the escaped byte.
                    k += if bytes[k] == b'\\' && matches!(bytes.get(k + 1), Some(b';' | b'\\')) {
                        2
                    } else {
                        1
                    };
                }
                (k.min(bytes.len()), false)
            }
        };
        let piece = cell[start..stop].trim_end();
        if !piece.is_empty() {
            let piece = if !piece.contains('\\') {
                Cow::Borrowed(piece)
            } else if regex {
                Cow::Owned(slash_semicolons(piece, false))
            } else {
                Cow::Owned(unescape_rule(piece))
            };
            out.push((start, piece));
        }
        i = match cell[stop..].find(';') {
            Some(k) => stop + k + 1,
            None => cell.len(),
        };
    }
    out
}

fn unescape_rule(piece: &str) -> String {
    let mut out = String::with_capacity(piece.len());
    let mut it = piece.chars().peekable();
    while let Some(c) = it.next() {
        if c == '\\'
            && let Some(&n) = it.peek()
            && (n == ';' || n == '\\')
        {
            out.push(n);
            it.next();
            continue;
        }
        out.push(c);
    }
    out
}

/// A regular expression's text with every `;` that follows a `/` (and
/// white space, and backslashes) given one more `\` before it
/// (`escape`), or one fewer (the inverse), so that no `/;` inside it reads
/// as its end. `\;` and `;` mean the same in a regular expression.
fn slash_semicolons(text: &str, escape: bool) -> String {
    let mut out = String::with_capacity(text.len() + 2);
    let mut rest = text;
    while let Some(i) = rest.find('/') {
        out.push_str(&rest[..=i]);
        rest = &rest[i + 1..];
        let ws = rest.len() - rest.trim_start().len();
        let slashes = rest[ws..].bytes().take_while(|&b| b == b'\\').count();
        if rest[ws + slashes..].starts_with(';') && (escape || slashes > 0) {
            out.push_str(&rest[..ws]);
            let n = if escape { slashes + 1 } else { slashes - 1 };
            out.extend(std::iter::repeat_n('\\', n));
            rest = &rest[ws + slashes..];
        }
    }
    out.push_str(rest);
    out
}

/// Joins rule texts with `; ` (the inverse of [`split_rules`]): in a rule
/// other than a regular expression, `;` is written `\;` and `\` `\\`; in a
/// regular expression, a `;` after a `/` gets one more `\`.
pub fn join_rules<'a>(rules: impl IntoIterator<Item = &'a Rule>) -> String {
    rules
        .into_iter()
        .map(|r| {
            let t = rule_text(r);
            if matches!(r.pattern, Pattern::Regex(_)) {
                if t.contains(';') {
                    slash_semicolons(&t, true)
                } else {
                    t
                }
            } else {
                t.replace('\\', "\\\\").replace(';', "\\;")
            }
        })
        .collect::<Vec<_>>()
        .join("; ")
}

/// The rule as written, or rebuilt from its pattern when the text is empty.
pub fn rule_text(r: &Rule) -> String {
    if !r.text.trim().is_empty() {
        return r.text.replace(['\n', '\r'], " ");
    }
    pattern_text(&r.pattern)
}

/// The rule syntax for a pattern.
pub fn pattern_text(p: &Pattern) -> String {
    fn term(t: &Term) -> String {
        match t {
            Term::Word(w) => w.clone(),
            Term::Prefix(w) => format!("{w}*"),
            Term::Stem(w) => format!("~{w}"),
        }
    }
    fn terms(ts: &[Term]) -> String {
        ts.iter().map(term).collect::<Vec<_>>().join(" ")
    }
    match p {
        Pattern::Term(t) => term(t),
        Pattern::Phrase(ts) => terms(ts),
        Pattern::Near {
            left,
            right,
            distance,
        } => format!("{} NEAR/{distance} {}", terms(left), terms(right)),
        Pattern::Regex(r) => format!("/{r}/"),
    }
}

/// The group a rule is written in: matches before exclusions; within each,
/// language-neutral rules first, then by language; regular expressions
/// after terms (for matches only).
pub fn group_key(r: &Rule) -> (bool, Option<&str>, bool) {
    let regex = !r.exclude && matches!(r.pattern, Pattern::Regex(_));
    (r.exclude, r.lang.as_deref(), regex)
}

/// Puts rules in the canonical order every format writes them in (stable:
/// file order within a group), so that conversions round-trip.
pub fn sort_rules(rules: &mut [Rule]) {
    rules.sort_by(|a, b| group_key(a).cmp(&group_key(b)));
}

/// An id made from a name: trimmed, runs of white space as `_`.
pub fn id_from_name(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join("_")
        .chars()
        .filter(|c| !c.is_control())
        .collect()
}

/// Makes `id` unique among `taken` by appending `_2`, `_3`…, and records it.
pub fn unique_id(taken: &mut HashSet<String>, id: String) -> String {
    let id = if id.is_empty() { "code".to_owned() } else { id };
    if taken.insert(id.clone()) {
        return id;
    }
    let mut n = 2;
    loop {
        let candidate = format!("{id}_{n}");
        if taken.insert(candidate.clone()) {
            return candidate;
        }
        n += 1;
    }
}

/// Whether a colour is `#RRGGBB` or `#RGB` (what REFI-QDA accepts).
pub fn valid_colour(c: &str) -> bool {
    c.strip_prefix('#').is_some_and(|hex| {
        (hex.len() == 6 || hex.len() == 3) && hex.chars().all(|c| c.is_ascii_hexdigit())
    })
}

/// A valid colour as `#RRGGBB`: `#RGB` has each digit doubled (`#F0a` is
/// `#FF00aa`: QualCoder reads only seven-character colours); the digits
/// keep their case. `None` when [`valid_colour`] is false.
pub fn normal_colour(c: &str) -> Option<String> {
    let c = c.trim();
    if !valid_colour(c) {
        return None;
    }
    if c.len() == 7 {
        return Some(c.to_owned());
    }
    let mut out = String::from("#");
    for d in c[1..].chars() {
        out.push(d);
        out.push(d);
    }
    Some(out)
}

/// Whether a GUID has the shape REFI-QDA's schema asks for (`GUIDType`):
/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex digits of either case,
/// optionally between braces.
pub fn valid_guid(g: &str) -> bool {
    let inner = match g.strip_prefix('{') {
        Some(rest) => match rest.strip_suffix('}') {
            Some(i) => i,
            None => return false,
        },
        None => g,
    };
    let groups: Vec<&str> = inner.split('-').collect();
    groups.len() == 5
        && groups
            .iter()
            .zip([8, 4, 4, 4, 12])
            .all(|(g, n)| g.len() == n && g.chars().all(|c| c.is_ascii_hexdigit()))
}

/// Whether a language code is well formed: 2 or 3 lower-case ASCII letters.
pub fn valid_lang(l: &str) -> bool {
    (2..=3).contains(&l.len()) && l.chars().all(|c| c.is_ascii_lowercase())
}

/// Whether a Snowball stemmer exists for the language.
pub fn has_stemmer(lang: &str) -> bool {
    SNOWBALL_LANGS.contains(&lang)
}

/// The file name without directory and extension, as a codebook name.
pub fn file_stem(path: &str) -> String {
    let name = path.rsplit(['/', '\\']).next().unwrap_or(path);
    match name.rfind('.') {
        Some(i) if i > 0 => name[..i].to_owned(),
        _ => name.to_owned(),
    }
}

/// Levenshtein distance, for "did you mean" hints.
pub fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev[j] + usize::from(ca != cb);
            cur.push(sub.min(prev[j + 1] + 1).min(cur[j] + 1));
        }
        prev = cur;
    }
    prev[b.len()]
}

/// The closest of `known` to `key`, if close enough to be a typo.
pub fn suggest<'a>(key: &str, known: &[&'a str]) -> Option<&'a str> {
    known
        .iter()
        .map(|k| (distance(key, k), *k))
        .filter(|(d, k)| *d <= 2.min(k.len() / 2).max(1))
        .min()
        .map(|(_, k)| k)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_rules_keeps_regexes_whole() {
        let got: Vec<_> = split_rules(" loyer; tarif* ;; /a;b/ ; ~coûter;")
            .into_iter()
            .collect();
        assert_eq!(
            got,
            vec![
                (1, "loyer".into()),
                (8, "tarif*".into()),
                (18, "/a;b/".into()),
                (26, "~coûter".into())
            ]
        );
        assert_eq!(
            split_rules("/x/y; z"),
            vec![(0, "/x/y".into()), (6, "z".into())]
        );
        assert_eq!(
            split_rules("\\;); a\\;b"),
            vec![(0, ";)".into()), (5, "a;b".into())]
        );
        assert!(split_rules(" ; ").is_empty());
    }

    #[test]
    fn join_then_split_round_trips() {
        let rules: Vec<Rule> = ["loyer", "/\\d+;€/", "a NEAR/2 b", ";)", "x\\", "a\\b"]
            .iter()
            .map(|t| rule(t, None, false, Origin::default()).unwrap())
            .collect();
        let joined = join_rules(&rules);
        let back: Vec<_> = split_rules(&joined).into_iter().map(|(_, t)| t).collect();
        assert_eq!(
            back,
            ["loyer", "/\\d+;€/", "a NEAR/2 b", ";)", "x\\", "a\\b"]
        );
    }

    #[test]
    fn a_regex_with_a_slash_before_a_semicolon_round_trips() {
        // Found by the format round-trip property: `/x/;y/` was read back
        // as the regex `x` and the word `y/`.
        let texts = [
            "/x/;y/",
            "/x/ ; y/",
            "/a/\\;b/",
            "/u\\/\\\\;v/",
            "/;/",
            "/a;b/",
        ];
        let rules: Vec<Rule> = texts
            .iter()
            .map(|t| rule(t, None, false, Origin::default()).unwrap())
            .collect();
        let joined = join_rules(&rules);
        assert!(
            joined.starts_with("/x/\\;y/; /x/ \\; y/; /a/\\\\;b/"),
            "{joined}"
        );
        let back: Vec<_> = split_rules(&joined).into_iter().map(|(_, t)| t).collect();
        assert_eq!(back, texts);
        // A `\;` after a `/` in a hand-written list is that `;`.
        assert_eq!(split_rules("/a/\\;b/")[0].1, "/a/;b/");
    }

    #[test]
    fn pattern_text_is_parseable() {
        for t in [
            "loyer",
            "partag*",
            "~partager",
            "espace* de travail",
            "a b NEAR/5 c",
            "/x+/",
        ] {
            let p = parse_pattern(t).unwrap();
            assert_eq!(pattern_text(&p), t);
        }
    }

    #[test]
    fn ids_colours_languages() {
        assert_eq!(id_from_name("  Health   care "), "Health_care");
        let mut taken = HashSet::new();
        assert_eq!(unique_id(&mut taken, "a".into()), "a");
        assert_eq!(unique_id(&mut taken, "a".into()), "a_2");
        assert_eq!(unique_id(&mut taken, String::new()), "code");
        assert!(valid_colour("#d62728") && valid_colour("#FFF"));
        assert!(!valid_colour("red") && !valid_colour("#12345g") && !valid_colour("#1234"));
        assert_eq!(normal_colour("#F0a").as_deref(), Some("#FF00aa"));
        assert_eq!(normal_colour("#d62728").as_deref(), Some("#d62728"));
        assert_eq!(normal_colour("blue"), None);
        assert!(valid_guid("5215cc69-b628-4e02-afb9-9beeaee55808"));
        assert!(valid_guid("{5215CC69-B628-4E02-AFB9-9BEEAEE55808}"));
        assert!(!valid_guid("x") && !valid_guid("{5215cc69-b628-4e02-afb9-9beeaee55808"));
        assert!(!valid_guid("5215cc69b6284e02afb99beeaee55808"));
        assert!(valid_lang("fr") && valid_lang("ast") && !valid_lang("EN") && !valid_lang("f"));
        assert!(has_stemmer("nl") && !has_stemmer("pl"));
        assert_eq!(file_stem("dir/liwc.toy.dic"), "liwc.toy");
        assert_eq!(file_stem("c:\\x\\a.cat"), "a");
        assert_eq!(suggest("trems", &["terms", "label"]), Some("terms"));
        assert_eq!(suggest("zzz", &["terms", "label"]), None);
    }
}
