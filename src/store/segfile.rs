//! The segments table written as a stream, so that an import holds one
//! row group at a time rather than the study.
//!
//! An import never loads `segments.parquet`. New segments go to a scratch
//! Parquet file beside it as they are read (a writer thread encodes each
//! row group while the next one is read); when the study is saved, the
//! table is written again in manifest order, each source's rows copied a
//! row group at a time from the scratch file or from the old table: as
//! their compressed pages when the file's columns and row groups are the
//! writer's (see `pages`), decoded and encoded again otherwise (a table
//! written by another version, a study opened whole). When every row is
//! new and in order (a first import, a rebuild) the scratch file itself
//! becomes the table.
//!
//! Each source's rows are cut into row groups of [`ROW_GROUP`] from its
//! first row, so a table's bytes depend on its sources and their order,
//! never on the order they were imported in.

use std::collections::HashMap;
use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

use polars::prelude::*;

use super::StoreError;
use super::atomic::Staged;
use super::pages;
use super::tables::{self, SegmentFrameBuilder};
use crate::corpus::{Segment, Source};

/// Rows per row group of `segments.parquet` (and per batch held while
/// importing: one being built, one being written).
pub const ROW_GROUP: usize = 1 << 15;

#[cfg(test)]
thread_local! {
    /// Tests cut row groups smaller, to have several per source.
    static TEST_ROW_GROUP: std::cell::Cell<usize> = const { std::cell::Cell::new(ROW_GROUP) };
}

#[cfg(test)]
thread_local! {
    /// Row groups copied as their pages, for tests to see the copy taken.
    static RAW_GROUPS: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// Rows per row group.
fn row_group() -> usize {
    #[cfg(test)]
    return TEST_ROW_GROUP.with(|c| c.get());
    #[cfg(not(test))]
    ROW_GROUP
}

/// Where the study's segments are while it is being imported into: the
/// rows already in the table (on disk or in memory), and the new ones.
pub struct SegmentPlan {
    base: Base,
    /// Each source's first row and row count in the base.
    at: HashMap<String, (usize, usize)>,
    sink: Option<SegmentSink>,
}

impl std::fmt::Debug for SegmentPlan {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SegmentPlan")
            .field("sources", &self.at.len())
            .field("new", &self.sink.as_ref().map(|s| s.total))
            .finish()
    }
}

enum Base {
    /// No segments yet.
    Empty,
    /// The table on disk, read a row group at a time when saved.
    File(PathBuf),
    /// The table already in memory.
    Frame(DataFrame),
}

/// Where each source's rows start, from the sources' counts in table order.
fn offsets(sources: &[Source]) -> (HashMap<String, (usize, usize)>, usize) {
    let mut at = HashMap::with_capacity(sources.len());
    let mut next = 0;
    for s in sources {
        at.insert(s.id.clone(), (next, s.segments as usize));
        next += s.segments as usize;
    }
    (at, next)
}

/// The error for a segments table that disagrees with the sources table.
fn mismatch(path: &Path, detail: String) -> StoreError {
    StoreError::Table {
        path: path.display().to_string(),
        message: format!(
            "{detail}; the segments and sources tables disagree (rebuild them from study.toml with `qualsynth run`)"
        ),
    }
}

/// A file that remembers the first error a write to it met: the Parquet
/// writer turns I/O errors into text, and a full disk must still say so.
struct Watched {
    file: File,
    failed: Failed,
}

/// The first write error of a [`Watched`] file: its kind and message.
type Failed = Arc<Mutex<Option<(std::io::ErrorKind, String)>>>;

impl Watched {
    fn new(file: File) -> (Self, Failed) {
        let failed = Failed::default();
        (
            Watched {
                file,
                failed: failed.clone(),
            },
            failed,
        )
    }

    fn note<T>(&self, r: std::io::Result<T>) -> std::io::Result<T> {
        if let Err(e) = &r
            && let Ok(mut f) = self.failed.lock()
        {
            f.get_or_insert((e.kind(), e.to_string()));
        }
        r
    }
}

impl Write for Watched {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let r = self.file.write(buf);
        self.note(r)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        let r = self.file.flush();
        self.note(r)
    }
}

/// A polars error met writing `path`: a failed write (a full disk) is an
/// I/O error naming the table, not its scratch file.
fn write_err(path: &Path, e: PolarsError, failed: &Failed) -> StoreError {
    if let Some((kind, msg)) = failed.lock().ok().and_then(|f| f.clone()) {
        return StoreError::io(path, "write", std::io::Error::new(kind, msg));
    }
    match e {
        PolarsError::IO { error, .. } => StoreError::io(
            path,
            "write",
            std::io::Error::new(error.kind(), error.to_string()),
        ),
        e => StoreError::Table {
            path: path.display().to_string(),
            message: format!("cannot write the segments table: {e}"),
        },
    }
}

fn read_err(path: &Path, e: PolarsError) -> StoreError {
    StoreError::Table {
        path: path.display().to_string(),
        message: format!("cannot read the segments table: {e}"),
    }
}

/// A Parquet writer of the segments schema (the options of
/// [`tables::to_parquet`]).
fn writer(file: Watched) -> PolarsResult<polars::io::parquet::write::BatchedWriter<Watched>> {
    let schema = tables::segments_frame(&[])?.schema().as_ref().clone();
    ParquetWriter::new(file)
        .with_compression(ParquetCompression::Zstd(None))
        .set_parallel(false)
        .batched(&schema)
}

/// A segments Parquet file with its footer, read once for all the row
/// groups copied from it.
struct Table {
    path: PathBuf,
    meta: polars::io::parquet::metadata::FileMetadataRef,
}

impl Table {
    fn open(path: &Path) -> Result<Self, StoreError> {
        let file = File::open(path).map_err(|e| StoreError::io(path, "read", e))?;
        let meta = ParquetReader::new(file)
            .get_metadata()
            .map_err(|e| read_err(path, e))?
            .clone();
        Ok(Table {
            path: path.to_owned(),
            meta,
        })
    }

    /// A reader of the file, its footer already read.
    fn reader(&self) -> Result<ParquetReader<File>, StoreError> {
        let file = File::open(&self.path).map_err(|e| StoreError::io(&self.path, "read", e))?;
        let mut reader = ParquetReader::new(file);
        reader.set_metadata(self.meta.clone());
        Ok(reader)
    }
}

/// Rows `offset..offset + len` of a segments Parquet file, with the
/// columns of the schema in order (an older table gains the ones it
/// lacks), in one chunk.
fn read_rows(table: &Table, offset: usize, len: usize) -> Result<DataFrame, StoreError> {
    let path = table.path.as_path();
    let df = table
        .reader()?
        .with_slice(Some((offset, len)))
        .finish()
        .and_then(tables::with_optional_columns)
        .and_then(|df| conform(&df))
        .map_err(|e| read_err(path, e))?;
    if df.height() != len {
        return Err(mismatch(
            path,
            format!(
                "rows {}..{} were asked for, {} found",
                offset + 1,
                offset + len,
                df.height()
            ),
        ));
    }
    Ok(df)
}

/// `df` with the segments schema's columns in order, in one chunk.
fn conform(df: &DataFrame) -> PolarsResult<DataFrame> {
    tables::check_segments_schema(df)?;
    let names: Vec<PlSmallStr> = tables::segments_frame(&[])?
        .get_column_names()
        .into_iter()
        .cloned()
        .collect();
    let mut out = df.select(names)?;
    out.rechunk_mut();
    Ok(out)
}

impl SegmentPlan {
    /// A study with no segments yet (a rebuild).
    pub fn empty() -> Self {
        SegmentPlan {
            base: Base::Empty,
            at: HashMap::new(),
            sink: None,
        }
    }

    /// The table at `path` (if the file exists), whose rows are the
    /// sources' in order. Only its footer is read.
    pub fn on_disk(path: &Path, sources: &[Source]) -> Result<Self, StoreError> {
        let file = match File::open(path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(SegmentPlan::empty());
            }
            Err(e) => return Err(StoreError::io(path, "read", e)),
        };
        let rows = ParquetReader::new(file)
            .num_rows()
            .map_err(|e| read_err(path, e))?;
        let (at, total) = offsets(sources);
        if rows != total {
            return Err(mismatch(
                path,
                format!("it has {rows} rows, the sources table counts {total}"),
            ));
        }
        Ok(SegmentPlan {
            base: Base::File(path.to_owned()),
            at,
            sink: None,
        })
    }

    /// The table already in memory (grouped by source in `sources` order).
    pub fn in_memory(df: DataFrame, sources: &[Source]) -> Self {
        let (at, _) = offsets(sources);
        SegmentPlan {
            base: Base::Frame(df),
            at,
            sink: None,
        }
    }

    /// Forgets a source's rows (before it is imported again).
    pub fn remove(&mut self, source_id: &str) {
        self.at.remove(source_id);
        if let Some(s) = &mut self.sink {
            for w in s.written.iter_mut().filter(|w| w.source == source_id) {
                w.wanted = false;
            }
        }
    }

    /// Where a new source's segments go: a scratch file in `dir` (the
    /// table's directory), created on first use. `table` is the table's
    /// path, for messages.
    pub fn sink(&mut self, dir: &Path, table: &Path) -> Result<&mut SegmentSink, StoreError> {
        if self.sink.is_none() {
            self.sink = Some(SegmentSink::new(dir, table)?);
        }
        Ok(self.sink.as_mut().expect("just made"))
    }

    /// Stages the table at `path` with the rows of `order`'s sources, in
    /// that order. A source with no rows anywhere has none.
    pub fn stage(self, order: &[&str], path: &Path, staged: &mut Staged) -> Result<(), StoreError> {
        let scratch = match self.sink {
            Some(s) => Some(s.finish()?),
            None => None,
        };
        let mut new_at: HashMap<&str, &Written> = HashMap::new();
        if let Some(s) = &scratch {
            for w in s.written.iter().filter(|w| w.wanted) {
                new_at.insert(w.source.as_str(), w);
            }
        }
        let pieces: Vec<Piece<'_>> = order
            .iter()
            .filter_map(|id| match new_at.get(id) {
                Some(w) => Some(Piece {
                    source: id,
                    new: true,
                    first: w.first,
                    rows: w.rows,
                }),
                None => self.at.get(*id).map(|&(first, rows)| Piece {
                    source: id,
                    new: false,
                    first,
                    rows,
                }),
            })
            .filter(|p| p.rows > 0)
            .collect();
        let Some(s) = scratch else {
            return staged.stage_with(path, |file| copy(&pieces, &self.base, None, path, file));
        };
        // Every row new, in the order written: the scratch file is the table.
        let mut next = 0;
        let whole = pieces.iter().all(|p| {
            let ok = p.new && p.first == next;
            next += p.rows;
            ok
        }) && next == s.total;
        if whole {
            return staged.adopt(s.file, path);
        }
        let new = Table::open(s.file.path())?;
        staged.stage_with(path, |file| {
            copy(&pieces, &self.base, Some(&new), path, file)
        })
    }
}

/// A source's rows in the table being written: where they are read from.
struct Piece<'a> {
    source: &'a str,
    /// From the scratch file (else from the base).
    new: bool,
    first: usize,
    rows: usize,
}

/// Writes `pieces` to `out`, a row group at a time, from the scratch file
/// or the base.
fn copy(
    pieces: &[Piece<'_>],
    base: &Base,
    scratch: Option<&Table>,
    path: &Path,
    out: &File,
) -> Result<(), StoreError> {
    let old = match base {
        Base::File(p) => Some(Table::open(p)?),
        _ => None,
    };
    let file = out
        .try_clone()
        .map_err(|e| StoreError::io(path, "write", e))?;
    let (file, failed) = Watched::new(file);
    let write_err = |e| write_err(path, e, &failed);
    let mut w = writer(file).map_err(write_err)?;
    let schema = w.parquet_schema().clone();
    let raw = |t: &Table| pages::same_columns(&t.meta, &schema);
    let (raw_old, raw_new) = (old.as_ref().is_some_and(raw), scratch.is_some_and(raw));
    for &Piece {
        source: id,
        new,
        first,
        rows,
    } in pieces
    {
        // Whole row groups of a file in the writer's columns: copied as
        // their compressed pages.
        let from = match (new, scratch, &old) {
            (true, Some(s), _) if raw_new => Some(s),
            (false, _, Some(t)) if raw_old => Some(t),
            _ => None,
        };
        if let Some(t) = from
            && let Some(groups) = pages::whole_groups(&t.meta, first, rows, row_group())
        {
            let mut f = File::open(&t.path).map_err(|e| StoreError::io(&t.path, "read", e))?;
            let mut at = first;
            for g in groups {
                let rg = &t.meta.row_groups[g];
                // Its rows checked a row group at a time, as decoded ones.
                check_source(&source_ids(t, at, rg.num_rows())?, id)
                    .map_err(|detail| mismatch(path, detail))?;
                at += rg.num_rows();
                let columns = pages::read_group(&mut f, rg)
                    .map_err(|e| read_err(&t.path, PolarsError::ComputeError(e.into())))?;
                w.write_row_group(rg.num_rows() as u64, &columns)
                    .map_err(write_err)?;
                #[cfg(test)]
                RAW_GROUPS.with(|c| c.set(c.get() + 1));
            }
            continue;
        }
        let mut done = 0;
        while done < rows {
            let len = (rows - done).min(row_group());
            let df = match (new, base, scratch, &old) {
                (true, _, Some(s), _) => read_rows(s, first + done, len)?,
                (false, _, _, Some(t)) => read_rows(t, first + done, len)?,
                (false, Base::Frame(f), _, _) => {
                    let df = f.slice((first + done) as i64, len);
                    if df.height() != len {
                        return Err(mismatch(path, format!("source {id} is missing rows")));
                    }
                    conform(&df).map_err(|e| read_err(path, e))?
                }
                _ => return Err(mismatch(path, format!("source {id} has no rows"))),
            };
            check_source(&df, id).map_err(|detail| mismatch(path, detail))?;
            w.write_batch(&df).map_err(write_err)?;
            done += len;
        }
    }
    w.finish().map_err(write_err)?;
    Ok(())
}

/// The `source_id` column of rows `first..first + rows` of a table.
fn source_ids(table: &Table, first: usize, rows: usize) -> Result<DataFrame, StoreError> {
    table
        .reader()?
        .with_columns(Some(vec!["source_id".into()]))
        .with_slice(Some((first, rows)))
        .finish()
        .map_err(|e| read_err(&table.path, e))
}

/// Every row of `df` belongs to `source_id`.
fn check_source(df: &DataFrame, source_id: &str) -> Result<(), String> {
    let col = df
        .column("source_id")
        .and_then(|c| c.str().cloned())
        .map_err(|e| e.to_string())?;
    match col.iter().find(|s| *s != Some(source_id)) {
        None => Ok(()),
        Some(other) => Err(format!(
            "rows of source {} stand where source {source_id}'s were expected",
            other.unwrap_or("(none)")
        )),
    }
}

/// New segments on their way to a scratch Parquet file: a row group is
/// built here while a writer thread encodes and writes the previous one.
pub struct SegmentSink {
    frame: SegmentFrameBuilder,
    group: usize,
    in_frame: usize,
    total: usize,
    /// The sources written, in order.
    written: Vec<Written>,
    file: Option<tempfile::NamedTempFile>,
    tx: Option<SyncSender<DataFrame>>,
    worker: Option<JoinHandle<PolarsResult<()>>>,
    table: PathBuf,
    /// A row group that could not be built (reported by `finish`).
    failed: Option<StoreError>,
    /// The scratch file's first write error.
    write_failed: Failed,
    /// The directory, when the sink created it (removed again if the
    /// import fails).
    made_dir: Option<PathBuf>,
}

impl SegmentSink {
    fn new(dir: &Path, table: &Path) -> Result<Self, StoreError> {
        let made_dir = (!dir.is_dir()).then(|| dir.to_owned());
        std::fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, "create directory", e))?;
        // It may become the table itself: shareable as the umask allows,
        // like every other table.
        let file = super::atomic::temporary_in(dir, 0o666)?;
        let out = file
            .as_file()
            .try_clone()
            .map_err(|e| StoreError::io(table, "write", e))?;
        let (out, write_failed) = Watched::new(out);
        // The writer takes a row group when done with the last: two in memory.
        let (tx, rx) = sync_channel::<DataFrame>(0);
        let worker = std::thread::Builder::new()
            .name("segments-writer".into())
            .spawn(move || {
                let mut w = writer(out)?;
                for df in rx {
                    w.write_batch(&df)?;
                }
                w.finish().map(|_| ())
            })
            .map_err(|e| StoreError::io(table, "write", e))?;
        Ok(SegmentSink {
            frame: SegmentFrameBuilder::default(),
            group: row_group(),
            in_frame: 0,
            total: 0,
            written: Vec::new(),
            file: Some(file),
            tx: Some(tx),
            worker: Some(worker),
            table: table.to_owned(),
            failed: None,
            write_failed,
            made_dir,
        })
    }

    /// Starts a source: its rows follow, until the next `begin`.
    pub fn begin(&mut self, source_id: &str) {
        self.flush();
        self.written.push(Written {
            source: source_id.to_owned(),
            first: self.total,
            rows: 0,
            wanted: true,
        });
    }

    /// Rows of the current source so far.
    pub fn rows(&self) -> usize {
        self.written.last().map_or(0, |w| w.rows)
    }

    /// Appends a segment of the current source.
    pub fn push(&mut self, s: &Segment) {
        self.push_ref(s.into());
    }

    /// Appends a segment of the current source, given its fields.
    pub fn push_ref(&mut self, s: tables::SegmentRef<'_>) {
        self.frame.push(s);
        self.in_frame += 1;
        self.total += 1;
        if let Some(last) = self.written.last_mut() {
            last.rows += 1;
        }
        if self.in_frame == self.group {
            self.flush();
        }
    }

    /// Hands the rows built so far to the writer.
    fn flush(&mut self) {
        if self.in_frame == 0 {
            return;
        }
        self.in_frame = 0;
        let frame = std::mem::take(&mut self.frame);
        match frame.finish() {
            Ok(df) => {
                // A closed channel means the writer failed: `finish` says why.
                if let Some(tx) = &self.tx
                    && tx.send(df).is_err()
                {
                    self.tx = None;
                }
            }
            Err(e) => {
                self.failed
                    .get_or_insert(write_err(&self.table, e, &self.write_failed));
                self.tx = None;
            }
        }
    }

    /// Writes what is left and the file's footer.
    fn finish(mut self) -> Result<Scratch, StoreError> {
        self.flush();
        drop(self.tx.take());
        let written = match self.worker.take().map(JoinHandle::join) {
            Some(Ok(r)) => r.map_err(|e| write_err(&self.table, e, &self.write_failed)),
            Some(Err(_)) => Err(StoreError::Table {
                path: self.table.display().to_string(),
                message: "the segments writer stopped".into(),
            }),
            None => Ok(()),
        };
        if let Some(e) = self.failed.take() {
            return Err(e);
        }
        written?;
        let file = self.file.take().ok_or_else(|| StoreError::Table {
            path: self.table.display().to_string(),
            message: "the segments scratch file is gone".into(),
        })?;
        Ok(Scratch {
            file,
            written: std::mem::take(&mut self.written),
            total: self.total,
        })
    }
}

impl Drop for SegmentSink {
    fn drop(&mut self) {
        // An import that failed: stop the writer before its file goes.
        drop(self.tx.take());
        if let Some(w) = self.worker.take() {
            let _ = w.join();
        }
        drop(self.file.take());
        if let Some(d) = &self.made_dir {
            // Only if empty: nothing else was written there.
            let _ = std::fs::remove_dir(d);
        }
    }
}

/// A source's rows in the scratch file.
struct Written {
    source: String,
    first: usize,
    rows: usize,
    /// False once the source is removed (imported again).
    wanted: bool,
}

/// A finished scratch file and the sources it holds.
struct Scratch {
    file: tempfile::NamedTempFile,
    written: Vec<Written>,
    total: usize,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::spec::SourceSpec;
    use crate::store::Workspace;
    use crate::store::import::{Mode, import_file, rebuild};
    use crate::store::workspace::SEGMENTS;

    /// A grid of `n` recommendations whose texts start with `tag`.
    fn grid(dir: &Path, name: &str, tag: &str, n: usize) -> PathBuf {
        let mut text = String::from("id,text\n");
        for i in 0..n {
            text.push_str(&format!("{i},{tag} proposal number {i}\n"));
        }
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        path
    }

    fn spec(group: &str) -> SourceSpec {
        SourceSpec {
            kind: "grid".into(),
            group: Some(group.into()),
            grid_kind: Some("recommendations".into()),
            text_columns: vec!["text".into()],
            id_column: Some("id".into()),
            ..SourceSpec::default()
        }
    }

    fn import(dir: &Path, file: &Path, group: &str, mode: Mode) {
        let mut ws = Workspace::open_for_import(dir).unwrap();
        import_file(&mut ws, file, spec(group), mode).unwrap();
        ws.save().unwrap();
    }

    fn table(dir: &Path) -> Vec<u8> {
        std::fs::read(dir.join(SEGMENTS)).unwrap()
    }

    /// The table `run` would write: every source read again.
    fn rebuilt(dir: &Path) -> Vec<u8> {
        let mut ws = Workspace::open_manifest(dir).unwrap();
        rebuild(&mut ws, &mut |_, _, _| {}).unwrap();
        ws.save().unwrap();
        table(dir)
    }

    fn texts(dir: &Path) -> Vec<String> {
        let ws = Workspace::open(dir).unwrap();
        let t = ws.tables.segment_strs("text").unwrap();
        t.into_iter().map(str::to_owned).collect()
    }

    fn study() -> tempfile::TempDir {
        TEST_ROW_GROUP.with(|c| c.set(3));
        let dir = tempfile::tempdir().unwrap();
        Workspace::init(dir.path(), "t", "en").unwrap();
        dir
    }

    #[test]
    fn imports_one_by_one_write_the_bytes_of_a_rebuild() {
        let dir = study();
        let d = dir.path();
        let files = [
            grid(d, "a.csv", "alpha", 7),
            grid(d, "b.csv", "beta", 5),
            grid(d, "c.csv", "gamma", 1),
        ];
        for (f, g) in files.iter().zip(["A", "B", "C"]) {
            import(d, f, g, Mode::Once);
        }
        let step_by_step = table(d);
        let t = texts(d);
        assert_eq!(t.len(), 13);
        assert_eq!(t[0], "alpha proposal number 0");
        assert_eq!(t[7], "beta proposal number 0");
        assert_eq!(t[12], "gamma proposal number 0");
        // Several row groups per source, cut from the source's first row.
        let mut f = File::open(d.join(SEGMENTS)).unwrap();
        let groups = ParquetReader::new(&mut f)
            .get_metadata()
            .unwrap()
            .row_groups
            .iter()
            .map(|g| g.num_rows())
            .collect::<Vec<_>>();
        assert_eq!(groups, [3, 3, 1, 3, 2, 1]);
        assert_eq!(rebuilt(d), step_by_step);
        // No scratch file is left behind.
        let left: Vec<_> = std::fs::read_dir(d.join("data"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".tmp"))
            .collect();
        assert!(left.is_empty(), "{left:?}");
    }

    /// Row groups copied as their pages while `f` runs.
    fn raw_groups(f: impl FnOnce()) -> usize {
        RAW_GROUPS.with(|c| c.set(0));
        f();
        RAW_GROUPS.with(|c| c.get())
    }

    #[test]
    fn kept_row_groups_are_copied_as_their_pages() {
        let dir = study();
        let d = dir.path();
        let a = grid(d, "a.csv", "alpha", 7);
        let b = grid(d, "b.csv", "beta", 5);
        let c = grid(d, "c.csv", "gamma", 4);
        import(d, &a, "A", Mode::Once);
        // A's 3 row groups from the table, B's 2 from the scratch file.
        assert_eq!(raw_groups(|| import(d, &b, "B", Mode::Once)), 3 + 2);
        // And C's 2.
        assert_eq!(raw_groups(|| import(d, &c, "C", Mode::Once)), 7);
        let t = texts(d);
        assert_eq!(t.len(), 16);
        assert_eq!(t[7], "beta proposal number 0");
        assert_eq!(t[15], "gamma proposal number 3");
        let copied = table(d);
        assert_eq!(rebuilt(d), copied);
    }

    #[test]
    fn copied_row_groups_are_checked_against_their_source() {
        let dir = study();
        let d = dir.path();
        import(d, &grid(d, "a.csv", "alpha", 3), "A", Mode::Once);
        import(d, &grid(d, "b.csv", "beta", 3), "B", Mode::Once);
        let ids: Vec<String> = Workspace::open(d)
            .unwrap()
            .tables
            .sources
            .iter()
            .map(|s| s.id.clone())
            .collect();
        // B's rows asked for where A's stand: a whole row group, copied
        // as its pages, still checked.
        let path = d.join(SEGMENTS);
        let pieces = [Piece {
            source: &ids[1],
            new: false,
            first: 0,
            rows: 3,
        }];
        let out = tempfile::tempfile().unwrap();
        let copied = raw_groups(|| {
            let e = copy(&pieces, &Base::File(path.clone()), None, &path, &out).unwrap_err();
            assert!(e.to_string().contains("stand where"), "{e}");
        });
        assert_eq!(copied, 0);
    }

    #[test]
    fn row_groups_cut_otherwise_are_written_again() {
        let dir = study();
        let d = dir.path();
        let a = grid(d, "a.csv", "alpha", 7);
        let b = grid(d, "b.csv", "beta", 5);
        // A table written with groups of 2 rows (another version's): its
        // rows are decoded and cut again, the new ones copied.
        TEST_ROW_GROUP.with(|c| c.set(2));
        import(d, &a, "A", Mode::Once);
        TEST_ROW_GROUP.with(|c| c.set(3));
        assert_eq!(raw_groups(|| import(d, &b, "B", Mode::Once)), 2);
        assert_eq!(texts(d).len(), 12);
        let written = table(d);
        assert_eq!(rebuilt(d), written);
    }

    #[test]
    fn a_table_in_other_columns_is_written_again() {
        let dir = study();
        let d = dir.path();
        let a = grid(d, "a.csv", "alpha", 4);
        let b = grid(d, "b.csv", "beta", 2);
        import(d, &a, "A", Mode::Once);
        // An older table, without an optional column.
        let path = d.join(SEGMENTS);
        let mut df = ParquetReader::new(File::open(&path).unwrap())
            .finish()
            .unwrap();
        let dropped = tables::OPTIONAL_SEGMENT_COLUMNS[0];
        df = df.drop(dropped).unwrap();
        ParquetWriter::new(File::create(&path).unwrap())
            .finish(&mut df)
            .unwrap();
        assert_eq!(raw_groups(|| import(d, &b, "B", Mode::Once)), 1);
        let t = texts(d);
        assert_eq!(t.len(), 6);
        assert_eq!(t[3], "alpha proposal number 3");
        assert_eq!(t[5], "beta proposal number 1");
        let written = table(d);
        assert_eq!(rebuilt(d), written);
    }

    #[test]
    fn a_source_imported_again_keeps_its_place() {
        let dir = study();
        let d = dir.path();
        let a = grid(d, "a.csv", "alpha", 4);
        let b = grid(d, "b.csv", "beta", 4);
        let c = grid(d, "c.csv", "gamma", 2);
        for (f, g) in [(&a, "A"), (&b, "B"), (&c, "C")] {
            import(d, f, g, Mode::Once);
        }
        grid(d, "b.csv", "delta", 8);
        import(d, &b, "B", Mode::Replace);
        let t = texts(d);
        assert_eq!(t.len(), 14);
        assert_eq!(t[3], "alpha proposal number 3");
        assert_eq!(t[4], "delta proposal number 0");
        assert_eq!(t[11], "delta proposal number 7");
        assert_eq!(t[12], "gamma proposal number 0");
        let replaced = table(d);
        assert_eq!(rebuilt(d), replaced);
    }

    #[test]
    fn a_study_opened_whole_imports_the_same_table() {
        let dir = study();
        let d = dir.path();
        let a = grid(d, "a.csv", "alpha", 4);
        let b = grid(d, "b.csv", "beta", 5);
        import(d, &a, "A", Mode::Once);
        let mut ws = Workspace::open(d).unwrap();
        import_file(&mut ws, &b, spec("B"), Mode::Once).unwrap();
        ws.save().unwrap();
        let whole = table(d);
        assert_eq!(texts(d).len(), 9);
        assert_eq!(rebuilt(d), whole);
    }

    #[test]
    fn a_failed_import_changes_nothing_and_leaves_no_scratch_file() {
        let dir = study();
        let d = dir.path();
        let a = grid(d, "a.csv", "alpha", 4);
        import(d, &a, "A", Mode::Once);
        let before = table(d);
        let bad = d.join("bad.csv");
        std::fs::write(&bad, "id,text\n1,fine\n2,\"never closed\n").unwrap();
        let mut ws = Workspace::open_for_import(d).unwrap();
        let e = import_file(&mut ws, &bad, spec("B"), Mode::Once).unwrap_err();
        assert!(e.to_string().contains("bad.csv:3"), "{e}");
        drop(ws);
        assert_eq!(table(d), before);
        let names: Vec<_> = std::fs::read_dir(d.join("data"))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(names.iter().all(|n| !n.ends_with(".tmp")), "{names:?}");
    }

    #[test]
    fn a_table_that_disagrees_with_its_sources_is_an_error() {
        let dir = study();
        let d = dir.path();
        let a = grid(d, "a.csv", "alpha", 4);
        import(d, &a, "A", Mode::Once);
        let mut ws = Workspace::open(d).unwrap();
        ws.tables.sources[0].segments = 5;
        let e = SegmentPlan::on_disk(&d.join(SEGMENTS), &ws.tables.sources)
            .unwrap_err()
            .to_string();
        assert!(e.contains("4 rows, the sources table counts 5"), "{e}");
        assert!(e.contains("qualsynth run"), "{e}");
    }
}
