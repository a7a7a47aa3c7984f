//! The coding stage: every segment of a study coded with its codebook
//! (codings, codes and provenance saved together, the codings of codes
//! limited to speaker roles kept for those roles only), one segment
//! explained, or a file coded to a writer without a study.

use std::collections::HashMap;
use std::fs::File;
use std::io::{BufReader, Write};
use std::path::{Path, PathBuf};

use anyhow::{Context, anyhow};
use rayon::prelude::*;

use super::{Feedback, PipelineError, Study, codebook, fresh};
use crate::agreement::units::{SegmentRef, Spread};
use crate::codebook::{Codebook, Semantics};
use crate::coding::documents::{
    Batch, Columns, Document, DocumentError, DocumentReader, InputFormat,
};
use crate::coding::tally::{CodeTally, tally};
use crate::coding::{Coder, Coding};
use crate::corpus::{Participant, Role};
use crate::render::codings::{TableFormat, coding_rows, codings_header, counts_header, counts_row};
use crate::store::codings::{self, Provenance};

/// The codebook of a study: `given` (then recorded in study.toml), else
/// the one study.toml names.
pub fn codebook_path(study: &mut Study, given: Option<&Path>) -> anyhow::Result<PathBuf> {
    let ws = study.ws_mut();
    match given {
        Some(p) => {
            let rel = crate::store::relative_path(&ws.dir, p);
            if ws.manifest.manifest.codebook.as_ref().map(|c| &c.path) != Some(&rel) {
                ws.manifest.set_codebook(&rel);
            }
            Ok(p.to_owned())
        }
        None => match &ws.manifest.manifest.codebook {
            Some(c) => Ok(ws.dir.join(&c.path)),
            None => Err(PipelineError::NoCodebook.into()),
        },
    }
}

/// What coding a study did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Coded {
    /// Segments coded.
    pub segments: usize,
    /// Codings made.
    pub codings: usize,
    /// Per-code totals, in codebook order.
    pub tallies: Vec<CodeTally>,
}

impl Coded {
    /// Codes that apply to at least one segment.
    pub fn applied(&self) -> usize {
        self.tallies.iter().filter(|t| t.codings > 0).count()
    }
}

/// The codes of a codebook limited to speaker roles (`roles = […]`) and
/// the role of each speaker of a study: what decides which codings of a
/// segment stand.
struct RoleLimits<'a> {
    /// Code id -> the roles its rules apply to, one bit per role; only the
    /// codes limited to some roles.
    codes: HashMap<&'a str, u8>,
    /// Participant id -> role.
    speakers: HashMap<&'a str, Role>,
}

/// The bit of a role in a [`RoleLimits`] mask.
fn role_bit(role: Role) -> u8 {
    1 << role as u8
}

impl<'a> RoleLimits<'a> {
    fn new(cb: &'a Codebook, participants: &'a [Participant]) -> Self {
        let codes: HashMap<&str, u8> = cb
            .codes
            .iter()
            .filter(|c| !c.roles.is_empty())
            .map(|c| {
                let mask = c.roles.iter().fold(0, |m, &r| m | role_bit(r));
                (c.id.as_str(), mask)
            })
            .collect();
        let speakers = if codes.is_empty() {
            HashMap::new()
        } else {
            participants
                .iter()
                .map(|p| (p.id.as_str(), p.role))
                .collect()
        };
        RoleLimits { codes, speakers }
    }

    /// Whether no code is limited to roles: every coding stands.
    fn is_empty(&self) -> bool {
        self.codes.is_empty()
    }

    /// The role of a segment's speaker (`participant_id`, "" when none):
    /// a segment without a known speaker counts as a participant's.
    fn role(&self, speaker: &str) -> Role {
        self.speakers.get(speaker).copied().unwrap_or_default()
    }

    /// Drops the codings of codes whose roles do not include the speaker's.
    fn retain(&self, speaker: &str, codings: &mut Vec<Coding>) {
        let bit = role_bit(self.role(speaker));
        codings.retain(|c| self.codes.get(c.code.as_str()).is_none_or(|m| m & bit != 0));
    }
}

/// The speaker (`participant_id`) of every segment, "" when none; every
/// segment speakerless when the table has no such column.
/// Adds, to each segment, the codes of the turns whose reach (`spread`)
/// covers it and that it does not have yet.
fn spread_codings(
    all: &mut [Vec<Coding>],
    t: &crate::store::tables::Tables,
    spread: Spread,
) -> anyhow::Result<()> {
    let ids = t.segment_strs("segment_id")?;
    let sources = t.segment_strs("source_id")?;
    let who = speakers(t)?;
    let refs: Vec<SegmentRef<'_>> = (0..ids.len())
        .map(|i| SegmentRef {
            id: ids[i],
            source: sources[i],
            key: None,
            line: None,
            participant: Some(who[i]).filter(|w| !w.is_empty()),
        })
        .collect();
    let leads_of: std::collections::HashSet<&str> = t
        .participants
        .iter()
        .filter(|p| p.role.leads())
        .map(|p| p.id.as_str())
        .collect();
    let leads: Vec<bool> = who.iter().map(|w| leads_of.contains(w)).collect();
    let mut names: Vec<String> = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    let mut applied = Vec::new();
    for (s, codings) in all.iter().enumerate() {
        for c in codings {
            let n = *index.entry(c.code.clone()).or_insert_with(|| {
                names.push(c.code.clone());
                names.len() - 1
            });
            applied.push((s, n));
        }
    }
    applied.sort_unstable();
    applied.dedup();
    let rule = format!("spread ({})", spread.as_string());
    for (s, n) in spread.apply(&applied, &refs, &leads) {
        let code = &names[n];
        if all[s].iter().any(|c| &c.code == code) {
            continue;
        }
        all[s].push(Coding {
            code: code.clone(),
            start: 0,
            end: 0,
            matched: String::new(),
            rule: rule.clone(),
            negated: false,
        });
    }
    Ok(())
}

fn speakers(t: &crate::store::tables::Tables) -> anyhow::Result<Vec<&str>> {
    if t.segments.schema().contains("participant_id") {
        Ok(t.segment_strs("participant_id")?)
    } else {
        Ok(vec![""; t.segment_count()])
    }
}

/// The segment columns coding reads (`Study::open_segment_columns`);
/// `--explain` also reads the keys.
pub const CODING_COLUMNS: [&str; 5] = ["segment_id", "source_id", "participant_id", "text", "lang"];

/// Segments coded at a time (their codings are held as structs only for
/// that long).
const CODING_CHUNK: usize = 1 << 20;

/// Codes every segment of the study with the codebook (`given`, else the
/// study's) and saves codings, codes and provenance with the manifest,
/// atomically. A code limited to speaker roles keeps its codings in the
/// segments of those roles only (a segment without a speaker counts as a
/// participant's).
pub fn code_study(
    study: &mut Study,
    given: Option<&Path>,
    fb: &dyn Feedback,
) -> anyhow::Result<Coded> {
    code_study_spread(study, given, None, fb)
}

/// [`code_study`], with how far codes reach from their turn (`spread`,
/// recorded in study.toml; `None` keeps the study's setting). A spread
/// coding has an empty span and the rule `spread (window:1)` or
/// `spread (exchange)` (a negated mention codes its segment, so it spreads
/// too, as `agree --window` measures it).
pub fn code_study_spread(
    study: &mut Study,
    given: Option<&Path>,
    spread: Option<Spread>,
    fb: &dyn Feedback,
) -> anyhow::Result<Coded> {
    code_in_slices(study, given, spread, fb, CODING_CHUNK)
}

/// [`code_study_spread`], coding `slice` segments at a time.
fn code_in_slices(
    study: &mut Study,
    given: Option<&Path>,
    spread: Option<Spread>,
    fb: &dyn Feedback,
    slice: usize,
) -> anyhow::Result<Coded> {
    let path = codebook_path(study, given)?;
    if let Some(s) = spread {
        study.ws_mut().manifest.set_spread(&s.as_string());
    }
    let spread = study
        .ws()
        .manifest
        .manifest
        .codebook
        .as_ref()
        .and_then(|c| c.spread.as_deref())
        .and_then(Spread::parse)
        .unwrap_or_default();
    let (loaded, coder) = codebook::coder(&path, fb)?;
    let ws = study.ws();
    let docs = ws.tables.segment_docs()?;
    let ids = ws.tables.segment_strs("segment_id")?;
    fb.start(&format!("coding {} segments", docs.len()), None);
    let limits = RoleLimits::new(&loaded.codebook, &ws.tables.participants);
    let speakers = if limits.is_empty() {
        Vec::new()
    } else {
        speakers(&ws.tables)?
    };
    // Coded a slice at a time, each slice's codings turned into rows of
    // the table before the next is coded; a spread needs every segment's
    // codings at once.
    let chunk = if spread == Spread::Turn {
        slice.max(1)
    } else {
        docs.len().max(1)
    };
    let mut codings_df: Option<polars::prelude::DataFrame> = None;
    let mut tallies: Vec<CodeTally> = tally(coder.codes(), &[]);
    for start in (0..docs.len()).step_by(chunk) {
        let end = (start + chunk).min(docs.len());
        let mut part = coder.code_all(&docs[start..end]);
        if !limits.is_empty() {
            part.par_iter_mut()
                .zip(speakers[start..end].par_iter())
                .for_each(|(codings, speaker)| limits.retain(speaker, codings));
        }
        if spread != Spread::Turn {
            spread_codings(&mut part, &ws.tables, spread)?;
        }
        for (t, n) in tallies.iter_mut().zip(tally(coder.codes(), &part)) {
            t.segments += n.segments;
            t.codings += n.codings;
            t.negated += n.negated;
        }
        let df = codings::codings_frame(&ids[start..end], &part)?;
        drop(part);
        match &mut codings_df {
            None => codings_df = Some(df),
            Some(all) => {
                all.vstack_mut_owned(df)?;
            }
        }
    }
    let codings_df = match codings_df {
        Some(df) => df,
        None => codings::codings_frame(&[], &[])?,
    };
    fb.finish();
    for w in coder.coding_warnings() {
        fb.warn(&w);
    }
    let codes_df = codings::codes_frame(coder.codes())?;
    let provenance = Provenance {
        codebook: ws
            .manifest
            .manifest
            .codebook
            .as_ref()
            .map(|c| c.path.clone())
            .unwrap_or_default(),
        codebook_hash: fresh::file_hash(&path)?,
        segments_hash: fresh::segments_hash(&ws.tables)?,
        segments: docs.len(),
        codings: codings_df.height(),
        spread: spread.as_string(),
    };
    ws.save_codings(codings_df, codes_df, &provenance)?;
    Ok(Coded {
        segments: provenance.segments,
        codings: provenance.codings,
        tallies,
    })
}

/// One segment and what the codebook finds in it.
#[derive(Debug, Clone, PartialEq)]
pub struct Explained {
    /// The segment id.
    pub id: String,
    /// Its language.
    pub lang: String,
    /// Its text.
    pub text: String,
    /// Its codings, in text order.
    pub codings: Vec<Coding>,
}

/// Codes one segment of the study with the codebook (`given`, else the
/// study's), to show which rule matched what: the segment of that id, or
/// the segments of that key (a row id from an import's `--id-column`:
/// several when the row gave several items). Codings of codes limited to
/// other speaker roles are left out, as [`code_study`] leaves them out.
pub fn explain(
    study: &mut Study,
    given: Option<&Path>,
    id: &str,
    fb: &dyn Feedback,
) -> anyhow::Result<Vec<Explained>> {
    let path = codebook_path(study, given)?;
    let (loaded, coder) = codebook::coder(&path, fb)?;
    let t = &study.ws().tables;
    let limits = RoleLimits::new(&loaded.codebook, &t.participants);
    let speakers = speakers(t)?;
    let ids = t.segment_strs("segment_id")?;
    let mut at: Vec<usize> = ids.iter().position(|s| *s == id).into_iter().collect();
    if at.is_empty() && !id.is_empty() && t.segments.schema().contains("key") {
        let keys = t.segment_strs("key")?;
        at = (0..keys.len()).filter(|&i| keys[i] == id).collect();
    }
    if at.is_empty() {
        return Err(PipelineError::Unknown {
            what: "segment",
            name: id.to_owned(),
            known: "give a segment id or a row key (`qualsynth segments` lists both)".to_owned(),
        }
        .into());
    }
    let docs = t.segment_docs()?;
    Ok(at
        .into_iter()
        .map(|i| {
            let (text, lang) = docs[i];
            let mut codings = coder.code_segment(text, lang);
            limits.retain(speakers[i], &mut codings);
            Explained {
                id: ids[i].to_owned(),
                lang: lang.to_owned(),
                text: text.to_owned(),
                codings,
            }
        })
        .collect())
}

/// How to code a file without a study.
#[derive(Debug, Clone)]
pub struct FileOptions {
    /// The file: CSV/TSV/JSONL or plain text.
    pub file: PathBuf,
    /// The codebook.
    pub codebook: PathBuf,
    /// Document id column.
    pub id_column: Option<String>,
    /// Text column.
    pub text_column: Option<String>,
    /// Language of the documents (default: the codebook's).
    pub lang: Option<String>,
    /// One row per document and one column per code, instead of codings.
    pub counts: bool,
    /// Output format.
    pub format: TableFormat,
}

/// Documents per batch.
const BATCH_DOCS: usize = 10_000;
/// Text bytes per batch, at most (about).
const BATCH_BYTES: usize = 8 << 20;
/// Documents per parallel task.
const TASK_DOCS: usize = 256;

/// Codes a file's documents to `out`: codings
/// (`doc_id,code,start,end,matched,rule,negated`), or with `counts` one
/// row per document and one column per code (parents count their
/// descendants' spans; dictionary categories count as scikit-learn's
/// `CountVectorizer` does). Streams the file in batches, codes each batch
/// in parallel while reading the next, writes in order; nothing is written
/// before the first batch is coded. A file has no speakers: `roles`
/// limits of the codebook do not apply.
pub fn code_file(o: &FileOptions, out: &mut dyn Write, fb: &dyn Feedback) -> anyhow::Result<()> {
    let (_, coder) = codebook::coder(&o.codebook, fb)?;
    let lang = o
        .lang
        .clone()
        .unwrap_or_else(|| coder.options().lang.clone());
    let dictionary = coder.options().semantics == Semantics::Dictionary;
    let names: Vec<&str> = coder
        .codes()
        .iter()
        .map(|c| {
            if dictionary {
                c.label.as_str()
            } else {
                c.id.as_str()
            }
        })
        .collect();
    let file = &o.file;
    let input = File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let columns = Columns {
        id: o.id_column.clone(),
        text: o.text_column.clone(),
    };
    let ext = file
        .extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default();
    let mut reader = DocumentReader::new(
        BufReader::with_capacity(1 << 20, input),
        InputFormat::from_extension(&ext),
        columns,
    );
    let mut head = Vec::new();
    if o.counts {
        counts_header(o.format, &mut head, &names);
    } else {
        codings_header(o.format, &mut head);
    }
    let mut head = Some(head);
    let located = |e: DocumentError| anyhow!("{}:{}: {}", file.display(), e.line, e.message);
    // Read the next batch while coding this one.
    let (mut this, mut next) = (Batch::default(), Batch::default());
    reader
        .read_batch(&mut this, BATCH_DOCS, BATCH_BYTES)
        .map_err(located)?;
    while !this.is_empty() {
        let (read, parts) = rayon::join(
            || reader.read_batch(&mut next, BATCH_DOCS, BATCH_BYTES),
            || {
                let docs = this.documents();
                docs.par_chunks(TASK_DOCS)
                    .map(|chunk| render(&coder, chunk, &lang, &names, o.counts, o.format))
                    .collect::<Vec<Vec<u8>>>()
            },
        );
        if let Some(h) = head.take() {
            out.write_all(&h)?;
        }
        for p in parts {
            out.write_all(&p)?;
        }
        read.map_err(located)?;
        std::mem::swap(&mut this, &mut next);
    }
    if let Some(h) = head.take() {
        out.write_all(&h)?;
    }
    out.flush()?;
    for w in coder.coding_warnings() {
        fb.warn(&w);
    }
    Ok(())
}

/// Codes a few documents and renders their rows.
fn render(
    coder: &Coder,
    docs: &[Document],
    lang: &str,
    names: &[&str],
    counts: bool,
    format: TableFormat,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(docs.len() * 64);
    if counts {
        let texts: Vec<&str> = docs.iter().map(|d| d.text).collect();
        let rows = coder.counts_rows(&texts, lang);
        for (i, d) in docs.iter().enumerate() {
            let row = rows
                .get(i * names.len()..(i + 1) * names.len())
                .unwrap_or(&[]);
            counts_row(format, &mut out, d.id, names, row);
        }
    } else {
        for d in docs {
            coding_rows(format, &mut out, d.id, &coder.code_segment(d.text, lang));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::Code;

    fn copy_dir(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap() {
            let e = e.unwrap();
            let dest = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy_dir(&e.path(), &dest);
            } else {
                std::fs::copy(e.path(), dest).unwrap();
            }
        }
    }

    /// The example study imported into a temporary copy.
    fn example() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/coop-workspaces");
        copy_dir(&src, dir.path());
        let mut study = Study::open_manifest(dir.path()).unwrap();
        super::super::import::rebuild(&mut study, &super::super::Silent).unwrap();
        dir
    }

    #[test]
    fn coding_in_slices_writes_the_table_coding_at_once_writes() {
        let (a, b) = (example(), example());
        let code = |dir: &Path, slice: usize| {
            let mut study = Study::open_segment_columns(dir, &CODING_COLUMNS).unwrap();
            let coded =
                code_in_slices(&mut study, None, None, &super::super::Silent, slice).unwrap();
            let table = std::fs::read(dir.join(codings::CODINGS)).unwrap();
            (coded, table)
        };
        let (sliced, sliced_table) = code(a.path(), 7);
        let (whole, whole_table) = code(b.path(), usize::MAX);
        assert!(sliced.segments > 7 * 10, "{}", sliced.segments);
        assert!(sliced.codings > 0);
        assert_eq!(sliced.codings, whole.codings);
        assert_eq!(sliced.tallies, whole.tallies);
        assert_eq!(
            crate::store::tables::from_parquet(&sliced_table).unwrap(),
            crate::store::tables::from_parquet(&whole_table).unwrap()
        );
    }

    fn coding(code: &str) -> Coding {
        Coding {
            code: code.to_owned(),
            start: 0,
            end: 1,
            matched: "x".to_owned(),
            rule: "x".to_owned(),
            negated: false,
        }
    }

    fn codes(all: &[Coding]) -> Vec<&str> {
        all.iter().map(|c| c.code.as_str()).collect()
    }

    #[test]
    fn codings_of_codes_limited_to_roles_stand_for_those_roles_only() {
        let code = |id: &str, roles: &[Role]| Code {
            id: id.to_owned(),
            roles: roles.to_vec(),
            ..Code::default()
        };
        let cb = Codebook {
            codes: vec![
                code("any", &[]),
                code("said", &[Role::Participant]),
                code("asked", &[Role::Interviewer, Role::Facilitator]),
            ],
            ..Codebook::default()
        };
        let person = |id: &str, role: Role| Participant {
            id: id.to_owned(),
            role,
            ..Participant::default()
        };
        let people = [
            person("g/ana", Role::Participant),
            person("g/ivo", Role::Interviewer),
            person("g/fay", Role::Facilitator),
        ];
        let limits = RoleLimits::new(&cb, &people);
        assert!(!limits.is_empty());
        let coded = |speaker: &str| {
            let mut all = vec![coding("any"), coding("said"), coding("asked")];
            limits.retain(speaker, &mut all);
            all
        };
        assert_eq!(codes(&coded("g/ana")), ["any", "said"]);
        assert_eq!(codes(&coded("g/ivo")), ["any", "asked"]);
        assert_eq!(codes(&coded("g/fay")), ["any", "asked"]);
        // No speaker, or one the table does not know: a participant.
        assert_eq!(codes(&coded("")), ["any", "said"]);
        assert_eq!(codes(&coded("g/gone")), ["any", "said"]);
    }

    #[test]
    fn a_codebook_without_roles_limits_nothing() {
        let cb = Codebook {
            codes: vec![Code {
                id: "any".to_owned(),
                ..Code::default()
            }],
            ..Codebook::default()
        };
        let people = [Participant {
            id: "g/ivo".to_owned(),
            role: Role::Interviewer,
            ..Participant::default()
        }];
        let limits = RoleLimits::new(&cb, &people);
        assert!(limits.is_empty());
        let mut all = vec![coding("any")];
        limits.retain("g/ivo", &mut all);
        assert_eq!(codes(&all), ["any"]);
    }
}
