//! Priority levels and the actionability check: does a recommendation
//! name an owner, a measurable target, a deadline, in its columns or in
//! its wording.

use std::sync::LazyLock;

use regex::Regex;

use super::wording::fold;

/// The level of a priority as written: 3 for haute/high, 2 for
/// moyenne/medium, 1 for basse/low (and their usual synonyms), 0 for
/// anything else. Case and accents do not matter.
pub(crate) fn priority_level(priority: &str) -> u8 {
    match fold(priority.trim()).to_lowercase().as_str() {
        "haute" | "haut" | "high" | "elevee" | "eleve" | "forte" | "fort" | "urgent"
        | "urgente" | "prioritaire" | "critical" | "critique" | "hoog" => 3,
        "moyenne" | "moyen" | "medium" | "normale" | "normal" | "moderate" | "moderee"
        | "gemiddeld" | "middel" | "matig" => 2,
        "basse" | "bas" | "low" | "faible" | "laag" => 1,
        _ => 0,
    }
}

/// Whether a cell says nothing: empty, or a placeholder (`—`, `-`, `n/a`,
/// `?`, `aucun`, `none`, `tbd`).
pub(crate) fn is_blank(cell: Option<&str>) -> bool {
    let Some(cell) = cell else { return true };
    matches!(
        cell.trim().to_lowercase().as_str(),
        "" | "-"
            | "—"
            | "–"
            | "n/a"
            | "na"
            | "?"
            | "aucun"
            | "aucune"
            | "none"
            | "tbd"
            | "à définir"
    )
}

/// Bodies and roles that can own an action, case-insensitive, after a
/// determiner and at most two other words (`le comité local`, `à la
/// mairie`, `the facilitation team`, `par le conseil d'administration`);
/// the words between are checked by [`names_owner`]: "la création de
/// comités" or "un bureau pour chacun" name no owner.
static OWNER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)(?:\b(?:le|la|les|au|aux|du|the|our|notre|nos|leur|leurs|chaque|each|par|by)\s+|\bl['’])((?:[\w-]+\s+){0,2}?)(?:conseils? d['’ ]?administration|conseil municipal|conseil régional|conseil départemental|équipes?|equipes?|comités?|comites?|bureau|mairies?|maire|municipalités?|gouvernement|ministères?|ministre|préfecture|préfet|direction|boards?|teams?|committees?|councils?|city hall|mayor|government|ministry|management)\b",
    )
    .expect("valid owner pattern")
});

/// What every match of [`OWNER`] contains (the first letters of one of
/// its bodies, with the same case folding): a text without any names no
/// owner, and costs one fast scan instead of the capturing search.
static OWNER_BODY: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)conseil|équipe|equipe|comit|committee|bureau|mair|municipalit|gouvernement|minist|préf|direction|board|team|council|city hall|mayor|government|management",
    )
    .expect("valid owner pattern")
});

/// Owners written with a capital, anywhere: `CA` (not `ça`), `État` (not
/// `état`).
static OWNER_CASED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\b(CA|État|Etat|ÉTAT|ETAT)\b").expect("valid owner pattern"));

/// A date or a time limit: a year 20xx (alone, after a month, in a
/// quarter `T3 2027`/`Q3 2027`, in an ISO date), a `dd/mm/yy(yy)` date, or
/// `d'ici N mois/ans`, `within N months/years`.
static DEADLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b20\d\d\b|\b\d{1,2}/\d{1,2}/\d{2,4}\b|\bd['’]ici (?:\d+|un|une|deux|trois|six|dix|douze) (?:jours?|semaines?|mois|ans?|années?)\b|\bwithin (?:\d+|one|two|three|six|twelve) (?:days?|weeks?|months?|years?)\b",
    )
    .expect("valid deadline pattern")
});

/// What every match of [`DEADLINE`] contains, with the same case folding.
static DEADLINE_HINT: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)20|/|ici|within").expect("valid deadline pattern"));

/// A number: digits with thousands separators and decimals.
static NUMBER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d+(?:[ \u{a0}\u{202f}.,]\d+)*").expect("valid number pattern"));

/// Whether a wording names an owner. Between the determiner and the body,
/// a preposition (`de`, `des`, `du`, `d'`, `of`) means the body is not
/// the subject: "la création de comités".
pub(crate) fn names_owner(text: &str) -> bool {
    let cased = ["CA", "tat", "TAT"].iter().any(|w| text.contains(w));
    (cased && OWNER_CASED.is_match(text))
        || OWNER_BODY.is_match(text)
            && OWNER.captures_iter(text).any(|c| {
                c.get(1).is_none_or(|gap| {
                    !gap.as_str().split_whitespace().any(|w| {
                        let w = w.to_lowercase();
                        matches!(w.as_str(), "de" | "des" | "du" | "of")
                            || w.starts_with("d'")
                            || w.starts_with("d’")
                    })
                })
            })
}

/// Whether a wording sets a deadline.
pub(crate) fn names_deadline(text: &str) -> bool {
    DEADLINE_HINT.is_match(text) && DEADLINE.is_match(text)
}

/// Words after a number that count documents or list entries, not a
/// target (`voir 2 documents joints`, `3 propositions`).
const COUNTED: &[&str] = &[
    "document",
    "documents",
    "doc",
    "docs",
    "pièce",
    "pièces",
    "piece",
    "pieces",
    "annexe",
    "annexes",
    "fichier",
    "fichiers",
    "page",
    "pages",
    "point",
    "points",
    "proposition",
    "propositions",
    "thème",
    "thèmes",
    "theme",
    "themes",
    "question",
    "questions",
    "idée",
    "idées",
    "remarque",
    "remarques",
    "item",
    "items",
    "attachment",
    "attachments",
    "file",
    "files",
    "proposal",
    "proposals",
    "bijlage",
    "bijlagen",
    "voorstel",
    "voorstellen",
];

/// Whether a wording sets a measurable target: a percentage or a number
/// that is not part of a date (a year, a quarter `T3`/`Q3`, `dd/mm/yyyy`,
/// an ISO date), an ordinal (`1er`, `3e`, `6ième`, `2nd`), a list number
/// opening the text (`3- la démocratie`, `2) …`, `4 : …`) or a count of
/// documents or entries (`voir 2 documents joints`).
pub(crate) fn names_target(text: &str) -> bool {
    for m in NUMBER.find_iter(text) {
        let digits = m.as_str();
        let before = text[..m.start()].chars().next_back();
        let after = text[m.end()..].chars().next();
        let rest = text[m.end()..].trim_start();
        let opens = text[..m.start()].trim().is_empty();
        let list_number = opens
            && rest
                .chars()
                .next()
                .is_some_and(|c| matches!(c, '-' | '.' | ')' | '/' | '°' | ':' | '–' | '—'));
        let next_word: String = rest
            .chars()
            .take_while(|c| c.is_alphabetic())
            .collect::<String>()
            .to_lowercase();
        let counted = COUNTED.contains(&next_word.as_str());
        if list_number || counted {
            continue;
        }
        let is_year = digits.len() == 4 && (digits.starts_with("19") || digits.starts_with("20"));
        let in_date = matches!(before, Some('/' | '-')) || matches!(after, Some('/' | '-'));
        let quarter = matches!(before, Some('T' | 'Q' | 't' | 'q'));
        let ordinal = after.is_some_and(char::is_alphabetic);
        let part_of_word = before.is_some_and(char::is_alphabetic) && !quarter;
        if !(is_year || in_date || quarter || ordinal || part_of_word) {
            return true;
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn priority_levels_as_written() {
        assert_eq!(priority_level("haute"), 3);
        assert_eq!(priority_level(" High "), 3);
        assert_eq!(priority_level("Élevée"), 3);
        assert_eq!(priority_level("moyenne"), 2);
        assert_eq!(priority_level("medium"), 2);
        assert_eq!(priority_level("basse"), 1);
        assert_eq!(priority_level("LOW"), 1);
        assert_eq!(priority_level("Hoog"), 3);
        assert_eq!(priority_level("gemiddeld"), 2);
        assert_eq!(priority_level("laag"), 1);
        assert_eq!(priority_level("P1"), 0);
    }

    #[test]
    fn blanks_and_placeholders() {
        assert!(is_blank(None));
        assert!(is_blank(Some("  ")));
        assert!(is_blank(Some("—")));
        assert!(is_blank(Some("N/A")));
        assert!(!is_blank(Some("Conseil d'administration")));
    }

    #[test]
    fn owners_in_wording() {
        for yes in [
            "Le conseil d'administration adopte un tarif solidaire",
            "Le CA vote un budget",
            "L'équipe animation ouvre le samedi",
            "Confier au comité local la négociation",
            "Demander à la mairie un local",
            "Que l'État finance les crèches",
            "The board sets income-based fees",
            "The facilitation team extends opening hours",
            "The Brussels local committee installs booths",
            "Budget voté par le conseil d'administration",
        ] {
            assert!(names_owner(yes), "{yes}");
        }
        for no in [
            "Baisser le loyer du local de Lille",
            "ça coûte trop cher",
            "Améliorer l'état des routes",
            "Install soundproof phone booths",
            "Développer la participation par la création de comités par thème",
            "Un site internet ou bureau public enregistre les demandes",
        ] {
            assert!(!names_owner(no), "{no}");
        }
    }

    #[test]
    fn targets_in_wording() {
        for yes in [
            "au moins 20 % des abonnements",
            "10 places de crèche",
            "taux d'occupation > 60 %",
            "at least 20% of members",
            "a rent below 2 000 €",
            "2 booths installed",
            "3 - ouvrir 2 cabines",
        ] {
            assert!(names_target(yes), "{yes}");
        }
        for no in [
            "d'ici juin 2027",
            "en T3 2027",
            "by Q3 2027",
            "avant le 30/09/2027",
            "le 2027-09-30",
            "une 6ième république",
            "le 1er échelon",
            "Baisser le loyer",
            "VOIR 2 DOCUMENTS JOINTS",
            "3- la démocratie",
            "3 - la démocratie",
            "2) Fiscalité",
            "voir les 3 propositions du compte rendu",
        ] {
            assert!(!names_target(no), "{no}");
        }
    }

    #[test]
    fn deadlines_in_wording() {
        for yes in [
            "d'ici juin 2027",
            "en T3 2027",
            "by Q3 2027",
            "in June 2027",
            "avant le 30/09/2027",
            "le 2027-09-30",
            "d'ici six mois",
            "within 12 months",
        ] {
            assert!(names_deadline(yes), "{yes}");
        }
        for no in ["10 places de crèche", "taux > 60 %", "Extend opening hours"] {
            assert!(!names_deadline(no), "{no}");
        }
    }
}
