//! Terminal tables fitted to a width: only the text columns wrap, the
//! others keep their content's width, and when even so the text would be
//! too narrow the least important columns are hidden (named in a note).

use comfy_table::{
    Attribute, Cell, Color, ColumnConstraint, ContentArrangement, Table, Width, presets,
};

use crate::render::listing::Listing;

/// Columns that may wrap; the others keep their content's width so that
/// the text columns get the room.
const WRAPPING: [&str; 12] = [
    "theme",
    "participant",
    "recommendation",
    "item",
    "notes",
    "opposite groups",
    "text",
    "groups",
    "label",
    "raised by",
    "quote",
    "source",
];

/// Short headers of narrow columns in the terminal, where width is scarce
/// (Markdown and CSV keep the full names).
const SHORT: [(&str, &str); 8] = [
    ("rank", "#"),
    ("support", "k/n"),
    ("priority", "prio"),
    ("evidence", "evid"),
    ("owner", "own"),
    ("target", "tgt"),
    ("deadline", "due"),
    ("actionable", "act"),
];

/// `k/n` with k = n > 1: raised or backed by every group.
fn full_support(cell: &str) -> bool {
    cell.split_once('/')
        .is_some_and(|(k, n)| k == n && k.parse::<u32>().is_ok_and(|k| k > 1))
}

/// Columns hidden first when a terminal is too narrow for every column to
/// keep its text readable, in the order they go.
const DROPPABLE: [&str; 19] = [
    // The notes' ids are in Markdown, CSV and JSON.
    "notes",
    // Owner, target and deadline all ticked: shown by the three columns.
    "actionable",
    "stance",
    "deadline",
    "target",
    "owner",
    "negated",
    "segment_share",
    "format",
    "kind",
    "evidence",
    "priority",
    "line or time",
    "specific to",
    "votes",
    "participants",
    "source",
    "participant",
    "label",
];

/// Columns holding a list of groups, shortened in the terminal.
const GROUP_LISTS: [&str; 4] = ["groups", "raised by", "specific to", "opposite groups"];

/// Names shown of a list of groups before the count of the others.
const GROUPS_SHOWN: usize = 5;

/// A list of groups (`a, b, c`) cut to its first names and the count of the
/// others (`a, b, c, d, e, … +95`), so that a row stays readable with 100
/// groups; Markdown, CSV and the other formats keep every name.
fn shorten_groups(cell: &str) -> std::borrow::Cow<'_, str> {
    let n = cell.split(", ").count();
    if n <= GROUPS_SHOWN + 1 {
        return cell.into();
    }
    let first: Vec<&str> = cell.split(", ").take(GROUPS_SHOWN).collect();
    format!("{}, … +{}", first.join(", "), n - GROUPS_SHOWN).into()
}

/// Narrowest readable width of a wrapping column.
fn min_text_width(name: &str) -> usize {
    match name {
        "recommendation" | "quote" | "text" | "item" => 24,
        _ => 12,
    }
}

/// Display width (wide characters count two columns).
fn display_width(s: &str) -> usize {
    unicode_width::UnicodeWidthStr::width(s)
}

/// A listing as a terminal table of `width` characters where only the
/// text columns wrap; the others are as wide as their widest cell. When
/// even so the text columns would be too narrow, the least important
/// columns are hidden (named in a note under the table).
pub(super) fn fitted(l: &Listing, width: u16, colour: bool) -> String {
    let lists: Vec<bool> = l
        .columns
        .iter()
        .map(|c| GROUP_LISTS.contains(&c.as_str()))
        .collect();
    let shortened = Listing {
        columns: l.columns.clone(),
        rows: l
            .rows
            .iter()
            .map(|r| {
                r.iter()
                    .zip(&lists)
                    .map(|(c, &list)| match c {
                        Some(text) if list => Some(shorten_groups(text).into_owned()),
                        other => other.clone(),
                    })
                    .collect()
            })
            .collect(),
    };
    let l = &shortened;
    let header: Vec<&str> = l
        .columns
        .iter()
        .map(|c| {
            SHORT
                .iter()
                .find(|(long, _)| long == c)
                .map_or(c.as_str(), |(_, short)| short)
        })
        .collect();
    let widest: Vec<usize> = (0..l.columns.len())
        .map(|i| {
            l.rows
                .iter()
                .filter_map(|r| r[i].as_deref())
                .flat_map(str::lines)
                .chain([header[i]])
                .map(display_width)
                .max()
                .unwrap_or(1)
        })
        .collect();
    let wraps = |i: usize| WRAPPING.contains(&l.columns[i].as_str());
    // Width each column needs: content (or a readable minimum for text),
    // one space each side and one border.
    let need = |i: usize| {
        3 + if wraps(i) {
            widest[i].min(min_text_width(&l.columns[i]))
        } else {
            widest[i]
        }
    };
    let mut keep: Vec<usize> = (0..l.columns.len()).collect();
    let mut hidden = Vec::new();
    for name in DROPPABLE {
        // One more column for the table's left border.
        if keep.iter().map(|&i| need(i)).sum::<usize>() < usize::from(width) {
            break;
        }
        if let Some(pos) = keep.iter().position(|&i| l.columns[i] == name) {
            hidden.push(header[keep.remove(pos)]);
        }
    }
    let mut t = Table::new();
    t.load_style(presets::UTF8_FULL_CONDENSED)
        .set_content_arrangement(ContentArrangement::Dynamic)
        .set_width(width);
    let shown_header = keep.iter().map(|&i| header[i]);
    if colour {
        t.enforce_styling();
        t.set_header(shown_header.map(|h| Cell::new(h).add_attribute(Attribute::Bold)));
    } else {
        t.force_no_tty().set_header(shown_header);
    }
    for r in &l.rows {
        t.add_row(keep.iter().map(|&i| {
            let text = r[i].as_deref().unwrap_or_default();
            let cell = Cell::new(text);
            if colour && full_support(text) {
                cell.fg(Color::Green)
            } else {
                cell
            }
        }));
    }
    for (k, &i) in keep.iter().enumerate() {
        if wraps(i) {
            // The main text keeps its readable minimum; the others share
            // what is left.
            let min = min_text_width(&l.columns[i]).min(widest[i]);
            if min > 12
                && let Some(c) = t.column_mut(k)
            {
                c.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(
                    u16::try_from(min + 2).unwrap_or(u16::MAX),
                )));
            }
            continue;
        }
        // The width counts the padding of one space each side.
        if let Some(c) = t.column_mut(k) {
            c.set_constraint(ColumnConstraint::Absolute(Width::Fixed(
                u16::try_from(widest[i] + 2).unwrap_or(u16::MAX),
            )));
        }
    }
    let mut s = t.to_string();
    s.push('\n');
    if !hidden.is_empty() {
        let note = format!(
            "(hidden: {}; widen the terminal, set COLUMNS, or use --format markdown)",
            hidden.join(", ")
        );
        s.push_str(&wrap_words(&note, usize::from(width)));
    }
    s
}

/// Text wrapped at spaces to lines of at most `width` display columns
/// (a longer word gets a line of its own), each line ending in `\n`.
fn wrap_words(text: &str, width: usize) -> String {
    let mut out = String::new();
    let mut line = String::new();
    for word in text.split(' ') {
        if !line.is_empty() && display_width(&line) + 1 + display_width(word) > width {
            out.push_str(&line);
            out.push('\n');
            line.clear();
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    out.push_str(&line);
    out.push('\n');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_characters_count_two_columns() {
        let mut l = Listing::new(&["id", "groups", "votes"]);
        l.rows.push(vec![
            Some("R1".into()),
            Some("東京, 大阪".into()),
            Some("九十九".into()),
        ]);
        let t = fitted(&l, 60, false);
        // The fixed column is wide enough for its six display columns: no wrap.
        assert!(t.contains("九十九"), "{t}");
        assert!(t.lines().all(|line| display_width(line) <= 60), "{t}");
    }
}
