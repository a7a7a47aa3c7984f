//! Unit tests of the coder, one group per rule kind, in French and English.

use super::*;
use crate::codebook::pattern::parse_pattern;
use crate::codebook::{Code, Origin, Rule};

/// A rule: code id, rule text, language, exclusion.
type R<'a> = (&'a str, &'a str, Option<&'a str>, bool);

fn book(semantics: Semantics, rules: &[R]) -> Codebook {
    let mut codes: Vec<Code> = Vec::new();
    for (i, (code, text, lang, exclude)) in rules.iter().enumerate() {
        if !codes.iter().any(|c| c.id == *code) {
            codes.push(Code {
                id: (*code).to_owned(),
                label: (*code).to_owned(),
                ..Code::default()
            });
        }
        let c = codes.iter_mut().find(|c| c.id == *code).unwrap();
        c.rules.push(Rule {
            pattern: parse_pattern(text).unwrap(),
            lang: lang.map(str::to_owned),
            exclude: *exclude,
            text: (*text).to_owned(),
            origin: Origin {
                line: i as u32 + 1,
                column: 1,
            },
        });
    }
    Codebook {
        name: "test".into(),
        options: CodebookOptions {
            semantics,
            ..CodebookOptions::default()
        },
        codes,
    }
}

fn coder(rules: &[R]) -> Coder {
    Coder::compile(&book(Semantics::Codes, rules)).unwrap()
}

fn rule(code: &'static str, text: &'static str) -> R<'static> {
    (code, text, None, false)
}

/// (code, matched, negated) of each coding.
fn found(c: &Coder, text: &str, lang: &str) -> Vec<(String, String, bool)> {
    c.code_segment(text, lang)
        .into_iter()
        .map(|k| (k.code, k.matched, k.negated))
        .collect()
}

fn matched(c: &Coder, text: &str, lang: &str) -> Vec<String> {
    c.code_segment(text, lang)
        .into_iter()
        .map(|k| k.matched)
        .collect()
}

#[test]
fn words_match_after_elision_fr() {
    let c = coder(&[rule("lieu", "espace"), rule("accord", "d'accord")]);
    let k = c.code_segment("Dans l'espace, d’accord ?", "fr");
    assert_eq!(k.len(), 2);
    assert_eq!(
        (
            k[0].code.as_str(),
            k[0].start,
            k[0].end,
            k[0].matched.as_str()
        ),
        ("lieu", 7, 13, "espace")
    );
    assert_eq!(
        (k[1].code.as_str(), k[1].matched.as_str()),
        ("accord", "d’accord")
    );
    // `accord` alone is not `d'accord`
    assert!(matched(&c, "un accord", "fr").is_empty());
}

#[test]
fn words_are_whole_tokens_en() {
    let c = coder(&[rule("rent", "rent")]);
    assert_eq!(
        matched(&c, "The RENT, rent-free; rental", "en"),
        ["RENT", "rent"]
    );
}

#[test]
fn accents_fold_both_ways() {
    let c = coder(&[rule("cost", "coût"), rule("cheap", "economique")]);
    assert_eq!(
        matched(&c, "Le cout, le COÛT, économique", "fr"),
        ["cout", "COÛT", "économique"]
    );
    let mut b = book(Semantics::Codes, &[rule("cost", "coût")]);
    b.options.fold_accents = false;
    let strict = Coder::compile(&b).unwrap();
    assert_eq!(matched(&strict, "Le cout, le COÛT", "fr"), ["COÛT"]);
}

#[test]
fn stems_match_inflections() {
    let c = coder(&[
        rule("rent", "~loyer"),
        rule("share", "~partager"),
        rule("rent", "~renting"),
    ]);
    assert_eq!(
        matched(&c, "Les loyers ; on partageons, partagé", "fr"),
        ["loyers", "partageons", "partagé"]
    );
    assert_eq!(
        matched(&c, "Rents and rented rooms", "en"),
        ["Rents", "rented"]
    );
}

#[test]
fn prefixes_match_token_starts() {
    let c = coder(&[rule("share", "partag*"), rule("share", "co-work*")]);
    assert_eq!(
        matched(&c, "Partager, le partage, un co-working, coworking", "fr"),
        ["Partager", "partage", "co-working"]
    );
}

#[test]
fn phrases_match_across_punctuation() {
    let c = coder(&[
        rule("place", "espace* de travail"),
        rule("place", "coworking space"),
    ]);
    assert_eq!(
        matched(&c, "Les espaces, de travail ; l'espace de travail.", "fr"),
        ["espaces, de travail", "espace de travail"]
    );
    assert_eq!(
        matched(&c, "a coworking—space here", "en"),
        ["coworking—space"]
    );
    assert!(matched(&c, "espace de la travail", "fr").is_empty());
}

#[test]
fn near_in_both_orders_and_within_distance() {
    let c = coder(&[rule("cost", "loyer NEAR/3 cher")]);
    assert_eq!(
        matched(&c, "le loyer est trop cher", "fr"),
        ["loyer est trop cher"]
    );
    assert_eq!(
        matched(&c, "c'est cher, le loyer", "fr"),
        ["cher, le loyer"]
    );
    assert!(matched(&c, "le loyer est vraiment beaucoup trop cher", "fr").is_empty());
    let en = coder(&[rule("cost", "rent NEAR/2 too high")]);
    assert_eq!(
        matched(&en, "too high is the rent", "en"),
        ["too high is the rent"]
    );
    assert_eq!(
        matched(&en, "the rent is way too high", "en"),
        ["rent is way too high"]
    );
    assert!(matched(&en, "the rent is way, way too high", "en").is_empty());
}

#[test]
fn exclusions_cancel_the_code_in_the_segment() {
    let c = coder(&[
        rule("rent", "loyer"),
        ("rent", "loyer de base", None, true),
        rule("cost", "cher"),
    ]);
    assert_eq!(
        found(&c, "le loyer de base est cher", "fr"),
        [("cost".to_owned(), "cher".to_owned(), false)]
    );
    assert_eq!(matched(&c, "le loyer est cher", "fr"), ["loyer", "cher"]);
    let en = coder(&[rule("rent", "rent*"), ("rent", "/rental car/", None, true)]);
    assert!(matched(&en, "Rent for a rental car", "en").is_empty());
    assert_eq!(matched(&en, "Rent for a flat", "en"), ["Rent"]);
}

#[test]
fn negation_is_flagged_fr() {
    let c = coder(&[rule("rent", "loyer")]);
    let neg = |t: &str| c.code_segment(t, "fr")[0].negated;
    assert!(neg("ce n'est pas le loyer"));
    assert!(neg("sans loyer"));
    assert!(neg("jamais de loyer"));
    assert!(!neg("le loyer"));
    assert!(!neg("plus de loyer"));
    // the window is 3 tokens, and stops at sentence punctuation
    assert!(!neg("pas un seul petit mot sur le loyer"));
    assert!(!neg("Pas du tout. Le loyer"));
}

#[test]
fn negation_is_flagged_en() {
    let c = coder(&[rule("rent", "rent"), rule("booth", "booth")]);
    let k = c.code_segment("It's not the rent. I don't need a booth", "en");
    assert_eq!(k.len(), 2);
    assert!(k[0].negated && k[1].negated);
    let k = c.code_segment("Not now! The rent, and a booth", "en");
    assert!(!k[0].negated && !k[1].negated);
    assert!(
        c.code_segment("no rent without a booth", "en")
            .iter()
            .all(|k| k.negated)
    );
}

#[test]
fn regex_over_original_text_with_code_point_offsets() {
    let c = coder(&[rule("price", r"/\d+ ?€/"), rule("cost", "coût")]);
    let k = c.code_segment("🏠 Coût : 500 € par mois", "fr");
    assert_eq!(k.len(), 2);
    assert_eq!(
        (k[0].start, k[0].end, k[0].matched.as_str()),
        (2, 6, "Coût")
    );
    assert_eq!(
        (k[1].start, k[1].end, k[1].matched.as_str()),
        (9, 14, "500 €")
    );
    let cps: Vec<char> = "🏠 Coût : 500 € par mois".chars().collect();
    assert_eq!(cps[9..14].iter().collect::<String>(), "500 €");
    // negation applies to regex matches too
    assert!(c.code_segment("pas 500 €", "fr")[0].negated);
}

#[test]
fn bad_or_huge_regexes_are_errors_with_origin() {
    let e = Coder::compile(&book(
        Semantics::Codes,
        &[rule("a", "ok"), rule("b", "/(unclosed/")],
    ))
    .unwrap_err();
    assert_eq!(e.len(), 1);
    assert_eq!(e[0].origin.line, 2);
    assert!(
        e[0].message.contains("does not compile"),
        "{}",
        e[0].message
    );
    let e = Coder::compile(&book(Semantics::Codes, &[rule("a", r"/(\w{100}){100}/")])).unwrap_err();
    assert!(e[0].message.contains("too large"), "{}", e[0].message);
}

#[test]
fn per_language_rules() {
    let c = coder(&[
        ("rent", "rent", Some("en"), false),
        ("rent", "loyer", Some("fr"), false),
        rule("hub", "hub"),
    ]);
    assert_eq!(matched(&c, "rent loyer hub", "fr"), ["loyer", "hub"]);
    assert_eq!(matched(&c, "rent loyer hub", "en-GB"), ["rent", "hub"]);
    assert_eq!(matched(&c, "rent loyer hub", "de"), ["hub"]);
}

#[test]
fn offsets_count_code_points() {
    let c = coder(&[rule("high", "élevé"), rule("home", "maison")]);
    let text = "🏠🏠 Le coût élevé, maison";
    let k = c.code_segment(text, "fr");
    let chars: Vec<char> = text.chars().collect();
    for coding in &k {
        let s: String = chars[coding.start as usize..coding.end as usize]
            .iter()
            .collect();
        assert_eq!(s, coding.matched);
    }
    assert_eq!((k[0].start, k[0].end), (11, 16));
}

#[test]
fn language_without_stemmer_falls_back_with_one_warning() {
    let c = coder(&[rule("home", "~etxe")]);
    assert_eq!(matched(&c, "etxe etxeak", "eu"), ["etxe"]);
    assert_eq!(matched(&c, "etxe", "eu"), ["etxe"]);
    let w = c.warnings();
    assert_eq!(w.iter().filter(|w| w.contains("`eu`")).count(), 1, "{w:?}");
    assert!(coder(&[rule("home", "etxe")]).warnings().is_empty());
}

#[test]
fn sorted_and_one_coding_per_code_and_span() {
    let c = coder(&[rule("b", "loyer"), rule("a", "~loyer"), rule("a", "loy*")]);
    let k = c.code_segment("loyer", "fr");
    let got: Vec<(&str, &str)> = k
        .iter()
        .map(|k| (k.code.as_str(), k.rule.as_str()))
        .collect();
    assert_eq!(got, [("a", "loy*"), ("b", "loyer")]);
}

#[test]
fn parents_and_ancestors() {
    let mut b = book(
        Semantics::Codes,
        &[
            rule("cost", "cher"),
            rule("cost.rent", "loyer"),
            rule("cost.rent.base", "base"),
        ],
    );
    b.codes[1].parent = Some("cost".into());
    b.codes[2].parent = Some("cost.rent".into());
    let c = Coder::compile(&b).unwrap();
    assert_eq!(c.parents(), [None, Some(0), Some(1)]);
    assert_eq!(c.ancestors(2).collect::<Vec<_>>(), [1, 0]);
    // codings name the matching code only; counts aggregate to parents,
    // one per distinct span
    assert_eq!(found(&c, "loyer", "fr")[0].0, "cost.rent");
    assert_eq!(c.counts("loyer cher, base", "fr"), [3, 2, 1]);
    let mut b2 = b.clone();
    let same = b2.codes[1].rules[0].clone();
    b2.codes[0].rules.push(same);
    let c2 = Coder::compile(&b2).unwrap();
    assert_eq!(c2.counts("loyer", "fr"), [1, 1, 0]);
    b.codes[0].parent = Some("cost.rent.base".into());
    let c = Coder::compile(&b).unwrap();
    assert!(c.ancestors(2).count() <= 3);
    assert!(c.warnings().iter().any(|w| w.contains("ancestor")));
}

#[test]
fn duplicate_code_ids_are_errors() {
    let mut b = book(Semantics::Codes, &[rule("a", "x"), rule("b", "y")]);
    b.codes[1].id = "a".into();
    assert!(Coder::compile(&b).is_err());
}

#[test]
fn terms_without_letters_warn() {
    let c = coder(&[rule("a", "€"), rule("b", "ok")]);
    assert!(
        c.warnings().iter().any(|w| w.contains("never match")),
        "{:?}",
        c.warnings()
    );
}

fn dict(rules: &[R]) -> Coder {
    Coder::compile(&book(Semantics::Dictionary, rules)).unwrap()
}

#[test]
fn dictionary_spans_count_once_per_category() {
    let c = dict(&[
        rule("econ", "economy"),
        rule("econ", "econo*"),
        rule("geo", "united states"),
        rule("geo", "states"),
        rule("geo", "united states*"),
        rule("econ", "states"),
    ]);
    let text = "The economy of the United States; economics. States!";
    // economy: once for econ (two patterns); economics: econ;
    // "united states": geo once (two patterns); states twice: geo and econ.
    assert_eq!(c.counts(text, "en"), [4, 3]);
    let k = c.code_segment(text, "en");
    assert_eq!(k.len(), 7);
    assert!(k.iter().all(|k| !k.negated));
}

#[test]
fn dictionary_has_no_folding_elision_stems_or_negation() {
    let c = dict(&[
        rule("a", "cout"),
        rule("a", "espace"),
        rule("a", "~loyer"),
        rule("a", "rent"),
    ]);
    assert_eq!(c.counts("coût l'espace loyers not rent", "fr"), [1]);
    assert_eq!(c.counts("cout l espace loyer", "fr"), [3]);
    // exclusions are ignored, with a warning
    let c = dict(&[rule("a", "rent"), ("a", "rent", None, true)]);
    assert_eq!(c.counts("rent", "en"), [1]);
    assert!(!c.warnings().is_empty());
}

#[test]
fn dictionary_tokens_split_like_sklearn() {
    let c = dict(&[
        rule("a", "u"),
        rule("b", "u.s."),
        rule("c", "don't"),
        rule("d", "3045's"),
    ]);
    assert_eq!(
        c.counts("The U.S. don’t pass H.R. 3045's", "en"),
        [1, 0, 1, 1]
    );
    assert!(c.warnings().iter().any(|w| w.contains("u.s.")));
}

#[test]
fn dictionary_fast_counts_equal_codings() {
    let c = dict(&[
        rule("a", "the"),
        rule("a", "of the"),
        rule("b", "of*"),
        rule("b", "the house"),
        rule("c", "house of representatives"),
        rule("c", "house of repr*"),
        rule("a", "house"),
    ]);
    let text = "The House of Representatives of the house of representatives, OF THE House.";
    let mut slow = vec![0u32; 3];
    for k in c.code_segment(text, "en") {
        slow[c.code_index(&k.code).unwrap()] += 1;
    }
    assert_eq!(c.counts(text, "en"), slow);
}

#[test]
fn an_exclusion_matching_all_over_a_long_segment_costs_linear_time() {
    // Each exclusion hit was kept, and every candidate compared with all
    // of them: a 2 MB segment took 30 s to code, 8 MB over 6 minutes.
    let c = coder(&[
        rule("rent", "loyer"),
        ("rent", "pas", None, true),
        rule("cost", "cher"),
    ]);
    let text = "le loyer pas cher ".repeat(50_000);
    let k = c.code_segment(&text, "fr");
    assert_eq!(k.len(), 50_000);
    assert!(k.iter().all(|x| x.code == "cost" && x.matched == "cher"));
}

#[test]
fn a_codebook_of_twenty_thousand_rules_compiles_and_codes_each_rule() {
    // Hand-run with 100,000 (README, Limits); kinds mixed as in real
    // dictionaries: words, prefixes, stems, phrases, NEAR.
    let n = 20_000;
    let texts: Vec<String> = (0..n)
        .map(|i| match i % 5 {
            0 => format!("mot{i}"),
            1 => format!("pre{i}x*"),
            2 => format!("~chanteur{i}"),
            3 => format!("mot{i} suite{i}"),
            _ => format!("gauche{i} NEAR/2 droite{i}"),
        })
        .collect();
    let codes: Vec<String> = (0..200).map(|c| format!("c{c}")).collect();
    let rules: Vec<R> = texts
        .iter()
        .enumerate()
        .map(|(i, t)| (codes[i % 200].as_str(), t.as_str(), None, false))
        .collect();
    let c = coder(&rules);
    let text = "mot15, pre16xyz mot18 suite18 ; gauche19 et droite19 ; mot1234";
    let got: Vec<(String, String)> = c
        .code_segment(text, "fr")
        .into_iter()
        .map(|k| (k.code, k.matched))
        .collect();
    let want = [
        ("c15", "mot15"),
        ("c16", "pre16xyz"),
        ("c18", "mot18 suite18"),
        ("c19", "gauche19 et droite19"),
    ];
    let want: Vec<(String, String)> = want
        .iter()
        .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
        .collect();
    assert_eq!(got, want);
    // `mot1234` is no rule (1234 % 5 == 4), `~chanteur17` matches its plural.
    assert_eq!(c.code_segment("les chanteur17s", "fr")[0].code, "c17");
    assert_eq!(c.codes().len(), 200);
}

#[test]
fn code_all_keeps_order() {
    let c = coder(&[rule("rent", "loyer")]);
    let docs: Vec<(String, &str)> = (0..500)
        .map(|i| {
            (
                if i % 3 == 0 {
                    format!("{i} loyer")
                } else {
                    format!("{i}")
                },
                "fr",
            )
        })
        .collect();
    let refs: Vec<(&str, &str)> = docs.iter().map(|(t, l)| (t.as_str(), *l)).collect();
    let all = c.code_all(&refs);
    assert_eq!(all.len(), 500);
    for (i, k) in all.iter().enumerate() {
        assert_eq!(k.len(), usize::from(i % 3 == 0), "doc {i}");
    }
    let counts = c.counts_all(&refs);
    assert_eq!(counts.iter().sum::<u32>(), 167);
}

#[test]
fn odd_inputs_do_not_panic() {
    let c = coder(&[
        rule("a", "loyer NEAR/0 cher"),
        rule("b", "~loyer"),
        rule("c", r"/\b/"),
        rule("d", "l'*"),
    ]);
    for text in [
        "",
        " ",
        "'",
        "l'",
        "\u{301}",
        "🏠",
        "a\u{0}b",
        "ǅ",
        "ﬁ",
        "İ",
        "ς",
        "n't",
        &"x ".repeat(10_000),
    ] {
        for lang in ["", "fr", "xx", "EL", "el"] {
            let _ = c.code_segment(text, lang);
            let _ = c.counts(text, lang);
        }
    }
    let mut b = book(Semantics::Dictionary, &[rule("b", "a* b*")]);
    b.codes[0].rules[0].pattern = Pattern::Term(Term::Prefix(String::new()));
    let d = Coder::compile(&b).unwrap();
    let _ = d.counts("'a'' b ’ ’x", "");
}

#[test]
fn coder_is_shared_between_threads() {
    fn shared<T: Send + Sync>() {}
    shared::<Coder>();
}

#[test]
fn dictionary_fast_path_equals_codings_on_random_text() {
    let c = dict(&[
        rule("a", "the"),
        rule("a", "of the"),
        rule("b", "don't"),
        rule("b", "don*"),
        rule("c", "rock'n'roll"),
        rule("c", "3"),
        rule("a", "a b c"),
        rule("b", "b*"),
        rule("c", "ab*"),
        rule("a", "élan"),
        rule("b", "i"),
        rule("c", "abcdefghijklmnopq"),
    ]);
    let pieces = [
        "the ",
        "The ",
        "OF ",
        "of",
        " ",
        "don",
        "'",
        "’",
        "t",
        "rock",
        "n",
        "roll",
        "3",
        ".",
        "5",
        "a ",
        "b ",
        "c",
        "ab",
        "ABCDEFGHIJKLMNOPQ",
        "Élan",
        "İ",
        "é",
        "\u{301}",
        "_",
        ",",
        "\t",
        "🏠",
        "x",
    ];
    let mut seed: u64 = 0x9E37_79B9_7F4A_7C15;
    for round in 0..3000 {
        let mut text = String::new();
        for _ in 0..(seed % 30) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push_str(pieces[(seed >> 40) as usize % pieces.len()]);
        }
        let mut slow = vec![0u32; c.codes().len()];
        for k in c.code_segment(&text, "en") {
            slow[c.code_index(&k.code).unwrap()] += 1;
        }
        assert_eq!(c.counts(&text, "en"), slow, "round {round}: {text:?}");
    }
}

#[test]
fn dotted_capital_i_splits_like_python() {
    let c = dict(&[rule("b", "i")]);
    // Python lower-cases İ to i + U+0307, which is no word character, so
    // "İİ" holds two tokens `i`.
    assert_eq!(c.counts("İİ", "en"), [2]);
    assert_eq!(c.code_segment("İİ", "en").len(), 2);
}

#[test]
fn offsets_match_the_text_on_random_input() {
    let c = coder(&[
        rule("a", "l'espace"),
        rule("a", "~loyer"),
        rule("b", "coût* NEAR/2 élevé"),
        rule("b", r"/\d+ ?€/"),
        rule("c", "d'accord"),
        rule("c", "co-working"),
        ("c", "pas", None, true),
    ]);
    let pieces = [
        "l'",
        "L’",
        "espace",
        "loyers",
        "Coût",
        "coûts",
        " ",
        ", ",
        ". ",
        "élevé",
        "E\u{301}LEVE\u{301}",
        "12 €",
        "🏠",
        "d’accord",
        "co-working",
        "pas",
        "\n",
        "ǅ",
        "ﬁ",
        "İ",
        "ß",
        "'",
        "-",
    ];
    let mut seed: u64 = 0x1234_5678_9ABC_DEF1;
    for round in 0..3000 {
        let mut text = String::new();
        for _ in 0..(seed % 25) {
            seed ^= seed << 13;
            seed ^= seed >> 7;
            seed ^= seed << 17;
            text.push_str(pieces[(seed >> 40) as usize % pieces.len()]);
        }
        let chars: Vec<char> = text.chars().collect();
        let excluded = crate::coding::tokenize(&text, c.options())
            .iter()
            .any(|t| t.norm == "pas");
        for k in c.code_segment(&text, "fr") {
            let s: String = chars[k.start as usize..k.end as usize].iter().collect();
            assert_eq!(s, k.matched, "round {round}: {text:?}");
            assert!(!(excluded && k.code == "c"), "excluded code in {text:?}");
        }
    }
}
