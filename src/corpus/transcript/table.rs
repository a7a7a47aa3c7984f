//! Tabular transcripts (CSV/TSV, one row per turn): delimiter sniffing,
//! speaker/text/time columns by option or by header name.

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use super::TranscriptOptions;
use super::parse_clock;
use crate::corpus::error::ParseError;
use crate::corpus::model::{RawSegment, Role, SegmentKind};

/// Header names of the speaker column, best first (compared without case
/// and accents).
const SPEAKER_NAMES: &[&str] = &[
    "speaker",
    "speaker_name",
    "orateur",
    "intervenant",
    "locuteur",
    "name",
    "nom",
    "participant",
    "author",
    "auteur",
];

/// Header names of the text column, best first.
const TEXT_NAMES: &[&str] = &[
    "text",
    "texte",
    "content",
    "contenu",
    "turn_text",
    "speech",
    "transcript",
    "utterance",
    "intervention",
];

/// Header names of the time column, best first.
const TIME_NAMES: &[&str] = &["time", "start", "timestamp", "debut", "start_time", "begin"];

/// Parses a CSV or TSV transcript with a header row.
pub(super) fn parse(text: &str, opts: &TranscriptOptions) -> Result<Vec<RawSegment>, ParseError> {
    // One line end everywhere, so that record lines count right (the csv
    // crate counts a CRLF record end on the next record's line).
    let text = &text.replace("\r\n", "\n").replace('\r', "\n");
    let delimiter = sniff_delimiter(text);
    check_quotes(text, delimiter)?;
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(true)
        .flexible(false)
        .from_reader(text.as_bytes());
    let headers: Vec<String> = reader
        .headers()
        .map_err(|e| csv_error(&e, delimiter))?
        .iter()
        .map(|h| h.trim().trim_start_matches('\u{feff}').to_owned())
        .collect();
    if headers.iter().all(String::is_empty) {
        return Err(ParseError::at_line(
            1,
            "the first row is empty; expected a header row naming the columns",
        ));
    }
    let listing = headers.join(", ");

    let text_col = match &opts.text_column {
        Some(name) => Some(named_column(&headers, name, &listing)?),
        None => guess_column(&headers, TEXT_NAMES).or((headers.len() == 1).then_some(0)),
    };
    let Some(text_col) = text_col else {
        return Err(ParseError::file(format!(
            "no text column found; the file has columns: {listing}; pass --text-column to name it"
        )));
    };
    let speaker_col = match &opts.speaker_column {
        Some(name) => Some(named_column(&headers, name, &listing)?),
        None => guess_column(&headers, SPEAKER_NAMES).filter(|&c| c != text_col),
    };
    let time_col = guess_column(&headers, TIME_NAMES).filter(|&c| c != text_col);
    let id_col = match &opts.id_column {
        Some(name) => Some(named_column(&headers, name, &listing)?),
        None => None,
    };
    let role_col = match &opts.role_column {
        Some(name) => Some(named_column(&headers, name, &listing)?),
        None => None,
    };
    // The columns not mapped stay as attributes of each turn (a tags
    // column, a timestamp in another format…).
    let mapped = [Some(text_col), speaker_col, time_col, id_col, role_col];
    let attribute_cols: Vec<usize> = (0..headers.len())
        .filter(|i| !mapped.contains(&Some(*i)) && !headers[*i].is_empty())
        .collect();
    let mut seen_ids: std::collections::HashMap<String, u64> = std::collections::HashMap::new();
    let mut previous_speaker: Option<String> = None;

    let mut out = Vec::new();
    let mut rows = 0usize;
    let mut record = csv::StringRecord::new();
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(e) => return Err(csv_error(&e, delimiter)),
        }
        rows += 1;
        let field = |c: Option<usize>| c.and_then(|c| record.get(c)).map(str::trim);
        let line = record.position().map(csv::Position::line);
        let key = match id_col {
            Some(c) => {
                let v = field(Some(c)).unwrap_or("");
                let at = |msg: String| ParseError::at(line.unwrap_or(0), c as u64 + 1, msg);
                if v.is_empty() {
                    return Err(at(format!(
                        "empty id in column \"{}\"; every row needs an id when --id-column is given",
                        headers[c]
                    )));
                }
                if let Some(first) = seen_ids.get(v) {
                    return Err(at(format!(
                        "id \"{v}\" in column \"{}\" is already the id of the row on line {first}; ids must be unique",
                        headers[c]
                    )));
                }
                seen_ids.insert(v.to_owned(), line.unwrap_or(0));
                Some(v.to_owned())
            }
            None => None,
        };
        let Some(text) = field(Some(text_col)).filter(|t| !t.is_empty()) else {
            continue;
        };
        let role = match role_col {
            Some(c) => role_cell(field(Some(c)).unwrap_or(""), &headers[c])
                .map_err(|m| ParseError::at(line.unwrap_or(0), c as u64 + 1, m))?,
            None => None,
        };
        // `RA` and `RA:` are one speaker; an empty speaker cell continues
        // the previous speaker's turn (a long turn cut into several rows).
        let speaker = match field(speaker_col)
            .map(speaker_name)
            .filter(|s| !s.is_empty())
        {
            Some(s) => Some(s.to_owned()),
            None if speaker_col.is_some() => previous_speaker.clone(),
            None => None,
        };
        previous_speaker.clone_from(&speaker);
        let attributes = attribute_cols
            .iter()
            .filter_map(|&c| {
                let v = record.get(c)?.trim();
                (!v.is_empty()).then(|| (headers[c].clone(), v.to_owned()))
            })
            .collect();
        let kind = if speaker.is_some() {
            SegmentKind::Turn
        } else {
            SegmentKind::Paragraph
        };
        out.push(RawSegment {
            speaker,
            text: text.to_owned(),
            key,
            line,
            time_ms: field(time_col).and_then(parse_time),
            kind,
            attributes,
            role,
            ..Default::default()
        });
    }
    if rows == 0 {
        return Err(ParseError::file(
            "no rows after the header; expected one row per turn",
        ));
    }
    if out.is_empty() {
        return Err(ParseError::file(format!(
            "the text column \"{}\" is empty in every row",
            headers.get(text_col).map_or("", String::as_str)
        )));
    }
    Ok(out)
}

/// A role cell: empty is none; else a role word, or the message of the
/// error.
pub(crate) fn role_cell(v: &str, column: &str) -> Result<Option<Role>, String> {
    if v.trim().is_empty() {
        return Ok(None);
    }
    Role::parse(v).map(Some).ok_or_else(|| {
        format!(
            "unknown role \"{v}\" in column \"{column}\"; expected participant, interviewer or facilitator (or a name of one: animatrice, moderator, enquêteur…)"
        )
    })
}

/// A speaker cell as a name: trimmed, without the colon of a label
/// (`RA:` is `RA`).
fn speaker_name(cell: &str) -> &str {
    cell.trim().trim_end_matches([':', '\u{ff1a}']).trim_end()
}

/// Picks `,` `;` or TAB: the one found on every one of the first lines
/// (outside quotes) the most often; `,` when none is.
fn sniff_delimiter(text: &str) -> u8 {
    const CANDIDATES: [u8; 3] = [b'\t', b';', b','];
    let mut per_line: Vec<[usize; 3]> = Vec::new();
    let mut counts = [0usize; 3];
    let mut in_quotes = false;
    for b in text.bytes() {
        match b {
            b'"' => in_quotes = !in_quotes,
            b'\n' if !in_quotes => {
                per_line.push(std::mem::take(&mut counts));
                if per_line.len() >= 10 {
                    break;
                }
            }
            _ if !in_quotes => {
                if let Some(i) = CANDIDATES.iter().position(|&c| c == b) {
                    counts[i] += 1;
                }
            }
            _ => {}
        }
    }
    if counts.iter().any(|&c| c > 0) {
        per_line.push(counts);
    }
    let score = |i: usize| {
        let min = per_line.iter().map(|l| l[i]).min().unwrap_or(0);
        let total: usize = per_line.iter().map(|l| l[i]).sum();
        (min, total)
    };
    let best = (0..3).max_by_key(|&i| (score(i), 3 - i)).unwrap_or(2);
    if score(best).1 == 0 {
        b','
    } else {
        CANDIDATES[best]
    }
}

/// Finds a quoted field that never ends, with its line and column.
fn check_quotes(text: &str, delimiter: u8) -> Result<(), ParseError> {
    let (mut line, mut col) = (1u64, 0u64);
    let mut field_start = true;
    let mut open: Option<(u64, u64)> = None;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        col += 1;
        if open.is_some() {
            if c == '"' {
                if chars.peek() == Some(&'"') {
                    chars.next();
                    col += 1;
                } else {
                    open = None;
                }
            }
        } else if c == '"' && field_start {
            open = Some((line, col));
        }
        field_start = c.is_ascii() && (c as u8 == delimiter || c == '\n' || c == '\r');
        if c == '\n' {
            line += 1;
            col = 0;
        }
    }
    match open {
        Some((l, c)) => Err(ParseError::at(
            l,
            c,
            "unterminated quote: the quoted field that starts here never ends",
        )),
        None => Ok(()),
    }
}

fn csv_error(e: &csv::Error, delimiter: u8) -> ParseError {
    let delim = match delimiter {
        b'\t' => "tab".to_owned(),
        d => format!("\"{}\"", d as char),
    };
    match e.kind() {
        csv::ErrorKind::UnequalLengths {
            pos,
            expected_len,
            len,
        } => {
            let message = format!(
                "this row has {len} fields but the header has {expected_len}; check the quotes and the delimiter ({delim})"
            );
            match pos {
                Some(p) => ParseError::at_line(p.line(), message),
                None => ParseError::file(message),
            }
        }
        _ => match e.position() {
            Some(p) => ParseError::at_line(p.line(), format!("cannot read the table: {e}")),
            None => ParseError::file(format!("cannot read the table: {e}")),
        },
    }
}

/// Header comparison form: no accents, lower case, `_` for spaces and dashes.
fn norm(s: &str) -> String {
    s.trim()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .flat_map(char::to_lowercase)
        .map(|c| if c == ' ' || c == '-' { '_' } else { c })
        .collect()
}

fn guess_column(headers: &[String], names: &[&str]) -> Option<usize> {
    let normed: Vec<String> = headers.iter().map(|h| norm(h)).collect();
    names
        .iter()
        .find_map(|n| normed.iter().position(|h| h == n))
}

fn named_column(headers: &[String], name: &str, listing: &str) -> Result<usize, ParseError> {
    headers
        .iter()
        .position(|h| h == name.trim())
        .or_else(|| {
            let n = norm(name);
            headers.iter().position(|h| norm(h) == n)
        })
        .ok_or_else(|| {
            ParseError::file(format!(
                "unknown column \"{name}\"; the file has columns: {listing}"
            ))
        })
}

/// `hh:mm:ss(.fff)`, `mm:ss` or seconds (`12.5`, `12,5`).
fn parse_time(s: &str) -> Option<u64> {
    if let Some(ms) = parse_clock(s, 2) {
        return Some(ms);
    }
    let secs: f64 = s.replace(',', ".").parse().ok()?;
    (secs.is_finite() && (0.0..1e9).contains(&secs)).then(|| (secs * 1000.0).round() as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts(speaker: Option<&str>, text: Option<&str>) -> TranscriptOptions {
        TranscriptOptions {
            speaker_column: speaker.map(str::to_owned),
            text_column: text.map(str::to_owned),
            ..Default::default()
        }
    }

    /// (speaker, text, line, time)
    type Want<'a> = (Option<&'a str>, &'a str, u64, Option<u64>);

    fn got(segs: &[RawSegment]) -> Vec<Want<'_>> {
        segs.iter()
            .map(|s| {
                assert_eq!(s.kind == SegmentKind::Turn, s.speaker.is_some());
                (
                    s.speaker.as_deref(),
                    s.text.as_str(),
                    s.line.unwrap_or(0),
                    s.time_ms,
                )
            })
            .collect()
    }

    /// The first lines of the Assemblée nationale sample (20130119_turns.csv).
    const ASSEMBLEE: &str = "turn,speaker_id,speaker,text
0,le_président,le président,. La séance est ouverte. (La séance est ouverte à vingt-deux heures.)
1,le_président_,le président,\"L'ordre du jour appelle la suite de la discussion du projet de loi ouvrant le mariage aux couples de personnes du même sexe. (n° s 344, 628, 581)\"
2,le_président_,le président,\"Dans la discussion générale, la parole est à Mme Corinne Narassiguin.\"
3,Corinne_Narassiguin,Corinne Narassiguin,\"Monsieur le président, madame la ministre, « vivre ensemble ».
Deuxième ligne du même tour.\"
4,le_président_,le président,La parole est à M. Hervé Mariton.
";

    #[test]
    fn assemblee_sample() {
        let segs = parse(ASSEMBLEE, &TranscriptOptions::default()).unwrap();
        let g = got(&segs);
        assert_eq!(g.len(), 5);
        assert_eq!(
            g[0],
            (
                Some("le président"),
                ". La séance est ouverte. (La séance est ouverte à vingt-deux heures.)",
                2,
                None
            )
        );
        assert!(g[1].1.ends_with("(n° s 344, 628, 581)"));
        assert_eq!(g[3].0, Some("Corinne Narassiguin"));
        assert!(
            g[3].1
                .ends_with("« vivre ensemble ».\nDeuxième ligne du même tour.")
        );
        assert_eq!(g[3].2, 5);
        assert_eq!(g[4].2, 7);
    }

    #[test]
    fn columns_delimiters_and_times() {
        let cases: &[(&str, TranscriptOptions, &[Want])] = &[
            (
                "Intervenant;Début;Contenu\r\nAna;00:01:02;Bonjour, tout le monde\r\nBob;75.5;Salut\r\n;;Sans nom\r\nEve;;\r\n",
                opts(None, None),
                &[
                    (Some("Ana"), "Bonjour, tout le monde", 2, Some(62_000)),
                    (Some("Bob"), "Salut", 3, Some(75_500)),
                    // An empty speaker cell continues the previous turn.
                    (Some("Bob"), "Sans nom", 4, None),
                ],
            ),
            (
                "who\twhat\tnote\nAna\tone, two; three\tx\nBob\t\"quoted\ttab\"\ty\n",
                opts(Some("who"), Some("WHAT")),
                &[
                    (Some("Ana"), "one, two; three", 2, None),
                    (Some("Bob"), "quoted\ttab", 3, None),
                ],
            ),
            (
                "texte\nune seule colonne\n",
                opts(None, None),
                &[(None, "une seule colonne", 2, None)],
            ),
            (
                "utterance\nsans en-tête connu\n",
                opts(None, None),
                &[(None, "sans en-tête connu", 2, None)],
            ),
            (
                "Auteur,Time,Speech\nAna,1:05,hi\nBob,oops,yo\n",
                opts(None, None),
                &[
                    (Some("Ana"), "hi", 2, Some(65_000)),
                    (Some("Bob"), "yo", 3, None),
                ],
            ),
        ];
        for (input, o, want) in cases {
            assert_eq!(got(&parse(input, o).unwrap()), *want, "{input:?}");
        }
    }

    #[test]
    fn sniffs_delimiters() {
        let cases: &[(&str, u8)] = &[
            ("a,b,c\n1,2,3\n", b','),
            ("a;b\nx, y;z\n", b';'),
            ("a\tb\n\"x;y;z\"\tw\n", b'\t'),
            ("only\n", b','),
            ("a;b,c\n1;2,3\n", b';'),
        ];
        for (input, want) in cases {
            assert_eq!(sniff_delimiter(input) as char, *want as char, "{input:?}");
        }
    }

    #[test]
    fn ids_attributes_and_speaker_labels() {
        let input = "turn,speaker,text,tags\n\
                     t1,RA:,Bonjour,intro\n\
                     t2,RA,Vous habitez où ?,\n\
                     t3,Léa,À Lille,lieu; famille\n\
                     t4,,depuis dix ans,lieu\n";
        let o = TranscriptOptions {
            id_column: Some("turn".into()),
            ..Default::default()
        };
        let segs = parse(input, &o).unwrap();
        let keys: Vec<_> = segs.iter().map(|s| s.key.as_deref().unwrap()).collect();
        assert_eq!(keys, ["t1", "t2", "t3", "t4"]);
        let speakers: Vec<_> = segs.iter().map(|s| s.speaker.as_deref().unwrap()).collect();
        assert_eq!(speakers, ["RA", "RA", "Léa", "Léa"]);
        assert_eq!(
            segs[2].attributes.get("tags").map(String::as_str),
            Some("lieu; famille")
        );
        assert!(segs[1].attributes.is_empty());
        assert!(!segs[0].attributes.contains_key("turn"));

        let dup = parse("turn,text\n1,a\n2,b\n1,c\n", &o)
            .unwrap_err()
            .to_string();
        assert!(
            dup.contains("4:1") && dup.contains("already the id of the row on line 2"),
            "{dup}"
        );
        let empty = parse("turn,text\n1,a\n,b\n", &o).unwrap_err().to_string();
        assert!(
            empty.contains("3:1") && empty.contains("empty id"),
            "{empty}"
        );
    }

    #[test]
    fn errors() {
        // (input, options, line, column, part of the message)
        type Case<'a> = (
            &'a str,
            TranscriptOptions,
            Option<u64>,
            Option<u64>,
            &'a str,
        );
        let cases: &[Case] = &[
            (
                "speaker,text\nAna,hi\n",
                opts(Some("orateur"), None),
                None,
                None,
                "unknown column \"orateur\"; the file has columns: speaker, text",
            ),
            (
                "speaker,text\nAna,hi\n",
                opts(None, Some("body")),
                None,
                None,
                "unknown column \"body\"; the file has columns: speaker, text",
            ),
            (
                "who,what\nAna,hi\n",
                opts(None, None),
                None,
                None,
                "no text column found; the file has columns: who, what; pass --text-column",
            ),
            (
                "speaker,text\nAna,hi\nBob,yo,extra\n",
                opts(None, None),
                Some(3),
                None,
                "this row has 3 fields but the header has 2",
            ),
            (
                "speaker,text\nAna,hi\nBob,\"never closed\nmore\n",
                opts(None, None),
                Some(3),
                Some(5),
                "unterminated quote",
            ),
            ("speaker,text\n", opts(None, None), None, None, "no rows"),
            (
                "speaker,text\nAna,\nBob, \n",
                opts(None, None),
                None,
                None,
                "empty in every row",
            ),
            (
                ",,\nAna,hi,x\n",
                opts(None, None),
                Some(1),
                None,
                "header row",
            ),
        ];
        for (input, o, line, column, message) in cases {
            let e = parse(input, o).unwrap_err();
            assert_eq!((e.line, e.column), (*line, *column), "{input:?}: {e}");
            assert!(e.message.contains(message), "{input:?}: {e}");
        }
    }
}
