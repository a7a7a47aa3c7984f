//! Merge quality against a hand-made gold standard (a bench, not a test):
//! reads a synthesised study and a gold CSV (`benches/merge-gold/`), aligns
//! the study's recommendation items with the gold items (same grid row,
//! most similar text), and prints pairwise precision, recall and F1,
//! B-cubed F1, the stance conflicts inside merged items, and the
//! non-proposals among the top 20 of the board table.
//!
//! `cargo run --release --example merge_quality -- STUDY GOLD.csv [--list]`
//! (`benches/merge_quality.sh` builds the studies and runs it.)

use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::Path;

use qualsynth::pipeline::Study;
use qualsynth::pipeline::synthesize::stored;

/// One gold item.
#[derive(Debug, Clone)]
struct Gold {
    line: u64,
    text: String,
    cluster: String,
    proposal: bool,
    object: String,
    stance: String,
}

fn read_gold(path: &Path) -> Vec<Gold> {
    let mut r = csv::Reader::from_path(path).unwrap_or_else(|e| {
        eprintln!("error: {}: {e}", path.display());
        std::process::exit(1)
    });
    let h = r.headers().expect("gold header").clone();
    let at = |name: &str| h.iter().position(|x| x == name).expect(name);
    let (line, text, cluster, proposal, object, stance) = (
        at("line"),
        at("text"),
        at("cluster"),
        at("proposal"),
        at("object"),
        at("stance"),
    );
    r.records()
        .map(|rec| {
            let rec = rec.expect("gold row");
            Gold {
                line: rec[line].parse().unwrap_or(0),
                text: rec[text].to_owned(),
                cluster: rec[cluster].to_owned(),
                proposal: &rec[proposal] == "yes",
                object: rec[object].to_owned(),
                stance: rec[stance].to_owned(),
            }
        })
        .collect()
}

/// The words of a text for alignment: letters and digits, lower case,
/// accents kept (both sides come from the same file).
fn words(s: &str) -> HashSet<String> {
    s.split(|c: char| !c.is_alphanumeric())
        .filter(|w| w.chars().count() > 1)
        .map(str::to_lowercase)
        .collect()
}

/// How much of the shorter text the longer one covers (0 to 1).
fn overlap(a: &HashSet<String>, b: &HashSet<String>) -> f64 {
    let small = a.len().min(b.len());
    if small == 0 {
        return 0.0;
    }
    a.intersection(b).count() as f64 / small as f64
}

fn f1(p: f64, r: f64) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(study_dir), Some(gold_path)) = (args.first(), args.get(1)) else {
        eprintln!("usage: merge_quality STUDY GOLD.csv [--list]");
        std::process::exit(2);
    };
    let list = args.iter().any(|a| a == "--list");
    let study = Study::open(Path::new(study_dir)).unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        std::process::exit(1)
    });
    let synthesis = stored(&study).unwrap_or_else(|e| {
        eprintln!("error: {e:#}");
        std::process::exit(1)
    });
    let gold = read_gold(Path::new(gold_path));
    let segments = qualsynth::pipeline::status::segments(&study, None, None)
        .expect("segments")
        .rows;
    let seg: HashMap<&str, &qualsynth::corpus::Segment> =
        segments.iter().map(|s| (s.id.as_str(), s)).collect();

    // The merged item of each recommendation segment, and of the
    // non-proposals set aside (their own "cluster" each).
    let mut rec_of: BTreeMap<String, String> = BTreeMap::new();
    let member_rows = synthesis.members.rows().expect("members");
    for m in &member_rows {
        rec_of.insert(m.segment_id.clone(), m.rec_id.clone());
    }
    let items: Vec<&qualsynth::corpus::Segment> = segments
        .iter()
        .filter(|s| s.kind == qualsynth::corpus::SegmentKind::Recommendation)
        .collect();

    // Align: same line, then the most overlapping gold text.
    let gold_words: Vec<HashSet<String>> = gold.iter().map(|g| words(&g.text)).collect();
    let mut aligned: Vec<(&str, usize)> = Vec::new();
    let mut unaligned = 0;
    for s in &items {
        let w = words(&s.text);
        let best = gold
            .iter()
            .enumerate()
            .filter(|(_, g)| Some(g.line) == s.line)
            .map(|(i, _)| (i, overlap(&w, &gold_words[i])))
            .max_by(|a, b| a.1.total_cmp(&b.1));
        match best {
            Some((i, o)) if o >= 0.5 => aligned.push((s.id.as_str(), i)),
            _ => unaligned += 1,
        }
    }
    let covered: HashSet<usize> = aligned.iter().map(|a| a.1).collect();

    // Pairwise precision and recall over the aligned proposals.
    let props: Vec<(&str, &Gold)> = aligned
        .iter()
        .filter(|(_, g)| gold[*g].proposal)
        .map(|(s, g)| (*s, &gold[*g]))
        .collect();
    let (mut tp, mut fp, mut fnn) = (0u64, 0u64, 0u64);
    let rec = |s: &str| rec_of.get(s).cloned();
    for i in 0..props.len() {
        for j in i + 1..props.len() {
            let same_gold = props[i].1.cluster == props[j].1.cluster;
            let (a, b) = (rec(props[i].0), rec(props[j].0));
            let same_pred = a.is_some() && a == b;
            match (same_gold, same_pred) {
                (true, true) => tp += 1,
                (false, true) => fp += 1,
                (true, false) => fnn += 1,
                _ => {}
            }
        }
    }
    let precision = if tp + fp == 0 {
        1.0
    } else {
        tp as f64 / (tp + fp) as f64
    };
    let recall = if tp + fnn == 0 {
        1.0
    } else {
        tp as f64 / (tp + fnn) as f64
    };

    // B-cubed over the same items.
    let mut by_pred: HashMap<String, Vec<usize>> = HashMap::new();
    let mut by_gold: HashMap<&str, Vec<usize>> = HashMap::new();
    for (k, (s, g)) in props.iter().enumerate() {
        by_pred
            .entry(rec(s).unwrap_or_else(|| format!("alone:{s}")))
            .or_default()
            .push(k);
        by_gold.entry(g.cluster.as_str()).or_default().push(k);
    }
    let (mut bp, mut br) = (0.0, 0.0);
    for (k, (s, g)) in props.iter().enumerate() {
        let pred = &by_pred[&rec(s).unwrap_or_else(|| format!("alone:{s}"))];
        let gold_c = &by_gold[g.cluster.as_str()];
        let both = pred
            .iter()
            .filter(|x| props[**x].1.cluster == props[k].1.cluster)
            .count() as f64;
        bp += both / pred.len() as f64;
        br += both / gold_c.len() as f64;
    }
    let n = props.len().max(1) as f64;
    let (bp, br) = (bp / n, br / n);

    // Stance conflicts: merged items holding the same object both for and
    // against.
    let mut members: BTreeMap<String, Vec<&Gold>> = BTreeMap::new();
    for (s, g) in &aligned {
        if let Some(r) = rec(s) {
            members.entry(r).or_default().push(&gold[*g]);
        }
    }
    let mut conflicts = Vec::new();
    for (r, gs) in &members {
        let mut stances: HashMap<&str, HashSet<&str>> = HashMap::new();
        for g in gs.iter().filter(|g| g.proposal && g.object != "multiple") {
            stances
                .entry(g.object.as_str())
                .or_default()
                .insert(g.stance.as_str());
        }
        if stances
            .values()
            .any(|st| st.contains("for") && st.contains("against"))
        {
            conflicts.push(r.clone());
        }
    }

    // Non-proposals among the top 20 of the board table: an item whose
    // members are all non-proposals.
    let gold_of: HashMap<&str, &Gold> = aligned.iter().map(|(s, g)| (*s, &gold[*g])).collect();
    let mut top_non = Vec::new();
    for r in synthesis.recommendations.iter().take(20) {
        let ms: Vec<&Gold> = member_rows
            .iter()
            .filter(|m| m.rec_id == r.rec_id)
            .filter_map(|m| gold_of.get(m.segment_id.as_str()).copied())
            .collect();
        if !ms.is_empty() && ms.iter().all(|g| !g.proposal) {
            top_non.push(format!("{} {}", r.rec_id, r.wording));
        }
    }
    let merged = synthesis
        .recommendations
        .iter()
        .filter(|r| r.members > 1)
        .count();

    println!("study                {study_dir}");
    println!(
        "items                {} recommendation segments, {} aligned with the gold ({} gold items covered of {}), {} unaligned",
        items.len(),
        aligned.len(),
        covered.len(),
        gold.len(),
        unaligned
    );
    println!(
        "merged items         {} ({} with 2+ members)",
        synthesis.recommendations.len(),
        merged
    );
    println!(
        "pairwise             precision {precision:.3}  recall {recall:.3}  F1 {:.3}  (tp {tp}, fp {fp}, fn {fnn})",
        f1(precision, recall)
    );
    println!(
        "b-cubed              precision {bp:.3}  recall {br:.3}  F1 {:.3}",
        f1(bp, br)
    );
    println!("stance conflicts     {}", conflicts.len());
    println!("non-proposals top 20 {}", top_non.len());
    if list {
        for c in &conflicts {
            println!("  conflict: {c}");
        }
        for t in &top_non {
            println!("  non-proposal in top 20: {t}");
        }
        // False merges and missed pairs, for tuning.
        for i in 0..props.len() {
            for j in i + 1..props.len() {
                let same_gold = props[i].1.cluster == props[j].1.cluster;
                let (a, b) = (rec(props[i].0), rec(props[j].0));
                let same_pred = a.is_some() && a == b;
                if same_gold != same_pred {
                    println!(
                        "  {}: {} | {}",
                        if same_pred { "false merge" } else { "missed" },
                        seg[props[i].0].text,
                        seg[props[j].0].text
                    );
                }
            }
        }
    }
}
