//! Codebook formats, chosen by file extension, in one place: the native
//! TOML, the CSV spreadsheet and REFI-QDA `.qdc` (read and written), the
//! `<CodeBook>` of a REFI-QDA project (`.qde`, or the `.qde` inside a
//! `.qdpx`; read), and dictionaries of other tools (read): LIWC
//! `.dic`/`.dicx`, quanteda `.yml`/`.yaml`, WordStat `.cat`, Lexicoder
//! `.lc3`.

pub mod common;
pub mod lexicoder;
pub mod liwc;
pub mod native;
#[cfg(test)]
mod props;
pub mod quanteda;
pub mod refi;
pub mod sheet;
pub mod wordstat;

use crate::codebook::model::{Codebook, Diagnostic, Origin, Severity};
use crate::corpus::decode::decode;
use crate::corpus::zipsafe;

/// Extensions that can be read.
pub const READABLE: [&str; 11] = [
    "toml", "csv", "qdc", "qde", "qdpx", "dic", "dicx", "yml", "yaml", "cat", "lc3",
];
/// Extensions that can be written.
pub const WRITABLE: [&str; 3] = ["toml", "csv", "qdc"];

/// What a reader made of a file, errors included: the codebook (without
/// what could not be read) unless nothing usable was found.
#[derive(Debug, Clone)]
pub struct Lenient {
    /// The codebook, `None` when the file could not be read at all.
    pub codebook: Option<Codebook>,
    /// Errors and warnings, in file order of discovery.
    pub diagnostics: Vec<Diagnostic>,
}

impl Lenient {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == Severity::Error)
    }
}

/// Decodes a codebook file's bytes: UTF-8 (with or without BOM), UTF-16
/// with a BOM, or Windows-1252. The error is a diagnostic.
pub fn decode_text(bytes: &[u8]) -> Result<String, Diagnostic> {
    decode(bytes, None)
        .map(|d| d.text.into_owned())
        .map_err(|e| {
            let origin = Origin {
                line: e.line.unwrap_or(0) as u32,
                column: e.column.unwrap_or(0) as u32,
            };
            Diagnostic::error(origin, e.message)
        })
}

/// A codebook file format that cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FormatError {
    /// A file name without an extension.
    #[error("no file extension to tell the codebook format; expected one of {expected}")]
    NoExtension {
        /// The extensions that would do.
        expected: String,
    },
    /// An extension no format has.
    #[error("unknown codebook extension .{ext}; expected one of {expected}")]
    Unknown {
        /// The extension given.
        ext: String,
        /// The extensions that would do.
        expected: String,
    },
    /// A format that is read but not written.
    #[error("cannot write .{ext} files; codebooks are written as {expected}")]
    NotWritable {
        /// The extension given.
        ext: String,
        /// The extensions that are written.
        expected: String,
    },
    /// The CSV writer failed.
    #[error("cannot write the CSV codebook: {0}")]
    Csv(String),
}

/// Whether `ext` (any case, without the dot) can be read; the error lists
/// the extensions that can.
pub fn check_extension(ext: &str) -> Result<(), FormatError> {
    if READABLE.contains(&ext.to_ascii_lowercase().as_str()) {
        Ok(())
    } else {
        Err(unknown_extension(ext, &READABLE))
    }
}

/// Reads decoded text in the format of `ext` (lower or upper case, without
/// the dot), going on after errors so that `codebook check` can report
/// them all. `path_for_messages` names dictionaries that carry no name.
/// A `.qdpx` is no text: read it with [`read_bytes_lenient`].
pub fn read_lenient(path_for_messages: &str, ext: &str, text: &str) -> Lenient {
    let name = common::file_stem(path_for_messages);
    let (codebook, diagnostics) = match ext.to_ascii_lowercase().as_str() {
        "toml" => native::read(text),
        "csv" => {
            let (cb, d) = sheet::read(text);
            (
                cb.map(|mut cb| {
                    cb.name = name;
                    cb
                }),
                d,
            )
        }
        "qdc" | "qde" => refi::read(text, &name),
        "qdpx" => (
            None,
            vec![Diagnostic::error(
                Origin::default(),
                "a .qdpx project is a zip archive, not text",
            )],
        ),
        "dic" => liwc::read_dic(text, &name),
        "dicx" => liwc::read_dicx(text, &name),
        "yml" | "yaml" => quanteda::read(text, &name),
        "cat" => wordstat::read(text, &name),
        "lc3" => lexicoder::read(text, &name),
        other => (
            None,
            vec![Diagnostic::error(
                Origin::default(),
                unknown_extension(other, &READABLE).to_string(),
            )],
        ),
    };
    Lenient {
        codebook,
        diagnostics,
    }
}

/// Reads a file's bytes in the format of `ext` like [`read_lenient`]:
/// decodes them first, and for a `.qdpx` project (a zip) reads the one
/// `.qde` at the archive's root, within [`zipsafe`]'s limits. Returns the
/// text the diagnostics' positions point into (the `.qde`'s for a
/// `.qdpx`; empty when nothing could be decoded) and what was read.
pub fn read_bytes_lenient(path_for_messages: &str, ext: &str, bytes: &[u8]) -> (String, Lenient) {
    let fail = |d: Diagnostic| {
        (
            String::new(),
            Lenient {
                codebook: None,
                diagnostics: vec![d],
            },
        )
    };
    if !ext.eq_ignore_ascii_case("qdpx") {
        return match decode_text(bytes) {
            Ok(text) => {
                let l = read_lenient(path_for_messages, ext, &text);
                (text, l)
            }
            Err(d) => fail(d),
        };
    }
    let (entry, qde) = match project_entry(bytes) {
        Ok(x) => x,
        Err(msg) => return fail(Diagnostic::error(Origin::default(), msg)),
    };
    let text = match decode_text(&qde) {
        Ok(t) => t,
        Err(d) => {
            let msg = format!("{entry}: {}", d.message);
            return fail(Diagnostic::error(d.origin, msg));
        }
    };
    let name = common::file_stem(path_for_messages);
    let (codebook, diagnostics) = refi::read_in(&text, &name, &entry);
    (
        text,
        Lenient {
            codebook,
            diagnostics,
        },
    )
}

/// The name and bytes of the one `.qde` file at the root of a `.qdpx`
/// archive (any case: exports name it `project.qde` or after the project).
fn project_entry(bytes: &[u8]) -> Result<(String, Vec<u8>), String> {
    let what = "REFI-QDA project (.qdpx)";
    zipsafe::check_archive(bytes, what).map_err(|e| e.message)?;
    let names = zipsafe::entry_names(bytes, what).map_err(|e| e.message)?;
    let qde: Vec<&String> = names
        .iter()
        .filter(|n| !n.contains('/') && !n.contains('\\'))
        .filter(|n| n.to_ascii_lowercase().ends_with(".qde"))
        .collect();
    let entry = match qde.as_slice() {
        [one] => (*one).clone(),
        [] => {
            return Err(
                "no .qde file at the root of the archive; a .qdpx holds one project.qde".into(),
            );
        }
        many => {
            let list: Vec<&str> = many.iter().map(|s| s.as_str()).collect();
            return Err(format!(
                "{} .qde files at the root of the archive ({}); a .qdpx holds one",
                many.len(),
                list.join(", ")
            ));
        }
    };
    match zipsafe::read_entry(bytes, &entry, what).map_err(|e| e.message)? {
        Some(b) => Ok((entry, b)),
        None => Err(format!("cannot read {entry} in the archive")),
    }
}

/// Reads a codebook file by extension. `Ok` holds the codebook and its
/// warnings; `Err` every diagnostic when there is any error (positions in
/// the decoded text). Structural checks (parents, cycles, regexes) are
/// [`crate::codebook::check::check`]'s job.
pub fn read(
    path_for_messages: &str,
    ext: &str,
    bytes: &[u8],
) -> Result<(Codebook, Vec<Diagnostic>), Vec<Diagnostic>> {
    check_extension(ext).map_err(|e| vec![Diagnostic::error(Origin::default(), e.to_string())])?;
    let (_, l) = read_bytes_lenient(path_for_messages, ext, bytes);
    match l.codebook {
        Some(cb) if !l.has_errors() => Ok((cb, l.diagnostics)),
        _ => Err(l.diagnostics),
    }
}

/// Writes a codebook as `toml`, `csv` or `qdc`.
pub fn write(ext: &str, cb: &Codebook) -> Result<Vec<u8>, FormatError> {
    match ext.to_ascii_lowercase().as_str() {
        "toml" => Ok(native::write(cb).into_bytes()),
        "csv" => sheet::write(cb).map_err(|e| FormatError::Csv(e.to_string())),
        "qdc" => Ok(refi::write(cb).into_bytes()),
        other if READABLE.contains(&other) => Err(FormatError::NotWritable {
            ext: other.to_owned(),
            expected: list(&WRITABLE),
        }),
        other => Err(unknown_extension(other, &WRITABLE)),
    }
}

/// What writing `cb` as `ext` leaves out, one sentence each, to follow
/// the output file's name in a note (`x.csv keeps no …`): the codebook
/// options in CSV, `shared` declarations and `roles` limits outside TOML.
/// Empty when the format keeps everything the codebook holds.
pub fn losses(ext: &str, cb: &Codebook) -> Vec<&'static str> {
    let ext = ext.to_ascii_lowercase();
    let mut out = Vec::new();
    if ext == "csv"
        && (!cb.name.is_empty() || cb.options != crate::codebook::CodebookOptions::default())
    {
        out.push(
            "keeps no codebook options (name, lang, fold_accents, negation_window, semantics)",
        );
    }
    if ext != "toml" && cb.codes.iter().any(|c| !c.shared.is_empty()) {
        out.push(
            "keeps no `shared` declarations: `codebook check` warns again about the rules two codes share",
        );
    }
    if ext != "toml" && cb.codes.iter().any(|c| !c.roles.is_empty()) {
        out.push("keeps no `roles` limits: every code's rules apply to every speaker");
    }
    out
}

fn list(exts: &[&str]) -> String {
    exts.iter()
        .map(|e| format!(".{e}"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn unknown_extension(ext: &str, known: &[&str]) -> FormatError {
    if ext.is_empty() {
        FormatError::NoExtension {
            expected: list(known),
        }
    } else {
        FormatError::Unknown {
            ext: ext.to_owned(),
            expected: list(known),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::model::Origin;

    #[test]
    fn unknown_extensions_list_the_known_ones() {
        let e = read("x.docx", "docx", b"x").unwrap_err();
        assert!(
            e[0].message
                .contains(".toml, .csv, .qdc, .qde, .qdpx, .dic"),
            "{}",
            e[0].message
        );
        assert!(
            write("dic", &Codebook::default())
                .unwrap_err()
                .to_string()
                .contains("cannot write .dic")
        );
        assert!(
            write("", &Codebook::default())
                .unwrap_err()
                .to_string()
                .contains("no file extension")
        );
    }

    #[test]
    fn read_refuses_errors_and_empty_files() {
        let e = read("x.toml", "toml", b"[[codes]]\nid = 1\n").unwrap_err();
        assert_eq!(e[0].origin, Origin { line: 2, column: 6 });
        let e = read("x.toml", "TOML", b"").unwrap_err();
        assert!(e[0].message.contains("empty"));
        let (cb, w) = read("dir/toy.dic", "dic", b"%\n1 a\n%\nx 1\n").unwrap();
        assert!(w.is_empty());
        assert_eq!(cb.name, "toy");
    }

    #[test]
    fn byte_order_marks_and_windows_1252_are_decoded() {
        let (cb, _) = read("x.dicx", "dicx", b"\xEF\xBB\xBFDicTerm,caf\xC3\xA9\nx,X\n").unwrap();
        assert_eq!(cb.codes[0].id, "café");
        let qdc = b"\xEF\xBB\xBF<?xml version=\"1.0\"?><CodeBook><Codes><Code guid=\"a\" name=\"A\" isCodable=\"true\"/></Codes></CodeBook>";
        assert_eq!(read("x.qdc", "qdc", qdc).unwrap().0.codes.len(), 1);
        let (cb, _) = read("x.lc3", "lc3", b"+sant\xE9\r\nh\xF4pital*\r\n").unwrap();
        assert_eq!(cb.codes[0].label, "santé");
        assert_eq!(cb.codes[0].rules[0].text, "hôpital*");
        let (cb, _) = read("x.toml", "toml", b"\xEF\xBB\xBF[[codes]]\nid = \"a\"\n").unwrap();
        assert_eq!(cb.codes[0].origin, Origin { line: 2, column: 6 });
    }

    /// Same codebook, modulo positions.
    pub(crate) fn strip(mut cb: Codebook) -> Codebook {
        for c in &mut cb.codes {
            c.origin = Origin::default();
            c.parent_origin = Origin::default();
            for r in &mut c.rules {
                r.origin = Origin::default();
            }
            for s in &mut c.shared {
                s.origin = Origin::default();
            }
        }
        cb
    }

    const FULL: &str = r##"[codebook]
name = "Espaces de travail partagés"
lang = "fr"
fold_accents = true
negation_window = 4

[[codes]]
id = "cout"
label = "Coût et tarifs"
definition = "Le prix de l'espace; le loyer, les \"tarifs\"."
colour = "#d62728"
terms = ["loyer", "tarif*", "~coûter", "prix"]
terms_en = ["rent", "price*", "~cost", "fee*"]
exclude = ["prix nobel"]
exclude_en = ["free of charge"]
regex = ['\d+ ?€', 'a;b']
memo = "deux\nlignes \\ et ; point-virgule"

[[codes]]
id = "cout.loyer"
parent = "cout"
label = "Loyer"
terms = ["loyer NEAR/5 cher", "espace* de travail"]

[[codes]]
id = "lien"
label = "Lien & <communauté>"
"##;

    #[test]
    fn roles_round_trip_in_toml_only_and_other_formats_say_so() {
        let src = format!("{FULL}roles = [\"participant\"]\n");
        let (cb, w) = read("a.toml", "toml", src.as_bytes()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(cb.codes[2].roles, [crate::corpus::Role::Participant]);
        let back = read("a.toml", "toml", &write("toml", &cb).unwrap())
            .unwrap()
            .0;
        assert_eq!(strip(back), strip(cb.clone()));
        assert!(losses("TOML", &cb).is_empty());
        for ext in ["csv", "qdc"] {
            let bytes = write(ext, &cb).unwrap();
            let (back, _) = read("a.toml", ext, &bytes).unwrap();
            assert!(back.codes.iter().all(|c| c.roles.is_empty()), "{ext}");
            let notes = losses(ext, &cb);
            assert!(
                notes
                    .last()
                    .is_some_and(|n| n.contains("no `roles` limits")),
                "{ext}: {notes:?}"
            );
        }
        // Without roles, no note about them.
        let (plain, _) = read("a.toml", "toml", FULL.as_bytes()).unwrap();
        assert!(losses("qdc", &plain).is_empty());
        assert_eq!(losses("csv", &plain).len(), 1);
    }

    #[test]
    fn round_trips_through_every_writable_format() {
        let (cb, w) = read("a.toml", "toml", FULL.as_bytes()).unwrap();
        assert!(w.is_empty(), "{w:?}");
        for ext in WRITABLE {
            let bytes = write(ext, &cb).unwrap();
            let (mut back, w) = read("a.toml", ext, &bytes)
                .unwrap_or_else(|e| panic!("{ext}: {e:?}\n{}", String::from_utf8_lossy(&bytes)));
            assert!(w.is_empty(), "{ext}: {w:?}");
            if ext == "csv" {
                // CSV carries no codebook options.
                back.name = cb.name.clone();
                back.options = cb.options.clone();
            }
            assert_eq!(strip(back), strip(cb.clone()), "{ext}");
        }
    }

    fn zip_with(entries: &[(&str, &[u8])]) -> Vec<u8> {
        use std::io::Write;
        let mut buf = std::io::Cursor::new(Vec::new());
        {
            let mut w = zip::ZipWriter::new(&mut buf);
            let opts = zip::write::SimpleFileOptions::default();
            for (name, data) in entries {
                w.start_file(*name, opts).unwrap();
                w.write_all(data).unwrap();
            }
            w.finish().unwrap();
        }
        buf.into_inner()
    }

    const QDE: &[u8] = b"\xEF\xBB\xBF<Project xmlns=\"urn:QDA-XML:project:1.0\"><CodeBook><Codes><Code guid=\"356D5F35-7854-50A8-A7D0-4CB2FD761495\" name=\"Cost\" isCodable=\"true\"/></Codes></CodeBook></Project>";

    #[test]
    fn projects_are_read_from_qde_text_and_from_the_qde_in_a_qdpx() {
        let (cb, w) = read("dir/study.qde", "qde", QDE).unwrap();
        assert!(w.is_empty(), "{w:?}");
        assert_eq!(cb.name, "study");
        assert_eq!(cb.codes[0].id, "Cost");
        // Any name and case at the root; sources beside it.
        let z = zip_with(&[("sources/a.txt", b"x"), ("Export.QDE", QDE)]);
        let (cb, _) = read("dir/study.qdpx", "QDPX", &z).unwrap();
        assert_eq!(cb.name, "study");
        assert_eq!(
            cb.codes[0].guid.as_deref(),
            Some("356D5F35-7854-50A8-A7D0-4CB2FD761495")
        );
        let (text, l) = read_bytes_lenient("study.qdpx", "qdpx", &z);
        assert!(text.starts_with("<Project"), "{text}");
        assert!(!l.has_errors());
    }

    #[test]
    fn a_qdpx_needs_exactly_one_qde_at_its_root() {
        let msg = |z: &[u8]| read("p.qdpx", "qdpx", z).unwrap_err()[0].message.clone();
        let none = zip_with(&[("sources/project.qde", QDE)]);
        assert!(
            msg(&none).starts_with("no .qde file at the root"),
            "{}",
            msg(&none)
        );
        let two = zip_with(&[("a.qde", QDE), ("b.qde", QDE)]);
        assert_eq!(
            msg(&two),
            "2 .qde files at the root of the archive (a.qde, b.qde); a .qdpx holds one"
        );
        assert!(msg(b"<Project/>").contains("expected a zip archive"));
        let empty = zip_with(&[(
            "project.qde",
            b"<Project xmlns=\"urn:QDA-XML:project:1.0\"><Sources/></Project>",
        )]);
        assert_eq!(msg(&empty), "project.qde has no <CodeBook>: 0 codes");
    }
}
