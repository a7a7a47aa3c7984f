//! `qualsynth segments`: lists imported segments.

use std::collections::BTreeMap;

use crate::cli::SegmentsArgs;
use crate::render::listing::Listing;
use crate::store::Workspace;

use super::output;

/// Lists segments, filtered by group and source.
pub fn run(a: SegmentsArgs) -> anyhow::Result<()> {
    let ws = Workspace::open(&a.study.study)?;
    let t = &ws.tables;
    if let Some(s) = &a.source
        && !t.sources.iter().any(|x| &x.id == s || &x.path == s)
    {
        let known: Vec<&str> = t.sources.iter().map(|x| x.id.as_str()).collect();
        anyhow::bail!(
            "no source {s:?} in this study; sources: {}",
            known.join(", ")
        );
    }
    if let Some(g) = &a.group
        && !t.segments.iter().any(|x| &x.group == g)
    {
        let groups: std::collections::BTreeSet<&str> =
            t.segments.iter().map(|x| x.group.as_str()).collect();
        let groups: Vec<&str> = groups.into_iter().collect();
        anyhow::bail!(
            "no group {g:?} in this study; groups: {}",
            groups.join(", ")
        );
    }
    let source_id = a.source.as_ref().map(|s| {
        t.sources
            .iter()
            .find(|x| &x.path == s)
            .map_or(s.clone(), |x| x.id.clone())
    });
    let names: BTreeMap<&str, &str> = t
        .participants
        .iter()
        .map(|p| (p.id.as_str(), p.name.as_str()))
        .collect();
    let format = output::list_format(a.format);
    let mut l = Listing::new(&[
        "segment_id",
        "group",
        "source_id",
        "participant",
        "position",
        "kind",
        "question",
        "text",
    ]);
    for s in &t.segments {
        if a.group.as_ref().is_some_and(|g| g != &s.group)
            || source_id.as_ref().is_some_and(|x| x != &s.source_id)
        {
            continue;
        }
        let position = match (s.time_ms, s.line) {
            (Some(ms), _) => Some(clock(ms)),
            (None, Some(line)) => Some(format!("line {line}")),
            _ => None,
        };
        l.rows.push(vec![
            Some(s.id.clone()),
            Some(s.group.clone()),
            Some(s.source_id.clone()),
            s.participant_id
                .as_deref()
                .map(|p| names.get(p).copied().unwrap_or(p).to_owned()),
            position,
            Some(s.kind.as_str().to_owned()),
            s.question.clone(),
            Some(s.text.clone()),
        ]);
    }
    output::print_listing(&l, format)
}

/// `hh:mm:ss` from milliseconds.
fn clock(ms: u64) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}
