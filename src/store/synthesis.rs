//! The synthesis tables on disk: `data/synthesis/*.parquet`, written
//! together, and read back for explanations and reports.

use std::path::Path;

use polars::prelude::DataFrame;

use super::atomic::Staged;
use super::{StoreError, Workspace, tables};

/// Folder of the synthesis tables, relative to the study directory.
pub const DIR: &str = "data/synthesis";

/// The names of the synthesis tables, in the order they are written.
pub const TABLES: [&str; 8] = [
    "matrix",
    "convergence",
    "cooccurrence",
    "divergence",
    "quotes",
    "recommendations",
    "recommendation_members",
    "recommendation_evidence",
];

impl Workspace {
    /// Writes the synthesis tables, all or nothing.
    pub fn save_synthesis(&self, frames: Vec<(&str, DataFrame)>) -> Result<(), StoreError> {
        let mut staged = Staged::default();
        for (name, df) in frames {
            let path = self.dir.join(DIR).join(format!("{name}.parquet"));
            let bytes = tables::to_parquet(df).map_err(|e| StoreError::Table {
                path: path.display().to_string(),
                message: format!("cannot write the {name} table: {e}"),
            })?;
            staged.stage(&path, &bytes)?;
        }
        staged.commit()
    }

    /// Reads one synthesis table, `None` when the study is not synthesised.
    pub fn synthesis_table(&self, name: &str) -> Result<Option<DataFrame>, StoreError> {
        read_optional(&self.dir.join(DIR).join(format!("{name}.parquet")), None)
    }

    /// Reads a coding table (`data/codings.parquet`…), `None` when absent.
    pub fn coding_table(&self, rel: &str) -> Result<Option<DataFrame>, StoreError> {
        read_optional(&self.dir.join(rel), None)
    }

    /// Some columns of a coding table, `None` when absent.
    pub fn coding_columns(
        &self,
        rel: &str,
        columns: &[&str],
    ) -> Result<Option<DataFrame>, StoreError> {
        read_optional(&self.dir.join(rel), Some(columns))
    }
}

fn read_optional(path: &Path, columns: Option<&[&str]>) -> Result<Option<DataFrame>, StoreError> {
    match std::fs::read(path) {
        Ok(bytes) => tables::from_parquet_columns(&bytes, columns)
            .map(Some)
            .map_err(|e| StoreError::Table {
                path: path.display().to_string(),
                message: format!("unreadable table ({e}); rebuild it with `qualsynth run`"),
            }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(StoreError::io(path, "read", e)),
    }
}
