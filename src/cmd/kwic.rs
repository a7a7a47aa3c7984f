//! `qualsynth kwic PATTERN`: keyword in context over a study's segments.

use crate::cli::KwicArgs;

/// Prints keyword-in-context lines.
pub fn run(_a: KwicArgs) -> anyhow::Result<()> {
    anyhow::bail!("kwic is not available yet")
}
