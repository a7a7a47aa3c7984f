//! WebVTT and SRT subtitles: cues into speaker turns and paragraphs.
//!
//! A cue's speaker comes from a voice span (`<v Ana>`, `<v.loud Ana>`), or
//! from `Name: text` / `- Name: text` at the start of a cue line (the name
//! must be capitalised, an id or a role; see `txt.rs`). Consecutive cues of
//! the same speaker merge into one turn (text joined with a space, the first
//! cue's time and line). Cues without a speaker each become their own
//! paragraph. A segment's `line` is the line of its cue's timing line (for a
//! second speaker inside one cue: the line where that speaker starts). All
//! inline tags are removed and entities decoded. A block of text with no
//! timing line after a cue continues that cue (a blank line inside the text).

use super::labels::cue_speaker;
use super::{parse_clock, split_lines};
use crate::corpus::error::ParseError;
use crate::corpus::model::{RawSegment, SegmentKind};

const VTT_TIMING: &str = "expected a timing line like 00:01:02.500 --> 00:01:04.000";
const SRT_TIMING: &str = "expected a timing line like 00:01:02,500 --> 00:01:04,000";

/// Parses a WebVTT file.
pub(super) fn parse_vtt(text: &str) -> Result<Vec<RawSegment>, ParseError> {
    let lines = split_lines(text);
    let first = lines
        .first()
        .map_or("", |l| l.trim_start_matches('\u{feff}'));
    if !is_keyword(first, "WEBVTT") {
        return Err(ParseError::at(
            1,
            1,
            "expected \"WEBVTT\" on the first line of a WebVTT file",
        ));
    }
    // The first block is the header (it holds line 1).
    let blocks: Vec<_> = blocks(&lines)
        .into_iter()
        .skip(1)
        .filter(|b| {
            let l = b.first().map_or("", |(_, l)| *l);
            !["NOTE", "STYLE", "REGION"]
                .iter()
                .any(|kw| is_keyword(l, kw))
        })
        .collect();
    let cues = cues_from_blocks(blocks, VTT_TIMING)?;
    if cues.is_empty() {
        return Err(ParseError::file(
            "no cues: a WebVTT file needs cues like \"00:00:01.000 --> 00:00:04.000\" followed by text",
        ));
    }
    Ok(segments(&cues))
}

/// Parses an SRT file.
pub(super) fn parse_srt(text: &str) -> Result<Vec<RawSegment>, ParseError> {
    let lines: Vec<&str> = split_lines(text)
        .into_iter()
        .map(|l| l.trim_start_matches('\u{feff}'))
        .collect();
    let cues = cues_from_blocks(blocks(&lines), SRT_TIMING)?;
    if cues.is_empty() {
        return Err(ParseError::file(
            "no cues: an SRT file needs numbered cues with a timing line like \"00:00:01,000 --> 00:00:04,000\" followed by text",
        ));
    }
    Ok(segments(&cues))
}

/// A line is `kw` alone or `kw` followed by a space or tab.
fn is_keyword(line: &str, kw: &str) -> bool {
    line.strip_prefix(kw)
        .is_some_and(|r| r.is_empty() || r.starts_with([' ', '\t']))
}

type Block<'a> = Vec<(u64, &'a str)>;

/// Groups non-blank lines, with their 1-based numbers, into blocks.
fn blocks<'a>(lines: &[&'a str]) -> Vec<Block<'a>> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.trim().is_empty() {
            if !cur.is_empty() {
                out.push(std::mem::take(&mut cur));
            }
        } else {
            cur.push((i as u64 + 1, *l));
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

#[derive(Debug)]
struct Cue<'a> {
    /// The timing line.
    line: u64,
    start_ms: u64,
    text: Block<'a>,
}

/// A line that is, or tries to be, a timing line.
fn looks_like_timing(line: &str) -> bool {
    line.contains("-->")
        || line
            .split_whitespace()
            .next()
            .and_then(|t| parse_clock(t, 2))
            .is_some()
}

fn cues_from_blocks<'a>(
    blocks: Vec<Block<'a>>,
    expected: &str,
) -> Result<Vec<Cue<'a>>, ParseError> {
    let mut cues: Vec<Cue> = Vec::new();
    for block in blocks {
        let timing_at = block.iter().take(2).position(|(_, l)| looks_like_timing(l));
        match timing_at {
            Some(i) => {
                let (n, l) = block[i];
                let start_ms = parse_timing(n, l, expected)?;
                cues.push(Cue {
                    line: n,
                    start_ms,
                    text: block[i + 1..].to_vec(),
                });
            }
            None => match cues.last_mut() {
                Some(prev) => prev.text.extend(block),
                None => {
                    let (n, _) = block.get(1).or(block.first()).copied().unwrap_or((1, ""));
                    return Err(ParseError::at(n, 1, expected));
                }
            },
        }
    }
    Ok(cues)
}

/// Checks a timing line `start --> end [settings]`; returns the start.
fn parse_timing(n: u64, line: &str, expected: &str) -> Result<u64, ParseError> {
    let col = |idx: usize| line[..idx].chars().count() as u64 + 1;
    let fail =
        |idx: usize, problem: String| ParseError::at(n, col(idx), format!("{problem}; {expected}"));
    let lead = line.len() - line.trim_start().len();
    let body = &line[lead..];
    let tok_len = body
        .find(|c: char| c.is_whitespace() || c == '-')
        .unwrap_or(body.len());
    let start_tok = &body[..tok_len];
    let Some(start) = parse_clock(start_tok, 2) else {
        let problem = if start_tok.is_empty() {
            "the start time is missing".to_owned()
        } else {
            format!("{start_tok:?} is not a start time")
        };
        return Err(fail(lead, problem));
    };
    let after_start = lead + tok_len;
    let arrow_at =
        after_start + (line[after_start..].len() - line[after_start..].trim_start().len());
    let Some(after_arrow) = line[arrow_at..].strip_prefix("-->") else {
        return Err(fail(
            arrow_at,
            "\"-->\" is missing after the start time".to_owned(),
        ));
    };
    let end_at = arrow_at + 3 + (after_arrow.len() - after_arrow.trim_start().len());
    let end_tok = line[end_at..].split_whitespace().next().unwrap_or("");
    if parse_clock(end_tok, 2).is_none() {
        let problem = if end_tok.is_empty() {
            "the end time is missing".to_owned()
        } else {
            format!("{end_tok:?} is not an end time")
        };
        return Err(fail(end_at, problem));
    }
    Ok(start)
}

#[derive(Debug)]
struct Piece {
    speaker: Option<String>,
    text: String,
    line: u64,
    time_ms: u64,
}

fn segments(cues: &[Cue]) -> Vec<RawSegment> {
    let mut pieces = Vec::new();
    for cue in cues {
        cue_pieces(cue, &mut pieces);
    }
    let mut out: Vec<RawSegment> = Vec::new();
    for p in pieces {
        let text = p.text.trim();
        if text.is_empty() {
            continue;
        }
        if let Some(last) = out.last_mut()
            && p.speaker.is_some()
            && last.speaker == p.speaker
        {
            last.text.push(' ');
            last.text.push_str(text);
            continue;
        }
        let kind = if p.speaker.is_some() {
            SegmentKind::Turn
        } else {
            SegmentKind::Paragraph
        };
        out.push(RawSegment {
            speaker: p.speaker,
            text: text.to_owned(),
            line: Some(p.line),
            time_ms: Some(p.time_ms),
            kind,
            ..Default::default()
        });
    }
    out
}

/// Splits one cue into pieces of one speaker each.
fn cue_pieces(cue: &Cue, out: &mut Vec<Piece>) {
    let first = out.len();
    let mut speaker: Option<String> = None;
    for (k, &(n, raw)) in cue.text.iter().enumerate() {
        let line = if k == 0 { cue.line } else { n };
        for (i, (voice, chunk)) in voice_chunks(raw).into_iter().enumerate() {
            let mut text = clean(&chunk);
            let mut new_piece = false;
            if let Some(v) = voice {
                speaker = v;
            } else if i == 0 {
                let t = text.trim_start();
                let (dash, t) = match t.strip_prefix(['-', '–', '—']) {
                    Some(r) if r.starts_with(char::is_whitespace) => (true, r.trim_start()),
                    _ => (false, t),
                };
                if let Some((name, rest)) = cue_speaker(t) {
                    speaker = Some(name);
                    text = rest.to_owned();
                } else if dash {
                    speaker = None;
                    text = t.to_owned();
                    new_piece = true;
                }
            }
            let text = text.trim();
            if text.is_empty() {
                continue;
            }
            let in_cue = out.len() > first;
            match out.last_mut() {
                Some(p) if in_cue && !new_piece && p.speaker == speaker => {
                    p.text.push(' ');
                    p.text.push_str(text);
                }
                _ => {
                    let line = if in_cue { line } else { cue.line };
                    out.push(Piece {
                        speaker: speaker.clone(),
                        text: text.to_owned(),
                        line,
                        time_ms: cue.start_ms,
                    });
                }
            }
        }
    }
}

/// Splits a cue line at voice spans: each chunk with the voice it starts
/// (`Some(None)` for a voice span without a name), the first chunk with
/// `None` (no change).
fn voice_chunks(raw: &str) -> Vec<(Option<Option<String>>, String)> {
    let mut chunks: Vec<(Option<Option<String>>, String)> = vec![(None, String::new())];
    let mut i = 0;
    while let Some(rel) = raw[i..].find("<v") {
        let at = i + rel;
        let after = &raw[at + 2..];
        let Some(close) = after.find('>') else {
            break;
        };
        let end = at + 2 + close + 1;
        if after.starts_with([' ', '\t', '.']) {
            if let Some((_, text)) = chunks.last_mut() {
                text.push_str(&raw[i..at]);
            }
            let name = after[..close]
                .split_once([' ', '\t'])
                .map(|(_, n)| clean(n).trim().to_owned())
                .filter(|n| !n.is_empty());
            chunks.push((Some(name), String::new()));
        } else if let Some((_, text)) = chunks.last_mut() {
            text.push_str(&raw[i..end]);
        }
        i = end;
    }
    if let Some((_, text)) = chunks.last_mut() {
        text.push_str(&raw[i..]);
    }
    chunks
}

/// Removes tags (`<i>`, `<c.x>`, `<00:17.500>`, SRT `{\an8}`) and decodes
/// entities.
fn clean(s: &str) -> String {
    decode_entities(&strip_tags(s))
}

fn strip_tags(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    // Once a tag has no end, no later one has: stop looking (keeps this linear).
    let (mut angle_ends, mut brace_ends) = (true, true);
    while let Some(c) = s[i..].chars().next() {
        let rest = &s[i..];
        if c == '<' && angle_ends {
            match rest.find('>') {
                Some(end) => {
                    i += end + 1;
                    continue;
                }
                None => angle_ends = false,
            }
        }
        if brace_ends && rest.starts_with("{\\") {
            match rest.find('}') {
                Some(end) => {
                    i += end + 1;
                    continue;
                }
                None => brace_ends = false,
            }
        }
        out.push(c);
        i += c.len_utf8();
    }
    out
}

fn decode_entities(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(amp) = rest.find('&') {
        out.push_str(&rest[..amp]);
        let after = &rest[amp + 1..];
        if let Some((semi, _)) = after.char_indices().take(12).find(|&(_, c)| c == ';')
            && let Some(c) = entity(&after[..semi])
        {
            out.push(c);
            rest = &after[semi + 1..];
            continue;
        }
        out.push('&');
        rest = after;
    }
    out.push_str(rest);
    out
}

fn entity(name: &str) -> Option<char> {
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => '\u{a0}',
        "lrm" => '\u{200e}',
        "rlm" => '\u{200f}',
        _ => {
            let num = name.strip_prefix('#')?;
            let code = match num.strip_prefix(['x', 'X']) {
                Some(hex) => u32::from_str_radix(hex, 16).ok()?,
                None => num.parse().ok()?,
            };
            char::from_u32(code).filter(|&c| c != '\0')?
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (speaker, text, line, time)
    type Want<'a> = (Option<&'a str>, &'a str, u64, u64);

    fn got(segs: &[RawSegment]) -> Vec<Want<'_>> {
        segs.iter()
            .map(|s| {
                assert_eq!(s.kind == SegmentKind::Turn, s.speaker.is_some());
                (
                    s.speaker.as_deref(),
                    s.text.as_str(),
                    s.line.unwrap_or(0),
                    s.time_ms.unwrap_or(u64::MAX),
                )
            })
            .collect()
    }

    // Samples from glut23/webvtt-py (MIT), verbatim.
    const CAPTIONS_WITH_BOM: &str = "\u{feff}WEBVTT\n\n00:00:00.500 --> 00:00:07.000\nCaption text #1\n\n00:00:07.000 --> 00:00:11.890\nCaption text #2\n\n00:00:11.890 --> 00:00:16.320\nCaption text #3\n\n00:00:16.320 --> 00:00:21.580\nCaption text #4";
    const CUE_TAGS: &str = "WEBVTT\n\n00:16.500 --> 00:18.500\nWhen the moon <00:17.500>hits your eye\n\n00:00:18.500 --> 00:00:20.500\nLike a <00:19.000>big-a <00:19.500>pizza <00:20.000>pie\n\n00:00:20.500 --> 00:00:21.500\nThat's <00:00:21.000><c.colorE5E5E5>amore</c>";
    const TEAMS: &str = "WEBVTT\n\n0:0:0.0 --> 0:0:0.570\n<v Yuri Bakulin>There you go.</v>\n\n0:0:0.210 --> 0:0:1.130\n<v Adrian Petrescu>Why hello there, Yuri.</v>\n";

    #[test]
    fn webvtt_py_samples() {
        let cases: &[(&str, &[Want])] = &[
            (
                CAPTIONS_WITH_BOM,
                &[
                    (None, "Caption text #1", 3, 500),
                    (None, "Caption text #2", 6, 7_000),
                    (None, "Caption text #3", 9, 11_890),
                    (None, "Caption text #4", 12, 16_320),
                ],
            ),
            (
                CUE_TAGS,
                &[
                    (None, "When the moon hits your eye", 3, 16_500),
                    (None, "Like a big-a pizza pie", 6, 18_500),
                    (None, "That's amore", 9, 20_500),
                ],
            ),
            (
                TEAMS,
                &[
                    (Some("Yuri Bakulin"), "There you go.", 3, 0),
                    (Some("Adrian Petrescu"), "Why hello there, Yuri.", 6, 210),
                ],
            ),
        ];
        for (input, want) in cases {
            assert_eq!(got(&parse_vtt(input).unwrap()), *want, "{input}");
        }
    }

    #[test]
    fn webvtt_features() {
        let input = "WEBVTT - meeting\r\nKind: captions\r\n\r\nSTYLE\r\n::cue { color: red }\r\n\r\nREGION\r\nid:fred\r\n\r\nNOTE a comment\r\nover two lines\r\n\r\ncue-1\r\n00:00:01.000 --> 00:00:02.000 align:start position:10%\r\n<v.loud Ana Lopez>Bonjour <i>à</i> tous,\r\nbienvenue &amp; merci.</v>\r\n\r\n00:00:03.000 --> 00:00:04.000\r\n<v Ana Lopez>On commence.\r\n\r\n00:00:05.000 --> 00:00:06.000\r\nBob: Oui &lt;d'accord&gt;&nbsp;!\r\n\r\n00:00:07.000 --> 00:00:08.000\r\n- Chloé: Moi aussi.\r\n- Dan: Et moi.\r\n\r\n00:00:09.000 --> 00:00:10.000\r\n<b>Sans voix</b>\r\n\r\n00:00:11.000 --> 00:00:12.000\r\nSans voix encore\r\n- Une autre ligne\r\n\r\n00:00:13.000 --> 00:00:14.000\r\n<v Eve>un</v> <v Fay>deux</v>\r\n";
        let segs = parse_vtt(input).unwrap();
        let want: &[Want] = &[
            (
                Some("Ana Lopez"),
                "Bonjour à tous, bienvenue & merci. On commence.",
                14,
                1_000,
            ),
            (Some("Bob"), "Oui <d'accord>\u{a0}!", 21, 5_000),
            (Some("Chloé"), "Moi aussi.", 24, 7_000),
            (Some("Dan"), "Et moi.", 26, 7_000),
            (None, "Sans voix", 28, 9_000),
            (None, "Sans voix encore", 31, 11_000),
            (None, "Une autre ligne", 33, 11_000),
            (Some("Eve"), "un", 35, 13_000),
            (Some("Fay"), "deux", 35, 13_000),
        ];
        assert_eq!(got(&segs), want);
    }

    #[test]
    fn srt_files() {
        let input = "1\r\n00:00:01,000 --> 00:00:02,500\r\n<i>Hello</i> {\\an8}there\r\n\r\n2\r\n00:00:03,000 --> 00:00:04,000\r\nANA: Bonjour\r\n\r\nsuite après une ligne vide\r\n\r\n3\r\n00:00:05,000 --> 00:00:06,000\r\nANA: encore\r\n\r\n4\r\n00:00:07,000 --> 00:00:08,000\r\nsans nom\r\n";
        let want: &[Want] = &[
            (None, "Hello there", 2, 1_000),
            (
                Some("ANA"),
                "Bonjour suite après une ligne vide encore",
                6,
                3_000,
            ),
            (None, "sans nom", 16, 7_000),
        ];
        assert_eq!(got(&parse_srt(input).unwrap()), want);
        // No number line, dots instead of commas: still fine.
        let segs = parse_srt("00:00:01.000 --> 00:00:02.000\nHi\n").unwrap();
        assert_eq!(got(&segs), [(None, "Hi", 1, 1_000)]);
    }

    #[test]
    fn errors() {
        // (input, is WebVTT, line, column, part of the message)
        type Case<'a> = (&'a str, bool, Option<u64>, Option<u64>, &'a str);
        let cases: &[Case] = &[
            ("", true, Some(1), Some(1), "WEBVTT"),
            (
                "Hello\n\n00:01.000 --> 00:02.000\nx",
                true,
                Some(1),
                Some(1),
                "WEBVTT",
            ),
            ("WEBVTTX\n", true, Some(1), Some(1), "WEBVTT"),
            ("WEBVTT\n\nNOTE only a note\n", true, None, None, "no cues"),
            ("WEBVTT\n", true, None, None, "no cues"),
            (
                "WEBVTT\n\n00:01.000 --> 00:xx.000\nHi",
                true,
                Some(3),
                Some(15),
                "\"00:xx.000\" is not an end time; expected a timing line like 00:01:02.500 --> 00:01:04.000",
            ),
            (
                "WEBVTT\n\n00:01.000 -> 00:02.000\nHi",
                true,
                Some(3),
                Some(11),
                "\"-->\" is missing",
            ),
            (
                "WEBVTT\n\nid\n1:00:01 --> \nHi",
                true,
                Some(4),
                Some(13),
                "the end time is missing",
            ),
            (
                "WEBVTT\n\ncue-1\nHello there\n",
                true,
                Some(4),
                Some(1),
                "expected a timing line",
            ),
            ("", false, None, None, "no cues"),
            (
                "1\n00:00:01,000 --> 00:00:0x,000\nHi",
                false,
                Some(2),
                Some(18),
                "expected a timing line like 00:01:02,500",
            ),
            (
                "1\n99:99 --> 00:00:02,000\nHi",
                false,
                Some(2),
                Some(1),
                "\"99:99\" is not a start time",
            ),
            (
                "Hello\nworld\n",
                false,
                Some(2),
                Some(1),
                "expected a timing line",
            ),
        ];
        for (input, vtt, line, column, message) in cases {
            let e = if *vtt {
                parse_vtt(input)
            } else {
                parse_srt(input)
            }
            .unwrap_err();
            assert_eq!((e.line, e.column), (*line, *column), "{input:?}: {e}");
            assert!(e.message.contains(message), "{input:?}: {e}");
        }
    }

    #[test]
    fn tags_and_entities() {
        let cases = [
            ("a <b>b</b> <c.x.y>c</c>", "a b c"),
            ("&amp;&lt;&gt;&quot;&apos;&#233;&#xE9;", "&<>\"'éé"),
            ("&lrm;x&rlm;", "\u{200e}x\u{200f}"),
            (
                "AT&T &unknown; & &#0; &#xZZ;",
                "AT&T &unknown; & &#0; &#xZZ;",
            ),
            ("1 < 2 and unclosed <b", "1 < 2 and unclosed <b"),
            ("<ruby>漢<rt>kan</rt></ruby>", "漢kan"),
        ];
        for (input, want) in cases {
            assert_eq!(clean(input), want, "{input}");
        }
        // Unclosed tags and entities stay linear (this took minutes when quadratic).
        let long = "<&{\\".repeat(200_000);
        assert_eq!(clean(&long), long);
    }
}
