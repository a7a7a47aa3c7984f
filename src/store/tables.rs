//! The workspace tables as Parquet files, through polars: rows in, bytes
//! out, and back. Column names and types are the documented schema that
//! polars, pandas, DuckDB and R arrow read.

use polars::prelude::*;

use crate::corpus::{Participant, Segment, SegmentKind, Source};

fn col<T: AsRef<[Option<String>]>>(name: &str, v: T) -> Column
where
    Series: NamedFrom<T, [Option<String>]>,
{
    Column::new(name.into(), v)
}

fn strs(name: &str, v: Vec<String>) -> Column {
    Column::new(name.into(), v)
}

/// Segments as a data frame.
pub fn segments_frame(rows: &[Segment]) -> PolarsResult<DataFrame> {
    let s = |f: fn(&Segment) -> String| rows.iter().map(f).collect::<Vec<_>>();
    let o = |f: fn(&Segment) -> Option<String>| rows.iter().map(f).collect::<Vec<_>>();
    DataFrame::new_infer_height(vec![
        strs("segment_id", s(|r| r.id.clone())),
        strs("source_id", s(|r| r.source_id.clone())),
        strs("group", s(|r| r.group.clone())),
        col("session", o(|r| r.session.clone())),
        col("participant_id", o(|r| r.participant_id.clone())),
        Column::new(
            "position".into(),
            rows.iter().map(|r| r.position).collect::<Vec<u32>>(),
        ),
        Column::new(
            "line".into(),
            rows.iter().map(|r| r.line).collect::<Vec<Option<u64>>>(),
        ),
        Column::new(
            "time_ms".into(),
            rows.iter().map(|r| r.time_ms).collect::<Vec<Option<u64>>>(),
        ),
        strs("kind", s(|r| r.kind.as_str().to_owned())),
        col("question", o(|r| r.question.clone())),
        strs("lang", s(|r| r.lang.clone())),
        strs("text", s(|r| r.text.clone())),
        Column::new(
            "votes".into(),
            rows.iter().map(|r| r.votes).collect::<Vec<Option<i64>>>(),
        ),
        col("priority", o(|r| r.priority.clone())),
        col("owner", o(|r| r.owner.clone())),
        col("deadline", o(|r| r.deadline.clone())),
        col("indicator", o(|r| r.indicator.clone())),
        strs("attributes", s(|r| r.attributes.clone())),
    ])
}

/// Participants as a data frame.
pub fn participants_frame(rows: &[Participant]) -> PolarsResult<DataFrame> {
    let s = |f: fn(&Participant) -> String| rows.iter().map(f).collect::<Vec<_>>();
    DataFrame::new_infer_height(vec![
        strs("participant_id", s(|r| r.id.clone())),
        strs("group", s(|r| r.group.clone())),
        strs("name", s(|r| r.name.clone())),
        Column::new(
            "pseudonymized".into(),
            rows.iter().map(|r| r.pseudonymized).collect::<Vec<bool>>(),
        ),
        strs("attributes", s(|r| r.attributes.clone())),
        strs("sources", s(|r| r.sources.clone())),
    ])
}

/// Sources as a data frame.
pub fn sources_frame(rows: &[Source]) -> PolarsResult<DataFrame> {
    let s = |f: fn(&Source) -> String| rows.iter().map(f).collect::<Vec<_>>();
    let o = |f: fn(&Source) -> Option<String>| rows.iter().map(f).collect::<Vec<_>>();
    DataFrame::new_infer_height(vec![
        strs("source_id", s(|r| r.id.clone())),
        strs("path", s(|r| r.path.clone())),
        strs("kind", s(|r| r.kind.clone())),
        strs("format", s(|r| r.format.clone())),
        strs("groups", s(|r| r.groups.clone())),
        col("session", o(|r| r.session.clone())),
        strs("lang", s(|r| r.lang.clone())),
        col("encoding", o(|r| r.encoding.clone())),
        strs("hash", s(|r| r.hash.clone())),
        Column::new(
            "segments".into(),
            rows.iter().map(|r| r.segments).collect::<Vec<u32>>(),
        ),
    ])
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
    ParquetReader::new(std::io::Cursor::new(bytes)).finish()
}

struct Cols<'a>(&'a DataFrame);

impl Cols<'_> {
    fn s(&self, name: &str) -> PolarsResult<Vec<String>> {
        Ok(self
            .0
            .column(name)?
            .str()?
            .iter()
            .map(|v| v.unwrap_or_default().to_owned())
            .collect())
    }
    fn o(&self, name: &str) -> PolarsResult<Vec<Option<String>>> {
        Ok(self
            .0
            .column(name)?
            .str()?
            .iter()
            .map(|v| v.map(str::to_owned))
            .collect())
    }
    fn u64(&self, name: &str) -> PolarsResult<Vec<Option<u64>>> {
        Ok(self.0.column(name)?.u64()?.iter().collect())
    }
    fn u32(&self, name: &str) -> PolarsResult<Vec<u32>> {
        Ok(self
            .0
            .column(name)?
            .u32()?
            .iter()
            .map(Option::unwrap_or_default)
            .collect())
    }
}

/// Reads segments back from a frame of the documented schema.
pub fn segments_from(df: &DataFrame) -> PolarsResult<Vec<Segment>> {
    let c = Cols(df);
    let (ids, sources, groups, sessions, parts) = (
        c.s("segment_id")?,
        c.s("source_id")?,
        c.s("group")?,
        c.o("session")?,
        c.o("participant_id")?,
    );
    let (pos, lines, times, kinds, questions) = (
        c.u32("position")?,
        c.u64("line")?,
        c.u64("time_ms")?,
        c.s("kind")?,
        c.o("question")?,
    );
    let (langs, texts, prios, owners, deadlines, inds, attrs) = (
        c.s("lang")?,
        c.s("text")?,
        c.o("priority")?,
        c.o("owner")?,
        c.o("deadline")?,
        c.o("indicator")?,
        c.s("attributes")?,
    );
    let votes: Vec<Option<i64>> = df.column("votes")?.i64()?.iter().collect();
    let mut out = Vec::with_capacity(df.height());
    for i in 0..df.height() {
        out.push(Segment {
            id: ids[i].clone(),
            source_id: sources[i].clone(),
            group: groups[i].clone(),
            session: sessions[i].clone(),
            participant_id: parts[i].clone(),
            position: pos[i],
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
        });
    }
    Ok(out)
}

/// Reads participants back.
pub fn participants_from(df: &DataFrame) -> PolarsResult<Vec<Participant>> {
    let c = Cols(df);
    let (ids, groups, names, attrs, sources) = (
        c.s("participant_id")?,
        c.s("group")?,
        c.s("name")?,
        c.s("attributes")?,
        c.s("sources")?,
    );
    let pseudo: Vec<bool> = df
        .column("pseudonymized")?
        .bool()?
        .iter()
        .map(Option::unwrap_or_default)
        .collect();
    Ok((0..df.height())
        .map(|i| Participant {
            id: ids[i].clone(),
            group: groups[i].clone(),
            name: names[i].clone(),
            pseudonymized: pseudo[i],
            attributes: attrs[i].clone(),
            sources: sources[i].clone(),
        })
        .collect())
}

/// Reads sources back.
pub fn sources_from(df: &DataFrame) -> PolarsResult<Vec<Source>> {
    let c = Cols(df);
    let (ids, paths, kinds, formats, groups) = (
        c.s("source_id")?,
        c.s("path")?,
        c.s("kind")?,
        c.s("format")?,
        c.s("groups")?,
    );
    let (sessions, langs, encs, hashes, segs) = (
        c.o("session")?,
        c.s("lang")?,
        c.o("encoding")?,
        c.s("hash")?,
        c.u32("segments")?,
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
                ..Default::default()
            },
        ];
        let bytes = to_parquet(segments_frame(&rows).unwrap()).unwrap();
        let again = to_parquet(segments_frame(&rows).unwrap()).unwrap();
        assert_eq!(bytes, again, "same rows, same bytes");
        let back = segments_from(&from_parquet(&bytes).unwrap()).unwrap();
        assert_eq!(back, rows);
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
            attributes: "{}".into(),
            sources: "a,b".into(),
        }];
        let bytes = to_parquet(participants_frame(&p).unwrap()).unwrap();
        assert_eq!(
            participants_from(&from_parquet(&bytes).unwrap()).unwrap(),
            p
        );
    }
}
