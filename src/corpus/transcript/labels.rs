//! Speaker labels at the start of a transcript line (`Name: text`,
//! `[Name] text`, `NAME. text`) and the timestamps around them: which
//! candidates a line offers and which become speakers. Plain text, DOCX
//! and subtitle cues share them.
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

use super::parse_clock;

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

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Form {
    Bracket,
    Colon,
    CapsDot,
    NameTime,
}

#[derive(Debug)]
pub(super) struct Candidate<'a> {
    /// The speaker's name, white space collapsed.
    pub(super) name: String,
    form: Form,
    has_prefix: bool,
    /// A timestamp written in the label.
    pub(super) time: Option<u64>,
    /// The text after the label.
    pub(super) rest: &'a str,
}

#[derive(Debug)]
pub(super) struct Analysed<'a> {
    /// A timestamp at the start of the line.
    pub(super) time: Option<u64>,
    /// The line after that timestamp, trimmed.
    pub(super) body: &'a str,
    /// Possible labels, best first.
    pub(super) candidates: Vec<Candidate<'a>>,
}

pub(super) fn analyse(raw: &str) -> Analysed<'_> {
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

pub(super) fn accepted(c: &Candidate, count: usize, labelled_file: bool) -> bool {
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
pub(super) fn key(name: &str) -> String {
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
