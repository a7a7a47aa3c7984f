//! REFI-QDA projects: a study written as a `.qdpx` for ATLAS.ti, NVivo,
//! MAXQDA or QualCoder, and a project's sources, cases and codings read
//! into a study.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use super::{PipelineError, Study, code::codebook_path, codebook};
use crate::codebook::formats::refi::code_guid;
use crate::corpus::ingest::parse_attrs;
use crate::refi::write::{
    ExportCase, ExportCode, ExportProject, ExportSelection, ExportSet, ExportSource, ExportUser,
    guid,
};
use crate::rows::read_column;
use crate::store::codings::CODINGS;

/// The name the automatic coder has as a user of an exported project.
pub const AUTO_USER: &str = "qualsynth";

/// What an export holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Exported {
    /// The archive.
    pub bytes: Vec<u8>,
    /// Sources written.
    pub sources: usize,
    /// Codes of the codebook.
    pub codes: usize,
    /// Coded selections.
    pub selections: usize,
    /// Cases (participants).
    pub cases: usize,
    /// Users (coders).
    pub users: usize,
}

/// How a segment is laid out in its source's exported text: segments in
/// order, a blank line between two, a turn as `Name: text`.
struct Layout {
    /// Segment id -> (source index, first character of its text).
    at: HashMap<String, (usize, usize, usize)>,
}

/// The study (or one group of it) as a REFI-QDA project archive.
pub fn export_qdpx(study: &mut Study, group: Option<&str>) -> anyhow::Result<Exported> {
    let cb = match study.ws().manifest.manifest.codebook {
        Some(_) => Some(codebook::load(&codebook_path(study, None)?)?.codebook),
        None => None,
    };
    let ws = study.ws();
    let t = &ws.tables;
    if let Some(g) = group {
        let mut groups: Vec<String> = t.sources.iter().flat_map(|s| s.groups.clone()).collect();
        groups.sort();
        groups.dedup();
        if !groups.iter().any(|x| x == g) {
            return Err(PipelineError::unknown("group", g, "groups", &groups).into());
        }
    }
    let df = &t.segments;
    let ids: Vec<String> = read_column(df, "segment_id")?;
    let sources: Vec<String> = read_column(df, "source_id")?;
    let groups: Vec<String> = read_column(df, "group")?;
    let who: Vec<Option<String>> = read_column(df, "participant_id")?;
    let kinds: Vec<String> = read_column(df, "kind")?;
    let texts: Vec<String> = read_column(df, "text")?;
    let names: HashMap<&str, &crate::corpus::Participant> =
        t.participants.iter().map(|p| (p.id.as_str(), p)).collect();

    // Sources and their texts.
    let mut out_sources: Vec<ExportSource> = Vec::new();
    let mut index_of: HashMap<&str, usize> = HashMap::new();
    let mut layout = Layout { at: HashMap::new() };
    let mut chars: Vec<usize> = Vec::new();
    let mut source_groups: BTreeMap<String, BTreeSet<usize>> = BTreeMap::new();
    let mut case_sources: BTreeMap<&str, BTreeSet<usize>> = BTreeMap::new();
    for s in &t.sources {
        index_of.insert(s.id.as_str(), out_sources.len());
        out_sources.push(ExportSource {
            guid: guid("source", &s.id),
            // Tools copy a source to a file of its name: no folders in it.
            name: s.path.replace(['/', '\\'], "_"),
            text: String::new(),
            selections: Vec::new(),
        });
        chars.push(0);
    }
    for i in 0..ids.len() {
        if group.is_some_and(|g| g != groups[i]) {
            continue;
        }
        let Some(&si) = index_of.get(sources[i].as_str()) else {
            continue;
        };
        let src = &mut out_sources[si];
        if !src.text.is_empty() {
            src.text.push_str("\n\n");
            chars[si] += 2;
        }
        if kinds[i] == "turn"
            && let Some(p) = who[i].as_deref().and_then(|w| names.get(w))
        {
            let label = format!("{}: ", p.name);
            chars[si] += label.chars().count();
            src.text.push_str(&label);
        }
        let n = texts[i].chars().count();
        layout.at.insert(ids[i].clone(), (si, chars[si], n));
        src.text.push_str(&texts[i]);
        chars[si] += n;
        source_groups
            .entry(groups[i].clone())
            .or_default()
            .insert(si);
        if let Some(w) = who[i].as_deref() {
            case_sources.entry(w).or_default().insert(si);
        }
    }

    // The codebook.
    let mut code_guids: HashMap<String, String> = HashMap::new();
    let mut codes = Vec::new();
    if let Some(cb) = &cb {
        // A code read from a QDA tool keeps its GUID, so that the tool
        // recognises its own codes; the others get a stable one.
        let guids = crate::codebook::formats::refi::export_guids(cb);
        for (c, g) in cb.codes.iter().zip(guids) {
            code_guids.insert(c.id.clone(), g);
        }
        let descriptions = crate::codebook::formats::refi::export_descriptions(cb);
        for (c, description) in cb.codes.iter().zip(descriptions) {
            codes.push(ExportCode {
                guid: code_guids[&c.id].clone(),
                name: c.label.clone(),
                parent: c.parent.as_ref().and_then(|p| code_guids.get(p)).cloned(),
                codable: c.codable,
                color: c.colour.clone(),
                description: Some(description).filter(|d| !d.is_empty()),
            });
        }
    }

    // Users and their codings.
    let mut users: Vec<ExportUser> = Vec::new();
    let mut sel: Vec<(usize, ExportSelection)> = Vec::new();
    if let Some(codings) = ws.coding_columns(CODINGS, &["segment_id", "code", "start", "end"])? {
        let user = guid("user", "auto");
        users.push(ExportUser {
            guid: user.clone(),
            name: AUTO_USER.to_owned(),
            id: Some("auto".to_owned()),
        });
        let seg: Vec<String> = read_column(&codings, "segment_id")?;
        let code: Vec<String> = read_column(&codings, "code")?;
        let start: Vec<u32> = read_column(&codings, "start")?;
        let end: Vec<u32> = read_column(&codings, "end")?;
        for i in 0..seg.len() {
            let (Some(&(si, at, n)), Some(cg)) = (layout.at.get(&seg[i]), code_guids.get(&code[i]))
            else {
                continue;
            };
            // A spread coding (no span) covers its whole segment.
            let (s, e) = if start[i] == end[i] {
                (0, n)
            } else {
                ((start[i] as usize).min(n), (end[i] as usize).min(n))
            };
            sel.push((
                si,
                ExportSelection {
                    start: at + s,
                    end: at + e,
                    code: cg.clone(),
                    user: user.clone(),
                },
            ));
        }
    }
    let human = ws.human_codings()?;
    let coders: BTreeSet<&str> = human.iter().map(|r| r.coder.as_str()).collect();
    for c in &coders {
        users.push(ExportUser {
            guid: guid("user", c),
            name: (*c).to_owned(),
            id: None,
        });
    }
    for r in &human {
        let (Some(code), Some(&(si, at, n))) = (r.code.as_ref(), layout.at.get(&r.segment_id))
        else {
            continue;
        };
        let Some(cg) = code_guids.get(code) else {
            continue;
        };
        let (s, e) = match (r.start, r.end) {
            (Some(s), Some(e)) if s < e => ((s as usize).min(n), (e as usize).min(n)),
            _ => (0, n),
        };
        sel.push((
            si,
            ExportSelection {
                start: at + s,
                end: at + e,
                code: cg.clone(),
                user: guid("user", &r.coder),
            },
        ));
    }
    sel.sort();
    sel.dedup();
    let selections = sel.len();
    for (si, s) in sel {
        out_sources[si].selections.push(s);
    }

    // Cases, their variables, and the groups as sets.
    let mut keys: BTreeSet<String> = BTreeSet::new();
    for p in t
        .participants
        .iter()
        .filter(|p| case_sources.contains_key(p.id.as_str()))
    {
        keys.extend(parse_attrs(&p.attributes).into_keys());
    }
    keys.remove("group");
    keys.remove("role");
    let mut variables = vec![
        (guid("variable", "group"), "group".to_owned()),
        (guid("variable", "role"), "role".to_owned()),
    ];
    variables.extend(keys.iter().map(|k| (guid("variable", k), k.clone())));
    let mut cases = Vec::new();
    for p in &t.participants {
        let Some(srcs) = case_sources.get(p.id.as_str()) else {
            continue;
        };
        let mut values = vec![
            (guid("variable", "group"), p.group.clone()),
            (guid("variable", "role"), p.role.as_str().to_owned()),
        ];
        for (k, v) in parse_attrs(&p.attributes) {
            if keys.contains(&k) {
                values.push((guid("variable", &k), v));
            }
        }
        cases.push(ExportCase {
            guid: guid("case", &p.id),
            name: p.name.clone(),
            values,
            sources: srcs.iter().map(|&i| out_sources[i].guid.clone()).collect(),
        });
    }
    let sets = source_groups
        .iter()
        .map(|(g, srcs)| ExportSet {
            guid: guid("set", g),
            name: g.clone(),
            sources: srcs.iter().map(|&i| out_sources[i].guid.clone()).collect(),
        })
        .collect();
    // Only sources with text (a group's export leaves the others out).
    let kept: Vec<ExportSource> = out_sources
        .into_iter()
        .filter(|s| !s.text.is_empty())
        .collect();
    let project = ExportProject {
        name: study.title().to_owned(),
        users,
        codes,
        variables,
        cases,
        sources: kept,
        sets,
    };
    Ok(Exported {
        bytes: crate::refi::write::qdpx(&project)?,
        sources: project.sources.len(),
        codes: project.codes.len(),
        selections,
        cases: project.cases.len(),
        users: project.users.len(),
    })
}

/// A GUID as the project reader keeps them: lower case, no braces.
fn normal_guid(g: &str) -> String {
    g.trim()
        .trim_start_matches('{')
        .trim_end_matches('}')
        .to_lowercase()
}

/// What importing a project did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportedProject {
    /// The file's import, for people.
    pub import: String,
    /// Each coder (a user of the project) and the codings imported for it.
    pub coders: Vec<(String, usize)>,
    /// The codebook written for a study that had none (relative path).
    pub codebook: Option<String>,
    /// What the reader noticed (positions clamped, a missing codebook…).
    pub warnings: Vec<String>,
}

/// A code's path of names from its root, `A / B`, for matching codes
/// between a project and a codebook.
/// A code's name and parent id, by id.
type NameOf<'a> = &'a dyn Fn(&str) -> Option<(String, Option<String>)>;

fn name_path(name_of: NameOf<'_>, id: &str) -> String {
    let mut parts = Vec::new();
    let mut at = Some(id.to_owned());
    let mut guard = 0;
    while let Some(i) = at {
        let Some((name, parent)) = name_of(&i) else {
            break;
        };
        parts.push(name.trim().to_lowercase());
        at = parent;
        guard += 1;
        if guard > 64 {
            break;
        }
    }
    parts.reverse();
    parts.join(" / ")
}

/// Imports a REFI-QDA project: its text sources as one source of the study
/// (paragraphs and speaker turns, see [`crate::refi::segments`]), its
/// cases' variables as participant attributes, and its codings as codings
/// by a coder per user, with their spans. The project's codes must be the
/// study's codebook's (matched by GUID, then by their path of names); a
/// study without a codebook gets the project's, written beside study.toml.
/// Nothing is imported when a coded code is not in the codebook.
pub fn import_qdpx(
    study: &mut Study,
    file: &std::path::Path,
    spec: &crate::corpus::spec::SourceSpec,
    mode: super::import::Mode,
) -> anyhow::Result<ImportedProject> {
    use anyhow::Context;
    let shown = file.display().to_string();
    let bytes = std::fs::read(file).with_context(|| format!("cannot read {shown}"))?;
    let project = crate::refi::read::read_qdpx(&bytes).map_err(|e| e.in_file(&shown))?;
    let segs = crate::refi::segments::segments(&project);
    let codings = crate::refi::segments::codings(&project, &segs);

    // The project's codes as the study's code ids.
    let pcode: HashMap<&str, &crate::refi::read::ProjectCode> =
        project.codes.iter().map(|c| (c.guid.as_str(), c)).collect();
    let project_path = |g: &str| {
        name_path(
            &|x: &str| pcode.get(x).map(|c| (c.name.clone(), c.parent.clone())),
            g,
        )
    };
    let mut written = None;
    if study.ws().manifest.manifest.codebook.is_none() && !project.codes.is_empty() {
        // The codebook reader gives back what an export of qualsynth put
        // in the descriptions (ids, rules); for other tools, the codes.
        let cb = match project_qde(&bytes)
            .map(|qde| crate::codebook::formats::refi::read_in(&qde, study.title(), &shown).0)
        {
            Some(Some(cb)) if !cb.codes.is_empty() => cb,
            _ => project_codebook(&project, study.title()),
        };
        let stem = file
            .file_stem()
            .map(|s| crate::corpus::ingest::slug(&s.to_string_lossy()))
            .unwrap_or_else(|| "project".to_owned());
        let rel = format!("{stem}-codebook.qdc");
        let path = study.dir().join(&rel);
        crate::store::atomic::write_atomic(
            &path,
            crate::codebook::formats::refi::write(&cb).as_bytes(),
        )?;
        study.ws_mut().manifest.set_codebook(&rel);
        written = Some(rel);
    }
    let cb = match study.ws().manifest.manifest.codebook {
        Some(_) => Some(codebook::load(&codebook_path(study, None)?)?.codebook),
        None => None,
    };
    let mut to_id: HashMap<String, String> = HashMap::new();
    if let Some(cb) = &cb {
        let parent_of: HashMap<&str, Option<String>> = cb
            .codes
            .iter()
            .map(|c| (c.id.as_str(), c.parent.clone()))
            .collect();
        let label_of: HashMap<&str, &str> = cb
            .codes
            .iter()
            .map(|c| (c.id.as_str(), c.label.as_str()))
            .collect();
        let mut by_guid: HashMap<String, &str> = cb
            .codes
            .iter()
            .map(|c| (code_guid(&c.id).to_lowercase(), c.id.as_str()))
            .collect();
        for c in &cb.codes {
            if let Some(g) = &c.guid {
                by_guid.insert(normal_guid(g), c.id.as_str());
            }
        }
        let by_path: HashMap<String, &str> = cb
            .codes
            .iter()
            .map(|c| {
                let p = name_path(
                    &|x: &str| {
                        Some((
                            label_of.get(x)?.to_string(),
                            parent_of.get(x).cloned().flatten(),
                        ))
                    },
                    &c.id,
                );
                (p, c.id.as_str())
            })
            .collect();
        for c in &project.codes {
            let id = by_guid
                .get(&normal_guid(&c.guid))
                .or_else(|| by_path.get(&project_path(&c.guid)));
            if let Some(id) = id {
                to_id.insert(c.guid.clone(), (*id).to_owned());
            }
        }
    }
    let mut missing: BTreeSet<String> = BTreeSet::new();
    for c in &codings {
        if !to_id.contains_key(&c.code) {
            missing.insert(match pcode.get(c.code.as_str()) {
                Some(_) => format!("\"{}\" ({})", project_path(&c.code), c.code),
                None => format!("an undeclared code {}", c.code),
            });
        }
    }
    if !missing.is_empty() {
        let list: Vec<String> = missing.into_iter().take(10).collect();
        anyhow::bail!(
            "{shown}: codings of codes the study's codebook does not have: {}; add them to the codebook (`qualsynth codebook convert {shown} codes.toml` writes the project's) and import again",
            list.join(", ")
        );
    }

    // The texts, then the codings of their segments.
    let outcome = super::import::import_files(study, &[file.to_path_buf()], spec, mode)?;
    let import = outcome
        .first()
        .map(|(f, o)| super::import::describe(f, o))
        .unwrap_or_default();
    if written.is_some() {
        study.ws().save_manifest()?;
    }
    let rel = crate::store::relative_path(&study.ws().dir, file);
    let ws = study.ws();
    let Some(source) = ws
        .tables
        .sources
        .iter()
        .rev()
        .find(|s| s.path == rel && s.format == "qdpx")
    else {
        anyhow::bail!("{shown}: the project's texts were not imported");
    };
    if source.segments as usize != segs.len() {
        anyhow::bail!(
            "{shown}: source {} has {} segments, the project {}; import it again with --replace",
            source.id,
            source.segments,
            segs.len()
        );
    }
    let mut by_coder: BTreeMap<String, Vec<crate::store::human::HumanCodingRow>> = BTreeMap::new();
    for c in &codings {
        let coder = if c.coder.eq_ignore_ascii_case(super::agree::AUTO) {
            format!("{} (project)", c.coder)
        } else {
            c.coder.clone()
        };
        by_coder
            .entry(coder.clone())
            .or_default()
            .push(crate::store::human::HumanCodingRow {
                coder,
                segment_id: format!("{}:{}", source.id, c.segment + 1),
                code: Some(to_id[&c.code].clone()),
                start: Some(c.start as u32),
                end: Some(c.end as u32),
                file: rel.clone(),
                line: segs[c.segment].raw.line.unwrap_or(0),
            });
    }
    let mut coders = Vec::new();
    for (coder, rows) in by_coder {
        coders.push((coder.clone(), rows.len()));
        ws.replace_human_codings(&coder, rows)?;
    }
    Ok(ImportedProject {
        import,
        coders,
        codebook: written,
        warnings: project.warnings.clone(),
    })
}

/// The text of the one `.qde` at the root of a `.qdpx`.
fn project_qde(bytes: &[u8]) -> Option<String> {
    let names = crate::corpus::zipsafe::entry_names(bytes, "QDPX").ok()?;
    let qde: Vec<&String> = names
        .iter()
        .filter(|n| !n.contains('/') && n.to_ascii_lowercase().ends_with(".qde"))
        .collect();
    let [one] = qde.as_slice() else {
        return None;
    };
    let b = crate::corpus::zipsafe::read_entry(bytes, one, "QDPX").ok()??;
    crate::codebook::formats::decode_text(&b).ok()
}

/// The project's codes as a codebook: ids from the path of names, labels
/// the names, definitions the descriptions.
fn project_codebook(p: &crate::refi::read::Project, title: &str) -> crate::codebook::Codebook {
    let mut cb = crate::codebook::Codebook {
        name: title.to_owned(),
        ..Default::default()
    };
    let mut id_of: HashMap<&str, String> = HashMap::new();
    let mut used: BTreeSet<String> = BTreeSet::new();
    // Parents first: codes in document order already put a parent first
    // in nested codebooks; follow parents for the others.
    let mut order: Vec<usize> = Vec::new();
    let mut placed: BTreeSet<usize> = BTreeSet::new();
    let index: HashMap<&str, usize> = p
        .codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.guid.as_str(), i))
        .collect();
    fn place(
        i: usize,
        p: &crate::refi::read::Project,
        index: &HashMap<&str, usize>,
        placed: &mut BTreeSet<usize>,
        order: &mut Vec<usize>,
        depth: usize,
    ) {
        if placed.contains(&i) || depth > 64 {
            return;
        }
        if let Some(&j) = p.codes[i].parent.as_deref().and_then(|g| index.get(g)) {
            place(j, p, index, placed, order, depth + 1);
        }
        if placed.insert(i) {
            order.push(i);
        }
    }
    for i in 0..p.codes.len() {
        place(i, p, &index, &mut placed, &mut order, 0);
    }
    for i in order {
        let c = &p.codes[i];
        let parent = c.parent.as_deref().and_then(|g| id_of.get(g)).cloned();
        let base = crate::corpus::ingest::slug(&c.name).replace('-', "_");
        let mut id = match &parent {
            Some(pid) => format!("{pid}.{base}"),
            None => base,
        };
        let stem = id.clone();
        let mut n = 2;
        while used.contains(&id) {
            id = format!("{stem}_{n}");
            n += 1;
        }
        used.insert(id.clone());
        id_of.insert(c.guid.as_str(), id.clone());
        cb.codes.push(crate::codebook::Code {
            id,
            label: c.name.clone(),
            parent,
            guid: Some(c.guid.clone()),
            codable: c.codable,
            colour: c.color.clone(),
            definition: c.description.clone().filter(|d| !d.trim().is_empty()),
            ..Default::default()
        });
    }
    cb
}
