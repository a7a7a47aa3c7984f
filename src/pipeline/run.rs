//! The batch: the whole pipeline from study.toml alone. It imports every
//! source, codes the segments with the manifest's codebook, synthesises
//! across groups and writes the report files `[report]` asks for. A stage
//! whose inputs are unchanged since the last run (`data/run.json`) is
//! skipped, so a re-run with nothing changed redoes nothing and leaves
//! every file as it was.

use std::collections::BTreeMap;
use std::path::Path;

use super::report::{self as report_stage, Format};
use super::{Feedback, Study, code, fresh, import, synthesize};
use crate::render::report::{self, Filter, Kind, Table};
use crate::render::run::{RunSummary, Stage};
use crate::render::status::plural;
use crate::store::import::content_hash;
use crate::store::manifest::{OutputFormat, ReportConfig};
use crate::store::runstate::RunState;
use crate::store::summary::by_group;
use crate::store::workspace::{PARTICIPANTS, SEGMENTS, SOURCES};
use crate::synthesis::Synthesis;

/// Width of the tables in the report files that have a width (none today;
/// the terminal tables `run` prints take the caller's width).
const FILE_WIDTH: u16 = 100;

/// What a run did, for the caller to print.
#[derive(Debug)]
pub enum Ran {
    /// The study names no codebook: it was imported only.
    Imported {
        /// The study, for its status.
        study: Box<Study>,
    },
    /// Every stage ran or was current.
    Done {
        /// The board's table: the recommendations, or the themes when
        /// the study has none.
        board: Vec<Table>,
        /// Whether the board shows themes (no recommendations).
        themes: bool,
        /// The one-screen summary.
        summary: RunSummary,
    },
}

/// Runs every stage that is out of date: each stage is skipped when its
/// inputs are those of the last run (and its output is there).
pub fn run(dir: &Path, fb: &dyn Feedback) -> anyhow::Result<Ran> {
    // A run killed earlier may have left temporary files of its writes.
    let swept = crate::store::atomic::sweep_temporaries(dir);
    if swept > 0 {
        fb.note(&format!(
            "removed {swept} temporary file{} left by an interrupted run",
            if swept == 1 { "" } else { "s" }
        ));
    }
    let mut b = Batch {
        dir,
        state: RunState::read(dir)?,
        summary: RunSummary::default(),
        fb,
    };
    let (mut study, import_key) = b.import()?;
    if study.ws().manifest.manifest.codebook.is_none() {
        fb.note(
            "study.toml names no codebook, so the study is not coded; add `[codebook] path = \"…\"` to code, synthesise and report",
        );
        return Ok(Ran::Imported {
            study: Box::new(study),
        });
    }
    let prov = b.code(&mut study)?;
    let (loaded, synthesis_key) = b.synthesize(&study, &import_key, &prov)?;
    let built = b.reports(&study, &loaded, &synthesis_key)?;
    // The board's table: the recommendations, or the themes when the study
    // has none.
    let pick =
        |kind: Kind| -> Vec<Table> { built.iter().filter(|t| t.kind() == kind).cloned().collect() };
    let recs = pick(Kind::Recommendations);
    let themes = recs.iter().all(Table::is_empty);
    Ok(Ran::Done {
        board: if themes { pick(Kind::Themes) } else { recs },
        themes,
        summary: b.summary,
    })
}

/// A run in progress: what was last built, and what this run did so far.
struct Batch<'a> {
    dir: &'a Path,
    state: RunState,
    summary: RunSummary,
    fb: &'a dyn Feedback,
}

impl Batch<'_> {
    /// Import: the tables rebuilt from the manifest unless the sources and
    /// their settings are as last run. Returns the study and the digest of
    /// its import.
    fn import(&mut self) -> anyhow::Result<(Study, String)> {
        let dir = self.dir;
        let mut study = Study::open_manifest(dir)?;
        self.summary.title = study.title().to_owned();
        let key = fresh::import_digest(&study)?;
        let there = [SOURCES, PARTICIPANTS, SEGMENTS]
            .iter()
            .all(|t| dir.join(t).is_file());
        let ran = self.state.import.as_deref() != Some(key.as_str()) || !there;
        if ran {
            import::rebuild(&mut study, self.fb)?;
            self.state.import = Some(key.clone());
            self.state.write(dir)?;
        }
        // The import wrote the segments without holding them: read them.
        study = Study::open(dir)?;
        let (groups, total) = by_group(&study.ws().tables)?;
        self.summary.groups = groups.into_iter().map(|g| g.group).collect();
        self.summary.stages.push(Stage {
            name: "import",
            detail: format!(
                "{}, {}, {}",
                plural(total.sources, "source"),
                plural(total.participants, "participant"),
                plural(total.segments, "segment")
            ),
            ran,
        });
        Ok((study, key))
    }

    /// Coding: skipped when the codings were made with this codebook on
    /// these segments. Returns their provenance.
    fn code(&mut self, study: &mut Study) -> anyhow::Result<crate::store::codings::Provenance> {
        let ran = !matches!(fresh::coding_state(study)?, fresh::CodingState::Current(_));
        if ran {
            code::code_study(study, None, self.fb)?;
        }
        let prov = fresh::require_current(study)?;
        self.summary.stages.push(Stage {
            name: "coding",
            detail: coding_detail(study)?,
            ran,
        });
        Ok(prov)
    }

    /// Synthesis: skipped when the codings and the settings are as last
    /// run. Returns the tables and the digest of their inputs.
    fn synthesize(
        &mut self,
        study: &Study,
        import_key: &str,
        prov: &crate::store::codings::Provenance,
    ) -> anyhow::Result<(report_stage::Loaded, String)> {
        let key = fresh::synthesis_digest(study, import_key, prov)?;
        let ran =
            self.state.synthesis.as_deref() != Some(key.as_str()) || !study.ws().has_synthesis();
        let loaded = if ran {
            self.fb.start("synthesising across groups", None);
            let s = synthesize::synthesize(study);
            self.fb.finish();
            let loaded = report_stage::Loaded {
                synthesis: s?,
                sources: study.ws().tables.sources.clone(),
            };
            self.state.synthesis = Some(key.clone());
            self.state.write(self.dir)?;
            loaded
        } else {
            report_stage::load_current(study)?
        };
        self.summary.stages.push(Stage {
            name: "synthesis",
            detail: synthesis_detail(&loaded.synthesis),
            ran,
        });
        Ok((loaded, key))
    }

    /// Reports: a file is rewritten when the synthesis or the report
    /// settings changed, or when it is missing or was edited. Returns the
    /// report's tables.
    fn reports(
        &mut self,
        study: &Study,
        loaded: &report_stage::Loaded,
        synthesis_key: &str,
    ) -> anyhow::Result<Vec<Table>> {
        let cfg = study.ws().manifest.manifest.report.clone();
        let key = fresh::reports_digest(study, synthesis_key)?;
        let built = loaded.build(&Kind::ALL, &Filter::default());
        self.fb.start("writing reports", None);
        let written = write_reports(study, &built, &cfg, &key, &mut self.state);
        self.fb.finish();
        let (files, any_written) = written?;
        self.summary.files = files;
        self.summary.files_written = any_written;
        self.summary.note =
            crate::render::status::left_out_note(&super::synthesize::left_out(study)?);
        self.state.reports = Some(key);
        self.state.write(self.dir)?;
        Ok(built)
    }
}

/// Writes the report files that are missing, edited or out of date;
/// returns every file (relative to the study) and whether any was written.
fn write_reports(
    study: &Study,
    built: &[Table],
    cfg: &ReportConfig,
    key: &str,
    state: &mut RunState,
) -> anyhow::Result<(Vec<String>, bool)> {
    let mut outputs = BTreeMap::new();
    let (mut files, mut written) = (Vec::new(), false);
    for (rel, format, kind) in planned(cfg) {
        let path = study.dir().join(&rel);
        let current = match std::fs::read(&path) {
            Ok(b) => Some(content_hash(&b)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
            Err(e) => return Err(crate::store::StoreError::io(&path, "read", e).into()),
        };
        let unchanged = state.reports.as_deref() == Some(key)
            && current.is_some()
            && current.as_ref() == state.outputs.get(&rel);
        let hash = match (unchanged, current) {
            (true, Some(hash)) => hash,
            _ => {
                let chosen: Vec<Table> = built
                    .iter()
                    .filter(|t| kind.is_none_or(|k| t.kind() == k))
                    .cloned()
                    .collect();
                let bytes = report_stage::render(study, format, &chosen, None, FILE_WIDTH, false)?;
                report_stage::write_file(&path, &bytes)?;
                written = true;
                content_hash(&bytes)
            }
        };
        files.push(rel.clone());
        outputs.insert(rel, hash);
    }
    state.outputs = outputs;
    Ok((files, written))
}

/// `13 of 15 codes applied, 361 codings`: a parent code counts as applied
/// when one of its descendants is (parents aggregate their children and
/// often have no rule of their own).
fn coding_detail(study: &Study) -> anyhow::Result<String> {
    use crate::store::codings::{CODES, CODINGS};
    let ws = study.ws();
    let codings = ws.coding_columns(CODINGS, &["code"])?.unwrap_or_default();
    let codes = ws
        .coding_columns(CODES, &["code_id", "parent_id"])?
        .unwrap_or_default();
    let mut applied: std::collections::HashSet<String> = std::collections::HashSet::new();
    if codings.height() > 0 {
        for c in codings.column("code")?.str()?.iter().flatten() {
            if !applied.contains(c) {
                applied.insert(c.to_owned());
            }
        }
    }
    if codes.height() > 0 {
        let ids = codes.column("code_id")?.str()?;
        let parents = codes.column("parent_id")?.str()?;
        let parent: std::collections::HashMap<&str, &str> = ids
            .iter()
            .zip(parents.iter())
            .filter_map(|(c, p)| Some((c?, p?)))
            .collect();
        let leaves: Vec<String> = applied.iter().cloned().collect();
        for leaf in &leaves {
            let mut at = leaf.as_str();
            // Bounded: a malformed table with a cycle cannot loop.
            for _ in 0..parent.len() {
                let Some(p) = parent.get(at) else { break };
                applied.insert((*p).to_owned());
                at = p;
            }
        }
    }
    Ok(format!(
        "{} of {} applied, {}",
        applied.len(),
        plural(codes.height(), "code"),
        plural(codings.height(), "coding")
    ))
}

/// `16 recommendations merged into 14 (2 backed by several groups); groups
/// diverge on …`.
fn synthesis_detail(s: &Synthesis) -> String {
    let shared = s.recommendations.iter().filter(|r| r.support > 1).count();
    let mut diverging: Vec<&str> = Vec::new();
    for d in s.divergence.iter().filter(|d| d.diverges) {
        if !diverging.contains(&d.code.as_str()) {
            diverging.push(&d.code);
        }
    }
    // The members table may not be read (a report reads only the
    // members it details): each merged recommendation counts its own.
    let members: usize = s.recommendations.iter().map(|r| r.members as usize).sum();
    let mut out = if members == 0 {
        "no recommendations".to_owned()
    } else {
        format!(
            "{} merged into {} ({} backed by several groups)",
            plural(members, "recommendation"),
            s.recommendations.len(),
            shared
        )
    };
    if !diverging.is_empty() {
        out.push_str(&format!("; groups diverge on {}", diverging.join(", ")));
    }
    let mut methods: Vec<&str> = Vec::new();
    for i in &s.method_items {
        if !methods.contains(&i.method_label.as_str()) {
            methods.push(&i.method_label);
        }
    }
    if !methods.is_empty() {
        out.push_str(&format!(
            "; {}: {}, {}",
            methods.join(", "),
            plural(s.method_items.len(), "item"),
            plural(s.tensions.len(), "tension")
        ));
    }
    out
}

/// The files `[report]` asks for: path relative to the study, format, and
/// the one table of a CSV file.
fn planned(cfg: &ReportConfig) -> Vec<(String, Format, Option<Kind>)> {
    let dir = cfg.dir.trim_end_matches('/');
    let mut out = Vec::new();
    for f in &cfg.formats {
        let one = |ext: &str, format| (format!("{dir}/{}.{ext}", cfg.name), format, None);
        match f {
            OutputFormat::Html => out.push(one("html", Format::Html)),
            OutputFormat::Xlsx => out.push(one("xlsx", Format::Xlsx)),
            OutputFormat::Markdown => out.push(one("md", Format::Markdown)),
            OutputFormat::Json => out.push(one("json", Format::Json)),
            OutputFormat::Csv => out.extend(Kind::ALL.iter().map(|k| {
                (
                    format!("{dir}/{}-{}.csv", cfg.name, k.name()),
                    Format::Csv,
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

/// The board's table as the terminal shows it, with its heading: its
/// first `limit` rows (and the count of the others).
pub fn board_text(board: &[Table], themes: bool, width: u16, colour: bool, limit: usize) -> String {
    let mut out = String::new();
    if themes {
        out.push_str(
            "No recommendations in this study (import a grid with --kind recommendations).\nThemes across groups, with the share of each group that raised them\n",
        );
    } else {
        out.push_str("Recommendations, ranked by support across groups\n");
    }
    let mut shown: Vec<Table> = board.to_vec();
    let mut hidden = 0;
    for t in &mut shown {
        hidden += t.len().saturating_sub(limit);
        t.truncate(limit);
    }
    out.push_str(&report::to_table(&shown, width, colour));
    if hidden > 0 {
        let (what, table) = if themes {
            ("themes", "themes")
        } else {
            ("merged recommendations", "recommendations")
        };
        out.push_str(&format!(
            "… and {hidden} more {what} (all of them: --all, or qualsynth report --table {table}; the reports hold every one)\n"
        ));
    }
    out
}
