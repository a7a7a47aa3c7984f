//! Turning the bytes of a text file into a `String`: BOMs, UTF-8, UTF-16,
//! Windows-1252, and a clear error for binary files.

use std::borrow::Cow;

use encoding_rs::{Encoding, UTF_8, UTF_16BE, UTF_16LE, WINDOWS_1252};

use super::error::ParseError;

/// Text decoded from a file, with the encoding that was used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded<'a> {
    /// The text, without BOM, line ends as in the file; borrowed from the
    /// bytes when they were valid UTF-8 already (no copy of a large file).
    pub text: Cow<'a, str>,
    /// The encoding's WHATWG name (`UTF-8`, `UTF-16LE`, `windows-1252`).
    pub encoding: &'static str,
}

/// Looks up an encoding by a user-given label (`utf-8`, `latin1`, `cp1252`…).
pub fn encoding_for_label(label: &str) -> Option<&'static Encoding> {
    let l = label.trim().to_ascii_lowercase();
    let l = match l.as_str() {
        "cp1252" | "win1252" | "windows1252" | "ansi" => "windows-1252",
        "utf8" => "utf-8",
        "utf16" | "utf-16" => "utf-16le",
        other => other,
    };
    Encoding::for_label(l.as_bytes())
}

/// Decodes a text file. With `forced`, that encoding is used (a BOM still
/// wins, as in every editor). Without it: a BOM decides; else valid UTF-8;
/// else UTF-16 without BOM if the NUL pattern says so; else a file with NUL
/// bytes is refused as binary; else Windows-1252.
pub fn decode<'a>(
    bytes: &'a [u8],
    forced: Option<&'static Encoding>,
) -> Result<Decoded<'a>, ParseError> {
    if bytes.is_empty() {
        return Err(ParseError::file("file is empty; expected text"));
    }
    if let Some((enc, bom_len)) = Encoding::for_bom(bytes) {
        return decode_strict(&bytes[bom_len..], enc);
    }
    if let Some(enc) = forced {
        return decode_strict(bytes, enc);
    }
    if let Ok(text) = std::str::from_utf8(bytes) {
        if text.contains('\0') {
            // ASCII text in UTF-16 without BOM is valid UTF-8 with NULs.
            return match sniff_utf16(bytes) {
                Some(enc) => decode_strict(bytes, enc),
                None => Err(binary_error(bytes)),
            };
        }
        return decode_strict(bytes, UTF_8);
    }
    if let Some(enc) = sniff_utf16(bytes) {
        return decode_strict(bytes, enc);
    }
    if bytes.contains(&0) {
        return Err(binary_error(bytes));
    }
    // Windows-1252 maps every byte; a few C1 control bytes are undefined and
    // would only appear in binary data.
    let controls = bytes
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\n' | b'\r' | b'\t' | 0x0c))
        .count();
    if controls * 100 > bytes.len() {
        return Err(binary_error(bytes));
    }
    decode_strict(bytes, WINDOWS_1252)
}

fn decode_strict<'a>(bytes: &'a [u8], enc: &'static Encoding) -> Result<Decoded<'a>, ParseError> {
    let (text, had_errors) = enc.decode_without_bom_handling(bytes);
    if had_errors {
        let (line, column) = first_bad_position(bytes, enc);
        return Err(ParseError::at(
            line,
            column,
            format!(
                "bytes that are not valid {}; expected a text file in UTF-8, UTF-16 or Windows-1252 (use --encoding to say which)",
                enc.name()
            ),
        ));
    }
    if text.trim().is_empty() {
        return Err(ParseError::file(
            "file holds only white space; expected text",
        ));
    }
    Ok(Decoded {
        text,
        encoding: enc.name(),
    })
}

/// Finds the line and column of the first undecodable sequence.
fn first_bad_position(bytes: &[u8], enc: &'static Encoding) -> (u64, u64) {
    let mut decoder = enc.new_decoder_without_bom_handling();
    let mut buf = vec![0u8; bytes.len() * 3 + 16];
    let (_, _, written) = decoder.decode_to_utf8_without_replacement(bytes, &mut buf, true);
    let good = String::from_utf8_lossy(&buf[..written]);
    let line = good.matches('\n').count() as u64 + 1;
    let column = good.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, column)
}

fn sniff_utf16(bytes: &[u8]) -> Option<&'static Encoding> {
    let n = bytes.len().min(4096) & !1;
    if n < 4 {
        return None;
    }
    let (mut even_nul, mut odd_nul) = (0usize, 0usize);
    for (i, b) in bytes[..n].iter().enumerate() {
        if *b == 0 {
            if i % 2 == 0 {
                even_nul += 1;
            } else {
                odd_nul += 1;
            }
        }
    }
    let half = n / 2;
    if odd_nul * 10 > half * 7 && even_nul * 10 < half {
        Some(UTF_16LE)
    } else if even_nul * 10 > half * 7 && odd_nul * 10 < half {
        Some(UTF_16BE)
    } else {
        None
    }
}

fn binary_error(bytes: &[u8]) -> ParseError {
    let what = if bytes.starts_with(b"PK\x03\x04") {
        "a zip archive (DOCX, XLSX or ODS?)"
    } else if bytes.starts_with(b"%PDF") {
        "a PDF document"
    } else {
        "binary data"
    };
    ParseError::file(format!(
        "this looks like {what}, not text; expected a text file (UTF-8, UTF-16 or Windows-1252)"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf8_with_and_without_bom() {
        assert_eq!(
            decode(b"\xEF\xBB\xBFcaf\xC3\xA9", None).unwrap().text,
            "café"
        );
        assert_eq!(decode("café".as_bytes(), None).unwrap().encoding, "UTF-8");
    }

    #[test]
    fn utf16_with_bom_and_sniffed() {
        let mut le = vec![0xFF, 0xFE];
        for u in "Ana: bonjour".encode_utf16() {
            le.extend_from_slice(&u.to_le_bytes());
        }
        assert_eq!(decode(&le, None).unwrap().text, "Ana: bonjour");
        assert_eq!(decode(&le[2..], None).unwrap().encoding, "UTF-16LE");
    }

    #[test]
    fn windows_1252_fallback() {
        let d = decode(b"Priorit\xE9;co\xFBt\n", None).unwrap();
        assert_eq!(d.text, "Priorité;coût\n");
        assert_eq!(d.encoding, "windows-1252");
    }

    #[test]
    fn refuses_empty_and_binary() {
        assert!(decode(b"", None).unwrap_err().message.contains("empty"));
        let e = decode(b"\x00\x01\x02\x03garbage\xff\x00", None).unwrap_err();
        assert!(e.message.contains("binary"), "{e}");
        let e = decode(b"PK\x03\x04\x00\x00", None).unwrap_err();
        assert!(e.message.contains("zip"), "{e}");
    }

    #[test]
    fn forced_encoding_reports_position() {
        let e = decode(b"ok\nab\xFFc", Some(UTF_8)).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(3)));
    }

    #[test]
    fn labels() {
        assert_eq!(encoding_for_label("cp1252").unwrap().name(), "windows-1252");
        assert_eq!(encoding_for_label("latin1").unwrap().name(), "windows-1252");
        assert!(encoding_for_label("klingon").is_none());
    }
}
