//! The similarity of two recommendations (shared codes and stemmed
//! wording) and the blocking that decides which pairs are compared at all.

use std::collections::HashMap;

use rayon::prelude::*;

use super::stance::Stance;

/// Stems with a document frequency up to this block pairs: two
/// recommendations sharing such a stem are compared. Commoner stems block
/// only as one of a recommendation's [`RAREST_KEPT`] rarest stems. A fixed
/// bound keeps the number of compared pairs near-linear in the number of
/// recommendations (with Zipf-like word frequencies, about `N × bound`).
pub(crate) const BLOCK_MAX_DF: usize = 400;

/// Every recommendation also blocks on its rarest stems, however common:
/// short proposals made of common words still meet their paraphrases.
pub(crate) const RAREST_KEPT: usize = 2;

/// In a block longer than [`BLOCK_MAX_DF`] (a common stem that is one of
/// its items' rarest: large consultations), comparing every pair would be
/// quadratic; the block is sorted by each item's stems from the rarest
/// (items sharing their next rarest stems come together) and each item is
/// compared with this many neighbours on each side (the sorted
/// neighbourhood of record linkage): a bounded cost per item.
pub const NEIGHBOURS: usize = 24;

/// What two items naming the same concepts are worth, against the same
/// wording: the concept similarity (glossary concepts and codes, without
/// the other words) counts at this share, and only when two glossary
/// concepts or more are shared (one concept is a topic; two name what is
/// done to what).
pub(crate) const CONCEPT_SHARE: f64 = 0.5;

/// How far below the floor a bound on the similarity must be to skip a
/// pair: rounding never decides.
const BOUND_MARGIN: f64 = 1e-9;

/// Whether two labels allow the items to be the same: either has none, or
/// they share most of their words (cosine of the stem sets at least 0.6).
fn same_label(x: &[u32], y: &[u32]) -> bool {
    if x.is_empty() || y.is_empty() {
        return true;
    }
    let shared = x.iter().filter(|s| y.binary_search(s).is_ok()).count();
    shared as f64 / ((x.len() * y.len()) as f64).sqrt() >= 0.6
}

/// A long block in neighbourhood order: its items sorted by their stems
/// from the rarest, and each item's place in that order (by item).
type Neighbourhood = (Vec<u32>, Vec<(u32, u32)>);

/// What [`Space::blocks`] gives.
struct Blocks {
    /// Each item's blocking stems, sorted.
    keys: Vec<Vec<u32>>,
    /// `(stem, item)` for each item's blocking stems, sorted.
    postings: Vec<(u32, u32)>,
    /// Each block's stem and range in `postings`, by stem.
    blocks: Vec<(u32, usize, usize)>,
    /// The long blocks, by stem, in neighbourhood order.
    long: HashMap<u32, Neighbourhood>,
}

/// A compared pair `(a, b, similarity)`, `a < b`.
pub(crate) type Edge = (u32, u32, f64);

/// A recommendation as the similarity sees it.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Item {
    /// Stem ids in text order.
    pub seq: Vec<u32>,
    /// Distinct stem ids, sorted.
    pub stems: Vec<u32>,
    /// Distinct code indices (codes as applied, not their parents), sorted.
    pub codes: Vec<u32>,
    /// Its direction: two items of opposite stance are never similar.
    pub stance: Stance,
    /// The distinct stems of its label (the words before a `:` that name
    /// what it is about: `RIC législatif : …`), sorted; empty without one.
    pub label: Vec<u32>,
    /// Its stems that are glossary concepts, sorted.
    pub concepts: Vec<u32>,
}

impl Item {
    /// An item from its stems in text order and its codes.
    pub fn new(seq: Vec<u32>, mut codes: Vec<u32>) -> Self {
        let mut stems = seq.clone();
        stems.sort_unstable();
        stems.dedup();
        codes.sort_unstable();
        codes.dedup();
        Item {
            seq,
            stems,
            codes,
            stance: Stance::Neutral,
            label: Vec::new(),
            concepts: Vec::new(),
        }
    }

    /// The same item, its stems for which `is_concept` holds being
    /// glossary concepts.
    pub fn with_concepts(mut self, is_concept: impl Fn(u32) -> bool) -> Self {
        self.concepts = self
            .stems
            .iter()
            .copied()
            .filter(|&s| is_concept(s))
            .collect();
        self
    }

    /// The same item with the stems of its label.
    pub fn with_label(mut self, mut label: Vec<u32>) -> Self {
        label.sort_unstable();
        label.dedup();
        self.label = label;
        self
    }

    /// The same item with a stance.
    pub fn with_stance(mut self, stance: Stance) -> Self {
        self.stance = stance;
        self
    }
}

/// Sets `out` to the adjacent pairs of a stem sequence whose two stems
/// are both shared, as places among the shared stems (`place` gives a
/// stem's, `None` for one not shared), smaller first, sorted.
fn shared_bigrams(seq: &[u32], place: impl Fn(u32) -> Option<u32>, out: &mut Vec<(u32, u32)>) {
    out.clear();
    out.extend(seq.windows(2).filter_map(|w| {
        let (x, y) = (place(w[0])?, place(w[1])?);
        (x != y).then_some((x.min(y), x.max(y)))
    }));
    out.sort_unstable();
    out.dedup();
}

/// The buffers of the phrase reading ([`Space::phrase_cosine`]): the
/// shared bigrams of the two items, the phrases as a union-find over the
/// shared stems, and their weights.
#[derive(Debug, Default)]
struct Phrases {
    ours: Vec<(u32, u32)>,
    theirs: Vec<(u32, u32)>,
    phrase: Vec<u32>,
    best: Vec<f64>,
    all: Vec<f64>,
}

/// The recommendations of a study with their stem and code weights.
#[derive(Debug, Clone)]
pub(crate) struct Space {
    /// Squared inverse document frequency of each stem id.
    idf2: Vec<f64>,
    /// Document frequency of each stem id.
    df: Vec<usize>,
    /// Squared inverse document frequency of each code index, times the
    /// code weight.
    code_idf2: Vec<f64>,
    /// What comparing each item reads first, one small record an item.
    heads: Vec<Head>,
    /// Each item's codes, stems, stems in text order, label and concepts,
    /// packed one item after the other: comparing two items reads two
    /// short runs of memory, and an item is one record and a run (as
    /// [`Item`]s, five vectors each, the 4.5 M recommendations of a
    /// national consultation took twice the memory).
    packed: Vec<u32>,
    /// Neighbours compared on each side in a long block; 0 for all.
    neighbours: usize,
}

/// What comparing an item reads before its words: its norms, stance and
/// where its runs are, in one record.
#[derive(Debug, Clone, Copy)]
struct Head {
    /// Euclidean norm of the item's vector (stems and weighted codes).
    norm: f64,
    /// Euclidean norm of its concept vector (glossary concepts and
    /// weighted codes).
    concept_norm: f64,
    /// Where its runs start in `packed`.
    start: usize,
    /// The lengths of its runs: codes, stems, stems in text order,
    /// label, concepts.
    codes: u32,
    stems: u32,
    seq: u32,
    label: u32,
    concepts: u32,
    stance: Stance,
}

impl Head {
    /// Whether it has a label.
    fn labelled(&self) -> bool {
        self.label > 0
    }

    /// Whether it names two glossary concepts or more.
    fn conceptual(&self) -> bool {
        self.concepts >= 2
    }
}

/// A [`Space`] in the making: items packed as they come, their document
/// frequencies counted.
#[derive(Debug, Default)]
pub(crate) struct SpaceBuilder {
    heads: Vec<Head>,
    packed: Vec<u32>,
    df: Vec<usize>,
    code_df: Vec<usize>,
}

impl SpaceBuilder {
    /// Adds an item (the next index).
    pub fn push(&mut self, it: Item) {
        let count = |df: &mut Vec<usize>, ids: &[u32]| {
            for &s in ids {
                if df.len() <= s as usize {
                    df.resize(s as usize + 1, 0);
                }
                df[s as usize] += 1;
            }
        };
        count(&mut self.df, &it.stems);
        count(&mut self.code_df, &it.codes);
        let len = |v: &Vec<u32>| v.len() as u32;
        self.heads.push(Head {
            norm: 0.0,
            concept_norm: 0.0,
            start: self.packed.len(),
            codes: len(&it.codes),
            stems: len(&it.stems),
            seq: len(&it.seq),
            label: len(&it.label),
            concepts: len(&it.concepts),
            stance: it.stance,
        });
        for run in [&it.codes, &it.stems, &it.seq, &it.label, &it.concepts] {
            self.packed.extend_from_slice(run);
        }
    }

    /// Weighs the stems of the items (stem ids below `stems`) and their
    /// codes, a code counting `code_weight` times a word of the same
    /// rarity.
    pub fn finish(self, stems: usize, code_weight: f64) -> Space {
        let SpaceBuilder {
            mut heads,
            mut packed,
            mut df,
            code_df,
        } = self;
        packed.shrink_to_fit();
        heads.shrink_to_fit();
        let n = heads.len();
        df.resize(stems.max(df.len()), 0);
        let idf2_of: Vec<f64> = df.iter().map(|&d| idf2(n, d)).collect();
        let weight = if code_weight.is_finite() {
            code_weight.max(0.0)
        } else {
            0.0
        };
        let code_idf2: Vec<f64> = code_df.iter().map(|&d| weight * idf2(n, d)).collect();
        let mut space = Space {
            idf2: idf2_of,
            df,
            code_idf2,
            heads,
            packed,
            neighbours: NEIGHBOURS,
        };
        for i in 0..space.len() {
            let weight =
                |ids: &[u32], idf2: &[f64]| -> f64 { ids.iter().map(|&s| idf2[s as usize]).sum() };
            let code_part = weight(space.codes_of(i), &space.code_idf2);
            let words = weight(space.stems_of(i), &space.idf2);
            let concepts = weight(space.concepts_of(i), &space.idf2);
            let h = &mut space.heads[i];
            h.norm = (words + code_part).sqrt();
            h.concept_norm = (concepts + code_part).sqrt();
        }
        space
    }
}

/// One thread's working memory for comparing an item with its partners
/// ([`Space::edges`]): the item's stems marked by stem id, and the
/// buffers of the phrase reading, reused from pair to pair.
struct Scratch {
    /// `has[stem] == current`: the current item has the stem.
    has: Vec<u32>,
    /// The current item's number plus one.
    current: u32,
    /// A shared stem's place in `shared`, `u32::MAX` for the others
    /// (set and cleared within one pair).
    at: Vec<u32>,
    /// The stems the current pair shares, in id order.
    shared: Vec<u32>,
    /// The current item's bigrams are `ours`, its partner's `theirs`.
    phrases: Phrases,
}

impl Scratch {
    fn new(stems: usize) -> Self {
        Scratch {
            has: vec![0; stems],
            current: 0,
            at: vec![u32::MAX; stems],
            shared: Vec::new(),
            phrases: Phrases::default(),
        }
    }

    /// Marks the stems of item `a` of `space`.
    fn load(&mut self, space: &Space, a: usize) {
        self.current = a as u32 + 1;
        for &t in space.stems_of(a) {
            self.has[t as usize] = self.current;
        }
    }
}

/// `ln((1 + n) / (1 + df)) + 1`, squared.
fn idf2(n: usize, df: usize) -> f64 {
    (((1.0 + n as f64) / (1.0 + df as f64)).ln() + 1.0).powi(2)
}

impl Space {
    /// Weighs the stems of `items` (stem ids below `stems`) and their
    /// codes, a code counting `code_weight` times a word of the same
    /// rarity.
    #[cfg(test)]
    pub fn new(items: Vec<Item>, stems: usize, code_weight: f64) -> Self {
        let mut b = SpaceBuilder::default();
        for it in items {
            b.push(it);
        }
        b.finish(stems, code_weight)
    }

    /// The number of items.
    pub fn len(&self) -> usize {
        self.heads.len()
    }

    /// The same space comparing `neighbours` on each side in a long block
    /// (see [`NEIGHBOURS`]); 0 compares every pair.
    pub fn with_neighbours(mut self, neighbours: usize) -> Self {
        self.neighbours = neighbours;
        self
    }

    /// The similarity of items `a` and `b`: the cosine of their vectors,
    /// each stem weighed by its idf and each code by its idf times the
    /// code weight, where a phrase the two share (stems adjacent in both
    /// texts, in either order: `services publics`, `horaires d'ouverture`)
    /// counts as one word, weighed as its rarest stem, on both sides: one
    /// shared phrase is one shared idea. Two items without a shared stem
    /// are 0 whatever their codes: the same theme is not the same
    /// proposal. Symmetric, between 0 and 1.
    ///
    /// Items naming two glossary concepts or more in common are at least
    /// [`CONCEPT_SHARE`] times the cosine of their concept vectors (their
    /// glossary concepts and weighted codes, the other words left out):
    /// the same meaning in other words.
    pub fn similarity(&self, a: usize, b: usize) -> f64 {
        let (dot, shared) = self.plain_dot(a, b);
        if shared == 0 {
            return 0.0;
        }
        let codes = self.code_dot(a, b);
        let words = if shared == 1 {
            self.cosine(dot + codes, 0.0, a, b)
        } else {
            self.phrased(a, b, codes)
        };
        words.max(self.concept_similarity(a, b, codes))
    }

    /// [`CONCEPT_SHARE`] times the cosine of the concept vectors of `a`
    /// and `b` when they share two concepts or more, else 0.
    fn concept_similarity(&self, a: usize, b: usize, codes: f64) -> f64 {
        if !self.heads[a].conceptual() || !self.heads[b].conceptual() {
            return 0.0;
        }
        let (x, y) = (self.concepts_of(a), self.concepts_of(b));
        let shared = x.iter().copied().filter(|c| y.binary_search(c).is_ok());
        self.concept_cosine(a, b, codes, shared)
    }

    /// [`CONCEPT_SHARE`] times the cosine of the concept vectors of `a`
    /// and `b`, given the concepts they share in id order, when they
    /// share two or more, else 0.
    fn concept_cosine(
        &self,
        a: usize,
        b: usize,
        codes: f64,
        shared: impl Iterator<Item = u32>,
    ) -> f64 {
        let (mut n, mut dot) = (0, codes);
        for c in shared {
            n += 1;
            dot += self.idf2[c as usize];
        }
        let norm = self.heads[a].concept_norm * self.heads[b].concept_norm;
        if n < 2 || norm == 0.0 {
            return 0.0;
        }
        CONCEPT_SHARE * (dot / norm).min(1.0)
    }

    /// `dot / (|a| |b|)` with `excess` taken out of both squared norms,
    /// at most 1 (0 when a norm is 0).
    fn cosine(&self, dot: f64, excess: f64, a: usize, b: usize) -> f64 {
        let na = (self.heads[a].norm.powi(2) - excess).max(0.0);
        let nb = (self.heads[b].norm.powi(2) - excess).max(0.0);
        let norm = (na * nb).sqrt();
        if norm == 0.0 {
            return 0.0;
        }
        (dot / norm).min(1.0)
    }

    /// The idf-weighted dot product of two items' stem sets and how many
    /// stems they share (no allocation: the plain cosine bounds the
    /// phrase-aware one from above).
    fn plain_dot(&self, a: usize, b: usize) -> (f64, usize) {
        let (x, y) = (self.stems_of(a), self.stems_of(b));
        let (mut i, mut j, mut dot, mut shared) = (0, 0, 0.0, 0);
        while i < x.len() && j < y.len() {
            match x[i].cmp(&y[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    dot += self.idf2[x[i] as usize];
                    shared += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        (dot, shared)
    }

    /// The weighted dot product of two items' code sets.
    fn code_dot(&self, a: usize, b: usize) -> f64 {
        let (x, y) = (self.codes_of(a), self.codes_of(b));
        x.iter()
            .filter(|c| y.contains(c))
            .map(|&c| self.code_idf2[c as usize])
            .sum()
    }

    /// [`Space::similarity`] when two stems or more are shared.
    fn phrased(&self, a: usize, b: usize, codes: f64) -> f64 {
        let y = self.stems_of(b);
        let shared: Vec<u32> = self
            .stems_of(a)
            .iter()
            .copied()
            .filter(|s| y.binary_search(s).is_ok())
            .collect();
        let place = |t: u32| shared.binary_search(&t).ok().map(|k| k as u32);
        let mut p = Phrases::default();
        shared_bigrams(self.seq_of(a), place, &mut p.ours);
        shared_bigrams(self.seq_of(b), place, &mut p.theirs);
        self.phrase_cosine(a, b, codes, &shared, &mut p)
    }

    /// The cosine of `a` and `b` where each phrase they share (shared
    /// stems joined by a bigram found in both texts: `p.ours` and
    /// `p.theirs`, as places in `shared`) counts as its rarest stem, the
    /// other stems' weights taken out of both norms.
    fn phrase_cosine(
        &self,
        a: usize,
        b: usize,
        codes: f64,
        shared: &[u32],
        p: &mut Phrases,
    ) -> f64 {
        let Phrases {
            ours,
            theirs,
            phrase,
            best,
            all,
        } = p;
        phrase.clear();
        phrase.extend(0..shared.len() as u32);
        let root = |mut k: u32, phrase: &[u32]| {
            while phrase[k as usize] != k {
                k = phrase[k as usize];
            }
            k
        };
        for &(p, q) in ours.iter() {
            if theirs.binary_search(&(p, q)).is_ok() {
                let (rp, rq) = (root(p, phrase), root(q, phrase));
                phrase[rp.max(rq) as usize] = rp.min(rq);
            }
        }
        best.clear();
        best.resize(shared.len(), 0.0);
        all.clear();
        all.resize(shared.len(), 0.0);
        for (k, &t) in shared.iter().enumerate() {
            let r = root(k as u32, phrase) as usize;
            let weight = self.idf2[t as usize];
            best[r] = best[r].max(weight);
            all[r] += weight;
        }
        let dot: f64 = best.iter().sum();
        let excess: f64 = all.iter().zip(best.iter()).map(|(a, b)| a - b).sum();
        self.cosine(dot + codes, excess, a, b)
    }

    /// Item `i`'s runs in `packed`, from run `k` (0 codes, 1 stems, 2
    /// stems in text order, 3 label, 4 concepts).
    fn run(&self, i: usize, k: usize) -> &[u32] {
        let h = &self.heads[i];
        let lens = [h.codes, h.stems, h.seq, h.label, h.concepts];
        let from = h.start + lens[..k].iter().map(|&l| l as usize).sum::<usize>();
        &self.packed[from..from + lens[k] as usize]
    }

    /// An item's distinct codes (as applied), sorted.
    pub fn codes_of(&self, i: usize) -> &[u32] {
        self.run(i, 0)
    }

    /// An item's distinct stems, sorted.
    fn stems_of(&self, i: usize) -> &[u32] {
        self.run(i, 1)
    }

    /// An item's stems in text order.
    fn seq_of(&self, i: usize) -> &[u32] {
        self.run(i, 2)
    }

    /// An item's label stems, sorted.
    fn label_of(&self, i: usize) -> &[u32] {
        self.run(i, 3)
    }

    /// An item's glossary concepts, sorted.
    fn concepts_of(&self, i: usize) -> &[u32] {
        self.run(i, 4)
    }

    /// [`Space::similarity`] if it reaches `floor`, `a` being the item
    /// loaded in `scratch`: bounded first with the norms, then with the
    /// plain cosine, before the phrases are read. The same sums in the
    /// same order as [`Space::similarity`], so the same value to the bit.
    fn similarity_from(
        &self,
        a: usize,
        b: usize,
        floor: f64,
        scratch: &mut Scratch,
    ) -> Option<f64> {
        let (x, y) = (&self.heads[a], &self.heads[b]);
        // Opposite stances never say the same thing; two labels that differ
        // name two things (`RIC législatif :` and `RIC abrogatif :`).
        if x.stance.opposes(y.stance)
            || (x.labelled() && y.labelled() && !same_label(self.label_of(a), self.label_of(b)))
        {
            return None;
        }
        // What two items share weighs at most the lighter of the two, so
        // the similarity is at most the ratio of their norms (and the
        // concept similarity at most its share of the ratio of their
        // concept norms): items of very different weights are not read.
        let ratio = |p: f64, q: f64| {
            if p.max(q) > 0.0 {
                p.min(q) / p.max(q)
            } else {
                0.0
            }
        };
        let bound = ratio(x.norm, y.norm);
        let concept_bound = if x.conceptual() && y.conceptual() {
            CONCEPT_SHARE * ratio(x.concept_norm, y.concept_norm)
        } else {
            0.0
        };
        if bound.max(concept_bound) < floor - BOUND_MARGIN {
            return None;
        }
        // The shared stems, in id order (as `plain_dot` meets them).
        let mark = scratch.current;
        scratch.shared.clear();
        let mut dot = 0.0;
        for &t in self.stems_of(b) {
            if scratch.has[t as usize] == mark {
                dot += self.idf2[t as usize];
                scratch.shared.push(t);
            }
        }
        let shared = scratch.shared.len();
        if shared == 0 {
            return None;
        }
        let codes = self.code_dot(a, b);
        // `b`'s concepts that `a` has are the concepts they share, in id
        // order (a concept is a stem id).
        let concepts = if x.conceptual() && y.conceptual() {
            let has = |c: &u32| scratch.has[*c as usize] == mark;
            self.concept_cosine(a, b, codes, self.concepts_of(b).iter().copied().filter(has))
        } else {
            0.0
        };
        let plain = self.cosine(dot + codes, 0.0, a, b);
        if plain.max(concepts) < floor {
            return None;
        }
        let words = if shared > 1 && plain >= floor {
            self.phrased_marked(a, b, codes, scratch)
        } else {
            plain
        };
        let s = words.max(concepts);
        (s >= floor).then_some(s)
    }

    /// [`Space::phrased`] for the shared stems in `scratch.shared`, `a`
    /// the item loaded: places found in a table by stem id, buffers
    /// reused.
    fn phrased_marked(&self, a: usize, b: usize, codes: f64, scratch: &mut Scratch) -> f64 {
        let Scratch {
            at,
            shared,
            phrases,
            ..
        } = scratch;
        for (k, &t) in shared.iter().enumerate() {
            at[t as usize] = k as u32;
        }
        let place = |t: u32| Some(at[t as usize]).filter(|&k| k != u32::MAX);
        shared_bigrams(self.seq_of(a), place, &mut phrases.ours);
        shared_bigrams(self.seq_of(b), place, &mut phrases.theirs);
        for &t in shared.iter() {
            at[t as usize] = u32::MAX;
        }
        self.phrase_cosine(a, b, codes, shared, phrases)
    }

    /// Each item's stems from the rarest (document frequency, then id).
    fn by_rarity(&self) -> Vec<Vec<(usize, u32)>> {
        (0..self.len())
            .into_par_iter()
            .map(|i| {
                let mut by_rarity: Vec<(usize, u32)> = self
                    .stems_of(i)
                    .iter()
                    .map(|&s| (self.df[s as usize], s))
                    .collect();
                by_rarity.sort_unstable();
                by_rarity
            })
            .collect()
    }

    /// The stems each item blocks on: those with a document frequency up
    /// to [`BLOCK_MAX_DF`] and the item's [`RAREST_KEPT`] rarest stems.
    fn blocking(rarity: &[Vec<(usize, u32)>]) -> Vec<Vec<u32>> {
        rarity
            .par_iter()
            .map(|by_rarity| {
                let mut keys: Vec<u32> = by_rarity
                    .iter()
                    .enumerate()
                    .filter(|(k, (df, _))| *k < RAREST_KEPT || *df <= BLOCK_MAX_DF)
                    .map(|(_, (_, s))| *s)
                    .collect();
                keys.sort_unstable();
                keys
            })
            .collect()
    }

    /// Whether a block of `len` items is long: compared by neighbours in
    /// its order rather than every pair (see [`NEIGHBOURS`]).
    fn is_long(&self, len: usize) -> bool {
        self.neighbours > 0 && len > BLOCK_MAX_DF
    }

    /// The blocks: each item's blocking stems, the posting lists, each
    /// block's stem and range in them, and the long blocks in
    /// neighbourhood order (the items sorted by their stems from the
    /// rarest, and each item's place in that order).
    fn blocks(&self) -> Blocks {
        let rarity = self.by_rarity();
        let keys = Self::blocking(&rarity);
        // Posting lists as one sorted array of (stem, item).
        let mut postings: Vec<(u32, u32)> = keys
            .iter()
            .enumerate()
            .flat_map(|(i, ks)| ks.iter().map(move |&k| (k, i as u32)))
            .collect();
        postings.par_sort_unstable();
        let mut blocks: Vec<(u32, usize, usize)> = Vec::new();
        let mut from = 0;
        for (i, e) in postings.iter().enumerate() {
            if postings.get(i + 1).is_none_or(|next| next.0 != e.0) {
                blocks.push((e.0, from, i + 1));
                from = i + 1;
            }
        }
        let mut long: Vec<(u32, Neighbourhood)> = blocks
            .iter()
            .filter(|(_, from, to)| self.is_long(to - from))
            .map(|&(k, from, to)| {
                (
                    k,
                    (postings[from..to].iter().map(|e| e.1).collect(), Vec::new()),
                )
            })
            .collect();
        long.par_iter_mut().for_each(|(_, (order, places))| {
            order.sort_unstable_by(|&a, &b| {
                rarity[a as usize].cmp(&rarity[b as usize]).then(a.cmp(&b))
            });
            places.extend(order.iter().enumerate().map(|(p, &i)| (i, p as u32)));
            places.sort_unstable();
        });
        Blocks {
            keys,
            postings,
            blocks,
            long: long.into_iter().collect(),
        }
    }

    /// The pairs `(a, b)`, `a < b`, that share a blocking stem (in a long
    /// block, that are near each other in it: see [`NEIGHBOURS`]), with
    /// their similarity when it is at least `floor`, sorted; and how many
    /// pairs were compared.
    ///
    /// The pairs are compared block by block, sweeping each long block in
    /// its order, so that the items compared one after the other are near
    /// in memory's caches (item by item, each partner was a random read of
    /// a large table: in a national consultation, most of the time). A
    /// pair is compared in the first of its shared blocks (by stem id)
    /// that makes it a pair, once.
    pub fn edges(&self, floor: f64) -> (Vec<Edge>, usize) {
        let Blocks {
            keys,
            postings,
            blocks,
            long,
        } = self.blocks();
        let place = |places: &[(u32, u32)], i: u32| {
            places
                .binary_search_by_key(&i, |e| e.0)
                .map_or(0, |at| places[at].1 as usize)
        };
        // Whether block `k` is the first of the blocks `a` and `b` share
        // that makes them a pair (a short block does; a long one when they
        // are neighbours in it).
        let first = |a: u32, b: u32, k: u32| {
            let (ka, kb) = (&keys[a as usize], &keys[b as usize]);
            let (mut i, mut j) = (0, 0);
            while i < ka.len() && j < kb.len() && ka[i] < k && kb[j] < k {
                match ka[i].cmp(&kb[j]) {
                    std::cmp::Ordering::Less => i += 1,
                    std::cmp::Ordering::Greater => j += 1,
                    std::cmp::Ordering::Equal => {
                        let paired = match long.get(&ka[i]) {
                            None => true,
                            Some((_, places)) => {
                                place(places, a).abs_diff(place(places, b)) <= self.neighbours
                            }
                        };
                        if paired {
                            return false;
                        }
                        i += 1;
                        j += 1;
                    }
                }
            }
            true
        };
        // The work in pieces of about the same number of pairs: a long
        // block in runs of places, short blocks a few at a time.
        enum Piece {
            Long(u32, usize, usize),
            Short(usize, usize),
        }
        const PIECE_PAIRS: usize = 1 << 16;
        let mut pieces: Vec<Piece> = Vec::new();
        let mut short_from = 0;
        let mut short_pairs = 0;
        for (b, &(k, from, to)) in blocks.iter().enumerate() {
            let len = to - from;
            if self.is_long(len) {
                let run = (PIECE_PAIRS / self.neighbours).max(1);
                let mut p = 0;
                while p < len {
                    pieces.push(Piece::Long(k, p, (p + run).min(len)));
                    p += run;
                }
                continue;
            }
            if short_pairs == 0 {
                short_from = b;
            }
            short_pairs += len * len.saturating_sub(1) / 2 + 1;
            let next_short = blocks
                .get(b + 1)
                .is_some_and(|&(_, from, to)| !self.is_long(to - from));
            if short_pairs >= PIECE_PAIRS || !next_short {
                pieces.push(Piece::Short(short_from, b + 1));
                short_pairs = 0;
            }
        }
        let stems = self.idf2.len();
        let per_piece: Vec<(Vec<Edge>, usize)> = pieces
            .par_iter()
            .map_init(
                || Scratch::new(stems),
                |scratch, piece| {
                    let mut edges: Vec<Edge> = Vec::new();
                    let mut compared = 0;
                    let mut pair = |scratch: &mut Scratch, x: u32, y: u32, k: u32| {
                        let (a, b) = (x.min(y), x.max(y));
                        if !first(a, b, k) {
                            return;
                        }
                        compared += 1;
                        // The same value whichever of the two is loaded.
                        if let Some(s) =
                            self.similarity_from(x as usize, y as usize, floor, scratch)
                        {
                            edges.push((a, b, s));
                        }
                    };
                    match *piece {
                        Piece::Long(k, lo, hi) => {
                            let order = &long[&k].0;
                            for p in lo..hi {
                                scratch.load(self, order[p] as usize);
                                for &y in &order[p + 1..(p + self.neighbours + 1).min(order.len())]
                                {
                                    pair(scratch, order[p], y, k);
                                }
                            }
                        }
                        Piece::Short(first_block, end) => {
                            for &(k, from, to) in &blocks[first_block..end] {
                                let list = &postings[from..to];
                                for (i, &(_, x)) in list.iter().enumerate() {
                                    scratch.load(self, x as usize);
                                    for &(_, y) in &list[i + 1..] {
                                        pair(scratch, x, y, k);
                                    }
                                }
                            }
                        }
                    }
                    (edges, compared)
                },
            )
            .collect();
        let compared = per_piece.iter().map(|(_, n)| n).sum();
        let mut edges: Vec<Edge> = Vec::with_capacity(per_piece.iter().map(|(e, _)| e.len()).sum());
        for (e, _) in per_piece {
            edges.extend(e);
        }
        edges.par_sort_unstable_by_key(|e| (e.0, e.1));
        (edges, compared)
    }

    /// [`Space::edges`] item by item: each item with its partners (the
    /// first way they were found, kept to check the block order against).
    #[cfg(test)]
    fn edges_per_item(&self, floor: f64) -> (Vec<Edge>, usize) {
        let Blocks {
            keys,
            postings,
            blocks,
            long,
        } = self.blocks();
        let ranges: HashMap<u32, (usize, usize)> = blocks
            .iter()
            .map(|&(k, from, to)| (k, (from, to)))
            .collect();
        let list = |k: u32| match ranges.get(&k) {
            Some(&(from, to)) => &postings[from..to],
            None => &postings[..0],
        };
        let probes = &keys;
        let n = self.len();
        let per_item: Vec<(Vec<Edge>, usize)> = (0..n)
            .into_par_iter()
            .map_init(
                || (vec![u32::MAX; n], Vec::new(), Scratch::new(self.idf2.len())),
                |(seen, partners, scratch), a| {
                    // `seen[b] == a`: b is already a partner of a.
                    partners.clear();
                    let mut meet = |b: u32| {
                        if b as usize > a && seen[b as usize] != a as u32 {
                            seen[b as usize] = a as u32;
                            partners.push(b);
                        }
                    };
                    for &k in &probes[a] {
                        if let Some((order, places)) = long.get(&k) {
                            let at = places
                                .binary_search_by_key(&(a as u32), |e| e.0)
                                .map_or(0, |i| places[i].1 as usize);
                            let lo = at.saturating_sub(self.neighbours);
                            let hi = (at + self.neighbours + 1).min(order.len());
                            for &b in &order[lo..hi] {
                                meet(b);
                            }
                            continue;
                        }
                        let list = list(k);
                        let from = list.partition_point(|e| e.1 as usize <= a);
                        for &(_, b) in &list[from..] {
                            meet(b);
                        }
                    }
                    // In item order: the edges come sorted, and the
                    // partners' records are read in memory order.
                    partners.sort_unstable();
                    scratch.load(self, a);
                    let edges: Vec<Edge> = partners
                        .iter()
                        .filter_map(|&b| {
                            let s = self.similarity_from(a, b as usize, floor, scratch)?;
                            Some((a as u32, b, s))
                        })
                        .collect();
                    (edges, partners.len())
                },
            )
            .collect();
        let compared = per_item.iter().map(|(_, n)| n).sum();
        let edges = per_item.into_iter().flat_map(|(e, _)| e).collect();
        (edges, compared)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item(stems: &[u32], codes: &[u32]) -> Item {
        Item::new(stems.to_vec(), codes.to_vec())
    }

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 1e-9
    }

    #[test]
    fn similarity_formula_on_a_hand_checked_example() {
        // Three items, stems 0..4; stem 0 in two items, the rest in one;
        // code 0 in two items, code 1 in one.
        let space = Space::new(
            vec![
                item(&[0, 1], &[0]),
                item(&[0, 2], &[0, 1]),
                item(&[3, 4], &[]),
            ],
            5,
            2.0,
        );
        // idf: df 2 → ln(4/3)+1, df 1 → ln(2)+1.
        let (i2, i1) = ((4.0f64 / 3.0).ln() + 1.0, 2.0f64.ln() + 1.0);
        let (w2, w1) = (i2 * i2, i1 * i1);
        // a = stems 0, 1 and code 0 (weight 2); b adds code 1.
        let na = w2 + w1 + 2.0 * w2;
        let nb = w2 + w1 + 2.0 * w2 + 2.0 * w1;
        let expected = (w2 + 2.0 * w2) / (na * nb).sqrt();
        assert!(close(space.similarity(0, 1), expected));
        assert!(close(space.similarity(1, 0), space.similarity(0, 1)));
        // Nothing shared: 0.
        assert_eq!(space.similarity(0, 2), 0.0);
        // Identical items: 1.
        let same = Space::new(vec![item(&[0, 1], &[2]), item(&[0, 1], &[2])], 2, 2.0);
        assert!(close(same.similarity(0, 1), 1.0));
        // The same codes without a shared word: 0.
        let codes_only = Space::new(vec![item(&[0], &[1]), item(&[1], &[1])], 2, 2.0);
        assert_eq!(codes_only.similarity(0, 1), 0.0);
        // Code weight 0: the wording cosine alone.
        let words = Space::new(vec![item(&[0, 1], &[0]), item(&[0, 2], &[1])], 3, 0.0);
        let (i2, i1) = ((3.0f64 / 3.0).ln() + 1.0, (3.0f64 / 2.0).ln() + 1.0);
        let cos = i2 * i2 / (i2 * i2 + i1 * i1);
        assert!(close(words.similarity(0, 1), cos));
    }

    #[test]
    fn a_shared_rare_code_counts_more_than_a_common_one() {
        // Items 0–1 share the rare code 1, items 2–3 the common code 0;
        // every pair shares one stem of the same frequency.
        let space = Space::new(
            vec![
                item(&[0, 1], &[1]),
                item(&[0, 2], &[1]),
                item(&[3, 4], &[0]),
                item(&[3, 5], &[0]),
                item(&[6], &[0]),
                item(&[7], &[0]),
            ],
            8,
            2.0,
        );
        assert!(space.similarity(0, 1) > space.similarity(2, 3));
    }

    #[test]
    fn a_shared_phrase_counts_as_one_word() {
        // Stems 0 and 1 are in all three; adjacent in A and B, not in C.
        let space = Space::new(
            vec![
                item(&[0, 1, 2], &[]),
                item(&[0, 1, 3], &[]),
                item(&[1, 5, 0], &[]),
            ],
            6,
            2.0,
        );
        let (i3, i1) = ((4.0f64 / 4.0).ln() + 1.0, 2.0f64.ln() + 1.0);
        let (w3, w1) = (i3 * i3, i1 * i1);
        // A–C: two shared words; A–B: one shared phrase.
        assert!(close(space.similarity(0, 2), 2.0 * w3 / (2.0 * w3 + w1)));
        assert!(close(space.similarity(0, 1), w3 / (w3 + w1)));
        assert!(space.similarity(0, 1) < space.similarity(0, 2));
        // The plain cosine bounds the phrase-aware one.
        assert!(space.similarity(0, 1) <= space.plain_dot(0, 1).0 / (2.0 * w3 + w1));
        // Identical texts stay at 1.
        let same = Space::new(vec![item(&[0, 1, 2], &[]), item(&[0, 1, 2], &[])], 3, 2.0);
        assert!(close(same.similarity(0, 1), 1.0));
    }

    #[test]
    fn blocking_compares_only_pairs_sharing_a_stem() {
        // 0 and 1 share stem 0; 2 shares only a code with them.
        let space = Space::new(
            vec![item(&[0, 1], &[0]), item(&[0, 2], &[0]), item(&[3], &[0])],
            4,
            2.0,
        );
        let (edges, compared) = space.edges(0.0);
        assert_eq!(compared, 1);
        assert_eq!(edges.len(), 1);
        assert_eq!((edges[0].0, edges[0].1), (0, 1));
    }

    #[test]
    fn opposite_stances_and_different_labels_are_never_similar() {
        let mut items = vec![item(&[0, 1], &[]), item(&[0, 1], &[])];
        items[0].stance = Stance::For;
        items[1].stance = Stance::Against;
        let space = Space::new(items.clone(), 4, 2.0);
        assert_eq!(space.edges(0.0).0.len(), 0);
        items[1].stance = Stance::Neutral;
        let space = Space::new(items.clone(), 4, 2.0);
        assert_eq!(space.edges(0.0).0.len(), 1);
        items[0] = items[0].clone().with_label(vec![2]);
        items[1] = items[1].clone().with_label(vec![3]);
        let space = Space::new(items, 4, 2.0);
        assert_eq!(space.edges(0.0).0.len(), 0);
    }

    #[test]
    fn common_stems_block_only_as_one_of_the_rarest() {
        // Stem 0 is in every item (above the bound); items 0 and 1 have
        // nothing rarer, items 2.. have two rare stems of their own.
        let n = BLOCK_MAX_DF + 10;
        let mut items = vec![item(&[0], &[]), item(&[0], &[])];
        for i in 2..n {
            let k = 2 * i as u32;
            items.push(item(&[0, k, k + 1], &[]));
        }
        let space = Space::new(items, 2 * n + 2, 0.5);
        let (edges, compared) = space.edges(0.0);
        assert_eq!(compared, 1);
        assert_eq!((edges[0].0, edges[0].1), (0, 1));
    }

    #[test]
    fn long_blocks_compare_neighbours_and_keep_the_close_pairs() {
        // 6,000 items of three stems out of 20 common ones (each in about
        // 900 items): blocks are long; about 5 items share each set.
        let mut items = Vec::new();
        let mut x = 7u64;
        for _ in 0..6000 {
            let mut stems = Vec::new();
            while stems.len() < 3 {
                x = x
                    .wrapping_mul(6364136223846793005)
                    .wrapping_add(1442695040888963407);
                let s = ((x >> 33) % 20) as u32;
                if !stems.contains(&s) {
                    stems.push(s);
                }
            }
            items.push(item(&stems, &[]));
        }
        let exact = Space::new(items.clone(), 20, 2.0).with_neighbours(0);
        let near = Space::new(items, 20, 2.0);
        let (all, compared_all) = exact.edges(0.99);
        let (found, compared) = near.edges(0.99);
        // A bounded number of neighbours, not every pair of a block.
        assert!(compared * 5 < compared_all, "{compared} of {compared_all}");
        // Identical items sit side by side in a block: none is lost.
        assert!(all.len() > 1000, "{}", all.len());
        let lost = all
            .iter()
            .filter(|e| {
                found
                    .binary_search_by_key(&(e.0, e.1), |f| (f.0, f.1))
                    .is_err()
            })
            .count();
        assert_eq!((lost, found.len()), (0, all.len()));
    }

    /// Items like a consultation's: common stems in most (long blocks),
    /// rare ones, repeated phrases, codes, glossary concepts, labels and
    /// stances, drawn from a fixed seed.
    fn drawn(n: usize, seed: u64) -> Vec<Item> {
        let mut x = seed;
        let mut next = |m: u64| {
            x = x
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (x >> 33) % m
        };
        (0..n)
            .map(|_| {
                let len = 2 + next(9) as usize;
                let seq: Vec<u32> = (0..len)
                    .map(|_| match next(4) {
                        0 | 1 => next(4) as u32,
                        2 => 4 + next(8) as u32,
                        _ => 12 + next(3000) as u32,
                    })
                    .collect();
                let codes: Vec<u32> = (0..next(3)).map(|_| next(6) as u32).collect();
                let mut it = Item::new(seq, codes).with_concepts(|s| s % 5 == 0);
                if next(8) == 0 {
                    it = it.with_label(vec![next(4) as u32, 3000 + next(3) as u32]);
                }
                it.with_stance(match next(4) {
                    0 => Stance::For,
                    1 => Stance::Against,
                    _ => Stance::Neutral,
                })
            })
            .collect()
    }

    #[test]
    fn block_order_finds_the_pairs_and_values_item_order_does() {
        for (n, neighbours, floor) in [(6000, NEIGHBOURS, 0.0), (6000, 2, 0.3), (600, 0, 0.2)] {
            let space = Space::new(drawn(n, 11), 3100, 2.0).with_neighbours(neighbours);
            if neighbours > 0 {
                // Long blocks, and short ones.
                let keys = Space::blocking(&space.by_rarity());
                let mut df = vec![0usize; 3100];
                keys.iter().flatten().for_each(|&k| df[k as usize] += 1);
                assert!(
                    df.iter().filter(|&&d| d > BLOCK_MAX_DF).count() >= 2,
                    "{df:?}"
                );
                assert!(
                    df.iter()
                        .filter(|&&d| (2..=BLOCK_MAX_DF).contains(&d))
                        .count()
                        >= 100
                );
            }
            let (got, compared) = space.edges(floor);
            let (want, compared_want) = space.edges_per_item(floor);
            assert!(want.len() > 500, "{n} {neighbours}: {} edges", want.len());
            assert_eq!(compared, compared_want, "{n} {neighbours}");
            assert_eq!(got.len(), want.len(), "{n} {neighbours}");
            for (g, w) in got.iter().zip(&want) {
                assert_eq!((g.0, g.1, g.2.to_bits()), (w.0, w.1, w.2.to_bits()));
            }
        }
    }

    #[test]
    fn floor_drops_weak_pairs() {
        let space = Space::new(
            vec![item(&[0, 1, 2, 3], &[]), item(&[0, 5, 6, 7], &[])],
            8,
            0.5,
        );
        let s = space.similarity(0, 1);
        assert!(s > 0.0 && s < 0.5);
        assert_eq!(space.edges(0.5).0.len(), 0);
        assert_eq!(space.edges(s).0.len(), 1);
    }
}
