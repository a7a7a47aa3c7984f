//! Curation: a consultant's decisions on the merged recommendations, kept
//! in a file of the study and applied on every synthesis.
//!
//! The file is the members table as `qualsynth curate` writes it (CSV,
//! UTF-8 with a BOM, `;` or `,` as the study's language has it in Excel),
//! one row per original recommendation, edited in a spreadsheet:
//!
//! | column | meaning |
//! |---|---|
//! | `member_id` | the original recommendation's stable id (required) |
//! | `cluster` | rows with the same value are one merged recommendation; a value of its own keeps a row apart (required) |
//! | `wording` | on any row of a cluster, the wording of the merged recommendation (optional) |
//! | `proposal` | `no` sets a row aside as a non-proposal, `yes` keeps one the classifier set aside (optional) |
//!
//! Other columns (`group`, `text`, `rec_id`…) are there to read and are
//! ignored. Rows missing from the file are merged automatically, and may
//! join a curated cluster; two clusters of the file never merge. Columns
//! are found by their header, in any order and case; the delimiter and the
//! encoding (UTF-8, UTF-16, Windows-1252) are read from the file, so a file
//! saved back by Excel or LibreOffice reads as it was written.

use std::collections::HashMap;

use crate::codebook::diagnostics::LineIndex;

/// One row of the curation file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// Line of the row in the file (1-based; the header is line 1).
    pub line: u64,
    /// Column of the `member_id` cell (1-based).
    pub column: u64,
    /// The member.
    pub member_id: String,
    /// Its cluster label.
    pub cluster: String,
    /// The wording of its merged recommendation, when set on this row.
    pub wording: Option<String>,
    /// Whether it is a proposal, when the consultant says.
    pub proposal: Option<bool>,
}

/// The consultant's decisions.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Curation {
    /// The file, as named in study.toml (for messages).
    pub path: String,
    /// Its rows, in file order.
    pub rows: Vec<Row>,
}

/// A curation file that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CurationError {
    /// Not a table.
    #[error("{path}:{line}: {message}")]
    Unreadable {
        /// The file.
        path: String,
        /// Where.
        line: u64,
        /// What is wrong.
        message: String,
    },
    /// A required column is missing.
    #[error("{path}:1: no `{column}` column; the header has {found}")]
    NoColumn {
        /// The file.
        path: String,
        /// The column.
        column: &'static str,
        /// The columns found.
        found: String,
    },
    /// A cell that must hold something is empty or wrong.
    #[error("{path}:{line}:{column}: {message}")]
    Cell {
        /// The file.
        path: String,
        /// Its line.
        line: u64,
        /// Its column.
        column: u64,
        /// What is wrong.
        message: String,
    },
    /// A member the study does not have.
    #[error(
        "{path}:{line}:{column}: no recommendation {id:?} in this study; its text may have changed since the file was written (`qualsynth curate` writes the current members)"
    )]
    UnknownMember {
        /// The file.
        path: String,
        /// Its line.
        line: u64,
        /// Its column.
        column: u64,
        /// The id.
        id: String,
    },
    /// The same member twice.
    #[error("{path}:{line}:{column}: member {id:?} is already on line {first}")]
    Repeated {
        /// The file.
        path: String,
        /// Its line.
        line: u64,
        /// Its column.
        column: u64,
        /// The id.
        id: String,
        /// Its first line.
        first: u64,
    },
}

/// Reads a curation file's text (decoded).
pub fn parse(path: &str, text: &str) -> Result<Curation, CurationError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or("");
    let delimiter = [b';', b',', b'\t']
        .into_iter()
        .max_by_key(|d| first.bytes().filter(|b| b == d).count())
        .unwrap_or(b',');
    let mut r = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .from_reader(text.as_bytes());
    let unreadable = |line: u64, message: String| CurationError::Unreadable {
        path: path.to_owned(),
        line,
        message,
    };
    let headers = r
        .headers()
        .map_err(|e| unreadable(1, e.to_string()))?
        .clone();
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h.trim().eq_ignore_ascii_case(name))
    };
    let need = |column: &'static str| {
        find(column).ok_or_else(|| CurationError::NoColumn {
            path: path.to_owned(),
            column,
            found: headers
                .iter()
                .map(|h| format!("`{}`", h.trim()))
                .collect::<Vec<_>>()
                .join(", "),
        })
    };
    let (id_col, cluster_col) = (need("member_id")?, need("cluster")?);
    let (wording_col, proposal_col) = (find("wording"), find("proposal"));
    // Lines from byte offsets: the csv crate's own line count is off
    // after CRLF line ends, which Excel writes.
    let index = LineIndex::new(text);
    let line_of =
        |p: Option<&csv::Position>| p.map_or(0, |p| u64::from(index.record_line(p.byte())));
    let mut rows = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    for rec in r.records() {
        let rec = rec.map_err(|e| unreadable(line_of(e.position()), e.to_string()))?;
        let line = line_of(rec.position());
        let cell = |i: usize| rec.get(i).unwrap_or("").trim();
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let bad = |col: usize, message: String| CurationError::Cell {
            path: path.to_owned(),
            line,
            column: col as u64 + 1,
            message,
        };
        let id = cell(id_col);
        if id.is_empty() {
            return Err(bad(
                id_col,
                "empty member_id: every row names its member".into(),
            ));
        }
        if let Some(&first) = seen.get(id) {
            return Err(CurationError::Repeated {
                path: path.to_owned(),
                line,
                column: id_col as u64 + 1,
                id: id.to_owned(),
                first,
            });
        }
        seen.insert(id.to_owned(), line);
        let cluster = cell(cluster_col);
        if cluster.is_empty() {
            return Err(bad(
                cluster_col,
                format!(
                    "empty cluster for member {id:?}: give it the cluster of the rows it goes with, or a value of its own"
                ),
            ));
        }
        let proposal = match proposal_col.map(cell) {
            None | Some("") => None,
            Some(v) => match v.to_lowercase().as_str() {
                "yes" | "oui" | "ja" | "true" | "1" => Some(true),
                "no" | "non" | "nee" | "false" | "0" => Some(false),
                _ => {
                    return Err(bad(
                        proposal_col.unwrap_or(0),
                        format!("proposal {v:?}: expected yes or no"),
                    ));
                }
            },
        };
        rows.push(Row {
            line,
            column: id_col as u64 + 1,
            member_id: id.to_owned(),
            cluster: cluster.to_owned(),
            wording: wording_col
                .map(cell)
                .filter(|w| !w.is_empty())
                .map(str::to_owned),
            proposal,
        });
    }
    Ok(Curation {
        path: path.to_owned(),
        rows,
    })
}

impl Curation {
    /// Refuses a row whose member the study does not have.
    pub fn check(&self, known: &std::collections::HashSet<&str>) -> Result<(), CurationError> {
        match self
            .rows
            .iter()
            .find(|r| !known.contains(r.member_id.as_str()))
        {
            Some(r) => Err(CurationError::UnknownMember {
                path: self.path.clone(),
                line: r.line,
                column: r.column,
                id: r.member_id.clone(),
            }),
            None => Ok(()),
        }
    }

    /// The row of a member, if the file has one.
    pub fn row(&self, member_id: &str) -> Option<&Row> {
        self.rows.iter().find(|r| r.member_id == member_id)
    }

    /// Rows by member id.
    pub fn by_member(&self) -> HashMap<&str, &Row> {
        self.rows
            .iter()
            .map(|r| (r.member_id.as_str(), r))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_what_excel_writes_back() {
        // French Excel: `;`, a BOM, columns moved, extra columns kept.
        let text = "\u{feff}rec_id;group;text;member_id;cluster;wording;proposal\r\nR001;Lille;Un;lille:aaaa;fees;Tarif solidaire;\r\nR002;Bxl;Two;bxl:bbbb;fees;;\r\n;;;;;;\r\nR003;Lille;voir CR;lille:cccc;x;;non\r\n";
        let c = parse("curation.csv", text).unwrap();
        assert_eq!(c.rows.len(), 3);
        assert_eq!(c.rows[0].member_id, "lille:aaaa");
        assert_eq!(c.rows[0].wording.as_deref(), Some("Tarif solidaire"));
        assert_eq!((c.rows[1].line, c.rows[1].column), (3, 4));
        assert_eq!(c.rows[2].proposal, Some(false));
        let known = ["lille:aaaa", "bxl:bbbb"].into_iter().collect();
        let e = c.check(&known).unwrap_err().to_string();
        assert!(
            e.starts_with("curation.csv:5:4: no recommendation \"lille:cccc\""),
            "{e}"
        );
    }

    #[test]
    fn mistakes_are_named_with_their_place() {
        let e = parse("c.csv", "member_id,text\na,b\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("no `cluster` column") && e.contains("`text`"),
            "{e}"
        );
        let e = parse("c.csv", "member_id,cluster\na,\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.csv:2:2: empty cluster"), "{e}");
        let e = parse("c.csv", "member_id,cluster\na,x\na,y\n")
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("c.csv:3:1: member \"a\" is already on line 2"),
            "{e}"
        );
        let e = parse("c.csv", "member_id,cluster,proposal\na,x,maybe\n")
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.csv:2:3: proposal \"maybe\""), "{e}");
    }
}
