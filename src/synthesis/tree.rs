//! The codebook tree as the synthesis reads it from the codes frame: ids,
//! labels, parents and depths, ancestors, and the stance a code takes on
//! its parent.

use std::collections::HashMap;

use polars::prelude::*;

/// How a stance code (`x.pour`, `x.contre`, …) speaks about its parent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stance {
    /// `.pour`, `.for`, `.pro`: a plain mention of the parent.
    For,
    /// `.contre`, `.against`, `.con`: a negative mention of the parent.
    Against,
}

/// The codebook tree, in codebook order (the order of the codes frame).
#[derive(Debug, Clone, Default)]
pub struct CodeTree {
    /// Code ids.
    pub ids: Vec<String>,
    /// Labels (null labels read as "").
    pub labels: Vec<String>,
    /// Index of each code's parent, `None` for a top-level code or a
    /// parent missing from the frame.
    pub parents: Vec<Option<usize>>,
    /// Depth in the tree (0 = top level), computed from the parents.
    pub depths: Vec<u32>,
    index: HashMap<String, usize>,
}

impl CodeTree {
    /// Reads `code_id, label, parent_id` from a codes frame. A repeated id
    /// keeps its first row; a frame without rows gives an empty tree.
    pub fn from_frame(codes: &DataFrame) -> PolarsResult<Self> {
        let mut tree = CodeTree::default();
        if codes.height() == 0 {
            return Ok(tree);
        }
        let ids = codes.column("code_id")?.str()?;
        let labels = codes.column("label")?.str()?;
        let parents = codes.column("parent_id")?.str()?;
        let mut parent_ids = Vec::new();
        for ((id, label), parent) in ids.iter().zip(labels.iter()).zip(parents.iter()) {
            let Some(id) = id else { continue };
            if tree.index.contains_key(id) {
                continue;
            }
            tree.index.insert(id.to_owned(), tree.ids.len());
            tree.ids.push(id.to_owned());
            tree.labels.push(label.unwrap_or_default().to_owned());
            parent_ids.push(parent);
        }
        tree.parents = parent_ids
            .iter()
            .enumerate()
            .map(|(i, p)| {
                p.and_then(|p| tree.index.get(p).copied())
                    .filter(|&p| p != i)
            })
            .collect();
        tree.depths = (0..tree.len())
            .map(|i| tree.ancestors(i).count() as u32)
            .collect();
        Ok(tree)
    }

    /// Number of codes.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether the codebook has no code.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Index of a code id.
    pub fn get(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }

    /// The parents of code `i`, nearest first (stops on a cycle).
    pub fn ancestors(&self, i: usize) -> impl Iterator<Item = usize> + '_ {
        let mut cur = self.parents[i];
        let mut steps = 0;
        std::iter::from_fn(move || {
            let p = cur?;
            steps += 1;
            if steps > self.len() {
                return None;
            }
            cur = self.parents[p];
            Some(p)
        })
    }

    /// Whether `a` is a proper ancestor of `b`.
    pub fn is_ancestor(&self, a: usize, b: usize) -> bool {
        self.ancestors(b).any(|p| p == a)
    }

    /// The stance a code takes on its parent, read from the last part of
    /// its id: `pour`/`for`/`pro` or `contre`/`against`/`con`. Only a code
    /// with a parent takes a stance.
    pub fn stance(&self, i: usize) -> Option<Stance> {
        self.parents[i]?;
        let (_, last) = self.ids[i].rsplit_once('.')?;
        match last.to_lowercase().as_str() {
            "pour" | "for" | "pro" => Some(Stance::For),
            "contre" | "against" | "con" => Some(Stance::Against),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthesis::testing::*;

    #[test]
    fn stance_codes_are_read_from_the_last_part_of_the_id() {
        let b = Builder::codes(&[
            ("x", None),
            ("x.pour", Some("x")),
            ("x.contre", Some("x")),
            ("con", None),
            ("x.conseil", Some("x")),
        ]);
        let tree = CodeTree::from_frame(&b.build().codes).unwrap();
        let st: Vec<_> = (0..tree.len()).map(|i| tree.stance(i)).collect();
        assert_eq!(
            st,
            vec![None, Some(Stance::For), Some(Stance::Against), None, None]
        );
    }
}
