//! `qualsynth synthesize`: cross-group tables from a coded study, stored
//! under `data/synthesis/`; `--explain ID` traces one row to its segments.

use polars::prelude::DataFrame;

use crate::cli::SynthesizeArgs;
use crate::store::Workspace;
use crate::store::codings::{CODES, CODINGS};
use crate::store::import::content_hash;
use crate::store::tables::participants_frame;
use crate::synthesis::{self, Input};

use super::output;

/// Synthesises the study, or explains one row.
pub fn run(a: SynthesizeArgs) -> anyhow::Result<()> {
    let ws = Workspace::open(&a.study.study)?;
    match &a.explain {
        Some(id) => explain(&ws, id),
        None => {
            let text = synthesize(&ws)?;
            use std::io::Write;
            std::io::stdout().lock().write_all(text.as_bytes())?;
            Ok(())
        }
    }
}

/// Checks that the codings are current: made with the codebook as it is
/// now, on the segments as they are now.
pub fn check_fresh(ws: &Workspace) -> anyhow::Result<()> {
    let Some(prov) = ws.coding_provenance() else {
        anyhow::bail!(
            "this study is not coded yet; run `qualsynth code --study {}` (or `qualsynth run`) first",
            ws.dir.display()
        );
    };
    if let Some(cb) = &ws.manifest.manifest.codebook {
        let path = ws.dir.join(&cb.path);
        if let Ok(bytes) = std::fs::read(&path)
            && content_hash(&bytes) != prov.codebook_hash
        {
            anyhow::bail!(
                "the codings were made with an older version of {}; run `qualsynth code --study {}` again",
                cb.path,
                ws.dir.display()
            );
        }
    }
    if super::code::segments_hash(ws)? != prov.segments_hash {
        anyhow::bail!(
            "sources changed since the study was coded; run `qualsynth code --study {}` again",
            ws.dir.display()
        );
    }
    Ok(())
}

struct Loaded {
    codings: DataFrame,
    codes: DataFrame,
    participants: DataFrame,
    cache: synthesis::Cache,
}

fn load(ws: &Workspace) -> anyhow::Result<Loaded> {
    check_fresh(ws)?;
    let missing = || anyhow::anyhow!("the coding tables are missing; run `qualsynth code` again");
    Ok(Loaded {
        codings: ws.coding_table(CODINGS)?.ok_or_else(missing)?,
        codes: ws.coding_table(CODES)?.ok_or_else(missing)?,
        participants: participants_frame(&ws.tables.participants)?,
        cache: synthesis::Cache::default(),
    })
}

fn input<'a>(ws: &'a Workspace, l: &'a Loaded) -> Input<'a> {
    Input {
        segments: &ws.tables.segments,
        codings: &l.codings,
        codes: &l.codes,
        participants: &l.participants,
        config: &ws.manifest.manifest.synthesis,
        cache: &l.cache,
    }
}

/// Computes and stores every synthesis table; returns the summary text.
pub fn synthesize(ws: &Workspace) -> anyhow::Result<String> {
    let l = load(ws)?;
    let inp = input(ws, &l);
    let matrix = synthesis::matrix::matrix(&inp)?;
    let convergence = synthesis::convergence::convergence(&inp)?;
    let cooccurrence = synthesis::cooccurrence::cooccurrence(&inp)?;
    let divergence = synthesis::divergence::divergence(&inp)?;
    let quotes = synthesis::quotes::quotes(&inp)?;
    let merged = synthesis::recommendations::merge(&inp, &quotes)?;
    let text = crate::render::synthesis::summary(
        &convergence,
        &divergence,
        &merged.recommendations,
        output::width(),
    )?;
    ws.save_synthesis(vec![
        ("matrix", matrix),
        ("convergence", convergence),
        ("cooccurrence", cooccurrence),
        ("divergence", divergence),
        ("quotes", quotes),
        ("recommendations", merged.recommendations),
        ("recommendation_members", merged.members),
        ("recommendation_evidence", merged.evidence),
    ])?;
    Ok(text)
}

/// `--explain R001` or `--explain CODE@GROUP`.
fn explain(ws: &Workspace, id: &str) -> anyhow::Result<()> {
    let l = load(ws)?;
    let inp = input(ws, &l);
    let text = if let Some((code, group)) = id.split_once('@') {
        let df = synthesis::matrix::explain_cell(&inp, code, group)?;
        let mut l = crate::render::synthesis::listing(
            &df,
            &["segment_id", "participant", "text", "matched"],
        )?;
        l.columns = ["segment", "participant", "text", "codings"]
            .map(String::from)
            .to_vec();
        format!(
            "{code} in {group}: {} segments\n\n{}",
            df.height(),
            l.to_table(output::width())
        )
    } else {
        let Some(recs) = ws.synthesis_table("recommendations")? else {
            anyhow::bail!("the study is not synthesised yet; run `qualsynth synthesize` first");
        };
        let members = ws
            .synthesis_table("recommendation_members")?
            .unwrap_or_default();
        let evidence = ws
            .synthesis_table("recommendation_evidence")?
            .unwrap_or_default();
        crate::render::synthesis::explain_recommendation(
            id,
            &recs,
            &members,
            &evidence,
            &ws.tables.segments,
            output::width(),
        )?
    };
    use std::io::Write;
    std::io::stdout().lock().write_all(text.as_bytes())?;
    Ok(())
}
