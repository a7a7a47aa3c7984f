//! Text normalisation before matching: Unicode NFC, lower case, folded
//! apostrophes, folded accents, French elisions.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Articles and conjunctions that French elides before a vowel
/// (`l'espace`, `qu'il`, `jusqu'à`), lower case, without the apostrophe.
const ELISIONS: &[&str] = &[
    "l", "d", "j", "qu", "n", "s", "c", "m", "t", "jusqu", "lorsqu", "puisqu",
];

/// Whether a character is an apostrophe that folds to `'`.
#[inline]
pub(crate) fn is_apostrophe(c: char) -> bool {
    matches!(c, '\'' | '\u{2019}' | '\u{02BC}')
}

/// Writes the base form of a token into `out`: lower case, NFC, apostrophes
/// folded to `'`. Accents are kept (see [`fold_accents_into`]).
pub(crate) fn base_into(raw: &str, out: &mut String) {
    out.clear();
    if raw.is_ascii() {
        out.push_str(raw);
        out.make_ascii_lowercase();
        return;
    }
    let lower = raw.to_lowercase();
    let push = |s: &str, out: &mut String| {
        for c in s.chars() {
            out.push(if is_apostrophe(c) { '\'' } else { c });
        }
    };
    if is_nfc_quick(lower.chars()) == IsNormalized::Yes {
        push(&lower, out);
    } else {
        let nfc: String = lower.nfc().collect();
        push(&nfc, out);
    }
}

/// The base form of a token as a new string.
pub(crate) fn base(raw: &str) -> String {
    let mut s = String::new();
    base_into(raw, &mut s);
    s
}

/// Whether marks after this base character are folded: Latin and Greek
/// letters lose their accents; other scripts keep their marks, which often
/// make a different letter (Cyrillic й, kana dakuten).
fn folds_marks_of(c: char) -> bool {
    let u = c as u32;
    u < 0x0250 || (0x0370..0x0400).contains(&u) || (0x1E00..0x2000).contains(&u)
}

/// Writes `s` with accents folded into `out`: `coût` gives `cout`, `œ`
/// gives `oe`. ASCII input is copied as is.
pub(crate) fn fold_accents_into(s: &str, out: &mut String) {
    out.clear();
    if s.is_ascii() {
        out.push_str(s);
        return;
    }
    let mut folding = false;
    for c in s.nfd() {
        if is_combining_mark(c) {
            if !folding {
                out.push(c);
            }
            continue;
        }
        folding = folds_marks_of(c);
        match c {
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            'ø' => out.push('o'),
            'ł' => out.push('l'),
            'đ' => out.push('d'),
            _ => out.push(c),
        }
    }
    if is_nfc_quick(out.chars()) != IsNormalized::Yes {
        let nfc: String = out.nfc().collect();
        *out = nfc;
    }
}

/// `s` with accents folded, as a new string.
pub(crate) fn fold_accents(s: &str) -> String {
    let mut out = String::new();
    fold_accents_into(s, &mut out);
    out
}

/// If `raw` starts with an elided French article or conjunction (`l'`,
/// `qu'`, `jusqu'`…) followed by more text, the byte length of that article
/// with its apostrophe.
pub(crate) fn elision_len(raw: &str) -> Option<usize> {
    let (i, c) = raw.char_indices().find(|(_, c)| is_apostrophe(*c))?;
    if i == 0 || i > 6 {
        return None;
    }
    let article = &raw[..i];
    if !ELISIONS.iter().any(|e| e.eq_ignore_ascii_case(article)) {
        return None;
    }
    let end = i + c.len_utf8();
    (end < raw.len()).then_some(end)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_forms() {
        assert_eq!(base("Loyer"), "loyer");
        assert_eq!(base("L’Espace"), "l'espace");
        assert_eq!(base("lʼespace"), "l'espace");
        // decomposed e + combining acute composes
        assert_eq!(base("Cafe\u{301}"), "café");
        assert_eq!(base("ΟΔΟΣ"), "οδος");
    }

    #[test]
    fn accents_fold() {
        assert_eq!(fold_accents("coût"), "cout");
        assert_eq!(fold_accents("élève"), "eleve");
        assert_eq!(fold_accents("cœur"), "coeur");
        assert_eq!(fold_accents("straße"), "strasse");
        assert_eq!(fold_accents("ά"), "α");
        // Cyrillic й and Hangul keep their identity
        assert_eq!(fold_accents("й"), "й");
        assert_eq!(fold_accents("한국"), "한국");
        assert_eq!(fold_accents("plain"), "plain");
    }

    #[test]
    fn elisions() {
        assert_eq!(elision_len("l'espace"), Some(2));
        assert_eq!(elision_len("L’espace"), Some(4));
        assert_eq!(elision_len("jusqu'à"), Some(6));
        assert_eq!(elision_len("qu'il"), Some(3));
        assert_eq!(elision_len("aujourd'hui"), None);
        assert_eq!(elision_len("don't"), None);
        assert_eq!(elision_len("l'"), None);
        assert_eq!(elision_len("loyer"), None);
    }
}
