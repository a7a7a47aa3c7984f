//! `qualsynth curate`: writes the members of the merged recommendations as
//! the curation file a consultant edits (see
//! `synthesis::recommendations::curation` for its columns), and names it in
//! study.toml so that every later synthesis applies it.

use std::path::PathBuf;

use super::{Study, fresh, synthesize};
use crate::store::atomic::write_atomic;
use crate::synthesis::Synthesis;

/// Where the curation file goes (relative to the study directory) unless
/// asked otherwise.
pub const DEFAULT_FILE: &str = "curation.csv";

/// What `curate` wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Written {
    /// The file.
    pub path: PathBuf,
    /// Its rows: the members of the merged recommendations, then the
    /// non-proposals.
    pub members: usize,
    /// The merged recommendations.
    pub merged: usize,
    /// The non-proposals (rows after the members).
    pub non_proposals: usize,
}

/// Writes the curation file of the study's current synthesis. An existing
/// file (the consultant's edits) is kept unless `force`.
pub fn curate(study: &mut Study, rel: Option<&str>, force: bool) -> anyhow::Result<Written> {
    fresh::require_current(study)?;
    let s = synthesize::stored(study)?;
    let rel = rel
        .map(str::to_owned)
        .or_else(|| study.ws().manifest.manifest.synthesis.curation.clone())
        .unwrap_or_else(|| DEFAULT_FILE.to_owned());
    let path = study.dir().join(&rel);
    if path.exists() && !force {
        anyhow::bail!(
            "{} exists and may hold your edits; edit it, or pass --force to write it again from the current synthesis",
            path.display()
        );
    }
    // Excel opens `;` files in the languages whose decimal mark is a comma.
    let delimiter = match study.lang() {
        "en" => b',',
        _ => b';',
    };
    let bytes = file(&s, delimiter)?;
    write_atomic(&path, &bytes)?;
    if study.ws().manifest.manifest.synthesis.curation.as_deref() != Some(rel.as_str()) {
        study.ws_mut().manifest.set_curation(&rel);
        study.ws().save_manifest()?;
    }
    Ok(Written {
        path,
        members: s.members.len(),
        merged: s.recommendations.len(),
        non_proposals: s.non_proposals.len(),
    })
}

/// The curation file of a synthesis: UTF-8 with a BOM (so that Excel reads
/// the accents), one row per member in rank order, then the non-proposals.
fn file(s: &Synthesis, delimiter: u8) -> anyhow::Result<Vec<u8>> {
    let mut out = "\u{feff}".as_bytes().to_vec();
    {
        let mut w = csv::WriterBuilder::new()
            .delimiter(delimiter)
            .terminator(csv::Terminator::CRLF)
            .from_writer(&mut out);
        w.write_record([
            "cluster",
            "member_id",
            "group",
            "text",
            "proposal",
            "wording",
            "stance",
            "rank",
        ])?;
        let rank: std::collections::HashMap<&str, u32> = s
            .recommendations
            .iter()
            .map(|r| (r.rec_id.as_str(), r.rank))
            .collect();
        for m in &s.members.rows()? {
            let r = rank
                .get(m.rec_id.as_str())
                .map_or(String::new(), |r| r.to_string());
            w.write_record([
                m.rec_id.as_str(),
                &m.member_id,
                &m.group,
                &m.text,
                "",
                "",
                &m.stance,
                &r,
            ])?;
        }
        for (i, n) in s.non_proposals.iter().enumerate() {
            let label = format!("NP{:03}", i + 1);
            w.write_record([
                label.as_str(),
                &n.member_id,
                &n.group,
                &n.text,
                "",
                "",
                "",
                "",
            ])?;
        }
        w.flush()?;
    }
    Ok(out)
}
