//! The hot path of dictionary counting: ASCII tokens of up to 16 bytes are
//! lower-cased as two 64-bit words (SWAR arithmetic) and looked up by those
//! words in an open-addressing table, with no string hashing or `memcmp`.

/// A lower-cased ASCII token of 1 to 16 bytes, as two little-endian words.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Key {
    lo: u64,
    hi: u64,
    len: u32,
}

const HIGH_BITS: u64 = 0x8080_8080_8080_8080;

/// Lower-cases the ASCII letters of eight bytes at once.
#[inline]
fn lower(x: u64) -> u64 {
    let low7 = x & !HIGH_BITS;
    let above_z = low7.wrapping_add(0x2525_2525_2525_2525); // high bit set when byte > 'Z'
    let from_a = low7.wrapping_add(0x3f3f_3f3f_3f3f_3f3f); // high bit set when byte >= 'A'
    let upper = from_a & !above_z & !x & HIGH_BITS;
    x | (upper >> 2)
}

impl Key {
    /// The key of `bytes[b0..b1]`, which must be ASCII; `None` when the
    /// token is empty or longer than 16 bytes.
    #[inline]
    pub(crate) fn new(bytes: &[u8], b0: usize, b1: usize) -> Option<Key> {
        let len = b1.checked_sub(b0)?;
        if len == 0 || len > 16 {
            return None;
        }
        let (lo, hi) = match bytes.get(b0..b0 + 16) {
            Some(w) => {
                let lo = u64::from_le_bytes(w.get(..8)?.try_into().ok()?);
                let hi = u64::from_le_bytes(w.get(8..)?.try_into().ok()?);
                (lo, hi)
            }
            None => {
                let mut buf = [0u8; 16];
                buf[..len].copy_from_slice(bytes.get(b0..b1)?);
                let lo = u64::from_le_bytes(buf[..8].try_into().ok()?);
                let hi = u64::from_le_bytes(buf[8..].try_into().ok()?);
                (lo, hi)
            }
        };
        let (mlo, mhi) = match len {
            16 => (!0, !0),
            8..=15 => (!0, (1u64 << (8 * (len - 8))) - 1),
            _ => ((1u64 << (8 * len)) - 1, 0),
        };
        Some(Key {
            lo: lower(lo & mlo),
            hi: lower(hi & mhi),
            len: len as u32,
        })
    }

    /// The key's bytes (its first `len()` bytes are the token).
    pub(crate) fn bytes(&self) -> [u8; 16] {
        let mut b = [0u8; 16];
        b[..8].copy_from_slice(&self.lo.to_le_bytes());
        b[8..].copy_from_slice(&self.hi.to_le_bytes());
        b
    }

    /// The token's length in bytes.
    pub(crate) fn len(&self) -> usize {
        self.len as usize
    }

    #[inline]
    fn hash(&self) -> u64 {
        let h = (self.lo ^ u64::from(self.len).rotate_right(8)).wrapping_mul(0x9E37_79B9_7F4A_7C15)
            ^ self.hi.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
        h ^ (h >> 29)
    }
}

/// What the hot path needs of a token form, kept in its table slot.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Hit {
    /// Index of the full entry in the thread's tables.
    pub entry: u32,
    /// Start of the codes a one-token span counts for, in the pool.
    pub cats: u32,
    /// How many codes.
    pub ncats: u32,
    /// [`OPENS`] and [`CONTINUES`].
    pub flags: u8,
}

/// The token can start a phrase (a trie path from the root goes on).
pub(crate) const OPENS: u8 = 1;
/// The token matches some element, so it may continue a phrase.
pub(crate) const CONTINUES: u8 = 2;

const EMPTY: u32 = u32::MAX;

/// 32 bytes: a key and its hit, two slots per cache line.
#[derive(Debug, Clone, Copy)]
struct Slot {
    lo: u64,
    hi: u64,
    entry: u32,
    cats: u32,
    ncats: u16,
    len: u8,
    flags: u8,
}

const VACANT: Slot = Slot {
    lo: 0,
    hi: 0,
    entry: EMPTY,
    cats: 0,
    ncats: 0,
    len: 0,
    flags: 0,
};

impl Slot {
    #[inline]
    fn holds(&self, key: &Key) -> bool {
        self.lo == key.lo && self.hi == key.hi && u32::from(self.len) == key.len
    }

    fn key(&self) -> Key {
        Key {
            lo: self.lo,
            hi: self.hi,
            len: u32::from(self.len),
        }
    }

    #[inline]
    fn hit(&self) -> Hit {
        Hit {
            entry: self.entry,
            cats: self.cats,
            ncats: u32::from(self.ncats),
            flags: self.flags,
        }
    }
}

/// Keys to hits, open addressing with linear probing.
#[derive(Debug, Default)]
pub(crate) struct AsciiTable {
    slots: Vec<Slot>,
    used: usize,
}

impl AsciiTable {
    /// Forgets every key.
    pub(crate) fn clear(&mut self) {
        self.slots.clear();
        self.used = 0;
    }

    /// The hit of a key.
    #[inline]
    pub(crate) fn get(&self, key: &Key) -> Option<Hit> {
        if self.slots.is_empty() {
            return None;
        }
        let mask = self.slots.len() - 1;
        let mut p = key.hash() as usize & mask;
        loop {
            let s = &self.slots[p];
            if s.entry == EMPTY {
                return None;
            }
            if s.holds(key) {
                return Some(s.hit());
            }
            p = (p + 1) & mask;
        }
    }

    /// Sets the hit of a key. A hit with more than 65,535 codes is not
    /// kept (the caller takes the general path for it).
    pub(crate) fn insert(&mut self, key: Key, hit: Hit) {
        let Ok(ncats) = u16::try_from(hit.ncats) else {
            return;
        };
        if (self.used + 1) * 2 > self.slots.len() {
            let old = std::mem::take(&mut self.slots);
            self.slots = vec![VACANT; (old.len() * 2).max(4096)];
            self.used = 0;
            for s in old.into_iter().filter(|s| s.entry != EMPTY) {
                self.place(s);
            }
        }
        self.place(Slot {
            lo: key.lo,
            hi: key.hi,
            entry: hit.entry,
            cats: hit.cats,
            ncats,
            len: key.len as u8,
            flags: hit.flags,
        });
    }

    fn place(&mut self, slot: Slot) {
        let mask = self.slots.len() - 1;
        let mut p = slot.key().hash() as usize & mask;
        while self.slots[p].entry != EMPTY {
            if self.slots[p].holds(&slot.key()) {
                self.slots[p] = slot;
                return;
            }
            p = (p + 1) & mask;
        }
        self.slots[p] = slot;
        self.used += 1;
    }
}

/// Byte classes of the scanner: skipped, ASCII word character, non-ASCII.
pub(crate) const SKIP: u8 = 0;
/// An ASCII letter, digit or `_`.
pub(crate) const WORD: u8 = 1;
/// A byte of a non-ASCII character.
pub(crate) const OTHER: u8 = 2;

/// The class of every byte.
pub(crate) const CLASS: [u8; 256] = {
    let mut t = [SKIP; 256];
    let mut i = 0;
    while i < 256 {
        let c = i as u8;
        t[i] = if c >= 0x80 {
            OTHER
        } else if c.is_ascii_alphanumeric() || c == b'_' {
            WORD
        } else {
            SKIP
        };
        i += 1;
    }
    t
};

#[cfg(test)]
mod tests {
    use super::*;

    fn key(s: &str) -> Key {
        Key::new(s.as_bytes(), 0, s.len()).unwrap()
    }

    #[test]
    fn keys_lower_case_and_mask() {
        assert_eq!(key("Speaker"), key("speaker"));
        assert_eq!(key("ABCDEFGHIJKLMNOP"), key("abcdefghijklmnop"));
        assert_eq!(key("@[`{_09Z"), Key::new(b"@[`{_09z", 0, 8).unwrap());
        assert_ne!(key("ab"), key("abc"));
        let long = b"house of representatives";
        assert_eq!(Key::new(long, 0, 5), Key::new(b"HOUSE", 0, 5));
        assert_eq!(&key("Don't").bytes()[..5], b"don't");
        assert!(Key::new(b"x", 0, 0).is_none());
        assert!(Key::new(&[b'a'; 17], 0, 17).is_none());
    }

    #[test]
    fn slots_fill_half_a_cache_line() {
        assert_eq!(std::mem::size_of::<Slot>(), 32);
    }

    #[test]
    fn table_finds_what_it_holds() {
        let mut t = AsciiTable::default();
        let hit = |i: usize| Hit {
            entry: i as u32,
            cats: 0,
            ncats: 1,
            flags: OPENS,
        };
        let words: Vec<String> = (0..10_000).map(|i| format!("w{i}")).collect();
        for (i, w) in words.iter().enumerate() {
            t.insert(key(w), hit(i));
        }
        for (i, w) in words.iter().enumerate() {
            assert_eq!(t.get(&key(w)), Some(hit(i)));
        }
        assert_eq!(t.get(&key("nope")), None);
        t.clear();
        assert_eq!(t.get(&key("w1")), None);
    }
}
