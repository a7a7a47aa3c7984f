//! REFI-QDA codebooks (`.qdc`, XML, schema `Codebook.xsd`, or the
//! `<CodeBook>` of a project's `.qde`): nested `<Code>` elements with a
//! GUID, a name, `isCodable`, a colour and a `<Description>`.
//!
//! REFI-QDA has no matching rules, so on export they go at the end of each
//! code's description, in a block other tools show as text and this reader
//! takes back (only for codes that need it: with rules or a memo, or an id
//! the reader would not make again from the name and the parent's id):
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
//! {…} -->`). A code read from a REFI-QDA file keeps its GUID and writes
//! it back as it was; other codes get a UUID derived from SHA-256 of the
//! code id (namespace "qualsynth"), so the same codebook always exports
//! the same. `isCodable="false"` (a category) is kept and written back.

use std::collections::HashSet;

use quick_xml::XmlVersion;
use quick_xml::events::{BytesStart, Event};
use quick_xml::reader::Reader;
use sha2::{Digest, Sha256};

use super::common::{
    self, id_from_name, normal_colour, sort_rules, split_rules, unique_id, valid_guid, valid_lang,
};
use crate::codebook::diagnostics::LineIndex;
use crate::codebook::model::{
    Code, Codebook, CodebookOptions, Diagnostic, Origin, Rule, Semantics, guid_key,
};

/// Deepest element nesting accepted, as in REFI-QDA projects
/// ([`crate::refi::read::MAX_DEPTH`]).
const MAX_DEPTH: usize = crate::refi::read::MAX_DEPTH;

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

/// The GUIDs of the codes in an export, in codebook order: each code's
/// own [`Code::guid`] when it is a valid GUID not taken by an earlier code
/// (compared without regard to case or braces), else [`code_guid`] of its
/// id. Project writers use the same, so that codings point at the codes.
pub fn export_guids(cb: &Codebook) -> Vec<String> {
    let mut taken: HashSet<String> = HashSet::new();
    let mut out = Vec::with_capacity(cb.codes.len());
    for (i, c) in cb.codes.iter().enumerate() {
        let own = c
            .guid
            .as_deref()
            .map(str::trim)
            .filter(|g| valid_guid(g) && !taken.contains(&guid_key(g)));
        let g = match own {
            Some(g) => g.to_owned(),
            None => {
                let derived = code_guid(&c.id);
                if taken.contains(&guid_key(&derived)) {
                    stable_guid(&format!("code:{}#{i}", c.id))
                } else {
                    derived
                }
            }
        };
        taken.insert(guid_key(&g));
        out.push(g);
    }
    out
}

struct Node {
    name: String,
    guid: Option<(String, Origin)>,
    codable: bool,
    colour: Option<(String, Origin)>,
    description: String,
    description_origin: Origin,
    origin: Origin,
    parent: Option<usize>,
}

/// Reads a REFI-QDA codebook (or the `<CodeBook>` of a project file).
/// `name` is used when the file carries no qualsynth options.
pub fn read(text: &str, name: &str) -> (Option<Codebook>, Vec<Diagnostic>) {
    read_in(text, name, "this project")
}

/// [`read`], naming the project file in the error when a `<Project>` has
/// no `<CodeBook>` (`project.qde has no <CodeBook>: 0 codes`).
pub fn read_in(text: &str, name: &str, project: &str) -> (Option<Codebook>, Vec<Diagnostic>) {
    let index = LineIndex::new(text);
    let mut diags = Vec::new();
    let mut reader = Reader::from_str(text);
    let mut nodes: Vec<Node> = Vec::new();
    let mut open: Vec<String> = Vec::new();
    let mut codes: Vec<usize> = Vec::new();
    let mut in_description: Option<usize> = None;
    let mut root_seen = false;
    let mut root_origin = Origin::default();
    let mut is_project = false;
    let mut codebook_seen = false;
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
                if open.len() >= MAX_DEPTH {
                    diags.push(Diagnostic::error(
                        index.origin(pos),
                        format!("elements nest deeper than {MAX_DEPTH} levels; refusing the file"),
                    ));
                    return (None, diags);
                }
                let local = local(e);
                if !root_seen {
                    root_seen = true;
                    root_origin = index.origin(pos);
                    is_project = local == "Project";
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
                if local == "CodeBook" {
                    codebook_seen = true;
                    if !empty {
                        in_codebook += 1;
                    }
                }
                if in_codebook > 0 && local == "Code" {
                    let origin = index.origin(pos);
                    let mut name = None;
                    let mut guid = None;
                    let mut colour = None;
                    let mut codable = true;
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
                            "guid" => guid = Some(value.trim().to_owned()),
                            "color" => colour = Some((value, origin)),
                            // xsd:boolean: true, false, 1, 0.
                            "isCodable" => codable = !matches!(value.trim(), "false" | "0"),
                            _ => {}
                        }
                    }
                    let name = match (name, &guid) {
                        (Some(n), _) if !n.trim().is_empty() => n,
                        (_, g) => {
                            let fallback = g
                                .clone()
                                .unwrap_or_else(|| format!("code {}", nodes.len() + 1));
                            diags.push(Diagnostic::warning(
                                origin,
                                format!("a <Code> without a name; calling it \"{fallback}\""),
                            ));
                            fallback
                        }
                    };
                    nodes.push(Node {
                        name,
                        guid: guid.map(|g| (g, origin)),
                        codable,
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
                } else if local == "Set" && in_codebook > 0 {
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
            Event::DocType(d) if d.contains('[') => {
                diags.push(Diagnostic::error(
                    index.origin(pos),
                    "a DOCTYPE with declarations (entities, a DTD) is not accepted in a REFI-QDA codebook",
                ));
                return (None, diags);
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
    if is_project && !codebook_seen {
        diags.push(Diagnostic::error(
            root_origin,
            format!("{project} has no <CodeBook>: 0 codes"),
        ));
        return (None, diags);
    }
    if codebook_seen && nodes.is_empty() {
        diags.push(Diagnostic::warning(
            root_origin,
            "the <CodeBook> holds no <Code>: 0 codes",
        ));
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
            Some((c, o)) => match normal_colour(&c) {
                Some(c) => Some(c),
                None => {
                    diags.push(Diagnostic::warning(
                        o,
                        format!("colour \"{c}\" is not #RRGGBB or #RGB; ignored"),
                    ));
                    None
                }
            },
            None => None,
        };
        // A GUID the id gives back as is (a qualsynth export) need not be
        // kept; any other is written back unchanged, case and braces kept.
        let guid = match n.guid {
            Some((g, _)) if valid_guid(&g) => (g != code_guid(&ids[i])).then_some(g),
            Some((g, o)) => {
                diags.push(Diagnostic::warning(
                    o,
                    format!(
                        "guid \"{g}\" is not a GUID (xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx); exports give code \"{}\" a new one",
                        ids[i]
                    ),
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
            codable: n.codable,
            guid,
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
/// a cycle, at the top), each with its GUID ([`export_guids`]) and
/// `isCodable`; a qualsynth block in the descriptions that need one
/// ([`needs_block`]). A codebook read from a plain `.qdc` writes back the
/// same codes, GUIDs and descriptions.
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
    let tree = Tree::of(cb);
    let w = Writer {
        cb,
        tree: &tree,
        guids: export_guids(cb),
        block: needs_block(cb, &tree),
    };
    for &r in &tree.roots {
        w.code(r, 2, &mut out);
    }
    out.push_str("  </Codes>\n</CodeBook>\n");
    out
}

/// The description each code gets in an export, in codebook order: its
/// definition, with qualsynth's block (id, rules, memo) where plain
/// REFI-QDA cannot carry them, as [`write`] writes them; a project export
/// uses the same, so that reading its `<CodeBook>` back gives the codebook.
pub fn export_descriptions(cb: &Codebook) -> Vec<String> {
    let tree = Tree::of(cb);
    let block = needs_block(cb, &tree);
    cb.codes
        .iter()
        .enumerate()
        .map(|(i, c)| description(c, block[i]))
        .collect()
}

/// The nesting an export writes: top-level codes (no parent, an unknown
/// parent, or in a cycle of parents) and each code's children, in
/// codebook order; a depth-first walk of it is the document order.
struct Tree {
    roots: Vec<usize>,
    children: Vec<Vec<usize>>,
    /// Each code's parent in the nesting.
    parent: Vec<Option<usize>>,
    /// Codes in document order.
    order: Vec<usize>,
}

impl Tree {
    fn of(cb: &Codebook) -> Tree {
        let n = cb.codes.len();
        let known: HashSet<&str> = cb.codes.iter().map(|c| c.id.as_str()).collect();
        let mut t = Tree {
            roots: Vec::new(),
            children: vec![Vec::new(); n],
            parent: vec![None; n],
            order: Vec::with_capacity(n),
        };
        let mut kids: std::collections::HashMap<&str, Vec<usize>> =
            std::collections::HashMap::new();
        for (i, c) in cb.codes.iter().enumerate() {
            if let Some(p) = c.parent.as_deref() {
                kids.entry(p).or_default().push(i);
            }
        }
        let mut done = vec![false; n];
        let tops: Vec<usize> = (0..n)
            .filter(|&i| {
                cb.codes[i]
                    .parent
                    .as_deref()
                    .is_none_or(|p| !known.contains(p))
            })
            .collect();
        for i in tops.into_iter().chain(0..n) {
            if !done[i] {
                t.roots.push(i);
                t.visit(cb, &kids, i, &mut done);
            }
        }
        t
    }

    fn visit(
        &mut self,
        cb: &Codebook,
        kids: &std::collections::HashMap<&str, Vec<usize>>,
        i: usize,
        done: &mut [bool],
    ) {
        done[i] = true;
        self.order.push(i);
        let id = cb.codes[i].id.as_str();
        let mine: Vec<usize> = kids
            .get(id)
            .map_or(&[][..], Vec::as_slice)
            .iter()
            .copied()
            .filter(|&k| !done[k])
            .collect();
        for k in mine {
            if !done[k] {
                self.children[i].push(k);
                self.parent[k] = Some(i);
                self.visit(cb, kids, k, done);
            }
        }
    }
}

/// Which codes need the qualsynth block in their description: those with
/// rules or a memo (plain REFI-QDA has no field for them), and those whose
/// id [`read`] would not make again from the name (the parent's id, `.`,
/// the name with `_` for spaces, made unique), given the ids the blocks
/// carry. The ids the reader makes depend on the blocks, so this repeats
/// until no id changes.
fn needs_block(cb: &Codebook, tree: &Tree) -> Vec<bool> {
    let mut block: Vec<bool> = cb
        .codes
        .iter()
        .map(|c| !c.rules.is_empty() || c.memo.is_some() || c.label.trim().is_empty())
        .collect();
    loop {
        let mut taken: HashSet<String> = (0..cb.codes.len())
            .filter(|&i| block[i])
            .map(|i| cb.codes[i].id.clone())
            .collect();
        let mut made: Vec<String> = vec![String::new(); cb.codes.len()];
        let mut changed = false;
        for &i in &tree.order {
            let c = &cb.codes[i];
            if block[i] {
                made[i] = c.id.clone();
                continue;
            }
            let own = id_from_name(&c.label);
            let full = match tree.parent[i] {
                Some(p) => format!("{}.{own}", made[p]),
                None => own,
            };
            made[i] = unique_id(&mut taken, full);
            if made[i] != c.id {
                // The id travels in the block from now on: the reader
                // takes it before making any.
                block[i] = true;
                changed = true;
                taken.remove(&made[i]);
                taken.insert(c.id.clone());
                made[i] = c.id.clone();
            }
        }
        if !changed {
            return block;
        }
    }
}

struct Writer<'a> {
    cb: &'a Codebook,
    tree: &'a Tree,
    guids: Vec<String>,
    block: Vec<bool>,
}

impl Writer<'_> {
    fn code(&self, i: usize, depth: usize, out: &mut String) {
        let c = &self.cb.codes[i];
        let pad = "  ".repeat(depth);
        let colour = c
            .colour
            .as_deref()
            .and_then(normal_colour)
            .map_or(String::new(), |c| format!(" color=\"{c}\""));
        let description = description(c, self.block[i]);
        let kids = &self.tree.children[i];
        out.push_str(&format!(
            "{pad}<Code guid=\"{}\" name=\"{}\" isCodable=\"{}\"{colour}",
            self.guids[i],
            escape(&c.label, true),
            c.codable
        ));
        if description.is_empty() && kids.is_empty() {
            out.push_str("/>\n");
            return;
        }
        out.push_str(">\n");
        if !description.is_empty() {
            out.push_str(&format!(
                "{pad}  <Description>{}</Description>\n",
                escape(&description, false)
            ));
        }
        for &k in kids {
            self.code(k, depth + 1, out);
        }
        out.push_str(&format!("{pad}</Code>\n"));
    }
}

/// The definition, then (with `block`) a blank line and the qualsynth
/// block: the id, the rules, the memo.
fn description(c: &Code, block: bool) -> String {
    let def = c.definition.as_deref().map_or("", str::trim);
    if !block {
        return def.to_owned();
    }
    let mut lines = vec![format!("{BLOCK}id: {}", c.id)];
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
        lines.push(format!(
            "{BLOCK}{name}: {}",
            common::join_rules(rules[i..i + n].iter().copied())
        ));
        i += n;
    }
    if let Some(m) = &c.memo {
        lines.push(format!("{BLOCK}memo: {}", escape_memo(m)));
    }
    let block = lines.join("\n");
    if def.is_empty() {
        block
    } else {
        format!("{def}\n\n{block}")
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
            "<CodeBook><Codes><Code guid=\"9fa9bcb7-5b59-47a9-8c3e-f65cffdc7520\" name=\"a\\b\" isCodable=\"true\"/></Codes><Sets/></CodeBook>",
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
    fn entity_declarations_and_deep_nesting_are_refused_with_a_location() {
        let mut laughs =
            String::from("<?xml version=\"1.0\"?>\n<!DOCTYPE lolz [<!ENTITY lol0 \"lol\">");
        for i in 1..10 {
            laughs.push_str(&format!(
                "<!ENTITY lol{i} \"{}\">",
                format!("&lol{};", i - 1).repeat(10)
            ));
        }
        laughs.push_str("]>\n<CodeBook><Codes><Code name=\"&lol9;\" isCodable=\"true\"><Description>&lol9;</Description></Code></Codes></CodeBook>");
        let (cb, d) = read(&laughs, "t");
        assert!(cb.is_none());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            (d[0].severity, d[0].origin),
            (Severity::Error, Origin { line: 2, column: 1 })
        );
        assert!(d[0].message.contains("DOCTYPE with declarations"), "{d:?}");
        // Undeclared, an entity is only a warning, never expanded.
        let (cb, d) = read(
            "<CodeBook><Codes><Code name=\"a\" isCodable=\"true\"><Description>x &lol9; y</Description></Code></Codes></CodeBook>",
            "t",
        );
        assert_eq!(cb.unwrap().codes[0].definition.as_deref(), Some("x  y"));
        assert!(d[0].message.contains("unknown entity &lol9;"), "{d:?}");
        // 100,000 nested codes: each id would hold its parents' (gigabytes).
        let deep = format!(
            "<CodeBook><Codes>\n{}{}</Codes></CodeBook>",
            "<Code name=\"c\" isCodable=\"true\">".repeat(100_000),
            "</Code>".repeat(100_000)
        );
        let (cb, d) = read(&deep, "t");
        assert!(cb.is_none());
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(
            d[0].message,
            "elements nest deeper than 256 levels; refusing the file"
        );
        assert_eq!(d[0].origin.line, 2);
        // 254 levels of codes (256 elements) are read.
        let ok = format!(
            "<CodeBook><Codes>{}{}</Codes></CodeBook>",
            "<Code name=\"c\" isCodable=\"true\">".repeat(254),
            "</Code>".repeat(254)
        );
        assert_eq!(read(&ok, "t").0.unwrap().codes.len(), 254);
    }

    #[test]
    fn reads_the_rules_block_back() {
        let xml = "<CodeBook><Codes><Code name=\"Coût\" isCodable=\"true\"><Description>Le prix.\n\nqualsynth id: cout\nqualsynth rules: loyer; /\\d+ ?€/\nqualsynth rules en: rent\nqualsynth exclude: prix nobel\nqualsynth memo: a\\nb</Description></Code></Codes></CodeBook>";
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

    #[test]
    fn is_codable_false_is_read_and_written_back() {
        let (cb, _) = read(SPEC, "spec");
        let cb = cb.unwrap();
        let codable: Vec<bool> = cb.codes.iter().map(|c| c.codable).collect();
        assert_eq!(codable, [false, true, true]);
        let xml = write(&cb);
        assert!(xml.contains("name=\"Topics\" isCodable=\"false\""), "{xml}");
        assert_eq!(xml.matches("isCodable=\"true\"").count(), 2, "{xml}");
        let back = read(&xml, "x").0.unwrap();
        assert_eq!(
            back.codes.iter().map(|c| c.codable).collect::<Vec<_>>(),
            codable
        );
        // xsd:boolean also allows 0 and 1.
        let (cb, _) = read(
            "<CodeBook><Codes><Code name=\"a\" isCodable=\"0\"/><Code name=\"b\" isCodable=\"1\"/></Codes></CodeBook>",
            "t",
        );
        let cb = cb.unwrap();
        assert!(!cb.codes[0].codable && cb.codes[1].codable);
    }

    #[test]
    fn imported_guids_survive_export_with_their_case_and_braces() {
        let (cb, _) = read(SPEC, "spec");
        let mut cb = cb.unwrap();
        assert_eq!(
            cb.codes[0].guid.as_deref(),
            Some("{5215cc69-b628-4e02-afb9-9beeaee55808}")
        );
        cb.codes[2].guid = Some("9FA9BCB7-5B59-47A9-8C3E-F65CFFDC7520".into());
        cb.codes.push(Code {
            id: "new".into(),
            label: "new".into(),
            ..Code::default()
        });
        let xml = write(&cb);
        for g in [
            "{5215cc69-b628-4e02-afb9-9beeaee55808}",
            "{d7aa29da-519b-4946-9b90-253b6db8fd0a}",
            "9FA9BCB7-5B59-47A9-8C3E-F65CFFDC7520",
        ] {
            assert!(xml.contains(&format!("guid=\"{g}\"")), "{g}: {xml}");
        }
        assert!(
            xml.contains(&format!("guid=\"{}\"", code_guid("new"))),
            "{xml}"
        );
        let back = read(&xml, "x").0.unwrap();
        let guids: Vec<Option<&str>> = back.codes.iter().map(|c| c.guid.as_deref()).collect();
        // The new code's GUID is the one its id gives: nothing to keep.
        assert_eq!(
            guids,
            [
                Some("{5215cc69-b628-4e02-afb9-9beeaee55808}"),
                Some("{d7aa29da-519b-4946-9b90-253b6db8fd0a}"),
                Some("9FA9BCB7-5B59-47A9-8C3E-F65CFFDC7520"),
                None
            ]
        );
    }

    #[test]
    fn export_guids_never_repeat_a_guid_in_another_case() {
        let mut cb = Codebook::default();
        for (id, g) in [
            ("a", Some("5215cc69-b628-4e02-afb9-9beeaee55808")),
            ("b", Some("{5215CC69-B628-4E02-AFB9-9BEEAEE55808}")),
            ("c", Some("not a guid")),
            ("d", None),
        ] {
            cb.codes.push(Code {
                id: id.into(),
                guid: g.map(str::to_owned),
                ..Code::default()
            });
        }
        let g = export_guids(&cb);
        assert_eq!(g[0], "5215cc69-b628-4e02-afb9-9beeaee55808");
        assert_eq!(g[1], code_guid("b"));
        assert_eq!(g[2], code_guid("c"));
        assert_eq!(g[3], code_guid("d"));
    }

    #[test]
    fn an_invalid_guid_is_a_warning_and_gets_a_new_one() {
        let (cb, d) = read(
            "<CodeBook><Codes><Code guid=\"x\" name=\"a\" isCodable=\"true\"/></Codes></CodeBook>",
            "t",
        );
        assert_eq!(cb.unwrap().codes[0].guid, None);
        assert_eq!(d.len(), 1, "{d:?}");
        assert_eq!(d[0].severity, Severity::Warning);
        assert!(
            d[0].message.starts_with("guid \"x\" is not a GUID"),
            "{d:?}"
        );
    }

    #[test]
    fn a_plain_codebook_writes_back_plain_descriptions() {
        let (cb, _) = read(SPEC, "spec");
        let cb = cb.unwrap();
        let xml = write(&cb);
        assert!(!xml.contains("qualsynth id"), "{xml}");
        assert!(xml.contains("<Description>Anything about jobs &amp; taxes</Description>"));
        // Codes without a description get no <Description>.
        assert_eq!(xml.matches("<Description>").count(), 1, "{xml}");
        let back = read(&xml, "spec").0.unwrap();
        use crate::codebook::formats::tests::strip;
        assert_eq!(strip(back), strip(cb));
    }

    #[test]
    fn the_block_travels_only_for_rules_memos_and_ids_the_name_does_not_give() {
        let mut cb = Codebook::default();
        let code = |id: &str, label: &str, parent: Option<&str>| Code {
            id: id.into(),
            label: label.into(),
            parent: parent.map(str::to_owned),
            ..Code::default()
        };
        cb.codes.push(code("Barriers", "Barriers", None));
        cb.codes
            .push(code("Barriers.Cost", "Cost", Some("Barriers")));
        cb.codes.push(code("time", "Time", Some("Barriers")));
        cb.codes.push(code("Memo", "Memo", None));
        cb.codes[3].memo = Some("a\nb".into());
        cb.codes.push(code("Rules", "Rules", None));
        cb.codes[4]
            .rules
            .push(common::rule("loyer", None, false, Origin::default()).unwrap());
        // The first "Same" would be read back as "Same"; its id is "Same_2".
        cb.codes.push(code("Same_2", "Same", None));
        cb.codes.push(code("Same", "Same", None));
        let xml = write(&cb);
        let blocks: Vec<&str> = xml
            .lines()
            .filter_map(|l| {
                let l = l.trim();
                l.strip_prefix("<Description>")
                    .unwrap_or(l)
                    .strip_prefix("qualsynth id: ")
            })
            .map(|l| l.split('<').next().unwrap_or(l))
            .collect();
        assert_eq!(blocks, ["time", "Memo", "Rules", "Same_2"], "{xml}");
        let back = read(&xml, "x").0.unwrap();
        use crate::codebook::formats::tests::strip;
        assert_eq!(strip(back), strip(cb));
    }

    #[test]
    fn rgb_colours_become_rrggbb() {
        let (cb, d) = read(
            "<CodeBook><Codes><Code name=\"a\" isCodable=\"true\" color=\"#F0a\"/></Codes></CodeBook>",
            "t",
        );
        assert!(d.is_empty(), "{d:?}");
        let mut cb = cb.unwrap();
        assert_eq!(cb.codes[0].colour.as_deref(), Some("#FF00aa"));
        cb.codes[0].colour = Some("#abc".into());
        assert!(write(&cb).contains("color=\"#aabbcc\""));
    }

    #[test]
    fn a_project_reads_its_codebook_and_says_when_it_has_none() {
        let project = r##"<?xml version="1.0"?>
<Project xmlns="urn:QDA-XML:project:1.0" name="p">
  <CodeBook><Codes>
    <Code guid="1151DEBE-6435-5745-8AF4-DA1938BD90ED" name="Barriers" isCodable="false">
      <Code guid="356D5F35-7854-50A8-A7D0-4CB2FD761495" name="Cost" isCodable="true" color="#d62728"/>
    </Code>
  </Codes></CodeBook>
  <Sources><TextSource guid="A21BC78E-8585-5F00-A6DB-DE8C8AEA1819" name="n"><Description>not a code</Description></TextSource></Sources>
  <Sets><Set guid="412353A8-1B2B-5074-80A6-24D017DA2283" name="Region: North"/></Sets>
</Project>"##;
        let (cb, d) = read_in(project, "p", "project.qde");
        assert!(
            d.is_empty(),
            "a project's document sets are no code sets: {d:?}"
        );
        let cb = cb.unwrap();
        let got: Vec<(&str, bool, Option<&str>)> = cb
            .codes
            .iter()
            .map(|c| (c.id.as_str(), c.codable, c.guid.as_deref()))
            .collect();
        assert_eq!(
            got,
            [
                (
                    "Barriers",
                    false,
                    Some("1151DEBE-6435-5745-8AF4-DA1938BD90ED")
                ),
                (
                    "Barriers.Cost",
                    true,
                    Some("356D5F35-7854-50A8-A7D0-4CB2FD761495")
                ),
            ]
        );
        assert!(cb.codes.iter().all(|c| c.definition.is_none()));
        let none = "<Project xmlns=\"urn:QDA-XML:project:1.0\"><Users/><Sources/></Project>";
        let (cb, d) = read_in(none, "p", "project.qde");
        assert!(cb.is_none());
        assert_eq!(d.len(), 1);
        assert_eq!(d[0].severity, Severity::Error);
        assert_eq!(d[0].message, "project.qde has no <CodeBook>: 0 codes");
        assert_eq!(
            read(none, "p").1[0].message,
            "this project has no <CodeBook>: 0 codes"
        );
        let (cb, d) = read("<Project><CodeBook><Codes/></CodeBook></Project>", "p");
        assert!(cb.unwrap().codes.is_empty());
        assert_eq!(d[0].severity, Severity::Warning);
        assert!(d[0].message.contains("no <Code>"), "{d:?}");
    }
}
