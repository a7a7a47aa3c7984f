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

use rayon::prelude::*;

/// Clusters items `0..n` given the edges `(a, b, similarity)`: returns
/// each item's cluster as the smallest item index in it. Deterministic:
/// the same edges in any order give the same clusters. (The merge builds
/// the [`Graph`] itself, to free the edges first.)
#[cfg(test)]
pub(crate) fn average_linkage(n: usize, edges: &[(u32, u32, f64)], threshold: f64) -> Vec<u32> {
    average_linkage_with(n, edges, threshold, &vec![None; n])
}

/// [`average_linkage`] with fixed groups: the items with the same
/// `fixed[i]` start as one cluster, and two clusters holding different
/// fixed groups never merge (a consultant's decisions); items without one
/// join clusters as usual.
#[cfg(test)]
pub(crate) fn average_linkage_with(
    n: usize,
    edges: &[(u32, u32, f64)],
    threshold: f64,
    fixed: &[Option<u32>],
) -> Vec<u32> {
    Graph::new(n, edges.to_vec()).average_linkage(threshold, fixed)
}

/// One end of an edge in a [`Graph`]: 12 bytes (the similarity's bits
/// as two words), where a `(u32, f64)` pair takes 16.
#[derive(Debug, Clone, Copy)]
struct End {
    to: u32,
    sum: [u32; 2],
}

impl End {
    fn new(to: u32, sum: f64) -> Self {
        let bits = sum.to_bits();
        End {
            to,
            sum: [(bits >> 32) as u32, bits as u32],
        }
    }

    fn sum(self) -> f64 {
        f64::from_bits((u64::from(self.sum[0]) << 32) | u64::from(self.sum[1]))
    }

    /// The link of a cluster that has not merged yet to this neighbour.
    fn link(self) -> Link {
        Link {
            to: self.to,
            version: 0,
            sum: self.sum(),
        }
    }
}

/// The similarity graph of items `0..n`: each item's neighbours, sorted,
/// with the similarity of the pair (a repeated edge adds up), in one
/// array. It holds both ends of every edge in 12 bytes each, where the
/// edges and one list of links per item held 48 (at 2,000,000
/// contributions, 54 M edges: 2.6 GB, the stage's peak).
pub(crate) struct Graph {
    /// Where each item's neighbours start in `ends`; one more than the
    /// items.
    starts: Vec<usize>,
    ends: Vec<End>,
}

impl Graph {
    /// The graph of `edges` (consumed: freed once placed). Edges to
    /// oneself or outside `0..n` are left out.
    pub(crate) fn new(n: usize, edges: Vec<(u32, u32, f64)>) -> Self {
        let valid = |a: u32, b: u32| a != b && (a as usize) < n && (b as usize) < n;
        let mut starts = vec![0usize; n + 1];
        for &(a, b, _) in &edges {
            if valid(a, b) {
                starts[a as usize + 1] += 1;
                starts[b as usize + 1] += 1;
            }
        }
        for i in 0..n {
            starts[i + 1] += starts[i];
        }
        let mut next = starts.clone();
        let mut ends = vec![End::new(0, 0.0); starts[n]];
        for &(a, b, s) in &edges {
            if !valid(a, b) {
                continue;
            }
            ends[next[a as usize]] = End::new(b, s);
            next[a as usize] += 1;
            ends[next[b as usize]] = End::new(a, s);
            next[b as usize] += 1;
        }
        drop((edges, next));
        // Each list sorted by neighbour (the edges of a merge come sorted
        // and once each, which leaves every list as it is), a repeated
        // edge summed into one end.
        let mut graph = Graph { starts, ends };
        let sorted = (0..n)
            .into_par_iter()
            .all(|i| graph.row(i).windows(2).all(|w| w[0].to < w[1].to));
        if !sorted {
            graph = graph.sorted();
        }
        graph
    }

    /// The graph with each list sorted by neighbour and repeated
    /// neighbours summed.
    fn sorted(self) -> Self {
        let n = self.starts.len() - 1;
        let mut starts = Vec::with_capacity(n + 1);
        let mut ends: Vec<End> = Vec::with_capacity(self.ends.len());
        starts.push(0);
        for i in 0..n {
            let mut row = self.row(i).to_vec();
            row.sort_by_key(|e| e.to);
            let first = ends.len();
            for e in row {
                let len = ends.len();
                match ends.last_mut() {
                    Some(last) if len > first && last.to == e.to => {
                        *last = End::new(e.to, last.sum() + e.sum());
                    }
                    _ => ends.push(e),
                }
            }
            starts.push(ends.len());
        }
        Graph { starts, ends }
    }

    /// The neighbours of item `i`, sorted.
    fn row(&self, i: usize) -> &[End] {
        &self.ends[self.starts[i]..self.starts[i + 1]]
    }

    /// Each item's closeness to its cluster: the sum of its similarities
    /// to the other members (`labels` from [`Graph::average_linkage`]),
    /// added in neighbour order.
    pub(crate) fn closeness(&self, labels: &[u32]) -> Vec<f64> {
        (0..self.starts.len() - 1)
            .into_par_iter()
            .map(|i| {
                self.row(i)
                    .iter()
                    .filter(|e| labels[e.to as usize] == labels[i])
                    .fold(0.0, |acc, e| acc + e.sum())
            })
            .collect()
    }

    /// The clusters of [`average_linkage_with`].
    pub(crate) fn average_linkage(&self, threshold: f64, fixed: &[Option<u32>]) -> Vec<u32> {
        let n = self.starts.len() - 1;
        let mut c = Clusters {
            graph: self,
            in_graph: vec![true; n],
            links: vec![Vec::new(); n],
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

/// The live clusters of an average linkage. A cluster's links are its
/// neighbours in the graph (version 0) until it merges, then a list of
/// its own; links are never edited in place: a merge appends the new sum
/// to each neighbour's list, and entries naming a cluster that merged
/// since (another version, or no longer live) are skipped, so that a
/// merge costs the neighbours of the two clusters, not their neighbours'
/// neighbours.
struct Clusters<'g> {
    graph: &'g Graph,
    /// Whether a cluster's links still include its neighbours in the
    /// graph (until it merges or its list is compacted).
    in_graph: Vec<bool>,
    /// The links a cluster has beyond its graph neighbours.
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

impl<'g> Clusters<'g> {
    /// Whether a link entry is current.
    fn current(&self, l: &Link) -> bool {
        self.live[l.to as usize].version == l.version
    }

    /// The graph neighbours cluster `x` still reads (none once it merged
    /// or its list was compacted).
    fn graph_row(&self, x: usize) -> &'g [End] {
        if self.in_graph[x] {
            self.graph.row(x)
        } else {
            &[]
        }
    }

    /// The links of cluster `x`: its graph neighbours, then its own list.
    fn links_of(&self, x: usize) -> impl Iterator<Item = Link> + '_ {
        self.graph_row(x)
            .iter()
            .map(|e| e.link())
            .chain(self.links[x].iter().copied())
    }

    /// The nearest neighbour of cluster `x` whose mean similarity reaches
    /// the threshold and that `x` may merge with (not another fixed group);
    /// ties go to `previous` (the chain's cluster before `x`), then to the
    /// smallest id.
    fn nearest(&self, x: u32, previous: Option<u32>, threshold: f64) -> Option<u32> {
        let xs = f64::from(self.live[x as usize].size);
        let fx = self.fixed[x as usize];
        let mut best: Option<(f64, u32)> = None;
        for l in self.links_of(x as usize) {
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
        let (ga, gb) = (self.graph_row(a), self.graph_row(b));
        (self.in_graph[a], self.in_graph[b]) = (false, false);
        let (la, lb) = (
            std::mem::take(&mut self.links[a]),
            std::mem::take(&mut self.links[b]),
        );
        let mut merged: Vec<Link> = Vec::with_capacity(ga.len() + la.len() + gb.len() + lb.len());
        let both = (ga.iter().map(|e| e.link()).chain(la.iter().copied()))
            .chain(gb.iter().map(|e| e.link()).chain(lb.iter().copied()));
        for l in both {
            if l.to == a32 || l.to == b32 || !self.current(&l) {
                continue;
            }
            let slot = &mut self.acc[l.to as usize];
            if slot.is_nan() {
                *slot = l.sum;
                merged.push(l);
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
            let len = self.graph_row(k).len() + self.links[k].len();
            if len >= 64 && len.is_power_of_two() {
                let list: Vec<Link> = self.links_of(k).filter(|l| self.current(l)).collect();
                self.in_graph[k] = false;
                self.links[k] = list;
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
    fn the_graph_holds_both_ends_of_each_edge_sorted_and_repeats_summed() {
        let g = Graph::new(
            4,
            vec![(2, 0, 0.5), (0, 1, 0.25), (0, 2, 0.125), (3, 3, 1.0)],
        );
        let row =
            |i: usize| -> Vec<(u32, f64)> { g.row(i).iter().map(|e| (e.to, e.sum())).collect() };
        assert_eq!(row(0), [(1, 0.25), (2, 0.625)]);
        assert_eq!(row(1), [(0, 0.25)]);
        assert_eq!(row(2), [(0, 0.625)]);
        assert!(row(3).is_empty(), "no edge to oneself");
        // A similarity's bits survive the two-word end.
        let x = 0.1 + 0.2;
        assert_eq!(End::new(7, x).sum().to_bits(), x.to_bits());
        // Closeness: the similarities to the item's own cluster only.
        assert_eq!(g.closeness(&[0, 1, 0, 3]), [0.625, 0.0, 0.625, 0.0]);
    }

    #[test]
    fn closeness_adds_in_the_order_the_edges_came() {
        // Sorted edges, once each (as the merge gives them): each item's
        // sum is the one an edge-by-edge pass adds up, to the bit.
        let edges: Vec<(u32, u32, f64)> = (0..40u32)
            .flat_map(|a| {
                ((a + 1)..40).map(move |b| (a, b, f64::from((a * 7 + b * 13) % 17) / 17.0 + 0.1))
            })
            .collect();
        let mut want = vec![0.0f64; 40];
        for &(a, b, s) in &edges {
            want[a as usize] += s;
            want[b as usize] += s;
        }
        let got = Graph::new(40, edges).closeness(&[0; 40]);
        let bits = |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&got), bits(&want));
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
