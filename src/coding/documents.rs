//! Documents to code, read from a file's bytes in batches: TSV (a header
//! row, then one document a line, no quoting, as `id<TAB>text`), CSV
//! (quoted fields, delimiter sniffed), JSON lines (objects with an id and a
//! text field) and plain text (one document per paragraph, paragraphs
//! separated by blank lines, identified by their first line number).
//!
//! Reading streams: a batch holds at most a given number of documents or
//! bytes, in one buffer, so a large file never sits in memory whole.

use std::io::BufRead;

/// How a file holds its documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum InputFormat {
    /// Tab-separated values with a header row; fields are not quoted.
    Tsv,
    /// Comma-, semicolon- or tab-separated values with a header row and
    /// quoted fields; the delimiter is sniffed from the header.
    Csv,
    /// One JSON object per line.
    Jsonl,
    /// Plain text: one document per paragraph.
    Text,
}

impl InputFormat {
    /// The format of a file extension (lower or upper case, no dot); plain
    /// text for anything unknown.
    pub fn from_extension(ext: &str) -> InputFormat {
        match ext.to_ascii_lowercase().as_str() {
            "tsv" | "tab" => InputFormat::Tsv,
            "csv" => InputFormat::Csv,
            "jsonl" | "ndjson" => InputFormat::Jsonl,
            _ => InputFormat::Text,
        }
    }
}

/// Which columns (or JSON fields) hold the document id and text; `None`
/// picks by name (`id`, `doc_id`…; `text`, `texte`, `content`…).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Columns {
    /// The id column; without one, documents are named by line number.
    pub id: Option<String>,
    /// The text column.
    pub text: Option<String>,
}

/// A problem with the input, at a 1-based line (0 = the whole file).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{line}: {message}")]
pub struct DocumentError {
    /// The line.
    pub line: u64,
    /// What is wrong and what was expected.
    pub message: String,
}

fn err(line: u64, message: impl Into<String>) -> DocumentError {
    DocumentError {
        line,
        message: message.into(),
    }
}

/// One document of a batch.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Document<'a> {
    /// Its id.
    pub id: &'a str,
    /// Its text.
    pub text: &'a str,
    /// The line it starts on.
    pub line: u64,
}

#[derive(Debug, Clone, Copy)]
struct DocRef {
    id: (usize, usize),
    text: (usize, usize),
    line: u64,
}

/// A batch of documents sharing one text buffer.
#[derive(Debug, Default, Clone)]
pub struct Batch {
    buf: String,
    docs: Vec<DocRef>,
}

impl Batch {
    /// Number of documents.
    pub fn len(&self) -> usize {
        self.docs.len()
    }

    /// Whether there is no document (the end of the input).
    pub fn is_empty(&self) -> bool {
        self.docs.is_empty()
    }

    /// The `i`th document.
    pub fn get(&self, i: usize) -> Option<Document<'_>> {
        let d = self.docs.get(i)?;
        Some(Document {
            id: self.buf.get(d.id.0..d.id.1)?,
            text: self.buf.get(d.text.0..d.text.1)?,
            line: d.line,
        })
    }

    /// The documents in order.
    pub fn iter(&self) -> impl Iterator<Item = Document<'_>> + '_ {
        (0..self.docs.len()).filter_map(|i| self.get(i))
    }

    /// The documents in order, collected.
    pub fn documents(&self) -> Vec<Document<'_>> {
        self.iter().collect()
    }

    fn clear(&mut self) {
        self.buf.clear();
        self.docs.clear();
    }

    fn push(&mut self, id: &str, text: &str, line: u64) {
        let i0 = self.buf.len();
        self.buf.push_str(id);
        let i1 = self.buf.len();
        self.buf.push_str(text);
        self.docs.push(DocRef {
            id: (i0, i1),
            text: (i1, self.buf.len()),
            line,
        });
    }

    fn push_numbered(&mut self, text: &str, line: u64) {
        let id = line.to_string();
        self.push(&id, text, line);
    }
}

/// Column names taken as the document id, in order of preference.
const ID_NAMES: &[&str] = &[
    "id",
    "doc_id",
    "document_id",
    "doc",
    "document",
    "identifier",
    "identifiant",
    "key",
];
/// Column names taken as the text, in order of preference.
const TEXT_NAMES: &[&str] = &[
    "text",
    "texte",
    "content",
    "contenu",
    "body",
    "message",
    "verbatim",
    "answer",
    "réponse",
    "reponse",
    "comment",
    "commentaire",
];

/// A header row without the columns asked for; `columns` lists the ones
/// it has.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
enum ColumnError {
    /// No column of the id name given.
    #[error("no id column \"{name}\"; the columns are {columns}")]
    NoId { name: String, columns: String },
    /// No column of the text name given.
    #[error("no text column \"{name}\"; the columns are {columns}")]
    NoText { name: String, columns: String },
    /// No name given, and no column looks like the text.
    #[error(
        "cannot tell which column holds the text; the columns are {columns}; use --text-column"
    )]
    Ambiguous { columns: String },
}

/// Finds the id and text columns in a header row.
fn resolve(headers: &[&str], cols: &Columns) -> Result<(Option<usize>, usize), ColumnError> {
    let find = |name: &str| {
        headers.iter().position(|h| h.trim() == name).or_else(|| {
            headers
                .iter()
                .position(|h| h.trim().eq_ignore_ascii_case(name))
        })
    };
    let listing = || {
        headers
            .iter()
            .map(|h| format!("\"{}\"", h.trim()))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let id = match &cols.id {
        Some(name) => Some(find(name).ok_or_else(|| ColumnError::NoId {
            name: name.clone(),
            columns: listing(),
        })?),
        None => ID_NAMES.iter().find_map(|n| find(n)),
    };
    let text = match &cols.text {
        Some(name) => find(name).ok_or_else(|| ColumnError::NoText {
            name: name.clone(),
            columns: listing(),
        })?,
        None => match (TEXT_NAMES.iter().find_map(|n| find(n)), headers.len(), id) {
            (Some(i), _, _) => i,
            (None, 1, _) => 0,
            (None, 2, Some(i)) => 1 - i,
            _ => {
                return Err(ColumnError::Ambiguous { columns: listing() });
            }
        },
    };
    Ok((id.filter(|&i| i != text), text))
}

/// The byte-order mark that may open a UTF-8 file.
const BOM: char = '\u{feff}';

enum Inner<R> {
    Lines(R),
    Csv(Box<csv::Reader<R>>),
}

/// Reads documents in batches from a buffered reader.
pub struct DocumentReader<R> {
    inner: Inner<R>,
    format: InputFormat,
    columns: Columns,
    /// (id column, text column) once the header is read.
    header: Option<(Option<usize>, usize)>,
    /// Physical lines consumed so far.
    line: u64,
    line_buf: Vec<u8>,
    record: csv::ByteRecord,
    paragraph: String,
    paragraph_line: u64,
    done: bool,
}

impl<R: BufRead> DocumentReader<R> {
    /// A reader of `input` in `format`, taking ids and texts from `columns`.
    pub fn new(mut input: R, format: InputFormat, columns: Columns) -> Self {
        let inner = match format {
            InputFormat::Csv => {
                let delimiter = input.fill_buf().map_or(b',', sniff_delimiter);
                Inner::Csv(Box::new(
                    csv::ReaderBuilder::new()
                        .delimiter(delimiter)
                        .has_headers(false)
                        .flexible(true)
                        .from_reader(input),
                ))
            }
            _ => Inner::Lines(input),
        };
        DocumentReader {
            inner,
            format,
            columns,
            header: None,
            line: 0,
            line_buf: Vec::new(),
            record: csv::ByteRecord::new(),
            paragraph: String::new(),
            paragraph_line: 0,
            done: false,
        }
    }

    /// Reads the next batch into `batch` (cleared first): at most
    /// `max_docs` documents, stopping once `max_bytes` of text are held.
    /// An empty batch means the input is over.
    pub fn read_batch(
        &mut self,
        batch: &mut Batch,
        max_docs: usize,
        max_bytes: usize,
    ) -> Result<(), DocumentError> {
        batch.clear();
        let max_docs = max_docs.max(1);
        while !self.done && batch.len() < max_docs && batch.buf.len() < max_bytes {
            match self.format {
                InputFormat::Csv => self.csv_record(batch)?,
                InputFormat::Tsv => self.tsv_line(batch)?,
                InputFormat::Jsonl => self.json_line(batch)?,
                InputFormat::Text => self.text_line(batch)?,
            }
        }
        Ok(())
    }

    /// Reads one physical line into `line_buf` (without its line end) and
    /// returns it as text; `None` at the end of input.
    fn next_line(&mut self) -> Result<Option<&str>, DocumentError> {
        let Inner::Lines(input) = &mut self.inner else {
            return Ok(None);
        };
        self.line_buf.clear();
        let n = input
            .read_until(b'\n', &mut self.line_buf)
            .map_err(|e| err(self.line + 1, format!("cannot read: {e}")))?;
        if n == 0 {
            self.done = true;
            return Ok(None);
        }
        self.line += 1;
        while matches!(self.line_buf.last(), Some(b'\n' | b'\r')) {
            self.line_buf.pop();
        }
        let s = std::str::from_utf8(&self.line_buf).map_err(|e| {
            let column = String::from_utf8_lossy(&self.line_buf[..e.valid_up_to()])
                .chars()
                .count()
                + 1;
            err(
                self.line,
                format!("invalid UTF-8 (column {column}); expected UTF-8 text"),
            )
        })?;
        Ok(Some(if self.line == 1 {
            s.trim_start_matches(BOM)
        } else {
            s
        }))
    }

    fn tsv_line(&mut self, batch: &mut Batch) -> Result<(), DocumentError> {
        let header = self.header;
        let columns = self.columns.clone();
        let line = self.line + 1;
        let Some(s) = self.next_line()? else {
            return Ok(());
        };
        let Some((id_col, text_col)) = header else {
            let headers: Vec<&str> = s.split('\t').collect();
            let h = resolve(&headers, &columns).map_err(|e| err(line, e.to_string()))?;
            self.header = Some(h);
            return Ok(());
        };
        if s.trim().is_empty() {
            return Ok(());
        }
        let last = id_col.unwrap_or(0).max(text_col);
        let (mut id, mut text) = (None, "");
        for (i, f) in s.split('\t').enumerate().take(last + 1) {
            if Some(i) == id_col {
                id = Some(f);
            }
            if i == text_col {
                text = f;
            }
        }
        match (id_col, id) {
            (Some(_), Some(id)) => batch.push(id, text, line),
            _ => batch.push_numbered(text, line),
        }
        Ok(())
    }

    fn json_line(&mut self, batch: &mut Batch) -> Result<(), DocumentError> {
        let line = self.line + 1;
        let id_field = self.columns.id.clone();
        let text_field = self
            .columns
            .text
            .clone()
            .unwrap_or_else(|| "text".to_owned());
        let Some(s) = self.next_line()? else {
            return Ok(());
        };
        if s.trim().is_empty() {
            return Ok(());
        }
        let value: serde_json::Value =
            serde_json::from_str(s).map_err(|e| err(line, format!("not valid JSON: {e}")))?;
        let Some(obj) = value.as_object() else {
            return Err(err(
                line,
                "expected a JSON object with an id and a text field",
            ));
        };
        let text = match obj.get(&text_field) {
            Some(serde_json::Value::String(t)) => t.as_str(),
            Some(serde_json::Value::Null) => "",
            Some(_) => return Err(err(line, format!("field \"{text_field}\" is not a string"))),
            None => {
                return Err(err(
                    line,
                    format!("no field \"{text_field}\"; use --text-column to name the text field"),
                ));
            }
        };
        let id = match &id_field {
            Some(f) => match obj.get(f) {
                Some(v) => Some(v),
                None => return Err(err(line, format!("no field \"{f}\""))),
            },
            None => ["id", "doc_id"].iter().find_map(|f| obj.get(*f)),
        };
        match id {
            Some(serde_json::Value::String(i)) => batch.push(i, text, line),
            Some(serde_json::Value::Null) | None => batch.push_numbered(text, line),
            Some(v) => batch.push(&v.to_string(), text, line),
        }
        Ok(())
    }

    fn text_line(&mut self, batch: &mut Batch) -> Result<(), DocumentError> {
        let line = self.line + 1;
        let s = self.next_line()?.map(str::to_owned);
        match s {
            Some(s) if !s.trim().is_empty() => {
                if self.paragraph.is_empty() {
                    self.paragraph_line = line;
                } else {
                    self.paragraph.push('\n');
                }
                self.paragraph.push_str(&s);
            }
            _ => {
                if !self.paragraph.is_empty() {
                    batch.push_numbered(&self.paragraph, self.paragraph_line);
                    self.paragraph.clear();
                }
            }
        }
        Ok(())
    }

    fn csv_record(&mut self, batch: &mut Batch) -> Result<(), DocumentError> {
        let Inner::Csv(reader) = &mut self.inner else {
            self.done = true;
            return Ok(());
        };
        let more = reader.read_byte_record(&mut self.record).map_err(|e| {
            let line = e.position().map_or(self.line, |p| p.line());
            err(line, format!("cannot read CSV: {e}"))
        })?;
        if !more {
            self.done = true;
            return Ok(());
        }
        let line = self.record.position().map_or(self.line + 1, |p| p.line());
        self.line = line;
        let field = |i: usize| -> Result<&str, DocumentError> {
            let b = self.record.get(i).unwrap_or(b"");
            std::str::from_utf8(b).map_err(|_| err(line, "invalid UTF-8; expected UTF-8 text"))
        };
        let Some((id_col, text_col)) = self.header else {
            let mut headers = Vec::with_capacity(self.record.len());
            for i in 0..self.record.len() {
                let h = field(i)?;
                headers.push(if i == 0 { h.trim_start_matches(BOM) } else { h });
            }
            self.header =
                Some(resolve(&headers, &self.columns).map_err(|e| err(line, e.to_string()))?);
            return Ok(());
        };
        if self
            .record
            .iter()
            .all(|f| f.iter().all(u8::is_ascii_whitespace))
        {
            return Ok(());
        }
        let text = field(text_col)?;
        match id_col {
            Some(i) => batch.push(field(i)?, text, line),
            None => batch.push_numbered(text, line),
        }
        Ok(())
    }
}

/// The most frequent of `;`, `,` and tab in the first line (outside quotes).
fn sniff_delimiter(head: &[u8]) -> u8 {
    let mut counts = [0usize; 3];
    let mut quoted = false;
    for &b in head {
        match b {
            b'"' => quoted = !quoted,
            b'\n' if !quoted => break,
            b',' if !quoted => counts[0] += 1,
            b';' if !quoted => counts[1] += 1,
            b'\t' if !quoted => counts[2] += 1,
            _ => {}
        }
    }
    let best = (0..3)
        .max_by_key(|&i| (counts[i], std::cmp::Reverse(i)))
        .unwrap_or(0);
    [b',', b';', b'\t'][best]
}

/// Reads every document of a small input at once: (id, text, line).
pub fn read_all(
    bytes: &[u8],
    format: InputFormat,
    columns: Columns,
) -> Result<Vec<(String, String, u64)>, DocumentError> {
    let mut reader = DocumentReader::new(bytes, format, columns);
    let mut batch = Batch::default();
    let mut out = Vec::new();
    loop {
        reader.read_batch(&mut batch, 1024, usize::MAX)?;
        if batch.is_empty() {
            return Ok(out);
        }
        out.extend(
            batch
                .iter()
                .map(|d| (d.id.to_owned(), d.text.to_owned(), d.line)),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn docs(input: &str, format: InputFormat) -> Vec<(String, String, u64)> {
        read_all(input.as_bytes(), format, Columns::default()).unwrap()
    }

    fn t(id: &str, text: &str, line: u64) -> (String, String, u64) {
        (id.to_owned(), text.to_owned(), line)
    }

    #[test]
    fn tsv_like_the_bench_corpus() {
        let input = "\u{feff}id\ttext\nd0\tMr. Speaker, \"I rise\".\r\n\nd1\tsecond\n";
        assert_eq!(
            docs(input, InputFormat::Tsv),
            [t("d0", "Mr. Speaker, \"I rise\".", 2), t("d1", "second", 4)]
        );
        let cols = Columns {
            id: None,
            text: Some("b".into()),
        };
        let got = read_all(b"a\tb\tc\n1\t2\t3\n", InputFormat::Tsv, cols).unwrap();
        assert_eq!(got, [t("2", "2", 2)]);
    }

    #[test]
    fn csv_quoted_with_sniffed_delimiter() {
        let input = "Participant;Réponse;id\nAna;\"Le loyer; trop cher\nvraiment\";r1\nBob;ok;r2\n";
        assert_eq!(
            docs(input, InputFormat::Csv),
            [
                t("r1", "Le loyer; trop cher\nvraiment", 2),
                t("r2", "ok", 4)
            ]
        );
    }

    #[test]
    fn jsonl_objects() {
        let input =
            "{\"id\": 7, \"text\": \"a\"}\n\n{\"id\": \"x\", \"text\": \"b\"}\n{\"text\": \"c\"}\n";
        assert_eq!(
            docs(input, InputFormat::Jsonl),
            [t("7", "a", 1), t("x", "b", 3), t("4", "c", 4)]
        );
        let e = read_all(b"{\"id\": 1}\n", InputFormat::Jsonl, Columns::default()).unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("\"text\""));
    }

    #[test]
    fn text_paragraphs() {
        let input = "First line\nsame paragraph\n\n  \nSecond\n";
        assert_eq!(
            docs(input, InputFormat::Text),
            [t("1", "First line\nsame paragraph", 1), t("5", "Second", 5)]
        );
    }

    #[test]
    fn invalid_utf8_names_the_line() {
        let e = read_all(
            b"id\ttext\na\tok\nb\tbad \xff\n",
            InputFormat::Tsv,
            Columns::default(),
        )
        .unwrap_err();
        assert_eq!(e.line, 3);
        assert!(e.message.starts_with("invalid UTF-8"), "{e}");
        let e = read_all(
            b"id,text\na,\"bad \xff\"\n",
            InputFormat::Csv,
            Columns::default(),
        )
        .unwrap_err();
        assert_eq!(e.line, 2);
        let e = read_all(b"x\n\xfe\n", InputFormat::Text, Columns::default()).unwrap_err();
        assert_eq!(e.line, 2);
    }

    #[test]
    fn missing_columns_are_explained() {
        let e = read_all(b"a\tb\tc\n", InputFormat::Tsv, Columns::default()).unwrap_err();
        assert!(e.message.contains("--text-column"), "{e}");
        let cols = Columns {
            id: Some("nope".into()),
            text: None,
        };
        let e = read_all(b"id\ttext\n", InputFormat::Tsv, cols).unwrap_err();
        assert!(e.message.contains("\"nope\""), "{e}");
    }

    #[test]
    fn batches_split_and_keep_order() {
        let mut input = String::from("id\ttext\n");
        for i in 0..25 {
            input.push_str(&format!("d{i}\tdoc {i}\n"));
        }
        let mut r = DocumentReader::new(input.as_bytes(), InputFormat::Tsv, Columns::default());
        let mut b = Batch::default();
        let mut ids = Vec::new();
        loop {
            r.read_batch(&mut b, 10, usize::MAX).unwrap();
            if b.is_empty() {
                break;
            }
            assert!(b.len() <= 10);
            ids.extend(b.iter().map(|d| d.id.to_owned()));
        }
        assert_eq!(ids.len(), 25);
        assert_eq!(ids[24], "d24");
    }
}
