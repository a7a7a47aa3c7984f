//! Human codings: `data/human_codings.parquet`, one row per code a human
//! coder applied to a segment, or per segment the coder read and left
//! uncoded. Each coder's rows are replaced as a whole when the coder's
//! codes are imported again.

use super::atomic::Staged;
use super::{StoreError, Workspace, tables};
use crate::rows::Rows;

/// The human codings table, relative to the study directory.
pub const HUMAN_CODINGS: &str = "data/human_codings.parquet";

crate::rows! {
    /// A human coder's decision on a segment.
    #[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
    pub struct HumanCodingRow {
        /// The coder's name, as given to `import codes --coder`.
        pub coder: String,
        /// The segment.
        pub segment_id: String,
        /// The code applied; empty when the coder read the segment and applied no code.
        pub code: Option<String>,
        /// Start of the coded span in code points of the segment's text (codings from a QDA project); empty: the whole segment.
        pub start: Option<u32>,
        /// End of the span (exclusive); empty with start.
        pub end: Option<u32>,
        /// The file the codes came from, relative to the study when inside it.
        pub file: String,
        /// The line of that file.
        pub line: u64,
    }
}

impl Workspace {
    /// Every human coding, by coder, segment and code.
    pub fn human_codings(&self) -> Result<Vec<HumanCodingRow>, StoreError> {
        let path = self.dir.join(HUMAN_CODINGS);
        match std::fs::read(&path) {
            Ok(bytes) => tables::from_parquet(&bytes)
                .and_then(|df| HumanCodingRow::from_frame(&df))
                .map_err(|e| StoreError::Table {
                    path: path.display().to_string(),
                    message: format!(
                        "unreadable human codings ({e}); import the coders' codes again with `qualsynth import codes`"
                    ),
                }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
            Err(e) => Err(StoreError::io(&path, "read", e)),
        }
    }

    /// Replaces the rows of `coder` by `rows` (all of that coder), all or
    /// nothing.
    pub fn replace_human_codings(
        &self,
        coder: &str,
        rows: Vec<HumanCodingRow>,
    ) -> Result<(), StoreError> {
        let mut all: Vec<HumanCodingRow> = self
            .human_codings()?
            .into_iter()
            .filter(|r| r.coder != coder)
            .collect();
        all.extend(rows);
        all.sort();
        let path = self.dir.join(HUMAN_CODINGS);
        let bytes = HumanCodingRow::to_frame(&all)
            .and_then(tables::to_parquet)
            .map_err(|e| StoreError::Table {
                path: path.display().to_string(),
                message: format!("cannot write the human codings: {e}"),
            })?;
        let mut staged = Staged::default();
        staged.stage(&path, &bytes)?;
        staged.commit()
    }
}
