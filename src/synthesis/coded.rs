//! The codings expanded to ancestors (one row per segment and code, so
//! that a parent counts a segment coded with any of its children once),
//! the counts of each (code, group) cell, and the [`Cache`] that lets the
//! synthesis tables compute them once.

use std::collections::BTreeMap;
use std::sync::{Mutex, OnceLock};

use polars::prelude::*;

use super::Input;
use super::groups::Groups;
use super::tree::CodeTree;

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
    let get = |name: &str| crate::rows::u32s(&df, name);
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
