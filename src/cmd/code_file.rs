//! `qualsynth code FILE`: codes a file's documents to stdout, without a
//! study: codings (`doc_id,code,start,end,matched,rule,negated`), or with
//! `--counts` one row per document and one column per code (parents count
//! their descendants' spans; dictionary categories count as scikit-learn's
//! `CountVectorizer` does). Streams the file in batches, codes each batch
//! in parallel while reading the next, writes in order; nothing is written
//! before the first batch is coded.

use std::fs::File;
use std::io::{BufReader, Write};
use std::path::Path;

use anyhow::{Context, anyhow, bail};
use rayon::prelude::*;

use crate::cli::{CodeArgs, CodeFormat};
use crate::codebook::diagnostics::render_all;
use crate::codebook::formats::{decode_text, read};
use crate::codebook::{Semantics, Severity};
use crate::coding::Coder;
use crate::coding::documents::{
    Batch, Columns, Document, DocumentError, DocumentReader, InputFormat,
};
use crate::render::codings::{TableFormat, coding_rows, codings_header, counts_header, counts_row};

/// Documents per batch.
const BATCH_DOCS: usize = 10_000;
/// Text bytes per batch, at most (about).
const BATCH_BYTES: usize = 8 << 20;
/// Documents per parallel task.
const TASK_DOCS: usize = 256;

/// Codes the file.
pub fn run(a: CodeArgs) -> anyhow::Result<()> {
    let Some(file) = a.file.as_deref() else {
        bail!("no file to code");
    };
    let Some(cb_path) = a.codebook.as_deref() else {
        bail!("coding a file needs a codebook: --codebook FILE");
    };
    let coder = load_coder(cb_path)?;
    let lang = a
        .lang
        .clone()
        .unwrap_or_else(|| coder.options().lang.clone());
    let dictionary = coder.options().semantics == Semantics::Dictionary;
    let names: Vec<&str> = coder
        .codes()
        .iter()
        .map(|c| {
            if dictionary {
                c.label.as_str()
            } else {
                c.id.as_str()
            }
        })
        .collect();
    let format = match a.format {
        CodeFormat::Csv => TableFormat::Csv,
        CodeFormat::Jsonl => TableFormat::Jsonl,
    };
    let input = File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let columns = Columns {
        id: a.id_column.clone(),
        text: a.text_column.clone(),
    };
    let mut reader = DocumentReader::new(
        BufReader::with_capacity(1 << 20, input),
        input_format(file),
        columns,
    );
    let mut stdout = std::io::stdout().lock();
    let mut head = Vec::new();
    if a.counts {
        counts_header(format, &mut head, &names);
    } else {
        codings_header(format, &mut head);
    }
    let mut head = Some(head);
    let located = |e: DocumentError| anyhow!("{}:{}: {}", file.display(), e.line, e.message);
    // Read the next batch while coding this one.
    let (mut this, mut next) = (Batch::default(), Batch::default());
    reader
        .read_batch(&mut this, BATCH_DOCS, BATCH_BYTES)
        .map_err(located)?;
    while !this.is_empty() {
        let (read, parts) = rayon::join(
            || reader.read_batch(&mut next, BATCH_DOCS, BATCH_BYTES),
            || {
                let docs = this.documents();
                docs.par_chunks(TASK_DOCS)
                    .map(|chunk| render(&coder, chunk, &lang, &names, a.counts, format))
                    .collect::<Vec<Vec<u8>>>()
            },
        );
        if let Some(h) = head.take() {
            stdout.write_all(&h)?;
        }
        for p in parts {
            stdout.write_all(&p)?;
        }
        read.map_err(located)?;
        std::mem::swap(&mut this, &mut next);
    }
    if let Some(h) = head.take() {
        stdout.write_all(&h)?;
    }
    stdout.flush()?;
    for w in coder.coding_warnings() {
        eprintln!("warning: {w}");
    }
    Ok(())
}

/// Codes a few documents and renders their rows.
fn render(
    coder: &Coder,
    docs: &[Document],
    lang: &str,
    names: &[&str],
    counts: bool,
    format: TableFormat,
) -> Vec<u8> {
    let mut out = Vec::with_capacity(docs.len() * 64);
    if counts {
        let texts: Vec<&str> = docs.iter().map(|d| d.text).collect();
        let rows = coder.counts_rows(&texts, lang);
        for (i, d) in docs.iter().enumerate() {
            let row = rows
                .get(i * names.len()..(i + 1) * names.len())
                .unwrap_or(&[]);
            counts_row(format, &mut out, d.id, names, row);
        }
    } else {
        for d in docs {
            coding_rows(format, &mut out, d.id, &coder.code_segment(d.text, lang));
        }
    }
    out
}

/// Reads and compiles the codebook; its warnings go to stderr.
fn load_coder(path: &Path) -> anyhow::Result<Coder> {
    let bytes =
        std::fs::read(path).with_context(|| format!("cannot read codebook {}", path.display()))?;
    let shown = path.display().to_string();
    let source = decode_text(&bytes).unwrap_or_default();
    let (cb, warnings) = read(&shown, &extension(path), &bytes).map_err(|d| {
        anyhow!(
            "codebook {shown} cannot be used:\n{}",
            render_all(&shown, &source, &d).trim_end()
        )
    })?;
    if !warnings.is_empty() {
        eprint!("{}", render_all(&shown, &source, &warnings));
    }
    let coder = Coder::compile(&cb).map_err(|d| {
        let errors: Vec<_> = d
            .into_iter()
            .filter(|d| d.severity == Severity::Error)
            .collect();
        anyhow!(
            "codebook {shown} cannot be used:\n{}",
            render_all(&shown, &source, &errors).trim_end()
        )
    })?;
    if !coder.diagnostics().is_empty() {
        eprint!("{}", render_all(&shown, &source, coder.diagnostics()));
    }
    Ok(coder)
}

fn extension(path: &Path) -> String {
    path.extension()
        .map(|e| e.to_string_lossy().to_ascii_lowercase())
        .unwrap_or_default()
}

fn input_format(path: &Path) -> InputFormat {
    InputFormat::from_extension(&extension(path))
}
