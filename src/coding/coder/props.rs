//! Properties of the coder over generated codebooks and texts: every
//! coding's span slices back to its matched text, and codings do not
//! depend on how many threads code.

use proptest::prelude::*;
use unicode_segmentation::UnicodeSegmentation;

use super::*;
use crate::codebook::formats::common;
use crate::codebook::{Code, Origin};

/// Pieces texts are made of: accents precomposed and combining, emoji
/// (with joiners and modifiers), both apostrophes, hyphens, case, letters
/// whose lower case is longer (`İ`), ligatures, digits and currency,
/// punctuation, line ends.
const PIECES: &[&str] = &[
    "loyer",
    "Loyers",
    "LOYER",
    "coût",
    "co\u{302}ut",
    "COÛTE",
    "cout",
    "élevé",
    "E\u{301}LEVE\u{301}",
    "l'",
    "L’",
    "d’",
    "espace",
    "espaces",
    "de",
    "travail",
    "partagé",
    "partageons",
    "rent",
    "Rents",
    "don't",
    "don’t",
    "pas",
    "not",
    "co-working",
    "rent-free",
    "cher",
    "12 €",
    "3",
    "🏠",
    "👩\u{200d}👩\u{200d}👧",
    "👍🏽",
    "ǅ",
    "ﬁ",
    "İ",
    "ß",
    "Σ",
    "Å",
    "\u{301}",
    "'",
    "’",
    "-",
    "_",
    " ",
    " ",
    " ",
    ", ",
    ". ",
    "\n",
    "\t",
    "\u{a0}",
];

/// Words rules are made of, some only in the pieces above folded or cut.
const WORDS: &[&str] = &[
    "loyer",
    "coût",
    "cout",
    "élevé",
    "eleve",
    "espace",
    "l'espace",
    "d’accord",
    "de",
    "travail",
    "partager",
    "partag",
    "rent",
    "don't",
    "co-working",
    "rent-free",
    "cher",
    "ǆ",
    "fi",
    "ﬁ",
    "i",
    "ss",
    "σ",
    "å",
    "3",
    "l",
];

const REGEXES: &[&str] = &[
    r"/\d+ ?€/",
    "/co[uû]t/",
    "/e/",
    "/(?i)loy/",
    r"/\p{M}/",
    "/.🏠/",
];

fn word() -> impl Strategy<Value = String> {
    prop::sample::select(WORDS).prop_map(str::to_owned)
}

/// One term: a word, `prefix*` or `~stem`.
fn term() -> impl Strategy<Value = String> {
    (word(), 0..3u8).prop_map(|(w, kind)| match kind {
        0 => w,
        1 => format!("{w}*"),
        _ => format!("~{w}"),
    })
}

/// A rule in the rule syntax: a term, a phrase, `A NEAR/n B` or a regex.
fn rule_text() -> impl Strategy<Value = String> {
    prop_oneof![
        4 => term(),
        2 => prop::collection::vec(term(), 2..4).prop_map(|ts| ts.join(" ")),
        1 => (term(), 0..4u32, term()).prop_map(|(a, n, b)| format!("{a} NEAR/{n} {b}")),
        1 => prop::sample::select(REGEXES).prop_map(str::to_owned),
    ]
}

/// (code, rule, language, exclusion) for up to three codes.
fn rules() -> impl Strategy<Value = Vec<(u8, String, Option<&'static str>, bool)>> {
    prop::collection::vec(
        (
            0..3u8,
            rule_text(),
            prop::sample::select(&[None, None, Some("fr"), Some("en")][..]),
            prop::bool::weighted(0.15),
        ),
        1..8,
    )
}

/// Separators between the words of a text.
const GAPS: &[&str] = &[
    " ", " ", " ", ", ", ". ", "\n", "\t", "\u{a0}", "-", "'", "’", "", "🏠",
];

/// A text of words (the pieces above, the rules' own words, some in
/// capitals or with a combining accent) and separators.
fn text_for(
    rules: &[(u8, String, Option<&'static str>, bool)],
) -> impl Strategy<Value = String> + use<> {
    let mut words: Vec<String> = PIECES.iter().map(|p| (*p).to_owned()).collect();
    for (_, r, _, _) in rules {
        if r.starts_with('/') {
            continue;
        }
        let plain: Vec<&str> = r
            .split_whitespace()
            .filter(|w| !w.starts_with("NEAR/"))
            .map(|w| w.trim_start_matches('~').trim_end_matches('*'))
            .collect();
        words.push(plain.join(" "));
        for &w in &plain {
            words.push(w.to_owned());
            words.push(format!("{w}s"));
            words.push(w.to_uppercase());
            words.push(w.replace('e', "e\u{301}"));
        }
    }
    prop::collection::vec(
        (prop::sample::select(words), prop::sample::select(GAPS)),
        0..16,
    )
    .prop_map(|ws| ws.into_iter().map(|(w, g)| format!("{w}{g}")).collect())
}

fn text() -> impl Strategy<Value = String> {
    prop::collection::vec(prop::sample::select(PIECES), 0..24).prop_map(|ps| ps.concat())
}

fn lang() -> impl Strategy<Value = &'static str> {
    prop::sample::select(&["fr", "en", "", "pl"][..])
}

fn codebook(
    semantics: Semantics,
    fold_accents: bool,
    rules: &[(u8, String, Option<&'static str>, bool)],
) -> Codebook {
    let mut codes: Vec<Code> = (0..3)
        .map(|i| Code {
            id: format!("c{i}"),
            label: format!("c{i}"),
            parent: (i == 2).then(|| "c0".to_owned()),
            ..Code::default()
        })
        .collect();
    for (line, (code, text, lang, exclude)) in rules.iter().enumerate() {
        let origin = Origin {
            line: line as u32 + 1,
            column: 1,
        };
        let r = common::rule(text, *lang, *exclude, origin).expect("generated rules parse");
        codes[usize::from(*code)].rules.push(r);
    }
    Codebook {
        name: "props".into(),
        options: CodebookOptions {
            semantics,
            fold_accents,
            ..CodebookOptions::default()
        },
        codes,
    }
}

fn semantics() -> impl Strategy<Value = Semantics> {
    prop_oneof![Just(Semantics::Codes), Just(Semantics::Dictionary)]
}

/// Byte offsets where the text's grapheme clusters start, and its end.
fn grapheme_bounds(text: &str) -> Vec<usize> {
    let mut b: Vec<usize> = text.grapheme_indices(true).map(|(i, _)| i).collect();
    b.push(text.len());
    b
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Every span is within the text, on character boundaries, and slices
    /// back to exactly the matched text; a span made of tokens (every rule
    /// but a regular expression, in qualitative coding) neither starts nor
    /// ends inside a character a reader sees (a grapheme cluster: a letter
    /// and its combining accent, an emoji and its modifiers).
    #[test]
    fn spans_slice_back_to_the_matched_text(
        (rules, text) in rules().prop_flat_map(|r| (Just(r.clone()), text_for(&r))),
        semantics in semantics(),
        fold in any::<bool>(),
        lang in lang(),
    ) {
        let cb = codebook(semantics, fold, &rules);
        let coder = Coder::compile(&cb).expect("generated codebooks compile");
        let chars: Vec<(usize, char)> = text.char_indices().collect();
        let byte_at = |c: u32| chars.get(c as usize).map_or(text.len(), |&(b, _)| b);
        let bounds = grapheme_bounds(&text);
        for k in coder.code_segment(&text, lang) {
            prop_assert!(k.start < k.end, "empty span {k:?} in {text:?}");
            prop_assert!(k.end as usize <= chars.len(), "{k:?} past the end of {text:?}");
            let (b0, b1) = (byte_at(k.start), byte_at(k.end));
            prop_assert!(text.is_char_boundary(b0) && text.is_char_boundary(b1));
            prop_assert_eq!(&text[b0..b1], k.matched.as_str(), "{:?} in {:?}", k, text);
            if semantics == Semantics::Codes && !k.rule.starts_with('/') {
                prop_assert!(
                    bounds.contains(&b0) && bounds.contains(&b1),
                    "{k:?} cuts a grapheme cluster of {text:?}"
                );
            }
        }
    }

    /// Coding many segments in parallel gives, segment by segment, what one
    /// thread gives, codings and counts alike, whatever each thread's cache
    /// of token forms saw before.
    #[test]
    fn codings_do_not_depend_on_the_number_of_threads(
        (rules, docs) in rules().prop_flat_map(|r| {
            let docs = prop::collection::vec((prop_oneof![text_for(&r), text()], lang()), 0..40);
            (Just(r), docs)
        }),
        semantics in semantics(),
    ) {
        let cb = codebook(semantics, true, &rules);
        let coder = Coder::compile(&cb).expect("generated codebooks compile");
        let docs: Vec<(&str, &str)> = docs.iter().map(|(t, l)| (t.as_str(), *l)).collect();
        let run = |threads: usize| {
            rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("a thread pool")
                .install(|| (coder.code_all(&docs), coder.counts_all(&docs)))
        };
        let (one, one_counts) = run(1);
        let (four, four_counts) = run(4);
        prop_assert_eq!(&one, &four);
        prop_assert_eq!(&one_counts, &four_counts);
        // And each segment coded alone, with a cold cache, agrees.
        let fresh = Coder::compile(&cb).expect("generated codebooks compile");
        for (i, (t, l)) in docs.iter().enumerate() {
            prop_assert_eq!(&fresh.code_segment(t, l), &one[i], "segment {}: {:?}", i, t);
        }
    }
}
