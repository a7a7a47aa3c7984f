//! CSV grids read as a stream: records as they come, mapped to segments in
//! parallel batches and handed on in file order, so that a large grid is
//! never held as a table of every cell (nor, read from a file, as its
//! bytes).

use std::io::Read;

use rayon::prelude::*;

use super::super::error::ParseError;
use super::csv_read::{Records, first_records, sniff_delimiter};
use super::map::{GridRow, Plan, RowKeys, RowSegments, RowSink};
use super::table::{Row, fit_row, name_headers};
use super::{GridFormat, GridInfo, GridOptions, resolve_format};

/// Rows mapped per parallel batch: large enough to keep two cores busy,
/// small enough that the batches in flight (read, mapped, handed on) stay
/// a few megabytes each.
const BATCH_ROWS: usize = 1024;
const _: () = assert!(BATCH_ROWS >= super::map::ATTRIBUTE_SAMPLE);

/// What streaming a grid gave.
#[derive(Debug)]
pub enum Streamed {
    /// The grid was read; every segment went to the sink.
    Read(GridInfo),
    /// This grid has to be read whole (not a CSV, not UTF-8, a NUL byte,
    /// a delimiter the first bytes cannot tell, text columns to guess from
    /// every row): read its bytes and call [`super::parse_grid_into`]. Some
    /// segments may have gone to the sink already; the caller drops them.
    Whole,
}

/// A field's bytes were not UTF-8 text, or held a NUL: read whole.
pub(super) struct NotText;

/// Streams a CSV grid whose first bytes are `head` and the rest `rest`.
/// Gives the same segments and errors as [`super::parse_grid_into`] on the
/// whole bytes, or [`Streamed::Whole`] where it cannot tell without them.
pub fn stream_grid_into(
    file_name: &str,
    head: &[u8],
    rest: impl Read + Send,
    opts: &GridOptions,
    sink: &mut dyn RowSink,
) -> Result<Streamed, ParseError> {
    // A zip's format is in its entries, at the end of the file.
    if head.starts_with(b"PK\x03\x04")
        || resolve_format(file_name, head, opts.format)? != GridFormat::Csv
    {
        return Ok(Streamed::Whole);
    }
    let utf8 = opts.encoding.is_none_or(|e| e == encoding_rs::UTF_8);
    let bom = head.starts_with(b"\xEF\xBB\xBF");
    if !utf8 || encoding_rs::Encoding::for_bom(head).is_some_and(|_| !bom) || head.contains(&0) {
        return Ok(Streamed::Whole);
    }
    let body = if bom { &head[3..] } else { head };
    let Some(delimiter) = delimiter_from_head(body, opts, file_name)? else {
        return Ok(Streamed::Whole);
    };
    match stream_records(Records::new(body.chain(rest), delimiter), opts, sink)? {
        Ok(Some((headers, text_columns))) => Ok(Streamed::Read(GridInfo {
            format: GridFormat::Csv,
            sheet: None,
            delimiter: Some(delimiter),
            encoding: Some("UTF-8"),
            headers,
            text_columns,
        })),
        Ok(None) | Err(NotText) => Ok(Streamed::Whole),
    }
}

/// The delimiter: the option, else sniffed on the head when it holds more
/// records than the sniffer reads (else `None`: the whole text decides).
fn delimiter_from_head(
    head: &[u8],
    opts: &GridOptions,
    file_name: &str,
) -> Result<Option<u8>, ParseError> {
    if let Some(d) = opts.delimiter {
        super::csv_read::check_delimiter(d)?;
        return Ok(Some(d));
    }
    let text = match std::str::from_utf8(head) {
        Ok(t) => t,
        // A character cut at the end of the head is fine.
        Err(e) if e.error_len().is_none() => {
            std::str::from_utf8(&head[..e.valid_up_to()]).unwrap_or_default()
        }
        Err(_) => return Ok(None),
    };
    let sniffed = super::csv_read::SNIFF_RECORDS;
    if first_records(text, sniffed + 1).len() <= sniffed {
        return Ok(None);
    }
    Ok(Some(
        sniff_delimiter(text).unwrap_or(super::csv_fallback(file_name)),
    ))
}

/// Reads the header, then the rows in batches. `Ok(None)` when the text
/// columns must be guessed from every row (before any segment is made).
/// The outer error is the grid's; the inner one says the bytes are not
/// UTF-8 text.
pub(super) type Columns = (Vec<String>, Vec<String>);

pub(super) fn stream_records<R: Read + Send>(
    mut records: Records<R>,
    opts: &GridOptions,
    sink: &mut dyn RowSink,
) -> Result<Result<Option<Columns>, NotText>, ParseError> {
    let mut record = csv::ByteRecord::new();
    // The header: the first record with a non-blank cell.
    let (headers, header_line) = loop {
        let Some(line) = records.next_record(&mut record)? else {
            return Err(ParseError::file(
                "the grid has no rows; expected a header row and data rows",
            ));
        };
        let cells = match cells_of(&record) {
            Ok(c) => c,
            Err(e) => return Ok(Err(e)),
        };
        if cells.iter().any(|c| !c.trim().is_empty()) {
            break (name_headers(&cells), line);
        }
    };
    let Some(mut plan) = Plan::new(&headers, 1, header_line, opts, None, None)? else {
        return Ok(Ok(None));
    };
    let width = headers.len();
    // Three stages at once: a reader thread parses the next batches, a
    // mapper thread maps the one before (on the rayon pool), and this one
    // hands on the segments of the one before that, in file order (with
    // the map and the hand-over one after the other, a core sat idle
    // through each hand-over).
    let (tx, rx) = std::sync::mpsc::sync_channel::<Batch>(2);
    std::thread::scope(|scope| {
        scope.spawn(move || read_batches(records, width, &tx));
        // The first batch holds the sample (or the whole file).
        let first = match rx.recv() {
            Ok(Batch::Rows(rows)) => Some(rows),
            Ok(Batch::NotText) => return Ok(Err(NotText)),
            Ok(Batch::Error(e)) => return Err(e),
            Err(_) => None,
        };
        if let Some(rows) = &first {
            plan.leave_out_long_text(rows);
        }
        let plan = &plan;
        let (mapped_tx, mapped_rx) = std::sync::mpsc::sync_channel::<Mapped>(0);
        scope.spawn(move || {
            // The rows are dropped here, on the pool: the hand-over
            // needs only what they map to.
            let map = |rows: Vec<Row>| {
                let mapped = rows
                    .into_par_iter()
                    .map(|row| MappedRow {
                        line: row.line,
                        key: plan.row_key(&row),
                        segments: plan.row_segments(&row).map(|r| {
                            r.map(|mut r| {
                                r.serialize_attributes();
                                r
                            })
                        }),
                    })
                    .collect();
                Mapped::Rows(mapped)
            };
            let batches = first.map(Batch::Rows).into_iter().chain(rx);
            for batch in batches {
                let (m, last) = match batch {
                    Batch::Rows(rows) => (map(rows), false),
                    Batch::NotText => (Mapped::NotText, true),
                    Batch::Error(e) => (Mapped::Error(e), true),
                };
                // A receiver gone stopped on an error: so does the reader.
                if mapped_tx.send(m).is_err() || last {
                    return;
                }
            }
        });
        let mut keys = RowKeys::default();
        for m in mapped_rx {
            let mapped = match m {
                Mapped::Rows(mapped) => mapped,
                Mapped::NotText => return Ok(Err(NotText)),
                Mapped::Error(e) => return Err(e),
            };
            for row in mapped {
                // The row's id is checked before its cells, as a whole
                // table's rows are (see `map_table_into`).
                let key = row.key?;
                if let Some(k) = &key {
                    keys.check(plan, k, row.line)?;
                }
                if let Some(mut segments) = row.segments? {
                    segments.template.key = key;
                    sink.row(GridRow::new(plan, segments))?;
                }
            }
        }
        Ok(Ok(Some((headers.clone(), plan.text_names()))))
    })
}

/// What the mapper thread hands on: a batch's rows mapped, in file
/// order, or why reading stopped.
enum Mapped {
    Rows(Vec<MappedRow>),
    NotText,
    Error(ParseError),
}

/// A row as the mapper left it: its line, its id, its segments.
struct MappedRow {
    line: u64,
    key: Result<Option<String>, ParseError>,
    segments: Result<Option<RowSegments>, ParseError>,
}

/// What the reader thread hands on: rows in file order, then the end of
/// the channel, or why it stopped.
enum Batch {
    Rows(Vec<Row>),
    NotText,
    Error(ParseError),
}

/// Reads the data records into batches of [`BATCH_ROWS`] rows (blank
/// records left out) until the end, an error, or a receiver gone.
fn read_batches<R: Read>(
    mut records: Records<R>,
    width: usize,
    tx: &std::sync::mpsc::SyncSender<Batch>,
) {
    let mut record = csv::ByteRecord::new();
    let mut batch: Vec<Row> = Vec::with_capacity(BATCH_ROWS);
    loop {
        let line = match records.next_record(&mut record) {
            Ok(line) => line,
            Err(e) => {
                let _ = tx.send(Batch::Error(e));
                return;
            }
        };
        if let Some(line) = line {
            let Ok(cells) = cells_of(&record) else {
                let _ = tx.send(Batch::NotText);
                return;
            };
            if cells.iter().any(|c| !c.trim().is_empty()) {
                match fit_row(line, cells, width, 1) {
                    Ok(row) => batch.push(row),
                    Err(e) => {
                        let _ = tx.send(Batch::Rows(std::mem::take(&mut batch)));
                        let _ = tx.send(Batch::Error(e));
                        return;
                    }
                }
            }
        }
        let end = line.is_none();
        if batch.len() == BATCH_ROWS || (end && !batch.is_empty()) {
            let full = std::mem::replace(&mut batch, Vec::with_capacity(BATCH_ROWS));
            if tx.send(Batch::Rows(full)).is_err() {
                return;
            }
        }
        if end {
            return;
        }
    }
}

/// A record's fields as text; [`NotText`] for bytes that are not UTF-8 or
/// hold a NUL (UTF-16 without a BOM, a binary file), which the whole-file
/// decoder tells apart.
fn cells_of(record: &csv::ByteRecord) -> Result<Vec<String>, NotText> {
    record
        .iter()
        .map(|f| match std::str::from_utf8(f) {
            Ok(s) if !s.contains('\0') => Ok(s.to_owned()),
            _ => Err(NotText),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::grid::{EachSegment, GridKind, parse_grid};
    use crate::corpus::model::RawSegment;

    /// A grid of about `rows` rows with what real exports hold: a BOM,
    /// CRLF line ends, quoted cells over several lines, blank lines, `;`.
    fn grid(rows: usize, crlf: bool) -> String {
        let nl = if crlf { "\r\n" } else { "\n" };
        let mut s = String::from("\u{feff}Groupe;Participant;Idées;Votes");
        s.push_str(nl);
        for i in 0..rows {
            let cell = match i % 4 {
                0 => format!("\"- ouvrir le samedi n°{i}{nl}- un « tarif » solidaire\""),
                1 => format!("Baisser les loyers de l'atelier {i}"),
                2 => format!("\"dire \"\"oui\"\" à {i}; ou pas\""),
                _ => String::new(),
            };
            s.push_str(&format!("G{};P{};{cell};{}{nl}", i % 7, i % 13, i % 5));
            if i % 97 == 0 {
                s.push_str(nl);
            }
        }
        s
    }

    fn opts() -> GridOptions {
        GridOptions {
            kind: GridKind::Recommendations,
            group_column: Some("Groupe".into()),
            participant_column: Some("Participant".into()),
            text_columns: vec!["Idées".into()],
            split_items: true,
            ..GridOptions::default()
        }
    }

    /// Streams `bytes` with a head of `head` bytes.
    fn streamed(
        bytes: &[u8],
        head: usize,
        opts: &GridOptions,
    ) -> Result<Option<Vec<RawSegment>>, ParseError> {
        let mut out = Vec::new();
        let head = head.min(bytes.len());
        let mut push = |s| {
            out.push(s);
            Ok(())
        };
        let mut sink = EachSegment(&mut push);
        let r = stream_grid_into("g.csv", &bytes[..head], &bytes[head..], opts, &mut sink)?;
        Ok(match r {
            Streamed::Read(_) => Some(out),
            Streamed::Whole => None,
        })
    }

    #[test]
    fn streaming_gives_the_segments_of_the_whole_file() {
        for crlf in [false, true] {
            let text = grid(3000, crlf);
            let whole = parse_grid("g.csv", text.as_bytes(), &opts()).unwrap();
            assert!(whole.segments.len() > 3000);
            // Heads that cut a record, a character, a CRLF.
            for head in [4096, 4097, 65_536 + 3, 200_000] {
                let got = streamed(text.as_bytes(), head, &opts()).unwrap().unwrap();
                assert_eq!(got, whole.segments, "crlf {crlf} head {head}");
            }
        }
    }

    #[test]
    fn the_first_rows_decide_which_long_text_is_left_out_as_a_whole_file_does() {
        let long = "une réponse longue à une autre question du questionnaire, qui parle des transports, des impôts et de la démocratie locale";
        for long_first in [true, false] {
            let mut text = String::from("Groupe;Participant;Idées;Autre\n");
            for i in 0..3000 {
                let other = if (i < 1500) == long_first {
                    format!("{long} {i}")
                } else {
                    "court".into()
                };
                text.push_str(&format!("G{};P{};Idée numéro {i};{other}\n", i % 7, i % 13));
            }
            let whole = parse_grid("g.csv", text.as_bytes(), &opts()).unwrap();
            let got = streamed(text.as_bytes(), 4096, &opts()).unwrap().unwrap();
            assert_eq!(got, whole.segments, "long first: {long_first}");
            let kept = got[0].attributes.contains_key("Autre");
            assert_eq!(kept, !long_first, "{:?}", got[0].attributes);
            assert_eq!(got[2999].attributes.contains_key("Autre"), !long_first);
        }
    }

    #[test]
    fn streaming_errors_are_those_of_the_whole_file() {
        let mut text = grid(2000, true);
        // A bad votes cell on the last line.
        text.push_str("G1;P1;Une idée;beaucoup\r\n");
        let whole = parse_grid("g.csv", text.as_bytes(), &opts()).unwrap_err();
        let got = streamed(text.as_bytes(), 8192, &opts()).unwrap_err();
        assert_eq!((got.line, got.column), (whole.line, whole.column));
        assert_eq!(got.message, whole.message);
        assert!(got.message.contains("not a whole number"), "{got}");
        // An unbalanced quote near the end, pointed at where it opened.
        let mut text = grid(2000, false);
        text.push_str("G1;P1;\"une idée\nqui ne ferme pas;1\n");
        let whole = parse_grid("g.csv", text.as_bytes(), &opts()).unwrap_err();
        let got = streamed(text.as_bytes(), 8192, &opts()).unwrap_err();
        assert_eq!((got.line, got.column), (whole.line, whole.column));
        assert!(got.message.contains("unbalanced quote"), "{got}");
        // A row wider than the header.
        let mut text = grid(2000, false);
        text.push_str("G1;P1;x;1;extra\n");
        let whole = parse_grid("g.csv", text.as_bytes(), &opts()).unwrap_err();
        let got = streamed(text.as_bytes(), 8192, &opts()).unwrap_err();
        assert_eq!(
            (got.line, got.column, got.message),
            (whole.line, whole.column, whole.message)
        );
    }

    #[test]
    fn the_first_error_in_the_file_is_the_one_reported() {
        // A bad votes cell (found when its batch is mapped) in the first
        // batch, a row wider than the header (found when read) batches
        // later, read while the first batch is being mapped.
        let mut text = String::from("Groupe;Participant;Idées;Votes\n");
        for i in 0..5000 {
            let votes = if i == 10 {
                "beaucoup".into()
            } else {
                i.to_string()
            };
            text.push_str(&format!("G{};P{};Idée {i};{votes}\n", i % 7, i % 13));
            if i == 4000 {
                text.push_str("G1;P1;x;1;extra\n");
            }
        }
        let whole = parse_grid("g.csv", text.as_bytes(), &opts()).unwrap_err();
        let got = streamed(text.as_bytes(), 4096, &opts()).unwrap_err();
        assert_eq!(got.line, Some(12), "{got}");
        assert!(got.message.contains("not a whole number"), "{got}");
        assert_eq!(
            (got.line, got.column, got.message),
            (whole.line, whole.column, whole.message)
        );
    }

    #[test]
    fn what_cannot_stream_is_read_whole() {
        let text = grid(2000, false);
        // Windows-1252 at the end: only the whole file tells.
        let mut latin = text.clone().into_bytes();
        latin.extend_from_slice(b"G1;P1;caf\xe9;1\n");
        assert_eq!(streamed(&latin, 8192, &opts()).unwrap(), None);
        // Text columns guessed from every row.
        let guess = GridOptions {
            text_columns: Vec::new(),
            kind: GridKind::Observations,
            ..opts()
        };
        assert_eq!(streamed(text.as_bytes(), 8192, &guess).unwrap(), None);
        // A head too short for the delimiter sniffer.
        assert_eq!(
            streamed(
                text.as_bytes(),
                40,
                &GridOptions {
                    delimiter: None,
                    ..opts()
                }
            )
            .unwrap(),
            None
        );
        // A delimiter given needs no sniffing.
        let given = GridOptions {
            delimiter: Some(b';'),
            ..opts()
        };
        assert!(streamed(text.as_bytes(), 40, &given).unwrap().is_some());
        // A zip is not a CSV.
        assert_eq!(streamed(b"PK\x03\x04rest", 8, &opts()).unwrap(), None);
    }
}
