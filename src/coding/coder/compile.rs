//! Compiling a codebook: rule terms normalised like text and interned as
//! elements, phrases and NEAR operands inserted in the trie, regular
//! expressions compiled with size limits, the code tree checked.

use super::*;

/// An element of a rule before interning.
enum Elem {
    Word(String),
    Prefix(String),
    Stem(String),
}

/// Builds a [`Coder`].
struct Builder {
    dictionary: bool,
    fold: bool,
    words: FxMap<Box<str>, u32>,
    prefixes: FxMap<Box<str>, u32>,
    stem_words: Vec<String>,
    stem_index: HashMap<String, u32>,
}

/// Why a term can never match a token.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unmatchable {
    /// A term without a letter or digit.
    #[error("`{0}` has no letters or digits")]
    NoLetters(String),
    /// An empty dictionary word.
    #[error("empty word")]
    EmptyWord,
    /// A dictionary word that is several tokens.
    #[error("`{0}` is not one token (letters, digits and `_`, joined by single apostrophes)")]
    NotOneToken(String),
}

impl Builder {
    fn norm(&self, base: &str) -> String {
        if self.fold {
            fold_accents(base)
        } else {
            base.to_owned()
        }
    }

    /// The elements of a sequence of terms; `Err` says why it can never match.
    fn elems(&self, terms: &[Term]) -> Result<Vec<Elem>, Unmatchable> {
        let mut out = Vec::new();
        for t in terms {
            if self.dictionary {
                self.dict_elems(t, &mut out)?;
            } else {
                self.code_elems(t, &mut out)?;
            }
        }
        Ok(out)
    }

    fn code_elems(&self, t: &Term, out: &mut Vec<Elem>) -> Result<(), Unmatchable> {
        let text = match t {
            Term::Word(w) | Term::Prefix(w) | Term::Stem(w) => w,
        };
        let mut pieces: Vec<(String, bool)> = Vec::new();
        let mut first = true;
        uax_tokens(text, |raw, _| {
            let article = first && raw.ends_with(crate::coding::normalize::is_apostrophe);
            first = false;
            pieces.push((base(raw), article));
        });
        if pieces.is_empty() {
            return Err(Unmatchable::NoLetters(text.clone()));
        }
        let last = pieces.len() - 1;
        for (i, (b, article)) in pieces.into_iter().enumerate() {
            out.push(match t {
                Term::Prefix(_) if i == last => Elem::Prefix(self.norm(&b)),
                Term::Stem(_) if !article => Elem::Stem(b),
                _ => Elem::Word(self.norm(&b)),
            });
        }
        Ok(())
    }

    fn dict_elems(&self, t: &Term, out: &mut Vec<Elem>) -> Result<(), Unmatchable> {
        let (text, prefix) = match t {
            Term::Word(w) | Term::Stem(w) => (w, false),
            Term::Prefix(p) => (p, true),
        };
        let pieces: Vec<&str> = text.split_whitespace().collect();
        if pieces.is_empty() {
            out.push(if prefix {
                Elem::Prefix(String::new())
            } else {
                Elem::Word(String::new())
            });
            return if prefix {
                Ok(())
            } else {
                Err(Unmatchable::EmptyWord)
            };
        }
        let last = pieces.len() - 1;
        for (i, p) in pieces.into_iter().enumerate() {
            if prefix && i == last {
                // A prefix that cannot start a token simply never matches.
                out.push(Elem::Prefix(base(p)));
                continue;
            }
            match dict_keys(p).as_slice() {
                [k] if is_one_dict_token(k) => out.push(Elem::Word(k.clone())),
                _ => {
                    return Err(Unmatchable::NotOneToken(p.to_owned()));
                }
            }
        }
        Ok(())
    }

    fn intern(&mut self, e: Elem) -> u32 {
        match e {
            Elem::Word(w) => {
                let n = sat32(self.words.len());
                WORD | *self.words.entry(w.into_boxed_str()).or_insert(n)
            }
            Elem::Prefix(p) => {
                let n = sat32(self.prefixes.len());
                PREFIX | *self.prefixes.entry(p.into_boxed_str()).or_insert(n)
            }
            Elem::Stem(s) => {
                let n = sat32(self.stem_words.len());
                let id = *self.stem_index.entry(s.clone()).or_insert(n);
                if id == n {
                    self.stem_words.push(s);
                }
                STEM | id
            }
        }
    }
}

impl Coder {
    /// Compiles a codebook. Errors (a regular expression that does not
    /// compile or is too large, a code id given twice) carry the rule's or
    /// code's origin; warnings (a rule that can never match, an unknown
    /// parent) are kept in [`Coder::diagnostics`].
    pub fn compile(cb: &Codebook) -> Result<Coder, Vec<Diagnostic>> {
        let options = cb.options.clone();
        let dictionary = options.semantics == Semantics::Dictionary;
        let mut errors = Vec::new();
        let mut warnings = Vec::new();

        // Codes and their tree.
        let mut index: HashMap<&str, usize> = HashMap::new();
        for (i, c) in cb.codes.iter().enumerate() {
            if index.insert(c.id.as_str(), i).is_some() {
                errors.push(Diagnostic::error(
                    c.origin,
                    format!("code \"{}\" is defined twice", c.id),
                ));
            }
        }
        let mut codes: Vec<CodeInfo> = cb
            .codes
            .iter()
            .map(|c| CodeInfo {
                id: c.id.clone(),
                label: c.label.clone(),
                parent: None,
            })
            .collect();
        for (i, c) in cb.codes.iter().enumerate() {
            if let Some(p) = &c.parent {
                match index.get(p.as_str()) {
                    Some(&j) if j != i => codes[i].parent = Some(j),
                    Some(_) => warnings.push(Diagnostic::warning(
                        c.origin,
                        format!("code \"{}\" is its own parent", c.id),
                    )),
                    None => warnings.push(Diagnostic::warning(
                        c.origin,
                        format!(
                            "code \"{}\" has unknown parent \"{p}\"; treated as a top-level code",
                            c.id
                        ),
                    )),
                }
            }
        }
        for i in 0..codes.len() {
            let mut at = codes[i].parent;
            let mut steps = 0;
            while let Some(p) = at {
                if p == i || steps > codes.len() {
                    warnings.push(Diagnostic::warning(
                        cb.codes[i].origin,
                        format!(
                            "code \"{}\" is its own ancestor; its parent link is ignored",
                            codes[i].id
                        ),
                    ));
                    codes[i].parent = None;
                    break;
                }
                at = codes[p].parent;
                steps += 1;
            }
        }

        // Languages: the default, every stemmer's, every rule's.
        let mut lang_codes: Vec<String> = Vec::new();
        let add = |code: String, v: &mut Vec<String>| {
            if !v.contains(&code) {
                v.push(code);
            }
        };
        add(lang::canonical(&options.lang), &mut lang_codes);
        for (c, _) in lang::STEMMED {
            add((*c).to_owned(), &mut lang_codes);
        }
        for c in &cb.codes {
            for r in &c.rules {
                if let Some(l) = &r.lang {
                    add(lang::canonical(l), &mut lang_codes);
                }
            }
        }
        // The last table stands for languages seen only in segments.
        lang_codes.push(String::new());
        let lang_index: HashMap<String, u32> = lang_codes
            .iter()
            .enumerate()
            .filter(|(_, c)| !c.is_empty())
            .map(|(i, c)| (c.clone(), sat32(i)))
            .collect();

        // Rules.
        let mut b = Builder {
            dictionary,
            fold: options.fold_accents && !dictionary,
            words: FxMap::default(),
            prefixes: FxMap::default(),
            stem_words: Vec::new(),
            stem_index: HashMap::new(),
        };
        let mut trie = Trie::new();
        let mut rules = Vec::new();
        let mut near = Vec::new();
        let mut regexes = Vec::new();
        let mut warned_stem = false;
        for (ci, c) in cb.codes.iter().enumerate() {
            for rule in &c.rules {
                let r = sat32(rules.len());
                let lang = rule
                    .lang
                    .as_ref()
                    .and_then(|l| lang_index.get(&lang::canonical(l)).copied());
                rules.push(CRule {
                    code: sat32(ci),
                    lang,
                    exclude: rule.exclude,
                    text: rule.text.clone(),
                });
                if dictionary && rule.exclude {
                    warnings.push(Diagnostic::warning(
                        rule.origin,
                        format!(
                            "`{}`: exclusions do not apply to dictionary counting; rule ignored",
                            rule.text
                        ),
                    ));
                    continue;
                }
                let uses_stem = |ts: &[Term]| ts.iter().any(|t| matches!(t, Term::Stem(_)));
                let stems_here = match &rule.pattern {
                    Pattern::Term(t) => uses_stem(std::slice::from_ref(t)),
                    Pattern::Phrase(ts) => uses_stem(ts),
                    Pattern::Near { left, right, .. } => uses_stem(left) || uses_stem(right),
                    Pattern::Regex(_) => false,
                };
                if dictionary && stems_here && !warned_stem {
                    warned_stem = true;
                    warnings.push(Diagnostic::warning(
                        rule.origin,
                        "dictionary counting does not stem: `~word` rules match the word itself",
                    ));
                }
                let never = |why: Unmatchable, w: &mut Vec<Diagnostic>| {
                    w.push(Diagnostic::warning(
                        rule.origin,
                        format!("`{}` can never match: {why}", rule.text),
                    ));
                };
                match &rule.pattern {
                    Pattern::Term(t) => match b.elems(std::slice::from_ref(t)) {
                        Ok(es) => {
                            let seq: Vec<u32> = es.into_iter().map(|e| b.intern(e)).collect();
                            trie.insert(&seq, Target::Rule(r));
                        }
                        Err(why) => never(why, &mut warnings),
                    },
                    Pattern::Phrase(ts) => match b.elems(ts) {
                        Ok(es) => {
                            let seq: Vec<u32> = es.into_iter().map(|e| b.intern(e)).collect();
                            trie.insert(&seq, Target::Rule(r));
                        }
                        Err(why) => never(why, &mut warnings),
                    },
                    Pattern::Near {
                        left,
                        right,
                        distance,
                    } => match (b.elems(left), b.elems(right)) {
                        (Ok(l), Ok(rt)) => {
                            let k = sat32(near.len());
                            near.push(NearRule {
                                rule: r,
                                distance: *distance,
                            });
                            let l: Vec<u32> = l.into_iter().map(|e| b.intern(e)).collect();
                            let rt: Vec<u32> = rt.into_iter().map(|e| b.intern(e)).collect();
                            trie.insert(&l, Target::NearLeft(k));
                            trie.insert(&rt, Target::NearRight(k));
                        }
                        (Err(why), _) | (_, Err(why)) => never(why, &mut warnings),
                    },
                    Pattern::Regex(p) => {
                        match RegexBuilder::new(p)
                            .size_limit(REGEX_SIZE_LIMIT)
                            .dfa_size_limit(REGEX_DFA_LIMIT)
                            .nest_limit(64)
                            .build()
                        {
                            Ok(re) => regexes.push((r, re)),
                            Err(regex::Error::CompiledTooBig(limit)) => errors.push(Diagnostic::error(
                                rule.origin,
                                format!("regular expression /{}/ is too large (over {limit} bytes compiled); simplify it", crate::codebook::check::short_regex(p)),
                            )),
                            Err(e) => errors.push(Diagnostic::error(
                                rule.origin,
                                format!("regular expression /{}/ does not compile: {}", crate::codebook::check::short_regex(p), one_line(&e.to_string())),
                            )),
                        }
                    }
                }
            }
        }
        if !errors.is_empty() {
            errors.extend(warnings);
            errors.sort_by_key(|d| (d.origin, d.severity));
            return Err(errors);
        }

        // Language tables: stems of stem words and negators, normalised.
        let fold = options.fold_accents && !dictionary;
        let norm = |s: &str| {
            if fold {
                fold_accents(&base(s))
            } else {
                base(s)
            }
        };
        let langs: Vec<LangTable> = lang_codes
            .iter()
            .map(|code| {
                let algorithm = lang::algorithm(code);
                let mut stems: FxMap<Box<str>, Vec<u32>> = FxMap::default();
                let variants = lang::stem_variants(code);
                for (i, w) in b.stem_words.iter().enumerate() {
                    for s in stem_keys(algorithm, variants, w, fold) {
                        let ids = stems.entry(s.into_boxed_str()).or_default();
                        if !ids.contains(&sat32(i)) {
                            ids.push(sat32(i));
                        }
                    }
                }
                LangTable {
                    code: code.clone(),
                    algorithm,
                    variants,
                    stems,
                    negators: lang::negators(code).iter().map(|n| norm(n)).collect(),
                    negates_with_nt: lang::negates_with_nt(code),
                }
            })
            .collect();

        // Dictionary counting: per node, the codes its rules count for.
        if dictionary {
            for node in &mut trie.nodes {
                for t in &node.targets {
                    if let Target::Rule(r) = t {
                        let rule = &rules[*r as usize];
                        match rule.lang {
                            None => node.dict_any.push(rule.code),
                            Some(l) => node.dict_lang.push((l, rule.code)),
                        }
                    }
                }
                node.dict_any.sort_unstable();
                node.dict_any.dedup();
            }
        }

        let mut by_id: Vec<usize> = (0..codes.len()).collect();
        by_id.sort_by(|&a, &b| codes[a].id.cmp(&codes[b].id).then(a.cmp(&b)));
        let mut code_rank = vec![0u32; codes.len()];
        for (rank, &i) in by_id.iter().enumerate() {
            code_rank[i] = sat32(rank);
        }
        let mut by_text: Vec<usize> = (0..rules.len()).collect();
        by_text.sort_by(|&a, &b| rules[a].text.cmp(&rules[b].text).then(a.cmp(&b)));
        let mut rule_rank = vec![0u32; rules.len()];
        for (rank, &i) in by_text.iter().enumerate() {
            rule_rank[i] = sat32(rank);
        }
        let max_prefix = b.prefixes.keys().map(|p| p.len()).max().unwrap_or(0);
        let default_lang = lang_index
            .get(&lang::canonical(&options.lang))
            .copied()
            .unwrap_or(0);
        warnings.sort_by_key(|d| d.origin);
        Ok(Coder {
            id: NEXT_ID.fetch_add(1, Ordering::Relaxed),
            options,
            dictionary,
            codes,
            code_rank,
            rules,
            rule_rank,
            words: b.words,
            prefixes: b.prefixes,
            max_prefix,
            stem_words: b.stem_words,
            trie,
            near,
            regexes,
            langs,
            lang_index,
            default_lang,
            diagnostics: warnings,
            runtime_warnings: Mutex::new(BTreeSet::new()),
        })
    }
}

/// A multi-line library message on one line.
fn one_line(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}
