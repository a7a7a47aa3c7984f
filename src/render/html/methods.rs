//! The workshop methods in the board report: the study's SWOT as a 2×2
//! (internal and external, helpful and harmful), its empathy map as a
//! canvas (says, thinks, does, feels around the member; pains and gains
//! below), both inline SVG that prints; other methods (journey, brainstorm,
//! the study's own) as a table per part. Each part shows its first items
//! with their support `k/n`, dot votes and groups, and counts the rest;
//! under each method, the items shown with their notes (segment ids) and
//! the tensions between its opposite parts.

use super::{esc, truncate};
use crate::render::report::cells::part_label;
use crate::render::report::lines::{MethodLine, TensionLine};

/// Items shown per part.
pub(super) const PER_PART: usize = 6;
/// Note ids listed per item.
const NOTES_SHOWN: usize = 8;
/// Tensions listed per method.
const TENSIONS_SHOWN: usize = 30;
/// Lines of an item's wording in a box, at most.
const ITEM_LINES: usize = 3;

/// Width of the figures (the viewBox; the page scales them).
const WIDTH: i64 = 960;

/// The colours of a part: (box fill, header fill).
fn colours(method: &str, part: &str) -> (&'static str, &'static str) {
    match (method, part) {
        ("swot", "strengths") | ("empathy", "gains") => ("#edf6ee", "#2e7d32"),
        ("swot", "weaknesses") | ("empathy", "pains") => ("#fbeeee", "#b23b3b"),
        ("swot", "opportunities") => ("#ebf2fa", "#1f5f9e"),
        ("swot", "threats") => ("#fdf3e7", "#a85a16"),
        _ => ("#f3f5f8", "#3d4b5c"),
    }
}

/// The section: every method in the order of the table.
pub(super) fn section(out: &mut String, items: &[MethodLine], tensions: Option<&[TensionLine]>) {
    let mut methods: Vec<(&str, &str)> = Vec::new();
    for i in items {
        if !methods.iter().any(|(m, _)| *m == i.method) {
            methods.push((&i.method, &i.method_label));
        }
    }
    out.push_str("<section id=\"methods\">\n<h2>Workshop methods across groups</h2>\n");
    out.push_str(&format!(
        "<p class=\"note\">Each part's notes from every group are merged when they say the same thing, and ranked by the groups that wrote them (k of the n groups that used the method), then dot votes; at most {PER_PART} items per part, the workbook has them all.{}</p>\n",
        if tensions.is_some() {
            " Tensions: a theme that some groups place in one part and others in its opposite."
        } else {
            ""
        }
    ));
    for (m, label) in methods {
        let rows: Vec<&MethodLine> = items.iter().filter(|i| i.method == m).collect();
        let n = rows.first().map_or(0, |r| r.groups_total);
        out.push_str(&format!(
            "<section class=\"method\" id=\"method-{}\">\n<h3>{} <span class=\"count\">{} item{} from {n} group{}</span></h3>\n",
            esc(m),
            esc(label),
            rows.len(),
            if rows.len() == 1 { "" } else { "s" },
            if n == 1 { "" } else { "s" },
        ));
        match m {
            "swot" => swot(out, &rows),
            "empathy" => empathy(out, &rows),
            _ => parts_table(out, &rows),
        }
        notes_table(out, &rows);
        if let Some(tensions) = tensions {
            let own: Vec<&TensionLine> = tensions.iter().filter(|t| t.method == m).collect();
            tensions_table(out, m, &own);
        }
        out.push_str("</section>\n");
    }
    out.push_str("</section>\n");
}

/// The parts of `rows` in their order, each with its items (ranked).
fn parts<'a>(rows: &[&'a MethodLine]) -> Vec<(&'a str, &'a str, Vec<&'a MethodLine>)> {
    let mut out: Vec<(&str, &str, u32, Vec<&MethodLine>)> = Vec::new();
    for r in rows {
        match out.iter_mut().find(|p| p.0 == r.part) {
            Some(p) => p.3.push(r),
            None => out.push((&r.part, &r.part_label, r.part_order, vec![r])),
        }
    }
    out.sort_by_key(|p| p.2);
    out.into_iter().map(|(p, l, _, v)| (p, l, v)).collect()
}

/// Words cut into lines of at most `width` characters, at most `max`
/// lines (the last one ending with `…` when text is left).
fn wrap(text: &str, width: usize, max: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    let mut cur = String::new();
    for word in text.split_whitespace() {
        let w: String = if word.chars().count() > width {
            word.chars()
                .take(width.saturating_sub(1))
                .collect::<String>()
                + "…"
        } else {
            word.to_owned()
        };
        if cur.is_empty() {
            cur = w;
        } else if cur.chars().count() + 1 + w.chars().count() <= width {
            cur.push(' ');
            cur.push_str(&w);
        } else {
            lines.push(std::mem::take(&mut cur));
            cur = w;
        }
    }
    if !cur.is_empty() {
        lines.push(cur);
    }
    if lines.len() > max {
        lines.truncate(max);
        if let Some(last) = lines.last_mut() {
            *last = truncate(&format!("{last} …"), width);
            if !last.ends_with('…') {
                last.push('…');
            }
        }
    }
    lines
}

/// `●●○ 2/3` as SVG text.
fn dots(k: u32, n: u32) -> String {
    if n == 0 || n > 10 {
        return format!("{k}/{n}");
    }
    let k = k.min(n);
    format!(
        "{}{} {k}/{n}",
        "●".repeat(k as usize),
        "○".repeat((n - k) as usize)
    )
}

/// The line under an item: support, votes and groups.
fn meta(r: &MethodLine) -> String {
    let mut parts = vec![dots(r.support, r.groups_total)];
    if let Some(v) = r.votes_total.filter(|v| *v > 0) {
        parts.push(format!("{v} vote{}", if v == 1 { "" } else { "s" }));
    }
    let groups = if r.groups.len() > 4 {
        format!("{}, … +{}", r.groups[..4].join(", "), r.groups.len() - 4)
    } else {
        r.groups.join(", ")
    };
    parts.push(groups);
    parts.join(" · ")
}

/// A box of one part: its height for `width`, and its SVG at (x, y).
struct PartBox<'a> {
    method: &'a str,
    part: &'a str,
    label: &'a str,
    items: Vec<&'a MethodLine>,
    /// Items beyond [`PER_PART`].
    more: usize,
    /// Characters per line of wording.
    chars: usize,
    /// Room kept free at the header's left and right ends (the member's
    /// circle of the empathy map).
    inset: (i64, i64),
}

const HEAD: i64 = 30;
const LINE: i64 = 17;
const META: i64 = 16;
const GAP: i64 = 9;
const PAD: i64 = 10;

impl<'a> PartBox<'a> {
    fn new(
        method: &'a str,
        part: &'a str,
        label: &'a str,
        items: &[&'a MethodLine],
        width: i64,
    ) -> Self {
        PartBox {
            method,
            part,
            label,
            items: items.iter().take(PER_PART).copied().collect(),
            more: items.len().saturating_sub(PER_PART),
            // About 7.8 px per character at 13 px, semi-bold.
            chars: usize::try_from((width - 46) * 10 / 78)
                .unwrap_or(20)
                .max(12),
            inset: (0, 0),
        }
    }

    fn item_height(&self, r: &MethodLine) -> i64 {
        let lines = wrap(&r.item, self.chars, ITEM_LINES).len().max(1) as i64;
        lines * LINE + META + GAP
    }

    fn height(&self) -> i64 {
        let items: i64 = self.items.iter().map(|r| self.item_height(r)).sum();
        let empty = if self.items.is_empty() { LINE + GAP } else { 0 };
        let more = if self.more > 0 { LINE } else { 0 };
        HEAD + PAD + items + empty + more + PAD
    }

    fn svg(&self, out: &mut String, x: i64, y: i64, w: i64, h: i64) {
        let (fill, head) = colours(self.method, self.part);
        out.push_str(&format!(
            "<g class=\"part\"><rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{h}\" rx=\"6\" fill=\"{fill}\" stroke=\"{head}\" stroke-opacity=\"0.35\"/>\
             <rect x=\"{x}\" y=\"{y}\" width=\"{w}\" height=\"{HEAD}\" rx=\"6\" fill=\"{head}\"/><rect x=\"{x}\" y=\"{}\" width=\"{w}\" height=\"8\" fill=\"{head}\"/>\
             <text x=\"{}\" y=\"{}\" font-size=\"15\" font-weight=\"700\" fill=\"#ffffff\" style=\"fill:#ffffff\">{}</text>\
             <text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"end\" fill=\"#ffffff\" style=\"fill:#ffffff\">{}</text>\n",
            y + HEAD - 8,
            x + 12 + self.inset.0,
            y + 20,
            esc(self.label),
            x + w - 12 - self.inset.1,
            y + 20,
            esc(&format!(
                "{} item{}",
                self.items.len() + self.more,
                if self.items.len() + self.more == 1 { "" } else { "s" }
            )),
        ));
        let mut cy = y + HEAD + PAD;
        if self.items.is_empty() {
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"13\" class=\"muted\">No note in this part.</text>\n",
                x + 14,
                cy + 13
            ));
        }
        for r in &self.items {
            let lines = wrap(&r.item, self.chars, ITEM_LINES);
            let notes = r.notes.len();
            out.push_str(&format!(
                "<g class=\"item\"><title>{} · {} note{}: {}</title>",
                esc(&r.id),
                notes,
                if notes == 1 { "" } else { "s" },
                esc(&notes_list(&r.notes))
            ));
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"700\" class=\"muted\">{}.</text>",
                x + 12,
                cy + 13,
                r.rank
            ));
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"13\" font-weight=\"600\">",
                x + 34,
                cy + 13
            ));
            for (i, l) in lines.iter().enumerate() {
                out.push_str(&format!(
                    "<tspan x=\"{}\" dy=\"{}\">{}</tspan>",
                    x + 34,
                    if i == 0 { 0 } else { LINE },
                    esc(l)
                ));
            }
            out.push_str("</text>");
            let my = cy + lines.len().max(1) as i64 * LINE + 10;
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{my}\" font-size=\"11.5\" fill=\"{head}\" style=\"fill:{head}\">{}</text></g>\n",
                x + 34,
                esc(&meta(r))
            ));
            cy += self.item_height(r);
        }
        if self.more > 0 {
            out.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" font-size=\"12\" class=\"muted\">and {} more in the workbook</text>\n",
                x + 34,
                cy + 12,
                self.more
            ));
        }
        out.push_str("</g>\n");
    }
}

/// The SWOT as a 2×2: strengths and weaknesses (internal) above,
/// opportunities and threats (external) below; helpful on the left,
/// harmful on the right.
fn swot(out: &mut String, rows: &[&MethodLine]) {
    let all = parts(rows);
    let of = |p: &str| -> Vec<&MethodLine> {
        all.iter()
            .find(|(name, _, _)| *name == p)
            .map(|(_, _, v)| v.clone())
            .unwrap_or_default()
    };
    let (left, gap, top) = (30, 14, 24);
    let w = (WIDTH - left - gap) / 2;
    let quad = |p: &'static str, label: &'static str| {
        let items = of(p);
        (p, label, items)
    };
    let grid = [
        [
            quad("strengths", "Strengths"),
            quad("weaknesses", "Weaknesses"),
        ],
        [
            quad("opportunities", "Opportunities"),
            quad("threats", "Threats"),
        ],
    ];
    let boxes: Vec<Vec<PartBox>> = grid
        .iter()
        .map(|row| {
            row.iter()
                .map(|(p, label, items)| PartBox::new("swot", p, label, items, w))
                .collect()
        })
        .collect();
    let heights: Vec<i64> = boxes
        .iter()
        .map(|row| row.iter().map(PartBox::height).max().unwrap_or(0))
        .collect();
    let total = top + heights.iter().sum::<i64>() + gap + 4;
    out.push_str(&format!(
        "<figure class=\"chart method-figure\"><svg viewBox=\"0 0 {WIDTH} {total}\" role=\"img\" aria-labelledby=\"swot-title\">\n<title id=\"swot-title\">SWOT across groups: strengths, weaknesses, opportunities and threats</title>\n"
    ));
    for (j, axis) in ["Helpful", "Harmful"].iter().enumerate() {
        out.push_str(&format!(
            "<text x=\"{}\" y=\"15\" font-size=\"12\" font-weight=\"700\" text-anchor=\"middle\" class=\"muted\" letter-spacing=\"1\">{}</text>\n",
            left + j as i64 * (w + gap) + w / 2,
            axis.to_uppercase()
        ));
    }
    let mut y = top;
    for (i, row) in boxes.iter().enumerate() {
        let h = heights[i];
        let axis = if i == 0 { "INTERNAL" } else { "EXTERNAL" };
        let cy = y + h / 2;
        out.push_str(&format!(
            "<text x=\"14\" y=\"{cy}\" font-size=\"12\" font-weight=\"700\" text-anchor=\"middle\" class=\"muted\" letter-spacing=\"1\" transform=\"rotate(-90 14 {cy})\">{axis}</text>\n"
        ));
        for (j, b) in row.iter().enumerate() {
            b.svg(out, left + j as i64 * (w + gap), y, w, h);
        }
        y += h + gap;
    }
    out.push_str("</svg></figure>\n");
}

/// The empathy map as its canvas: says and thinks above, does and feels
/// below, the member at the centre; then pains and gains, then sees and
/// hears when the groups used them; parts of the study's own naming follow
/// as boxes of two.
fn empathy(out: &mut String, rows: &[&MethodLine]) {
    let all = parts(rows);
    let of = |p: &str| -> Option<Vec<&MethodLine>> {
        all.iter()
            .find(|(name, _, _)| *name == p)
            .map(|(_, _, v)| v.clone())
    };
    let gap = 14;
    let w = (WIDTH - gap) / 2;
    let mut layout: Vec<[(String, String, Vec<&MethodLine>); 2]> = Vec::new();
    for pair in [
        ["says", "thinks"],
        ["does", "feels"],
        ["pains", "gains"],
        ["sees", "hears"],
    ] {
        let (a, b) = (of(pair[0]), of(pair[1]));
        // The canvas keeps its four areas; the others show when used.
        let core = pair[0] == "says" || pair[0] == "does" || pair[0] == "pains";
        if !core && a.is_none() && b.is_none() {
            continue;
        }
        fn cell<'a>(
            p: &str,
            v: Option<Vec<&'a MethodLine>>,
        ) -> (String, String, Vec<&'a MethodLine>) {
            (
                p.to_owned(),
                part_label("empathy", p),
                v.unwrap_or_default(),
            )
        }
        layout.push([cell(pair[0], a), cell(pair[1], b)]);
    }
    let known = [
        "says", "thinks", "does", "feels", "pains", "gains", "sees", "hears",
    ];
    let others: Vec<_> = all
        .iter()
        .filter(|(p, _, _)| !known.contains(p))
        .map(|(p, l, v)| ((*p).to_owned(), (*l).to_owned(), v.clone()))
        .collect();
    for pair in others.chunks(2) {
        let second = pair
            .get(1)
            .cloned()
            .unwrap_or_else(|| (String::new(), String::new(), Vec::new()));
        layout.push([pair[0].clone(), second]);
    }
    let boxes: Vec<Vec<PartBox>> = layout
        .iter()
        .enumerate()
        .map(|(i, row)| {
            row.iter()
                .enumerate()
                .filter(|(_, (p, _, _))| !p.is_empty())
                .map(|(j, (p, l, v))| {
                    // Narrower lines: the member's circle sits at the inner
                    // corners, and the headers below it keep clear of it.
                    let mut b = PartBox::new("empathy", p, l, v, w - 30);
                    if i == 1 {
                        b.inset = if j == 0 { (0, 24) } else { (24, 0) };
                    }
                    b
                })
                .collect()
        })
        .collect();
    let heights: Vec<i64> = boxes
        .iter()
        .map(|row| row.iter().map(PartBox::height).max().unwrap_or(0))
        .collect();
    let total: i64 = heights.iter().sum::<i64>() + gap * (heights.len() as i64 - 1).max(0) + 4;
    out.push_str(&format!(
        "<figure class=\"chart method-figure\"><svg viewBox=\"0 0 {WIDTH} {total}\" role=\"img\" aria-labelledby=\"empathy-title\">\n<title id=\"empathy-title\">Empathy map across groups: what the member says, thinks, does and feels, their pains and gains</title>\n"
    ));
    let mut y = 0;
    for (i, row) in boxes.iter().enumerate() {
        for (j, b) in row.iter().enumerate() {
            b.svg(out, j as i64 * (w + gap), y, w, heights[i]);
        }
        y += heights[i] + gap;
    }
    // The member between the four areas.
    if heights.len() >= 2 {
        let (cx, cy) = (WIDTH / 2, heights[0] + gap / 2);
        out.push_str(&format!(
            "<g class=\"persona\" aria-hidden=\"true\"><circle cx=\"{cx}\" cy=\"{cy}\" r=\"26\" fill=\"#ffffff\" stroke=\"#55616e\" stroke-width=\"1.5\"/>\
             <circle cx=\"{cx}\" cy=\"{}\" r=\"7\" fill=\"#55616e\"/><path d=\"M{} {} a12 10 0 0 1 24 0 z\" fill=\"#55616e\"/></g>\n",
            cy - 7,
            cx - 12,
            cy + 15
        ));
    }
    out.push_str("</svg></figure>\n");
}

/// A method without a canvas: a table per part.
fn parts_table(out: &mut String, rows: &[&MethodLine]) {
    out.push_str("<div class=\"method-parts\">\n");
    for (_, label, items) in parts(rows) {
        out.push_str(&format!(
            "<table class=\"plain compact\"><caption>{} <span class=\"count\">{} item{}</span></caption><thead><tr><th>#</th><th>Item</th><th>Groups</th><th class=\"num\">Votes</th></tr></thead><tbody>\n",
            esc(label),
            items.len(),
            if items.len() == 1 { "" } else { "s" }
        ));
        for r in items.iter().take(PER_PART) {
            out.push_str(&format!(
                "<tr><td>{}</td><td>{}</td><td>{} <span class=\"kn\">{}/{}</span></td><td class=\"num\">{}</td></tr>\n",
                r.rank,
                esc(&truncate(&r.item, 200)),
                esc(&r.groups.join(", ")),
                r.support,
                r.groups_total,
                r.votes_total.map(|v| v.to_string()).unwrap_or_default()
            ));
        }
        if items.len() > PER_PART {
            out.push_str(&format!(
                "<tr><td></td><td colspan=\"3\" class=\"count\">and {} more in the workbook</td></tr>\n",
                items.len() - PER_PART
            ));
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</div>\n");
}

/// Note ids, cut to the first ones.
fn notes_list(notes: &[String]) -> String {
    if notes.len() > NOTES_SHOWN {
        format!(
            "{}, … +{}",
            notes[..NOTES_SHOWN].join(", "),
            notes.len() - NOTES_SHOWN
        )
    } else {
        notes.join(", ")
    }
}

/// The items shown, with their notes: where each one comes from.
fn notes_table(out: &mut String, rows: &[&MethodLine]) {
    out.push_str("<details class=\"more\"><summary>Items and their notes</summary><table class=\"plain compact\"><thead><tr><th>Item</th><th>Part</th><th>Wording</th><th>Groups</th><th>Notes (segments)</th></tr></thead><tbody>\n");
    for (_, label, items) in parts(rows) {
        for r in items.iter().take(PER_PART) {
            out.push_str(&format!(
                "<tr><td class=\"code\">{}</td><td>{}</td><td>{}</td><td>{}</td><td class=\"code\">{}</td></tr>\n",
                esc(&r.id),
                esc(label),
                esc(&truncate(&r.item, 160)),
                esc(&r.groups.join(", ")),
                esc(&notes_list(&r.notes))
            ));
        }
    }
    out.push_str("</tbody></table></details>\n");
}

/// The tensions of one method.
fn tensions_table(out: &mut String, method: &str, rows: &[&TensionLine]) {
    if rows.is_empty() {
        out.push_str("<p class=\"note\">No tension: no theme is placed in opposite parts by different groups.</p>\n");
        return;
    }
    out.push_str(&format!(
        "<h4 class=\"tensions\">Tensions <span class=\"count\">{} theme{} in opposite parts</span></h4>\n",
        rows.len(),
        if rows.len() == 1 { "" } else { "s" }
    ));
    out.push_str("<table class=\"plain compact tensions\"><thead><tr><th>Theme</th><th>Placed in</th><th>by</th><th>and in</th><th>by</th></tr></thead><tbody>\n");
    for t in rows.iter().take(TENSIONS_SHOWN) {
        let notes = t.notes_a.len() + t.notes_b.len();
        out.push_str(&format!(
            "<tr title=\"{} note{}: {} | {}\"><td>{} <span class=\"code\">{}</span></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>\n",
            notes,
            if notes == 1 { "" } else { "s" },
            esc(&notes_list(&t.notes_a)),
            esc(&notes_list(&t.notes_b)),
            esc(&t.label),
            esc(&t.code),
            esc(&part_label(method, &t.part_a)),
            esc(&t.groups_a.join(", ")),
            esc(&part_label(method, &t.part_b)),
            esc(&t.groups_b.join(", "))
        ));
    }
    out.push_str("</tbody></table>\n");
    if rows.len() > TENSIONS_SHOWN {
        out.push_str(&format!(
            "<p class=\"note\">and {} more in the workbook.</p>\n",
            rows.len() - TENSIONS_SHOWN
        ));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wording_wraps_into_a_few_lines() {
        assert_eq!(
            wrap("Le loyer est trop cher", 10, 3),
            ["Le loyer", "est trop", "cher"]
        );
        let long = wrap(&"mot ".repeat(40), 12, 2);
        assert_eq!(long.len(), 2);
        assert!(long[1].ends_with('…'), "{long:?}");
        assert_eq!(wrap("", 10, 3), Vec::<String>::new());
        assert_eq!(wrap("Anticonstitutionnellement", 10, 3), ["Anticonst…"]);
    }

    const EVIL: &str = "<script>alert(1)</script>\" onmouseover='x' &";

    fn item(
        method: &str,
        part: &str,
        order: u32,
        rank: u32,
        text: &str,
        groups: &[&str],
    ) -> MethodLine {
        MethodLine {
            method: method.into(),
            method_label: if method == "swot" {
                "SWOT".into()
            } else {
                method.into()
            },
            part: part.into(),
            part_label: part_label(method, part),
            part_order: order,
            rank,
            id: format!("{method}.{part}.{rank}"),
            item: text.into(),
            groups: groups.iter().map(|g| (*g).to_owned()).collect(),
            support: groups.len() as u32,
            groups_total: 2,
            votes_total: Some(3),
            codes: vec!["cout".into()],
            notes: vec!["lille-swot:1".into(), "marseille-swot:4".into()],
        }
    }

    fn html(items: &[MethodLine], tensions: Option<&[TensionLine]>) -> String {
        let mut out = String::new();
        section(&mut out, items, tensions);
        out
    }

    #[test]
    fn the_swot_is_a_two_by_two_with_each_item_s_support_votes_groups_and_notes() {
        let items = vec![
            item("swot", "threats", 4, 1, "La hausse du loyer", &["Lille"]),
            item(
                "swot",
                "strengths",
                1,
                1,
                "Le café partagé",
                &["Lille", "Marseille"],
            ),
            item("swot", "weaknesses", 2, 1, EVIL, &["Marseille"]),
        ];
        let h = html(&items, Some(&[]));
        assert!(
            h.contains("<section class=\"method\" id=\"method-swot\">"),
            "{h}"
        );
        assert_eq!(h.matches("<svg ").count(), 1);
        // Four quadrants, an empty one said to be empty, in SWOT order.
        let at = |s: &str| {
            h.find(&format!(">{s}</text>"))
                .unwrap_or_else(|| panic!("{s}: {h}"))
        };
        assert!(at("Strengths") < at("Weaknesses"));
        assert!(at("Weaknesses") < at("Opportunities"));
        assert!(at("Opportunities") < at("Threats"));
        assert!(h.contains("No note in this part."));
        assert!(h.contains("INTERNAL") && h.contains("HARMFUL"));
        assert!(h.contains("●● 2/2 · 3 votes · Lille, Marseille"), "{h}");
        // Traceable: the item's notes in its tooltip and in the table.
        assert!(
            h.contains("<title>swot.strengths.1 · 2 notes: lille-swot:1, marseille-swot:4</title>")
        );
        assert!(h.contains("<td class=\"code\">lille-swot:1, marseille-swot:4</td>"));
        assert!(h.contains("No tension"));
        // Hostile text stays text.
        assert!(!h.contains("<script"));
        assert!(h.contains("&lt;script&gt;"));
    }

    #[test]
    fn each_part_shows_its_first_items_and_counts_the_rest() {
        let items: Vec<MethodLine> = (1..=10)
            .map(|r| {
                item(
                    "swot",
                    "weaknesses",
                    2,
                    r,
                    &format!("Faiblesse numéro {r}"),
                    &["Lille"],
                )
            })
            .collect();
        let h = html(&items, None);
        assert_eq!(h.matches("<g class=\"item\">").count(), PER_PART);
        assert!(h.contains("and 4 more in the workbook"));
        assert!(h.contains(">10 items</text>"));
        // Without the tensions table, nothing is said of tensions.
        assert!(!h.contains("ension"));
    }

    #[test]
    fn the_empathy_map_is_a_canvas_around_the_member() {
        let items = vec![
            item("empathy", "gains", 8, 1, "A real community", &["Bruxelles"]),
            item("empathy", "says", 1, 1, "« Trop cher »", &["Lille"]),
            item(
                "empathy",
                "pains",
                7,
                1,
                "Noise and calls",
                &["Bruxelles", "Lille"],
            ),
        ];
        let tension = TensionLine {
            method: "empathy".into(),
            code: "acces.transport".into(),
            label: "Transports".into(),
            part_a: "pains".into(),
            part_b: "gains".into(),
            groups_a: vec!["Lille".into()],
            groups_b: vec!["Bruxelles".into()],
            notes_a: vec!["l:3".into()],
            notes_b: vec!["b:9".into()],
        };
        let h = html(&items, Some(std::slice::from_ref(&tension)));
        for area in ["Says", "Thinks", "Does", "Feels", "Pains", "Gains"] {
            assert!(h.contains(&format!(">{area}</text>")), "{area}");
        }
        assert!(
            !h.contains(">Sees</text>"),
            "unused areas beyond the canvas are left out"
        );
        assert!(h.contains("class=\"persona\""));
        assert!(h.contains("<td>Transports <span class=\"code\">acces.transport</span></td><td>Pains</td><td>Lille</td><td>Gains</td><td>Bruxelles</td>"), "{h}");
    }

    #[test]
    fn other_methods_are_a_table_per_part() {
        let items = vec![
            item(
                "journey",
                "Découverte",
                1,
                1,
                "Le bouche-à-oreille",
                &["Lille"],
            ),
            item(
                "journey",
                "Premier jour",
                2,
                1,
                "Le badge",
                &["Lille", "Marseille"],
            ),
        ];
        let h = html(&items, Some(&[]));
        assert_eq!(h.matches("<svg").count(), 0);
        assert_eq!(h.matches("<caption>").count(), 2);
        assert!(h.find("Découverte").unwrap() < h.find("Premier jour").unwrap());
    }

    #[test]
    fn support_reads_as_dots() {
        assert_eq!(dots(2, 3), "●●○ 2/3");
        assert_eq!(dots(5, 3), "●●● 3/3");
        assert_eq!(dots(4, 40), "4/40");
    }
}
