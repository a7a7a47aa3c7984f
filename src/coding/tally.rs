//! Per-code totals of a coded study, parents aggregating their children:
//! how many segments each code (or any code below it) applies to.

use std::collections::BTreeSet;

use super::coder::{CodeInfo, Coding, ancestors};

/// Totals for one code.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct CodeTally {
    /// The code id.
    pub code: String,
    /// Its label.
    pub label: String,
    /// Depth in the tree (0 = top level).
    pub depth: usize,
    /// Segments the code or a descendant applies to.
    pub segments: usize,
    /// Codings of the code itself and its descendants.
    pub codings: usize,
    /// Of those, codings flagged negated.
    pub negated: usize,
}

/// Totals in codebook order. `codings[i]` are the codings of segment `i`.
pub fn tally(codes: &[CodeInfo], codings: &[Vec<Coding>]) -> Vec<CodeTally> {
    let index: std::collections::HashMap<&str, usize> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut out: Vec<CodeTally> = codes
        .iter()
        .enumerate()
        .map(|(i, c)| CodeTally {
            code: c.id.clone(),
            label: c.label.clone(),
            depth: ancestors(codes, i).count(),
            segments: 0,
            codings: 0,
            negated: 0,
        })
        .collect();
    let mut hit: BTreeSet<usize> = BTreeSet::new();
    for cs in codings {
        hit.clear();
        for c in cs {
            let Some(&i) = index.get(c.code.as_str()) else {
                continue;
            };
            for j in std::iter::once(i).chain(ancestors(codes, i)) {
                out[j].codings += 1;
                out[j].negated += usize::from(c.negated);
                hit.insert(j);
            }
        }
        for &j in &hit {
            out[j].segments += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parents_aggregate_children_once_per_segment() {
        let codes = vec![
            CodeInfo {
                id: "cout".into(),
                label: "Coût".into(),
                parent: None,
            },
            CodeInfo {
                id: "cout.loyer".into(),
                label: "Loyer".into(),
                parent: Some(0),
            },
            CodeInfo {
                id: "bruit".into(),
                label: "Bruit".into(),
                parent: None,
            },
        ];
        let c = |code: &str, negated| Coding {
            code: code.into(),
            start: 0,
            end: 1,
            matched: "x".into(),
            rule: "x".into(),
            negated,
        };
        let t = tally(
            &codes,
            &[
                vec![c("cout", false), c("cout.loyer", true)],
                vec![c("cout.loyer", false)],
                vec![],
            ],
        );
        assert_eq!((t[0].segments, t[0].codings, t[0].negated), (2, 3, 1));
        assert_eq!((t[1].segments, t[1].codings, t[1].depth), (2, 2, 1));
        assert_eq!(t[2].segments, 0);
    }
}
