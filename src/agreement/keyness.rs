//! Keyness: the words and phrases a reference coder's segments of a code
//! use more than the other segments, ranked by Dunning's log-likelihood G²
//! (WordStat, quanteda `textstat_keyness(measure = "lr")` without
//! correction), left out when the code's rules already match them, and
//! written as rules that paste into the codebook. Pure: texts in,
//! suggestions out.
//!
//! Candidates are runs of one to [`KeynessOptions::max_n`] tokens of the
//! coder's tokenisation ([`tokenize`] under the codebook's options), within
//! a clause: two tokens belong to one run when only spaces, one hyphen or
//! nothing (an elided article, `d'espace`) stand between them. A run may
//! hold a function word inside (`espace de travail`) but never starts or
//! ends with one, nor with a token without a letter. Function words are
//! those of the segment's language among French, English and Dutch, told
//! by which built-in list its tokens hit most (ties go to the codebook's
//! language), so that `car` is a conjunction in French and a word in
//! English.

use std::collections::{HashMap, HashSet};

use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::codebook::pattern::parse_pattern;
use crate::codebook::{CodebookOptions, Pattern, Semantics, Term};
use crate::coding::{Token, tokenize};

/// How [`suggest`] chooses and ranks candidates.
#[derive(Debug, Clone, PartialEq)]
pub struct KeynessOptions {
    /// Longest phrase, in tokens. Default 3.
    pub max_n: usize,
    /// Fewest target segments holding the candidate. Default 3.
    pub min_count: u32,
    /// Smallest G² kept. Default 10.83 (p < 0.001, one degree of freedom).
    pub min_g2: f64,
    /// Most suggestions returned. Default 20.
    pub limit: usize,
}

impl Default for KeynessOptions {
    fn default() -> Self {
        KeynessOptions {
            max_n: 3,
            min_count: 3,
            min_g2: 10.83,
            limit: 20,
        }
    }
}

/// A word or phrase over-represented in the target segments.
#[derive(Debug, Clone, PartialEq)]
pub struct Suggestion {
    /// The candidate as a rule (`tarif`, `espace de travail`,
    /// `manque d'espace`): lower case, in its most frequent spelling, which
    /// matches every spelling of the candidate under the codebook's options.
    pub rule: String,
    /// The most frequent surface form as written in the texts (spaces
    /// collapsed).
    pub example: String,
    /// Occurrences in the target segments.
    pub target: u32,
    /// Occurrences in the other segments.
    pub rest: u32,
    /// Target segments holding it.
    pub target_segments: u32,
    /// Signed log-likelihood G²: positive when over-represented in the
    /// target.
    pub g2: f64,
}

/// Dunning's log-likelihood G² of a count `a` among `n1` tokens against a
/// count `b` among `n2` tokens: `2 · Σ O · ln(O / E)` over the 2×2 table
/// (count, other tokens) × (target, rest), with `0 · ln 0 = 0`. Signed:
/// negative when the target rate `a / n1` is below the rest rate `b / n2`.
/// Counts above their totals are clamped to them.
pub fn log_likelihood(a: u64, n1: u64, b: u64, n2: u64) -> f64 {
    let (a, b) = (a.min(n1), b.min(n2));
    let (c, d) = (n1 - a, n2 - b);
    let n = n1 as f64 + n2 as f64;
    if n == 0.0 {
        return 0.0;
    }
    let (row1, row2) = ((a + b) as f64, (c + d) as f64);
    let cell = |o: u64, row: f64, col: u64| {
        if o == 0 {
            return 0.0;
        }
        let o = o as f64;
        o * (o * n / (row * col as f64)).ln()
    };
    let g = 2.0 * (cell(a, row1, n1) + cell(b, row1, n2) + cell(c, row2, n1) + cell(d, row2, n2));
    let g = g.max(0.0);
    if u128::from(a) * u128::from(n2) < u128::from(b) * u128::from(n1) {
        -g
    } else {
        g
    }
}

/// French function words: articles, prepositions, pronouns, auxiliaries,
/// conjunctions (accents folded when compared).
const FUNCTION_FR: &[&str] = &[
    "le", "la", "les", "l'", "un", "une", "des", "du", "de", "d'", "au", "aux", "à", "en", "dans",
    "par", "pour", "sur", "sous", "avec", "sans", "chez", "entre", "vers", "contre", "depuis",
    "pendant", "avant", "après", "ce", "cet", "cette", "ces", "c'", "ça", "cela", "ceci", "celui",
    "celle", "ceux", "celles", "mon", "ma", "mes", "ton", "ta", "tes", "son", "sa", "ses", "notre",
    "nos", "votre", "vos", "leur", "leurs", "je", "j'", "tu", "il", "elle", "on", "nous", "vous",
    "ils", "elles", "me", "m'", "te", "t'", "se", "s'", "lui", "y", "moi", "toi", "soi", "eux",
    "qui", "que", "qu'", "quoi", "dont", "où", "ne", "n'", "pas", "ni", "et", "ou", "mais", "donc",
    "or", "car", "si", "comme", "quand", "lorsque", "lorsqu'", "puisque", "puisqu'", "jusqu'",
    "est", "sont", "être", "été", "suis", "es", "sommes", "êtes", "était", "étaient", "sera",
    "serait", "ai", "as", "a", "avons", "avez", "ont", "avait", "avaient", "avoir", "eu", "aura",
    "aurait", "très", "aussi", "tout", "tous", "toute", "toutes", "quel", "quelle", "quels",
    "quelles", "c'est", "j'ai", "qu'il", "d'un", "d'une", "n'est",
];

/// English function words.
const FUNCTION_EN: &[&str] = &[
    "a", "an", "the", "this", "that", "these", "those", "of", "in", "on", "at", "by", "for",
    "with", "without", "from", "to", "into", "onto", "over", "under", "about", "above", "below",
    "between", "through", "during", "before", "after", "against", "among", "up", "down", "out",
    "off", "i", "me", "my", "mine", "we", "us", "our", "ours", "you", "your", "yours", "he", "him",
    "his", "she", "her", "hers", "it", "its", "they", "them", "their", "theirs", "who", "whom",
    "whose", "which", "what", "where", "when", "why", "how", "and", "or", "but", "nor", "so", "if",
    "then", "than", "as", "because", "while", "though", "although", "not", "no", "is", "are",
    "was", "were", "be", "been", "being", "am", "do", "does", "did", "have", "has", "had", "will",
    "would", "shall", "should", "can", "could", "may", "might", "must", "there", "here", "also",
    "very", "too", "all", "any", "some", "each", "both", "it's", "i'm", "don't", "doesn't",
    "isn't", "aren't", "can't", "won't",
];

/// Dutch function words.
const FUNCTION_NL: &[&str] = &[
    "de", "het", "een", "'t", "en", "of", "maar", "want", "dus", "dat", "die", "dit", "deze",
    "wie", "wat", "waar", "wanneer", "hoe", "waarom", "ik", "mij", "me", "mijn", "jij", "je",
    "jou", "jouw", "u", "uw", "hij", "hem", "zijn", "zij", "ze", "haar", "wij", "we", "ons",
    "onze", "jullie", "hun", "hen", "zich", "men", "er", "van", "in", "op", "aan", "met", "voor",
    "door", "over", "bij", "naar", "uit", "tot", "om", "onder", "tegen", "tussen", "zonder", "na",
    "sinds", "tijdens", "is", "ben", "bent", "was", "waren", "wordt", "worden", "werd", "werden",
    "heb", "hebt", "heeft", "hebben", "had", "hadden", "zal", "zullen", "zou", "zouden", "kan",
    "kunnen", "kon", "moet", "moeten", "mag", "mogen", "wil", "willen", "niet", "geen", "ook",
    "nog", "al", "wel", "zo", "dan", "als", "toen", "omdat", "hoewel", "terwijl", "te", "nu",
    "hier", "daar",
];

/// The languages with a function-word list, in tie-breaking order.
const LANGS: [(&str, &[&str]); 3] = [
    ("fr", FUNCTION_FR),
    ("en", FUNCTION_EN),
    ("nl", FUNCTION_NL),
];

/// The flag of a token without a letter (never a run's first or last).
const NO_LETTER: u8 = 0x80;

/// Lower case with accents and apostrophes folded, for comparing with the
/// function-word lists.
fn fold(s: &str) -> String {
    s.to_lowercase()
        .nfd()
        .filter(|c| !is_combining_mark(*c))
        .map(|c| {
            if matches!(c, '\u{2019}' | '\u{02BC}') {
                '\''
            } else {
                c
            }
        })
        .collect::<String>()
        .replace('œ', "oe")
        .replace('æ', "ae")
}

/// The function-word lists, folded.
struct FunctionWords {
    sets: [HashSet<String>; 3],
}

impl FunctionWords {
    fn new() -> Self {
        FunctionWords {
            sets: LANGS.map(|(_, words)| words.iter().map(|w| fold(w)).collect()),
        }
    }

    /// The flags of a normalised token: bit `l` when it is a function word
    /// of `LANGS[l]`, [`NO_LETTER`] when it has no letter.
    fn flags(&self, norm: &str) -> u8 {
        let folded = fold(norm);
        let mut f = 0u8;
        for (l, set) in self.sets.iter().enumerate() {
            if set.contains(&folded) {
                f |= 1 << l;
            }
        }
        if !norm.chars().any(char::is_alphabetic) {
            f |= NO_LETTER;
        }
        f
    }
}

/// The token ids of the target segments, and what each id is.
#[derive(Default)]
struct Vocab {
    ids: HashMap<String, u32>,
    names: Vec<String>,
    flags: Vec<u8>,
}

impl Vocab {
    fn intern(&mut self, norm: &str, fw: &FunctionWords) -> u32 {
        if let Some(&id) = self.ids.get(norm) {
            return id;
        }
        let id = u32::try_from(self.names.len()).unwrap_or(u32::MAX - 1);
        self.ids.insert(norm.to_owned(), id);
        self.names.push(norm.to_owned());
        self.flags.push(fw.flags(norm));
        id
    }

    fn flag(&self, id: u32) -> u8 {
        self.flags.get(id as usize).copied().unwrap_or(NO_LETTER)
    }
}

/// How a token stands to the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Link {
    /// Punctuation (or the segment's start) between them: no run crosses.
    Break,
    /// Spaces or nothing (after an elided article): one run may hold both.
    Join,
    /// One hyphen (`co-working`): a run holds both or neither.
    Hyphen,
}

/// A target segment, tokenised.
struct Seg {
    ids: Vec<u32>,
    spans: Vec<(usize, usize)>,
    /// How each token stands to the one before it.
    links: Vec<Link>,
    /// The flag bits of its language's function words, and [`NO_LETTER`].
    skip: u8,
}

/// How the text between two tokens links them.
fn link(gap: &str) -> Link {
    if gap.chars().all(char::is_whitespace) {
        Link::Join
    } else if matches!(gap, "-" | "\u{2010}" | "\u{2011}") {
        Link::Hyphen
    } else {
        Link::Break
    }
}

/// How each token stands to the one before it.
fn links(text: &str, toks: &[Token]) -> Vec<Link> {
    let mut out = Vec::with_capacity(toks.len());
    let mut prev: Option<usize> = None;
    for t in toks {
        out.push(match prev.and_then(|p| text.get(p..t.byte_start)) {
            Some(gap) => link(gap),
            None => Link::Break,
        });
        prev = Some(t.byte_end);
    }
    out
}

/// The ends (exclusive) of the token runs from `i` of at most `max_n`
/// tokens that no punctuation cuts, shortest first, each with whether a
/// candidate may end there (not inside a hyphenated word). Empty when `i`
/// is inside a hyphenated word.
fn run_ends(links: &[Link], i: usize, max_n: usize) -> impl Iterator<Item = (usize, bool)> + '_ {
    let starts = links.get(i).is_some_and(|l| *l != Link::Hyphen);
    let last = if starts {
        links.len().min(i.saturating_add(max_n))
    } else {
        i
    };
    (i + 1..=last)
        .take_while(move |&e| e == i + 1 || links.get(e - 1).is_some_and(|l| *l != Link::Break))
        .map(move |e| (e, links.get(e).is_none_or(|l| *l != Link::Hyphen)))
}

/// Counts of one candidate.
#[derive(Debug, Clone, Copy)]
struct Cand {
    target: u32,
    rest: u32,
    segments: u32,
    last_segment: usize,
    /// Other segments holding it.
    rest_segments: u32,
    last_rest: usize,
    /// Some occurrence neither starts nor ends with a function word.
    eligible: bool,
}

/// A candidate that passed the counts, with its rule.
struct Pending {
    key: Box<[u32]>,
    rule: String,
    example: String,
    cand: Cand,
    g2: f64,
}

/// The languages bit of a segment: the list its tokens hit most, ties to
/// the codebook's language, then in list order.
fn segment_skip(ids: &[u32], vocab: &Vocab, home: Option<usize>) -> u8 {
    let mut hits = [0usize; 3];
    for &id in ids {
        let f = vocab.flag(id);
        for (l, h) in hits.iter_mut().enumerate() {
            if f & (1 << l) != 0 {
                *h += 1;
            }
        }
    }
    let best = hits.iter().copied().max().unwrap_or(0);
    let lang = home
        .filter(|&h| hits.get(h) == Some(&best))
        .or_else(|| hits.iter().position(|&h| h == best))
        .unwrap_or(0);
    (1u8 << lang) | NO_LETTER
}

/// Whether `rule` parses as plain words that the coder reads as exactly
/// the tokens `key` under `opts`.
fn valid_rule(rule: &str, key: &[&str], opts: &CodebookOptions) -> bool {
    let plain = |t: &Term| matches!(t, Term::Word(_));
    match parse_pattern(rule) {
        Ok(Pattern::Term(t)) if plain(&t) => {}
        Ok(Pattern::Phrase(ts)) if ts.iter().all(plain) => {}
        _ => return false,
    }
    let norms: Vec<String> = match opts.semantics {
        Semantics::Codes => tokenize(rule, opts).into_iter().map(|t| t.norm).collect(),
        Semantics::Dictionary => {
            let mut out = Vec::new();
            for piece in rule.split_whitespace() {
                let mut toks = tokenize(piece, opts);
                if toks.len() != 1 {
                    return false;
                }
                out.extend(toks.pop().map(|t| t.norm));
            }
            out
        }
    };
    norms.len() == key.len() && norms.iter().zip(key).all(|(a, b)| a == b)
}

/// The most frequent form, ties to the smallest.
fn ranked(forms: &HashMap<String, u32>) -> Vec<&str> {
    let mut v: Vec<(&str, u32)> = forms.iter().map(|(s, &n)| (s.as_str(), n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(b.0)));
    v.into_iter().map(|(s, _)| s).collect()
}

/// `s` with each run of white space replaced by one space.
fn collapse(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Writes the rule form of the run `base[i..e]` of a segment: base forms
/// (lower case, accents kept) with the gaps of the text (one space for
/// spaces, the hyphen, nothing after an elision); words apart by one space
/// for dictionary semantics.
fn rule_form(
    text: &str,
    seg: &Seg,
    base: &[String],
    i: usize,
    e: usize,
    dictionary: bool,
) -> String {
    let mut out = String::new();
    for k in i..e {
        if k > i {
            let gap = match (seg.spans.get(k - 1), seg.spans.get(k)) {
                (Some(&(_, p1)), Some(&(q0, _))) => text.get(p1..q0).unwrap_or(" "),
                _ => " ",
            };
            if dictionary || (gap.chars().all(char::is_whitespace) && !gap.is_empty()) {
                out.push(' ');
            } else {
                out.push_str(gap);
            }
        }
        out.push_str(base.get(k).map_or("", String::as_str));
    }
    out
}

/// Suggests words and phrases for a code: those over-represented in the
/// `target` texts (the segments a reference coder coded with it) against
/// the `rest` (every other segment), by signed log-likelihood G² over
/// segment counts (the segments holding the candidate, so that one long
/// speech repeating a word does not outweigh many segments using it once),
/// keeping those in at least [`KeynessOptions::min_count`] target segments,
/// with `g2 >= min_g2` and a higher rate in the target (so
/// an empty `rest` gives none).
///
/// `covered(surface)` says whether the code's rules already match a text;
/// it is asked about each candidate's most frequent surface form, and a
/// covered candidate is skipped. A phrase is also skipped when a shorter
/// suggestion ranked before it lies inside it with at least its target
/// count. Sorted by G² (descending), then rule; at most
/// [`KeynessOptions::limit`] suggestions. Runs are counted within clauses
/// (see the module documentation) in both target and rest.
pub fn suggest(
    target: &[&str],
    rest: &[&str],
    opts: &CodebookOptions,
    covered: &dyn Fn(&str) -> bool,
    k: &KeynessOptions,
) -> Vec<Suggestion> {
    if k.max_n == 0 || k.limit == 0 {
        return Vec::new();
    }
    let fw = FunctionWords::new();
    let home_code = crate::coding::lang::canonical(&opts.lang);
    let home = LANGS.iter().position(|(code, _)| *code == home_code);
    let mut vocab = Vocab::default();

    // The target segments, and every run in them.
    let mut segs: Vec<Seg> = Vec::with_capacity(target.len());
    for text in target {
        let toks = tokenize(text, opts);
        let links = links(text, &toks);
        let ids: Vec<u32> = toks.iter().map(|t| vocab.intern(&t.norm, &fw)).collect();
        let spans = toks.iter().map(|t| (t.byte_start, t.byte_end)).collect();
        let skip = segment_skip(&ids, &vocab, home);
        segs.push(Seg {
            ids,
            spans,
            links,
            skip,
        });
    }
    let mut grams: HashMap<Box<[u32]>, Cand> = HashMap::new();
    for (s, seg) in segs.iter().enumerate() {
        let stop = |k: usize| {
            seg.ids
                .get(k)
                .is_none_or(|&id| vocab.flag(id) & seg.skip != 0)
        };
        for i in 0..seg.ids.len() {
            for (e, ends) in run_ends(&seg.links, i, k.max_n) {
                let Some(key) = seg.ids.get(i..e).filter(|_| ends) else {
                    continue;
                };
                let ok = !stop(i) && !stop(e - 1);
                let bump = |c: &mut Cand| {
                    c.target = c.target.saturating_add(1);
                    if c.last_segment != s {
                        c.last_segment = s;
                        c.segments = c.segments.saturating_add(1);
                    }
                    c.eligible |= ok;
                };
                if let Some(c) = grams.get_mut(key) {
                    bump(c);
                } else {
                    let mut c = Cand {
                        target: 0,
                        rest: 0,
                        segments: 0,
                        last_segment: usize::MAX,
                        rest_segments: 0,
                        last_rest: usize::MAX,
                        eligible: false,
                    };
                    bump(&mut c);
                    grams.insert(key.into(), c);
                }
            }
        }
    }
    grams.retain(|_, c| c.eligible && c.segments >= k.min_count);

    // The same runs in the rest: tokens the target never has end them.
    for (r, text) in rest.iter().enumerate() {
        let toks = tokenize(text, opts);
        if grams.is_empty() {
            continue;
        }
        let links = links(text, &toks);
        let ids: Vec<Option<u32>> = toks
            .iter()
            .map(|t| vocab.ids.get(&t.norm).copied())
            .collect();
        let mut key: Vec<u32> = Vec::with_capacity(k.max_n);
        for i in 0..ids.len() {
            key.clear();
            for (e, ends) in run_ends(&links, i, k.max_n) {
                let Some(&Some(id)) = ids.get(e - 1) else {
                    break;
                };
                key.push(id);
                if !ends {
                    continue;
                }
                if let Some(c) = grams.get_mut(key.as_slice()) {
                    c.rest = c.rest.saturating_add(1);
                    if c.last_rest != r {
                        c.last_rest = r;
                        c.rest_segments = c.rest_segments.saturating_add(1);
                    }
                }
            }
        }
    }

    // Over-represented and significant.
    let mut kept: Vec<(Box<[u32]>, Cand, f64)> = grams
        .into_iter()
        .filter_map(|(key, c)| {
            // Segments, not occurrences: one long speech repeating a word
            // must not outweigh many segments that use it once.
            let (a, b) = (u64::from(c.segments), u64::from(c.rest_segments));
            let (n1, n2) = (target.len() as u64, rest.len() as u64);
            let over = u128::from(a) * u128::from(n2) > u128::from(b) * u128::from(n1);
            let g2 = log_likelihood(a, n1, b, n2);
            (over && g2 >= k.min_g2).then_some((key, c, g2))
        })
        .collect();
    kept.sort_by(|x, y| x.0.cmp(&y.0));
    let index: HashMap<&[u32], usize> = kept.iter().enumerate().map(|(i, x)| (&*x.0, i)).collect();

    // Their spellings: surface forms and rule forms.
    let mut surfaces: Vec<HashMap<String, u32>> = vec![HashMap::new(); kept.len()];
    let mut bases: Vec<HashMap<String, u32>> = vec![HashMap::new(); kept.len()];
    let dictionary = opts.semantics == Semantics::Dictionary;
    let base_opts = CodebookOptions {
        fold_accents: false,
        ..opts.clone()
    };
    for (text, seg) in target.iter().zip(&segs) {
        if index.is_empty() {
            break;
        }
        let base: Vec<String> = if opts.fold_accents && !dictionary {
            let toks = tokenize(text, &base_opts);
            let same = toks.len() == seg.spans.len()
                && toks
                    .iter()
                    .zip(&seg.spans)
                    .all(|(t, s)| (t.byte_start, t.byte_end) == *s);
            if same {
                toks.into_iter().map(|t| t.norm).collect()
            } else {
                seg.ids
                    .iter()
                    .map(|&id| vocab.names.get(id as usize).cloned().unwrap_or_default())
                    .collect()
            }
        } else {
            seg.ids
                .iter()
                .map(|&id| vocab.names.get(id as usize).cloned().unwrap_or_default())
                .collect()
        };
        for i in 0..seg.ids.len() {
            for (e, ends) in run_ends(&seg.links, i, k.max_n) {
                let Some(&x) = seg
                    .ids
                    .get(i..e)
                    .filter(|_| ends)
                    .and_then(|key| index.get(key))
                else {
                    continue;
                };
                let (Some(&(b0, _)), Some(&(_, b1))) = (seg.spans.get(i), seg.spans.get(e - 1))
                else {
                    continue;
                };
                if let (Some(surface), Some(map)) = (text.get(b0..b1), surfaces.get_mut(x)) {
                    *map.entry(collapse(surface)).or_insert(0) += 1;
                }
                if let Some(map) = bases.get_mut(x) {
                    *map.entry(rule_form(text, seg, &base, i, e, dictionary))
                        .or_insert(0) += 1;
                }
            }
        }
    }

    // Rules, ranking, coverage and containment.
    let mut pending: Vec<Pending> = Vec::with_capacity(kept.len());
    for (((key, cand, g2), surface), base) in kept.into_iter().zip(&surfaces).zip(&bases) {
        let norms: Vec<&str> = key
            .iter()
            .map(|&id| vocab.names.get(id as usize).map_or("", String::as_str))
            .collect();
        let fallback = norms.iter().fold(String::new(), |mut acc, w| {
            if !acc.is_empty() && (dictionary || !acc.ends_with('\'')) {
                acc.push(' ');
            }
            acc.push_str(w);
            acc
        });
        let mut choices = ranked(base);
        choices.push(&fallback);
        let Some(rule) = choices.into_iter().find(|r| valid_rule(r, &norms, opts)) else {
            continue;
        };
        let example = ranked(surface)
            .first()
            .map_or_else(|| rule.to_owned(), |s| (*s).to_owned());
        pending.push(Pending {
            rule: rule.to_owned(),
            example,
            key,
            cand,
            g2,
        });
    }
    pending.sort_by(|a, b| b.g2.total_cmp(&a.g2).then_with(|| a.rule.cmp(&b.rule)));
    let mut chosen: Vec<Pending> = Vec::new();
    for p in pending {
        if chosen.len() >= k.limit {
            break;
        }
        let inside = chosen.iter().any(|q| {
            q.key.len() < p.key.len()
                && q.cand.target >= p.cand.target
                && p.key.windows(q.key.len()).any(|w| *w == *q.key)
        });
        if inside || covered(&p.example) {
            continue;
        }
        chosen.push(p);
    }
    chosen
        .into_iter()
        .map(|p| Suggestion {
            rule: p.rule,
            example: p.example,
            target: p.cand.target,
            rest: p.cand.rest,
            target_segments: p.cand.segments,
            g2: p.g2,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::codebook::{Code, Codebook, Origin, Rule};
    use crate::coding::Coder;

    /// A coder with one code `c` whose rules are `rules`.
    fn coder(rules: &[&str], options: &CodebookOptions) -> Coder {
        let book = Codebook {
            name: "t".into(),
            options: options.clone(),
            codes: vec![Code {
                id: "c".into(),
                label: "c".into(),
                rules: rules
                    .iter()
                    .map(|r| Rule {
                        pattern: parse_pattern(r).unwrap(),
                        lang: None,
                        exclude: false,
                        text: (*r).to_owned(),
                        origin: Origin::default(),
                    })
                    .collect(),
                ..Code::default()
            }],
        };
        Coder::compile(&book).unwrap()
    }

    fn none(_: &str) -> bool {
        false
    }

    fn rules(s: &[Suggestion]) -> Vec<&str> {
        s.iter().map(|x| x.rule.as_str()).collect()
    }

    /// Loose options for small corpora.
    fn loose() -> KeynessOptions {
        KeynessOptions {
            min_count: 2,
            min_g2: 3.84,
            ..KeynessOptions::default()
        }
    }

    const TARGET: &[&str] = &[
        "Le tarif réduit est trop élevé pour nous.",
        "Un tarif réduit pour les étudiants, ce serait bien.",
        "Le Tarif réduit n'existe pas le week-end.",
        "On paie le tarif plein, le tarif réduit est réservé.",
        "Je trouve le tarif correct, mais l'espace de travail est petit.",
    ];

    const REST: &[&str] = &[
        "Nous aimons la communauté et les rencontres du matin.",
        "Le café est bon et la communauté est accueillante.",
        "Je viens en vélo, le trajet est court.",
        "Les rencontres du jeudi créent du lien entre les membres.",
        "Le bus arrive devant la porte, c'est pratique.",
        "Il y a du bruit dans la grande salle le matin.",
        "L'espace est lumineux et le travail avance bien.",
        "Le travail en équipe me plaît, l'espace aussi.",
        "Les horaires d'ouverture sont larges.",
        "Le badge permet d'entrer le soir.",
    ];

    #[test]
    fn g2_matches_a_hand_computation() {
        // a = 10 of n1 = 1000, b = 5 of n2 = 10000; N = 11000, row 15.
        // E = 1000·15/11000 = 1.363636, 10000·15/11000 = 13.636364,
        //     1000·10985/11000 = 998.636364, 10000·10985/11000 = 9986.363636
        // G² = 2·(10·ln(10/1.363636) + 5·ln(5/13.636364)
        //        + 990·ln(990/998.636364) + 9995·ln(9995/9986.363636))
        //    = 29.897953782686
        let g = log_likelihood(10, 1000, 5, 10000);
        assert!((g - 29.897_953_782_686).abs() < 1e-9, "{g}");
        assert!((log_likelihood(5, 10000, 10, 1000) + g).abs() < 1e-9);
        assert_eq!(log_likelihood(0, 0, 0, 0), 0.0);
        assert_eq!(log_likelihood(3, 100, 0, 0), 0.0);
        assert!(log_likelihood(1, 100, 1, 100).abs() < 1e-12);
    }

    #[test]
    fn a_clear_term_surfaces_first() {
        let o = CodebookOptions::default();
        let s = suggest(TARGET, REST, &o, &none, &loose());
        let first = &s[0];
        assert_eq!(first.rule, "tarif");
        assert_eq!((first.target, first.rest, first.target_segments), (6, 0, 5));
        assert_eq!(first.example, "tarif");
        assert!(first.g2 > 10.83, "{}", first.g2);
        assert!(rules(&s).contains(&"réduit"), "{:?}", rules(&s));
    }

    #[test]
    fn function_words_never_start_or_end_a_suggestion() {
        let o = CodebookOptions::default();
        let target = [
            "de la de la de la tarif de la",
            "de la le la les tarif de la",
            "de la de la du de la tarif",
            "the of the of the and of",
        ];
        let k = KeynessOptions {
            min_count: 1,
            min_g2: 0.0,
            ..KeynessOptions::default()
        };
        let s = suggest(&target, REST, &o, &none, &k);
        assert_eq!(rules(&s), ["tarif"]);
    }

    #[test]
    fn car_is_a_word_in_english_and_a_conjunction_in_french() {
        let o = CodebookOptions::default();
        let k = KeynessOptions {
            min_count: 1,
            min_g2: 0.0,
            ..KeynessOptions::default()
        };
        let fr = ["Je viens tôt car le parking est plein."];
        assert!(!rules(&suggest(&fr, REST, &o, &none, &k)).contains(&"car"));
        let en = ["I come by car because the car park is full."];
        assert!(rules(&suggest(&en, REST, &o, &none, &k)).contains(&"car"));
    }

    #[test]
    fn covered_candidates_are_skipped() {
        let o = CodebookOptions::default();
        let c = coder(&["tarif*"], &o);
        let covered = |t: &str| !c.code_segment(t, "fr").is_empty();
        let s = suggest(TARGET, REST, &o, &covered, &loose());
        assert!(!s.is_empty());
        assert!(
            s.iter().all(|x| !x.rule.contains("tarif")),
            "{:?}",
            rules(&s)
        );
        assert!(rules(&s).contains(&"réduit"));
    }

    #[test]
    fn a_phrase_holding_a_suggested_word_is_pruned() {
        let o = CodebookOptions::default();
        let s = suggest(TARGET, REST, &o, &none, &loose());
        let r = rules(&s);
        assert!(r.contains(&"tarif") && r.contains(&"réduit"), "{r:?}");
        assert!(!r.contains(&"tarif réduit"), "{r:?}");
        // once `tarif` is covered, the phrase still holds `réduit`
        let only_phrase = KeynessOptions {
            max_n: 2,
            ..loose()
        };
        let covered = |t: &str| t.eq_ignore_ascii_case("tarif");
        let s = suggest(TARGET, REST, &o, &covered, &only_phrase);
        assert!(!rules(&s).contains(&"tarif réduit"), "{:?}", rules(&s));
    }

    #[test]
    fn a_phrase_may_hold_a_function_word_inside() {
        let o = CodebookOptions::default();
        let target = [
            "Un espace de travail calme.",
            "L'espace de travail est grand.",
            "Notre espace  de travail ferme tard.",
        ];
        let rest = ["Espace clair, travail clair."; 10];
        let s = suggest(&target, &rest, &o, &none, &loose());
        let phrase = s.iter().find(|x| x.rule == "espace de travail");
        let phrase = phrase.unwrap_or_else(|| panic!("{:?}", rules(&s)));
        assert_eq!((phrase.target, phrase.rest), (3, 0));
        assert_eq!(phrase.example, "espace de travail");
        // `espace` and `travail` alone are more frequent in the rest
        assert!(!rules(&s).contains(&"espace"));
    }

    #[test]
    fn rules_match_their_examples_with_folding_and_elision() {
        let o = CodebookOptions::default();
        let target = [
            "Le coût, le manque d’espace.",
            "Le COÛT et le manque d'espace.",
            "Un cout, un manque d'espace, le co-working.",
            "Le co-working et le coût.",
            "Le co-working, le manque d'espace.",
        ];
        let s = suggest(&target, REST, &o, &none, &loose());
        let r = rules(&s);
        assert!(r.contains(&"coût"), "{r:?}");
        assert!(
            r.contains(&"manque d'espace") || r.contains(&"manque"),
            "{r:?}"
        );
        // a hyphenated word is one unit
        assert!(r.contains(&"co-working"), "{r:?}");
        assert!(!r.contains(&"co") && !r.contains(&"working"), "{r:?}");
        for x in &s {
            let c = coder(&[&x.rule], &o);
            assert!(!c.code_segment(&x.example, "fr").is_empty(), "{x:?}");
        }
        let coût = s.iter().find(|x| x.rule == "coût").unwrap();
        assert_eq!(coût.target, 4);
        // without folding, spellings are candidates apart
        let strict = CodebookOptions {
            fold_accents: false,
            ..CodebookOptions::default()
        };
        let s = suggest(&target, REST, &strict, &none, &loose());
        assert_eq!(
            s.iter().find(|x| x.rule == "coût").map(|x| x.target),
            Some(3)
        );
    }

    #[test]
    fn elided_phrases_are_written_as_the_coder_reads_them() {
        let o = CodebookOptions::default();
        let target = [
            "Le manque d’espace me pèse.",
            "Le manque d'espace, encore.",
            "Manque d'espace toujours.",
        ];
        let rest = [
            "Le manque de sommeil.",
            "Un manque de temps.",
            "L'espace est grand.",
            "L'espace est vide.",
        ];
        let k = KeynessOptions {
            min_count: 2,
            min_g2: 0.0,
            ..KeynessOptions::default()
        };
        let s = suggest(&target, &rest, &o, &none, &k);
        let x = s.iter().find(|x| x.rule == "manque d'espace");
        let x = x.unwrap_or_else(|| panic!("{:?}", rules(&s)));
        assert_eq!(x.target, 3);
        let c = coder(&[&x.rule], &o);
        assert!(!c.code_segment("un MANQUE D’ESPACE", "fr").is_empty());
    }

    #[test]
    fn dictionary_rules_are_words_apart() {
        let o = CodebookOptions {
            semantics: Semantics::Dictionary,
            ..CodebookOptions::default()
        };
        let target = ["le co-working", "du co-working", "un co-working"];
        let k = KeynessOptions {
            min_count: 2,
            min_g2: 0.0,
            ..KeynessOptions::default()
        };
        let s = suggest(&target, REST, &o, &none, &k);
        for x in &s {
            assert!(
                valid_rule(&x.rule, &x.rule.split(' ').collect::<Vec<_>>(), &o),
                "{x:?}"
            );
        }
        assert_eq!(rules(&s), ["co working"]);
        let c = coder(&["co working"], &o);
        assert_eq!(c.counts("un co-working", "fr"), [1]);
    }

    #[test]
    fn output_is_deterministic_whatever_the_input_order() {
        let o = CodebookOptions::default();
        let a = suggest(TARGET, REST, &o, &none, &loose());
        let t: Vec<&str> = TARGET.iter().rev().copied().collect();
        let r: Vec<&str> = REST.iter().rev().copied().collect();
        for _ in 0..5 {
            assert_eq!(suggest(&t, &r, &o, &none, &loose()), a);
        }
        for w in a.windows(2) {
            assert!(w[0].g2 > w[1].g2 || (w[0].g2 == w[1].g2 && w[0].rule < w[1].rule));
        }
    }

    #[test]
    fn empty_inputs_give_nothing() {
        let o = CodebookOptions::default();
        let k = KeynessOptions::default();
        assert!(suggest(&[], &[], &o, &none, &k).is_empty());
        assert!(suggest(&["", "…!?"], &[""], &o, &none, &k).is_empty());
        assert!(suggest(&[], REST, &o, &none, &k).is_empty());
        let lax = KeynessOptions {
            min_count: 0,
            min_g2: f64::NEG_INFINITY,
            ..k.clone()
        };
        // no rest, no rate to exceed
        assert!(suggest(&["tarif tarif"], &[], &o, &none, &lax).is_empty());
        let s = suggest(&["tarif tarif"], &["loyer"], &o, &none, &lax);
        assert_eq!(rules(&s), ["tarif"]);
        let zero = KeynessOptions { max_n: 0, ..lax };
        assert!(suggest(TARGET, REST, &o, &none, &zero).is_empty());
    }
}
