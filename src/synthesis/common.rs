//! Helpers shared by the synthesis tables: the code tree read from the
//! codes frame, the groups of the study and their sizes, and the codings
//! expanded to ancestors (one row per segment and code, so that a parent
//! counts a segment coded with any of its children once).

use std::collections::{BTreeMap, HashMap};
use std::sync::OnceLock;

use polars::prelude::*;

use super::Input;

/// What the synthesis tables of one input share: the codings expanded to
/// ancestors and the cell counts are computed once, by the first table that
/// needs them, instead of once per table. A cache serves the frames of one
/// [`Input`] only: make a new one for other frames.
#[derive(Debug, Default)]
pub struct Cache {
    /// [`coded`] with `rules`, without `who` or filters.
    coded: OnceLock<DataFrame>,
    /// [`cells`] with `who`.
    cells: OnceLock<BTreeMap<(u32, u32), CellCounts>>,
}

/// The value in `cell`, computing it with `f` the first time.
fn cached<T>(cell: &OnceLock<T>, f: impl FnOnce() -> PolarsResult<T>) -> PolarsResult<&T> {
    if let Some(v) = cell.get() {
        return Ok(v);
    }
    let v = f()?;
    Ok(cell.get_or_init(|| v))
}

/// How a stance code (`x.pour`, `x.contre`, …) speaks about its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stance {
    /// `.pour`, `.for`, `.pro`: a plain mention of the parent.
    For,
    /// `.contre`, `.against`, `.con`: a negative mention of the parent.
    Against,
}

/// The codebook tree, in codebook order (the order of the codes frame).
#[derive(Debug, Clone, Default)]
pub struct CodeTree {
    /// Code ids.
    pub ids: Vec<String>,
    /// Labels (null labels read as "").
    pub labels: Vec<String>,
    /// Index of each code's parent, `None` for a top-level code or a
    /// parent missing from the frame.
    pub parents: Vec<Option<usize>>,
    /// Depth in the tree (0 = top level), computed from the parents.
    pub depths: Vec<u32>,
    index: HashMap<String, usize>,
}

impl CodeTree {
    /// Reads `code_id, label, parent_id` from a codes frame. A repeated id
    /// keeps its first row; a frame without rows gives an empty tree.
    pub fn from_frame(codes: &DataFrame) -> PolarsResult<Self> {
        let mut tree = CodeTree::default();
        if codes.height() == 0 {
            return Ok(tree);
        }
        let ids = codes.column("code_id")?.str()?;
        let labels = codes.column("label")?.str()?;
        let parents = codes.column("parent_id")?.str()?;
        let mut parent_ids = Vec::new();
        for ((id, label), parent) in ids.iter().zip(labels.iter()).zip(parents.iter()) {
            let Some(id) = id else { continue };
            if tree.index.contains_key(id) {
                continue;
            }
            tree.index.insert(id.to_owned(), tree.ids.len());
            tree.ids.push(id.to_owned());
            tree.labels.push(label.unwrap_or_default().to_owned());
            parent_ids.push(parent);
        }
        tree.parents = parent_ids
            .iter()
            .enumerate()
            .map(|(i, p)| {
                p.and_then(|p| tree.index.get(p).copied())
                    .filter(|&p| p != i)
            })
            .collect();
        tree.depths = (0..tree.len())
            .map(|i| tree.ancestors(i).count() as u32)
            .collect();
        Ok(tree)
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the codebook has no code.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Index of a code id.
    pub fn get(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The parents of code `i`, nearest first (stops on a cycle).
    pub fn ancestors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let mut cur = self.parents[i];
        let mut steps = 0;
        std::iter::from_fn(move || {
            let p = cur?;
            steps += 1;
            if steps > self.len() {
                return None;
            }
            cur = self.parents[p];
            Some(p)
        })
    }

    /// Whether `a` is a proper ancestor of `b`.
    pub fn is_ancestor(&self, a: usize, b: usize) -> bool {
        self.ancestors(b).any(|p| p == a)
    }

    /// The stance a code takes on its parent, read from the last part of
    /// its id: `pour`/`for`/`pro` or `contre`/`against`/`con`. Only a code
    /// with a parent takes a stance.
    pub fn stance(&self, i: usize) -> Option<Stance> {
        self.parents[i]?;
        let (_, last) = self.ids[i].rsplit_once('.')?;
        match last.to_lowercase().as_str() {
            "pour" | "for" | "pro" => Some(Stance::For),
            "contre" | "against" | "con" => Some(Stance::Against),
            _ => None,
        }
    }

    /// One row per code and each of its ancestors and itself: `code` (the
    /// id a coding carries), `code_idx` (the code it counts for, by
    /// codebook index) and `against` (the coded code is an "against"
    /// stance code). With `only`, keeps the rows counting for that code.
    pub fn ancestry_frame(&self, only: Option<usize>) -> PolarsResult<DataFrame> {
        let (mut code, mut idx, mut against) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..self.len() {
            for j in std::iter::once(i).chain(self.ancestors(i)) {
                if only.is_some_and(|o| o != j) {
                    continue;
                }
                code.push(self.ids[i].as_str());
                idx.push(j as u32);
                against.push(self.stance(i) == Some(Stance::Against));
            }
        }
        DataFrame::new_infer_height(vec![
            Column::new("code".into(), code),
            Column::new("code_idx".into(), idx),
            Column::new("against".into(), against),
        ])
    }
}

/// The groups present in the segments table, sorted by name, with their
/// sizes.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Groups {
    /// Group names, sorted.
    pub names: Vec<String>,
    /// Segments of each group.
    pub segments: Vec<u32>,
    /// Participants of each group: the participants frame's rows for the
    /// group together with the distinct `participant_id` of its segments.
    pub participants: Vec<u32>,
}

impl Groups {
    /// Reads the groups of a study.
    pub fn of(input: &Input) -> PolarsResult<Self> {
        let segs = input.segments;
        if segs.height() == 0 {
            return Ok(Groups::default());
        }
        let counts = segs
            .clone()
            .lazy()
            .filter(col("group").is_not_null())
            .group_by([col("group")])
            .agg([len().cast(DataType::UInt32).alias("n")])
            .sort(["group"], SortMultipleOptions::default())
            .collect()?;
        let names: Vec<String> = counts
            .column("group")?
            .str()?
            .iter()
            .map(|g| g.unwrap_or_default().to_owned())
            .collect();
        let segments: Vec<u32> = counts
            .column("n")?
            .u32()?
            .iter()
            .map(Option::unwrap_or_default)
            .collect();
        let who = |df: &DataFrame| {
            df.clone()
                .lazy()
                .select([col("group"), col("participant_id")])
                .filter(
                    col("group")
                        .is_not_null()
                        .and(col("participant_id").is_not_null()),
                )
        };
        let mut people = vec![who(segs)];
        if input.participants.height() > 0 {
            people.push(who(input.participants));
        }
        let people = concat(people, UnionArgs::default())?
            .unique(None, UniqueKeepStrategy::Any)
            .group_by([col("group")])
            .agg([len().cast(DataType::UInt32).alias("n")])
            .collect()?;
        let found: HashMap<&str, u32> = people
            .column("group")?
            .str()?
            .iter()
            .zip(people.column("n")?.u32()?.iter())
            .filter_map(|(g, n)| Some((g?, n.unwrap_or_default())))
            .collect();
        let participants = names
            .iter()
            .map(|g| found.get(g.as_str()).copied().unwrap_or(0))
            .collect();
        Ok(Groups {
            names,
            segments,
            participants,
        })
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.names.len()
    }

    /// Whether the study has no group (no segments).
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// Index of a group name.
    pub fn get(&self, name: &str) -> Option<usize> {
        self.names.binary_search_by(|g| g.as_str().cmp(name)).ok()
    }

    /// `group, group_idx`, optionally only one group.
    fn frame(&self, only: Option<usize>) -> PolarsResult<DataFrame> {
        let keep = |i: &usize| only.is_none_or(|o| o == *i);
        let idx: Vec<usize> = (0..self.len()).filter(keep).collect();
        DataFrame::new_infer_height(vec![
            Column::new(
                "group".into(),
                idx.iter()
                    .map(|&i| self.names[i].as_str())
                    .collect::<Vec<_>>(),
            ),
            Column::new(
                "group_idx".into(),
                idx.iter().map(|&i| i as u32).collect::<Vec<_>>(),
            ),
        ])
    }
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
    let full = cached(&input.cache.coded, || {
        let all = CodedOptions {
            rules: true,
            ..CodedOptions::default()
        };
        coded_uncached(input, tree, groups, all)
    })?;
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
    let mut out = if input.codings.height() == 0 || input.segments.height() == 0 {
        empty_coded(opts.rules)?
    } else {
        let segs = input
            .segments
            .clone()
            .lazy()
            .select([col("segment_id"), col("group")])
            .with_row_index("seg", None)
            .join(
                groups.frame(opts.group)?.lazy(),
                [col("group")],
                [col("group")],
                JoinArgs::new(JoinType::Inner),
            )
            .select([col("segment_id"), col("seg"), col("group_idx")]);
        let mut cols = vec![
            col("segment_id"),
            col("code"),
            col("negated").fill_null(lit(false)),
        ];
        let mut aggs = vec![
            len().cast(DataType::UInt32).alias("codings"),
            col("group_idx").first(),
            col("negated")
                .cast(DataType::UInt32)
                .sum()
                .cast(DataType::UInt32),
            col("negated")
                .neq(col("against"))
                .cast(DataType::UInt32)
                .sum()
                .cast(DataType::UInt32)
                .alias("negative"),
        ];
        if opts.rules {
            cols.push(col("rule"));
            aggs.push(
                col("rule")
                    .drop_nulls()
                    .n_unique()
                    .cast(DataType::UInt32)
                    .alias("rules"),
            );
        }
        // One key per (segment, code): sorting it first lets the group-by
        // take polars' fast path for sorted keys (several times faster
        // than hashing millions of small groups).
        let key = (col("seg").cast(DataType::UInt64) * lit(KEY_SHIFT))
            + col("code_idx").cast(DataType::UInt64);
        input
            .codings
            .clone()
            .lazy()
            .select(cols)
            .join(
                segs,
                [col("segment_id")],
                [col("segment_id")],
                JoinArgs::new(JoinType::Inner),
            )
            .join(
                tree.ancestry_frame(opts.code)?.lazy(),
                [col("code")],
                [col("code")],
                JoinArgs::new(JoinType::Inner),
            )
            .with_column(key.alias("key"))
            .sort(["key"], SortMultipleOptions::default())
            .group_by_stable([col("key")])
            .agg(aggs)
            .with_columns([
                (col("key") / lit(KEY_SHIFT)).cast(IDX_DTYPE).alias("seg"),
                (col("key") % lit(KEY_SHIFT))
                    .cast(DataType::UInt32)
                    .alias("code_idx"),
            ])
            .select(coded_columns(opts.rules))
            .collect()?
    };
    if opts.who {
        add_who(input, &mut out)?;
    }
    Ok(out)
}

/// Multiplier of the segment row in the (segment, code) key.
const KEY_SHIFT: u64 = 1 << 32;

/// The columns of [`coded`] before `participant_id` and `source_id`.
fn coded_columns(rules: bool) -> Vec<Expr> {
    let mut cols = vec![
        col("seg"),
        col("code_idx"),
        col("codings"),
        col("group_idx"),
        col("negated"),
        col("negative"),
    ];
    if rules {
        cols.push(col("rules"));
    }
    cols
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
    let opts = CodedOptions {
        who: true,
        ..Default::default()
    };
    let coded = coded(input, tree, groups, opts)?;
    let u = |e: Expr, name: &str| e.cast(DataType::UInt32).alias(name);
    let aggs = vec![
        u(len(), "segments"),
        u(col("codings").sum(), "codings"),
        u(col("negated").sum(), "negated"),
        u(col("negative").sum(), "negative"),
        u(
            col("participant_id").drop_nulls().n_unique(),
            "participants",
        ),
        u(col("source_id").drop_nulls().n_unique(), "sources"),
    ];
    let df = coded
        .lazy()
        .group_by([col("code_idx"), col("group_idx")])
        .agg(aggs)
        .collect()?;
    let get = |name: &str| -> PolarsResult<Vec<u32>> {
        Ok(df
            .column(name)?
            .u32()?
            .iter()
            .map(Option::unwrap_or_default)
            .collect())
    };
    let (code, group) = (get("code_idx")?, get("group_idx")?);
    let (segments, codings, negated, negative) = (
        get("segments")?,
        get("codings")?,
        get("negated")?,
        get("negative")?,
    );
    let (participants, sources) = (get("participants")?, get("sources")?);
    Ok((0..df.height())
        .map(|i| {
            let c = CellCounts {
                segments: segments[i],
                participants: participants[i],
                sources: sources[i],
                codings: codings[i],
                negated: negated[i],
                negative: negative[i],
            };
            ((code[i], group[i]), c)
        })
        .collect())
}

/// Display names of participants (`participant_id` → `name`).
pub fn display_names(input: &Input) -> PolarsResult<HashMap<String, String>> {
    let p = input.participants;
    if p.height() == 0 {
        return Ok(HashMap::new());
    }
    let ids = p.column("participant_id")?.str()?;
    let names = p.column("name")?.str()?;
    Ok(ids
        .iter()
        .zip(names.iter())
        .filter_map(|(i, n)| Some((i?.to_owned(), n?.to_owned())))
        .collect())
}

/// `part / whole`, null when the whole is 0.
pub fn share(part: u32, whole: u32) -> Option<f64> {
    (whole > 0).then(|| f64::from(part) / f64::from(whole))
}

/// Segment ordering key for ties and listings: source id, position,
/// segment id (independent of the row order of the input).
pub type SegmentKey<'a> = (&'a str, u32, &'a str);

#[cfg(test)]
pub(crate) mod testing {
    //! Small studies built inline for the synthesis tests.

    use polars::prelude::*;

    use crate::coding::{CodeInfo, Coding};
    use crate::corpus::{Participant, Segment, SegmentKind};
    use crate::store::codings::{codes_frame, codings_frame};
    use crate::store::tables::{participants_frame, segments_frame};
    use crate::synthesis::{Input, SynthesisConfig};

    /// A study's frames, owned; [`Study::input`] borrows them.
    pub struct Study {
        pub segments: DataFrame,
        pub codings: DataFrame,
        pub codes: DataFrame,
        pub participants: DataFrame,
        pub config: SynthesisConfig,
    }

    impl Study {
        /// The synthesis input.
        pub fn input(&self) -> Input<'_> {
            Input {
                segments: &self.segments,
                codings: &self.codings,
                codes: &self.codes,
                participants: &self.participants,
                config: &self.config,
                // A fresh cache per input, as tests change studies between
                // calls (leaked: test studies are few and small).
                cache: Box::leak(Box::default()),
            }
        }
    }

    /// Builds a [`Study`] row by row.
    #[derive(Default)]
    pub struct Builder {
        codes: Vec<CodeInfo>,
        segments: Vec<Segment>,
        codings: Vec<(String, Coding)>,
        participants: Vec<Participant>,
    }

    impl Builder {
        /// Codes `(id, parent)` in codebook order (parents first).
        pub fn codes(codes: &[(&str, Option<&str>)]) -> Self {
            let mut b = Builder::default();
            for (id, parent) in codes {
                let parent = parent.map(|p| {
                    b.codes
                        .iter()
                        .position(|c| c.id == p)
                        .expect("parent first")
                });
                b.codes.push(CodeInfo {
                    id: (*id).into(),
                    label: format!("Label {id}"),
                    parent,
                });
            }
            b
        }

        /// A participant `group/name` (id is `group/name`).
        pub fn participant(mut self, group: &str, name: &str) -> Self {
            self.participants.push(Participant {
                id: format!("{group}/{name}"),
                group: group.into(),
                name: name.into(),
                pseudonymized: false,
                attributes: "{}".into(),
                sources: Vec::new(),
            });
            self
        }

        /// A turn `source:n` of group `group`, said by `group/who` (if
        /// any); returns the segment id.
        pub fn seg(
            &mut self,
            source: &str,
            group: &str,
            who: Option<&str>,
            kind: SegmentKind,
            text: &str,
        ) -> String {
            let position = self
                .segments
                .iter()
                .filter(|s| s.source_id == source)
                .count() as u32
                + 1;
            let id = format!("{source}:{position}");
            self.segments.push(Segment {
                id: id.clone(),
                source_id: source.into(),
                group: group.into(),
                participant_id: who.map(|w| format!("{group}/{w}")),
                position,
                line: Some(u64::from(position) + 10),
                kind,
                lang: "fr".into(),
                text: text.into(),
                attributes: "{}".into(),
                ..Default::default()
            });
            id
        }

        /// A coding of `code` on segment `seg` by rule `rule`.
        pub fn code(&mut self, seg: &str, code: &str, rule: &str, negated: bool) {
            let start = self.codings.iter().filter(|(s, _)| s == seg).count() as u32 * 10;
            self.codings.push((
                seg.into(),
                Coding {
                    code: code.into(),
                    start,
                    end: start + 5,
                    matched: rule.trim_end_matches('*').into(),
                    rule: rule.into(),
                    negated,
                },
            ));
        }

        /// The frames.
        pub fn build(&self) -> Study {
            let ids: Vec<&str> = self.codings.iter().map(|(s, _)| s.as_str()).collect();
            let cs: Vec<Vec<Coding>> = self.codings.iter().map(|(_, c)| vec![c.clone()]).collect();
            Study {
                segments: segments_frame(&self.segments).unwrap(),
                codings: codings_frame(&ids, &cs).unwrap(),
                codes: codes_frame(&self.codes).unwrap(),
                participants: participants_frame(&self.participants).unwrap(),
                config: SynthesisConfig::default(),
            }
        }
    }

    /// The same study with the rows of every frame in reverse order and
    /// interleaved (a deterministic shuffle).
    pub fn shuffled(s: &Study) -> Study {
        let mix = |df: &DataFrame| {
            let n = df.height() as IdxSize;
            let mut idx: Vec<IdxSize> = (0..n).rev().collect();
            let (odd, even): (Vec<_>, Vec<_>) = idx.drain(..).partition(|i| i % 2 == 1);
            let idx: Vec<IdxSize> = odd.into_iter().chain(even).collect();
            df.take(&IdxCa::from_vec("idx".into(), idx)).unwrap()
        };
        Study {
            segments: mix(&s.segments),
            codings: mix(&s.codings),
            codes: s.codes.clone(),
            participants: mix(&s.participants),
            config: s.config.clone(),
        }
    }

    /// Typed rows as a frame, for column assertions.
    pub fn frame<T: crate::rows::Rows>(rows: &[T]) -> DataFrame {
        T::to_frame(rows).unwrap()
    }

    /// A column's values as strings (nulls as "∅"), for assertions.
    /// Floats show 3 decimals.
    pub fn strs(df: &DataFrame, name: &str) -> Vec<String> {
        let c = df.column(name).unwrap();
        if let Ok(f) = c.f64() {
            return f
                .iter()
                .map(|v| v.map_or("∅".to_owned(), |v| format!("{v:.3}")))
                .collect();
        }
        let c = c.cast(&DataType::String).unwrap();
        c.str()
            .unwrap()
            .iter()
            .map(|v| v.unwrap_or("∅").to_owned())
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::testing::*;
    use super::*;
    use crate::corpus::SegmentKind::Turn;

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
        assert!(input.cache.coded.get().is_some());
    }

    #[test]
    fn stance_codes_are_read_from_the_last_part_of_the_id() {
        let b = Builder::codes(&[
            ("x", None),
            ("x.pour", Some("x")),
            ("x.contre", Some("x")),
            ("con", None),
            ("x.conseil", Some("x")),
        ]);
        let tree = CodeTree::from_frame(&b.build().codes).unwrap();
        let st: Vec<_> = (0..tree.len()).map(|i| tree.stance(i)).collect();
        assert_eq!(
            st,
            vec![None, Some(Stance::For), Some(Stance::Against), None, None]
        );
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
        };
        assert!(CodeTree::from_frame(input.codes).unwrap().is_empty());
        assert!(Groups::of(&input).unwrap().is_empty());
    }
}
