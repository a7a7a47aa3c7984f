//! Reading zip-based inputs (DOCX, XLSX, ODS) with limits: no zip bomb, no
//! path escape, a clear error for a corrupt archive.

use std::io::{Cursor, Read};

use super::error::ParseError;

/// Largest uncompressed size of one entry we read.
pub const MAX_ENTRY_BYTES: u64 = 256 * 1024 * 1024;
/// Largest uncompressed size of a whole archive.
pub const MAX_TOTAL_BYTES: u64 = 1024 * 1024 * 1024;
/// Largest number of entries.
pub const MAX_ENTRIES: usize = 10_000;
/// Largest compression ratio of an entry above 1 MiB (bombs are >1000:1).
pub const MAX_RATIO: u64 = 200;

/// Checks an archive's directory against the limits, without extracting.
/// `what` names the expected format for messages (`DOCX`, `XLSX`…).
pub fn check_archive(bytes: &[u8], what: &str) -> Result<(), ParseError> {
    let mut archive = open(bytes, what)?;
    if archive.len() > MAX_ENTRIES {
        return Err(ParseError::file(format!(
            "{what} archive has {} entries, more than the limit of {MAX_ENTRIES}",
            archive.len()
        )));
    }
    let mut total = 0u64;
    for i in 0..archive.len() {
        let entry = archive
            .by_index_raw(i)
            .map_err(|e| corrupt(what, &e.to_string()))?;
        let name = entry
            .name()
            .map_err(|e| corrupt(what, &e.to_string()))?
            .into_owned();
        if entry.enclosed_name().is_none() {
            return Err(ParseError::file(format!(
                "{what} archive entry {name:?} points outside the archive; refusing it"
            )));
        }
        let size = entry.size();
        let packed = entry.compressed_size().max(1);
        if size > MAX_ENTRY_BYTES || (size > 1 << 20 && size / packed > MAX_RATIO) {
            return Err(too_big(what, &name));
        }
        total += size;
        if total > MAX_TOTAL_BYTES {
            return Err(too_big(what, &name));
        }
    }
    Ok(())
}

/// Reads one entry as bytes, with the limits. `Ok(None)` when it is absent.
/// Entry names are matched case-insensitively, since real exports vary.
pub fn read_entry(bytes: &[u8], name: &str, what: &str) -> Result<Option<Vec<u8>>, ParseError> {
    check_archive(bytes, what)?;
    let mut archive = open(bytes, what)?;
    let Some(index) = (0..archive.len()).find(|&i| {
        archive
            .name_for_index(i)
            .and_then(Result::ok)
            .is_some_and(|n| n.eq_ignore_ascii_case(name))
    }) else {
        return Ok(None);
    };
    let entry = archive
        .by_index(index)
        .map_err(|e| corrupt(what, &e.to_string()))?;
    let mut out = Vec::new();
    entry
        .take(MAX_ENTRY_BYTES + 1)
        .read_to_end(&mut out)
        .map_err(|e| corrupt(what, &e.to_string()))?;
    if out.len() as u64 > MAX_ENTRY_BYTES {
        return Err(too_big(what, name));
    }
    Ok(Some(out))
}

/// Names of the archive's entries, in archive order.
pub fn entry_names(bytes: &[u8], what: &str) -> Result<Vec<String>, ParseError> {
    let archive = open(bytes, what)?;
    archive
        .file_names()
        .map(|n| {
            n.map(|n| n.into_owned())
                .map_err(|e| corrupt(what, &e.to_string()))
        })
        .collect()
}

fn open<'a>(bytes: &'a [u8], what: &str) -> Result<zip::ZipArchive<Cursor<&'a [u8]>>, ParseError> {
    if !bytes.starts_with(b"PK") {
        return Err(ParseError::file(format!(
            "not a {what} file: expected a zip archive (starting with \"PK\")"
        )));
    }
    zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| corrupt(what, &e.to_string()))
}

fn corrupt(what: &str, detail: &str) -> ParseError {
    ParseError::file(format!("corrupt {what} file: {detail}"))
}

fn too_big(what: &str, name: &str) -> ParseError {
    ParseError::file(format!(
        "{what} archive entry {name:?} unpacks to more than the size limit (zip bomb?); refusing it"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        let mut buf = Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default()
                .compression_method(zip::CompressionMethod::Deflated);
            for (name, data) in entries {
                w.start_file(*name, opts).unwrap();
                w.write_all(data).unwrap();
            }
            w.finish().unwrap();
        }
        buf.into_inner()
    }

    #[test]
    fn reads_an_entry_case_insensitively() {
        let z = zip_with(&[("Word/Document.xml", b"<w/>")]);
        assert_eq!(
            read_entry(&z, "word/document.xml", "DOCX")
                .unwrap()
                .unwrap(),
            b"<w/>"
        );
        assert_eq!(read_entry(&z, "nope.xml", "DOCX").unwrap(), None);
    }

    #[test]
    fn refuses_bombs_and_escapes() {
        let big = vec![b'a'; 8 << 20];
        let z = zip_with(&[("word/document.xml", &big)]);
        let e = check_archive(&z, "DOCX").unwrap_err();
        assert!(e.message.contains("zip bomb"), "{e}");
        let z = zip_with(&[("../../etc/passwd", b"x")]);
        let e = check_archive(&z, "DOCX").unwrap_err();
        assert!(e.message.contains("outside"), "{e}");
    }

    #[test]
    fn an_entry_that_lies_about_its_size_is_cut_at_the_size_it_declares() {
        // 64 MiB of zeros declared as 1,000 bytes: the size check and the
        // ratio check pass, and the zip reader stops at the declared size.
        let big = vec![b'0'; 64 << 20];
        let mut z = zip_with(&[("word/document.xml", &big)]);
        let patch = |z: &mut Vec<u8>, signature: &[u8], at: usize| {
            let i = z.windows(4).position(|w| w == signature).unwrap();
            z[i + at..i + at + 4].copy_from_slice(&1000u32.to_le_bytes());
        };
        patch(&mut z, b"PK\x03\x04", 22);
        patch(&mut z, b"PK\x01\x02", 24);
        check_archive(&z, "DOCX").unwrap();
        let e = read_entry(&z, "word/document.xml", "DOCX").unwrap_err();
        assert!(e.message.starts_with("corrupt DOCX file: "), "{e}");
        assert!(e.message.contains("declared uncompressed size"), "{e}");
    }

    #[test]
    fn corrupt_and_not_zip() {
        assert!(
            check_archive(b"hello", "XLSX")
                .unwrap_err()
                .message
                .contains("not a XLSX")
        );
        let mut z = zip_with(&[("a", b"b")]);
        z.truncate(z.len() - 10);
        assert!(
            check_archive(&z, "XLSX")
                .unwrap_err()
                .message
                .contains("corrupt")
        );
    }
}
