//! Reading CSV and TSV grids: decoding, delimiter sniffing, unbalanced
//! quotes, and the csv crate for the records.

use std::io::Read;

use encoding_rs::Encoding;

use super::super::decode::decode;
use super::super::error::ParseError;
use super::table::Table;

/// Delimiters the sniffer chooses from, in order of preference on a tie.
const CANDIDATES: [u8; 4] = [b',', b';', b'\t', b'|'];
/// How many records the sniffer looks at.
pub(super) const SNIFF_RECORDS: usize = 20;

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
    let (text, delimiter, encoding) = decode_csv(bytes, delimiter, fallback, encoding)?;
    let mut records = Records::new(text.as_bytes(), delimiter);
    let mut record = csv::ByteRecord::new();
    let mut rows = Vec::new();
    while let Some(line) = records.next_record(&mut record)? {
        // Decoded text is valid UTF-8, field by field too.
        rows.push((
            line,
            record
                .iter()
                .map(|f| String::from_utf8_lossy(f).into_owned())
                .collect(),
        ));
    }
    let table = Table::from_records(rows, 1)?;
    Ok(CsvGrid {
        table,
        delimiter,
        encoding,
    })
}

/// A CSV's text, decoded, with its delimiter (given or sniffed) and the
/// encoding's name.
pub(super) fn decode_csv<'a>(
    bytes: &'a [u8],
    delimiter: Option<u8>,
    fallback: u8,
    encoding: Option<&'static Encoding>,
) -> Result<(std::borrow::Cow<'a, str>, u8, &'static str), ParseError> {
    if let Some(d) = delimiter {
        check_delimiter(d)?;
    }
    let decoded = decode(bytes, encoding)?;
    let delimiter = delimiter
        .or_else(|| sniff_delimiter(&decoded.text))
        .unwrap_or(fallback);
    Ok((decoded.text, delimiter, decoded.encoding))
}

/// Refuses a delimiter the csv reader cannot use.
pub(super) fn check_delimiter(d: u8) -> Result<(), ParseError> {
    if !d.is_ascii() || matches!(d, b'"' | b'\n' | b'\r') {
        return Err(ParseError::file(format!(
            "delimiter {:?} cannot be used; expected an ASCII character other than a quote or a line break",
            char::from(d)
        )));
    }
    Ok(())
}

/// The records of a CSV text read as they come, each with the 1-based line
/// it starts on (line breaks inside quoted fields counted, blank lines the
/// reader skips before a record not), and a quoted field that never closes
/// refused at the quote that opened it. Reads from any reader, so a large
/// file is never held whole.
pub struct Records<R: Read> {
    reader: csv::Reader<Tracked<R>>,
    lines: std::sync::Arc<std::sync::Mutex<Lines>>,
}

impl<R: Read> Records<R> {
    /// Reads `input` with `delimiter` (ASCII, not a quote or line break).
    pub fn new(input: R, delimiter: u8) -> Self {
        let lines = std::sync::Arc::new(std::sync::Mutex::new(Lines::new(delimiter)));
        let reader = csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 16)
            .from_reader(Tracked {
                inner: input,
                lines: lines.clone(),
            });
        Records { reader, lines }
    }

    /// Reads the next record into `record`; its line, or `None` at the end.
    pub fn next_record(&mut self, record: &mut csv::ByteRecord) -> Result<Option<u64>, ParseError> {
        let more = self.reader.read_byte_record(record);
        let mut lines = self
            .lines
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if let Some(e) = lines.io_error.take() {
            return Err(ParseError::file(format!("cannot read the file: {e}")));
        }
        // A quote still open at the end of the input swallowed the rest of
        // the file into this record: that is the error, not its width.
        if lines.eof && lines.quote == QuoteState::Quoted {
            let (line, column) = lines.opened;
            return Err(ParseError::at(
                line,
                column,
                "unbalanced quote opened here: the quoted field never closes before the end of the file",
            ));
        }
        match more {
            Ok(true) => {
                let byte = record.position().map_or(0, |p| p.byte());
                Ok(Some(lines.record_line(byte)))
            }
            Ok(false) => Ok(None),
            Err(e) => {
                let message = format!("cannot read the CSV: {e}");
                Err(match e.position() {
                    Some(p) => ParseError::at_line(lines.record_line(p.byte()), message),
                    None => ParseError::file(message),
                })
            }
        }
    }
}

/// A reader that watches the bytes going to the csv reader: line breaks
/// (for record lines) and quotes (for an unbalanced one).
struct Tracked<R> {
    inner: R,
    lines: std::sync::Arc<std::sync::Mutex<Lines>>,
}

impl<R: Read> Read for Tracked<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        match self.inner.read(buf) {
            Ok(n) => {
                self.lines
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .feed(&buf[..n]);
                Ok(n)
            }
            Err(e) => {
                // Kept for the record that asked, with the csv reader's own
                // error beside it.
                let kept = std::io::Error::new(e.kind(), e.to_string());
                self.lines
                    .lock()
                    .unwrap_or_else(std::sync::PoisonError::into_inner)
                    .io_error = Some(e);
                Err(kept)
            }
        }
    }
}

/// The quote state of the csv crate's rules: a quote opens a quoted field
/// only at the start of a field, `""` inside it is a literal quote.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum QuoteState {
    FieldStart,
    Unquoted,
    Quoted,
    QuoteInQuoted,
}

/// What the bytes read so far say about lines and quotes. Line breaks are
/// kept only ahead of the last record asked about, so memory stays bounded
/// by the reader's buffer (or one record).
struct Lines {
    delimiter: u8,
    /// Bytes seen.
    seen: u64,
    /// Offsets of the `\n` and `\r` bytes not yet passed by a record.
    breaks: std::collections::VecDeque<u64>,
    /// Offsets of line starts not yet passed (after `\n`, or after a `\r`
    /// not followed by `\n`).
    starts: std::collections::VecDeque<u64>,
    /// Line starts already passed.
    passed: u64,
    /// The last byte seen was a `\r`.
    after_cr: bool,
    quote: QuoteState,
    /// Line and column (in characters) where the open quote was.
    opened: (u64, u64),
    /// Line and column of the last byte, for `opened`.
    line: u64,
    column: u64,
    eof: bool,
    io_error: Option<std::io::Error>,
}

impl Lines {
    fn new(delimiter: u8) -> Self {
        Lines {
            delimiter,
            seen: 0,
            breaks: Default::default(),
            starts: Default::default(),
            passed: 0,
            after_cr: false,
            quote: QuoteState::FieldStart,
            opened: (1, 1),
            line: 1,
            column: 0,
            eof: false,
            io_error: None,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        if bytes.is_empty() {
            if self.after_cr {
                self.starts.push_back(self.seen);
                self.after_cr = false;
            }
            self.eof = true;
            return;
        }
        let d = self.delimiter;
        let special = |b: u8| b == b'\n' || b == b'\r' || b == b'"' || b == d;
        let mut i = 0;
        while i < bytes.len() {
            // A run of other bytes changes no line and no quote but one way:
            // taken at once (most of a grid's bytes are such runs).
            let end = bytes[i..]
                .iter()
                .position(|&b| special(b))
                .map_or(bytes.len(), |p| i + p);
            if end > i {
                if self.after_cr {
                    self.starts.push_back(self.seen + i as u64);
                    self.after_cr = false;
                }
                // UTF-8 continuation bytes are not characters.
                let chars = bytes[i..end].iter().filter(|&&b| b & 0xC0 != 0x80).count();
                self.column += chars as u64;
                self.quote = match self.quote {
                    QuoteState::FieldStart | QuoteState::QuoteInQuoted => QuoteState::Unquoted,
                    q => q,
                };
                i = end;
                if i == bytes.len() {
                    break;
                }
            }
            self.special_byte(bytes[i], self.seen + i as u64);
            i += 1;
        }
        self.seen += bytes.len() as u64;
    }

    /// A line break, a quote or a delimiter at offset `at`.
    fn special_byte(&mut self, b: u8, at: u64) {
        let d = self.delimiter;
        let after_cr = self.after_cr;
        // Lines: a `\r` starts a line unless a `\n` follows it.
        if after_cr && b != b'\n' {
            self.starts.push_back(at);
        }
        self.after_cr = b == b'\r';
        match b {
            b'\n' => {
                self.breaks.push_back(at);
                self.starts.push_back(at + 1);
            }
            b'\r' => self.breaks.push_back(at),
            _ => {}
        }
        // Positions for the quote error, in characters.
        match b {
            b'\n' if after_cr => {}
            b'\n' | b'\r' => {
                self.line += 1;
                self.column = 0;
            }
            _ => self.column += 1,
        }
        let end_of_field = b == d || b == b'\n' || b == b'\r';
        self.quote = match self.quote {
            QuoteState::FieldStart | QuoteState::Unquoted if end_of_field => QuoteState::FieldStart,
            QuoteState::FieldStart if b == b'"' => {
                self.opened = (self.line, self.column);
                QuoteState::Quoted
            }
            QuoteState::FieldStart | QuoteState::Unquoted => QuoteState::Unquoted,
            QuoteState::Quoted if b == b'"' => QuoteState::QuoteInQuoted,
            QuoteState::Quoted => QuoteState::Quoted,
            QuoteState::QuoteInQuoted if b == b'"' => QuoteState::Quoted,
            QuoteState::QuoteInQuoted if end_of_field => QuoteState::FieldStart,
            QuoteState::QuoteInQuoted => QuoteState::Unquoted,
        };
    }

    /// The 1-based line of the record that the reader started at `byte`:
    /// line breaks the reader skipped before it do not count. Records come
    /// in order, so what lies before is forgotten.
    fn record_line(&mut self, byte: u64) -> u64 {
        let mut at = byte;
        while let Some(&b) = self.breaks.front() {
            if b < at {
                self.breaks.pop_front();
            } else if b == at {
                self.breaks.pop_front();
                at += 1;
            } else {
                break;
            }
        }
        while let Some(&s) = self.starts.front() {
            if s <= at {
                self.starts.pop_front();
                self.passed += 1;
            } else {
                break;
            }
        }
        self.passed + 1
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
pub(super) fn first_records(text: &str, limit: usize) -> Vec<&str> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// The byte-at-a-time reading `Lines::feed` takes in runs.
    fn feed_bytewise(l: &mut Lines, bytes: &[u8]) {
        for (i, &b) in bytes.iter().enumerate() {
            let at = l.seen + i as u64;
            if b == b'\n' || b == b'\r' || b == b'"' || b == l.delimiter {
                l.special_byte(b, at);
                continue;
            }
            if l.after_cr {
                l.starts.push_back(at);
            }
            l.after_cr = false;
            if b & 0xC0 != 0x80 {
                l.column += 1;
            }
            l.quote = match l.quote {
                QuoteState::FieldStart | QuoteState::Unquoted | QuoteState::QuoteInQuoted => {
                    QuoteState::Unquoted
                }
                QuoteState::Quoted => QuoteState::Quoted,
            };
        }
        l.seen += bytes.len() as u64;
    }

    fn state(l: &Lines) -> impl PartialEq + std::fmt::Debug {
        (
            (l.seen, l.breaks.clone(), l.starts.clone(), l.after_cr),
            (l.quote, l.opened, l.line, l.column),
        )
    }

    proptest::proptest! {
        /// Runs of ordinary bytes taken at once leave lines, line starts,
        /// quotes and the open quote's position as byte by byte, however
        /// the bytes are cut into reads.
        #[test]
        fn lines_read_in_runs_are_lines_read_byte_by_byte(
            bytes in proptest::collection::vec(
                proptest::sample::select(b"ab;\"\r\n\xc3\xa9 ".to_vec()), 0..200),
            cuts in proptest::collection::vec(0usize..200, 0..4),
        ) {
            let (mut runs, mut each) = (Lines::new(b';'), Lines::new(b';'));
            let mut cuts: Vec<usize> = cuts.into_iter().map(|c| c.min(bytes.len())).collect();
            cuts.push(0);
            cuts.push(bytes.len());
            cuts.sort_unstable();
            // An empty read is the end of the file, in both.
            for w in cuts.windows(2).filter(|w| w[0] < w[1]) {
                runs.feed(&bytes[w[0]..w[1]]);
                feed_bytewise(&mut each, &bytes[w[0]..w[1]]);
                proptest::prop_assert_eq!(state(&runs), state(&each));
            }
            runs.feed(&[]);
            each.feed(&[]);
            proptest::prop_assert_eq!(state(&runs), state(&each));
        }
    }

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
