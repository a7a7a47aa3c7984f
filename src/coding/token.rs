//! Tokens: UAX #29 words for qualitative coding, and the tokens of
//! scikit-learn's `CountVectorizer` pattern for dictionary counting. Offsets
//! point into the original text, in bytes and in Unicode code points.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;
use unicode_segmentation::UnicodeSegmentation;

use super::normalize::{base_into, elision_len, fold_accents_into};
use crate::codebook::{CodebookOptions, Semantics};

/// One token of a text: its normalised form and where it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    /// The normalised form that rules are compared with.
    pub norm: String,
    /// First code point (0-based) in the original text.
    pub start: u32,
    /// Code point after the last one (end exclusive).
    pub end: u32,
    /// First byte in the original text.
    pub byte_start: usize,
    /// Byte after the last one.
    pub byte_end: usize,
}

/// A token's place in the original text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Span {
    pub b0: usize,
    pub b1: usize,
    pub c0: u32,
    pub c1: u32,
}

/// Converts a count to `u32`, saturating (texts beyond 4 G code points
/// keep their offsets at the maximum rather than wrap).
#[inline]
pub(crate) fn sat32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Counts code points incrementally from byte offsets that only grow.
pub(crate) struct CodePoints<'a> {
    text: &'a str,
    ascii: bool,
    byte: usize,
    cp: usize,
}

impl<'a> CodePoints<'a> {
    /// A counter over `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        CodePoints {
            text,
            ascii: text.is_ascii(),
            byte: 0,
            cp: 0,
        }
    }

    /// The code point offset of byte offset `b` (a char boundary at or after
    /// the previous call's).
    #[inline]
    pub(crate) fn at(&mut self, b: usize) -> u32 {
        if self.ascii {
            return sat32(b);
        }
        if b < self.byte {
            self.byte = 0;
            self.cp = 0;
        }
        self.cp += self.text.get(self.byte..b).map_or(0, |s| s.chars().count());
        self.byte = b;
        sat32(self.cp)
    }
}

/// Calls `f` with each token of qualitative coding: UAX #29 words holding a
/// letter or digit, an elided French article split off as its own token
/// (`l'espace` gives `l'` and `espace`).
pub(crate) fn uax_tokens(text: &str, mut f: impl FnMut(&str, Span)) {
    if text.is_ascii() {
        let mut cps = CodePoints::new(text);
        for (b0, b1) in AsciiWords::new(text.as_bytes()) {
            emit(text, b0, b1, &mut cps, &mut f);
        }
        return;
    }
    let mut cps = CodePoints::new(text);
    if latin_words(text, |b0, b1| emit(text, b0, b1, &mut cps, &mut f)) {
        return;
    }
    for (b0, word) in text.split_word_bound_indices() {
        if word.chars().any(char::is_alphanumeric) {
            emit(text, b0, b0 + word.len(), &mut cps, &mut f);
        }
    }
}

/// Calls `f` with the word `text[b0..b1]`, its elided article split off.
fn emit(text: &str, b0: usize, b1: usize, cps: &mut CodePoints, f: &mut impl FnMut(&str, Span)) {
    let Some(word) = text.get(b0..b1) else {
        return;
    };
    {
        let c0 = cps.at(b0);
        match elision_len(word) {
            Some(k) => {
                let cm = cps.at(b0 + k);
                f(
                    &word[..k],
                    Span {
                        b0,
                        b1: b0 + k,
                        c0,
                        c1: cm,
                    },
                );
                let c1 = cps.at(b1);
                f(
                    &word[k..],
                    Span {
                        b0: b0 + k,
                        b1,
                        c0: cm,
                        c1,
                    },
                );
            }
            None => {
                let c1 = cps.at(b1);
                f(word, Span { b0, b1, c0, c1 });
            }
        }
    }
}

/// The UAX #29 words of ASCII text that hold a letter or digit, as byte
/// ranges: runs of letters, digits and `_`, where `:` `.` `'` join two
/// letters and `,` `;` `.` `'` join two digits (rules WB5 to WB13b; the
/// others concern non-ASCII characters). Same result as
/// `split_word_bound_indices`, several times faster.
pub(crate) struct AsciiWords<'a> {
    b: &'a [u8],
    pos: usize,
}

impl<'a> AsciiWords<'a> {
    pub(crate) fn new(b: &'a [u8]) -> Self {
        AsciiWords { b, pos: 0 }
    }
}

impl Iterator for AsciiWords<'_> {
    type Item = (usize, usize);

    fn next(&mut self) -> Option<(usize, usize)> {
        let b = self.b;
        let n = b.len();
        let word = |i: usize| {
            b.get(i)
                .is_some_and(|c| c.is_ascii_alphanumeric() || *c == b'_')
        };
        let mut i = self.pos;
        loop {
            while i < n && !word(i) {
                i += 1;
            }
            if i >= n {
                self.pos = n;
                return None;
            }
            let b0 = i;
            let mut alnum = false;
            loop {
                while i < n && word(i) {
                    alnum |= b[i] != b'_';
                    i += 1;
                }
                let (Some(&prev), Some(&j), Some(&next)) =
                    (b.get(i.wrapping_sub(1)), b.get(i), b.get(i + 1))
                else {
                    break;
                };
                let letters = prev.is_ascii_alphabetic()
                    && next.is_ascii_alphabetic()
                    && matches!(j, b':' | b'.' | b'\'');
                let digits = prev.is_ascii_digit()
                    && next.is_ascii_digit()
                    && matches!(j, b',' | b';' | b'.' | b'\'');
                if !(letters || digits) {
                    break;
                }
                i += 1;
            }
            if alnum {
                self.pos = i;
                return Some((b0, i));
            }
        }
    }
}

/// A character's word-break class (UAX #29), for the characters of
/// Latin-script text: the ASCII ones, the Latin letters of U+00C0 to
/// U+024F, and the punctuation of French and English prose. `None` for
/// any other (combining marks, soft hyphens, other scripts, emoji…), whose
/// rules [`latin_words`] leaves to `unicode-segmentation`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Wb {
    /// ALetter.
    Letter,
    /// Numeric.
    Digit,
    /// ExtendNumLet (`_`, the narrow no-break space).
    Join,
    /// MidLetter (`:`, `·`): joins two letters.
    MidLetter,
    /// MidNum (`,` `;`): joins two digits.
    MidNum,
    /// MidNumLet and Single_Quote (`.` `'` `’`): joins two letters or two
    /// digits.
    MidNumLet,
    /// Anything else that only breaks: spaces, other punctuation, symbols.
    Other,
}

/// The class of `c`, `None` outside the characters [`Wb`] covers.
#[inline]
fn wb_class(c: char) -> Option<Wb> {
    Some(match c {
        'a'..='z' | 'A'..='Z' => Wb::Letter,
        '0'..='9' => Wb::Digit,
        '_' | '\u{202F}' => Wb::Join,
        ':' | '\u{B7}' | '\u{2027}' => Wb::MidLetter,
        ',' | ';' => Wb::MidNum,
        '.' | '\'' | '\u{2018}' | '\u{2019}' | '\u{2024}' => Wb::MidNumLet,
        '\0'..='\u{7F}' => Wb::Other,
        '\u{AA}' | '\u{B5}' | '\u{BA}' => Wb::Letter,
        '\u{C0}'..='\u{24F}' if c != '\u{D7}' && c != '\u{F7}' => Wb::Letter,
        '\u{A0}'..='\u{AC}'
        | '\u{AE}'..='\u{B1}'
        | '\u{B4}'
        | '\u{B6}'
        | '\u{BB}'
        | '\u{BF}'
        | '\u{D7}'
        | '\u{F7}' => Wb::Other,
        '\u{2010}'..='\u{2017}'
        | '\u{201A}'..='\u{2023}'
        | '\u{2025}'
        | '\u{2026}'
        | '\u{2030}'..='\u{203E}'
        | '\u{20A0}'..='\u{20C0}' => Wb::Other,
        _ => return None,
    })
}

/// Calls `f` with the byte range of each UAX #29 word of `text` that holds
/// a letter or digit, when every character of `text` has a [`Wb`] class:
/// maximal runs of letters, digits and joiners, where a MidLetter joins two
/// letters, a MidNum two digits and a MidNumLet either (rules WB5 to
/// WB13b; the other rules concern characters without a class). Returns
/// `false`, having called nothing, when some character has none. Same
/// words as `split_word_bound_indices` (tested against it), several times
/// faster.
pub(crate) fn latin_words(text: &str, mut f: impl FnMut(usize, usize)) -> bool {
    if !text.chars().all(|c| wb_class(c).is_some()) {
        return false;
    }
    // The word being read: its start, whether it has a letter or digit,
    // the class of its last character, and a Mid character after it that
    // the next character may join.
    let mut word: Option<(usize, bool, Wb)> = None;
    let mut mid: Option<(usize, Wb)> = None;
    for (i, c) in text.char_indices() {
        let class = wb_class(c).unwrap_or(Wb::Other);
        if let Some((b0, alnum, last)) = word {
            if let Some((at, m)) = mid.take() {
                let joined = match (last, class) {
                    (Wb::Letter, Wb::Letter) => matches!(m, Wb::MidLetter | Wb::MidNumLet),
                    (Wb::Digit, Wb::Digit) => matches!(m, Wb::MidNum | Wb::MidNumLet),
                    _ => false,
                };
                if joined {
                    word = Some((b0, alnum, class));
                    continue;
                }
                if alnum {
                    f(b0, at);
                }
                word = None;
            } else {
                match class {
                    Wb::Letter | Wb::Digit | Wb::Join => {
                        word = Some((b0, alnum || class != Wb::Join, class));
                        continue;
                    }
                    Wb::MidLetter | Wb::MidNum | Wb::MidNumLet => {
                        mid = Some((i, class));
                        continue;
                    }
                    Wb::Other => {
                        if alnum {
                            f(b0, i);
                        }
                        word = None;
                    }
                }
            }
        }
        if matches!(class, Wb::Letter | Wb::Digit | Wb::Join) {
            word = Some((i, class != Wb::Join, class));
        }
    }
    if let Some((b0, true, _)) = word {
        f(b0, mid.map_or(text.len(), |(at, _)| at));
    }
    true
}

/// ASCII characters of `\w`: letters, digits, underscore.
const ASCII_WORD: [bool; 128] = {
    let mut t = [false; 128];
    let mut i = 0;
    while i < 128 {
        let c = i as u8;
        t[i] = c.is_ascii_alphanumeric() || c == b'_';
        i += 1;
    }
    t
};

/// Whether a character is in Python's `\w`: a letter or number (not a
/// combining mark), or `_`.
#[inline]
pub(crate) fn is_word_char(c: char) -> bool {
    if c.is_ascii() {
        ASCII_WORD[c as usize]
    } else {
        c.is_alphanumeric() && !is_combining_mark(c)
    }
}

/// The word character at byte `i` of `text`, if any, and its length.
#[inline]
fn word_at(text: &str, i: usize) -> Option<usize> {
    let b = *text.as_bytes().get(i)?;
    if b < 0x80 {
        return ASCII_WORD[b as usize].then_some(1);
    }
    let c = text.get(i..)?.chars().next()?;
    is_word_char(c).then_some(c.len_utf8())
}

/// The apostrophe (`'` or `’`) at byte `i`, if any, and its length.
#[inline]
fn joiner_at(text: &str, i: usize) -> Option<usize> {
    let b = text.as_bytes();
    match b.get(i) {
        Some(b'\'') => Some(1),
        Some(0xE2) if b.get(i + 1) == Some(&0x80) && b.get(i + 2) == Some(&0x99) => Some(3),
        _ => None,
    }
}

/// A token of dictionary counting: byte range, and whether it is all ASCII.
#[derive(Debug, Clone, Copy)]
pub(crate) struct DictTok {
    pub b0: usize,
    pub b1: usize,
    pub ascii: bool,
}

/// The tokens of scikit-learn's default-like pattern `\w+(?:['’]\w+)*`:
/// runs of word characters, joined by one apostrophe between two of them.
pub(crate) struct DictScanner<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> DictScanner<'a> {
    /// A scanner over `text`.
    pub(crate) fn new(text: &'a str) -> Self {
        DictScanner { text, pos: 0 }
    }

    /// A scanner over `text` from byte `pos` (a character boundary).
    pub(crate) fn at(text: &'a str, pos: usize) -> Self {
        DictScanner { text, pos }
    }
}

impl Iterator for DictScanner<'_> {
    type Item = DictTok;

    #[inline]
    fn next(&mut self) -> Option<DictTok> {
        let text = self.text;
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut i = self.pos;
        // skip to the next word character
        loop {
            if i >= n {
                self.pos = n;
                return None;
            }
            let b = bytes[i];
            if b < 0x80 {
                if ASCII_WORD[b as usize] {
                    break;
                }
                i += 1;
            } else {
                let c = text.get(i..).and_then(|s| s.chars().next());
                match c {
                    Some(c) if is_word_char(c) => break,
                    Some(c) => i += c.len_utf8(),
                    None => i += 1,
                }
            }
        }
        let b0 = i;
        let mut ascii = true;
        loop {
            while i < n {
                let b = bytes[i];
                if b < 0x80 {
                    if !ASCII_WORD[b as usize] {
                        break;
                    }
                    i += 1;
                } else {
                    match word_at(text, i) {
                        Some(l) => {
                            ascii = false;
                            i += l;
                        }
                        None => break,
                    }
                }
            }
            if let Some(j) = joiner_at(text, i)
                && let Some(l) = word_at(text, i + j)
            {
                if j > 1 || l > 1 {
                    ascii = false;
                }
                i += j + l;
                continue;
            }
            break;
        }
        self.pos = i;
        Some(DictTok { b0, b1: i, ascii })
    }
}

/// Writes the dictionary-counting key of a non-trivial token: lower case,
/// NFC, apostrophes folded. Returns false when the key no longer is one
/// token (lower-casing `İ` adds a combining dot).
pub(crate) fn dict_key_into(raw: &str, out: &mut String) -> bool {
    base_into(raw, out);
    if out.is_ascii() {
        return true;
    }
    let mut s = DictScanner::new(out);
    matches!((s.next(), s.next()), (Some(t), None) if t.b0 == 0 && t.b1 == out.len())
}

/// The dictionary keys of a token, usually one.
pub(crate) fn dict_keys(raw: &str) -> Vec<String> {
    let mut key = String::new();
    if dict_key_into(raw, &mut key) {
        return vec![key];
    }
    dict_split(raw).into_iter().map(|(k, _, _)| k).collect()
}

/// The keys of a token whose lower case is several tokens, with the byte
/// range of each in `raw`: Python lower-cases `İ` to `i` and a combining
/// dot, which is no word character, so `İİ` holds two tokens `i`.
pub(crate) fn dict_split(raw: &str) -> Vec<(String, usize, usize)> {
    // Each character lower-cases to a known number of characters, so every
    // character of the lower case has an owner in `raw`.
    let lower = raw.to_lowercase();
    let mut lc = lower.chars();
    let mut lowered = String::new();
    let mut owner: Vec<(usize, usize)> = Vec::new();
    for (i, c) in raw.char_indices() {
        for _ in 0..c.to_lowercase().count() {
            if let Some(l) = lc.next() {
                lowered.push(if super::normalize::is_apostrophe(l) {
                    '\''
                } else {
                    l
                });
                owner.push((i, i + c.len_utf8()));
            }
        }
    }
    let starts: Vec<usize> = lowered.char_indices().map(|(i, _)| i).collect();
    DictScanner::new(&lowered)
        .filter_map(|t| {
            let first = starts.partition_point(|&s| s < t.b0);
            let last = starts.partition_point(|&s| s < t.b1).checked_sub(1)?;
            let key: String = lowered.get(t.b0..t.b1)?.nfc().collect();
            Some((key, owner.get(first)?.0, owner.get(last)?.1))
        })
        .collect()
}

/// Calls `f` with each dictionary token of `text`: its key (lower case,
/// NFC, apostrophes folded) and where it stands.
pub(crate) fn dict_tokens(text: &str, key: &mut String, mut f: impl FnMut(&str, Span)) {
    let mut cps = CodePoints::new(text);
    for t in DictScanner::new(text) {
        let raw = &text[t.b0..t.b1];
        if dict_key_into(raw, key) {
            let span = Span {
                b0: t.b0,
                b1: t.b1,
                c0: cps.at(t.b0),
                c1: cps.at(t.b1),
            };
            f(key, span);
        } else {
            for (k, s0, s1) in dict_split(raw) {
                let (b0, b1) = (t.b0 + s0, t.b0 + s1);
                let span = Span {
                    b0,
                    b1,
                    c0: cps.at(b0),
                    c1: cps.at(b1),
                };
                f(&k, span);
            }
        }
    }
}

/// Whether `s` is exactly one dictionary token (after normalisation).
pub(crate) fn is_one_dict_token(s: &str) -> bool {
    let mut it = DictScanner::new(s);
    matches!((it.next(), it.next()), (Some(t), None) if t.b0 == 0 && t.b1 == s.len())
}

/// Splits `text` into tokens the way the coder does under `options`: UAX
/// #29 words, normalised (lower case, NFC, apostrophes and, when the
/// codebook says so, accents folded, French elisions split) for qualitative
/// codes; scikit-learn's `\w+(?:['’]\w+)*` tokens, lower-cased, for
/// dictionary counting.
pub fn tokenize(text: &str, options: &CodebookOptions) -> Vec<Token> {
    let mut out = Vec::new();
    match options.semantics {
        Semantics::Codes => {
            let (mut b, mut f) = (String::new(), String::new());
            uax_tokens(text, |raw, sp| {
                base_into(raw, &mut b);
                let norm = if options.fold_accents {
                    fold_accents_into(&b, &mut f);
                    f.clone()
                } else {
                    b.clone()
                };
                out.push(Token {
                    norm,
                    start: sp.c0,
                    end: sp.c1,
                    byte_start: sp.b0,
                    byte_end: sp.b1,
                });
            });
        }
        Semantics::Dictionary => {
            dict_tokens(text, &mut String::new(), |k, sp| {
                out.push(Token {
                    norm: k.to_owned(),
                    start: sp.c0,
                    end: sp.c1,
                    byte_start: sp.b0,
                    byte_end: sp.b1,
                });
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norms(text: &str, semantics: Semantics) -> Vec<String> {
        let o = CodebookOptions {
            semantics,
            ..CodebookOptions::default()
        };
        tokenize(text, &o).into_iter().map(|t| t.norm).collect()
    }

    #[test]
    fn uax_words_with_elisions_and_accents() {
        assert_eq!(
            norms(
                "L’espace de co-working, d'accord? Coût: 3.5 €",
                Semantics::Codes
            ),
            [
                "l'", "espace", "de", "co", "working", "d'", "accord", "cout", "3.5"
            ]
        );
        assert_eq!(norms("Don't U.S. 🏠", Semantics::Codes), ["don't", "u.s"]);
    }

    /// `rounds` random texts of up to `max_len - 1` characters, each
    /// drawn by `pick` from a random number (xorshift, the same texts on
    /// every run).
    fn random_texts(
        mut seed: u64,
        rounds: usize,
        max_len: u64,
        mut pick: impl FnMut(u64) -> char,
    ) -> impl Iterator<Item = String> {
        (0..rounds).map(move |_| {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            let mut x = seed;
            (0..seed % max_len)
                .map(|_| {
                    x = x.rotate_left(5).wrapping_mul(0x9E37_79B9_7F4A_7C15);
                    pick(x)
                })
                .collect()
        })
    }

    /// The words `split_word_bound_indices` gives, as [`latin_words`]
    /// gives them.
    fn uax_words(text: &str) -> Vec<(usize, usize)> {
        text.split_word_bound_indices()
            .filter(|(_, w)| w.chars().any(char::is_alphanumeric))
            .map(|(i, w)| (i, i + w.len()))
            .collect()
    }

    fn latin(text: &str) -> Option<Vec<(usize, usize)>> {
        let mut got = Vec::new();
        latin_words(text, |b0, b1| got.push((b0, b1))).then_some(got)
    }

    #[test]
    fn ascii_words_equal_unicode_segmentation() {
        let alphabet = b"aZ9_.:',; -\"!\t\nb0";
        let texts = random_texts(0x2545_F491_4F6C_DD1D, 20_000, 12, |x| {
            alphabet[(x >> 33) as usize % alphabet.len()] as char
        });
        for (round, text) in texts.enumerate() {
            let got: Vec<(usize, usize)> = AsciiWords::new(text.as_bytes()).collect();
            assert_eq!(got, uax_words(&text), "round {round}: {text:?}");
        }
    }

    #[test]
    fn latin_words_class_every_character_as_uax_29() {
        let mut classed = 0;
        for c in (0..0x3000u32).filter_map(char::from_u32) {
            let Some(class) = wb_class(c) else { continue };
            classed += 1;
            if class == Wb::Letter {
                assert!(c.is_alphanumeric(), "{c:?}");
            }
            for t in [
                "{}", "a{}b", "1{}2", "é{}é", "_{}_", "{}{}", "a{}{}b", "x{}", "{}x", "3{}",
                "ç{}1", "a_{}b", "9{}a",
            ] {
                let text = t.replace("{}", &c.to_string());
                if text.chars().all(|c| wb_class(c).is_some()) {
                    assert_eq!(latin(&text), Some(uax_words(&text)), "{c:?} in {text:?}");
                } else {
                    assert_eq!(latin(&text), None, "{text:?}");
                }
            }
        }
        assert!(classed >= 620, "{classed} characters classed");
        // Characters left to the full rules: a combining mark (WB4), a
        // soft hyphen (Format), a superscript digit (a word of its own),
        // an emoji, Greek.
        for text in ["e\u{301}t\u{E9}", "ex\u{AD}ample", "m\u{B2}", "🏠 ok", "αβ"] {
            assert_eq!(latin(text), None, "{text:?}");
        }
    }

    /// Random Latin-script texts, with now and then a character only the
    /// full rules read: the tokens are UAX #29's.
    #[test]
    fn latin_words_equal_unicode_segmentation() {
        let alphabet: Vec<char> = "aZé9_.:',;’‘· -\"«»…–\u{A0}\u{202F}\tÇœ0\u{2024}\u{2027}€"
            .chars()
            .collect();
        let rare: Vec<char> = "\u{301}\u{AD}²🏠α\u{200D}".chars().collect();
        let texts = random_texts(0x9E37_79B9_7F4A_7C15, 50_000, 14, |x| {
            if (x >> 20).is_multiple_of(40) {
                rare[(x >> 33) as usize % rare.len()]
            } else {
                alphabet[(x >> 33) as usize % alphabet.len()]
            }
        });
        let mut fast = 0;
        for (round, text) in texts.enumerate() {
            let expected = uax_words(&text);
            match latin(&text) {
                Some(got) => {
                    fast += 1;
                    assert_eq!(got, expected, "round {round}: {text:?}");
                }
                None => assert!(text.chars().any(|c| wb_class(c).is_none()), "{text:?}"),
            }
            let mut spans = Vec::new();
            uax_tokens(&text, |_, sp| spans.push((sp.b0, sp.b1)));
            let mut joined: Vec<(usize, usize)> = Vec::new();
            for (b0, b1) in spans {
                match joined.last_mut() {
                    Some(last) if last.1 == b0 && elided(&text[last.0..last.1]) => last.1 = b1,
                    _ => joined.push((b0, b1)),
                }
            }
            assert_eq!(joined, expected, "round {round}: {text:?}");
        }
        assert!(fast > 40_000, "{fast} texts took the fast path");
    }

    /// Whether a token is an elided article split off its word (no UAX
    /// #29 word ends with an apostrophe).
    fn elided(token: &str) -> bool {
        token.ends_with(['\'', '’', 'ʼ'])
    }

    #[test]
    fn offsets_are_code_points() {
        let o = CodebookOptions::default();
        let t = tokenize("🏠 l'été coûte", &o);
        assert_eq!((t[0].norm.as_str(), t[0].start, t[0].end), ("l'", 2, 4));
        assert_eq!((t[1].norm.as_str(), t[1].start, t[1].end), ("ete", 4, 7));
        assert_eq!((t[2].norm.as_str(), t[2].start, t[2].end), ("coute", 8, 13));
        assert_eq!((t[2].byte_start, t[2].byte_end), (13, 19));
    }

    #[test]
    fn dictionary_tokens_follow_the_sklearn_pattern() {
        assert_eq!(
            norms(
                "The U.S. spent 3.5 billion on H.R. 3045's rock'n'roll, don’t 'tis _x_",
                Semantics::Dictionary
            ),
            [
                "the",
                "u",
                "s",
                "spent",
                "3",
                "5",
                "billion",
                "on",
                "h",
                "r",
                "3045's",
                "rock'n'roll",
                "don't",
                "tis",
                "_x_"
            ]
        );
        assert_eq!(norms("a''b c'", Semantics::Dictionary), ["a", "b", "c"]);
        assert_eq!(norms("Élan café", Semantics::Dictionary), ["élan", "café"]);
        // a combining mark is not a word character for Python's \w
        assert_eq!(norms("cafe\u{301}s", Semantics::Dictionary), ["cafe", "s"]);
        assert_eq!(norms("İstanbul", Semantics::Dictionary), ["i", "stanbul"]);
    }
}
