//! Synthesis settings: the `[synthesis]` table of `study.toml`. Every key
//! is optional; the defaults are documented here and in the README.

use serde::{Deserialize, Serialize};

/// Thresholds and weights of the synthesis.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SynthesisConfig {
    /// A group "raised" a theme when at least this share of its
    /// participants did (or, for a group without named participants, this
    /// share of its segments), and at least `raised_min_segments` segments.
    /// Default 0.0: any coded segment counts.
    pub raised_min_share: f64,
    /// Least number of coded segments for a group to have raised a theme
    /// (0 counts as 1). Default 2: one stray match is not a theme raised.
    pub raised_min_segments: usize,
    /// Least number of distinct participants among those segments, for a
    /// group that names its participants (0 counts as 1). Default 2: one
    /// voice is not the group's.
    pub raised_min_participants: usize,
    /// Convergence class "most groups": raised by at least this share of
    /// the groups and by two or more (but not all; a theme of a single
    /// group is "one group"). Default 0.5 (half or more).
    pub most_groups_share: f64,
    /// Best quotes kept per code and group. Default 3.
    pub quotes_per_cell: usize,
    /// Preferred quote length in characters: shorter or longer quotes score
    /// lower. Defaults 40 and 400.
    pub quote_min_chars: usize,
    /// See `quote_min_chars`.
    pub quote_max_chars: usize,
    /// Two recommendations are merged when their similarity reaches this
    /// (see `recommendations`). Default 0.4.
    pub merge_threshold: f64,
    /// How much a code counts in the similarity, against a word of the
    /// same rarity: 0 leaves the wording alone, 2 makes a shared code worth
    /// two shared words. Between 0 and 10; default 2.
    pub merge_code_weight: f64,
    /// Large consultations: in a block of recommendations sharing a common
    /// stem, each is compared with this many neighbours on each side, in
    /// the order of their rarest stems, rather than with every other (a
    /// cost that grows with the square of the block). 0 compares every
    /// pair: exact, and quadratic. Default 24; blocks of 400 or fewer are
    /// always compared in full.
    pub merge_neighbours: usize,
    /// Divergence: a code leans "negative" in a group when its negative
    /// mentions there (negated, or of an "against" stance code such as
    /// `x.contre`) outnumber its plain ones and make at least this share of
    /// them; "positive" when plain mentions outnumber negative ones and make
    /// at least this share; "mixed" otherwise (an even split is always
    /// mixed). Default 0.5: negative when more than half are negative.
    pub negative_share: f64,
    /// Patterns (regular expressions, case-insensitive) of recommendation
    /// items that propose nothing, besides the built-in pointers, headings
    /// and placeholders. Default none.
    pub non_proposals: Vec<String>,
    /// A glossary for merging recommendations across languages: a codebook
    /// (any format) with one code per concept and its terms per language,
    /// relative to the study directory. Default none.
    pub glossary: Option<String>,
    /// The consultant's curation file (written by `qualsynth curate`),
    /// relative to the study directory. Default none.
    pub curation: Option<String>,
    /// Roles whose words count in shares, convergence and quotes besides
    /// participants': `["facilitator"]`, `["interviewer"]`. Default none:
    /// interviewers and facilitators ask and lead; their words are not the
    /// group's.
    pub include_roles: Vec<String>,
}

impl Default for SynthesisConfig {
    fn default() -> Self {
        SynthesisConfig {
            raised_min_share: 0.0,
            raised_min_segments: 2,
            raised_min_participants: 2,
            most_groups_share: 0.5,
            quotes_per_cell: 3,
            quote_min_chars: 40,
            quote_max_chars: 400,
            merge_threshold: 0.4,
            merge_code_weight: 2.0,
            merge_neighbours: super::recommendations::NEIGHBOURS,
            negative_share: 0.5,
            non_proposals: Vec::new(),
            glossary: None,
            curation: None,
            include_roles: Vec::new(),
        }
    }
}

impl SynthesisConfig {
    /// Whether the words of someone of `role` count in the synthesis.
    pub fn counts(&self, role: crate::corpus::Role) -> bool {
        !role.leads()
            || self
                .include_roles
                .iter()
                .any(|r| crate::corpus::Role::parse(r) == Some(role))
    }
}

/// A `[synthesis]` setting out of range.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ConfigError {
    /// A share outside 0..1.
    #[error("[synthesis] {key} = {value}: expected a share between 0 and 1")]
    NotAShare {
        /// The key.
        key: &'static str,
        /// Its value.
        value: f64,
    },
    /// Quote lengths the wrong way round.
    #[error("[synthesis] quote_min_chars is larger than quote_max_chars")]
    QuoteLengths,
    /// `merge_code_weight` out of 0..=10.
    #[error("[synthesis] merge_code_weight = {value}: expected a weight between 0 and 10")]
    CodeWeight {
        /// The value given.
        value: f64,
    },
    /// A role that is not one.
    #[error("[synthesis] include_roles: unknown role {0:?}; expected interviewer or facilitator")]
    Role(String),
    /// A non-proposal pattern that does not compile.
    #[error("[synthesis] non_proposals: {message}")]
    Pattern {
        /// The pattern.
        pattern: String,
        /// Why it does not compile.
        message: String,
    },
}

impl ConfigError {
    /// The key of `[synthesis]` that holds the offending value.
    pub fn key(&self) -> &'static str {
        match self {
            ConfigError::NotAShare { key, .. } => key,
            ConfigError::QuoteLengths => "quote_min_chars",
            ConfigError::CodeWeight { .. } => "merge_code_weight",
            ConfigError::Pattern { .. } => "non_proposals",
            ConfigError::Role(_) => "include_roles",
        }
    }
}

impl SynthesisConfig {
    /// Checks ranges; the error names the key.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let share = |key: &'static str, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(ConfigError::NotAShare { key, value })
            }
        };
        share("raised_min_share", self.raised_min_share)?;
        share("most_groups_share", self.most_groups_share)?;
        share("merge_threshold", self.merge_threshold)?;
        if !(0.0..=10.0).contains(&self.merge_code_weight) {
            return Err(ConfigError::CodeWeight {
                value: self.merge_code_weight,
            });
        }
        share("negative_share", self.negative_share)?;
        for r in &self.include_roles {
            if crate::corpus::Role::parse(r).is_none() {
                return Err(ConfigError::Role(r.clone()));
            }
        }
        if self.quote_min_chars > self.quote_max_chars {
            return Err(ConfigError::QuoteLengths);
        }
        for p in &self.non_proposals {
            if let Err(e) = crate::codebook::check::compile_regex(p) {
                return Err(ConfigError::Pattern {
                    pattern: p.clone(),
                    message: e.to_string(),
                });
            }
        }
        Ok(())
    }
}
