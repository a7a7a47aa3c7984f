//! The codings expanded to ancestors (one row per segment and code, so
//! that a parent counts a segment coded with any of its children once),
//! the counts of each (code, group) cell, and the [`Cache`] that lets the
//! synthesis tables compute them once.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use polars::prelude::*;

use super::Input;
use super::groups::Groups;
use super::tree::{CodeTree, Stance};

/// What the synthesis tables of one input share: the codings expanded to
/// ancestors and the cell counts are computed once, by the first table that
/// needs them, instead of once per table. A cache serves the frames of one
/// [`Input`] only: make a new one for other frames.
#[derive(Debug, Default)]
pub struct Cache {
    /// [`coded`] with `rules`, without `who` or filters, until released.
    coded: Mutex<Option<DataFrame>>,
    /// [`cells`] with `who`.
    cells: OnceLock<BTreeMap<(u32, u32), CellCounts>>,
}

impl Cache {
    /// Frees the expanded codings (the largest thing cached: about 1.4 GB
    /// at 2,000,000 contributions) once no table needs them any more; a
    /// later [`coded`] computes them again.
    pub fn release_coded(&self) {
        let mut coded = self.coded.lock().unwrap_or_else(|e| e.into_inner());
        *coded = None;
    }
}

/// The value in `cell`, computing it with `f` the first time.
fn cached<T>(cell: &OnceLock<T>, f: impl FnOnce() -> PolarsResult<T>) -> PolarsResult<&T> {
    if let Some(v) = cell.get() {
        return Ok(v);
    }
    let v = f()?;
    Ok(cell.get_or_init(|| v))
}

/// Which optional columns [`coded`] adds, and which cell it keeps.
#[derive(Debug, Clone, Copy, Default)]
pub struct CodedOptions {
    /// Add `rules`: distinct rules among the codings.
    pub rules: bool,
    /// Add `participant_id` and `source_id` of the segment.
    pub who: bool,
    /// Keep only the rows counting for this code (by index).
    pub code: Option<usize>,
    /// Keep only the segments of this group (by index).
    pub group: Option<usize>,
}

/// The codings expanded to ancestors: one row per segment and code, the
/// code being the coded one or any of its ancestors. Columns: `seg` (row of
/// the segments frame), `code_idx` (codebook index), `group_idx` (index in
/// [`Groups::names`]), `codings` (codings of the code or a descendant in
/// the segment), `negated` (of them, flagged negated), `negative` (of them,
/// negative mentions: negated, or of an "against" stance code, but not
/// both), then `rules` and `participant_id`, `source_id` as asked. Codings
/// of unknown codes or segments, and segments without a group, are left
/// out. Rows come by segment row, then code index.
pub fn coded(
    input: &Input,
    tree: &CodeTree,
    groups: &Groups,
    opts: CodedOptions,
) -> PolarsResult<DataFrame> {
    if opts.code.is_some() || opts.group.is_some() {
        return coded_uncached(input, tree, groups, opts);
    }
    let full = {
        let mut cell = input.cache.coded.lock().unwrap_or_else(|e| e.into_inner());
        match &*cell {
            Some(full) => full.clone(),
            None => {
                let all = CodedOptions {
                    rules: true,
                    ..CodedOptions::default()
                };
                let full = coded_uncached(input, tree, groups, all)?;
                cell.insert(full).clone()
            }
        }
    };
    let mut names = vec![
        "seg",
        "code_idx",
        "codings",
        "group_idx",
        "negated",
        "negative",
    ];
    if opts.rules {
        names.push("rules");
    }
    let mut out = full.select(names)?;
    if opts.who {
        add_who(input, &mut out)?;
    }
    Ok(out)
}

/// Adds the segment's `participant_id` and `source_id` to [`coded`] rows.
fn add_who(input: &Input, out: &mut DataFrame) -> PolarsResult<()> {
    let who = if out.height() == 0 {
        let none = |name: &str| Column::new(name.into(), Vec::<Option<&str>>::new());
        vec![none("participant_id"), none("source_id")]
    } else {
        let seg = out.column("seg")?.idx()?.clone();
        let who = input
            .segments
            .select(["participant_id", "source_id"])?
            .take(&seg)?;
        who.columns().to_vec()
    };
    out.hstack_mut(&who)?;
    Ok(())
}

fn coded_uncached(
    input: &Input,
    tree: &CodeTree,
    groups: &Groups,
    opts: CodedOptions,
) -> PolarsResult<DataFrame> {
    let mut out = {
        let links = links(input, tree)?;
        if links.rows() == 0 {
            empty_coded(opts.rules)?
        } else {
            expand(input, tree, groups, &links, opts)?
        }
    };
    if opts.who {
        add_who(input, &mut out)?;
    }
    Ok(out)
}

/// No segment row, code or rule.
const NONE: u32 = u32::MAX;

/// Each coding's segment row, code and rule, found once by looking the
/// ids up (instead of joining the codings with the segments and the
/// codebook on strings, which held gigabytes at 2,000,000 contributions),
/// and the codings of each segment row.
#[derive(Debug, Default)]
pub(crate) struct Links {
    /// Codebook index of each coding ([`NONE`]: not in the codebook).
    code: Vec<u32>,
    /// Rule of each coding, numbered in order of appearance ([`NONE`]:
    /// none).
    rule: Vec<u32>,
    /// Whether each coding is flagged negated (null: not).
    negated: Vec<bool>,
    /// Where each segment row's codings start in `by_seg`; one more than
    /// the rows.
    starts: Vec<u32>,
    /// The codings (rows of the codings frame) of each segment row, in
    /// codings order.
    by_seg: Vec<u32>,
}

impl Links {
    /// The codings of segment row `s`, in codings order.
    fn codings_of(&self, s: usize) -> &[u32] {
        &self.by_seg[self.starts[s] as usize..self.starts[s + 1] as usize]
    }

    /// The codes (codebook indices) applied to segment row `s`, with
    /// repeats, in codings order.
    pub(crate) fn codes_of(&self, s: usize) -> impl Iterator<Item = u32> + '_ {
        self.codings_of(s)
            .iter()
            .map(|&k| self.code[k as usize])
            .filter(|&c| c != NONE)
    }

    /// Segment rows of the input.
    pub(crate) fn rows(&self) -> usize {
        self.starts.len().saturating_sub(1)
    }
}

/// The [`Links`] of the input. Not cached: the expanded codings and the
/// merge's codes of each segment are built from them once each, and
/// holding them (a quarter of a gigabyte at 2,000,000 contributions)
/// through the quotes raised the stage's peak.
pub(crate) fn links(input: &Input, tree: &CodeTree) -> PolarsResult<Links> {
    let (codings, segs) = (input.codings, input.segments);
    if codings.height() == 0 || segs.height() == 0 {
        return Ok(Links::default());
    }
    if segs.height() >= NONE as usize || codings.height() >= NONE as usize {
        polars_bail!(ComputeError: "synthesis: more than {} segments or codings", NONE - 1);
    }
    let seg_ids = crate::rows::strs(segs, "segment_id")?;
    let coding_segs = codings.column("segment_id")?.str()?;
    // The codings come by segment when the coder wrote them: the next
    // segment rows are looked at first, the index of every id built only
    // for a coding out of that order.
    let mut index: Option<PlHashMap<&str, u32>> = None;
    let mut at = 0usize;
    let mut seg = Vec::with_capacity(codings.height());
    for id in coding_segs.iter() {
        let Some(id) = id else {
            seg.push(NONE);
            continue;
        };
        let near = (at..seg_ids.len().min(at + LOOKAHEAD)).find(|&r| seg_ids[r] == Some(id));
        let row = match (near, &index) {
            (Some(r), _) => Some(r as u32),
            (None, Some(ix)) => ix.get(id).copied(),
            (None, None) => {
                let mut ix = PlHashMap::with_capacity(seg_ids.len());
                for (r, s) in seg_ids.iter().enumerate() {
                    if let Some(s) = s {
                        ix.entry(*s).or_insert(r as u32);
                    }
                }
                let row = ix.get(id).copied();
                index = Some(ix);
                row
            }
        };
        if let Some(r) = row {
            at = r as usize;
        }
        seg.push(row.unwrap_or(NONE));
    }
    let code = looked_up(codings.column("code")?.str()?, |id| {
        tree.get(id).map_or(NONE, |c| c as u32)
    });
    let rule = numbered(codings.column("rule")?.str()?);
    let negated: Vec<bool> = codings
        .column("negated")?
        .bool()?
        .iter()
        .map(Option::unwrap_or_default)
        .collect();
    // The codings of each segment row: a counting sort by row.
    let mut starts = vec![0u32; segs.height() + 1];
    for &s in &seg {
        if s != NONE {
            starts[s as usize + 1] += 1;
        }
    }
    for i in 1..starts.len() {
        starts[i] += starts[i - 1];
    }
    let mut next = starts.clone();
    let mut by_seg = vec![0u32; starts[segs.height()] as usize];
    for (k, &s) in seg.iter().enumerate() {
        if s != NONE {
            by_seg[next[s as usize] as usize] = k as u32;
            next[s as usize] += 1;
        }
    }
    Ok(Links {
        code,
        rule,
        negated,
        starts,
        by_seg,
    })
}

/// How many segment rows past the last one found a coding's segment is
/// looked for before the index of all ids.
const LOOKAHEAD: usize = 64;

/// [`coded`] computed from the links: for each segment row of a kept
/// group, its codings expanded to the kept ancestors, counted by code.
fn expand(
    input: &Input,
    tree: &CodeTree,
    groups: &Groups,
    links: &Links,
    opts: CodedOptions,
) -> PolarsResult<DataFrame> {
    // The group of each segment row (NONE: none, or not the kept one).
    let seg_group: Vec<u32> = looked_up(input.segments.column("group")?.str()?, |g| {
        groups
            .get(g)
            .filter(|&i| opts.group.is_none_or(|o| o == i))
            .map_or(NONE, |i| i as u32)
    });
    // Each code, the codes it counts for (itself and its ancestors, those
    // kept) and whether it is an "against" stance code.
    let counts_for: Vec<Vec<u32>> = (0..tree.len())
        .map(|i| {
            std::iter::once(i)
                .chain(tree.ancestors(i))
                .filter(|&j| opts.code.is_none_or(|o| o == j))
                .map(|j| j as u32)
                .collect()
        })
        .collect();
    let against: Vec<bool> = (0..tree.len())
        .map(|i| tree.stance(i) == Some(Stance::Against))
        .collect();
    let mut out = Expanded::default();
    // (code counted for, rule, negated, negative) of one segment's codings.
    let mut hits: Vec<(u32, u32, bool, bool)> = Vec::new();
    for (s, &g) in seg_group.iter().enumerate() {
        if g == NONE {
            continue;
        }
        hits.clear();
        for &k in links.codings_of(s) {
            let (c, k) = (links.code[k as usize], k as usize);
            if c == NONE {
                continue;
            }
            let negated = links.negated[k];
            let negative = negated != against[c as usize];
            for &j in &counts_for[c as usize] {
                hits.push((j, links.rule[k], negated, negative));
            }
        }
        hits.sort_unstable();
        for run in hits.chunk_by(|a, b| a.0 == b.0) {
            out.seg.push(s as IdxSize);
            out.code.push(run[0].0);
            out.group.push(g);
            out.codings.push(run.len() as u32);
            out.negated.push(run.iter().filter(|h| h.2).count() as u32);
            out.negative.push(run.iter().filter(|h| h.3).count() as u32);
            if opts.rules {
                let mut rules = run
                    .iter()
                    .map(|h| h.1)
                    .filter(|&r| r != NONE)
                    .collect::<Vec<_>>();
                rules.dedup();
                out.rules.push(rules.len() as u32);
            }
        }
    }
    out.frame(opts.rules)
}

/// The columns of [`coded`] as they are built.
#[derive(Debug, Default)]
struct Expanded {
    seg: Vec<IdxSize>,
    code: Vec<u32>,
    group: Vec<u32>,
    codings: Vec<u32>,
    negated: Vec<u32>,
    negative: Vec<u32>,
    rules: Vec<u32>,
}

impl Expanded {
    fn frame(self, rules: bool) -> PolarsResult<DataFrame> {
        let u = |name: &str, v: Vec<u32>| Column::new(name.into(), v);
        let mut cols = vec![
            Column::new("seg".into(), self.seg),
            u("code_idx", self.code),
            u("codings", self.codings),
            u("group_idx", self.group),
            u("negated", self.negated),
            u("negative", self.negative),
        ];
        if rules {
            cols.push(u("rules", self.rules));
        }
        DataFrame::new_infer_height(cols)
    }
}

fn empty_coded(rules: bool) -> PolarsResult<DataFrame> {
    let u = |name: &str| Column::new(name.into(), Vec::<u32>::new());
    let mut cols = vec![
        Column::new("seg".into(), Vec::<IdxSize>::new()),
        u("code_idx"),
        u("codings"),
        u("group_idx"),
        u("negated"),
        u("negative"),
    ];
    if rules {
        cols.push(u("rules"));
    }
    DataFrame::new_infer_height(cols)
}

/// What one cell (code, group) holds.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CellCounts {
    /// Segments coded with the code or a descendant.
    pub segments: u32,
    /// Distinct participants among them.
    pub participants: u32,
    /// Distinct sources among them.
    pub sources: u32,
    /// Codings of the code or a descendant.
    pub codings: u32,
    /// Of them, negated.
    pub negated: u32,
    /// Of them, negative mentions (see [`coded`]).
    pub negative: u32,
}

/// The counts of every non-empty cell, keyed by (code index, group
/// index), with distinct participants and sources.
pub fn cells<'c>(
    input: &'c Input,
    tree: &CodeTree,
    groups: &Groups,
) -> PolarsResult<&'c BTreeMap<(u32, u32), CellCounts>> {
    cached(&input.cache.cells, || cells_uncached(input, tree, groups))
}

fn cells_uncached(
    input: &Input,
    tree: &CodeTree,
    groups: &Groups,
) -> PolarsResult<BTreeMap<(u32, u32), CellCounts>> {
    let coded = coded(input, tree, groups, CodedOptions::default())?;
    // Borrowed: the frame is the cached one, copying frees nothing.
    let get = |name: &str| crate::rows::u32_slice(&coded, name);
    let seg = get("seg")?;
    let (code, group) = (get("code_idx")?, get("group_idx")?);
    let (codings, negated, negative) = (get("codings")?, get("negated")?, get("negative")?);
    let n_groups = groups.len() as u64;
    if tree.len() as u64 * n_groups >= u64::from(NONE) {
        polars_bail!(ComputeError: "synthesis: too many codes by groups");
    }
    let cell_of = |i: usize| (u64::from(code[i]) * n_groups + u64::from(group[i])) as u32;
    let mut cells: BTreeMap<u32, CellCounts> = BTreeMap::new();
    for i in 0..seg.len() {
        let c = cells.entry(cell_of(i)).or_default();
        c.segments += 1;
        c.codings += codings[i];
        c.negated += negated[i];
        c.negative += negative[i];
    }
    // Distinct participants and sources: the (cell, id) pairs, sorted.
    let distinct = |name: &str| -> PolarsResult<Vec<(u32, u32)>> {
        let ids = numbered(input.segments.column(name)?.str()?);
        let mut pairs: Vec<u64> = (0..seg.len())
            .filter_map(|i| {
                let id = ids[seg[i] as usize];
                (id != NONE).then(|| u64::from(cell_of(i)) << 32 | u64::from(id))
            })
            .collect();
        {
            use rayon::prelude::*;
            pairs.par_sort_unstable();
        }
        pairs.dedup();
        let mut counts: Vec<(u32, u32)> = Vec::new();
        for cell in pairs.iter().map(|p| (p >> 32) as u32) {
            match counts.last_mut() {
                Some((c, n)) if *c == cell => *n += 1,
                _ => counts.push((cell, 1)),
            }
        }
        Ok(counts)
    };
    for (cell, n) in distinct("participant_id")? {
        cells.entry(cell).or_default().participants = n;
    }
    for (cell, n) in distinct("source_id")? {
        cells.entry(cell).or_default().sources = n;
    }
    Ok(cells
        .into_iter()
        .map(|(cell, c)| {
            let key = (
                (u64::from(cell) / n_groups) as u32,
                (u64::from(cell) % n_groups) as u32,
            );
            (key, c)
        })
        .collect())
}

/// The values of a string column numbered in order of appearance
/// ([`NONE`] for a null): equal strings, equal numbers.
fn numbered(values: &StringChunked) -> Vec<u32> {
    let mut numbers: PlHashMap<&str, u32> = PlHashMap::new();
    looked_up(values, |v| {
        let next = numbers.len() as u32;
        *numbers.entry(v).or_insert(next)
    })
}

/// `f` of each value of a string column ([`NONE`] for a null), called
/// once per run of equal values (the codes of a segment's codings, the
/// groups of a source's segments come in runs).
fn looked_up<'a>(values: &'a StringChunked, mut f: impl FnMut(&'a str) -> u32) -> Vec<u32> {
    let mut last: Option<(&str, u32)> = None;
    values
        .iter()
        .map(|v| {
            let Some(v) = v else { return NONE };
            match last {
                Some((l, n)) if l == v => n,
                _ => {
                    let n = f(v);
                    last = Some((v, n));
                    n
                }
            }
        })
        .collect()
}

/// `part / whole`, null when the whole is 0.
pub fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

/// Segment ordering key for ties and listings: source id, position,
/// segment id (independent of the row order of the input).
pub type SegmentKey<'a> = (&'a str, u32, &'a str);

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::SegmentKind::Turn;
    use crate::synthesis::testing::*;

    #[test]
    fn coded_expands_to_ancestors_once_per_segment() {
        let mut b = Builder::codes(&[
            ("cout", None),
            ("cout.loyer", Some("cout")),
            ("bruit", None),
        ])
        .participant("A", "ana");
        let s1 = b.seg("a", "A", Some("ana"), Turn, "le loyer, le coût");
        let s2 = b.seg("a", "A", None, Turn, "le loyer");
        b.code(&s1, "cout", "coût", false);
        b.code(&s1, "cout.loyer", "loyer*", true);
        b.code(&s2, "cout.loyer", "loyer*", false);
        b.code(&s2, "inconnu", "x", false);
        let study = b.build();
        let input = study.input();
        let tree = CodeTree::from_frame(input.codes).unwrap();
        assert_eq!(tree.depths, vec![0, 1, 0]);
        let groups = Groups::of(&input).unwrap();
        assert_eq!(groups.names, vec!["A"]);
        assert_eq!((groups.segments[0], groups.participants[0]), (2, 1));
        let cells = cells(&input, &tree, &groups).unwrap();
        let cout = cells[&(0, 0)];
        assert_eq!(
            (cout.segments, cout.codings, cout.negated, cout.participants),
            (2, 3, 1, 1)
        );
        assert_eq!(cells[&(1, 0)].segments, 2);
        assert!(!cells.contains_key(&(2, 0)));

        // The cached expansion serves every option as the direct one does.
        for (rules, who) in [(false, false), (true, false), (false, true), (true, true)] {
            let opts = CodedOptions {
                rules,
                who,
                ..Default::default()
            };
            let cached = coded(&input, &tree, &groups, opts).unwrap();
            let direct = coded_uncached(&input, &tree, &groups, opts).unwrap();
            assert!(cached.equals_missing(&direct), "{cached}\n{direct}");
        }
        assert!(input.cache.coded.lock().unwrap().is_some());
        input.cache.release_coded();
        assert!(input.cache.coded.lock().unwrap().is_none());
        let again = coded(&input, &tree, &groups, CodedOptions::default()).unwrap();
        let direct = coded_uncached(&input, &tree, &groups, CodedOptions::default()).unwrap();
        assert!(again.equals_missing(&direct));
    }

    #[test]
    fn empty_frames_give_empty_groups_and_cells() {
        let study = Builder::codes(&[("a", None)]).build();
        let input = study.input();
        let tree = CodeTree::from_frame(input.codes).unwrap();
        let groups = Groups::of(&input).unwrap();
        assert!(groups.is_empty());
        assert!(cells(&input, &tree, &groups).unwrap().is_empty());
        let empty = DataFrame::default();
        let input = Input {
            segments: &empty,
            codings: &empty,
            codes: &empty,
            participants: &empty,
            config: input.config,
            cache: &Cache::default(),
            glossary: None,
            curation: None,
            methods: None,
        };
        assert!(CodeTree::from_frame(input.codes).unwrap().is_empty());
        assert!(Groups::of(&input).unwrap().is_empty());
    }
}
