//! `qualsynth kwic PATTERN`: keyword in context over a study's segments.

use crate::cli::KwicArgs;
use crate::coding::kwic::render;
use crate::pipeline::kwic::{KwicOptions, kwic};
use crate::pipeline::{Feedback, Study};
use crate::terminal as output;

/// Prints keyword-in-context lines, and on a terminal their count (on
/// stderr: in a pipe it would only be noise).
pub fn run(a: KwicArgs, fb: &dyn Feedback) -> anyhow::Result<()> {
    let study = Study::open(&a.study.study)?;
    let o = KwicOptions {
        pattern: a.pattern,
        codebook: a.codebook,
        width: a.width,
        group: a.group,
        limit: a.limit,
    };
    let lines = kwic(&study, &o)?;
    output::print(render(&lines, o.width))?;
    if output::stdout_is_terminal() {
        fb.info(&format!("{} matches", lines.len()));
    }
    Ok(())
}
