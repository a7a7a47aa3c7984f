//! The corpus data model: what parsers produce before a study assigns ids.

use std::collections::BTreeMap;

/// What kind of unit a segment is; stored as a lower-case word.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum SegmentKind {
    /// A speaker turn of a transcript.
    #[default]
    Turn,
    /// A paragraph of a transcript without speaker labels.
    Paragraph,
    /// A grid cell holding an observation or an answer.
    Observation,
    /// A grid cell holding a recommendation.
    Recommendation,
    /// A sticky note or a free note.
    Note,
}

impl SegmentKind {
    /// The word stored in the workspace tables.
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentKind::Turn => "turn",
            SegmentKind::Paragraph => "paragraph",
            SegmentKind::Observation => "observation",
            SegmentKind::Recommendation => "recommendation",
            SegmentKind::Note => "note",
        }
    }

    /// Parses the stored word back.
    pub fn parse(s: &str) -> Option<Self> {
        Some(match s {
            "turn" => SegmentKind::Turn,
            "paragraph" => SegmentKind::Paragraph,
            "observation" => SegmentKind::Observation,
            "recommendation" => SegmentKind::Recommendation,
            "note" => SegmentKind::Note,
            _ => return None,
        })
    }
}

/// What a participant is in a study: someone whose words are the data,
/// or someone who asks and leads (left out of shares and quotes by
/// default).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub enum Role {
    /// A participant of the group: their words are the data.
    #[default]
    Participant,
    /// Asks the questions of an interview.
    Interviewer,
    /// Leads a group session: facilitator, moderator, chair.
    Facilitator,
}

impl Role {
    /// Every role, in the order outputs list them.
    pub const ALL: [Role; 3] = [Role::Participant, Role::Interviewer, Role::Facilitator];

    /// The word stored in the workspace and written in study.toml.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Participant => "participant",
            Role::Interviewer => "interviewer",
            Role::Facilitator => "facilitator",
        }
    }

    /// A role from its word or a common name of it in French, English or
    /// Dutch (`animatrice`, `moderator`, `enquêteur`, `interviewer`…),
    /// compared without case or accents.
    pub fn parse(word: &str) -> Option<Role> {
        let w = fold_word(word);
        let w = w
            .trim_start_matches("le ")
            .trim_start_matches("la ")
            .trim_start_matches("the ");
        Some(match w {
            "participant" | "participante" | "participants" | "interviewee" | "interviewe"
            | "interviewee e" | "repondant" | "repondante" | "respondent" | "deelnemer"
            | "member" | "membre" => Role::Participant,
            "interviewer" | "intervieweur" | "intervieweuse" | "enqueteur" | "enquetrice"
            | "interviewster" | "interviewer e" => Role::Interviewer,
            "facilitator" | "facilitateur" | "facilitatrice" | "animateur" | "animatrice"
            | "moderator" | "moderateur" | "moderatrice" | "host" | "chair" | "president"
            | "presidente" | "gespreksleider" | "begeleider" => Role::Facilitator,
            _ => return None,
        })
    }

    /// Whether the role's words are left out of shares and quotes unless
    /// the study includes them.
    pub fn leads(self) -> bool {
        self != Role::Participant
    }
}

/// Lower case, accents removed, runs of spaces, `-` and `.` as one space.
fn fold_word(s: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::new();
    for c in s.trim().trim_end_matches(':').nfd() {
        if unicode_normalization::char::is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() || c == '-' || c == '.' || c == '(' || c == ')' {
            if !out.ends_with(' ') && !out.is_empty() {
                out.push(' ');
            }
            continue;
        }
        out.extend(c.to_lowercase());
    }
    out.trim_end().to_owned()
}

/// One unit of text as a parser found it, before the study gives it ids.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct RawSegment {
    /// The group, when the file itself says it (a grid's group column);
    /// `None` means the group given on the command line.
    pub group: Option<String>,
    /// The speaker or author as written in the file (before pseudonymisation).
    pub speaker: Option<String>,
    /// The text, trimmed, never empty.
    pub text: String,
    /// The row or turn id from the source's id column (`--id-column`).
    pub key: Option<String>,
    /// 1-based line of the file where the segment starts (for grids: the
    /// line of the row in a CSV, the row number in a spreadsheet).
    pub line: Option<u64>,
    /// Start time in milliseconds (subtitles, timestamped transcripts).
    pub time_ms: Option<u64>,
    /// The grid column header the text came from.
    pub question: Option<String>,
    /// What the segment is.
    pub kind: SegmentKind,
    /// Votes (recommendations, sticky notes).
    pub votes: Option<i64>,
    /// Priority as written (recommendations).
    pub priority: Option<String>,
    /// Who carries the recommendation.
    pub owner: Option<String>,
    /// When it is due, as written.
    pub deadline: Option<String>,
    /// How success is measured, as written.
    pub indicator: Option<String>,
    /// Other columns of the row that describe this segment (frame, colour…).
    pub attributes: BTreeMap<String, String>,
    /// Other columns of the row that describe the speaker (role, status…).
    pub participant_attributes: BTreeMap<String, String>,
    /// The speaker's role, when the file says it (a role column).
    pub role: Option<Role>,
    /// The workshop method of its source (`swot`, `empathy`…), when the
    /// source is declared as one.
    pub method: Option<String>,
    /// The part of the method it sits in (`strengths`), from its column,
    /// sheet or frame.
    pub part: Option<String>,
}

/// What kind of file a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SourceKind {
    /// Speaker turns or paragraphs.
    Transcript,
    /// A spreadsheet of observations, recommendations or notes.
    Grid,
}

impl SourceKind {
    /// The word stored in the manifest and the tables.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceKind::Transcript => "transcript",
            SourceKind::Grid => "grid",
        }
    }

    /// Parses the stored word back.
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "transcript" => Some(SourceKind::Transcript),
            "grid" => Some(SourceKind::Grid),
            _ => None,
        }
    }
}

/// A segment as stored in the workspace (`data/segments.parquet`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Segment {
    /// `{source_id}:{position}`, stable across rebuilds.
    pub id: String,
    /// The source it comes from.
    pub source_id: String,
    /// The group it belongs to.
    pub group: String,
    /// The session (meeting) it comes from, when known.
    pub session: Option<String>,
    /// The participant who said or wrote it.
    pub participant_id: Option<String>,
    /// 1-based order of the segment within its source.
    pub position: u32,
    /// The row or turn id from the source's id column, when it has one.
    pub key: Option<String>,
    /// 1-based line (or spreadsheet row) in the source file.
    pub line: Option<u64>,
    /// Start time in milliseconds.
    pub time_ms: Option<u64>,
    /// What the segment is.
    pub kind: SegmentKind,
    /// The grid question (column header) it answers.
    pub question: Option<String>,
    /// Language code of the source (`fr`, `en`…).
    pub lang: String,
    /// The text (pseudonymised where the source is).
    pub text: String,
    /// Votes (recommendations, notes).
    pub votes: Option<i64>,
    /// Priority as written.
    pub priority: Option<String>,
    /// Owner as written.
    pub owner: Option<String>,
    /// Deadline as written.
    pub deadline: Option<String>,
    /// Indicator as written.
    pub indicator: Option<String>,
    /// Other attributes, as a JSON object with sorted keys (`{}` when none).
    pub attributes: String,
    /// The workshop method of its source, when declared (`swot`…).
    pub method: Option<String>,
    /// The part of the method it sits in (`strengths`…).
    pub part: Option<String>,
}

/// A participant as stored in the workspace (`data/participants.parquet`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Participant {
    /// `{group-slug}/{name-slug}`.
    pub id: String,
    /// The group the participant spoke in.
    pub group: String,
    /// The name shown in outputs: the pseudonym where pseudonymised.
    pub name: String,
    /// Whether `name` is a pseudonym.
    pub pseudonymized: bool,
    /// What the participant is: participant, interviewer or facilitator.
    pub role: Role,
    /// Attributes from grids (role, status…), as a JSON object.
    pub attributes: String,
    /// Source ids the participant appears in, sorted.
    pub sources: Vec<String>,
}

/// A source as stored in the workspace (`data/sources.parquet`).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Source {
    /// Stable id, also in the manifest.
    pub id: String,
    /// Path as recorded in the manifest (relative to the study directory).
    pub path: String,
    /// `transcript` or `grid`.
    pub kind: String,
    /// The format that was read (`txt`, `vtt`, `csv`, `xlsx`…).
    pub format: String,
    /// The groups its segments belong to, sorted.
    pub groups: Vec<String>,
    /// The session, when given.
    pub session: Option<String>,
    /// Language code.
    pub lang: String,
    /// The text encoding that was detected, for text formats.
    pub encoding: Option<String>,
    /// `sha256:` and the hex digest of the file's bytes.
    pub hash: String,
    /// How many segments it gave.
    pub segments: u32,
}

/// Counts for one group.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct GroupSummary {
    /// The group's name.
    pub group: String,
    /// Sources with at least one segment in the group.
    pub sources: usize,
    /// Participants of the group.
    pub participants: usize,
    /// All segments.
    pub segments: usize,
    /// Transcript turns and paragraphs.
    pub turns: usize,
    /// Grid observations.
    pub observations: usize,
    /// Recommendations.
    pub recommendations: usize,
    /// Sticky notes and notes.
    pub notes: usize,
}
