//! The report: the stored synthesis tables chosen and worded for people
//! (terminal tables, Markdown), for spreadsheets (CSV, XLSX: typed
//! columns) and for programs (JSON). Every format renders from the same
//! typed rows ([`lines`]). Rows in, bytes out.
//!
//! # JSON schema `qualsynth.report/2`
//!
//! Published as JSON Schema in `schemas/report-2.schema.json` (checked by
//! the integration tests). Version 2 adds the recommendations' `stance`,
//! `priority_level` and `curated`, the convergence minimums, and the
//! `non_proposals` table.
//!
//! One object: `{"schema": "qualsynth.report/2", "study": str, "tables":
//! {NAME: [ROW, …], …}}` with the tables asked for, in the order below.
//! Values are machine-friendly: counts are numbers, shares are fractions
//! (0 to 1, null when undefined), flags are booleans, missing values null.
//!
//! - `recommendations`: `rank` (int), `id` (str), `recommendation` (str),
//!   `groups` ([str]), `support` (int, supporting groups), `groups_total`
//!   (int), `votes_total` (int|null), `priority` (str|null),
//!   `priority_level` (1 low, 2 medium, 3 high, or null), `stance` (`for`,
//!   `against`, `neutral`), `codes` ([str]), `evidence_segments` (int),
//!   `has_owner`, `has_target`, `has_deadline`, `actionable`, `curated`
//!   (bool).
//! - `themes`: `code`, `label` (str), `groups_raised`, `groups_total`
//!   (int), `class` (str), `participant_share` ({group: fraction|null}),
//!   `segment_share` ({group: fraction|null}; added within version 1).
//!   The terminal and Markdown tables show the participant share, or the
//!   segment share when the study names no participant.
//! - `matrix`: `code`, `label`, `group` (str), `segments`, `participants`
//!   (int), `participant_share`, `segment_share` (fraction|null),
//!   `negated` (int).
//! - `convergence`: `code`, `label` (str), `groups_raised`, `groups_total`
//!   (int), `class` (str), `raised_by` ([str]), `specific_to` (str|null),
//!   `min_segments`, `min_participants` (int: the evidence a group needs to
//!   have raised it).
//! - `quotes`: `code`, `group` (str), `rank` (int), `participant`
//!   (str|null), `source` (str), `segment_id` (str), `line`, `time_ms`
//!   (int|null), `quote` (str).
//! - `sources`: `id`, `kind`, `format` (str), `groups` ([str]), `segments`
//!   (int).
//! - `non_proposals`: `group`, `text`, `reason` (`pointer`, `heading`,
//!   `placeholder`, `too short`, `pattern`, `curated`), `segment_id`,
//!   `member_id` (str).
//! - `methods` (added within version 2): the items of the workshop
//!   methods' parts, by method, part and rank: `method`, `method_label`,
//!   `part`, `part_label` (str), `part_order`, `rank` (int), `id`, `item`
//!   (str), `groups` ([str]), `support`, `groups_total` (int: the groups
//!   that used the method), `votes_total` (int|null), `codes`, `notes`
//!   ([str]: the notes' segment ids).
//! - `tensions` (added within version 2): `method`, `code`, `label`,
//!   `part_a`, `part_b` (str), `groups_a`, `groups_b`, `notes_a`,
//!   `notes_b` ([str]).

pub(crate) mod cells;
pub mod details;
pub mod lines;
mod terminal;

use serde_json::{Map, Value, json};

pub use self::details::{Evidence, Member, RecDetail};
use self::lines::{
    ConvergenceLine, MatrixLine, MethodLine, NonProposalLine, QuoteLine, RecommendationLine,
    SourceLine, TensionLine,
};
pub use self::lines::{Filter, Input, Themes};
use crate::render::listing::Listing;
use crate::render::markdown;
use crate::render::sheet::Sheet;

/// The `schema` value of the JSON report.
pub const SCHEMA: &str = "qualsynth.report/2";

/// One table of the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Merged recommendations.
    Recommendations,
    /// Convergence with the participant share per group.
    Themes,
    /// The theme-by-group matrix.
    Matrix,
    /// Convergence of themes.
    Convergence,
    /// Best quotes.
    Quotes,
    /// Imported sources.
    Sources,
    /// Recommendation items that propose nothing.
    NonProposals,
    /// The parts of the workshop methods, merged across groups.
    Methods,
    /// Themes in opposite parts of a method.
    Tensions,
}

impl Kind {
    /// Every table, in report order.
    pub const ALL: [Kind; 9] = [
        Kind::Recommendations,
        Kind::Themes,
        Kind::Matrix,
        Kind::Convergence,
        Kind::Quotes,
        Kind::Sources,
        Kind::NonProposals,
        Kind::Methods,
        Kind::Tensions,
    ];

    /// Key in JSON and CSV file stem.
    pub fn name(self) -> &'static str {
        match self {
            Kind::Recommendations => "recommendations",
            Kind::Themes => "themes",
            Kind::Matrix => "matrix",
            Kind::Convergence => "convergence",
            Kind::Quotes => "quotes",
            Kind::Sources => "sources",
            Kind::NonProposals => "non_proposals",
            Kind::Methods => "methods",
            Kind::Tensions => "tensions",
        }
    }

    /// Heading for people.
    pub fn title(self) -> &'static str {
        match self {
            Kind::Recommendations => "Recommendations",
            Kind::Themes => "Themes",
            Kind::Matrix => "Theme-by-group matrix",
            Kind::Convergence => "Convergence",
            Kind::Quotes => "Quotes",
            Kind::Sources => "Sources",
            Kind::NonProposals => "Non-proposals",
            Kind::Methods => "Workshop methods",
            Kind::Tensions => "Tensions",
        }
    }
}

/// A built table: its typed rows.
#[derive(Debug, Clone, PartialEq)]
pub enum Table {
    /// Merged recommendations, ranked.
    Recommendations(Vec<RecommendationLine>),
    /// Themes with each group's shares.
    Themes(Themes),
    /// Matrix cells.
    Matrix(Vec<MatrixLine>),
    /// Convergence of themes.
    Convergence(Vec<ConvergenceLine>),
    /// Best quotes.
    Quotes(Vec<QuoteLine>),
    /// Sources.
    Sources(Vec<SourceLine>),
    /// Non-proposals.
    NonProposals(Vec<NonProposalLine>),
    /// Workshop methods' items.
    Methods(Vec<MethodLine>),
    /// Tensions between opposite parts.
    Tensions(Vec<TensionLine>),
}

impl Table {
    /// Keeps its first `n` rows.
    pub fn truncate(&mut self, n: usize) {
        match self {
            Table::Recommendations(r) => r.truncate(n),
            Table::Themes(t) => t.rows.truncate(n),
            Table::Matrix(r) => r.truncate(n),
            Table::Convergence(r) => r.truncate(n),
            Table::Quotes(r) => r.truncate(n),
            Table::Sources(r) => r.truncate(n),
            Table::NonProposals(r) => r.truncate(n),
            Table::Methods(r) => r.truncate(n),
            Table::Tensions(r) => r.truncate(n),
        }
    }

    /// Which table it is.
    pub fn kind(&self) -> Kind {
        match self {
            Table::Recommendations(_) => Kind::Recommendations,
            Table::Themes(_) => Kind::Themes,
            Table::Matrix(_) => Kind::Matrix,
            Table::Convergence(_) => Kind::Convergence,
            Table::Quotes(_) => Kind::Quotes,
            Table::Sources(_) => Kind::Sources,
            Table::NonProposals(_) => Kind::NonProposals,
            Table::Methods(_) => Kind::Methods,
            Table::Tensions(_) => Kind::Tensions,
        }
    }

    /// Number of rows.
    pub fn len(&self) -> usize {
        match self {
            Table::Recommendations(r) => r.len(),
            Table::Themes(t) => t.rows.len(),
            Table::Matrix(r) => r.len(),
            Table::Convergence(r) => r.len(),
            Table::Quotes(r) => r.len(),
            Table::Sources(r) => r.len(),
            Table::NonProposals(r) => r.len(),
            Table::Methods(r) => r.len(),
            Table::Tensions(r) => r.len(),
        }
    }

    /// Whether it has no rows.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The cells people read (terminal, Markdown).
    pub fn listing(&self) -> Listing {
        cells::listing(self)
    }

    /// The typed columns of spreadsheets (CSV, XLSX).
    pub fn sheet(&self) -> Sheet {
        cells::sheet(self)
    }

    /// The rows of the JSON report.
    pub fn json_rows(&self) -> serde_json::Result<Value> {
        match self {
            Table::Recommendations(r) => serde_json::to_value(r),
            Table::Themes(t) => serde_json::to_value(&t.rows),
            Table::Matrix(r) => serde_json::to_value(r),
            Table::Convergence(r) => serde_json::to_value(r),
            Table::Quotes(r) => serde_json::to_value(r),
            Table::Sources(r) => serde_json::to_value(r),
            Table::NonProposals(r) => serde_json::to_value(r),
            Table::Methods(r) => serde_json::to_value(r),
            Table::Tensions(r) => serde_json::to_value(r),
        }
    }

    /// The recommendations, when this is that table.
    pub fn recommendations(&self) -> &[RecommendationLine] {
        match self {
            Table::Recommendations(r) => r,
            _ => &[],
        }
    }
}

/// Builds one table from the stored tables.
pub fn build(kind: Kind, input: &Input, filter: &Filter) -> Table {
    match kind {
        Kind::Recommendations => {
            Table::Recommendations(lines::recommendations(input.recommendations, filter))
        }
        Kind::Themes => Table::Themes(lines::themes(input.convergence, input.matrix, filter)),
        Kind::Matrix => Table::Matrix(lines::matrix(input.matrix, filter)),
        Kind::Convergence => Table::Convergence(lines::convergence(input.convergence, filter)),
        Kind::Quotes => Table::Quotes(lines::quotes(input.quotes, filter)),
        Kind::Sources => Table::Sources(lines::sources(input.sources, filter)),
        Kind::NonProposals => {
            Table::NonProposals(lines::non_proposals(input.non_proposals, filter))
        }
        Kind::Methods => Table::Methods(lines::methods(input.method_items, filter)),
        Kind::Tensions => Table::Tensions(lines::tensions(input.tensions, filter)),
    }
}

/// Terminal tables; with several, each under its title. With `colour`,
/// headers are bold and full support is green (ANSI escapes).
pub fn to_table(tables: &[Table], width: u16, colour: bool) -> String {
    let mut out = String::new();
    for (i, t) in tables.iter().enumerate() {
        if tables.len() > 1 {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(t.kind().title());
            out.push('\n');
        }
        out.push_str(&terminal::fitted(&t.listing(), width, colour));
    }
    out
}

/// A listing as a terminal table fitted to `width` (text columns wrap,
/// group lists are cut to their first names, the least important columns
/// hide when the terminal is narrow).
pub fn fit(l: &crate::render::listing::Listing, width: u16, colour: bool) -> String {
    terminal::fitted(l, width, colour)
}

/// GitHub pipe tables; with several, each under a `## Title` heading.
pub fn to_markdown(tables: &[Table]) -> String {
    let mut out = String::new();
    for (i, t) in tables.iter().enumerate() {
        if tables.len() > 1 {
            if i > 0 {
                out.push('\n');
            }
            out.push_str(&format!("## {}\n\n", t.kind().title()));
        }
        out.push_str(&markdown::table(&t.listing()));
    }
    out
}

/// One table as CSV (see [`Sheet::write_csv`]).
pub fn to_csv(table: &Table) -> std::io::Result<Vec<u8>> {
    let mut out = Vec::new();
    table.sheet().write_csv(&mut out)?;
    Ok(out)
}

/// The JSON report (see the module doc).
pub fn to_json(study: &str, tables: &[Table]) -> serde_json::Result<Vec<u8>> {
    let mut map = Map::new();
    for t in tables {
        map.insert(t.kind().name().to_owned(), t.json_rows()?);
    }
    let mut out = serde_json::to_vec_pretty(&json!({
        "schema": SCHEMA,
        "study": study,
        "tables": map,
    }))?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthesis::convergence::ConvergenceRow;
    use crate::synthesis::matrix::MatrixRow;
    use crate::synthesis::recommendations::RecommendationRow;

    pub(super) fn recs() -> Vec<RecommendationRow> {
        vec![
            RecommendationRow {
                rank: 1,
                rec_id: "R001".into(),
                wording: "Baisser | le loyer".into(),
                groups: vec!["Lille".into(), "Marseille".into()],
                support: 2,
                groups_total: 3,
                votes_total: Some(9),
                priority: Some("haute".into()),
                codes: vec!["cout".into(), "cout.loyer".into()],
                evidence_segments: 12,
                has_owner: true,
                has_target: true,
                ..RecommendationRow::default()
            },
            RecommendationRow {
                rank: 2,
                rec_id: "R002".into(),
                wording: "=HYPERLINK(\"x\")".into(),
                groups: vec!["Lille".into()],
                support: 1,
                groups_total: 3,
                codes: vec!["lien".into()],
                evidence_segments: 3,
                ..RecommendationRow::default()
            },
        ]
    }

    fn rec_table(f: &Filter) -> Table {
        let recs = recs();
        let input = Input {
            recommendations: &recs,
            convergence: &[],
            matrix: &[],
            quotes: &[],
            sources: &[],
            non_proposals: &[],
            method_items: &[],
            tensions: &[],
        };
        build(Kind::Recommendations, &input, f)
    }

    #[test]
    fn recommendations_for_people_and_programs() {
        let t = rec_table(&Filter::default());
        let l = t.listing();
        assert_eq!(l.rows[0][4].as_deref(), Some("2/3"));
        assert_eq!(l.rows[0][8].as_deref(), Some("✓"));
        assert_eq!(l.rows[0][10].as_deref(), Some("–"));
        let rows = t.json_rows().unwrap();
        assert_eq!(rows[0]["support"], 2);
        assert_eq!(rows[0]["votes_total"], 9);
        assert_eq!(rows[1]["votes_total"], Value::Null);
        assert_eq!(rows[0]["actionable"], false);
        assert_eq!(rows[0]["groups"], json!(["Lille", "Marseille"]));
    }

    #[test]
    fn filters_by_group_and_code_subtree() {
        let f = Filter {
            group: Some("Marseille".into()),
            code: None,
        };
        assert_eq!(rec_table(&f).len(), 1);
        let f = Filter {
            group: None,
            code: Some("cout".into()),
        };
        let t = rec_table(&f);
        assert_eq!(t.recommendations()[0].id, "R001");
        assert_eq!(t.len(), 1);
        assert!(lines::is_under("cout.loyer", "cout"));
        assert!(!lines::is_under("couture", "cout"));
    }

    fn conv(n: u32, class: &str) -> Vec<ConvergenceRow> {
        vec![ConvergenceRow {
            code: "cout".into(),
            label: "Coût".into(),
            groups_raised: 1,
            groups_total: n,
            class: class.into(),
            ..ConvergenceRow::default()
        }]
    }

    fn cell(group: &str, p: Option<f64>, s: Option<f64>) -> MatrixRow {
        MatrixRow {
            code: "cout".into(),
            group: group.into(),
            participant_share: p,
            segment_share: s,
            ..MatrixRow::default()
        }
    }

    #[test]
    fn themes_have_one_share_column_per_group() {
        let matrix = vec![
            cell("Marseille", Some(0.5), Some(0.2)),
            cell("Lille", None, Some(0.0)),
        ];
        let t = Table::Themes(lines::themes(
            &conv(2, "one group"),
            &matrix,
            &Filter::default(),
        ));
        let l = t.listing();
        assert_eq!(l.columns[4..], ["Lille", "Marseille"]);
        assert_eq!(l.rows[0][4], None);
        assert_eq!(l.rows[0][5].as_deref(), Some("50%"));
        let rows = t.json_rows().unwrap();
        assert_eq!(rows[0]["participant_share"]["Marseille"], 0.5);
        assert_eq!(rows[0]["participant_share"]["Lille"], Value::Null);
        // The spreadsheet columns: participant shares headed by the group,
        // then the segment shares.
        let names: Vec<String> = t.sheet().columns.into_iter().map(|c| c.name).collect();
        assert_eq!(
            names[5..],
            [
                "Lille",
                "Marseille",
                "Lille (segment share)",
                "Marseille (segment share)"
            ]
        );
    }

    #[test]
    fn without_participants_themes_show_segment_shares() {
        let matrix = vec![cell("Lille", None, Some(0.25))];
        let t = Table::Themes(lines::themes(
            &conv(1, "all groups"),
            &matrix,
            &Filter::default(),
        ));
        assert_eq!(t.listing().rows[0][4].as_deref(), Some("25%"));
        let rows = t.json_rows().unwrap();
        assert_eq!(rows[0]["participant_share"]["Lille"], Value::Null);
        assert_eq!(rows[0]["segment_share"]["Lille"], 0.25);
    }

    #[test]
    fn json_has_schema_and_tables() {
        let t = rec_table(&Filter::default());
        let v: Value = serde_json::from_slice(&to_json("T", &[t]).unwrap()).unwrap();
        assert_eq!(v["schema"], SCHEMA);
        assert_eq!(v["study"], "T");
        assert_eq!(v["tables"]["recommendations"][1]["id"], "R002");
    }

    #[test]
    fn csv_numbers_parse_as_numbers() {
        let t = rec_table(&Filter::default());
        let csv = String::from_utf8(to_csv(&t).unwrap()).unwrap();
        let mut r = csv::Reader::from_reader(csv.as_bytes());
        let headers = r.headers().unwrap().clone();
        let at = |name: &str| headers.iter().position(|h| h == name).unwrap();
        let rows: Vec<csv::StringRecord> = r.records().map(Result::unwrap).collect();
        assert_eq!(rows[0][at("support")].parse::<u32>().unwrap(), 2);
        assert_eq!(rows[0][at("groups_total")].parse::<u32>().unwrap(), 3);
        assert_eq!(rows[0][at("votes_total")].parse::<i64>().unwrap(), 9);
        assert!(rows[0][at("has_owner")].parse::<bool>().unwrap());
        assert_eq!(&rows[1][at("votes_total")], "");
        // Formula-like text is neutralised.
        assert_eq!(&rows[1][at("recommendation")], "'=HYPERLINK(\"x\")");
    }

    #[test]
    fn terminal_table_fits_and_keeps_numbers_whole() {
        let t = rec_table(&Filter::default());
        let s = to_table(std::slice::from_ref(&t), 80, false);
        assert!(s.lines().all(|l| l.chars().count() <= 80), "{s}");
        assert!(!s.contains('\x1b'), "{s}");
        let coloured = to_table(&[t], 80, true);
        assert!(coloured.contains("\x1b["), "{coloured}");
        assert!(s.contains("┆ k/n ┆") && s.contains("┆ 2/3 ┆"), "{s}");
    }

    #[test]
    fn narrow_terminals_hide_minor_columns_and_say_so() {
        let t = rec_table(&Filter::default());
        let wide = to_table(std::slice::from_ref(&t), 140, false);
        assert!(!wide.contains("hidden"), "{wide}");
        let narrow = to_table(std::slice::from_ref(&t), 72, false);
        assert!(narrow.lines().all(|l| l.chars().count() <= 72), "{narrow}");
        assert!(
            narrow.contains("(hidden: act, stance, due, tgt, own"),
            "{narrow}"
        );
        assert!(!narrow.contains("┆ due ┆"), "{narrow}");
        // The wording keeps a readable width.
        let first = narrow.lines().find(|l| l.contains("R001")).unwrap();
        assert!(first.contains("Baisser | le loyer"), "{narrow}");
    }
}
