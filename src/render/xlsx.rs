//! The Excel workbook: one sheet per report table, from the typed JSON rows
//! (numbers stay numbers, shares are percentages, flags are booleans).
//! Every sheet has a bold frozen header row, a filter, column widths fitted
//! to the content (long text wraps) and, on the theme-by-group tables, a
//! colour scale over the participant shares. Rows in, bytes out.

use rust_xlsxwriter::{
    ConditionalFormat2ColorScale, ConditionalFormatType, DocProperties, ExcelDateTime, Format,
    FormatBorder, Workbook, Worksheet, XlsxError,
};
use serde_json::Value;

use super::report::{Built, Kind};

/// Widest column, in characters; longer text wraps.
const MAX_WIDTH: usize = 60;
/// Narrowest column.
const MIN_WIDTH: usize = 6;
/// Colour scale of participant shares: 0% to 100%.
const SCALE_LOW: u32 = 0xF7FBFF;
const SCALE_HIGH: u32 = 0x4A89C8;

/// One column of a sheet: its header and where its values are in a row.
#[derive(Debug, Clone, PartialEq)]
struct Col {
    header: String,
    key: String,
    /// Sub-key in an object value (the group of a share map).
    sub: Option<String>,
}

impl Col {
    fn value<'a>(&self, row: &'a Value) -> &'a Value {
        let v = &row[self.key.as_str()];
        match &self.sub {
            Some(s) => &v[s.as_str()],
            None => v,
        }
    }

    /// Shares are fractions shown as percentages.
    fn is_share(&self) -> bool {
        self.key.ends_with("share")
    }
}

/// The columns of a table: the keys of its first row, with object values
/// spread into one column per key (the groups of `participant_share`).
fn columns(b: &Built) -> Vec<Col> {
    let Some(Value::Object(first)) = b.rows.first() else {
        return b
            .listing
            .columns
            .iter()
            .map(|c| Col {
                header: c.clone(),
                key: c.clone(),
                sub: None,
            })
            .collect();
    };
    let mut cols = Vec::new();
    for (key, v) in first {
        match v {
            // The participant shares are headed by the group alone; other
            // maps name their measure.
            Value::Object(m) => cols.extend(m.keys().map(|sub| Col {
                header: if key == "participant_share" {
                    sub.clone()
                } else {
                    format!("{sub} ({})", key.replace('_', " "))
                },
                key: key.clone(),
                sub: Some(sub.clone()),
            })),
            _ => cols.push(Col {
                header: key.clone(),
                key: key.clone(),
                sub: None,
            }),
        }
    }
    cols
}

/// A cell as text (for width and for strings).
fn shown(v: &Value) -> Option<String> {
    match v {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Array(a) => Some(a.iter().filter_map(shown).collect::<Vec<_>>().join(", ")),
        Value::Bool(b) => Some(if *b { "TRUE" } else { "FALSE" }.to_owned()),
        Value::Number(n) => Some(n.to_string()),
        Value::Object(_) => Some(v.to_string()),
    }
}

/// The workbook: a sheet per table, named after it.
pub fn to_xlsx(study: &str, built: &[Built]) -> Result<Vec<u8>, XlsxError> {
    let mut wb = Workbook::new();
    // A fixed creation date, so that the same report gives the same bytes.
    let epoch = ExcelDateTime::from_ymd(2000, 1, 1)?;
    wb.set_properties(
        &DocProperties::new()
            .set_title(study)
            .set_author("qualsynth")
            .set_creation_datetime(&epoch),
    );
    for b in built {
        let ws = wb.add_worksheet();
        ws.set_name(b.kind.name())?;
        sheet(ws, b)?;
    }
    wb.save_to_buffer()
}

fn sheet(ws: &mut Worksheet, b: &Built) -> Result<(), XlsxError> {
    let header = Format::new()
        .set_bold()
        .set_background_color(0xE8ECF1)
        .set_border_bottom(FormatBorder::Thin);
    let percent = Format::new().set_num_format("0%");
    let wrap = Format::new()
        .set_text_wrap()
        .set_align(rust_xlsxwriter::FormatAlign::Top);
    let top = Format::new().set_align(rust_xlsxwriter::FormatAlign::Top);
    let cols = columns(b);
    let mut widths: Vec<usize> = cols.iter().map(|c| c.header.chars().count() + 2).collect();
    for (j, c) in cols.iter().enumerate() {
        let col = u16::try_from(j).unwrap_or(u16::MAX);
        ws.write_string_with_format(0, col, &c.header, &header)?;
        for (i, row) in b.rows.iter().enumerate() {
            let r = u32::try_from(i + 1).unwrap_or(u32::MAX);
            let v = c.value(row);
            // A share shows as "100%", not as its many decimals.
            let chars = match v {
                Value::Number(_) if c.is_share() => Some(4),
                _ => shown(v).map(|t| t.chars().count()),
            };
            if let Some(n) = chars {
                widths[j] = widths[j].max(n + 1);
            }
            match v {
                Value::Null => {}
                Value::Number(n) if c.is_share() => {
                    ws.write_number_with_format(r, col, n.as_f64().unwrap_or(0.0), &percent)?;
                }
                Value::Number(n) => {
                    ws.write_number_with_format(r, col, n.as_f64().unwrap_or(0.0), &top)?;
                }
                Value::Bool(x) => {
                    ws.write_boolean_with_format(r, col, *x, &top)?;
                }
                other => {
                    let text = shown(other).unwrap_or_default();
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
        let last_row = u32::try_from(b.rows.len()).unwrap_or(u32::MAX);
        ws.autofilter(0, 0, last_row, last_col)?;
        if matches!(b.kind, Kind::Themes | Kind::Matrix) && !b.rows.is_empty() {
            let scale = ConditionalFormat2ColorScale::new()
                .set_minimum(ConditionalFormatType::Number, 0)
                .set_maximum(ConditionalFormatType::Number, 1)
                .set_minimum_color(SCALE_LOW)
                .set_maximum_color(SCALE_HIGH);
            for (j, c) in cols.iter().enumerate() {
                let shares = match b.kind {
                    Kind::Themes => c.sub.is_some(),
                    _ => c.key == "participant_share",
                };
                if shares {
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
    use crate::render::listing::Listing;
    use serde_json::json;

    fn themes() -> Built {
        Built {
            kind: Kind::Themes,
            listing: Listing::new(&["code"]),
            rows: vec![json!({
                "code": "cout",
                "label": "=SUM(A1)",
                "groups_raised": 1,
                "groups_total": 2,
                "class": "one group",
                "participant_share": {"Lille": 0.5, "Marseille": null},
            })],
        }
    }

    #[test]
    fn share_maps_spread_into_group_columns() {
        let headers: Vec<String> = columns(&themes()).into_iter().map(|c| c.header).collect();
        assert_eq!(
            headers,
            [
                "code",
                "label",
                "groups_raised",
                "groups_total",
                "class",
                "Lille",
                "Marseille"
            ]
        );
    }

    #[test]
    fn empty_tables_keep_their_headers() {
        let b = Built {
            kind: Kind::Quotes,
            listing: Listing::new(&["code", "quote"]),
            rows: vec![],
        };
        assert_eq!(columns(&b).len(), 2);
        assert!(to_xlsx("T", &[b]).is_ok());
    }

    #[test]
    fn same_rows_same_bytes() {
        let a = to_xlsx("T", &[themes()]).unwrap();
        let b = to_xlsx("T", &[themes()]).unwrap();
        assert_eq!(a, b);
        assert_eq!(&a[..2], b"PK");
    }
}
