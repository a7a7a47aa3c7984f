//! `qualsynth segments`: lists imported segments.

use std::collections::{BTreeMap, BTreeSet};

use crate::cli::SegmentsArgs;
use crate::render::listing::Listing;
use crate::store::Workspace;
use crate::store::tables::segments_from;

use super::output;

/// Lists segments, filtered by group and source.
pub fn run(a: SegmentsArgs) -> anyhow::Result<()> {
    let ws = Workspace::open(&a.study.study)?;
    let t = &ws.tables;
    let source_id = match &a.source {
        None => None,
        Some(s) => match t.sources.iter().find(|x| &x.id == s || &x.path == s) {
            Some(x) => Some(x.id.clone()),
            None => {
                let known: Vec<&str> = t.sources.iter().map(|x| x.id.as_str()).collect();
                anyhow::bail!(
                    "no source {s:?} in this study; sources: {}",
                    known.join(", ")
                );
            }
        },
    };
    let groups = t.segment_strs("group")?;
    if let Some(g) = &a.group
        && !groups.contains(&g.as_str())
    {
        let known: BTreeSet<&str> = groups.iter().copied().collect();
        let known: Vec<&str> = known.into_iter().collect();
        anyhow::bail!("no group {g:?} in this study; groups: {}", known.join(", "));
    }
    let sources = t.segment_strs("source_id")?;
    let keep: polars::prelude::BooleanChunked = groups
        .iter()
        .zip(&sources)
        .map(|(g, s)| {
            a.group.as_ref().is_none_or(|x| x == g) && source_id.as_ref().is_none_or(|x| x == s)
        })
        .collect();
    let rows = segments_from(&t.segments.filter(&keep)?)?;
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
    for s in rows {
        let position = match (s.time_ms, s.line) {
            (Some(ms), _) => Some(clock(ms)),
            (None, Some(line)) => Some(format!("line {line}")),
            _ => None,
        };
        let participant = s
            .participant_id
            .as_deref()
            .map(|p| names.get(p).copied().unwrap_or(p).to_owned());
        l.rows.push(vec![
            Some(s.id),
            Some(s.group),
            Some(s.source_id),
            participant,
            position,
            Some(s.kind.as_str().to_owned()),
            s.question,
            Some(s.text),
        ]);
    }
    output::print_listing(&l, format)
}

/// `hh:mm:ss` from milliseconds.
fn clock(ms: u64) -> String {
    let s = ms / 1000;
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}
