//! The codebook model shared by every format, the checker and the coder:
//! a tree of codes, each with matching rules, and codebook-level options.

use crate::corpus::Role;

/// Where something was written: 1-based line and column in its file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Origin {
    /// 1-based line (0 when unknown).
    pub line: u32,
    /// 1-based column in characters (0 when unknown).
    pub column: u32,
}

/// How matches are counted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Semantics {
    /// Qualitative coding: a code applies to the spans its rules match,
    /// exclusions cancel it in a segment, parents aggregate children.
    #[default]
    Codes,
    /// Dictionary-tool counting (LIWC, WordStat, quanteda): a glob matches
    /// a whole token, a multi-word value consecutive tokens; each distinct
    /// token span counts once per category of the patterns matching it;
    /// nested spans count apart. No stemming, no accent folding.
    Dictionary,
}

/// Codebook-level options.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodebookOptions {
    /// Fold accents before matching (`coût` matches `cout`). Default true.
    pub fold_accents: bool,
    /// Language of terms given without a language, and of segments
    /// without one. Default `fr`.
    pub lang: String,
    /// How many tokens before a match a negator may stand. Default 3.
    pub negation_window: u32,
    /// How matches are counted.
    pub semantics: Semantics,
}

impl Default for CodebookOptions {
    fn default() -> Self {
        CodebookOptions {
            fold_accents: true,
            lang: "fr".to_owned(),
            negation_window: 3,
            semantics: Semantics::Codes,
        }
    }
}

/// One token pattern.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Term {
    /// A whole word: `loyer`.
    Word(String),
    /// A prefix wildcard: `partag*` (stored without the `*`).
    Prefix(String),
    /// Words with the same Snowball stem: `~partager` (stored without `~`).
    Stem(String),
}

/// What a rule matches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pattern {
    /// One token.
    Term(Term),
    /// Consecutive tokens: `espace* de travail`.
    Phrase(Vec<Term>),
    /// Two token sequences within `distance` tokens of each other, in
    /// either order, in one segment: `loyer NEAR/5 cher`.
    Near {
        /// The left operand (one term or a phrase).
        left: Vec<Term>,
        /// The right operand.
        right: Vec<Term>,
        /// Largest number of tokens between the two.
        distance: u32,
    },
    /// A regular expression over the original text: `/\d+ ?€/`.
    Regex(String),
}

/// One rule of a code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    /// What it matches.
    pub pattern: Pattern,
    /// The language it applies to; `None` = every language.
    pub lang: Option<String>,
    /// An exclusion: a match cancels the code in the segment.
    pub exclude: bool,
    /// The rule as written, for audit trails and messages.
    pub text: String,
    /// Where it was written.
    pub origin: Origin,
}

/// A rule a code declares it shares with another code on purpose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedRule {
    /// The rule as written in the code's rules (`loyer`, `/\d+ ?€/`).
    pub text: String,
    /// Where the declaration was written.
    pub origin: Origin,
}

/// A node of the codebook tree.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Code {
    /// Unique id (`cost`, `cost.rent`).
    pub id: String,
    /// Human label.
    pub label: String,
    /// Parent code id.
    pub parent: Option<String>,
    /// Where the parent id was written (so that `codebook check` can point
    /// at it); the code's own origin when unknown.
    pub parent_origin: Origin,
    /// What the code means.
    pub definition: Option<String>,
    /// Display colour, `#RRGGBB` (readers expand `#RGB`).
    pub colour: Option<String>,
    /// Whether codings may point at the code. `false` is a REFI-QDA
    /// category (`isCodable="false"`, native TOML `codable = false`): it
    /// groups child codes and is never applied itself, so its rules are
    /// ignored by [`Codebook::for_coding`] (`codebook check` warns). A
    /// parent still aggregates its children's codings. Default true.
    pub codable: bool,
    /// The GUID the code had in the REFI-QDA file it came from (or
    /// native TOML `guid`), as written there (case and braces kept), so
    /// that an export goes back to the tool of origin with the same GUIDs.
    /// `None`: exports derive one from the id
    /// ([`crate::codebook::formats::refi::code_guid`]). Compare GUIDs
    /// with [`same_guid`], never with `==`.
    pub guid: Option<String>,
    /// Free memo.
    pub memo: Option<String>,
    /// Matching rules.
    pub rules: Vec<Rule>,
    /// Rules of this code that another code has too, on purpose: `codebook
    /// check` does not warn about them (native TOML `shared = […]`; empty
    /// in every other format).
    pub shared: Vec<SharedRule>,
    /// The speaker roles whose segments the code's rules apply to, sorted
    /// and without repeats; empty = every role (native TOML `roles = […]`;
    /// empty in every other format). A segment without a speaker counts as
    /// [`Role::Participant`]'s. Children do not inherit it: each code
    /// lists its own roles (a parent still aggregates its children's
    /// codings, whatever their roles).
    pub roles: Vec<Role>,
    /// Where the code was defined.
    pub origin: Origin,
}

impl Default for Code {
    fn default() -> Self {
        Code {
            id: String::new(),
            label: String::new(),
            parent: None,
            parent_origin: Origin::default(),
            definition: None,
            colour: None,
            codable: true,
            guid: None,
            memo: None,
            rules: Vec::new(),
            shared: Vec::new(),
            roles: Vec::new(),
            origin: Origin::default(),
        }
    }
}

/// Whether two GUIDs name the same thing: REFI-QDA GUIDs compare without
/// regard to case or to the braces around them (`{5215CC69-…}` is
/// `5215cc69-…`).
pub fn same_guid(a: &str, b: &str) -> bool {
    guid_key(a) == guid_key(b)
}

/// A GUID in the form GUIDs are compared in: trimmed, braces dropped,
/// lower case.
pub fn guid_key(g: &str) -> String {
    let g = g.trim();
    let g = g
        .strip_prefix('{')
        .and_then(|x| x.strip_suffix('}'))
        .unwrap_or(g);
    g.to_ascii_lowercase()
}

impl Code {
    /// Whether the code's rules apply to a segment spoken by `role`.
    pub fn applies_to(&self, role: Role) -> bool {
        self.roles.is_empty() || self.roles.contains(&role)
    }
}

/// A whole codebook.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Codebook {
    /// Name or title.
    pub name: String,
    /// Options.
    pub options: CodebookOptions,
    /// Codes in file order.
    pub codes: Vec<Code>,
}

impl Codebook {
    /// The codebook as the coder uses it: the rules of codes that are not
    /// [`Code::codable`] dropped (borrowed when there are none).
    pub fn for_coding(&self) -> std::borrow::Cow<'_, Codebook> {
        if self.codes.iter().all(|c| c.codable || c.rules.is_empty()) {
            return std::borrow::Cow::Borrowed(self);
        }
        let mut cb = self.clone();
        for c in cb.codes.iter_mut().filter(|c| !c.codable) {
            c.rules.clear();
            c.shared.clear();
        }
        std::borrow::Cow::Owned(cb)
    }
}

/// How serious a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Severity {
    /// Something unusable: the codebook cannot be used.
    Error,
    /// Something suspicious or ignored.
    Warning,
}

/// A message about a codebook file, with its position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// Where (line 0 = the whole file).
    pub origin: Origin,
    /// What is wrong, and what was expected.
    pub message: String,
}

impl Diagnostic {
    /// An error at a position.
    pub fn error(origin: Origin, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Error,
            origin,
            message: message.into(),
        }
    }

    /// A warning at a position.
    pub fn warning(origin: Origin, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            origin,
            message: message.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_compare_without_case_or_braces() {
        assert!(same_guid(
            "{5215CC69-B628-4E02-AFB9-9BEEAEE55808}",
            " 5215cc69-b628-4e02-afb9-9beeaee55808"
        ));
        assert!(!same_guid(
            "5215cc69-b628-4e02-afb9-9beeaee55808",
            "5215cc69-b628-4e02-afb9-9beeaee55809"
        ));
    }

    #[test]
    fn codes_are_codable_by_default_and_categories_lose_their_rules_for_coding() {
        assert!(Code::default().codable);
        let rule = Rule {
            pattern: Pattern::Term(Term::Word("x".into())),
            lang: None,
            exclude: false,
            text: "x".into(),
            origin: Origin::default(),
        };
        let mut cb = Codebook::default();
        cb.codes.push(Code {
            id: "a".into(),
            rules: vec![rule.clone()],
            ..Code::default()
        });
        assert!(matches!(cb.for_coding(), std::borrow::Cow::Borrowed(_)));
        cb.codes.push(Code {
            id: "b".into(),
            codable: false,
            rules: vec![rule],
            ..Code::default()
        });
        let coding = cb.for_coding();
        assert_eq!(coding.codes[0].rules.len(), 1);
        assert!(coding.codes[1].rules.is_empty());
        assert!(!coding.codes[1].codable);
        assert_eq!(cb.codes[1].rules.len(), 1, "the codebook itself keeps them");
    }
}
