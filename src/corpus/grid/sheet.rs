//! Reading XLSX and ODS grids through calamine, after the zip safety check:
//! choosing the sheet and turning cells into text.

use std::io::Cursor;

use calamine::{Data, Ods, Reader, Xlsx};

use super::super::error::ParseError;
use super::super::zipsafe::check_archive;
use super::table::Table;

/// Which spreadsheet format to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SheetFormat {
    /// Office Open XML workbook.
    Xlsx,
    /// OpenDocument spreadsheet.
    Ods,
}

impl SheetFormat {
    fn label(self) -> &'static str {
        match self {
            SheetFormat::Xlsx => "XLSX",
            SheetFormat::Ods => "ODS",
        }
    }
}

/// A sheet as read, with the name of the sheet used.
#[derive(Debug, Clone)]
pub struct SheetGrid {
    /// The table.
    pub table: Table,
    /// The sheet's name as the workbook spells it.
    pub sheet: String,
}

/// Reads one sheet of a workbook: `sheet` by name (exact, else case- and
/// accent-insensitive), or the first sheet.
pub fn read_sheet(
    bytes: &[u8],
    format: SheetFormat,
    sheet: Option<&str>,
) -> Result<SheetGrid, ParseError> {
    let what = format.label();
    check_archive(bytes, what)?;
    let corrupt = |e: &dyn std::fmt::Display| ParseError::file(format!("corrupt {what} file: {e}"));
    match format {
        SheetFormat::Xlsx => {
            let mut wb = Xlsx::new(Cursor::new(bytes)).map_err(|e| corrupt(&e))?;
            let name = choose_sheet(&wb.sheet_names(), sheet)?;
            let range = wb.worksheet_range(&name).map_err(|e| corrupt(&e))?;
            to_grid(&range, name)
        }
        SheetFormat::Ods => {
            let mut wb = Ods::new(Cursor::new(bytes)).map_err(|e| corrupt(&e))?;
            let name = choose_sheet(&wb.sheet_names(), sheet)?;
            let range = wb.worksheet_range(&name).map_err(|e| corrupt(&e))?;
            to_grid(&range, name)
        }
    }
}

/// The names of a workbook's sheets, in workbook order.
pub fn sheet_names(bytes: &[u8], format: SheetFormat) -> Result<Vec<String>, ParseError> {
    let what = format.label();
    check_archive(bytes, what)?;
    let corrupt = |e: &dyn std::fmt::Display| ParseError::file(format!("corrupt {what} file: {e}"));
    Ok(match format {
        SheetFormat::Xlsx => Xlsx::new(Cursor::new(bytes))
            .map_err(|e| corrupt(&e))?
            .sheet_names(),
        SheetFormat::Ods => Ods::new(Cursor::new(bytes))
            .map_err(|e| corrupt(&e))?
            .sheet_names(),
    })
}

fn choose_sheet(names: &[String], wanted: Option<&str>) -> Result<String, ParseError> {
    let Some(wanted) = wanted else {
        return names
            .first()
            .cloned()
            .ok_or_else(|| ParseError::file("the workbook has no sheet"));
    };
    if let Some(n) = names.iter().find(|n| n.as_str() == wanted) {
        return Ok(n.clone());
    }
    let key = super::headers::fold(wanted);
    if let Some(n) = names.iter().find(|n| super::headers::fold(n) == key) {
        return Ok(n.clone());
    }
    Err(ParseError::file(format!(
        "no sheet \"{wanted}\"; the workbook has: {}",
        names.join(", ")
    )))
}

fn to_grid(range: &calamine::Range<Data>, sheet: String) -> Result<SheetGrid, ParseError> {
    let Some((row0, col0)) = range.start() else {
        return Err(ParseError::file(format!(
            "sheet \"{sheet}\" is empty; expected a header row and data rows"
        )));
    };
    let records = range.rows().enumerate().map(|(i, cells)| {
        (
            u64::from(row0) + i as u64 + 1,
            cells.iter().map(cell_text).collect(),
        )
    });
    let table = Table::from_records(records, u64::from(col0) + 1)?;
    Ok(SheetGrid { table, sheet })
}

/// A cell as text: whole floats without `.0`, dates as `yyyy-mm-dd` (with
/// ` hh:mm:ss` when there is a time), booleans as `true`/`false`.
pub fn cell_text(cell: &Data) -> String {
    match cell {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        Data::Float(f) => float_text(*f),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(dt) if dt.is_duration() => duration_text(dt.as_f64()),
        Data::DateTime(dt) => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            if dt.as_f64() >= 0.0 && dt.as_f64() < 1.0 {
                format!("{h:02}:{mi:02}:{s:02}")
            } else if (h, mi, s) == (0, 0, 0) {
                format!("{y:04}-{mo:02}-{d:02}")
            } else {
                format!("{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            }
        }
        Data::DateTimeIso(s) => s
            .strip_suffix("T00:00:00")
            .unwrap_or(s)
            .replacen('T', " ", 1),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => e.to_string(),
    }
}

fn float_text(f: f64) -> String {
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        // Exact: a whole number below 2^53.
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

fn duration_text(days: f64) -> String {
    if !days.is_finite() {
        return String::new();
    }
    let total = (days.abs() * 86_400.0).round() as u64;
    let sign = if days < 0.0 { "-" } else { "" };
    format!(
        "{sign}{}:{:02}:{:02}",
        total / 3600,
        (total / 60) % 60,
        total % 60
    )
}

#[cfg(test)]
mod tests {
    use super::super::test_files::{ods, xlsx};
    use super::*;

    #[test]
    fn reads_xlsx_first_and_named_sheets() {
        let book = xlsx(&[
            (
                "Recos",
                &[
                    &["", "Recommandation", "Votes", "Date", "Ok"],
                    &["", "Plus de bancs", "n:3", "d:43505", "b:1"],
                    &[],
                    &["", "Moins de bruit", "n:2.5", "d:43505.5", "b:0"],
                ],
            ),
            ("Notes", &[&["Texte"], &["Bonjour"]]),
        ]);
        let g = read_sheet(&book, SheetFormat::Xlsx, None).unwrap();
        assert_eq!(g.sheet, "Recos");
        assert_eq!(g.table.first_column, 2);
        assert_eq!(g.table.headers, ["Recommandation", "Votes", "Date", "Ok"]);
        assert_eq!(g.table.rows.len(), 2);
        assert_eq!(g.table.rows[0].line, 2);
        assert_eq!(
            g.table.rows[0].cells,
            ["Plus de bancs", "3", "2019-02-09", "true"]
        );
        assert_eq!(g.table.rows[1].line, 4);
        assert_eq!(
            g.table.rows[1].cells,
            ["Moins de bruit", "2.5", "2019-02-09 12:00:00", "false"]
        );
        let g = read_sheet(&book, SheetFormat::Xlsx, Some("notes")).unwrap();
        assert_eq!(g.sheet, "Notes");
        assert_eq!(g.table.rows[0].cells, ["Bonjour"]);
    }

    #[test]
    fn missing_sheet_lists_the_sheets() {
        let book = xlsx(&[("A", &[&["x"]]), ("B", &[&["y"]])]);
        let e = read_sheet(&book, SheetFormat::Xlsx, Some("C")).unwrap_err();
        assert_eq!(e.message, "no sheet \"C\"; the workbook has: A, B");
    }

    #[test]
    fn reads_ods() {
        let book = ods(&[
            ("Vide", &[]),
            (
                "Notes",
                &[
                    &["Texte", "Votes", "Quand", "Fait"],
                    &["Un café", "n:4", "d:2019-02-09", "b:1"],
                ],
            ),
        ]);
        let g = read_sheet(&book, SheetFormat::Ods, Some("Notes")).unwrap();
        assert_eq!(g.table.rows[0].line, 2);
        assert_eq!(
            g.table.rows[0].cells,
            ["Un café", "4", "2019-02-09", "true"]
        );
        let e = read_sheet(&book, SheetFormat::Ods, None).unwrap_err();
        assert!(e.message.contains("\"Vide\" is empty"), "{e}");
    }

    #[test]
    fn corrupt_workbooks() {
        let mut book = xlsx(&[("A", &[&["x"]])]);
        let e = read_sheet(b"PK\x03\x04garbage", SheetFormat::Xlsx, None).unwrap_err();
        assert!(e.message.starts_with("corrupt XLSX file"), "{e}");
        // A valid zip without a workbook inside.
        let e = read_sheet(
            &super::super::test_files::zip_with(&[("hello.txt", b"hi")]),
            SheetFormat::Xlsx,
            None,
        )
        .unwrap_err();
        assert!(e.message.starts_with("corrupt XLSX file"), "{e}");
        book.truncate(book.len() / 2);
        assert!(read_sheet(&book, SheetFormat::Xlsx, None).is_err());
        let e = read_sheet(&book, SheetFormat::Ods, None).unwrap_err();
        assert!(e.message.contains("ODS"), "{e}");
    }

    #[test]
    fn cell_texts() {
        assert_eq!(cell_text(&Data::Float(3.0)), "3");
        assert_eq!(cell_text(&Data::Float(-0.25)), "-0.25");
        assert_eq!(cell_text(&Data::Float(f64::NAN)), "NaN");
        assert_eq!(cell_text(&Data::Int(7)), "7");
        assert_eq!(
            cell_text(&Data::DateTimeIso("2019-02-09T10:30:00".into())),
            "2019-02-09 10:30:00"
        );
        let t = calamine::ExcelDateTime::new(0.75, calamine::ExcelDateTimeType::DateTime, false);
        assert_eq!(cell_text(&Data::DateTime(t)), "18:00:00");
        let t = calamine::ExcelDateTime::new(1.5, calamine::ExcelDateTimeType::TimeDelta, false);
        assert_eq!(cell_text(&Data::DateTime(t)), "36:00:00");
    }
}
