//! Non-proposals: items of a recommendations column that propose nothing.
//! They are counted and listed apart, never merged, ranked or counted as
//! support.
//!
//! An item is a non-proposal, with its reason, when it is:
//!
//! - a **placeholder**: the whole item is a word such as `RAS`, `néant`,
//!   `idem`, `rien`, `aucune`, `sans objet`, `N/A`, `none`, `nothing`,
//!   `nvt`, `geen`, or punctuation;
//! - a **pointer** to another document: it names one (`compte rendu`, `CR`,
//!   `synthèse`, `annexe`, `pièce jointe`, `document`, `ci-joint`; `report`,
//!   `minutes`, `attached`; `verslag`, `bijlage`) and says little else (at
//!   most 3 other content words: `voir compte rendu`, `cf. CR`, `Celles de
//!   notre compte rendu`, `nombreuses demandes en pièces jointes`);
//! - a **heading**: it opens with `#`, or ends with `:`, or every content
//!   word of it is a word of one code label of the codebook (a theme name:
//!   `Démocratie & Citoyenneté`, `#Fiscalité et dépenses publiques`);
//! - **too short** to act on: no content word of three letters or more;
//! - matched by one of the study's own patterns (`[synthesis]
//!   non_proposals`, regular expressions, case-insensitive).

use std::collections::HashSet;

/// Why an item is not a proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Reason {
    /// `RAS`, `néant`, `idem`.
    Placeholder,
    /// `voir compte rendu`.
    Pointer,
    /// A theme name or a title.
    Heading,
    /// Nothing to act on.
    TooShort,
    /// One of the study's patterns.
    Pattern,
}

impl Reason {
    /// The word stored in the tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::Placeholder => "placeholder",
            Reason::Pointer => "pointer",
            Reason::Heading => "heading",
            Reason::TooShort => "too short",
            Reason::Pattern => "pattern",
        }
    }
}

/// Whole items that hold nothing (lower case, accents folded).
const PLACEHOLDERS: &[&str] = &[
    "ras",
    "r a s",
    "neant",
    "idem",
    "rien",
    "aucun",
    "aucune",
    "sans objet",
    "pas de proposition",
    "pas de propositions",
    "aucune proposition",
    "non",
    "nc",
    "n c",
    "na",
    "n a",
    "nr",
    "ne sait pas",
    "none",
    "nothing",
    "no",
    "nil",
    "tbd",
    "nvt",
    "geen",
    "niets",
    "x",
    "xx",
    "xxx",
];

/// Documents an item may point to (several words separated by spaces).
const DOCUMENTS: &[&str] = &[
    "compte rendu",
    "comptes rendus",
    "compte-rendu",
    "cr",
    "synthese",
    "annexe",
    "annexes",
    "piece jointe",
    "pieces jointes",
    "pj",
    "ci joint",
    "ci jointe",
    "document joint",
    "documents joints",
    "fichier joint",
    "voir document",
    "voir documents",
    "report",
    "minutes",
    "attached",
    "attachment",
    "see document",
    "verslag",
    "bijlage",
    "zie bijlage",
];

/// Words that say nothing of their own in a pointer (lower case, folded).
const POINTER_WORDS: &[&str] = &[
    "voir",
    "cf",
    "le",
    "la",
    "les",
    "l",
    "du",
    "de",
    "des",
    "d",
    "notre",
    "nos",
    "en",
    "dans",
    "au",
    "aux",
    "un",
    "une",
    "est",
    "sont",
    "celles",
    "ceux",
    "celle",
    "ci",
    "joint",
    "jointe",
    "joints",
    "jointes",
    "see",
    "the",
    "our",
    "in",
    "zie",
    "het",
    "de",
    "ons",
    "onze",
    "nombreuses",
    "demandes",
    "propositions",
    "detaillees",
    "detaille",
    "fait",
    "faite",
];

/// What the classifier knows of the study: its theme names (the content
/// stems of each code label) and its own patterns.
#[derive(Debug, Default)]
pub(crate) struct Classifier {
    /// Each code label's content stems.
    labels: Vec<HashSet<u32>>,
    /// The study's patterns, compiled.
    patterns: Vec<regex::Regex>,
}

impl Classifier {
    /// A classifier with the content stems of each code label and the
    /// study's patterns.
    pub fn new(labels: Vec<HashSet<u32>>, patterns: Vec<regex::Regex>) -> Self {
        Classifier {
            labels: labels.into_iter().filter(|l| !l.is_empty()).collect(),
            patterns,
        }
    }

    /// Why `text` (with these content stems) is not a proposal, if it is
    /// not one.
    #[cfg(test)]
    pub fn reason(&self, text: &str, stems: &[u32]) -> Option<Reason> {
        self.reason_with_words(text, &super::wording::words(text), stems)
    }

    /// [`Classifier::reason`] given the text's words
    /// ([`super::wording::words`]).
    pub fn reason_with_words(&self, text: &str, w: &[String], stems: &[u32]) -> Option<Reason> {
        let trimmed = text.trim();
        if self.patterns.iter().any(|p| p.is_match(trimmed)) {
            return Some(Reason::Pattern);
        }
        let placeholder = |p: &&str| p.split(' ').eq(w.iter().map(String::as_str));
        if w.is_empty() || PLACEHOLDERS.iter().any(placeholder) {
            return Some(Reason::Placeholder);
        }
        if is_pointer(w) {
            return Some(Reason::Pointer);
        }
        if trimmed.starts_with('#') && w.len() <= 8 {
            return Some(Reason::Heading);
        }
        if w.len() <= 10 {
            let distinct: HashSet<u32> = stems.iter().copied().collect();
            if !distinct.is_empty() && self.labels.iter().any(|l| distinct.is_subset(l)) {
                return Some(Reason::Heading);
            }
        }
        if trimmed.ends_with(':') && w.len() <= 12 {
            return Some(Reason::Heading);
        }
        if !w
            .iter()
            .any(|x| x.chars().filter(|c| c.is_alphabetic()).count() >= 3)
        {
            return Some(Reason::TooShort);
        }
        None
    }
}

/// A short item that names a document and little else.
fn is_pointer(w: &[String]) -> bool {
    let mut named = false;
    let mut other = 0;
    let mut i = 0;
    while i < w.len() {
        if let Some(n) = DOCUMENTS
            .iter()
            .filter(|d| {
                d.split(' ')
                    .enumerate()
                    .all(|(k, p)| w.get(i + k).map(String::as_str) == Some(p))
            })
            .map(|d| d.split(' ').count())
            .max()
        {
            named = true;
            i += n;
            continue;
        }
        if !POINTER_WORDS.contains(&w[i].as_str()) {
            other += 1;
            if other > 3 {
                // Says more than a pointer does, whatever follows.
                return false;
            }
        }
        i += 1;
    }
    named
}

#[cfg(test)]
mod tests {
    use super::*;

    fn c() -> Classifier {
        // The label "Démocratie et citoyenneté" as stems 1 and 2.
        Classifier::new(vec![[1, 2].into_iter().collect()], Vec::new())
    }

    #[test]
    fn pointers_placeholders_and_short_items() {
        let c = c();
        for p in [
            "voir compte rendu",
            "Voir compte-rendu",
            "cf. compte rendu",
            "Voir le CR",
            "Celles de notre compte rendu",
            "un compte rendu est joint",
            "nombreuses demandes en pièces jointes",
            "VOIR 2 DOCUMENTS JOINTS",
            "See the attached report",
            "Zie bijlage",
        ] {
            assert_eq!(c.reason(p, &[9]), Some(Reason::Pointer), "{p}");
        }
        for p in ["RAS", "R.A.S.", "Néant", "idem", "-", "N/A", "none"] {
            assert_eq!(c.reason(p, &[]), Some(Reason::Placeholder), "{p}");
        }
        assert_eq!(c.reason("ok", &[]), Some(Reason::TooShort));
        // A proposal that mentions a report is a proposal.
        assert_eq!(
            c.reason(
                "Publier un compte rendu annuel des dépenses de chaque commune",
                &[3, 4, 5, 6, 7]
            ),
            None
        );
        assert_eq!(c.reason("Rétablir l'ISF", &[8]), None);
        assert_eq!(c.reason("RIC", &[10]), None);
    }

    #[test]
    fn headings_are_theme_names_and_titles() {
        let c = c();
        assert_eq!(
            c.reason("Démocratie & Citoyenneté", &[1, 2]),
            Some(Reason::Heading)
        );
        assert_eq!(c.reason("Démocratie", &[1]), Some(Reason::Heading));
        assert_eq!(
            c.reason("#Fiscalité et dépenses publiques", &[3, 4]),
            Some(Reason::Heading)
        );
        assert_eq!(
            c.reason("Propositions retenues :", &[5]),
            Some(Reason::Heading)
        );
        // A theme name with an ask is a proposal.
        assert_eq!(
            c.reason("Développer la démocratie locale", &[1, 6, 7]),
            None
        );
        let p = Classifier::new(vec![], vec![regex::Regex::new("(?i)^merci").unwrap()]);
        assert_eq!(p.reason("Merci pour ce débat", &[1]), Some(Reason::Pattern));
    }
}
