//! The stance of a recommendation on its object: does it ask to create,
//! raise, keep or restore something (`for`), to abolish, lower, stop or
//! refuse it (`against`), or to change it without a direction (`neutral`)?
//! Two recommendations of opposite stance never say the same thing, so they
//! never merge.
//!
//! # The lexicon
//!
//! Per language (French, English, Dutch), lists of markers, matched on the
//! item's words in lower case with accents folded; a marker of several words
//! matches those words in a row (`mettre en place`, `bring back`):
//!
//! - `for`: create, introduce, establish, restore, raise, extend, develop,
//!   strengthen, keep, maintain, support, fund, more… (`créer`,
//!   `instaurer`, `rétablir`, `augmenter`, `maintenir`, `plus de`…;
//!   `invoeren`, `herstellen`, `verhogen`, `behouden`, `meer`…);
//! - `against`: abolish, remove, lower, reduce, limit, stop, ban, refuse,
//!   against, fewer… (`supprimer`, `abolir`, `baisser`, `réduire`,
//!   `limiter`, `interdire`, `contre`, `non à`, `moins de`…; `afschaffen`,
//!   `verlagen`, `verbieden`, `tegen`, `minder`…);
//! - `neutral`: reform, change, review, evaluate (`réformer`, `modifier`,
//!   `revoir`, `évaluer`; `hervormen`, `herzien`…);
//! - verdicts, `against` wherever they stand: `n'est pas souhaitable`, `n'est
//!   pas une bonne chose`, `n'est pas la solution`, `inutile`; `is not
//!   desirable`, `is not a good idea`; `niet wenselijk`, `geen goed idee`.
//!
//! # The rule
//!
//! A verdict anywhere makes the item `against`. Otherwise the first marker
//! of the item decides; a negator among the three words before it (`ne …
//! pas`, `pas de`, `sans`, `not`, `no`, `niet`, `geen`) turns `for` into
//! `against` and `against` into `for` (`ne pas supprimer le Sénat` keeps
//! it). An item without a marker that opens with a refusal (`pas de RIC`,
//! `non au RIC`, `no more …`, `geen …`) is `against`; any other is
//! `neutral`. Words of other languages are read with the French lists.

use crate::coding::hash::FxMap;

use crate::synthesis::recommendations::wording::words;

/// The direction of a recommendation on its object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Stance {
    /// Create, raise, keep, restore.
    For,
    /// Abolish, lower, stop, refuse.
    Against,
    /// Change without a direction, or no marker.
    #[default]
    Neutral,
}

impl Stance {
    /// `for`, `against` or `neutral`.
    pub fn as_str(self) -> &'static str {
        match self {
            Stance::For => "for",
            Stance::Against => "against",
            Stance::Neutral => "neutral",
        }
    }

    /// Whether two stances are opposite directions.
    pub fn opposes(self, other: Stance) -> bool {
        matches!(
            (self, other),
            (Stance::For, Stance::Against) | (Stance::Against, Stance::For)
        )
    }

    fn flipped(self) -> Stance {
        match self {
            Stance::For => Stance::Against,
            Stance::Against => Stance::For,
            Stance::Neutral => Stance::Neutral,
        }
    }
}

/// One language's markers (words in lower case, accents folded; several
/// words in a row separated by spaces).
struct Lexicon {
    for_: &'static [&'static str],
    against: &'static [&'static str],
    neutral: &'static [&'static str],
    verdicts: &'static [&'static str],
    negators: &'static [&'static str],
    refusals: &'static [&'static str],
}

const FR: Lexicon = Lexicon {
    for_: &[
        "creer",
        "cree",
        "creation",
        "creations",
        "instaurer",
        "instauration",
        "mettre en place",
        "mise en place",
        "mettre en oeuvre",
        "etablir",
        "retablir",
        "retablissement",
        "restaurer",
        "restauration",
        "rendre",
        "reintroduire",
        "introduire",
        "introduction",
        "augmenter",
        "augmentation",
        "hausse",
        "relever",
        "revaloriser",
        "revalorisation",
        "developper",
        "developpement",
        "renforcer",
        "renforcement",
        "maintenir",
        "maintien",
        "garder",
        "conserver",
        "preserver",
        "proteger",
        "etendre",
        "extension",
        "elargir",
        "elargissement",
        "generaliser",
        "generalisation",
        "favoriser",
        "encourager",
        "soutenir",
        "soutien",
        "aider",
        "financer",
        "financement",
        "investir",
        "promouvoir",
        "valoriser",
        "ameliorer",
        "amelioration",
        "accroitre",
        "multiplier",
        "ouvrir",
        "ouverture",
        "ajouter",
        "donner",
        "accorder",
        "reconnaitre",
        "reconnaissance",
        "installer",
        "installation",
        "construire",
        "plus de",
        "davantage",
        "oui a",
        "pour le",
        "pour la",
        "pour les",
        "prise en compte",
        "prendre en compte",
        "poursuivre",
    ],
    against: &[
        "supprimer",
        "suppression",
        "abolir",
        "abolition",
        "abroger",
        "abrogation",
        "reduire",
        "reduction",
        "baisser",
        "baisse",
        "diminuer",
        "diminution",
        "limiter",
        "limitation",
        "arreter",
        "arret",
        "stopper",
        "cesser",
        "interdire",
        "interdiction",
        "refuser",
        "refus",
        "contre",
        "non a",
        "non au",
        "non aux",
        "fin de",
        "fin du",
        "fin des",
        "mettre fin",
        "eliminer",
        "elimination",
        "moins de",
        "eviter",
        "bannir",
        "retirer",
        "plafonner",
        "plafonnement",
        "freiner",
        "geler",
        "gel",
        "alleger",
        "allegement",
        "exonerer",
        "exoneration",
        "lutter contre",
        "combattre",
        "sanctionner",
    ],
    neutral: &[
        "reformer",
        "reforme",
        "modifier",
        "modification",
        "revoir",
        "evaluer",
        "evaluation",
        "repenser",
        "redefinir",
        "reorganiser",
        "reorganisation",
        "adapter",
        "simplifier",
        "simplification",
        "clarifier",
    ],
    verdicts: &[
        "n est pas souhaitable",
        "pas souhaitable",
        "n est pas une bonne chose",
        "pas une bonne chose",
        "pas une bonne idee",
        "n est pas la solution",
        "n est pas la priorite",
        "pas necessaire",
        "inutile",
        "nefaste",
        "est une erreur",
    ],
    negators: &[
        "ne", "n", "pas", "sans", "jamais", "aucun", "aucune", "ni", "non",
    ],
    refusals: &[
        "pas de", "pas d", "non a", "non au", "non aux", "aucun", "aucune", "sans",
    ],
};

const EN: Lexicon = Lexicon {
    for_: &[
        "create",
        "introduce",
        "establish",
        "set up",
        "restore",
        "reinstate",
        "bring back",
        "increase",
        "raise",
        "extend",
        "expand",
        "keep",
        "maintain",
        "preserve",
        "protect",
        "strengthen",
        "develop",
        "support",
        "fund",
        "finance",
        "invest",
        "promote",
        "encourage",
        "improve",
        "install",
        "launch",
        "open",
        "add",
        "provide",
        "grant",
        "recognise",
        "recognize",
        "build",
        "more",
        "allow",
        "enable",
        "continue",
    ],
    against: &[
        "abolish",
        "remove",
        "scrap",
        "cut",
        "lower",
        "reduce",
        "decrease",
        "limit",
        "stop",
        "end",
        "ban",
        "forbid",
        "prohibit",
        "refuse",
        "reject",
        "against",
        "no more",
        "fewer",
        "less",
        "eliminate",
        "phase out",
        "freeze",
        "cap",
        "avoid",
        "fight",
        "tackle",
    ],
    neutral: &[
        "reform",
        "change",
        "review",
        "revise",
        "evaluate",
        "assess",
        "modify",
        "rethink",
        "reorganise",
        "reorganize",
        "simplify",
        "adapt",
    ],
    verdicts: &[
        "is not desirable",
        "not desirable",
        "is not a good idea",
        "not a good idea",
        "is not the solution",
        "not needed",
        "unnecessary",
        "is a mistake",
    ],
    negators: &[
        "not", "no", "never", "without", "nor", "don t", "do not", "cannot",
    ],
    refusals: &["no", "no more", "without"],
};

const NL: Lexicon = Lexicon {
    for_: &[
        "invoeren",
        "herinvoeren",
        "herstellen",
        "verhogen",
        "uitbreiden",
        "behouden",
        "handhaven",
        "versterken",
        "ontwikkelen",
        "steunen",
        "ondersteunen",
        "financieren",
        "investeren",
        "bevorderen",
        "stimuleren",
        "verbeteren",
        "installeren",
        "openen",
        "creeren",
        "oprichten",
        "toevoegen",
        "erkennen",
        "bouwen",
        "meer",
    ],
    against: &[
        "afschaffen",
        "verlagen",
        "verminderen",
        "beperken",
        "stoppen",
        "verbieden",
        "tegen",
        "minder",
        "schrappen",
        "weigeren",
        "opheffen",
        "afbouwen",
        "bestrijden",
    ],
    neutral: &[
        "hervormen",
        "wijzigen",
        "herzien",
        "evalueren",
        "aanpassen",
        "vereenvoudigen",
    ],
    verdicts: &[
        "niet wenselijk",
        "geen goed idee",
        "is geen oplossing",
        "onnodig",
    ],
    negators: &["niet", "geen", "nooit", "zonder"],
    refusals: &["geen", "zonder", "nee tegen"],
};

fn lexicon(lang: &str) -> &'static Lexicon {
    match lang {
        "en" => &EN,
        "nl" => &NL,
        _ => &FR,
    }
}

/// A list of markers indexed by their first word (each marker as words).
struct Markers(FxMap<&'static str, Vec<Vec<&'static str>>>);

impl Markers {
    fn new(list: &'static [&'static str]) -> Self {
        let mut by_first: FxMap<&'static str, Vec<Vec<&'static str>>> = FxMap::default();
        for m in list {
            let words: Vec<&'static str> = m.split(' ').collect();
            by_first.entry(words[0]).or_default().push(words);
        }
        Markers(by_first)
    }
}

/// A lexicon's lists, indexed.
struct Indexed {
    for_: Markers,
    against: Markers,
    neutral: Markers,
    verdicts: Markers,
    negators: Markers,
    refusals: Markers,
}

fn indexed(lang: &str) -> &'static Indexed {
    use std::sync::OnceLock;
    static FR_IX: OnceLock<Indexed> = OnceLock::new();
    static EN_IX: OnceLock<Indexed> = OnceLock::new();
    static NL_IX: OnceLock<Indexed> = OnceLock::new();
    let cell = match lang {
        "en" => &EN_IX,
        "nl" => &NL_IX,
        _ => &FR_IX,
    };
    cell.get_or_init(|| {
        let lex = lexicon(lang);
        Indexed {
            for_: Markers::new(lex.for_),
            against: Markers::new(lex.against),
            neutral: Markers::new(lex.neutral),
            verdicts: Markers::new(lex.verdicts),
            negators: Markers::new(lex.negators),
            refusals: Markers::new(lex.refusals),
        }
    })
}

/// The length in words of the longest marker of `list` at `words[i..]`.
fn marker(words: &[String], i: usize, list: &Markers) -> Option<usize> {
    let candidates = list.0.get(words.get(i)?.as_str())?;
    candidates
        .iter()
        .filter(|m| {
            m.iter()
                .enumerate()
                .all(|(n, p)| words.get(i + n).map(String::as_str) == Some(*p))
        })
        .map(Vec::len)
        .max()
}

/// The stance of a recommendation written in `lang` (see the module doc).
pub fn stance(text: &str, lang: &str) -> Stance {
    stance_of_words(&words(text), lang)
}

/// [`stance`] given a text's words ([`words`]).
pub(crate) fn stance_of_words(words: &[String], lang: &str) -> Stance {
    let lex = indexed(lang);
    if (0..words.len()).any(|i| marker(words, i, &lex.verdicts).is_some()) {
        return Stance::Against;
    }
    let negated_before = |i: usize| {
        (i.saturating_sub(3)..i)
            .any(|j| marker(words, j, &lex.negators).is_some_and(|n| j + n <= i))
    };
    for i in 0..words.len() {
        let found = if marker(words, i, &lex.against).is_some() {
            Some(Stance::Against)
        } else if marker(words, i, &lex.for_).is_some() {
            Some(Stance::For)
        } else if marker(words, i, &lex.neutral).is_some() {
            Some(Stance::Neutral)
        } else {
            None
        };
        if let Some(s) = found {
            return if negated_before(i) { s.flipped() } else { s };
        }
    }
    if marker(words, 0, &lex.refusals).is_some() {
        return Stance::Against;
    }
    Stance::Neutral
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(text: &str) -> &'static str {
        stance(text, "fr").as_str()
    }

    #[test]
    fn the_opposite_stances_met_in_the_grand_debat() {
        // Each pair was merged before stance, inflating support.
        assert_eq!(s("Supprimer l'ISF"), "against");
        assert_eq!(s("Rétablissement de l'ISF"), "for");
        assert_eq!(s("Rétablir l’ISF"), "for");
        assert_eq!(s("Mettre en place le RIC"), "for");
        assert_eq!(s("Le RIC n'est pas souhaitable"), "against");
        assert_eq!(
            s("Le RIC n’est pas une bonne chose, car bloquera toute tentative de projet"),
            "against"
        );
        assert_eq!(s("Supprimer le Sénat"), "against");
        assert_eq!(s("Garder le Sénat"), "for");
        assert_eq!(s("Ne pas supprimer le Sénat"), "for");
        assert_eq!(s("plus de proportionnelle"), "for");
        assert_eq!(s("pas de proportionnelle"), "against");
        assert_eq!(s("Non à la proportionnelle intégrale"), "against");
        assert!(stance("Supprimer l'ISF", "fr").opposes(stance("Rétablir l'ISF", "fr")));
    }

    #[test]
    fn neutral_and_unmarked_items() {
        assert_eq!(s("Réformer le mode de scrutin"), "neutral");
        assert_eq!(s("Le vote blanc"), "neutral");
        assert_eq!(s("Modifier le mode électoral des sénateurs"), "neutral");
        assert!(!Stance::Neutral.opposes(Stance::For));
    }

    #[test]
    fn english_and_dutch() {
        assert_eq!(
            stance("Introduce income-based membership fees", "en"),
            Stance::For
        );
        assert_eq!(stance("Abolish the wealth tax", "en"), Stance::Against);
        assert_eq!(stance("Do not abolish the wealth tax", "en"), Stance::For);
        assert_eq!(
            stance("No more tolls on the ring road", "en"),
            Stance::Against
        );
        assert_eq!(
            stance("De vermogensbelasting afschaffen", "nl"),
            Stance::Against
        );
        assert_eq!(
            stance("De vermogensbelasting herinvoeren", "nl"),
            Stance::For
        );
        assert_eq!(
            stance("Een referendum is niet wenselijk", "nl"),
            Stance::Against
        );
    }
}
