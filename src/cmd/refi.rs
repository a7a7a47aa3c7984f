//! `qualsynth export qdpx` and `qualsynth import qdpx`: REFI-QDA projects.

use crate::cli::QdpxExportArgs;
use crate::pipeline::{Feedback, Study, refi};

/// Writes the study as a `.qdpx` project.
pub fn export(a: QdpxExportArgs, fb: &dyn Feedback) -> anyhow::Result<()> {
    let mut study = Study::open(&a.study.study)?;
    let e = refi::export_qdpx(&mut study, a.group.as_deref())?;
    crate::pipeline::report::write_file(&a.out, &e.bytes)?;
    fb.info(&format!(
        "wrote {}: {} sources, {} codes, {} coded selections by {} coders, {} cases",
        a.out.display(),
        e.sources,
        e.codes,
        e.selections,
        e.users,
        e.cases
    ));
    Ok(())
}
