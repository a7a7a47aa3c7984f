//! `qualsynth init DIR`: writes a new study.toml.

use anyhow::Context;

use crate::cli::InitArgs;
use crate::store::Workspace;

/// Creates the study.
pub fn run(a: InitArgs) -> anyhow::Result<()> {
    std::fs::create_dir_all(&a.dir)
        .with_context(|| format!("cannot create directory {}", a.dir.display()))?;
    let title = a.title.unwrap_or_else(|| {
        std::fs::canonicalize(&a.dir)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "Untitled study".to_owned())
    });
    let path = Workspace::init(&a.dir, &title, &a.lang)
        .with_context(|| format!("cannot create a study in {}", a.dir.display()))?;
    eprintln!(
        "created {}; next: qualsynth import transcript FILE --group G --study {}",
        path.display(),
        a.dir.display()
    );
    Ok(())
}
