//! Reading XLSX and ODS grids through calamine, after the zip safety check:
//! choosing the sheet and turning cells into text.

use std::io::Cursor;

use calamine::{Data, DataRef, Ods, OdsError, Reader, Xlsx, XlsxError};

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

/// Largest number of cells a sheet may give: its rows that hold a value
/// times the columns from its first to its last value. A stray cell far
/// from the table (at `XFD1048576`, say) would otherwise make every row
/// 16,384 cells wide, or, read as one rectangle, ask for terabytes.
pub const MAX_CELLS: u64 = 50_000_000;

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
    guarded(format, || read_sheet_unguarded(bytes, format, sheet))
}

/// Runs a calamine read, a panic in it (found by fuzzing: a cell reference
/// whose row number overflows) becoming a "corrupt file" error rather
/// than the end of the process.
fn guarded<T>(
    format: SheetFormat,
    read: impl FnOnce() -> Result<T, ParseError>,
) -> Result<T, ParseError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(read)).unwrap_or_else(|_| {
        Err(ParseError::file(format!(
            "corrupt {} file: its XML could not be read (a malformed cell reference or structure)",
            format.label()
        )))
    })
}

fn read_sheet_unguarded(
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
            // Cell by cell rather than `worksheet_range`, which allocates
            // the rectangle from the first to the last cell before any
            // limit can be checked.
            let mut cells: Vec<((u32, u32), Data)> = Vec::new();
            match wb.worksheet_cells_reader(&name) {
                Ok(mut reader) => {
                    while let Some(cell) = reader.next_cell().map_err(|e| corrupt(&e))? {
                        if !matches!(cell.get_value(), DataRef::Empty) {
                            cells.push((cell.get_position(), Data::from(cell.get_value().clone())));
                        }
                    }
                }
                // A chart sheet: no cells.
                Err(XlsxError::NotAWorksheet(_)) => {}
                Err(e) => return Err(corrupt(&e)),
            }
            sparse_grid(cells, name)
        }
        SheetFormat::Ods => {
            let mut wb = Ods::new(Cursor::new(bytes)).map_err(|e| match e {
                OdsError::CellLimitExceeded { requested, .. } => ParseError::file(format!(
                    "the workbook repeats cells to {requested} cells, more than the limit of {MAX_CELLS}; export the table alone"
                )),
                e => corrupt(&e),
            })?;
            let name = choose_sheet(&wb.sheet_names(), sheet)?;
            let range = wb.worksheet_range(&name).map_err(|e| corrupt(&e))?;
            let rows = range
                .rows()
                .filter(|r| r.iter().any(|c| !matches!(c, Data::Empty)))
                .count() as u64;
            check_cells(
                &name,
                rows,
                range.width() as u64,
                range.start(),
                range.end(),
            )?;
            to_grid(&range, name)
        }
    }
}

/// The names of a workbook's sheets, in workbook order.
pub fn sheet_names(bytes: &[u8], format: SheetFormat) -> Result<Vec<String>, ParseError> {
    guarded(format, || sheet_names_unguarded(bytes, format))
}

fn sheet_names_unguarded(bytes: &[u8], format: SheetFormat) -> Result<Vec<String>, ParseError> {
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

/// Refuses a sheet of more than [`MAX_CELLS`] cells (`rows` that hold a
/// value × `columns` from the first value to the last, at `first` and
/// `last`, 0-based).
fn check_cells(
    sheet: &str,
    rows: u64,
    columns: u64,
    first: Option<(u32, u32)>,
    last: Option<(u32, u32)>,
) -> Result<(), ParseError> {
    if rows.saturating_mul(columns) <= MAX_CELLS {
        return Ok(());
    }
    let at = |p: Option<(u32, u32)>| {
        p.map_or(String::new(), |(r, c)| {
            format!("{}{}", column_name(c), r + 1)
        })
    };
    Err(ParseError::file(format!(
        "sheet \"{sheet}\" spans {rows} rows with values by {columns} columns (from {} to {}), more than the limit of {MAX_CELLS} cells; delete the stray cells far from the table, or export the table alone",
        at(first),
        at(last)
    )))
}

/// A 0-based column index as spreadsheet letters (`0` is `A`, `26` `AA`).
pub(super) fn column_name(mut c: u32) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (c % 26) as u8);
        if c < 26 {
            break;
        }
        c = c / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// A sheet from its non-empty cells (position 0-based, in any order; a
/// later cell at the same position wins, as in calamine): every row that
/// holds a value, as wide as the columns from the first value to the last.
fn sparse_grid(mut cells: Vec<((u32, u32), Data)>, sheet: String) -> Result<SheetGrid, ParseError> {
    cells.sort_by_key(|(pos, _)| *pos);
    let (Some(first), Some(last)) = (cells.first(), cells.last()) else {
        return Err(ParseError::file(format!(
            "sheet \"{sheet}\" is empty; expected a header row and data rows"
        )));
    };
    let (row0, row1) = (first.0.0, last.0.0);
    let col0 = cells.iter().map(|((_, c), _)| *c).min().unwrap_or(0);
    let col1 = cells.iter().map(|((_, c), _)| *c).max().unwrap_or(0);
    let width = u64::from(col1 - col0) + 1;
    let mut rows = 0u64;
    let mut prev = None;
    for ((r, _), _) in &cells {
        if prev != Some(*r) {
            rows += 1;
            prev = Some(*r);
        }
    }
    check_cells(&sheet, rows, width, Some((row0, col0)), Some((row1, col1)))?;
    let width = width as usize;
    let mut records: Vec<(u64, Vec<String>)> = Vec::new();
    for ((r, c), value) in cells {
        let line = u64::from(r) + 1;
        if records.last().is_none_or(|(l, _)| *l != line) {
            records.push((line, vec![String::new(); width]));
        }
        if let Some((_, row)) = records.last_mut() {
            row[(c - col0) as usize] = cell_text(&value);
        }
    }
    let table = Table::from_records(records, u64::from(col0) + 1)?;
    Ok(SheetGrid { table, sheet })
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

#[cfg(test)]
mod hostile {
    //! Hostile workbooks: entity expansion ("billion laughs"), deep
    //! nesting, cells that span a huge rectangle. Each gives a clear error
    //! or an answer, at a bounded cost.

    use super::super::test_files::{ods_content, xlsx_parts};
    use super::*;

    const NS: &str = r#"xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main""#;

    /// A DOCTYPE whose entity `lol9` expands to 10^9 `lol`s.
    fn laughs() -> String {
        let mut d = String::from(r#"<!DOCTYPE lolz [<!ENTITY lol0 "lol">"#);
        for i in 1..10 {
            let refs = format!("&lol{};", i - 1).repeat(10);
            d.push_str(&format!(r#"<!ENTITY lol{i} "{refs}">"#));
        }
        d.push_str("]>");
        d
    }

    fn sheet(body: &str) -> String {
        format!(r#"<?xml version="1.0"?><worksheet {NS}><sheetData>{body}</sheetData></worksheet>"#)
    }

    fn no_strings() -> String {
        format!(r#"<?xml version="1.0"?><sst {NS} count="0" uniqueCount="0"></sst>"#)
    }

    const ODS_ROOT: &str = r#"<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet><table:table table:name="S">"#;
    const ODS_TAIL: &str =
        "</table:table></office:spreadsheet></office:body></office:document-content>";

    fn ods_cell(text: &str) -> String {
        format!(
            r#"<table:table-row><table:table-cell office:value-type="string"><text:p>{text}</text:p></table:table-cell></table:table-row>"#
        )
    }

    #[test]
    fn entities_are_never_expanded() {
        let cells = r#"<row r="1"><c r="A1" t="s"><v>0</v></c></row><row r="2"><c r="A2" t="s"><v>0</v></c></row>"#;
        let shared = format!(
            r#"<?xml version="1.0"?>{}<sst {NS} count="1" uniqueCount="1"><si><t>&lol9;</t></si></sst>"#,
            laughs()
        );
        let e =
            read_sheet(&xlsx_parts(&sheet(cells), &shared), SheetFormat::Xlsx, None).unwrap_err();
        assert!(e.message.contains("unrecognized entity `&lol9;`"), "{e}");
        let content = format!(
            r#"<?xml version="1.0"?>{}{ODS_ROOT}{}{ODS_TAIL}"#,
            laughs(),
            ods_cell("&lol9;")
        );
        let e = read_sheet(&ods_content(&content), SheetFormat::Ods, None).unwrap_err();
        assert!(e.message.contains("unrecognized entity `&lol9;`"), "{e}");
    }

    #[test]
    fn deep_nesting_is_read_without_recursion() {
        let deep = format!("{}{}", "<x>".repeat(100_000), "</x>".repeat(100_000));
        let xml = format!(
            r#"<?xml version="1.0"?><worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>h</t></is></c></row><row r="2"><c r="A2" t="inlineStr"><is><t>v</t></is></c></row></sheetData>{deep}</worksheet>"#
        );
        let g = read_sheet(&xlsx_parts(&xml, &no_strings()), SheetFormat::Xlsx, None).unwrap();
        assert_eq!(g.table.rows[0].cells, ["v"]);
        let spans = format!(
            "{}x{}",
            "<text:span>".repeat(40_000),
            "</text:span>".repeat(40_000)
        );
        let content = format!(
            r#"<?xml version="1.0"?>{ODS_ROOT}{}{}{ODS_TAIL}"#,
            ods_cell("h"),
            ods_cell(&spans)
        );
        let g = read_sheet(&ods_content(&content), SheetFormat::Ods, None).unwrap();
        assert_eq!(g.table.rows[0].cells, ["x"]);
    }

    #[test]
    fn a_stray_far_cell_is_a_clear_error_not_terabytes() {
        // calamine's `worksheet_range` asked for 549,755,813,888 bytes here
        // and aborted the process.
        let cells = r#"<row r="1"><c r="A1" t="inlineStr"><is><t>a</t></is></c></row><row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>b</t></is></c></row>"#;
        let xml = format!(
            r#"<?xml version="1.0"?><worksheet {NS}><dimension ref="A1:XFD1048576"/><sheetData>{}</sheetData></worksheet>"#,
            cells
        );
        let g = read_sheet(&xlsx_parts(&xml, &no_strings()), SheetFormat::Xlsx, None).unwrap();
        assert_eq!(g.table.headers.len(), 16_384);
        assert_eq!(g.table.rows.len(), 1);
        assert_eq!(g.table.rows[0].line, 1_048_576);
        assert_eq!(g.table.rows[0].cells[16_383], "b");
        // Many rows that wide: refused, naming the sheet and the span.
        let mut rows = String::new();
        for r in 1..=3100 {
            rows.push_str(&format!(r#"<row r="{r}"><c r="A{r}"><v>{r}</v></c></row>"#));
        }
        rows.push_str(r#"<row r="3101"><c r="XFD3101"><v>1</v></c></row>"#);
        let e = read_sheet(
            &xlsx_parts(&sheet(&rows), &no_strings()),
            SheetFormat::Xlsx,
            None,
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "sheet \"S\" spans 3101 rows with values by 16384 columns (from A1 to XFD3101), more than the limit of 50000000 cells; delete the stray cells far from the table, or export the table alone"
        );
        let content = format!(
            r#"<?xml version="1.0"?>{ODS_ROOT}<table:table-row table:number-rows-repeated="1048576"><table:table-cell table:number-columns-repeated="16384" office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>{ODS_TAIL}"#
        );
        let e = read_sheet(&ods_content(&content), SheetFormat::Ods, None).unwrap_err();
        assert!(e.message.contains("more than the limit"), "{e}");
    }

    #[test]
    fn cells_in_any_order_and_repeated_read_as_calamine_reads_them() {
        let cells = r#"<row r="3"><c r="C3" t="inlineStr"><is><t>z</t></is></c><c r="B3"><v>2</v></c></row><row r="2"><c r="B2" t="inlineStr"><is><t>x</t></is></c><c r="C2" t="inlineStr"><is><t>y</t></is></c></row><row r="3"><c r="B3"><v>5</v></c></row>"#;
        let g = read_sheet(
            &xlsx_parts(&sheet(cells), &no_strings()),
            SheetFormat::Xlsx,
            None,
        )
        .unwrap();
        assert_eq!(g.table.first_column, 2);
        assert_eq!(g.table.headers, ["x", "y"]);
        assert_eq!(g.table.rows.len(), 1);
        assert_eq!(
            (g.table.rows[0].line, &g.table.rows[0].cells[..]),
            (3, &["5".to_owned(), "z".to_owned()][..])
        );
    }
}

#[cfg(test)]
mod fuzz_regressions {
    use super::*;

    /// Found by the `grid_xlsx` fuzz target: a cell reference whose row
    /// number overflows made calamine panic (`attempt to multiply with
    /// overflow`); it must be an error or a table, never a panic.
    #[test]
    fn fuzz_grid_xlsx_9920b1f1_cell_reference_overflow() {
        let bytes = include_bytes!("../../../fixtures/fuzz/grid_xlsx-9920b1f1.xlsx");
        // Overflow panics with debug assertions (tests, fuzzing); a
        // release build wraps and reads on.
        if let Err(e) = read_sheet(bytes, SheetFormat::Xlsx, None) {
            assert!(e.message.starts_with("corrupt XLSX file"), "{e}");
        }
    }
}
