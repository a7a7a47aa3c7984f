//! The generic table every grid format is read into: a header row and data
//! rows, each row with the line (CSV) or row number (spreadsheet) it came
//! from, all cells as text.

use std::collections::HashSet;

use super::super::error::ParseError;
use super::headers::fold;

/// One data row of a grid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    /// 1-based line of the file where the row starts (CSV) or the 1-based
    /// row number (spreadsheet).
    pub line: u64,
    /// The cells, exactly one per header (short rows are padded with empty
    /// cells).
    pub cells: Vec<String>,
}

/// A grid as a table of text cells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// Column names: trimmed, never empty, unique (case- and
    /// accent-insensitively).
    pub headers: Vec<String>,
    /// The data rows after the header row; rows whose cells are all blank
    /// are left out.
    pub rows: Vec<Row>,
    /// 1-based column number of the first cell of each row (spreadsheets
    /// whose used range starts after column A), for error positions.
    pub first_column: u64,
    /// 1-based line (CSV) or row number (spreadsheet) of the header row,
    /// for errors about a header.
    pub header_line: u64,
}

impl Table {
    /// Builds a table from raw records (line, cells). The first record with
    /// a non-blank cell is the header row. A record with more cells than the
    /// header is an error unless the extra cells are blank (some exporters
    /// add trailing delimiters); fewer cells are padded.
    pub fn from_records(
        records: impl IntoIterator<Item = (u64, Vec<String>)>,
        first_column: u64,
    ) -> Result<Table, ParseError> {
        let mut records = records
            .into_iter()
            .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()));
        let Some((header_line, header_cells)) = records.next() else {
            return Err(ParseError::file(
                "the grid has no rows; expected a header row and data rows",
            ));
        };
        let headers = name_headers(&header_cells);
        let width = headers.len();
        let mut rows = Vec::new();
        for (line, cells) in records {
            rows.push(fit_row(line, cells, width, first_column)?);
        }
        Ok(Table {
            headers,
            rows,
            first_column,
            header_line,
        })
    }
}

/// A data row made as wide as the header: an error if it has more cells
/// and the extra ones are not blank (some exporters add trailing
/// delimiters), at the first of them that is not, padded if it has fewer.
/// `first_column` is the column number of the row's first cell.
pub(super) fn fit_row(
    line: u64,
    mut cells: Vec<String>,
    width: usize,
    first_column: u64,
) -> Result<Row, ParseError> {
    if cells.len() > width {
        if let Some(extra) = cells[width..].iter().position(|c| !c.trim().is_empty()) {
            return Err(ParseError::at(
                line,
                first_column + (width + extra) as u64,
                format!(
                    "{} fields, expected {width} like the header; check the delimiter or an unbalanced quote",
                    cells.len()
                ),
            ));
        }
        cells.truncate(width);
    }
    cells.resize(width, String::new());
    Ok(Row { line, cells })
}

/// Trims header names, names empty ones `column N` and makes duplicates
/// unique with a ` (2)`, ` (3)`… suffix.
pub(super) fn name_headers(cells: &[String]) -> Vec<String> {
    let mut seen: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(cells.len());
    for (i, cell) in cells.iter().enumerate() {
        let base = match cell.trim() {
            "" => format!("column {}", i + 1),
            name => name.to_owned(),
        };
        let mut name = base.clone();
        let mut n = 2;
        while !seen.insert(fold(&name)) {
            name = format!("{base} ({n})");
            n += 1;
        }
        out.push(name);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rec(line: u64, cells: &[&str]) -> (u64, Vec<String>) {
        (line, cells.iter().map(|c| (*c).to_owned()).collect())
    }

    #[test]
    fn headers_are_trimmed_named_and_unique() {
        let t = Table::from_records(
            [
                rec(1, &["", " ", "  "]),
                rec(2, &[" Note ", "", "note", "Note", "Note (2)"]),
            ],
            1,
        )
        .unwrap();
        assert_eq!(
            t.headers,
            ["Note", "column 2", "note (2)", "Note (3)", "Note (2) (2)"]
        );
        assert!(t.rows.is_empty());
    }

    #[test]
    fn short_rows_are_padded_and_blank_extras_dropped() {
        let t = Table::from_records(
            [
                rec(1, &["a", "b", "c"]),
                rec(2, &["1"]),
                rec(3, &["", " ", ""]),
                rec(4, &["1", "2", "3", "", " "]),
            ],
            1,
        )
        .unwrap();
        assert_eq!(t.rows.len(), 2);
        assert_eq!(t.rows[0].cells, ["1", "", ""]);
        assert_eq!(t.rows[1].line, 4);
        assert_eq!(t.rows[1].cells, ["1", "2", "3"]);
    }

    #[test]
    fn long_rows_are_an_error_at_their_line() {
        let e =
            Table::from_records([rec(1, &["a", "b"]), rec(7, &["1", "2", "3"])], 1).unwrap_err();
        // At the first extra cell that is not blank.
        assert_eq!((e.line, e.column), (Some(7), Some(3)));
        let far = Table::from_records([rec(1, &["a"]), rec(2, &["1", " ", "x"])], 4).unwrap_err();
        assert_eq!((far.line, far.column), (Some(2), Some(6)));
        assert!(
            e.message
                .starts_with("3 fields, expected 2 like the header; check the delimiter"),
            "{e}"
        );
    }

    #[test]
    fn no_rows_at_all() {
        let e = Table::from_records([rec(1, &["", ""])], 1).unwrap_err();
        assert!(e.message.contains("no rows"), "{e}");
    }
}
