//! The similarity of two recommendations (shared codes and stemmed
//! wording) and the blocking that decides which pairs are compared at all.

use std::collections::HashMap;

use rayon::prelude::*;

/// Stems with a document frequency up to this block pairs: two
/// recommendations sharing such a stem are compared. Commoner stems block
/// only as one of a recommendation's [`RAREST_KEPT`] rarest stems. A fixed
/// bound keeps the number of compared pairs near-linear in the number of
/// recommendations (with Zipf-like word frequencies, about `N × bound`).
pub(crate) const BLOCK_MAX_DF: usize = 400;

/// Every recommendation also blocks on its rarest stems, however common:
/// short proposals made of common words still meet their paraphrases.
pub(crate) const RAREST_KEPT: usize = 2;

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
}

impl Item {
    /// An item from its stems in text order and its codes.
    pub fn new(seq: Vec<u32>, mut codes: Vec<u32>) -> Self {
        let mut stems = seq.clone();
        stems.sort_unstable();
        stems.dedup();
        codes.sort_unstable();
        codes.dedup();
        Item { seq, stems, codes }
    }
}

/// The adjacent pairs of a stem sequence whose two stems are both in
/// `shared` (as indices into `shared`, smaller first), sorted.
fn shared_bigrams(seq: &[u32], shared: &[u32]) -> Vec<(usize, usize)> {
    let mut out: Vec<(usize, usize)> = seq
        .windows(2)
        .filter_map(|w| {
            let x = shared.binary_search(&w[0]).ok()?;
            let y = shared.binary_search(&w[1]).ok()?;
            (x != y).then_some((x.min(y), x.max(y)))
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// The recommendations of a study with their stem weights.
#[derive(Debug, Clone)]
pub(crate) struct Space {
    /// The recommendations.
    pub items: Vec<Item>,
    /// Squared inverse document frequency of each stem id.
    idf2: Vec<f64>,
    /// Document frequency of each stem id.
    df: Vec<usize>,
    /// Euclidean norm of each item's idf vector.
    norms: Vec<f64>,
    /// Each item's codes then stems, packed one item after the other, so
    /// that comparing two items reads two short runs of memory.
    packed: Vec<u32>,
    /// Where each item's run starts in `packed`, and its number of codes
    /// and stems.
    runs: Vec<(usize, u32, u32)>,
    /// Weight of the codes (`merge_code_weight`).
    code_weight: f64,
}

impl Space {
    /// Weighs the stems of `items` (stem ids below `stems`).
    pub fn new(items: Vec<Item>, stems: usize, code_weight: f64) -> Self {
        let mut df = vec![0usize; stems];
        for item in &items {
            for &s in &item.stems {
                df[s as usize] += 1;
            }
        }
        let n = items.len() as f64;
        let idf2: Vec<f64> = df
            .iter()
            .map(|&d| (((1.0 + n) / (1.0 + d as f64)).ln() + 1.0).powi(2))
            .collect();
        let norms = items
            .iter()
            .map(|it| {
                it.stems
                    .iter()
                    .map(|&s| idf2[s as usize])
                    .sum::<f64>()
                    .sqrt()
            })
            .collect();
        let mut packed = Vec::new();
        let mut runs = Vec::with_capacity(items.len());
        for it in &items {
            runs.push((packed.len(), it.codes.len() as u32, it.stems.len() as u32));
            packed.extend_from_slice(&it.codes);
            packed.extend_from_slice(&it.stems);
        }
        Space {
            items,
            idf2,
            df,
            norms,
            packed,
            runs,
            code_weight: code_weight.clamp(0.0, 1.0),
        }
    }

    /// Cosine of the idf-weighted stem sets of items `a` and `b` (0 when
    /// either has no content word), where a phrase the two share (stems
    /// adjacent in both texts, in either order: `services publics`,
    /// `horaires d'ouverture`) counts as one word, weighed as its rarest
    /// stem, on both sides: one shared phrase is one shared idea.
    pub fn wording(&self, a: usize, b: usize) -> f64 {
        let (dot, shared) = self.plain_dot(a, b);
        let norm = self.norms[a] * self.norms[b];
        if shared == 0 || norm == 0.0 {
            return 0.0;
        }
        if shared == 1 {
            return (dot / norm).min(1.0);
        }
        self.phrased(a, b)
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

    /// [`Space::wording`] when two stems or more are shared.
    fn phrased(&self, a: usize, b: usize) -> f64 {
        let (x, y) = (&self.items[a], &self.items[b]);
        let shared: Vec<u32> = x
            .stems
            .iter()
            .copied()
            .filter(|s| y.stems.binary_search(s).is_ok())
            .collect();
        let weight = |k: usize| self.idf2[shared[k] as usize];
        // Phrases: shared stems joined by a bigram found in both texts.
        let mut phrase: Vec<usize> = (0..shared.len()).collect();
        let root = |mut k: usize, phrase: &[usize]| {
            while phrase[k] != k {
                k = phrase[k];
            }
            k
        };
        if shared.len() > 1 {
            let in_y = shared_bigrams(&y.seq, &shared);
            for (p, q) in shared_bigrams(&x.seq, &shared) {
                if in_y.binary_search(&(p, q)).is_ok() {
                    let (rp, rq) = (root(p, &phrase), root(q, &phrase));
                    phrase[rp.max(rq)] = rp.min(rq);
                }
            }
        }
        // Per phrase: the rarest stem's weight counts, the others' are
        // taken out of both norms.
        let mut best = vec![0.0f64; shared.len()];
        let mut all = vec![0.0f64; shared.len()];
        for k in 0..shared.len() {
            let r = root(k, &phrase);
            best[r] = best[r].max(weight(k));
            all[r] += weight(k);
        }
        let dot: f64 = best.iter().sum();
        let excess: f64 = all.iter().zip(&best).map(|(a, b)| a - b).sum();
        let na = (self.norms[a].powi(2) - excess).max(0.0);
        let nb = (self.norms[b].powi(2) - excess).max(0.0);
        let norm = (na * nb).sqrt();
        if norm == 0.0 {
            return 0.0;
        }
        (dot / norm).min(1.0)
    }

    /// Jaccard index of the code sets, `None` when either has no code.
    pub fn codes(&self, a: usize, b: usize) -> Option<f64> {
        let (x, y) = (self.codes_of(a), self.codes_of(b));
        if x.is_empty() || y.is_empty() {
            return None;
        }
        let shared = x.iter().filter(|c| y.contains(c)).count();
        Some(shared as f64 / (x.len() + y.len() - shared) as f64)
    }

    /// An item's codes, from the packed runs.
    fn codes_of(&self, i: usize) -> &[u32] {
        let (start, codes, _) = self.runs[i];
        &self.packed[start..start + codes as usize]
    }

    /// An item's stems, from the packed runs.
    fn stems_of(&self, i: usize) -> &[u32] {
        let (start, codes, stems) = self.runs[i];
        let from = start + codes as usize;
        &self.packed[from..from + stems as usize]
    }

    /// `w × jaccard(codes) + (1 − w) × wording`, or the wording alone when
    /// either recommendation has no code. Symmetric, between 0 and 1.
    pub fn similarity(&self, a: usize, b: usize) -> f64 {
        self.combine(self.codes(a, b), self.wording(a, b))
    }

    /// The similarity from the code and wording parts.
    fn combine(&self, codes: Option<f64>, wording: f64) -> f64 {
        match codes {
            Some(j) => self.code_weight * j + (1.0 - self.code_weight) * wording,
            None => wording,
        }
    }

    /// [`Space::similarity`] if it reaches `floor`: bounded first with the
    /// codes alone (wording at most 1), then with the plain cosine, which
    /// costs no allocation.
    fn similarity_from(&self, a: usize, b: usize, floor: f64) -> Option<f64> {
        let codes = self.codes(a, b);
        // Even identical wording would not do.
        if self.combine(codes, 1.0) < floor {
            return None;
        }
        let (dot, shared) = self.plain_dot(a, b);
        let norm = self.norms[a] * self.norms[b];
        let plain = if norm == 0.0 {
            0.0
        } else {
            (dot / norm).min(1.0)
        };
        if self.combine(codes, plain) < floor {
            return None;
        }
        let wording = if shared > 1 {
            self.phrased(a, b)
        } else {
            plain
        };
        let s = self.combine(codes, wording);
        (s >= floor).then_some(s)
    }

    /// The features each item blocks on: stems with a document frequency
    /// up to [`BLOCK_MAX_DF`] and the item's [`RAREST_KEPT`] rarest stems;
    /// codes too (as ids after the stems) when `codes_block`, those applied
    /// to at most [`BLOCK_MAX_DF`] recommendations.
    fn blocking(&self, codes_block: bool) -> Vec<Vec<u32>> {
        let stems = self.df.len() as u32;
        let mut code_df: Vec<usize> = Vec::new();
        if codes_block {
            for item in &self.items {
                for &c in &item.codes {
                    if code_df.len() <= c as usize {
                        code_df.resize(c as usize + 1, 0);
                    }
                    code_df[c as usize] += 1;
                }
            }
        }
        self.items
            .iter()
            .map(|item| {
                let mut by_rarity: Vec<(usize, u32)> = item
                    .stems
                    .iter()
                    .map(|&s| (self.df[s as usize], s))
                    .collect();
                by_rarity.sort_unstable();
                let mut keys: Vec<u32> = by_rarity
                    .iter()
                    .enumerate()
                    .filter(|(k, (df, _))| *k < RAREST_KEPT || *df <= BLOCK_MAX_DF)
                    .map(|(_, (_, s))| *s)
                    .collect();
                if codes_block {
                    keys.extend(
                        item.codes
                            .iter()
                            .filter(|&&c| code_df[c as usize] <= BLOCK_MAX_DF)
                            .map(|&c| stems + c),
                    );
                }
                keys.sort_unstable();
                keys
            })
            .collect()
    }

    /// The posting keys of each item (where it is listed) and its probe
    /// keys (the lists it reads), `feature << 32 | family`. Family 0 lists
    /// every item, family 1 the uncoded ones, family `2 + c` the items
    /// coded `c`. With `split` (two items with disjoint codes cannot reach
    /// the floor), a coded item reads only its codes' lists and the
    /// uncoded items' list, so that pairs with disjoint codes are never
    /// gathered; an uncoded item reads everything.
    fn keys(&self, features: &[Vec<u32>], split: bool) -> (Vec<Vec<u64>>, Vec<Vec<u64>>) {
        let key = |f: u32, family: u64| (u64::from(f) << 32) | family;
        let mut listed = Vec::with_capacity(features.len());
        let mut probes = Vec::with_capacity(features.len());
        for (item, fs) in self.items.iter().zip(features) {
            let (mut l, mut p) = (Vec::new(), Vec::new());
            for &f in fs {
                l.push(key(f, 0));
                if !split {
                    p.push(key(f, 0));
                } else if item.codes.is_empty() {
                    l.push(key(f, 1));
                    p.push(key(f, 0));
                } else {
                    p.push(key(f, 1));
                    for &c in &item.codes {
                        l.push(key(f, 2 + u64::from(c)));
                        p.push(key(f, 2 + u64::from(c)));
                    }
                }
            }
            listed.push(l);
            probes.push(p);
        }
        (listed, probes)
    }

    /// The pairs `(a, b)`, `a < b`, that share a blocking feature, with
    /// their similarity when it is at least `floor`, sorted; and how many
    /// pairs were compared. Codes block only when `codes_block` (when code
    /// similarity alone can reach the threshold: without a shared stem the
    /// wording similarity is 0). When two recommendations with disjoint
    /// codes cannot reach `floor` (`1 − w < floor`), coded pairs are
    /// gathered only if they also share a code.
    pub fn edges(&self, floor: f64, codes_block: bool) -> (Vec<Edge>, usize) {
        let features = self.blocking(codes_block);
        let split = 1.0 - self.code_weight < floor;
        let (listed, probes) = self.keys(&features, split);
        // Posting lists as one sorted array of (key, item).
        let mut postings: Vec<(u64, u32)> = listed
            .iter()
            .enumerate()
            .flat_map(|(i, ks)| ks.iter().map(move |&k| (k, i as u32)))
            .collect();
        postings.sort_unstable();
        let mut ranges: HashMap<u64, (usize, usize)> = HashMap::new();
        let mut from = 0;
        for (i, e) in postings.iter().enumerate() {
            if postings.get(i + 1).is_none_or(|next| next.0 != e.0) {
                ranges.insert(e.0, (from, i + 1));
                from = i + 1;
            }
        }
        let list = |k: u64| match ranges.get(&k) {
            Some(&(from, to)) => &postings[from..to],
            None => &postings[..0],
        };
        let n = self.items.len();
        let per_item: Vec<(Vec<Edge>, usize)> = (0..n)
            .into_par_iter()
            .map_init(
                || (vec![u32::MAX; n], Vec::new()),
                |(seen, partners), a| {
                    // `seen[b] == a`: b is already a partner of a.
                    partners.clear();
                    for &k in &probes[a] {
                        let list = list(k);
                        let from = list.partition_point(|e| e.1 as usize <= a);
                        for &(_, b) in &list[from..] {
                            if seen[b as usize] != a as u32 {
                                seen[b as usize] = a as u32;
                                partners.push(b);
                            }
                        }
                    }
                    let mut edges: Vec<Edge> = partners
                        .iter()
                        .filter_map(|&b| {
                            let s = self.similarity_from(a, b as usize, floor)?;
                            Some((a as u32, b, s))
                        })
                        .collect();
                    edges.sort_unstable_by_key(|e| e.1);
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
        // Three items, stems 0..4; stem 0 in two items, the rest in one.
        let space = Space::new(
            vec![
                item(&[0, 1], &[0]),
                item(&[0, 2], &[0, 1]),
                item(&[3, 4], &[]),
            ],
            5,
            0.4,
        );
        // idf: df 2 → ln(4/3)+1, df 1 → ln(2)+1.
        let (i2, i1) = ((4.0f64 / 3.0).ln() + 1.0, 2.0f64.ln() + 1.0);
        let cos = i2 * i2 / (i2 * i2 + i1 * i1);
        assert!(close(space.wording(0, 1), cos));
        assert_eq!(space.codes(0, 1), Some(0.5));
        assert!(close(space.similarity(0, 1), 0.4 * 0.5 + 0.6 * cos));
        assert!(close(space.similarity(1, 0), space.similarity(0, 1)));
        // No code on one side: wording only (here nothing shared).
        assert_eq!(space.codes(0, 2), None);
        assert_eq!(space.similarity(0, 2), 0.0);
        // Identical items: 1.
        let same = Space::new(vec![item(&[0, 1], &[2]), item(&[0, 1], &[2])], 2, 0.5);
        assert!(close(same.similarity(0, 1), 1.0));
        // No content word at all: wording 0, codes still count.
        let empty = Space::new(vec![item(&[], &[1]), item(&[], &[1])], 0, 0.5);
        assert!(close(empty.similarity(0, 1), 0.5));
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
            0.5,
        );
        let (i3, i1) = ((4.0f64 / 4.0).ln() + 1.0, 2.0f64.ln() + 1.0);
        let (w3, w1) = (i3 * i3, i1 * i1);
        // A–C: two shared words; A–B: one shared phrase.
        assert!(close(space.wording(0, 2), 2.0 * w3 / (2.0 * w3 + w1)));
        assert!(close(space.wording(0, 1), w3 / (w3 + w1)));
        assert!(space.wording(0, 1) < space.wording(0, 2));
        // The plain cosine bounds the phrase-aware one.
        assert!(space.wording(0, 1) <= space.plain_dot(0, 1).0 / (2.0 * w3 + w1));
        // Identical texts stay at 1.
        let same = Space::new(vec![item(&[0, 1, 2], &[]), item(&[0, 1, 2], &[])], 3, 0.5);
        assert!(close(same.wording(0, 1), 1.0));
    }

    #[test]
    fn blocking_compares_only_pairs_sharing_a_stem() {
        // 0 and 1 share stem 0; 2 shares only a code with them.
        let space = Space::new(
            vec![item(&[0, 1], &[0]), item(&[0, 2], &[0]), item(&[3], &[0])],
            4,
            0.5,
        );
        let (edges, compared) = space.edges(0.0, false);
        assert_eq!(compared, 1);
        assert_eq!(edges.len(), 1);
        assert_eq!((edges[0].0, edges[0].1), (0, 1));
        // When codes can decide alone, they block too.
        let (edges, compared) = space.edges(0.0, true);
        assert_eq!(compared, 3);
        assert_eq!(
            edges.iter().map(|e| (e.0, e.1)).collect::<Vec<_>>(),
            [(0, 1), (0, 2), (1, 2)]
        );
    }

    #[test]
    fn disjoint_codes_are_not_gathered_when_they_cannot_reach_the_floor() {
        // All share stem 0. 0 and 1 share code 0; 2 has code 1 only; 3 is
        // uncoded.
        let space = Space::new(
            vec![
                item(&[0, 1], &[0]),
                item(&[0, 2], &[0]),
                item(&[0, 3], &[1]),
                item(&[0, 4], &[]),
            ],
            5,
            0.5,
        );
        // Floor 0.54 > 1 − w: (0, 2) and (1, 2) are not even compared;
        // the uncoded item meets everyone.
        let (_, compared) = space.edges(0.54, false);
        assert_eq!(compared, 4);
        // Below 1 − w every pair sharing a stem is compared.
        let (_, compared) = space.edges(0.4, false);
        assert_eq!(compared, 6);
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
        let (edges, compared) = space.edges(0.0, false);
        assert_eq!(compared, 1);
        assert_eq!((edges[0].0, edges[0].1), (0, 1));
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
        assert_eq!(space.edges(0.5, false).0.len(), 0);
        assert_eq!(space.edges(s, false).0.len(), 1);
    }
}
