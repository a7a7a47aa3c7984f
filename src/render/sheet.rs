//! A sheet: named, typed columns of typed cells, for the formats that keep
//! types (the XLSX workbook) or state them in the header (CSV: numbers stay
//! numbers, shares are percentages with `(%)` in the header, flags are
//! `true`/`false`).

use std::io::{self, Write};

use crate::render::listing::neutralise;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unit {
    /// Text (lists are joined with `, `).
    Text,
    /// Whole numbers.
    Count,
    /// Fractions from 0 to 1, shown as percentages.
    Share,
    /// Numbers with decimals (scores, similarities).
    Number,
    /// true or false.
    Flag,
}

/// One column.
#[derive(Debug, Clone, PartialEq)]
pub struct SheetColumn {
    /// Its name.
    pub name: String,
    /// What it holds.
    pub unit: Unit,
}

impl SheetColumn {
    /// A column.
    pub fn new(name: impl Into<String>, unit: Unit) -> Self {
        SheetColumn {
            name: name.into(),
            unit,
        }
    }

    /// The CSV header: shares say they are percentages.
    pub fn csv_header(&self) -> String {
        match self.unit {
            Unit::Share => format!("{} (%)", self.name),
            _ => self.name.clone(),
        }
    }
}

/// One cell.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    /// Empty.
    Null,
    /// Text.
    Text(String),
    /// A list of words (groups, codes).
    List(Vec<String>),
    /// A whole number.
    Int(i64),
    /// A number: a share (0 to 1) or a score.
    Float(f64),
    /// A flag.
    Bool(bool),
}

impl Value {
    /// Text, or empty.
    pub fn text(s: Option<&str>) -> Self {
        s.map_or(Value::Null, |s| Value::Text(s.to_owned()))
    }

    /// A whole number, or empty.
    pub fn int(n: Option<i64>) -> Self {
        n.map_or(Value::Null, Value::Int)
    }

    /// A number, or empty (also when not finite).
    pub fn float(f: Option<f64>) -> Self {
        f.filter(|f| f.is_finite())
            .map_or(Value::Null, Value::Float)
    }

    /// The cell as text for CSV and for widths: shares as percentages
    /// with one decimal.
    pub fn shown(&self, unit: Unit) -> Option<String> {
        match self {
            Value::Null => None,
            Value::Text(s) => Some(s.clone()),
            Value::List(l) => Some(l.join(", ")),
            Value::Int(n) => Some(n.to_string()),
            Value::Float(f) if unit == Unit::Share => Some(trim_zeros(format!("{:.1}", f * 100.0))),
            Value::Float(f) => Some(trim_zeros(format!("{f:.4}"))),
            Value::Bool(b) => Some(b.to_string()),
        }
    }
}

/// `50.0` as `50`, `0.2500` as `0.25`.
fn trim_zeros(s: String) -> String {
    if !s.contains('.') {
        return s;
    }
    s.trim_end_matches('0').trim_end_matches('.').to_owned()
}

/// A table of typed cells.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Sheet {
    /// The columns.
    pub columns: Vec<SheetColumn>,
    /// The rows, one cell per column.
    pub rows: Vec<Vec<Value>>,
}

impl Sheet {
    /// CSV with a header row: numbers as numbers, shares as percentages,
    /// flags as `true`/`false`; text a spreadsheet would run as a formula
    /// gets a leading `'`.
    pub fn write_csv(&self, out: impl Write) -> io::Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(self.columns.iter().map(SheetColumn::csv_header))?;
        for r in &self.rows {
            w.write_record(r.iter().zip(&self.columns).map(|(v, c)| {
                let text = v.shown(c.unit).unwrap_or_default();
                match v {
                    Value::Text(_) | Value::List(_) => neutralise(&text).into_owned(),
                    _ => text,
                }
            }))?;
        }
        w.flush()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_keeps_numbers_and_states_the_unit_of_shares() {
        let sheet = Sheet {
            columns: vec![
                SheetColumn::new("code", Unit::Text),
                SheetColumn::new("segments", Unit::Count),
                SheetColumn::new("participant_share", Unit::Share),
                SheetColumn::new("actionable", Unit::Flag),
                SheetColumn::new("groups", Unit::Text),
            ],
            rows: vec![
                vec![
                    Value::Text("=cout".into()),
                    Value::Int(3),
                    Value::Float(2.0 / 3.0),
                    Value::Bool(true),
                    Value::List(vec!["Lille".into(), "Nice".into()]),
                ],
                vec![
                    Value::Text("b".into()),
                    Value::Int(0),
                    Value::Null,
                    Value::Bool(false),
                    Value::List(vec![]),
                ],
            ],
        };
        let mut out = Vec::new();
        sheet.write_csv(&mut out).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "code,segments,participant_share (%),actionable,groups\n'=cout,3,66.7,true,\"Lille, Nice\"\nb,0,,false,\n"
        );
        assert_eq!(Value::Float(0.5).shown(Unit::Share).as_deref(), Some("50"));
        assert_eq!(
            Value::Float(0.25).shown(Unit::Number).as_deref(),
            Some("0.25")
        );
    }
}
