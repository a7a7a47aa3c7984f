//! The command line: clap derive only, one Args struct per subcommand.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// Qualitative study analysis across working groups: import transcripts and
/// grids, code them with a codebook, synthesise across groups, report.
#[derive(Debug, Parser)]
#[command(
    name = "qualsynth",
    version,
    after_help = "Pipeline: init -> import transcript|grid -> code -> synthesize -> report; run does it all from study.toml.\nExit codes: 0 ok, 1 bad input or runtime error, 2 usage error."
)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
    /// No progress, notes or warnings on stderr (errors still show).
    #[arg(long, short, global = true, help_heading = "Global options")]
    pub quiet: bool,
    /// List every warning in full, even when many are alike.
    #[arg(
        long,
        short,
        global = true,
        conflicts_with = "quiet",
        help_heading = "Global options"
    )]
    pub verbose: bool,
}

/// The subcommands, in pipeline order.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once; boxing would only obscure clap
pub enum Command {
    /// Create a study: writes DIR/study.toml.
    Init(InitArgs),
    /// Import transcripts, grids, REFI-QDA projects or a human coder's codes into a study.
    #[command(subcommand)]
    Import(ImportCommand),
    /// List imported segments.
    Segments(SegmentsArgs),
    /// Summarise a study: groups, sources, participants, segments.
    Status(StatusArgs),
    /// Check, show or convert a codebook.
    #[command(subcommand)]
    Codebook(CodebookCommand),
    /// Code a study's segments with a codebook, or code a file to stdout.
    Code(CodeArgs),
    /// Keyword in context: show where a term, rule or code matches.
    Kwic(KwicArgs),
    /// Agreement between coders (the automatic coder `auto` and human
    /// coders): percent agreement, Cohen's kappa, Krippendorff's alpha,
    /// precision, recall and F1 against a reference coder.
    Agree(AgreeArgs),
    /// Words and phrases a reference coder's segments of a code hold more
    /// than the others, and the code's rules do not match yet (log-likelihood
    /// keyness), ready to paste into the codebook.
    Suggest(SuggestArgs),
    /// Export a study for other tools: a REFI-QDA project (.qdpx), or the 0/1 code presence table.
    #[command(subcommand)]
    Export(ExportCommand),
    /// Synthesise across groups: theme matrix, convergence, co-occurrence,
    /// divergence, quotes, merged recommendations.
    Synthesize(SynthesizeArgs),
    /// Write the merged recommendations' members as a file to correct them
    /// in a spreadsheet (merge, split, reword, set aside); every later
    /// synthesis applies it.
    Curate(CurateArgs),
    /// Report the synthesis: terminal tables, Markdown, CSV, JSON, an Excel
    /// workbook or the HTML board report.
    Report(ReportArgs),
    /// Run the whole study from study.toml: import, code, synthesise, write
    /// the reports; stages whose inputs are unchanged are skipped.
    Run(RunArgs),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell).
    Completions(CompletionsArgs),
    /// Print the manual page (roff), or write one per command into a folder.
    Man(ManArgs),
}

/// `qualsynth completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// `qualsynth man`.
#[derive(Debug, Args)]
pub struct ManArgs {
    /// Write `qualsynth.1` and one page per command (`qualsynth-run.1`…)
    /// into this folder instead of printing the main page.
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
}

/// `qualsynth codebook …`.
#[derive(Debug, Subcommand)]
pub enum CodebookCommand {
    /// Report errors and warnings with file:line:col; exit 1 on errors.
    Check(CodebookCheckArgs),
    /// Print the code tree with rule counts.
    Show(CodebookShowArgs),
    /// Convert between formats, by extension (.toml, .csv, .qdc; reads also
    /// .dic, .dicx, .yml/.yaml, .cat, .lc3).
    Convert(CodebookConvertArgs),
}

/// `qualsynth codebook check`.
#[derive(Debug, Args)]
pub struct CodebookCheckArgs {
    /// The codebook file.
    pub file: PathBuf,
    /// Also count the segments of this study each rule matches, in one
    /// table (rules that match nothing marked).
    #[arg(long, value_name = "DIR")]
    pub study: Option<PathBuf>,
    /// Format of the rule hits (default: table on a terminal, CSV
    /// otherwise); CSV and JSON hold every rule.
    #[arg(long, value_enum, requires = "study")]
    pub format: Option<ListFormat>,
}

/// `qualsynth codebook show`.
#[derive(Debug, Args)]
pub struct CodebookShowArgs {
    /// The codebook file.
    pub file: PathBuf,
}

/// `qualsynth codebook convert`.
#[derive(Debug, Args)]
pub struct CodebookConvertArgs {
    /// The codebook to read.
    pub input: PathBuf,
    /// The file to write (.toml, .csv or .qdc).
    pub output: PathBuf,
}

/// Output of `code FILE`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CodeFormat {
    /// CSV with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// `qualsynth code`.
#[derive(Debug, Args)]
pub struct CodeArgs {
    /// A CSV/TSV/JSONL or plain-text file to code to stdout (no study).
    pub file: Option<PathBuf>,
    /// The codebook (default: the study's, from study.toml).
    #[arg(long, short, value_name = "FILE")]
    pub codebook: Option<PathBuf>,
    /// The study directory.
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub study: PathBuf,
    /// Document id column of FILE.
    #[arg(long, value_name = "COL")]
    pub id_column: Option<String>,
    /// Text column of FILE.
    #[arg(long, value_name = "COL")]
    pub text_column: Option<String>,
    /// Language of FILE's documents (default: the codebook's).
    #[arg(long)]
    pub lang: Option<String>,
    /// One row per document and one column per code, instead of codings.
    #[arg(long)]
    pub counts: bool,
    /// Output format for FILE.
    #[arg(long, value_enum, default_value = "csv")]
    pub format: CodeFormat,
    /// How far a code found in a turn reaches, recorded in study.toml: turn (default),
    /// window:N (N turns either way in the same source) or exchange (from the interviewer's or
    /// facilitator's question to the next). `qualsynth agree --window/--exchange` measures it first.
    #[arg(long, value_name = "UNIT", value_parser = parse_spread)]
    pub spread: Option<crate::agreement::units::Spread>,
    /// Show which rule matched what in one segment of the study: a segment id, or a row key
    /// (from an import's --id-column; every segment of that row).
    #[arg(long, value_name = "SEGMENT")]
    pub explain: Option<String>,
}

/// `qualsynth kwic`.
#[derive(Debug, Args)]
pub struct KwicArgs {
    /// A term or rule (`loyer`, `partag*`, `~partager`, `loyer NEAR/5 cher`),
    /// or a code id of the codebook.
    pub pattern: String,
    #[command(flatten)]
    pub study: StudyArg,
    /// Codebook giving options (language, accent folding) and code ids.
    #[arg(long, short, value_name = "FILE")]
    pub codebook: Option<PathBuf>,
    /// Characters of context on each side.
    #[arg(long, default_value_t = 40)]
    pub width: usize,
    /// Only this group.
    #[arg(long, short)]
    pub group: Option<String>,
    /// At most this many lines (0 = all).
    #[arg(long, default_value_t = 0)]
    pub limit: usize,
}

/// Where the study lives.
#[derive(Debug, Args)]
pub struct StudyArg {
    /// The study directory (holding study.toml).
    #[arg(long, value_name = "DIR", default_value = ".")]
    pub study: PathBuf,
}

/// `qualsynth init`.
#[derive(Debug, Args)]
pub struct InitArgs {
    /// Directory of the new study (created if missing).
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// The study's title.
    #[arg(long, short)]
    pub title: Option<String>,
    /// Default language of the sources (fr, en, de, nl…).
    #[arg(long, default_value = "fr")]
    pub lang: String,
}

/// `qualsynth import …`.
#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant)] // parsed once; boxing would only obscure clap
pub enum ImportCommand {
    /// Import transcripts: plain text, WebVTT, SRT, DOCX or a CSV of turns.
    Transcript(TranscriptArgs),
    /// Import a grid: CSV/TSV, XLSX or ODS of observations, recommendations or sticky notes, or a Miro board (JSON).
    Grid(GridArgs),
    /// Import a REFI-QDA project (.qdpx from ATLAS.ti, NVivo, MAXQDA, QualCoder): its text
    /// sources as segments, its cases as participants, its codings as codings by a coder per user.
    Qdpx(QdpxImportArgs),
    /// Import a human coder's codes from a table (CSV/TSV, XLSX, ODS): an
    /// imported source itself (rows join by line), or a separate table
    /// with a key column.
    Codes(CodesArgs),
}

/// `qualsynth import qdpx`.
#[derive(Debug, Args)]
pub struct QdpxImportArgs {
    /// The project file.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    /// The working group its sources belong to.
    #[arg(long, short)]
    pub group: String,
    #[command(flatten)]
    pub common: CommonImport,
}

/// `qualsynth import codes`.
#[derive(Debug, Args)]
pub struct CodesArgs {
    /// The table of codes.
    #[arg(value_name = "FILE")]
    pub file: PathBuf,
    #[command(flatten)]
    pub study: StudyArg,
    /// The coder's name (any name but "auto", the automatic coder).
    #[arg(long, value_name = "NAME")]
    pub coder: String,
    /// The column holding each row's codes: ids or labels of the codebook, `;` between them.
    #[arg(long, value_name = "COL")]
    pub codes_column: String,
    /// The column holding each row's key: segment keys (an import's --id-column) or segment ids
    /// (a column named segment_id). Not needed when FILE is a source of the study.
    #[arg(long, value_name = "COL")]
    pub key_column: Option<String>,
    /// A two-column table (label as written, code id) for labels that are not the codebook's.
    #[arg(long, value_name = "FILE")]
    pub map: Option<PathBuf>,
    /// Only segments of this source id (when keys repeat across sources).
    #[arg(long, value_name = "ID")]
    pub source: Option<String>,
    /// Spreadsheet sheet (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
}

/// `turn`, `window:N` or `exchange` of `--spread`.
fn parse_spread(s: &str) -> Result<crate::agreement::units::Spread, String> {
    crate::agreement::units::Spread::parse(s)
        .ok_or_else(|| format!("expected turn, window:N (e.g. window:1) or exchange, not \"{s}\""))
}

/// `NAME=ROLE` of `--role`.
fn parse_role(s: &str) -> Result<(String, String), String> {
    let (name, role) = s
        .rsplit_once('=')
        .ok_or_else(|| format!("expected NAME=ROLE, e.g. \"RA=interviewer\", not \"{s}\""))?;
    let (name, role) = (name.trim(), role.trim());
    if name.is_empty() {
        return Err(format!("no name before = in \"{s}\""));
    }
    match crate::corpus::Role::parse(role) {
        Some(r) => Ok((name.to_owned(), r.as_str().to_owned())),
        None => Err(format!(
            "unknown role \"{role}\"; expected participant, interviewer or facilitator"
        )),
    }
}

/// Units agreement is measured over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum UnitArg {
    /// Each segment (turn, paragraph, grid cell or item).
    Segment,
    /// Each row of a grid or tabular transcript (its key, else its line).
    Row,
    /// Each source file.
    Source,
    /// Each participant.
    Participant,
}

/// `qualsynth agree`.
#[derive(Debug, Args)]
pub struct AgreeArgs {
    #[command(flatten)]
    pub study: StudyArg,
    /// A coder to compare (repeatable; default: every human coder and auto).
    #[arg(long = "coder", value_name = "NAME")]
    pub coders: Vec<String>,
    /// The reference coder for precision, recall and F1 (default: the human coder when one
    /// human coder and auto are compared).
    #[arg(long, value_name = "NAME")]
    pub reference: Option<String>,
    /// The unit agreement is measured over.
    #[arg(long, value_enum, default_value = "segment")]
    pub unit: UnitArg,
    /// A code to compare (repeatable; default: the codes the human coders applied). A coding
    /// counts for its code and the code's ancestors.
    #[arg(long = "code", value_name = "ID")]
    pub codes: Vec<String>,
    /// Spread each automatic code to N neighbouring segments of the same source either way
    /// (human coders code stretches of talk).
    #[arg(
        long,
        value_name = "N",
        default_value_t = 0,
        conflicts_with = "exchange"
    )]
    pub window: usize,
    /// Spread each automatic code to its question-and-answer exchange: from an interviewer's or
    /// facilitator's turn to the next one.
    #[arg(long)]
    pub exchange: bool,
    /// Only this group.
    #[arg(long, short)]
    pub group: Option<String>,
    /// List the false positives (with the rule and the text that fired) and false negatives of
    /// this code.
    #[arg(long, value_name = "CODE")]
    pub explain: Option<String>,
    /// With --explain: at most this many of each (0 = all).
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Output format (default: table on a terminal, CSV otherwise).
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,
}

/// `qualsynth suggest`.
#[derive(Debug, Args)]
pub struct SuggestArgs {
    /// The code.
    #[arg(value_name = "CODE")]
    pub code: String,
    #[command(flatten)]
    pub study: StudyArg,
    /// The reference (human) coder (default: the study's only one).
    #[arg(long, value_name = "NAME")]
    pub reference: Option<String>,
    /// At most this many suggestions.
    #[arg(long, default_value_t = 20)]
    pub limit: usize,
    /// Only words and phrases found at least this many times in the code's segments.
    #[arg(long, default_value_t = 3)]
    pub min_count: u32,
    /// Longest phrase, in words.
    #[arg(long, default_value_t = 3)]
    pub max_words: usize,
    /// Output format (default: table on a terminal, CSV otherwise).
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,
}

/// `qualsynth export …`.
#[derive(Debug, Subcommand)]
pub enum ExportCommand {
    /// The 0/1 presence of each code per segment (or per case), with the keys that join back
    /// (segment id, source, row key, participant), as CSV or Parquet (by extension).
    Presence(PresenceArgs),
    /// A REFI-QDA 1.5 project (.qdpx) for ATLAS.ti, NVivo, MAXQDA or QualCoder: every source as
    /// text, the codebook, every coding by its coder, participants as cases, groups as sets.
    Qdpx(QdpxExportArgs),
}

/// `qualsynth export qdpx`.
#[derive(Debug, Args)]
pub struct QdpxExportArgs {
    /// The project file to write (.qdpx).
    #[arg(value_name = "OUT")]
    pub out: PathBuf,
    #[command(flatten)]
    pub study: StudyArg,
    /// Only this group's sources and codings.
    #[arg(long, short)]
    pub group: Option<String>,
}

/// What a presence table has a row for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PresenceUnit {
    /// One row per segment.
    Segment,
    /// One row per case (participant).
    Case,
}

/// `qualsynth export presence`.
#[derive(Debug, Args)]
pub struct PresenceArgs {
    /// The file to write: .csv or .parquet.
    #[arg(value_name = "OUT")]
    pub out: PathBuf,
    #[command(flatten)]
    pub study: StudyArg,
    /// Rows per segment or per case (participant).
    #[arg(long, value_enum, default_value = "segment")]
    pub unit: PresenceUnit,
    /// Whose codes (default: auto, the automatic coder).
    #[arg(long, value_name = "NAME", default_value = "auto")]
    pub coder: String,
}

/// Options shared by both imports.
#[derive(Debug, Args)]
pub struct CommonImport {
    #[command(flatten)]
    pub study: StudyArg,
    /// The session (meeting) the files record.
    #[arg(long)]
    pub session: Option<String>,
    /// Language of the files (default: the study's).
    #[arg(long)]
    pub lang: Option<String>,
    /// Text encoding (utf-8, utf-16, windows-1252…); detected by default.
    #[arg(long)]
    pub encoding: Option<String>,
    /// Replace participant names by stable pseudonyms, also in the text.
    #[arg(long)]
    pub pseudonymize: bool,
    /// A speaker's role, NAME=ROLE (participant, interviewer, facilitator; repeatable).
    /// Interviewers and facilitators are left out of shares and quotes; labels such as
    /// "Animatrice" or "Interviewer" are recognised without it.
    #[arg(long = "role", value_name = "NAME=ROLE", value_parser = parse_role)]
    pub roles: Vec<(String, String)>,
    /// The column holding each row's speaker role (CSV transcripts and grids).
    #[arg(long, value_name = "COL")]
    pub role_column: Option<String>,
    /// Re-import a file that changed since it was imported, or with other
    /// options.
    #[arg(long, conflicts_with = "add")]
    pub replace: bool,
    /// Import a file already imported once more, as another source read
    /// with these options (e.g. other columns of the same grid).
    #[arg(long)]
    pub add: bool,
}

/// Transcript formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum TranscriptFormatArg {
    /// By extension, then by content.
    Auto,
    /// Plain text with speaker labels.
    Txt,
    /// WebVTT subtitles.
    Vtt,
    /// SubRip subtitles.
    Srt,
    /// Word document.
    Docx,
    /// A CSV/TSV of speaker turns.
    Csv,
    /// The text sources of a REFI-QDA project (.qdpx), without its codings (`import qdpx`
    /// brings those too).
    Qdpx,
}

/// `qualsynth import transcript`.
#[derive(Debug, Args)]
pub struct TranscriptArgs {
    /// Transcript files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The working group the files belong to.
    #[arg(long, short)]
    pub group: String,
    /// Input format.
    #[arg(long, value_enum, default_value = "auto")]
    pub format: TranscriptFormatArg,
    /// Speaker column of a CSV transcript.
    #[arg(long, value_name = "COL")]
    pub speaker_column: Option<String>,
    /// Text column of a CSV transcript.
    #[arg(long, value_name = "COL")]
    pub text_column: Option<String>,
    /// Column of a CSV transcript holding each turn's id, kept as the segment's key (human codings and --explain use it).
    #[arg(long, value_name = "COL")]
    pub id_column: Option<String>,
    #[command(flatten)]
    pub common: CommonImport,
}

/// Grid kinds.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GridKindArg {
    /// Observations or answers (one segment per text cell).
    Observations,
    /// Recommendations, with votes, priority, owner, deadline, indicator.
    Recommendations,
    /// Sticky notes, with frame, author, colour and votes.
    Notes,
}

/// Grid formats.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum GridFormatArg {
    /// By extension, then by content.
    Auto,
    /// CSV or TSV.
    Csv,
    /// Excel workbook.
    Xlsx,
    /// OpenDocument spreadsheet.
    Ods,
    /// A Miro board's items as its REST API returns them (JSON).
    Miro,
}

/// `qualsynth import grid`.
#[derive(Debug, Args)]
#[command(group(clap::ArgGroup::new("grouping").required(true).args(["group", "group_column"])))]
pub struct GridArgs {
    /// Grid files.
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// The working group every row belongs to.
    #[arg(long, short)]
    pub group: Option<String>,
    /// The column naming each row's group.
    #[arg(long, value_name = "COL")]
    pub group_column: Option<String>,
    /// Spreadsheet sheet (default: the first).
    #[arg(long)]
    pub sheet: Option<String>,
    /// A column whose cells become segments (repeatable; default: chosen from the headers). Other columns become attributes, but for long free text.
    #[arg(long = "text-column", value_name = "COL")]
    pub text_columns: Vec<String>,
    /// The column naming each row's participant.
    #[arg(long, value_name = "COL")]
    pub participant_column: Option<String>,
    /// The column holding each row's id, kept as its segments' key (human codings and --explain use it).
    #[arg(long, value_name = "COL")]
    pub id_column: Option<String>,
    /// What the rows hold.
    #[arg(long, value_enum, default_value = "observations")]
    pub kind: GridKindArg,
    /// The workshop method the grid is: swot, empathy, journey, brainstorm, or one defined under [methods] in study.toml; its parts come from the columns, sheets or frames.
    #[arg(long, value_name = "METHOD")]
    pub method: Option<String>,
    /// Split cells holding several items (lines, bullets, ;-lists) into one segment each.
    #[arg(long)]
    pub split_items: bool,
    /// Input format.
    #[arg(long, value_enum, default_value = "auto")]
    pub format: GridFormatArg,
    /// CSV delimiter (one character, or "tab"); sniffed by default.
    #[arg(long)]
    pub delimiter: Option<String>,
    /// Column of votes.
    #[arg(long, value_name = "COL")]
    pub votes_column: Option<String>,
    /// Column of priority.
    #[arg(long, value_name = "COL")]
    pub priority_column: Option<String>,
    /// Column of the owner.
    #[arg(long, value_name = "COL")]
    pub owner_column: Option<String>,
    /// Column of the deadline.
    #[arg(long, value_name = "COL")]
    pub deadline_column: Option<String>,
    /// Column of the indicator.
    #[arg(long, value_name = "COL")]
    pub indicator_column: Option<String>,
    /// Column of a sticky note's frame or area.
    #[arg(long, value_name = "COL")]
    pub frame_column: Option<String>,
    /// Column of a sticky note's colour.
    #[arg(long, value_name = "COL")]
    pub colour_column: Option<String>,
    #[command(flatten)]
    pub common: CommonImport,
}

/// Output formats of listings.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    /// A table fitted to the terminal.
    Table,
    /// CSV with a header row.
    Csv,
    /// A JSON array of objects.
    Json,
}

/// `qualsynth segments`.
#[derive(Debug, Args)]
pub struct SegmentsArgs {
    #[command(flatten)]
    pub study: StudyArg,
    /// Only this group.
    #[arg(long, short)]
    pub group: Option<String>,
    /// Only this source (id or path).
    #[arg(long, short)]
    pub source: Option<String>,
    /// Output format (default: table on a terminal, CSV otherwise).
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,
}

/// `qualsynth status`.
#[derive(Debug, Args)]
pub struct StatusArgs {
    #[command(flatten)]
    pub study: StudyArg,
    /// Output format (default: table).
    #[arg(long, value_enum)]
    pub format: Option<ListFormat>,
}

/// `qualsynth synthesize`.
#[derive(Debug, Args)]
pub struct SynthesizeArgs {
    #[command(flatten)]
    pub study: StudyArg,
    /// Show which segments produced a merged recommendation (`R001`) or a
    /// matrix cell (`CODE@GROUP`).
    #[arg(long, value_name = "ID")]
    pub explain: Option<String>,
    /// Print every theme and recommendation (default: the first 30 themes
    /// and 20 recommendations; the stored tables and reports hold all).
    #[arg(long, conflicts_with = "explain")]
    pub all: bool,
}

/// `qualsynth curate`.
#[derive(Debug, Args)]
pub struct CurateArgs {
    #[command(flatten)]
    pub study: StudyArg,
    /// The curation file, relative to the study (default: the one study.toml
    /// names, else curation.csv); it is then named in study.toml.
    #[arg(long, short, value_name = "FILE")]
    pub out: Option<String>,
    /// Write it again even if it exists (your edits in it are lost).
    #[arg(long)]
    pub force: bool,
}

/// Which report table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportTable {
    /// Merged recommendations, ranked for the board.
    Recommendations,
    /// Themes: convergence and prevalence.
    Themes,
    /// The theme-by-group matrix.
    Matrix,
    /// Convergence of themes across groups.
    Convergence,
    /// Best quotes per theme and group.
    Quotes,
    /// Imported sources.
    Sources,
    /// Recommendation items that propose nothing.
    NonProposals,
    /// Workshop methods (SWOT, empathy map…): each part's items merged across groups.
    Methods,
    /// Themes placed in opposite parts of a method by different groups.
    Tensions,
    /// Every table.
    All,
}

/// Report formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ReportFormat {
    /// A table fitted to the terminal.
    Table,
    /// Markdown pipe tables.
    Markdown,
    /// CSV (one table per file).
    Csv,
    /// JSON, versioned schema.
    Json,
    /// An Excel workbook, a sheet per table (needs --out).
    Xlsx,
    /// A self-contained HTML report for the board (needs --out).
    Html,
}

/// `qualsynth report`.
#[derive(Debug, Args)]
pub struct ReportArgs {
    #[command(flatten)]
    pub study: StudyArg,
    /// The table to report (default: recommendations; every table for
    /// xlsx and html).
    #[arg(long, value_enum)]
    pub table: Option<ReportTable>,
    /// Output format (default: table on a terminal, CSV otherwise).
    #[arg(long, value_enum)]
    pub format: Option<ReportFormat>,
    /// Write to this file (or, for CSV of several tables, this directory).
    #[arg(long, short, value_name = "PATH")]
    pub out: Option<PathBuf>,
    /// Only this group.
    #[arg(long, short)]
    pub group: Option<String>,
    /// Only this code (and its children).
    #[arg(long, short)]
    pub code: Option<String>,
}

/// `qualsynth run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The study directory, or its study.toml.
    #[arg(default_value = ".")]
    pub dir: PathBuf,
    /// Print every row of the board's table (default: the first 20; the
    /// reports hold all).
    #[arg(long)]
    pub all: bool,
}
