//! `qualsynth code` on a study: codes every segment with the study's
//! codebook and stores the codings; `--explain SEGMENT` shows one segment.

use std::path::{Path, PathBuf};

use anyhow::Context;

use crate::cli::CodeArgs;
use crate::coding::Coder;
use crate::coding::tally::tally;
use crate::render::listing::Listing;
use crate::store::Workspace;
use crate::store::codings::{self, Provenance};
use crate::store::import::{ContentHasher, content_hash};

use super::output;

/// Codes the study, or explains one segment.
pub fn run(a: CodeArgs) -> anyhow::Result<()> {
    let mut ws = Workspace::open(&a.study)?;
    let path = codebook_path(&mut ws, a.codebook.as_deref())?;
    let coder = compile(&path)?;
    if let Some(id) = &a.explain {
        return explain(&ws, &coder, id);
    }
    let (summary, line) = code_study(&mut ws, &coder, &path, a.quiet)?;
    if !a.quiet {
        eprintln!("{line}");
    }
    output::print_listing(&summary, output::list_format(None))
}

/// The codebook to use: `--codebook` (then recorded in study.toml), else
/// the one study.toml names.
pub fn codebook_path(ws: &mut Workspace, given: Option<&Path>) -> anyhow::Result<PathBuf> {
    match given {
        Some(p) => {
            let rel = crate::store::relative_path(&ws.dir, p);
            if ws.manifest.manifest.codebook.as_ref().map(|c| &c.path) != Some(&rel) {
                ws.manifest.set_codebook(&rel);
            }
            Ok(p.to_owned())
        }
        None => match &ws.manifest.manifest.codebook {
            Some(c) => Ok(ws.dir.join(&c.path)),
            None => anyhow::bail!(
                "no codebook for this study: pass --codebook FILE (it is then recorded in study.toml)"
            ),
        },
    }
}

/// Loads and compiles a codebook, printing its warnings on stderr.
pub fn compile(path: &Path) -> anyhow::Result<Coder> {
    let (cb, warnings, _) = super::codebook::load(path)?;
    for w in &warnings {
        eprintln!("warning: {}: {}", path.display(), w.message);
    }
    let coder = Coder::compile(&cb).map_err(|diags| {
        let first = diags.first().map(|d| d.message.clone()).unwrap_or_default();
        anyhow::anyhow!("{}: {first}", path.display())
    })?;
    for w in coder.warnings() {
        eprintln!("warning: {w}");
    }
    Ok(coder)
}

/// Codes every segment, saves codings, codes and provenance with the
/// manifest (atomically); returns the per-code summary listing and a
/// one-line summary.
pub fn code_study(
    ws: &mut Workspace,
    coder: &Coder,
    path: &Path,
    quiet: bool,
) -> anyhow::Result<(Listing, String)> {
    let docs = ws.tables.segment_docs()?;
    let ids = ws.tables.segment_strs("segment_id")?;
    let bar = output::spinner(quiet, format!("coding {} segments", docs.len()));
    let all = coder.code_all(&docs);
    if let Some(b) = bar {
        b.finish_and_clear();
    }
    for w in coder.coding_warnings() {
        eprintln!("warning: {w}");
    }
    let codings_df = codings::codings_frame(&ids, &all)?;
    let codes_df = codings::codes_frame(coder.codes())?;
    let codebook_bytes =
        std::fs::read(path).with_context(|| format!("cannot read {}", path.display()))?;
    let provenance = Provenance {
        codebook: ws
            .manifest
            .manifest
            .codebook
            .as_ref()
            .map(|c| c.path.clone())
            .unwrap_or_default(),
        codebook_hash: content_hash(&codebook_bytes),
        segments_hash: segments_hash(ws)?,
        segments: docs.len(),
        codings: codings_df.height(),
    };
    let tallies = tally(coder.codes(), &all);
    ws.save_codings(codings_df, codes_df, &provenance)?;
    let line = format!(
        "coded {} segments: {} codings of {} codes",
        provenance.segments,
        provenance.codings,
        tallies.iter().filter(|t| t.codings > 0).count()
    );
    let mut l = Listing::new(&["code", "label", "segments", "codings", "negated"]);
    for t in tallies {
        l.rows.push(vec![
            Some(format!("{}{}", "  ".repeat(t.depth), t.code)),
            Some(t.label),
            Some(t.segments.to_string()),
            Some(t.codings.to_string()),
            Some(t.negated.to_string()),
        ]);
    }
    Ok((l, line))
}

/// A digest of the segment ids and texts: codings are stale when it changes.
pub fn segments_hash(ws: &Workspace) -> anyhow::Result<String> {
    let mut h = ContentHasher::default();
    for (id, text) in ws
        .tables
        .segment_strs("segment_id")?
        .into_iter()
        .zip(ws.tables.segment_strs("text")?)
    {
        for part in [id, text] {
            h.update(part.as_bytes());
            h.update(&[0]);
        }
    }
    Ok(h.finish())
}

/// Prints which rule matched what in one segment.
fn explain(ws: &Workspace, coder: &Coder, id: &str) -> anyhow::Result<()> {
    let ids = ws.tables.segment_strs("segment_id")?;
    let Some(i) = ids.iter().position(|s| *s == id) else {
        anyhow::bail!("no segment {id:?} in this study; `qualsynth segments` lists the ids");
    };
    let (text, lang) = ws.tables.segment_docs()?[i];
    let codings = coder.code_segment(text, lang);
    let mut out = format!("{id} ({lang})\n{text}\n\n");
    if codings.is_empty() {
        out.push_str("no code applies\n");
    } else {
        let mut l = Listing::new(&["code", "rule", "span", "matched", "negated"]);
        for c in codings {
            l.rows.push(vec![
                Some(c.code),
                Some(c.rule),
                Some(format!("{}..{}", c.start, c.end)),
                Some(c.matched),
                Some(if c.negated { "yes" } else { "no" }.to_owned()),
            ]);
        }
        out.push_str(&l.to_table(output::width()));
    }
    use std::io::Write;
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}
