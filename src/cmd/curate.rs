//! `qualsynth curate`: the curation file of the merged recommendations.

use crate::cli::CurateArgs;
use crate::pipeline::curate::curate;
use crate::pipeline::{Feedback, Study};

/// Writes the file and says what to do with it.
pub fn run(a: CurateArgs, fb: &dyn Feedback) -> anyhow::Result<()> {
    let mut study = Study::open(&a.study.study)?;
    let w = curate(&mut study, a.out.as_deref(), a.force)?;
    fb.info(&format!(
        "wrote {}: the {} members of {} merged recommendations, then {} non-proposals. Edit it in a \
         spreadsheet: rows with the same `cluster` become one recommendation, a value of its own keeps a \
         row apart, `wording` rewords its cluster, `proposal` yes/no overrides the non-proposal check; \
         then `qualsynth run` (or `synthesize`) applies it on every run.",
        w.path.display(),
        w.members,
        w.merged,
        w.non_proposals
    ));
    Ok(())
}
