//! How each report table reads: the cells people see (terminal, Markdown:
//! `2/3`, `50%`, ticks) and the typed columns of spreadsheets (CSV, XLSX:
//! numbers, fractions, booleans), both from the typed rows.

use super::Table;
use super::lines::Themes;
use crate::render::listing::Listing;
use crate::render::sheet::{Sheet, SheetColumn, Unit, Value};

fn percent(f: Option<f64>) -> Option<String> {
    f.map(|f| format!("{:.0}%", f * 100.0))
}

fn mark(b: bool) -> Option<String> {
    Some(if b { "✓" } else { "–" }.to_owned())
}

fn yes(b: bool) -> Option<String> {
    Some(if b { "yes" } else { "no" }.to_owned())
}

fn some(s: impl ToString) -> Option<String> {
    Some(s.to_string())
}

/// `1:02:03` or `2:03` from milliseconds.
pub(crate) fn clock(ms: u64) -> String {
    let s = ms / 1000;
    let (h, m, s) = (s / 3600, (s / 60) % 60, s % 60);
    if h > 0 {
        format!("{h}:{m:02}:{s:02}")
    } else {
        format!("{m}:{s:02}")
    }
}

/// The cells people read.
pub fn listing(t: &Table) -> Listing {
    match t {
        Table::Recommendations(rows) => {
            // Ids follow the rank (R001 is first), so people get no rank column.
            let mut l = Listing::new(&[
                "id",
                "recommendation",
                "stance",
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
            for r in rows {
                // A curated item says so after its id.
                let id = if r.curated {
                    format!("{} ✎", r.id)
                } else {
                    r.id.clone()
                };
                l.rows.push(vec![
                    some(id),
                    some(&r.recommendation),
                    some(stance_sign(&r.stance)),
                    some(r.groups.join(", ")),
                    some(format!("{}/{}", r.support, r.groups_total)),
                    r.votes_total.map(|n| n.to_string()),
                    r.priority.clone(),
                    some(r.evidence_segments),
                    mark(r.has_owner),
                    mark(r.has_target),
                    mark(r.has_deadline),
                    yes(r.actionable),
                ]);
            }
            l
        }
        Table::Themes(t) => themes_listing(t),
        Table::Matrix(rows) => {
            let mut l = Listing::new(&[
                "code",
                "group",
                "segments",
                "participants",
                "participant_share",
                "segment_share",
                "negated",
            ]);
            for r in rows {
                l.rows.push(vec![
                    some(&r.code),
                    some(&r.group),
                    some(r.segments),
                    some(r.participants),
                    percent(r.participant_share),
                    percent(r.segment_share),
                    some(r.negated),
                ]);
            }
            l
        }
        Table::Convergence(rows) => {
            let mut l =
                Listing::new(&["code", "label", "k/n", "class", "raised by", "specific to"]);
            for r in rows {
                l.rows.push(vec![
                    some(&r.code),
                    some(&r.label),
                    some(format!("{}/{}", r.groups_raised, r.groups_total)),
                    some(&r.class),
                    some(r.raised_by.join(", ")),
                    r.specific_to.clone(),
                ]);
            }
            l
        }
        Table::Quotes(rows) => {
            let mut l = Listing::new(&[
                "code",
                "group",
                "rank",
                "participant",
                "source",
                "line or time",
                "quote",
            ]);
            for r in rows {
                let position = match (r.time_ms, r.line) {
                    (Some(ms), _) => Some(clock(ms)),
                    (None, Some(n)) => Some(format!("line {n}")),
                    _ => None,
                };
                l.rows.push(vec![
                    some(&r.code),
                    some(&r.group),
                    some(r.rank),
                    r.participant.clone(),
                    some(&r.source),
                    position,
                    some(&r.quote),
                ]);
            }
            l
        }
        Table::Methods(rows) => {
            let mut l = Listing::new(&[
                "method", "part", "rank", "item", "groups", "support", "votes", "notes",
            ]);
            for r in rows {
                l.rows.push(vec![
                    some(&r.method_label),
                    some(&r.part_label),
                    some(r.rank),
                    some(&r.item),
                    some(r.groups.join(", ")),
                    some(format!("{}/{}", r.support, r.groups_total)),
                    r.votes_total.map(|n| n.to_string()),
                    some(r.notes.join(", ")),
                ]);
            }
            l
        }
        Table::Tensions(rows) => {
            let mut l = Listing::new(&[
                "method",
                "theme",
                "code",
                "part",
                "groups",
                "opposite",
                "opposite groups",
            ]);
            for r in rows {
                l.rows.push(vec![
                    some(&r.method),
                    some(&r.label),
                    some(&r.code),
                    some(part_label(&r.method, &r.part_a)),
                    some(r.groups_a.join(", ")),
                    some(part_label(&r.method, &r.part_b)),
                    some(r.groups_b.join(", ")),
                ]);
            }
            l
        }
        Table::NonProposals(rows) => {
            let mut l = Listing::new(&["group", "reason", "text"]);
            for r in rows {
                l.rows
                    .push(vec![some(&r.group), some(&r.reason), some(&r.text)]);
            }
            l
        }
        Table::Sources(rows) => {
            let mut l = Listing::new(&["id", "kind", "format", "groups", "segments"]);
            for r in rows {
                l.rows.push(vec![
                    some(&r.id),
                    some(&r.kind),
                    some(&r.format),
                    some(r.groups.join(", ")),
                    some(r.segments),
                ]);
            }
            l
        }
    }
}

/// A part's name for people: its built-in label (`Strengths`), else the
/// part as stored.
pub(crate) fn part_label(method: &str, part: &str) -> String {
    crate::corpus::method::Method::builtin(method)
        .map_or_else(|| part.to_owned(), |m| m.part_label(part).to_owned())
}

/// A stance as people read it in a table: `for`, `against`, or `–`.
fn stance_sign(stance: &str) -> &str {
    match stance {
        "for" | "against" => stance,
        _ => "–",
    }
}

fn themes_listing(t: &Themes) -> Listing {
    let mut cols = vec!["code", "label", "k/n", "class"];
    cols.extend(t.groups.iter().map(String::as_str));
    let mut l = Listing::new(&cols);
    for r in &t.rows {
        let mut row = vec![
            some(&r.code),
            some(&r.label),
            some(format!("{}/{}", r.groups_raised, r.groups_total)),
            some(&r.class),
        ];
        let shares = if t.segment_shares {
            &r.segment_share
        } else {
            &r.participant_share
        };
        row.extend(
            t.groups
                .iter()
                .map(|g| percent(shares.get(g).copied().flatten())),
        );
        l.rows.push(row);
    }
    l
}

fn text(s: &str) -> Value {
    Value::Text(s.to_owned())
}

fn count(n: impl Into<i64>) -> Value {
    Value::Int(n.into())
}

fn count_u64(n: Option<u64>) -> Value {
    Value::int(n.and_then(|n| i64::try_from(n).ok()))
}

fn list(l: &[String]) -> Value {
    Value::List(l.to_vec())
}

/// The typed columns of spreadsheets, named as in the JSON report.
pub fn sheet(t: &Table) -> Sheet {
    use Unit::{Count, Flag, Share, Text};
    let col = |name: &str, unit| SheetColumn::new(name, unit);
    match t {
        Table::Recommendations(rows) => Sheet {
            columns: vec![
                col("rank", Count),
                col("id", Text),
                col("recommendation", Text),
                col("groups", Text),
                col("support", Count),
                col("groups_total", Count),
                col("votes_total", Count),
                col("priority", Text),
                col("priority_level", Count),
                col("stance", Text),
                col("codes", Text),
                col("evidence_segments", Count),
                col("has_owner", Flag),
                col("has_target", Flag),
                col("has_deadline", Flag),
                col("actionable", Flag),
                col("curated", Flag),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        count(r.rank),
                        text(&r.id),
                        text(&r.recommendation),
                        list(&r.groups),
                        count(r.support),
                        count(r.groups_total),
                        Value::int(r.votes_total),
                        Value::text(r.priority.as_deref()),
                        Value::int(r.priority_level.map(i64::from)),
                        text(&r.stance),
                        list(&r.codes),
                        count(r.evidence_segments),
                        Value::Bool(r.has_owner),
                        Value::Bool(r.has_target),
                        Value::Bool(r.has_deadline),
                        Value::Bool(r.actionable),
                        Value::Bool(r.curated),
                    ]
                })
                .collect(),
        },
        Table::Themes(t) => {
            let mut columns = vec![
                col("code", Text),
                col("label", Text),
                col("groups_raised", Count),
                col("groups_total", Count),
                col("class", Text),
            ];
            // The participant shares are headed by the group alone.
            columns.extend(t.groups.iter().map(|g| col(g, Share)));
            columns.extend(
                t.groups
                    .iter()
                    .map(|g| col(&format!("{g} (segment share)"), Share)),
            );
            let rows = t
                .rows
                .iter()
                .map(|r| {
                    let mut row = vec![
                        text(&r.code),
                        text(&r.label),
                        count(r.groups_raised),
                        count(r.groups_total),
                        text(&r.class),
                    ];
                    for shares in [&r.participant_share, &r.segment_share] {
                        row.extend(
                            t.groups
                                .iter()
                                .map(|g| Value::float(shares.get(g).copied().flatten())),
                        );
                    }
                    row
                })
                .collect();
            Sheet { columns, rows }
        }
        Table::Matrix(rows) => Sheet {
            columns: vec![
                col("code", Text),
                col("label", Text),
                col("group", Text),
                col("segments", Count),
                col("participants", Count),
                col("participant_share", Share),
                col("segment_share", Share),
                col("negated", Count),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        text(&r.code),
                        text(&r.label),
                        text(&r.group),
                        count(r.segments),
                        count(r.participants),
                        Value::float(r.participant_share),
                        Value::float(r.segment_share),
                        count(r.negated),
                    ]
                })
                .collect(),
        },
        Table::Convergence(rows) => Sheet {
            columns: vec![
                col("code", Text),
                col("label", Text),
                col("groups_raised", Count),
                col("groups_total", Count),
                col("class", Text),
                col("raised_by", Text),
                col("specific_to", Text),
                col("min_segments", Count),
                col("min_participants", Count),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        text(&r.code),
                        text(&r.label),
                        count(r.groups_raised),
                        count(r.groups_total),
                        text(&r.class),
                        list(&r.raised_by),
                        Value::text(r.specific_to.as_deref()),
                        count(r.min_segments),
                        count(r.min_participants),
                    ]
                })
                .collect(),
        },
        Table::Quotes(rows) => Sheet {
            columns: vec![
                col("code", Text),
                col("group", Text),
                col("rank", Count),
                col("participant", Text),
                col("source", Text),
                col("segment_id", Text),
                col("key", Text),
                col("line", Count),
                col("time_ms", Count),
                col("quote", Text),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        text(&r.code),
                        text(&r.group),
                        count(r.rank),
                        Value::text(r.participant.as_deref()),
                        text(&r.source),
                        text(&r.segment_id),
                        Value::text(r.key.as_deref()),
                        count_u64(r.line),
                        count_u64(r.time_ms),
                        text(&r.quote),
                    ]
                })
                .collect(),
        },
        Table::Methods(rows) => Sheet {
            columns: vec![
                col("method", Text),
                col("part", Text),
                col("part_order", Count),
                col("rank", Count),
                col("id", Text),
                col("item", Text),
                col("groups", Text),
                col("support", Count),
                col("groups_total", Count),
                col("votes_total", Count),
                col("codes", Text),
                col("notes", Text),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        text(&r.method),
                        text(&r.part),
                        count(r.part_order),
                        count(r.rank),
                        text(&r.id),
                        text(&r.item),
                        list(&r.groups),
                        count(r.support),
                        count(r.groups_total),
                        r.votes_total.map_or(Value::Null, Value::Int),
                        list(&r.codes),
                        list(&r.notes),
                    ]
                })
                .collect(),
        },
        Table::Tensions(rows) => Sheet {
            columns: vec![
                col("method", Text),
                col("code", Text),
                col("label", Text),
                col("part_a", Text),
                col("part_b", Text),
                col("groups_a", Text),
                col("groups_b", Text),
                col("notes_a", Text),
                col("notes_b", Text),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        text(&r.method),
                        text(&r.code),
                        text(&r.label),
                        text(&r.part_a),
                        text(&r.part_b),
                        list(&r.groups_a),
                        list(&r.groups_b),
                        list(&r.notes_a),
                        list(&r.notes_b),
                    ]
                })
                .collect(),
        },
        Table::NonProposals(rows) => Sheet {
            columns: vec![
                col("group", Text),
                col("text", Text),
                col("reason", Text),
                col("segment_id", Text),
                col("member_id", Text),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        text(&r.group),
                        text(&r.text),
                        text(&r.reason),
                        text(&r.segment_id),
                        text(&r.member_id),
                    ]
                })
                .collect(),
        },
        Table::Sources(rows) => Sheet {
            columns: vec![
                col("id", Text),
                col("kind", Text),
                col("format", Text),
                col("groups", Text),
                col("segments", Count),
            ],
            rows: rows
                .iter()
                .map(|r| {
                    vec![
                        text(&r.id),
                        text(&r.kind),
                        text(&r.format),
                        list(&r.groups),
                        count(r.segments),
                    ]
                })
                .collect(),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clock_reads_minutes_and_hours() {
        assert_eq!(clock(62_000), "1:02");
        assert_eq!(clock(3_723_000), "1:02:03");
    }
}
