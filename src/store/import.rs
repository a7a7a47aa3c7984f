//! Importing files into a workspace and rebuilding it from its manifest.
//! Everything happens in memory; the caller saves once all files succeed.

use std::path::Path;

use sha2::{Digest, Sha256};

use crate::corpus::ingest::{Ingester, SourceContext, slug};
use crate::corpus::spec::SourceSpec;
use crate::corpus::{Participant, Source};

use super::segfile::{SegmentPlan, SegmentSink};
use super::tables::{SegmentRef, Tables};
use super::{StoreError, Workspace, relative_path};

/// What an import did with one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// A new source.
    Imported {
        /// Its id.
        source_id: String,
        /// Segments it gave.
        segments: usize,
        /// Participants it named.
        participants: usize,
    },
    /// A changed source re-imported with `--replace`.
    Replaced {
        /// Its id.
        source_id: String,
        /// Segments it now gives.
        segments: usize,
        /// Participants it names.
        participants: usize,
    },
    /// The same file (same path and content) was already imported.
    Unchanged {
        /// Its id.
        source_id: String,
    },
    /// The same content was already imported from another path.
    Duplicate {
        /// The source holding that content.
        source_id: String,
        /// Its path.
        path: String,
    },
}

/// What to do with a file whose path the study already imports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Mode {
    /// Nothing if it is the same file read the same way; an error if the
    /// file or the options changed.
    #[default]
    Once,
    /// Re-import it with the options given, under the same source id.
    Replace,
    /// Import it once more as another source (another reading of the same
    /// file: other columns, another kind), unless that reading is there.
    Add,
}

/// `sha256:` and the hex digest.
pub fn content_hash(bytes: &[u8]) -> String {
    let mut h = ContentHasher::default();
    h.update(bytes);
    h.finish()
}

/// [`content_hash`] of bytes fed in pieces, without gathering them first.
#[derive(Default)]
pub struct ContentHasher(Sha256);

impl ContentHasher {
    /// Feeds more bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// `sha256:` and the hex digest of every byte fed.
    pub fn finish(self) -> String {
        let digest = self.0.finalize();
        let mut s = String::with_capacity(7 + 64);
        s.push_str("sha256:");
        for b in digest.iter() {
            s.push_str(&format!("{b:02x}"));
        }
        s
    }
}

fn read(path: &Path) -> Result<Vec<u8>, StoreError> {
    std::fs::read(path).map_err(|e| StoreError::io(path, "read", e))
}

/// A file's [`content_hash`], read in pieces (a large file is never held).
fn hash_file(path: &Path) -> Result<String, StoreError> {
    use std::io::Read;
    let err = |e| StoreError::io(path, "read", e);
    let mut f = std::fs::File::open(path).map_err(err)?;
    let mut h = ContentHasher::default();
    let mut buf = vec![0u8; 1 << 16];
    loop {
        let n = f.read(&mut buf).map_err(err)?;
        if n == 0 {
            return Ok(h.finish());
        }
        h.update(&buf[..n]);
    }
}

/// How much of a file is read before choosing how to read it: files
/// larger than this are streamed when their format allows (CSV grids),
/// smaller ones read whole.
const HEAD: u64 = 1 << 20;

/// Imports one file. `spec.path` is ignored: the path is recorded relative
/// to the study directory. `shown` is the path as the user wrote it.
pub fn import_file(
    ws: &mut Workspace,
    file: &Path,
    mut spec: SourceSpec,
    mode: Mode,
) -> Result<Outcome, StoreError> {
    let shown = file.display().to_string();
    let hash = hash_file(file)?;
    spec.path = relative_path(&ws.dir, file);
    spec.hash = Some(hash.clone());
    spec.validate().map_err(|e| {
        StoreError::Input(crate::corpus::ParseError::file(e.to_string()).in_file(&shown))
    })?;

    let sources = &ws.manifest.manifest.sources;
    let same_path: Vec<usize> = (0..sources.len())
        .filter(|&i| sources[i].path == spec.path)
        .collect();
    let id_of = |ws: &Workspace, i: usize| {
        ws.manifest.manifest.sources[i]
            .id
            .clone()
            .unwrap_or_else(|| {
                ws.tables
                    .sources
                    .get(i)
                    .map(|s| s.id.clone())
                    .unwrap_or_default()
            })
    };
    // The same file read the same way: nothing to do (but --replace,
    // which re-reads it).
    if mode != Mode::Replace
        && let Some(&i) = same_path.iter().find(|&&i| {
            let mut same = spec.clone();
            same.id = sources[i].id.clone();
            same == sources[i]
        })
    {
        return Ok(Outcome::Unchanged {
            source_id: id_of(ws, i),
        });
    }
    match (mode, same_path.as_slice()) {
        (Mode::Once, [first, ..]) => {
            return Err(if sources[*first].hash.as_deref() != Some(hash.as_str()) {
                StoreError::Changed { path: shown }
            } else {
                StoreError::OptionsDiffer { path: shown }
            });
        }
        // Another reading of a file that changed since: the older readings
        // would disagree with it; `run` re-reads them all first.
        (Mode::Add, [first, ..]) if sources[*first].hash.as_deref() != Some(hash.as_str()) => {
            return Err(StoreError::Changed { path: shown });
        }
        (Mode::Replace, [_, _, ..]) => {
            return Err(StoreError::Ambiguous {
                path: shown,
                ids: same_path
                    .iter()
                    .map(|&i| id_of(ws, i))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
        }
        (Mode::Replace, [i]) => {
            let (i, id) = (*i, id_of(ws, *i));
            spec.id = Some(id.clone());
            // Forgotten first: the new rows are written as they are read.
            segment_plan(ws)?.remove(&id);
            let parsed = parse_source(ws, &spec, file, &shown)?;
            ws.tables.remove_source(&id).map_err(|e| table_err(ws, e))?;
            let (segments, participants) = (parsed.rows, parsed.participants.len());
            add(ws, parsed)?;
            ws.manifest.set_source(i, spec);
            let order: Vec<String> = manifest_ids(ws);
            ws.tables.order_by(&order).map_err(|e| table_err(ws, e))?;
            return Ok(Outcome::Replaced {
                source_id: id,
                segments,
                participants,
            });
        }
        _ => {}
    }
    if mode != Mode::Add
        && let Some(s) = ws.tables.sources.iter().find(|s| s.hash == hash)
    {
        return Ok(Outcome::Duplicate {
            source_id: s.id.clone(),
            path: s.path.clone(),
        });
    }
    let id = match &spec.id {
        Some(id) => id.clone(),
        None => fresh_id(ws, &spec),
    };
    spec.id = Some(id.clone());
    let parsed = parse_source(ws, &spec, file, &shown)?;
    let (segments, participants) = (parsed.rows, parsed.participants.len());
    add(ws, parsed)?;
    ws.manifest.push_source(spec);
    Ok(Outcome::Imported {
        source_id: id,
        segments,
        participants,
    })
}

/// What a rebuild found.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rebuilt {
    /// Sources whose content changed since the manifest recorded them.
    pub changed: Vec<String>,
}

/// Rebuilds every table from the manifest alone, reading each source again.
/// `progress` is told `(done, total, path)` before each source.
pub fn rebuild(
    ws: &mut Workspace,
    progress: &mut dyn FnMut(usize, usize, &str),
) -> Result<Rebuilt, StoreError> {
    let mut out = Rebuilt::default();
    ws.tables = Tables::default();
    ws.segment_plan = Some(SegmentPlan::empty());
    let specs = ws.manifest.manifest.sources.clone();
    for (i, mut spec) in specs.into_iter().enumerate() {
        progress(i, ws.manifest.manifest.sources.len(), &spec.path);
        let file = ws.dir.join(&spec.path);
        let hash = hash_file(&file)?;
        let id = match &spec.id {
            Some(id) => id.clone(),
            None => fresh_id(ws, &spec),
        };
        let mut updated = spec.clone();
        if spec.hash.as_deref() != Some(hash.as_str()) {
            if spec.hash.is_some() {
                out.changed.push(spec.path.clone());
            }
            updated.hash = Some(hash.clone());
            ws.manifest.set_source(i, updated);
        }
        spec.id = Some(id);
        spec.hash = Some(hash);
        let parsed = parse_source(ws, &spec, &file, &file.display().to_string())?;
        add(ws, parsed)?;
    }
    Ok(out)
}

fn manifest_ids(ws: &Workspace) -> Vec<String> {
    ws.manifest
        .manifest
        .sources
        .iter()
        .filter_map(|s| s.id.clone())
        .collect()
}

/// A new id from the group and file stem, unique in the study.
fn fresh_id(ws: &Workspace, spec: &SourceSpec) -> String {
    let stem = Path::new(&spec.path)
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let base = match &spec.group {
        Some(g) => format!("{}-{}", slug(g), slug(&stem)),
        None => slug(&stem),
    };
    let taken = |id: &str| {
        ws.tables.sources.iter().any(|s| s.id == id)
            || ws
                .manifest
                .manifest
                .sources
                .iter()
                .any(|s| s.id.as_deref() == Some(id))
    };
    if !taken(&base) {
        return base;
    }
    (2..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken(id))
        .unwrap_or(base)
}

/// A source read and given ids, ready to be added to the tables (its
/// segments are in the plan's sink).
struct ParsedRows {
    source: Source,
    rows: usize,
    participants: Vec<Participant>,
    groups: std::collections::BTreeSet<String>,
}

fn table_err(ws: &Workspace, e: polars::prelude::PolarsError) -> StoreError {
    StoreError::Table {
        path: ws
            .dir
            .join(super::workspace::SEGMENTS)
            .display()
            .to_string(),
        message: format!("cannot update the segments table: {e}"),
    }
}

fn add(ws: &mut Workspace, p: ParsedRows) -> Result<(), StoreError> {
    ws.tables
        .add_source(p.source, p.rows, p.participants, &p.groups);
    Ok(())
}

/// The workspace's segment plan: a workspace opened with its segments in
/// memory hands them to one first.
fn segment_plan(ws: &mut Workspace) -> Result<&mut SegmentPlan, StoreError> {
    if ws.segment_plan.is_none() {
        let empty = crate::store::tables::segments_frame(&[]).map_err(|e| table_err(ws, e))?;
        let df = std::mem::replace(&mut ws.tables.segments, empty);
        ws.segment_plan = Some(SegmentPlan::in_memory(df, &ws.tables.sources));
    }
    Ok(ws.segment_plan.as_mut().expect("just made"))
}

/// Parses a source and gives its segments ids, streaming them to the
/// plan's scratch table: a large CSV grid straight from the file, other
/// files from their bytes. With pseudonymisation the segments are first
/// collected, since every speaker needs a pseudonym before any text is
/// scrubbed. `spec.hash` is the file's hash.
fn parse_source(
    ws: &mut Workspace,
    spec: &SourceSpec,
    file: &Path,
    shown: &str,
) -> Result<ParsedRows, StoreError> {
    let lang = spec
        .lang
        .clone()
        .unwrap_or_else(|| ws.manifest.manifest.study.lang.clone());
    let id = spec.id.clone().unwrap_or_default();
    // Checked by `validate` before any file is read.
    let roles = spec.role_map().unwrap_or_default();
    let ctx = SourceContext {
        roles: &roles,
        source_id: &id,
        group: spec.group.as_deref(),
        session: spec.session.as_deref(),
        lang: &lang,
        pseudonymize: spec.pseudonymize,
    };
    let (dir, table) = (ws.dir.join("data"), ws.dir.join(super::workspace::SEGMENTS));
    segment_plan(ws)?;
    let plan = ws.segment_plan.as_mut().expect("made above");
    let frame = plan.sink(&dir, &table)?;
    frame.begin(&id);
    let key = &mut ws.key;
    let streamed = if spec.pseudonymize {
        None
    } else {
        stream_source(spec, file, shown, &ctx, key, frame)?
    };
    let (format, encoding, ingester) = match streamed {
        Some(read) => read,
        None => {
            let bytes = read(file)?;
            if spec.pseudonymize {
                let parsed = spec.parse(shown, &bytes).map_err(|e| e.in_file(shown))?;
                for s in parsed.segments.iter().filter_map(|s| s.speaker.as_deref()) {
                    key.pseudonym(s);
                }
                let mut ing = Ingester::new(ctx, key);
                for raw in parsed.segments {
                    frame.push(&ing.push(raw, key).map_err(|e| e.in_file(shown))?);
                }
                (parsed.format, parsed.encoding, ing)
            } else {
                let mut ing = Ingester::new(ctx, key);
                let (format, encoding) = spec
                    .parse_into(shown, &bytes, &mut |raw| {
                        frame.push(&ing.push(raw, key)?);
                        Ok(())
                    })
                    .map_err(|e| e.in_file(shown))?;
                (format, encoding, ing)
            }
        }
    };
    let rows = frame.rows();
    let (participants, groups) = ingester.finish();
    let source = Source {
        id: id.clone(),
        path: spec.path.clone(),
        kind: spec.kind.clone(),
        format: format.to_owned(),
        groups: Vec::new(),
        session: spec.session.clone(),
        lang,
        encoding: encoding.map(str::to_owned),
        hash: spec.hash.clone().unwrap_or_default(),
        segments: 0,
    };
    Ok(ParsedRows {
        source,
        rows,
        participants,
        groups,
    })
}

/// What reading a source gave: its format and encoding, and the
/// ingester that saw its segments.
type Read<'a> = (&'static str, Option<&'static str>, Ingester<'a>);

/// Reads a file larger than [`HEAD`] as a stream when its format allows;
/// `None` when it has to be read whole.
fn stream_source<'a>(
    spec: &SourceSpec,
    file: &Path,
    shown: &str,
    ctx: &SourceContext<'a>,
    key: &mut crate::corpus::pseudonym::PseudonymKey,
    frame: &mut SegmentSink,
) -> Result<Option<Read<'a>>, StoreError> {
    use std::io::Read as _;
    let err = |e| StoreError::io(file, "read", e);
    let mut f = std::fs::File::open(file).map_err(err)?;
    let mut head = Vec::new();
    (&mut f).take(HEAD).read_to_end(&mut head).map_err(err)?;
    if (head.len() as u64) < HEAD {
        return Ok(None);
    }
    let mut rows = RowsInto {
        ing: Ingester::new(ctx.clone(), key),
        key,
        frame,
        id: String::new(),
    };
    let read = spec
        .parse_stream_into(shown, &head, std::io::BufReader::new(f), &mut rows)
        .map_err(|e| e.in_file(shown))?;
    // Whether a file streams is known from its head, before any row.
    debug_assert!(read.is_some() || rows.frame.rows() == 0);
    Ok(read.map(|(format, encoding)| (format, encoding, rows.ing)))
}

/// A streamed grid's rows into the segments table: each row's group and
/// participant are looked up once, and its items appended as they are
/// (no segment made per item).
struct RowsInto<'s, 'a> {
    ing: Ingester<'a>,
    key: &'s mut crate::corpus::pseudonym::PseudonymKey,
    frame: &'s mut SegmentSink,
    /// The segment id being appended.
    id: String,
}

impl crate::corpus::grid::RowSink for RowsInto<'_, '_> {
    fn row(
        &mut self,
        row: crate::corpus::grid::GridRow<'_>,
    ) -> Result<(), crate::corpus::ParseError> {
        use std::fmt::Write as _;
        let t = row.template();
        let ids = self.ing.row(
            t.group.as_deref(),
            t.speaker.as_deref(),
            t.role,
            &t.participant_attributes,
            self.key,
        )?;
        let ctx = self.ing.context();
        let (source_id, session, lang) = (ctx.source_id, ctx.session, ctx.lang);
        for item in row.items() {
            let position = self.ing.next_position();
            self.id.clear();
            let _ = write!(self.id, "{source_id}:{position}");
            let text = self.ing.scrub(&item.text);
            let attributes = row.attributes(item);
            self.frame.push_ref(SegmentRef {
                id: &self.id,
                source_id,
                group: &ids.group,
                session,
                participant_id: ids.participant_id.as_deref(),
                position,
                key: t.key.as_deref(),
                line: t.line,
                time_ms: t.time_ms,
                kind: t.kind,
                question: Some(row.question(item)),
                lang,
                text: &text,
                votes: t.votes,
                priority: t.priority.as_deref(),
                owner: t.owner.as_deref(),
                deadline: t.deadline.as_deref(),
                indicator: t.indicator.as_deref(),
                attributes: &attributes,
                method: t.method.as_deref(),
                part: row.part(item),
            });
        }
        Ok(())
    }
}
