//! Plain-text transcripts: speaker labels (`Name: text`, `[Name] text`,
//! `NAME. text`), timestamps, paragraphs; also the turn builder that DOCX
//! reuses over its paragraphs.
//!
//! The speaker-label rule. A line may start with a timestamp (`[hh:mm:ss]`,
//! `[mm:ss]`, `(hh:mm:ss)`, or a bare `hh:mm:ss`). Then a label candidate is
//! looked for, in this order: `**Name:**` / `**Name**:` (Markdown),
//! `[Name]`, `Name:` (also `Name :`, and `Name (00:04:28):`), `NAME.` (a
//! name ending with a dot, with at least one all-caps word unless it starts
//! with `M.`/`Mme`/`Mr.`/`Miss`…, as in `HAMLET.`, `M. le président.`,
//! `Mr. SMITH of New Jersey.`, `The Acting CHAIRMAN (Mr. Shaw).`), and a
//! line holding only `Name 0:03` (Otter-style). Except for `NAME.`, a name
//! has 1–4 words
//! of letters, digits, `-` `'` `’` `.` `_`, at most 40 characters, and at
//! least one letter. A candidate becomes a speaker when it is not a stop
//! word (`Note`, `Date`, `http`, `Rires`…) and:
//! - it is used as a label on at least two lines of the file; or
//! - it is an id or a role (`P1`, `id1`, `Speaker 2`, `Interviewer`, `Q`); or
//! - `NAME.` with a civility prefix (`M. LE PRÉSIDENT.`, `Mme Dupont.`); or
//! - `[Name]` with a capitalised name of at most 3 words; or
//! - `Name:` or `Name 0:03` with a capitalised name of at most 3 words, when
//!   the file has at least two labelled lines (so a lone `Résumé: …` in prose
//!   stays text).
//!
//! Ordinary sentences with a colon (`Voici le problème: il faut…`) fail the
//! capitalisation test and stay text.

use std::collections::HashMap;

use super::{parse_clock, split_lines};
use crate::corpus::model::{RawSegment, SegmentKind};

/// One input line with its 1-based number (for DOCX: the paragraph number).
#[derive(Debug, Clone, Copy)]
pub(super) struct Line<'a> {
    /// Where the line is, as reported in segments.
    pub number: u64,
    /// The line's text, without its line end.
    pub text: &'a str,
}

/// Parses a plain-text transcript.
pub(super) fn parse(text: &str) -> Vec<RawSegment> {
    let lines: Vec<Line> = split_lines(text)
        .into_iter()
        .enumerate()
        .map(|(i, text)| Line {
            number: i as u64 + 1,
            text,
        })
        .collect();
    segments_from_lines(&lines)
}

/// Turns lines into segments: labelled lines start turns, unlabelled lines
/// continue the current turn (joined with a space, or a newline after a
/// blank line), text before any label or without labels becomes one
/// paragraph per blank-line-separated block. A line with only a timestamp
/// gives its time to the next segment; a line starting with a timestamp
/// starts a new segment (same speaker as before when unlabelled).
pub(super) fn segments_from_lines(lines: &[Line]) -> Vec<RawSegment> {
    let analysed: Vec<Analysed> = lines.iter().map(|l| analyse(l.text)).collect();

    let mut counts: HashMap<String, usize> = HashMap::new();
    for a in &analysed {
        let mut keys: Vec<String> = a.candidates.iter().map(|c| key(&c.name)).collect();
        keys.sort();
        keys.dedup();
        for k in keys {
            *counts.entry(k).or_default() += 1;
        }
    }
    let count = |c: &Candidate| counts.get(&key(&c.name)).copied().unwrap_or(0);
    let labelled_lines = analysed
        .iter()
        .filter(|a| a.candidates.iter().any(|c| accepted(c, count(c), true)))
        .count();
    let labelled_file = labelled_lines >= 2;

    let mut b = Builder::default();
    for (line, a) in lines.iter().zip(&analysed) {
        if a.body.is_empty() {
            match a.time {
                None => b.blank(),
                Some(t) => {
                    b.flush();
                    b.pending_time = Some(t);
                }
            }
            continue;
        }
        let label = a
            .candidates
            .iter()
            .find(|c| accepted(c, count(c), labelled_file));
        match label {
            Some(c) => b.start(Some(c.name.clone()), c.rest, line.number, c.time.or(a.time)),
            None if a.time.is_some() || b.cur.is_none() => {
                let speaker = b.last_speaker.clone();
                b.start(speaker, a.body, line.number, a.time);
            }
            None => b.append(a.body),
        }
    }
    b.flush();
    b.out
}

/// A `Name: text` label at the start of a subtitle cue line, accepted when
/// the name is capitalised, an id or a role, and not a stop word.
pub(super) fn cue_speaker(text: &str) -> Option<(String, &str)> {
    let c = colon_label(text)?;
    let k = key(&c.name);
    if is_stop(&k) {
        return None;
    }
    (looks_like_name(&c.name) || id_like(&c.name) || is_role(&k)).then_some((c.name, c.rest))
}

#[derive(Debug, Default)]
struct Builder {
    out: Vec<RawSegment>,
    cur: Option<Current>,
    pending_time: Option<u64>,
    last_speaker: Option<String>,
    gap: bool,
}

#[derive(Debug)]
struct Current {
    speaker: Option<String>,
    text: String,
    line: u64,
    time: Option<u64>,
}

impl Builder {
    fn flush(&mut self) {
        if let Some(c) = self.cur.take() {
            let text = c.text.trim();
            if !text.is_empty() {
                let kind = if c.speaker.is_some() {
                    SegmentKind::Turn
                } else {
                    SegmentKind::Paragraph
                };
                self.out.push(RawSegment {
                    speaker: c.speaker,
                    text: text.to_owned(),
                    line: Some(c.line),
                    time_ms: c.time,
                    kind,
                    ..Default::default()
                });
            }
        }
    }

    fn blank(&mut self) {
        if self.cur.as_ref().is_some_and(|c| c.speaker.is_none()) {
            self.flush();
        }
        self.gap = true;
    }

    fn start(&mut self, speaker: Option<String>, text: &str, line: u64, time: Option<u64>) {
        self.flush();
        let pending = self.pending_time.take();
        self.last_speaker.clone_from(&speaker);
        self.cur = Some(Current {
            speaker,
            text: text.trim().to_owned(),
            line,
            time: time.or(pending),
        });
        self.gap = false;
    }

    fn append(&mut self, text: &str) {
        if let Some(c) = &mut self.cur {
            if !c.text.is_empty() {
                c.text.push_str(if self.gap { "\n" } else { " " });
            }
            c.text.push_str(text.trim());
        }
        self.gap = false;
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    Bracket,
    Colon,
    CapsDot,
    NameTime,
}

#[derive(Debug)]
struct Candidate<'a> {
    name: String,
    form: Form,
    has_prefix: bool,
    time: Option<u64>,
    rest: &'a str,
}

#[derive(Debug)]
struct Analysed<'a> {
    /// A timestamp at the start of the line.
    time: Option<u64>,
    /// The line after that timestamp, trimmed.
    body: &'a str,
    /// Possible labels, best first.
    candidates: Vec<Candidate<'a>>,
}

fn analyse(raw: &str) -> Analysed<'_> {
    let s = raw.trim();
    let (time, body) = match leading_timestamp(s) {
        Some((t, rest)) => (Some(t), rest),
        None => (None, s),
    };
    let mut candidates = Vec::new();
    if !body.is_empty() {
        candidates.extend(bold_label(body));
        candidates.extend(bracket_label(body));
        candidates.extend(colon_label(body));
        candidates.extend(caps_dot_label(body));
        candidates.extend(name_time_label(body));
    }
    for c in &mut candidates {
        if let Some((t, rest)) = leading_timestamp(c.rest) {
            c.time = c.time.or(Some(t));
            c.rest = rest;
        }
    }
    Analysed {
        time,
        body,
        candidates,
    }
}

fn accepted(c: &Candidate, count: usize, labelled_file: bool) -> bool {
    let k = key(&c.name);
    if is_stop(&k) {
        return false;
    }
    let id = id_like(&c.name) || is_role(&k);
    match c.form {
        Form::CapsDot => c.has_prefix || count >= 2 || labelled_file,
        Form::Bracket => count >= 2 || id || looks_like_name(&c.name),
        Form::Colon | Form::NameTime => {
            count >= 2 || id || (labelled_file && looks_like_name(&c.name))
        }
    }
}

/// `[hh:mm:ss]`, `[mm:ss]`, `(hh:mm:ss)` or a bare `hh:mm:ss` at the start,
/// with an optional `-` or `|` after it; returns the time and the rest.
fn leading_timestamp(s: &str) -> Option<(u64, &str)> {
    let (ms, rest) = if let Some(r) = s.strip_prefix('[') {
        let i = r.find(']')?;
        (parse_clock(r[..i].trim(), 2)?, &r[i + 1..])
    } else if let Some(r) = s.strip_prefix('(') {
        let i = r.find(')')?;
        (parse_clock(r[..i].trim(), 2)?, &r[i + 1..])
    } else {
        let end = s.find(char::is_whitespace).unwrap_or(s.len());
        (parse_clock(&s[..end], 3)?, &s[end..])
    };
    let mut rest = rest.trim_start();
    for sep in ["-", "–", "—", "|"] {
        if let Some(r) = rest.strip_prefix(sep)
            && (r.is_empty() || r.starts_with(char::is_whitespace))
        {
            rest = r.trim_start();
            break;
        }
    }
    Some((ms, rest))
}

/// Splits a timestamp off the end of a label: `Ana (00:04:28)`, `Ana 0:03`.
fn strip_trailing_time(s: &str) -> (&str, Option<u64>) {
    let s = s.trim_end();
    for (open, close) in [('[', ']'), ('(', ')')] {
        if let Some(t) = s.strip_suffix(close)
            && let Some(i) = t.rfind(open)
            && let Some(ms) = parse_clock(t[i + 1..].trim(), 2)
        {
            return (t[..i].trim_end(), Some(ms));
        }
    }
    if let Some(i) = s.rfind(char::is_whitespace)
        && let Some(ms) = parse_clock(s[i..].trim(), 2)
    {
        return (s[..i].trim_end(), Some(ms));
    }
    (s, None)
}

fn bold_label(body: &str) -> Option<Candidate<'_>> {
    let inner = body.strip_prefix("**")?;
    let close = inner.find("**")?;
    if close > 60 {
        return None;
    }
    let label = inner[..close].trim();
    let after = &inner[close + 2..];
    let (label, rest) = match label.strip_suffix(':') {
        Some(l) => (l, after),
        None => (label, after.trim_start().strip_prefix(':')?),
    };
    let (label, time) = strip_trailing_time(label);
    Some(Candidate {
        name: name_shape(label)?,
        form: Form::Colon,
        has_prefix: false,
        time,
        rest: rest.trim(),
    })
}

fn bracket_label(body: &str) -> Option<Candidate<'_>> {
    let r = body.strip_prefix('[')?;
    let close = r.find(']')?;
    let inner = r[..close].trim();
    if parse_clock(inner, 2).is_some() {
        return None;
    }
    let (label, time) = strip_trailing_time(inner);
    let rest = r[close + 1..].trim_start();
    let rest = rest.strip_prefix(':').unwrap_or(rest);
    Some(Candidate {
        name: name_shape(label)?,
        form: Form::Bracket,
        has_prefix: false,
        time,
        rest: rest.trim(),
    })
}

fn colon_label(body: &str) -> Option<Candidate<'_>> {
    let mut found = None;
    for (i, c) in body.char_indices() {
        if i > 80 {
            break;
        }
        if c == ':' || c == '：' {
            let prev = body[..i].chars().next_back();
            let next = body[i + c.len_utf8()..].chars().next();
            if prev.is_some_and(|p| p.is_ascii_digit()) && next.is_some_and(|n| n.is_ascii_digit())
            {
                continue;
            }
            found = Some((i, c.len_utf8()));
            break;
        }
    }
    let (i, len) = found?;
    let after = &body[i + len..];
    if !(after.is_empty() || after.starts_with(char::is_whitespace)) {
        return None;
    }
    let (label, time) = strip_trailing_time(&body[..i]);
    Some(Candidate {
        name: name_shape(label)?,
        form: Form::Colon,
        has_prefix: false,
        time,
        rest: after.trim(),
    })
}

const PREFIXES: &[&str] = &[
    "M.", "MM.", "Miss", "Mme", "Mmes", "Mlle", "Mlles", "MME", "MMES", "MLLE", "Mr.", "Mrs.",
    "Ms.", "Dr.", "Mr", "Mrs", "Ms", "Dr", "Pr.", "Pr",
];

const TITLE_WORDS: &[&str] = &[
    "président",
    "présidente",
    "vice-président",
    "vice-présidente",
    "ministre",
    "rapporteur",
    "rapporteure",
    "secrétaire",
    "garde",
    "sceaux",
    "député",
    "députée",
    "sénateur",
    "sénatrice",
    "maire",
    "délégué",
    "déléguée",
    "questeur",
    "porte-parole",
    "chairman",
    "chair",
    "speaker",
    "pro",
    "tempore",
];

/// `NAME. text`, `M. LE PRÉSIDENT. text`, `Mme Corinne Narassiguin. text`.
fn caps_dot_label(body: &str) -> Option<Candidate<'_>> {
    let toks = tokens(body, 10);
    let has_prefix = toks.first().is_some_and(|(t, _)| PREFIXES.contains(t));
    let mut content_words = 0;
    let mut letters = 0;
    let mut all_roman = true;
    // Without a prefix, capitalised words are allowed beside an all-caps
    // one (`The Acting CHAIRMAN.`).
    let mut has_caps = false;
    let mut in_paren = false;
    for (i, &(tok, end)) in toks.iter().enumerate().skip(usize::from(has_prefix)) {
        let (word, dotted) = match tok.strip_suffix('.') {
            Some(w) => (w, true),
            None => (tok, false),
        };
        if in_paren || (word.starts_with('(') && content_words > 0) {
            // A parenthesised aside may close the label:
            // `The Acting CHAIRMAN (Mr. Shaw).`
            in_paren = !word.ends_with(')');
        } else {
            let caps = is_caps_word(word);
            let particle = is_particle(word);
            let title = TITLE_WORDS.contains(&word.to_lowercase().as_str());
            if !(caps || particle || title || is_capitalised(word)) {
                return None;
            }
            if caps && word.chars().filter(|c| c.is_alphabetic()).count() >= 2 {
                has_caps = true;
            }
            if !particle || caps {
                content_words += 1;
                letters += word.chars().filter(|c| c.is_alphabetic()).count();
                if !word.chars().all(|c| "IVXLCDM".contains(c)) {
                    all_roman = false;
                }
            }
        }
        if dotted && !in_paren {
            if content_words == 0 || (!has_prefix && (letters < 2 || all_roman || !has_caps)) {
                return None;
            }
            let name: Vec<&str> = toks[..=i].iter().map(|(t, _)| *t).collect();
            let name = name.join(" ");
            let name = name.strip_suffix('.').unwrap_or(&name).to_owned();
            return Some(Candidate {
                name,
                form: Form::CapsDot,
                has_prefix,
                time: None,
                rest: body[end..].trim(),
            });
        }
    }
    None
}

/// A line holding only a name and a time, the text following on the next
/// lines (`Speaker 1  0:03`).
fn name_time_label(body: &str) -> Option<Candidate<'_>> {
    let (label, time) = strip_trailing_time(body);
    time?;
    Some(Candidate {
        name: name_shape(label)?,
        form: Form::NameTime,
        has_prefix: false,
        time,
        rest: "",
    })
}

/// Whitespace-separated tokens with the byte offset where each ends.
fn tokens(s: &str, max: usize) -> Vec<(&str, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in s.char_indices() {
        if c.is_whitespace() {
            if let Some(st) = start.take() {
                out.push((&s[st..i], i));
                if out.len() >= max {
                    return out;
                }
            }
        } else if start.is_none() {
            start = Some(i);
        }
    }
    if let Some(st) = start {
        out.push((&s[st..], s.len()));
    }
    out
}

/// Checks a label's shape; returns it with whitespace collapsed.
fn name_shape(s: &str) -> Option<String> {
    let s = s.trim();
    let first = s.chars().next()?;
    if !first.is_alphanumeric() || s.chars().count() > 40 {
        return None;
    }
    if !s
        .chars()
        .all(|c| c.is_alphanumeric() || c.is_whitespace() || "-'’._".contains(c))
    {
        return None;
    }
    if !s.chars().any(char::is_alphabetic) {
        return None;
    }
    let words: Vec<&str> = s.split_whitespace().collect();
    if words.len() > 4 {
        return None;
    }
    Some(words.join(" "))
}

/// The counting key of a name: lower case, no final dot.
fn key(name: &str) -> String {
    let k = name.to_lowercase();
    k.trim_end_matches('.').to_owned()
}

const STOP_WORDS: &[&str] = &[
    "note",
    "notes",
    "nota",
    "nb",
    "n.b",
    "ps",
    "p.s",
    "remarque",
    "remarques",
    "rq",
    "exemple",
    "exemples",
    "example",
    "examples",
    "e.g",
    "ex",
    "attention",
    "important",
    "warning",
    "avertissement",
    "tip",
    "astuce",
    "todo",
    "objet",
    "subject",
    "sujet",
    "date",
    "dates",
    "lieu",
    "heure",
    "heures",
    "time",
    "durée",
    "duration",
    "location",
    "place",
    "re",
    "fwd",
    "tr",
    "conclusion",
    "conclusions",
    "résumé",
    "summary",
    "source",
    "sources",
    "url",
    "lien",
    "link",
    "links",
    "titre",
    "title",
    "ordre du jour",
    "agenda",
    "présents",
    "présentes",
    "absents",
    "excusés",
    "participants",
    "participantes",
    "http",
    "https",
    "ftp",
    "mailto",
    "www",
    "file",
    "ok",
    "okay",
    "oui",
    "non",
    "yes",
    "no",
    "so",
    "bon",
    "bref",
    "alors",
    "donc",
    "ah",
    "oh",
    "eh",
    "euh",
    "hm",
    "hmm",
    "mm",
    "laughter",
    "laughs",
    "laughing",
    "rires",
    "rire",
    "inaudible",
    "incompréhensible",
    "crosstalk",
    "silence",
    "pause",
    "applause",
    "applaudissements",
    "music",
    "musique",
    "noise",
    "bruit",
    "bruits",
    "coupure",
    "interruption",
    "unclear",
    "indistinct",
    "transcription",
    "transcript",
    "contexte",
    "context",
    "thème",
    "theme",
    "merci",
    "fin",
    "end",
    "début",
    "start",
    "intro",
];

fn is_stop(key: &str) -> bool {
    STOP_WORDS.contains(&key)
}

const ROLES: &[&str] = &[
    "interviewer",
    "interviewee",
    "intervieweur",
    "intervieweuse",
    "int",
    "ie",
    "ir",
    "facilitator",
    "facilitatrice",
    "facilitateur",
    "moderator",
    "modérateur",
    "modératrice",
    "animateur",
    "animatrice",
    "enquêteur",
    "enquêtrice",
    "enquêté",
    "enquêtée",
    "chercheur",
    "chercheuse",
    "researcher",
    "respondent",
    "répondant",
    "répondante",
    "participant",
    "participante",
    "intervenant",
    "intervenante",
    "locuteur",
    "locutrice",
    "speaker",
    "person",
    "personne",
    "member",
    "membre",
    "guest",
    "invité",
    "invitée",
    "host",
    "user",
    "utilisateur",
    "utilisatrice",
    "q",
    "a",
    "r",
    "i",
    "e",
    "p",
    "question",
    "réponse",
    "answer",
    "secrétaire",
    "président",
    "présidente",
    "le président",
    "la présidente",
    "m. le président",
    "mme la présidente",
    "unknown",
    "inconnu",
    "inconnue",
];

fn is_role(key: &str) -> bool {
    ROLES.contains(&key)
}

/// `P1`, `id1`, `S01`, `Int-2`, `Speaker 2`, `Participant B`.
fn id_like(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    match words.as_slice() {
        [w] => {
            let stem = w.trim_end_matches(|c: char| c.is_ascii_digit());
            let digits = w.len() - stem.len();
            let stem = stem.trim_end_matches(['-', '_']);
            (1..=3).contains(&digits)
                && (1..=4).contains(&stem.chars().count())
                && stem.chars().all(char::is_alphabetic)
        }
        [w, n] => {
            let n_ok = ((1..=3).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
                || (n.chars().count() == 1 && n.chars().all(char::is_uppercase));
            n_ok && is_role(&w.to_lowercase())
        }
        _ => false,
    }
}

const PARTICLES: &[&str] = &[
    "de", "du", "des", "da", "di", "del", "della", "van", "von", "der", "den", "le", "la", "les",
    "y", "e", "bin", "ibn", "al", "el", "ter", "zu", "of", "d'", "l'", "d’", "l’",
];

fn is_particle(word: &str) -> bool {
    PARTICLES.contains(&word)
}

/// At most 3 words, the first capitalised, the others capitalised or
/// particles (`Jean de Lattre`, `M. Dupont`, `Dr. Smith`, `d'Estaing`).
fn looks_like_name(name: &str) -> bool {
    let words: Vec<&str> = name.split_whitespace().collect();
    if words.is_empty() || words.len() > 3 {
        return false;
    }
    let capitalised = |w: &str| {
        let w = ["d'", "l'", "d’", "l’"]
            .iter()
            .find_map(|p| w.strip_prefix(p))
            .unwrap_or(w);
        w.chars().next().is_some_and(char::is_uppercase)
    };
    capitalised(words[0]) && words[1..].iter().all(|w| capitalised(w) || is_particle(w))
}

fn is_caps_word(word: &str) -> bool {
    word.chars().any(char::is_alphabetic)
        && word
            .chars()
            .all(|c| (c.is_alphabetic() && !c.is_lowercase()) || "-'’".contains(c))
}

fn is_capitalised(word: &str) -> bool {
    word.chars().next().is_some_and(char::is_uppercase)
        && word.chars().all(|c| c.is_alphabetic() || "-'’".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// (speaker, text, line, time): what a segment must hold.
    type Want<'a> = (Option<&'a str>, &'a str, u64, Option<u64>);

    fn check(input: &str, want: &[Want]) {
        let got = parse(input);
        let got: Vec<Want> = got
            .iter()
            .map(|s| {
                let kind = if s.speaker.is_some() {
                    SegmentKind::Turn
                } else {
                    SegmentKind::Paragraph
                };
                assert_eq!(s.kind, kind, "{input:?}");
                (
                    s.speaker.as_deref(),
                    s.text.as_str(),
                    s.line.unwrap_or(0),
                    s.time_ms,
                )
            })
            .collect();
        assert_eq!(got, want, "input: {input:?}");
    }

    /// QualCoder's example transcript.txt (MIT), verbatim.
    const QUALCODER: &str = "[id1] hello, I like the course. It really helped me with understanding world history and gave me an insight into how complicated life really was back then in earlier ages.

[id2] I am struggling with the lecture slides. I fould that they were too busy and I switched off.

[id3] No. I think the slides are OK but I dont like all the assignments. I think ther were too many for the short semester period. And they were too long.

[id1] I am learning a lot and it is presented easily for me. Yes there was too much needed for the wrtitten assignments. But even so, it did make me work hard to learn about the different periods of history. I think it paid off.

[id3] yes, I am learning a lot as well. It's a good course overall

[id1] yes I agree, it will be good for my career at the museum.

[id2] Hmm, I will ask the tutor for more help as I am really struggling.";

    #[test]
    fn qualcoder_sample() {
        let segs = parse(QUALCODER);
        let speakers: Vec<&str> = segs.iter().filter_map(|s| s.speaker.as_deref()).collect();
        assert_eq!(speakers, ["id1", "id2", "id3", "id1", "id3", "id1", "id2"]);
        let lines: Vec<u64> = segs.iter().filter_map(|s| s.line).collect();
        assert_eq!(lines, [1, 3, 5, 7, 9, 11, 13]);
        assert!(segs[0].text.starts_with("hello, I like"));
        assert_eq!(
            segs[6].text,
            "Hmm, I will ask the tutor for more help as I am really struggling."
        );
        assert!(segs.iter().all(|s| s.kind == SegmentKind::Turn));
    }

    #[test]
    fn labels_and_paragraphs() {
        let cases: &[(&str, &[Want])] = &[
            (
                "Ana: Bonjour.\nBob: Salut.\nAna: Voici le problème: il faut partir.\n",
                &[
                    (Some("Ana"), "Bonjour.", 1, None),
                    (Some("Bob"), "Salut.", 2, None),
                    (Some("Ana"), "Voici le problème: il faut partir.", 3, None),
                ],
            ),
            (
                "Voici le problème: il faut du temps.\nSuite de la phrase.\n\nDeuxième paragraphe.",
                &[
                    (
                        None,
                        "Voici le problème: il faut du temps. Suite de la phrase.",
                        1,
                        None,
                    ),
                    (None, "Deuxième paragraphe.", 4, None),
                ],
            ),
            (
                "Réunion du 3 mars\nà Lyon\n\nAna: hi\nBob: yo",
                &[
                    (None, "Réunion du 3 mars à Lyon", 1, None),
                    (Some("Ana"), "hi", 4, None),
                    (Some("Bob"), "yo", 5, None),
                ],
            ),
            (
                "Ana: one\n  two\n\nthree\n\n\nBob: x",
                &[
                    (Some("Ana"), "one two\nthree", 1, None),
                    (Some("Bob"), "x", 7, None),
                ],
            ),
            (
                "Ana: a\r\nb\r\rBob: c\r",
                &[(Some("Ana"), "a b", 1, None), (Some("Bob"), "c", 4, None)],
            ),
            (
                "Ana :\u{a0}bonjour\nJean-Pierre d'Arc : salut",
                &[
                    (Some("Ana"), "bonjour", 1, None),
                    (Some("Jean-Pierre d'Arc"), "salut", 2, None),
                ],
            ),
            (
                "**Ana:** hi\n**Bob Lee**: yo",
                &[
                    (Some("Ana"), "hi", 1, None),
                    (Some("Bob Lee"), "yo", 2, None),
                ],
            ),
            // A lone capitalised label in prose is not enough.
            ("Résultat: rien.", &[(None, "Résultat: rien.", 1, None)]),
            ("Ana: bonjour", &[(None, "Ana: bonjour", 1, None)]),
            // Ids and roles are enough on their own.
            ("P1: bonjour", &[(Some("P1"), "bonjour", 1, None)]),
            (
                "Interviewer: why?",
                &[(Some("Interviewer"), "why?", 1, None)],
            ),
            // Lower-case labels need to recur.
            (
                "ana: one\nbob: two\nana: three\nbob: four",
                &[
                    (Some("ana"), "one", 1, None),
                    (Some("bob"), "two", 2, None),
                    (Some("ana"), "three", 3, None),
                    (Some("bob"), "four", 4, None),
                ],
            ),
            // Stop words, URLs, clock times and long sentences stay text.
            (
                "Note: lire ceci\nvoir http://example.org\n10:30 réunion\nhttps: //x\nIl y a une chose importante à dire: voilà",
                &[(
                    None,
                    "Note: lire ceci voir http://example.org 10:30 réunion https: //x Il y a une chose importante à dire: voilà",
                    1,
                    None,
                )],
            ),
            (
                "[laughs] so funny\n[Rires] encore\n[Ana] ok",
                &[
                    (None, "[laughs] so funny [Rires] encore", 1, None),
                    (Some("Ana"), "ok", 3, None),
                ],
            ),
            // A label with no text takes the following lines.
            (
                "Ana:\nbonjour\n\nBob:\n\nsalut\n",
                &[
                    (Some("Ana"), "bonjour", 1, None),
                    (Some("Bob"), "salut", 4, None),
                ],
            ),
            // Empty turns are skipped.
            ("P1:\nP2: yo", &[(Some("P2"), "yo", 2, None)]),
        ];
        for (input, want) in cases {
            check(input, want);
        }
    }

    #[test]
    fn caps_dot_labels() {
        let cases: &[(&str, &[Want])] = &[
            (
                "M. LE PRÉSIDENT. La séance est ouverte.\nMme Corinne Narassiguin. Monsieur le président.\nM. le président. Merci.\nMme la garde des sceaux. Oui.",
                &[
                    (Some("M. LE PRÉSIDENT"), "La séance est ouverte.", 1, None),
                    (
                        Some("Mme Corinne Narassiguin"),
                        "Monsieur le président.",
                        2,
                        None,
                    ),
                    (Some("M. le président"), "Merci.", 3, None),
                    (Some("Mme la garde des sceaux"), "Oui.", 4, None),
                ],
            ),
            (
                "HAMLET. To be\nor not.\nOPHÉLIE. Hi\nHAMLET. Yes\nOPHÉLIE. Bye",
                &[
                    (Some("HAMLET"), "To be or not.", 1, None),
                    (Some("OPHÉLIE"), "Hi", 3, None),
                    (Some("HAMLET"), "Yes", 4, None),
                    (Some("OPHÉLIE"), "Bye", 5, None),
                ],
            ),
            // A one-off all-caps word without a civility prefix is text.
            (
                "Bonjour.\nNOTA BENE. Rien.",
                &[(None, "Bonjour. NOTA BENE. Rien.", 1, None)],
            ),
            (
                "I. Introduction\nII. Méthode\nII. Suite\nA. Plan\nOK. Fine.\nOK. Again.",
                &[(
                    None,
                    "I. Introduction II. Méthode II. Suite A. Plan OK. Fine. OK. Again.",
                    1,
                    None,
                )],
            ),
            (
                "M. Dupont est venu. Il a parlé.",
                &[(None, "M. Dupont est venu. Il a parlé.", 1, None)],
            ),
        ];
        for (input, want) in cases {
            check(input, want);
        }
    }

    #[test]
    fn congressional_record_labels() {
        // Lines as in the Congressional Record (CREC-2005-07-20), shortened.
        let input = "The Acting CHAIRMAN. The Clerk will designate the amendment.
Mr. SMITH of New Jersey. Mr. Chairman, I rise in support.
The Acting CHAIRMAN (Mr. Shaw). It is now in order.
Miss McMORRIS. Mr. Chairman, I offer an amendment.
The Acting CHAIRMAN. The question is on the amendment.
The Acting CHAIRMAN (Mr. Shaw). The amendment is agreed to.";
        check(
            input,
            &[
                (
                    Some("The Acting CHAIRMAN"),
                    "The Clerk will designate the amendment.",
                    1,
                    None,
                ),
                (
                    Some("Mr. SMITH of New Jersey"),
                    "Mr. Chairman, I rise in support.",
                    2,
                    None,
                ),
                (
                    Some("The Acting CHAIRMAN (Mr. Shaw)"),
                    "It is now in order.",
                    3,
                    None,
                ),
                (
                    Some("Miss McMORRIS"),
                    "Mr. Chairman, I offer an amendment.",
                    4,
                    None,
                ),
                (
                    Some("The Acting CHAIRMAN"),
                    "The question is on the amendment.",
                    5,
                    None,
                ),
                (
                    Some("The Acting CHAIRMAN (Mr. Shaw)"),
                    "The amendment is agreed to.",
                    6,
                    None,
                ),
            ],
        );
    }

    #[test]
    fn timestamps() {
        let cases: &[(&str, &[Want])] = &[
            (
                "[00:00:05] Ana: hi\nBob (00:01:02): yo\n[00:02:00]\nAna: later\n00:03:00 - Bob: bare\n[Ana] [01:02] bracket\nAna: [00:04:28] after",
                &[
                    (Some("Ana"), "hi", 1, Some(5_000)),
                    (Some("Bob"), "yo", 2, Some(62_000)),
                    (Some("Ana"), "later", 4, Some(120_000)),
                    (Some("Bob"), "bare", 5, Some(180_000)),
                    (Some("Ana"), "bracket", 6, Some(62_000)),
                    (Some("Ana"), "after", 7, Some(268_000)),
                ],
            ),
            (
                "Ana: a\n[00:01:00]\nstill Ana\n(00:02:00) and again\nBob: b",
                &[
                    (Some("Ana"), "a", 1, None),
                    (Some("Ana"), "still Ana", 3, Some(60_000)),
                    (Some("Ana"), "and again", 4, Some(120_000)),
                    (Some("Bob"), "b", 5, None),
                ],
            ),
            (
                "[00:00:01] Bonjour à tous.\n[00:00:05] Merci d'être venus.",
                &[
                    (None, "Bonjour à tous.", 1, Some(1_000)),
                    (None, "Merci d'être venus.", 2, Some(5_000)),
                ],
            ),
            (
                "Speaker 1  0:03\nHello there.\n\nAna Lopez  0:10\nHi.\nmore\n\nSpeaker 1  1:02:03\nBye.",
                &[
                    (Some("Speaker 1"), "Hello there.", 1, Some(3_000)),
                    (Some("Ana Lopez"), "Hi. more", 4, Some(10_000)),
                    (Some("Speaker 1"), "Bye.", 8, Some(3_723_000)),
                ],
            ),
        ];
        for (input, want) in cases {
            check(input, want);
        }
    }
}
