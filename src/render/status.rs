//! The study summary shown by `status` and at the end of `run`.

use crate::corpus::{GroupSummary, Source};
use crate::render::listing::{Format, Listing};

/// What `status` shows of a study.
#[derive(Debug, Clone, Copy)]
pub struct Status<'a> {
    /// The study's title.
    pub title: &'a str,
    /// Its default language.
    pub lang: &'a str,
    /// Counts per group, sorted by name.
    pub groups: &'a [GroupSummary],
    /// The total row.
    pub total: &'a GroupSummary,
    /// The sources, in manifest order.
    pub sources: &'a [Source],
}

/// Renders the summary: a heading and two tables (groups, sources) as text,
/// or the same as CSV (groups only) or a JSON object.
pub fn render(st: &Status, format: Format, width: u16) -> std::io::Result<String> {
    let (meta_title, meta_lang, groups, total) = (st.title, st.lang, st.groups, st.total);
    let listing = groups_listing(groups, total);
    match format {
        Format::Table => {
            let mut s = format!(
                "{} ({})\n{}, {}, {}, {}\n\n",
                meta_title,
                meta_lang,
                plural(groups.len(), "group"),
                plural(total.sources, "source"),
                plural(total.participants, "participant"),
                plural(total.segments, "segment")
            );
            s.push_str(&listing.to_table(width));
            s.push('\n');
            s.push_str(&sources_listing(st.sources).to_table(width));
            Ok(s)
        }
        Format::Csv => {
            let mut out = Vec::new();
            listing.write_csv(&mut out)?;
            Ok(String::from_utf8_lossy(&out).into_owned())
        }
        Format::Json => {
            let sources: Vec<serde_json::Value> = st
                .sources
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "source_id": s.id, "path": s.path, "kind": s.kind, "format": s.format,
                        "groups": s.groups, "session": s.session,
                        "lang": s.lang, "encoding": s.encoding, "hash": s.hash, "segments": s.segments,
                    })
                })
                .collect();
            let v = serde_json::json!({
                "title": meta_title, "lang": meta_lang, "groups": groups, "total": total, "sources": sources,
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

fn sources_listing(sources: &[Source]) -> Listing {
    let mut l = Listing::new(&["source", "groups", "kind", "encoding", "segments"]);
    for s in sources {
        l.rows.push(vec![
            Some(s.id.clone()),
            Some(s.groups.join(", ")),
            Some(format!("{} ({})", s.kind, s.format)),
            s.encoding.clone(),
            Some(s.segments.to_string()),
        ]);
    }
    l
}

/// `hh:mm:ss` from milliseconds.
fn clock(ms: u64) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

/// The segments listing of `qualsynth segments`: participants by display
/// name, positions as a time or a line.
pub fn segments_listing(
    rows: &[crate::corpus::Segment],
    names: &std::collections::BTreeMap<String, String>,
) -> Listing {
    let mut l = Listing::new(&[
        "segment_id",
        "group",
        "source_id",
        "key",
        "participant",
        "position",
        "kind",
        "question",
        "method",
        "part",
        "text",
    ]);
    for s in rows {
        let position = match (s.time_ms, s.line) {
            (Some(ms), _) => Some(clock(ms)),
            (None, Some(line)) => Some(format!("line {line}")),
            _ => None,
        };
        let participant = s
            .participant_id
            .as_deref()
            .map(|p| names.get(p).map_or(p, String::as_str).to_owned());
        l.rows.push(vec![
            Some(s.id.clone()),
            Some(s.group.clone()),
            Some(s.source_id.clone()),
            s.key.clone(),
            participant,
            position,
            Some(s.kind.as_str().to_owned()),
            s.question.clone(),
            s.method.clone(),
            s.part.clone(),
            Some(s.text.clone()),
        ]);
    }
    l
}

/// The line saying whose words the synthesis left out, if anyone's.
pub fn left_out_note(l: &crate::pipeline::synthesize::LeftOut) -> Option<String> {
    if l.people.is_empty() {
        return None;
    }
    let count = |role: &str| l.people.iter().filter(|p| p.2 == role).count();
    let mut kinds = Vec::new();
    for (role, one, many) in [
        ("facilitator", "facilitator", "facilitators"),
        ("interviewer", "interviewer", "interviewers"),
    ] {
        let n = count(role);
        if n > 0 {
            kinds.push(format!("{n} {}", if n == 1 { one } else { many }));
        }
    }
    let mut names: Vec<String> = l
        .people
        .iter()
        .take(5)
        .map(|(g, n, _)| format!("{n} in {g}"))
        .collect();
    if l.people.len() > 5 {
        names.push(format!("{} more", l.people.len() - 5));
    }
    let roles: Vec<&str> = {
        let mut r: Vec<&str> = l.people.iter().map(|p| p.2).collect();
        r.sort_unstable();
        r.dedup();
        r
    };
    Some(format!(
        "Left out of shares, convergence and quotes: the words of {} ({}), {}; to count them, set [synthesis] include_roles = [{}] in study.toml.",
        kinds.join(" and "),
        names.join(", "),
        plural(l.segments, "segment"),
        roles
            .iter()
            .map(|r| format!("\"{r}\""))
            .collect::<Vec<_>>()
            .join(", ")
    ))
}
