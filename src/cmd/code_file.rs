//! `qualsynth code FILE`: codes a file's documents to stdout.

use crate::cli::CodeArgs;

/// Codes the file.
pub fn run(_a: CodeArgs) -> anyhow::Result<()> {
    anyhow::bail!("coding a file is not available yet")
}
