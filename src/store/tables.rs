//! The workspace tables as Parquet files, through polars: rows in, bytes
//! out, and back. Column names and types are the documented schema that
//! polars, pandas, DuckDB and R arrow read.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use polars::prelude::*;

use crate::corpus::ingest::{attrs_json, parse_attrs};
use crate::corpus::{Participant, Role, Segment, SegmentKind, Source};
use crate::rows::{Cell, read_column};

/// The study's three tables in memory: sources and participants as rows
/// (they are few), segments as a polars frame (they can be millions).
#[derive(Debug, Clone)]
pub struct Tables {
    /// Sources, in manifest order.
    pub sources: Vec<Source>,
    /// Participants, sorted by id.
    pub participants: Vec<Participant>,
    /// Segments (the schema of [`segments_frame`]), grouped by source in
    /// manifest order, then by position.
    pub segments: DataFrame,
}

impl Default for Tables {
    fn default() -> Self {
        Tables {
            sources: Vec::new(),
            participants: Vec::new(),
            segments: segments_frame(&[]).unwrap_or_default(),
        }
    }
}

impl Tables {
    /// Removes a source and everything that came only from it.
    pub fn remove_source(&mut self, source_id: &str) -> PolarsResult<()> {
        self.sources.retain(|s| s.id != source_id);
        let keep: BooleanChunked = self
            .segments
            .column("source_id")?
            .str()?
            .iter()
            .map(|s| s != Some(source_id))
            .collect();
        self.segments = self.segments.filter(&keep)?;
        for p in &mut self.participants {
            p.sources.retain(|s| s != source_id);
        }
        self.participants.retain(|p| !p.sources.is_empty());
        Ok(())
    }

    /// Adds a source of `segments` rows (written to the segment plan) and
    /// its participants (after any old version was removed).
    pub fn add_source(
        &mut self,
        mut source: Source,
        segments: usize,
        participants: Vec<Participant>,
        groups: &BTreeSet<String>,
    ) {
        source.segments = segments as u32;
        source.groups = groups.iter().cloned().collect();
        self.sources.push(source);
        let index: HashMap<String, usize> = self
            .participants
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.clone(), i))
            .collect();
        for new in participants {
            match index.get(&new.id).map(|&i| &mut self.participants[i]) {
                Some(p) => {
                    let mut attrs = parse_attrs(&p.attributes);
                    attrs.extend(parse_attrs(&new.attributes));
                    p.attributes = attrs_json(&attrs);
                    let mut sources: BTreeSet<String> = p.sources.drain(..).collect();
                    sources.extend(new.sources);
                    p.sources = sources.into_iter().collect();
                    if p.role == Role::Participant {
                        p.role = new.role;
                    }
                }
                None => self.participants.push(new),
            }
        }
        self.participants.sort_by(|a, b| a.id.cmp(&b.id));
    }

    /// Puts sources and segments in manifest order (stable output).
    pub fn order_by(&mut self, source_order: &[String]) -> PolarsResult<()> {
        let rank: BTreeMap<&str, usize> = source_order
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        let key = |id: &str| rank.get(id).copied().unwrap_or(usize::MAX);
        self.sources.sort_by_key(|s| key(&s.id));
        let ids = self.segments.column("source_id")?.str()?.clone();
        let pos = self.segments.column("position")?.u32()?.clone();
        let mut order: Vec<(usize, u32, IdxSize)> = ids
            .iter()
            .zip(pos.iter())
            .enumerate()
            .map(|(i, (s, p))| (key(s.unwrap_or("")), p.unwrap_or(0), i as IdxSize))
            .collect();
        if order
            .windows(2)
            .all(|w| (w[0].0, w[0].1) <= (w[1].0, w[1].1))
        {
            return Ok(());
        }
        order.sort_unstable();
        let idx = IdxCa::from_vec("idx".into(), order.into_iter().map(|o| o.2).collect());
        self.segments = self.segments.take(&idx)?;
        Ok(())
    }

    /// Number of segments.
    pub fn segment_count(&self) -> usize {
        self.segments.height()
    }

    /// A string column of the segments, borrowed (nulls as "").
    pub fn segment_strs(&self, name: &str) -> PolarsResult<Vec<&str>> {
        Ok(self
            .segments
            .column(name)?
            .str()?
            .iter()
            .map(|v| v.unwrap_or(""))
            .collect())
    }

    /// `(text, lang)` of every segment, in table order: what the coder needs.
    pub fn segment_docs(&self) -> PolarsResult<Vec<(&str, &str)>> {
        let texts = self.segment_strs("text")?;
        let langs = self.segment_strs("lang")?;
        Ok(texts.into_iter().zip(langs).collect())
    }
}

/// A segment's fields, borrowed: what [`SegmentFrameBuilder`] appends. A
/// grid row's items share all but their text, question, part and
/// attributes, so they are appended without a [`Segment`] each.
#[derive(Debug, Clone, Copy)]
pub struct SegmentRef<'a> {
    pub id: &'a str,
    pub source_id: &'a str,
    pub group: &'a str,
    pub session: Option<&'a str>,
    pub participant_id: Option<&'a str>,
    pub position: u32,
    pub key: Option<&'a str>,
    pub line: Option<u64>,
    pub time_ms: Option<u64>,
    pub kind: SegmentKind,
    pub question: Option<&'a str>,
    pub lang: &'a str,
    pub text: &'a str,
    pub votes: Option<i64>,
    pub priority: Option<&'a str>,
    pub owner: Option<&'a str>,
    pub deadline: Option<&'a str>,
    pub indicator: Option<&'a str>,
    pub attributes: &'a str,
    pub method: Option<&'a str>,
    pub part: Option<&'a str>,
}

impl<'a> From<&'a Segment> for SegmentRef<'a> {
    fn from(r: &'a Segment) -> Self {
        SegmentRef {
            id: &r.id,
            source_id: &r.source_id,
            group: &r.group,
            session: r.session.as_deref(),
            participant_id: r.participant_id.as_deref(),
            position: r.position,
            key: r.key.as_deref(),
            line: r.line,
            time_ms: r.time_ms,
            kind: r.kind,
            question: r.question.as_deref(),
            lang: &r.lang,
            text: &r.text,
            votes: r.votes,
            priority: r.priority.as_deref(),
            owner: r.owner.as_deref(),
            deadline: r.deadline.as_deref(),
            indicator: r.indicator.as_deref(),
            attributes: &r.attributes,
            method: r.method.as_deref(),
            part: r.part.as_deref(),
        }
    }
}

/// Builds a segments frame one segment at a time, holding strings in
/// polars' compact buffers rather than as one allocation each.
pub struct SegmentFrameBuilder {
    id: StringChunkedBuilder,
    source_id: Strings,
    group: Strings,
    session: Strings,
    participant_id: Strings,
    position: Vec<u32>,
    key: Strings,
    line: Vec<Option<u64>>,
    time_ms: Vec<Option<u64>>,
    kind: Strings,
    question: Strings,
    lang: Strings,
    text: StringChunkedBuilder,
    votes: Vec<Option<i64>>,
    priority: Strings,
    owner: Strings,
    deadline: Strings,
    indicator: Strings,
    attributes: Strings,
    method: Strings,
    part: Strings,
}

impl Default for SegmentFrameBuilder {
    fn default() -> Self {
        let b = |name: &str| StringChunkedBuilder::new(name.into(), 1024);
        SegmentFrameBuilder {
            id: b("segment_id"),
            source_id: Strings::new("source_id"),
            group: Strings::new("group"),
            session: Strings::new("session"),
            participant_id: Strings::new("participant_id"),
            position: Vec::new(),
            key: Strings::new("key"),
            line: Vec::new(),
            time_ms: Vec::new(),
            kind: Strings::new("kind"),
            question: Strings::new("question"),
            lang: Strings::new("lang"),
            text: b("text"),
            votes: Vec::new(),
            priority: Strings::new("priority"),
            owner: Strings::new("owner"),
            deadline: Strings::new("deadline"),
            indicator: Strings::new("indicator"),
            attributes: Strings::new("attributes"),
            method: Strings::new("method"),
            part: Strings::new("part"),
        }
    }
}

impl SegmentFrameBuilder {
    /// Appends one segment.
    pub fn push(&mut self, r: SegmentRef<'_>) {
        self.id.append_value(r.id);
        self.source_id.append(Some(r.source_id));
        self.group.append(Some(r.group));
        self.session.append(r.session);
        self.participant_id.append(r.participant_id);
        self.position.push(r.position);
        self.key.append(r.key);
        self.line.push(r.line);
        self.time_ms.push(r.time_ms);
        self.kind.append(Some(r.kind.as_str()));
        self.question.append(r.question);
        self.lang.append(Some(r.lang));
        self.text.append_value(r.text);
        self.votes.push(r.votes);
        self.priority.append(r.priority);
        self.owner.append(r.owner);
        self.deadline.append(r.deadline);
        self.indicator.append(r.indicator);
        self.attributes.append(Some(r.attributes));
        self.method.append(r.method);
        self.part.append(r.part);
    }

    /// The frame, with the schema of [`segments_frame`].
    pub fn finish(self) -> PolarsResult<DataFrame> {
        let s = |b: StringChunkedBuilder| b.finish().into_column();
        DataFrame::new_infer_height(vec![
            s(self.id),
            self.source_id.finish(),
            self.group.finish(),
            self.session.finish(),
            self.participant_id.finish(),
            Column::new("position".into(), self.position),
            self.key.finish(),
            Column::new("line".into(), self.line),
            Column::new("time_ms".into(), self.time_ms),
            self.kind.finish(),
            self.question.finish(),
            self.lang.finish(),
            s(self.text),
            Column::new("votes".into(), self.votes),
            self.priority.finish(),
            self.owner.finish(),
            self.deadline.finish(),
            self.indicator.finish(),
            self.attributes.finish(),
            self.method.finish(),
            self.part.finish(),
        ])
    }
}

/// A string column built one value at a time: while every value is the
/// same (most columns of a source: its id, language, kind; the optional
/// columns a grid leaves empty throughout) it is only that value and a
/// count, not a view per row.
enum Strings {
    Same(&'static str, Option<String>, usize),
    Varied(StringChunkedBuilder),
}

impl Strings {
    fn new(name: &'static str) -> Self {
        Strings::Same(name, None, 0)
    }

    fn append(&mut self, v: Option<&str>) {
        match self {
            Strings::Same(_, same, n) if *n == 0 || same.as_deref() == v => {
                if *n == 0 {
                    *same = v.map(str::to_owned);
                }
                *n += 1;
            }
            Strings::Same(name, same, n) => {
                let mut b = StringChunkedBuilder::new((*name).into(), 1024);
                for _ in 0..*n {
                    b.append_option(same.as_deref());
                }
                b.append_option(v);
                *self = Strings::Varied(b);
            }
            Strings::Varied(b) => b.append_option(v),
        }
    }

    fn finish(self) -> Column {
        match self {
            Strings::Same(name, None, n) => Column::full_null(name.into(), n, &DataType::String),
            Strings::Same(name, Some(v), n) => {
                StringChunked::full(name.into(), &v, n).into_column()
            }
            Strings::Varied(b) => b.finish().into_column(),
        }
    }
}

fn strs<'a>(name: &str, rows: impl Iterator<Item = &'a str>) -> Column {
    Column::new(name.into(), rows.collect::<Vec<&str>>())
}

fn opts<'a>(name: &str, rows: impl Iterator<Item = Option<&'a str>>) -> Column {
    Column::new(name.into(), rows.collect::<Vec<Option<&str>>>())
}

/// Segments as a data frame.
pub fn segments_frame(rows: &[Segment]) -> PolarsResult<DataFrame> {
    let r = || rows.iter();
    DataFrame::new_infer_height(vec![
        strs("segment_id", r().map(|r| r.id.as_str())),
        strs("source_id", r().map(|r| r.source_id.as_str())),
        strs("group", r().map(|r| r.group.as_str())),
        opts("session", r().map(|r| r.session.as_deref())),
        opts("participant_id", r().map(|r| r.participant_id.as_deref())),
        Column::new(
            "position".into(),
            r().map(|r| r.position).collect::<Vec<u32>>(),
        ),
        opts("key", r().map(|r| r.key.as_deref())),
        Column::new(
            "line".into(),
            r().map(|r| r.line).collect::<Vec<Option<u64>>>(),
        ),
        Column::new(
            "time_ms".into(),
            r().map(|r| r.time_ms).collect::<Vec<Option<u64>>>(),
        ),
        strs("kind", r().map(|r| r.kind.as_str())),
        opts("question", r().map(|r| r.question.as_deref())),
        strs("lang", r().map(|r| r.lang.as_str())),
        strs("text", r().map(|r| r.text.as_str())),
        Column::new(
            "votes".into(),
            r().map(|r| r.votes).collect::<Vec<Option<i64>>>(),
        ),
        opts("priority", r().map(|r| r.priority.as_deref())),
        opts("owner", r().map(|r| r.owner.as_deref())),
        opts("deadline", r().map(|r| r.deadline.as_deref())),
        opts("indicator", r().map(|r| r.indicator.as_deref())),
        strs("attributes", r().map(|r| r.attributes.as_str())),
        opts("method", r().map(|r| r.method.as_deref())),
        opts("part", r().map(|r| r.part.as_deref())),
    ])
}

/// Segment columns added after the first workspaces were written: a table
/// without them reads them as empty.
pub const OPTIONAL_SEGMENT_COLUMNS: [&str; 2] = ["method", "part"];

/// The segments frame with the optional columns it lacks added, empty (a
/// workspace written before they existed).
pub fn with_optional_columns(mut df: DataFrame) -> PolarsResult<DataFrame> {
    for name in OPTIONAL_SEGMENT_COLUMNS {
        if !df.schema().contains(name) {
            let empty: Vec<Option<&str>> = vec![None; df.height()];
            df.with_column(Column::new(name.into(), empty))?;
        }
    }
    Ok(df)
}

/// The frame with every column no row fills held as one null value
/// instead of a value per row. A study's optional columns (owner,
/// deadline, method, speaker…) are often empty in every row: read from
/// Parquet, an empty text column still takes 16 bytes a row (1 GB over
/// the seven empty columns of a 2,000,000-contribution consultation).
/// The values read are the same; a column is expanded, without touching
/// memory, only when read as an array.
pub fn compact_empty_columns(mut df: DataFrame) -> PolarsResult<DataFrame> {
    let n = df.height();
    if n == 0 {
        return Ok(df);
    }
    let empty: Vec<(PlSmallStr, DataType)> = df
        .columns()
        .iter()
        .filter(|c| c.null_count() == n && !matches!(c, Column::Scalar(_)))
        .map(|c| (c.name().clone(), c.dtype().clone()))
        .collect();
    for (name, dtype) in empty {
        df.with_column(Column::full_null(name, n, &dtype))?;
    }
    Ok(df)
}

/// Participants as a data frame.
pub fn participants_frame(rows: &[Participant]) -> PolarsResult<DataFrame> {
    let r = || rows.iter();
    DataFrame::new_infer_height(vec![
        strs("participant_id", r().map(|r| r.id.as_str())),
        strs("group", r().map(|r| r.group.as_str())),
        strs("name", r().map(|r| r.name.as_str())),
        Column::new(
            "pseudonymized".into(),
            r().map(|r| r.pseudonymized).collect::<Vec<bool>>(),
        ),
        strs("role", r().map(|r| r.role.as_str())),
        strs("attributes", r().map(|r| r.attributes.as_str())),
        <Vec<String> as Cell>::column("sources", r().map(|r| &r.sources))?,
    ])
}

/// Sources as a data frame.
pub fn sources_frame(rows: &[Source]) -> PolarsResult<DataFrame> {
    let r = || rows.iter();
    DataFrame::new_infer_height(vec![
        strs("source_id", r().map(|r| r.id.as_str())),
        strs("path", r().map(|r| r.path.as_str())),
        strs("kind", r().map(|r| r.kind.as_str())),
        strs("format", r().map(|r| r.format.as_str())),
        <Vec<String> as Cell>::column("groups", r().map(|r| &r.groups))?,
        opts("session", r().map(|r| r.session.as_deref())),
        strs("lang", r().map(|r| r.lang.as_str())),
        opts("encoding", r().map(|r| r.encoding.as_deref())),
        strs("hash", r().map(|r| r.hash.as_str())),
        Column::new(
            "segments".into(),
            r().map(|r| r.segments).collect::<Vec<u32>>(),
        ),
    ])
}

/// Checks that a frame read from disk has the segments schema.
pub fn check_segments_schema(df: &DataFrame) -> PolarsResult<()> {
    check_segments_schema_of(df, true)
}

/// Checks the types of a segments frame's columns; with `all`, that it
/// has every column (else only some were read).
pub fn check_segments_schema_of(df: &DataFrame, all: bool) -> PolarsResult<()> {
    let expected = segments_frame(&[])?;
    for c in expected.columns() {
        let (name, dtype) = (c.name(), c.dtype());
        if !all && !df.schema().contains(name) {
            continue;
        }
        let found = df.column(name)?.dtype();
        if found != dtype {
            polars_bail!(SchemaMismatch: "column {name} is {found}, expected {dtype}");
        }
    }
    Ok(())
}

/// A frame as Parquet bytes (zstd, deterministic for the same rows).
pub fn to_parquet(mut df: DataFrame) -> PolarsResult<Vec<u8>> {
    let mut buf = Vec::new();
    ParquetWriter::new(&mut buf)
        .with_compression(ParquetCompression::Zstd(None))
        .set_parallel(false)
        .finish(&mut df)?;
    Ok(buf)
}

/// Parquet bytes as a frame.
pub fn from_parquet(bytes: &[u8]) -> PolarsResult<DataFrame> {
    from_parquet_columns(bytes, None)
}

/// Reads Parquet bytes, only `columns` when given.
pub fn from_parquet_columns(bytes: &[u8], columns: Option<&[&str]>) -> PolarsResult<DataFrame> {
    ParquetReader::new(std::io::Cursor::new(bytes))
        .with_columns(columns.map(|c| c.iter().map(|s| (*s).to_owned()).collect()))
        .finish()
}

/// One column as typed values (see [`read_column`]).
fn c<T: Cell>(df: &DataFrame, name: &str) -> PolarsResult<Vec<T>> {
    read_column(df, name)
}

/// Reads segments back from a frame of the documented schema.
pub fn segments_from(df: &DataFrame) -> PolarsResult<Vec<Segment>> {
    let (ids, sources, groups, sessions, parts) = (
        c::<String>(df, "segment_id")?,
        c::<String>(df, "source_id")?,
        c::<String>(df, "group")?,
        c::<Option<String>>(df, "session")?,
        c::<Option<String>>(df, "participant_id")?,
    );
    let (pos, lines, times, kinds, questions) = (
        c::<u32>(df, "position")?,
        c::<Option<u64>>(df, "line")?,
        c::<Option<u64>>(df, "time_ms")?,
        c::<String>(df, "kind")?,
        c::<Option<String>>(df, "question")?,
    );
    let (langs, texts, prios, owners, deadlines, inds, attrs) = (
        c::<String>(df, "lang")?,
        c::<String>(df, "text")?,
        c::<Option<String>>(df, "priority")?,
        c::<Option<String>>(df, "owner")?,
        c::<Option<String>>(df, "deadline")?,
        c::<Option<String>>(df, "indicator")?,
        c::<String>(df, "attributes")?,
    );
    let votes: Vec<Option<i64>> = c(df, "votes")?;
    let methods: Vec<Option<String>> = crate::rows::read_column_or_absent(df, "method")?;
    let method_parts: Vec<Option<String>> = crate::rows::read_column_or_absent(df, "part")?;
    // Workspaces written before segments had keys have no `key` column.
    let keys: Vec<Option<String>> = if df.schema().contains("key") {
        c(df, "key")?
    } else {
        vec![None; df.height()]
    };
    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        out.push(Segment {
            id: ids[i].clone(),
            source_id: sources[i].clone(),
            group: groups[i].clone(),
            session: sessions[i].clone(),
            participant_id: parts[i].clone(),
            position: pos[i],
            key: keys[i].clone(),
            line: lines[i],
            time_ms: times[i],
            kind: SegmentKind::parse(&kinds[i]).unwrap_or_default(),
            question: questions[i].clone(),
            lang: langs[i].clone(),
            text: texts[i].clone(),
            votes: votes[i],
            priority: prios[i].clone(),
            owner: owners[i].clone(),
            deadline: deadlines[i].clone(),
            indicator: inds[i].clone(),
            attributes: attrs[i].clone(),
            method: methods[i].clone(),
            part: method_parts[i].clone(),
        });
    }
    Ok(out)
}

/// Reads participants back.
pub fn participants_from(df: &DataFrame) -> PolarsResult<Vec<Participant>> {
    let (ids, groups, names, attrs) = (
        c::<String>(df, "participant_id")?,
        c::<String>(df, "group")?,
        c::<String>(df, "name")?,
        c::<String>(df, "attributes")?,
    );
    let sources: Vec<Vec<String>> = c(df, "sources")?;
    let pseudo: Vec<bool> = c(df, "pseudonymized")?;
    // Workspaces written before participants had roles have no `role`.
    let roles: Vec<Role> = if df.schema().contains("role") {
        c::<String>(df, "role")?
            .iter()
            .map(|r| Role::parse(r).unwrap_or_default())
            .collect()
    } else {
        vec![Role::Participant; df.height()]
    };
    Ok((0..df.height())
        .map(|i| Participant {
            id: ids[i].clone(),
            group: groups[i].clone(),
            name: names[i].clone(),
            pseudonymized: pseudo[i],
            role: roles[i],
            attributes: attrs[i].clone(),
            sources: sources[i].clone(),
        })
        .collect())
}

/// Reads sources back.
pub fn sources_from(df: &DataFrame) -> PolarsResult<Vec<Source>> {
    let (ids, paths, kinds, formats) = (
        c::<String>(df, "source_id")?,
        c::<String>(df, "path")?,
        c::<String>(df, "kind")?,
        c::<String>(df, "format")?,
    );
    let groups: Vec<Vec<String>> = c(df, "groups")?;
    let (sessions, langs, encs, hashes, segs) = (
        c::<Option<String>>(df, "session")?,
        c::<String>(df, "lang")?,
        c::<Option<String>>(df, "encoding")?,
        c::<String>(df, "hash")?,
        c::<u32>(df, "segments")?,
    );
    Ok((0..df.height())
        .map(|i| Source {
            id: ids[i].clone(),
            path: paths[i].clone(),
            kind: kinds[i].clone(),
            format: formats[i].clone(),
            groups: groups[i].clone(),
            session: sessions[i].clone(),
            lang: langs[i].clone(),
            encoding: encs[i].clone(),
            hash: hashes[i].clone(),
            segments: segs[i],
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_columns_are_held_as_one_null_and_read_the_same() {
        let df = DataFrame::new_infer_height(vec![
            Column::new("id".into(), ["a", "b", "c"]),
            Column::new("owner".into(), [None::<&str>, None, None]),
            Column::new("votes".into(), [None::<i64>, None, None]),
            Column::new("part".into(), [None, Some("x"), None]),
        ])
        .unwrap();
        let compact = compact_empty_columns(df.clone()).unwrap();
        let scalar = |name: &str| matches!(compact.column(name).unwrap(), Column::Scalar(_));
        assert!(scalar("owner") && scalar("votes"));
        assert!(!scalar("id") && !scalar("part"));
        assert!(compact.equals_missing(&df));
        assert_eq!(compact.column("owner").unwrap().str().unwrap().len(), 3);
        assert_eq!(to_parquet(compact).unwrap(), to_parquet(df).unwrap());
    }

    #[test]
    fn segments_round_trip_through_parquet() {
        let rows = vec![
            Segment {
                id: "s:1".into(),
                source_id: "s".into(),
                group: "Lille".into(),
                position: 1,
                line: Some(3),
                kind: SegmentKind::Recommendation,
                lang: "fr".into(),
                text: "Un tarif solidaire — « enfin »".into(),
                votes: Some(4),
                attributes: "{}".into(),
                ..Default::default()
            },
            Segment {
                id: "s:2".into(),
                source_id: "s".into(),
                group: "Lille".into(),
                participant_id: Some("lille/ana".into()),
                position: 2,
                time_ms: Some(12_500),
                lang: "fr".into(),
                text: "x".into(),
                attributes: "{\"a\":\"b\"}".into(),
                method: Some("swot".into()),
                part: Some("threats".into()),
                ..Default::default()
            },
        ];
        let bytes = to_parquet(segments_frame(&rows).unwrap()).unwrap();
        let again = to_parquet(segments_frame(&rows).unwrap()).unwrap();
        assert_eq!(bytes, again, "same rows, same bytes");
        let back = segments_from(&from_parquet(&bytes).unwrap()).unwrap();
        assert_eq!(back, rows);
    }

    /// The builder holds a column as one value while it does not vary: a
    /// column that starts empty, starts given, varies, or never does gives
    /// the frame and the bytes `segments_frame` gives.
    #[test]
    fn the_builder_gives_the_frame_of_the_rows() {
        let n = 7;
        let rows: Vec<Segment> = (0..n)
            .map(|i| Segment {
                id: format!("s:{i}"),
                source_id: "s".into(),
                group: if i < 3 { "Lille" } else { "Nantes" }.into(),
                session: None,
                participant_id: (i >= 2).then(|| "g/p".to_owned()),
                position: i + 1,
                key: (i < 5).then(|| format!("k{i}")),
                kind: SegmentKind::Recommendation,
                question: Some("Idées".into()),
                lang: "fr".into(),
                text: format!("texte {i}"),
                owner: (i == n - 1).then(|| "Bureau".to_owned()),
                deadline: (i % 2 == 0).then(|| "2026".to_owned()),
                attributes: "{}".into(),
                method: Some("swot".into()),
                part: Some(if i == 0 { "threats" } else { "strengths" }.into()),
                ..Default::default()
            })
            .collect();
        let mut b = SegmentFrameBuilder::default();
        for r in &rows {
            b.push(r.into());
        }
        let built = b.finish().unwrap();
        let want = segments_frame(&rows).unwrap();
        assert!(built.equals_missing(&want));
        assert_eq!(to_parquet(built).unwrap(), to_parquet(want).unwrap());
        assert!(SegmentFrameBuilder::default().finish().unwrap().height() == 0);
    }

    #[test]
    fn segments_written_before_methods_read_them_as_empty() {
        let rows = vec![Segment {
            id: "s:1".into(),
            source_id: "s".into(),
            group: "Lille".into(),
            position: 1,
            lang: "fr".into(),
            text: "x".into(),
            attributes: "{}".into(),
            ..Default::default()
        }];
        let old = segments_frame(&rows)
            .unwrap()
            .drop_many(OPTIONAL_SEGMENT_COLUMNS);
        assert!(check_segments_schema(&old).is_err());
        let upgraded = with_optional_columns(old.clone()).unwrap();
        check_segments_schema(&upgraded).unwrap();
        assert_eq!(segments_from(&old).unwrap(), rows);
        // An old frame and a new one stack once upgraded.
        let mut both = upgraded;
        both.vstack_mut_owned(segments_frame(&rows).unwrap())
            .unwrap();
        assert_eq!(both.height(), 2);
    }

    #[test]
    fn empty_tables_round_trip() {
        let bytes = to_parquet(sources_frame(&[]).unwrap()).unwrap();
        assert!(
            sources_from(&from_parquet(&bytes).unwrap())
                .unwrap()
                .is_empty()
        );
        let p = vec![Participant {
            id: "g/p01".into(),
            group: "G".into(),
            name: "P01".into(),
            pseudonymized: true,
            role: Default::default(),
            attributes: "{}".into(),
            sources: vec!["a".into(), "b".into()],
        }];
        let bytes = to_parquet(participants_frame(&p).unwrap()).unwrap();
        assert_eq!(
            participants_from(&from_parquet(&bytes).unwrap()).unwrap(),
            p
        );
    }
}
