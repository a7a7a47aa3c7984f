//! `qualsynth run [DIR]`: rebuilds the study from study.toml alone:
//! imports every source, then codes the segments and synthesises across
//! groups when a codebook is set.

use std::path::PathBuf;

use crate::cli::{ListFormat, RunArgs};
use crate::store::Workspace;
use crate::store::import::rebuild;

use super::output;

/// Imports every source of the manifest, saves, prints the status.
pub fn run(a: RunArgs) -> anyhow::Result<()> {
    let dir: PathBuf = if a.dir.is_file() {
        a.dir
            .parent()
            .map(PathBuf::from)
            .unwrap_or_else(|| ".".into())
    } else {
        a.dir.clone()
    };
    let dir = if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    };
    let mut ws = Workspace::open_manifest(&dir)?;
    let bar = output::progress_allowed(a.quiet).then(|| {
        let b = indicatif::ProgressBar::new(ws.manifest.manifest.sources.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{prefix:>8} [{bar:30}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        b.set_prefix("import");
        b
    });
    let rebuilt = rebuild(&mut ws, &mut |done, _total, path| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
            b.set_message(path.to_owned());
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    for path in &rebuilt.changed {
        eprintln!(
            "note: {path} changed since it was recorded; study.toml now records its new hash"
        );
    }
    ws.save()?;
    super::status::print(&ws, ListFormat::Table)?;
    if ws.manifest.manifest.codebook.is_some() {
        let path = super::code::codebook_path(&mut ws, None)?;
        let coder = super::code::compile(&path)?;
        let summary = super::code::code_study(&mut ws, &coder, &path, a.quiet)?;
        println!();
        output::print_listing(&summary, ListFormat::Table)?;
        let text = super::synthesize::synthesize(&ws)?;
        println!();
        print!("{text}");
    }
    Ok(())
}
