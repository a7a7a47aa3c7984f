//! The study workspace on disk: `study.toml`, the Parquet tables under
//! `data/`, the pseudonym key under `private/`, and atomic writes.

pub mod atomic;
pub mod codings;
pub mod human;
pub mod import;
pub mod manifest;
mod pages;
pub mod runstate;
pub mod schema;
pub mod segfile;
pub mod summary;
pub mod synthesis;
pub mod tables;
pub mod workspace;

use std::path::{Path, PathBuf};

pub use workspace::Workspace;

use crate::corpus::InputError;

/// What can go wrong reading or writing a workspace.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// No manifest where one was expected.
    #[error(
        "no study.toml in {dir}; create a study with `qualsynth init {dir}` or pass --study DIR"
    )]
    NoStudy {
        /// The directory searched.
        dir: String,
    },
    /// `init` on an existing study.
    #[error("{path} already exists; this directory already holds a study")]
    Exists {
        /// The manifest path.
        path: String,
    },
    /// A file-system operation failed.
    #[error("cannot {action} {path}: {}", plain_io(err))]
    Io {
        /// What was being done.
        action: &'static str,
        /// The path it was done to.
        path: String,
        /// The OS error.
        err: std::io::Error,
    },
    /// The manifest does not parse or validate.
    #[error("{path}:{location}{message}")]
    Manifest {
        /// The manifest path.
        path: String,
        /// `line:col: ` or empty.
        location: String,
        /// What is wrong.
        message: String,
    },
    /// A workspace table cannot be read or written.
    #[error("{path}: {message}")]
    Table {
        /// The table file.
        path: String,
        /// What polars said, in context.
        message: String,
    },
    /// An input file does not parse.
    #[error(transparent)]
    Input(#[from] InputError),
    /// An input file changed since it was imported.
    #[error("{path} changed since it was imported; pass --replace to re-import it")]
    Changed {
        /// The file as the user named it.
        path: String,
    },
    /// An input was imported before with other options.
    #[error(
        "{path} was imported before with other options; pass --replace to re-import it with these, or --add to import it once more as another source (another reading of the same file, such as other columns)"
    )]
    OptionsDiffer {
        /// The file as the user named it.
        path: String,
    },
    /// `--replace` on a file imported as several sources.
    #[error(
        "{path} is imported as several sources ({ids}); edit their entries in study.toml and run `qualsynth run`"
    )]
    Ambiguous {
        /// The file as the user named it.
        path: String,
        /// The ids of its sources.
        ids: String,
    },
}

impl StoreError {
    /// An I/O error with its path.
    pub fn io(path: &Path, action: &'static str, source: std::io::Error) -> Self {
        StoreError::Io {
            action,
            path: path.display().to_string(),
            err: source,
        }
    }
}

/// An OS error without the "(os error N)" suffix.
fn plain_io(e: &std::io::Error) -> String {
    match e.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_owned(),
        std::io::ErrorKind::PermissionDenied => "permission denied".to_owned(),
        std::io::ErrorKind::StorageFull => "no space left on device (the disk is full)".to_owned(),
        std::io::ErrorKind::QuotaExceeded => "disk quota exceeded".to_owned(),
        _ => {
            let s = e.to_string();
            match s.find(" (os error") {
                Some(i) => s[..i].to_owned(),
                None => s,
            }
        }
    }
}

/// `target` relative to `base`, with `/` separators; `..` where needed.
/// Both are made absolute first; if they share no root, `target` as is.
pub fn relative_path(base: &Path, target: &Path) -> String {
    let abs = |p: &Path| -> PathBuf {
        std::fs::canonicalize(p).unwrap_or_else(|_| {
            std::env::current_dir()
                .map(|d| d.join(p))
                .unwrap_or_else(|_| p.to_owned())
        })
    };
    let (b, t) = (abs(base), abs(target));
    let bc: Vec<_> = b.components().collect();
    let tc: Vec<_> = t.components().collect();
    let common = bc.iter().zip(&tc).take_while(|(x, y)| x == y).count();
    if common == 0 {
        return t.to_string_lossy().replace('\\', "/");
    }
    let mut parts: Vec<String> = vec!["..".to_owned(); bc.len() - common];
    parts.extend(
        tc[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}
