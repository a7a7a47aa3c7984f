//! `qualsynth run [DIR]`: the whole pipeline from study.toml alone. It
//! imports every source, codes the segments with the manifest's codebook,
//! synthesises across groups and writes the report files `[report]` asks
//! for; then it prints the board's recommendation table and a one-screen
//! summary. A stage whose inputs are unchanged since the last run
//! (`data/run.json`) is skipped, so a re-run with nothing changed redoes
//! nothing and leaves every file as it was.

use std::io::Write;
use std::path::{Path, PathBuf};

use anyhow::Context;
use indicatif::ProgressBar;

use crate::cli::{ListFormat, ReportFormat, RunArgs};
use crate::render::report::{Filter, Kind};
use crate::render::run::{RunSummary, Stage};
use crate::render::status::plural;
use crate::store::Workspace;
use crate::store::atomic::write_atomic;
use crate::store::codings::{CODES, CODINGS};
use crate::store::import::{content_hash, rebuild};
use crate::store::manifest::{OutputFormat, ReportConfig};
use crate::store::runstate::{RunState, digest};
use crate::store::summary::by_group;
use crate::store::workspace::{PARTICIPANTS, SEGMENTS, SOURCES};

use super::output;
use super::report::Loaded;

/// Width of the tables `run` prints when stdout is not a terminal.
const PIPE_WIDTH: u16 = 100;

/// Runs every stage that is out of date, then prints the summary.
pub fn run(a: RunArgs) -> anyhow::Result<()> {
    let dir = study_dir(&a.dir);
    let mut state = RunState::read(&dir);
    let mut ws = Workspace::open_manifest(&dir)?;
    let mut summary = RunSummary {
        title: ws.manifest.manifest.study.title.clone(),
        ..RunSummary::default()
    };

    // Import: skipped when the sources and their settings are as last run.
    let import_key = import_key(&ws)?;
    let tables_there = [SOURCES, PARTICIPANTS, SEGMENTS]
        .iter()
        .all(|t| dir.join(t).is_file());
    let imported = state.import.as_deref() != Some(import_key.as_str()) || !tables_there;
    if imported {
        import(&mut ws, a.quiet)?;
        state.import = Some(import_key.clone());
        state.write(&dir)?;
    } else {
        ws = Workspace::open(&dir)?;
    }
    let (groups, total) = by_group(&ws.tables)?;
    summary.groups = groups.into_iter().map(|g| g.group).collect();
    summary.stages.push(Stage {
        name: "import",
        detail: format!(
            "{}, {}, {}",
            plural(total.sources, "source"),
            plural(total.participants, "participant"),
            plural(total.segments, "segment")
        ),
        ran: imported,
    });

    if ws.manifest.manifest.codebook.is_none() {
        super::status::print(&ws, ListFormat::Table)?;
        eprintln!(
            "note: study.toml names no codebook, so the study is not coded; add `[codebook] path = \"…\"` to code, synthesise and report"
        );
        return Ok(());
    }

    // Coding: skipped when the codings were made with this codebook on
    // these segments.
    let coded = !coding_current(&ws);
    if coded {
        let path = super::code::codebook_path(&mut ws, None)?;
        let coder = super::code::compile(&path)?;
        super::code::code_study(&mut ws, &coder, &path, a.quiet)?;
    }
    let prov = ws
        .coding_provenance()
        .context("the coding provenance (data/coding.json) is missing after coding")?;
    summary.stages.push(Stage {
        name: "coding",
        detail: coding_detail(&ws)?,
        ran: coded,
    });

    // Synthesis: skipped when the codings and the settings are as last run.
    let config = serde_json::to_vec(&ws.manifest.manifest.synthesis)?;
    let synthesis_key = digest(&[
        import_key.as_bytes(),
        prov.codebook_hash.as_bytes(),
        prov.segments_hash.as_bytes(),
        &config,
    ]);
    let synthesis_there = crate::store::synthesis::TABLES.iter().all(|t| {
        dir.join(crate::store::synthesis::DIR)
            .join(format!("{t}.parquet"))
            .is_file()
    });
    let synthesised =
        state.synthesis.as_deref() != Some(synthesis_key.as_str()) || !synthesis_there;
    if synthesised {
        let bar = output::spinner(a.quiet, "synthesising across groups");
        super::synthesize::synthesize(&ws)?;
        if let Some(b) = bar {
            b.finish_and_clear();
        }
        state.synthesis = Some(synthesis_key.clone());
        state.write(&dir)?;
    }
    // The codings were found current (or made) above.
    let loaded = Loaded::read_current(&ws)?;
    summary.stages.push(Stage {
        name: "synthesis",
        detail: synthesis_detail(&ws, &loaded)?,
        ran: synthesised,
    });

    // Reports: a file is rewritten when the synthesis or the report
    // settings changed, or when it is missing or was edited.
    let cfg = ws.manifest.manifest.report.clone();
    let reports_key = digest(&[
        synthesis_key.as_bytes(),
        &serde_json::to_vec(&cfg)?,
        ws.manifest.manifest.study.title.as_bytes(),
    ]);
    let built = loaded.build(&Kind::ALL, &Filter::default())?;
    let bar = output::spinner(a.quiet, "writing reports");
    let mut outputs = std::collections::BTreeMap::new();
    for (rel, format, kind) in planned(&cfg) {
        let path = dir.join(&rel);
        let current = std::fs::read(&path).ok().map(|b| content_hash(&b));
        let recorded = state.outputs.get(&rel);
        let hash = if state.reports.as_deref() == Some(reports_key.as_str())
            && current.is_some()
            && current.as_ref() == recorded
        {
            current.unwrap_or_default()
        } else {
            let chosen: Vec<_> = built
                .iter()
                .filter(|b| kind.is_none_or(|k| b.kind == k))
                .cloned()
                .collect();
            let bytes = super::report::render(&ws, &loaded, format, &chosen, PIPE_WIDTH, false)?;
            write_atomic(&path, &bytes)
                .with_context(|| format!("cannot write {}", path.display()))?;
            summary.files_written = true;
            content_hash(&bytes)
        };
        summary.files.push(rel.clone());
        outputs.insert(rel, hash);
    }
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    state.reports = Some(reports_key);
    state.outputs = outputs;
    state.write(&dir)?;

    // The board's table, then the summary.
    let (width, colour) = if std::io::IsTerminal::is_terminal(&std::io::stdout()) {
        (output::width(), output::colour())
    } else {
        (PIPE_WIDTH, false)
    };
    // Without recommendations, the themes are what the board reads.
    let pick =
        |kind: Kind| -> Vec<_> { built.iter().filter(|b| b.kind == kind).cloned().collect() };
    let recs = pick(Kind::Recommendations);
    let mut out = std::io::stdout().lock();
    if recs.iter().all(|b| b.rows.is_empty()) {
        writeln!(
            out,
            "No recommendations in this study (import a grid with --kind recommendations).\nThemes across groups, with the share of each group that raised them"
        )?;
        out.write_all(
            crate::render::report::to_table(&pick(Kind::Themes), width, colour).as_bytes(),
        )?;
    } else {
        writeln!(out, "Recommendations, ranked by support across groups")?;
        out.write_all(crate::render::report::to_table(&recs, width, colour).as_bytes())?;
    }
    writeln!(out)?;
    out.write_all(crate::render::run::render(&summary).as_bytes())?;
    Ok(())
}

/// The study directory: `DIR`, or the folder of `DIR/study.toml`.
fn study_dir(given: &Path) -> PathBuf {
    let dir = if given.is_file() {
        given.parent().map(PathBuf::from).unwrap_or_default()
    } else {
        given.to_owned()
    };
    if dir.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        dir
    }
}

/// A digest of everything an import reads: the sources' settings, their
/// current contents, the study's language and the pseudonym key.
fn import_key(ws: &Workspace) -> anyhow::Result<String> {
    let m = &ws.manifest.manifest;
    let mut parts: Vec<Vec<u8>> = vec![m.study.lang.clone().into_bytes()];
    for (i, spec) in m.sources.iter().enumerate() {
        let mut spec = spec.clone();
        spec.hash = None;
        parts.push(serde_json::to_vec(&spec)?);
        let path = ws.dir.join(&spec.path);
        let bytes = std::fs::read(&path).with_context(|| {
            format!(
                "cannot read {} (source {} of study.toml)",
                path.display(),
                i + 1
            )
        })?;
        parts.push(content_hash(&bytes).into_bytes());
    }
    parts.push(std::fs::read(ws.dir.join(crate::store::workspace::KEY)).unwrap_or_default());
    let refs: Vec<&[u8]> = parts.iter().map(Vec::as_slice).collect();
    Ok(digest(&refs))
}

/// Rebuilds the tables from the manifest and saves them.
fn import(ws: &mut Workspace, quiet: bool) -> anyhow::Result<()> {
    let bar = output::progress_allowed(quiet).then(|| {
        let b = ProgressBar::new(ws.manifest.manifest.sources.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template("{prefix:>8} [{bar:30}] {pos}/{len} {msg}")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
        );
        b.set_prefix("import");
        b
    });
    let rebuilt = rebuild(ws, &mut |done, _total, path| {
        if let Some(b) = &bar {
            b.set_position(done as u64);
            b.set_message(path.to_owned());
        }
    })?;
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    for path in &rebuilt.changed {
        eprintln!(
            "note: {path} changed since it was recorded; study.toml now records its new hash"
        );
    }
    ws.save()?;
    Ok(())
}

/// The codings exist and were made with the codebook as it is now, on the
/// segments as they are now.
fn coding_current(ws: &Workspace) -> bool {
    ws.dir.join(CODINGS).is_file()
        && ws.dir.join(CODES).is_file()
        && super::synthesize::check_fresh(ws).is_ok()
}

fn coding_detail(ws: &Workspace) -> anyhow::Result<String> {
    let codings = ws.coding_columns(CODINGS, &["code"])?.unwrap_or_default();
    let codes = ws.coding_columns(CODES, &["code_id"])?.unwrap_or_default();
    let applied = if codings.height() == 0 {
        0
    } else {
        codings.column("code")?.n_unique()?
    };
    Ok(format!(
        "{} of {} applied, {}",
        applied,
        plural(codes.height(), "code"),
        plural(codings.height(), "coding")
    ))
}

fn synthesis_detail(ws: &Workspace, loaded: &Loaded) -> anyhow::Result<String> {
    let (recs, members) = (&loaded.recs, &loaded.members);
    let divergence = ws.synthesis_table("divergence")?.unwrap_or_default();
    let shared = if recs.height() == 0 {
        0
    } else {
        recs.column("support")?
            .cast(&polars::prelude::DataType::UInt32)?
            .u32()?
            .iter()
            .filter(|s| s.is_some_and(|s| s > 1))
            .count()
    };
    let mut diverging: Vec<String> = Vec::new();
    if divergence.height() > 0 {
        let codes = divergence.column("code")?.str()?;
        let flags = divergence.column("diverges")?.bool()?;
        for (c, d) in codes.iter().zip(flags.iter()) {
            if let (Some(c), Some(true)) = (c, d)
                && !diverging.iter().any(|x| x == c)
            {
                diverging.push(c.to_owned());
            }
        }
    }
    let mut s = if members.height() == 0 {
        "no recommendations".to_owned()
    } else {
        format!(
            "{} merged into {} ({} backed by several groups)",
            plural(members.height(), "recommendation"),
            recs.height(),
            shared
        )
    };
    if !diverging.is_empty() {
        s.push_str(&format!("; groups diverge on {}", diverging.join(", ")));
    }
    Ok(s)
}

/// The files `[report]` asks for: path relative to the study, format, and
/// the one table of a CSV file.
fn planned(cfg: &ReportConfig) -> Vec<(String, ReportFormat, Option<Kind>)> {
    let dir = cfg.dir.trim_end_matches('/');
    let mut out = Vec::new();
    for f in &cfg.formats {
        let one = |ext: &str, format| (format!("{dir}/{}.{ext}", cfg.name), format, None);
        match f {
            OutputFormat::Html => out.push(one("html", ReportFormat::Html)),
            OutputFormat::Xlsx => out.push(one("xlsx", ReportFormat::Xlsx)),
            OutputFormat::Markdown => out.push(one("md", ReportFormat::Markdown)),
            OutputFormat::Json => out.push(one("json", ReportFormat::Json)),
            OutputFormat::Csv => out.extend(Kind::ALL.iter().map(|k| {
                (
                    format!("{dir}/{}-{}.csv", cfg.name, k.name()),
                    ReportFormat::Csv,
                    Some(*k),
                )
            })),
        }
    }
    // A format listed twice writes its file once.
    let mut seen = std::collections::HashSet::new();
    out.retain(|o| seen.insert(o.0.clone()));
    out
}
