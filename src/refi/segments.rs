//! A project's texts as segments, and its coded selections as codings of
//! those segments. A text whose paragraphs are separated by blank lines
//! throughout (qualsynth's own exports, most transcripts) gives one segment
//! per paragraph; a text with few or no blank lines one segment per line. A paragraph
//! that starts with a speaker label (`Name: `, a label found on two
//! paragraphs or more of the text, or a role such as `Interviewer:`) is a
//! turn of that speaker. Pure.

use std::collections::{BTreeMap, HashMap};

use super::read::Project;
use crate::corpus::{RawSegment, Role, SegmentKind};

/// A segment of a project source and where its text sits in the source.
#[derive(Debug, Clone, PartialEq)]
pub struct ProjectSegment {
    /// Index of the source in [`Project::sources`].
    pub source: usize,
    /// The segment, ready for the study.
    pub raw: RawSegment,
    /// First character (code point) of the segment's text in the source.
    pub start: usize,
    /// Its length in characters.
    pub len: usize,
}

/// A coded span of a segment.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct SegmentCoding {
    /// Index of the segment in the list [`segments`] gave.
    pub segment: usize,
    /// The code's GUID (lower case).
    pub code: String,
    /// The coder's name (the project's user, or `unknown`).
    pub coder: String,
    /// First character of the span in the segment's text.
    pub start: usize,
    /// Character after it.
    pub end: usize,
}

/// A block of a text: its character range (trimmed) and its first line.
struct Block {
    start: usize,
    end: usize,
    line: u64,
}

/// The blocks of a text: paragraphs between blank lines when it has blank
/// lines, else its lines; trimmed; blank ones left out.
fn blocks(chars: &[char]) -> Vec<Block> {
    // Lines as (start, end) without their line break, and their numbers.
    let mut lines: Vec<(usize, usize)> = Vec::new();
    let mut s = 0;
    for (i, c) in chars.iter().enumerate() {
        if *c == '\n' {
            let e = if i > s && chars[i - 1] == '\r' {
                i - 1
            } else {
                i
            };
            lines.push((s, e));
            s = i + 1;
        }
    }
    lines.push((s, chars.len()));
    let blank = |l: &(usize, usize)| chars[l.0..l.1].iter().all(|c| c.is_whitespace());
    // Paragraphs when blank lines separate them throughout (at least one
    // for every four lines of text), else lines: a field-per-line export
    // with a few stray blank lines is read line by line.
    let mut separators = 0;
    let (mut seen_text, mut gap) = (false, false);
    for l in &lines {
        if blank(l) {
            gap = seen_text;
        } else {
            if gap {
                separators += 1;
            }
            seen_text = true;
            gap = false;
        }
    }
    let text_lines = lines.iter().filter(|l| !blank(l)).count();
    let by_paragraph = separators > 0 && separators * 4 >= text_lines;
    let mut out: Vec<Block> = Vec::new();
    let mut open: Option<(usize, usize, u64)> = None;
    for (n, l) in lines.iter().enumerate() {
        let number = n as u64 + 1;
        if blank(l) {
            if let Some((a, b, ln)) = open.take() {
                out.push(trimmed(chars, a, b, ln));
            }
            continue;
        }
        match (&mut open, by_paragraph) {
            (Some((_, b, _)), true) => *b = l.1,
            _ => {
                if let Some((a, b, ln)) = open.take() {
                    out.push(trimmed(chars, a, b, ln));
                }
                open = Some((l.0, l.1, number));
            }
        }
    }
    if let Some((a, b, ln)) = open {
        out.push(trimmed(chars, a, b, ln));
    }
    out.retain(|b| b.end > b.start);
    out
}

fn trimmed(chars: &[char], mut a: usize, mut b: usize, line: u64) -> Block {
    while a < b && chars[a].is_whitespace() {
        a += 1;
    }
    while b > a && chars[b - 1].is_whitespace() {
        b -= 1;
    }
    Block {
        start: a,
        end: b,
        line,
    }
}

/// The speaker label at the start of a block (`Name: `): its characters
/// (without the colon) and where the text after it starts.
fn label(chars: &[char], b: &Block) -> Option<(String, usize)> {
    let limit = (b.start + 60).min(b.end);
    let colon = (b.start..limit).find(|&i| chars[i] == ':')?;
    if colon + 1 >= b.end || chars[colon + 1] != ' ' {
        return None;
    }
    let name: String = chars[b.start..colon].iter().collect();
    let name = name.trim();
    let first = name.chars().next()?;
    let words = name.split_whitespace().count();
    if !(first.is_alphabetic() || first == '[')
        || words > 5
        || name
            .chars()
            .any(|c| matches!(c, '.' | '?' | '!' | '\n' | '\r' | '"' | '«'))
    {
        return None;
    }
    let mut text = colon + 1;
    while text < b.end && chars[text].is_whitespace() {
        text += 1;
    }
    (text < b.end).then(|| (name.to_owned(), text))
}

/// The segments of every source of the project, sources in project order.
/// Each segment records its source's name as the `document` attribute and
/// the speaker's case attributes (a case of the speaker's name linked to
/// the source, or of that name alone) as participant attributes; a case
/// variable `role` gives the speaker's role.
pub fn segments(p: &Project) -> Vec<ProjectSegment> {
    let mut out = Vec::new();
    for (si, s) in p.sources.iter().enumerate() {
        let chars: Vec<char> = s.text.chars().collect();
        let bs = blocks(&chars);
        let labels: Vec<Option<(String, usize)>> = bs.iter().map(|b| label(&chars, b)).collect();
        // A label is a speaker's when the text is a transcript (a quarter of
        // its blocks or more are labelled) and it introduces different
        // words each time (a title repeated on every record is no speaker).
        let mut said: HashMap<&str, std::collections::HashSet<String>> = HashMap::new();
        for (b, l) in bs.iter().zip(&labels) {
            if let Some((n, at)) = l {
                let head: String = chars[*at..b.end].iter().take(30).collect();
                said.entry(n.as_str()).or_default().insert(head);
            }
        }
        let labelled = labels.iter().flatten().count();
        let transcript = labelled * 4 >= bs.len();
        for (b, l) in bs.iter().zip(&labels) {
            let speaker = l.as_ref().filter(|(n, _)| {
                transcript && (said[n.as_str()].len() >= 2 || Role::parse(n).is_some())
            });
            let (start, speaker) = match speaker {
                Some((n, text)) => (*text, Some(n.clone())),
                None => (b.start, None),
            };
            let text: String = chars[start..b.end].iter().collect();
            let mut raw = RawSegment {
                kind: if speaker.is_some() {
                    SegmentKind::Turn
                } else {
                    SegmentKind::Paragraph
                },
                text,
                line: Some(b.line),
                ..RawSegment::default()
            };
            raw.attributes.insert("document".to_owned(), s.name.clone());
            if let Some(name) = &speaker {
                let case = p
                    .cases
                    .iter()
                    .find(|c| &c.name == name && c.sources.iter().any(|g| g == &s.guid))
                    .or_else(|| p.cases.iter().find(|c| &c.name == name));
                if let Some(c) = case {
                    for (k, v) in &c.variables {
                        if k.eq_ignore_ascii_case("role") {
                            raw.role = Role::parse(v);
                        } else if !k.eq_ignore_ascii_case("group") {
                            raw.participant_attributes.insert(k.clone(), v.clone());
                        }
                    }
                }
            }
            raw.speaker = speaker;
            out.push(ProjectSegment {
                source: si,
                len: b.end - start,
                start,
                raw,
            });
        }
    }
    out
}

/// The project's codings as codings of the segments: each selection is cut
/// to every segment it overlaps (a selection between segments, on a speaker
/// label or a blank line only, gives none). A coding's coder is the user of
/// the coding, else of its selection, by name.
pub fn codings(p: &Project, segs: &[ProjectSegment]) -> Vec<SegmentCoding> {
    let users: HashMap<&str, &str> = p
        .users
        .iter()
        .map(|u| (u.guid.as_str(), u.name.as_str()))
        .collect();
    let mut by_source: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, s) in segs.iter().enumerate() {
        by_source.entry(s.source).or_default().push(i);
    }
    let mut out = Vec::new();
    for (si, s) in p.sources.iter().enumerate() {
        let Some(mine) = by_source.get(&si) else {
            continue;
        };
        for sel in &s.selections {
            for c in &sel.codings {
                let who = c
                    .creator
                    .as_deref()
                    .or(sel.creator.as_deref())
                    .and_then(|g| users.get(g).copied())
                    .unwrap_or("unknown");
                for &i in mine {
                    let g = &segs[i];
                    let (a, b) = (sel.start.max(g.start), sel.end.min(g.start + g.len));
                    if a < b {
                        out.push(SegmentCoding {
                            segment: i,
                            code: c.code.clone(),
                            coder: who.to_owned(),
                            start: a - g.start,
                            end: b - g.start,
                        });
                    }
                }
            }
        }
    }
    out.sort();
    out.dedup();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chars(s: &str) -> Vec<char> {
        s.chars().collect()
    }

    #[test]
    fn paragraphs_or_lines() {
        let c = chars("Ana: un\nsuite\n\nBob: deux\n\n\ntrois");
        // (three paragraphs of four lines: blank lines separate them)
        let b = blocks(&c);
        let texts: Vec<String> = b
            .iter()
            .map(|b| c[b.start..b.end].iter().collect())
            .collect();
        assert_eq!(texts, ["Ana: un\nsuite", "Bob: deux", "trois"]);
        assert_eq!(b.iter().map(|b| b.line).collect::<Vec<_>>(), [1, 4, 7]);
        let c = chars("un\r\ndeux\r\n  trois  \r\n");
        let b = blocks(&c);
        let texts: Vec<String> = b
            .iter()
            .map(|b| c[b.start..b.end].iter().collect())
            .collect();
        assert_eq!(texts, ["un", "deux", "trois"]);
    }

    #[test]
    fn labels_look_like_names() {
        let c = chars("Claire Dubois: le loyer");
        let b = &blocks(&c)[0];
        assert_eq!(label(&c, b), Some(("Claire Dubois".to_owned(), 15)));
        let c = chars("Voici le problème. Il faut: partir");
        assert_eq!(label(&c, &blocks(&c)[0]), None);
        let c = chars("Note: ");
        assert_eq!(label(&c, &blocks(&c)[0]), None);
    }
}
