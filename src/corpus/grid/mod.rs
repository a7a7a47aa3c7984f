//! Grid parsing: CSV, TSV, XLSX and ODS grids (one row per participant,
//! answer, sticky note or recommendation) turned into segments.
//!
//! The stages: the format is resolved (option, extension, content), the
//! file is read into a [`table::Table`] (`csv_read`, `sheet`), and the table
//! is mapped to segments (`map`), cells optionally split into items
//! (`split`). Pure: bytes and options in, values out.

mod csv_read;
mod headers;
mod map;
mod miro;
mod sheet;
mod split;
mod stream;
mod table;
#[cfg(test)]
mod test_files;

pub(crate) use headers::bare;
pub use map::{EachSegment, GridRow, RowItem, RowSink};
pub use split::split_items;
pub use stream::{Streamed, stream_grid_into};
pub use table::{Row, Table};

use super::error::ParseError;
use super::model::RawSegment;
use super::zipsafe::entry_names;
use sheet::SheetFormat;

/// What a grid's rows hold; decides the segment kind and which columns are
/// recognised by their header.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GridKind {
    /// Answers and observations (a reading or observation grid).
    #[default]
    Observations,
    /// Recommendations, with votes, priority, owner, deadline, indicator.
    Recommendations,
    /// Sticky notes, with author, frame, colour and votes.
    Notes,
}

impl GridKind {
    /// The word used on the command line and in manifests.
    pub fn as_str(self) -> &'static str {
        match self {
            GridKind::Observations => "observations",
            GridKind::Recommendations => "recommendations",
            GridKind::Notes => "notes",
        }
    }

    /// Parses the word back.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "observations" => GridKind::Observations,
            "recommendations" => GridKind::Recommendations,
            "notes" => GridKind::Notes,
            _ => return None,
        })
    }
}

/// The file format of a grid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum GridFormat {
    /// Decide from the file name's extension, else from the content.
    #[default]
    Auto,
    /// Delimited text (CSV, TSV: a CSV with a tab).
    Csv,
    /// Office Open XML workbook.
    Xlsx,
    /// OpenDocument spreadsheet.
    Ods,
    /// A Miro board's items as its REST API returns them (JSON).
    Miro,
}

impl GridFormat {
    /// The word used on the command line and in manifests.
    pub fn as_str(self) -> &'static str {
        match self {
            GridFormat::Auto => "auto",
            GridFormat::Csv => "csv",
            GridFormat::Xlsx => "xlsx",
            GridFormat::Ods => "ods",
            GridFormat::Miro => "miro",
        }
    }

    /// Parses the word back.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "auto" => GridFormat::Auto,
            "csv" => GridFormat::Csv,
            "xlsx" => GridFormat::Xlsx,
            "ods" => GridFormat::Ods,
            "miro" => GridFormat::Miro,
            _ => return None,
        })
    }
}

/// Columns mapped by flag; None = find by recognisable header.
#[derive(Debug, Clone, Default)]
pub struct ColumnMap {
    /// Votes (a whole number).
    pub votes: Option<String>,
    /// Priority, as written.
    pub priority: Option<String>,
    /// Who carries the recommendation.
    pub owner: Option<String>,
    /// When it is due.
    pub deadline: Option<String>,
    /// How success is measured.
    pub indicator: Option<String>,
    /// The frame or area a sticky note sits in (attribute `frame`).
    pub frame: Option<String>,
    /// A sticky note's colour (attribute `colour`).
    pub colour: Option<String>,
}

/// How to read a grid.
#[derive(Debug, Clone, Default)]
pub struct GridOptions {
    /// The format; `Auto` decides by extension, then content.
    pub format: GridFormat,
    /// What the rows hold.
    pub kind: GridKind,
    /// The sheet of a workbook; `None` is the first sheet.
    pub sheet: Option<String>,
    /// The columns whose cells are segments; empty = choose automatically.
    pub text_columns: Vec<String>,
    /// The column naming the participant (speaker) of a row.
    pub participant_column: Option<String>,
    /// The column naming the group of a row.
    pub group_column: Option<String>,
    /// The column holding each row's id (the key of its segments).
    pub id_column: Option<String>,
    /// The column holding each row's speaker role.
    pub role_column: Option<String>,
    /// Split each cell into items (lines, bullets, `;`).
    pub split_items: bool,
    /// The CSV delimiter; `None` sniffs it.
    pub delimiter: Option<u8>,
    /// The CSV encoding; `None` sniffs it (a BOM always wins).
    pub encoding: Option<&'static encoding_rs::Encoding>,
    /// Recommendation and note columns given by name.
    pub columns: ColumnMap,
    /// The workshop method the grid is (SWOT, empathy map…): every
    /// segment gets the part its column, sheet or frame names.
    pub method: Option<crate::corpus::method::Method>,
}

/// A grid as parsed, with what was detected.
#[derive(Debug, Clone)]
pub struct ParsedGrid {
    /// The format actually read (never `Auto`).
    pub format: GridFormat,
    /// The sheet read (workbooks).
    pub sheet: Option<String>,
    /// The delimiter used (CSV).
    pub delimiter: Option<u8>,
    /// The encoding used (CSV).
    pub encoding: Option<&'static str>,
    /// The column names, made unique.
    pub headers: Vec<String>,
    /// The text columns used, as named in `headers`.
    pub text_columns: Vec<String>,
    /// The segments, row by row.
    pub segments: Vec<RawSegment>,
}

/// Parses a grid file. `file_name` is only used for its extension.
pub fn parse_grid(
    file_name: &str,
    bytes: &[u8],
    opts: &GridOptions,
) -> Result<ParsedGrid, ParseError> {
    let mut segments = Vec::new();
    let info = parse_grid_into(file_name, bytes, opts, &mut |s| {
        segments.push(s);
        Ok(())
    })?;
    Ok(ParsedGrid {
        format: info.format,
        sheet: info.sheet,
        delimiter: info.delimiter,
        encoding: info.encoding,
        headers: info.headers,
        text_columns: info.text_columns,
        segments,
    })
}

/// What was read from a grid, without its segments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GridInfo {
    /// The format that was read (never `Auto`).
    pub format: GridFormat,
    /// The sheet that was read (spreadsheets).
    pub sheet: Option<String>,
    /// The delimiter used (CSV).
    pub delimiter: Option<u8>,
    /// The encoding detected (CSV).
    pub encoding: Option<&'static str>,
    /// The header row.
    pub headers: Vec<String>,
    /// The text columns used.
    pub text_columns: Vec<String>,
}

/// Parses a grid, handing each segment to `sink` in file order as soon as
/// it is made: the streaming form of [`parse_grid`] used by imports.
pub fn parse_grid_into(
    file_name: &str,
    bytes: &[u8],
    opts: &GridOptions,
    sink: &mut dyn FnMut(RawSegment) -> Result<(), ParseError>,
) -> Result<GridInfo, ParseError> {
    let format = resolve_format(file_name, bytes, opts.format)?;
    if format == GridFormat::Miro {
        return read_board_into(bytes, opts, sink);
    }
    if let Some(info) = parse_part_sheets(bytes, format, opts, sink)? {
        return Ok(info);
    }
    if matches!(format, GridFormat::Csv | GridFormat::Auto) {
        let (text, delimiter, encoding) = csv_read::decode_csv(
            bytes,
            opts.delimiter,
            csv_fallback(file_name),
            opts.encoding,
        )?;
        let records = csv_read::Records::new(text.as_bytes(), delimiter);
        // Rows as they come, unless the text columns are guessed from all.
        if let Ok(Some((headers, text_columns))) =
            stream::stream_records(records, opts, &mut map::EachSegment(sink))?
        {
            return Ok(GridInfo {
                format: GridFormat::Csv,
                sheet: None,
                delimiter: Some(delimiter),
                encoding: Some(encoding),
                headers,
                text_columns,
            });
        }
    }
    let (table, format, sheet, delimiter, encoding) = read_any(file_name, bytes, opts)?;
    let text_columns = map::map_table_into(&table, opts, None, sink)?;
    Ok(GridInfo {
        format,
        sheet,
        delimiter,
        encoding,
        headers: table.headers,
        text_columns,
    })
}

/// A Miro board export: its sticky notes, read as notes (or as
/// recommendations when the grid kind says so), the frame as the part of
/// the method.
fn read_board_into(
    bytes: &[u8],
    opts: &GridOptions,
    sink: &mut dyn FnMut(RawSegment) -> Result<(), ParseError>,
) -> Result<GridInfo, ParseError> {
    let table = miro::read_board(bytes, opts.method.as_ref())?;
    let mut notes = opts.clone();
    if notes.kind == GridKind::Observations {
        notes.kind = GridKind::Notes;
    }
    if notes.text_columns.is_empty() {
        notes.text_columns = vec![miro::HEADERS[0].to_owned()];
    }
    let text_columns = map::map_table_into(&table, &notes, None, sink)?;
    Ok(GridInfo {
        format: GridFormat::Miro,
        sheet: None,
        delimiter: None,
        encoding: Some("UTF-8"),
        headers: table.headers,
        text_columns,
    })
}

/// A workbook with a sheet per part of the grid's method (a sheet
/// `Forces`, a sheet `Faiblesses`…), when no sheet is named: every sheet
/// that names a part is read, in workbook order, its segments in that
/// part; the other sheets (instructions, a cover) are left out. `None`
/// when the grid is not such a workbook.
fn parse_part_sheets(
    bytes: &[u8],
    format: GridFormat,
    opts: &GridOptions,
    sink: &mut dyn FnMut(RawSegment) -> Result<(), ParseError>,
) -> Result<Option<GridInfo>, ParseError> {
    let (Some(m), None) = (&opts.method, &opts.sheet) else {
        return Ok(None);
    };
    let f = match format {
        GridFormat::Xlsx => SheetFormat::Xlsx,
        GridFormat::Ods => SheetFormat::Ods,
        _ => return Ok(None),
    };
    let names: Vec<String> = sheet::sheet_names(bytes, f)?
        .into_iter()
        .filter(|n| m.names_a_part(n))
        .collect();
    if names.is_empty() {
        return Ok(None);
    }
    let (mut headers, mut text_columns) = (Vec::new(), Vec::new());
    for name in &names {
        let part = m
            .part_of(name)
            .map_err(|e| ParseError::file(e.to_string()))?;
        let g = sheet::read_sheet(bytes, f, Some(name))?;
        let cols = map::map_table_into(&g.table, opts, Some(&part), sink)
            .map_err(|e| in_sheet(e, name))?;
        for h in g.table.headers {
            if !headers.contains(&h) {
                headers.push(h);
            }
        }
        for c in cols {
            if !text_columns.contains(&c) {
                text_columns.push(c);
            }
        }
    }
    Ok(Some(GridInfo {
        format,
        sheet: Some(names.join(", ")),
        delimiter: None,
        encoding: None,
        headers,
        text_columns,
    }))
}

/// An error in one sheet of a workbook read sheet by sheet says which.
fn in_sheet(mut e: ParseError, sheet: &str) -> ParseError {
    e.message = format!("sheet \"{sheet}\": {}", e.message);
    e
}

/// Reads a grid file as a table of text cells (header row, then rows with
/// their lines), without mapping columns: for files that are not imported
/// as segments, such as a table of human codes. Only `format`, `sheet`,
/// `delimiter` and `encoding` of `opts` are used.
pub fn read_table(file_name: &str, bytes: &[u8], opts: &GridOptions) -> Result<Table, ParseError> {
    Ok(read_any(file_name, bytes, opts)?.0)
}

type ReadTable = (
    Table,
    GridFormat,
    Option<String>,
    Option<u8>,
    Option<&'static str>,
);

fn read_any(file_name: &str, bytes: &[u8], opts: &GridOptions) -> Result<ReadTable, ParseError> {
    let format = resolve_format(file_name, bytes, opts.format)?;
    let (table, sheet, delimiter, encoding) = match format {
        GridFormat::Csv | GridFormat::Auto => {
            let g = csv_read::read_csv(
                bytes,
                opts.delimiter,
                csv_fallback(file_name),
                opts.encoding,
            )?;
            (g.table, None, Some(g.delimiter), Some(g.encoding))
        }
        GridFormat::Miro => (miro::read_board(bytes, None)?, None, None, Some("UTF-8")),
        GridFormat::Xlsx | GridFormat::Ods => {
            let f = if format == GridFormat::Xlsx {
                SheetFormat::Xlsx
            } else {
                SheetFormat::Ods
            };
            let g = sheet::read_sheet(bytes, f, opts.sheet.as_deref())?;
            (g.table, Some(g.sheet), None, None)
        }
    };
    let format = if format == GridFormat::Auto {
        GridFormat::Csv
    } else {
        format
    };
    Ok((table, format, sheet, delimiter, encoding))
}

/// The delimiter of a CSV in which no candidate occurs (one column).
fn csv_fallback(file_name: &str) -> u8 {
    if extension(file_name) == "tsv" {
        b'\t'
    } else {
        b','
    }
}

fn extension(file_name: &str) -> String {
    let base = file_name.rsplit(['/', '\\']).next().unwrap_or(file_name);
    match base.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() => ext.to_ascii_lowercase(),
        _ => String::new(),
    }
}

/// The format to read: the option, else the extension (`.csv` `.tsv`
/// `.txt` → CSV, `.xlsx` `.xlsm` → XLSX, `.ods` → ODS, `.json` → a Miro
/// board), else the content (a zip with `xl/workbook.xml` is XLSX, one
/// with `content.xml` and a `mimetype` is ODS, JSON items with a
/// `sticky_note` are a Miro board, anything else is read as CSV). A CSV
/// name on a zip is resolved by content too.
fn resolve_format(
    file_name: &str,
    bytes: &[u8],
    format: GridFormat,
) -> Result<GridFormat, ParseError> {
    if format != GridFormat::Auto {
        return Ok(format);
    }
    let by_name = match extension(file_name).as_str() {
        "csv" | "tsv" | "tab" | "txt" => Some(GridFormat::Csv),
        "xlsx" | "xlsm" => Some(GridFormat::Xlsx),
        "ods" => Some(GridFormat::Ods),
        "json" => Some(GridFormat::Miro),
        _ => None,
    };
    let is_zip = bytes.starts_with(b"PK\x03\x04");
    match by_name {
        Some(GridFormat::Csv) if !is_zip => return Ok(GridFormat::Csv),
        Some(f) if f != GridFormat::Csv => return Ok(f),
        _ => {}
    }
    if bytes.starts_with(&[0xD0, 0xCF, 0x11, 0xE0]) {
        return Err(ParseError::file(
            "this looks like an old Excel .xls workbook, which is not supported; save it as .xlsx, .ods or .csv",
        ));
    }
    if !is_zip {
        if miro::looks_like_board(bytes) {
            return Ok(GridFormat::Miro);
        }
        return Ok(GridFormat::Csv);
    }
    let names = entry_names(bytes, "XLSX or ODS")?;
    let has = |n: &str| names.iter().any(|e| e.eq_ignore_ascii_case(n));
    if has("xl/workbook.xml") {
        Ok(GridFormat::Xlsx)
    } else if has("content.xml") && (has("mimetype") || has("META-INF/manifest.xml")) {
        Ok(GridFormat::Ods)
    } else {
        Err(ParseError::file(
            "this zip archive is neither an XLSX nor an ODS workbook; expected a CSV, TSV, XLSX or ODS grid",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::test_files::{ods, xlsx, zip_with};
    use super::*;
    use crate::corpus::model::SegmentKind;

    fn texts(g: &ParsedGrid) -> Vec<&str> {
        g.segments.iter().map(|s| s.text.as_str()).collect()
    }

    fn utf16le_bom(s: &str) -> Vec<u8> {
        let mut out = vec![0xFF, 0xFE];
        for u in s.encode_utf16() {
            out.extend_from_slice(&u.to_le_bytes());
        }
        out
    }

    #[test]
    fn words_round_trip() {
        for k in [
            GridKind::Observations,
            GridKind::Recommendations,
            GridKind::Notes,
        ] {
            assert_eq!(GridKind::parse(k.as_str()), Some(k));
        }
        for f in [
            GridFormat::Auto,
            GridFormat::Csv,
            GridFormat::Xlsx,
            GridFormat::Ods,
            GridFormat::Miro,
        ] {
            assert_eq!(GridFormat::parse(f.as_str()), Some(f));
        }
        assert_eq!(GridKind::parse("tsv"), None);
        assert_eq!(GridFormat::parse("tsv"), None);
    }

    #[test]
    fn csv_variants_give_the_same_segments() {
        let want = ["Un espace calme, lumineux", "Des horaires le soir"];
        let cases: Vec<(&str, Vec<u8>, u8, &str)> = vec![
            (
                "g.csv",
                b"Nom,R\xc3\xa9ponse\nAna,\"Un espace calme, lumineux\"\nBen,Des horaires le soir\n"
                    .to_vec(),
                b',',
                "UTF-8",
            ),
            (
                "g.csv",
                b"Nom;R\xe9ponse\r\nAna;Un espace calme, lumineux\r\nBen;Des horaires le soir\r\n"
                    .to_vec(),
                b';',
                "windows-1252",
            ),
            (
                "g.tsv",
                b"\xef\xbb\xbfNom\tR\xc3\xa9ponse\nAna\tUn espace calme, lumineux\nBen\tDes horaires le soir"
                    .to_vec(),
                b'\t',
                "UTF-8",
            ),
            (
                "g.txt",
                utf16le_bom("Nom;Réponse\nAna;Un espace calme, lumineux\nBen;Des horaires le soir\n"),
                b';',
                "UTF-16LE",
            ),
            (
                "noext",
                b"Nom|R\xc3\xa9ponse\nAna|Un espace calme, lumineux\nBen|Des horaires le soir\n".to_vec(),
                b'|',
                "UTF-8",
            ),
        ];
        for (name, bytes, delimiter, encoding) in cases {
            let opts = GridOptions {
                participant_column: Some("nom".into()),
                ..GridOptions::default()
            };
            let g = parse_grid(name, &bytes, &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(g.format, GridFormat::Csv, "{name}");
            assert_eq!(g.delimiter, Some(delimiter), "{name}");
            assert_eq!(g.encoding, Some(encoding), "{name}");
            assert_eq!(g.headers, ["Nom", "Réponse"], "{name}");
            assert_eq!(g.text_columns, ["Réponse"], "{name}");
            assert_eq!(texts(&g), want, "{name}");
            assert_eq!(g.segments[1].speaker.as_deref(), Some("Ben"), "{name}");
            assert_eq!(g.segments[1].line, Some(3), "{name}");
        }
    }

    #[test]
    fn forced_delimiter_and_encoding() {
        let bytes = b"a;b,c\nUne id\xe9e longue, vraiment longue;x\n";
        let opts = GridOptions {
            delimiter: Some(b';'),
            encoding: Some(encoding_rs::WINDOWS_1252),
            text_columns: vec!["a".into()],
            ..GridOptions::default()
        };
        let g = parse_grid("x.csv", bytes, &opts).unwrap();
        assert_eq!(g.headers, ["a", "b,c"]);
        assert_eq!(texts(&g), ["Une idée longue, vraiment longue"]);
    }

    #[test]
    fn csv_errors() {
        let opts = GridOptions {
            text_columns: vec!["a".into()],
            ..GridOptions::default()
        };
        // (bytes, line, column, message part)
        type Case<'a> = (&'a [u8], Option<u64>, Option<u64>, &'a str);
        let cases: &[Case<'_>] = &[
            (
                b"a,b,c,d\n1,2,3,4\n1,2,3,4,5\n",
                Some(3),
                Some(5),
                "5 fields, expected 4 like the header; check the delimiter or an unbalanced quote",
            ),
            (
                b"a,b\nx,\"never closed\ny,z\n",
                Some(2),
                Some(3),
                "unbalanced quote opened here",
            ),
            (b"", None, None, "empty"),
            (b"\x00\x01\x02garbage\xff\x00\x00", None, None, "binary"),
        ];
        for (bytes, line, column, msg) in cases {
            let e = parse_grid("g.csv", bytes, &opts).unwrap_err();
            assert_eq!((e.line, e.column), (*line, *column), "{e}");
            assert!(e.message.contains(msg), "{e}");
        }
    }

    #[test]
    fn xlsx_grid_by_extension_and_by_content() {
        let book = xlsx(&[
            (
                "Lisez-moi",
                &[&["Ce classeur contient les recommandations"]],
            ),
            (
                "Recos",
                &[
                    &["Groupe", "Recommandation", "Votes", "Échéance"],
                    &["Sud", "Ouvrir le samedi", "n:3", "d:45658"],
                    &["Nord", "Baisser les loyers", "", ""],
                ],
            ),
        ]);
        let opts = GridOptions {
            kind: GridKind::Recommendations,
            sheet: Some("Recos".into()),
            group_column: Some("Groupe".into()),
            ..GridOptions::default()
        };
        for name in ["recos.xlsx", "recos", "recos.bin", "recos.csv"] {
            let g = parse_grid(name, &book, &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(g.format, GridFormat::Xlsx);
            assert_eq!(g.sheet.as_deref(), Some("Recos"));
            assert_eq!((g.delimiter, g.encoding), (None, None));
            assert_eq!(texts(&g), ["Ouvrir le samedi", "Baisser les loyers"]);
            let s = &g.segments[0];
            assert_eq!((s.line, s.votes), (Some(2), Some(3)));
            assert_eq!(s.deadline.as_deref(), Some("2025-01-01"));
            assert_eq!(s.kind, SegmentKind::Recommendation);
            assert_eq!(g.segments[1].group.as_deref(), Some("Nord"));
        }
        let e = parse_grid(
            "recos.xlsx",
            &book,
            &GridOptions {
                sheet: Some("Synthèse".into()),
                ..opts.clone()
            },
        )
        .unwrap_err();
        assert_eq!(
            e.message,
            "no sheet \"Synthèse\"; the workbook has: Lisez-moi, Recos"
        );
    }

    #[test]
    fn ods_notes_grid() {
        let book = ods(&[(
            "Tableau",
            &[
                &["Note", "Auteur", "Zone", "Couleur", "Votes", "Rôle"],
                &[
                    "Plus de plantes\nMoins de bruit",
                    "Ana",
                    "Idées",
                    "jaune",
                    "n:2",
                    "membre",
                ],
            ],
        )]);
        let opts = GridOptions {
            kind: GridKind::Notes,
            split_items: true,
            ..GridOptions::default()
        };
        for name in ["board.ods", "board"] {
            let g = parse_grid(name, &book, &opts).unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(g.format, GridFormat::Ods);
            assert_eq!(texts(&g), ["Plus de plantes", "Moins de bruit"]);
            let s = &g.segments[1];
            assert_eq!(s.kind, SegmentKind::Note);
            assert_eq!(s.speaker.as_deref(), Some("Ana"));
            assert_eq!(s.votes, Some(2));
            assert_eq!(s.attributes["frame"], "Idées");
            assert_eq!(s.attributes["colour"], "jaune");
            assert_eq!(s.attributes["item"], "2");
            // Other columns of a sticky note describe the note.
            assert_eq!(s.attributes["Rôle"], "membre");
        }
    }

    #[test]
    fn a_workbook_with_a_sheet_per_quadrant() {
        let book = xlsx(&[
            (
                "Consignes",
                &[&["Une idée par ligne, dans l'onglet du quadrant"]],
            ),
            (
                "Forces",
                &[
                    &["Idée", "Votes"],
                    &["Le café partagé", "n:3"],
                    &["La terrasse", ""],
                ],
            ),
            ("Faiblesses", &[&["Idée", "Votes"], &["Le bruit", "n:1"]]),
            ("Menaces", &[&["Texte"], &["La hausse du loyer"]]),
        ]);
        let opts = GridOptions {
            kind: GridKind::Notes,
            method: crate::corpus::method::Method::builtin("swot"),
            ..GridOptions::default()
        };
        let g = parse_grid("swot.xlsx", &book, &opts).unwrap();
        let got: Vec<(&str, &str, Option<i64>)> = g
            .segments
            .iter()
            .map(|s| (s.part.as_deref().unwrap(), s.text.as_str(), s.votes))
            .collect();
        assert_eq!(
            got,
            [
                ("strengths", "Le café partagé", Some(3)),
                ("strengths", "La terrasse", None),
                ("weaknesses", "Le bruit", Some(1)),
                ("threats", "La hausse du loyer", None),
            ]
        );
        assert_eq!(g.sheet.as_deref(), Some("Forces, Faiblesses, Menaces"));
        // A named sheet is read alone, its columns as the parts.
        let named = GridOptions {
            sheet: Some("Forces".into()),
            ..opts.clone()
        };
        let e = parse_grid("swot.xlsx", &book, &named).unwrap_err();
        assert!(e.message.contains("no column names a part of swot"), "{e}");
    }

    #[test]
    fn a_miro_board_by_extension_and_by_content() {
        let opts = GridOptions {
            method: crate::corpus::method::Method::builtin("swot"),
            ..GridOptions::default()
        };
        for name in ["board.json", "board", "board.txt.json"] {
            let g = parse_grid(name, miro::tests::PAGE.as_bytes(), &opts)
                .unwrap_or_else(|e| panic!("{name}: {e}"));
            assert_eq!(g.format, GridFormat::Miro);
            let got: Vec<(&str, &str, Option<i64>)> = g
                .segments
                .iter()
                .map(|s| (s.part.as_deref().unwrap(), s.text.as_str(), s.votes))
                .collect();
            assert_eq!(
                got,
                [
                    (
                        "strengths",
                        "Good coffee & a terrace\nFriendly hosts",
                        Some(0)
                    ),
                    ("weaknesses", "Closed on Saturdays", Some(2)),
                ]
            );
            assert_eq!(g.segments[0].kind, SegmentKind::Note);
            assert_eq!(g.segments[1].attributes["colour"], "light_pink");
            assert_eq!(g.segments[1].line, Some(17));
        }
    }

    #[test]
    fn refuses_bad_archives_without_panicking() {
        // A zip bomb: one highly compressible entry.
        let big = vec![b'a'; 8 << 20];
        let bomb = zip_with(&[("xl/workbook.xml", &big)]);
        let e = parse_grid("bomb.xlsx", &bomb, &GridOptions::default()).unwrap_err();
        assert!(e.message.contains("zip bomb"), "{e}");
        let e = parse_grid("bomb", &bomb, &GridOptions::default()).unwrap_err();
        assert!(e.message.contains("zip bomb"), "{e}");
        let escape = zip_with(&[
            ("../../evil.xml", b"x"),
            ("content.xml", b"x"),
            ("mimetype", b"x"),
        ]);
        let e = parse_grid("evil.ods", &escape, &GridOptions::default()).unwrap_err();
        assert!(e.message.contains("outside"), "{e}");

        let e =
            parse_grid("x.xlsx", b"this is not a workbook", &GridOptions::default()).unwrap_err();
        assert!(e.message.contains("not a XLSX"), "{e}");
        let e = parse_grid(
            "x",
            &zip_with(&[("word/document.xml", b"<w/>")]),
            &GridOptions::default(),
        )
        .unwrap_err();
        assert!(e.message.contains("neither an XLSX nor an ODS"), "{e}");
        let e = parse_grid(
            "x.xls",
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1rest",
            &GridOptions::default(),
        )
        .unwrap_err();
        assert!(e.message.contains(".xls"), "{e}");
        let mut truncated = xlsx(&[("A", &[&["Texte"], &["Bonjour à tous les gens"]])]);
        truncated.truncate(truncated.len() - 30);
        let e = parse_grid("t.xlsx", &truncated, &GridOptions::default()).unwrap_err();
        assert!(e.message.starts_with("corrupt XLSX file"), "{e}");
    }

    #[test]
    fn garbage_never_panics() {
        let mut seed = 0x2545_f491_4f6c_dd1du64;
        let book = xlsx(&[(
            "A",
            &[&["Texte", "Votes"], &["Une idée assez longue", "n:1"]],
        )]);
        let board = ods(&[("A", &[&["Texte"], &["Une idée assez longue"]])]);
        let csv = "a;b\n\"x\";\"y\"\n1;2\n".as_bytes().to_vec();
        for round in 0..300 {
            let base = match round % 3 {
                0 => &book,
                1 => &board,
                _ => &csv,
            };
            let mut bytes = base.clone();
            for _ in 0..1 + round % 7 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let i = (seed as usize) % bytes.len();
                bytes[i] = (seed >> 32) as u8;
            }
            if round % 5 == 0 {
                bytes.truncate((seed as usize) % bytes.len());
            }
            for kind in [
                GridKind::Observations,
                GridKind::Recommendations,
                GridKind::Notes,
            ] {
                let opts = GridOptions {
                    kind,
                    split_items: true,
                    ..GridOptions::default()
                };
                let _ = parse_grid("fuzz", &bytes, &opts);
                let _ = parse_grid("fuzz.xlsx", &bytes, &opts);
                let _ = parse_grid("fuzz.ods", &bytes, &opts);
            }
        }
    }

    #[test]
    fn grand_debat_shaped_grid() {
        let csv = "id,Sur quel s theme s votre reunion a t elle porte,Quelles sont les propositions qui ont emerge des discussions,Code département,Département\n\
            c1,Fiscalité et dépenses publiques;Transition écologique,\"Limitation des mandats (en temps, en cumul)\n\
            Développer la démocratie locale\",4,Alpes de Haute-Provence\n\
            c2,Démocratie et citoyenneté,,5,Hautes-Alpes\n\
            c3,Transition écologique,\"RIC constituant :\n\
            Modifier l'article 11\",5,Hautes-Alpes\n";
        let opts = GridOptions {
            kind: GridKind::Recommendations,
            group_column: Some("departement".into()),
            split_items: true,
            ..GridOptions::default()
        };
        let g = parse_grid("gd.csv", csv.as_bytes(), &opts).unwrap();
        assert_eq!(
            g.text_columns,
            ["Quelles sont les propositions qui ont emerge des discussions"]
        );
        let got: Vec<(&str, &str, u64)> = g
            .segments
            .iter()
            .map(|s| {
                (
                    s.group.as_deref().unwrap(),
                    s.text.as_str(),
                    s.line.unwrap(),
                )
            })
            .collect();
        assert_eq!(
            got,
            [
                (
                    "Alpes de Haute-Provence",
                    "Limitation des mandats (en temps, en cumul)",
                    2
                ),
                (
                    "Alpes de Haute-Provence",
                    "Développer la démocratie locale",
                    2
                ),
                ("Hautes-Alpes", "RIC constituant : Modifier l'article 11", 5),
            ]
        );
        assert_eq!(g.segments[0].attributes["Code département"], "4");

        let themes = GridOptions {
            text_columns: vec!["Sur quel s theme s votre reunion a t elle porte".into()],
            kind: GridKind::Observations,
            ..opts
        };
        let g = parse_grid("gd.csv", csv.as_bytes(), &themes).unwrap();
        assert_eq!(
            texts(&g),
            [
                "Fiscalité et dépenses publiques",
                "Transition écologique",
                "Démocratie et citoyenneté",
                "Transition écologique",
            ]
        );
    }
}
