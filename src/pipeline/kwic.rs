//! Keyword in context over a study's segments, to tune a codebook: a code
//! id of the codebook, or any rule.

use std::path::PathBuf;

use super::{Study, codebook};
use crate::codebook::pattern::parse_pattern;
use crate::codebook::{Code, Codebook, Origin, Rule};
use crate::coding::Coder;
use crate::coding::kwic::{self, KwicLine};

/// What to look for.
#[derive(Debug, Clone)]
pub struct KwicOptions {
    /// A term, a rule, or a code id of the codebook.
    pub pattern: String,
    /// The codebook giving options and code ids (default: the study's).
    pub codebook: Option<PathBuf>,
    /// Characters of context on each side.
    pub width: usize,
    /// Only this group.
    pub group: Option<String>,
    /// At most this many lines (0 = all).
    pub limit: usize,
}

/// The keyword-in-context lines of the pattern in the study's segments.
/// The codebook's warnings are not shown (`codebook check` shows them).
pub fn kwic(study: &Study, o: &KwicOptions) -> anyhow::Result<Vec<KwicLine>> {
    let ws = study.ws();
    let given = match &o.codebook {
        Some(p) => Some(p.clone()),
        None => ws
            .manifest
            .manifest
            .codebook
            .as_ref()
            .map(|c| ws.dir.join(&c.path)),
    };
    let base = match &given {
        Some(p) => Some(codebook::load(p)?.codebook),
        None => None,
    };
    let cb = kwic_codebook(&o.pattern, base, study.lang())?;
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
        if o.group.as_ref().is_some_and(|g| g != group) {
            continue;
        }
        let codings = coder.code_segment(text, lang);
        out.extend(kwic::lines(id, text, &codings, o.width));
        if o.limit > 0 && out.len() >= o.limit {
            out.truncate(o.limit);
            break;
        }
    }
    Ok(out)
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
