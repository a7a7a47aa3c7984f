//! REFI-QDA codebooks (`.qdc`, XML, schema `Codebook.xsd`): nested
//! `<Code>` elements with a GUID, a name, a colour and a `<Description>`.
//!
//! REFI-QDA has no matching rules, so on export they go at the end of each
//! code's description, in a block other tools show as text and this reader
//! takes back:
//!
//! ```text
//! Le prix de l'espace, le loyer, les tarifs.
//!
//! qualsynth id: cout
//! qualsynth rules: loyer; tarif*; ~coûter
//! qualsynth rules en: rent; price*
//! qualsynth exclude: prix nobel
//! ```
//!
//! Codebook options travel in an XML comment (`<!-- qualsynth codebook:
//! {…} -->`). GUIDs are UUIDs derived from SHA-256 of the code id
//! (namespace "qualsynth"), so the same codebook always exports the same.

use std::collections::HashSet;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use sha2::{Digest, Sha256};

use super::common::{
    self, id_from_name, sort_rules, split_rules, unique_id, valid_colour, valid_lang,
};
use crate::codebook::diagnostics::LineIndex;
use crate::codebook::model::{
    Code, Codebook, CodebookOptions, Diagnostic, Origin, Rule, Semantics,
};

const BLOCK: &str = "qualsynth ";
const OPTIONS: &str = "qualsynth codebook:";

/// A UUID derived from SHA-256 of `key` in the namespace "qualsynth": the
/// first 16 bytes of the digest, with the version nibble set to 5 and the
/// RFC 4122 variant, written `xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx`.
pub fn stable_guid(key: &str) -> String {
    let mut h = Sha256::new();
    h.update(b"qualsynth\0");
    h.update(key.as_bytes());
    let d = h.finalize();
    let mut b = [0u8; 16];
    b.copy_from_slice(&d[..16]);
    b[6] = (b[6] & 0x0f) | 0x50;
    b[8] = (b[8] & 0x3f) | 0x80;
    let hex: String = b.iter().map(|x| format!("{x:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// The GUID of a code in exports: [`stable_guid`] of `code:<id>`.
pub fn code_guid(id: &str) -> String {
    stable_guid(&format!("code:{id}"))
}

struct Node {
    name: String,
    colour: Option<(String, Origin)>,
    description: String,
    description_origin: Origin,
    origin: Origin,
    parent: Option<usize>,
}

/// Reads a REFI-QDA codebook (or the `<CodeBook>` of a project file).
/// `name` is used when the file carries no qualsynth options.
pub fn read(text: &str, name: &str) -> (Option<Codebook>, Vec<Diagnostic>) {
    let index = LineIndex::new(text);
    let mut diags = Vec::new();
    let mut reader = Reader::from_str(text);
    let mut nodes: Vec<Node> = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut codes: Vec<usize> = Vec::new();
    let mut in_description: Option<usize> = None;
    let mut root_seen = false;
    let mut in_codebook = 0usize;
    let mut sets = Vec::new();
    let mut options: Option<(CodebookOptions, String)> = None;
    loop {
        let pos = reader.buffer_position() as usize;
        let event = match reader.read_event() {
            Ok(e) => e,
            Err(e) => {
                let at = index.origin(reader.error_position() as usize);
                diags.push(Diagnostic::error(at, format!("malformed XML: {e}")));
                return (None, diags);
            }
        };
        match event {
            Event::Eof => break,
            Event::Start(ref e) | Event::Empty(ref e) => {
                let empty = matches!(event, Event::Empty(_));
                let local = local(e);
                if !root_seen {
                    root_seen = true;
                    if local != "CodeBook" && local != "Project" {
                        diags.push(Diagnostic::error(
                            index.origin(pos),
                            format!(
                                "the root element is <{local}>; expected a REFI-QDA <CodeBook>"
                            ),
                        ));
                        return (None, diags);
                    }
                }
                if local == "CodeBook" && !empty {
                    in_codebook += 1;
                }
                if in_codebook > 0 && local == "Code" {
                    let origin = index.origin(pos);
                    let mut name = None;
                    let mut guid = None;
                    let mut colour = None;
                    for a in e.attributes() {
                        let a = match a {
                            Ok(a) => a,
                            Err(err) => {
                                diags.push(Diagnostic::error(
                                    origin,
                                    format!("malformed attribute: {err}"),
                                ));
                                continue;
                            }
                        };
                        let value = a
                            .normalized_value(XmlVersion::Implicit1_0)
                            .map(|v| v.into_owned())
                            .unwrap_or_else(|_| a.value.clone().into_owned());
                        match a.key.local_name().as_ref() {
                            "name" => name = Some(value),
                            "guid" => guid = Some(value),
                            "color" => colour = Some((value, origin)),
                            _ => {}
                        }
                    }
                    let name = match (name, guid) {
                        (Some(n), _) if !n.trim().is_empty() => n,
                        (_, g) => {
                            let fallback = g.unwrap_or_else(|| format!("code {}", nodes.len() + 1));
                            diags.push(Diagnostic::warning(
                                origin,
                                format!("a <Code> without a name; calling it \"{fallback}\""),
                            ));
                            fallback
                        }
                    };
                    nodes.push(Node {
                        name,
                        colour,
                        description: String::new(),
                        description_origin: origin,
                        origin,
                        parent: codes.last().copied(),
                    });
                    if !empty {
                        codes.push(nodes.len() - 1);
                    }
                } else if local == "Description"
                    && !empty
                    && open.last().map(String::as_str) == Some("Code")
                {
                    in_description = codes.last().copied();
                    if let Some(i) = in_description {
                        nodes[i].description_origin =
                            index.origin(reader.buffer_position() as usize);
                    }
                } else if local == "Set" {
                    sets.push(index.origin(pos));
                }
                if !empty {
                    open.push(local);
                }
            }
            Event::End(ref e) => {
                let local =
                    String::from_utf8_lossy(e.local_name().as_ref().as_bytes()).into_owned();
                match local.as_str() {
                    "Code" if in_codebook > 0 => {
                        codes.pop();
                    }
                    "Description" => in_description = None,
                    "CodeBook" => in_codebook = in_codebook.saturating_sub(1),
                    _ => {}
                }
                open.pop();
            }
            Event::Text(t) => {
                if let Some(i) = in_description {
                    nodes[i].description.push_str(&t.xml10_content());
                }
            }
            Event::CData(t) => {
                if let Some(i) = in_description {
                    nodes[i].description.push_str(&t);
                }
            }
            Event::GeneralRef(r) => {
                if let Some(i) = in_description {
                    let c = match r.resolve_char_ref() {
                        Ok(Some(c)) => Some(c),
                        _ => match r.as_ref() {
                            "amp" => Some('&'),
                            "lt" => Some('<'),
                            "gt" => Some('>'),
                            "quot" => Some('"'),
                            "apos" => Some('\''),
                            _ => None,
                        },
                    };
                    match c {
                        Some(c) => nodes[i].description.push(c),
                        None => diags.push(Diagnostic::warning(
                            index.origin(pos),
                            format!("unknown entity &{};", r.as_ref()),
                        )),
                    }
                }
            }
            Event::Comment(c) => {
                let body: &str = &c;
                if let Some(json) = body.trim().strip_prefix(OPTIONS) {
                    match parse_options(json) {
                        Some(o) => options = Some(o),
                        None => diags.push(Diagnostic::warning(
                            index.origin(pos),
                            "unreadable qualsynth options comment; using default options",
                        )),
                    }
                }
            }
            _ => {}
        }
    }
    if let Some(name) = open.last() {
        diags.push(Diagnostic::error(
            index.origin(text.len()),
            format!("the file ends before <{name}> is closed"),
        ));
        return (None, diags);
    }
    if !root_seen {
        diags.push(Diagnostic::error(
            Origin::default(),
            "no XML element; expected a REFI-QDA <CodeBook>",
        ));
        return (None, diags);
    }
    if let Some(&first) = sets.first() {
        diags.push(Diagnostic::warning(
            first,
            format!(
                "{} code set{} ignored: qualsynth codebooks have no sets",
                sets.len(),
                if sets.len() == 1 { "" } else { "s" }
            ),
        ));
    }
    let (options, cb_name) =
        options.unwrap_or_else(|| (CodebookOptions::default(), name.to_owned()));
    let mut cb = Codebook {
        name: cb_name,
        options,
        codes: Vec::new(),
    };
    let blocks: Vec<Block> = nodes.iter().map(|n| block(n, &mut diags)).collect();
    let mut taken: HashSet<String> = blocks.iter().filter_map(|b| b.id.clone()).collect();
    let mut ids: Vec<String> = Vec::with_capacity(nodes.len());
    for (i, n) in nodes.iter().enumerate() {
        let id = match &blocks[i].id {
            Some(id) => id.clone(),
            None => {
                let own = id_from_name(&n.name);
                let full = match n.parent {
                    Some(p) => format!("{}.{own}", ids[p]),
                    None => own,
                };
                unique_id(&mut taken, full)
            }
        };
        ids.push(id);
    }
    for ((i, n), b) in nodes.into_iter().enumerate().zip(blocks) {
        let colour = match n.colour {
            Some((c, _)) if valid_colour(&c) => Some(c),
            Some((c, o)) => {
                diags.push(Diagnostic::warning(
                    o,
                    format!("colour \"{c}\" is not #RRGGBB; ignored"),
                ));
                None
            }
            None => None,
        };
        let mut rules = b.rules;
        sort_rules(&mut rules);
        cb.codes.push(Code {
            id: ids[i].clone(),
            label: n.name.trim().to_owned(),
            parent: n.parent.map(|p| ids[p].clone()),
            parent_origin: n.origin,
            definition: b.definition,
            colour,
            memo: b.memo,
            rules,
            shared: Vec::new(),
            roles: Vec::new(),
            origin: n.origin,
        });
    }
    (Some(cb), diags)
}

fn local(e: &BytesStart) -> String {
    String::from_utf8_lossy(e.local_name().as_ref().as_bytes()).into_owned()
}

/// What a description holds: the definition, and the qualsynth block.
struct Block {
    definition: Option<String>,
    id: Option<String>,
    memo: Option<String>,
    rules: Vec<Rule>,
}

fn block(n: &Node, diags: &mut Vec<Diagnostic>) -> Block {
    let text = &n.description;
    let mut lines: Vec<(usize, &str)> = Vec::new();
    let mut start = 0;
    for (i, c) in text.char_indices() {
        if c == '\n' {
            lines.push((start, &text[start..i]));
            start = i + 1;
        }
    }
    lines.push((start, &text[start..]));
    // The block is the run of `qualsynth …:` lines at the end.
    let mut first = lines.len();
    while first > 0 {
        let l = lines[first - 1].1.trim();
        if l.is_empty() && first == lines.len() {
            first -= 1;
            continue;
        }
        if block_line(l).is_none() {
            break;
        }
        first -= 1;
    }
    let mut out = Block {
        definition: None,
        id: None,
        memo: None,
        rules: Vec::new(),
    };
    let def_end = lines.get(first).map_or(text.len(), |(s, _)| *s);
    let def = text[..def_end].trim().replace("\r\n", "\n");
    if !def.is_empty() {
        out.definition = Some(def);
    }
    for &(off, line) in &lines[first..] {
        let Some((key, value)) = block_line(line.trim()) else {
            continue;
        };
        let value_at = off + line.find(value).unwrap_or(0);
        match key {
            "id" => out.id = Some(value.to_owned()),
            "memo" => out.memo = Some(unescape(value)),
            _ => {
                let (kind, lang) = key
                    .split_once(' ')
                    .map_or((key, None), |(k, l)| (k, Some(l)));
                let exclude = kind == "exclude";
                for (o, piece) in split_rules(value) {
                    let origin = within(n.description_origin, text, value_at + o);
                    match common::rule(&piece, lang, exclude, origin) {
                        Ok(r) => out.rules.push(r),
                        Err(e) => diags.push(common::pattern_error(origin, &piece, &e)),
                    }
                }
            }
        }
    }
    out
}

/// `qualsynth rules en: a; b` as `("rules en", "a; b")`.
fn block_line(line: &str) -> Option<(&str, &str)> {
    let rest = line.strip_prefix(BLOCK)?;
    let (key, value) = rest.split_once(':')?;
    let ok = match key.split_once(' ') {
        None => matches!(key, "id" | "rules" | "exclude" | "memo"),
        Some((k, l)) => matches!(k, "rules" | "exclude") && valid_lang(l),
    };
    ok.then(|| (key, value.trim()))
}

/// The origin of byte `at` of a description that starts at `start`.
fn within(start: Origin, text: &str, at: usize) -> Origin {
    let before = &text[..at.min(text.len())];
    match before.rfind('\n') {
        None => Origin {
            line: start.line,
            column: start.column + before.chars().count() as u32,
        },
        Some(nl) => Origin {
            line: start.line + before.matches('\n').count() as u32,
            column: before[nl + 1..].chars().count() as u32 + 1,
        },
    }
}

fn escape_memo(s: &str) -> String {
    s.replace('\\', "\\\\")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn unescape(s: &str) -> String {
    let mut out = String::new();
    let mut it = s.chars();
    while let Some(c) = it.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match it.next() {
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

fn parse_options(json: &str) -> Option<(CodebookOptions, String)> {
    let v: serde_json::Value = serde_json::from_str(json.trim()).ok()?;
    let mut o = CodebookOptions::default();
    if let Some(l) = v
        .get("lang")
        .and_then(|x| x.as_str())
        .filter(|l| valid_lang(l))
    {
        o.lang = l.to_owned();
    }
    if let Some(b) = v.get("fold_accents").and_then(serde_json::Value::as_bool) {
        o.fold_accents = b;
    }
    if let Some(n) = v.get("negation_window").and_then(serde_json::Value::as_u64) {
        o.negation_window = u32::try_from(n).ok()?;
    }
    if v.get("semantics").and_then(|x| x.as_str()) == Some("dictionary") {
        o.semantics = Semantics::Dictionary;
    }
    let name = v
        .get("name")
        .and_then(|x| x.as_str())
        .unwrap_or("")
        .to_owned();
    Some((o, name))
}

/// Writes a REFI-QDA codebook that validates against `Codebook.xsd`:
/// codes nested under their parents (codes whose parent is missing, or in
/// a cycle, at the top), rules and memo in each description's block.
pub fn write(cb: &Codebook) -> String {
    let o = &cb.options;
    let json = serde_json::json!({
        "name": cb.name,
        "lang": o.lang,
        "fold_accents": o.fold_accents,
        "negation_window": o.negation_window,
        "semantics": match o.semantics { Semantics::Codes => "codes", Semantics::Dictionary => "dictionary" },
    })
    .to_string()
    // `--` may not appear in an XML comment; JSON reads `\u002d` as `-`.
    .replace('-', "\\u002d");
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    out.push_str("<CodeBook xmlns=\"urn:QDA-XML:codebook:1.0\" origin=\"qualsynth\">\n");
    out.push_str(&format!("  <!-- {OPTIONS} {json} -->\n"));
    out.push_str("  <Codes>\n");
    let n = cb.codes.len();
    let mut done = vec![false; n];
    let known: HashSet<&str> = cb.codes.iter().map(|c| c.id.as_str()).collect();
    let roots: Vec<usize> = (0..n)
        .filter(|&i| {
            cb.codes[i]
                .parent
                .as_deref()
                .is_none_or(|p| !known.contains(p))
        })
        .collect();
    for r in roots {
        write_code(cb, r, 2, &mut done, &mut out);
    }
    for i in 0..n {
        if !done[i] {
            write_code(cb, i, 2, &mut done, &mut out);
        }
    }
    out.push_str("  </Codes>\n</CodeBook>\n");
    out
}

fn write_code(cb: &Codebook, i: usize, depth: usize, done: &mut [bool], out: &mut String) {
    if done[i] {
        return;
    }
    done[i] = true;
    let c = &cb.codes[i];
    let pad = "  ".repeat(depth);
    let colour = c
        .colour
        .as_deref()
        .filter(|c| valid_colour(c))
        .map_or(String::new(), |c| format!(" color=\"{c}\""));
    out.push_str(&format!(
        "{pad}<Code guid=\"{}\" name=\"{}\" isCodable=\"true\"{colour}>\n",
        code_guid(&c.id),
        escape(&c.label, true)
    ));
    out.push_str(&format!(
        "{pad}  <Description>{}</Description>\n",
        escape(&description(c), false)
    ));
    let children: Vec<usize> = (0..cb.codes.len())
        .filter(|&k| !done[k] && cb.codes[k].parent.as_deref() == Some(c.id.as_str()))
        .collect();
    for k in children {
        write_code(cb, k, depth + 1, done, out);
    }
    out.push_str(&format!("{pad}</Code>\n"));
}

/// The definition, a blank line, then the qualsynth block.
fn description(c: &Code) -> String {
    let mut block = vec![format!("{BLOCK}id: {}", c.id)];
    let mut rules: Vec<&Rule> = c.rules.iter().collect();
    rules.sort_by(|a, b| common::group_key(a).cmp(&common::group_key(b)));
    let mut i = 0;
    while i < rules.len() {
        let key = (rules[i].exclude, rules[i].lang.as_deref());
        let n = rules[i..]
            .iter()
            .take_while(|r| (r.exclude, r.lang.as_deref()) == key)
            .count();
        let kind = if key.0 { "exclude" } else { "rules" };
        let name = match key.1 {
            Some(l) => format!("{kind} {l}"),
            None => kind.to_owned(),
        };
        block.push(format!(
            "{BLOCK}{name}: {}",
            common::join_rules(rules[i..i + n].iter().copied())
        ));
        i += n;
    }
    if let Some(m) = &c.memo {
        block.push(format!("{BLOCK}memo: {}", escape_memo(m)));
    }
    let block = block.join("\n");
    match c.definition.as_deref().map(str::trim) {
        Some(d) if !d.is_empty() => format!("{d}\n\n{block}"),
        _ => block,
    }
}

/// XML-escapes text; drops characters XML 1.0 cannot hold.
fn escape(s: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' if attribute => out.push_str("&quot;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\r' => out.push_str("&#13;"),
            '\t' | '\n' => out.push(c),
            c if (c as u32) < 0x20 || c == '\u{FFFE}' || c == '\u{FFFF}' => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::model::{Pattern, Severity, Term};

    const SPEC: &str = r##"<?xml version="1.0" encoding="UTF-8"?>
<CodeBook xmlns="urn:QDA-XML:codebook:1.0">
  <Codes>
    <Code guid="{5215cc69-b628-4e02-afb9-9beeaee55808}" name="Topics" isCodable="false">
      <Code guid="{d7aa29da-519b-4946-9b90-253b6db8fd0a}" name="Economy" isCodable="true" color="#ffff00">
        <Description>Anything about jobs &amp; taxes</Description>
      </Code>
    </Code>
    <Code guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520" name="Health care" isCodable="true" color="blue"/>
  </Codes>
  <Sets><Set guid="9fa9bcb7-5b59-47a9-8c3e-f65cffdc7521" name="s"/></Sets>
</CodeBook>
"##;

    #[test]
    fn guids_are_stable_v5_shaped() {
        let g = code_guid("cout");
        assert_eq!(g, code_guid("cout"));
        assert_ne!(g, code_guid("cout.loyer"));
        assert_eq!(g.len(), 36);
        assert_eq!(&g[14..15], "5");
        assert!(matches!(&g[19..20], "8" | "9" | "a" | "b"), "{g}");
    }

    #[test]
    fn reads_nested_codes_colours_and_descriptions() {
        let (cb, d) = read(SPEC, "spec");
        let cb = cb.unwrap();
        assert_eq!(cb.name, "spec");
        let ids: Vec<_> = cb
            .codes
            .iter()
            .map(|c| (c.id.as_str(), c.parent.as_deref()))
            .collect();
        assert_eq!(
            ids,
            [
                ("Topics", None),
                ("Topics.Economy", Some("Topics")),
                ("Health_care", None)
            ]
        );
        assert_eq!(
            cb.codes[1].definition.as_deref(),
            Some("Anything about jobs & taxes")
        );
        assert_eq!(cb.codes[1].colour.as_deref(), Some("#ffff00"));
        assert_eq!(cb.codes[1].origin, Origin { line: 5, column: 7 });
        assert!(cb.codes.iter().all(|c| c.rules.is_empty()));
        // Warnings: the bad colour and the set.
        assert_eq!(d.len(), 2, "{d:?}");
        assert!(d.iter().all(|x| x.severity == Severity::Warning));
    }

    #[test]
    fn tolerates_bom_less_one_liners_and_refuses_other_xml() {
        let (cb, d) = read(
            "<CodeBook><Codes><Code guid=\"x\" name=\"a\\b\" isCodable=\"true\"/></Codes><Sets/></CodeBook>",
            "t",
        );
        assert!(d.is_empty(), "{d:?}");
        assert_eq!(cb.unwrap().codes[0].label, "a\\b");
        let (cb, d) = read("<html><body/></html>", "t");
        assert!(cb.is_none());
        assert!(d[0].message.contains("<html>"));
        let (cb, d) = read("<CodeBook><Codes><Code name=\"a\">", "t");
        assert!(cb.is_none());
        assert_eq!(d[0].severity, Severity::Error);
        let (cb, _) = read("<CodeBook><Codes></Code></CodeBook>", "t");
        assert!(cb.is_none());
    }

    #[test]
    fn reads_the_rules_block_back() {
        let xml = "<CodeBook><Codes><Code guid=\"x\" name=\"Coût\" isCodable=\"true\"><Description>Le prix.\n\nqualsynth id: cout\nqualsynth rules: loyer; /\\d+ ?€/\nqualsynth rules en: rent\nqualsynth exclude: prix nobel\nqualsynth memo: a\\nb</Description></Code></Codes></CodeBook>";
        let (cb, d) = read(xml, "t");
        assert!(d.is_empty(), "{d:?}");
        let c = &cb.unwrap().codes[0];
        assert_eq!(c.id, "cout");
        assert_eq!(c.definition.as_deref(), Some("Le prix."));
        assert_eq!(c.memo.as_deref(), Some("a\nb"));
        assert_eq!(c.rules.len(), 4);
        assert_eq!(c.rules[1].pattern, Pattern::Regex("\\d+ ?€".into()));
        assert_eq!(c.rules[2].lang.as_deref(), Some("en"));
        assert!(c.rules[3].exclude);
        assert_eq!(
            c.rules[0].origin,
            Origin {
                line: 4,
                column: 18
            }
        );
        assert_eq!(
            c.rules[0].pattern,
            Pattern::Term(Term::Word("loyer".into()))
        );
    }

    #[test]
    fn write_escapes_and_nests() {
        let mut cb = Codebook {
            name: "a -- b".into(),
            ..Codebook::default()
        };
        cb.codes.push(Code {
            id: "p".into(),
            label: "P & \"Q\"".into(),
            ..Code::default()
        });
        cb.codes.push(Code {
            id: "p.c".into(),
            label: "<C>".into(),
            parent: Some("p".into()),
            ..Code::default()
        });
        let xml = write(&cb);
        assert!(xml.contains("name=\"P &amp; &quot;Q&quot;\""), "{xml}");
        assert!(!xml.contains("a -- b"));
        let (back, d) = read(&xml, "x");
        assert!(d.is_empty(), "{d:?}");
        let back = back.unwrap();
        assert_eq!(back.name, "a -- b");
        assert_eq!(back.codes[1].parent.as_deref(), Some("p"));
        assert_eq!(back.codes[1].label, "<C>");
    }
}
