//! The report's charts, as inline SVG: the support of the top
//! recommendations, the theme-by-group heatmap, and the support dots.

use super::{Tables, esc, pct, push_new, truncate};
use crate::render::report::lines::{MatrixLine, RecommendationLine};

/// Bars in the support chart.
pub(super) const CHART_TOP: usize = 15;

/// ColorBrewer "Blues" (9 classes): one hue, light to dark, readable by
/// colour-blind people and in greyscale.
const BLUES: [(u8, u8, u8); 9] = [
    // Darker than white so that a 0% cell still shows on the page.
    (0xea, 0xf1, 0xf9),
    (0xde, 0xeb, 0xf7),
    (0xc6, 0xdb, 0xef),
    (0x9e, 0xca, 0xe1),
    (0x6b, 0xae, 0xd6),
    (0x42, 0x92, 0xc6),
    (0x21, 0x71, 0xb5),
    (0x08, 0x51, 0x9c),
    (0x08, 0x30, 0x6b),
];

/// The heatmap's data: participant share per theme and group.
pub(super) struct Heat {
    pub(super) groups: Vec<String>,
    pub(super) rows: Vec<HeatRow>,
    /// The shares are of segments, not participants: no participant could
    /// be counted anywhere (grids without a participant column).
    pub(super) segments: bool,
}

pub(super) struct HeatRow {
    code: String,
    label: String,
    shares: Vec<Option<f64>>,
}

impl Heat {
    /// From the themes table, else from the matrix.
    pub(super) fn new(t: &Tables) -> Self {
        if let Some(th) = t.themes.filter(|th| !th.rows.is_empty()) {
            let rows = th
                .rows
                .iter()
                .map(|r| {
                    let shares = if th.segment_shares {
                        &r.segment_share
                    } else {
                        &r.participant_share
                    };
                    HeatRow {
                        code: r.code.clone(),
                        label: r.label.clone(),
                        shares: th
                            .groups
                            .iter()
                            .map(|g| shares.get(g).copied().flatten())
                            .collect(),
                    }
                })
                .collect();
            return Heat {
                groups: th.groups.clone(),
                rows,
                segments: th.segment_shares,
            };
        }
        let mut heat = Heat::from_matrix(t, |m| m.participant_share);
        if heat
            .rows
            .iter()
            .all(|r| r.shares.iter().all(Option::is_none))
        {
            heat = Heat::from_matrix(t, |m| m.segment_share);
            heat.segments = true;
        }
        heat
    }

    /// From the matrix, with the share `share` of each cell.
    fn from_matrix(t: &Tables, share: fn(&MatrixLine) -> Option<f64>) -> Self {
        let (mut groups, mut rows, mut codes) = (Vec::new(), Vec::new(), Vec::new());
        for r in t.matrix {
            push_new(&mut codes, &r.code);
            push_new(&mut groups, &r.group);
        }
        groups.sort();
        for c in codes {
            let cell = |g: &str| t.matrix.iter().find(|r| r.code == c && r.group == g);
            rows.push(HeatRow {
                label: t.label(&c).unwrap_or("").to_owned(),
                shares: groups.iter().map(|g| cell(g).and_then(share)).collect(),
                code: c,
            });
        }
        Heat {
            groups,
            rows,
            segments: false,
        }
    }
}

/// `k` of `n` as dots (up to 10 groups) or a small bar, then `k/n`.
pub(super) fn support_cell(k: i64, n: i64) -> String {
    let label = format!("{k} of {n} groups");
    let glyphs = if (1..=10).contains(&n) {
        let on = k.clamp(0, n);
        format!(
            "<span class=\"dots\" role=\"img\" aria-label=\"{label}\"><span class=\"on\">{}</span><span class=\"off\">{}</span></span>",
            "●".repeat(usize::try_from(on).unwrap_or(0)),
            "○".repeat(usize::try_from(n - on).unwrap_or(0)),
        )
    } else {
        let w = if n > 0 {
            (k.clamp(0, n) as f64 / n as f64 * 48.0).round()
        } else {
            0.0
        };
        format!(
            "<svg width=\"48\" height=\"8\" role=\"img\" aria-label=\"{label}\"><rect width=\"48\" height=\"8\" fill=\"#dde3ea\"/><rect width=\"{w}\" height=\"8\" fill=\"#1f4e79\"/></svg>"
        )
    };
    format!("{glyphs} <span class=\"kn\">{k}/{n}</span>")
}

pub(super) fn support_chart(out: &mut String, recs: &[RecommendationLine], total: usize) {
    let shown = &recs[..recs.len().min(CHART_TOP)];
    let n = shown
        .iter()
        .map(|r| i64::from(r.groups_total))
        .chain(shown.iter().map(|r| i64::from(r.support)))
        .max()
        .unwrap_or(0)
        .max(1);
    let (width, label_w, row_h, top) = (960, 430, 26, 30);
    let bar_w = width - label_w - 70;
    let height = top + row_h * shown.len() as i64 + 8;
    out.push_str("<section id=\"support\">\n<h2>Support across groups</h2>\n");
    out.push_str(&format!(
        "<p class=\"note\">Supporting groups per recommendation{}.</p>\n",
        if total > CHART_TOP {
            format!(", top {CHART_TOP} of {total}")
        } else {
            String::new()
        }
    ));
    out.push_str(&format!(
        "<figure class=\"chart\"><svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"support-title\">\n<title id=\"support-title\">Supporting groups per recommendation</title>\n"
    ));
    // Grid lines and ticks, one per group count (at most 10 ticks).
    let step = (n + 9) / 10;
    let mut tick = 0;
    while tick <= n {
        let x = label_w + tick * bar_w / n;
        out.push_str(&format!(
            "<line x1=\"{x}\" y1=\"{}\" x2=\"{x}\" y2=\"{}\" stroke=\"#d8dde3\"/><text x=\"{x}\" y=\"{}\" font-size=\"11\" text-anchor=\"middle\" class=\"muted\">{tick}</text>\n",
            top - 6,
            height - 4,
            top - 12
        ));
        tick += step;
    }
    out.push_str(&format!(
        "<text x=\"{}\" y=\"{}\" font-size=\"11\" text-anchor=\"end\" class=\"muted\">groups</text>\n",
        label_w - 10,
        top - 12
    ));
    for (i, r) in shown.iter().enumerate() {
        let y = top + row_h * i as i64;
        let k = i64::from(r.support).clamp(0, n);
        let total = r.groups_total;
        let w = k * bar_w / n;
        let wording = &r.recommendation;
        out.push_str(&format!(
            "<g><title>{} {}: {k} of {total} groups</title>",
            esc(&r.id),
            esc(wording)
        ));
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"13\" text-anchor=\"end\"><tspan font-weight=\"700\">{}</tspan> {}</text>",
            label_w - 10,
            y + 17,
            esc(&r.id),
            esc(&truncate(wording, 52))
        ));
        out.push_str(&format!(
            "<rect x=\"{label_w}\" y=\"{}\" width=\"{w}\" height=\"16\" rx=\"2\" fill=\"#2171b5\"/>",
            y + 5
        ));
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"12\" font-weight=\"600\">{k}/{total}</text></g>\n",
            label_w + w + 6,
            y + 17
        ));
    }
    out.push_str("</svg></figure>\n</section>\n");
}

/// The colour of a share on the Blues scale, as `#rrggbb`.
pub(super) fn blue(f: f64) -> String {
    let f = f.clamp(0.0, 1.0) * (BLUES.len() - 1) as f64;
    let i = (f.floor() as usize).min(BLUES.len() - 2);
    let t = f - i as f64;
    let (a, b) = (BLUES[i], BLUES[i + 1]);
    let mix = |x: u8, y: u8| (f64::from(x) + (f64::from(y) - f64::from(x)) * t).round() as u8;
    format!(
        "#{:02x}{:02x}{:02x}",
        mix(a.0, b.0),
        mix(a.1, b.1),
        mix(a.2, b.2)
    )
}

pub(super) fn heatmap(out: &mut String, heat: &Heat) {
    let longest_group = heat
        .groups
        .iter()
        .map(|g| g.chars().count())
        .max()
        .unwrap_or(0)
        .min(24) as i64;
    let rotate = longest_group > 11;
    let cell_w: i64 = if rotate {
        64
    } else {
        (longest_group * 8 + 20).max(84)
    };
    let cell_h = 28;
    let longest_label = heat
        .rows
        .iter()
        .map(|r| r.label.chars().count().min(40) + r.code.chars().count().min(24) + 3)
        .max()
        .unwrap_or(0) as i64;
    let label_w = (longest_label * 13 / 2 + 24).clamp(160, 420);
    let head_h = if rotate { longest_group * 6 + 24 } else { 30 };
    let grid_w = cell_w * heat.groups.len() as i64;
    // Room for the legend (six swatches) and for rotated group names,
    // which lean right past the last column.
    let legend_w = 44 * 5 + 16 + 40 + 24;
    let lean = if rotate { longest_group * 5 } else { 0 };
    let width = label_w + (grid_w + lean).max(legend_w) + 16;
    let (who, measure) = if heat.segments {
        ("segments", "Segment share")
    } else {
        ("participants", "Participant share")
    };
    let grid_h = cell_h * heat.rows.len() as i64;
    let legend_y = head_h + grid_h + 22;
    let height = legend_y + 40;
    out.push_str("<section id=\"heatmap\">\n<h2>Themes by group</h2>\n");
    out.push_str(&if heat.segments {
        "<p class=\"note\">Share of each group's segments coded with the theme (no participant \
         is known in this study, so shares are of segments). Hatched cells: the group has no \
         segment.</p>\n"
            .to_owned()
    } else {
        format!(
            "<p class=\"note\">Share of each group's {who} who raised the theme. \
             Hatched cells: no participant could be counted.</p>\n"
        )
    });
    out.push_str(&format!(
        "<figure class=\"chart\" style=\"max-width:{width}px\"><svg viewBox=\"0 0 {width} {height}\" role=\"img\" aria-labelledby=\"heatmap-title\">\n<title id=\"heatmap-title\">{measure} per theme and group</title>\n"
    ));
    out.push_str(
        "<defs><pattern id=\"qs-hatch\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#eceef1\"/><line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#b4bcc6\" stroke-width=\"2\"/></pattern></defs>\n",
    );
    for (j, g) in heat.groups.iter().enumerate() {
        let x = label_w + cell_w * j as i64 + cell_w / 2;
        let name = esc(&truncate(g, 24));
        if rotate {
            out.push_str(&format!(
                "<text x=\"{x}\" y=\"{}\" font-size=\"12\" font-weight=\"600\" transform=\"rotate(-40 {x} {})\"><title>{}</title>{name}</text>\n",
                head_h - 8,
                head_h - 8,
                esc(g)
            ));
        } else {
            out.push_str(&format!(
                "<text x=\"{x}\" y=\"{}\" font-size=\"12\" font-weight=\"600\" text-anchor=\"middle\"><title>{}</title>{name}</text>\n",
                head_h - 10,
                esc(g)
            ));
        }
    }
    for (i, r) in heat.rows.iter().enumerate() {
        let y = head_h + cell_h * i as i64;
        let child = r.code.contains('.');
        let indent = if child { 18 } else { 0 };
        let label = if r.label.is_empty() {
            &r.code
        } else {
            &r.label
        };
        out.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" font-size=\"13\"{}><title>{}</title>{}<tspan class=\"muted\" font-size=\"11\" font-weight=\"400\"> {}</tspan></text>\n",
            indent,
            y + 18,
            if child { "" } else { " font-weight=\"600\"" },
            esc(&format!("{label} ({})", r.code)),
            esc(&truncate(label, 40)),
            esc(&truncate(&r.code, 24))
        ));
        for (j, share) in r.shares.iter().enumerate() {
            let x = label_w + cell_w * j as i64;
            let group = heat.groups.get(j).map_or("", String::as_str);
            let (fill, text, ink) = match share {
                Some(f) if f.is_finite() => (
                    blue(*f),
                    pct(*f),
                    if *f >= 0.5 { "#ffffff" } else { "#17212b" },
                ),
                _ => ("url(#qs-hatch)".to_owned(), "–".to_owned(), "#55616e"),
            };
            out.push_str(&format!(
                "<g class=\"cell\"><title>{}, {}: {}</title><rect x=\"{x}\" y=\"{y}\" width=\"{cell_w}\" height=\"{cell_h}\" fill=\"{fill}\" stroke=\"#ffffff\" stroke-width=\"2\"/><text x=\"{}\" y=\"{}\" font-size=\"12\" text-anchor=\"middle\" style=\"fill:{ink}\">{text}</text></g>\n",
                esc(label),
                esc(group),
                if text == "–" { "no data" } else { &text },
                x + cell_w / 2,
                y + 18
            ));
        }
    }
    // Legend: five steps and the hatched "no data".
    out.push_str(&format!(
        "<text x=\"{label_w}\" y=\"{}\" font-size=\"11\" class=\"muted\">{measure}</text>\n",
        legend_y - 6
    ));
    for (i, f) in [0.0, 0.25, 0.5, 0.75, 1.0].iter().enumerate() {
        let x = label_w + 44 * i as i64;
        out.push_str(&format!(
            "<rect x=\"{x}\" y=\"{legend_y}\" width=\"40\" height=\"12\" fill=\"{}\" stroke=\"#c9d0d8\" stroke-width=\"0.5\"/><text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" class=\"muted\">{}</text>\n",
            blue(*f),
            x + 20,
            legend_y + 26,
            pct(*f)
        ));
    }
    let x = label_w + 44 * 5 + 16;
    out.push_str(&format!(
        "<rect x=\"{x}\" y=\"{legend_y}\" width=\"40\" height=\"12\" fill=\"url(#qs-hatch)\" stroke=\"#c9d0d8\" stroke-width=\"0.5\"/><text x=\"{}\" y=\"{}\" font-size=\"10\" text-anchor=\"middle\" class=\"muted\">– no data</text>\n",
        x + 20,
        legend_y + 26
    ));
    out.push_str("</svg></figure>\n</section>\n");
}
