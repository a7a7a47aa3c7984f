//! Languages: codes, Snowball stemmers and negators per language.

use rust_stemmers::{Algorithm, Stemmer};

/// Languages with a Snowball stemmer, by their ISO 639-1 code.
pub(crate) const STEMMED: &[(&str, Algorithm)] = &[
    ("ar", Algorithm::Arabic),
    ("da", Algorithm::Danish),
    ("de", Algorithm::German),
    ("el", Algorithm::Greek),
    ("en", Algorithm::English),
    ("es", Algorithm::Spanish),
    ("fi", Algorithm::Finnish),
    ("fr", Algorithm::French),
    ("hu", Algorithm::Hungarian),
    ("it", Algorithm::Italian),
    ("nl", Algorithm::Dutch),
    ("no", Algorithm::Norwegian),
    ("pt", Algorithm::Portuguese),
    ("ro", Algorithm::Romanian),
    ("ru", Algorithm::Russian),
    ("sv", Algorithm::Swedish),
    ("ta", Algorithm::Tamil),
    ("tr", Algorithm::Turkish),
];

/// Other spellings of the codes above (ISO 639-2, English names, `nb`).
const ALIASES: &[(&str, &str)] = &[
    ("ara", "ar"),
    ("arabic", "ar"),
    ("dan", "da"),
    ("danish", "da"),
    ("deu", "de"),
    ("ger", "de"),
    ("german", "de"),
    ("ell", "el"),
    ("gre", "el"),
    ("greek", "el"),
    ("eng", "en"),
    ("english", "en"),
    ("spa", "es"),
    ("spanish", "es"),
    ("fin", "fi"),
    ("finnish", "fi"),
    ("fra", "fr"),
    ("fre", "fr"),
    ("french", "fr"),
    ("hun", "hu"),
    ("hungarian", "hu"),
    ("ita", "it"),
    ("italian", "it"),
    ("nld", "nl"),
    ("dut", "nl"),
    ("dutch", "nl"),
    ("nor", "no"),
    ("nob", "no"),
    ("nb", "no"),
    ("norwegian", "no"),
    ("por", "pt"),
    ("portuguese", "pt"),
    ("ron", "ro"),
    ("rum", "ro"),
    ("romanian", "ro"),
    ("rus", "ru"),
    ("russian", "ru"),
    ("swe", "sv"),
    ("swedish", "sv"),
    ("tam", "ta"),
    ("tamil", "ta"),
    ("tur", "tr"),
    ("turkish", "tr"),
];

/// The canonical form of a language tag: lower case, primary subtag only,
/// aliases mapped to ISO 639-1 (`fr-FR` and `FRA` give `fr`).
pub(crate) fn canonical(tag: &str) -> String {
    let primary = tag
        .trim()
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .to_lowercase();
    match ALIASES.iter().find(|(alias, _)| *alias == primary) {
        Some((_, code)) => (*code).to_owned(),
        None => primary,
    }
}

/// The stemmer of a canonical language code, if Snowball has one.
pub(crate) fn algorithm(code: &str) -> Option<Algorithm> {
    STEMMED.iter().find(|(c, _)| *c == code).map(|(_, a)| *a)
}

/// Stems a word; if the stemmer fails (some Snowball ports panic on rare
/// inputs), the word itself is its stem.
pub(crate) fn stem(algorithm: Algorithm, word: &str) -> String {
    let stemmer = Stemmer::create(algorithm);
    std::panic::catch_unwind(|| stemmer.stem(word).into_owned()).unwrap_or_else(|_| word.to_owned())
}

/// Words that negate what follows, per canonical language code, lower case
/// with `'` apostrophes. French `plus` is left out: it is as often "more".
pub(crate) fn negators(code: &str) -> &'static [&'static str] {
    match code {
        "fr" => &[
            "ne", "n'", "pas", "sans", "jamais", "aucun", "aucune", "ni", "personne", "rien",
        ],
        "en" => &[
            "not", "no", "never", "without", "nor", "cannot", "neither", "nobody", "nothing",
        ],
        "de" => &[
            "nicht", "kein", "keine", "keinen", "keinem", "keiner", "keines", "nie", "niemals",
            "ohne", "weder",
        ],
        "es" => &[
            "no", "sin", "nunca", "jamás", "ni", "ningún", "ninguna", "ninguno", "tampoco",
        ],
        "it" => &["non", "senza", "mai", "né", "nessun", "nessuno", "nessuna"],
        "nl" => &["niet", "geen", "nooit", "zonder", "noch"],
        "pt" => &["não", "sem", "nunca", "jamais", "nem", "nenhum", "nenhuma"],
        _ => &[],
    }
}

/// Inflections the Snowball stemmer leaves alone, per canonical language
/// code: (ending, replacement) tried as well when comparing stems. French
/// Snowball keeps `-ons` and `-ent` verb endings (`partageons`, `partagent`)
/// and stems `loyer` to `loi` but `loyers` to `loyer`.
pub(crate) fn stem_variants(code: &str) -> &'static [(&'static str, &'static str)] {
    match code {
        "fr" => &[
            ("s", ""),
            ("x", ""),
            ("ons", ""),
            ("ons", "er"),
            ("ent", ""),
            ("ent", "er"),
        ],
        _ => &[],
    }
}

/// Whether tokens ending in `n't` (`don't`, `isn't`) negate: English.
pub(crate) fn negates_with_nt(code: &str) -> bool {
    code == "en"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_codes() {
        assert_eq!(canonical("fr-FR"), "fr");
        assert_eq!(canonical(" FRA "), "fr");
        assert_eq!(canonical("en_GB"), "en");
        assert_eq!(canonical("nb"), "no");
        assert_eq!(canonical("eu"), "eu");
        assert_eq!(canonical(""), "");
    }

    #[test]
    fn stemmers_by_code() {
        assert!(algorithm("fr").is_some());
        assert!(algorithm("fi").is_some());
        assert!(algorithm("eu").is_none());
        assert_eq!(
            stem(Algorithm::French, "partagé"),
            stem(Algorithm::French, "partager")
        );
        assert_eq!(stem(Algorithm::English, "rents"), "rent");
    }
}
