//! The study summary shown by `status` and at the end of `run`.

use crate::cli::ListFormat;
use crate::render::listing::Listing;
use crate::store::manifest::StudyMeta;
use crate::store::summary::{GroupSummary, by_group};
use crate::store::tables::Tables;

/// Renders the summary: a heading and two tables (groups, sources) as text,
/// or the same as CSV (groups only) or a JSON object.
pub fn render(
    meta: &StudyMeta,
    t: &Tables,
    format: ListFormat,
    width: u16,
) -> std::io::Result<String> {
    let (groups, total) = by_group(t).map_err(std::io::Error::other)?;
    let listing = groups_listing(&groups, &total);
    match format {
        ListFormat::Table => {
            let mut s = format!(
                "{} ({})\n{}, {}, {}, {}\n\n",
                meta.title,
                meta.lang,
                plural(groups.len(), "group"),
                plural(total.sources, "source"),
                plural(total.participants, "participant"),
                plural(total.segments, "segment")
            );
            s.push_str(&listing.to_table(width));
            s.push('\n');
            s.push_str(&sources_listing(t).to_table(width));
            Ok(s)
        }
        ListFormat::Csv => {
            let mut out = Vec::new();
            listing.write_csv(&mut out)?;
            Ok(String::from_utf8_lossy(&out).into_owned())
        }
        ListFormat::Json => {
            let sources: Vec<serde_json::Value> = t
                .sources
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "source_id": s.id, "path": s.path, "kind": s.kind, "format": s.format,
                        "groups": s.groups.split(',').collect::<Vec<_>>(), "session": s.session,
                        "lang": s.lang, "encoding": s.encoding, "hash": s.hash, "segments": s.segments,
                    })
                })
                .collect();
            let v = serde_json::json!({
                "title": meta.title, "lang": meta.lang, "groups": groups, "total": total, "sources": sources,
            });
            Ok(format!(
                "{}\n",
                serde_json::to_string_pretty(&v).unwrap_or_default()
            ))
        }
    }
}

/// `1 group`, `2 groups`.
pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("1 {word}")
    } else {
        format!("{n} {word}s")
    }
}

fn groups_listing(groups: &[GroupSummary], total: &GroupSummary) -> Listing {
    let mut l = Listing::new(&[
        "group",
        "sources",
        "participants",
        "segments",
        "turns",
        "observations",
        "recommendations",
        "notes",
    ]);
    for g in groups.iter().chain(std::iter::once(total)) {
        l.rows.push(
            [
                g.group.clone(),
                g.sources.to_string(),
                g.participants.to_string(),
                g.segments.to_string(),
                g.turns.to_string(),
                g.observations.to_string(),
                g.recommendations.to_string(),
                g.notes.to_string(),
            ]
            .into_iter()
            .map(Some)
            .collect(),
        );
    }
    l
}

fn sources_listing(t: &Tables) -> Listing {
    let mut l = Listing::new(&["source", "groups", "kind", "encoding", "segments"]);
    for s in &t.sources {
        l.rows.push(vec![
            Some(s.id.clone()),
            Some(s.groups.replace(',', ", ")),
            Some(format!("{} ({})", s.kind, s.format)),
            s.encoding.clone(),
            Some(s.segments.to_string()),
        ]);
    }
    l
}
