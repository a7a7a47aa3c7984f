//! Miro boards as the REST API returns their items (`GET
//! /v2/boards/{board_id}/items`): `{"data": [ITEM, …], "cursor": …,
//! "total": …}`, a list of such pages (every page of a board saved in one
//! file), or a bare list of items. Each `sticky_note` becomes a row:
//!
//! - `Content`: its `data.content`, HTML (`<p>`, `<br>`, `<strong>`…)
//!   turned into text, one line per paragraph, entities (`&amp;`,
//!   `&nbsp;`, `&#39;`…) decoded;
//! - `Frame`: the `data.title` of the `frame` item its `parent` names
//!   (empty for a note outside any frame);
//! - `Colour`: its `style.fillColor` (`light_yellow`);
//! - `Votes`: the dot votes on it, when the board has any: small circles
//!   (`shape` items with `data.shape` `circle`, at most 60 wide) whose
//!   centre lies on the note, in the same frame;
//! - `Id` and `Author id`: the item's id and `createdBy.id` (a Miro user
//!   id, not a name: kept as an attribute, not as the participant).
//!
//! Other items (text, shapes, connectors, cards) are left out. Rows carry
//! the line where their item starts in the file, and errors a line and
//! column: JSON syntax errors where the parser stopped, a frame whose title
//! names no part of the grid's method at that title.

use std::collections::HashMap;

use serde_json::Value;

use super::super::error::ParseError;
use super::table::Table;
use crate::corpus::method::Method;

/// Dots wider than this are shapes, not votes.
const MAX_DOT: f64 = 60.0;

/// The headers of the table a board becomes.
pub const HEADERS: [&str; 6] = ["Content", "Frame", "Colour", "Votes", "Id", "Author id"];

/// Whether bytes look like a JSON export of board items (for files without
/// a `.json` name).
pub fn looks_like_board(bytes: &[u8]) -> bool {
    let text = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let start = text.iter().position(|b| !b.is_ascii_whitespace());
    matches!(start.map(|i| text[i]), Some(b'{' | b'[')) && contains(text, b"\"sticky_note\"")
}

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

/// One item of the board and where it starts in the file.
struct Placed<'v> {
    offset: usize,
    item: &'v Value,
}

/// Reads a board export into a table of its sticky notes. With a method,
/// every note's frame must name one of the method's parts.
pub fn read_board(bytes: &[u8], method: Option<&Method>) -> Result<Table, ParseError> {
    let raw = bytes.strip_prefix(b"\xef\xbb\xbf").unwrap_or(bytes);
    let text = std::str::from_utf8(raw).map_err(|e| {
        let (line, column) = line_col(
            &String::from_utf8_lossy(&raw[..e.valid_up_to()]),
            usize::MAX,
        );
        ParseError::at(line, column, "a JSON board export must be UTF-8")
    })?;
    let root: Value = serde_json::from_str(text).map_err(|e| {
        let msg = e.to_string();
        let msg = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
        ParseError::at(
            e.line() as u64,
            e.column() as u64,
            format!("not valid JSON: {msg}"),
        )
    })?;
    let (roots, datas) = element_offsets(text);
    let items: Vec<Placed> = match &root {
        Value::Object(o) => match o.get("data") {
            Some(Value::Array(a)) => place(a.iter(), &datas),
            _ => return Err(shape_error()),
        },
        Value::Array(a)
            if !a.is_empty() && a.iter().all(|p| p.get("data").is_some_and(Value::is_array)) =>
        {
            place(
                a.iter()
                    .filter_map(|p| p.get("data").and_then(Value::as_array))
                    .flatten(),
                &datas,
            )
        }
        Value::Array(a) => place(a.iter(), &roots),
        _ => return Err(shape_error()),
    };
    let ends: Vec<usize> = items
        .iter()
        .skip(1)
        .map(|p| p.offset)
        .chain([text.len()])
        .collect();

    // Frames by id: title and where the title is written.
    let mut frames: HashMap<String, (String, usize)> = HashMap::new();
    for (k, p) in items.iter().enumerate() {
        if kind(p.item) != Some("frame") {
            continue;
        }
        let Some(id) = id_of(p.item) else { continue };
        let title = p
            .item
            .pointer("/data/title")
            .and_then(Value::as_str)
            .map(html_text)
            .unwrap_or_default();
        let at = title_offset(text, p.offset, ends[k]).unwrap_or(p.offset);
        frames.insert(id, (title, at));
    }

    let notes: Vec<(usize, &Placed)> = items
        .iter()
        .enumerate()
        .filter(|(_, p)| kind(p.item) == Some("sticky_note"))
        .collect();
    if notes.is_empty() {
        return Err(ParseError::file(
            "no sticky note in this board export; expected items of type \"sticky_note\" (GET /v2/boards/{id}/items)",
        ));
    }
    let dots: Vec<(Option<String>, f64, f64)> = items
        .iter()
        .filter(|p| is_dot(p.item))
        .filter_map(|p| {
            let (x, y) = centre(p.item)?;
            Some((parent_of(p.item), x, y))
        })
        .collect();
    let votes = count_votes(&notes, &dots);

    let mut records: Vec<(u64, Vec<String>)> =
        vec![(1, HEADERS.iter().map(|h| (*h).to_owned()).collect())];
    for (n, (_, p)) in notes.iter().enumerate() {
        let item = p.item;
        let id = id_of(item).unwrap_or_default();
        let content = item
            .pointer("/data/content")
            .and_then(Value::as_str)
            .map(html_text)
            .unwrap_or_default();
        let parent = parent_of(item);
        let frame = parent.as_ref().and_then(|f| frames.get(f));
        let (line, column) = line_col(text, p.offset);
        if let Some(m) = method {
            let written = frame.map_or("", |f| f.0.as_str());
            if let Err(e) = m.part_of(written) {
                let (at, what) = match frame {
                    Some((title, off)) if !title.trim().is_empty() => (
                        line_col(text, *off),
                        format!("frame \"{title}\" of sticky note {id}"),
                    ),
                    _ => ((line, column), format!("frame of sticky note {id}")),
                };
                return Err(ParseError::at(at.0, at.1, e.describe(&what)));
            }
        }
        let colour = item
            .pointer("/style/fillColor")
            .and_then(Value::as_str)
            .unwrap_or_default();
        let author = match item.pointer("/createdBy/id") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Number(n)) => n.to_string(),
            _ => String::new(),
        };
        records.push((
            line,
            vec![
                content,
                frame.map(|f| f.0.clone()).unwrap_or_default(),
                colour.to_owned(),
                votes
                    .get(n)
                    .copied()
                    .flatten()
                    .map(|v| v.to_string())
                    .unwrap_or_default(),
                id,
                author,
            ],
        ));
    }
    Table::from_records(records, 1)
}

fn shape_error() -> ParseError {
    ParseError::file(
        "expected the items of a Miro board as the REST API returns them: {\"data\": [items…]}, a list of such pages, or a list of items",
    )
}

fn place<'v>(items: impl Iterator<Item = &'v Value>, offsets: &[usize]) -> Vec<Placed<'v>> {
    items
        .enumerate()
        .map(|(i, item)| Placed {
            offset: offsets.get(i).copied().unwrap_or(0),
            item,
        })
        .collect()
}

fn kind(item: &Value) -> Option<&str> {
    item.get("type").and_then(Value::as_str)
}

fn id_of(item: &Value) -> Option<String> {
    match item.get("id")? {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        _ => None,
    }
}

fn parent_of(item: &Value) -> Option<String> {
    item.get("parent").and_then(id_of)
}

fn number(item: &Value, path: &str) -> Option<f64> {
    item.pointer(path).and_then(Value::as_f64)
}

fn centre(item: &Value) -> Option<(f64, f64)> {
    Some((number(item, "/position/x")?, number(item, "/position/y")?))
}

/// A small circle: a dot vote.
fn is_dot(item: &Value) -> bool {
    kind(item) == Some("shape")
        && item.pointer("/data/shape").and_then(Value::as_str) == Some("circle")
        && number(item, "/geometry/width").is_some_and(|w| w <= MAX_DOT)
}

/// The dots on each note (nearest note whose box holds the dot, in the same
/// frame); `None` for every note when the board has no dot.
fn count_votes(
    notes: &[(usize, &Placed)],
    dots: &[(Option<String>, f64, f64)],
) -> Vec<Option<i64>> {
    if dots.is_empty() {
        return vec![None; notes.len()];
    }
    /// A note's box: its frame, centre and half sizes.
    struct NoteBox {
        parent: Option<String>,
        x: f64,
        y: f64,
        half_w: f64,
        half_h: f64,
    }
    let boxes: Vec<Option<NoteBox>> = notes
        .iter()
        .map(|(_, p)| {
            let (x, y) = centre(p.item)?;
            let w = number(p.item, "/geometry/width").unwrap_or(200.0);
            let h = number(p.item, "/geometry/height").unwrap_or(w);
            Some(NoteBox {
                parent: parent_of(p.item),
                x,
                y,
                half_w: w / 2.0,
                half_h: h / 2.0,
            })
        })
        .collect();
    let mut votes = vec![0i64; notes.len()];
    for (parent, dx, dy) in dots {
        let mut best: Option<(usize, f64)> = None;
        for (k, b) in boxes.iter().enumerate() {
            let Some(b) = b else { continue };
            if &b.parent != parent || (dx - b.x).abs() > b.half_w || (dy - b.y).abs() > b.half_h {
                continue;
            }
            let d = (dx - b.x).powi(2) + (dy - b.y).powi(2);
            if best.is_none_or(|(_, bd)| d < bd) {
                best = Some((k, d));
            }
        }
        if let Some((k, _)) = best {
            votes[k] += 1;
        }
    }
    votes.into_iter().map(Some).collect()
}

/// Where the value of the `"title"` key is written inside an item.
fn title_offset(text: &str, start: usize, end: usize) -> Option<usize> {
    let span = text.get(start..end)?;
    let key = span.find("\"title\"")?;
    let after = &span[key + 7..];
    let colon = after.find(':')?;
    let quote = after[colon..].find('"')?;
    Some(start + key + 7 + colon + quote)
}

/// The 1-based line and column (in characters) of a byte offset.
fn line_col(text: &str, offset: usize) -> (u64, u64) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = &text[..end];
    let line = before.matches('\n').count() as u64 + 1;
    let col = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) as u64 + 1;
    (line, col)
}

/// The byte offsets where the elements of the top-level array start, and
/// those where the elements of arrays under a `"data"` key start, in file
/// order. The file is valid JSON (checked before).
fn element_offsets(text: &str) -> (Vec<usize>, Vec<usize>) {
    #[derive(Clone, Copy)]
    enum Open {
        Object,
        Array { root: bool, data: bool },
    }
    let b = text.as_bytes();
    let (mut roots, mut datas) = (Vec::new(), Vec::new());
    let mut stack: Vec<Open> = Vec::new();
    let (mut expect_element, mut expect_key, mut key_is_data) = (false, false, false);
    let mut i = 0;
    while i < b.len() {
        let c = b[i];
        if c.is_ascii_whitespace() {
            i += 1;
            continue;
        }
        let starts_value = matches!(
            c,
            b'{' | b'[' | b'"' | b'-' | b'0'..=b'9' | b't' | b'f' | b'n'
        );
        if starts_value && expect_element {
            if let Some(Open::Array { root, data }) = stack.last() {
                if *root {
                    roots.push(i);
                }
                if *data {
                    datas.push(i);
                }
            }
            expect_element = false;
        }
        match c {
            b'{' => {
                stack.push(Open::Object);
                expect_key = true;
            }
            b'[' => {
                let root = stack.is_empty();
                let data = matches!(stack.last(), Some(Open::Object)) && key_is_data;
                stack.push(Open::Array { root, data });
                expect_element = true;
                expect_key = false;
            }
            b'}' | b']' => {
                stack.pop();
                expect_element = false;
                expect_key = false;
            }
            b',' => match stack.last() {
                Some(Open::Object) => expect_key = true,
                Some(Open::Array { .. }) => expect_element = true,
                None => {}
            },
            b':' => expect_key = false,
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    if b[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if expect_key {
                    key_is_data = text.get(start..i.min(b.len())) == Some("data");
                    expect_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    (roots, datas)
}

/// The text of a note's HTML content: one line per paragraph, line break
/// or list item, tags dropped, entities decoded, spaces collapsed.
pub fn html_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut rest = html;
    while let Some(i) = rest.find(['<', '&']) {
        out.push_str(&rest[..i]);
        rest = &rest[i..];
        if rest.starts_with('<') {
            let Some(end) = rest.find('>') else {
                out.push_str(rest);
                rest = "";
                break;
            };
            let tag = rest[1..end]
                .trim_start_matches('/')
                .split(|c: char| c.is_whitespace() || c == '/')
                .next()
                .unwrap_or_default()
                .to_ascii_lowercase();
            if matches!(
                tag.as_str(),
                "p" | "br" | "div" | "li" | "ul" | "ol" | "h1" | "h2" | "h3"
            ) {
                out.push('\n');
            }
            rest = &rest[end + 1..];
        } else {
            let end =
                rest[1..].find(|c: char| c == ';' || c == '&' || c == '<' || c.is_whitespace());
            match end.filter(|&e| rest.as_bytes().get(e + 1) == Some(&b';')) {
                Some(e) => match entity(&rest[1..=e]) {
                    Some(c) => {
                        out.push(c);
                        rest = &rest[e + 2..];
                    }
                    None => {
                        out.push('&');
                        rest = &rest[1..];
                    }
                },
                None => {
                    out.push('&');
                    rest = &rest[1..];
                }
            }
        }
    }
    out.push_str(rest);
    out.lines()
        .map(|l| l.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "rsquo" => '’',
        "lsquo" => '‘',
        "ldquo" => '“',
        "rdquo" => '”',
        "laquo" => '«',
        "raquo" => '»',
        "hellip" => '…',
        "ndash" => '–',
        "mdash" => '—',
        "euro" => '€',
        _ => {
            let n = name.strip_prefix('#')?;
            let code = match n.strip_prefix(['x', 'X']) {
                Some(h) => u32::from_str_radix(h, 16).ok()?,
                None => n.parse().ok()?,
            };
            return char::from_u32(code);
        }
    })
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A page as `GET /v2/boards/{id}/items` returns it: two frames, three
    /// notes (one outside any frame), a dot vote, a text item.
    pub(crate) const PAGE: &str = r##"{
  "data": [
    {"id": "3458764600000000001", "type": "frame",
     "data": {"format": "custom", "title": "Strengths", "type": "freeform"},
     "geometry": {"width": 800, "height": 600},
     "position": {"x": 0, "y": 0, "origin": "center", "relativeTo": "canvas_center"}},
    {"id": "3458764600000000002", "type": "frame",
     "data": {"format": "custom", "title": "Weaknesses", "type": "freeform"},
     "position": {"x": 900, "y": 0, "origin": "center", "relativeTo": "canvas_center"}},
    {"id": "3458764600000000010", "type": "sticky_note",
     "data": {"content": "<p>Good <strong>coffee</strong> &amp; a terrace</p><p>Friendly&nbsp;hosts</p>", "shape": "square"},
     "style": {"fillColor": "light_green", "textAlign": "center"},
     "geometry": {"width": 200, "height": 228},
     "position": {"x": 150, "y": 120, "origin": "center", "relativeTo": "parent_top_left"},
     "parent": {"id": "3458764600000000001"},
     "createdBy": {"id": "3074457350000000001", "type": "user"}},
    {"id": "3458764600000000011", "type": "sticky_note",
     "data": {"content": "<p>Closed on Saturdays</p>", "shape": "square"},
     "style": {"fillColor": "light_pink"},
     "geometry": {"width": 200, "height": 228},
     "position": {"x": 150, "y": 120, "origin": "center", "relativeTo": "parent_top_left"},
     "parent": {"id": "3458764600000000002"},
     "createdBy": {"id": 3074457350000000002, "type": "user"}},
    {"id": "3458764600000000020", "type": "shape",
     "data": {"content": "", "shape": "circle"},
     "geometry": {"width": 24, "height": 24},
     "position": {"x": 170, "y": 100, "origin": "center", "relativeTo": "parent_top_left"},
     "parent": {"id": "3458764600000000002"}},
    {"id": "3458764600000000021", "type": "shape",
     "data": {"content": "", "shape": "circle"},
     "geometry": {"width": 24, "height": 24},
     "position": {"x": 120, "y": 140, "origin": "center", "relativeTo": "parent_top_left"},
     "parent": {"id": "3458764600000000002"}},
    {"id": "3458764600000000030", "type": "text",
     "data": {"content": "<p>Board of the Brussels group</p>"},
     "position": {"x": 0, "y": -400, "origin": "center", "relativeTo": "canvas_center"}}
  ],
  "total": 7,
  "size": 7,
  "cursor": "MzQ1ODc2NDYwMDAwMDAwMDAzMA==",
  "limit": 10,
  "links": {"self": "https://api.miro.com/v2/boards/uXjVO_example=/items?limit=10"}
}"##;

    fn cells(t: &Table) -> Vec<Vec<&str>> {
        t.rows
            .iter()
            .map(|r| r.cells.iter().map(String::as_str).collect())
            .collect()
    }

    #[test]
    fn a_page_of_items_gives_its_sticky_notes() {
        let t = read_board(PAGE.as_bytes(), None).unwrap();
        assert_eq!(t.headers, HEADERS);
        assert_eq!(
            cells(&t),
            [
                vec![
                    "Good coffee & a terrace\nFriendly hosts",
                    "Strengths",
                    "light_green",
                    "0",
                    "3458764600000000010",
                    "3074457350000000001"
                ],
                vec![
                    "Closed on Saturdays",
                    "Weaknesses",
                    "light_pink",
                    "2",
                    "3458764600000000011",
                    "3074457350000000002"
                ],
            ]
        );
        // Each row is at the line where its item starts.
        let lines: Vec<u64> = t.rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, [10, 17]);
    }

    #[test]
    fn pages_and_bare_lists_read_the_same() {
        let page: Value = serde_json::from_str(PAGE).unwrap();
        let items = page["data"].clone();
        let one = read_board(PAGE.as_bytes(), None).unwrap();
        let pages = serde_json::to_string_pretty(&Value::Array(vec![
            page.clone(),
            serde_json::json!({"data": []}),
        ]))
        .unwrap();
        let bare = serde_json::to_string_pretty(&items).unwrap();
        for text in [pages, bare] {
            let t = read_board(text.as_bytes(), None).unwrap();
            assert_eq!(cells(&t), cells(&one));
            assert!(t.rows[0].line > 1, "{:?}", t.rows[0]);
        }
    }

    #[test]
    fn a_frame_that_names_no_part_is_an_error_at_its_title() {
        let swot = Method::builtin("swot").unwrap();
        assert!(read_board(PAGE.as_bytes(), Some(&swot)).is_ok());
        let bad = PAGE.replace("\"Weaknesses\"", "\"Weaknises\"");
        let e = read_board(bad.as_bytes(), Some(&swot)).unwrap_err();
        assert_eq!((e.line, e.column), (Some(8), Some(44)), "{e}");
        assert!(
            e.message.starts_with("frame \"Weaknises\" of sticky note 3458764600000000011 is not a part of swot; expected one of: strengths (forces, sterktes)"),
            "{e}"
        );
        let outside = PAGE.replace("\"parent\": {\"id\": \"3458764600000000001\"},", "");
        let e = read_board(outside.as_bytes(), Some(&swot)).unwrap_err();
        assert_eq!(e.line, Some(10), "{e}");
        assert!(
            e.message
                .starts_with("empty frame of sticky note 3458764600000000010; swot expects one of"),
            "{e}"
        );
    }

    #[test]
    fn bad_json_is_located_and_other_json_explained() {
        let e = read_board(b"{\n  \"data\": [\n    {\"id\": 1,,}\n  ]\n}", None).unwrap_err();
        assert_eq!(e.line, Some(3), "{e}");
        assert!(
            e.column.is_some() && e.message.starts_with("not valid JSON"),
            "{e}"
        );
        let e = read_board(b"{\"boards\": []}", None).unwrap_err();
        assert!(e.message.contains("REST API"), "{e}");
        let e = read_board(b"{\"data\": [{\"type\": \"text\"}]}", None).unwrap_err();
        assert!(e.message.contains("no sticky note"), "{e}");
        assert!(read_board(b"\xff\xfe{}", None).is_err());
        assert!(looks_like_board(PAGE.as_bytes()));
        assert!(!looks_like_board(b"Content,Frame\n\"sticky_note\",x\n"));
    }

    #[test]
    fn html_content_becomes_text() {
        let cases: &[(&str, &str)] = &[
            ("<p>Loyer trop cher</p>", "Loyer trop cher"),
            ("<p>a</p><p><br></p><p>b</p>", "a\nb"),
            (
                "l&#39;accès &lt;24 h&gt; &#x2014; ok",
                "l'accès <24 h> — ok",
            ),
            ("<p>Tom &amp; Lena</p>", "Tom & Lena"),
            ("AT&T &unknown; fin", "AT&T &unknown; fin"),
            (
                "<span style=\"color:red\">rouge</span> <em>vif</em>",
                "rouge vif",
            ),
            ("cassé <", "cassé <"),
        ];
        for (html, want) in cases {
            assert_eq!(html_text(html), *want, "{html}");
        }
    }

    #[test]
    fn garbage_never_panics() {
        let mut seed = 0x9e37_79b9_7f4a_7c15u64;
        let swot = Method::builtin("swot").unwrap();
        for round in 0..400 {
            let mut bytes = PAGE.as_bytes().to_vec();
            for _ in 0..1 + round % 5 {
                seed ^= seed << 13;
                seed ^= seed >> 7;
                seed ^= seed << 17;
                let i = (seed as usize) % bytes.len();
                bytes[i] = (seed >> 32) as u8;
            }
            let _ = read_board(&bytes, Some(&swot));
            let _ = html_text(&String::from_utf8_lossy(&bytes));
        }
    }
}
