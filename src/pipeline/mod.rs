//! The pipeline between the commands and the core: a study's state loaded
//! once ([`Study`]), what is stale ([`fresh`]), and each stage as a function
//! over plain options: [`import`], [`code`], [`synthesize`], [`report`],
//! and [`run`], the batch that chains them. Commands (`cmd/`) turn their
//! arguments into these options, call one function and print what it
//! returns; they never reach the workspace on disk themselves.
//!
//! What the pipeline tells people while it works (progress, warnings,
//! notes) goes through a [`Feedback`], so that it stays free of the
//! terminal.

pub mod agree;
pub mod code;
pub mod codebook;
pub mod curate;
pub mod error;
pub mod fresh;
pub mod import;
pub mod kwic;
pub mod refi;
pub mod report;
pub mod run;
pub mod status;
pub mod synthesize;

use std::path::{Path, PathBuf};

pub use self::error::PipelineError;
use crate::codebook::Diagnostic;
use crate::store::Workspace;

/// What the pipeline tells people while it works. The commands draw it on
/// stderr (progress only on a terminal; nothing with `--quiet`).
pub trait Feedback {
    /// What a command did, for people (printed as is).
    fn info(&self, text: &str);
    /// A note for people (`note: …`).
    fn note(&self, text: &str);
    /// A warning without a position in a file (`warning: …`).
    fn warn(&self, text: &str);
    /// Warnings about a file, with its decoded text for the excerpts.
    fn diagnostics(&self, path: &str, text: &str, diagnostics: &[Diagnostic]);
    /// Work of `total` steps (unknown: a spinner) begins.
    fn start(&self, label: &str, total: Option<u64>);
    /// Steps done so far, and what is being done.
    fn advance(&self, done: u64, message: &str);
    /// The work begun by [`Feedback::start`] is over.
    fn finish(&self);
    /// Whether people asked for everything in full (`--verbose`).
    fn verbose(&self) -> bool {
        false
    }
}

/// A [`Feedback`] that says nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Silent;

impl Feedback for Silent {
    fn info(&self, _: &str) {}
    fn note(&self, _: &str) {}
    fn warn(&self, _: &str) {}
    fn diagnostics(&self, _: &str, _: &str, _: &[Diagnostic]) {}
    fn start(&self, _: &str, _: Option<u64>) {}
    fn advance(&self, _: u64, _: &str) {}
    fn finish(&self) {}
}

/// A study directory: its manifest and the tables it has, loaded once.
#[derive(Debug)]
pub struct Study {
    ws: Workspace,
}

impl Study {
    /// Creates `DIR/study.toml` (and the directory); returns its path.
    pub fn init(dir: &Path, title: Option<&str>, lang: &str) -> anyhow::Result<PathBuf> {
        use anyhow::Context;
        std::fs::create_dir_all(dir)
            .with_context(|| format!("cannot create directory {}", dir.display()))?;
        let title = title.map(str::to_owned).unwrap_or_else(|| {
            std::fs::canonicalize(dir)
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
                .unwrap_or_else(|| "Untitled study".to_owned())
        });
        Workspace::init(dir, &title, lang)
            .with_context(|| format!("cannot create a study in {}", dir.display()))
    }

    /// Opens a study: the manifest, the tables and the pseudonym key.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        Ok(Study {
            ws: Workspace::open(dir)?,
        })
    }

    /// Opens a study with only `columns` of its segments read.
    pub fn open_segment_columns(dir: &Path, columns: &[&str]) -> anyhow::Result<Self> {
        Ok(Study {
            ws: Workspace::open_segment_columns(dir, columns)?,
        })
    }

    /// Opens a study to import into: the segments stay on disk and are
    /// written again a row group at a time when the import is saved.
    pub fn open_for_import(dir: &Path) -> anyhow::Result<Self> {
        Ok(Study {
            ws: Workspace::open_for_import(dir)?,
        })
    }

    /// Opens only the manifest and the pseudonym key (before a rebuild).
    pub fn open_manifest(dir: &Path) -> anyhow::Result<Self> {
        Ok(Study {
            ws: Workspace::open_manifest(dir)?,
        })
    }

    /// The study directory of `given`: `DIR`, or the folder of
    /// `DIR/study.toml`.
    pub fn dir_of(given: &Path) -> PathBuf {
        let dir = if given.is_file() {
            given.parent().map(PathBuf::from).unwrap_or_default()
        } else {
            given.to_owned()
        };
        if dir.as_os_str().is_empty() {
            PathBuf::from(".")
        } else {
            dir
        }
    }

    /// The study directory.
    pub fn dir(&self) -> &Path {
        &self.ws.dir
    }

    /// The study's title.
    pub fn title(&self) -> &str {
        &self.ws.manifest.manifest.study.title
    }

    /// The study's default language.
    pub fn lang(&self) -> &str {
        &self.ws.manifest.manifest.study.lang
    }

    /// The workspace, for the stages.
    pub(crate) fn ws(&self) -> &Workspace {
        &self.ws
    }

    /// The workspace, for the stages that change it.
    pub(crate) fn ws_mut(&mut self) -> &mut Workspace {
        &mut self.ws
    }
}
