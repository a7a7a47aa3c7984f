//! Writing a REFI-QDA 1.5 project (`.qdpx`): every source as UTF-8 plain
//! text, the codebook, every coding as a `PlainTextSelection` with its
//! `Coding` by the coder who made it, participants as cases with their
//! attributes as variables, groups as a case variable and as sets of
//! sources. Deterministic: GUIDs derive from stable ids, the archive has
//! fixed timestamps, the same study gives the same bytes.
//!
//! Positions are written in Unicode code points (characters), as the
//! specification says and as ATLAS.ti, MAXQDA and QualCoder read them.

use std::io::Write;

use crate::codebook::formats::refi::stable_guid;

/// A user (coder) of the project.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportUser {
    /// Its GUID.
    pub guid: String,
    /// Its name as tools show it.
    pub name: String,
    /// A short id (`auto` for qualsynth's automatic coder).
    pub id: Option<String>,
}

/// A code of the codebook, in tree order (a parent before its children).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportCode {
    /// Its GUID.
    pub guid: String,
    /// Its name.
    pub name: String,
    /// Its parent's GUID.
    pub parent: Option<String>,
    /// Whether it can be applied (a category cannot).
    pub codable: bool,
    /// `#RRGGBB`.
    pub color: Option<String>,
    /// Its definition.
    pub description: Option<String>,
}

/// One coded span of a source's text.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExportSelection {
    /// First character (code point) of the span in the source's text.
    pub start: usize,
    /// Character after the span.
    pub end: usize,
    /// The code's GUID.
    pub code: String,
    /// The coder's GUID.
    pub user: String,
}

/// A source: its text and codings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSource {
    /// Its GUID (the text file is `sources/GUID.txt`).
    pub guid: String,
    /// Its name (the study's path of the file).
    pub name: String,
    /// Its plain text.
    pub text: String,
    /// Its codings.
    pub selections: Vec<ExportSelection>,
}

impl ExportProject {
    /// The user who made the sources: the first (qualsynth's automatic
    /// coder when the study is coded).
    fn creator(&self) -> Option<&str> {
        self.users.first().map(|u| u.guid.as_str())
    }
}

/// A case: a participant, with variable values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportCase {
    /// Its GUID.
    pub guid: String,
    /// Its name.
    pub name: String,
    /// `(variable GUID, value)`.
    pub values: Vec<(String, String)>,
    /// The GUIDs of the sources the participant speaks in.
    pub sources: Vec<String>,
}

/// A set of sources (a group).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExportSet {
    /// Its GUID.
    pub guid: String,
    /// Its name.
    pub name: String,
    /// The GUIDs of its sources.
    pub sources: Vec<String>,
}

/// Everything a project holds.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ExportProject {
    /// The project's name.
    pub name: String,
    /// The users.
    pub users: Vec<ExportUser>,
    /// The codes, parents before children.
    pub codes: Vec<ExportCode>,
    /// The text variables of cases: `(GUID, name)`.
    pub variables: Vec<(String, String)>,
    /// The cases.
    pub cases: Vec<ExportCase>,
    /// The sources.
    pub sources: Vec<ExportSource>,
    /// The sets of sources.
    pub sets: Vec<ExportSet>,
}

/// A GUID for something of a study: [`stable_guid`] of `kind:key`.
pub fn guid(kind: &str, key: &str) -> String {
    stable_guid(&format!("{kind}:{key}"))
}

/// XML text escaped for element content or a double-quoted attribute;
/// characters XML 1.0 cannot hold are left out.
fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\t' | '\n' => out.push(c),
            '\r' => out.push_str("&#13;"),
            c if (c as u32) < 0x20 || c == '\u{fffe}' || c == '\u{ffff}' => {}
            c => out.push(c),
        }
    }
    out
}

/// The project document (`project.qde`).
pub fn project_xml(p: &ExportProject) -> String {
    let mut o = String::with_capacity(64 * 1024);
    o.push_str("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    o.push_str(&format!(
        "<Project xmlns=\"urn:QDA-XML:project:1.0\" name=\"{}\" origin=\"qualsynth {}\"",
        esc(&p.name),
        env!("CARGO_PKG_VERSION")
    ));
    if let Some(u) = p.users.first() {
        o.push_str(&format!(" creatingUserGUID=\"{}\"", u.guid));
    }
    o.push_str(">\n");
    if !p.users.is_empty() {
        o.push_str("  <Users>\n");
        for u in &p.users {
            o.push_str(&format!(
                "    <User guid=\"{}\" name=\"{}\"",
                u.guid,
                esc(&u.name)
            ));
            if let Some(id) = &u.id {
                o.push_str(&format!(" id=\"{}\"", esc(id)));
            }
            o.push_str("/>\n");
        }
        o.push_str("  </Users>\n");
    }
    if !p.codes.is_empty() {
        o.push_str("  <CodeBook>\n    <Codes>\n");
        for (i, c) in p.codes.iter().enumerate() {
            if c.parent.is_none() {
                write_code(p, i, 3, &mut o);
            }
        }
        o.push_str("    </Codes>\n  </CodeBook>\n");
    }
    if !p.variables.is_empty() {
        o.push_str("  <Variables>\n");
        for (g, n) in &p.variables {
            o.push_str(&format!(
                "    <Variable guid=\"{g}\" name=\"{}\" typeOfVariable=\"Text\"/>\n",
                esc(n)
            ));
        }
        o.push_str("  </Variables>\n");
    }
    if !p.cases.is_empty() {
        o.push_str("  <Cases>\n");
        for c in &p.cases {
            o.push_str(&format!(
                "    <Case guid=\"{}\" name=\"{}\">\n",
                c.guid,
                esc(&c.name)
            ));
            for (v, value) in &c.values {
                o.push_str(&format!(
                    "      <VariableValue>\n        <VariableRef targetGUID=\"{v}\"/>\n        <TextValue>{}</TextValue>\n      </VariableValue>\n",
                    esc(value)
                ));
            }
            for s in &c.sources {
                o.push_str(&format!("      <SourceRef targetGUID=\"{s}\"/>\n"));
            }
            o.push_str("    </Case>\n");
        }
        o.push_str("  </Cases>\n");
    }
    if !p.sources.is_empty() {
        o.push_str("  <Sources>\n");
        for s in &p.sources {
            o.push_str(&format!(
                "    <TextSource guid=\"{}\" name=\"{}\" plainTextPath=\"internal://{}.txt\"",
                s.guid,
                esc(&s.name),
                s.guid
            ));
            if let Some(u) = p.creator() {
                o.push_str(&format!(" creatingUser=\"{u}\""));
            }
            o.push_str(">\n");
            for sel in &s.selections {
                let key = format!(
                    "{}:{}:{}:{}:{}",
                    s.guid, sel.start, sel.end, sel.code, sel.user
                );
                o.push_str(&format!(
                    "      <PlainTextSelection guid=\"{}\" startPosition=\"{}\" endPosition=\"{}\" creatingUser=\"{}\">\n",
                    guid("selection", &key),
                    sel.start,
                    sel.end,
                    sel.user
                ));
                o.push_str(&format!(
                    "        <Coding guid=\"{}\" creatingUser=\"{}\">\n          <CodeRef targetGUID=\"{}\"/>\n        </Coding>\n",
                    guid("coding", &key),
                    sel.user,
                    sel.code
                ));
                o.push_str("      </PlainTextSelection>\n");
            }
            o.push_str("    </TextSource>\n");
        }
        o.push_str("  </Sources>\n");
    }
    if !p.sets.is_empty() {
        o.push_str("  <Sets>\n");
        for set in &p.sets {
            o.push_str(&format!(
                "    <Set guid=\"{}\" name=\"{}\">\n",
                set.guid,
                esc(&set.name)
            ));
            for s in &set.sources {
                o.push_str(&format!("      <MemberSource targetGUID=\"{s}\"/>\n"));
            }
            o.push_str("    </Set>\n");
        }
        o.push_str("  </Sets>\n");
    }
    o.push_str("</Project>\n");
    o
}

fn write_code(p: &ExportProject, i: usize, depth: usize, o: &mut String) {
    let c = &p.codes[i];
    let pad = "  ".repeat(depth);
    o.push_str(&format!(
        "{pad}<Code guid=\"{}\" name=\"{}\" isCodable=\"{}\"",
        c.guid,
        esc(&c.name),
        c.codable
    ));
    if let Some(col) = &c.color {
        o.push_str(&format!(" color=\"{}\"", esc(col)));
    }
    let children: Vec<usize> = (0..p.codes.len())
        .filter(|&j| p.codes[j].parent.as_deref() == Some(c.guid.as_str()))
        .collect();
    let description = c.description.as_deref().filter(|d| !d.trim().is_empty());
    if children.is_empty() && description.is_none() {
        o.push_str("/>\n");
        return;
    }
    o.push_str(">\n");
    if let Some(d) = description {
        o.push_str(&format!("{pad}  <Description>{}</Description>\n", esc(d)));
    }
    for j in children {
        write_code(p, j, depth + 1, o);
    }
    o.push_str(&format!("{pad}</Code>\n"));
}

/// The `.qdpx` archive: `project.qde` and `sources/GUID.txt` for every
/// source, deflated, with fixed timestamps.
pub fn qdpx(p: &ExportProject) -> std::io::Result<Vec<u8>> {
    let mut w = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let opts = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    w.start_file("project.qde", opts)
        .map_err(std::io::Error::other)?;
    w.write_all(project_xml(p).as_bytes())?;
    for s in &p.sources {
        w.start_file(format!("sources/{}.txt", s.guid), opts)
            .map_err(std::io::Error::other)?;
        w.write_all(s.text.as_bytes())?;
    }
    Ok(w.finish().map_err(std::io::Error::other)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> ExportProject {
        let user = guid("user", "auto");
        let (a, b) = (guid("code", "a"), guid("code", "a.b"));
        let src = guid("source", "s1");
        ExportProject {
            name: "Étude <test>".into(),
            users: vec![ExportUser {
                guid: user.clone(),
                name: "qualsynth".into(),
                id: Some("auto".into()),
            }],
            codes: vec![
                ExportCode {
                    guid: a.clone(),
                    name: "A & co".into(),
                    parent: None,
                    codable: false,
                    color: Some("#112233".into()),
                    description: Some("Un thème".into()),
                },
                ExportCode {
                    guid: b.clone(),
                    name: "B".into(),
                    parent: Some(a),
                    codable: true,
                    color: None,
                    description: None,
                },
            ],
            variables: vec![(guid("variable", "group"), "group".into())],
            cases: vec![ExportCase {
                guid: guid("case", "g/ana"),
                name: "Ana".into(),
                values: vec![(guid("variable", "group"), "Lille".into())],
                sources: vec![src.clone()],
            }],
            sources: vec![ExportSource {
                guid: src.clone(),
                name: "s1.txt".into(),
                text: "Ana: le loyer 😀 cher\r\n".into(),
                selections: vec![ExportSelection {
                    start: 8,
                    end: 13,
                    code: b,
                    user,
                }],
            }],
            sets: vec![ExportSet {
                guid: guid("set", "Lille"),
                name: "Lille".into(),
                sources: vec![src],
            }],
        }
    }

    #[test]
    fn the_project_document_escapes_and_nests() {
        let x = project_xml(&sample());
        assert!(x.contains("name=\"Étude &lt;test&gt;\""));
        assert!(x.contains("name=\"A &amp; co\" isCodable=\"false\" color=\"#112233\">"));
        assert!(x.contains("startPosition=\"8\" endPosition=\"13\""));
        // The child code sits inside its parent.
        let a = x.find("name=\"A &amp; co\"").unwrap();
        let b = x.find("name=\"B\"").unwrap();
        let close = x.find("</Code>").unwrap();
        assert!(a < b && b < close);
    }

    #[test]
    fn the_same_project_gives_the_same_bytes() {
        let one = qdpx(&sample()).unwrap();
        let two = qdpx(&sample()).unwrap();
        assert_eq!(one, two);
        let names = crate::corpus::zipsafe::entry_names(&one, "QDPX").unwrap();
        assert_eq!(names.len(), 2);
        assert!(names.contains(&"project.qde".to_owned()));
    }

    #[test]
    fn guids_have_the_schema_pattern() {
        let g = guid("code", "x");
        let ok = g.len() == 36
            && g.chars().enumerate().all(|(i, c)| {
                if [8, 13, 18, 23].contains(&i) {
                    c == '-'
                } else {
                    c.is_ascii_hexdigit()
                }
            });
        assert!(ok, "{g}");
    }
}
