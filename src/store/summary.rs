//! A study's summary: per group, how many sources, participants and
//! segments of each kind.

use std::collections::{BTreeMap, BTreeSet};

use polars::prelude::PolarsResult;

use super::tables::Tables;
use crate::corpus::{GroupSummary, SegmentKind};

/// Per-group counts, groups sorted by name, and a total row.
pub fn by_group(t: &Tables) -> PolarsResult<(Vec<GroupSummary>, GroupSummary)> {
    let mut groups: BTreeMap<&str, (GroupSummary, BTreeSet<&str>)> = BTreeMap::new();
    let df = &t.segments;
    let (g_col, s_col, k_col) = (
        df.column("group")?.str()?,
        df.column("source_id")?.str()?,
        df.column("kind")?.str()?,
    );
    for ((group, source), kind) in g_col.iter().zip(s_col.iter()).zip(k_col.iter()) {
        let (g, sources) = groups.entry(group.unwrap_or("")).or_default();
        sources.insert(source.unwrap_or(""));
        g.segments += 1;
        match kind.and_then(SegmentKind::parse).unwrap_or_default() {
            SegmentKind::Turn | SegmentKind::Paragraph => g.turns += 1,
            SegmentKind::Observation => g.observations += 1,
            SegmentKind::Recommendation => g.recommendations += 1,
            SegmentKind::Note => g.notes += 1,
        }
    }
    for p in &t.participants {
        groups.entry(&p.group).or_default().0.participants += 1;
    }
    let mut total = GroupSummary {
        group: "total".to_owned(),
        sources: t.sources.len(),
        ..Default::default()
    };
    let rows: Vec<GroupSummary> = groups
        .into_iter()
        .map(|(name, (mut g, sources))| {
            g.group = name.to_owned();
            g.sources = sources.len();
            total.participants += g.participants;
            total.segments += g.segments;
            total.turns += g.turns;
            total.observations += g.observations;
            total.recommendations += g.recommendations;
            total.notes += g.notes;
            g
        })
        .collect();
    Ok((rows, total))
}
