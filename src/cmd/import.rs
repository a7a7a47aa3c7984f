//! `qualsynth import transcript|grid FILE…`: all files or none.

use std::path::PathBuf;

use crate::cli::{CommonImport, GridArgs, TranscriptArgs};
use crate::corpus::spec::{ColumnSpec, SourceSpec};
use crate::store::Workspace;
use crate::store::import::{Mode, Outcome, import_file};

/// Imports transcripts.
pub fn transcripts(a: TranscriptArgs) -> anyhow::Result<()> {
    let format = value_name(&a.format);
    let spec = SourceSpec {
        kind: "transcript".into(),
        group: Some(a.group),
        format: (format != "auto").then_some(format),
        speaker_column: a.speaker_column,
        text_column: a.text_column,
        ..common_spec(&a.common)
    };
    import_all(&a.common, a.files, spec)
}

/// Imports grids.
pub fn grids(a: GridArgs) -> anyhow::Result<()> {
    let format = value_name(&a.format);
    let spec = SourceSpec {
        kind: "grid".into(),
        group: a.group,
        group_column: a.group_column,
        format: (format != "auto").then_some(format),
        delimiter: a.delimiter,
        sheet: a.sheet,
        grid_kind: Some(value_name(&a.kind)),
        text_columns: a.text_columns,
        participant_column: a.participant_column,
        split_items: a.split_items,
        columns: ColumnSpec {
            votes: a.votes_column,
            priority: a.priority_column,
            owner: a.owner_column,
            deadline: a.deadline_column,
            indicator: a.indicator_column,
            frame: a.frame_column,
            colour: a.colour_column,
        },
        ..common_spec(&a.common)
    };
    import_all(&a.common, a.files, spec)
}

/// The name clap shows for a value (`auto`, `recommendations`…).
fn value_name(v: &impl clap::ValueEnum) -> String {
    v.to_possible_value()
        .map(|p| p.get_name().to_owned())
        .unwrap_or_default()
}

fn common_spec(c: &CommonImport) -> SourceSpec {
    SourceSpec {
        session: c.session.clone(),
        lang: c.lang.clone(),
        encoding: c.encoding.clone(),
        pseudonymize: c.pseudonymize,
        ..Default::default()
    }
}

fn import_all(c: &CommonImport, files: Vec<PathBuf>, spec: SourceSpec) -> anyhow::Result<()> {
    let mut ws = Workspace::open(&c.study.study)?;
    let mut changed = false;
    let mut notes = Vec::new();
    for file in files {
        let mode = if c.replace {
            Mode::Replace
        } else if c.add {
            Mode::Add
        } else {
            Mode::Once
        };
        let outcome = import_file(&mut ws, &file, spec.clone(), mode)?;
        let shown = file.display();
        notes.push(match outcome {
            Outcome::Imported { source_id, segments, participants } => {
                changed = true;
                format!("imported {shown} as {source_id}: {segments} segments, {participants} participants")
            }
            Outcome::Replaced { source_id, segments, participants } => {
                changed = true;
                format!("re-imported {shown} as {source_id}: {segments} segments, {participants} participants")
            }
            Outcome::Unchanged { source_id } => {
                format!("{shown} is already imported as {source_id}, unchanged; nothing to do")
            }
            Outcome::Duplicate { source_id, path } => {
                format!("{shown} has the same content as {path} (source {source_id}); skipped")
            }
        });
    }
    if changed {
        ws.save()?;
    }
    for n in notes {
        eprintln!("{n}");
    }
    Ok(())
}
