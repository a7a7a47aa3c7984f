//! `qualsynth code` on a study: codes every segment and stores the codings.

use crate::cli::CodeArgs;

/// Codes the study.
pub fn run(_a: CodeArgs) -> anyhow::Result<()> {
    anyhow::bail!("coding a study is not available yet")
}
