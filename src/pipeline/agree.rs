//! Human coders in the study: importing their codes, agreement between
//! coders (the automatic coder `auto` among them), the false positives and
//! negatives of a code, and words a code's rules miss.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::{Path, PathBuf};

use anyhow::Context;

use super::{Study, code::codebook_path, codebook, fresh};
use crate::agreement::human::{CodeNames, Join, read_codes};
use crate::agreement::keyness::{KeynessOptions, Suggestion, suggest as keyness};
use crate::agreement::stats::{Agreement, agreement};
use crate::agreement::units::{
    CoderSegments, SegmentRef, Unit, presence, spread, spread_exchange, units_of,
};
use crate::codebook::Codebook;
use crate::coding::Coder;
use crate::corpus::grid::{GridOptions, read_table};
use crate::rows::read_column;
use crate::store::codings::CODINGS;
use crate::store::human::HumanCodingRow;

use super::PipelineError;

/// The name of the automatic coder (the codebook's rules).
pub const AUTO: &str = "auto";

/// How to read a table of human codes.
#[derive(Debug, Clone, Default)]
pub struct ImportCodesOptions {
    /// The table: CSV/TSV, XLSX or ODS; an imported source itself, or a
    /// separate file with a key column.
    pub file: PathBuf,
    /// The coder's name.
    pub coder: String,
    /// The column holding the codes (ids or labels, `;` between them).
    pub codes_column: String,
    /// The column holding each row's key: segment keys (the id column of
    /// an import) or segment ids (a column named `segment_id`). Not needed
    /// when the file is a source of the study (rows join by line).
    pub key_column: Option<String>,
    /// A two-column table (label, code) for labels that are not the
    /// codebook's.
    pub map: Option<PathBuf>,
    /// Only segments of this source (when keys repeat across sources).
    pub source: Option<String>,
    /// The sheet of a workbook.
    pub sheet: Option<String>,
}

/// What importing a coder's codes did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedCodes {
    /// The coder.
    pub coder: String,
    /// Data rows read.
    pub rows: usize,
    /// Rows without segments (no text), skipped.
    pub skipped: usize,
    /// Segments the coder rated.
    pub segments: usize,
    /// Codes applied (segment × code).
    pub codings: usize,
    /// How rows found their segments: `line of source S003`, `key column "turn"`.
    pub joined: String,
}

/// Imports a human coder's codes, replacing what that coder had; all or
/// nothing.
pub fn import_codes(study: &mut Study, o: &ImportCodesOptions) -> anyhow::Result<ImportedCodes> {
    let coder = o.coder.trim();
    if coder.is_empty() || coder.eq_ignore_ascii_case(AUTO) {
        anyhow::bail!("--coder must name a human coder (\"{AUTO}\" is the automatic coder's name)");
    }
    let cb = study_codebook(study)?;
    let mapping = match &o.map {
        Some(p) => read_mapping(p, &cb)?,
        None => BTreeMap::new(),
    };
    let names = CodeNames::new(
        cb.codes.iter().map(|c| (c.id.as_str(), c.label.as_str())),
        &mapping,
    );
    let shown = o.file.display().to_string();
    let bytes = std::fs::read(&o.file).with_context(|| format!("cannot read {shown}"))?;
    let file_name = o
        .file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let table = read_table(
        &file_name,
        &bytes,
        &GridOptions {
            sheet: o.sheet.clone(),
            ..GridOptions::default()
        },
    )
    .map_err(|e| e.in_file(&shown))?;
    let ws = study.ws();
    let segs = Segments::load(study)?;
    let rel = crate::store::relative_path(&ws.dir, &o.file);
    let as_source = ws
        .tables
        .sources
        .iter()
        .find(|s| s.path == rel && o.source.as_ref().is_none_or(|id| *id == s.id));
    let (join, joined) = match (&o.key_column, as_source) {
        (None, Some(src)) => {
            let hash = crate::store::import::content_hash(&bytes);
            if hash != src.hash {
                anyhow::bail!(
                    "{shown} changed since it was imported as source {}; import it again (`qualsynth import … --replace`) before its codes",
                    src.id
                );
            }
            let mut by_line: HashMap<u64, Vec<&str>> = HashMap::new();
            for s in segs.refs() {
                if s.source == src.id
                    && let Some(l) = s.line
                {
                    by_line.entry(l).or_default().push(s.id);
                }
            }
            (
                Join::Lines(by_line),
                format!("rows of source {} by line", src.id),
            )
        }
        (None, None) => anyhow::bail!(
            "{shown} is not a source of this study: pass --key-column COL naming the column that holds each row's key (segment keys from an import's --id-column, or segment ids in a column named segment_id)"
        ),
        (Some(col), _) => {
            let segment_ids = crate::agreement::human::fold(col) == "segment_id";
            let mut by_key: HashMap<&str, Vec<&str>> = HashMap::new();
            let mut source_of: HashMap<&str, &str> = HashMap::new();
            for s in segs.refs() {
                if o.source.as_ref().is_some_and(|id| id != s.source) {
                    continue;
                }
                let k = if segment_ids { Some(s.id) } else { s.key };
                let Some(k) = k else { continue };
                if let Some(other) = source_of.insert(k, s.source)
                    && other != s.source
                {
                    anyhow::bail!(
                        "the key \"{k}\" is in sources {other} and {}; pass --source ID to say which source the codes are for",
                        s.source
                    );
                }
                by_key.entry(k).or_default().push(s.id);
            }
            if by_key.is_empty() {
                anyhow::bail!(
                    "no segment of this study has a key; import the sources with --id-column COL so that codes can join them"
                );
            }
            (
                Join::Keys {
                    column: col.clone(),
                    by_key,
                    segment_ids,
                },
                format!("key column \"{col}\""),
            )
        }
    };
    let read = read_codes(&table, &o.codes_column, &names, &join).map_err(|e| e.in_file(&shown))?;
    let file = rel;
    let rows: Vec<HumanCodingRow> = read
        .codes
        .iter()
        .map(|c| HumanCodingRow {
            coder: coder.to_owned(),
            segment_id: c.segment_id.clone(),
            code: c.code.clone(),
            start: None,
            end: None,
            file: file.clone(),
            line: c.line,
        })
        .collect();
    let codings = rows.iter().filter(|r| r.code.is_some()).count();
    study.ws().replace_human_codings(coder, rows)?;
    Ok(ImportedCodes {
        coder: coder.to_owned(),
        rows: read.rows,
        skipped: read.skipped,
        segments: read.segments,
        codings,
        joined,
    })
}

/// A mapping table: two columns, a label as written and a code id.
fn read_mapping(path: &Path, cb: &Codebook) -> anyhow::Result<BTreeMap<String, String>> {
    let shown = path.display().to_string();
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {shown}"))?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let t = read_table(&name, &bytes, &GridOptions::default()).map_err(|e| e.in_file(&shown))?;
    if t.headers.len() < 2 {
        anyhow::bail!(
            "{shown}:1: expected two columns: a label as written in the codes file, and the code id it stands for"
        );
    }
    let mut out = BTreeMap::new();
    for row in &t.rows {
        let (label, code) = (row.cells[0].trim(), row.cells[1].trim());
        if label.is_empty() {
            continue;
        }
        if !cb.codes.iter().any(|c| c.id == code) {
            anyhow::bail!(
                "{shown}:{}:{}: \"{code}\" is not a code id of the codebook",
                row.line,
                t.first_column + 1
            );
        }
        out.insert(label.to_owned(), code.to_owned());
    }
    Ok(out)
}

/// The study's codebook (as study.toml names it).
fn study_codebook(study: &mut Study) -> anyhow::Result<Codebook> {
    let path = codebook_path(study, None)?;
    Ok(codebook::load(&path)?.codebook)
}

/// The segment columns agreement needs.
struct Segments {
    ids: Vec<String>,
    sources: Vec<String>,
    keys: Vec<Option<String>>,
    lines: Vec<Option<u64>>,
    participants: Vec<Option<String>>,
    groups: Vec<String>,
    texts: Vec<String>,
    langs: Vec<String>,
}

impl Segments {
    fn load(study: &Study) -> anyhow::Result<Self> {
        let df = &study.ws().tables.segments;
        let keys = if df.schema().contains("key") {
            read_column(df, "key")?
        } else {
            vec![None; df.height()]
        };
        Ok(Segments {
            ids: read_column(df, "segment_id")?,
            sources: read_column(df, "source_id")?,
            keys,
            lines: read_column(df, "line")?,
            participants: read_column(df, "participant_id")?,
            groups: read_column(df, "group")?,
            texts: read_column(df, "text")?,
            langs: read_column(df, "lang")?,
        })
    }

    fn refs(&self) -> Vec<SegmentRef<'_>> {
        (0..self.ids.len())
            .map(|i| SegmentRef {
                id: &self.ids[i],
                source: &self.sources[i],
                key: self.keys[i].as_deref(),
                line: self.lines[i],
                participant: self.participants[i].as_deref(),
            })
            .collect()
    }
}

/// What to compare.
#[derive(Debug, Clone, Default)]
pub struct AgreeOptions {
    /// The coders (empty: every human coder and `auto`).
    pub coders: Vec<String>,
    /// The reference coder, for precision, recall and F1 (default: the
    /// human coder when exactly one human and `auto` are compared).
    pub reference: Option<String>,
    /// The unit.
    pub unit: Unit,
    /// The codes compared (empty: those the human coders applied; with
    /// no human code, every code). A coding counts for its code and the
    /// code's ancestors.
    pub codes: Vec<String>,
    /// Spread the automatic coder's codes to this many neighbouring
    /// segments of the same source either way.
    pub window: usize,
    /// Spread the automatic coder's codes to their question-and-answer
    /// exchange (from an interviewer's or facilitator's turn to the next).
    pub exchange: bool,
    /// Only segments of this group.
    pub group: Option<String>,
}

/// Agreement between coders, as computed.
#[derive(Debug, Clone)]
pub struct Agreed {
    /// The unit.
    pub unit: Unit,
    /// The window the automatic codes were spread over.
    pub window: usize,
    /// Whether the automatic codes were spread to their exchange.
    pub exchange: bool,
    /// The coders, in table order.
    pub coders: Vec<String>,
    /// The reference coder.
    pub reference: Option<String>,
    /// The codes compared: id and label.
    pub codes: Vec<(String, String)>,
    /// Units (rated by at least one coder).
    pub units: usize,
    /// The statistics.
    pub stats: Agreement,
}

/// One false positive or negative of a code, at the unit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Miss {
    /// The unit.
    pub unit: String,
    /// A segment of it (the one a rule fired on, for a false positive).
    pub segment_id: String,
    /// That segment's key.
    pub key: Option<String>,
    /// The rule that fired and what it matched (false positives).
    pub rule: Option<Fired>,
    /// The segment's text.
    pub text: String,
}

/// A rule that fired on a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fired {
    /// The rule as written.
    pub rule: String,
    /// What it matched.
    pub matched: String,
    /// Where, in code points of the segment's text.
    pub start: u32,
}

/// The errors of a code against the reference.
#[derive(Debug, Clone)]
pub struct Explained {
    /// The agreement it comes from.
    pub agreed: Agreed,
    /// The code id and label.
    pub code: (String, String),
    /// The other coder compared with the reference.
    pub coder: String,
    /// Units the coder coded and the reference did not.
    pub false_positives: Vec<Miss>,
    /// Units the reference coded and the coder did not.
    pub false_negatives: Vec<Miss>,
}

/// Everything agreement reads, loaded once.
struct Loaded {
    segs: Segments,
    participants: Vec<crate::corpus::Participant>,
    codebook: Codebook,
    human: Vec<HumanCodingRow>,
    auto: Vec<AutoCoding>,
}

/// One coding of the automatic coder.
struct AutoCoding {
    segment_id: String,
    code: String,
    rule: String,
    matched: String,
    /// Start of the match, in code points of the segment's text.
    start: u32,
}

fn load(study: &mut Study, need_auto: bool) -> anyhow::Result<Loaded> {
    let codebook = study_codebook(study)?;
    let human = study.ws().human_codings()?;
    let auto = if need_auto {
        fresh::require_current(study)?;
        let df = study
            .ws()
            .coding_columns(CODINGS, &["segment_id", "code", "rule", "matched", "start"])?
            .ok_or_else(|| PipelineError::NotCoded {
                dir: study.dir().display().to_string(),
            })?;
        let ids: Vec<String> = read_column(&df, "segment_id")?;
        let codes: Vec<String> = read_column(&df, "code")?;
        let rules: Vec<String> = read_column(&df, "rule")?;
        let matched: Vec<String> = read_column(&df, "matched")?;
        let starts: Vec<u32> = read_column(&df, "start")?;
        ids.into_iter()
            .zip(codes)
            .zip(rules.into_iter().zip(matched))
            .zip(starts)
            .map(
                |(((segment_id, code), (rule, matched)), start)| AutoCoding {
                    segment_id,
                    code,
                    rule,
                    matched,
                    start,
                },
            )
            .collect()
    } else {
        Vec::new()
    };
    Ok(Loaded {
        participants: study.ws().tables.participants.clone(),
        segs: Segments::load(study)?,
        codebook,
        human,
        auto,
    })
}

/// The participants who ask and lead (interviewers, facilitators).
fn study_leads(ps: &[crate::corpus::Participant]) -> HashSet<&str> {
    ps.iter()
        .filter(|p| p.role.leads())
        .map(|p| p.id.as_str())
        .collect()
}

/// The compared codes' indices each codebook code counts for: itself and
/// its ancestors among the compared codes.
fn counts_for(cb: &Codebook, compared: &[String]) -> HashMap<String, Vec<usize>> {
    let parent: HashMap<&str, &str> = cb
        .codes
        .iter()
        .filter_map(|c| Some((c.id.as_str(), c.parent.as_deref()?)))
        .collect();
    let pos: HashMap<&str, usize> = compared
        .iter()
        .enumerate()
        .map(|(i, c)| (c.as_str(), i))
        .collect();
    let mut out = HashMap::new();
    for c in &cb.codes {
        let mut at = Some(c.id.as_str());
        let mut hits = Vec::new();
        let mut guard = cb.codes.len() + 1;
        while let Some(id) = at {
            if let Some(&i) = pos.get(id) {
                hits.push(i);
            }
            at = parent.get(id).copied();
            guard -= 1;
            if guard == 0 {
                break;
            }
        }
        out.insert(c.id.clone(), hits);
    }
    out
}

/// Agreement between the coders, per code and overall.
pub fn agree(study: &mut Study, o: &AgreeOptions) -> anyhow::Result<Agreed> {
    Ok(compute(study, o)?.0)
}

/// Agreement, with what `explain` needs: the data, each coder's
/// decisions, each segment's unit and the units' names.
type Computed = (
    Agreed,
    Loaded,
    Vec<CoderSegments>,
    Vec<Option<usize>>,
    Vec<String>,
);

/// Agreement, with what `explain` needs.
fn compute(study: &mut Study, o: &AgreeOptions) -> anyhow::Result<Computed> {
    let humans: BTreeSet<String> = study
        .ws()
        .human_codings()?
        .into_iter()
        .map(|r| r.coder)
        .collect();
    let coders: Vec<String> = if o.coders.is_empty() {
        let mut c: Vec<String> = humans.iter().cloned().collect();
        c.push(AUTO.to_owned());
        c
    } else {
        o.coders.clone()
    };
    for c in &coders {
        if c != AUTO && !humans.contains(c) {
            let mut known: Vec<String> = humans.iter().cloned().collect();
            known.push(AUTO.to_owned());
            return Err(PipelineError::unknown("coder", c, "coders", &known).into());
        }
    }
    if coders.len() < 2 {
        anyhow::bail!(
            "agreement needs two coders or more; this study has {}: import a human coder's codes with `qualsynth import codes FILE --coder NAME --codes-column COL`",
            coders.join(", ")
        );
    }
    let reference = match &o.reference {
        Some(r) if !coders.contains(r) => {
            return Err(PipelineError::unknown("coder", r, "coders", &coders).into());
        }
        Some(r) => Some(r.clone()),
        None if coders.len() == 2 && coders.iter().any(|c| c == AUTO) => {
            coders.iter().find(|c| *c != AUTO).cloned()
        }
        None => None,
    };
    let l = load(study, coders.iter().any(|c| c == AUTO))?;
    let refs = l.segs.refs();
    if let Some(g) = &o.group
        && !l.segs.groups.contains(g)
    {
        let mut known: Vec<String> = l.segs.groups.clone();
        known.sort();
        known.dedup();
        return Err(PipelineError::unknown("group", g, "groups", &known).into());
    }
    let in_scope: Vec<bool> = l
        .segs
        .groups
        .iter()
        .map(|g| o.group.as_ref().is_none_or(|w| w == g))
        .collect();

    // The compared codes, in codebook order.
    let compared: Vec<String> = if !o.codes.is_empty() {
        for c in &o.codes {
            if !l.codebook.codes.iter().any(|k| &k.id == c) {
                let known: Vec<String> = l.codebook.codes.iter().map(|c| c.id.clone()).collect();
                return Err(PipelineError::unknown("code", c, "codes", &known).into());
            }
        }
        l.codebook
            .codes
            .iter()
            .filter(|c| o.codes.contains(&c.id))
            .map(|c| c.id.clone())
            .collect()
    } else {
        let used: BTreeSet<&str> = l
            .human
            .iter()
            .filter(|r| coders.contains(&r.coder))
            .filter_map(|r| r.code.as_deref())
            .collect();
        l.codebook
            .codes
            .iter()
            .filter(|c| used.is_empty() || used.contains(c.id.as_str()))
            .map(|c| c.id.clone())
            .collect()
    };
    let counts = counts_for(&l.codebook, &compared);
    let index: HashMap<&str, usize> = l
        .segs
        .ids
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();

    let mut per_coder = Vec::new();
    for c in &coders {
        let mut cs = CoderSegments {
            name: c.clone(),
            rated: vec![false; refs.len()],
            applied: Vec::new(),
        };
        if c == AUTO {
            cs.rated.clone_from(&in_scope);
            let mut applied = Vec::new();
            for a in &l.auto {
                if let (Some(&s), Some(hits)) =
                    (index.get(a.segment_id.as_str()), counts.get(&a.code))
                {
                    applied.extend(hits.iter().map(|&h| (s, h)));
                }
            }
            applied.sort_unstable();
            applied.dedup();
            cs.applied = if o.exchange {
                let leads: HashSet<&str> = study_leads(&l.participants);
                let flags: Vec<bool> = refs
                    .iter()
                    .map(|r| r.participant.is_some_and(|p| leads.contains(p)))
                    .collect();
                spread_exchange(&applied, &refs, &flags)
            } else {
                spread(&applied, &refs, o.window)
            };
        } else {
            for r in l.human.iter().filter(|r| &r.coder == c) {
                let Some(&s) = index.get(r.segment_id.as_str()) else {
                    anyhow::bail!(
                        "coder {c}'s codes name segment {} which the study no longer has (the sources were imported again); import the codes again with `qualsynth import codes`",
                        r.segment_id
                    );
                };
                cs.rated[s] = in_scope[s];
                if let Some(hits) = r.code.as_ref().and_then(|code| counts.get(code)) {
                    cs.applied.extend(hits.iter().map(|&h| (s, h)));
                }
            }
        }
        cs.applied.retain(|(s, _)| in_scope[*s]);
        per_coder.push(cs);
    }
    let (unit_names, unit_of) = units_of(&refs, o.unit);
    let p = presence(&unit_of, unit_names.len(), &per_coder, &compared);
    let rated_units = (0..unit_names.len())
        .filter(|&u| {
            p.cells
                .iter()
                .any(|c| c.first().is_none_or(|col| col[u].is_some()))
        })
        .count();
    let ref_index = reference
        .as_ref()
        .and_then(|r| coders.iter().position(|c| c == r));
    let stats = agreement(&p, ref_index);
    let labels: HashMap<&str, &str> = l
        .codebook
        .codes
        .iter()
        .map(|c| (c.id.as_str(), c.label.as_str()))
        .collect();
    let agreed = Agreed {
        unit: o.unit,
        window: o.window,
        exchange: o.exchange,
        coders: coders.clone(),
        reference,
        codes: compared
            .iter()
            .map(|c| {
                (
                    c.clone(),
                    labels.get(c.as_str()).copied().unwrap_or("").to_owned(),
                )
            })
            .collect(),
        units: rated_units,
        stats,
    };
    Ok((agreed, l, per_coder, unit_of, unit_names))
}

/// The false positives and negatives of one code: the coder (default:
/// `auto`) against the reference, at the unit.
pub fn explain(
    study: &mut Study,
    o: &AgreeOptions,
    code: &str,
    coder: Option<&str>,
) -> anyhow::Result<Explained> {
    let (agreed, l, per_coder, unit_of, unit_names) = compute(study, o)?;
    let Some(reference) = agreed.reference.clone() else {
        anyhow::bail!("--explain needs a reference coder: pass --reference NAME");
    };
    let Some(ci) = agreed.codes.iter().position(|(c, _)| c == code) else {
        let known: Vec<String> = agreed.codes.iter().map(|(c, _)| c.clone()).collect();
        return Err(PipelineError::unknown("code", code, "compared codes", &known).into());
    };
    let other = match coder {
        Some(c) => c.to_owned(),
        None if agreed.coders.iter().any(|c| c == AUTO) && reference != AUTO => AUTO.to_owned(),
        None => agreed
            .coders
            .iter()
            .find(|c| **c != reference)
            .cloned()
            .unwrap_or_default(),
    };
    let ri = agreed
        .coders
        .iter()
        .position(|c| *c == reference)
        .unwrap_or(0);
    let Some(oi) = agreed.coders.iter().position(|c| *c == other) else {
        return Err(PipelineError::unknown("coder", &other, "coders", &agreed.coders).into());
    };
    // Each unit's segments, in order, and the coders' codes per segment.
    let mut segs_of: Vec<Vec<usize>> = vec![Vec::new(); unit_names.len()];
    for (s, u) in unit_of.iter().enumerate() {
        if let Some(u) = u {
            segs_of[*u].push(s);
        }
    }
    // Units each coder read, then those it applied the code to.
    let rated = |k: usize| -> Vec<bool> {
        let mut rated = vec![false; unit_names.len()];
        for (s, r) in per_coder[k].rated.iter().enumerate() {
            if *r && let Some(u) = unit_of[s] {
                rated[u] = true;
            }
        }
        rated
    };
    let applied = |k: usize, rated: &[bool]| -> Vec<bool> {
        let mut v = vec![false; unit_names.len()];
        for &(s, c) in &per_coder[k].applied {
            if c == ci
                && let Some(u) = unit_of[s]
            {
                v[u] = rated[u];
            }
        }
        v
    };
    let (rr, or) = (rated(ri), rated(oi));
    let (ra, oa) = (applied(ri, &rr), applied(oi, &or));
    let fired: HashMap<usize, Fired> = if other == AUTO {
        let counts = counts_for(
            &l.codebook,
            &agreed
                .codes
                .iter()
                .map(|(c, _)| c.clone())
                .collect::<Vec<_>>(),
        );
        let index: HashMap<&str, usize> = l
            .segs
            .ids
            .iter()
            .enumerate()
            .map(|(i, s)| (s.as_str(), i))
            .collect();
        let mut m = HashMap::new();
        for a in &l.auto {
            if counts.get(&a.code).is_some_and(|h| h.contains(&ci))
                && let Some(&s) = index.get(a.segment_id.as_str())
            {
                m.entry(s).or_insert_with(|| Fired {
                    rule: a.rule.clone(),
                    matched: a.matched.clone(),
                    start: a.start,
                });
            }
        }
        m
    } else {
        HashMap::new()
    };
    let miss = |u: usize, with_rule: bool| -> Miss {
        let segs = &segs_of[u];
        let s = if with_rule {
            segs.iter()
                .copied()
                .find(|s| fired.contains_key(s))
                .unwrap_or(segs[0])
        } else {
            segs[0]
        };
        Miss {
            unit: unit_names[u].clone(),
            segment_id: l.segs.ids[s].clone(),
            key: l.segs.keys[s].clone(),
            rule: if with_rule {
                fired.get(&s).cloned()
            } else {
                None
            },
            text: l.segs.texts[s].clone(),
        }
    };
    let mut false_positives = Vec::new();
    let mut false_negatives = Vec::new();
    for u in 0..unit_names.len() {
        if !(rr[u] && or[u]) || segs_of[u].is_empty() {
            continue;
        }
        match (ra[u], oa[u]) {
            (false, true) => false_positives.push(miss(u, true)),
            (true, false) => false_negatives.push(miss(u, false)),
            _ => {}
        }
    }
    let code = agreed.codes[ci].clone();
    Ok(Explained {
        agreed,
        code,
        coder: other,
        false_positives,
        false_negatives,
    })
}

/// What `suggest` found for a code.
#[derive(Debug, Clone)]
pub struct Suggested {
    /// The code id and label.
    pub code: (String, String),
    /// The reference coder.
    pub reference: String,
    /// Segments the reference coded with the code.
    pub target: usize,
    /// Other segments the reference rated.
    pub rest: usize,
    /// The candidates, best first.
    pub suggestions: Vec<Suggestion>,
    /// The code's terms in the codebook's language, as written (for a
    /// `terms = […]` line to paste).
    pub terms: Vec<String>,
}

/// Words and phrases over-represented in the reference coder's segments
/// of `code` and not matched by the code's rules yet.
pub fn suggest(
    study: &mut Study,
    code: &str,
    reference: Option<&str>,
    k: &KeynessOptions,
) -> anyhow::Result<Suggested> {
    let l = load(study, false)?;
    let humans: BTreeSet<&str> = l.human.iter().map(|r| r.coder.as_str()).collect();
    let reference = match reference {
        Some(r) if humans.contains(r) => r.to_owned(),
        Some(r) => {
            let known: Vec<String> = humans.iter().map(|s| (*s).to_owned()).collect();
            return Err(PipelineError::unknown("coder", r, "human coders", &known).into());
        }
        None if humans.len() == 1 => humans
            .iter()
            .next()
            .map(|s| (*s).to_owned())
            .unwrap_or_default(),
        None if humans.is_empty() => anyhow::bail!(
            "no human coder in this study: import one with `qualsynth import codes FILE --coder NAME --codes-column COL`"
        ),
        None => anyhow::bail!(
            "several human coders ({}): pass --reference NAME",
            humans.into_iter().collect::<Vec<_>>().join(", ")
        ),
    };
    let Some(c) = l.codebook.codes.iter().find(|c| c.id == code) else {
        let known: Vec<String> = l.codebook.codes.iter().map(|c| c.id.clone()).collect();
        return Err(PipelineError::unknown("code", code, "codes", &known).into());
    };
    let counts = counts_for(&l.codebook, &[code.to_owned()]);
    let mut coded: BTreeSet<&str> = BTreeSet::new();
    let mut rated: BTreeSet<&str> = BTreeSet::new();
    for r in l.human.iter().filter(|r| r.coder == reference) {
        rated.insert(&r.segment_id);
        if r.code
            .as_ref()
            .and_then(|c| counts.get(c))
            .is_some_and(|h| !h.is_empty())
        {
            coded.insert(&r.segment_id);
        }
    }
    let (mut target, mut rest) = (Vec::new(), Vec::new());
    for (i, id) in l.segs.ids.iter().enumerate() {
        if coded.contains(id.as_str()) {
            target.push(l.segs.texts[i].as_str());
        } else if rated.contains(id.as_str()) {
            rest.push(l.segs.texts[i].as_str());
        }
    }
    // The code's own rules (and its descendants'), to leave out what they
    // already match.
    let mut one = l.codebook.clone();
    let keep: BTreeSet<String> = l
        .codebook
        .codes
        .iter()
        .filter(|k| counts.get(&k.id).is_some_and(|h| !h.is_empty()))
        .map(|k| k.id.clone())
        .collect();
    one.codes.retain(|k| keep.contains(&k.id));
    let coder = Coder::compile(&one).map_err(|d| {
        anyhow::anyhow!(
            "{}",
            d.first().map(|d| d.message.clone()).unwrap_or_default()
        )
    })?;
    let lang = l
        .segs
        .langs
        .first()
        .cloned()
        .unwrap_or_else(|| one.options.lang.clone());
    let covered = |text: &str| !coder.code_segment(text, &lang).is_empty();
    let suggestions = keyness(&target, &rest, &one.options, &covered, k);
    let main_lang = l.codebook.options.lang.clone();
    let terms = c
        .rules
        .iter()
        .filter(|r| !r.exclude && r.lang.as_ref().is_none_or(|x| *x == main_lang))
        .filter(|r| !r.text.starts_with('/'))
        .map(|r| r.text.clone())
        .collect();
    Ok(Suggested {
        terms,
        code: (c.id.clone(), c.label.clone()),
        reference,
        target: target.len(),
        rest: rest.len(),
        suggestions,
    })
}

/// Where `--explain` can find a segment: by id, or by its key.
pub fn segment_by_key(study: &Study, key: &str) -> anyhow::Result<Vec<String>> {
    let s = Segments::load(study)?;
    Ok(s.ids
        .iter()
        .zip(&s.keys)
        .filter(|(id, k)| id.as_str() == key || k.as_deref() == Some(key))
        .map(|(id, _)| id.clone())
        .collect())
}

/// A presence table: one row per segment or per case, one 0/1 column
/// per code.
#[derive(Debug, Clone)]
pub struct PresenceTable {
    /// The key columns' names.
    pub keys: Vec<&'static str>,
    /// The code ids, in codebook order (the 0/1 columns).
    pub codes: Vec<String>,
    /// Each row's key values, then its 0/1 values.
    pub rows: Vec<(Vec<Option<String>>, Vec<u8>)>,
}

/// The 0/1 presence of each code (parents count their descendants) per
/// segment or per case (participant), for `coder` (`auto` or a human).
pub fn presence_table(
    study: &mut Study,
    per_case: bool,
    coder: &str,
) -> anyhow::Result<PresenceTable> {
    let is_auto = coder == AUTO;
    let l = load(study, is_auto)?;
    if !is_auto && !l.human.iter().any(|r| r.coder == coder) {
        let mut known: Vec<String> = l.human.iter().map(|r| r.coder.clone()).collect();
        known.dedup();
        known.push(AUTO.to_owned());
        return Err(PipelineError::unknown("coder", coder, "coders", &known).into());
    }
    let codes: Vec<String> = l.codebook.codes.iter().map(|c| c.id.clone()).collect();
    let counts = counts_for(&l.codebook, &codes);
    let index: HashMap<&str, usize> = l
        .segs
        .ids
        .iter()
        .enumerate()
        .map(|(i, s)| (s.as_str(), i))
        .collect();
    let n = l.segs.ids.len();
    let mut cells = vec![vec![0u8; codes.len()]; n];
    let mut rated = vec![is_auto; n];
    let mut put = |seg: &str, code: Option<&str>| {
        if let Some(&s) = index.get(seg) {
            rated[s] = true;
            for &h in code.and_then(|c| counts.get(c)).into_iter().flatten() {
                cells[s][h] = 1;
            }
        }
    };
    if is_auto {
        for a in &l.auto {
            put(&a.segment_id, Some(&a.code));
        }
    } else {
        for r in l.human.iter().filter(|r| r.coder == coder) {
            put(&r.segment_id, r.code.as_deref());
        }
    }
    let s = &l.segs;
    if !per_case {
        let rows = (0..n)
            .filter(|&i| rated[i])
            .map(|i| {
                (
                    vec![
                        Some(s.ids[i].clone()),
                        Some(s.sources[i].clone()),
                        s.keys[i].clone(),
                        s.lines[i].map(|l| l.to_string()),
                        Some(s.groups[i].clone()),
                        s.participants[i].clone(),
                    ],
                    cells[i].clone(),
                )
            })
            .collect();
        return Ok(PresenceTable {
            keys: vec![
                "segment_id",
                "source_id",
                "key",
                "line",
                "group",
                "participant_id",
            ],
            codes,
            rows,
        });
    }
    let mut cases: BTreeMap<&str, (String, Vec<u8>)> = BTreeMap::new();
    for i in (0..n).filter(|&i| rated[i]) {
        let Some(p) = s.participants[i].as_deref() else {
            continue;
        };
        let e = cases
            .entry(p)
            .or_insert_with(|| (s.groups[i].clone(), vec![0; codes.len()]));
        for (a, b) in e.1.iter_mut().zip(&cells[i]) {
            *a |= *b;
        }
    }
    Ok(PresenceTable {
        keys: vec!["participant_id", "group"],
        codes,
        rows: cases
            .into_iter()
            .map(|(p, (g, v))| (vec![Some(p.to_owned()), Some(g)], v))
            .collect(),
    })
}

/// The presence table as the bytes of `out`: Parquet for `.parquet`,
/// else CSV (0/1 as numbers).
pub fn presence_bytes(t: &PresenceTable, out: &Path) -> anyhow::Result<Vec<u8>> {
    let parquet = out
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("parquet"));
    if parquet {
        use polars::prelude::{Column, DataFrame};
        let mut cols: Vec<Column> = Vec::new();
        for (i, name) in t.keys.iter().enumerate() {
            if *name == "line" {
                let v: Vec<Option<u64>> = t
                    .rows
                    .iter()
                    .map(|r| r.0[i].as_ref().and_then(|s| s.parse().ok()))
                    .collect();
                cols.push(Column::new((*name).into(), v));
            } else {
                let v: Vec<Option<&str>> = t.rows.iter().map(|r| r.0[i].as_deref()).collect();
                cols.push(Column::new((*name).into(), v));
            }
        }
        for (j, code) in t.codes.iter().enumerate() {
            let v: Vec<u32> = t.rows.iter().map(|r| u32::from(r.1[j])).collect();
            cols.push(Column::new(code.as_str().into(), v));
        }
        let df = DataFrame::new_infer_height(cols)?;
        return Ok(crate::store::tables::to_parquet(df)?);
    }
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut header: Vec<&str> = t.keys.clone();
    header.extend(t.codes.iter().map(String::as_str));
    w.write_record(&header)?;
    for (keys, vals) in &t.rows {
        let mut rec: Vec<String> = keys.iter().map(|k| k.clone().unwrap_or_default()).collect();
        rec.extend(vals.iter().map(|v| v.to_string()));
        w.write_record(&rec)?;
    }
    w.into_inner().map_err(|e| anyhow::anyhow!("{e}"))
}
