//! Workshop methods: how a facilitator's board or grid is structured. A
//! method has parts (SWOT: strengths, weaknesses, opportunities, threats;
//! the empathy map: says, thinks, does, feels, sees, hears, pains, gains),
//! each recognised by its names in French, English and Dutch, and parts
//! that oppose each other (strengths and weaknesses). The journey map and
//! the brainstorm board are open: their parts (stages, clusters) are taken
//! as written. A study defines its own methods in `study.toml`
//! (`[methods.NAME]`, see [`MethodSpec`]).
//!
//! A written name (a column header, a sheet name, a sticky note's frame)
//! names a part when its words, folded (lower case, accents and
//! punctuation dropped, a plural `s` dropped, a note in parentheses or
//! after a colon left out), are the words of one of the part's names; else
//! when one part's name occurs among its words (`Ce qu'il dit`, `Menaces
//! externes`) and no other part's does. Pure: names in, parts out.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// One part of a method: a SWOT quadrant, an area of an empathy map, a
/// stage of a journey.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Part {
    /// The name stored in the workspace (`strengths`).
    pub name: String,
    /// The name shown in reports (`Strengths`).
    pub label: String,
    /// The names it is recognised by, the name itself included.
    pub synonyms: Vec<String>,
    /// The part that says the opposite (`weaknesses` for `strengths`).
    pub opposite: Option<String>,
}

/// A workshop method and its parts, in the order reports show them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Method {
    /// The name used on the command line and in `study.toml` (`swot`).
    pub name: String,
    /// The name shown in reports (`SWOT`).
    pub label: String,
    /// The parts, in order.
    pub parts: Vec<Part>,
    /// Names that match no part are parts of their own, as written
    /// (journey stages, brainstorm clusters); otherwise they are errors.
    pub open: bool,
}

/// The methods every study knows.
pub const BUILTIN: [&str; 4] = ["swot", "empathy", "journey", "brainstorm"];

/// Why a written name is not a part of a method.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PartError {
    /// An empty name (a note outside any frame).
    #[error("no part named; {method} expects one of: {expected}")]
    Empty {
        /// The method's name.
        method: String,
        /// Its parts, as [`Method::expected`] lists them.
        expected: String,
    },
    /// A name that matches no part.
    #[error("\"{written}\" is not a part of {method}; expected one of: {expected}")]
    Unknown {
        /// The name as written.
        written: String,
        /// The method's name.
        method: String,
        /// Its parts, as [`Method::expected`] lists them.
        expected: String,
    },
    /// A name that contains the names of several parts.
    #[error("\"{written}\" names several parts of {method} ({parts}); name one of them")]
    Ambiguous {
        /// The name as written.
        written: String,
        /// The method's name.
        method: String,
        /// The parts it names.
        parts: String,
    },
}

impl PartError {
    /// The message for a name found in a grid: `what` says where it was
    /// written (`column "Oportunités"`, `frame "Idées"`).
    pub fn describe(&self, what: &str) -> String {
        match self {
            PartError::Empty { method, expected } => {
                format!("empty {what}; {method} expects one of: {expected}")
            }
            PartError::Unknown {
                method, expected, ..
            } => format!("{what} is not a part of {method}; expected one of: {expected}"),
            PartError::Ambiguous { method, parts, .. } => {
                format!("{what} names several parts of {method} ({parts}); name one of them")
            }
        }
    }
}

fn part(name: &str, label: &str, synonyms: &[&str], opposite: Option<&str>) -> Part {
    let mut all = vec![name.to_owned()];
    all.extend(synonyms.iter().map(|s| (*s).to_owned()));
    Part {
        name: name.to_owned(),
        label: label.to_owned(),
        synonyms: all,
        opposite: opposite.map(str::to_owned),
    }
}

impl Method {
    /// A built-in method by name (`swot`, `empathy`, `journey`,
    /// `brainstorm`).
    pub fn builtin(name: &str) -> Option<Method> {
        let (label, parts, open) = match name {
            "swot" => (
                "SWOT",
                vec![
                    part(
                        "strengths",
                        "Strengths",
                        &[
                            "forces",
                            "sterktes",
                            "strength",
                            "points forts",
                            "atouts",
                            "sterke punten",
                        ],
                        Some("weaknesses"),
                    ),
                    part(
                        "weaknesses",
                        "Weaknesses",
                        &[
                            "faiblesses",
                            "zwaktes",
                            "weakness",
                            "points faibles",
                            "zwakke punten",
                        ],
                        Some("strengths"),
                    ),
                    part(
                        "opportunities",
                        "Opportunities",
                        &["opportunités", "kansen", "opportunity", "opportuniteiten"],
                        Some("threats"),
                    ),
                    part(
                        "threats",
                        "Threats",
                        &[
                            "menaces",
                            "bedreigingen",
                            "threat",
                            "risques",
                            "risks",
                            "risico's",
                        ],
                        Some("opportunities"),
                    ),
                ],
                false,
            ),
            "empathy" => (
                "Empathy map",
                vec![
                    part(
                        "says",
                        "Says",
                        &[
                            "dit",
                            "zegt",
                            "say",
                            "said",
                            "say and do",
                            "says and does",
                            "dire",
                            "disent",
                            "dit et fait",
                            "zeggen",
                            "zegt en doet",
                        ],
                        None,
                    ),
                    part(
                        "thinks",
                        "Thinks",
                        &[
                            "pense",
                            "denkt",
                            "think",
                            "think and feel",
                            "thinks and feels",
                            "pensent",
                            "penser",
                            "pense et ressent",
                            "denken",
                            "denkt en voelt",
                        ],
                        None,
                    ),
                    part(
                        "does",
                        "Does",
                        &["fait", "doet", "do", "font", "faire", "doen"],
                        None,
                    ),
                    part(
                        "feels",
                        "Feels",
                        &[
                            "ressent",
                            "voelt",
                            "feel",
                            "ressentent",
                            "ressentir",
                            "éprouve",
                            "voelen",
                        ],
                        None,
                    ),
                    part(
                        "sees",
                        "Sees",
                        &["voit", "ziet", "see", "voient", "voir", "zien"],
                        None,
                    ),
                    part(
                        "hears",
                        "Hears",
                        &["entend", "hoort", "hear", "entendent", "entendre", "horen"],
                        None,
                    ),
                    part(
                        "pains",
                        "Pains",
                        &[
                            "douleurs",
                            "pijnpunten",
                            "pain",
                            "pain points",
                            "frustrations",
                            "points de douleur",
                            "peines",
                            "difficultés",
                            "freins",
                            "pijnen",
                            "frustraties",
                        ],
                        Some("gains"),
                    ),
                    part(
                        "gains",
                        "Gains",
                        &[
                            "bénéfices",
                            "winsten",
                            "gain",
                            "avantages",
                            "attentes",
                            "voordelen",
                            "baten",
                        ],
                        Some("pains"),
                    ),
                ],
                false,
            ),
            "journey" => ("Journey map", Vec::new(), true),
            "brainstorm" => ("Brainstorm", Vec::new(), true),
            _ => return None,
        };
        Some(Method {
            name: name.to_owned(),
            label: label.to_owned(),
            parts,
            open,
        })
    }

    /// The parts, with a few of their names in each language:
    /// `strengths (forces, sterktes), weaknesses (…)`; for an open method
    /// without parts, what is taken instead.
    pub fn expected(&self) -> String {
        if self.parts.is_empty() {
            return "any name (the parts are taken as written)".to_owned();
        }
        self.parts
            .iter()
            .map(|p| {
                let own = key(&p.name);
                let others: Vec<&str> = p
                    .synonyms
                    .iter()
                    .filter(|s| key(s) != own)
                    .take(2)
                    .map(String::as_str)
                    .collect();
                if others.is_empty() {
                    p.name.clone()
                } else {
                    format!("{} ({})", p.name, others.join(", "))
                }
            })
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// The part a written name (a column, sheet or frame name) names: its
    /// stored name. An open method takes a name that matches no part as
    /// written (trimmed).
    pub fn part_of(&self, written: &str) -> Result<String, PartError> {
        let trimmed = written.trim();
        if key(trimmed).is_empty() {
            return Err(PartError::Empty {
                method: self.name.clone(),
                expected: self.expected(),
            });
        }
        let full = key(trimmed);
        // Without a note in parentheses or after a colon: `Forces (internes)`.
        let short = key(&crate::corpus::grid::bare(trimmed));
        let exact = self.parts.iter().find(|p| {
            p.synonyms.iter().any(|s| {
                let k = key(s);
                k == full || k == short
            })
        });
        if let Some(p) = exact {
            return Ok(p.name.clone());
        }
        let within: Vec<&Part> = self
            .parts
            .iter()
            .filter(|p| p.synonyms.iter().any(|s| contains(&full, &key(s))))
            .collect();
        match within.as_slice() {
            [p] => Ok(p.name.clone()),
            [] if self.open => Ok(trimmed.to_owned()),
            [] => Err(PartError::Unknown {
                written: trimmed.to_owned(),
                method: self.name.clone(),
                expected: self.expected(),
            }),
            many => Err(PartError::Ambiguous {
                written: trimmed.to_owned(),
                method: self.name.clone(),
                parts: many
                    .iter()
                    .map(|p| p.name.as_str())
                    .collect::<Vec<_>>()
                    .join(", "),
            }),
        }
    }

    /// Whether a written name names a part (for an open method: one of its
    /// defined parts).
    pub fn names_a_part(&self, written: &str) -> bool {
        let m = Method {
            open: false,
            ..self.clone()
        };
        !self.parts.is_empty() && m.part_of(written).is_ok()
    }

    /// The position of a part in the method (defined parts first, in
    /// order); `None` for a part taken as written.
    pub fn order(&self, part: &str) -> Option<usize> {
        self.parts.iter().position(|p| p.name == part)
    }

    /// The label of a part: its defined label, else its name.
    pub fn part_label<'a>(&'a self, part: &'a str) -> &'a str {
        self.parts
            .iter()
            .find(|p| p.name == part)
            .map_or(part, |p| p.label.as_str())
    }

    /// The pairs of opposite parts, each once, in part order.
    pub fn opposites(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for (i, p) in self.parts.iter().enumerate() {
            let Some(o) = &p.opposite else { continue };
            let Some(j) = self.order(o) else { continue };
            let pair = if i < j {
                (p.name.clone(), o.clone())
            } else {
                (o.clone(), p.name.clone())
            };
            if !out.contains(&pair) {
                out.push(pair);
            }
        }
        out.sort_by_key(|(a, _)| self.order(a));
        out
    }
}

/// The words a name is compared by: NFD, accents dropped, lower case,
/// split on anything but letters and digits, `and`, `et`, `en` left out
/// (`Think & Feel` is `think and feel`), a plural `s` dropped from words of
/// four letters or more.
fn key(s: &str) -> Vec<String> {
    let folded: String = s
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .collect();
    folded
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty() && !matches!(*w, "and" | "et" | "en"))
        .map(|w| match w.strip_suffix('s') {
            Some(stem) if stem.chars().count() >= 3 => stem.to_owned(),
            _ => w.to_owned(),
        })
        .collect()
}

/// `needle` occurs as consecutive words of `hay`.
fn contains(hay: &[String], needle: &[String]) -> bool {
    !needle.is_empty() && hay.windows(needle.len()).any(|w| w == needle)
}

/// A method defined by a study: `[methods.NAME]` in `study.toml`.
///
/// ```toml
/// [methods.retro]
/// label = "Rétrospective"
/// parts = [
///   { name = "keep", synonyms = ["à garder", "garder"], opposite = "stop" },
///   { name = "stop", synonyms = ["à arrêter"] },
///   "try",
/// ]
/// ```
///
/// A part is a name or a table with `name`, and optionally `label`,
/// `synonyms` and `opposite`. `open = true` takes names that match no part
/// as parts of their own (stages of a journey). A study's method named like
/// a built-in one replaces it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MethodSpec {
    /// The name shown in reports; the method's name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Names matching no part are parts of their own.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub open: bool,
    /// The parts, in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<PartSpec>,
}

/// One part of a study's method: its name alone, or a table.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum PartSpec {
    /// The part's name, recognised as written.
    Name(String),
    /// A part with its other names and its opposite.
    Table(PartTable),
}

/// A part of a study's method, as a table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PartTable {
    /// The name stored in the workspace.
    pub name: String,
    /// The name shown in reports; the name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub label: Option<String>,
    /// Other names it is recognised by.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub synonyms: Vec<String>,
    /// The part that says the opposite.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub opposite: Option<String>,
}

/// A study's method that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MethodError {
    /// A method name with characters other than letters, digits, `-`, `_`.
    #[error("method name {0:?}: expected letters, digits, `-` or `_`")]
    Name(String),
    /// No part, and not open.
    #[error("method {0:?} has no parts; list them in `parts`, or set `open = true`")]
    NoParts(String),
    /// A part without a name.
    #[error("method {0:?} has a part without a name")]
    EmptyPart(String),
    /// Two parts recognised by the same name.
    #[error("method {method:?}: parts {a:?} and {b:?} are both named {name:?}")]
    Shared {
        /// The method.
        method: String,
        /// One part.
        a: String,
        /// The other.
        b: String,
        /// The name both have.
        name: String,
    },
    /// An opposite that is no part of the method.
    #[error(
        "method {method:?}: part {part:?} has opposite {opposite:?}, which is none of its parts ({parts})"
    )]
    Opposite {
        /// The method.
        method: String,
        /// The part.
        part: String,
        /// Its opposite as written.
        opposite: String,
        /// The method's parts.
        parts: String,
    },
}

impl MethodError {
    /// The method the error is about.
    pub fn method(&self) -> &str {
        match self {
            MethodError::Name(m) | MethodError::NoParts(m) | MethodError::EmptyPart(m) => m,
            MethodError::Shared { method, .. } | MethodError::Opposite { method, .. } => method,
        }
    }
}

impl MethodSpec {
    /// The method this spec defines under `name`, checked.
    pub fn to_method(&self, name: &str) -> Result<Method, MethodError> {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        {
            return Err(MethodError::Name(name.to_owned()));
        }
        if self.parts.is_empty() && !self.open {
            return Err(MethodError::NoParts(name.to_owned()));
        }
        let mut parts: Vec<Part> = Vec::new();
        for spec in &self.parts {
            let t = match spec {
                PartSpec::Name(n) => PartTable {
                    name: n.clone(),
                    ..PartTable::default()
                },
                PartSpec::Table(t) => t.clone(),
            };
            let pname = t.name.trim().to_owned();
            if key(&pname).is_empty() {
                return Err(MethodError::EmptyPart(name.to_owned()));
            }
            let mut synonyms = vec![pname.clone()];
            synonyms.extend(t.synonyms.iter().map(|s| s.trim().to_owned()));
            parts.push(Part {
                label: t.label.clone().unwrap_or_else(|| pname.clone()),
                name: pname,
                synonyms,
                opposite: t.opposite.as_ref().map(|o| o.trim().to_owned()),
            });
        }
        let mut seen: BTreeMap<Vec<String>, &str> = BTreeMap::new();
        for p in &parts {
            for s in &p.synonyms {
                let k = key(s);
                if k.is_empty() {
                    continue;
                }
                if let Some(other) = seen.get(&k)
                    && *other != p.name
                {
                    return Err(MethodError::Shared {
                        method: name.to_owned(),
                        a: (*other).to_owned(),
                        b: p.name.clone(),
                        name: s.clone(),
                    });
                }
                seen.insert(k, &p.name);
            }
        }
        for p in &parts {
            if let Some(o) = &p.opposite
                && !parts.iter().any(|q| &q.name == o)
            {
                return Err(MethodError::Opposite {
                    method: name.to_owned(),
                    part: p.name.clone(),
                    opposite: o.clone(),
                    parts: parts
                        .iter()
                        .map(|q| q.name.as_str())
                        .collect::<Vec<_>>()
                        .join(", "),
                });
            }
        }
        Ok(Method {
            name: name.to_owned(),
            label: self.label.clone().unwrap_or_else(|| name.to_owned()),
            parts,
            open: self.open,
        })
    }
}

/// The methods of a study: its own (`[methods]`), then the built-in ones.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MethodSet {
    own: BTreeMap<String, Method>,
}

impl MethodSet {
    /// The study's methods, checked; an error names the method.
    pub fn new(specs: &BTreeMap<String, MethodSpec>) -> Result<Self, MethodError> {
        let mut own = BTreeMap::new();
        for (name, spec) in specs {
            let m = spec.to_method(name)?;
            own.insert(name.clone(), m);
        }
        Ok(MethodSet { own })
    }

    /// A method by name: the study's, else the built-in one.
    pub fn get(&self, name: &str) -> Option<Method> {
        self.own
            .get(name)
            .cloned()
            .or_else(|| Method::builtin(name))
    }

    /// Every method name a source may use, sorted: built-in, then the
    /// study's.
    pub fn names(&self) -> Vec<String> {
        let mut out: Vec<String> = BUILTIN.iter().map(|s| (*s).to_owned()).collect();
        for n in self.own.keys() {
            if !out.contains(n) {
                out.push(n.clone());
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn swot_quadrants_in_three_languages() {
        let swot = Method::builtin("swot").unwrap();
        let cases: &[(&str, &str)] = &[
            ("Forces", "strengths"),
            ("FAIBLESSES", "weaknesses"),
            ("Opportunités", "opportunities"),
            ("opportunites", "opportunities"),
            ("Menaces", "threats"),
            ("Strengths", "strengths"),
            ("Weakness", "weaknesses"),
            ("Threats:", "threats"),
            ("Sterktes", "strengths"),
            ("Zwakke punten", "weaknesses"),
            ("Kansen", "opportunities"),
            ("Bedreigingen", "threats"),
            ("Points forts", "strengths"),
            ("Forces (internes)", "strengths"),
            ("Menaces : ce qui peut nuire", "threats"),
            ("Menaces externes", "threats"),
            ("S — Strengths", "strengths"),
            ("  Opportunités  ", "opportunities"),
        ];
        for (written, want) in cases {
            assert_eq!(swot.part_of(written).as_deref(), Ok(*want), "{written}");
        }
    }

    #[test]
    fn empathy_map_areas_and_combined_quadrants() {
        let e = Method::builtin("empathy").unwrap();
        let cases: &[(&str, &str)] = &[
            ("Dit", "says"),
            ("Ce qu'il dit", "says"),
            ("Pense", "thinks"),
            ("Fait", "does"),
            ("Ressent", "feels"),
            ("Says", "says"),
            ("What they think", "thinks"),
            ("Feels", "feels"),
            ("Pains", "pains"),
            ("Pain points", "pains"),
            ("Douleurs", "pains"),
            ("Frustrations", "pains"),
            ("Gains", "gains"),
            ("Bénéfices", "gains"),
            ("Zegt", "says"),
            ("Denkt", "thinks"),
            ("Doet", "does"),
            ("Voelt", "feels"),
            ("Pijnpunten", "pains"),
            ("Winsten", "gains"),
            ("Think & Feel", "thinks"),
            ("Pense et ressent", "thinks"),
            ("Say and do", "says"),
        ];
        for (written, want) in cases {
            assert_eq!(e.part_of(written).as_deref(), Ok(*want), "{written}");
        }
    }

    #[test]
    fn a_name_matching_nothing_lists_the_parts() {
        let swot = Method::builtin("swot").unwrap();
        let e = swot.part_of("Oportunités").unwrap_err();
        assert_eq!(
            e.to_string(),
            "\"Oportunités\" is not a part of swot; expected one of: strengths (forces, sterktes), weaknesses (faiblesses, zwaktes), opportunities (opportunités, kansen), threats (menaces, bedreigingen)"
        );
        let e = swot.part_of("Forces et faiblesses").unwrap_err();
        assert!(
            matches!(&e, PartError::Ambiguous { parts, .. } if parts == "strengths, weaknesses"),
            "{e}"
        );
        assert!(matches!(swot.part_of(" "), Err(PartError::Empty { .. })));
    }

    #[test]
    fn open_methods_take_names_as_written() {
        let j = Method::builtin("journey").unwrap();
        assert_eq!(
            j.part_of(" Arrivée au local ").as_deref(),
            Ok("Arrivée au local")
        );
        assert!(j.part_of("").is_err());
        assert!(!j.names_a_part("Arrivée"));
        let b = Method::builtin("brainstorm").unwrap();
        assert_eq!(b.part_of("Idées").as_deref(), Ok("Idées"));
    }

    #[test]
    fn opposites_pair_each_part_once() {
        let swot = Method::builtin("swot").unwrap();
        assert_eq!(
            swot.opposites(),
            [
                ("strengths".to_owned(), "weaknesses".to_owned()),
                ("opportunities".to_owned(), "threats".to_owned())
            ]
        );
        let e = Method::builtin("empathy").unwrap();
        assert_eq!(e.opposites(), [("pains".to_owned(), "gains".to_owned())]);
        assert!(Method::builtin("journey").unwrap().opposites().is_empty());
        assert_eq!(Method::builtin("nope"), None);
    }

    #[test]
    fn a_study_defines_its_own_method() {
        let text = r#"
            [methods.retro]
            label = "Rétrospective"
            parts = [
              { name = "keep", synonyms = ["à garder"], opposite = "stop" },
              { name = "stop", synonyms = ["à arrêter"] },
              "try",
            ]
            [methods.parcours]
            open = true
            parts = ["Découverte", "Arrivée"]
        "#;
        #[derive(Deserialize)]
        struct Doc {
            methods: BTreeMap<String, MethodSpec>,
        }
        let doc: Doc = toml::from_str(text).unwrap();
        let set = MethodSet::new(&doc.methods).unwrap();
        let retro = set.get("retro").unwrap();
        assert_eq!(retro.label, "Rétrospective");
        assert_eq!(retro.part_of("À GARDER").as_deref(), Ok("keep"));
        assert_eq!(retro.part_of("Try").as_deref(), Ok("try"));
        assert_eq!(retro.opposites(), [("keep".to_owned(), "stop".to_owned())]);
        assert!(retro.part_of("Start").is_err());
        let p = set.get("parcours").unwrap();
        assert_eq!(p.part_of("découverte").as_deref(), Ok("Découverte"));
        assert_eq!(p.part_of("Usage").as_deref(), Ok("Usage"));
        assert!(set.get("swot").is_some());
        assert_eq!(
            set.names(),
            [
                "swot",
                "empathy",
                "journey",
                "brainstorm",
                "parcours",
                "retro"
            ]
        );
    }

    #[test]
    fn a_study_method_that_cannot_work_is_an_error() {
        let parts = |v: &[&str]| v.iter().map(|s| PartSpec::Name((*s).to_owned())).collect();
        let spec = MethodSpec {
            parts: parts(&["Keep", "keep"]),
            ..MethodSpec::default()
        };
        assert!(matches!(
            spec.to_method("r"),
            Err(MethodError::Shared { .. })
        ));
        let spec = MethodSpec::default();
        assert!(matches!(spec.to_method("r"), Err(MethodError::NoParts(_))));
        let spec = MethodSpec {
            parts: vec![PartSpec::Table(PartTable {
                name: "a".into(),
                opposite: Some("b".into()),
                ..PartTable::default()
            })],
            ..MethodSpec::default()
        };
        let e = spec.to_method("r").unwrap_err();
        assert_eq!(
            e.to_string(),
            "method \"r\": part \"a\" has opposite \"b\", which is none of its parts (a)"
        );
        assert!(matches!(
            MethodSpec {
                open: true,
                ..MethodSpec::default()
            }
            .to_method("a b"),
            Err(MethodError::Name(_))
        ));
    }
}
