//! The synthesis tables on disk: `data/synthesis/*.parquet`, one file per
//! typed table, written together and read back for explanations and
//! reports.

use std::collections::HashSet;
use std::path::Path;

use polars::prelude::DataFrame;

use super::atomic::Staged;
use super::{StoreError, Workspace, tables};
use crate::rows::{Rows, Table};
use crate::synthesis::Synthesis;
use crate::synthesis::recommendations::{EvidenceRow, MemberRow, RecommendationRow};

/// Folder of the synthesis tables, relative to the study directory.
pub const DIR: &str = "data/synthesis";

/// The tables of workshop methods, written after [`TABLES`]. A study
/// synthesised before they existed reads them as empty.
pub const METHOD_TABLES: [&str; 3] = ["method_items", "method_members", "method_tensions"];

/// The names of the synthesis tables, in the order they are written.
pub const TABLES: [&str; 9] = [
    "matrix",
    "convergence",
    "cooccurrence",
    "divergence",
    "quotes",
    "recommendations",
    "recommendation_members",
    "recommendation_evidence",
    "non_proposals",
];

impl Workspace {
    /// Writes the synthesis tables, all or nothing.
    pub fn save_synthesis(&self, s: &Synthesis) -> Result<(), StoreError> {
        use polars::prelude::PolarsResult;
        use rayon::prelude::*;
        type Table<'s> = (
            &'static str,
            Box<dyn Fn() -> PolarsResult<DataFrame> + Sync + 's>,
        );
        let tables: [Table; 12] = [
            (TABLES[0], Box::new(|| Rows::to_frame(&s.matrix))),
            (TABLES[1], Box::new(|| Rows::to_frame(&s.convergence))),
            (TABLES[2], Box::new(|| Rows::to_frame(&s.cooccurrence))),
            (TABLES[3], Box::new(|| Rows::to_frame(&s.divergence))),
            (TABLES[4], Box::new(|| Rows::to_frame(&s.quotes))),
            (TABLES[5], Box::new(|| Rows::to_frame(&s.recommendations))),
            (TABLES[6], Box::new(|| s.members.frame())),
            (TABLES[7], Box::new(|| s.evidence.frame())),
            (TABLES[8], Box::new(|| Rows::to_frame(&s.non_proposals))),
            (
                METHOD_TABLES[0],
                Box::new(|| Rows::to_frame(&s.method_items)),
            ),
            (
                METHOD_TABLES[1],
                Box::new(|| Rows::to_frame(&s.method_members)),
            ),
            (METHOD_TABLES[2], Box::new(|| Rows::to_frame(&s.tensions))),
        ];
        // Encoded in parallel (the large tables of a consultation take
        // seconds each), staged in order.
        let encoded: Vec<(std::path::PathBuf, Result<Vec<u8>, StoreError>)> = tables
            .par_iter()
            .map(|(name, frame)| {
                let path = self.dir.join(DIR).join(format!("{name}.parquet"));
                let bytes = frame()
                    .and_then(tables::to_parquet)
                    .map_err(|e| StoreError::Table {
                        path: path.display().to_string(),
                        message: format!("cannot write the {name} table: {e}"),
                    });
                (path, bytes)
            })
            .collect();
        let mut staged = Staged::default();
        for (path, bytes) in encoded {
            staged.stage(&path, &bytes?)?;
        }
        staged.commit()
    }

    /// Whether every synthesis table is on disk.
    pub fn has_synthesis(&self) -> bool {
        TABLES
            .iter()
            .all(|t| self.dir.join(DIR).join(format!("{t}.parquet")).is_file())
    }

    /// Reads the synthesis tables; `None` when the study is not
    /// synthesised (a table is missing). A table that cannot be read is
    /// an error naming it.
    pub fn read_synthesis(&self) -> Result<Option<Synthesis>, StoreError> {
        let Some(mut s) = self.read_synthesis_summary()? else {
            return Ok(None);
        };
        s.members = self.synthesis_table(TABLES[6])?;
        s.evidence = self.synthesis_table(TABLES[7])?;
        Ok(Some(s))
    }

    /// [`Workspace::read_synthesis`] without the rows of the original
    /// recommendations and their quotes (`members` and `evidence` left
    /// empty: millions of rows in a national consultation); a report reads
    /// those of the recommendations it details with
    /// [`Workspace::read_recommendation_rows`].
    pub fn read_synthesis_summary(&self) -> Result<Option<Synthesis>, StoreError> {
        let Some(mut s) = self.read_synthesis_summary_but_recommendations()? else {
            return Ok(None);
        };
        s.recommendations = self.synthesis_rows(TABLES[5])?;
        Ok(Some(s))
    }

    /// [`Workspace::read_synthesis_summary`] without the merged
    /// recommendations (at national scale, millions of rows a board
    /// report only counts).
    pub fn read_synthesis_summary_but_recommendations(
        &self,
    ) -> Result<Option<Synthesis>, StoreError> {
        if !self.has_synthesis() {
            return Ok(None);
        }
        Ok(Some(Synthesis {
            matrix: self.synthesis_rows(TABLES[0])?,
            convergence: self.synthesis_rows(TABLES[1])?,
            cooccurrence: self.synthesis_rows(TABLES[2])?,
            divergence: self.synthesis_rows(TABLES[3])?,
            quotes: self.synthesis_rows(TABLES[4])?,
            recommendations: Vec::new(),
            members: Table::default(),
            evidence: Table::default(),
            non_proposals: self.synthesis_rows(TABLES[8])?,
            method_items: self.synthesis_rows(METHOD_TABLES[0])?,
            method_members: self.synthesis_rows(METHOD_TABLES[1])?,
            tensions: self.synthesis_rows(METHOD_TABLES[2])?,
        }))
    }

    /// Those of `columns` the merged recommendations table has, every row
    /// (`None` when there is no synthesis; a table written before a column
    /// existed lacks it).
    pub fn recommendation_columns(
        &self,
        columns: &[&str],
    ) -> Result<Option<DataFrame>, StoreError> {
        use polars::prelude::{ParquetReader, SerReader};
        let path = self.recommendations_path();
        let file = match std::fs::File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::io(&path, "read", e)),
        };
        let unreadable = unreadable(&path);
        let mut reader = ParquetReader::new(file);
        let schema = reader.schema().map_err(unreadable)?;
        let present: Vec<String> = columns
            .iter()
            .filter(|c| schema.contains(c))
            .map(|c| (*c).to_owned())
            .collect();
        if present.is_empty() {
            return Ok(Some(DataFrame::empty()));
        }
        reader
            .with_columns(Some(present))
            .finish()
            .map(Some)
            .map_err(unreadable)
    }

    /// The merged recommendations at `rows` of their table (ascending),
    /// whole; only the rows up to the last are read.
    pub fn recommendations_at(&self, rows: &[u32]) -> Result<Vec<RecommendationRow>, StoreError> {
        use polars::prelude::{IdxCa, IdxSize, ParquetReader, SerReader};
        let Some(&last) = rows.last() else {
            return Ok(Vec::new());
        };
        let path = self.recommendations_path();
        let unreadable = unreadable(&path);
        let file = std::fs::File::open(&path).map_err(|e| StoreError::io(&path, "read", e))?;
        let df = ParquetReader::new(file)
            .with_slice(Some((0, last as usize + 1)))
            .finish()
            .map_err(unreadable)?;
        let idx = IdxCa::from_vec("".into(), rows.iter().map(|&r| r as IdxSize).collect());
        let df = df.take(&idx).map_err(unreadable)?;
        RecommendationRow::from_frame(&df).map_err(unreadable)
    }

    fn recommendations_path(&self) -> std::path::PathBuf {
        self.dir.join(DIR).join(format!("{}.parquet", TABLES[5]))
    }

    /// The members and evidence rows of the merged recommendations `ids`,
    /// in table order. Both tables are in rank order, so only the rows
    /// between the first and the last of them are read.
    pub fn read_recommendation_rows(
        &self,
        ids: &HashSet<&str>,
    ) -> Result<(Vec<MemberRow>, Vec<EvidenceRow>), StoreError> {
        Ok((
            self.rows_of(TABLES[6], ids, |r: &MemberRow| r.rec_id.as_str())?,
            self.rows_of(TABLES[7], ids, |r: &EvidenceRow| r.rec_id.as_str())?,
        ))
    }

    /// The rows of a synthesis table whose `rec_id` is one of `ids`.
    fn rows_of<T: Rows>(
        &self,
        name: &str,
        ids: &HashSet<&str>,
        rec_id: impl Fn(&T) -> &str,
    ) -> Result<Vec<T>, StoreError> {
        use polars::prelude::{ParquetReader, SerReader};
        let path = self.dir.join(DIR).join(format!("{name}.parquet"));
        let unreadable = unreadable(&path);
        let open = || match std::fs::File::open(&path) {
            Ok(f) => Ok(Some(ParquetReader::new(f))),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(StoreError::io(&path, "read", e)),
        };
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let Some(reader) = open()? else {
            return Ok(Vec::new());
        };
        let keys = reader
            .with_columns(Some(vec!["rec_id".to_owned()]))
            .finish()
            .map_err(unreadable)?;
        let keys = crate::rows::strs(&keys, "rec_id").map_err(unreadable)?;
        let wanted = |k: &Option<&str>| k.is_some_and(|k| ids.contains(k));
        let (Some(first), Some(last)) =
            (keys.iter().position(wanted), keys.iter().rposition(wanted))
        else {
            return Ok(Vec::new());
        };
        let Some(reader) = open()? else {
            return Ok(Vec::new());
        };
        let df = reader
            .with_slice(Some((first, last + 1 - first)))
            .finish()
            .map_err(unreadable)?;
        let rows = T::from_frame(&df).map_err(|e| StoreError::Table {
            path: path.display().to_string(),
            message: format!(
                "this table does not have the columns qualsynth writes ({e}); rebuild it with `qualsynth synthesize`"
            ),
        })?;
        Ok(rows
            .into_iter()
            .filter(|r| ids.contains(rec_id(r)))
            .collect())
    }

    /// The typed rows of one synthesis table (empty when it is missing).
    fn synthesis_rows<T: Rows>(&self, name: &str) -> Result<Vec<T>, StoreError> {
        let path = self.dir.join(DIR).join(format!("{name}.parquet"));
        match read_optional(&path, None)? {
            None => Ok(Vec::new()),
            Some(df) => T::from_frame(&df).map_err(|e| StoreError::Table {
                path: path.display().to_string(),
                message: format!(
                    "this table does not have the columns qualsynth writes ({e}); rebuild it with `qualsynth synthesize`"
                ),
            }),
        }
    }

    /// [`Workspace::synthesis_rows`] held as a frame.
    fn synthesis_table<T: Rows>(&self, name: &str) -> Result<Table<T>, StoreError> {
        Table::from_rows(&self.synthesis_rows::<T>(name)?).map_err(|e| StoreError::Table {
            path: self
                .dir
                .join(DIR)
                .join(format!("{name}.parquet"))
                .display()
                .to_string(),
            message: format!("cannot hold the {name} table as a frame: {e}"),
        })
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

/// The error of a synthesis table polars cannot read, naming it and what
/// rebuilds it.
fn unreadable(path: &Path) -> impl Fn(polars::prelude::PolarsError) -> StoreError + Copy + '_ {
    move |e| StoreError::Table {
        path: path.display().to_string(),
        message: format!("unreadable table ({e}); rebuild it with `qualsynth synthesize`"),
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

#[cfg(test)]
mod tests {
    use super::*;

    fn member(rec: &str, text: &str) -> MemberRow {
        MemberRow {
            rec_id: rec.to_owned(),
            text: text.to_owned(),
            ..MemberRow::default()
        }
    }

    /// A board report reads some rows of the recommendations and some
    /// columns of all; a table written before a column existed lacks it.
    #[test]
    fn a_report_reads_recommendations_by_row_and_by_column() {
        let tmp = tempfile::tempdir().unwrap();
        Workspace::init(tmp.path(), "t", "fr").unwrap();
        let ws = Workspace::open(tmp.path()).unwrap();
        assert!(ws.recommendation_columns(&["rank"]).unwrap().is_none());
        let recs: Vec<RecommendationRow> = (1..=5)
            .map(|k| RecommendationRow {
                rank: k,
                rec_id: format!("R{k:03}"),
                actionable: k % 2 == 0,
                ..RecommendationRow::default()
            })
            .collect();
        let s = Synthesis {
            recommendations: recs.clone(),
            ..Synthesis::default()
        };
        ws.save_synthesis(&s).unwrap();
        assert_eq!(
            ws.recommendations_at(&[1, 3]).unwrap(),
            [recs[1].clone(), recs[3].clone()]
        );
        assert!(ws.recommendations_at(&[]).unwrap().is_empty());
        let df = ws
            .recommendation_columns(&["actionable", "no_such_column"])
            .unwrap()
            .unwrap();
        assert_eq!(df.get_column_names(), ["actionable"]);
        assert_eq!(df.height(), 5);
    }

    #[test]
    fn a_report_reads_the_members_and_evidence_of_the_recommendations_it_details() {
        let tmp = tempfile::tempdir().unwrap();
        Workspace::init(tmp.path(), "t", "fr").unwrap();
        let ws = Workspace::open(tmp.path()).unwrap();
        let members: Vec<MemberRow> = ["R001", "R001", "R002", "R003", "R003", "R004"]
            .iter()
            .enumerate()
            .map(|(i, r)| member(r, &format!("m{i}")))
            .collect();
        let evidence: Vec<EvidenceRow> = ["R001", "R003", "R004"]
            .iter()
            .map(|r| EvidenceRow {
                rec_id: (*r).to_owned(),
                segment_id: format!("s-{r}"),
                ..EvidenceRow::default()
            })
            .collect();
        let s = Synthesis {
            members: Table::from_rows(&members).unwrap(),
            evidence: Table::from_rows(&evidence).unwrap(),
            ..Synthesis::default()
        };
        ws.save_synthesis(&s).unwrap();
        assert_eq!(ws.read_synthesis().unwrap().unwrap(), s);
        let summary = ws.read_synthesis_summary().unwrap().unwrap();
        assert!(summary.members.is_empty() && summary.evidence.is_empty());

        let ids = |v: &[&'static str]| -> HashSet<&'static str> { v.iter().copied().collect() };
        let (m, e) = ws
            .read_recommendation_rows(&ids(&["R003", "R001"]))
            .unwrap();
        assert_eq!(
            m.iter().map(|r| r.text.as_str()).collect::<Vec<_>>(),
            ["m0", "m1", "m3", "m4"],
            "R002 between them is left out"
        );
        assert_eq!(e, [evidence[0].clone(), evidence[1].clone()]);
        let (m, e) = ws.read_recommendation_rows(&ids(&["R004"])).unwrap();
        assert_eq!(
            (m, e),
            (vec![members[5].clone()], vec![evidence[2].clone()])
        );
        let (m, e) = ws.read_recommendation_rows(&ids(&["R002"])).unwrap();
        assert_eq!((m.len(), e.len()), (1, 0));
        for none in [ids(&[]), ids(&["R999"])] {
            let (m, e) = ws.read_recommendation_rows(&none).unwrap();
            assert!(m.is_empty() && e.is_empty());
        }
    }
}
