//! `qualsynth init DIR`: writes a new study.toml.

use crate::cli::InitArgs;
use crate::pipeline::{Feedback, Study};

/// Creates the study.
pub fn run(a: InitArgs, fb: &dyn Feedback) -> anyhow::Result<()> {
    let path = Study::init(&a.dir, a.title.as_deref(), &a.lang)?;
    fb.info(&format!(
        "created {}; next: qualsynth import transcript FILE --group G --study {}",
        path.display(),
        a.dir.display()
    ));
    Ok(())
}
