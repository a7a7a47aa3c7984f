//! Splitting one grid cell into its items (`--split-items`): one item per
//! line or bullet, or per `;` in a one-line cell.
//!
//! The rules, in order:
//! - Line ends are `\n`, `\r\n` or `\r`.
//! - A cell without line breaks is split on `;`, except inside
//!   parentheses, brackets or quotes (`"…"`, `«…»`, `“…”`).
//! - A cell with line breaks gives one item per non-blank line. A bullet
//!   marker at line start (`-` `*` `•` `–` `—` `·`, `1.` `1)` `a)`) is
//!   stripped and always starts a new item.
//! - A line without a marker continues the previous item (joined with a
//!   space) when it starts with `(`, or starts with a lower-case letter and
//!   either the previous item came from a bullet or the previous line is left
//!   open (it ends with `,` `-` `/` `(` or a word like `de`, `et`, `the`).
//!   Otherwise every line is its own item: many grids put one proposal per
//!   line, with no capital letters.
//! - A short line (at most 60 characters) ending with `:` is a heading, such
//!   as `RIC constituant :`; it prefixes each following item (`RIC
//!   constituant : Modifier l'article 11…`) until the next heading or a
//!   blank line. A heading with no item after it is an item itself.
//! - Trailing `;` and white space are trimmed; empty items are dropped.

/// Bullet characters that may start a line.
const BULLETS: &[char] = &['-', '*', '•', '–', '—', '·', '▪', '◦', '‣', '►', '○'];
/// Longest heading, in characters.
const MAX_HEADING: usize = 60;
/// Words after which a line is left open, so the next line continues it.
const DANGLING: &[&str] = &[
    "a", "à", "au", "aux", "avec", "dans", "de", "des", "du", "en", "et", "la", "le", "les", "ou",
    "par", "pour", "que", "qui", "sur", "an", "and", "for", "in", "of", "on", "or", "the", "to",
    "with",
];

/// Splits a cell into items; see the module documentation for the rules.
pub fn split_items(cell: &str) -> Vec<String> {
    let text = cell.replace("\r\n", "\n").replace('\r', "\n");
    let text = text.trim();
    if !text.contains('\n') {
        return split_semicolons(text)
            .into_iter()
            .filter_map(|part| clean(strip_bullet(part).map_or(part, |(_, rest)| rest)))
            .collect();
    }
    split_lines(text)
}

/// An item being built, with whether it started from a bullet.
struct Item {
    text: String,
    bullet: bool,
    heading: Option<usize>,
}

fn split_lines(text: &str) -> Vec<String> {
    let lines: Vec<&str> = text.split('\n').map(str::trim).collect();
    let mut headings: Vec<String> = Vec::new();
    let mut heading_used: Vec<bool> = Vec::new();
    let mut current_heading: Option<usize> = None;
    let mut items: Vec<Item> = Vec::new();
    // Whether the previous line can be continued by this one.
    let mut prev_line: Option<&str> = None;
    for (n, &line) in lines.iter().enumerate() {
        if line.is_empty() {
            current_heading = None;
            prev_line = None;
            continue;
        }
        let (bullet, body) = match strip_bullet(line) {
            Some((_, rest)) => (true, rest.trim()),
            None => (false, line),
        };
        let next_is_text = lines.get(n + 1).is_some_and(|l| !l.is_empty());
        if is_heading(body) && next_is_text {
            headings.push(body.to_owned());
            heading_used.push(false);
            current_heading = Some(headings.len() - 1);
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
                if let Some(h) = current_heading {
                    heading_used[h] = true;
                }
                items.push(Item {
                    text: body.to_owned(),
                    bullet,
                    heading: current_heading,
                });
            }
        }
    }
    // Headings with no items of their own become items, in their place.
    let mut out = Vec::new();
    let mut emitted = vec![false; headings.len()];
    for item in items {
        if let Some(h) = item.heading {
            for (j, done) in emitted.iter_mut().enumerate().take(h) {
                if !*done && !heading_used[j] {
                    out.extend(clean(&headings[j]));
                }
                *done = true;
            }
            emitted[h] = true;
        }
        let text = match item.heading {
            Some(h) => format!("{} {}", headings[h], item.text),
            None => item.text,
        };
        out.extend(clean(&text));
    }
    for (j, h) in headings.iter().enumerate() {
        if !emitted[j] && !heading_used[j] {
            out.extend(clean(h));
        }
    }
    out
}

fn clean(item: &str) -> Option<String> {
    let t = item.trim().trim_end_matches(';').trim_end();
    (!t.is_empty()).then(|| t.to_owned())
}

fn is_heading(line: &str) -> bool {
    line.ends_with(':') && line.chars().count() <= MAX_HEADING
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
    line.ends_with(|c: char| c.is_alphanumeric())
        && DANGLING.contains(&last.to_lowercase().as_str())
}

/// The bullet marker at the start of a line and what follows it, if the
/// line has one.
fn strip_bullet(line: &str) -> Option<(&str, &str)> {
    let mut chars = line.char_indices();
    let (_, first) = chars.next()?;
    if BULLETS.contains(&first) {
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
    // `1.` `12)` `a)` followed by a space (or anything, after `)`).
    let digits = line.bytes().take_while(u8::is_ascii_digit).count();
    if (1..=3).contains(&digits) {
        let rest = &line[digits..];
        if let Some(after) = rest.strip_prefix('.')
            && (after.is_empty() || after.starts_with(char::is_whitespace))
        {
            return Some((&line[..=digits], after.trim_start()));
        }
        if let Some(after) = rest.strip_prefix(')')
            && !after.starts_with(|c: char| c.is_ascii_digit())
        {
            return Some((&line[..=digits], after.trim_start()));
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
    }
}
