//! Average-linkage clustering over a sparse similarity graph: the two
//! clusters with the highest mean pairwise similarity merge, while that
//! mean reaches the threshold. Pairs without an edge count as 0, so an
//! item joins a cluster only if it is similar to the cluster as a whole,
//! never through one member alone (no chaining).

use std::cmp::Ordering;
use std::collections::BinaryHeap;

/// A candidate merge in the heap.
#[derive(Debug, Clone, Copy)]
struct Candidate {
    mean: f64,
    a: u32,
    b: u32,
    /// Versions of `a` and `b` when the candidate was made; a candidate is
    /// stale once either cluster changed.
    va: u32,
    vb: u32,
}

impl PartialEq for Candidate {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Candidate {}

impl PartialOrd for Candidate {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Candidate {
    /// Highest mean first; ties go to the smallest cluster ids.
    fn cmp(&self, other: &Self) -> Ordering {
        self.mean
            .total_cmp(&other.mean)
            .then_with(|| other.a.cmp(&self.a))
            .then_with(|| other.b.cmp(&self.b))
    }
}

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
    // Sum of the similarities between two live clusters, keyed by the
    // other cluster's id (sorted at first, in no order after merges).
    let mut links: Vec<Vec<(u32, f64)>> = vec![Vec::new(); n];
    for &(a, b, s) in edges {
        if a == b || a as usize >= n || b as usize >= n {
            continue;
        }
        links[a as usize].push((b, s));
        links[b as usize].push((a, s));
    }
    for l in &mut links {
        l.sort_unstable_by_key(|e| e.0);
        // A repeated edge adds up.
        l.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                kept.1 += later.1;
            }
            same
        });
    }
    let mut c = Clusters {
        links,
        size: vec![1u32; n],
        version: vec![0u32; n],
        parent: (0..n as u32).collect(),
        fixed: (0..n).map(|i| fixed.get(i).copied().flatten()).collect(),
        acc: vec![f64::NAN; n],
    };
    // The fixed groups first, each merged into its smallest item.
    let mut first: std::collections::HashMap<u32, u32> = std::collections::HashMap::new();
    for i in 0..n as u32 {
        if let Some(g) = c.fixed[i as usize] {
            match first.get(&g) {
                Some(&root) => {
                    let _ = c.merge(root, i, f64::INFINITY);
                }
                None => {
                    first.insert(g, i);
                }
            }
        }
    }
    // The initial pairs, best first, in one sorted list; the candidates
    // that merges create go to a heap (kept small: a large heap is slow to
    // pop).
    let mut initial: Vec<Candidate> = Vec::new();
    for (a, l) in c.links.iter().enumerate() {
        if c.parent[a] as usize != a {
            continue;
        }
        for &(b, sum) in l {
            let mean = sum / (f64::from(c.size[a]) * f64::from(c.size[b as usize]));
            if b > a as u32 && mean >= threshold {
                initial.push(Candidate {
                    mean,
                    a: a as u32,
                    b,
                    va: c.version[a],
                    vb: c.version[b as usize],
                });
            }
        }
    }
    initial.sort_unstable_by(|x, y| y.cmp(x));
    let mut initial = initial.into_iter().peekable();
    let mut heap: BinaryHeap<Candidate> = BinaryHeap::new();
    loop {
        let next = match (initial.peek(), heap.peek()) {
            (Some(x), Some(y)) if x >= y => initial.next(),
            (Some(_), None) => initial.next(),
            (_, Some(_)) => heap.pop(),
            (None, None) => None,
        };
        let Some(cand) = next else { break };
        if cand.mean < threshold {
            break;
        }
        let (a, b) = (cand.a as usize, cand.b as usize);
        if c.parent[a] != cand.a
            || c.parent[b] != cand.b
            || c.version[a] != cand.va
            || c.version[b] != cand.vb
        {
            continue;
        }
        if let (Some(x), Some(y)) = (c.fixed[a], c.fixed[b])
            && x != y
        {
            continue;
        }
        heap.extend(c.merge(cand.a, cand.b, threshold));
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

/// The live clusters of an average linkage.
struct Clusters {
    links: Vec<Vec<(u32, f64)>>,
    size: Vec<u32>,
    version: Vec<u32>,
    parent: Vec<u32>,
    /// The fixed group a cluster holds, if any.
    fixed: Vec<Option<u32>>,
    /// Running sums, `NAN` where unset.
    acc: Vec<f64>,
}

impl Clusters {
    /// Merges cluster `y` into `x` (or `x` into `y`, keeping the smallest
    /// id); returns the candidates of the merged cluster that reach the
    /// threshold.
    fn merge(&mut self, x: u32, y: u32, threshold: f64) -> Vec<Candidate> {
        let (a32, b32) = (x.min(y), x.max(y));
        let (a, b) = (a32 as usize, b32 as usize);
        self.parent[b] = a32;
        self.size[a] += self.size[b];
        self.version[a] += 1;
        self.fixed[a] = self.fixed[a].or(self.fixed[b]);
        // The merged cluster's links: the sums of both, keyed by neighbour.
        let (la, lb) = (
            std::mem::take(&mut self.links[a]),
            std::mem::take(&mut self.links[b]),
        );
        let mut merged: Vec<(u32, f64)> = Vec::with_capacity(la.len() + lb.len());
        for &(k, s) in la.iter().chain(&lb) {
            if k == a32 || k == b32 {
                continue;
            }
            let slot = &mut self.acc[k as usize];
            if slot.is_nan() {
                *slot = s;
                merged.push((k, 0.0));
            } else {
                *slot += s;
            }
        }
        for e in &mut merged {
            e.1 = self.acc[e.0 as usize];
            self.acc[e.0 as usize] = f64::NAN;
        }
        let mut out = Vec::new();
        for &(k, sum) in &merged {
            // In the neighbour's links, `a` takes the new sum and `b` goes.
            let l = &mut self.links[k as usize];
            let mut found_a = false;
            let mut i = 0;
            while i < l.len() {
                if l[i].0 == a32 {
                    l[i].1 = sum;
                    found_a = true;
                } else if l[i].0 == b32 {
                    l.swap_remove(i);
                    continue;
                }
                i += 1;
            }
            if !found_a {
                l.push((a32, sum));
            }
            let mean = sum / (f64::from(self.size[a]) * f64::from(self.size[k as usize]));
            if mean >= threshold {
                let (p, q) = if a32 < k { (a32, k) } else { (k, a32) };
                out.push(Candidate {
                    mean,
                    a: p,
                    b: q,
                    va: self.version[p as usize],
                    vb: self.version[q as usize],
                });
            }
        }
        self.links[a] = merged;
        out
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
