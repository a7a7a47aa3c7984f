//! Recognising a grid's columns by their headers: folded names, the
//! synonyms of each recommendation and sticky-note column in French and
//! English, lookups by name with an error listing the columns, and whether
//! a column holds free text.

use std::collections::HashSet;

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::super::error::ParseError;

/// The key columns are looked up by: lower case, accents and white space
/// removed (`Code  Département` and `codedepartement` are the same).
pub fn fold(s: &str) -> String {
    s.nfd()
        .filter(|c| !is_combining_mark(*c) && !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// The words of a header for recognition: folded, split on anything but
/// letters, digits and `+`, a plural `s` dropped (`Idées` gives `idee`).
pub(super) fn words(s: &str) -> Vec<String> {
    let folded: String = s
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .split(|c: char| !(c.is_alphanumeric() || c == '+'))
        .filter(|w| !w.is_empty())
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.chars().count() >= 3 => stem.to_owned(),
            _ => w.to_owned(),
        })
        .collect()
}

/// The header without a parenthesised or bracketed note and without what
/// follows a colon: `Votes (total)` and `Priorité : 1-3` give the bare name.
pub(crate) fn bare(header: &str) -> String {
    let mut out = String::new();
    let mut depth = 0usize;
    for c in header.chars() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => depth = depth.saturating_sub(1),
            ':' if depth == 0 => break,
            _ if depth == 0 => out.push(c),
            _ => {}
        }
    }
    out
}

// Synonyms in order of preference; a trailing `*` also accepts a header
// that starts with the synonym (`Échéance prévue`).
pub(super) const VOTES: &[&str] = &[
    "votes",
    "vote",
    "voix",
    "score",
    "likes",
    "+1",
    "dots",
    "points",
    "gommettes",
    "nombre de votes",
    "nb votes",
];
pub(super) const PRIORITY: &[&str] = &["priorité*", "priority*", "prio"];
pub(super) const OWNER: &[&str] = &[
    "porteur*",
    "responsable*",
    "owner*",
    "pilote*",
    "who",
    "qui",
    "assigned to",
    "assignee",
];
pub(super) const DEADLINE: &[&str] = &[
    "échéance*",
    "deadline*",
    "date limite",
    "due",
    "due date",
    "quand",
    "when",
    "délai",
];
pub(super) const INDICATOR: &[&str] = &[
    "indicateur*",
    "indicator*",
    "kpi*",
    "mesure",
    "measure",
    "target",
    "cible",
];
pub(super) const FRAME: &[&str] = &["frame", "area", "zone", "cadre", "section"];
pub(super) const COLOUR: &[&str] = &["colour", "color", "couleur"];
pub(super) const AUTHOR: &[&str] = &[
    "author",
    "auteur",
    "autrice",
    "created by",
    "creator",
    "créé par",
    "créateur",
];
pub(super) const RECOMMENDATION_TEXT: &[&str] = &[
    "recommandation*",
    "recommendation*",
    "proposition*",
    "proposal*",
    "action",
    "idée",
    "idea",
    "texte",
    "text",
];
/// Words that name the recommendation anywhere in a longer header
/// (`Quelles sont les propositions qui ont émergé ?`), when one header only
/// has them.
pub(super) const RECOMMENDATION_WORDS: &[&str] = &[
    "recommandation",
    "recommendation",
    "proposition",
    "proposal",
];
pub(super) const NOTE_TEXT: &[&str] = &[
    "text",
    "texte",
    "content",
    "contenu",
    "note",
    "sticky",
    "sticky note",
    "note text",
    "body",
];

/// Finds the first header (not `taken`) that one of the synonyms names,
/// trying synonyms in order.
pub(super) fn recognise(
    headers: &[String],
    synonyms: &[&str],
    taken: &HashSet<usize>,
) -> Option<usize> {
    let forms: Vec<(Vec<String>, Vec<String>)> = headers
        .iter()
        .map(|h| (words(h), words(&bare(h))))
        .collect();
    for syn in synonyms {
        let (syn, prefix) = match syn.strip_suffix('*') {
            Some(s) => (s, true),
            None => (*syn, false),
        };
        let sw = words(syn);
        let hit = forms.iter().enumerate().find(|(i, (full, bare))| {
            !taken.contains(i) && (*full == sw || *bare == sw || (prefix && bare.starts_with(&sw)))
        });
        if let Some((i, _)) = hit {
            return Some(i);
        }
    }
    None
}

/// The single header (not `taken`) that contains one of the words.
pub(super) fn recognise_within(
    headers: &[String],
    wanted: &[&str],
    taken: &HashSet<usize>,
) -> Option<usize> {
    let wanted: Vec<String> = wanted.iter().flat_map(|w| words(w)).collect();
    let mut hits = headers
        .iter()
        .enumerate()
        .filter(|(i, h)| !taken.contains(i) && words(h).iter().any(|w| wanted.contains(w)))
        .map(|(i, _)| i);
    match (hits.next(), hits.next()) {
        (Some(i), None) => Some(i),
        _ => None,
    }
}

/// The index of a column the user named; case-, accent- and
/// white-space-insensitive.
pub(super) fn lookup(headers: &[String], name: &str) -> Result<usize, ParseError> {
    if let Some(i) = headers.iter().position(|h| h == name.trim()) {
        return Ok(i);
    }
    let key = fold(name);
    headers.iter().position(|h| fold(h) == key).ok_or_else(|| {
        ParseError::file(format!(
            "unknown column \"{name}\"; the grid has columns: {}",
            headers.join(", ")
        ))
    })
}

pub(super) fn lookup_opt(
    headers: &[String],
    name: Option<&String>,
) -> Result<Option<usize>, ParseError> {
    name.map(|n| lookup(headers, n)).transpose()
}

/// Whether a column's non-empty cells are mostly free text: on average at
/// least 15 characters, more than half of them several words that are not
/// a number, a date or a URL, and not a short list of repeated values.
pub(super) fn is_free_text<'a>(cells: impl Iterator<Item = &'a str>) -> bool {
    let values: Vec<&str> = cells.map(str::trim).filter(|v| !v.is_empty()).collect();
    if values.is_empty() {
        return false;
    }
    let chars: usize = values.iter().map(|v| v.chars().count()).sum();
    if chars < 15 * values.len() {
        return false;
    }
    let texty = values.iter().filter(|v| is_texty(v)).count();
    if texty * 2 <= values.len() {
        return false;
    }
    let distinct: HashSet<&str> = values.iter().copied().collect();
    !(values.len() >= 5 && distinct.len() * 3 <= values.len())
}

pub(super) fn is_texty(v: &str) -> bool {
    let lower = v.to_lowercase();
    if lower.starts_with("http://") || lower.starts_with("https://") || lower.starts_with("www.") {
        return false;
    }
    if v.split_whitespace().nth(1).is_none() {
        return false;
    }
    let (mut digits, mut letters) = (0usize, 0usize);
    for c in v.chars() {
        if c.is_numeric() {
            digits += 1;
        } else if c.is_alphabetic() {
            letters += 1;
        }
    }
    // Dates, times and numbers are mostly digits.
    letters > digits
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_and_words() {
        assert_eq!(fold(" Code  Département "), "codedepartement");
        assert_eq!(words("Idées (max 3)"), ["idee", "max", "3"]);
        assert_eq!(words("+1 / Voix"), ["+1", "voix"]);
        assert_eq!(bare("Priorité : 1-3"), "Priorité ");
        assert_eq!(bare("Votes (total)"), "Votes ");
    }

    #[test]
    fn recognises_headers_by_kind() {
        let h = |v: &[&str]| v.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        let none = HashSet::new();
        let cases: &[(&[&str], &[&str], Option<usize>)] = &[
            (&["Idée", "Votes"], RECOMMENDATION_TEXT, Some(0)),
            (&["Texte", "Recommandations"], RECOMMENDATION_TEXT, Some(1)),
            (&["Échéance prévue", "x"], DEADLINE, Some(0)),
            (&["Date limite"], DEADLINE, Some(0)),
            (&["Points forts"], VOTES, None),
            (&["Nb de +1", "+1"], VOTES, Some(1)),
            (&["Votes (total)"], VOTES, Some(0)),
            (&["Created by"], AUTHOR, Some(0)),
            (&["Group"], FRAME, None),
        ];
        for (headers, syn, want) in cases {
            assert_eq!(recognise(&h(headers), syn, &none), *want, "{headers:?}");
        }
        let gd = h(&[
            "Quels constats",
            "Quelles sont les propositions qui ont émergé",
        ]);
        assert_eq!(recognise(&gd, RECOMMENDATION_TEXT, &none), None);
        assert_eq!(recognise_within(&gd, RECOMMENDATION_WORDS, &none), Some(1));
    }
}
