//! Stable pseudonyms for participants, and scrubbing of their names in text.
//!
//! The key (name to pseudonym) belongs to the study and is stored apart from
//! the shareable data; pseudonyms are `P01`, `P02`… in order of first
//! appearance, so a study rebuilt in the same order gets the same ones.

use std::collections::BTreeMap;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

/// Speaker labels that name a role, not a person: never pseudonymised.
const ROLE_LABELS: &[&str] = &[
    "animateur",
    "animatrice",
    "facilitateur",
    "facilitatrice",
    "facilitator",
    "moderator",
    "modérateur",
    "modératrice",
    "interviewer",
    "intervieweur",
    "intervieweuse",
    "enquêteur",
    "enquêtrice",
    "secrétaire",
    "secretary",
    "président",
    "présidente",
    "le président",
    "la présidente",
    "chair",
    "the chair",
    "host",
    "participant",
    "participante",
    "unknown",
    "inconnu",
];

/// Titles skipped when splitting a name into parts.
const TITLES: &[&str] = &["m", "mme", "mlle", "dr", "mr", "mrs", "ms", "pr", "me"];

/// The name-to-pseudonym key of one study.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PseudonymKey {
    /// normalised name -> (name as first written, pseudonym)
    entries: BTreeMap<String, (String, String)>,
}

impl PseudonymKey {
    /// Builds a key from stored `(name, pseudonym)` pairs.
    pub fn from_pairs(pairs: impl IntoIterator<Item = (String, String)>) -> Self {
        let mut key = PseudonymKey::default();
        for (name, pseudo) in pairs {
            key.entries.insert(normalise(&name), (name, pseudo));
        }
        key
    }

    /// The stored pairs, sorted by pseudonym number then name.
    pub fn pairs(&self) -> Vec<(String, String)> {
        let mut v: Vec<_> = self.entries.values().cloned().collect();
        v.sort_by(|a, b| (a.1.len(), &a.1, &a.0).cmp(&(b.1.len(), &b.1, &b.0)));
        v
    }

    /// Whether the key holds no name.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether a speaker label is a role (kept as is) rather than a person.
    pub fn is_role(name: &str) -> bool {
        ROLE_LABELS.contains(&normalise(name).as_str())
    }

    /// The pseudonym for a name, assigning the next free one if new.
    /// Role labels are returned unchanged.
    pub fn pseudonym(&mut self, name: &str) -> String {
        if Self::is_role(name) {
            return name.trim().to_owned();
        }
        let norm = normalise(name);
        if let Some((_, p)) = self.entries.get(&norm) {
            return p.clone();
        }
        let next = self
            .entries
            .values()
            .filter_map(|(_, p)| p.strip_prefix('P')?.parse::<u32>().ok())
            .max()
            .unwrap_or(0)
            + 1;
        let p = format!("P{next:02}");
        self.entries
            .insert(norm, (name.trim().to_owned(), p.clone()));
        p
    }

    /// A scrubber that replaces every known name (and each part of a name,
    /// when written with a capital) by its pseudonym in free text.
    pub fn scrubber(&self) -> Scrubber {
        let mut needles: Vec<(String, String, bool)> = Vec::new();
        for (name, pseudo) in self.entries.values() {
            needles.push((name.clone(), pseudo.clone(), false));
            let parts: Vec<&str> = name
                .split(|c: char| c.is_whitespace())
                .filter(|p| {
                    let bare = p.trim_end_matches('.').to_lowercase();
                    p.chars().count() >= 3 && !TITLES.contains(&bare.as_str())
                })
                .collect();
            if parts.len() > 1 {
                for part in parts {
                    needles.push((part.to_owned(), pseudo.clone(), true));
                }
            }
        }
        // Longest first so that a full name wins over its parts.
        needles.sort_by(|a, b| b.0.len().cmp(&a.0.len()).then(a.0.cmp(&b.0)));
        needles.dedup_by(|a, b| a.0.eq_ignore_ascii_case(&b.0));
        let automaton = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::LeftmostLongest)
            .build(needles.iter().map(|n| n.0.as_str()))
            .ok();
        Scrubber { needles, automaton }
    }
}

/// Replaces names by pseudonyms in text; built once per import.
#[derive(Debug, Clone)]
pub struct Scrubber {
    needles: Vec<(String, String, bool)>,
    automaton: Option<AhoCorasick>,
}

impl Scrubber {
    /// The text with every name occurrence (on word boundaries) replaced.
    pub fn scrub(&self, text: &str) -> String {
        let Some(ac) = &self.automaton else {
            return text.to_owned();
        };
        let mut out = String::with_capacity(text.len());
        let mut last = 0;
        for m in ac.find_iter(text) {
            let (needle, pseudo, part_only) = &self.needles[m.pattern().as_usize()];
            let found = &text[m.start()..m.end()];
            let before = text[..m.start()].chars().next_back();
            let after = text[m.end()..].chars().next();
            let boundary = !before.is_some_and(char::is_alphanumeric)
                && !after.is_some_and(char::is_alphanumeric);
            // A part of a name ("Claire") only counts written as a name.
            let cased = !part_only || found == needle;
            if boundary && cased {
                out.push_str(&text[last..m.start()]);
                out.push_str(pseudo);
                last = m.end();
            }
        }
        out.push_str(&text[last..]);
        out
    }
}

fn normalise(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pseudonyms_are_stable_and_sequential() {
        let mut k = PseudonymKey::default();
        assert_eq!(k.pseudonym("Claire Dubois"), "P01");
        assert_eq!(k.pseudonym("Karim Haddad"), "P02");
        assert_eq!(k.pseudonym("claire  dubois"), "P01");
        assert_eq!(k.pseudonym("Animatrice"), "Animatrice");
        let again = PseudonymKey::from_pairs(k.pairs());
        assert_eq!(again, k);
    }

    #[test]
    fn scrubs_full_names_and_capitalised_parts() {
        let mut k = PseudonymKey::default();
        k.pseudonym("Claire Dubois");
        k.pseudonym("Rose Martin");
        let s = k.scrubber();
        assert_eq!(
            s.scrub("Comme disait Claire Dubois, et Claire aussi, la rose est belle; Martin?"),
            "Comme disait P01, et P01 aussi, la rose est belle; P02?"
        );
        assert_eq!(
            s.scrub("Claireval n'est pas un nom"),
            "Claireval n'est pas un nom"
        );
    }

    #[test]
    fn titles_are_not_parts() {
        let mut k = PseudonymKey::default();
        k.pseudonym("Mme Corinne Narassiguin");
        assert_eq!(
            k.scrubber()
                .scrub("Merci Mme Narassiguin. Mme la ministre."),
            "Merci Mme P01. Mme la ministre."
        );
    }
}
