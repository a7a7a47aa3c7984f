//! The hot path of dictionary counting, without building codings: tokens
//! are scanned in one pass, looked up in a second (ASCII tokens in the
//! thread's [`AsciiTable`]) and counted in a third.

use super::*;

/// Trie states of dictionary counting, and the marks that count a span
/// once per code.
struct Walk<'a> {
    active: &'a mut Vec<(u32, u32)>,
    next: &'a mut Vec<(u32, u32)>,
    stamp: &'a mut [u32],
    generation: &'a mut u32,
}

impl Coder {
    /// Dictionary counting without building codings: the hot path. ASCII
    /// tokens are scanned here and looked up in the thread's [`AsciiTable`];
    /// the rest goes through [`DictScanner`] and the general tables.
    pub(super) fn dict_counts(&self, cache: &mut Cache, text: &str, lid: u32, out: &mut [u32]) {
        let Cache {
            tables,
            fast,
            active,
            next,
            key,
            stamp,
            generation,
            pending,
            hits,
            ..
        } = cache;
        let Some(fast) = fast.get_mut(lid as usize) else {
            return;
        };
        active.clear();
        let mut walk = Walk {
            active,
            next,
            stamp,
            generation,
        };
        // Three passes keep the table probes apart from the branchy
        // scanning and counting, so that the processor overlaps them.
        pending.clear();
        let bytes = text.as_bytes();
        let n = bytes.len();
        let mut i = 0;
        while i < n {
            let class = CLASS[bytes[i] as usize];
            if class == SKIP {
                i += 1;
                continue;
            }
            let (b0, b1, ascii) = if class == fast::WORD {
                let b0 = i;
                i += 1;
                while i < n && CLASS[bytes[i] as usize] == fast::WORD {
                    i += 1;
                }
                if i < n && (bytes[i] == b'\'' || bytes[i] >= 0x80) {
                    // An apostrophe or a non-ASCII letter may continue it.
                    match DictScanner::at(text, b0).next() {
                        Some(t) => (t.b0, t.b1, t.ascii),
                        None => break,
                    }
                } else {
                    (b0, i, true)
                }
            } else {
                match DictScanner::at(text, i).next() {
                    Some(t) => (t.b0, t.b1, t.ascii),
                    None => break,
                }
            };
            i = b1.max(i);
            let key = if ascii { Key::new(bytes, b0, b1) } else { None };
            pending.push(Pending { key, b0, b1, ascii });
        }
        hits.clear();
        for p in pending.iter() {
            let hit = match &p.key {
                Some(k) => match fast.get(k) {
                    Some(h) => h,
                    None => {
                        let kb = k.bytes();
                        let ks = std::str::from_utf8(&kb[..k.len()]).unwrap_or("");
                        let h = self.hit(tables, lid, ks);
                        fast.insert(*k, h);
                        h
                    }
                },
                None if p.ascii => {
                    key.clear();
                    key.push_str(&text[p.b0..p.b1]);
                    key.make_ascii_lowercase();
                    self.hit(tables, lid, key)
                }
                None if dict_key_into(&text[p.b0..p.b1], key) => self.hit(tables, lid, key),
                None => {
                    for k in dict_keys(&text[p.b0..p.b1]) {
                        hits.push(self.hit(tables, lid, &k));
                    }
                    continue;
                }
            };
            hits.push(hit);
        }
        for (ti, hit) in hits.iter().enumerate() {
            self.feed(tables, *hit, sat32(ti), &mut walk, out, lid);
        }
    }

    /// What the hot path keeps of a token form.
    fn hit(&self, tables: &mut Tables, lid: u32, key: &str) -> Hit {
        let i = self.lookup_index(tables, lid, key);
        let e = tables.entries.get(i as usize).copied().unwrap_or_default();
        let mut flags = 0;
        if e.open.0 != e.open.1 {
            flags |= OPENS;
        }
        if e.elems.0 != e.elems.1 {
            flags |= CONTINUES;
        }
        Hit {
            entry: i,
            cats: e.single.0,
            ncats: e.single.1 - e.single.0,
            flags,
        }
    }

    /// Counts what token `ti` completes and moves the trie states on.
    #[inline]
    fn feed(&self, tables: &Tables, hit: Hit, ti: u32, w: &mut Walk, out: &mut [u32], lid: u32) {
        let pool = &tables.pool;
        let cats = hit.cats as usize;
        if let Some(cs) = pool.get(cats..cats + hit.ncats as usize) {
            for &c in cs {
                if let Some(cell) = out.get_mut(c as usize) {
                    *cell += 1;
                }
            }
        }
        if w.active.is_empty() && hit.flags & OPENS == 0 {
            return;
        }
        if hit.flags & CONTINUES == 0 {
            w.active.clear();
            return;
        }
        let Some(e) = tables.entries.get(hit.entry as usize) else {
            w.active.clear();
            return;
        };
        w.next.clear();
        for &(s, node) in w.active.iter() {
            for &el in &pool[e.elems.0 as usize..e.elems.1 as usize] {
                if let Some(child) = self.trie.child(node, el) {
                    w.next.push((s, child));
                }
            }
        }
        if !w.next.is_empty() {
            self.count_groups(w.next, out, w.stamp, w.generation, lid);
            w.next
                .retain(|&(_, n)| self.trie.nodes[n as usize].has_children);
        }
        w.next.extend(
            pool[e.open.0 as usize..e.open.1 as usize]
                .iter()
                .map(|&r| (ti, r)),
        );
        std::mem::swap(w.active, w.next);
    }

    /// Counts the spans that trie states complete; states that share a
    /// start are one span, counted once per code.
    fn count_groups(
        &self,
        states: &[(u32, u32)],
        out: &mut [u32],
        stamp: &mut [u32],
        generation: &mut u32,
        lid: u32,
    ) {
        let mut i = 0;
        while i < states.len() {
            let s = states[i].0;
            let mut j = i + 1;
            while j < states.len() && states[j].0 == s {
                j += 1;
            }
            let group = &states[i..j];
            i = j;
            let node = |n: u32| &self.trie.nodes[n as usize];
            if let [(_, n)] = group
                && node(*n).dict_lang.is_empty()
            {
                for &c in &node(*n).dict_any {
                    if let Some(cell) = out.get_mut(c as usize) {
                        *cell += 1;
                    }
                }
                continue;
            }
            *generation = generation.wrapping_add(1);
            if *generation == 0 {
                stamp.iter_mut().for_each(|x| *x = 0);
                *generation = 1;
            }
            for (_, n) in group {
                let nd = node(*n);
                let lang_codes = nd
                    .dict_lang
                    .iter()
                    .filter(|(l, _)| *l == lid)
                    .map(|(_, c)| c);
                for &c in nd.dict_any.iter().chain(lang_codes) {
                    if let Some(st) = stamp.get_mut(c as usize)
                        && *st != *generation
                    {
                        *st = *generation;
                        if let Some(cell) = out.get_mut(c as usize) {
                            *cell += 1;
                        }
                    }
                }
            }
        }
    }
}
