//! Coding one segment: tokens, the trie walk, NEAR pairs, regular
//! expressions, exclusions and negation, into sorted matches.

use super::*;

impl Coder {
    /// The tokens of a segment with their entries, into `cache.toks`.
    fn tokens(&self, cache: &mut Cache, text: &str, lid: u32) {
        let Cache {
            tables, toks, key, ..
        } = cache;
        toks.clear();
        if self.dictionary {
            dict_tokens(text, key, |k, span| {
                toks.push(Tok {
                    entry: self.lookup(tables, lid, k),
                    span,
                });
            });
        } else {
            uax_tokens(text, |raw, span| {
                base_into(raw, key);
                toks.push(Tok {
                    entry: self.lookup(tables, lid, key),
                    span,
                });
            });
        }
    }

    /// Every trie node completed over the tokens: (first token, last token, node).
    fn walk(&self, cache: &mut Cache) -> Vec<(u32, u32, u32)> {
        let Cache {
            tables,
            toks,
            active,
            next,
            ..
        } = cache;
        let pool = &tables.pool;
        let mut hits = Vec::new();
        active.clear();
        for (i, t) in toks.iter().enumerate() {
            let i = sat32(i);
            let e = t.entry;
            next.clear();
            let mut reach = |s: u32, node: u32, next: &mut Vec<(u32, u32)>| {
                let n = &self.trie.nodes[node as usize];
                if !n.targets.is_empty() {
                    hits.push((s, i, node));
                }
                if n.has_children {
                    next.push((s, node));
                }
            };
            for &(s, node) in active.iter() {
                for &el in &pool[e.elems.0 as usize..e.elems.1 as usize] {
                    if let Some(child) = self.trie.child(node, el) {
                        reach(s, child, next);
                    }
                }
            }
            for &r in &pool[e.roots.0 as usize..e.roots.1 as usize] {
                reach(i, r, next);
            }
            std::mem::swap(active, next);
        }
        hits
    }

    /// The matches of a segment: sorted, one per (code, span), exclusions
    /// applied, negation flagged.
    pub(super) fn cands(&self, text: &str, lang: &str) -> Vec<Cand> {
        let lid = self.lang_id(lang);
        self.with_cache(|cache| {
            self.tokens(cache, text, lid);
            let hits = self.walk(cache);
            self.resolve(text, lid, &cache.toks, &hits, &cache.regexes)
        })
    }

    fn resolve(
        &self,
        text: &str,
        lid: u32,
        toks: &[Tok],
        hits: &[(u32, u32, u32)],
        regexes: &[Regex],
    ) -> Vec<Cand> {
        let lang_ok = |r: u32| self.rules[r as usize].lang.is_none_or(|l| l == lid);
        let mut out: Vec<Cand> = Vec::new();
        let mut excluded: Vec<u32> = Vec::new();
        let push = |r: u32, s: usize, e: usize, out: &mut Vec<Cand>, excluded: &mut Vec<u32>| {
            let rule = &self.rules[r as usize];
            if rule.exclude {
                excluded.push(rule.code);
                return;
            }
            let (a, b) = (toks[s].span, toks[e].span);
            out.push(Cand {
                code: rule.code,
                rule: r,
                c0: a.c0,
                c1: b.c1,
                b0: a.b0,
                b1: b.b1,
                tok: sat32(s),
                negated: false,
            });
        };
        let mut near_occ: Vec<(Spans, Spans)> = vec![(Vec::new(), Vec::new()); self.near.len()];
        for &(s, e, node) in hits {
            for t in &self.trie.nodes[node as usize].targets {
                match *t {
                    Target::Rule(r) if lang_ok(r) => {
                        push(r, s as usize, e as usize, &mut out, &mut excluded)
                    }
                    Target::NearLeft(k) if lang_ok(self.near[k as usize].rule) => {
                        near_occ[k as usize].0.push((s, e))
                    }
                    Target::NearRight(k) if lang_ok(self.near[k as usize].rule) => {
                        near_occ[k as usize].1.push((s, e))
                    }
                    _ => {}
                }
            }
        }
        for (k, (left, right)) in near_occ.iter_mut().enumerate() {
            if left.is_empty() || right.is_empty() {
                continue;
            }
            let nr = &self.near[k];
            let mut spans = Vec::new();
            near_pairs(left, right, nr.distance, &mut spans);
            near_pairs(right, left, nr.distance, &mut spans);
            spans.sort_unstable();
            spans.dedup();
            for (s, e) in spans {
                push(nr.rule, s as usize, e as usize, &mut out, &mut excluded);
            }
        }
        for ((r, _), re) in self.regexes.iter().zip(regexes) {
            if !lang_ok(*r) {
                continue;
            }
            let rule = &self.rules[*r as usize];
            let mut cps = CodePoints::new(text);
            for m in re.find_iter(text) {
                if m.start() == m.end() {
                    continue;
                }
                if rule.exclude {
                    excluded.push(rule.code);
                    break;
                }
                out.push(Cand {
                    code: rule.code,
                    rule: *r,
                    c0: cps.at(m.start()),
                    c1: cps.at(m.end()),
                    b0: m.start(),
                    b1: m.end(),
                    tok: sat32(toks.partition_point(|t| t.span.b1 <= m.start())),
                    negated: false,
                });
            }
        }
        if !self.dictionary && self.options.negation_window > 0 {
            for c in &mut out {
                c.negated = self.negated(text, toks, c.tok as usize, c.b0);
            }
        }
        out.sort_unstable_by_key(|c| {
            (
                c.c0,
                c.c1,
                self.code_rank[c.code as usize],
                self.rule_rank[c.rule as usize],
            )
        });
        out.dedup_by_key(|c| (c.c0, c.c1, c.code));
        if !self.dictionary && !excluded.is_empty() {
            // One entry per code: an exclusion matching all over a long
            // segment would make this quadratic.
            excluded.sort_unstable();
            excluded.dedup();
            out.retain(|c| excluded.binary_search(&c.code).is_err());
        }
        out
    }

    /// Whether a negator stands within the window before token `at` (or
    /// byte `b0`), in the same sentence.
    fn negated(&self, text: &str, toks: &[Tok], at: usize, b0: usize) -> bool {
        let window = self.options.negation_window as usize;
        let mut end = toks.get(at).map_or(b0, |t| t.span.b0.min(b0));
        for k in (at.saturating_sub(window)..at.min(toks.len())).rev() {
            let t = toks[k];
            let stop = text
                .get(t.span.b1..end)
                .is_some_and(|gap| gap.bytes().any(|b| matches!(b, b'.' | b'!' | b'?' | b';')));
            if stop {
                return false;
            }
            if t.entry.negator {
                return true;
            }
            end = t.span.b0;
        }
        false
    }
}

/// Pairs each occurrence in `from` with the nearest occurrence in `to` on
/// each side, at most `distance` tokens between them; pushes the spans.
fn near_pairs(from: &[(u32, u32)], to: &[(u32, u32)], distance: u32, spans: &mut Vec<(u32, u32)>) {
    let mut by_start = to.to_vec();
    by_start.sort_unstable();
    let mut by_end = to.to_vec();
    by_end.sort_unstable_by_key(|&(s, e)| (e, s));
    for &(fs, fe) in from {
        let k = by_start.partition_point(|&(s, _)| s <= fe);
        if let Some(&(ts, te)) = by_start.get(k)
            && ts - fe - 1 <= distance
        {
            spans.push((fs, te));
        }
        let k = by_end.partition_point(|&(_, e)| e < fs);
        if k > 0 {
            let (ts, te) = by_end[k - 1];
            if fs - te - 1 <= distance {
                spans.push((ts, fe));
            }
        }
    }
}
