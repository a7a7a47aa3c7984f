//! The best quotes per code and group, each traceable to its source, line
//! or timestamp and (pseudonymised) speaker.
//!
//! Candidates are the segments of the group coded with the code or a
//! descendant, of kind turn, paragraph, observation or note
//! (recommendations are not quotes). Each gets a score:
//!
//! - +1 for each distinct rule matched in the segment for the code or its
//!   descendants, at most +3 (several cues of the theme in one statement);
//! - +1 × length fit: 1 when the trimmed text has between
//!   `quote_min_chars` and `quote_max_chars` characters, else
//!   `chars / quote_min_chars` below and `quote_max_chars / chars` above;
//! - +0.5 for a complete statement: the text ends with `.`, `!`, `?` or
//!   `…` (closing quotes and brackets aside), or the segment is a whole
//!   grid cell or note (kind observation or note);
//! - −1 when every coding of the code in the segment is negated.
//!
//! Quotes are then picked greedily, `quotes_per_cell` per cell: each round
//! takes the candidate with the highest score after a diversity penalty of
//! −1 when its participant already speaks in a chosen quote of the cell
//! and −0.5 when its source is already quoted, so a cell shows several
//! speakers and sources rather than one voice. The `score` column is that
//! penalised score at the time of the pick (it never increases with the
//! rank). Equal scores go to the earlier segment: by source id, then
//! position, then segment id.

use std::collections::HashMap;

use polars::prelude::*;
use rayon::prelude::*;

use super::Input;
use super::coded::{CodedOptions, SegmentKey, coded};
use super::groups::{Groups, display_names};
use super::tree::CodeTree;

/// Score per distinct rule matched.
pub const RULE_WEIGHT: f64 = 1.0;
/// Distinct rules counted at most.
pub const MAX_RULES: u32 = 3;
/// Weight of the length fit (0 to 1).
pub const LENGTH_WEIGHT: f64 = 1.0;
/// Bonus of a complete statement.
pub const COMPLETE_BONUS: f64 = 0.5;
/// Penalty of a mention that is only negated.
pub const NEGATED_PENALTY: f64 = 1.0;
/// Penalty when the speaker is already quoted in the cell.
pub const SAME_SPEAKER_PENALTY: f64 = 1.0;
/// Penalty when the source is already quoted in the cell.
pub const SAME_SOURCE_PENALTY: f64 = 0.5;

/// Segment kinds that can be quoted.
const QUOTABLE: [&str; 4] = ["turn", "paragraph", "observation", "note"];

crate::rows! {
    /// One of the best quotes of a code in a group.
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
    pub struct QuoteRow {
        /// The code id.
        pub code: String,
        /// The group.
        pub group: String,
        /// Rank within the code and group, from 1.
        pub rank: u32,
        /// The quoted segment.
        pub segment_id: String,
        /// Its key: the row or turn id of its import's id column, when it has one.
        pub key: Option<String>,
        /// Its source.
        pub source_id: String,
        /// The speaker's display name (the pseudonym where pseudonymised).
        pub participant: Option<String>,
        /// Line in the source.
        pub line: Option<u64>,
        /// Start time in the source, in milliseconds.
        pub time_ms: Option<u64>,
        /// The segment's text.
        pub text: String,
        /// The score at the time of the pick (see the quotes rules in the README).
        pub score: f64,
    }
}

/// The best `config.quotes_per_cell` quotes of every (code, group) cell
/// that has candidates, in codebook order, then group name, then rank.
pub fn quotes(input: &Input) -> PolarsResult<Vec<QuoteRow>> {
    let tree = CodeTree::from_frame(input.codes)?;
    let groups = Groups::of(input)?;
    pick(input, &tree, &groups, None, input.config.quotes_per_cell)
}

/// The best `k` quotes of one cell, as [`quotes`] gives them; none for an
/// unknown code or group.
pub fn quotes_for(input: &Input, code: &str, group: &str, k: usize) -> PolarsResult<Vec<QuoteRow>> {
    let tree = CodeTree::from_frame(input.codes)?;
    let groups = Groups::of(input)?;
    match (tree.get(code), groups.get(group)) {
        (Some(c), Some(g)) => pick(input, &tree, &groups, Some((c, g)), k),
        _ => Ok(Vec::new()),
    }
}

/// How well a text's length fits `[min, max]` characters (0 to 1).
pub fn length_fit(chars: usize, min: usize, max: usize) -> f64 {
    if chars < min {
        chars as f64 / min as f64
    } else if chars > max {
        max as f64 / chars as f64
    } else {
        1.0
    }
}

/// Whether a segment reads as a complete statement.
pub fn complete(kind: &str, text: &str) -> bool {
    if kind == "observation" || kind == "note" {
        return true;
    }
    let end = text.trim_end_matches(|c: char| {
        c.is_whitespace() || matches!(c, '"' | '\'' | '»' | '”' | '’' | ')' | ']')
    });
    end.ends_with(['.', '!', '?', '…'])
}

/// A candidate quote: a quotable segment (index in [`Quotable`]) and its
/// score before penalties.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    at: u32,
    base: f64,
}

/// What the picks read of the quotable coded segments (only those: at
/// 2,000,000 contributions, views of every segment's strings were the
/// largest part of the stage's peak), in segments-table order.
#[derive(Default)]
struct Quotable<'a> {
    /// Row in the segments frame.
    row: Vec<u32>,
    who: Vec<Option<&'a str>>,
    source: Vec<Option<&'a str>>,
    position: Vec<Option<u32>>,
    id: Vec<Option<&'a str>>,
    /// Score of the text: length fit and complete statement.
    text_score: Vec<f64>,
}

impl<'a> Quotable<'a> {
    /// The quotable segments among the segment `rows` (ascending).
    fn of(df: &'a DataFrame, rows: &[u32], cfg: &super::SynthesisConfig) -> PolarsResult<Self> {
        let mut q = Quotable::default();
        let mut texts: Vec<(&str, &str)> = Vec::new();
        let mut want = rows.iter().copied().peekable();
        let col = |name: &str| -> PolarsResult<&'a StringChunked> { df.column(name)?.str() };
        let (kind, text, who, source, id) = (
            col("kind")?,
            col("text")?,
            col("participant_id")?,
            col("source_id")?,
            col("segment_id")?,
        );
        let position = df.column("position")?.u32()?;
        let all = kind
            .iter()
            .zip(text.iter())
            .zip(who.iter().zip(source.iter()))
            .zip(position.iter().zip(id.iter()))
            .enumerate();
        for (r, (((kind, text), (who, source)), (position, id))) in all {
            let Some(&next) = want.peek() else { break };
            if next as usize != r {
                continue;
            }
            want.next();
            let kind = kind.unwrap_or_default();
            if !QUOTABLE.contains(&kind) {
                continue;
            }
            q.row.push(r as u32);
            q.who.push(who);
            q.source.push(source);
            q.position.push(position);
            q.id.push(id);
            texts.push((kind, text.unwrap_or_default()));
        }
        q.text_score = texts
            .par_iter()
            .map(|&(kind, text)| {
                let text = text.trim();
                let fit = length_fit(
                    text.chars().count(),
                    cfg.quote_min_chars,
                    cfg.quote_max_chars,
                );
                let bonus = if complete(kind, text) {
                    COMPLETE_BONUS
                } else {
                    0.0
                };
                LENGTH_WEIGHT * fit + bonus
            })
            .collect();
        Ok(q)
    }

    fn key(&self, i: usize) -> SegmentKey<'a> {
        (
            self.source[i].unwrap_or_default(),
            self.position[i].unwrap_or_default(),
            self.id[i].unwrap_or_default(),
        )
    }
}

/// Scores the candidates and picks `k` per cell (all cells, or `only`).
fn pick(
    input: &Input,
    tree: &CodeTree,
    groups: &Groups,
    only: Option<(usize, usize)>,
    k: usize,
) -> PolarsResult<Vec<QuoteRow>> {
    let n_groups = groups.len();
    let mut cells: Vec<Vec<Candidate>> = vec![Vec::new(); tree.len() * n_groups];
    let mut scored = Quotable::default();
    if k > 0 && !cells.is_empty() {
        let opts = CodedOptions {
            rules: true,
            code: only.map(|o| o.0),
            group: only.map(|o| o.1),
            ..Default::default()
        };
        let c = coded(input, tree, groups, opts)?;
        let seg = crate::rows::u32_slice(&c, "seg")?;
        let (code, group) = (
            crate::rows::u32_slice(&c, "code_idx")?,
            crate::rows::u32_slice(&c, "group_idx")?,
        );
        let (codings, negated, rules) = (
            crate::rows::u32_slice(&c, "codings")?,
            crate::rows::u32_slice(&c, "negated")?,
            crate::rows::u32_slice(&c, "rules")?,
        );
        let mut rows: Vec<u32> = seg.to_vec();
        rows.dedup();
        rows.shrink_to_fit();
        scored = Quotable::of(input.segments, &rows, input.config)?;
        drop(rows);
        let cell_of = |i: usize| code[i] as usize * n_groups + group[i] as usize;
        // The candidates of each cell, counted first so that each cell's
        // list is allocated once, at its size.
        let mut at = 0usize;
        let mut quotable = vec![u32::MAX; seg.len()];
        let mut sizes = vec![0usize; cells.len()];
        for i in 0..seg.len() {
            while at < scored.row.len() && scored.row[at] < seg[i] {
                at += 1;
            }
            if at < scored.row.len() && scored.row[at] == seg[i] {
                quotable[i] = at as u32;
                sizes[cell_of(i)] += 1;
            }
        }
        for (cell, n) in cells.iter_mut().zip(sizes) {
            cell.reserve_exact(n);
        }
        for i in 0..seg.len() {
            let at = quotable[i];
            if at == u32::MAX {
                continue;
            }
            let mut base =
                RULE_WEIGHT * f64::from(rules[i].min(MAX_RULES)) + scored.text_score[at as usize];
            if negated[i] >= codings[i] {
                base -= NEGATED_PENALTY;
            }
            cells[cell_of(i)].push(Candidate { at, base });
        }
    }
    let picks: Vec<Vec<(usize, f64)>> = cells
        .par_iter()
        .map(|cands| greedy(cands, &scored, k))
        .collect();
    drop(cells);
    let names = display_names(input)?;
    output(input, tree, groups, &picks, &names)
}

/// Picks `k` candidates of one cell, best first, with the diversity
/// penalties; returns (segment row, penalised score).
fn greedy(cands: &[Candidate], segs: &Quotable, k: usize) -> Vec<(usize, f64)> {
    let mut chosen: Vec<(usize, f64)> = Vec::with_capacity(k.min(cands.len()));
    let mut used = vec![false; cands.len()];
    while chosen.len() < k.min(cands.len()) {
        let mut best: Option<(usize, f64)> = None;
        for (i, c) in cands.iter().enumerate() {
            if used[i] {
                continue;
            }
            let (at, mut score) = (c.at as usize, c.base);
            let who = segs.who[at];
            if who.is_some() && chosen.iter().any(|&(s, _)| segs.who[s] == who) {
                score -= SAME_SPEAKER_PENALTY;
            }
            let source = segs.source[at];
            if chosen.iter().any(|&(s, _)| segs.source[s] == source) {
                score -= SAME_SOURCE_PENALTY;
            }
            let better = match best {
                None => true,
                Some((b, bs)) => {
                    score > bs || (score == bs && segs.key(at) < segs.key(cands[b].at as usize))
                }
            };
            if better {
                best = Some((i, score));
            }
        }
        let Some((i, score)) = best else { break };
        used[i] = true;
        chosen.push((cands[i].at as usize, score));
    }
    chosen
        .into_iter()
        .map(|(at, score)| (segs.row[at] as usize, score))
        .collect()
}

/// The quotes from the picks of every cell (cell = code × groups +
/// group).
fn output(
    input: &Input,
    tree: &CodeTree,
    groups: &Groups,
    picks: &[Vec<(usize, f64)>],
    names: &HashMap<String, String>,
) -> PolarsResult<Vec<QuoteRow>> {
    let n: usize = picks.iter().map(Vec::len).sum();
    let mut out = Vec::with_capacity(n);
    if n == 0 {
        return Ok(out);
    }
    let segs = input.segments;
    let id = segs.column("segment_id")?.str()?;
    let source = segs.column("source_id")?.str()?;
    let key = segs.column("key").ok().map(|c| c.str()).transpose()?;
    let who = segs.column("participant_id")?.str()?;
    let line = segs.column("line")?.u64()?;
    let time = segs.column("time_ms")?.u64()?;
    let text = segs.column("text")?.str()?;
    for (cell, chosen) in picks.iter().enumerate() {
        for (r, &(seg, score)) in chosen.iter().enumerate() {
            out.push(QuoteRow {
                code: tree.ids[cell / groups.len()].clone(),
                group: groups.names[cell % groups.len()].clone(),
                rank: r as u32 + 1,
                segment_id: id.get(seg).unwrap_or_default().to_owned(),
                key: key.and_then(|k| k.get(seg)).map(str::to_owned),
                source_id: source.get(seg).unwrap_or_default().to_owned(),
                participant: who.get(seg).and_then(|w| names.get(w)).cloned(),
                line: line.get(seg),
                time_ms: time.get(seg),
                text: text.get(seg).unwrap_or_default().to_owned(),
                score,
            });
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::corpus::SegmentKind::{Note, Observation, Recommendation, Turn};
    use crate::synthesis::testing::*;

    const GOOD: &str = "Le loyer du local est devenu trop cher pour nous tous.";

    #[test]
    fn score_parts() {
        assert_eq!(length_fit(40, 40, 400), 1.0);
        assert_eq!(length_fit(20, 40, 400), 0.5);
        assert_eq!(length_fit(800, 40, 400), 0.5);
        assert!(complete("turn", "C'est trop cher !"));
        assert!(complete("turn", "« C'est trop cher. »"));
        assert!(!complete("turn", "C'est trop cher, et"));
        assert!(complete("observation", "loyer trop cher"));
        assert!(complete("note", "loyer"));
    }

    #[test]
    fn more_rules_complete_statements_and_plain_mentions_rank_first() {
        let mut b = Builder::codes(&[("cout", None), ("cout.loyer", Some("cout"))]);
        let ps = ["p1", "p2", "p3", "p4", "p5"];
        let mut ids = Vec::new();
        for (i, text) in [
            GOOD,                                                        // 1 rule
            "Le loyer du local est devenu trop cher pour nous tous, et", // incomplete
            GOOD,                                                        // 2 rules
            GOOD,                                                        // negated only
            "Loyer.",                                                    // too short
        ]
        .iter()
        .enumerate()
        {
            ids.push(b.seg(&format!("src{i}"), "G", Some(ps[i]), Turn, text));
        }
        b.code(&ids[0], "cout", "cher", false);
        b.code(&ids[1], "cout", "cher", false);
        b.code(&ids[2], "cout", "cher", false);
        b.code(&ids[2], "cout.loyer", "loyer*", false);
        b.code(&ids[3], "cout", "cher", true);
        b.code(&ids[4], "cout", "loyer", false);
        let r = b.seg("recs", "G", None, Recommendation, GOOD);
        b.code(&r, "cout", "cher", false);
        b.code(&r, "cout.loyer", "loyer*", false);
        let mut st = b.build();
        st.config.quotes_per_cell = 10;
        let q = frame(&quotes(&st.input()).unwrap());
        let cout: Vec<String> = (0..q.height())
            .filter(|&i| strs(&q, "code")[i] == "cout")
            .map(|i| strs(&q, "segment_id")[i].clone())
            .collect();
        assert_eq!(cout, ["src2:1", "src0:1", "src1:1", "src4:1", "src3:1"]);
        assert_eq!(strs(&q, "rank")[..5], ["1", "2", "3", "4", "5"]);
        let scores = q.column("score").unwrap().f64().unwrap();
        assert_eq!(scores.get(0), Some(3.5));
        assert_eq!(scores.get(1), Some(2.5));
        assert_eq!(scores.get(2), Some(2.0));
        assert!(!strs(&q, "segment_id").contains(&"recs:1".to_owned()));
        // cout.loyer: only src2.
        assert_eq!(q.height(), 6);
    }

    #[test]
    fn one_voice_is_penalised() {
        let mut b = Builder::codes(&[("cout", None)])
            .participant("G", "ana")
            .participant("G", "bob");
        let mut ana = Vec::new();
        for _ in 0..3 {
            ana.push(b.seg("t", "G", Some("ana"), Turn, GOOD));
        }
        let bob = b.seg(
            "t",
            "G",
            Some("bob"),
            Turn,
            "Le loyer du local est devenu trop cher, et",
        );
        let note = b.seg("wall", "G", None, Note, "trop cher");
        for s in ana.iter().chain([&bob, &note]) {
            b.code(s, "cout", "cher", false);
        }
        let st = b.build();
        let q = frame(&quotes(&st.input()).unwrap());
        // Base scores: ana 2.5 each, bob 2.0 (incomplete), the note 1.725.
        // Once ana is quoted her other turns fall to 2.5 − 1 − 0.5 = 1.0,
        // below the note (1.725) and bob (2.0 − 0.5 for the same source).
        assert_eq!(strs(&q, "segment_id"), ["t:1", "wall:1", "t:4"]);
        assert_eq!(strs(&q, "participant"), ["ana", "∅", "bob"]);
        assert_eq!(strs(&q, "score"), ["2.500", "1.725", "1.500"]);
    }

    #[test]
    fn equal_scores_go_to_other_speakers_then_segment_order() {
        let mut b = Builder::codes(&[("cout", None)])
            .participant("G", "ana")
            .participant("G", "bob")
            .participant("G", "eve");
        let mut ids = Vec::new();
        for who in ["ana", "ana", "ana", "bob", "eve"] {
            ids.push(b.seg("t", "G", Some(who), Turn, GOOD));
        }
        for s in &ids {
            b.code(s, "cout", "cher", false);
        }
        let st = b.build();
        let q = frame(&quotes(&st.input()).unwrap());
        assert_eq!(strs(&q, "segment_id"), ["t:1", "t:4", "t:5"]);
        assert_eq!(strs(&q, "participant"), ["ana", "bob", "eve"]);
    }

    #[test]
    fn quotes_are_the_same_for_shuffled_rows_and_quotes_for_agrees() {
        let mut b = Builder::codes(&[("a", None), ("b", None)]);
        for g in ["G1", "G2"] {
            for i in 0..6 {
                let who = format!("p{}", i % 3);
                let text = if i % 2 == 0 { GOOD } else { "Court." };
                let s = b.seg(&format!("{g}-{}", i % 2), g, Some(&who), Observation, text);
                b.code(&s, "a", "r1", i == 5);
                if i % 3 == 0 {
                    b.code(&s, "b", "r2", false);
                }
            }
        }
        let st = b.build();
        let q = quotes(&st.input()).unwrap();
        assert_eq!(q.len(), 3 + 2 + 3 + 2);
        assert_eq!(q, quotes(&st.input()).unwrap());
        assert_eq!(q, quotes(&shuffled(&st).input()).unwrap());
        let one = quotes_for(&st.input(), "a", "G2", 3).unwrap();
        let from_all: Vec<QuoteRow> = q
            .iter()
            .filter(|r| r.code == "a" && r.group == "G2")
            .cloned()
            .collect();
        assert_eq!(one, from_all);
        assert!(quotes_for(&st.input(), "zz", "G2", 3).unwrap().is_empty());
        assert!(quotes_for(&st.input(), "a", "G2", 0).unwrap().is_empty());
    }

    #[test]
    fn empty_codings_give_no_quotes() {
        let mut b = Builder::codes(&[("a", None)]);
        b.seg("s", "G", None, Turn, GOOD);
        let q = frame(&quotes(&b.build().input()).unwrap());
        assert_eq!((q.height(), q.width()), (0, 11));
    }
}
