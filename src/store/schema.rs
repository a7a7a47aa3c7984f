//! Every table of the workspace, documented in one place: its file, what a
//! row is, and each column's name, type and meaning. `docs/workspace.md` is
//! rendered from here ([`page`]), and the tests hold both the page and the
//! files a run writes to it.

use polars::prelude::DataType;

use crate::rows::{ColumnDoc, Rows};
use crate::synthesis::convergence::ConvergenceRow;
use crate::synthesis::cooccurrence::CooccurrenceRow;
use crate::synthesis::divergence::DivergenceRow;
use crate::synthesis::matrix::MatrixRow;
use crate::synthesis::methods::{MethodItemRow, MethodMemberRow, TensionRow};
use crate::synthesis::quotes::QuoteRow;
use crate::synthesis::recommendations::{
    EvidenceRow, MemberRow, NonProposalRow, RecommendationRow,
};

/// One table of the workspace.
#[derive(Debug, Clone, PartialEq)]
pub struct TableDoc {
    /// The file, relative to the study directory.
    pub path: &'static str,
    /// What one row is.
    pub row: &'static str,
    /// Its columns, in file order.
    pub columns: Vec<ColumnDoc>,
}

fn col(name: &'static str, dtype: DataType, doc: &str) -> ColumnDoc {
    ColumnDoc {
        name,
        dtype,
        doc: doc.to_owned(),
    }
}

fn list_of_str() -> DataType {
    DataType::List(Box::new(DataType::String))
}

/// Every table, in the order of the page.
pub fn tables() -> Vec<TableDoc> {
    use DataType::{Boolean, Int64, String as Str, UInt32, UInt64};
    vec![
        TableDoc {
            path: super::workspace::SOURCES,
            row: "an imported file (a source), in manifest order",
            columns: vec![
                col("source_id", Str, "Stable id, also in study.toml."),
                col("path", Str, "The file, relative to the study directory."),
                col("kind", Str, "transcript or grid."),
                col(
                    "format",
                    Str,
                    "The format that was read: txt, vtt, srt, docx, csv, xlsx, ods.",
                ),
                col(
                    "groups",
                    list_of_str(),
                    "The groups of its segments, sorted.",
                ),
                col(
                    "session",
                    Str,
                    "The session (meeting) it records, when given.",
                ),
                col("lang", Str, "Language code of its text (fr, en…)."),
                col(
                    "encoding",
                    Str,
                    "The text encoding detected, for text formats.",
                ),
                col(
                    "hash",
                    Str,
                    "sha256: and the hex digest of the file's bytes.",
                ),
                col("segments", UInt32, "Segments it gave."),
            ],
        },
        TableDoc {
            path: super::workspace::PARTICIPANTS,
            row: "a participant of a group, sorted by id",
            columns: vec![
                col("participant_id", Str, "group-slug/name-slug."),
                col("group", Str, "The group the participant spoke in."),
                col(
                    "name",
                    Str,
                    "The name shown in outputs: the pseudonym where pseudonymised.",
                ),
                col("pseudonymized", Boolean, "Whether name is a pseudonym."),
                col(
                    "role",
                    Str,
                    "participant, interviewer or facilitator: interviewers and facilitators are left out of shares and quotes unless [synthesis] include_roles says otherwise.",
                ),
                col(
                    "attributes",
                    Str,
                    "Attributes from grids (role, status…), as a JSON object with sorted keys.",
                ),
                col(
                    "sources",
                    list_of_str(),
                    "The sources the participant appears in, sorted.",
                ),
            ],
        },
        TableDoc {
            path: super::workspace::SEGMENTS,
            row: "a segment (the unit of coding), by source in manifest order, then position",
            columns: vec![
                col(
                    "segment_id",
                    Str,
                    "source_id:position, stable across rebuilds.",
                ),
                col("source_id", Str, "The source it comes from."),
                col("group", Str, "The group it belongs to."),
                col("session", Str, "The session it comes from, when known."),
                col("participant_id", Str, "Who said or wrote it, when known."),
                col("position", UInt32, "1-based order within its source."),
                col(
                    "key",
                    Str,
                    "The row or turn id from the source's id column (--id-column), when it has one.",
                ),
                col(
                    "line",
                    UInt64,
                    "1-based line (or spreadsheet row) in the source file.",
                ),
                col(
                    "time_ms",
                    UInt64,
                    "Start time in milliseconds (subtitles, timestamped transcripts).",
                ),
                col(
                    "kind",
                    Str,
                    "turn, paragraph, observation, recommendation or note.",
                ),
                col(
                    "question",
                    Str,
                    "The grid question (column header) it answers.",
                ),
                col("lang", Str, "Language code of its source."),
                col("text", Str, "The text (pseudonymised where the source is)."),
                col("votes", Int64, "Votes (recommendations, notes)."),
                col("priority", Str, "Priority as written."),
                col("owner", Str, "Owner as written."),
                col("deadline", Str, "Deadline as written."),
                col("indicator", Str, "Indicator as written."),
                col(
                    "attributes",
                    Str,
                    "Other columns of its row (frame, colour…), as a JSON object with sorted keys.",
                ),
                col(
                    "method",
                    Str,
                    "The workshop method its source is declared as (swot, empathy, journey, brainstorm, or the study's own), when it is one.",
                ),
                col(
                    "part",
                    Str,
                    "The part of the method it sits in, from its column, sheet or frame: strengths, weaknesses… (swot), says, pains… (empathy), the stage or cluster as written (journey, brainstorm).",
                ),
            ],
        },
        TableDoc {
            path: super::codings::CODINGS,
            row: "a code applied to one span of a segment (parents are not in it: they aggregate their children)",
            columns: vec![
                col("segment_id", Str, "The segment."),
                col("code", Str, "The code applied."),
                col(
                    "start",
                    UInt32,
                    "Start of the span, in code points of the segment's text.",
                ),
                col(
                    "end",
                    UInt32,
                    "End of the span, in code points (exclusive).",
                ),
                col("matched", Str, "The text the rule matched."),
                col(
                    "rule",
                    Str,
                    "The rule that matched, as written in the codebook.",
                ),
                col("negated", Boolean, "A negator stands before the match."),
            ],
        },
        TableDoc {
            path: super::codings::CODES,
            row: "a code of the codebook, in codebook order",
            columns: vec![
                col("code_id", Str, "The code id."),
                col("label", Str, "Its label."),
                col("parent_id", Str, "Its parent, empty for a top-level code."),
                col("depth", UInt32, "0 for a top-level code."),
            ],
        },
        rows_doc::<super::human::HumanCodingRow>(
            super::human::HUMAN_CODINGS,
            "a code a human coder applied to a segment, or a segment the coder read and left uncoded (code empty); written by `import codes`",
        ),
        rows_doc::<MatrixRow>(
            "data/synthesis/matrix.parquet",
            "a code in a group (the framework-method chart), codes in codebook order then groups by name",
        ),
        rows_doc::<ConvergenceRow>(
            "data/synthesis/convergence.parquet",
            "a code, in codebook order",
        ),
        rows_doc::<CooccurrenceRow>(
            "data/synthesis/cooccurrence.parquet",
            "a pair of codes applied to common segments, over the study (all) or in a group",
        ),
        rows_doc::<DivergenceRow>("data/synthesis/divergence.parquet", "a code in a group"),
        rows_doc::<QuoteRow>(
            "data/synthesis/quotes.parquet",
            "one of the best quotes of a code in a group",
        ),
        rows_doc::<RecommendationRow>(
            "data/synthesis/recommendations.parquet",
            "a merged recommendation, in rank order",
        ),
        rows_doc::<MemberRow>(
            "data/synthesis/recommendation_members.parquet",
            "an original recommendation and the merged one it belongs to",
        ),
        rows_doc::<EvidenceRow>(
            "data/synthesis/recommendation_evidence.parquet",
            "a quote behind a merged recommendation",
        ),
        rows_doc::<NonProposalRow>(
            "data/synthesis/non_proposals.parquet",
            "an item of a recommendations column that proposes nothing",
        ),
        rows_doc::<MethodItemRow>(
            "data/synthesis/method_items.parquet",
            "an item of a part of a workshop method (a SWOT quadrant, an area of an empathy map), its notes merged across groups; by method, part, then rank",
        ),
        rows_doc::<MethodMemberRow>(
            "data/synthesis/method_members.parquet",
            "a note of a workshop method and the item it belongs to",
        ),
        rows_doc::<TensionRow>(
            "data/synthesis/method_tensions.parquet",
            "a theme placed in opposite parts of a method (strengths and weaknesses, pains and gains) by different groups",
        ),
    ]
}

fn rows_doc<T: Rows>(path: &'static str, row: &'static str) -> TableDoc {
    TableDoc {
        path,
        row,
        columns: T::schema(),
    }
}

/// A type as the page names it: `string`, `uint32`, `list<string>`,
/// `list<struct<group: string, votes: int64>>`…
pub fn type_name(dt: &DataType) -> String {
    match dt {
        DataType::String => "string".to_owned(),
        DataType::Boolean => "bool".to_owned(),
        DataType::UInt32 => "uint32".to_owned(),
        DataType::UInt64 => "uint64".to_owned(),
        DataType::Int64 => "int64".to_owned(),
        DataType::Float64 => "float64".to_owned(),
        DataType::List(inner) => format!("list<{}>", type_name(inner)),
        DataType::Struct(fields) => format!(
            "struct<{}>",
            fields
                .iter()
                .map(|f| format!("{}: {}", f.name(), type_name(f.dtype())))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        other => other.to_string(),
    }
}

/// `docs/workspace.md`: every table with its columns.
pub fn page() -> String {
    let mut out = String::from(
        "# The study workspace\n\n\
         <!-- Rendered from src/store/schema.rs; `cargo test` checks this page and the files a run writes. -->\n\n\
         A study is a directory: `study.toml` (the manifest, for people), Parquet\n\
         tables under `data/` that polars, pandas, DuckDB and R read directly with\n\
         their types (lists are Parquet lists, maps lists of structs), and\n\
         `private/pseudonyms.csv` (the pseudonym key, readable by its owner alone).\n\
         `data/coding.json` records what the codings were made with, and\n\
         `data/run.json` what `qualsynth run` last built. Empty cells are nulls.\n",
    );
    for t in tables() {
        out.push_str(&format!("\n## `{}`\n\nEach row is {}.\n\n", t.path, t.row));
        out.push_str("| column | type | meaning |\n|---|---|---|\n");
        for c in &t.columns {
            out.push_str(&format!(
                "| `{}` | `{}` | {} |\n",
                c.name,
                type_name(&c.dtype),
                c.doc.replace('|', "\\|")
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::codings::{codes_frame, codings_frame};
    use crate::store::tables::{participants_frame, segments_frame, sources_frame};

    fn schema(df: &polars::prelude::DataFrame) -> Vec<(String, String)> {
        df.columns()
            .iter()
            .map(|c| (c.name().to_string(), type_name(c.dtype())))
            .collect()
    }

    fn documented(path: &str) -> Vec<(String, String)> {
        tables()
            .into_iter()
            .find(|t| t.path == path)
            .unwrap()
            .columns
            .iter()
            .map(|c| (c.name.to_owned(), type_name(&c.dtype)))
            .collect()
    }

    #[test]
    fn hand_built_frames_match_their_documentation() {
        use crate::store::codings::{CODES, CODINGS};
        use crate::store::workspace::{PARTICIPANTS, SEGMENTS, SOURCES};
        assert_eq!(schema(&sources_frame(&[]).unwrap()), documented(SOURCES));
        assert_eq!(
            schema(&participants_frame(&[]).unwrap()),
            documented(PARTICIPANTS)
        );
        assert_eq!(schema(&segments_frame(&[]).unwrap()), documented(SEGMENTS));
        assert_eq!(
            schema(&codings_frame(&[], &[]).unwrap()),
            documented(CODINGS)
        );
        assert_eq!(schema(&codes_frame(&[]).unwrap()), documented(CODES));
    }

    #[test]
    fn types_read_as_people_know_them() {
        assert_eq!(
            type_name(&crate::synthesis::recommendations::RecommendationRow::schema()[7].dtype),
            "list<struct<group: string, votes: int64>>"
        );
    }
}
