//! Recommendations merged across groups: the recommendations that say the
//! same thing (same codes, similar stemmed wording) become one, with its
//! supporting groups, votes, priority, evidence and actionability, ranked
//! for the board.
//!
//! # Similarity
//!
//! Every segment of kind `recommendation` is an item. Its **body** is its
//! text without a leading theme label (`Fiscalité : …`, a code label); an
//! item that proposes nothing (a pointer such as "voir compte rendu", a
//! bare heading, a placeholder, an item too short to act on, or a study
//! pattern of `[synthesis] non_proposals`) is set aside, with its reason,
//! in the non-proposals table. The others have:
//!
//! - its **stems**: the coder's tokens, stop words removed (French,
//!   English and Dutch lists, by the segment's `lang`, with the words every
//!   proposal uses: `proposer`, `demander`, `mettre en place`), French
//!   plurals reduced, the Snowball stem of the segment's language, accents
//!   folded; a word within three tokens after a negator (`ne … pas`,
//!   `sans`, `not`) is a different stem, so that a proposal and its
//!   negation differ. With a glossary (`[synthesis] glossary`: a codebook
//!   with one code per concept and its terms per language), the words of a
//!   term are its **concept** instead, the same in every language;
//! - its **codes**, as applied by the coder (leaf level: parents are not
//!   added, since a shared parent would make every pair of siblings look
//!   alike): the codebook is the interlingua;
//! - its **stance** (for, against, neutral: see [`stance`]) and its
//!   **label** (the words before a `:`, `RIC législatif : …`).
//!
//! The similarity of two items is the cosine of their vectors, where each
//! stem weighs its inverse document frequency among the study's items,
//! `idf = ln((1 + N) / (1 + df)) + 1`, and each code its own idf times
//! `merge_code_weight` (default 2: a shared code is worth two shared words
//! of the same rarity, a common theme little, a rare one much). A phrase
//! both share (stems adjacent in both texts: `services publics`,
//! `horaires d'ouverture`) counts as one word, weighed as its rarest stem,
//! since one shared phrase is one shared idea. Items that share two
//! concepts or more are at least half the cosine of their concept vectors
//! (concepts and codes, the other words left out): the same meaning in
//! other words. Two items without a shared stem or concept are 0, however
//! alike their codes: the same theme is not the same proposal (a crèche
//! partnership and a children's corner are both childcare). Items of
//! opposite stances are never similar, nor items whose labels differ.
//! Two items are similar when the similarity reaches `merge_threshold`
//! (default 0.4).
//!
//! # Blocking
//!
//! Pairs are not all compared. A pair is compared when both blocking sets
//! share a stem; an item's blocking set holds its stems used by at most
//! 400 items and its 2 rarest stems whatever their frequency. Compared
//! pairs grow about linearly with the number of items.
//!
//! # Clustering
//!
//! Average linkage over the compared pairs: the two clusters with the
//! highest mean similarity over all their member pairs merge, while that
//! mean reaches the threshold; pairs not compared, or below 90% of the
//! threshold, count as 0. A recommendation similar to one member only does
//! not join (no chaining). Ties go to the earliest recommendations in the
//! segments table. Two recommendations of one group may merge (a group may
//! state one idea twice); support counts distinct groups.
//!
//! # The merged recommendation
//!
//! Its wording is the consultant's (curation), or else the member closest
//! to the others among those written in the language most items are
//! written in (highest summed similarity to them; ties to the most votes,
//! then the first in the segments table). Its codes are its members' codes. Its evidence is, in
//! each supporting group, the coded segments other than recommendations
//! that carry one of its codes or a descendant, and the best 3 quotes for
//! those codes. It is actionable when some member names an owner, a
//! measurable target and a deadline, in the `owner`, `indicator` and
//! `deadline` columns or in its wording (an owner: a body or role after a
//! determiner, `le conseil d'administration`, `l'équipe`, `the board`, or
//! `CA`, `État`; a target: a number or a percentage that is not a date; a
//! deadline: a year 20xx, a date, `d'ici six mois`).
//!
//! # Ranking
//!
//! The board table ranks merged recommendations by supporting groups
//! (most first), then evidence segments (most first), then total votes
//! (most first, none last), then the position of their first member in the
//! segments table. `rec_id` numbers them in that order: `R001`, `R002`…
//! Non-proposals are not ranked and support nothing.
//!
//! # Curation
//!
//! Members have stable ids, `{source_id}:{8 hex digits of the SHA-256 of
//! the text}`, the same on every run while the text is. A curation file
//! ([`Curation`]) gives members a cluster of the consultant's: members of
//! one curated cluster are merged whatever their similarity, members of two
//! never are, and the others join or leave them by the usual rule; it may
//! reword a cluster and say whether a member is a proposal. A merged
//! recommendation the file changed is marked `curated`.

mod action;
mod cluster;
pub mod curation;
mod evidence;
mod proposal;
mod similarity;
pub mod stance;
#[cfg(test)]
mod tests;
#[cfg(test)]
mod trust_tests;
pub(crate) mod wording;

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};

use polars::prelude::*;

use self::action::{is_blank, names_deadline, names_owner, names_target, priority_level};
pub use self::curation::{Curation, CurationError};
use self::evidence::{Coded, QUOTES_PER_GROUP, Quotes};
use self::proposal::{Classifier, Reason};
pub use self::similarity::NEIGHBOURS;
use self::similarity::{Item, Space, SpaceBuilder};
use self::stance::Stance;
use self::wording::Vocabulary;
use super::Input;
use super::groups::Groups;
use super::quotes::QuoteRow;
use super::tree::CodeTree;
use crate::rows::{Table, strs};

/// Pairs less similar than this share of the threshold are not kept for
/// the clustering (they count as 0 in the cluster means).
const EDGE_FLOOR: f64 = 0.9;

crate::rows! {
    /// One group's votes for a merged recommendation.
    #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
    pub struct GroupVotes {
        /// The group.
        pub group: String,
        /// The votes of its members.
        pub votes: i64,
    }
}

crate::rows! {
    /// The evidence a supporting group gives a merged recommendation.
    #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
    pub struct GroupEvidence {
        /// The group.
        pub group: String,
        /// Its coded segments (other than recommendations) sharing one of the recommendation's codes.
        pub segments: u32,
    }
}

crate::rows! {
    /// One merged recommendation, ranked for the board.
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
    pub struct RecommendationRow {
        /// Rank on the board, from 1.
        pub rank: u32,
        /// "R001", "R002"… in rank order.
        pub rec_id: String,
        /// The representative wording: the member closest to the others, or the consultant's.
        pub wording: String,
        /// The supporting groups, sorted.
        pub groups: Vec<String>,
        /// Distinct supporting groups (k).
        pub support: u32,
        /// Groups in the study (n).
        pub groups_total: u32,
        /// Votes of all members; empty when no member has votes.
        pub votes_total: Option<i64>,
        /// Votes per group, for the groups with votes.
        pub votes_by_group: Vec<GroupVotes>,
        /// The highest priority among members, as written.
        pub priority: Option<String>,
        /// That priority on one scale: 3 high (haute, high, hoog), 2 medium, 1 low; empty when not recognised.
        pub priority_level: Option<u32>,
        /// The direction of its representative wording: for, against or neutral.
        pub stance: String,
        /// The members' codes, in codebook order.
        pub codes: Vec<String>,
        /// Coded segments behind it in the supporting groups.
        pub evidence_segments: u32,
        /// Evidence segments per supporting group.
        pub evidence_by_group: Vec<GroupEvidence>,
        /// Some member names an owner.
        pub has_owner: bool,
        /// Some member names a measurable target.
        pub has_target: bool,
        /// Some member names a deadline.
        pub has_deadline: bool,
        /// Owner, target and deadline are all named.
        pub actionable: bool,
        /// Original recommendations merged into it.
        pub members: u32,
        /// The curation file changed it: its members, its wording, or a member's proposal status differ from the automatic merge.
        pub curated: bool,
    }
}

crate::rows! {
    /// One original recommendation and the merged one it belongs to.
    #[derive(Debug, Clone, Default, PartialEq, serde::Serialize)]
    pub struct MemberRow {
        /// The merged recommendation.
        pub rec_id: String,
        /// The original recommendation's stable id: its source and a digest of its text (the key of the curation file).
        pub member_id: String,
        /// The original recommendation's segment.
        pub segment_id: String,
        /// Its group.
        pub group: String,
        /// Its wording as written.
        pub text: String,
        /// Its direction: for, against or neutral.
        pub stance: String,
        /// Its votes.
        pub votes: Option<i64>,
        /// Its priority, as written.
        pub priority: Option<String>,
        /// Its owner.
        pub owner: Option<String>,
        /// Its deadline.
        pub deadline: Option<String>,
        /// Its indicator.
        pub indicator: Option<String>,
        /// Similarity to the representative wording, 0 to 1 (1 for the representative).
        pub similarity_to_wording: f64,
    }
}

crate::rows! {
    /// One of the best quotes behind a merged recommendation.
    #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
    pub struct EvidenceRow {
        /// The merged recommendation.
        pub rec_id: String,
        /// The supporting group the quote comes from.
        pub group: String,
        /// The quoted segment.
        pub segment_id: String,
        /// Rank within the group, from 1.
        pub rank: u32,
    }
}

crate::rows! {
    /// An item of a recommendations column that proposes nothing: counted, never merged or ranked.
    #[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
    pub struct NonProposalRow {
        /// Its stable id (as in the members table).
        pub member_id: String,
        /// Its segment.
        pub segment_id: String,
        /// Its group.
        pub group: String,
        /// Its text.
        pub text: String,
        /// Why: pointer, heading, placeholder, too short, pattern (the study's), or curated (the consultant's).
        pub reason: String,
    }
}

/// The merged recommendations of a study.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Merged {
    /// One row per merged recommendation, in rank order.
    pub recommendations: Vec<RecommendationRow>,
    /// One row per original recommendation: by rank, then similarity
    /// (highest first), then segments-table order.
    pub members: Table<MemberRow>,
    /// The best quotes behind each merged recommendation: by rank of the
    /// recommendation, then group, then quote rank.
    pub evidence: Table<EvidenceRow>,
    /// The items set aside as non-proposals, in segments-table order.
    pub non_proposals: Vec<NonProposalRow>,
}

/// One recommendation segment.
#[derive(Debug, Clone)]
struct Rec<'a> {
    segment_id: &'a str,
    member_id: &'a str,
    group: &'a str,
    text: &'a str,
    votes: Option<i64>,
    /// Its action fields, when one says something (most recommendations
    /// have none: four fields each were 0.3 GB at 4.5 M of them).
    action: Option<Box<Action<'a>>>,
    stance: Stance,
    /// Written in the language most recommendations are written in: its
    /// wording is preferred as the representative.
    main_lang: bool,
}

/// The action fields of a recommendation, blank ones as `None`.
#[derive(Debug, Clone, PartialEq)]
struct Action<'a> {
    priority: Option<&'a str>,
    owner: Option<&'a str>,
    deadline: Option<&'a str>,
    indicator: Option<&'a str>,
}

impl Action<'_> {
    /// No field says anything.
    const NONE: Action<'static> = Action {
        priority: None,
        owner: None,
        deadline: None,
        indicator: None,
    };
}

impl<'a> Rec<'a> {
    fn action(&self) -> &Action<'a> {
        self.action.as_deref().unwrap_or(&Action::NONE)
    }
}

/// One merged recommendation before ranking.
#[derive(Debug, Clone)]
struct Cluster {
    /// Item indices (into the proposals), in segments-table order.
    members: Vec<usize>,
    /// The member whose wording is kept.
    wording: usize,
    /// The members as the members table lists them, with their rounded
    /// similarity to the wording: the wording first (1), then by
    /// similarity, highest first, then segments-table order.
    ranked: Vec<(usize, f64)>,
    /// The consultant's wording, when set.
    curated_wording: Option<String>,
    curated: bool,
    /// Supporting groups, sorted.
    groups: Vec<String>,
    votes_total: Option<i64>,
    votes_by_group: Vec<GroupVotes>,
    priority: Option<String>,
    priority_level: Option<u32>,
    /// Code indices, codebook order.
    codes: Vec<u32>,
    evidence_segments: u32,
    evidence_by_group: Vec<GroupEvidence>,
    has_owner: bool,
    has_target: bool,
    has_deadline: bool,
}

/// A cell that says something (see [`is_blank`]).
fn cell(c: Option<&str>) -> Option<&str> {
    c.filter(|s| !is_blank(Some(s)))
}

/// The stable id of each recommendation, from its source and text:
/// `{source_id}:{digest}`, the digest being the first 8 hex digits of the
/// SHA-256 of its text, with `-2`, `-3`… for the same text again in one
/// source. It does not depend on the row order, so a curation file survives
/// rows added or moved in a source; an edited text is a new member.
pub fn member_ids(sources: &[&str], texts: &[&str]) -> Vec<String> {
    use rayon::prelude::*;
    use sha2::{Digest, Sha256};
    use std::fmt::Write;
    let mut ids: Vec<String> = sources
        .par_iter()
        .zip(texts.par_iter())
        .map(|(source, text)| {
            let digest = Sha256::digest(text.trim().as_bytes());
            let mut id = String::with_capacity(source.len() + 9);
            id.push_str(source);
            id.push(':');
            for b in &digest[..4] {
                let _ = write!(id, "{b:02x}");
            }
            id
        })
        .collect();
    // The same id again: `-2`, `-3`… in order.
    let repeats: Vec<(usize, u32)> = {
        let mut seen: HashMap<&str, u32> = HashMap::with_capacity(ids.len());
        ids.iter()
            .enumerate()
            .filter_map(|(i, id)| {
                let n = seen.entry(id.as_str()).or_insert(0);
                *n += 1;
                (*n > 1).then_some((i, *n))
            })
            .collect()
    };
    for (i, n) in repeats {
        let _ = write!(ids[i], "-{n}");
    }
    ids
}

/// The values of `col` at `rows` (nulls as "").
fn pick<'a>(col: &[Option<&'a str>], rows: &[usize]) -> Vec<&'a str> {
    rows.iter().map(|&i| col[i].unwrap_or_default()).collect()
}

/// The member id of each recommendation of a segments frame, with its
/// segment id.
pub fn recommendation_ids(segments: &DataFrame) -> PolarsResult<Vec<(String, String)>> {
    if segments.height() == 0 {
        return Ok(Vec::new());
    }
    let (ids, sources, kinds, texts) = (
        strs(segments, "segment_id")?,
        strs(segments, "source_id")?,
        strs(segments, "kind")?,
        strs(segments, "text")?,
    );
    let rows: Vec<usize> = (0..ids.len())
        .filter(|&i| kinds[i] == Some("recommendation"))
        .collect();
    let member = member_ids(&pick(&sources, &rows), &pick(&texts, &rows));
    Ok(pick(&ids, &rows)
        .into_iter()
        .map(str::to_owned)
        .zip(member)
        .collect())
}

/// The content stems of each code label, in every language of the items:
/// all labels (for the theme labels that open an item, `Fiscalité :`), and
/// those of top-level codes (for items that are only a theme name).
fn label_stems(
    tree: &CodeTree,
    langs: &BTreeSet<&str>,
    vocabulary: &mut Vocabulary,
) -> (Vec<HashSet<u32>>, Vec<HashSet<u32>>) {
    let (mut all, mut top) = (Vec::new(), Vec::new());
    for (i, label) in tree.labels.iter().enumerate() {
        for lang in langs {
            let stems: HashSet<u32> = vocabulary.sequence(label, lang).into_iter().collect();
            if stems.is_empty() {
                continue;
            }
            if tree.parents[i].is_none() {
                top.push(stems.clone());
            }
            all.push(stems);
        }
    }
    (all, top)
}

/// The label of an item's body: the words before its first `:` when they
/// are few (at most 8 words, 80 characters), as `RIC législatif`.
fn label(body: &str) -> Option<&str> {
    let (head, rest) = body.split_once(':')?;
    (!rest.trim().is_empty() && head.chars().count() <= 80 && head.split_whitespace().count() <= 8)
        .then_some(head)
}

/// The body of an item: its text without a leading theme label (`Fiscalité
/// : Baisser la TVA`, `DÉMOCRATIE et CITOYENNETÉ: DÉVELOPPER…`), a label
/// whose content words are all words of one code label. Other labels
/// (`RIC législatif : …`) stay: they say what the item is about.
fn body<'t>(text: &'t str, lang: &str, labels: &[HashSet<u32>], v: &mut Vocabulary) -> &'t str {
    let Some((head, rest)) = text.split_once(':') else {
        return text;
    };
    let rest = rest.trim_start();
    if head.chars().count() > 80 || rest.is_empty() {
        return text;
    }
    let stems: HashSet<u32> = v.sequence(head, lang).into_iter().collect();
    if !stems.is_empty() && labels.iter().any(|l| stems.is_subset(l)) {
        rest
    } else {
        text
    }
}

/// Merges the recommendations of `input` across groups (see the module
/// documentation for the method), with evidence quotes picked from
/// `quotes`. The curation of the input, if any, must have been checked
/// against the members ([`Curation::check`]).
pub fn merge(input: &Input, quotes: &[QuoteRow]) -> PolarsResult<Merged> {
    merge_prepared(input, quotes, Prepared::of(input)?)
}

/// The segment columns the merge reads of the recommendations.
const MERGE_COLUMNS: [&str; 10] = [
    "segment_id",
    "source_id",
    "group",
    "lang",
    "text",
    "votes",
    "priority",
    "owner",
    "deadline",
    "indicator",
];

/// What the merge reads of a study's segments and codings, taken while
/// they are whole: the recommendations' rows alone, each one's codes, the
/// groups and the evidence. A caller can then free the segments and the
/// codings before the merge (at 2,000,000 contributions, 8.6 M segments
/// of which 4.5 M are recommendations, and 12.4 M codings).
pub struct Prepared {
    /// The rows of kind `recommendation`, in segments-table order, with
    /// the columns the merge reads ([`MERGE_COLUMNS`]); their strings in
    /// buffers of their own, not views of the segments' buffers.
    recs: DataFrame,
    /// The codes of each of those rows.
    codes: SegmentCodes,
    /// The groups of the whole study, with their sizes.
    groups: Groups,
    /// The coded segments other than recommendations, by group: the
    /// evidence.
    coded: Coded,
}

impl Prepared {
    /// Reads the segments and codings of `input`.
    pub fn of(input: &Input) -> PolarsResult<Self> {
        let tree = CodeTree::from_frame(input.codes)?;
        let seg_codes = segment_codes(input, &tree)?;
        let groups = Groups::of(input)?;
        let segs = input.segments;
        if segs.height() == 0 {
            return Ok(Prepared {
                recs: DataFrame::default(),
                codes: SegmentCodes::default(),
                groups,
                coded: Coded::new(&tree, std::iter::empty()),
            });
        }
        let kinds = strs(segs, "kind")?;
        let is_rec = |row: usize| kinds[row] == Some("recommendation");
        let coded = {
            let group_col = strs(segs, "group")?;
            Coded::new(
                &tree,
                seg_codes.iter().filter_map(|(row, codes)| {
                    if is_rec(row) {
                        return None;
                    }
                    let g = groups.get(group_col[row]?)?;
                    Some((row as u32, g as u32, codes))
                }),
            )
        };
        let keep: Vec<bool> = (0..kinds.len()).map(is_rec).collect();
        let rows: Vec<IdxSize> = (0..keep.len())
            .filter(|&row| keep[row])
            .map(|row| row as IdxSize)
            .collect();
        let codes = seg_codes.of_rows(&rows);
        drop(seg_codes);
        let recs = if rows.is_empty() {
            DataFrame::default()
        } else {
            rows_of(segs, &keep, rows.len())?
        };
        Ok(Prepared {
            recs,
            codes,
            groups,
            coded,
        })
    }
}

/// The rows of `segs` that `keep` marks (`n` of them), in the columns the
/// merge reads ([`MERGE_COLUMNS`]): their strings copied into buffers of
/// their own (rows taken from a frame would point into its buffers and
/// keep them alive); a column without a value is one null.
fn rows_of(segs: &DataFrame, keep: &[bool], n: usize) -> PolarsResult<DataFrame> {
    let mask = || keep.iter().copied();
    let columns = MERGE_COLUMNS
        .iter()
        .map(|&name| -> PolarsResult<Column> {
            let c = segs.column(name)?;
            if c.dtype() != &DataType::String {
                let mask: BooleanChunked = mask().collect();
                return c.filter(&mask);
            }
            let values = c.str()?;
            if mask().zip(values.iter()).all(|(k, v)| !k || v.is_none()) {
                return Ok(Column::full_null(name.into(), n, &DataType::String));
            }
            let owned: StringChunked = values
                .iter()
                .zip(mask())
                .filter_map(|(v, k)| k.then_some(v))
                .collect();
            Ok(owned.with_name(name.into()).into_column())
        })
        .collect::<PolarsResult<Vec<_>>>()?;
    DataFrame::new(n, columns)
}

/// [`merge`] of what [`Prepared::of`] read: of `input` it reads only the
/// codebook, the configuration, the glossary and the curation, not the
/// segments or the codings, which a caller can free first.
pub fn merge_prepared(input: &Input, quotes: &[QuoteRow], prep: Prepared) -> PolarsResult<Merged> {
    let config = input.config;
    let threshold = config.merge_threshold;
    let w = config.merge_code_weight;
    let tree = CodeTree::from_frame(input.codes)?;
    let Prepared {
        recs: segs,
        codes: seg_codes,
        groups,
        coded,
    } = prep;
    let segs = &segs;

    // The recommendations, and their member ids in one column (the
    // members table takes them from it).
    let member_col: StringChunked;
    let mut recs: Vec<Rec> = Vec::with_capacity(segs.height());
    let mut langs: Vec<&str> = Vec::with_capacity(segs.height());
    if segs.height() > 0 {
        // The columns read together in one pass (a value by row would
        // search the table's chunks, one per row group, for every row).
        let col = |name: &str| segs.column(name).and_then(|c| c.str());
        let votes = segs.column("votes")?.cast(&DataType::Int64)?;
        let (id, group) = (col("segment_id")?, col("group")?);
        let (text, source, lang) = (col("text")?, col("source_id")?, col("lang")?);
        let (priority, owner) = (col("priority")?, col("owner")?);
        let (deadline, indicator) = (col("deadline")?, col("indicator")?);
        let mut sources: Vec<&str> = Vec::with_capacity(segs.height());
        let rows = id
            .iter()
            .zip(group.iter())
            .zip(text.iter())
            .zip(source.iter())
            .zip(lang.iter())
            .zip(votes.i64()?.iter())
            .zip(priority.iter().zip(owner.iter()))
            .zip(deadline.iter().zip(indicator.iter()));
        for (
            ((((((id, group), text), source), lang), votes), (priority, owner)),
            (deadline, indicator),
        ) in rows
        {
            recs.push(Rec {
                segment_id: id.unwrap_or_default(),
                member_id: "",
                group: group.unwrap_or_default(),
                text: text.unwrap_or_default(),
                votes,
                action: Some(Action {
                    priority: cell(priority),
                    owner: cell(owner),
                    deadline: cell(deadline),
                    indicator: cell(indicator),
                })
                .filter(|a| *a != Action::NONE)
                .map(Box::new),
                stance: Stance::Neutral,
                main_lang: false,
            });
            langs.push(lang.unwrap_or_default());
            sources.push(source.unwrap_or_default());
        }
        let texts: Vec<&str> = recs.iter().map(|r| r.text).collect();
        let ids = member_ids(&sources, &texts);
        member_col =
            StringChunked::from_iter_values("member_id".into(), ids.iter().map(String::as_str));
        drop(ids);
        for (r, id) in recs.iter_mut().zip(member_col.iter()) {
            r.member_id = id.unwrap_or_default();
        }
    } else {
        member_col =
            StringChunked::from_iter_values("member_id".into(), std::iter::empty::<&str>());
    }
    // Each language written once in its canonical form (a string per
    // recommendation was 0.2 GB at 4.5 M of them).
    let mut canonical: HashMap<&str, String> = HashMap::new();
    for l in &langs {
        canonical.entry(l).or_insert_with(|| wording::language(l));
    }
    let mut lang_count: BTreeMap<&str, usize> = BTreeMap::new();
    for l in &langs {
        *lang_count.entry(canonical[l].as_str()).or_default() += 1;
    }
    let main_lang = lang_count
        .iter()
        .max_by(|a, b| a.1.cmp(b.1).then_with(|| b.0.cmp(a.0)))
        .map(|(l, _)| *l);
    for (r, l) in recs.iter_mut().zip(&langs) {
        r.main_lang = Some(canonical[l].as_str()) == main_lang;
    }
    let curated = input.curation.map(Curation::by_member).unwrap_or_default();

    // Each item's body, stems (glossary concepts in place of their words),
    // stance, and whether it is a proposal.
    let mut vocabulary = Vocabulary::default();
    let lang_set: BTreeSet<&str> = langs.iter().copied().collect();
    let (all_labels, top_labels) = label_stems(&tree, &lang_set, &mut vocabulary);
    let patterns: Vec<regex::Regex> = config
        .non_proposals
        .iter()
        .filter_map(|p| {
            regex::RegexBuilder::new(p)
                .case_insensitive(true)
                .size_limit(1 << 20)
                .build()
                .ok()
        })
        .collect();
    let classifier = Classifier::new(top_labels, patterns);
    // Each item's body, glossary concepts, stems and stance, read in
    // parallel slices. Each slice numbers the stems it meets after the
    // labels' in a vocabulary of its own; the slices' new stems are then
    // numbered in slice order, which gives every stem the id one pass in
    // segments-table order would (the first sight of a stem is in the
    // first slice that has it, and within a slice in its order).
    let read = |r: &Rec, lang: &str, v: &mut Vocabulary| -> Read {
        let body = body(r.text, lang, &all_labels, v);
        let concepts: Vec<(u32, u32, String)> = match input.glossary {
            Some(g) => g
                .code_segment(body, lang)
                .into_iter()
                .map(|c| (c.start, c.end, c.code))
                .collect(),
            None => Vec::new(),
        };
        let seq = v.sequence_with(body, lang, &concepts);
        let words = wording::words(body);
        let decided = curated.get(r.member_id).and_then(|c| c.proposal);
        let reason = match decided {
            Some(true) => None,
            Some(false) => Some("curated"),
            None => classifier
                .reason_with_words(body, &words, &seq)
                .map(Reason::as_str),
        };
        let stance = stance::stance_of_words(&words, lang);
        match reason {
            Some(why) => Read::SetAside(why, stance),
            None => {
                let label = match label(body) {
                    Some(l) => v.sequence(l, lang),
                    None => Vec::new(),
                };
                Read::Proposal { seq, label, stance }
            }
        }
    };
    let slices =
        vocabulary.read_in_slices(recs.len(), READ_SLICE, |k, v| read(&recs[k], langs[k], v));
    let mut props: Vec<usize> = Vec::new();
    // Each proposal packed into the similarity space as it is read.
    let mut items = SpaceBuilder::default();
    let mut set_aside: Vec<(usize, &'static str)> = Vec::new();
    let mut k = 0;
    for (reads, ids) in slices {
        let global = |id: u32| ids.global(id);
        for read in reads {
            match read {
                Read::SetAside(why, stance) => {
                    recs[k].stance = stance;
                    set_aside.push((k, why));
                }
                Read::Proposal { seq, label, stance } => {
                    recs[k].stance = stance;
                    props.push(k);
                    items.push(
                        Item::new(
                            seq.into_iter().map(global).collect(),
                            seg_codes.get(k).to_vec(),
                        )
                        .with_stance(stance)
                        .with_label(label.into_iter().map(global).collect())
                        .with_concepts(|s| vocabulary.names[s as usize].starts_with('≡')),
                    );
                }
            }
            k += 1;
        }
    }

    // Similarity and clusters, the consultant's groups fixed.
    let space = items
        .finish(vocabulary.names.len(), w)
        .with_neighbours(config.merge_neighbours);
    // The edges become the graph (both ends of each in one array, the
    // edges freed) before the clustering, the stage's peak.
    let graph = cluster::Graph::new(props.len(), space.edges(threshold * EDGE_FLOOR).0);
    let mut labels_of: HashMap<&str, u32> = HashMap::new();
    let fixed: Vec<Option<u32>> = props
        .iter()
        .map(|&k| {
            curated.get(recs[k].member_id).map(|row| {
                let next = labels_of.len() as u32;
                *labels_of.entry(row.cluster.as_str()).or_insert(next)
            })
        })
        .collect();
    let labels = graph.average_linkage(threshold, &fixed);
    // What the merge would be without the consultant, to mark what they
    // changed.
    let automatic = if curated.is_empty() {
        labels.clone()
    } else {
        graph.average_linkage(threshold, &vec![None; props.len()])
    };
    let closeness = graph.closeness(&labels);
    drop(graph);
    let mut by_label: BTreeMap<u32, Vec<usize>> = BTreeMap::new();
    for (i, &l) in labels.iter().enumerate() {
        by_label.entry(l).or_default().push(i);
    }

    let quotes = Quotes::new(quotes, &tree);

    let view = Proposals {
        recs: &recs,
        props: &props,
        member_ids: &member_col,
    };
    // Described in parallel (the wording checks are regexes), then given
    // their evidence: each distinct (group, codes) counted once, in
    // parallel (counting per cluster instead, where many singletons share
    // a key, took synthesize from 265 s to 319 s at 2,000,000 rows, one
    // run each).
    let described: Vec<Cluster> = {
        use rayon::prelude::*;
        let all: Vec<Vec<usize>> = by_label.into_values().collect();
        all.into_par_iter()
            .map(|members| describe(members, &view, &space, &closeness))
            .collect()
    };
    // What only the comparison and the evidence read, freed before the
    // output rows are built (the stage's peak at consultation scale).
    drop((space, closeness, seg_codes, langs));
    let counts = evidence_counts(&described, &groups, &coded);
    drop(coded);
    let mut clusters: Vec<Cluster> = described
        .into_iter()
        .map(|mut c| {
            add_evidence(&mut c, &groups, &counts);
            if !curated.is_empty() {
                let rows: Vec<_> = c
                    .members
                    .iter()
                    .filter_map(|&m| curated.get(recs[props[m]].member_id))
                    .collect();
                c.curated_wording = rows.iter().find_map(|r| r.wording.clone());
                let same_as_automatic = c
                    .members
                    .iter()
                    .all(|&m| automatic[m] == automatic[c.members[0]])
                    && automatic
                        .iter()
                        .filter(|&&l| l == automatic[c.members[0]])
                        .count()
                        == c.members.len();
                let kept_in = rows.iter().any(|r| r.proposal == Some(true));
                c.curated = !same_as_automatic || c.curated_wording.is_some() || kept_in;
            }
            c
        })
        .collect();
    clusters.sort_by(|a, b| {
        b.groups
            .len()
            .cmp(&a.groups.len())
            .then_with(|| b.evidence_segments.cmp(&a.evidence_segments))
            .then_with(|| match (a.votes_total, b.votes_total) {
                (Some(x), Some(y)) => y.cmp(&x),
                (Some(_), None) => std::cmp::Ordering::Less,
                (None, Some(_)) => std::cmp::Ordering::Greater,
                (None, None) => std::cmp::Ordering::Equal,
            })
            .then_with(|| a.members[0].cmp(&b.members[0]))
    });
    let mut merged = frames(clusters, &view, segs, &tree, &groups, &quotes)?;
    merged.non_proposals = set_aside
        .into_iter()
        .map(|(k, why)| NonProposalRow {
            member_id: recs[k].member_id.to_owned(),
            segment_id: recs[k].segment_id.to_owned(),
            group: recs[k].group.to_owned(),
            text: recs[k].text.to_owned(),
            reason: why.to_owned(),
        })
        .collect();
    Ok(merged)
}

/// Recommendations read in one slice of the parallel reading (3 in unit
/// tests, so that every merge test reads many slices and checks that the
/// slices number stems as one pass would).
const READ_SLICE: usize = if cfg!(test) { 3 } else { 1 << 16 };

/// What reading a recommendation gives, its stem ids those of the slice's
/// vocabulary.
enum Read {
    /// Not a proposal: why, and its stance.
    SetAside(&'static str, Stance),
    /// A proposal: its stems in text order, its label's stems, its stance.
    Proposal {
        seq: Vec<u32>,
        label: Vec<u32>,
        stance: Stance,
    },
}

/// The proposals: the recommendations kept for merging.
struct Proposals<'v, 'a> {
    recs: &'v [Rec<'a>],
    /// The recommendation of each proposal (its row in the
    /// recommendations' frame).
    props: &'v [usize],
    /// The member id of each recommendation.
    member_ids: &'v StringChunked,
}

impl<'a> Proposals<'_, 'a> {
    fn rec(&self, m: usize) -> &Rec<'a> {
        &self.recs[self.props[m]]
    }

    /// The row of a proposal in the recommendations' frame.
    fn row(&self, m: usize) -> usize {
        self.props[m]
    }
}

/// A string column of few distinct values repeated over many rows (the
/// groups and quoted segments of the evidence), its rows given as indices
/// into `pool`: each value stored once, the rows views of it.
fn taken(name: &str, pool: &[&str], rows: impl Iterator<Item = u32>) -> PolarsResult<Column> {
    let pool = StringChunked::from_iter_values(name.into(), pool.iter().copied());
    let rows: Vec<IdxSize> = rows.map(|r| r as IdxSize).collect();
    Ok(pool.take(&IdxCa::from_vec("".into(), rows))?.into_column())
}

/// The members table: for each `(cluster, proposal, similarity)` of
/// `order`, the proposal's segment id, group, text and votes gathered
/// from the segments frame `segs` by row, its member id, stance and
/// action fields (blank ones empty) from the merge, in the columns of
/// [`MemberRow`].
fn member_table(
    order: &[(usize, usize, f64)],
    view: &Proposals,
    segs: &DataFrame,
    rec_ids: &[String],
) -> PolarsResult<Table<MemberRow>> {
    if order.is_empty() {
        return Ok(Table::default());
    }
    let idx = IdxCa::from_vec(
        "".into(),
        order
            .iter()
            .map(|&(_, m, _)| view.row(m) as IdxSize)
            .collect(),
    );
    let recs = || order.iter().map(|&(_, m, _)| view.rec(m));
    let strings = |name: &str, values: &mut dyn Iterator<Item = Option<&str>>| {
        Column::new(name.into(), values.collect::<StringChunked>().into_series())
    };
    // An action field no member fills is one null (a view per row each
    // was 0.3 GB at 4.5 M members).
    let optional = |name: &str, get: &dyn for<'r> Fn(&'r Rec<'r>) -> Option<&'r str>| {
        if recs().all(|r| get(r).is_none()) {
            Column::full_null(name.into(), order.len(), &DataType::String)
        } else {
            strings(name, &mut recs().map(get))
        }
    };
    // Gathered, as the rows read them: a null as "" where a value is
    // required, the votes as integers.
    let gathered = |name: &str| -> PolarsResult<Column> {
        let col = segs.column(name)?.take(&idx)?;
        if name == "votes" {
            return col.cast(&DataType::Int64);
        }
        if col.null_count() == 0 {
            return Ok(col);
        }
        Ok(Column::new(
            name.into(),
            col.str()?
                .iter()
                .map(Option::unwrap_or_default)
                .collect::<StringChunked>()
                .into_series(),
        ))
    };
    let columns = vec![
        Column::new(
            "rec_id".into(),
            order
                .iter()
                .map(|&(k, _, _)| rec_ids[k].as_str())
                .collect::<StringChunked>()
                .into_series(),
        ),
        view.member_ids.take(&idx)?.into_column(),
        gathered("segment_id")?,
        gathered("group")?,
        gathered("text")?,
        strings("stance", &mut recs().map(|r| Some(r.stance.as_str()))),
        gathered("votes")?,
        optional("priority", &|r| r.action().priority),
        optional("owner", &|r| r.action().owner),
        optional("deadline", &|r| r.action().deadline),
        optional("indicator", &|r| r.action().indicator),
        Column::new(
            "similarity_to_wording".into(),
            order.iter().map(|&(_, _, s)| s).collect::<Vec<f64>>(),
        ),
    ];
    Table::from_frame(DataFrame::new(order.len(), columns)?)
}

/// The codes applied to each segment, by row of the segments frame: one
/// sorted run of codebook indices per row (codes missing from the
/// codebook left out), in one buffer.
#[derive(Debug, Default)]
struct SegmentCodes {
    /// Where each row's run starts in `codes`; one more than the rows.
    starts: Vec<u32>,
    codes: Vec<u32>,
}

impl SegmentCodes {
    /// The codes of a row, sorted (none for a row without codings).
    fn get(&self, row: usize) -> &[u32] {
        match (self.starts.get(row), self.starts.get(row + 1)) {
            (Some(&a), Some(&b)) => &self.codes[a as usize..b as usize],
            _ => &[],
        }
    }

    /// The codes of `rows`, in that order: row `i` of the result holds
    /// those of `rows[i]`.
    fn of_rows(&self, rows: &[IdxSize]) -> Self {
        let mut starts = Vec::with_capacity(rows.len() + 1);
        let mut codes = Vec::new();
        for &row in rows {
            starts.push(codes.len() as u32);
            codes.extend_from_slice(self.get(row as usize));
        }
        starts.push(codes.len() as u32);
        SegmentCodes { starts, codes }
    }

    /// The rows with codes and their codes, in row order.
    fn iter(&self) -> impl Iterator<Item = (usize, &[u32])> {
        (0..self.starts.len().saturating_sub(1))
            .map(|row| (row, self.get(row)))
            .filter(|(_, c)| !c.is_empty())
    }
}

/// The codes applied to each segment of the input (its codings' codes
/// found in the codebook `tree`).
fn segment_codes(input: &Input, tree: &CodeTree) -> PolarsResult<SegmentCodes> {
    let links = crate::synthesis::coded::links(input, tree)?;
    let mut starts = Vec::with_capacity(links.rows() + 1);
    let (mut codes, mut run) = (Vec::new(), Vec::new());
    for row in 0..links.rows() {
        starts.push(codes.len() as u32);
        run.clear();
        run.extend(links.codes_of(row));
        run.sort_unstable();
        run.dedup();
        codes.extend_from_slice(&run);
    }
    starts.push(codes.len() as u32);
    Ok(SegmentCodes { starts, codes })
}

/// Everything the board table says about one cluster of recommendations.
fn describe(members: Vec<usize>, view: &Proposals, space: &Space, closeness: &[f64]) -> Cluster {
    let wording = members
        .iter()
        .copied()
        .reduce(|best, m| {
            let better = view
                .rec(m)
                .main_lang
                .cmp(&view.rec(best).main_lang)
                .then_with(|| closeness[m].total_cmp(&closeness[best]))
                .then_with(|| view.rec(m).votes.cmp(&view.rec(best).votes));
            if better == std::cmp::Ordering::Greater {
                m
            } else {
                best
            }
        })
        .unwrap_or_default();
    let mut votes: BTreeMap<&str, i64> = BTreeMap::new();
    let mut group_set: BTreeSet<&str> = BTreeSet::new();
    let mut codes: Vec<u32> = Vec::new();
    let (mut owner, mut target, mut deadline) = (false, false, false);
    let mut priority: Option<(u8, &str)> = None;
    for &m in &members {
        let r = view.rec(m);
        group_set.insert(r.group);
        if let Some(v) = r.votes {
            *votes.entry(r.group).or_insert(0) += v;
        }
        codes.extend_from_slice(space.codes_of(m));
        let a = r.action();
        owner = owner || a.owner.is_some() || names_owner(r.text);
        target = target || a.indicator.is_some() || names_target(r.text);
        deadline = deadline || a.deadline.is_some() || names_deadline(r.text);
        if let Some(p) = a.priority {
            let level = priority_level(p);
            if priority.is_none_or(|(best, _)| level > best) {
                priority = Some((level, p.trim()));
            }
        }
    }
    codes.sort_unstable();
    codes.dedup();
    let mut ranked: Vec<(usize, f64)> = members
        .iter()
        .map(|&m| {
            let s = if m == wording {
                1.0
            } else {
                round4(space.similarity(m, wording))
            };
            (m, s)
        })
        .collect();
    ranked.sort_by(|a, b| {
        (b.0 == wording)
            .cmp(&(a.0 == wording))
            .then_with(|| b.1.total_cmp(&a.1))
            .then_with(|| a.0.cmp(&b.0))
    });
    Cluster {
        wording,
        ranked,
        curated_wording: None,
        curated: false,
        groups: group_set.iter().map(|g| (*g).to_owned()).collect(),
        votes_total: (!votes.is_empty()).then(|| votes.values().sum()),
        votes_by_group: votes
            .iter()
            .map(|(g, v)| GroupVotes {
                group: (*g).to_owned(),
                votes: *v,
            })
            .collect(),
        priority: priority.map(|(_, p)| p.to_owned()),
        priority_level: priority
            .map(|(level, _)| u32::from(level))
            .filter(|&l| l > 0),
        codes,
        evidence_segments: 0,
        evidence_by_group: Vec::new(),
        has_owner: owner,
        has_target: target,
        has_deadline: deadline,
        members,
    }
}

/// The evidence counts every cluster needs, by (group index, codes):
/// each distinct one counted once, in parallel.
fn evidence_counts(
    clusters: &[Cluster],
    groups: &Groups,
    coded: &Coded,
) -> HashMap<(u32, Vec<u32>), u32> {
    use rayon::prelude::*;
    let keys: BTreeSet<(u32, &[u32])> = clusters
        .iter()
        .filter(|c| !c.codes.is_empty())
        .flat_map(|c| {
            c.groups
                .iter()
                .filter_map(|g| groups.get(g))
                .map(|gi| (gi as u32, c.codes.as_slice()))
        })
        .collect();
    let keys: Vec<(u32, &[u32])> = keys.into_iter().collect();
    keys.par_iter()
        .map(|&(g, codes)| ((g, codes.to_vec()), coded.count(g, codes)))
        .collect()
}

/// A cluster's evidence: the coded segments of its groups that carry its
/// codes, by group (`counts` from [`evidence_counts`]).
fn add_evidence(c: &mut Cluster, groups: &Groups, counts: &HashMap<(u32, Vec<u32>), u32>) {
    let mut total = 0u32;
    for g in &c.groups {
        let n = match groups.get(g) {
            Some(gi) if !c.codes.is_empty() => counts
                .get(&(gi as u32, c.codes.clone()))
                .copied()
                .unwrap_or(0),
            _ => 0,
        };
        total = total.saturating_add(n);
        c.evidence_by_group.push(GroupEvidence {
            group: g.clone(),
            segments: n,
        });
    }
    c.evidence_segments = total;
}

/// Rounds a similarity for display (4 decimals).
fn round4(x: f64) -> f64 {
    (x * 1e4).round() / 1e4
}

/// The output tables, clusters already ranked.
fn frames(
    clusters: Vec<Cluster>,
    view: &Proposals,
    segs: &DataFrame,
    tree: &CodeTree,
    groups: &Groups,
    quotes: &Quotes,
) -> PolarsResult<Merged> {
    let n = clusters.len();
    let rec_ids: Vec<String> = (1..=n).map(|r| format!("R{r:03}")).collect();
    let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
    use rayon::prelude::*;

    // Evidence quotes: each supporting group's best quotes of the
    // cluster's codes (10.8 M rows at 2,000,000 contributions, of 7,200
    // quotes and 96 groups): each row four numbers while they are found,
    // its group and quoted segment taken from the pools of both.
    let mut group_pool: Vec<&str> = clusters
        .iter()
        .filter(|c| !c.codes.is_empty())
        .flat_map(|c| c.groups.iter().map(String::as_str))
        .collect();
    group_pool.sort_unstable();
    group_pool.dedup();
    let group_at = |g: &str| group_pool.binary_search(&g).unwrap_or_default() as IdxSize;
    let found: Vec<[u32; 4]> = clusters
        .par_iter()
        .enumerate()
        .filter(|(_, c)| !c.codes.is_empty())
        .flat_map_iter(|(k, c)| {
            c.groups.iter().flat_map(move |g| {
                let gi = group_at(g);
                quotes
                    .best(tree, g, &c.codes)
                    .into_iter()
                    .enumerate()
                    .map(move |(r, seg)| [k as u32, gi, seg, r as u32 + 1])
            })
        })
        .collect();
    debug_assert!(found.iter().all(|e| e[3] as usize <= QUOTES_PER_GROUP));
    let quoted: Vec<&str> = quotes.segments().iter().map(String::as_str).collect();
    let evidence = Table::from_frame(DataFrame::new(
        found.len(),
        vec![
            Column::new(
                "rec_id".into(),
                found
                    .iter()
                    .map(|e| rec_ids[e[0] as usize].as_str())
                    .collect::<StringChunked>()
                    .into_series(),
            ),
            taken("group", &group_pool, found.iter().map(|e| e[1]))?,
            taken("segment_id", &quoted, found.iter().map(|e| e[2]))?,
            Column::new(
                "rank".into(),
                found.iter().map(|e| e[3]).collect::<Vec<u32>>(),
            ),
        ],
    )?)?;
    drop(found);
    // Members: representative first, then by similarity to it, in rank
    // order. Their segments' columns are gathered from the segments frame
    // (its strings shared, not copied: 4.5 M members at 2,000,000
    // contributions were 4 GB as rows of owned strings).
    let order: Vec<(usize, usize, f64)> = clusters
        .iter()
        .enumerate()
        .flat_map(|(k, c)| c.ranked.iter().map(move |&(m, s)| (k, m, s)))
        .collect();
    let members = member_table(&order, view, segs, &rec_ids)?;

    drop(order);

    // The board table last, from the clusters themselves: each one's
    // memory goes to its row.
    let recommendations = clusters
        .into_iter()
        .zip(rec_ids)
        .enumerate()
        .map(|(k, (c, rec_id))| RecommendationRow {
            rank: count(k + 1),
            rec_id,
            wording: c
                .curated_wording
                .unwrap_or_else(|| view.rec(c.wording).text.to_owned()),
            support: count(c.groups.len()),
            groups: c.groups,
            groups_total: count(groups.len()),
            votes_total: c.votes_total,
            votes_by_group: c.votes_by_group,
            priority: c.priority,
            priority_level: c.priority_level,
            stance: view.rec(c.wording).stance.as_str().to_owned(),
            codes: c
                .codes
                .iter()
                .map(|&i| tree.ids[i as usize].clone())
                .collect(),
            evidence_segments: c.evidence_segments,
            evidence_by_group: c.evidence_by_group,
            has_owner: c.has_owner,
            has_target: c.has_target,
            has_deadline: c.has_deadline,
            actionable: c.has_owner && c.has_target && c.has_deadline,
            members: count(c.members.len()),
            curated: c.curated,
        })
        .collect();

    Ok(Merged {
        recommendations,
        members,
        evidence,
        non_proposals: Vec::new(),
    })
}
