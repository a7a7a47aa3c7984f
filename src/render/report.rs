//! The report: the stored synthesis tables chosen and worded for people
//! (terminal tables, Markdown, CSV) and for programs (JSON). Frames in,
//! bytes out.
//!
//! # JSON schema `qualsynth.report/1`
//!
//! Published as JSON Schema in `schemas/report-1.schema.json` (checked by
//! the integration tests).
//!
//! One object: `{"schema": "qualsynth.report/1", "study": str, "tables":
//! {NAME: [ROW, …], …}}` with the tables asked for, in the order below.
//! Values are machine-friendly: counts are numbers, shares are fractions
//! (0 to 1, null when undefined), flags are booleans, missing values null.
//!
//! - `recommendations`: `rank` (int), `id` (str), `recommendation` (str),
//!   `groups` ([str]), `support` (int, supporting groups), `groups_total`
//!   (int), `votes_total` (int|null), `priority` (str|null), `codes`
//!   ([str]), `evidence_segments` (int), `has_owner`, `has_target`,
//!   `has_deadline`, `actionable` (bool).
//! - `themes`: `code`, `label` (str), `groups_raised`, `groups_total`
//!   (int), `class` (str), `participant_share` ({group: fraction|null}),
//!   `segment_share` ({group: fraction|null}; added within version 1).
//!   The terminal, Markdown and CSV tables show the participant share, or
//!   the segment share when the study names no participant.
//! - `matrix`: `code`, `label`, `group` (str), `segments`, `participants`
//!   (int), `participant_share`, `segment_share` (fraction|null),
//!   `negated` (int).
//! - `convergence`: `code`, `label` (str), `groups_raised`, `groups_total`
//!   (int), `class` (str), `raised_by` ([str]), `specific_to` (str|null).
//! - `quotes`: `code`, `group` (str), `rank` (int), `participant`
//!   (str|null), `source` (str), `segment_id` (str), `line`, `time_ms`
//!   (int|null), `quote` (str).
//! - `sources`: `id`, `kind`, `format` (str), `groups` ([str]), `segments`
//!   (int).

use comfy_table::{
    Attribute, Cell, Color, ColumnConstraint, ContentArrangement, Table, Width, presets,
};
use polars::prelude::*;
use serde_json::{Map, Value, json};

use crate::render::listing::Listing;
use crate::render::markdown;

/// The `schema` value of the JSON report.
pub const SCHEMA: &str = "qualsynth.report/1";

/// One table of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Merged recommendations.
    Recommendations,
    /// Convergence with the participant share per group.
    Themes,
    /// The theme-by-group matrix.
    Matrix,
    /// Convergence of themes.
    Convergence,
    /// Best quotes.
    Quotes,
    /// Imported sources.
    Sources,
}

impl Kind {
    /// Every table, in report order.
    pub const ALL: [Kind; 6] = [
        Kind::Recommendations,
        Kind::Themes,
        Kind::Matrix,
        Kind::Convergence,
        Kind::Quotes,
        Kind::Sources,
    ];

    /// Key in JSON and CSV file stem.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Recommendations => "recommendations",
            Kind::Themes => "themes",
            Kind::Matrix => "matrix",
            Kind::Convergence => "convergence",
            Kind::Quotes => "quotes",
            Kind::Sources => "sources",
        }
    }

    /// Heading for people.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Recommendations => "Recommendations",
            Kind::Themes => "Themes",
            Kind::Matrix => "Theme-by-group matrix",
            Kind::Convergence => "Convergence",
            Kind::Quotes => "Quotes",
            Kind::Sources => "Sources",
        }
    }
}

/// The frames a report reads (stored synthesis tables and the sources).
#[derive(Debug, Clone, Copy)]
pub struct Frames<'a> {
    /// `recommendations` synthesis table.
    pub recommendations: &'a DataFrame,
    /// `convergence` synthesis table.
    pub convergence: &'a DataFrame,
    /// `matrix` synthesis table.
    pub matrix: &'a DataFrame,
    /// `quotes` synthesis table.
    pub quotes: &'a DataFrame,
    /// The sources (`store::tables::sources_frame`).
    pub sources: &'a DataFrame,
}

/// Row filters.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Only rows of this group.
    pub group: Option<String>,
    /// Only this code and its children.
    pub code: Option<String>,
}

impl Filter {
    fn code_ok(&self, c: Option<&str>) -> bool {
        match (&self.code, c) {
            (None, _) => true,
            (Some(want), Some(c)) => is_under(c, want),
            (Some(_), None) => false,
        }
    }

    fn group_ok(&self, g: Option<&str>) -> bool {
        match (&self.group, g) {
            (None, _) => true,
            (Some(want), Some(g)) => g == want,
            (Some(_), None) => false,
        }
    }

    fn groups_ok(&self, groups: &[String]) -> bool {
        self.group.as_ref().is_none_or(|g| groups.contains(g))
    }
}

/// `code` is `parent` or one of its descendants.
fn is_under(code: &str, parent: &str) -> bool {
    code == parent
        || code
            .strip_prefix(parent)
            .is_some_and(|rest| rest.starts_with('.'))
}

/// A built table: the human listing and the JSON rows.
#[derive(Debug, Clone)]
pub struct Built {
    /// Which table.
    pub kind: Kind,
    /// Cells for people.
    pub listing: Listing,
    /// Rows for programs.
    pub rows: Vec<Value>,
}

/// Builds one table.
pub fn build(kind: Kind, f: &Frames, filter: &Filter) -> PolarsResult<Built> {
    match kind {
        Kind::Recommendations => recommendations(f.recommendations, filter),
        Kind::Themes => themes(f.convergence, f.matrix, filter),
        Kind::Matrix => matrix(f.matrix, filter),
        Kind::Convergence => convergence(f.convergence, filter),
        Kind::Quotes => quotes(f.quotes, filter),
        Kind::Sources => sources(f.sources, filter),
    }
}

fn strs(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<String>>> {
    Ok(df
        .column(name)?
        .str()?
        .iter()
        .map(|s| s.map(str::to_owned))
        .collect())
}

fn ints(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<i64>>> {
    Ok(df
        .column(name)?
        .cast(&DataType::Int64)?
        .i64()?
        .iter()
        .collect())
}

fn floats(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<f64>>> {
    Ok(df
        .column(name)?
        .cast(&DataType::Float64)?
        .f64()?
        .iter()
        .collect())
}

fn bools(df: &DataFrame, name: &str) -> PolarsResult<Vec<Option<bool>>> {
    Ok(df.column(name)?.bool()?.iter().collect())
}

/// `a, b` or `a,b` as a list (empty string: no item).
fn split_list(s: Option<&str>) -> Vec<String> {
    s.unwrap_or("")
        .split(',')
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

fn percent(f: Option<f64>) -> Option<String> {
    f.map(|f| format!("{:.0}%", f * 100.0))
}

fn mark(b: Option<bool>) -> Option<String> {
    Some(if b == Some(true) { "✓" } else { "–" }.to_owned())
}

fn yes(b: Option<bool>) -> Option<String> {
    Some(if b == Some(true) { "yes" } else { "no" }.to_owned())
}

fn num(n: Option<i64>) -> Value {
    n.map_or(Value::Null, Value::from)
}

fn frac(f: Option<f64>) -> Value {
    f.filter(|f| f.is_finite()).map_or(Value::Null, Value::from)
}

fn text(s: &Option<String>) -> Value {
    s.clone().map_or(Value::Null, Value::String)
}

fn recommendations(df: &DataFrame, filter: &Filter) -> PolarsResult<Built> {
    // Ids follow the rank (R001 is first), so people get no rank column.
    let mut l = Listing::new(&[
        "id",
        "recommendation",
        "groups",
        "support",
        "votes",
        "priority",
        "evidence",
        "owner",
        "target",
        "deadline",
        "actionable",
    ]);
    let mut rows = Vec::new();
    if df.height() == 0 {
        return Ok(Built {
            kind: Kind::Recommendations,
            listing: l,
            rows,
        });
    }
    let (rank, id, wording, groups) = (
        ints(df, "rank")?,
        strs(df, "rec_id")?,
        strs(df, "wording")?,
        strs(df, "groups")?,
    );
    let (support, total, votes, priority) = (
        ints(df, "support")?,
        ints(df, "groups_total")?,
        ints(df, "votes_total")?,
        strs(df, "priority")?,
    );
    let (codes, evidence) = (strs(df, "codes")?, ints(df, "evidence_segments")?);
    let (owner, target, deadline, actionable) = (
        bools(df, "has_owner")?,
        bools(df, "has_target")?,
        bools(df, "has_deadline")?,
        bools(df, "actionable")?,
    );
    for i in 0..df.height() {
        let gs = split_list(groups[i].as_deref());
        let cs = split_list(codes[i].as_deref());
        if !filter.groups_ok(&gs)
            || !(filter.code.is_none() || cs.iter().any(|c| filter.code_ok(Some(c))))
        {
            continue;
        }
        l.rows.push(vec![
            id[i].clone(),
            wording[i].clone(),
            Some(gs.join(", ")),
            Some(format!(
                "{}/{}",
                support[i].unwrap_or(0),
                total[i].unwrap_or(0)
            )),
            votes[i].map(|n| n.to_string()),
            priority[i].clone(),
            evidence[i].map(|n| n.to_string()),
            mark(owner[i]),
            mark(target[i]),
            mark(deadline[i]),
            yes(actionable[i]),
        ]);
        rows.push(json!({
            "rank": num(rank[i]),
            "id": text(&id[i]),
            "recommendation": text(&wording[i]),
            "groups": gs,
            "support": num(support[i]),
            "groups_total": num(total[i]),
            "votes_total": num(votes[i]),
            "priority": text(&priority[i]),
            "codes": cs,
            "evidence_segments": num(evidence[i]),
            "has_owner": owner[i].unwrap_or(false),
            "has_target": target[i].unwrap_or(false),
            "has_deadline": deadline[i].unwrap_or(false),
            "actionable": actionable[i].unwrap_or(false),
        }));
    }
    Ok(Built {
        kind: Kind::Recommendations,
        listing: l,
        rows,
    })
}

/// The values of a string column, sorted and distinct (none for a frame
/// without rows).
pub fn distinct(df: &DataFrame, column: &str) -> PolarsResult<Vec<String>> {
    if df.height() == 0 {
        return Ok(Vec::new());
    }
    let mut v: Vec<String> = strs(df, column)?.into_iter().flatten().collect();
    v.sort();
    v.dedup();
    Ok(v)
}

fn themes(conv: &DataFrame, matrix: &DataFrame, filter: &Filter) -> PolarsResult<Built> {
    let groups: Vec<String> = distinct(matrix, "group")?
        .into_iter()
        .filter(|g| filter.group_ok(Some(g)))
        .collect();
    let mut cols = vec!["code", "label", "k/n", "class"];
    cols.extend(groups.iter().map(String::as_str));
    let mut l = Listing::new(&cols);
    let mut rows = Vec::new();
    let (m_code, m_group, m_share) = (
        strs(matrix, "code")?,
        strs(matrix, "group")?,
        floats(matrix, "participant_share")?,
    );
    let m_seg = if matrix.column("segment_share").is_ok() {
        floats(matrix, "segment_share")?
    } else {
        vec![None; matrix.height()]
    };
    let at: std::collections::HashMap<(&str, &str), usize> = (0..m_code.len())
        .filter_map(|i| Some(((m_code[i].as_deref()?, m_group[i].as_deref()?), i)))
        .collect();
    // A study that names no participant (grids without a participant
    // column) has no participant share anywhere: people see the segment
    // share instead.
    let no_participants = m_share.iter().all(Option::is_none);
    let share_of = |shares: &[Option<f64>], code: &str, group: &str| {
        at.get(&(code, group)).and_then(|&i| shares[i])
    };
    let (code, label, k, n, class) = (
        strs(conv, "code")?,
        strs(conv, "label")?,
        ints(conv, "groups_raised")?,
        ints(conv, "groups_total")?,
        strs(conv, "class")?,
    );
    for i in 0..conv.height() {
        if !filter.code_ok(code[i].as_deref()) {
            continue;
        }
        let c = code[i].clone().unwrap_or_default();
        let shares: Vec<Option<f64>> = groups.iter().map(|g| share_of(&m_share, &c, g)).collect();
        let seg_shares: Vec<Option<f64>> = groups.iter().map(|g| share_of(&m_seg, &c, g)).collect();
        let mut row = vec![
            code[i].clone(),
            label[i].clone(),
            Some(format!("{}/{}", k[i].unwrap_or(0), n[i].unwrap_or(0))),
            class[i].clone(),
        ];
        let shown = if no_participants {
            &seg_shares
        } else {
            &shares
        };
        row.extend(shown.iter().map(|s| percent(*s)));
        l.rows.push(row);
        let map = |shares: &[Option<f64>]| -> Map<String, Value> {
            groups
                .iter()
                .zip(shares)
                .map(|(g, s)| (g.clone(), frac(*s)))
                .collect()
        };
        rows.push(json!({
            "code": text(&code[i]),
            "label": text(&label[i]),
            "groups_raised": num(k[i]),
            "groups_total": num(n[i]),
            "class": text(&class[i]),
            "participant_share": map(&shares),
            "segment_share": map(&seg_shares),
        }));
    }
    Ok(Built {
        kind: Kind::Themes,
        listing: l,
        rows,
    })
}

fn matrix(df: &DataFrame, filter: &Filter) -> PolarsResult<Built> {
    let mut l = Listing::new(&[
        "code",
        "group",
        "segments",
        "participants",
        "participant_share",
        "segment_share",
        "negated",
    ]);
    let mut rows = Vec::new();
    let (code, label, group) = (strs(df, "code")?, strs(df, "label")?, strs(df, "group")?);
    let (segs, parts, negated) = (
        ints(df, "segments")?,
        ints(df, "participants")?,
        ints(df, "negated")?,
    );
    let (pshare, sshare) = (
        floats(df, "participant_share")?,
        floats(df, "segment_share")?,
    );
    for i in 0..df.height() {
        if !filter.code_ok(code[i].as_deref()) || !filter.group_ok(group[i].as_deref()) {
            continue;
        }
        l.rows.push(vec![
            code[i].clone(),
            group[i].clone(),
            segs[i].map(|n| n.to_string()),
            parts[i].map(|n| n.to_string()),
            percent(pshare[i]),
            percent(sshare[i]),
            negated[i].map(|n| n.to_string()),
        ]);
        rows.push(json!({
            "code": text(&code[i]),
            "label": text(&label[i]),
            "group": text(&group[i]),
            "segments": num(segs[i]),
            "participants": num(parts[i]),
            "participant_share": frac(pshare[i]),
            "segment_share": frac(sshare[i]),
            "negated": num(negated[i]),
        }));
    }
    Ok(Built {
        kind: Kind::Matrix,
        listing: l,
        rows,
    })
}

fn convergence(df: &DataFrame, filter: &Filter) -> PolarsResult<Built> {
    let mut l = Listing::new(&["code", "label", "k/n", "class", "raised by", "specific to"]);
    let mut rows = Vec::new();
    let (code, label, k, n) = (
        strs(df, "code")?,
        strs(df, "label")?,
        ints(df, "groups_raised")?,
        ints(df, "groups_total")?,
    );
    let (class, groups, specific) = (
        strs(df, "class")?,
        strs(df, "groups")?,
        strs(df, "specific_to")?,
    );
    for i in 0..df.height() {
        let gs = split_list(groups[i].as_deref());
        if !filter.code_ok(code[i].as_deref()) || !filter.groups_ok(&gs) {
            continue;
        }
        l.rows.push(vec![
            code[i].clone(),
            label[i].clone(),
            Some(format!("{}/{}", k[i].unwrap_or(0), n[i].unwrap_or(0))),
            class[i].clone(),
            Some(gs.join(", ")),
            specific[i].clone(),
        ]);
        rows.push(json!({
            "code": text(&code[i]),
            "label": text(&label[i]),
            "groups_raised": num(k[i]),
            "groups_total": num(n[i]),
            "class": text(&class[i]),
            "raised_by": gs,
            "specific_to": text(&specific[i]),
        }));
    }
    Ok(Built {
        kind: Kind::Convergence,
        listing: l,
        rows,
    })
}

/// `1:02:03` or `2:03` from milliseconds.
fn clock(ms: i64) -> String {
    let s = ms / 1000;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

fn quotes(df: &DataFrame, filter: &Filter) -> PolarsResult<Built> {
    let mut l = Listing::new(&[
        "code",
        "group",
        "rank",
        "participant",
        "source",
        "line or time",
        "quote",
    ]);
    let mut rows = Vec::new();
    if df.height() == 0 {
        return Ok(Built {
            kind: Kind::Quotes,
            listing: l,
            rows,
        });
    }
    let (code, group, rank) = (strs(df, "code")?, strs(df, "group")?, ints(df, "rank")?);
    let (participant, source, segment) = (
        strs(df, "participant")?,
        strs(df, "source_id")?,
        strs(df, "segment_id")?,
    );
    let (line, time, quote) = (ints(df, "line")?, ints(df, "time_ms")?, strs(df, "text")?);
    for i in 0..df.height() {
        if !filter.code_ok(code[i].as_deref()) || !filter.group_ok(group[i].as_deref()) {
            continue;
        }
        let position = match (time[i], line[i]) {
            (Some(ms), _) => Some(clock(ms)),
            (None, Some(n)) => Some(format!("line {n}")),
            _ => None,
        };
        l.rows.push(vec![
            code[i].clone(),
            group[i].clone(),
            rank[i].map(|n| n.to_string()),
            participant[i].clone(),
            source[i].clone(),
            position,
            quote[i].clone(),
        ]);
        rows.push(json!({
            "code": text(&code[i]),
            "group": text(&group[i]),
            "rank": num(rank[i]),
            "participant": text(&participant[i]),
            "source": text(&source[i]),
            "segment_id": text(&segment[i]),
            "line": num(line[i]),
            "time_ms": num(time[i]),
            "quote": text(&quote[i]),
        }));
    }
    Ok(Built {
        kind: Kind::Quotes,
        listing: l,
        rows,
    })
}

fn sources(df: &DataFrame, filter: &Filter) -> PolarsResult<Built> {
    let mut l = Listing::new(&["id", "kind", "format", "groups", "segments"]);
    let mut rows = Vec::new();
    let (id, kind, format, groups, segs) = (
        strs(df, "source_id")?,
        strs(df, "kind")?,
        strs(df, "format")?,
        strs(df, "groups")?,
        ints(df, "segments")?,
    );
    for i in 0..df.height() {
        let gs = split_list(groups[i].as_deref());
        if !filter.groups_ok(&gs) {
            continue;
        }
        l.rows.push(vec![
            id[i].clone(),
            kind[i].clone(),
            format[i].clone(),
            Some(gs.join(", ")),
            segs[i].map(|n| n.to_string()),
        ]);
        rows.push(json!({
            "id": text(&id[i]),
            "kind": text(&kind[i]),
            "format": text(&format[i]),
            "groups": gs,
            "segments": num(segs[i]),
        }));
    }
    Ok(Built {
        kind: Kind::Sources,
        listing: l,
        rows,
    })
}

/// One original recommendation behind a merged one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Member {
    /// Its group.
    pub group: String,
    /// Its wording as written.
    pub text: String,
    /// Its votes, when the grid had them.
    pub votes: Option<i64>,
}

/// One evidence quote behind a merged recommendation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evidence {
    /// Its group.
    pub group: String,
    /// The speaker's display name, when known.
    pub participant: Option<String>,
    /// Its source id.
    pub source: String,
    /// The segment's text.
    pub text: String,
}

/// What stands behind one merged recommendation: its members and evidence.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RecDetail {
    /// `R001`…
    pub rec_id: String,
    /// The original recommendations, by similarity to the kept wording.
    pub members: Vec<Member>,
    /// The best quotes, by group then rank.
    pub evidence: Vec<Evidence>,
}

/// The members and evidence of every merged recommendation, in rank order,
/// from the `recommendation_members` and `recommendation_evidence` tables,
/// with evidence texts looked up in the segments and speakers' names in the
/// participants (one pass over the segments).
pub fn rec_details(
    members: &DataFrame,
    evidence: &DataFrame,
    segments: &DataFrame,
    participants: &DataFrame,
) -> PolarsResult<Vec<RecDetail>> {
    let mut out: Vec<RecDetail> = Vec::new();
    let mut at = std::collections::HashMap::<String, usize>::new();
    let mut slot = |out: &mut Vec<RecDetail>, id: &str| -> usize {
        *at.entry(id.to_owned()).or_insert_with(|| {
            out.push(RecDetail {
                rec_id: id.to_owned(),
                ..RecDetail::default()
            });
            out.len() - 1
        })
    };
    if members.height() > 0 {
        let (rec, group, text, votes) = (
            strs(members, "rec_id")?,
            strs(members, "group")?,
            strs(members, "text")?,
            ints(members, "votes")?,
        );
        for i in 0..members.height() {
            let k = slot(&mut out, rec[i].as_deref().unwrap_or(""));
            out[k].members.push(Member {
                group: group[i].clone().unwrap_or_default(),
                text: text[i].clone().unwrap_or_default(),
                votes: votes[i],
            });
        }
    }
    if evidence.height() == 0 {
        return Ok(out);
    }
    let (rec, group, seg) = (
        strs(evidence, "rec_id")?,
        strs(evidence, "group")?,
        strs(evidence, "segment_id")?,
    );
    let wanted: std::collections::HashSet<&str> =
        seg.iter().flatten().map(String::as_str).collect();
    let mut found: std::collections::HashMap<&str, (Option<String>, String, String)> =
        std::collections::HashMap::new();
    let (ids, sources, who, texts) = (
        segments.column("segment_id")?.str()?,
        segments.column("source_id")?.str()?,
        segments.column("participant_id")?.str()?,
        segments.column("text")?.str()?,
    );
    for (((id, source), w), t) in ids
        .iter()
        .zip(sources.iter())
        .zip(who.iter())
        .zip(texts.iter())
    {
        if let Some(id) = id
            && let Some(key) = wanted.get(id)
        {
            found.insert(
                key,
                (
                    w.map(str::to_owned),
                    source.unwrap_or("").to_owned(),
                    t.unwrap_or("").to_owned(),
                ),
            );
        }
    }
    let names: std::collections::HashMap<String, String> = if participants.height() == 0 {
        Default::default()
    } else {
        strs(participants, "participant_id")?
            .into_iter()
            .zip(strs(participants, "name")?)
            .filter_map(|(i, n)| Some((i?, n?)))
            .collect()
    };
    for i in 0..evidence.height() {
        let Some((who, source, text)) = seg[i].as_deref().and_then(|s| found.get(s)) else {
            continue;
        };
        let k = slot(&mut out, rec[i].as_deref().unwrap_or(""));
        out[k].evidence.push(Evidence {
            group: group[i].clone().unwrap_or_default(),
            participant: who
                .as_ref()
                .map(|w| names.get(w).cloned().unwrap_or_else(|| w.clone())),
            source: source.clone(),
            text: text.clone(),
        });
    }
    Ok(out)
}

/// Terminal tables; with several, each under its title. With `colour`,
/// headers are bold and full support is green (ANSI escapes).
pub fn to_table(built: &[Built], width: u16, colour: bool) -> String {
    let mut out = String::new();
    for (i, b) in built.iter().enumerate() {
        if built.len() > 1 {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(b.kind.title());
            out.push('\n');
        }
        out.push_str(&fitted(&b.listing, width, colour));
    }
    out
}

/// Columns that may wrap; the others keep their content's width so that
/// the text columns get the room.
const WRAPPING: [&str; 7] = [
    "participant",
    "recommendation",
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
const DROPPABLE: [&str; 17] = [
    // Owner, target and deadline all ticked: shown by the three columns.
    "actionable",
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

/// Narrowest readable width of a wrapping column.
fn min_text_width(name: &str) -> usize {
    match name {
        "recommendation" | "quote" => 24,
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
fn fitted(l: &Listing, width: u16, colour: bool) -> String {
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

/// GitHub pipe tables; with several, each under a `## Title` heading.
pub fn to_markdown(built: &[Built]) -> String {
    let mut out = String::new();
    for (i, b) in built.iter().enumerate() {
        if built.len() > 1 {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&format!("## {}\n\n", b.kind.title()));
        }
        out.push_str(&markdown::table(&b.listing));
    }
    out
}

/// The JSON report (see the module doc).
pub fn to_json(study: &str, built: &[Built]) -> serde_json::Result<Vec<u8>> {
    let tables: Map<String, Value> = built
        .iter()
        .map(|b| (b.kind.name().to_owned(), Value::Array(b.rows.clone())))
        .collect();
    let mut out = serde_json::to_vec_pretty(&json!({
        "schema": SCHEMA,
        "study": study,
        "tables": tables,
    }))?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn recs() -> DataFrame {
        df!(
            "rank" => [1u32, 2],
            "rec_id" => ["R001", "R002"],
            "wording" => ["Baisser | le loyer", "=HYPERLINK(\"x\")"],
            "groups" => ["Lille, Marseille", "Lille"],
            "support" => [2u32, 1],
            "groups_total" => [3u32, 3],
            "votes_total" => [Some(9i64), None],
            "priority" => [Some("haute"), None],
            "codes" => ["cout, cout.loyer", "lien"],
            "evidence_segments" => [12u32, 3],
            "has_owner" => [true, false],
            "has_target" => [true, false],
            "has_deadline" => [false, false],
            "actionable" => [false, false],
        )
        .unwrap()
    }

    #[test]
    fn recommendations_for_people_and_programs() {
        let b = recommendations(&recs(), &Filter::default()).unwrap();
        assert_eq!(b.listing.rows[0][3].as_deref(), Some("2/3"));
        assert_eq!(b.listing.rows[0][7].as_deref(), Some("✓"));
        assert_eq!(b.listing.rows[0][9].as_deref(), Some("–"));
        assert_eq!(b.rows[0]["support"], 2);
        assert_eq!(b.rows[0]["votes_total"], 9);
        assert_eq!(b.rows[1]["votes_total"], Value::Null);
        assert_eq!(b.rows[0]["actionable"], false);
        assert_eq!(b.rows[0]["groups"], json!(["Lille", "Marseille"]));
    }

    #[test]
    fn filters_by_group_and_code_subtree() {
        let f = Filter {
            group: Some("Marseille".into()),
            code: None,
        };
        assert_eq!(recommendations(&recs(), &f).unwrap().rows.len(), 1);
        let f = Filter {
            group: None,
            code: Some("cout".into()),
        };
        let b = recommendations(&recs(), &f).unwrap();
        assert_eq!(b.rows.len(), 1);
        assert_eq!(b.rows[0]["id"], "R001");
        assert!(is_under("cout.loyer", "cout"));
        assert!(!is_under("couture", "cout"));
    }

    #[test]
    fn themes_have_one_share_column_per_group() {
        let conv = df!(
            "code" => ["cout"],
            "label" => ["Coût"],
            "groups_raised" => [1u32],
            "groups_total" => [2u32],
            "class" => ["one group"],
        )
        .unwrap();
        let matrix = df!(
            "code" => ["cout", "cout"],
            "group" => ["Marseille", "Lille"],
            "participant_share" => [Some(0.5f64), None],
        )
        .unwrap();
        let b = themes(&conv, &matrix, &Filter::default()).unwrap();
        assert_eq!(b.listing.columns[4..], ["Lille", "Marseille"]);
        assert_eq!(b.listing.rows[0][4], None);
        assert_eq!(b.listing.rows[0][5].as_deref(), Some("50%"));
        assert_eq!(b.rows[0]["participant_share"]["Marseille"], 0.5);
        assert_eq!(b.rows[0]["participant_share"]["Lille"], Value::Null);
    }

    #[test]
    fn without_participants_themes_show_segment_shares() {
        let conv = df!(
            "code" => ["cout"],
            "label" => ["Coût"],
            "groups_raised" => [1u32],
            "groups_total" => [1u32],
            "class" => ["all groups"],
        )
        .unwrap();
        let matrix = df!(
            "code" => ["cout"],
            "group" => ["Lille"],
            "participant_share" => [None::<f64>],
            "segment_share" => [Some(0.25f64)],
        )
        .unwrap();
        let b = themes(&conv, &matrix, &Filter::default()).unwrap();
        assert_eq!(b.listing.rows[0][4].as_deref(), Some("25%"));
        assert_eq!(b.rows[0]["participant_share"]["Lille"], Value::Null);
        assert_eq!(b.rows[0]["segment_share"]["Lille"], 0.25);
    }

    #[test]
    fn json_has_schema_and_tables() {
        let b = recommendations(&recs(), &Filter::default()).unwrap();
        let v: Value = serde_json::from_slice(&to_json("T", &[b]).unwrap()).unwrap();
        assert_eq!(v["schema"], SCHEMA);
        assert_eq!(v["study"], "T");
        assert_eq!(v["tables"]["recommendations"][1]["id"], "R002");
    }

    #[test]
    fn terminal_table_fits_and_keeps_numbers_whole() {
        let b = recommendations(&recs(), &Filter::default()).unwrap();
        let t = to_table(std::slice::from_ref(&b), 80, false);
        assert!(t.lines().all(|l| l.chars().count() <= 80), "{t}");
        assert!(!t.contains('\x1b'), "{t}");
        let coloured = to_table(&[b], 80, true);
        assert!(coloured.contains("\x1b["), "{coloured}");
        assert!(t.contains("┆ k/n ┆") && t.contains("┆ 2/3 ┆"), "{t}");
    }

    #[test]
    fn narrow_terminals_hide_minor_columns_and_say_so() {
        let b = recommendations(&recs(), &Filter::default()).unwrap();
        let wide = to_table(std::slice::from_ref(&b), 140, false);
        assert!(!wide.contains("hidden"), "{wide}");
        let narrow = to_table(std::slice::from_ref(&b), 72, false);
        assert!(narrow.lines().all(|l| l.chars().count() <= 72), "{narrow}");
        assert!(narrow.contains("(hidden: act, due, tgt, own"), "{narrow}");
        assert!(!narrow.contains("┆ due ┆"), "{narrow}");
        // The wording keeps a readable width.
        let first = narrow.lines().find(|l| l.contains("R001")).unwrap();
        assert!(first.contains("Baisser | le loyer"), "{narrow}");
    }

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

    #[test]
    fn clock_reads_minutes_and_hours() {
        assert_eq!(clock(62_000), "1:02");
        assert_eq!(clock(3_723_000), "1:02:03");
    }
}
