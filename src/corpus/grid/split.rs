//! Splitting one grid cell into its items (`--split-items`): one item per
//! line or bullet, or per `;` in a one-line cell.
//!
//! The rules, in order:
//! - Line ends are `\n`, `\r\n` or `\r`.
//! - A cell without line breaks is split on `;`, except inside
//!   parentheses, brackets or quotes (`"…"`, `«…»`, `“…”`).
//! - A cell with line breaks gives one item per non-blank line. A marker at
//!   line start is stripped and always starts a new item: a bullet (`-` `*`
//!   `•` `–` `—` `·` `▪` `◦` `➢` `✓`…, Word's symbol-font bullets from the
//!   Unicode private use area, `o` followed by a tab), or a number or letter
//!   (`1.` `1)` `1-` `1 -` `1/` `1°` `a)`, and `3.Energies` where a letter
//!   follows the dot).
//! - A line without a marker continues the previous item (joined with a
//!   space) when it starts with `(`, or starts with a lower-case letter and
//!   either the previous item came from a bullet or the previous line is left
//!   open (it ends with `,` `-` `/` `(` or a word like `de`, `et`, `the`).
//!   Otherwise every line is its own item: many grids put one proposal per
//!   line, with no capital letters.
//! - A line ending with `:` is a heading when it is short (at most 60
//!   characters: `RIC constituant :`), or when it is longer and opens a
//!   list (the next line starts with a marker, or it is the cell's first
//!   line). A heading's block is the items right after it, until a blank
//!   line, the next heading, or an item of the other form (a plain line
//!   after bullets, a bullet after plain lines). The items of its block
//!   carry the heading ([`Item::heading`]); a short heading also prefixes
//!   their text (`RIC constituant : Modifier l'article 11…`), a long one (an
//!   introduction such as `Les propositions retenues sont :`) does not. A
//!   heading with no item after it (or only bare markers) is an item
//!   itself.
//! - Trailing `;` and white space are trimmed; empty items are dropped.

/// Bullet characters that may start a line.
const BULLETS: &[char] = &[
    '-', '*', '•', '–', '—', '·', '▪', '◦', '‣', '►', '○', '●', '■', '□', '◆', '◇', '❖', '➢', '➤',
    '→', '⇒', '✓', '✔', '★', '☐',
];
/// Longest heading that prefixes its items, in characters.
const MAX_HEADING: usize = 60;
/// Longest introduction line that opens a list, in characters.
const MAX_INTRODUCTION: usize = 240;
/// Words after which a line is left open, so the next line continues it.
const DANGLING: &[&str] = &[
    "a", "à", "au", "aux", "avec", "dans", "de", "des", "du", "en", "et", "la", "le", "les", "ou",
    "par", "pour", "que", "qui", "sur", "an", "and", "for", "in", "of", "on", "or", "the", "to",
    "with",
];

/// The longest of [`DANGLING`], in bytes (lower case).
const DANGLING_BYTES: usize = {
    let (mut i, mut longest) = (0, 0);
    while i < DANGLING.len() {
        if DANGLING[i].len() > longest {
            longest = DANGLING[i].len();
        }
        i += 1;
    }
    longest
};

/// One item of a cell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Item {
    /// The item's text (prefixed by its heading when the heading is short).
    pub text: String,
    /// The heading of the block it belongs to, without its `:`.
    pub heading: Option<String>,
}

/// Splits a cell into items; see the module documentation for the rules.
pub fn split_cell(cell: &str) -> Vec<Item> {
    let text = if cell.contains('\r') {
        std::borrow::Cow::Owned(cell.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        std::borrow::Cow::Borrowed(cell)
    };
    let text = text.trim();
    if !text.contains('\n') {
        return split_semicolons(text)
            .into_iter()
            .filter_map(|part| clean(strip_bullet(part).map_or(part, |(_, rest)| rest)))
            .map(|text| Item {
                text,
                heading: None,
            })
            .collect();
    }
    split_lines(text)
}

/// The texts of a cell's items.
pub fn split_items(cell: &str) -> Vec<String> {
    split_cell(cell).into_iter().map(|i| i.text).collect()
}

/// An item being built, with whether it started from a bullet.
struct Building {
    text: String,
    bullet: bool,
    heading: Option<usize>,
    /// How many headings come before it.
    after: usize,
}

/// A heading and what became of it.
struct Heading {
    text: String,
    /// Short: it prefixes its items.
    prefixes: bool,
}

fn split_lines(text: &str) -> Vec<Item> {
    let lines: Vec<&str> = text.split('\n').map(str::trim).collect();
    let mut headings: Vec<Heading> = Vec::new();
    // The open heading, and the form of its block (bulleted or not) once
    // its first item is seen.
    let mut current: Option<(usize, Option<bool>)> = None;
    let mut items: Vec<Building> = Vec::new();
    // Whether the previous line can be continued by this one.
    let mut prev_line: Option<&str> = None;
    for (n, &line) in lines.iter().enumerate() {
        if line.is_empty() {
            current = None;
            prev_line = None;
            continue;
        }
        let (bullet, body) = match strip_bullet(line) {
            Some((_, rest)) => (true, rest.trim()),
            None => (false, line),
        };
        let next = lines.get(n + 1).copied().filter(|l| !l.is_empty());
        if let Some(next) = next
            && let Some(prefixes) = heading_kind(body, n == 0, strip_bullet(next).is_some())
        {
            headings.push(Heading {
                text: body.to_owned(),
                prefixes,
            });
            current = Some((headings.len() - 1, None));
            prev_line = None;
            continue;
        }
        let continues = !bullet
            && prev_line.is_some()
            && items.last().is_some_and(|last| {
                body.starts_with('(')
                    || (starts_lowercase(body) && (last.bullet || prev_line.is_some_and(left_open)))
            });
        prev_line = Some(body);
        match items.last_mut() {
            Some(last) if continues => {
                last.text.push(' ');
                last.text.push_str(body);
            }
            _ => {
                // An item of the other form ends the heading's block.
                let heading = match &mut current {
                    Some((h, form @ None)) => {
                        *form = Some(bullet);
                        Some(*h)
                    }
                    Some((h, Some(form))) if *form == bullet => Some(*h),
                    _ => {
                        current = None;
                        None
                    }
                };
                items.push(Building {
                    text: body.to_owned(),
                    bullet,
                    heading,
                    after: headings.len(),
                });
            }
        }
    }
    // Headings with no items of their own (none, or only bare markers)
    // become items, in their place.
    let mut out = Vec::new();
    let mut emitted = vec![false; headings.len()];
    let lone = |h: &Heading| {
        clean(&h.text).map(|text| Item {
            text,
            heading: None,
        })
    };
    for item in items {
        let heading = item.heading.map(|h| &headings[h]);
        let text = match heading {
            Some(h) if h.prefixes => format!("{} {}", h.text, item.text),
            _ => item.text,
        };
        let Some(text) = clean_owned(text) else {
            continue;
        };
        if let Some(h) = item.heading {
            emitted[h] = true;
        }
        for (j, done) in emitted.iter_mut().enumerate().take(item.after) {
            if !*done {
                out.extend(lone(&headings[j]));
            }
            *done = true;
        }
        out.push(Item {
            text,
            heading: heading.map(|h| h.text.trim_end_matches(':').trim_end().to_owned()),
        });
    }
    for (j, h) in headings.iter().enumerate() {
        if !emitted[j] {
            out.extend(lone(h));
        }
    }
    out
}

/// Whether a line is a heading, given whether it is the cell's first line
/// and whether the next line starts with a marker: `Some(true)` for a short
/// heading (it prefixes its items), `Some(false)` for a long one that opens
/// a list, `None` for an item.
fn heading_kind(line: &str, first: bool, next_marked: bool) -> Option<bool> {
    if !line.ends_with(':') {
        return None;
    }
    let chars = line.chars().count();
    if chars <= MAX_HEADING {
        Some(true)
    } else if chars <= MAX_INTRODUCTION && (first || next_marked) {
        Some(false)
    } else {
        None
    }
}

/// An item without its surrounding white space and trailing `;`.
fn trimmed(item: &str) -> &str {
    item.trim().trim_end_matches(';').trim_end()
}

fn clean(item: &str) -> Option<String> {
    let t = trimmed(item);
    (!t.is_empty()).then(|| t.to_owned())
}

/// [`clean`], keeping the string when there is nothing to cut.
fn clean_owned(item: String) -> Option<String> {
    let t = trimmed(&item);
    if t.is_empty() {
        None
    } else if t.len() == item.len() {
        Some(item)
    } else {
        Some(t.to_owned())
    }
}

fn starts_lowercase(s: &str) -> bool {
    s.chars().next().is_some_and(char::is_lowercase)
}

/// A line whose end says the sentence goes on.
fn left_open(line: &str) -> bool {
    if line.ends_with([',', '-', '/', '(']) {
        return true;
    }
    let last = line
        .rsplit(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .unwrap_or("");
    // The dangling words are short: a longer word is not one of them.
    line.ends_with(|c: char| c.is_alphanumeric())
        && last.len() <= DANGLING_BYTES
        && DANGLING.contains(&last.to_lowercase().as_str())
}

/// Whether a character is a bullet: a bullet sign, or a character of the
/// Unicode private use area (Word writes its symbol-font bullets there).
fn is_bullet(c: char) -> bool {
    BULLETS.contains(&c) || ('\u{E000}'..='\u{F8FF}').contains(&c)
}

/// The marker at the start of a line and what follows it, if the line has
/// one: a bullet (`- a`, `•\ta`, `o\ta`), or a number or letter (`1. a`,
/// `1) a`, `1- a`, `1 - a`, `1/ a`, `1° a`, `3.Energies`, `a) b`).
fn strip_bullet(line: &str) -> Option<(&str, &str)> {
    let mut chars = line.char_indices();
    let (_, first) = chars.next()?;
    if is_bullet(first) {
        let after = &line[first.len_utf8()..];
        // `-5 %` is a number, `**bold**` is emphasis.
        if (first == '-' && after.starts_with(|c: char| c.is_ascii_digit()))
            || (first == '*' && after.starts_with('*'))
            || (first == '-' && after.starts_with('-') && !after.starts_with("- "))
        {
            return None;
        }
        return Some((&line[..first.len_utf8()], after.trim_start()));
    }
    // Word's outline bullet: `o` then a tab.
    if let Some(after) = line.strip_prefix("o\t") {
        return Some((&line[..1], after.trim_start()));
    }
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &line[digits..];
        let marker = |len: usize| Some((&line[..digits + len], rest[len..].trim_start()));
        let starts_letter = |s: &str| s.starts_with(char::is_alphabetic);
        let spaced = |s: &str| s.is_empty() || s.starts_with(char::is_whitespace);
        // `1.` then a space, or a letter (`3.Energies`); `1.5` is a number.
        if let Some(after) = rest.strip_prefix('.') {
            return (spaced(after) || starts_letter(after))
                .then(|| marker(1))
                .flatten();
        }
        // `1)` unless a number follows.
        if let Some(after) = rest.strip_prefix(')') {
            return (!after.starts_with(|c: char| c.is_ascii_digit()))
                .then(|| marker(1))
                .flatten();
        }
        // `7-`, `16/`, `1°`, and `7 -`: a number cut from its text.
        for sep in ['-', '–', '/', '°'] {
            if let Some(after) = rest.strip_prefix(sep) {
                return (spaced(after) || starts_letter(after))
                    .then(|| marker(sep.len_utf8()))
                    .flatten();
            }
        }
        for sep in [" - ", " – "] {
            if rest.starts_with(sep) {
                return marker(sep.len());
            }
        }
        return None;
    }
    if first.is_ascii_alphabetic()
        && let Some(after) = line[1..].strip_prefix(')')
        && (after.is_empty() || after.starts_with(char::is_whitespace))
    {
        return Some((&line[..2], after.trim_start()));
    }
    None
}

/// Splits on `;` outside parentheses, brackets and quotes.
fn split_semicolons(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let mut depth = 0usize;
    let mut in_straight_quote = false;
    let mut start = 0;
    for (i, c) in text.char_indices() {
        match c {
            '(' | '[' | '«' | '“' => depth += 1,
            ')' | ']' | '»' | '”' => depth = depth.saturating_sub(1),
            '"' => in_straight_quote = !in_straight_quote,
            ';' if depth == 0 && !in_straight_quote => {
                parts.push(&text[start..i]);
                start = i + 1;
            }
            _ => {}
        }
    }
    parts.push(&text[start..]);
    parts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_cells_into_items() {
        let cases: &[(&str, &[&str])] = &[
            ("", &[]),
            ("  une seule idée  ", &["une seule idée"]),
            ("a;b; c ;", &["a", "b", "c"]),
            (
                "Organisation de l'Etat;Transition écologique;Fiscalité",
                &[
                    "Organisation de l'Etat",
                    "Transition écologique",
                    "Fiscalité",
                ],
            ),
            (
                "taxer (x; y); « a; b »; \"c; d\"",
                &["taxer (x; y)", "« a; b »", "\"c; d\""],
            ),
            ("- un;- deux", &["un", "deux"]),
            ("Un\r\nDeux\rTrois\n\n", &["Un", "Deux", "Trois"]),
            (
                "- a\n* b\n• c\n– d\n— e\n· f",
                &["a", "b", "c", "d", "e", "f"],
            ),
            (
                "1. un\n2) deux\na) trois\n10. dix",
                &["un", "deux", "trois", "dix"],
            ),
            // Markers that are not bullets.
            (
                "-5 % de TVA\n1.5 million\n**gras**",
                &["-5 % de TVA", "1.5 million", "**gras**"],
            ),
            // One proposal per line, even in lower case.
            (
                "création de navettes, de télétravail\néducation à l'école\nencourager la production",
                &[
                    "création de navettes, de télétravail",
                    "éducation à l'école",
                    "encourager la production",
                ],
            ),
            // Continuations: after "(", a bullet, or a line left open.
            (
                "Modifier l'article 11 : un référendum\n(le délai est de …)\nAutre",
                &[
                    "Modifier l'article 11 : un référendum (le délai est de …)",
                    "Autre",
                ],
            ),
            (
                "- Réduire les dépenses\nde fonctionnement\n- Autre",
                &["Réduire les dépenses de fonctionnement", "Autre"],
            ),
            (
                "Baisser la TVA sur les produits de\nprmière nécessité\nRétablir l'ISF",
                &[
                    "Baisser la TVA sur les produits de prmière nécessité",
                    "Rétablir l'ISF",
                ],
            ),
            (
                "Rétablissement de l'ISF\nréduction des formalités",
                &["Rétablissement de l'ISF", "réduction des formalités"],
            ),
            (
                "RIC constituant :\nModifier l'article 11\nModifier l'article 89\nRIC législatif :\nSans limite de domaine.",
                &[
                    "RIC constituant : Modifier l'article 11",
                    "RIC constituant : Modifier l'article 89",
                    "RIC législatif : Sans limite de domaine.",
                ],
            ),
            // A heading's scope ends at a blank line; a lone heading stays.
            (
                "Fiscalité :\nBaisser la TVA\n\nAutre chose\nFin :",
                &["Fiscalité : Baisser la TVA", "Autre chose", "Fin :"],
            ),
            ("Vide :\nPlein :\n- a", &["Vide :", "Plein : a"]),
            ("-\n*\n;", &[]),
        ];
        for (cell, want) in cases {
            assert_eq!(split_items(cell), *want, "{cell:?}");
        }
    }

    #[test]
    fn word_bullets_and_numberings_are_stripped() {
        // Shapes met in Grand Débat grids: Word's symbol-font bullet
        // (private use area) and its outline `o`, each before a tab, and
        // numberings cut from their text.
        let cases: &[(&str, &[&str])] = &[
            (
                "\u{F0B7}\tRéduire le nombre de parlementaires\n\u{F0A7}\tSupprimer le Sénat",
                &["Réduire le nombre de parlementaires", "Supprimer le Sénat"],
            ),
            (
                "o\tRétablir l'ISF\no\tLutter contre l'évasion fiscale",
                &["Rétablir l'ISF", "Lutter contre l'évasion fiscale"],
            ),
            (
                "7- la démocratie participative\n8 - le vote blanc\n16/ le RIC\n3.Energies renouvelables\n1° Rétablir l'ISF",
                &[
                    "la démocratie participative",
                    "le vote blanc",
                    "le RIC",
                    "Energies renouvelables",
                    "Rétablir l'ISF",
                ],
            ),
            // Numbers that are not markers.
            (
                "1.5 million d'euros\n16/02/2019 réunion\n10 000 habitants\n2019-2020 budget",
                &[
                    "1.5 million d'euros",
                    "16/02/2019 réunion",
                    "10 000 habitants",
                    "2019-2020 budget",
                ],
            ),
        ];
        for (cell, want) in cases {
            assert_eq!(split_items(cell), *want, "{cell:?}");
        }
    }

    #[test]
    fn a_heading_prefixes_only_the_items_of_its_block() {
        // The lines of a real 04/05 meeting: a heading, its bullets, a second
        // heading and its bullets.
        let cell = "Ce que nous demandons à l'État :\n- Débloquer des fonds pour avoir des transports en commun.\n- Maintenir les petites communes\nDe quel monde rêvons-nous ? :\n- Un monde de solidarité et d'entraide\nRéduire le nombre de parlementaires";
        let items = split_cell(cell);
        let texts: Vec<&str> = items.iter().map(|i| i.text.as_str()).collect();
        assert_eq!(
            texts,
            [
                "Ce que nous demandons à l'État : Débloquer des fonds pour avoir des transports en commun.",
                "Ce que nous demandons à l'État : Maintenir les petites communes",
                "De quel monde rêvons-nous ? : Un monde de solidarité et d'entraide",
                // A plain line after the bullets: not of that block.
                "Réduire le nombre de parlementaires",
            ]
        );
        assert_eq!(
            items[0].heading.as_deref(),
            Some("Ce que nous demandons à l'État")
        );
        assert_eq!(items[3].heading, None);
        // A long line ending with `:` that opens the cell introduces a list:
        // its items keep it as their heading but not in their text.
        let cell = "Les propositions ayant recueillies la plus grande adhésion des participants sont:\nFISCALITÉ: LUTTER contre l'évasion et l'optimisation fiscale.\nTRANSITION ÉCOLOGIQUE: APPLIQUER le principe pollueurs / payeurs.";
        let items = split_cell(cell);
        assert_eq!(items.len(), 2, "{items:?}");
        assert_eq!(
            items[0].text,
            "FISCALITÉ: LUTTER contre l'évasion et l'optimisation fiscale."
        );
        assert!(
            items[1]
                .heading
                .as_deref()
                .unwrap()
                .starts_with("Les propositions ayant")
        );
        // A long line ending with `:` in the middle of plain lines is an item.
        let long = format!("{}:", "mot ".repeat(20).trim_end());
        assert_eq!(
            split_items(&format!("Un\n{long}\nDeux")),
            ["Un", &long, "Deux"]
        );
    }

    #[test]
    fn a_long_heading_over_bare_markers_is_kept_as_an_item() {
        // Found by the splitting property: the introduction's only item was
        // a bare marker, and the whole cell gave no item.
        let intro = "Les propositions retenues par les participants de la réunion sont :";
        assert_eq!(split_items(&format!("{intro}\ny)")), [intro]);
        assert_eq!(
            split_items(&format!("{intro}\n-\n- \nAutre")),
            [intro, "Autre"]
        );
        assert_eq!(split_items("Vide :\n-"), ["Vide :"]);
    }

    #[test]
    fn bullets() {
        assert_eq!(strip_bullet("- a"), Some(("-", "a")));
        assert_eq!(strip_bullet("-a"), Some(("-", "a")));
        assert_eq!(strip_bullet("--"), None);
        assert_eq!(strip_bullet("12) x"), Some(("12)", "x")));
        assert_eq!(strip_bullet("2019. x"), None);
        assert_eq!(strip_bullet("b) x"), Some(("b)", "x")));
        assert_eq!(strip_bullet("ab) x"), None);
        assert_eq!(strip_bullet("é) x"), None);
        assert_eq!(strip_bullet(""), None);
        assert_eq!(strip_bullet("7- x"), Some(("7-", "x")));
        assert_eq!(strip_bullet("7 - x"), Some(("7 - ", "x")));
        assert_eq!(strip_bullet("3.Energies"), Some(("3.", "Energies")));
        assert_eq!(strip_bullet("o\tx"), Some(("o", "x")));
        assert_eq!(strip_bullet("ou bien"), None);
        assert_eq!(strip_bullet("2019-2020"), None);
    }
}

#[cfg(test)]
mod props {
    //! What splitting may drop, and nothing else: white space, line ends,
    //! the marker at the start of a line (or of a one-line cell's part),
    //! the `;` that separate a one-line cell's parts or end an item, and the
    //! `:` ending a heading (kept in [`Item::heading`] without it).

    use proptest::prelude::*;

    use super::*;

    /// Pieces cells are made of: words (some that leave a line open, some
    /// in capitals), markers, separators, brackets and quotes, headings.
    const PIECES: &[&str] = &[
        "Baisser",
        "la",
        "TVA",
        "de",
        "et",
        "réduire",
        "RIC",
        "1.5",
        "-5",
        "2019-2020",
        "(x",
        "y)",
        "[a",
        "b]",
        "«",
        "»",
        "“",
        "”",
        "\"",
        ";",
        ":",
        " :",
        ",",
        "-",
        "- ",
        "* ",
        "**",
        "• ",
        "–",
        "\u{F0B7}\t",
        "o\t",
        "o",
        "1. ",
        "2)",
        "3.",
        "7-",
        "8 - ",
        "16/",
        "1°",
        "a)",
        "é)",
        " ",
        "  ",
        "\t",
        "\n",
        "\n",
        "\r\n",
        "\r",
        "\n\n",
        "Les propositions retenues par les participants de la réunion sont :",
    ];

    /// The characters of `s` other than white space.
    fn visible(s: &str) -> impl Iterator<Item = char> + '_ {
        s.chars().filter(|c| !c.is_whitespace())
    }

    /// Whether `marker` has the shape of a line marker: one bullet, Word's
    /// outline `o`, one to three digits then `.` `)` `-` `–` `/` `°` or
    /// ` - `/` – `, or an ASCII letter then `)`.
    fn marker_shaped(marker: &str) -> bool {
        let mut cs = marker.chars();
        let first = cs.next();
        let rest: String = cs.collect();
        let digits = marker.bytes().take_while(u8::is_ascii_digit).count();
        match first {
            Some(c) if is_bullet(c) => rest.is_empty(),
            Some('o') if rest.is_empty() => true,
            Some(c) if c.is_ascii_alphabetic() => rest == ")",
            _ => {
                (1..=3).contains(&digits)
                    && [".", ")", "-", "–", "/", "°", " - ", " – "].contains(&&marker[digits..])
            }
        }
    }

    /// The characters a cell must keep, in order: each line (or, in a
    /// one-line cell, each `;`-separated part) without its marker, its
    /// trailing `;`, and, for a line that became a heading, its trailing
    /// `:`; white space aside. Also checks each marker's shape.
    fn kept(cell: &str, headings: &[&str]) -> Result<String, TestCaseError> {
        let text = cell.replace("\r\n", "\n").replace('\r', "\n");
        let text = text.trim();
        let parts: Vec<&str> = if text.contains('\n') {
            text.split('\n').map(str::trim).collect()
        } else {
            split_semicolons(text)
        };
        let mut out = String::new();
        for part in parts {
            let body = match strip_bullet(part) {
                Some((marker, rest)) => {
                    prop_assert!(marker_shaped(marker), "marker {marker:?} of {part:?}");
                    rest
                }
                None => part,
            };
            let mut body = body.trim_end().trim_end_matches(';').trim_end();
            let heading = body.trim_end_matches(':').trim_end();
            if body.ends_with(':') && headings.contains(&heading) {
                body = heading;
            }
            out.extend(visible(body));
        }
        Ok(out)
    }

    /// The characters the items carry, in order: the heading where its
    /// block starts, then each item's text; white space aside.
    fn carried(items: &[Item]) -> String {
        let mut out = String::new();
        let mut block: Option<&str> = None;
        for item in items {
            if let Some(h) = item.heading.as_deref()
                && block != Some(h)
            {
                out.extend(visible(h));
            }
            block = item.heading.as_deref();
            out.extend(visible(&item.text));
        }
        out
    }

    /// Whether `needle`'s characters appear in `hay` in order.
    fn subsequence(needle: &str, hay: &str) -> bool {
        let mut hay = hay.chars();
        needle.chars().all(|c| hay.any(|h| h == c))
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        /// Splitting loses no text but markers, separators, white space
        /// and a heading's `:`; no item is empty or padded.
        #[test]
        fn splitting_keeps_every_character_but_markers_and_separators(
            pieces in prop::collection::vec(prop::sample::select(PIECES), 0..30),
        ) {
            let cell = pieces.concat();
            let items = split_cell(&cell);
            let headings: Vec<&str> = items.iter().filter_map(|i| i.heading.as_deref()).collect();
            let kept = kept(&cell, &headings)?;
            let carried = carried(&items);
            prop_assert!(
                subsequence(&kept, &carried),
                "lost text: cell {:?}\nkept    {:?}\ncarried {:?}\nitems {:?}",
                cell, kept, carried, items
            );
            for item in &items {
                prop_assert!(!item.text.is_empty() && item.text.trim() == item.text, "{item:?}");
            }
        }
    }
}
