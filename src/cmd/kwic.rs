//! `qualsynth kwic PATTERN`: keyword in context over a study's segments,
//! to tune a codebook: a code id of the codebook, or any rule.

use crate::cli::KwicArgs;
use crate::codebook::pattern::parse_pattern;
use crate::codebook::{Code, Codebook, Origin, Rule};
use crate::coding::{Coder, kwic};
use crate::store::Workspace;

/// Prints keyword-in-context lines.
pub fn run(a: KwicArgs) -> anyhow::Result<()> {
    let ws = Workspace::open(&a.study.study)?;
    let given = match &a.codebook {
        Some(p) => Some(p.clone()),
        None => ws
            .manifest
            .manifest
            .codebook
            .as_ref()
            .map(|c| ws.dir.join(&c.path)),
    };
    let base = match &given {
        Some(p) => Some(super::codebook::load(p)?.0),
        None => None,
    };
    let cb = kwic_codebook(&a.pattern, base, &ws.manifest.manifest.study.lang)?;
    let coder = Coder::compile(&cb).map_err(|d| {
        anyhow::anyhow!(
            "{}",
            d.first().map(|d| d.message.clone()).unwrap_or_default()
        )
    })?;
    let docs = ws.tables.segment_docs()?;
    let ids = ws.tables.segment_strs("segment_id")?;
    let groups = ws.tables.segment_strs("group")?;
    let mut out = Vec::new();
    for ((id, (text, lang)), group) in ids.iter().zip(&docs).zip(&groups) {
        if a.group.as_ref().is_some_and(|g| g != group) {
            continue;
        }
        let codings = coder.code_segment(text, lang);
        out.extend(kwic::lines(id, text, &codings, a.width));
        if a.limit > 0 && out.len() >= a.limit {
            out.truncate(a.limit);
            break;
        }
    }
    use std::io::Write;
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(kwic::render(&out, a.width).as_bytes())?;
    eprintln!("{} matches", out.len());
    Ok(())
}

/// A one-code codebook for the pattern: the rules of the code of that id
/// in `base`, or the pattern as a rule, with `base`'s options.
fn kwic_codebook(pattern: &str, base: Option<Codebook>, lang: &str) -> anyhow::Result<Codebook> {
    let mut cb = base.unwrap_or_else(|| {
        let mut cb = Codebook::default();
        cb.options.lang = lang.to_owned();
        cb
    });
    if let Some(code) = cb.codes.iter().find(|c| c.id == pattern) {
        // The code and its descendants, as one.
        let mut ids = vec![code.id.clone()];
        let mut i = 0;
        while i < ids.len() {
            let children: Vec<String> = cb
                .codes
                .iter()
                .filter(|c| c.parent.as_deref() == Some(ids[i].as_str()))
                .map(|c| c.id.clone())
                .collect();
            ids.extend(children);
            i += 1;
        }
        let rules: Vec<Rule> = cb
            .codes
            .iter()
            .filter(|c| ids.contains(&c.id))
            .flat_map(|c| c.rules.iter().filter(|r| !r.exclude).cloned())
            .collect();
        cb.codes = vec![Code {
            id: pattern.to_owned(),
            label: pattern.to_owned(),
            rules,
            ..Default::default()
        }];
        return Ok(cb);
    }
    let parsed = parse_pattern(pattern)
        .map_err(|e| anyhow::anyhow!("pattern {pattern:?}, column {}: {}", e.column, e.message))?;
    cb.codes = vec![Code {
        id: "kwic".to_owned(),
        label: pattern.to_owned(),
        rules: vec![Rule {
            pattern: parsed,
            lang: None,
            exclude: false,
            text: pattern.to_owned(),
            origin: Origin::default(),
        }],
        ..Default::default()
    }];
    Ok(cb)
}
