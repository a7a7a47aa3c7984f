//! The stemmed content words of a recommendation: the coder's tokens,
//! French and English stop words removed, French plurals reduced, the
//! Snowball stem of the segment's language, accents folded last.

use std::collections::{HashMap, HashSet};

use rust_stemmers::Stemmer;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::codebook::{CodebookOptions, Semantics};
use crate::coding::hash::FxMap;
use crate::coding::tokenize;

/// French words that carry no idea of their own, accents folded: articles,
/// pronouns, prepositions, conjunctions, auxiliaries and modals, and the
/// words every proposal uses (`proposer`, `demander`, `souhaiter`, `mettre
/// en place`, `mettre en œuvre`).
const STOP_FR: &[&str] = &[
    "a",
    "afin",
    "ai",
    "aie",
    "ainsi",
    "alors",
    "apres",
    "au",
    "aucun",
    "aucune",
    "aupres",
    "aussi",
    "autre",
    "autres",
    "aux",
    "avant",
    "avec",
    "avoir",
    "bien",
    "c",
    "ca",
    "car",
    "ce",
    "ceci",
    "cela",
    "celle",
    "celles",
    "celui",
    "cependant",
    "ces",
    "cet",
    "cette",
    "ceux",
    "chaque",
    "chez",
    "comme",
    "comment",
    "d",
    "dans",
    "de",
    "demande",
    "demandent",
    "demander",
    "demandons",
    "depuis",
    "des",
    "deja",
    "devrait",
    "devraient",
    "doit",
    "doivent",
    "faudrait",
    "pourrait",
    "pourraient",
    "serait",
    "seraient",
    "souhaite",
    "souhaitent",
    "souhaiter",
    "souhaitons",
    "donc",
    "dont",
    "du",
    "elle",
    "elles",
    "en",
    "encore",
    "entre",
    "est",
    "et",
    "etaient",
    "etait",
    "etc",
    "ete",
    "etre",
    "eux",
    "faire",
    "fait",
    "faut",
    "il",
    "ils",
    "j",
    "je",
    "jusqu",
    "jusque",
    "l",
    "la",
    "le",
    "les",
    "leur",
    "leurs",
    "lors",
    "lorsqu",
    "lorsque",
    "lui",
    "m",
    "ma",
    "mais",
    "me",
    "meme",
    "memes",
    "mes",
    "mettre",
    "moi",
    "mon",
    "n",
    "ne",
    "ni",
    "nos",
    "notamment",
    "notre",
    "nous",
    "oeuvre",
    "on",
    "ont",
    "or",
    "ou",
    "par",
    "parce",
    "pas",
    "pendant",
    "peu",
    "peut",
    "peuvent",
    "plus",
    "pour",
    "pourquoi",
    "propose",
    "proposer",
    "proposition",
    "propositions",
    "proposons",
    "puis",
    "puisqu",
    "puisque",
    "qu",
    "quand",
    "que",
    "quel",
    "quelle",
    "quelles",
    "quels",
    "qui",
    "quoi",
    "s",
    "sa",
    "sans",
    "se",
    "selon",
    "sera",
    "seront",
    "ses",
    "si",
    "sinon",
    "soit",
    "son",
    "sont",
    "sous",
    "sur",
    "t",
    "ta",
    "te",
    "tes",
    "toi",
    "ton",
    "tous",
    "tout",
    "toute",
    "toutes",
    "tres",
    "trop",
    "tu",
    "un",
    "une",
    "unes",
    "uns",
    "vers",
    "via",
    "voire",
    "vos",
    "votre",
    "vous",
    "y",
];

/// English stop words (the same role as [`STOP_FR`]).
const STOP_EN: &[&str] = &[
    "a",
    "about",
    "after",
    "again",
    "against",
    "all",
    "also",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "because",
    "been",
    "before",
    "being",
    "between",
    "both",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "during",
    "each",
    "etc",
    "every",
    "few",
    "for",
    "from",
    "further",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "his",
    "how",
    "i",
    "if",
    "in",
    "into",
    "is",
    "it",
    "its",
    "just",
    "make",
    "may",
    "me",
    "might",
    "more",
    "most",
    "must",
    "my",
    "no",
    "nor",
    "not",
    "of",
    "off",
    "on",
    "once",
    "only",
    "or",
    "other",
    "our",
    "ours",
    "out",
    "over",
    "own",
    "propose",
    "proposal",
    "proposals",
    "recommend",
    "same",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "through",
    "to",
    "too",
    "under",
    "until",
    "up",
    "us",
    "very",
    "via",
    "was",
    "we",
    "were",
    "what",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
];

/// The primary subtag of a language tag, mapped as the coder maps it
/// (`fr-FR`, `FRA` and `french` give `fr`).
pub(crate) fn language(tag: &str) -> String {
    crate::coding::lang::canonical(tag)
}

/// Folds accents: `impôt` gives `impot`, `œ` gives `oe`.
pub(crate) fn fold(s: &str) -> String {
    if s.is_ascii() {
        return s.to_owned();
    }
    let mut out = String::with_capacity(s.len());
    for c in s.nfd() {
        match c {
            c if is_combining_mark(c) => {}
            'œ' => out.push_str("oe"),
            'æ' => out.push_str("ae"),
            'ß' => out.push_str("ss"),
            c => out.push(c),
        }
    }
    out
}

/// The words of a text, as the classifier and the stance lexicon read
/// them: letters and digits, lower case, accents folded (`l'État` gives
/// `l`, `etat`; `don't` gives `don`, `t`).
pub(crate) fn words(text: &str) -> Vec<String> {
    fold(&text.to_lowercase())
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_owned)
        .collect()
}

/// Words that negate the next content word, accents folded.
const NEGATORS_FR: &[&str] = &[
    "aucun", "aucune", "jamais", "n'", "ne", "ni", "non", "pas", "sans",
];

/// English negators (and any word ending in `n't`).
const NEGATORS_EN: &[&str] = &["cannot", "never", "no", "nor", "not", "without"];

/// How many tokens after a negator a content word is still negated.
const NEGATION_WINDOW: u8 = 3;

/// One language's tools: its stemmer, stop list and negators.
struct Lang {
    code: String,
    stemmer: Option<Stemmer>,
    stop: HashSet<&'static str>,
    negators: &'static [&'static str],
    french: bool,
    english: bool,
    options: CodebookOptions,
}

/// What one token is to the wording.
#[derive(Debug, Clone, Copy)]
enum Word {
    /// A content word, by stem id.
    Stem(u32),
    /// A negator.
    Negator,
    /// A stop word or a token without two letters.
    Skip,
}

impl Clone for Lang {
    fn clone(&self) -> Self {
        Lang::new(&self.code)
    }
}

impl Lang {
    fn new(code: &str) -> Self {
        let algorithm = crate::coding::lang::algorithm(code);
        Lang {
            code: code.to_owned(),
            stemmer: algorithm.map(Stemmer::create),
            stop: match code {
                "fr" => STOP_FR.iter().copied().collect(),
                "en" => STOP_EN.iter().copied().collect(),
                _ => HashSet::new(),
            },
            negators: match code {
                "fr" => NEGATORS_FR,
                "en" => NEGATORS_EN,
                _ => &[],
            },
            french: code == "fr",
            english: code == "en",
            options: CodebookOptions {
                fold_accents: false,
                lang: code.to_owned(),
                negation_window: 0,
                semantics: Semantics::Codes,
            },
        }
    }

    /// Whether a token (lower case) negates what follows.
    fn negates(&self, token: &str) -> bool {
        self.negators.contains(&fold(token).as_str()) || (self.english && token.ends_with("n't"))
    }

    /// The stem of a token (lower case, accents kept), or `None` for a stop
    /// word or a token without two letters.
    fn stem(&self, token: &str) -> Option<String> {
        if token.ends_with('\'') || token.chars().filter(|c| c.is_alphabetic()).count() < 2 {
            return None;
        }
        let folded = fold(token);
        if self.stop.contains(folded.as_str()) {
            return None;
        }
        // French Snowball stems `loyer` to `loi` but `loyers` to `loyer`,
        // `revenus` to `revenus` but `revenu` to `revenu`: stem the
        // singular.
        let word = match token.strip_suffix(['s', 'x']) {
            Some(sing) if self.french && sing.chars().count() >= 3 && !sing.ends_with('s') => sing,
            _ => token,
        };
        let stem = match &self.stemmer {
            // Some Snowball ports panic on rare inputs: the word is then
            // its own stem.
            Some(s) => std::panic::catch_unwind(|| s.stem(word).into_owned())
                .unwrap_or_else(|_| word.to_owned()),
            None => word.to_owned(),
        };
        Some(fold(&stem))
    }
}

/// Stems the recommendations of a study and numbers the stems: the same
/// stem in any language gets the same id. A content word within three
/// tokens after a negator (`ne … pas`, `sans`, `not`) is a different word,
/// `!stem`: "baisser les impôts" and "ne pas baisser les impôts" share
/// only `impot`.
#[derive(Default, Clone)]
pub(crate) struct Vocabulary {
    langs: HashMap<String, Lang>,
    ids: HashMap<String, u32>,
    /// What each token is, by language.
    cache: HashMap<String, FxMap<String, Word>>,
    /// Stems by id.
    pub names: Vec<String>,
}

/// The stem ids of one slice of [`Vocabulary::read_in_slices`] in the
/// whole vocabulary.
#[derive(Debug, Clone)]
pub(crate) struct SliceIds {
    /// Stems known before the slices, numbered alike in all.
    known: usize,
    /// The whole vocabulary's id of each stem the slice numbered after
    /// them.
    new: Vec<u32>,
}

impl SliceIds {
    /// The whole vocabulary's id of a stem id of the slice.
    pub fn global(&self, id: u32) -> u32 {
        match (id as usize).checked_sub(self.known) {
            Some(k) => self.new[k],
            None => id,
        }
    }
}

/// The id of a stem, numbered on first sight.
fn intern(ids: &mut HashMap<String, u32>, names: &mut Vec<String>, stem: String) -> u32 {
    let next = names.len() as u32;
    *ids.entry(stem).or_insert_with_key(|stem| {
        names.push(stem.clone());
        next
    })
}

impl Vocabulary {
    /// The id of a stem (as in [`Vocabulary::names`]), numbered on first
    /// sight.
    pub fn intern(&mut self, name: &str) -> u32 {
        match self.ids.get(name) {
            Some(&id) => id,
            None => intern(&mut self.ids, &mut self.names, name.to_owned()),
        }
    }

    /// Reads items `0..n` with `read` in parallel slices of `slice`
    /// items, each slice with a copy of this vocabulary, and numbers the
    /// stems the slices met here as one pass over the items in order
    /// would have: the new stems of each slice in slice order, each slice's
    /// in the order it met them (the first sight of a stem is in the first
    /// slice that has it). Returns each slice's reads, in order, and the
    /// map from its stem ids to this vocabulary's.
    pub fn read_in_slices<T: Send>(
        &mut self,
        n: usize,
        slice: usize,
        read: impl Fn(usize, &mut Vocabulary) -> T + Sync,
    ) -> Vec<(Vec<T>, SliceIds)> {
        use rayon::prelude::*;
        let slice = slice.max(1);
        let known = self.names.len();
        let slices: Vec<(Vec<T>, Vec<String>)> = (0..n.div_ceil(slice))
            .into_par_iter()
            .map(|s| {
                let mut v = self.clone();
                let reads = (s * slice..((s + 1) * slice).min(n))
                    .map(|k| read(k, &mut v))
                    .collect();
                (reads, v.names.split_off(known))
            })
            .collect();
        slices
            .into_iter()
            .map(|(reads, names)| {
                let new = names.iter().map(|name| self.intern(name)).collect();
                (reads, SliceIds { known, new })
            })
            .collect()
    }

    /// The stem ids of a text's content words, in text order (repeats
    /// kept).
    pub fn sequence(&mut self, text: &str, lang: &str) -> Vec<u32> {
        self.sequence_with(text, lang, &[])
    }

    /// [`Vocabulary::sequence`] where the words inside a concept span
    /// `(start, end, concept)` (code points of `text`, end exclusive) give
    /// the concept once, `≡concept`, instead of their stems: a glossary's
    /// concepts make words of different languages the same word.
    pub fn sequence_with(
        &mut self,
        text: &str,
        lang: &str,
        concepts: &[(u32, u32, String)],
    ) -> Vec<u32> {
        let code = language(lang);
        let tools = self
            .langs
            .entry(code.clone())
            .or_insert_with(|| Lang::new(&code));
        let cache = self.cache.entry(code).or_default();
        let mut out = Vec::new();
        let mut pending = 0u8;
        let mut in_concept: Option<usize> = None;
        for token in tokenize(text, &tools.options) {
            let word = match cache.get(token.norm.as_str()) {
                Some(w) => *w,
                None => {
                    let word = if tools.negates(&token.norm) {
                        Word::Negator
                    } else {
                        match tools.stem(&token.norm) {
                            Some(stem) => Word::Stem(intern(&mut self.ids, &mut self.names, stem)),
                            None => Word::Skip,
                        }
                    };
                    cache.insert(token.norm, word);
                    word
                }
            };
            // A content word inside a concept span gives the concept, once
            // per span (stop words and negators stay what they are).
            let span = match word {
                Word::Stem(_) => concepts
                    .iter()
                    .position(|c| c.0 <= token.start && token.end <= c.1),
                _ => None,
            };
            let id = match (span, word) {
                (Some(k), _) if in_concept == Some(k) => continue,
                (Some(k), _) => {
                    in_concept = Some(k);
                    intern(
                        &mut self.ids,
                        &mut self.names,
                        format!("≡{}", concepts[k].2),
                    )
                }
                (None, Word::Stem(id)) => {
                    in_concept = None;
                    id
                }
                (None, Word::Negator) => {
                    pending = NEGATION_WINDOW;
                    continue;
                }
                (None, Word::Skip) => {
                    pending = pending.saturating_sub(1);
                    continue;
                }
            };
            if pending > 0 {
                pending = 0;
                let name = format!("!{}", self.names[id as usize]);
                out.push(intern(&mut self.ids, &mut self.names, name));
            } else {
                out.push(id);
            }
        }
        out
    }

    /// The distinct stem ids of a text, sorted.
    #[cfg(test)]
    pub fn stems(&mut self, text: &str, lang: &str) -> Vec<u32> {
        let mut out = self.sequence(text, lang);
        out.sort_unstable();
        out.dedup();
        out
    }

    /// The stems of a text, as strings (for tests and explanations).
    #[cfg(test)]
    pub fn stem_names(&mut self, text: &str, lang: &str) -> Vec<String> {
        let mut names: Vec<String> = self
            .stems(text, lang)
            .into_iter()
            .map(|i| self.names[i as usize].clone())
            .collect();
        names.sort();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_number_stems_as_one_pass_does() {
        let texts = [
            "Baisser les impôts des ménages",
            "Ne pas baisser les impôts",
            "Des transports en commun gratuits le soir",
            "Rénover les écoles et les transports",
            "Lower taxes for households",
            "Plus de médecins dans les campagnes",
            "Gratuité des transports pour les étudiants",
        ];
        let lang = |i: usize| if i == 4 { "en" } else { "fr" };
        let mut base = Vocabulary::default();
        base.sequence("Fiscalité et impôts", "fr");
        let mut one = base.clone();
        let expected: Vec<Vec<u32>> = (0..texts.len())
            .map(|i| one.sequence(texts[i], lang(i)))
            .collect();
        for slice in [1, 2, 3, 7, 100] {
            let mut v = base.clone();
            let slices = v.read_in_slices(texts.len(), slice, |i, v| v.sequence(texts[i], lang(i)));
            let got: Vec<Vec<u32>> = slices
                .iter()
                .flat_map(|(reads, ids)| {
                    reads
                        .iter()
                        .map(|seq| seq.iter().map(|&s| ids.global(s)).collect::<Vec<u32>>())
                })
                .collect();
            assert_eq!(got, expected, "slices of {slice}");
            assert_eq!(v.names, one.names, "slices of {slice}");
        }
    }

    #[test]
    fn stop_lists_are_folded() {
        for list in [STOP_FR, STOP_EN] {
            assert!(list.iter().all(|w| w.is_ascii() && fold(w) == *w));
        }
    }

    #[test]
    fn french_content_stems() {
        let mut v = Vocabulary::default();
        assert_eq!(
            v.stem_names(
                "Mettre en place un tarif solidaire modulé selon les revenus des membres",
                "fr"
            ),
            ["membr", "modul", "plac", "revenu", "solidair", "tarif"]
        );
        // Plural and singular share a stem; accents fold after stemming.
        assert_eq!(
            v.stem_names("le loyer", "fr"),
            v.stem_names("les loyers", "fr")
        );
        assert_eq!(
            v.stem_names("les impôts", "fr"),
            v.stem_names("les impots", "fr")
        );
        assert_eq!(v.stem_names("Tarification", "fr-FR"), ["tarif"]);
        // Elided articles and stop words go.
        assert_eq!(v.stem_names("l'isolement", "fr"), ["isol"]);
    }

    #[test]
    fn english_content_stems_and_unknown_languages() {
        let mut v = Vocabulary::default();
        assert_eq!(
            v.stem_names("Introduce income-based membership fees", "en"),
            ["base", "fee", "incom", "introduc", "membership"]
        );
        assert_eq!(
            v.stem_names("Extend the opening hours", "EN"),
            ["extend", "hour", "open"]
        );
        // No stemmer, no stop list: lower-cased words.
        assert_eq!(v.stem_names("Kaixo Mundua", "eu"), ["kaixo", "mundua"]);
        // The same stem from two languages is one id.
        let a = v.stems("open space", "fr");
        let b = v.stems("the open space", "en");
        assert!(a.iter().any(|s| b.contains(s)));
    }

    #[test]
    fn negated_words_are_other_words() {
        let mut v = Vocabulary::default();
        assert_eq!(v.stem_names("Baisser les impôts", "fr"), ["baiss", "impot"]);
        assert_eq!(
            v.stem_names("Ne pas baisser les impôts", "fr"),
            ["!baiss", "impot"]
        );
        assert_eq!(
            v.stem_names("Un tarif sans abonnement", "fr"),
            ["!abon", "tarif"]
        );
        assert_eq!(
            v.stem_names("Don't extend the opening hours", "en"),
            ["!extend", "hour", "open"]
        );
        // The window closes after three tokens.
        assert_eq!(v.stem_names("pas de la de la loi", "fr"), ["loi"]);
    }

    #[test]
    fn language_tags() {
        assert_eq!(language("fr-FR"), "fr");
        assert_eq!(language(" FRA "), "fr");
        assert_eq!(language("en_GB"), "en");
        assert_eq!(language(""), "");
    }
}
