//! A listing: named columns and string rows, rendered as a table, CSV or
//! JSON (an array of objects whose keys follow the column order).

use std::io::{self, Write};

use comfy_table::{ContentArrangement, Table, presets};

/// How a listing is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A table fitted to a width.
    Table,
    /// CSV with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
}

/// A rectangular listing of text cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Listing {
    /// Column names.
    pub columns: Vec<String>,
    /// Rows; `None` is an empty cell (null in JSON).
    pub rows: Vec<Vec<Option<String>>>,
}

impl Listing {
    /// A listing with these columns and no rows.
    pub fn new(columns: &[&str]) -> Self {
        Listing {
            columns: columns.iter().map(|c| (*c).to_owned()).collect(),
            rows: Vec::new(),
        }
    }

    /// Removes the column `name` when every row leaves it empty (for
    /// tables, where an empty column only costs width).
    pub fn drop_empty_column(&mut self, name: &str) {
        let Some(i) = self.columns.iter().position(|c| c == name) else {
            return;
        };
        if self
            .rows
            .iter()
            .all(|r| r.get(i).is_none_or(Option::is_none))
        {
            self.columns.remove(i);
            for r in &mut self.rows {
                if i < r.len() {
                    r.remove(i);
                }
            }
        }
    }

    /// A comfy-table fitted to `width` characters (wrapping long cells).
    pub fn to_table(&self, width: u16) -> String {
        let mut t = Table::new();
        t.load_style(presets::UTF8_FULL_CONDENSED)
            .set_content_arrangement(ContentArrangement::Dynamic)
            .force_no_tty()
            .set_width(width)
            .set_header(&self.columns);
        for r in &self.rows {
            t.add_row(r.iter().map(|c| c.clone().unwrap_or_default()));
        }
        let mut s = t.to_string();
        s.push('\n');
        s
    }

    /// CSV with a header row. Cells a spreadsheet would run as a formula
    /// (starting with `=`, `+`, `-`, `@`, TAB or CR) get a leading `'`.
    pub fn write_csv(&self, out: impl Write) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(&self.columns)?;
        for r in &self.rows {
            w.write_record(
                r.iter()
                    .map(|c| neutralise(c.as_deref().unwrap_or("")).into_owned()),
            )?;
        }
        w.flush()
    }

    /// A JSON array, one object per line.
    pub fn write_json(&self, mut out: impl Write) -> io::Result<()> {
        out.write_all(b"[")?;
        for (i, r) in self.rows.iter().enumerate() {
            let mut obj = serde_json::Map::new();
            for (c, v) in self.columns.iter().zip(r) {
                obj.insert(
                    c.clone(),
                    v.clone()
                        .map_or(serde_json::Value::Null, serde_json::Value::String),
                );
            }
            out.write_all(if i == 0 { b"\n  " } else { b",\n  " })?;
            serde_json::to_writer(&mut out, &obj)?;
        }
        out.write_all(if self.rows.is_empty() {
            b"]\n"
        } else {
            b"\n]\n"
        })
    }
}

/// Prefixes a cell that a spreadsheet would evaluate as a formula.
pub fn neutralise(cell: &str) -> std::borrow::Cow<'_, str> {
    match cell.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{cell}").into(),
        _ => cell.into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Listing {
        let mut l = Listing::new(&["id", "text"]);
        l.rows
            .push(vec![Some("a:1".into()), Some("=HYPERLINK(\"x\")".into())]);
        l.rows.push(vec![Some("a:2".into()), None]);
        l
    }

    #[test]
    fn csv_neutralises_formulas() {
        let mut out = Vec::new();
        sample().write_csv(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "id,text\na:1,\"'=HYPERLINK(\"\"x\"\")\"\na:2,\n"
        );
    }

    #[test]
    fn json_is_an_array_of_objects() {
        let mut out = Vec::new();
        sample().write_json(&mut out).unwrap();
        let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
        assert_eq!(v[1]["text"], serde_json::Value::Null);
        assert_eq!(v[0]["id"], "a:1");
        let mut out = Vec::new();
        Listing::new(&["x"]).write_json(&mut out).unwrap();
        assert_eq!(out, b"[]\n");
    }

    #[test]
    fn table_fits_the_width() {
        let mut l = Listing::new(&["id", "text"]);
        l.rows.push(vec![Some("x".into()), Some("mot ".repeat(40))]);
        let t = l.to_table(40);
        assert!(t.lines().all(|line| line.chars().count() <= 40), "{t}");
    }
}
