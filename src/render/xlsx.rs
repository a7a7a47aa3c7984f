//! The Excel workbook: one sheet per report table (and one per workshop
//! method: `swot`, `empathy`…), from its typed columns
//! (numbers stay numbers, shares are percentages, flags are booleans).
//! Every sheet has a bold frozen header row, a filter, column widths fitted
//! to the content (long text wraps) and, on the theme-by-group tables, a
//! colour scale over the participant shares. Rows in, bytes out.

use super::report::{Kind, Table};
use super::sheet::{Sheet, Unit, Value};
use rust_xlsxwriter::{
    ConditionalFormat2ColorScale, ConditionalFormatType, DocProperties, ExcelDateTime, Format,
    FormatBorder, Workbook, Worksheet, XlsxError,
};

/// Widest column, in characters; longer text wraps.
const MAX_WIDTH: usize = 60;
/// Narrowest column.
const MIN_WIDTH: usize = 6;
/// Colour scale of participant shares: 0% to 100%.
const SCALE_LOW: u32 = 0xF7FBFF;
const SCALE_HIGH: u32 = 0x4A89C8;

/// The workbook: a sheet per table, named after it.
pub fn to_xlsx(study: &str, tables: &[Table]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // A fixed creation date, so that the same report gives the same bytes.
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(study)
            .set_author("qualsynth")
            .set_creation_datetime(&epoch),
    );
    let methods = tables
        .iter()
        .any(|t| matches!(t, Table::Methods(r) if !r.is_empty()));
    let mut names: Vec<String> = Vec::new();
    for t in tables {
        match t {
            // A sheet per method, named after it: the study's SWOT, its
            // empathy map…
            Table::Methods(rows) => {
                let mut order: Vec<&str> = Vec::new();
                for r in rows {
                    if !order.contains(&r.method.as_str()) {
                        order.push(&r.method);
                    }
                }
                for m in order {
                    let part: Vec<_> = rows.iter().filter(|r| r.method == m).cloned().collect();
                    let name = sheet_name(m, &names);
                    let ws = wb.add_worksheet();
                    ws.set_name(&name)?;
                    names.push(name);
                    sheet(ws, t.kind(), &Table::Methods(part).sheet())?;
                }
            }
            // Tensions only in a study with methods.
            Table::Tensions(rows) if rows.is_empty() && !methods => {}
            _ => {
                let name = sheet_name(t.kind().name(), &names);
                let ws = wb.add_worksheet();
                ws.set_name(&name)?;
                names.push(name);
                sheet(ws, t.kind(), &t.sheet())?;
            }
        }
    }
    wb.save_to_buffer()
}

/// A sheet name Excel accepts (at most 31 characters, none of `[]:*?/\`)
/// and that no sheet of the workbook has yet.
fn sheet_name(wanted: &str, taken: &[String]) -> String {
    let clean: String = wanted
        .chars()
        .map(|c| if "[]:*?/\\".contains(c) { '_' } else { c })
        .take(28)
        .collect();
    let clean = if clean.trim().is_empty() {
        "sheet".to_owned()
    } else {
        clean
    };
    let free = |n: &str| !taken.iter().any(|t| t.eq_ignore_ascii_case(n));
    if free(&clean) {
        return clean;
    }
    (2..)
        .map(|n| format!("{clean} {n}"))
        .find(|n| free(n))
        .unwrap_or(clean)
}

fn sheet(ws: &mut Worksheet, kind: Kind, sheet: &Sheet) -> Result<(), XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_background_color(0xE8ECF1)
        .set_border_bottom(FormatBorder::Thin);
    let percent = Format::new().set_num_format("0%");
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let top = Format::new().set_align(rust_xlsxwriter::FormatAlign::Top);
    let cols = &sheet.columns;
    let mut widths: Vec<usize> = cols.iter().map(|c| c.name.chars().count() + 2).collect();
    for (j, c) in cols.iter().enumerate() {
        let col = u16::try_from(j).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, col, &c.name, &header)?;
        for (i, row) in sheet.rows.iter().enumerate() {
            let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let v = &row[j];
            // A share shows as "100%", not as its many decimals.
            let chars = match v {
                Value::Float(_) if c.unit == Unit::Share => Some(4),
                _ => v.shown(c.unit).map(|t| t.chars().count()),
            };
            if let Some(n) = chars {
                widths[j] = widths[j].max(n + 1);
            }
            match v {
                Value::Null => {}
                Value::Float(f) if c.unit == Unit::Share => {
                    ws.write_number_with_format(r, col, *f, &percent)?;
                }
                Value::Float(f) => {
                    ws.write_number_with_format(r, col, *f, &top)?;
                }
                Value::Int(n) => {
                    ws.write_number_with_format(r, col, *n as f64, &top)?;
                }
                Value::Bool(x) => {
                    ws.write_boolean_with_format(r, col, *x, &top)?;
                }
                Value::Text(_) | Value::List(_) => {
                    let text = v.shown(c.unit).unwrap_or_default();
                    let f = if text.chars().count() > MAX_WIDTH {
                        &wrap
                    } else {
                        &top
                    };
                    ws.write_string_with_format(r, col, text, f)?;
                }
            }
        }
    }
    for (j, w) in widths.iter().enumerate() {
        let col = u16::try_from(j).unwrap_or(u16::MAX);
        ws.set_column_width(col, (*w).clamp(MIN_WIDTH, MAX_WIDTH) as f64)?;
    }
    ws.set_freeze_panes(1, 0)?;
    if !cols.is_empty() {
        let last_col = u16::try_from(cols.len() - 1).unwrap_or(u16::MAX);
        let last_row = u32::try_from(sheet.rows.len()).unwrap_or(u32::MAX);
        ws.autofilter(0, 0, last_row, last_col)?;
        if matches!(kind, Kind::Themes | Kind::Matrix) && !sheet.rows.is_empty() {
            let scale = ConditionalFormat2ColorScale::new()
                .set_minimum(ConditionalFormatType::Number, 0)
                .set_maximum(ConditionalFormatType::Number, 1)
                .set_minimum_color(SCALE_LOW)
                .set_maximum_color(SCALE_HIGH);
            // Every share of the themes; the participant share of the matrix.
            for (j, c) in cols.iter().enumerate() {
                if c.unit == Unit::Share && (kind == Kind::Themes || c.name == "participant_share")
                {
                    let col = u16::try_from(j).unwrap_or(u16::MAX);
                    ws.add_conditional_format(1, col, last_row, col, &scale)?;
                }
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::report::{Filter, lines};
    use crate::synthesis::convergence::ConvergenceRow;
    use crate::synthesis::matrix::MatrixRow;

    fn themes() -> Table {
        let conv = vec![ConvergenceRow {
            code: "cout".into(),
            label: "=SUM(A1)".into(),
            groups_raised: 1,
            groups_total: 2,
            class: "one group".into(),
            ..ConvergenceRow::default()
        }];
        let cell = |g: &str, p| MatrixRow {
            code: "cout".into(),
            group: g.into(),
            participant_share: p,
            ..MatrixRow::default()
        };
        let matrix = vec![cell("Lille", Some(0.5)), cell("Marseille", None)];
        Table::Themes(lines::themes(&conv, &matrix, &Filter::default()))
    }

    #[test]
    fn empty_tables_keep_their_headers() {
        let t = Table::Quotes(Vec::new());
        assert_eq!(t.sheet().columns.len(), 10);
        assert!(to_xlsx("T", &[t]).is_ok());
    }

    fn item(method: &str, part: &str) -> lines::MethodLine {
        lines::MethodLine {
            method: method.into(),
            method_label: method.to_uppercase(),
            part: part.into(),
            part_label: part.into(),
            part_order: 1,
            rank: 1,
            id: format!("{method}.{part}.1"),
            item: "Le loyer".into(),
            groups: vec!["Lille".into()],
            support: 1,
            groups_total: 2,
            votes_total: Some(3),
            codes: vec!["cout".into()],
            notes: vec!["l:1".into()],
        }
    }

    #[test]
    fn a_sheet_per_method() {
        use calamine::{Reader, Xlsx};
        let methods = Table::Methods(vec![
            item("swot", "strengths"),
            item("empathy", "pains"),
            item("swot", "threats"),
            item("quotes", "a"),
        ]);
        let bytes = to_xlsx(
            "T",
            &[
                Table::Quotes(Vec::new()),
                methods,
                Table::Tensions(Vec::new()),
            ],
        )
        .unwrap();
        let mut wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(
            wb.sheet_names(),
            ["quotes", "swot", "empathy", "quotes 2", "tensions"]
        );
        let swot = wb.worksheet_range("swot").unwrap();
        assert_eq!(swot.height(), 3, "a header and the two SWOT items");
        // No method, no method sheets.
        let bytes = to_xlsx(
            "T",
            &[
                Table::Quotes(Vec::new()),
                Table::Methods(Vec::new()),
                Table::Tensions(Vec::new()),
            ],
        )
        .unwrap();
        let wb: Xlsx<_> = Xlsx::new(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(wb.sheet_names(), ["quotes"]);
    }

    #[test]
    fn same_rows_same_bytes() {
        let a = to_xlsx("T", &[themes()]).unwrap();
        let b = to_xlsx("T", &[themes()]).unwrap();
        assert_eq!(a, b);
        assert_eq!(&a[..2], b"PK");
    }
}
