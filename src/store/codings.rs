//! The coding tables: `data/codings.parquet` (one row per code applied to
//! one span), `data/codes.parquet` (the codebook's tree, for aggregating
//! parents) and `data/coding.json` (provenance: which codebook, when it
//! was last changed).

use polars::prelude::*;
use serde::{Deserialize, Serialize};

use crate::coding::{CodeInfo, Coding, ancestors};

/// Codings table, relative to the study directory.
pub const CODINGS: &str = "data/codings.parquet";
/// Codes table.
pub const CODES: &str = "data/codes.parquet";
/// Provenance of the codings.
pub const PROVENANCE: &str = "data/coding.json";

/// What the codings were made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Provenance {
    /// The codebook path as recorded in study.toml.
    pub codebook: String,
    /// `sha256:` digest of the codebook file.
    pub codebook_hash: String,
    /// `sha256:` digest of the segments table that was coded.
    pub segments_hash: String,
    /// Segments coded.
    pub segments: usize,
    /// Codings made.
    pub codings: usize,
    /// How far codes were spread from their turn (`turn`, `window:N`,
    /// `exchange`); absent in codings made before spreading existed.
    #[serde(default = "turn")]
    pub spread: String,
}

fn turn() -> String {
    "turn".to_owned()
}

/// The codings of every segment as a frame: segment_id, code, start, end
/// (code points, end exclusive), matched, rule, negated.
pub fn codings_frame(segment_ids: &[&str], codings: &[Vec<Coding>]) -> PolarsResult<DataFrame> {
    let n: usize = codings.iter().map(Vec::len).sum();
    let mut seg = StringChunkedBuilder::new("segment_id".into(), n);
    let mut code = StringChunkedBuilder::new("code".into(), n);
    let mut matched = StringChunkedBuilder::new("matched".into(), n);
    let mut rule = StringChunkedBuilder::new("rule".into(), n);
    let (mut start, mut end, mut negated) = (
        Vec::with_capacity(n),
        Vec::with_capacity(n),
        Vec::with_capacity(n),
    );
    for (id, cs) in segment_ids.iter().zip(codings) {
        for c in cs {
            seg.append_value(id);
            code.append_value(&c.code);
            start.push(c.start);
            end.push(c.end);
            matched.append_value(&c.matched);
            rule.append_value(&c.rule);
            negated.push(c.negated);
        }
    }
    DataFrame::new_infer_height(vec![
        seg.finish().into_column(),
        code.finish().into_column(),
        Column::new("start".into(), start),
        Column::new("end".into(), end),
        matched.finish().into_column(),
        rule.finish().into_column(),
        Column::new("negated".into(), negated),
    ])
}

/// The code tree as a frame: code_id, label, parent_id, depth.
pub fn codes_frame(codes: &[CodeInfo]) -> PolarsResult<DataFrame> {
    let depth = |i: usize| ancestors(codes, i).count() as u32;
    DataFrame::new_infer_height(vec![
        Column::new(
            "code_id".into(),
            codes.iter().map(|c| c.id.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "label".into(),
            codes.iter().map(|c| c.label.as_str()).collect::<Vec<_>>(),
        ),
        Column::new(
            "parent_id".into(),
            codes
                .iter()
                .map(|c| c.parent.map(|p| codes[p].id.as_str()))
                .collect::<Vec<_>>(),
        ),
        Column::new(
            "depth".into(),
            (0..codes.len()).map(depth).collect::<Vec<u32>>(),
        ),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn frames_have_one_row_per_coding_and_code() {
        let c = |code: &str, start| Coding {
            code: code.into(),
            start,
            end: start + 5,
            matched: "loyer".into(),
            rule: "loyer".into(),
            negated: start > 10,
        };
        let df = codings_frame(
            &["a:1", "a:2"],
            &[vec![c("cout", 0), c("cout.loyer", 0)], vec![c("cout", 20)]],
        )
        .unwrap();
        assert_eq!(df.height(), 3);
        assert_eq!(
            df.column("segment_id").unwrap().str().unwrap().get(2),
            Some("a:2")
        );
        assert_eq!(
            df.column("negated").unwrap().bool().unwrap().get(2),
            Some(true)
        );
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
        ];
        let df = codes_frame(&codes).unwrap();
        assert_eq!(
            df.column("parent_id").unwrap().str().unwrap().get(1),
            Some("cout")
        );
        assert_eq!(df.column("depth").unwrap().u32().unwrap().get(1), Some(1));
    }
}
