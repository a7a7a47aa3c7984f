//! `qualsynth import transcript|grid FILE…`: all files or none.

use crate::cli::{CommonImport, GridArgs, TranscriptArgs};
use crate::corpus::spec::{ColumnSpec, SourceSpec};
use crate::pipeline::import::{Mode, describe, import_files};
use crate::pipeline::{Feedback, Study};

/// Imports transcripts.
pub fn transcripts(a: TranscriptArgs, fb: &dyn Feedback) -> anyhow::Result<()> {
    let format = value_name(&a.format);
    let spec = SourceSpec {
        kind: "transcript".into(),
        group: Some(a.group),
        format: (format != "auto").then_some(format),
        speaker_column: a.speaker_column,
        text_column: a.text_column,
        id_column: a.id_column,
        ..common_spec(&a.common)
    };
    import_all(&a.common, &a.files, &spec, fb)
}

/// Imports grids.
pub fn grids(a: GridArgs, fb: &dyn Feedback) -> anyhow::Result<()> {
    let format = value_name(&a.format);
    let spec = SourceSpec {
        kind: "grid".into(),
        group: a.group,
        group_column: a.group_column,
        format: (format != "auto").then_some(format),
        delimiter: a.delimiter,
        sheet: a.sheet,
        grid_kind: Some(value_name(&a.kind)),
        method: a.method,
        text_columns: a.text_columns,
        participant_column: a.participant_column,
        id_column: a.id_column,
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
    import_all(&a.common, &a.files, &spec, fb)
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
        roles: c.roles.iter().cloned().collect(),
        role_column: c.role_column.clone(),
        ..Default::default()
    }
}

fn import_all(
    c: &CommonImport,
    files: &[std::path::PathBuf],
    spec: &SourceSpec,
    fb: &dyn Feedback,
) -> anyhow::Result<()> {
    let mode = match (c.replace, c.add) {
        (true, _) => Mode::Replace,
        (_, true) => Mode::Add,
        _ => Mode::Once,
    };
    let mut study = Study::open_for_import(&c.study.study)?;
    for (file, outcome) in import_files(&mut study, files, spec, mode)? {
        fb.info(&describe(&file, &outcome));
    }
    Ok(())
}

/// Imports a REFI-QDA project: texts, cases and codings.
pub fn qdpx(a: crate::cli::QdpxImportArgs, fb: &dyn Feedback) -> anyhow::Result<()> {
    let spec = SourceSpec {
        kind: "transcript".into(),
        group: Some(a.group),
        format: Some("qdpx".into()),
        ..common_spec(&a.common)
    };
    let mode = match (a.common.replace, a.common.add) {
        (true, _) => Mode::Replace,
        (_, true) => Mode::Add,
        _ => Mode::Once,
    };
    let mut study = Study::open_for_import(&a.common.study.study)?;
    let r = crate::pipeline::refi::import_qdpx(&mut study, &a.file, &spec, mode)?;
    fb.info(&r.import);
    if let Some(cb) = &r.codebook {
        fb.info(&format!("the project's codebook is now the study's: {cb}"));
    }
    for (coder, n) in &r.coders {
        fb.info(&format!("coder {coder}: {n} codings"));
    }
    for w in &r.warnings {
        fb.warn(w);
    }
    Ok(())
}
