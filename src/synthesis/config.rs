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
    /// (0 counts as 1). Default 1.
    pub raised_min_segments: usize,
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
    /// Two recommendations are merged when their similarity reaches this.
    /// Default 0.6: above `merge_code_weight`, so that the same codes alone
    /// never merge (see `recommendations`).
    pub merge_threshold: f64,
    /// Weight of shared codes in the similarity (the rest is the stemmed
    /// wording). Default 0.5.
    pub merge_code_weight: f64,
    /// Divergence: a code leans "negative" in a group when its negative
    /// mentions there (negated, or of an "against" stance code such as
    /// `x.contre`) outnumber its plain ones and make at least this share of
    /// them; "positive" when plain mentions outnumber negative ones and make
    /// at least this share; "mixed" otherwise (an even split is always
    /// mixed). Default 0.5: negative when more than half are negative.
    pub negative_share: f64,
}

impl Default for SynthesisConfig {
    fn default() -> Self {
        SynthesisConfig {
            raised_min_share: 0.0,
            raised_min_segments: 1,
            most_groups_share: 0.5,
            quotes_per_cell: 3,
            quote_min_chars: 40,
            quote_max_chars: 400,
            merge_threshold: 0.6,
            merge_code_weight: 0.5,
            negative_share: 0.5,
        }
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
}

impl ConfigError {
    /// The key of `[synthesis]` that holds the offending value.
    pub fn key(&self) -> &'static str {
        match self {
            ConfigError::NotAShare { key, .. } => key,
            ConfigError::QuoteLengths => "quote_min_chars",
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
        share("merge_code_weight", self.merge_code_weight)?;
        share("negative_share", self.negative_share)?;
        if self.quote_min_chars > self.quote_max_chars {
            return Err(ConfigError::QuoteLengths);
        }
        Ok(())
    }
}
