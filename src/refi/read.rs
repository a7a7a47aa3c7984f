//! Reading REFI-QDA projects: a `.qdpx` archive or a bare `.qde` file, as
//! ATLAS.ti, NVivo, MAXQDA and QualCoder export them, into a typed
//! [`Project`]. Pure and tolerant: bytes in, a project out, with a warning
//! for everything repaired or left out; errors only for what cannot be read.
//!
//! What real exports do, and what this reader does about it:
//! - the `.qde` is not always `project.qde`: exactly one `*.qde` at the
//!   archive root is accepted; `sources/` or `Sources/`; `sources/.root`
//!   and other unreferenced files are ignored;
//! - `plainTextPath` is `internal://GUID.txt` or a bare file name, looked
//!   up under `sources/` then `Sources/` (case-insensitively in an archive);
//! - texts may have a BOM (dropped) and CRLF (kept: positions count it);
//!   an empty or one-character `.txt` (NVivo 15 for Mac) is replaced by the
//!   paragraphs of the `richTextPath` `.docx`, joined with `"\n"`;
//! - positions: NVivo (`Project@origin` contains "NVivo") counts UTF-16
//!   code units, the others count code points; all are converted to code
//!   points of [`TextSource::text`], clamped into the text (with a warning)
//!   and never left inside a character;
//! - GUIDs are normalised to lower case without braces, so references
//!   compare case-insensitively; codes are keyed by GUID, not name;
//! - elements are matched on local names, so a nested `<CodeBook>` that
//!   redeclares its namespace reads like any other;
//! - a DOCTYPE with declarations, an undefined entity and nesting deeper
//!   than [`MAX_DEPTH`] are errors; nothing is ever expanded.

use std::cell::RefCell;
use std::collections::{BTreeMap, HashMap, HashSet};

use encoding_rs::Encoding;
use quick_xml::XmlVersion;
use quick_xml::events::{BytesRef, BytesStart, Event};
use quick_xml::reader::Reader;

use crate::corpus::ParseError;
use crate::corpus::zipsafe;

/// Deepest element nesting accepted in a `.qde` file.
pub const MAX_DEPTH: usize = 256;

/// How archive errors name the format.
const WHAT: &str = "QDPX";

/// A REFI-QDA project as read: GUIDs in lower case, positions in code
/// points.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Project {
    /// The project's users (`<Users>`), in file order.
    pub users: Vec<User>,
    /// Every code of the codebook, parents before children, in file order.
    pub codes: Vec<ProjectCode>,
    /// The text sources with their coded selections.
    pub sources: Vec<TextSource>,
    /// The cases, with their variables resolved to names.
    pub cases: Vec<Case>,
    /// The sets of sources and of cases.
    pub sets: Vec<Set>,
    /// `Project@origin`: the software that wrote the file.
    pub origin: Option<String>,
    /// What was repaired or left out, one sentence each.
    pub warnings: Vec<String>,
}

/// A user of the project (`<User>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct User {
    /// The user's GUID, lower case.
    pub guid: String,
    /// The name; the `id`, or the GUID, when there is no name.
    pub name: String,
}

/// A code of the project's codebook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectCode {
    /// The code's GUID, lower case.
    pub guid: String,
    /// The name as written (names may repeat under different parents).
    pub name: String,
    /// The GUID of the enclosing code, `None` for a top code.
    pub parent: Option<String>,
    /// `isCodable`: whether text may be coded with it (true when absent).
    pub codable: bool,
    /// `color`, as written (`#RRGGBB` in valid files).
    pub color: Option<String>,
    /// The `<Description>`, trimmed; `None` when absent or empty.
    pub description: Option<String>,
}

/// A text source (`<TextSource>`) with its text and selections.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TextSource {
    /// The source's GUID, lower case.
    pub guid: String,
    /// The name; the GUID when there is no name.
    pub name: String,
    /// The text, without a BOM, line ends as in the file; its code points
    /// are what [`Selection`] positions index.
    pub text: String,
    /// The selections, in file order; a repeated GUID with the same span is
    /// merged into the first.
    pub selections: Vec<Selection>,
    /// `<VariableValue>`s of the source: (variable name, value).
    pub variables: Vec<(String, String)>,
}

impl TextSource {
    /// The text a selection covers; empty if its span is not in the text.
    pub fn excerpt(&self, selection: &Selection) -> &str {
        let byte = |n: usize| {
            self.text
                .char_indices()
                .map(|(b, _)| b)
                .chain(std::iter::once(self.text.len()))
                .nth(n)
        };
        match (byte(selection.start), byte(selection.end)) {
            (Some(s), Some(e)) if s <= e => self.text.get(s..e).unwrap_or_default(),
            _ => "",
        }
    }
}

/// A span of a text source (`<PlainTextSelection>`) and its codings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Selection {
    /// The selection's GUID, lower case.
    pub guid: String,
    /// First code point of the span in [`TextSource::text`].
    pub start: usize,
    /// Code point after the span (end exclusive); `start <= end <= len`.
    pub end: usize,
    /// The codes applied to the span; only codes of the codebook.
    pub codings: Vec<SelectionCoding>,
    /// `creatingUser`: the GUID of the user who made the selection.
    pub creator: Option<String>,
}

/// One code applied to a selection (`<Coding><CodeRef/>`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SelectionCoding {
    /// The GUID of the code, lower case.
    pub code: String,
    /// `creatingUser` of the coding: a user GUID.
    pub creator: Option<String>,
}

/// A case (`<Case>`): a unit of analysis with variables and sources.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Case {
    /// The case's GUID, lower case.
    pub guid: String,
    /// The name; the GUID when there is no name.
    pub name: String,
    /// (variable name, value), in file order; the variable's GUID stands
    /// for its name when it is not declared in `<Variables>`.
    pub variables: Vec<(String, String)>,
    /// GUIDs of the case's sources (`<SourceRef>`).
    pub sources: Vec<String>,
}

/// A set (`<Set>`) of sources and cases.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Set {
    /// The set's GUID, lower case.
    pub guid: String,
    /// The set's name.
    pub name: String,
    /// GUIDs of member sources (`<MemberSource>`).
    pub sources: Vec<String>,
    /// GUIDs of member cases (`<MemberCase>`).
    pub cases: Vec<String>,
}

/// Reads a `.qdpx` archive: its one root `.qde` file and the texts under
/// `sources/`, within the size, ratio and path limits of
/// [`zipsafe`](crate::corpus::zipsafe).
pub fn read_qdpx(bytes: &[u8]) -> Result<Project, ParseError> {
    zipsafe::check_archive(bytes, WHAT)?;
    let names = zipsafe::entry_names(bytes, WHAT)?;
    let roots: Vec<&String> = names.iter().filter(|n| is_root_qde(n)).collect();
    let qde = match roots.as_slice() {
        [one] => one.as_str(),
        [] => {
            let nested: Vec<&str> = names
                .iter()
                .filter(|n| n.to_ascii_lowercase().ends_with(".qde"))
                .map(String::as_str)
                .collect();
            let found = if nested.is_empty() {
                String::new()
            } else {
                format!(" (found {})", nested.join(", "))
            };
            return Err(ParseError::file(format!(
                "archive has no .qde file at its root{found}; expected one, such as project.qde"
            )));
        }
        many => {
            let list: Vec<&str> = many.iter().map(|n| n.as_str()).collect();
            return Err(ParseError::file(format!(
                "archive has {} .qde files at its root: {}; expected one",
                many.len(),
                list.join(", ")
            )));
        }
    };
    let raw = zipsafe::read_entry(bytes, qde, WHAT)?
        .ok_or_else(|| ParseError::file(format!("archive entry {qde} cannot be read")))?;
    let xml = qde_text(&raw, qde)?;
    let failure: RefCell<Option<ParseError>> = RefCell::new(None);
    let lookup = |path: &str| match zipsafe::read_entry(bytes, path, WHAT) {
        Ok(found) => found,
        Err(e) => {
            failure.borrow_mut().get_or_insert(e);
            None
        }
    };
    let project = read_qde(&xml, &lookup).map_err(|mut e| {
        if e.line.is_some() {
            e.message = format!("{} (in {qde})", e.message);
        }
        e
    })?;
    match failure.into_inner() {
        Some(e) => Err(e),
        None => Ok(project),
    }
}

/// Reads a `.qde` project file. `sources` gives the bytes of a file by its
/// path inside the archive (`sources/GUID.txt`, tried also as
/// `Sources/GUID.txt`); it should match names case-insensitively, as
/// [`read_qdpx`]'s does. A missing file is a warning, not an error.
pub fn read_qde(
    xml: &str,
    sources: &dyn Fn(&str) -> Option<Vec<u8>>,
) -> Result<Project, ParseError> {
    let xml = xml.strip_prefix('\u{feff}').unwrap_or(xml);
    let parsed = parse(xml)?;
    Ok(assemble(parsed, sources))
}

/// Whether an archive entry is a `.qde` file at the root.
fn is_root_qde(name: &str) -> bool {
    !name.contains(['/', '\\'])
        && !name.starts_with("._")
        && name.to_ascii_lowercase().ends_with(".qde")
}

/// The `.qde` bytes as text: UTF-8 (BOM or not), or UTF-16 with a BOM.
fn qde_text(bytes: &[u8], name: &str) -> Result<String, ParseError> {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        if had_errors {
            return Err(ParseError::file(format!(
                "{name} is not valid {}",
                enc.name()
            )));
        }
        return Ok(text.into_owned());
    }
    String::from_utf8(bytes.to_vec()).map_err(|e| {
        ParseError::file(format!(
            "{name} is not valid UTF-8 (at byte {})",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// A text file's bytes as text, BOM dropped; `true` when bytes were not
/// valid in their encoding (replaced by U+FFFD).
fn file_text(bytes: &[u8]) -> (String, bool) {
    if let Some((enc, bom)) = Encoding::for_bom(bytes) {
        let (text, had_errors) = enc.decode_without_bom_handling(&bytes[bom..]);
        return (text.into_owned(), had_errors);
    }
    match std::str::from_utf8(bytes) {
        Ok(s) => (s.to_owned(), false),
        Err(_) => (String::from_utf8_lossy(bytes).into_owned(), true),
    }
}

/// A GUID as stored: trimmed, braces dropped, lower case.
fn guid(s: &str) -> String {
    s.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_ascii_lowercase()
}

/// The 1-based line and column (characters) of a byte offset.
fn line_col(text: &str, byte: usize) -> (u64, u64) {
    let mut end = byte.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let line = head.bytes().filter(|&b| b == b'\n').count() as u64 + 1;
    let start = head.rfind('\n').map_or(0, |i| i + 1);
    (line, head[start..].chars().count() as u64 + 1)
}

/// The character of a predefined entity or a character reference.
fn resolve_ref(r: &BytesRef) -> Option<char> {
    match r.resolve_char_ref() {
        Ok(Some(c)) => Some(c),
        Ok(None) => match &**r {
            "amp" => Some('&'),
            "lt" => Some('<'),
            "gt" => Some('>'),
            "quot" => Some('"'),
            "apos" => Some('\''),
            _ => None,
        },
        Err(_) => None,
    }
}

/// What an open element is to the parser.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Other,
    Root,
    CodeBook,
    Code,
    CodeDescription(usize),
    Case,
    VarValue,
    Value,
    Source,
    PlainText,
    Selection,
    Coding,
    Set,
}

/// A `<TextSource>` before its text is loaded.
struct RawSource {
    guid: String,
    name: String,
    plain_path: Option<String>,
    rich_path: Option<String>,
    inline: Option<String>,
    selections: Vec<RawSelection>,
    variables: Vec<(String, String)>,
}

/// A `<PlainTextSelection>` with positions as written.
struct RawSelection {
    guid: String,
    start: i64,
    end: i64,
    creator: Option<String>,
    codings: Vec<SelectionCoding>,
}

/// Counts lines forward through the file, for warnings.
struct Lines {
    at: usize,
    line: u64,
}

impl Lines {
    fn line(&mut self, text: &str, byte: usize) -> u64 {
        let byte = byte.min(text.len());
        if byte < self.at {
            self.at = 0;
            self.line = 1;
        }
        self.line += text.as_bytes()[self.at..byte]
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        self.at = byte;
        self.line
    }
}

/// The state of one pass over the `.qde` XML.
struct Parser<'a> {
    xml: &'a str,
    lines: Lines,
    stack: Vec<(String, Role)>,
    root: bool,
    in_codebook: usize,
    origin: Option<String>,
    users: Vec<User>,
    codes: Vec<ProjectCode>,
    code_guids: HashSet<String>,
    code_stack: Vec<Option<(String, usize)>>,
    variables: HashMap<String, String>,
    cases: Vec<Case>,
    sources: Vec<RawSource>,
    sets: Vec<Set>,
    case: Option<Case>,
    source: Option<RawSource>,
    selection: Option<RawSelection>,
    coding: Option<(Option<String>, Option<String>)>,
    value: Option<(Option<String>, Option<String>)>,
    set: Option<Set>,
    buf: String,
    saw_codebook: bool,
    saw_sources: bool,
    skipped_sources: BTreeMap<String, usize>,
    source_codings: usize,
    member_codes: usize,
    warnings: Vec<String>,
}

/// Reads the `.qde` XML into a [`Parser`]'s collections.
fn parse(xml: &str) -> Result<Parser<'_>, ParseError> {
    let mut reader = Reader::from_str(xml);
    let mut p = Parser::new(xml);
    loop {
        let pos = reader.buffer_position() as usize;
        let event = reader.read_event().map_err(|e| {
            p.error(
                reader.error_position() as usize,
                format!("malformed XML: {e}"),
            )
        })?;
        match event {
            Event::Eof => break,
            Event::Start(e) => p.start(&e, pos)?,
            Event::Empty(e) => {
                p.start(&e, pos)?;
                p.end(pos);
            }
            Event::End(_) => p.end(pos),
            Event::Text(t) if p.capturing() => p.buf.push_str(&t.xml10_content()),
            Event::CData(t) if p.capturing() => p.buf.push_str(&t),
            Event::GeneralRef(r) => {
                let Some(c) = resolve_ref(&r) else {
                    return Err(p.error(
                        pos,
                        format!(
                            "undefined entity \"&{};\"; only the five XML entities and character references are allowed",
                            &*r
                        ),
                    ));
                };
                if p.capturing() {
                    p.buf.push(c);
                }
            }
            Event::DocType(d) => {
                if d.contains('[') {
                    return Err(p.error(
                        pos,
                        "a DOCTYPE with declarations (entities, a DTD) is not accepted in a REFI-QDA project",
                    ));
                }
                let line = p.line(pos);
                p.warnings
                    .push(format!("line {line}: a DOCTYPE declaration; ignored"));
            }
            _ => {}
        }
    }
    if let Some((name, _)) = p.stack.last() {
        let message = format!("the file ends before <{name}> is closed");
        return Err(p.error(xml.len(), message));
    }
    if !p.root {
        return Err(ParseError::file(
            "no XML element; expected a REFI-QDA <Project>",
        ));
    }
    Ok(p)
}

/// The attributes of an element by local name, values unescaped.
fn attributes(e: &BytesStart) -> Result<Vec<(String, String)>, String> {
    let mut out = Vec::new();
    for a in e.attributes() {
        let a = a.map_err(|err| format!("malformed attribute: {err}"))?;
        let value = a
            .normalized_value(XmlVersion::Implicit1_0)
            .map_err(|err| format!("malformed attribute value: {err}"))?;
        out.push((a.key.local_name().as_ref().to_owned(), value.into_owned()));
    }
    Ok(out)
}

/// The value of attribute `key`, if present.
fn get(attrs: &[(String, String)], key: &str) -> Option<String> {
    attrs.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
}

/// A GUID attribute, normalised; `None` when absent or blank.
fn get_guid(attrs: &[(String, String)], key: &str) -> Option<String> {
    get(attrs, key).map(|g| guid(&g)).filter(|g| !g.is_empty())
}

impl<'a> Parser<'a> {
    fn new(xml: &'a str) -> Self {
        Parser {
            xml,
            lines: Lines { at: 0, line: 1 },
            stack: Vec::new(),
            root: false,
            in_codebook: 0,
            origin: None,
            users: Vec::new(),
            codes: Vec::new(),
            code_guids: HashSet::new(),
            code_stack: Vec::new(),
            variables: HashMap::new(),
            cases: Vec::new(),
            sources: Vec::new(),
            sets: Vec::new(),
            case: None,
            source: None,
            selection: None,
            coding: None,
            value: None,
            set: None,
            buf: String::new(),
            saw_codebook: false,
            saw_sources: false,
            skipped_sources: BTreeMap::new(),
            source_codings: 0,
            member_codes: 0,
            warnings: Vec::new(),
        }
    }

    fn error(&self, byte: usize, message: impl Into<String>) -> ParseError {
        let (line, col) = line_col(self.xml, byte);
        ParseError::at(line, col, message)
    }

    fn line(&mut self, byte: usize) -> u64 {
        self.lines.line(self.xml, byte)
    }

    fn warn(&mut self, byte: usize, message: String) {
        let line = self.line(byte);
        self.warnings.push(format!("line {line}: {message}"));
    }

    fn capturing(&self) -> bool {
        matches!(
            self.stack.last(),
            Some((_, Role::CodeDescription(_) | Role::Value | Role::PlainText))
        )
    }

    /// A required GUID; a warning and an empty string when missing.
    fn required_guid(&mut self, attrs: &[(String, String)], what: &str, pos: usize) -> String {
        match get_guid(attrs, "guid") {
            Some(g) => g,
            None => {
                self.warn(pos, format!("a <{what}> without a guid"));
                String::new()
            }
        }
    }

    fn start(&mut self, e: &BytesStart, pos: usize) -> Result<(), ParseError> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(self.error(
                pos,
                format!("elements nest deeper than {MAX_DEPTH} levels; refusing the file"),
            ));
        }
        let local = e.local_name().as_ref().to_owned();
        let attrs = attributes(e).map_err(|m| self.error(pos, m))?;
        let parent = self.stack.last().map(|(n, r)| (n.clone(), *r));
        let parent_name = parent.as_ref().map(|(n, _)| n.as_str());
        let parent_role = parent.as_ref().map(|(_, r)| *r);
        let role = match (parent_name, parent_role, local.as_str()) {
            (None, _, "Project") => {
                self.origin = get(&attrs, "origin");
                self.root = true;
                Role::Root
            }
            (None, _, other) => {
                return Err(self.error(
                    pos,
                    format!("the root element is <{other}>; expected a REFI-QDA <Project>"),
                ));
            }
            (Some("Users"), _, "User") => {
                let guid = self.required_guid(&attrs, "User", pos);
                let name = get(&attrs, "name")
                    .filter(|n| !n.trim().is_empty())
                    .or_else(|| get(&attrs, "id").filter(|n| !n.trim().is_empty()))
                    .unwrap_or_else(|| guid.clone());
                self.users.push(User { guid, name });
                Role::Other
            }
            (Some(_), _, "CodeBook") => {
                self.saw_codebook = true;
                self.in_codebook += 1;
                Role::CodeBook
            }
            (Some("Codes" | "Code"), _, "Code") if self.in_codebook > 0 => {
                self.start_code(&attrs, pos);
                Role::Code
            }
            (Some(_), Some(Role::Code), "Description") => match self.code_stack.last() {
                Some(Some((_, i))) => {
                    self.buf.clear();
                    Role::CodeDescription(*i)
                }
                _ => Role::Other,
            },
            (Some("Variables"), _, "Variable") => {
                let guid = self.required_guid(&attrs, "Variable", pos);
                let name = get(&attrs, "name")
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| guid.clone());
                self.variables.insert(guid, name);
                Role::Other
            }
            (Some("Cases"), _, "Case") => {
                let guid = self.required_guid(&attrs, "Case", pos);
                let name = get(&attrs, "name")
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| guid.clone());
                self.case = Some(Case {
                    guid,
                    name,
                    variables: Vec::new(),
                    sources: Vec::new(),
                });
                Role::Case
            }
            (Some(_), Some(Role::Case | Role::Source), "VariableValue") => {
                self.value = Some((None, None));
                Role::VarValue
            }
            (Some(_), Some(Role::VarValue), "VariableRef") => {
                if let Some(v) = &mut self.value {
                    v.0 = get_guid(&attrs, "targetGUID");
                }
                Role::Other
            }
            (Some(_), Some(Role::VarValue), name) if name.ends_with("Value") => {
                self.buf.clear();
                Role::Value
            }
            (Some(_), Some(Role::Case), "SourceRef") => {
                if let (Some(case), Some(g)) = (&mut self.case, get_guid(&attrs, "targetGUID")) {
                    case.sources.push(g);
                }
                Role::Other
            }
            (Some(_), Some(Role::Root), "Sources") => {
                self.saw_sources = true;
                Role::Other
            }
            (Some("Sources"), _, "TextSource") => {
                let guid = self.required_guid(&attrs, "TextSource", pos);
                let name = get(&attrs, "name")
                    .filter(|n| !n.trim().is_empty())
                    .unwrap_or_else(|| guid.clone());
                self.source = Some(RawSource {
                    guid,
                    name,
                    plain_path: get(&attrs, "plainTextPath").filter(|p| !p.trim().is_empty()),
                    rich_path: get(&attrs, "richTextPath").filter(|p| !p.trim().is_empty()),
                    inline: None,
                    selections: Vec::new(),
                    variables: Vec::new(),
                });
                Role::Source
            }
            (Some("Sources"), _, other) => {
                *self.skipped_sources.entry(other.to_owned()).or_default() += 1;
                Role::Other
            }
            (Some(_), Some(Role::Source), "PlainTextContent") => {
                self.buf.clear();
                Role::PlainText
            }
            (Some(_), Some(Role::Source), "PlainTextSelection") => {
                self.start_selection(&attrs, pos);
                if self.selection.is_some() {
                    Role::Selection
                } else {
                    Role::Other
                }
            }
            (Some(_), Some(Role::Source), "Coding") => {
                self.source_codings += 1;
                Role::Other
            }
            (Some(_), Some(Role::Selection), "Coding") => {
                self.coding = Some((get_guid(&attrs, "creatingUser"), None));
                Role::Coding
            }
            (Some(_), Some(Role::Coding), "CodeRef") => {
                if let Some(c) = &mut self.coding {
                    c.1 = get_guid(&attrs, "targetGUID");
                }
                Role::Other
            }
            (Some("Sets"), _, "Set") => {
                let guid = self.required_guid(&attrs, "Set", pos);
                let name = get(&attrs, "name").unwrap_or_else(|| guid.clone());
                self.set = Some(Set {
                    guid,
                    name,
                    sources: Vec::new(),
                    cases: Vec::new(),
                });
                Role::Set
            }
            (Some(_), Some(Role::Set), member) => {
                let target = get_guid(&attrs, "targetGUID");
                if let (Some(set), Some(g)) = (&mut self.set, target) {
                    match member {
                        "MemberSource" => set.sources.push(g),
                        "MemberCase" => set.cases.push(g),
                        "MemberCode" => self.member_codes += 1,
                        _ => {}
                    }
                }
                Role::Other
            }
            _ => Role::Other,
        };
        self.stack.push((local, role));
        Ok(())
    }

    fn start_code(&mut self, attrs: &[(String, String)], pos: usize) {
        let parent = self
            .code_stack
            .iter()
            .rev()
            .find_map(|c| c.as_ref().map(|(g, _)| g.clone()));
        let Some(guid) = get_guid(attrs, "guid") else {
            let name = get(attrs, "name").unwrap_or_default();
            self.warn(
                pos,
                format!("code \"{name}\" has no guid; left out (its children are kept)"),
            );
            self.code_stack.push(None);
            return;
        };
        if !self.code_guids.insert(guid.clone()) {
            self.warn(
                pos,
                format!("code GUID {guid} appears twice; the second code is left out"),
            );
            self.code_stack.push(None);
            return;
        }
        let codable = match get(attrs, "isCodable").as_deref().map(str::trim) {
            None | Some("true" | "1") => true,
            Some("false" | "0") => false,
            Some(other) => {
                let other = other.to_owned();
                self.warn(
                    pos,
                    format!(
                        "code {guid}: isCodable=\"{other}\" is not true or false; taken as true"
                    ),
                );
                true
            }
        };
        let name = get(attrs, "name").unwrap_or_else(|| guid.clone());
        self.codes.push(ProjectCode {
            guid: guid.clone(),
            name,
            parent,
            codable,
            color: get(attrs, "color").filter(|c| !c.trim().is_empty()),
            description: None,
        });
        self.code_stack.push(Some((guid, self.codes.len() - 1)));
    }

    fn start_selection(&mut self, attrs: &[(String, String)], pos: usize) {
        let guid = self.required_guid(attrs, "PlainTextSelection", pos);
        let number = |key: &str| {
            get(attrs, key).and_then(|v| {
                let v = v.trim();
                v.parse::<i64>().ok().or_else(|| {
                    // A decimal or huge value: take its integer part, saturated.
                    v.parse::<f64>()
                        .ok()
                        .filter(|f| f.is_finite())
                        .map(|f| f as i64)
                })
            })
        };
        match (number("startPosition"), number("endPosition")) {
            (Some(start), Some(end)) => {
                self.selection = Some(RawSelection {
                    guid,
                    start,
                    end,
                    creator: get_guid(attrs, "creatingUser"),
                    codings: Vec::new(),
                });
            }
            _ => {
                self.warn(
                    pos,
                    format!(
                        "selection {guid} has no numeric startPosition and endPosition; left out"
                    ),
                );
                self.selection = None;
            }
        }
    }

    fn end(&mut self, pos: usize) {
        let Some((_, role)) = self.stack.pop() else {
            return;
        };
        match role {
            Role::CodeBook => self.in_codebook = self.in_codebook.saturating_sub(1),
            Role::Code => {
                self.code_stack.pop();
            }
            Role::CodeDescription(i) => {
                let d = std::mem::take(&mut self.buf);
                let d = d.trim();
                if let (false, Some(code)) = (d.is_empty(), self.codes.get_mut(i)) {
                    code.description = Some(d.to_owned());
                }
            }
            Role::Value => {
                let v = std::mem::take(&mut self.buf);
                if let Some(value) = &mut self.value {
                    value.1 = Some(v.trim().to_owned());
                }
            }
            Role::VarValue => {
                let Some((var, value)) = self.value.take() else {
                    return;
                };
                let Some(var) = var else {
                    self.warn(
                        pos,
                        "a <VariableValue> without a <VariableRef>; left out".into(),
                    );
                    return;
                };
                let pair = (var, value.unwrap_or_default());
                match self.stack.last().map(|(_, r)| *r) {
                    Some(Role::Case) => self
                        .case
                        .iter_mut()
                        .for_each(|c| c.variables.push(pair.clone())),
                    Some(Role::Source) => self
                        .source
                        .iter_mut()
                        .for_each(|s| s.variables.push(pair.clone())),
                    _ => {}
                }
            }
            Role::Case => self.cases.extend(self.case.take()),
            Role::PlainText => {
                let text = std::mem::take(&mut self.buf);
                if let Some(s) = &mut self.source {
                    s.inline = Some(text);
                }
            }
            Role::Selection => {
                if let (Some(sel), Some(src)) = (self.selection.take(), &mut self.source) {
                    src.selections.push(sel);
                }
            }
            Role::Coding => match self.coding.take() {
                Some((creator, Some(code))) => {
                    if let Some(sel) = &mut self.selection {
                        sel.codings.push(SelectionCoding { code, creator });
                    }
                }
                Some((_, None)) => {
                    self.warn(pos, "a <Coding> without a <CodeRef>; left out".into());
                }
                None => {}
            },
            Role::Source => self.sources.extend(self.source.take()),
            Role::Set => self.sets.extend(self.set.take()),
            Role::Other | Role::Root => {}
        }
    }
}

/// How a file counts positions.
enum Units {
    /// Code points; the text has this many.
    CodePoints(usize),
    /// UTF-16 code units: the unit offset of each code point, then the end.
    Utf16(Vec<usize>),
}

/// Where a written position falls.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Placed {
    Exact(usize),
    /// Inside a character (half a surrogate pair): moved to its edge.
    Inside(usize),
    /// Before 0 or past the end: clamped.
    Clamped(usize),
}

impl Units {
    fn new(text: &str, utf16: bool) -> Self {
        if !utf16 {
            return Units::CodePoints(text.chars().count());
        }
        let mut starts = Vec::with_capacity(text.len() + 1);
        let mut at = 0;
        for c in text.chars() {
            starts.push(at);
            at += c.len_utf16();
        }
        starts.push(at);
        Units::Utf16(starts)
    }

    fn len(&self) -> usize {
        match self {
            Units::CodePoints(n) => *n,
            Units::Utf16(starts) => starts.len() - 1,
        }
    }

    /// The code point at written position `raw`; `round_up` moves a
    /// position inside a character past it (for span ends).
    fn place(&self, raw: i64, round_up: bool) -> Placed {
        let Ok(u) = usize::try_from(raw) else {
            return Placed::Clamped(0);
        };
        match self {
            Units::CodePoints(n) if u <= *n => Placed::Exact(u),
            Units::CodePoints(n) => Placed::Clamped(*n),
            Units::Utf16(starts) => {
                let i = starts.partition_point(|&x| x < u);
                match starts.get(i) {
                    None => Placed::Clamped(starts.len() - 1),
                    Some(&x) if x == u => Placed::Exact(i),
                    Some(_) if round_up => Placed::Inside(i),
                    Some(_) => Placed::Inside(i.saturating_sub(1)),
                }
            }
        }
    }
}

/// A count of repeated warnings, with the first example.
#[derive(Default)]
struct Tally {
    count: usize,
    first: Option<String>,
}

impl Tally {
    fn add(&mut self, example: impl FnOnce() -> String) {
        self.count += 1;
        if self.first.is_none() {
            self.first = Some(example());
        }
    }

    fn report(&self, warnings: &mut Vec<String>, what: impl FnOnce(usize) -> String) {
        if let (n @ 1.., Some(first)) = (self.count, &self.first) {
            warnings.push(format!("{} (first: {first})", what(n)));
        }
    }
}

/// `s` when `n` is 1, else `p`.
fn plural<'s>(n: usize, s: &'s str, p: &'s str) -> &'s str {
    if n == 1 { s } else { p }
}

/// Builds the project: texts loaded, positions converted, references
/// checked.
fn assemble(p: Parser<'_>, files: &dyn Fn(&str) -> Option<Vec<u8>>) -> Project {
    let mut warnings = p.warnings;
    let utf16 = p
        .origin
        .as_deref()
        .is_some_and(|o| o.to_ascii_lowercase().contains("nvivo"));
    if !p.saw_codebook && !p.saw_sources {
        warnings.push(
            "the project has neither a <CodeBook> nor <Sources>: no codes and no texts to import"
                .to_owned(),
        );
    }
    for (element, n) in &p.skipped_sources {
        warnings.push(format!(
            "{n} <{element}> {} left out: only text sources are read",
            plural(*n, "source", "sources")
        ));
    }
    if p.source_codings > 0 {
        warnings.push(format!(
            "{} {} of whole sources left out: only codings of selections are read",
            p.source_codings,
            plural(p.source_codings, "coding", "codings")
        ));
    }
    if p.member_codes > 0 {
        warnings.push(format!(
            "{} set {} of codes left out: only sets of sources and cases are read",
            p.member_codes,
            plural(p.member_codes, "member", "members")
        ));
    }
    let variable = |g: &str, unknown: &mut Tally| -> String {
        match p.variables.get(g) {
            Some(name) => name.clone(),
            None => {
                unknown.add(|| g.to_owned());
                g.to_owned()
            }
        }
    };
    let mut unknown_vars = Tally::default();
    let cases: Vec<Case> = p
        .cases
        .into_iter()
        .map(|mut c| {
            c.variables = c
                .variables
                .into_iter()
                .map(|(g, v)| (variable(&g, &mut unknown_vars), v))
                .collect();
            c
        })
        .collect();
    let mut unknown_codes = Tally::default();
    let mut sources = Vec::with_capacity(p.sources.len());
    for raw in p.sources {
        let text = source_text(&raw, files, &mut warnings);
        let variables = raw
            .variables
            .iter()
            .map(|(g, v)| (variable(g, &mut unknown_vars), v.clone()))
            .collect();
        let selections = place_selections(
            &raw,
            &text,
            utf16,
            &p.code_guids,
            &mut unknown_codes,
            &mut warnings,
        );
        sources.push(TextSource {
            guid: raw.guid,
            name: raw.name,
            text,
            selections,
            variables,
        });
    }
    unknown_vars.report(&mut warnings, |n| {
        format!(
            "{n} variable {} to no declared <Variable>; named by GUID",
            plural(n, "value refers", "values refer")
        )
    });
    unknown_codes.report(&mut warnings, |n| {
        format!(
            "{n} {} to codes not in the codebook; left out",
            plural(n, "coding refers", "codings refer")
        )
    });
    let source_guids: HashSet<&str> = sources.iter().map(|s| s.guid.as_str()).collect();
    let case_guids: HashSet<&str> = cases.iter().map(|c| c.guid.as_str()).collect();
    let mut dangling = Tally::default();
    for c in &cases {
        for s in c
            .sources
            .iter()
            .filter(|s| !source_guids.contains(s.as_str()))
        {
            dangling.add(|| format!("source {s} of case \"{}\"", c.name));
        }
    }
    for set in &p.sets {
        for s in set
            .sources
            .iter()
            .filter(|s| !source_guids.contains(s.as_str()))
        {
            dangling.add(|| format!("source {s} of set \"{}\"", set.name));
        }
        for c in set
            .cases
            .iter()
            .filter(|c| !case_guids.contains(c.as_str()))
        {
            dangling.add(|| format!("case {c} of set \"{}\"", set.name));
        }
    }
    dangling.report(&mut warnings, |n| {
        format!(
            "{n} {} to sources or cases not in the project (kept)",
            plural(n, "reference points", "references point")
        )
    });
    let user_guids: HashSet<&str> = p.users.iter().map(|u| u.guid.as_str()).collect();
    let mut unknown_users = Tally::default();
    for s in &sources {
        for sel in &s.selections {
            let creators = sel
                .creator
                .iter()
                .chain(sel.codings.iter().filter_map(|c| c.creator.as_ref()));
            for u in creators.filter(|u| !user_guids.contains(u.as_str())) {
                unknown_users.add(|| u.clone());
            }
        }
    }
    unknown_users.report(&mut warnings, |n| {
        format!(
            "{n} creatingUser {} name no <User> (kept)",
            plural(n, "reference", "references")
        )
    });
    Project {
        users: p.users,
        codes: p.codes,
        sources,
        cases,
        sets: p.sets,
        origin: p.origin,
        warnings,
    }
}

/// The archive paths to try for a `plainTextPath` or `richTextPath`.
fn candidates(path: &str) -> Vec<String> {
    let path = path.trim();
    let lower = path.to_ascii_lowercase();
    let name = if lower.starts_with("internal://") {
        &path["internal://".len()..]
    } else if lower.contains("://") {
        // relative:// or absolute://: outside the archive; try its file name.
        path.rsplit(['/', '\\']).next().unwrap_or_default()
    } else {
        path
    };
    let name = name.trim_start_matches(['/', '\\']);
    if name.is_empty() {
        return Vec::new();
    }
    let mut out = vec![format!("sources/{name}"), format!("Sources/{name}")];
    if name.contains('/') {
        out.push(name.to_owned());
    }
    out
}

/// The first of `path`'s candidate files that exists.
fn fetch(path: &str, files: &dyn Fn(&str) -> Option<Vec<u8>>) -> Option<Vec<u8>> {
    candidates(path).iter().find_map(|c| files(c))
}

/// A source's text: its plain-text file, else its `<PlainTextContent>`,
/// else the paragraphs of its rich-text `.docx`.
fn source_text(
    raw: &RawSource,
    files: &dyn Fn(&str) -> Option<Vec<u8>>,
    warnings: &mut Vec<String>,
) -> String {
    let label = format!("source \"{}\"", raw.name);
    let mut plain: Option<String> = None;
    if let Some(path) = &raw.plain_path {
        match fetch(path, files) {
            Some(bytes) => {
                let (text, lossy) = file_text(&bytes);
                if lossy {
                    warnings.push(format!(
                        "{label}: {path} is not valid UTF-8; bad bytes replaced by U+FFFD"
                    ));
                }
                plain = Some(text);
            }
            None => warnings.push(format!(
                "{label}: its text file {path} is not in the archive"
            )),
        }
    }
    let thin = |t: &Option<String>| t.as_ref().is_none_or(|t| t.trim().chars().count() <= 1);
    if !thin(&plain) {
        return plain.unwrap_or_default();
    }
    if let Some(inline) = raw.inline.as_ref().filter(|t| !t.is_empty()) {
        return inline.clone();
    }
    if let Some(path) = &raw.rich_path {
        match fetch(path, files).map(|b| docx_text(&b)) {
            Some(Ok(text))
                if text.chars().count() > plain.as_ref().map_or(0, |p| p.chars().count()) =>
            {
                let why = if plain.is_some() {
                    "its plain text is empty"
                } else {
                    "it has no plain text"
                };
                warnings.push(format!(
                    "{label}: {why}; text taken from the paragraphs of {path}"
                ));
                return text;
            }
            Some(Ok(_)) => {}
            Some(Err(e)) => warnings.push(format!("{label}: {path} cannot be read: {e}")),
            None => warnings.push(format!(
                "{label}: its rich text {path} is not in the archive"
            )),
        }
    }
    if raw.plain_path.is_none() && raw.rich_path.is_none() && raw.inline.is_none() {
        warnings.push(format!(
            "{label} has no text (no plainTextPath nor PlainTextContent)"
        ));
    }
    plain.or_else(|| raw.inline.clone()).unwrap_or_default()
}

/// The paragraphs of a `.docx` (`word/document.xml`), joined with `"\n"`.
fn docx_text(bytes: &[u8]) -> Result<String, ParseError> {
    let xml = zipsafe::read_entry(bytes, "word/document.xml", "DOCX")?
        .ok_or_else(|| ParseError::file("not a DOCX file: no word/document.xml"))?;
    let (xml, _) = file_text(&xml);
    let mut reader = Reader::from_str(&xml);
    let mut paragraphs: Vec<String> = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let (mut in_text, mut skip) = (0usize, 0usize);
    loop {
        let event = reader.read_event().map_err(|e| {
            let (line, col) = line_col(&xml, reader.error_position() as usize);
            ParseError::at(line, col, format!("malformed word/document.xml: {e}"))
        })?;
        match event {
            Event::Eof => break,
            Event::Start(e) => match e.local_name().as_ref() {
                "p" => open.push(String::new()),
                "t" => in_text += 1,
                "Fallback" | "delText" | "instrText" => skip += 1,
                _ => {}
            },
            Event::End(e) => match e.local_name().as_ref() {
                "p" => paragraphs.extend(open.pop()),
                "t" => in_text = in_text.saturating_sub(1),
                "Fallback" | "delText" | "instrText" => skip = skip.saturating_sub(1),
                _ => {}
            },
            Event::Empty(e) => {
                let piece = match e.local_name().as_ref() {
                    "p" if skip == 0 => {
                        paragraphs.push(String::new());
                        None
                    }
                    "tab" => Some('\t'),
                    "br" | "cr" => Some('\n'),
                    _ => None,
                };
                if let (Some(c), Some(p), 0) = (piece, open.last_mut(), skip) {
                    p.push(c);
                }
            }
            Event::Text(t) if in_text > 0 && skip == 0 => {
                if let Some(p) = open.last_mut() {
                    p.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) if in_text > 0 && skip == 0 => {
                if let Some(p) = open.last_mut() {
                    p.push_str(&t);
                }
            }
            Event::GeneralRef(r) if in_text > 0 && skip == 0 => {
                if let (Some(c), Some(p)) = (resolve_ref(&r), open.last_mut()) {
                    p.push(c);
                }
            }
            _ => {}
        }
    }
    Ok(paragraphs.join("\n"))
}

/// A source's selections in code points of `text`: converted from UTF-16
/// units when `utf16`, clamped, repeated GUIDs merged, codings of unknown
/// codes left out. Repairs are summarised per source in `warnings`.
fn place_selections(
    raw: &RawSource,
    text: &str,
    utf16: bool,
    codes: &HashSet<String>,
    unknown_codes: &mut Tally,
    warnings: &mut Vec<String>,
) -> Vec<Selection> {
    let units = Units::new(text, utf16);
    let (mut clamped, mut inside, mut swapped, mut empty, mut merged) = (
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
        Tally::default(),
    );
    let mut out: Vec<Selection> = Vec::with_capacity(raw.selections.len());
    let mut seen: HashMap<&str, usize> = HashMap::new();
    for sel in &raw.selections {
        let example = || format!("{} at {}..{}", sel.guid, sel.start, sel.end);
        let (mut start, mut end) = (sel.start, sel.end);
        if end < start {
            std::mem::swap(&mut start, &mut end);
            swapped.add(example);
        }
        let mut take = |p: Placed| match p {
            Placed::Exact(n) => n,
            Placed::Inside(n) => {
                inside.add(example);
                n
            }
            Placed::Clamped(n) => {
                clamped.add(example);
                n
            }
        };
        let start = take(units.place(start, false));
        let end = take(units.place(end, true)).max(start);
        if start == end {
            empty.add(example);
        }
        let mut codings: Vec<SelectionCoding> = Vec::with_capacity(sel.codings.len());
        for c in &sel.codings {
            if !codes.contains(&c.code) {
                unknown_codes.add(|| format!("code {} in {}", c.code, raw.name));
            } else if !codings.iter().any(|k| k.code == c.code) {
                codings.push(c.clone());
            }
        }
        if !sel.guid.is_empty() {
            if let Some(&i) = seen.get(sel.guid.as_str()) {
                let first = &mut out[i];
                if first.start == start && first.end == end {
                    merged.add(|| sel.guid.clone());
                    for c in codings {
                        if !first.codings.iter().any(|k| k.code == c.code) {
                            first.codings.push(c);
                        }
                    }
                    continue;
                }
            } else {
                seen.insert(sel.guid.as_str(), out.len());
            }
        }
        out.push(Selection {
            guid: sel.guid.clone(),
            start,
            end,
            codings,
            creator: sel.creator.clone(),
        });
    }
    let label = format!("source \"{}\"", raw.name);
    let n = units.len();
    clamped.report(warnings, |k| {
        format!(
            "{label}: {k} {} outside its text ({n} characters); clamped",
            plural(k, "position lies", "positions lie")
        )
    });
    inside.report(warnings, |k| {
        format!(
            "{label}: {k} {} inside a character; moved to its edge",
            plural(k, "position falls", "positions fall")
        )
    });
    swapped.report(warnings, |k| {
        format!(
            "{label}: {k} {} end before {}; swapped",
            plural(k, "selection", "selections"),
            plural(k, "its start", "their start")
        )
    });
    empty.report(warnings, |k| {
        format!(
            "{label}: {k} empty {}",
            plural(k, "selection", "selections")
        )
    });
    merged.report(warnings, |k| {
        format!(
            "{label}: {k} {} the GUID and span of an earlier one; merged into it",
            plural(k, "selection repeats", "selections repeat")
        )
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Cursor, Write};

    const NVIVO: &[u8] = include_bytes!("../../fixtures/refi/nvivo12win_oltas0517.qdpx");
    const SAMPLE: &[u8] = include_bytes!("../../fixtures/refi/sample_two_regions.qdpx");

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

    /// A `.qde` with `origin` and `body` inside `<Project>`.
    fn qde(origin: &str, body: &str) -> String {
        format!(
            r#"<?xml version="1.0" encoding="utf-8"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="t" origin="{origin}">{body}</Project>"#
        )
    }

    fn files(entries: &[(&str, &str)]) -> impl Fn(&str) -> Option<Vec<u8>> + use<> {
        let owned: Vec<(String, Vec<u8>)> = entries
            .iter()
            .map(|(n, t)| (n.to_string(), t.as_bytes().to_vec()))
            .collect();
        move |path: &str| {
            owned
                .iter()
                .find(|(n, _)| n.eq_ignore_ascii_case(path))
                .map(|(_, b)| b.clone())
        }
    }

    const CODES: &str = r#"<CodeBook><Codes><Code guid="C1" name="A" isCodable="true"/><Code guid="C2" name="B" isCodable="true"/></Codes></CodeBook>"#;

    /// Selections starting at position 0 or right after a line-break
    /// character (`\n` or `\r`).
    fn line_starts(p: &Project) -> usize {
        let mut n = 0;
        for s in &p.sources {
            let chars: Vec<char> = s.text.chars().collect();
            n += s
                .selections
                .iter()
                .filter(|sel| {
                    sel.start == 0 || matches!(chars.get(sel.start - 1), Some('\n' | '\r'))
                })
                .count();
        }
        n
    }

    #[test]
    fn nvivo_export_reads_codes_sources_and_exact_selections() {
        let p = read_qdpx(NVIVO).unwrap();
        assert_eq!(p.origin.as_deref(), Some("NVivo for Windows 12.6"));
        assert_eq!(p.sources.len(), 2);
        assert_eq!(p.codes.len(), 152);
        assert_eq!(p.users.len(), 2);
        let coded: Vec<(&TextSource, &Selection)> = p
            .sources
            .iter()
            .flat_map(|s| s.selections.iter().map(move |sel| (s, sel)))
            .filter(|(_, sel)| !sel.codings.is_empty())
            .collect();
        assert_eq!(coded.len(), 303);
        for (s, sel) in &coded {
            assert!(!s.text.starts_with('\u{feff}'));
            assert!(s.text.contains("\r\n"), "CRLF kept");
            assert!(sel.end <= s.text.chars().count());
            assert!(!s.excerpt(sel).trim().is_empty(), "{}", sel.guid);
            assert_eq!(sel.guid, sel.guid.to_lowercase());
        }
        assert_eq!(line_starts(&p), 281);
        let with_lf_only = coded
            .iter()
            .filter(|(s, sel)| sel.start == 0 || s.text.chars().nth(sel.start - 1) == Some('\n'))
            .count();
        assert_eq!(with_lf_only, 281);
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn nvivo_positions_taken_as_code_points_would_be_wrong() {
        let xml = zipsafe::read_entry(NVIVO, "project.qde", "QDPX")
            .unwrap()
            .unwrap();
        let xml = String::from_utf8(xml)
            .unwrap()
            .replace("origin=\"NVivo for Windows 12.6\"", "origin=\"other\"");
        let lookup = |path: &str| zipsafe::read_entry(NVIVO, path, "QDPX").unwrap();
        let p = read_qde(&xml, &lookup).unwrap();
        assert_eq!(
            p.sources.iter().map(|s| s.selections.len()).sum::<usize>(),
            303
        );
        assert_eq!(line_starts(&p), 19);
    }

    #[test]
    fn sample_reads_cases_variables_and_sets() {
        let p = read_qdpx(SAMPLE).unwrap();
        assert_eq!(p.codes.len(), 6);
        let barriers = &p.codes[0];
        assert_eq!(barriers.name, "Barriers");
        assert!(!barriers.codable);
        assert_eq!(barriers.parent, None);
        assert_eq!(barriers.guid, "1151debe-6435-5745-8af4-da1938bd90ed");
        assert_eq!(p.codes[1].parent.as_deref(), Some(barriers.guid.as_str()));
        assert_eq!(p.codes[1].color.as_deref(), Some("#d62728"));
        assert_eq!(
            p.codes[1].description.as_deref(),
            Some("Money, fares, fees")
        );
        assert_eq!(p.cases.len(), 2);
        let north = &p.cases[0];
        assert_eq!(north.name, "North_FG1");
        assert_eq!(
            north.variables,
            vec![
                ("Region".to_owned(), "North".to_owned()),
                ("WorkingGroup".to_owned(), "North_FG1".to_owned())
            ]
        );
        assert_eq!(north.sources, vec![p.sources[0].guid.clone()]);
        assert_eq!(p.sets.len(), 2);
        assert_eq!(p.sets[1].name, "Region: South");
        assert_eq!(p.sets[1].sources, vec![p.sources[1].guid.clone()]);
        // Repeated selections (same GUID and span) are merged.
        assert_eq!(p.sources[0].selections.len(), 2);
        assert_eq!(p.sources[1].selections.len(), 3);
        assert!(
            p.warnings.iter().any(|w| w.contains("merged")),
            "{:?}",
            p.warnings
        );
        let s = &p.sources[0];
        assert_eq!(
            s.excerpt(&s.selections[1]),
            "BEN: And nobody told us about the training sessions."
        );
    }

    #[test]
    fn two_codings_on_one_selection() {
        let xml = qde(
            "MAXQDA 24.7",
            &format!(
                r#"{CODES}<Sources><TextSource guid="S1" name="s" plainTextPath="internal://s1.txt">
<PlainTextSelection guid="P1" startPosition="0" endPosition="5"><Description/>
<Coding guid="K1" creatingUser="U1"><CodeRef targetGUID="C1"/></Coding>
<Coding guid="K2"><CodeRef targetGUID="C2"/></Coding></PlainTextSelection></TextSource></Sources>"#
            ),
        );
        let p = read_qde(&xml, &files(&[("sources/s1.txt", "hello world")])).unwrap();
        let sel = &p.sources[0].selections[0];
        assert_eq!(
            sel.codings,
            vec![
                SelectionCoding {
                    code: "c1".into(),
                    creator: Some("u1".into())
                },
                SelectionCoding {
                    code: "c2".into(),
                    creator: None
                }
            ]
        );
        assert_eq!(p.sources[0].excerpt(sel), "hello");
    }

    #[test]
    fn upper_case_guids_are_normalised_and_match() {
        let xml = qde(
            "ATLAS.ti 23.2",
            r#"<Users><User guid="{AB12CD34-0000-0000-0000-00000000000A}" name="ATLAS.ti"/></Users>
<CodeBook><Codes><Code guid="AAAA-BBBB" name="X" isCodable="true"><Code guid="cccc" name="X" isCodable="true"/></Code></Codes></CodeBook>
<Sources><TextSource guid="S1" plainTextPath="internal://S1.txt">
<PlainTextSelection guid="P1" startPosition="0" endPosition="2" creatingUser="ab12cd34-0000-0000-0000-00000000000a">
<Coding creatingUser="AB12CD34-0000-0000-0000-00000000000A"><CodeRef targetGUID="aaaa-bbbb"/></Coding>
<Coding><CodeRef targetGUID="CCCC"/></Coding></PlainTextSelection></TextSource></Sources>"#,
        );
        let p = read_qde(&xml, &files(&[("sources/s1.txt", "hi there")])).unwrap();
        assert_eq!(p.users[0].guid, "ab12cd34-0000-0000-0000-00000000000a");
        assert_eq!(p.codes[1].parent.as_deref(), Some("aaaa-bbbb"));
        assert_eq!(p.codes[0].name, p.codes[1].name);
        let sel = &p.sources[0].selections[0];
        assert_eq!(sel.codings.len(), 2);
        assert_eq!(sel.codings[1].code, "cccc");
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
    }

    #[test]
    fn bare_plain_text_path_and_missing_user_id() {
        let xml = qde(
            "ATLAS.ti 23.2",
            &format!(
                r#"<Users><User guid="U1" name="Ana"/><User guid="U2" id="BK"/></Users>{CODES}
<Sources><TextSource guid="S1" name="doc" plainTextPath="Doc One.TXT">
<PlainTextSelection guid="P1" startPosition="4" endPosition="9"><Coding><CodeRef targetGUID="C1"/></Coding></PlainTextSelection>
</TextSource></Sources>"#
            ),
        );
        let p = read_qde(&xml, &files(&[("Sources/doc one.txt", "one two three")])).unwrap();
        assert_eq!(p.users[0].name, "Ana");
        assert_eq!(p.users[1].name, "BK");
        let s = &p.sources[0];
        assert_eq!(s.excerpt(&s.selections[0]), "two t");
    }

    #[test]
    fn a_qde_not_named_project_qde() {
        let xml = qde("QualCoder 3.5", CODES);
        let z = zip_with(&[("My study.QDE", xml.as_bytes()), ("sources/.root", b"")]);
        let p = read_qdpx(&z).unwrap();
        assert_eq!(p.codes.len(), 2);
        assert_eq!(p.origin.as_deref(), Some("QualCoder 3.5"));
    }

    #[test]
    fn two_qde_files_are_an_error() {
        let xml = qde("x", CODES);
        let z = zip_with(&[("a.qde", xml.as_bytes()), ("b.qde", xml.as_bytes())]);
        let e = read_qdpx(&z).unwrap_err();
        assert_eq!(
            e.message,
            "archive has 2 .qde files at its root: a.qde, b.qde; expected one"
        );
        let z = zip_with(&[("dir/a.qde", xml.as_bytes())]);
        let e = read_qdpx(&z).unwrap_err();
        assert!(e.message.contains("no .qde file at its root"), "{e}");
    }

    #[test]
    fn emoji_positions_in_nvivo_units_and_code_points() {
        // "a😀b\r\nc😀d": 😀 is one code point, two UTF-16 units.
        let text = "\u{feff}a😀b\r\nc😀d";
        let body = |start: u32, end: u32| {
            format!(
                r#"{CODES}<Sources><TextSource guid="S1" plainTextPath="internal://s.txt">
<PlainTextSelection guid="P1" startPosition="{start}" endPosition="{end}"><Coding><CodeRef targetGUID="C1"/></Coding></PlainTextSelection>
</TextSource></Sources>"#
            )
        };
        let f = files(&[("sources/s.txt", text)]);
        // NVivo: "b\r\nc😀" is units 3..9.
        let p = read_qde(&qde("NVivo 15 for Mac", &body(3, 9)), &f).unwrap();
        let s = &p.sources[0];
        assert_eq!((s.selections[0].start, s.selections[0].end), (2, 7));
        assert_eq!(s.excerpt(&s.selections[0]), "b\r\nc😀");
        assert!(p.warnings.is_empty(), "{:?}", p.warnings);
        // Others count code points: the same span is 2..7.
        let p = read_qde(&qde("MAXQDA 24.7", &body(2, 7)), &f).unwrap();
        let s = &p.sources[0];
        assert_eq!(s.excerpt(&s.selections[0]), "b\r\nc😀");
        // Half an emoji, and past the end: moved, clamped, warned.
        let p = read_qde(&qde("NVivo", &body(2, 99)), &f).unwrap();
        let s = &p.sources[0];
        assert_eq!(s.excerpt(&s.selections[0]), "😀b\r\nc😀d");
        assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
        assert!(p.warnings[0].contains("outside its text (8 characters)"));
        assert!(p.warnings[1].contains("inside a character"));
    }

    #[test]
    fn empty_project_is_valid_with_a_warning() {
        let p = read_qde(&qde("x", "<Users/>"), &files(&[])).unwrap();
        assert!(p.codes.is_empty() && p.sources.is_empty());
        assert_eq!(p.warnings.len(), 1);
        assert!(p.warnings[0].contains("neither a <CodeBook> nor <Sources>"));
    }

    #[test]
    fn doctype_with_entities_is_refused() {
        let xml = r#"<?xml version="1.0"?>
<!DOCTYPE Project [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;">]>
<Project name="t"><CodeBook><Codes><Code guid="c" name="&lol2;" isCodable="true"/></Codes></CodeBook></Project>"#;
        let e = read_qde(xml, &files(&[])).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(1)));
        assert!(e.message.contains("DOCTYPE"), "{e}");
        let xml = r#"<Project name="t"><Codes>&lol;</Codes></Project>"#;
        let e = read_qde(xml, &files(&[])).unwrap_err();
        assert!(e.message.contains("undefined entity \"&lol;\""), "{e}");
    }

    #[test]
    fn deep_nesting_and_malformed_xml_are_errors_with_locations() {
        let deep = format!("<Project>{}", "<a>".repeat(300));
        let e = read_qde(&deep, &files(&[])).unwrap_err();
        assert!(e.message.contains("deeper than 256"), "{e}");
        let e = read_qde("<Project>\n  <Users></Cases></Project>", &files(&[])).unwrap_err();
        assert_eq!(e.line, Some(2));
        assert!(e.message.contains("malformed XML"), "{e}");
        let e = read_qde("<CodeBook/>", &files(&[])).unwrap_err();
        assert!(e.message.contains("expected a REFI-QDA <Project>"), "{e}");
        let e = read_qde("<Project><Users>", &files(&[])).unwrap_err();
        assert!(e.message.contains("ends before <Users> is closed"), "{e}");
    }

    #[test]
    fn docx_fallback_for_a_one_byte_text_file() {
        let doc = br#"<?xml version="1.0"?><w:document xmlns:w="x"><w:body><w:p><w:r><w:t>Hello</w:t><w:tab/><w:t xml:space="preserve">you &amp; me</w:t></w:r></w:p><w:p/><w:p><w:r><w:t>bye</w:t></w:r></w:p></w:body></w:document>"#;
        let docx = zip_with(&[("word/document.xml", doc)]);
        let xml = qde(
            "NVivo 15 for Mac",
            &format!(
                r#"{CODES}<Sources><TextSource guid="S1" name="d" richTextPath="internal://S1.docx" plainTextPath="internal://S1.txt">
<PlainTextSelection guid="P1" startPosition="6" endPosition="14"><Coding><CodeRef targetGUID="C1"/></Coding></PlainTextSelection>
</TextSource></Sources>"#
            ),
        );
        let z = zip_with(&[
            ("project.qde", xml.as_bytes()),
            ("sources/S1.txt", b" "),
            ("sources/S1.docx", &docx),
        ]);
        let p = read_qdpx(&z).unwrap();
        let s = &p.sources[0];
        assert_eq!(s.text, "Hello\tyou & me\n\nbye");
        assert_eq!(s.excerpt(&s.selections[0]), "you & me");
        assert!(p.warnings[0].contains("paragraphs of internal://S1.docx"));
    }

    #[test]
    fn cases_sets_and_source_variables() {
        let xml = qde(
            "x",
            r#"<Variables><Variable guid="V1" name="Region" typeOfVariable="Text"/></Variables>
<Cases><Case guid="K1" name="k"><VariableValue><VariableRef targetGUID="v1"/><TextValue>North</TextValue></VariableValue>
<VariableValue><VariableRef targetGUID="V9"/><IntegerValue>3</IntegerValue></VariableValue><SourceRef targetGUID="S1"/></Case></Cases>
<Sources><TextSource guid="S1" name="s"><PlainTextContent>inline text</PlainTextContent>
<VariableValue><VariableRef targetGUID="V1"/><TextValue>South</TextValue></VariableValue></TextSource></Sources>
<Sets><Set guid="T1" name="both"><MemberSource targetGUID="S1"/><MemberCase targetGUID="K1"/><MemberCase targetGUID="K2"/></Set></Sets>"#,
        );
        let p = read_qde(&xml, &files(&[])).unwrap();
        assert_eq!(
            p.cases[0].variables,
            vec![("Region".into(), "North".into()), ("v9".into(), "3".into())]
        );
        assert_eq!(p.sources[0].text, "inline text");
        assert_eq!(
            p.sources[0].variables,
            vec![("Region".into(), "South".into())]
        );
        assert_eq!(p.sets[0].sources, vec!["s1".to_owned()]);
        assert_eq!(p.sets[0].cases, vec!["k1".to_owned(), "k2".to_owned()]);
        assert_eq!(p.warnings.len(), 2, "{:?}", p.warnings);
    }

    #[test]
    fn nested_codebook_namespace_and_unknown_codes() {
        let xml = qde(
            "x",
            r#"<CodeBook xmlns="urn:QDA-XML:codebook:0:4"><Codes><Code guid="C1" name="A" isCodable="false"><Description>  </Description></Code></Codes></CodeBook>
<Sources><TextSource guid="S1" plainTextPath="internal://s.txt"><PlainTextSelection guid="P1" startPosition="0" endPosition="1"><Coding><CodeRef targetGUID="GONE"/></Coding></PlainTextSelection></TextSource><PDFSource guid="D"/></Sources>"#,
        );
        let p = read_qde(&xml, &files(&[("sources/s.txt", "x")])).unwrap();
        assert_eq!(p.codes.len(), 1);
        assert!(!p.codes[0].codable);
        assert_eq!(p.codes[0].description, None);
        assert!(p.sources[0].selections[0].codings.is_empty());
        assert!(
            p.warnings
                .iter()
                .any(|w| w.contains("<PDFSource> source left out"))
        );
        assert!(
            p.warnings
                .iter()
                .any(|w| w.contains("1 coding refers to codes"))
        );
    }
}
