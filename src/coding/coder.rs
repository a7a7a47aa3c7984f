//! The compiled coder: a codebook turned into token tables and a trie of
//! token patterns, applied to segments (in parallel with rayon).
//!
//! Every rule term becomes an element: a word, a prefix or a stem. A token
//! of a segment is looked up once per distinct form (per thread, per
//! language) to find the elements it matches; phrases and NEAR operands are
//! paths of elements in a trie walked over the token stream. Regular
//! expressions run over the original text.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::sync::Mutex;
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use regex::{Regex, RegexBuilder};
use rust_stemmers::Algorithm;

use super::fast::{self, AsciiTable, CLASS, CONTINUES, Hit, Key, OPENS, SKIP};
use super::hash::FxMap;
use super::lang;
use super::normalize::{base, base_into, fold_accents, fold_accents_into};
use super::token::{
    CodePoints, DictScanner, Span, dict_key_into, dict_keys, dict_tokens, is_one_dict_token, sat32,
    uax_tokens,
};
use crate::codebook::{Codebook, CodebookOptions, Diagnostic, Pattern, Semantics, Severity, Term};

/// Largest compiled size of one regular expression, in bytes.
const REGEX_SIZE_LIMIT: usize = 1 << 20;
/// Largest lazy DFA cache of one regular expression, in bytes.
const REGEX_DFA_LIMIT: usize = 2 << 20;
/// Token forms cached per thread before the cache starts afresh.
const CACHE_LIMIT: usize = 1 << 18;

/// Element kinds, in the two top bits of an element id.
const WORD: u32 = 0;
const PREFIX: u32 = 1 << 30;
const STEM: u32 = 2 << 30;

/// One code of the compiled codebook.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CodeInfo {
    /// The code id.
    pub id: String,
    /// The human label (for dictionaries, the category name).
    pub label: String,
    /// Index of the parent code in [`Coder::codes`].
    pub parent: Option<usize>,
}

/// The parents of code `code` in a code list, nearest first (parent, the
/// parent's parent…); stops after as many steps as there are codes, so a
/// cycle cannot loop.
pub fn ancestors(codes: &[CodeInfo], code: usize) -> impl Iterator<Item = usize> + '_ {
    let mut at = codes.get(code).and_then(|c| c.parent);
    let mut left = codes.len();
    std::iter::from_fn(move || {
        let p = at?;
        if left == 0 {
            return None;
        }
        left -= 1;
        at = codes.get(p).and_then(|c| c.parent);
        Some(p)
    })
}

/// One code applied to one span of a segment by one rule.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Coding {
    /// The code id.
    pub code: String,
    /// First code point of the span (0-based, REFI-QDA convention).
    pub start: u32,
    /// Code point after the span (end exclusive).
    pub end: u32,
    /// The original text of the span.
    pub matched: String,
    /// The rule that matched, as written in the codebook.
    pub rule: String,
    /// Whether a negator (`pas`, `sans`, `not`, `don't`…) stands shortly
    /// before the span in the same sentence.
    pub negated: bool,
}

/// What a trie node completes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    /// A term or phrase rule.
    Rule(u32),
    /// The left operand of a NEAR rule (index into `near`).
    NearLeft(u32),
    /// The right operand of a NEAR rule.
    NearRight(u32),
}

#[derive(Debug, Default)]
struct Node {
    has_children: bool,
    targets: Vec<Target>,
    /// Dictionary semantics: codes of rules for every language, sorted.
    dict_any: Vec<u32>,
    /// Dictionary semantics: (language, code) of per-language rules.
    dict_lang: Vec<(u32, u32)>,
}

/// Paths of elements; node 0 is the root.
#[derive(Debug)]
struct Trie {
    nodes: Vec<Node>,
    edges: FxMap<u64, u32>,
}

impl Trie {
    fn new() -> Self {
        Trie {
            nodes: vec![Node::default()],
            edges: FxMap::default(),
        }
    }

    #[inline]
    fn child(&self, node: u32, elem: u32) -> Option<u32> {
        self.edges
            .get(&((u64::from(node) << 32) | u64::from(elem)))
            .copied()
    }

    fn insert(&mut self, seq: &[u32], target: Target) {
        let mut node = 0u32;
        for &e in seq {
            node = match self.child(node, e) {
                Some(c) => c,
                None => {
                    let c = sat32(self.nodes.len());
                    self.nodes.push(Node::default());
                    self.edges.insert((u64::from(node) << 32) | u64::from(e), c);
                    self.nodes[node as usize].has_children = true;
                    c
                }
            };
        }
        let n = &mut self.nodes[node as usize];
        if !n.targets.contains(&target) {
            n.targets.push(target);
        }
    }
}

/// A rule after compilation.
#[derive(Debug)]
struct CRule {
    code: u32,
    lang: Option<u32>,
    exclude: bool,
    text: String,
}

#[derive(Debug)]
struct NearRule {
    rule: u32,
    distance: u32,
}

/// What the coder knows of one language.
#[derive(Debug)]
struct LangTable {
    code: String,
    algorithm: Option<Algorithm>,
    variants: &'static [(&'static str, &'static str)],
    /// Stem of a stem-rule word in this language -> stem element ids.
    stems: FxMap<Box<str>, Vec<u32>>,
    negators: Vec<String>,
    negates_with_nt: bool,
}

/// A token form's matching elements, as ranges into the cache's pool.
#[derive(Debug, Clone, Copy, Default)]
struct Entry {
    elems: (u32, u32),
    roots: (u32, u32),
    /// Roots with children: where a phrase can start.
    open: (u32, u32),
    single: (u32, u32),
    negator: bool,
}

/// A token of a segment being coded.
#[derive(Debug, Clone, Copy)]
struct Tok {
    entry: Entry,
    span: Span,
}

/// Token forms seen by one thread, per language, and what they match.
#[derive(Default)]
struct Tables {
    maps: Vec<FxMap<Box<str>, u32>>,
    entries: Vec<Entry>,
    pool: Vec<u32>,
    fold: String,
}

/// A token of dictionary counting between scanning and lookup.
#[derive(Debug, Clone, Copy)]
struct Pending {
    key: Option<Key>,
    b0: usize,
    b1: usize,
    ascii: bool,
}

/// Per-thread tables and buffers; started afresh for another coder.
#[derive(Default)]
struct Cache {
    coder: u64,
    tables: Tables,
    /// Per language: ASCII token -> what the hot path needs of it.
    fast: Vec<AsciiTable>,
    pending: Vec<Pending>,
    hits: Vec<Hit>,
    /// This thread's clones of the regular expressions: each clone has its
    /// own match caches, so threads do not contend for (and re-create) them.
    regexes: Vec<Regex>,
    toks: Vec<Tok>,
    active: Vec<(u32, u32)>,
    next: Vec<(u32, u32)>,
    key: String,
    stamp: Vec<u32>,
    generation: u32,
}

impl Cache {
    fn prepare(&mut self, coder: &Coder) {
        if self.coder != coder.id || self.tables.entries.len() > CACHE_LIMIT {
            self.coder = coder.id;
            self.tables.maps.clear();
            self.tables.entries.clear();
            self.tables.pool.clear();
            self.fast.iter_mut().for_each(AsciiTable::clear);
            self.regexes = coder.regexes.iter().map(|(_, re)| re.clone()).collect();
        }
        if self.fast.len() < coder.langs.len() {
            self.fast
                .resize_with(coder.langs.len(), AsciiTable::default);
        }
        if self.tables.maps.len() < coder.langs.len() {
            self.tables
                .maps
                .resize_with(coder.langs.len(), FxMap::default);
        }
        if self.stamp.len() < coder.codes.len() {
            self.stamp.resize(coder.codes.len(), 0);
        }
    }
}

thread_local! {
    static CACHE: RefCell<Cache> = RefCell::new(Cache::default());
}

static NEXT_ID: AtomicU64 = AtomicU64::new(1);

/// Token spans: (first token, last token).
type Spans = Vec<(u32, u32)>;

/// A match before it becomes a [`Coding`].
#[derive(Debug, Clone, Copy)]
struct Cand {
    code: u32,
    rule: u32,
    c0: u32,
    c1: u32,
    b0: usize,
    b1: usize,
    /// Index of the first token at or after the start (for negation).
    tok: u32,
    negated: bool,
}

/// A codebook compiled for matching. Compile once, code many segments;
/// `Coder` is `Sync`, so threads may share it.
pub struct Coder {
    id: u64,
    options: CodebookOptions,
    dictionary: bool,
    codes: Vec<CodeInfo>,
    code_rank: Vec<u32>,
    rules: Vec<CRule>,
    rule_rank: Vec<u32>,
    words: FxMap<Box<str>, u32>,
    prefixes: FxMap<Box<str>, u32>,
    max_prefix: usize,
    stem_words: Vec<String>,
    trie: Trie,
    near: Vec<NearRule>,
    regexes: Vec<(u32, Regex)>,
    langs: Vec<LangTable>,
    lang_index: HashMap<String, u32>,
    default_lang: u32,
    diagnostics: Vec<Diagnostic>,
    runtime_warnings: Mutex<BTreeSet<String>>,
}

impl std::fmt::Debug for Coder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Coder")
            .field("codes", &self.codes.len())
            .field("rules", &self.rules.len())
            .field("dictionary", &self.dictionary)
            .finish_non_exhaustive()
    }
}

impl Coder {
    /// The codes, in codebook order: counts and code indexes follow it.
    pub fn codes(&self) -> &[CodeInfo] {
        &self.codes
    }

    /// The index of a code id.
    pub fn code_index(&self, id: &str) -> Option<usize> {
        self.codes.iter().position(|c| c.id == id)
    }

    /// Parent index of every code, in codebook order.
    pub fn parents(&self) -> Vec<Option<usize>> {
        self.codes.iter().map(|c| c.parent).collect()
    }

    /// The ancestors of a code, nearest first (its parent, then the
    /// parent's parent…). Codings are emitted for the codes whose rules
    /// matched only; callers aggregate to parents with this.
    pub fn ancestors(&self, code: usize) -> impl Iterator<Item = usize> + '_ {
        ancestors(&self.codes, code)
    }

    /// The codebook options the coder was compiled with.
    pub fn options(&self) -> &CodebookOptions {
        &self.options
    }

    /// Warnings found while compiling, with the rule's or code's origin.
    pub fn diagnostics(&self) -> &[Diagnostic] {
        &self.diagnostics
    }

    /// Every warning so far, as messages (positions are the
    /// [`Coder::diagnostics`]'): the compile warnings, then those found
    /// while coding (a language without a stemmer), once each.
    pub fn warnings(&self) -> Vec<String> {
        let mut out: Vec<String> = self
            .diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .map(|d| d.message.clone())
            .collect();
        if let Ok(w) = self.runtime_warnings.lock() {
            out.extend(w.iter().cloned());
        }
        out
    }

    /// Warnings found while coding (a language without a stemmer met by
    /// stem rules), once each, sorted.
    pub fn coding_warnings(&self) -> Vec<String> {
        self.runtime_warnings
            .lock()
            .map(|w| w.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Codes one segment: its codings sorted by (start, end, code, rule),
    /// one per (code, start, end), parents not included.
    pub fn code_segment(&self, text: &str, lang: &str) -> Vec<Coding> {
        self.cands(text, lang)
            .into_iter()
            .map(|c| Coding {
                code: self.codes[c.code as usize].id.clone(),
                start: c.c0,
                end: c.c1,
                matched: text.get(c.b0..c.b1).unwrap_or("").to_owned(),
                rule: self.rules[c.rule as usize].text.clone(),
                negated: c.negated,
            })
            .collect()
    }

    /// Codes many segments (text, language) in parallel; results in order.
    pub fn code_all(&self, docs: &[(&str, &str)]) -> Vec<Vec<Coding>> {
        docs.par_iter()
            .map(|(t, l)| self.code_segment(t, l))
            .collect()
    }

    /// Counts per code of a segment, in codebook order. Qualitative codes:
    /// the distinct spans coded with the code or one of its descendants
    /// (parents aggregate children; negated codings count). Dictionary
    /// semantics: each distinct token span counts once for each category of
    /// the patterns that match it (scikit-learn's `CountVectorizer` over the
    /// glob-expanded vocabulary); categories do not aggregate.
    pub fn counts(&self, text: &str, lang: &str) -> Vec<u32> {
        let mut out = vec![0; self.codes.len()];
        self.counts_into(text, lang, &mut out);
        out
    }

    /// Adds a segment's counts to `out` (one cell per code).
    pub fn counts_into(&self, text: &str, lang: &str, out: &mut [u32]) {
        if self.dictionary && self.near.is_empty() && self.regexes.is_empty() {
            let lid = self.lang_id(lang);
            self.with_cache(|cache| self.dict_counts(cache, text, lid, out));
            return;
        }
        let cands = self.cands(text, lang);
        if self.dictionary || self.codes.iter().all(|c| c.parent.is_none()) {
            for c in &cands {
                if let Some(cell) = out.get_mut(c.code as usize) {
                    *cell += 1;
                }
            }
            return;
        }
        // A parent counts the distinct spans coded with it or a descendant.
        let mut seen: Vec<(usize, u32, u32)> = Vec::with_capacity(cands.len() * 2);
        for c in &cands {
            let code = c.code as usize;
            seen.extend(
                std::iter::once(code)
                    .chain(self.ancestors(code))
                    .map(|a| (a, c.c0, c.c1)),
            );
        }
        seen.sort_unstable();
        seen.dedup();
        for (code, _, _) in seen {
            if let Some(cell) = out.get_mut(code) {
                *cell += 1;
            }
        }
    }

    /// Counts segments of one language one after the other (callers run
    /// chunks in parallel): a row of `codes().len()` cells per text, rows
    /// in order, in one flat vector.
    pub fn counts_rows(&self, texts: &[&str], lang: &str) -> Vec<u32> {
        let n = self.codes.len();
        let mut out = vec![0u32; n * texts.len()];
        if n == 0 {
            return out;
        }
        if self.dictionary && self.near.is_empty() && self.regexes.is_empty() {
            let lid = self.lang_id(lang);
            self.with_cache(|cache| {
                for (t, row) in texts.iter().zip(out.chunks_mut(n)) {
                    self.dict_counts(cache, t, lid, row);
                }
            });
        } else {
            for (t, row) in texts.iter().zip(out.chunks_mut(n)) {
                self.counts_into(t, lang, row);
            }
        }
        out
    }

    /// Counts many segments in parallel: a row of `codes().len()` cells per
    /// segment, rows in order, in one flat vector.
    pub fn counts_all(&self, docs: &[(&str, &str)]) -> Vec<u32> {
        let n = self.codes.len();
        let mut out = vec![0u32; n * docs.len()];
        if n == 0 {
            return out;
        }
        out.par_chunks_mut(n)
            .zip(docs.par_iter())
            .with_min_len(64)
            .for_each(|(row, (t, l))| self.counts_into(t, l, row));
        out
    }

    /// Runs `f` with this thread's cache (taken out of the thread-local
    /// slot while in use, so a nested call gets a fresh one).
    fn with_cache<R>(&self, f: impl FnOnce(&mut Cache) -> R) -> R {
        let mut cache = CACHE
            .try_with(|c| {
                c.try_borrow_mut()
                    .map(|mut b| std::mem::take(&mut *b))
                    .unwrap_or_default()
            })
            .unwrap_or_default();
        cache.prepare(self);
        let r = f(&mut cache);
        let _ = CACHE.try_with(|c| {
            if let Ok(mut b) = c.try_borrow_mut() {
                *b = cache;
            }
        });
        r
    }

    /// The table index of a segment language; records a warning when stem
    /// rules meet a language without a stemmer.
    fn lang_id(&self, lang: &str) -> u32 {
        let id = match self.lang_index.get(lang) {
            Some(&i) => i,
            None if lang.trim().is_empty() => self.default_lang,
            None => self
                .lang_index
                .get(&lang::canonical(lang))
                .copied()
                .unwrap_or(sat32(self.langs.len().saturating_sub(1))),
        };
        let table = &self.langs[id as usize];
        if !self.stem_words.is_empty() && !self.dictionary && table.algorithm.is_none() {
            let code = match table.code.as_str() {
                "" => lang::canonical(lang),
                c => c.to_owned(),
            };
            let msg = format!(
                "no stemmer for language `{code}`: stem rules (~word) match the word itself there"
            );
            if let Ok(mut w) = self.runtime_warnings.lock()
                && !w.contains(&msg)
            {
                w.insert(msg);
            }
        }
        id
    }

    /// The elements a token form matches, computed on a cache miss. `key`
    /// is the base form (lower case, NFC, apostrophes folded; accents kept).
    fn entry_for(&self, lid: u32, key: &str, fold_buf: &mut String, pool: &mut Vec<u32>) -> Entry {
        let norm: &str = if self.options.fold_accents && !self.dictionary {
            fold_accents_into(key, fold_buf);
            fold_buf
        } else {
            key
        };
        let e0 = sat32(pool.len());
        if let Some(&w) = self.words.get(norm) {
            pool.push(WORD | w);
        }
        if !self.prefixes.is_empty() {
            let ends = norm
                .char_indices()
                .map(|(i, _)| i)
                .skip(1)
                .chain([norm.len()]);
            for i in std::iter::once(0).chain(ends) {
                if i > self.max_prefix {
                    break;
                }
                if let Some(&p) = norm.get(..i).and_then(|pre| self.prefixes.get(pre)) {
                    pool.push(PREFIX | p);
                }
            }
        }
        let table = &self.langs[lid as usize];
        if !self.stem_words.is_empty() {
            let from = pool.len();
            for s in stem_keys(
                table.algorithm,
                table.variants,
                key,
                self.options.fold_accents,
            ) {
                if let Some(ids) = table.stems.get(s.as_str()) {
                    for &i in ids {
                        if !pool[from..].contains(&(STEM | i)) {
                            pool.push(STEM | i);
                        }
                    }
                }
            }
        }
        let e1 = sat32(pool.len());
        for i in e0..e1 {
            if let Some(c) = self.trie.child(0, pool[i as usize]) {
                pool.push(c);
            }
        }
        let r1 = sat32(pool.len());
        for i in e1..r1 {
            let r = pool[i as usize];
            if self.trie.nodes[r as usize].has_children {
                pool.push(r);
            }
        }
        let o1 = sat32(pool.len());
        if self.dictionary {
            let mut cats: Vec<u32> = Vec::new();
            for i in e1..r1 {
                let node = &self.trie.nodes[pool[i as usize] as usize];
                cats.extend_from_slice(&node.dict_any);
                cats.extend(
                    node.dict_lang
                        .iter()
                        .filter(|(l, _)| *l == lid)
                        .map(|(_, c)| *c),
                );
            }
            cats.sort_unstable();
            cats.dedup();
            pool.extend(cats);
        }
        let s1 = sat32(pool.len());
        let negator = !self.dictionary
            && (table.negators.iter().any(|n| n == norm)
                || table.negates_with_nt && norm.ends_with("n't"));
        Entry {
            elems: (e0, e1),
            roots: (e1, r1),
            open: (r1, o1),
            single: (o1, s1),
            negator,
        }
    }

    /// Looks a token form up in the thread's tables, computing it on a miss.
    #[inline]
    fn lookup(&self, t: &mut Tables, lid: u32, key: &str) -> Entry {
        let i = self.lookup_index(t, lid, key);
        t.entries.get(i as usize).copied().unwrap_or_default()
    }

    /// The index of a token form's entry in the thread's tables.
    fn lookup_index(&self, t: &mut Tables, lid: u32, key: &str) -> u32 {
        let Tables {
            maps,
            entries,
            pool,
            fold,
        } = t;
        let Some(map) = maps.get_mut(lid as usize) else {
            return u32::MAX;
        };
        if let Some(&e) = map.get(key) {
            return e;
        }
        let entry = self.entry_for(lid, key, fold, pool);
        let i = sat32(entries.len());
        map.insert(key.into(), i);
        entries.push(entry);
        i
    }
}

/// The stem of a base-form word in a language (the word itself without a
/// stemmer), accents folded afterwards when asked.
fn stem_of(algorithm: Option<Algorithm>, base_word: &str, fold: bool) -> String {
    let s = match algorithm {
        Some(a) => lang::stem(a, base_word),
        None => base_word.to_owned(),
    };
    if fold { fold_accents(&s) } else { s }
}

/// The stems a word is compared by: its Snowball stem, and the stems of
/// its forms with a listed inflection replaced.
fn stem_keys(
    algorithm: Option<Algorithm>,
    variants: &[(&str, &str)],
    base_word: &str,
    fold: bool,
) -> Vec<String> {
    let mut out = vec![stem_of(algorithm, base_word, fold)];
    if algorithm.is_some() {
        for (ending, replacement) in variants {
            if let Some(root) = base_word.strip_suffix(ending)
                && root.chars().count() >= 2
            {
                let k = stem_of(algorithm, &format!("{root}{replacement}"), fold);
                if !out.contains(&k) {
                    out.push(k);
                }
            }
        }
    }
    out
}

mod compile;
mod dict;
mod segment;

#[cfg(test)]
mod props;
#[cfg(test)]
mod tests;
