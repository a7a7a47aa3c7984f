//! Cross-group synthesis with polars: the theme-by-group matrix,
//! convergence, co-occurrence, divergence, quotes, recommendations merged
//! across groups, and the parts of workshop methods (SWOT, empathy map…)
//! merged across groups with their tensions. Pure: data frames in, data
//! frames out.

pub mod coded;
pub mod config;
pub mod convergence;
pub mod cooccurrence;
pub mod divergence;
pub mod groups;
pub mod matrix;
pub mod methods;
pub mod quotes;
pub mod recommendations;
#[cfg(test)]
pub(crate) mod testing;
pub mod tree;

use polars::prelude::DataFrame;

pub use coded::Cache;
pub use config::SynthesisConfig;

use self::convergence::ConvergenceRow;
use self::cooccurrence::CooccurrenceRow;
use self::divergence::DivergenceRow;
use self::matrix::MatrixRow;
use self::methods::{MethodItemRow, MethodMemberRow, TensionRow};
use self::quotes::QuoteRow;
use self::recommendations::{EvidenceRow, MemberRow, NonProposalRow, RecommendationRow};

/// Everything the synthesis reads, with the schemas the workspace stores
/// (see `store::tables` and `store::codings`).
#[derive(Debug, Clone, Copy)]
pub struct Input<'a> {
    /// `segments.parquet`: segment_id, source_id, group, session,
    /// participant_id, position, line, time_ms, kind, question, lang, text,
    /// votes, priority, owner, deadline, indicator, attributes.
    pub segments: &'a DataFrame,
    /// `codings.parquet`: segment_id, code, start, end, matched, rule,
    /// negated. Parent codes are not in it: they aggregate their children.
    pub codings: &'a DataFrame,
    /// `codes.parquet`: code_id, label, parent_id, depth (codebook order).
    pub codes: &'a DataFrame,
    /// `participants.parquet`: participant_id, group, name, pseudonymized,
    /// attributes, sources. `name` is the pseudonym where pseudonymised.
    pub participants: &'a DataFrame,
    /// Thresholds and weights.
    pub config: &'a SynthesisConfig,
    /// Results the tables share (one cache per set of frames).
    pub cache: &'a coded::Cache,
    /// The glossary's concepts (a codebook compiled for recommendations:
    /// one code per concept, terms per language), when the study has one.
    pub glossary: Option<&'a crate::coding::Coder>,
    /// The consultant's decisions on the merged recommendations, checked
    /// against the members.
    pub curation: Option<&'a recommendations::Curation>,
    /// The study's workshop methods (`[methods]`); `None`: the built-in
    /// ones only.
    pub methods: Option<&'a crate::corpus::method::MethodSet>,
}

/// Every synthesis table of a study, as typed rows.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Synthesis {
    /// The theme-by-group matrix.
    pub matrix: Vec<MatrixRow>,
    /// Convergence of every code.
    pub convergence: Vec<ConvergenceRow>,
    /// Co-occurrence of codes.
    pub cooccurrence: Vec<CooccurrenceRow>,
    /// Plain against negative mentions per code and group.
    pub divergence: Vec<DivergenceRow>,
    /// The best quotes per code and group.
    pub quotes: Vec<QuoteRow>,
    /// The merged recommendations, ranked.
    pub recommendations: Vec<RecommendationRow>,
    /// Every original recommendation and its merged one.
    pub members: crate::rows::Table<MemberRow>,
    /// The quotes behind each merged recommendation.
    pub evidence: crate::rows::Table<EvidenceRow>,
    /// The recommendation items set aside as non-proposals.
    pub non_proposals: Vec<NonProposalRow>,
    /// The items of each workshop method's parts, merged across groups.
    pub method_items: Vec<MethodItemRow>,
    /// Every note of a method and the merged item it belongs to.
    pub method_members: Vec<MethodMemberRow>,
    /// Themes placed in opposite parts by different groups.
    pub tensions: Vec<TensionRow>,
}

/// Computes every synthesis table.
pub fn synthesize(input: &Input) -> polars::prelude::PolarsResult<Synthesis> {
    let (tables, prepared) = tables(input)?;
    merged(tables, input, prepared)
}

/// The tables before the merge (the recommendation tables left empty),
/// and what the merge reads of the segments and codings: with
/// [`merged`], [`synthesize`] for a caller that frees the segments and the
/// codings between the two (at 2,000,000 contributions, 8.6 M segments of
/// which the merge reads the 4.5 M recommendations, and 12.4 M codings).
pub fn tables(
    input: &Input,
) -> polars::prelude::PolarsResult<(Synthesis, recommendations::Prepared)> {
    let quotes = quotes::quotes(input)?;
    let matrix = matrix::matrix(input)?;
    let convergence = convergence::convergence(input)?;
    let cooccurrence = cooccurrence::cooccurrence(input)?;
    let divergence = divergence::divergence(input)?;
    let methods = methods::methods(input)?;
    // The merge, the largest stage, reads none of the expanded codings.
    input.cache.release_coded();
    let prepared = recommendations::Prepared::of(input)?;
    let tables = Synthesis {
        matrix,
        convergence,
        cooccurrence,
        divergence,
        quotes,
        method_items: methods.items,
        method_members: methods.members,
        tensions: methods.tensions,
        ..Synthesis::default()
    };
    Ok((tables, prepared))
}

/// The tables of [`tables`] with the merged recommendations of what it
/// prepared (of `input`, its segments and codings are not read).
pub fn merged(
    tables: Synthesis,
    input: &Input,
    prepared: recommendations::Prepared,
) -> polars::prelude::PolarsResult<Synthesis> {
    let merged = recommendations::merge_prepared(input, &tables.quotes, prepared)?;
    Ok(Synthesis {
        recommendations: merged.recommendations,
        members: merged.members,
        evidence: merged.evidence,
        non_proposals: merged.non_proposals,
        ..tables
    })
}
