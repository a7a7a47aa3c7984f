//! Times the recommendation merge on synthetic studies: 5,000 and 50,000
//! recommendations across 100 groups, worded from a 3,000-word vocabulary
//! (Zipf frequencies) around shared ideas, coded with 30 codes, plus two
//! coded transcript turns per recommendation and a quotes frame. Prints the
//! seconds of each size (best of three runs) and the ratio (target: at
//! most ~15 for 10× more).
//! Deterministic: the same sizes give the same study.
//!
//! `cargo run --release --example bench_merge -- [N...]` (default: 5000
//! 50000); `BENCH_RUNS=1` for a single run of each size.

use std::time::Instant;

use polars::prelude::*;
use qualsynth::corpus::{Segment, SegmentKind};
use qualsynth::store::tables::{participants_frame, segments_frame};
use qualsynth::synthesis::quotes::QuoteRow;
use qualsynth::synthesis::recommendations::merge;
use qualsynth::synthesis::{Input, SynthesisConfig};

const GROUPS: usize = 100;
const VOCABULARY: usize = 3_000;
/// 6 themes of 4 sub-themes each, 30 codes in all.
const THEMES: usize = 6;
const CODES: usize = THEMES * 5;

/// xorshift64*: small, fast, deterministic.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
    fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
}

/// Pseudo-French words from syllables, all distinct.
fn vocabulary() -> Vec<String> {
    const SYL: &[&str] = &[
        "ta", "ri", "mon", "ver", "pla", "cu", "sel", "do", "nir", "ga", "lo", "ben", "chu", "fi",
        "tra", "mé", "zo", "par", "lin", "su", "ro", "vé", "nou", "cla", "bri", "dé", "pen", "sto",
        "mar", "gui",
    ];
    const END: &[&str] = &["", "s", "er", "ion", "ment", "é", "ité", "age"];
    let mut out = Vec::with_capacity(VOCABULARY);
    let mut i = 0usize;
    while out.len() < VOCABULARY {
        let (a, b, c) = (i % SYL.len(), (i / SYL.len()) % SYL.len(), i / 900);
        let word = format!("{}{}{}", SYL[a], SYL[b], END[c % END.len()]);
        if !out.contains(&word) {
            out.push(word);
        }
        i += 1;
    }
    out
}

/// Samples word ranks with Zipf weights (1 / rank).
struct Zipf(Vec<f64>);

impl Zipf {
    fn new(n: usize) -> Self {
        let mut acc = 0.0;
        Zipf(
            (1..=n)
                .map(|r| {
                    acc += 1.0 / r as f64;
                    acc
                })
                .collect(),
        )
    }
    fn sample(&self, rng: &mut Rng) -> usize {
        let total = self.0.last().copied().unwrap_or(1.0);
        let x = (rng.next() >> 11) as f64 / (1u64 << 53) as f64 * total;
        self.0.partition_point(|&c| c < x).min(self.0.len() - 1)
    }
}

struct Study {
    segments: DataFrame,
    codings: DataFrame,
    codes: DataFrame,
    participants: DataFrame,
    quotes: Vec<QuoteRow>,
}

/// A study of `n` recommendations around `n / 5` ideas.
fn study(n: usize) -> Study {
    let words = vocabulary();
    let zipf = Zipf::new(VOCABULARY);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ n as u64);
    let stop = [
        "le", "la", "les", "des", "pour", "en", "du", "aux", "et", "un",
    ];
    let verbs = [
        "créer",
        "développer",
        "réduire",
        "supprimer",
        "augmenter",
        "renforcer",
        "simplifier",
        "baisser",
        "ouvrir",
        "soutenir",
    ];
    let ideas: Vec<(Vec<usize>, Vec<usize>, usize)> = (0..(n / 5).max(1))
        .map(|_| {
            let core = (0..4 + rng.below(3))
                .map(|_| zipf.sample(&mut rng))
                .collect();
            let theme = rng.below(THEMES);
            let mut codes = vec![theme * 5 + 1 + rng.below(4)];
            if rng.chance(0.3) {
                codes.push(rng.below(THEMES) * 5 + 1 + rng.below(4));
            }
            (core, codes, rng.below(verbs.len()))
        })
        .collect();
    let mut segs = Vec::with_capacity(3 * n);
    let (mut seg_ids, mut code_ids) = (Vec::new(), Vec::new());
    let code_id = |c: usize| {
        if c.is_multiple_of(5) {
            format!("t{}", c / 5)
        } else {
            format!("t{}.s{}", c / 5, c % 5)
        }
    };
    for i in 0..n {
        let (core, codes, verb) = &ideas[rng.below(ideas.len())];
        let mut text = vec![verbs[*verb].to_owned()];
        for &w in core {
            if rng.chance(0.75) {
                if rng.chance(0.4) {
                    text.push(stop[rng.below(stop.len())].to_owned());
                }
                text.push(words[w].clone());
            }
        }
        for _ in 0..2 + rng.below(3) {
            text.push(stop[rng.below(stop.len())].to_owned());
            text.push(words[zipf.sample(&mut rng)].clone());
        }
        let group = format!("G{:03}", rng.below(GROUPS));
        let id = format!("{group}-recs:{}", i + 1);
        segs.push(Segment {
            id: id.clone(),
            source_id: format!("{group}-recs"),
            group: group.clone(),
            position: i as u32 + 1,
            kind: SegmentKind::Recommendation,
            lang: "fr".into(),
            text: text.join(" "),
            votes: (!rng.chance(0.2)).then(|| rng.below(12) as i64),
            priority: Some(["haute", "moyenne", "basse"][rng.below(3)].into()),
            owner: rng.chance(0.3).then(|| "Comité local".into()),
            deadline: rng.chance(0.3).then(|| "T3 2027".into()),
            indicator: rng.chance(0.3).then(|| "au moins 20 %".into()),
            attributes: "{}".into(),
            ..Segment::default()
        });
        for &c in codes {
            if !rng.chance(0.1) {
                seg_ids.push(id.clone());
                code_ids.push(code_id(c));
            }
        }
    }
    for i in 0..2 * n {
        let group = format!("G{:03}", rng.below(GROUPS));
        let id = format!("{group}-turns:{}", i + 1);
        segs.push(Segment {
            id: id.clone(),
            source_id: format!("{group}-turns"),
            group,
            position: i as u32 + 1,
            kind: SegmentKind::Turn,
            lang: "fr".into(),
            text: "…".into(),
            attributes: "{}".into(),
            ..Segment::default()
        });
        for _ in 0..1 + rng.below(2) {
            seg_ids.push(id.clone());
            code_ids.push(code_id(rng.below(CODES)));
        }
    }
    let k = seg_ids.len();
    let codings = DataFrame::new_infer_height(vec![
        Column::new("segment_id".into(), seg_ids),
        Column::new("code".into(), code_ids),
        Column::new("start".into(), vec![0u32; k]),
        Column::new("end".into(), vec![1u32; k]),
        Column::new("matched".into(), vec!["x"; k]),
        Column::new("rule".into(), vec!["x"; k]),
        Column::new("negated".into(), vec![false; k]),
    ])
    .expect("codings frame");
    let ids: Vec<String> = (0..CODES).map(code_id).collect();
    let parents: Vec<Option<String>> = (0..CODES)
        .map(|c| (!c.is_multiple_of(5)).then(|| code_id(c / 5 * 5)))
        .collect();
    let codes = DataFrame::new_infer_height(vec![
        Column::new("code_id".into(), ids.clone()),
        Column::new("label".into(), ids.clone()),
        Column::new("parent_id".into(), parents),
        Column::new(
            "depth".into(),
            (0..CODES)
                .map(|c| u32::from(!c.is_multiple_of(5)))
                .collect::<Vec<_>>(),
        ),
    ])
    .expect("codes frame");
    let (mut q_code, mut q_group, mut q_rank, mut q_seg, mut q_score) =
        (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for c in &ids {
        for g in 0..GROUPS {
            for r in 1..=3u32 {
                q_code.push(c.clone());
                q_group.push(format!("G{g:03}"));
                q_rank.push(r);
                q_seg.push(format!("G{g:03}-turns:{}", rng.below(2 * n) + 1));
                q_score.push(1.0 / f64::from(r));
            }
        }
    }
    let quotes: Vec<QuoteRow> = (0..q_code.len())
        .map(|i| QuoteRow {
            code: q_code[i].clone(),
            group: q_group[i].clone(),
            rank: q_rank[i],
            segment_id: q_seg[i].clone(),
            key: None,
            source_id: "s".into(),
            participant: Some("p".into()),
            line: Some(1),
            time_ms: None,
            text: "t".into(),
            score: q_score[i],
        })
        .collect();
    Study {
        segments: segments_frame(&segs).expect("segments frame"),
        codings,
        codes,
        participants: participants_frame(&[]).expect("participants frame"),
        quotes,
    }
}

fn main() {
    let sizes: Vec<usize> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![5_000, 50_000]
    } else {
        sizes
    };
    let config = SynthesisConfig::default();
    let mut times = Vec::new();
    for &n in &sizes {
        let s = study(n);
        let input = Input {
            segments: &s.segments,
            codings: &s.codings,
            codes: &s.codes,
            participants: &s.participants,
            config: &config,
            cache: &qualsynth::synthesis::Cache::default(),
            glossary: None,
            curation: None,
            methods: None,
        };
        // Best of three runs (BENCH_RUNS): the machine may be busy.
        let runs: usize = std::env::var("BENCH_RUNS")
            .ok()
            .and_then(|r| r.parse().ok())
            .unwrap_or(3);
        let mut secs = f64::INFINITY;
        let mut merged = None;
        for _ in 0..runs.max(1) {
            let start = Instant::now();
            match merge(&input, &s.quotes) {
                Ok(m) => merged = Some(m),
                Err(e) => {
                    eprintln!("error: {e}");
                    std::process::exit(1);
                }
            }
            secs = secs.min(start.elapsed().as_secs_f64());
        }
        let Some(merged) = merged else { return };
        let multi = merged
            .recommendations
            .iter()
            .filter(|r| r.members > 1)
            .count();
        println!(
            "{n} recommendations: {secs:.3} s, {} merged ({multi} with 2+ members), {} evidence quotes",
            merged.recommendations.len(),
            merged.evidence.len()
        );
        times.push(secs);
    }
    if let [a, .., b] = times[..] {
        println!(
            "ratio {}→{}: {:.1} (target ≤ ~15 for 10×)",
            sizes[0],
            sizes[sizes.len() - 1],
            b / a
        );
    }
}
