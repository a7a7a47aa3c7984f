//! Average-linkage clustering over a sparse similarity graph: the two
//! clusters with the highest mean pairwise similarity merge, while that
//! mean reaches the threshold. Pairs without an edge count as 0, so an
//! item joins a cluster only if it is similar to the cluster as a whole,
//! never through one member alone (no chaining).
//!
//! The merges are found with the nearest-neighbour chain: follow each
//! cluster's nearest neighbour until two clusters are each other's
//! nearest, and merge them. Average linkage is reducible (a merged cluster
//! is never closer to a third than the nearer of its two parts was), so
//! this gives the merges of the greedy "best pair first" rule (when
//! similarities tie, possibly another pair of the tie first, always the
//! same for the same edges), at the cost
//! of the neighbours of the clusters on the chain rather than of a queue of
//! every candidate pair: a dense cluster of m items costs about m², not m³.

/// Clusters items `0..n` given the edges `(a, b, similarity)`: returns
/// each item's cluster as the smallest item index in it. Deterministic:
/// the same edges in any order give the same clusters.
pub(crate) fn average_linkage(n: usize, edges: &[(u32, u32, f64)], threshold: f64) -> Vec<u32> {
    average_linkage_with(n, edges, threshold, &vec![None; n])
}

/// [`average_linkage`] with fixed groups: the items with the same
/// `fixed[i]` start as one cluster, and two clusters holding different
/// fixed groups never merge (a consultant's decisions); items without one
/// join clusters as usual.
pub(crate) fn average_linkage_with(
    n: usize,
    edges: &[(u32, u32, f64)],
    threshold: f64,
    fixed: &[Option<u32>],
) -> Vec<u32> {
    // Sum of the similarities between two clusters, keyed by the other
    // cluster's id and its version when the sum was written: an entry is
    // current while that cluster is live at that version (see `Clusters`).
    let valid = |a: u32, b: u32| a != b && (a as usize) < n && (b as usize) < n;
    // Each list allocated once at its length (growing tens of millions of
    // lists entry by entry was most of the cost in a large consultation).
    let mut degree = vec![0usize; n];
    for &(a, b, _) in edges {
        if valid(a, b) {
            degree[a as usize] += 1;
            degree[b as usize] += 1;
        }
    }
    let mut links: Vec<Vec<Link>> = degree.into_iter().map(Vec::with_capacity).collect();
    for &(a, b, s) in edges {
        if !valid(a, b) {
            continue;
        }
        links[a as usize].push(Link {
            to: b,
            version: 0,
            sum: s,
        });
        links[b as usize].push(Link {
            to: a,
            version: 0,
            sum: s,
        });
    }
    use rayon::prelude::*;
    links.par_iter_mut().for_each(|l| {
        l.sort_unstable_by_key(|e| e.to);
        // A repeated edge adds up.
        l.dedup_by(|later, kept| {
            let same = later.to == kept.to;
            if same {
                kept.sum += later.sum;
            }
            same
        });
    });
    let mut c = Clusters {
        links,
        live: vec![
            Live {
                version: 0,
                size: 1
            };
            n
        ],
        parent: (0..n as u32).collect(),
        fixed: (0..n).map(|i| fixed.get(i).copied().flatten()).collect(),
        acc: vec![f64::NAN; n],
    };
    // The fixed groups first, each merged into its smallest item.
    let mut first: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
    for i in 0..n as u32 {
        if let Some(g) = c.fixed[i as usize] {
            match first.get(&g) {
                Some(&root) => c.merge(root, i),
                None => {
                    first.insert(g, i);
                }
            }
        }
    }
    // The chain: each cluster's nearest neighbour is the next one. A
    // cluster without a neighbour at the threshold is done for good (a
    // merge never brings a cluster closer).
    let mut done = vec![false; n];
    let mut chain: Vec<u32> = Vec::new();
    let mut start = 0usize;
    loop {
        if chain.is_empty() {
            while start < n && (c.parent[start] as usize != start || done[start]) {
                start += 1;
            }
            if start == n {
                break;
            }
            chain.push(start as u32);
        }
        let x = *chain.last().expect("not empty");
        let previous = chain.len().checked_sub(2).map(|i| chain[i]);
        match c.nearest(x, previous, threshold) {
            None => {
                done[x as usize] = true;
                chain.pop();
            }
            Some(y) if Some(y) == previous => {
                chain.truncate(chain.len() - 2);
                c.merge(x, y);
            }
            Some(y) => chain.push(y),
        }
    }
    (0..n)
        .map(|i| {
            let mut r = i;
            while c.parent[r] as usize != r {
                r = c.parent[r] as usize;
            }
            r as u32
        })
        .collect()
}

/// The sum of the similarities between a cluster and its neighbour `to`,
/// written when `to` was at `version`.
#[derive(Debug, Clone, Copy)]
struct Link {
    to: u32,
    version: u32,
    sum: f64,
}

/// A cluster's version (how many merges it took in) and size.
#[derive(Debug, Clone, Copy)]
struct Live {
    version: u32,
    size: u32,
}

/// The version of a cluster that merged into another: no link is current
/// for it (versions count merges, fewer than the items).
const DEAD: u32 = u32::MAX;

/// The live clusters of an average linkage. A cluster's links are never
/// edited in place: a merge appends the new sum to each neighbour's list,
/// and entries naming a cluster that merged since (another version, or no
/// longer live) are skipped, so that a merge costs the neighbours of the
/// two clusters, not their neighbours' neighbours.
struct Clusters {
    links: Vec<Vec<Link>>,
    /// Each cluster's version and size, in one record (read for every
    /// link the chain looks at); [`DEAD`] for a cluster merged into
    /// another.
    live: Vec<Live>,
    parent: Vec<u32>,
    /// The fixed group a cluster holds, if any.
    fixed: Vec<Option<u32>>,
    /// Running sums, `NAN` where unset.
    acc: Vec<f64>,
}

impl Clusters {
    /// Whether a link entry is current.
    fn current(&self, l: &Link) -> bool {
        self.live[l.to as usize].version == l.version
    }

    /// The nearest neighbour of cluster `x` whose mean similarity reaches
    /// the threshold and that `x` may merge with (not another fixed group);
    /// ties go to `previous` (the chain's cluster before `x`), then to the
    /// smallest id.
    fn nearest(&self, x: u32, previous: Option<u32>, threshold: f64) -> Option<u32> {
        let xs = f64::from(self.live[x as usize].size);
        let fx = self.fixed[x as usize];
        let mut best: Option<(f64, u32)> = None;
        for l in &self.links[x as usize] {
            let to = self.live[l.to as usize];
            if to.version != l.version || l.to == x {
                continue;
            }
            if let (Some(a), Some(b)) = (fx, self.fixed[l.to as usize])
                && a != b
            {
                continue;
            }
            let mean = l.sum / (xs * f64::from(to.size));
            if mean < threshold {
                continue;
            }
            let better = match best {
                None => true,
                Some((m, k)) => {
                    mean > m
                        || (mean == m
                            && Some(k) != previous
                            && (Some(l.to) == previous || l.to < k))
                }
            };
            if better {
                best = Some((mean, l.to));
            }
        }
        best.map(|(_, k)| k)
    }

    /// Merges cluster `y` into `x` (or `x` into `y`, keeping the smallest
    /// id).
    fn merge(&mut self, x: u32, y: u32) {
        let (a32, b32) = (x.min(y), x.max(y));
        let (a, b) = (a32 as usize, b32 as usize);
        // The merged cluster's links: the current sums of both, keyed by
        // neighbour (read before the versions change).
        let (la, lb) = (
            std::mem::take(&mut self.links[a]),
            std::mem::take(&mut self.links[b]),
        );
        let mut merged: Vec<Link> = Vec::with_capacity(la.len() + lb.len());
        for l in la.iter().chain(&lb) {
            if l.to == a32 || l.to == b32 || !self.current(l) {
                continue;
            }
            let slot = &mut self.acc[l.to as usize];
            if slot.is_nan() {
                *slot = l.sum;
                merged.push(*l);
            } else {
                *slot += l.sum;
            }
        }
        for e in &mut merged {
            e.sum = self.acc[e.to as usize];
            self.acc[e.to as usize] = f64::NAN;
        }
        self.parent[b] = a32;
        self.live[a].size += self.live[b].size;
        self.live[a].version += 1;
        self.live[b].version = DEAD;
        self.fixed[a] = self.fixed[a].or(self.fixed[b]);
        let version = self.live[a].version;
        for e in &merged {
            // The neighbour learns the new sum; its entries for `a` and
            // `b` are stale from now on (compacted now and then).
            let k = e.to as usize;
            self.links[k].push(Link {
                to: a32,
                version,
                sum: e.sum,
            });
            let len = self.links[k].len();
            if len >= 64 && len.is_power_of_two() {
                let list = std::mem::take(&mut self.links[k]);
                self.links[k] = list.into_iter().filter(|l| self.current(l)).collect();
            }
        }
        self.links[a] = merged;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairs_above_the_threshold_merge() {
        let labels = average_linkage(4, &[(0, 2, 0.9), (1, 3, 0.4)], 0.5);
        assert_eq!(labels, [0, 1, 0, 3]);
        // At the threshold exactly: merged.
        assert_eq!(average_linkage(2, &[(0, 1, 0.5)], 0.5), [0, 0]);
        assert_eq!(average_linkage(2, &[(0, 1, 0.4999)], 0.5), [0, 1]);
    }

    #[test]
    fn no_chaining_through_one_member() {
        // A~B, B~C, A≁C: C stays out of A+B (mean (0.7 + 0) / 2 < 0.6).
        let labels = average_linkage(3, &[(0, 1, 0.9), (1, 2, 0.7)], 0.6);
        assert_eq!(labels, [0, 0, 2]);
        // Unless C is similar to the cluster as a whole.
        let labels = average_linkage(3, &[(0, 1, 0.9), (1, 2, 0.7), (0, 2, 0.6)], 0.6);
        assert_eq!(labels, [0, 0, 0]);
    }

    #[test]
    fn best_pair_first_and_deterministic_in_edge_order() {
        // B is closer to C than to A: B+C form, A stays alone.
        let edges = [(0, 1, 0.7), (1, 2, 0.9), (0, 2, 0.1), (3, 4, 0.8)];
        let labels = average_linkage(5, &edges, 0.6);
        assert_eq!(labels, [0, 1, 1, 3, 3]);
        let mut reversed = edges;
        reversed.reverse();
        assert_eq!(average_linkage(5, &reversed, 0.6), labels);
        // Ties go to the smallest ids.
        let labels = average_linkage(3, &[(0, 1, 0.8), (1, 2, 0.8)], 0.6);
        assert_eq!(labels, [0, 0, 2]);
    }

    /// The greedy rule itself, by brute force: the pair of clusters with
    /// the highest mean merges first (ties to the smallest ids).
    fn greedy(n: usize, edges: &[(u32, u32, f64)], threshold: f64) -> Vec<u32> {
        let mut sim = vec![vec![0.0f64; n]; n];
        for &(a, b, s) in edges {
            sim[a as usize][b as usize] += s;
            sim[b as usize][a as usize] += s;
        }
        let mut clusters: Vec<Vec<usize>> = (0..n).map(|i| vec![i]).collect();
        loop {
            let mut best: Option<(f64, usize, usize)> = None;
            for i in 0..clusters.len() {
                for j in i + 1..clusters.len() {
                    let sum: f64 = clusters[i]
                        .iter()
                        .flat_map(|&x| clusters[j].iter().map(move |&y| (x, y)))
                        .map(|(x, y)| sim[x][y])
                        .sum();
                    let mean = sum / (clusters[i].len() * clusters[j].len()) as f64;
                    let key = (clusters[i][0], clusters[j][0]);
                    let better = match best {
                        None => true,
                        Some((m, a, b)) => {
                            mean > m || (mean == m && key < (clusters[a][0], clusters[b][0]))
                        }
                    };
                    if mean >= threshold && better {
                        best = Some((mean, i, j));
                    }
                }
            }
            let Some((_, i, j)) = best else { break };
            let moved = clusters.remove(j);
            clusters[i].extend(moved);
            clusters[i].sort_unstable();
            clusters.sort_unstable();
        }
        let mut out = vec![0u32; n];
        for c in &clusters {
            for &x in c {
                out[x] = c[0] as u32;
            }
        }
        out
    }

    #[test]
    fn the_chain_gives_the_greedy_merges() {
        // Random graphs, dense and sparse, with similarities that do not
        // tie (with ties, both orders are average linkage but may pick
        // different pairs first; the chain stays deterministic, below).
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        for round in 0..300 {
            let n = 2 + (next() % 24) as usize;
            let density = 1 + next() % 6;
            let mut edges = Vec::new();
            for a in 0..n as u32 {
                for b in a + 1..n as u32 {
                    if next() % density == 0 {
                        edges.push((a, b, (next() >> 11) as f64 / (1u64 << 53) as f64));
                    }
                }
            }
            let threshold = (1 + next() % 8) as f64 / 10.0;
            assert_eq!(
                average_linkage(n, &edges, threshold),
                greedy(n, &edges, threshold),
                "round {round}: n {n}, threshold {threshold}, {edges:?}"
            );
            // With ties (similarities in eighths), the same edges in
            // another order give the same clusters.
            let tied: Vec<(u32, u32, f64)> = edges
                .iter()
                .map(|&(a, b, s)| (a, b, (s * 8.0).ceil() / 8.0))
                .collect();
            let mut reversed = tied.clone();
            reversed.reverse();
            assert_eq!(
                average_linkage(n, &tied, threshold),
                average_linkage(n, &reversed, threshold)
            );
        }
    }

    #[test]
    fn a_dense_cluster_costs_its_pairs() {
        // 2,000 items all alike: one cluster, found without a queue of
        // every candidate (this took minutes with one).
        let n = 2_000u32;
        let mut edges = Vec::new();
        for a in 0..n {
            for b in a + 1..n {
                edges.push((a, b, 0.9));
            }
        }
        let labels = average_linkage(n as usize, &edges, 0.6);
        assert!(labels.iter().all(|&l| l == 0));
    }

    #[test]
    fn empty_and_out_of_range_edges() {
        assert!(average_linkage(0, &[], 0.5).is_empty());
        assert_eq!(average_linkage(2, &[(0, 5, 1.0), (1, 1, 1.0)], 0.5), [0, 1]);
    }

    #[test]
    fn fixed_groups_start_together_and_never_merge_with_each_other() {
        // 0 and 2 are fixed together without an edge; 1 and 3 are fixed
        // apart although they are alike; 4 joins 0's group on its own.
        let edges = [(1, 3, 0.95), (0, 4, 0.9), (2, 4, 0.9)];
        let fixed = [Some(7), Some(8), Some(7), Some(9), None];
        assert_eq!(
            average_linkage_with(5, &edges, 0.6, &fixed),
            [0, 1, 0, 3, 0]
        );
        // Without the fixed groups.
        assert_eq!(average_linkage(5, &edges, 0.6), [0, 1, 2, 1, 0]);
    }
}
