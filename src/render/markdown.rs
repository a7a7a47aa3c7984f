//! Markdown: a listing as a GitHub pipe table, cells escaped so that a
//! `|` or a line break stays inside its cell.

use crate::render::listing::Listing;

/// A cell escaped for a pipe table: `|` as `\|`, line breaks as `<br>`.
pub fn escape(cell: &str) -> String {
    cell.replace('\\', "\\\\")
        .replace('|', "\\|")
        .replace("\r\n", "<br>")
        .replace(['\n', '\r'], "<br>")
}

/// A pipe table with a header row; empty cells for nulls.
pub fn table(l: &Listing) -> String {
    let row = |cells: Vec<String>| format!("| {} |\n", cells.join(" | "));
    let mut out = row(l.columns.iter().map(|c| escape(c)).collect());
    out.push_str(&format!("|{}\n", "---|".repeat(l.columns.len())));
    for r in &l.rows {
        out.push_str(&row(r
            .iter()
            .map(|c| escape(c.as_deref().unwrap_or("")))
            .collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pipes_and_newlines_stay_in_their_cell() {
        let mut l = Listing::new(&["id", "text"]);
        l.rows
            .push(vec![Some("a".into()), Some("x | y\nz\r\nw".into())]);
        l.rows.push(vec![None, Some("ok".into())]);
        assert_eq!(
            table(&l),
            "| id | text |\n|---|---|\n| a | x \\| y<br>z<br>w |\n|  | ok |\n"
        );
    }
}
