//! `qualsynth codebook check|show|convert`.

use crate::cli::{CodebookCheckArgs, CodebookConvertArgs, CodebookShowArgs};

/// Checks a codebook.
pub fn check(_a: CodebookCheckArgs) -> anyhow::Result<()> {
    anyhow::bail!("codebook check is not available yet")
}

/// Shows a codebook.
pub fn show(_a: CodebookShowArgs) -> anyhow::Result<()> {
    anyhow::bail!("codebook show is not available yet")
}

/// Converts a codebook.
pub fn convert(_a: CodebookConvertArgs) -> anyhow::Result<()> {
    anyhow::bail!("codebook convert is not available yet")
}
