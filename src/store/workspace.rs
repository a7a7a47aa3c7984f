//! Opening, creating and saving a study workspace.

use std::path::{Path, PathBuf};

use crate::corpus::pseudonym::PseudonymKey;

use super::StoreError;
use super::atomic::Staged;
use super::manifest::ManifestFile;
use super::segfile::SegmentPlan;
use super::tables::{self, Tables};

/// The manifest's file name.
pub const MANIFEST: &str = "study.toml";
/// Sources table, relative to the study directory.
pub const SOURCES: &str = "data/sources.parquet";
/// Participants table.
pub const PARTICIPANTS: &str = "data/participants.parquet";
/// Segments table.
pub const SEGMENTS: &str = "data/segments.parquet";
/// The pseudonym key: kept apart from the shareable data.
pub const KEY: &str = "private/pseudonyms.csv";

/// A study directory loaded in memory.
#[derive(Debug)]
pub struct Workspace {
    /// The study directory.
    pub dir: PathBuf,
    /// `study.toml`.
    pub manifest: ManifestFile,
    /// The imported data.
    pub tables: Tables,
    /// Name-to-pseudonym key.
    pub key: PseudonymKey,
    /// While importing: where the segments are (on disk, in memory, new),
    /// `tables.segments` then being unused. `save` writes them.
    pub(crate) segment_plan: Option<SegmentPlan>,
}

impl Workspace {
    /// Writes a new `study.toml` in `dir` (created if needed).
    pub fn init(dir: &Path, title: &str, lang: &str) -> Result<PathBuf, StoreError> {
        let path = dir.join(MANIFEST);
        if path.exists() {
            return Err(StoreError::Exists {
                path: path.display().to_string(),
            });
        }
        let m = ManifestFile::new(title, lang);
        super::atomic::write_atomic(&path, m.to_text().as_bytes())?;
        Ok(path)
    }

    /// Opens a study: the manifest, the tables if present, the key if present.
    pub fn open(dir: &Path) -> Result<Self, StoreError> {
        Self::open_with(dir, Segments::All)
    }

    /// Opens a study to import into: like [`Workspace::open`], but the
    /// segments table stays on disk (only its footer is read); `save`
    /// copies it a row group at a time.
    pub fn open_for_import(dir: &Path) -> Result<Self, StoreError> {
        Self::open_with(dir, Segments::OnDisk)
    }

    /// Opens a study with only `columns` of the segments table read (a
    /// stage that needs a few of its columns: coding reads the ids, texts,
    /// languages and speakers, not the attributes).
    pub fn open_segment_columns(dir: &Path, columns: &[&str]) -> Result<Self, StoreError> {
        Self::open_with(dir, Segments::Columns(columns))
    }

    fn open_with(dir: &Path, segments: Segments<'_>) -> Result<Self, StoreError> {
        use polars::prelude::{ParquetReader, SerReader};
        let mut ws = Self::open_manifest(dir)?;
        let read = |rel: &str| -> Result<Option<polars::prelude::DataFrame>, StoreError> {
            let path = dir.join(rel);
            match std::fs::read(&path) {
                Ok(bytes) => tables::from_parquet(&bytes)
                    .map(Some)
                    .map_err(|e| table_err(&path, e)),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
                Err(e) => Err(StoreError::io(&path, "read", e)),
            }
        };
        if let Some(df) = read(SOURCES)? {
            ws.tables.sources =
                tables::sources_from(&df).map_err(|e| table_err(&dir.join(SOURCES), e))?;
        }
        if let Some(df) = read(PARTICIPANTS)? {
            ws.tables.participants = tables::participants_from(&df)
                .map_err(|e| table_err(&dir.join(PARTICIPANTS), e))?;
        }
        let path = dir.join(SEGMENTS);
        match segments {
            Segments::OnDisk => {
                ws.segment_plan = Some(SegmentPlan::on_disk(&path, &ws.tables.sources)?);
            }
            Segments::All => {
                if let Some(df) = read(SEGMENTS)? {
                    let df = tables::with_optional_columns(df)
                        .and_then(tables::compact_empty_columns)
                        .map_err(|e| table_err(&path, e))?;
                    tables::check_segments_schema(&df).map_err(|e| table_err(&path, e))?;
                    ws.tables.segments = df;
                }
            }
            Segments::Columns(columns) => match std::fs::File::open(&path) {
                Ok(f) => {
                    let mut reader = ParquetReader::new(f);
                    let schema = reader.schema().map_err(|e| table_err(&path, e))?;
                    let present: Vec<String> = columns
                        .iter()
                        .filter(|c| schema.contains(c))
                        .map(|c| (*c).to_owned())
                        .collect();
                    let df = reader
                        .with_columns(Some(present))
                        .finish()
                        .map_err(|e| table_err(&path, e))?;
                    tables::check_segments_schema_of(&df, false)
                        .map_err(|e| table_err(&path, e))?;
                    ws.tables.segments =
                        tables::compact_empty_columns(df).map_err(|e| table_err(&path, e))?;
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(StoreError::io(&path, "read", e)),
            },
        }
        Ok(ws)
    }

    /// Opens only the manifest and the key (for a rebuild).
    pub fn open_manifest(dir: &Path) -> Result<Self, StoreError> {
        let path = dir.join(MANIFEST);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(StoreError::NoStudy {
                    dir: dir.display().to_string(),
                });
            }
            Err(e) => return Err(StoreError::io(&path, "read", e)),
        };
        let manifest = ManifestFile::parse(&text).map_err(|e| StoreError::Manifest {
            path: path.display().to_string(),
            location: match (e.line, e.column) {
                (Some(l), Some(c)) => format!("{l}:{c}: "),
                (Some(l), None) => format!("{l}: "),
                _ => " ".to_owned(),
            },
            message: e.message,
        })?;
        let key = read_key(&dir.join(KEY))?;
        Ok(Workspace {
            dir: dir.to_owned(),
            manifest,
            tables: Tables::default(),
            key,
            segment_plan: None,
        })
    }

    /// Writes the tables, the key and the manifest: all staged first, then
    /// renamed into place, so a failure leaves the previous state. After
    /// an import the segments are on disk only (open the study again to
    /// read them).
    pub fn save(&mut self) -> Result<(), StoreError> {
        let mut staged = Staged::default();
        let frame = |path: &str, df: polars::prelude::PolarsResult<polars::prelude::DataFrame>| {
            let full = self.dir.join(path);
            df.and_then(tables::to_parquet)
                .map_err(|e| table_err(&full, e))
        };
        let put =
            |staged: &mut Staged, rel: &str, bytes: &[u8]| staged.stage(&self.dir.join(rel), bytes);
        put(
            &mut staged,
            SOURCES,
            &frame(SOURCES, tables::sources_frame(&self.tables.sources))?,
        )?;
        put(
            &mut staged,
            PARTICIPANTS,
            &frame(
                PARTICIPANTS,
                tables::participants_frame(&self.tables.participants),
            )?,
        )?;
        match self.segment_plan.take() {
            Some(plan) => {
                let order: Vec<&str> = self.tables.sources.iter().map(|s| s.id.as_str()).collect();
                plan.stage(&order, &self.dir.join(SEGMENTS), &mut staged)?;
            }
            None => put(
                &mut staged,
                SEGMENTS,
                &frame(SEGMENTS, Ok(self.tables.segments.clone()))?,
            )?,
        }
        if !self.key.is_empty() {
            staged.stage_private(&self.dir.join(KEY), key_csv(&self.key).as_bytes())?;
        }
        self.stage_manifest(&mut staged)?;
        staged.commit()
    }

    /// Writes the coding tables and their provenance, with the manifest
    /// (which may have gained a codebook), all or nothing.
    pub fn save_codings(
        &self,
        codings: polars::prelude::DataFrame,
        codes: polars::prelude::DataFrame,
        provenance: &super::codings::Provenance,
    ) -> Result<(), StoreError> {
        use super::codings::{CODES, CODINGS, PROVENANCE};
        let mut staged = Staged::default();
        for (rel, df) in [(CODINGS, codings), (CODES, codes)] {
            let full = self.dir.join(rel);
            let bytes = tables::to_parquet(df).map_err(|e| table_err(&full, e))?;
            staged.stage(&full, &bytes)?;
        }
        let json = serde_json::to_string_pretty(provenance).unwrap_or_default() + "\n";
        staged.stage(&self.dir.join(PROVENANCE), json.as_bytes())?;
        self.stage_manifest(&mut staged)?;
        staged.commit()
    }

    /// Reads the provenance of the codings: `None` when the study is not
    /// coded; an unreadable or corrupt file is an error naming it.
    pub fn coding_provenance(&self) -> Result<Option<super::codings::Provenance>, StoreError> {
        let path = self.dir.join(super::codings::PROVENANCE);
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(StoreError::io(&path, "read", e)),
        };
        serde_json::from_str(&text)
            .map(Some)
            .map_err(|e| StoreError::Table {
                path: path.display().to_string(),
                message: format!(
                    "corrupt coding provenance ({e}); run `qualsynth code` again to rewrite it"
                ),
            })
    }

    /// Writes the manifest alone, when it changed.
    pub fn save_manifest(&self) -> Result<(), StoreError> {
        let mut staged = Staged::default();
        self.stage_manifest(&mut staged)?;
        staged.commit()
    }

    fn stage_manifest(&self, staged: &mut Staged) -> Result<(), StoreError> {
        let manifest_path = self.dir.join(MANIFEST);
        let text = self.manifest.to_text();
        if std::fs::read_to_string(&manifest_path).ok().as_deref() != Some(text.as_str()) {
            staged.stage(&manifest_path, text.as_bytes())?;
        }
        Ok(())
    }

    /// Ids of the manifest's sources, in manifest order.
    pub fn source_order(&self) -> Vec<String> {
        self.tables.sources.iter().map(|s| s.id.clone()).collect()
    }
}

/// How much of the segments table a study is opened with.
enum Segments<'a> {
    /// All of it, in memory.
    All,
    /// None: it stays on disk, for an import (see [`SegmentPlan`]).
    OnDisk,
    /// These columns, in memory.
    Columns(&'a [&'a str]),
}

fn table_err(path: &Path, e: polars::prelude::PolarsError) -> StoreError {
    StoreError::Table {
        path: path.display().to_string(),
        message: format!("unreadable workspace table ({e}); rebuild it with `qualsynth run`"),
    }
}

fn read_key(path: &Path) -> Result<PseudonymKey, StoreError> {
    let bytes = match std::fs::read(path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(PseudonymKey::default()),
        Err(e) => return Err(StoreError::io(path, "read", e)),
    };
    let bad = |line: u64, message: String| StoreError::Table {
        path: format!("{}:{line}", path.display()),
        message: format!("unreadable pseudonym key: {message}"),
    };
    let mut pairs = Vec::new();
    let text = String::from_utf8_lossy(&bytes);
    let index = crate::codebook::diagnostics::LineIndex::new(&text);
    // Lines from byte offsets: the csv crate's count is off after CRLF.
    let line_of =
        |p: Option<&csv::Position>| p.map_or(0, |p| u64::from(index.record_line(p.byte())));
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(bytes.as_slice());
    for rec in rdr.records() {
        let rec = rec.map_err(|e| bad(line_of(e.position()), e.to_string()))?;
        let line = line_of(rec.position());
        match (rec.get(0), rec.get(1), rec.len()) {
            (Some(n), Some(p), 2) if !n.is_empty() && !p.is_empty() => {
                pairs.push((n.to_owned(), p.to_owned()));
            }
            _ => {
                return Err(bad(
                    line,
                    "expected two cells, a name and its pseudonym".to_owned(),
                ));
            }
        }
    }
    Ok(PseudonymKey::from_pairs(pairs))
}

fn key_csv(key: &PseudonymKey) -> String {
    let mut w = csv::Writer::from_writer(Vec::new());
    let _ = w.write_record(["name", "pseudonym"]);
    for (n, p) in key.pairs() {
        let _ = w.write_record([n, p]);
    }
    String::from_utf8(w.into_inner().unwrap_or_default()).unwrap_or_default()
}
