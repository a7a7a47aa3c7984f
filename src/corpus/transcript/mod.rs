//! Transcript parsing: plain text, WebVTT, SRT, DOCX and tabular (CSV/TSV)
//! transcripts into speaker turns and paragraphs. Pure: bytes in, segments out.

mod docx;
mod labels;
mod subtitles;
mod table;

pub(crate) use table::role_cell;
mod turns;
mod txt;

use encoding_rs::Encoding;

use super::decode::decode;
use super::error::ParseError;
use super::model::RawSegment;

/// The layout of a transcript file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TranscriptFormat {
    /// Decide from the file extension, then from the content.
    #[default]
    Auto,
    /// Plain text with optional speaker labels and timestamps.
    Txt,
    /// WebVTT subtitles.
    Vtt,
    /// SubRip subtitles.
    Srt,
    /// A Word document (`word/document.xml` inside a zip).
    Docx,
    /// A table with one row per turn (CSV or TSV, header row).
    Csv,
    /// A REFI-QDA project (`.qdpx`): its text sources, as paragraphs and
    /// speaker turns.
    Qdpx,
}

impl TranscriptFormat {
    /// Every format, in the order the help text lists them.
    pub const ALL: [TranscriptFormat; 7] = [
        TranscriptFormat::Auto,
        TranscriptFormat::Txt,
        TranscriptFormat::Vtt,
        TranscriptFormat::Srt,
        TranscriptFormat::Docx,
        TranscriptFormat::Csv,
        TranscriptFormat::Qdpx,
    ];

    /// The lower-case word users type and the workspace stores.
    pub fn as_str(self) -> &'static str {
        match self {
            TranscriptFormat::Auto => "auto",
            TranscriptFormat::Txt => "txt",
            TranscriptFormat::Vtt => "vtt",
            TranscriptFormat::Srt => "srt",
            TranscriptFormat::Docx => "docx",
            TranscriptFormat::Csv => "csv",
            TranscriptFormat::Qdpx => "qdpx",
        }
    }

    /// Parses the word back (ASCII case-insensitive, surrounding space ignored).
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|f| f.as_str().eq_ignore_ascii_case(s))
    }
}

/// How to read a transcript; the defaults detect everything.
#[derive(Debug, Clone, Default)]
pub struct TranscriptOptions {
    /// The format, or `Auto` to detect it.
    pub format: TranscriptFormat,
    /// A forced text encoding (a BOM still wins); ignored for DOCX.
    pub encoding: Option<&'static Encoding>,
    /// The speaker column of a tabular transcript, by header name.
    pub speaker_column: Option<String>,
    /// The text column of a tabular transcript, by header name.
    pub text_column: Option<String>,
    /// The column of a tabular transcript holding each turn's id (the
    /// segment's key), by header name.
    pub id_column: Option<String>,
    /// The column of a tabular transcript holding each turn's speaker role.
    pub role_column: Option<String>,
}

/// The segments of one transcript, with what was detected.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedTranscript {
    /// The format that was used; never `Auto`.
    pub format: TranscriptFormat,
    /// The text encoding's WHATWG name; `None` for DOCX (always XML in a zip).
    pub encoding: Option<&'static str>,
    /// Turns (with a speaker) and paragraphs (without), in file order.
    pub segments: Vec<RawSegment>,
}

/// Parses one transcript file into segments.
///
/// `file_name` is only used for its extension when `opts.format` is `Auto`.
/// Every segment has trimmed, non-empty text, a 1-based `line` (for DOCX the
/// paragraph number) and, when the file says it, a start time. A file that
/// yields no segment is an error.
pub fn parse_transcript(
    file_name: &str,
    bytes: &[u8],
    opts: &TranscriptOptions,
) -> Result<ParsedTranscript, ParseError> {
    let format = match opts.format {
        TranscriptFormat::Auto => detect_format(file_name, bytes),
        other => other,
    };
    if format == TranscriptFormat::Qdpx {
        let project = crate::refi::read::read_qdpx(bytes)?;
        let segments: Vec<RawSegment> = crate::refi::segments::segments(&project)
            .into_iter()
            .map(|s| s.raw)
            .collect();
        if segments.is_empty() {
            return Err(ParseError::file(
                "the project has no text source with text; expected at least one TextSource",
            ));
        }
        return Ok(ParsedTranscript {
            format,
            encoding: None,
            segments,
        });
    }
    if format == TranscriptFormat::Docx {
        let segments = docx::parse(bytes)?;
        return Ok(ParsedTranscript {
            format,
            encoding: None,
            segments,
        });
    }
    let decoded = decode(bytes, opts.encoding)?;
    let segments = match format {
        TranscriptFormat::Vtt => subtitles::parse_vtt(&decoded.text)?,
        TranscriptFormat::Srt => subtitles::parse_srt(&decoded.text)?,
        TranscriptFormat::Csv => table::parse(&decoded.text, opts)?,
        _ => txt::parse(&decoded.text),
    };
    if segments.is_empty() {
        return Err(ParseError::file(
            "no text found; expected at least one speaker turn or paragraph",
        ));
    }
    Ok(ParsedTranscript {
        format,
        encoding: Some(decoded.encoding),
        segments,
    })
}

/// Guesses the format: by extension first (`.txt` `.md` `.text` `.vtt`
/// `.srt` `.docx` `.csv` `.tsv`), else by content (`WEBVTT` header, a zip
/// signature, an SRT cue number followed by a timing line); plain text
/// otherwise. Never returns `Auto`.
pub fn detect_format(file_name: &str, bytes: &[u8]) -> TranscriptFormat {
    if let Some(format) = format_for_extension(file_name) {
        return format;
    }
    if bytes.starts_with(b"PK") {
        return TranscriptFormat::Docx;
    }
    let head = text_head(bytes);
    let head = head.trim_start_matches('\u{feff}');
    if head.starts_with("WEBVTT") {
        return TranscriptFormat::Vtt;
    }
    let mut lines = split_lines(head)
        .into_iter()
        .map(str::trim)
        .skip_while(|l| l.is_empty());
    if let (Some(first), Some(second)) = (lines.next(), lines.next())
        && !first.is_empty()
        && first.bytes().all(|b| b.is_ascii_digit())
        && second.contains("-->")
    {
        return TranscriptFormat::Srt;
    }
    TranscriptFormat::Txt
}

fn format_for_extension(file_name: &str) -> Option<TranscriptFormat> {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    let (stem, ext) = base.rsplit_once('.')?;
    if stem.is_empty() {
        return None;
    }
    Some(match ext.to_ascii_lowercase().as_str() {
        "txt" | "md" | "text" | "markdown" => TranscriptFormat::Txt,
        "vtt" => TranscriptFormat::Vtt,
        "srt" => TranscriptFormat::Srt,
        "docx" => TranscriptFormat::Docx,
        "csv" | "tsv" => TranscriptFormat::Csv,
        "qdpx" => TranscriptFormat::Qdpx,
        _ => return None,
    })
}

/// The first few kilobytes as text, for sniffing only.
fn text_head(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(4096)];
    if let Some((enc, bom_len)) = Encoding::for_bom(head) {
        let rest = head.get(bom_len..).unwrap_or_default();
        return enc.decode_without_bom_handling(rest).0.into_owned();
    }
    String::from_utf8_lossy(head).into_owned()
}

/// Splits text into lines at LF, CRLF or a lone CR; no line end is kept.
pub(super) fn split_lines(text: &str) -> Vec<&str> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut start = 0;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                out.push(&text[start..i]);
                i += 1;
                start = i;
            }
            b'\r' => {
                out.push(&text[start..i]);
                i += if bytes.get(i + 1) == Some(&b'\n') {
                    2
                } else {
                    1
                };
                start = i;
            }
            _ => i += 1,
        }
    }
    if start < text.len() {
        out.push(&text[start..]);
    }
    out
}

/// Parses a clock time `h:mm:ss`, `mm:ss` with an optional `.fff` or `,fff`
/// fraction into milliseconds. `min_groups` is 2 or 3: how many
/// colon-separated groups are required. Minutes and seconds after the first
/// group must be below 60.
pub(super) fn parse_clock(s: &str, min_groups: usize) -> Option<u64> {
    let (clock, frac) = match s.find(['.', ',']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let groups: Vec<&str> = clock.split(':').collect();
    if groups.len() < min_groups.max(2) || groups.len() > 3 {
        return None;
    }
    let mut total: u64 = 0;
    for (i, g) in groups.iter().enumerate() {
        let max_len = if i == 0 { 3 } else { 2 };
        if g.is_empty() || g.len() > max_len || !g.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let v: u64 = g.parse().ok()?;
        if i > 0 && v >= 60 {
            return None;
        }
        total = total * 60 + v;
    }
    let mut ms = total * 1000;
    if let Some(f) = frac {
        if f.is_empty() || f.len() > 9 || !f.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let digits: String = f.chars().chain("000".chars()).take(3).collect();
        ms += digits.parse::<u64>().ok()?;
    }
    Some(ms)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::model::SegmentKind;

    #[test]
    fn format_words_round_trip() {
        for f in TranscriptFormat::ALL {
            assert_eq!(TranscriptFormat::parse(f.as_str()), Some(f));
        }
        assert_eq!(
            TranscriptFormat::parse(" VTT "),
            Some(TranscriptFormat::Vtt)
        );
        assert_eq!(TranscriptFormat::parse("pdf"), None);
    }

    #[test]
    fn detects_formats() {
        use TranscriptFormat::*;
        let cases: &[(&str, &[u8], TranscriptFormat)] = &[
            ("a.txt", b"WEBVTT\n", Txt),
            ("notes.MD", b"x", Txt),
            ("dir.v2/a.vtt", b"x", Vtt),
            ("a.SRT", b"x", Srt),
            ("a.docx", b"x", Docx),
            ("a.tsv", b"x", Csv),
            ("a.csv", b"x", Csv),
            (
                "upload",
                b"\xEF\xBB\xBFWEBVTT\n\n00:01.000 --> 00:02.000\nHi",
                Vtt,
            ),
            ("upload.bin", b"PK\x03\x04", Docx),
            (
                "upload",
                b"\n1\r\n00:00:01,000 --> 00:00:02,000\r\nHi\r\n",
                Srt,
            ),
            ("upload", b"1\nAna: hi\n", Txt),
            ("upload", b"Ana: hi", Txt),
            (".vtt", b"Ana: hi", Txt),
        ];
        for (name, bytes, want) in cases {
            assert_eq!(detect_format(name, bytes), *want, "{name}");
        }
        let mut utf16 = vec![0xFF, 0xFE];
        for u in "WEBVTT\n".encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(detect_format("x", &utf16), Vtt);
    }

    #[test]
    fn splits_every_line_end() {
        assert_eq!(split_lines("a\r\nb\rc\n\nd"), vec!["a", "b", "c", "", "d"]);
        assert_eq!(split_lines("a\n"), vec!["a"]);
        assert!(split_lines("").is_empty());
    }

    #[test]
    fn clocks() {
        let cases: &[(&str, usize, Option<u64>)] = &[
            ("00:04:28", 3, Some(268_000)),
            ("04:28", 3, None),
            ("04:28", 2, Some(268_000)),
            ("1:02:03.5", 2, Some(3_723_500)),
            ("00:00:01,250", 2, Some(1_250)),
            ("0:0:0.210", 2, Some(210)),
            ("0:0:0.0", 2, Some(0)),
            ("10:75", 2, None),
            ("1:2:3:4", 2, None),
            ("ab:cd", 2, None),
            ("12:", 2, None),
            ("00:01.", 2, None),
            ("00:01.12345", 2, Some(1_123)),
        ];
        for (s, g, want) in cases {
            assert_eq!(parse_clock(s, *g), *want, "{s}");
        }
    }

    #[test]
    fn parses_each_format_end_to_end() {
        let opts = TranscriptOptions::default();
        let t = parse_transcript("a.txt", b"Ana: hi\nBob: yo\n", &opts).unwrap();
        assert_eq!(t.format, TranscriptFormat::Txt);
        assert_eq!(t.encoding, Some("UTF-8"));
        assert_eq!(t.segments.len(), 2);
        assert_eq!(t.segments[0].kind, SegmentKind::Turn);

        let t = parse_transcript("x", b"WEBVTT\n\n00:01.000 --> 00:02.000\nHi", &opts).unwrap();
        assert_eq!(t.format, TranscriptFormat::Vtt);
        assert_eq!(t.segments[0].time_ms, Some(1000));

        let t = parse_transcript("a.csv", b"speaker;text\nAna;hi\n", &opts).unwrap();
        assert_eq!(t.format, TranscriptFormat::Csv);
        assert_eq!(t.segments[0].speaker.as_deref(), Some("Ana"));

        let forced = TranscriptOptions {
            format: TranscriptFormat::Txt,
            encoding: Some(encoding_rs::WINDOWS_1252),
            ..Default::default()
        };
        let t = parse_transcript("a.vtt", b"Ana: caf\xE9\nBob: ok\n", &forced).unwrap();
        assert_eq!(t.format, TranscriptFormat::Txt);
        assert_eq!(t.encoding, Some("windows-1252"));
        assert_eq!(t.segments[0].text, "café");
    }

    #[test]
    fn empty_and_binary_inputs_are_errors() {
        let opts = TranscriptOptions::default();
        for name in ["a.txt", "a.vtt", "a.srt", "a.docx", "a.csv", "x"] {
            assert!(parse_transcript(name, b"", &opts).is_err(), "{name}");
            assert!(
                parse_transcript(name, b"  \n\t\n", &opts).is_err(),
                "{name}"
            );
            assert!(
                parse_transcript(name, b"\x00\x01\x02binary\xff\x00", &opts).is_err(),
                "{name}"
            );
        }
    }

    /// A small deterministic generator (xorshift), so garbage is repeatable.
    struct Garbage(u64);

    impl Garbage {
        fn next(&mut self) -> u64 {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            self.0
        }

        fn pick<'a>(&mut self, items: &[&'a [u8]]) -> &'a [u8] {
            items[(self.next() % items.len() as u64) as usize]
        }
    }

    #[test]
    fn garbage_never_panics() {
        const PIECES: &[&[u8]] = &[
            b"WEBVTT",
            b"\n",
            b"\r\n",
            b"\r",
            b" ",
            b"\t",
            b"-->",
            b"00:01.000",
            b"0:0:0.2",
            b"00:00:01,000",
            b"1",
            b"[",
            b"]",
            b"(",
            b")",
            b":",
            b".",
            b"<v Ana>",
            b"<v.",
            b"</v>",
            b"<",
            b">",
            b"&amp;",
            b"&#x",
            b"&",
            b";",
            b",",
            b"\"",
            b"Ana",
            b"M. LE PR\xC3\x89SIDENT",
            b"\xC3\xA9",
            b"\xE6\x97\xA5",
            b"\xF0\x9F\x98\x80",
            b"NOTE",
            b"STYLE",
            b"PK\x03\x04",
            b"\xff",
            b"\xC3",
            b"**",
            b"- ",
            b"{\\an8}",
            b"[00:04:28]",
            b"speaker",
            b"text",
            b"\xEF\xBB\xBF",
            b"P1",
            b"HAMLET.",
        ];
        let names = ["a.txt", "a.vtt", "a.srt", "a.docx", "a.csv", "blob"];
        let mut g = Garbage(0x9E37_79B9_7F4A_7C15);
        for round in 0..3000 {
            let mut bytes = Vec::new();
            if round % 3 == 0 {
                let n = g.next() % 200;
                bytes.extend((0..n).map(|_| g.next() as u8));
            } else {
                let n = g.next() % 60;
                for _ in 0..n {
                    bytes.extend_from_slice(g.pick(PIECES));
                }
            }
            for format in TranscriptFormat::ALL {
                let opts = TranscriptOptions {
                    format,
                    ..Default::default()
                };
                let name = names[round % names.len()];
                if let Ok(t) = parse_transcript(name, &bytes, &opts) {
                    assert_ne!(t.format, TranscriptFormat::Auto);
                    for s in &t.segments {
                        assert!(!s.text.is_empty());
                        assert_eq!(s.text.trim(), s.text);
                        assert!(s.line.is_some_and(|l| l >= 1));
                    }
                }
            }
        }
    }
}
