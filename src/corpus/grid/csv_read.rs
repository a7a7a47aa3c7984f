//! Reading CSV and TSV grids: decoding, delimiter sniffing, unbalanced
//! quotes, and the csv crate for the records.

use encoding_rs::Encoding;

use super::super::decode::decode;
use super::super::error::ParseError;
use super::table::Table;

/// Delimiters the sniffer chooses from, in order of preference on a tie.
const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
/// How many records the sniffer looks at.
const SNIFF_RECORDS: usize = 20;

/// A CSV grid as read, with what was detected.
#[derive(Debug, Clone)]
pub struct CsvGrid {
    /// The table.
    pub table: Table,
    /// The delimiter used (given or sniffed).
    pub delimiter: u8,
    /// The encoding's name (`UTF-8`, `windows-1252`…).
    pub encoding: &'static str,
}

/// Reads a CSV grid. `delimiter` overrides the sniffer; `fallback` is used
/// when no candidate delimiter occurs at all (a one-column file).
pub fn read_csv(
    bytes: &[u8],
    delimiter: Option<u8>,
    fallback: u8,
    encoding: Option<&'static Encoding>,
) -> Result<CsvGrid, ParseError> {
    if let Some(d) = delimiter
        && (!d.is_ascii() || matches!(d, b'"' | b'\n' | b'\r'))
    {
        return Err(ParseError::file(format!(
            "delimiter {:?} cannot be used; expected an ASCII character other than a quote or a line break",
            char::from(d)
        )));
    }
    let decoded = decode(bytes, encoding)?;
    let text = decoded.text;
    let delimiter = delimiter
        .or_else(|| sniff_delimiter(&text))
        .unwrap_or(fallback);
    check_quotes(&text, delimiter)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    let lines = LineIndex::new(&text);
    let mut records = Vec::new();
    for result in reader.records() {
        let record = result.map_err(|e| csv_error(&e, &lines))?;
        let line = record.position().map_or(1, |p| lines.record_line(p.byte()));
        records.push((line, record.iter().map(str::to_owned).collect()));
    }
    let table = Table::from_records(records, 1)?;
    Ok(CsvGrid {
        table,
        delimiter,
        encoding: decoded.encoding,
    })
}

fn csv_error(e: &csv::Error, lines: &LineIndex<'_>) -> ParseError {
    let message = format!("cannot read the CSV: {e}");
    match e.position() {
        Some(p) => ParseError::at_line(lines.record_line(p.byte()), message),
        None => ParseError::file(message),
    }
}

/// Line numbers from byte offsets. The csv crate's own line count misses
/// line breaks inside quoted fields, so lines are counted here.
struct LineIndex<'a> {
    text: &'a str,
    /// Byte offset of each line start after the first.
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    fn new(text: &'a str) -> Self {
        let b = text.as_bytes();
        let starts = (0..b.len())
            .filter(|&i| b[i] == b'\n' || (b[i] == b'\r' && b.get(i + 1) != Some(&b'\n')))
            .map(|i| i + 1)
            .collect();
        LineIndex { text, starts }
    }

    /// The 1-based line of the record that the reader started at `byte`:
    /// blank lines the reader skipped before it do not count.
    fn record_line(&self, byte: u64) -> u64 {
        let mut at = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        let b = self.text.as_bytes();
        while at < b.len() && matches!(b[at], b'\n' | b'\r') {
            at += 1;
        }
        self.starts.partition_point(|&s| s <= at) as u64 + 1
    }
}

/// Chooses the delimiter whose count per record (outside quotes) is the
/// most consistent over the first records; a tie goes to the one that
/// occurs more often per record, then to the order `,` `;` TAB `|`.
/// `None` when no candidate occurs.
pub fn sniff_delimiter(text: &str) -> Option<u8> {
    let records = first_records(text, SNIFF_RECORDS);
    if records.is_empty() {
        return None;
    }
    let mut best: Option<(u8, usize, usize)> = None; // (delimiter, consistency ‰, mode)
    for d in CANDIDATES {
        let counts: Vec<usize> = records.iter().map(|r| count_outside_quotes(r, d)).collect();
        let Some(mode) = mode(&counts) else { continue };
        if mode == 0 {
            continue;
        }
        let same = counts.iter().filter(|&&c| c == mode).count();
        let consistency = same * 1000 / counts.len();
        let better = match best {
            None => true,
            Some((_, bc, bm)) => (consistency, mode) > (bc, bm),
        };
        if better {
            best = Some((d, consistency, mode));
        }
    }
    best.map(|(d, _, _)| d)
}

/// The most frequent value; the larger one on a tie.
fn mode(counts: &[usize]) -> Option<usize> {
    let mut sorted = counts.to_vec();
    sorted.sort_unstable();
    let mut best: Option<(usize, usize)> = None; // (value, occurrences)
    for chunk in sorted.chunk_by(|a, b| a == b) {
        let occ = chunk.len();
        if best.is_none_or(|(_, bo)| occ >= bo) {
            best = Some((chunk[0], occ));
        }
    }
    best.map(|(v, _)| v)
}

/// Splits the start of the text into non-blank records, keeping newlines
/// inside double quotes within a record.
fn first_records(text: &str, limit: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let mut in_quotes = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '"' => in_quotes = !in_quotes,
            '\n' | '\r' if !in_quotes => {
                let rec = &text[start..i];
                if !rec.trim().is_empty() {
                    out.push(rec);
                    if out.len() >= limit {
                        return out;
                    }
                }
                start = i + 1;
            }
            _ => {}
        }
    }
    let rec = &text[start..];
    if !rec.trim().is_empty() {
        out.push(rec);
    }
    out
}

fn count_outside_quotes(record: &str, delimiter: u8) -> usize {
    let d = char::from(delimiter);
    let mut in_quotes = false;
    let mut n = 0;
    for c in record.chars() {
        if c == '"' {
            in_quotes = !in_quotes;
        } else if c == d && !in_quotes {
            n += 1;
        }
    }
    n
}

/// Refuses a quoted field that is never closed, pointing at the quote that
/// opened it. Follows the csv crate's rules: a quote opens a quoted field
/// only at the start of a field, `""` inside it is a literal quote.
fn check_quotes(text: &str, delimiter: u8) -> Result<(), ParseError> {
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        FieldStart,
        Unquoted,
        Quoted,
        QuoteInQuoted,
    }
    let d = char::from(delimiter);
    let mut state = State::FieldStart;
    let (mut line, mut column) = (1u64, 0u64);
    let mut opened = (1u64, 1u64);
    let mut prev = '\0';
    for c in text.chars() {
        match c {
            '\n' if prev == '\r' => {}
            '\n' | '\r' => {
                line += 1;
                column = 0;
            }
            _ => column += 1,
        }
        prev = c;
        let end_of_field = c == d || c == '\n' || c == '\r';
        state = match state {
            State::FieldStart | State::Unquoted if end_of_field => State::FieldStart,
            State::FieldStart if c == '"' => {
                opened = (line, column);
                State::Quoted
            }
            State::FieldStart | State::Unquoted => State::Unquoted,
            State::Quoted if c == '"' => State::QuoteInQuoted,
            State::Quoted => State::Quoted,
            State::QuoteInQuoted if c == '"' => State::Quoted,
            State::QuoteInQuoted if end_of_field => State::FieldStart,
            State::QuoteInQuoted => State::Unquoted,
        };
    }
    if state == State::Quoted {
        return Err(ParseError::at(
            opened.0,
            opened.1,
            "unbalanced quote opened here: the quoted field never closes before the end of the file",
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_delimiters() {
        let cases: &[(&str, Option<u8>)] = &[
            ("a,b,c\n1,2,3\n", Some(b',')),
            ("a;b;c\n1;2,5;3\n4;5;6\n", Some(b';')),
            ("a\tb\n\"x;y\"\t2\n", Some(b'\t')),
            ("a|b\n1|2\n", Some(b'|')),
            // Commas inside quotes do not count; unquoted `;` in text vary.
            (
                "id,themes,text\n1,a;b;c,\"x, y\"\n2,a,\"z, w, v\"\n",
                Some(b','),
            ),
            ("just one column\nhello\n", None),
            // Multi-line quoted cells stay in one record.
            ("q;r\n\"line 1\nline, 2\";x\n\"a\";b\n", Some(b';')),
        ];
        for (text, want) in cases {
            assert_eq!(sniff_delimiter(text), *want, "{text:?}");
        }
    }

    #[test]
    fn unbalanced_quote_points_at_its_opening() {
        let e = read_csv(b"a,b\n1,2\n3,\"open\n4,5\n", None, b',', None).unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(3)));
        assert!(e.message.contains("unbalanced quote opened here"), "{e}");
        // Old Mac line ends count as lines too.
        let e = read_csv(b"a,b\r1,2\r\"x", None, b',', None).unwrap_err();
        assert_eq!((e.line, e.column), (Some(3), Some(1)));
        // Quotes inside an unquoted field and doubled quotes are fine.
        let g = read_csv(b"a,b\n5\" disk,\"say \"\"hi\"\"\"\n", None, b',', None).unwrap();
        assert_eq!(g.table.rows[0].cells, ["5\" disk", "say \"hi\""]);
    }

    #[test]
    fn lines_of_multi_line_records() {
        let g = read_csv(b"a,b\n\"x\ny\",1\n\n2,3\n", None, b',', None).unwrap();
        let lines: Vec<u64> = g.table.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [2, 5]);
        assert_eq!(g.table.rows[0].cells[0], "x\ny");
    }

    #[test]
    fn refuses_unusable_delimiters() {
        for d in [b'"', b'\n', 0xE9] {
            let e = read_csv(b"a,b\n", Some(d), b',', None).unwrap_err();
            assert!(e.message.contains("cannot be used"), "{e}");
        }
    }

    #[test]
    fn fallback_delimiter_for_one_column() {
        let g = read_csv(b"Note\nhello, world\nbye\nok\n", None, b'\t', None).unwrap();
        assert_eq!(g.delimiter, b'\t');
        assert_eq!(g.table.rows[0].cells, ["hello, world"]);
    }
}
