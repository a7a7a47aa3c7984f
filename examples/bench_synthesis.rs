//! Synthesis benchmark (see `benches/synthesis.sh`): generates a large
//! coded study in memory and times each synthesis table.
//! `cargo run --release --example bench_synthesis -- [SEGMENTS]`.
//!
//! Deterministic: 1,000,000 segments by default across 100 groups of 50
//! participants (5,000) and 10 sources each; 30 codes in a two-level tree
//! (6 themes of 4 sub-codes); about 1.5 codings per segment, one in ten
//! negated; texts of 20 to 600 characters; a few kinds of segment.

use std::time::Instant;

use polars::prelude::*;
use qualsynth::coding::CodeInfo;
use qualsynth::corpus::Participant;
use qualsynth::store::codings::codes_frame;
use qualsynth::store::tables::participants_frame;
use qualsynth::synthesis::{
    Input, SynthesisConfig, convergence, cooccurrence, divergence, matrix, quotes,
};

const GROUPS: usize = 100;
const PER_GROUP: usize = 50;
const SOURCES: usize = 10;
const THEMES: usize = 6;
const SUBS: usize = 4;
const WORDS: &[&str] = &[
    "le",
    "loyer",
    "est",
    "trop",
    "cher",
    "pour",
    "les",
    "membres",
    "espace",
    "horaires",
    "communauté",
    "isolement",
    "trajet",
    "bruit",
    "cabine",
    "tarif",
    "revenus",
    "café",
    "samedi",
    "crèche",
    "réservation",
    "outil",
    "écran",
    "conseil",
    "entraide",
    "nous",
    "vraiment",
    "mais",
];

/// splitmix64: a small deterministic generator.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn codes() -> Vec<CodeInfo> {
    let mut out = Vec::new();
    for t in 0..THEMES {
        let parent = out.len();
        out.push(CodeInfo {
            id: format!("theme{t}"),
            label: format!("Theme {t}"),
            parent: None,
        });
        for s in 0..SUBS {
            out.push(CodeInfo {
                id: format!("theme{t}.sub{s}"),
                label: format!("Theme {t}, sub-code {s}"),
                parent: Some(parent),
            });
        }
    }
    out
}

fn study(n: usize) -> PolarsResult<(DataFrame, DataFrame, DataFrame, DataFrame)> {
    let mut rng = Rng(42);
    let codes = codes();
    let b = |name: &str| StringChunkedBuilder::new(name.into(), n);
    let (mut id, mut source, mut group, mut session) =
        (b("segment_id"), b("source_id"), b("group"), b("session"));
    let (mut who, mut kind, mut question, mut lang) =
        (b("participant_id"), b("kind"), b("question"), b("lang"));
    let (mut text, mut priority, mut owner, mut deadline) =
        (b("text"), b("priority"), b("owner"), b("deadline"));
    let (mut indicator, mut attributes) = (b("indicator"), b("attributes"));
    let (mut position, mut line, mut time, mut votes) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    let m = n * 3 / 2;
    let (mut c_seg, mut c_code, mut c_matched, mut c_rule) =
        (b("segment_id"), b("code"), b("matched"), b("rule"));
    let (mut c_start, mut c_end, mut c_neg) = (
        Vec::with_capacity(m),
        Vec::with_capacity(m),
        Vec::with_capacity(m),
    );
    let mut buf = String::new();
    let mut positions = vec![0u32; GROUPS * SOURCES];
    for i in 0..n {
        let g = i % GROUPS;
        let s = rng.below(SOURCES);
        let src = g * SOURCES + s;
        positions[src] += 1;
        let pos = positions[src];
        let sid = format!("g{g:03}-s{s}:{pos}");
        id.append_value(&sid);
        source.append_value(format!("g{g:03}-s{s}"));
        group.append_value(format!("Group {g:03}"));
        session.append_value("2026-03-12");
        let k = match rng.below(20) {
            0 => "recommendation",
            1 | 2 => "observation",
            3 => "note",
            4 => "paragraph",
            _ => "turn",
        };
        let speaker = (k != "paragraph" && k != "recommendation")
            .then(|| format!("g{g:03}/p{:02}", rng.below(PER_GROUP)));
        who.append_option(speaker.as_deref());
        kind.append_value(k);
        question.append_null();
        lang.append_value("fr");
        buf.clear();
        let target = 20 + rng.below(580);
        while buf.len() < target {
            if !buf.is_empty() {
                buf.push(' ');
            }
            buf.push_str(WORDS[rng.below(WORDS.len())]);
        }
        if rng.below(2) == 0 {
            buf.push('.');
        }
        text.append_value(&buf);
        position.push(pos);
        line.push(Some(u64::from(pos)));
        time.push(s.is_multiple_of(2).then_some(u64::from(pos) * 15_000));
        votes.push((k == "recommendation").then_some(rng.below(10) as i64));
        for c in [&mut priority, &mut owner, &mut deadline, &mut indicator] {
            c.append_null();
        }
        attributes.append_value("{}");
        // 0, 1, 2 or 3 codings: 1.5 on average.
        let count = match rng.below(8) {
            0 | 1 => 0,
            2 | 3 => 1,
            4 | 5 => 2,
            _ => 3,
        };
        for _ in 0..count {
            let t = rng.below(THEMES);
            let c = if rng.below(5) == 0 {
                t * (SUBS + 1)
            } else {
                t * (SUBS + 1) + 1 + rng.below(SUBS)
            };
            let start = rng.below(target.max(1)) as u32;
            c_seg.append_value(&sid);
            c_code.append_value(&codes[c].id);
            c_start.push(start);
            c_end.push(start + 5);
            c_matched.append_value("loyer");
            c_rule.append_value(format!("rule{}", rng.below(4)));
            c_neg.push(rng.below(10) == 0);
        }
    }
    let s = |b: StringChunkedBuilder| b.finish().into_column();
    let segments = DataFrame::new_infer_height(vec![
        s(id),
        s(source),
        s(group),
        s(session),
        s(who),
        Column::new("position".into(), position),
        Column::new("line".into(), line),
        Column::new("time_ms".into(), time),
        s(kind),
        s(question),
        s(lang),
        s(text),
        Column::new("votes".into(), votes),
        s(priority),
        s(owner),
        s(deadline),
        s(indicator),
        s(attributes),
    ])?;
    let codings = DataFrame::new_infer_height(vec![
        s(c_seg),
        s(c_code),
        Column::new("start".into(), c_start),
        Column::new("end".into(), c_end),
        s(c_matched),
        s(c_rule),
        Column::new("negated".into(), c_neg),
    ])?;
    let people: Vec<Participant> = (0..GROUPS * PER_GROUP)
        .map(|i| Participant {
            id: format!("g{:03}/p{:02}", i / PER_GROUP, i % PER_GROUP),
            group: format!("Group {:03}", i / PER_GROUP),
            name: format!("P{i:04}"),
            pseudonymized: true,
            role: Default::default(),
            attributes: "{}".into(),
            sources: Vec::new(),
        })
        .collect();
    Ok((
        segments,
        codings,
        codes_frame(&codes)?,
        participants_frame(&people)?,
    ))
}

fn main() -> PolarsResult<()> {
    let n: usize = std::env::args()
        .nth(1)
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let t = Instant::now();
    let (segments, codings, codes, participants) = study(n)?;
    println!(
        "generated: {} segments, {} codings, {} codes, {} participants, {} groups ({:.2} s, not counted)",
        segments.height(),
        codings.height(),
        codes.height(),
        participants.height(),
        GROUPS,
        t.elapsed().as_secs_f64()
    );
    let config = SynthesisConfig::default();
    let input = Input {
        segments: &segments,
        codings: &codings,
        codes: &codes,
        participants: &participants,
        config: &config,
        // Shared by the tables, as in `qualsynth synthesize`: the first
        // table to need the expanded codings pays for them.
        cache: &qualsynth::synthesis::Cache::default(),
        glossary: None,
        curation: None,
        methods: None,
    };
    type Table = fn(&Input) -> PolarsResult<usize>;
    let tables: [(&str, Table); 5] = [
        ("matrix", |i| Ok(matrix::matrix(i)?.len())),
        ("convergence", |i| Ok(convergence::convergence(i)?.len())),
        ("cooccurrence", |i| Ok(cooccurrence::cooccurrence(i)?.len())),
        ("divergence", |i| Ok(divergence::divergence(i)?.len())),
        ("quotes", |i| Ok(quotes::quotes(i)?.len())),
    ];
    let mut total = 0.0;
    for (name, f) in tables {
        let t = Instant::now();
        let rows = f(&input)?;
        let s = t.elapsed().as_secs_f64();
        total += s;
        println!("{name:<13} {s:>7.3} s  ({rows} rows)");
    }
    println!("{:<13} {total:>7.3} s", "total");
    Ok(())
}
