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
    let mut size = vec![1u32; n];
    let mut version = vec![0u32; n];
    let mut parent: Vec<u32> = (0..n as u32).collect();
    // The initial pairs, best first, in one sorted list; the candidates
    // that merges create go to a heap (kept small: a large heap is slow to
    // pop).
    let mut initial: Vec<Candidate> = Vec::new();
    for (a, l) in links.iter().enumerate() {
        for &(b, sum) in l {
            if b > a as u32 && sum >= threshold {
                initial.push(Candidate {
                    mean: sum,
                    a: a as u32,
                    b,
                    va: 0,
                    vb: 0,
                });
            }
        }
    }
    initial.sort_unstable_by(|x, y| y.cmp(x));
    let mut initial = initial.into_iter().peekable();
    let mut heap: BinaryHeap<Candidate> = BinaryHeap::new();
    let mut acc = vec![f64::NAN; n];
    loop {
        let c = match (initial.peek(), heap.peek()) {
            (Some(x), Some(y)) if x >= y => initial.next(),
            (Some(_), None) => initial.next(),
            (_, Some(_)) => heap.pop(),
            (None, None) => None,
        };
        let Some(c) = c else { break };
        if c.mean < threshold {
            break;
        }
        let (a, b) = (c.a as usize, c.b as usize);
        if parent[a] != c.a || parent[b] != c.b || version[a] != c.va || version[b] != c.vb {
            continue;
        }
        // Merge b into a (a < b keeps the smallest id).
        parent[b] = c.a;
        size[a] += size[b];
        version[a] += 1;
        // The merged cluster's links: the sums of both, keyed by neighbour
        // (`acc` holds the running sums, `NAN` where unset).
        let (la, lb) = (std::mem::take(&mut links[a]), std::mem::take(&mut links[b]));
        let mut merged: Vec<(u32, f64)> = Vec::with_capacity(la.len() + lb.len());
        for &(k, s) in la.iter().chain(&lb) {
            if k == c.a || k == c.b {
                continue;
            }
            let slot = &mut acc[k as usize];
            if slot.is_nan() {
                *slot = s;
                merged.push((k, 0.0));
            } else {
                *slot += s;
            }
        }
        for e in &mut merged {
            e.1 = acc[e.0 as usize];
            acc[e.0 as usize] = f64::NAN;
        }
        for &(k, sum) in &merged {
            // In the neighbour's links, `a` takes the new sum and `b` goes.
            let l = &mut links[k as usize];
            let mut found_a = false;
            let mut i = 0;
            while i < l.len() {
                if l[i].0 == c.a {
                    l[i].1 = sum;
                    found_a = true;
                } else if l[i].0 == c.b {
                    l.swap_remove(i);
                    continue;
                }
                i += 1;
            }
            if !found_a {
                l.push((c.a, sum));
            }
            let mean = sum / (f64::from(size[a]) * f64::from(size[k as usize]));
            if mean >= threshold {
                let (x, y) = if c.a < k { (c.a, k) } else { (k, c.a) };
                heap.push(Candidate {
                    mean,
                    a: x,
                    b: y,
                    va: version[x as usize],
                    vb: version[y as usize],
                });
            }
        }
        links[a] = merged;
    }
    (0..n)
        .map(|i| {
            let mut r = i;
            while parent[r] as usize != r {
                r = parent[r] as usize;
            }
            r as u32
        })
        .collect()
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
}
