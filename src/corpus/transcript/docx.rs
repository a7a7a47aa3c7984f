//! DOCX transcripts: the paragraphs of `word/document.xml`, then the same
//! speaker-label rules as plain text, with `line` = paragraph number.
//!
//! Text comes from `w:t` (spaces kept), `w:tab` gives a tab, `w:br` and
//! `w:cr` a line break (joined like wrapped lines), deleted text
//! (`w:delText`) and the VML fallback copy of text boxes are left out.

use encoding_rs::Encoding;
use quick_xml::events::Event;
use quick_xml::reader::Reader;

use super::turns::{Line, segments_from_lines};
use crate::corpus::error::ParseError;
use crate::corpus::model::RawSegment;
use crate::corpus::zipsafe;

/// Parses a DOCX file.
pub(super) fn parse(bytes: &[u8]) -> Result<Vec<RawSegment>, ParseError> {
    let xml = zipsafe::read_entry(bytes, "word/document.xml", "DOCX")?
        .ok_or_else(|| ParseError::file("not a DOCX file: no word/document.xml"))?;
    let xml = xml_text(&xml)?;
    let paragraphs = paragraphs(&xml)?;
    let mut lines = Vec::new();
    for (number, text) in &paragraphs {
        for part in text.split('\n') {
            lines.push(Line {
                number: *number,
                text: part,
            });
        }
        // Paragraphs are separated as if by a blank line.
        lines.push(Line {
            number: *number,
            text: "",
        });
    }
    let segments = segments_from_lines(&lines);
    if segments.is_empty() {
        return Err(ParseError::file(
            "the DOCX document holds no text; expected speaker turns or paragraphs",
        ));
    }
    Ok(segments)
}

/// The XML part as text: UTF-8 (BOM or not) or UTF-16 with a BOM.
fn xml_text(bytes: &[u8]) -> Result<String, ParseError> {
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        let rest = bytes.get(bom_len..).unwrap_or_default();
        let (text, had_errors) = enc.decode_without_bom_handling(rest);
        if !had_errors {
            return Ok(text.into_owned());
        }
    } else if let Ok(text) = std::str::from_utf8(bytes) {
        return Ok(text.to_owned());
    }
    Err(ParseError::file(
        "malformed word/document.xml: it is not valid UTF-8 or UTF-16",
    ))
}

/// The document's paragraphs in order, numbered from 1.
fn paragraphs(xml: &str) -> Result<Vec<(u64, String)>, ParseError> {
    let mut reader = Reader::from_str(xml);
    let mut open: Vec<String> = Vec::new();
    let mut stack: Vec<(u64, String)> = Vec::new();
    let mut out: Vec<(u64, String)> = Vec::new();
    let mut count = 0u64;
    let mut in_text = 0usize;
    let mut in_run = 0usize;
    let mut skip = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| {
            ParseError::file(format!(
                "malformed word/document.xml at byte {}: {e}",
                reader.error_position()
            ))
        })?;
        let take_text = in_text > 0 && skip == 0;
        match event {
            Event::Eof => break,
            Event::Start(e) => {
                let name = e.local_name();
                match name.as_ref() {
                    "p" => {
                        count += 1;
                        stack.push((count, String::new()));
                    }
                    "t" => in_text += 1,
                    "r" => in_run += 1,
                    "Fallback" | "delText" | "instrText" => skip += 1,
                    _ => {}
                }
                open.push(String::from_utf8_lossy(e.name().as_ref().as_bytes()).into_owned());
            }
            Event::End(e) => {
                match e.local_name().as_ref() {
                    "p" => out.extend(stack.pop()),
                    "t" => in_text = in_text.saturating_sub(1),
                    "r" => in_run = in_run.saturating_sub(1),
                    "Fallback" | "delText" | "instrText" => skip = skip.saturating_sub(1),
                    _ => {}
                }
                open.pop();
            }
            Event::Empty(e) => {
                let piece = match e.local_name().as_ref() {
                    "p" => {
                        count += 1;
                        out.push((count, String::new()));
                        None
                    }
                    "tab" if in_run > 0 => Some("\t"),
                    "br" | "cr" if in_run > 0 => Some("\n"),
                    "noBreakHyphen" if in_run > 0 => Some("-"),
                    _ => None,
                };
                if let (Some(piece), Some((_, p)), 0) = (piece, stack.last_mut(), skip) {
                    p.push_str(piece);
                }
            }
            Event::Text(t) if take_text => {
                if let Some((_, p)) = stack.last_mut() {
                    p.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) if take_text => {
                if let Some((_, p)) = stack.last_mut() {
                    p.push_str(&t);
                }
            }
            Event::GeneralRef(r) if take_text => {
                let c = match r.resolve_char_ref() {
                    Ok(Some(c)) => Some(c),
                    Ok(None) => match r.as_ref() {
                        "amp" => Some('&'),
                        "lt" => Some('<'),
                        "gt" => Some('>'),
                        "quot" => Some('"'),
                        "apos" => Some('\''),
                        _ => None,
                    },
                    Err(_) => None,
                };
                let Some(c) = c else {
                    return Err(ParseError::file(format!(
                        "malformed word/document.xml: unknown entity \"&{};\"",
                        r.as_ref()
                    )));
                };
                if let Some((_, p)) = stack.last_mut() {
                    p.push(c);
                }
            }
            _ => {}
        }
    }
    if let Some(name) = open.last() {
        return Err(ParseError::file(format!(
            "malformed word/document.xml: the file ends before <{name}> is closed"
        )));
    }
    out.sort_by_key(|(n, _)| *n);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::model::SegmentKind;
    use std::io::{Cursor, Write};

    const NS: &str = "xmlns:w=\"http://schemas.openxmlformats.org/wordprocessingml/2006/main\" xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\"";

    fn docx_with(document: &str) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            w.start_file("[Content_Types].xml", opts).unwrap();
            w.write_all(b"<?xml version=\"1.0\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\"/>").unwrap();
            w.start_file("word/document.xml", opts).unwrap();
            w.write_all(document.as_bytes()).unwrap();
            w.finish().unwrap();
        }
        buf.into_inner()
    }

    fn body(paragraphs: &str) -> String {
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\r\n<w:document {NS}><w:body>{paragraphs}<w:sectPr/></w:body></w:document>"
        )
    }

    fn p(runs: &str) -> String {
        format!(
            "<w:p><w:pPr><w:tabs><w:tab w:val=\"left\" w:pos=\"720\"/></w:tabs></w:pPr>{runs}</w:p>"
        )
    }

    fn r(text: &str) -> String {
        format!("<w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">{text}</w:t></w:r>")
    }

    #[test]
    fn speaker_turns_from_paragraphs() {
        let doc = body(
            &[
                p(&r("Entretien du 3 mars")),
                "<w:p/>".to_owned(),
                p(&format!("{}{}", r("Ana: "), r("Bonjour &amp; bienvenue."))),
                p(&r("Suite du tour d&#8217;Ana.")),
                p(&format!("{}<w:r><w:tab/></w:r>{}", r("Bob:"), r("Merci"))),
                p(&format!(
                    "{}<w:del><w:r><w:delText>supprimé </w:delText></w:r></w:del>{}",
                    r("Ana: "),
                    r("gardé")
                )),
                p(&format!(
                    "{}<w:r><w:br/></w:r>{}",
                    r("Bob: une ligne"),
                    r("Ana: autre")
                )),
            ]
            .concat(),
        );
        let segs = parse(&docx_with(&doc)).unwrap();
        let got: Vec<(Option<&str>, &str, Option<u64>, SegmentKind)> = segs
            .iter()
            .map(|s| (s.speaker.as_deref(), s.text.as_str(), s.line, s.kind))
            .collect();
        assert_eq!(
            got,
            [
                (None, "Entretien du 3 mars", Some(1), SegmentKind::Paragraph),
                (
                    Some("Ana"),
                    "Bonjour & bienvenue.\nSuite du tour d’Ana.",
                    Some(3),
                    SegmentKind::Turn
                ),
                (Some("Bob"), "Merci", Some(5), SegmentKind::Turn),
                (Some("Ana"), "gardé", Some(6), SegmentKind::Turn),
                (Some("Bob"), "une ligne", Some(7), SegmentKind::Turn),
                (Some("Ana"), "autre", Some(7), SegmentKind::Turn),
            ]
        );
    }

    #[test]
    fn paragraphs_without_speakers_and_text_boxes() {
        let text_box = "<w:r><mc:AlternateContent><mc:Choice><w:txbxContent><w:p><w:r><w:t>Boîte</w:t></w:r></w:p></w:txbxContent></mc:Choice><mc:Fallback><w:txbxContent><w:p><w:r><w:t>Boîte</w:t></w:r></w:p></w:txbxContent></mc:Fallback></mc:AlternateContent></w:r>";
        let doc = body(
            &[
                p(&r("Premier paragraphe.")),
                p(&format!("{}{text_box}", r("Deuxième."))),
            ]
            .concat(),
        );
        let segs = parse(&docx_with(&doc)).unwrap();
        let got: Vec<(&str, Option<u64>)> =
            segs.iter().map(|s| (s.text.as_str(), s.line)).collect();
        assert_eq!(
            got,
            [
                ("Premier paragraphe.", Some(1)),
                ("Deuxième.", Some(2)),
                ("Boîte", Some(3))
            ]
        );
        assert!(segs.iter().all(|s| s.kind == SegmentKind::Paragraph));
    }

    #[test]
    fn bad_documents() {
        let cases: Vec<(Vec<u8>, &str)> = vec![
            (b"not a zip".to_vec(), "not a DOCX file"),
            (
                {
                    let mut b = Cursor::new(Vec::new());
                    {
                        let mut w = zip::ZipWriter::new(&mut b);
                        w.start_file("other.xml", zip::write::SimpleFileOptions::default())
                            .unwrap();
                        w.write_all(b"<x/>").unwrap();
                        w.finish().unwrap();
                    }
                    b.into_inner()
                },
                "not a DOCX file: no word/document.xml",
            ),
            (
                docx_with(&body(&p("<w:r><w:t>x</w:r>"))),
                "malformed word/document.xml",
            ),
            (
                docx_with("<w:document><w:body><w:p>"),
                "ends before <w:p> is closed",
            ),
            (
                docx_with(&body(&p(&r("a & b")))),
                "malformed word/document.xml",
            ),
            (docx_with(&body(&p(&r("&nope;")))), "unknown entity"),
            (docx_with(&body("<w:p/>")), "holds no text"),
        ];
        for (bytes, want) in cases {
            let e = parse(&bytes).unwrap_err();
            assert!(e.message.contains(want), "{e} (wanted {want})");
        }
        let mut truncated = docx_with(&body(&p(&r("x"))));
        truncated.truncate(truncated.len() / 2);
        assert!(parse(&truncated).is_err());
    }

    #[test]
    fn entities_are_never_expanded_and_deep_nesting_is_read() {
        let mut laughs = String::from("<!DOCTYPE w:document [<!ENTITY lol0 \"lol\">");
        for i in 1..10 {
            let refs = format!("&lol{};", i - 1).repeat(10);
            laughs.push_str(&format!("<!ENTITY lol{i} \"{refs}\">"));
        }
        laughs.push_str("]>");
        let doc = body(&p(&r("P1: &lol9;"))).replacen("?>", &format!("?>{laughs}"), 1);
        let e = parse(&docx_with(&doc)).unwrap_err();
        assert_eq!(
            e.message,
            "malformed word/document.xml: unknown entity \"&lol9;\""
        );
        // 100,000 nested elements around a run: an answer, no recursion.
        let deep = format!(
            "{}{}{}",
            "<w:sdt>".repeat(100_000),
            r("P1: bonjour"),
            "</w:sdt>".repeat(100_000)
        );
        let segs = parse(&docx_with(&body(&p(&deep)))).unwrap();
        assert_eq!(segs.len(), 1);
        assert_eq!(segs[0].text, "bonjour");
    }

    #[test]
    fn utf16_document_part() {
        let doc = body(&p(&r("P1: bonjour")));
        let mut utf16 = vec![0xFF, 0xFE];
        for u in doc.encode_utf16() {
            utf16.extend_from_slice(&u.to_le_bytes());
        }
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            w.start_file(
                "word/document.xml",
                zip::write::SimpleFileOptions::default(),
            )
            .unwrap();
            w.write_all(&utf16).unwrap();
            w.finish().unwrap();
        }
        let segs = parse(&buf.into_inner()).unwrap();
        assert_eq!(segs[0].speaker.as_deref(), Some("P1"));
        assert_eq!(segs[0].text, "bonjour");
    }
}
