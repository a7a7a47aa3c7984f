//! Human codes read from a table: a key (or the row itself) and one or
//! several codes per row, as code ids or labels, joined to the study's
//! segments. Pure: a table and an index of the segments in, codings out;
//! every unknown code or key is an error at its line and column.

use std::collections::{BTreeMap, HashMap};

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::corpus::ParseError;
use crate::corpus::grid::Table;

/// One coding by a human coder: a code applied to a segment, or, with no
/// code, a segment the coder read and left uncoded.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct HumanCode {
    /// The segment.
    pub segment_id: String,
    /// The code id; `None` when the coder rated the segment and applied no code.
    pub code: Option<String>,
    /// The line of the codes file the coding comes from.
    pub line: u64,
}

/// Names of codes as a human coder may write them: code ids, labels
/// (compared without case, accents or repeated spaces, `'` and `’` alike),
/// and the entries of a mapping file (a label as written → a code id).
#[derive(Debug, Clone, Default)]
pub struct CodeNames {
    by_name: HashMap<String, String>,
    ids: Vec<String>,
}

impl CodeNames {
    /// Names from the codebook's `(id, label)` pairs, then `mapping`
    /// (which wins over a label of the same spelling).
    pub fn new<'a>(
        codes: impl IntoIterator<Item = (&'a str, &'a str)>,
        mapping: &BTreeMap<String, String>,
    ) -> Self {
        let mut n = CodeNames::default();
        for (id, label) in codes {
            n.ids.push(id.to_owned());
            n.by_name
                .entry(fold(label))
                .or_insert_with(|| id.to_owned());
        }
        // Ids win over labels: an id is never ambiguous.
        for id in n.ids.clone() {
            n.by_name.insert(fold(&id), id);
        }
        for (label, id) in mapping {
            n.by_name.insert(fold(label), id.clone());
        }
        n
    }

    /// Whether `id` is a code of the codebook.
    pub fn is_code(&self, id: &str) -> bool {
        self.ids.iter().any(|i| i == id)
    }

    /// The code id a written name stands for.
    pub fn resolve(&self, name: &str) -> Option<&str> {
        self.by_name.get(&fold(name)).map(String::as_str)
    }

    /// A few code ids, for error messages.
    fn examples(&self) -> String {
        let mut e: Vec<&str> = self.ids.iter().take(6).map(String::as_str).collect();
        if self.ids.len() > e.len() {
            e.push("…");
        }
        e.join(", ")
    }
}

/// How rows of the codes table find their segments.
#[derive(Debug, Clone)]
pub enum Join<'a> {
    /// The codes table is an imported source itself: a row's segments are
    /// the segments of that source that start on the row's line. Rows
    /// without segments (no text) are skipped.
    Lines(HashMap<u64, Vec<&'a str>>),
    /// A separate table: the key column holds segment keys (the id column
    /// of an import) or segment ids.
    Keys {
        /// The key column's name.
        column: String,
        /// Segment ids by key.
        by_key: HashMap<&'a str, Vec<&'a str>>,
        /// Whether the column is `segment_id` (keys are segment ids).
        segment_ids: bool,
    },
}

/// What a codes table gave.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ReadCodes {
    /// The codings, sorted by segment, then code.
    pub codes: Vec<HumanCode>,
    /// Data rows of the table.
    pub rows: usize,
    /// Rows that gave no segment (a source row without text).
    pub skipped: usize,
    /// Segments rated.
    pub segments: usize,
}

/// Reads the codes of `codes_column` (codes separated by `;`, or by `,`
/// when no `;` is in the cell) row by row and joins them to segments.
pub fn read_codes(
    table: &Table,
    codes_column: &str,
    names: &CodeNames,
    join: &Join<'_>,
) -> Result<ReadCodes, ParseError> {
    let column = |name: &str| -> Result<usize, ParseError> {
        let want = fold(name);
        table
            .headers
            .iter()
            .position(|h| fold(h) == want)
            .ok_or_else(|| {
                ParseError::at_line(
                    1,
                    format!(
                        "no column \"{name}\"; the file has columns: {}",
                        table.headers.join(", ")
                    ),
                )
            })
    };
    let codes_col = column(codes_column)?;
    let key_col = match join {
        Join::Keys { column: c, .. } => Some(column(c)?),
        Join::Lines(_) => None,
    };
    let col_no = |i: usize| table.first_column + i as u64;
    let mut out: BTreeMap<(String, Option<String>), u64> = BTreeMap::new();
    let mut read = ReadCodes {
        rows: table.rows.len(),
        ..ReadCodes::default()
    };
    for row in &table.rows {
        let segments: Vec<&str> = match (join, key_col) {
            (Join::Lines(by_line), _) => match by_line.get(&row.line) {
                Some(s) => s.clone(),
                None => {
                    read.skipped += 1;
                    continue;
                }
            },
            (
                Join::Keys {
                    by_key,
                    segment_ids,
                    column,
                },
                Some(k),
            ) => {
                let key = row.cells[k].trim();
                if key.is_empty() {
                    return Err(ParseError::at(
                        row.line,
                        col_no(k),
                        format!("empty key in column \"{column}\"; every row needs one"),
                    ));
                }
                match by_key.get(key) {
                    Some(s) => s.clone(),
                    None => {
                        let what = if *segment_ids {
                            "segment id"
                        } else {
                            "segment key (the id column given at import)"
                        };
                        return Err(ParseError::at(
                            row.line,
                            col_no(k),
                            format!("no segment has the {what} \"{key}\""),
                        ));
                    }
                }
            }
            (Join::Keys { .. }, None) => Vec::new(),
        };
        let cell = row.cells[codes_col].trim();
        let mut row_codes: Vec<String> = Vec::new();
        for name in split_codes(cell) {
            match names.resolve(name) {
                Some(id) => row_codes.push(id.to_owned()),
                None => {
                    return Err(ParseError::at(
                        row.line,
                        col_no(codes_col),
                        format!(
                            "unknown code \"{name}\" in column \"{}\"; expected a code id or label of the codebook ({}), or a label given in --map",
                            table.headers[codes_col],
                            names.examples()
                        ),
                    ));
                }
            }
        }
        for seg in segments {
            out.entry((seg.to_owned(), None)).or_insert(row.line);
            for c in &row_codes {
                out.entry((seg.to_owned(), Some(c.clone())))
                    .or_insert(row.line);
            }
        }
    }
    // A segment coded with a code needs no "rated, uncoded" row.
    let coded: std::collections::HashSet<String> = out
        .keys()
        .filter(|(_, c)| c.is_some())
        .map(|(s, _)| s.clone())
        .collect();
    let mut rated = std::collections::HashSet::new();
    for ((segment_id, code), line) in out {
        rated.insert(segment_id.clone());
        if code.is_none() && coded.contains(&segment_id) {
            continue;
        }
        read.codes.push(HumanCode {
            segment_id,
            code,
            line,
        });
    }
    read.segments = rated.len();
    Ok(read)
}

/// The codes of a cell: split on `;` (or on `,` when the cell has no
/// `;`), trimmed, empty parts dropped.
pub fn split_codes(cell: &str) -> impl Iterator<Item = &str> {
    let sep = if cell.contains(';') { ';' } else { ',' };
    cell.split(sep).map(str::trim).filter(|s| !s.is_empty())
}

/// A name folded for comparison: no accents, lower case, one space
/// between words, typographic apostrophes as `'`.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.nfd().filter(|c| !is_combining_mark(*c)) {
        if c.is_whitespace() {
            space = !out.is_empty();
            continue;
        }
        if space {
            out.push(' ');
            space = false;
        }
        let c = if matches!(c, '’' | '‘' | 'ʼ') {
            '\''
        } else {
            c
        };
        out.extend(c.to_lowercase());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(rows: &[&[&str]]) -> Table {
        Table::from_records(
            rows.iter()
                .enumerate()
                .map(|(i, r)| (i as u64 + 1, r.iter().map(|c| (*c).to_owned()).collect())),
            1,
        )
        .unwrap()
    }

    fn names() -> CodeNames {
        let mut map = BTreeMap::new();
        map.insert(
            "Organisation de l'Etat et services publics".to_owned(),
            "etat".to_owned(),
        );
        CodeNames::new(
            [
                ("fiscalite", "Fiscalité et dépenses publiques"),
                ("etat", "Organisation de l’État et des services publics"),
                ("ecologie", "Transition écologique"),
            ],
            &map,
        )
    }

    #[test]
    fn ids_labels_and_mapped_labels_resolve() {
        let n = names();
        assert_eq!(n.resolve("fiscalite"), Some("fiscalite"));
        assert_eq!(
            n.resolve(" FISCALITÉ  et dépenses publiques"),
            Some("fiscalite")
        );
        assert_eq!(
            n.resolve("Organisation de l'Etat et services publics"),
            Some("etat")
        );
        assert_eq!(
            n.resolve("Organisation de l'État et des services publics"),
            Some("etat")
        );
        assert_eq!(n.resolve("Santé"), None);
    }

    #[test]
    fn keys_join_and_uncoded_rows_are_rated() {
        let t = table(&[
            &["turn", "codes"],
            &["t1", "fiscalite; Transition écologique"],
            &["t2", ""],
            &["t1", "etat"],
        ]);
        let by_key: HashMap<&str, Vec<&str>> = [("t1", vec!["S1:1"]), ("t2", vec!["S1:2"])]
            .into_iter()
            .collect();
        let join = Join::Keys {
            column: "turn".into(),
            by_key,
            segment_ids: false,
        };
        let r = read_codes(&t, "codes", &names(), &join).unwrap();
        let got: Vec<(&str, Option<&str>, u64)> = r
            .codes
            .iter()
            .map(|c| (c.segment_id.as_str(), c.code.as_deref(), c.line))
            .collect();
        assert_eq!(
            got,
            [
                ("S1:1", Some("ecologie"), 2),
                ("S1:1", Some("etat"), 4),
                ("S1:1", Some("fiscalite"), 2),
                ("S1:2", None, 3),
            ]
        );
        assert_eq!((r.rows, r.segments, r.skipped), (3, 2, 0));
    }

    #[test]
    fn unknown_codes_and_keys_are_errors_at_their_cell() {
        let join = Join::Keys {
            column: "turn".into(),
            by_key: [("t1", vec!["S1:1"])].into_iter().collect(),
            segment_ids: false,
        };
        let t = table(&[&["turn", "codes"], &["t1", "fiscalite; santé"]]);
        let e = read_codes(&t, "codes", &names(), &join)
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("2:2:") && e.contains("unknown code \"santé\""),
            "{e}"
        );
        let t = table(&[&["turn", "codes"], &["t1", ""], &["t9", "etat"]]);
        let e = read_codes(&t, "codes", &names(), &join)
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("3:1:") && e.contains("\"t9\""), "{e}");
        let e = read_codes(&t, "themes", &names(), &join)
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no column \"themes\"; the file has columns: turn, codes"),
            "{e}"
        );
    }

    #[test]
    fn lines_join_skips_rows_without_segments() {
        let t = table(&[&["x", "codes"], &["a", "etat"], &["b", "etat"]]);
        let join = Join::Lines([(2, vec!["S2:1", "S2:2"])].into_iter().collect());
        let r = read_codes(&t, "codes", &names(), &join).unwrap();
        assert_eq!(r.codes.len(), 2);
        assert_eq!((r.rows, r.skipped, r.segments), (2, 1, 2));
    }
}
