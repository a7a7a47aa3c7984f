//! Test helpers: minimal XLSX and ODS workbooks built in memory.
//!
//! Cells are strings; a prefix gives another type: `n:3.5` a number,
//! `d:43505` (XLSX serial) or `d:2019-02-09` (ODS) a date, `b:1` a boolean;
//! an empty string is an absent cell.

use std::io::{Cursor, Write};

use zip::write::SimpleFileOptions;

/// One sheet: its name and rows of cells.
pub type Sheet<'a> = (&'a str, &'a [&'a [&'a str]]);

/// A zip archive holding the given entries, deflated.
pub fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
    zip_entries(entries, &[])
}

fn zip_entries(entries: &[(&str, &[u8])], stored: &[(&str, &[u8])]) -> Vec<u8> {
    let mut buf = Cursor::new(Vec::new());
    let mut w = zip::ZipWriter::new(&mut buf);
    let store = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
    for (name, data) in stored {
        w.start_file(*name, store).unwrap();
        w.write_all(data).unwrap();
    }
    let deflate = SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in entries {
        w.start_file(*name, deflate).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap();
    buf.into_inner()
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

const SPREADSHEETML: &str = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const RELS: &str = "http://schemas.openxmlformats.org/package/2006/relationships";
const OFFICE_RELS: &str = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";

/// A minimal XLSX workbook with inline-string cells and a date style.
pub fn xlsx(sheets: &[Sheet<'_>]) -> Vec<u8> {
    let mut content_types = String::from(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>"#,
    );
    let mut workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{SPREADSHEETML}" xmlns:r="{OFFICE_RELS}"><sheets>"#
    );
    let mut rels =
        format!(r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}">"#);
    let mut files: Vec<(String, String)> = Vec::new();
    for (i, (name, rows)) in sheets.iter().enumerate() {
        let n = i + 1;
        content_types.push_str(&format!(
            r#"<Override PartName="/xl/worksheets/sheet{n}.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>"#
        ));
        workbook.push_str(&format!(
            r#"<sheet name="{}" sheetId="{n}" r:id="rId{n}"/>"#,
            esc(name)
        ));
        rels.push_str(&format!(
            r#"<Relationship Id="rId{n}" Type="{OFFICE_RELS}/worksheet" Target="worksheets/sheet{n}.xml"/>"#
        ));
        let mut xml = format!(
            r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><worksheet xmlns="{SPREADSHEETML}"><sheetData>"#
        );
        for (r, row) in rows.iter().enumerate() {
            xml.push_str(&format!(r#"<row r="{}">"#, r + 1));
            for (c, cell) in row.iter().enumerate() {
                let at = format!("{}{}", super::sheet::column_name(c as u32), r + 1);
                if cell.is_empty() {
                } else if let Some(v) = cell.strip_prefix("n:") {
                    xml.push_str(&format!(r#"<c r="{at}"><v>{v}</v></c>"#));
                } else if let Some(v) = cell.strip_prefix("d:") {
                    xml.push_str(&format!(r#"<c r="{at}" s="1"><v>{v}</v></c>"#));
                } else if let Some(v) = cell.strip_prefix("b:") {
                    xml.push_str(&format!(r#"<c r="{at}" t="b"><v>{v}</v></c>"#));
                } else {
                    xml.push_str(&format!(
                        r#"<c r="{at}" t="inlineStr"><is><t xml:space="preserve">{}</t></is></c>"#,
                        esc(cell)
                    ));
                }
            }
            xml.push_str("</row>");
        }
        xml.push_str("</sheetData></worksheet>");
        files.push((format!("xl/worksheets/sheet{n}.xml"), xml));
    }
    let n = sheets.len() + 1;
    rels.push_str(&format!(
        r#"<Relationship Id="rId{n}" Type="{OFFICE_RELS}/styles" Target="styles.xml"/></Relationships>"#
    ));
    content_types.push_str("</Types>");
    workbook.push_str("</sheets></workbook>");
    let styles = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><styleSheet xmlns="{SPREADSHEETML}"><cellXfs count="2"><xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/></cellXfs></styleSheet>"#
    );
    let root_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{OFFICE_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    let mut entries: Vec<(&str, &[u8])> = vec![
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", root_rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/styles.xml", styles.as_bytes()),
    ];
    for (name, xml) in &files {
        entries.push((name.as_str(), xml.as_bytes()));
    }
    zip_with(&entries)
}

/// A minimal ODS workbook.
pub fn ods(sheets: &[Sheet<'_>]) -> Vec<u8> {
    let mut content = String::from(
        r#"<?xml version="1.0" encoding="UTF-8"?><office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2"><office:body><office:spreadsheet>"#,
    );
    for (name, rows) in sheets {
        content.push_str(&format!(r#"<table:table table:name="{}">"#, esc(name)));
        for row in *rows {
            content.push_str("<table:table-row>");
            for cell in *row {
                if cell.is_empty() {
                    content.push_str("<table:table-cell/>");
                } else if let Some(v) = cell.strip_prefix("n:") {
                    content.push_str(&format!(
                        r#"<table:table-cell office:value-type="float" office:value="{v}"><text:p>{v}</text:p></table:table-cell>"#
                    ));
                } else if let Some(v) = cell.strip_prefix("d:") {
                    content.push_str(&format!(
                        r#"<table:table-cell office:value-type="date" office:date-value="{v}"><text:p>{v}</text:p></table:table-cell>"#
                    ));
                } else if let Some(v) = cell.strip_prefix("b:") {
                    let b = if v == "1" { "true" } else { "false" };
                    content.push_str(&format!(
                        r#"<table:table-cell office:value-type="boolean" office:boolean-value="{b}"><text:p>{b}</text:p></table:table-cell>"#
                    ));
                } else {
                    content.push_str(r#"<table:table-cell office:value-type="string">"#);
                    for line in cell.split('\n') {
                        content.push_str(&format!("<text:p>{}</text:p>", esc(line)));
                    }
                    content.push_str("</table:table-cell>");
                }
            }
            content.push_str("</table:table-row>");
        }
        content.push_str("</table:table>");
    }
    content.push_str("</office:spreadsheet></office:body></office:document-content>");
    ods_content(&content)
}

/// An XLSX workbook of one sheet `S` whose worksheet XML and shared
/// strings XML are given as they are (for malformed or hostile parts).
pub fn xlsx_parts(sheet: &str, shared: &str) -> Vec<u8> {
    let content_types = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
    let workbook = format!(
        r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{SPREADSHEETML}" xmlns:r="{OFFICE_RELS}"><sheets><sheet name="S" sheetId="1" r:id="rId1"/></sheets></workbook>"#
    );
    let rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{OFFICE_RELS}/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{OFFICE_RELS}/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#
    );
    let root_rels = format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="{RELS}"><Relationship Id="rId1" Type="{OFFICE_RELS}/officeDocument" Target="xl/workbook.xml"/></Relationships>"#
    );
    zip_with(&[
        ("[Content_Types].xml", content_types.as_bytes()),
        ("_rels/.rels", root_rels.as_bytes()),
        ("xl/workbook.xml", workbook.as_bytes()),
        ("xl/_rels/workbook.xml.rels", rels.as_bytes()),
        ("xl/worksheets/sheet1.xml", sheet.as_bytes()),
        ("xl/sharedStrings.xml", shared.as_bytes()),
    ])
}

/// An ODS workbook whose `content.xml` is given as it is.
pub fn ods_content(content: &str) -> Vec<u8> {
    let manifest = r#"<?xml version="1.0" encoding="UTF-8"?><manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2"><manifest:file-entry manifest:full-path="/" manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/><manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/></manifest:manifest>"#;
    zip_entries(
        &[
            ("content.xml", content.as_bytes()),
            ("META-INF/manifest.xml", manifest.as_bytes()),
        ],
        &[(
            "mimetype",
            b"application/vnd.oasis.opendocument.spreadsheet".as_slice(),
        )],
    )
}
