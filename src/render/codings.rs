//! Codings and per-document code counts as CSV or JSON lines: values in,
//! bytes out (appended to a buffer, so that batches render in parallel and
//! are written in order).

use crate::coding::Coding;
use crate::render::listing::Listing;

/// Output format of codings and counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TableFormat {
    /// CSV with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// The columns of codings.
pub const CODING_COLUMNS: [&str; 7] = [
    "doc_id", "code", "start", "end", "matched", "rule", "negated",
];

/// The header of codings (CSV only; JSON lines have none).
pub fn codings_header(format: TableFormat, out: &mut Vec<u8>) {
    if format == TableFormat::Csv {
        out.extend_from_slice(CODING_COLUMNS.join(",").as_bytes());
        out.push(b'\n');
    }
}

/// One row per coding of a document.
pub fn coding_rows(format: TableFormat, out: &mut Vec<u8>, doc_id: &str, codings: &[Coding]) {
    for c in codings {
        match format {
            TableFormat::Csv => {
                csv_field(out, doc_id);
                out.push(b',');
                csv_field(out, &c.code);
                out.push(b',');
                push_u32(out, c.start);
                out.push(b',');
                push_u32(out, c.end);
                out.push(b',');
                csv_field(out, &c.matched);
                out.push(b',');
                csv_field(out, &c.rule);
                out.extend_from_slice(if c.negated { b",true\n" } else { b",false\n" });
            }
            TableFormat::Jsonl => {
                out.extend_from_slice(b"{\"doc_id\":");
                json_string(out, doc_id);
                out.extend_from_slice(b",\"code\":");
                json_string(out, &c.code);
                out.extend_from_slice(b",\"start\":");
                push_u32(out, c.start);
                out.extend_from_slice(b",\"end\":");
                push_u32(out, c.end);
                out.extend_from_slice(b",\"matched\":");
                json_string(out, &c.matched);
                out.extend_from_slice(b",\"rule\":");
                json_string(out, &c.rule);
                out.extend_from_slice(if c.negated {
                    b",\"negated\":true}\n"
                } else {
                    b",\"negated\":false}\n"
                });
            }
        }
    }
}

/// The header of counts: `doc_id`, then one column per code (CSV only).
pub fn counts_header(format: TableFormat, out: &mut Vec<u8>, codes: &[&str]) {
    if format == TableFormat::Csv {
        out.extend_from_slice(b"doc_id");
        for c in codes {
            out.push(b',');
            csv_field(out, c);
        }
        out.push(b'\n');
    }
}

/// One row of counts: the document id, then one count per code, in the
/// order of `codes`.
pub fn counts_row(
    format: TableFormat,
    out: &mut Vec<u8>,
    doc_id: &str,
    codes: &[&str],
    counts: &[u32],
) {
    match format {
        TableFormat::Csv => {
            csv_field(out, doc_id);
            for &n in counts {
                out.push(b',');
                push_u32(out, n);
            }
            out.push(b'\n');
        }
        TableFormat::Jsonl => {
            out.extend_from_slice(b"{\"doc_id\":");
            json_string(out, doc_id);
            for (c, &n) in codes.iter().zip(counts) {
                out.push(b',');
                json_string(out, c);
                out.push(b':');
                push_u32(out, n);
            }
            out.extend_from_slice(b"}\n");
        }
    }
}

/// A decimal number.
fn push_u32(out: &mut Vec<u8>, mut n: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// A CSV field, quoted when it holds a comma, a quote or a line end.
fn csv_field(out: &mut Vec<u8>, s: &str) {
    if !s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.extend_from_slice(s.as_bytes());
        return;
    }
    out.push(b'"');
    for b in s.bytes() {
        if b == b'"' {
            out.push(b'"');
        }
        out.push(b);
    }
    out.push(b'"');
}

/// A JSON string literal.
fn json_string(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    for ch in s.chars() {
        match ch {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            c if (c as u32) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", c as u32).as_bytes())
            }
            c => {
                let mut b = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut b).as_bytes());
            }
        }
    }
    out.push(b'"');
}

/// The per-code totals `code` prints: the tree indented, with segments,
/// codings and negated codings.
pub fn tally_listing(tallies: &[crate::coding::tally::CodeTally]) -> Listing {
    let mut l = Listing::new(&["code", "label", "segments", "codings", "negated"]);
    for t in tallies {
        l.rows.push(vec![
            Some(format!("{}{}", "  ".repeat(t.depth), t.code)),
            Some(t.label.clone()),
            Some(t.segments.to_string()),
            Some(t.codings.to_string()),
            Some(t.negated.to_string()),
        ]);
    }
    l
}

/// One segment and its codings, as `code --explain` shows them.
pub fn explain(id: &str, lang: &str, text: &str, codings: &[Coding], width: u16) -> String {
    let mut out = format!("{id} ({lang})\n{text}\n\n");
    if codings.is_empty() {
        out.push_str("no code applies\n");
        return out;
    }
    let mut l = Listing::new(&["code", "rule", "span", "matched", "negated"]);
    for c in codings {
        l.rows.push(vec![
            Some(c.code.clone()),
            Some(c.rule.clone()),
            Some(format!("{}..{}", c.start, c.end)),
            Some(c.matched.clone()),
            Some(if c.negated { "yes" } else { "no" }.to_owned()),
        ]);
    }
    out.push_str(&l.to_table(width));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn coding(matched: &str, negated: bool) -> Coding {
        Coding {
            code: "cost.rent".into(),
            start: 3,
            end: 8,
            matched: matched.into(),
            rule: "loyer*".into(),
            negated,
        }
    }

    #[test]
    fn codings_as_csv_parse_back() {
        let mut out = Vec::new();
        codings_header(TableFormat::Csv, &mut out);
        coding_rows(
            TableFormat::Csv,
            &mut out,
            "d,1",
            &[coding("le \"loyer\"", true), coding("x", false)],
        );
        let mut r = csv::Reader::from_reader(out.as_slice());
        assert_eq!(
            r.headers().unwrap().iter().collect::<Vec<_>>(),
            CODING_COLUMNS
        );
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(
            rows[0].iter().collect::<Vec<_>>(),
            [
                "d,1",
                "cost.rent",
                "3",
                "8",
                "le \"loyer\"",
                "loyer*",
                "true"
            ]
        );
        assert_eq!(&rows[1][6], "false");
    }

    #[test]
    fn codings_as_jsonl_parse_back() {
        let mut out = Vec::new();
        coding_rows(
            TableFormat::Jsonl,
            &mut out,
            "d1",
            &[coding("é\n\"\u{1}", false)],
        );
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v["matched"], "é\n\"\u{1}");
        assert_eq!(v["start"], 3);
        assert_eq!(v["negated"], false);
    }

    #[test]
    fn counts_rows() {
        let mut out = Vec::new();
        counts_header(TableFormat::Csv, &mut out, &["a", "b,c"]);
        counts_row(
            TableFormat::Csv,
            &mut out,
            "d1",
            &["a", "b,c"],
            &[0, 4_000_000_000],
        );
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "doc_id,a,\"b,c\"\nd1,0,4000000000\n"
        );
        let mut out = Vec::new();
        counts_row(TableFormat::Jsonl, &mut out, "d1", &["a", "b"], &[1, 2]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "{\"doc_id\":\"d1\",\"a\":1,\"b\":2}\n"
        );
    }
}
