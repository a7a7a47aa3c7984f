//! How one source is imported: the options recorded in the manifest for
//! each file, and the pure step from file bytes to parsed segments.

use serde::{Deserialize, Serialize};

use super::decode::encoding_for_label;
use super::error::ParseError;
use super::grid::{self, ColumnMap, GridFormat, GridKind, GridOptions};
use super::ingest::role_key;
use super::method::Method;
use super::model::{RawSegment, Role, SourceKind};
use super::transcript::{self, TranscriptFormat, TranscriptOptions};
use std::collections::BTreeMap;

/// Grid columns mapped by name (recommendations and sticky notes).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ColumnSpec {
    /// Column holding votes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub votes: Option<String>,
    /// Column holding the priority.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub priority: Option<String>,
    /// Column holding the owner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    /// Column holding the deadline.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<String>,
    /// Column holding the indicator.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indicator: Option<String>,
    /// Column holding a sticky note's frame or area.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub frame: Option<String>,
    /// Column holding a sticky note's colour.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub colour: Option<String>,
}

impl ColumnSpec {
    /// Whether no column is mapped.
    pub fn is_empty(&self) -> bool {
        *self == ColumnSpec::default()
    }
}

/// One `[[sources]]` entry of `study.toml`: a file and how to read it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceSpec {
    /// Stable id; derived from the group and file name when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// The file, relative to the study directory (or absolute).
    pub path: String,
    /// `transcript` or `grid`.
    pub kind: String,
    /// The group of every segment (unless `group_column` is set).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<String>,
    /// The session (meeting) the file records.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub session: Option<String>,
    /// Language code; the study's language when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub lang: Option<String>,
    /// Input format; detected when absent or `auto`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Text encoding; detected when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub encoding: Option<String>,
    /// CSV delimiter (`,` `;` `tab` `|`); sniffed when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub delimiter: Option<String>,
    /// Spreadsheet sheet; the first one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sheet: Option<String>,
    /// `observations`, `recommendations` or `notes` (grids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grid_kind: Option<String>,
    /// The workshop method the grid is (`swot`, `empathy`, `journey`,
    /// `brainstorm`, or one of the study's `[methods]`): its parts come
    /// from the grid's columns, sheets or frames.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub method: Option<String>,
    /// The definition of `method` when it is one of the study's own,
    /// filled from `[methods]` when the manifest is read (not written).
    #[serde(skip)]
    pub method_def: Option<Method>,
    /// Columns whose cells become segments (grids); chosen when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub text_columns: Vec<String>,
    /// Column naming the participant of each row (grids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub participant_column: Option<String>,
    /// Column naming the group of each row (grids).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_column: Option<String>,
    /// Speaker column of a tabular transcript.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub speaker_column: Option<String>,
    /// Text column of a tabular transcript.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub text_column: Option<String>,
    /// Column holding each row's id (a turn id, a meeting id): kept as the
    /// segment's key, which human codings and `--explain` join on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub id_column: Option<String>,
    /// Column holding each row's speaker role (participant, interviewer,
    /// facilitator, or a common name of one: animatrice, moderator…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub role_column: Option<String>,
    /// Roles by speaker name: `{ RA = "interviewer" }`.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub roles: BTreeMap<String, String>,
    /// Split cells holding several items into one segment each.
    #[serde(default, skip_serializing_if = "is_false")]
    pub split_items: bool,
    /// Replace participant names by pseudonyms.
    #[serde(default, skip_serializing_if = "is_false")]
    pub pseudonymize: bool,
    /// Recommendation and sticky-note columns mapped by name.
    #[serde(default, skip_serializing_if = "ColumnSpec::is_empty")]
    pub columns: ColumnSpec,
    /// `sha256:` digest of the file when it was imported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hash: Option<String>,
}

fn is_false(b: &bool) -> bool {
    !*b
}

/// A source entry whose options cannot be used; each names the key of
/// the entry (`study.toml`) or the flag of `import` that holds the value.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// `kind` is neither transcript nor grid.
    #[error("unknown kind {0:?}; expected \"transcript\" or \"grid\"")]
    Kind(String),
    /// Neither `group` nor `group_column`.
    #[error("no group: give `group` (or `group_column` for a grid)")]
    NoGroup,
    /// Both `group` and `group_column`.
    #[error("give `group` or `group_column`, not both")]
    BothGroups,
    /// `group_column` on a transcript.
    #[error("`group_column` applies to grids only")]
    GroupColumnOnTranscript,
    /// An unknown transcript format.
    #[error("unknown transcript format {0:?}; expected auto, txt, vtt, srt, docx, csv or qdpx")]
    TranscriptFormat(String),
    /// An unknown grid format.
    #[error("unknown grid format {0:?}; expected auto, csv, xlsx, ods or miro")]
    GridFormat(String),
    /// An unknown grid kind.
    #[error("unknown grid kind {0:?}; expected observations, recommendations or notes")]
    GridKind(String),
    /// An unknown text encoding.
    #[error("unknown encoding {0:?}; expected e.g. utf-8, utf-16, windows-1252, latin1")]
    Encoding(String),
    /// A role that is none of participant, interviewer, facilitator.
    #[error("unknown role {0:?}; expected participant, interviewer or facilitator")]
    Role(String),
    /// A method that is neither built in nor defined by the study.
    #[error(
        "unknown method {0:?}; expected swot, empathy, journey, brainstorm, or a method defined under [methods] in study.toml"
    )]
    Method(String),
    /// `method` on a transcript.
    #[error("`method` applies to grids only")]
    MethodOnTranscript,
    /// A delimiter that is not one ASCII character.
    #[error("unusable delimiter {0:?}; expected one ASCII character or \"tab\"")]
    Delimiter(String),
}

impl SpecError {
    /// The key of the source entry that holds the offending value.
    pub fn key(&self) -> &'static str {
        match self {
            SpecError::Kind(_) => "kind",
            SpecError::NoGroup | SpecError::BothGroups => "group",
            SpecError::GroupColumnOnTranscript => "group_column",
            SpecError::TranscriptFormat(_) | SpecError::GridFormat(_) => "format",
            SpecError::GridKind(_) => "grid_kind",
            SpecError::Encoding(_) => "encoding",
            SpecError::Delimiter(_) => "delimiter",
            SpecError::Role(_) => "roles",
            SpecError::Method(_) | SpecError::MethodOnTranscript => "method",
        }
    }
}

/// The result of reading one source file.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedSource {
    /// The format that was read (`txt`, `vtt`, `csv`, `xlsx`…).
    pub format: &'static str,
    /// The text encoding detected, for text formats.
    pub encoding: Option<&'static str>,
    /// The segments, in file order.
    pub segments: Vec<RawSegment>,
}

impl SourceSpec {
    /// The source kind, checked.
    pub fn source_kind(&self) -> Result<SourceKind, SpecError> {
        SourceKind::parse(&self.kind).ok_or_else(|| SpecError::Kind(self.kind.clone()))
    }

    /// Checks the options without reading the file: known words, and a
    /// group given one way or the other.
    pub fn validate(&self) -> Result<(), SpecError> {
        let kind = self.source_kind()?;
        match (&self.group, &self.group_column) {
            (None, None) => return Err(SpecError::NoGroup),
            (Some(_), Some(_)) => return Err(SpecError::BothGroups),
            _ => {}
        }
        if kind == SourceKind::Transcript && self.group_column.is_some() {
            return Err(SpecError::GroupColumnOnTranscript);
        }
        if kind == SourceKind::Transcript && self.method.is_some() {
            return Err(SpecError::MethodOnTranscript);
        }
        self.role_map()?;
        match kind {
            SourceKind::Transcript => self.transcript_options().map(|_| ()),
            SourceKind::Grid => self.grid_options().map(|_| ()),
        }
    }

    /// The roles given by name, keyed as the ingester looks them up.
    pub fn role_map(&self) -> Result<BTreeMap<String, Role>, SpecError> {
        self.roles
            .iter()
            .map(|(name, role)| {
                Role::parse(role)
                    .map(|r| (role_key(name), r))
                    .ok_or_else(|| SpecError::Role(role.clone()))
            })
            .collect()
    }

    /// Options for the transcript parser.
    pub fn transcript_options(&self) -> Result<TranscriptOptions, SpecError> {
        let format = match self.format.as_deref() {
            None => TranscriptFormat::Auto,
            Some(f) => TranscriptFormat::parse(f)
                .ok_or_else(|| SpecError::TranscriptFormat(f.to_owned()))?,
        };
        Ok(TranscriptOptions {
            format,
            encoding: self.encoding()?,
            speaker_column: self.speaker_column.clone(),
            text_column: self.text_column.clone(),
            id_column: self.id_column.clone(),
            role_column: self.role_column.clone(),
        })
    }

    /// Options for the grid parser.
    pub fn grid_options(&self) -> Result<GridOptions, SpecError> {
        let format = match self.format.as_deref() {
            None => GridFormat::Auto,
            Some(f) => GridFormat::parse(f).ok_or_else(|| SpecError::GridFormat(f.to_owned()))?,
        };
        let kind = match self.grid_kind.as_deref() {
            None => GridKind::Observations,
            Some(k) => GridKind::parse(k).ok_or_else(|| SpecError::GridKind(k.to_owned()))?,
        };
        let c = &self.columns;
        let method = match &self.method {
            None => None,
            Some(name) => Some(
                self.method_def
                    .clone()
                    .filter(|m| &m.name == name)
                    .or_else(|| Method::builtin(name))
                    .ok_or_else(|| SpecError::Method(name.clone()))?,
            ),
        };
        Ok(GridOptions {
            method,
            format,
            kind,
            sheet: self.sheet.clone(),
            text_columns: self.text_columns.clone(),
            participant_column: self.participant_column.clone(),
            group_column: self.group_column.clone(),
            id_column: self.id_column.clone(),
            role_column: self.role_column.clone(),
            split_items: self.split_items,
            delimiter: self.delimiter()?,
            encoding: self.encoding()?,
            columns: ColumnMap {
                votes: c.votes.clone(),
                priority: c.priority.clone(),
                owner: c.owner.clone(),
                deadline: c.deadline.clone(),
                indicator: c.indicator.clone(),
                frame: c.frame.clone(),
                colour: c.colour.clone(),
            },
        })
    }

    fn encoding(&self) -> Result<Option<&'static encoding_rs::Encoding>, SpecError> {
        match self.encoding.as_deref() {
            None => Ok(None),
            Some(l) => encoding_for_label(l)
                .map(Some)
                .ok_or_else(|| SpecError::Encoding(l.to_owned())),
        }
    }

    fn delimiter(&self) -> Result<Option<u8>, SpecError> {
        match self.delimiter.as_deref() {
            None => Ok(None),
            Some("tab" | "\\t" | "\t") => Ok(Some(b'\t')),
            Some(d) if d.len() == 1 && d.is_ascii() => Ok(Some(d.as_bytes()[0])),
            Some(d) => Err(SpecError::Delimiter(d.to_owned())),
        }
    }

    /// Reads the file's bytes into segments, with this entry's options.
    /// `file_name` only lends its extension to format detection.
    pub fn parse(&self, file_name: &str, bytes: &[u8]) -> Result<ParsedSource, ParseError> {
        let mut segments = Vec::new();
        let (format, encoding) = self.parse_into(file_name, bytes, &mut |s| {
            segments.push(s);
            Ok(())
        })?;
        Ok(ParsedSource {
            format,
            encoding,
            segments,
        })
    }

    /// Reads the file, handing each segment to `sink` in file order (grids
    /// stream; transcripts are small and parsed whole). Returns the format
    /// read and the encoding detected. A file with no segment is an error.
    pub fn parse_into(
        &self,
        file_name: &str,
        bytes: &[u8],
        sink: &mut dyn FnMut(RawSegment) -> Result<(), ParseError>,
    ) -> Result<(&'static str, Option<&'static str>), ParseError> {
        let kind = self
            .source_kind()
            .map_err(|e| ParseError::file(e.to_string()))?;
        let mut count = 0usize;
        let mut counted = |s: RawSegment| {
            count += 1;
            sink(s)
        };
        let read = match kind {
            SourceKind::Transcript => {
                let opts = self
                    .transcript_options()
                    .map_err(|e| ParseError::file(e.to_string()))?;
                let t = transcript::parse_transcript(file_name, bytes, &opts)?;
                for s in t.segments {
                    counted(s)?;
                }
                (t.format.as_str(), t.encoding)
            }
            SourceKind::Grid => {
                let opts = self
                    .grid_options()
                    .map_err(|e| ParseError::file(e.to_string()))?;
                let g = grid::parse_grid_into(file_name, bytes, &opts, &mut counted)?;
                (g.format.as_str(), g.encoding)
            }
        };
        no_text(kind, count)?;
        Ok(read)
    }

    /// [`SourceSpec::parse_into`] on a file read as a stream, `head` its
    /// first bytes and `rest` the others: only CSV grids stream; `None`
    /// when this file has to be read whole (see [`grid::Streamed`]), in
    /// which case `sink` may have been given segments to drop.
    pub fn parse_stream_into(
        &self,
        file_name: &str,
        head: &[u8],
        rest: impl std::io::Read + Send,
        sink: &mut dyn grid::RowSink,
    ) -> Result<Option<(&'static str, Option<&'static str>)>, ParseError> {
        let kind = self
            .source_kind()
            .map_err(|e| ParseError::file(e.to_string()))?;
        if kind != SourceKind::Grid {
            return Ok(None);
        }
        let opts = self
            .grid_options()
            .map_err(|e| ParseError::file(e.to_string()))?;
        let mut counted = Counted { sink, count: 0 };
        match grid::stream_grid_into(file_name, head, rest, &opts, &mut counted)? {
            grid::Streamed::Whole => Ok(None),
            grid::Streamed::Read(g) => {
                no_text(kind, counted.count)?;
                Ok(Some((g.format.as_str(), g.encoding)))
            }
        }
    }
}

/// A row sink that counts the segments it is given.
struct Counted<'s> {
    sink: &'s mut dyn grid::RowSink,
    count: usize,
}

impl grid::RowSink for Counted<'_> {
    fn row(&mut self, row: grid::GridRow<'_>) -> Result<(), ParseError> {
        self.count += row.items().len();
        self.sink.row(row)
    }
}

/// A file that gave no segment is an error.
fn no_text(kind: SourceKind, count: usize) -> Result<(), ParseError> {
    if count == 0 {
        return Err(ParseError::file(match kind {
            SourceKind::Transcript => {
                "no text found; expected at least one speaker turn or paragraph"
            }
            SourceKind::Grid => {
                "no text found; expected at least one non-empty cell in the text columns"
            }
        }));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn manifest_entry_round_trips_through_toml() {
        let spec = SourceSpec {
            path: "lille/grille.csv".into(),
            kind: "grid".into(),
            group: Some("Lille".into()),
            grid_kind: Some("recommendations".into()),
            text_columns: vec!["Idées".into()],
            split_items: true,
            columns: ColumnSpec {
                votes: Some("Voix".into()),
                ..Default::default()
            },
            ..Default::default()
        };
        let text = toml::to_string(&spec).unwrap();
        assert!(!text.contains("pseudonymize"), "{text}");
        let back: SourceSpec = toml::from_str(&text).unwrap();
        assert_eq!(back, spec);
        assert!(spec.validate().is_ok());
    }

    #[test]
    fn validation_messages() {
        let mut spec = SourceSpec {
            path: "a.txt".into(),
            kind: "transcrit".into(),
            group: Some("G".into()),
            ..Default::default()
        };
        assert!(
            spec.validate()
                .unwrap_err()
                .to_string()
                .contains("unknown kind")
        );
        spec.kind = "transcript".into();
        spec.group = None;
        assert!(
            spec.validate()
                .unwrap_err()
                .to_string()
                .contains("no group")
        );
        spec.group = Some("G".into());
        spec.encoding = Some("klingon".into());
        assert!(
            spec.validate()
                .unwrap_err()
                .to_string()
                .contains("unknown encoding")
        );
        spec.encoding = None;
        spec.method = Some("swot".into());
        assert_eq!(spec.validate(), Err(SpecError::MethodOnTranscript));
        spec.kind = "grid".into();
        assert_eq!(spec.validate(), Ok(()));
        spec.method = Some("retro".into());
        assert_eq!(spec.validate(), Err(SpecError::Method("retro".into())));
        spec.method_def = crate::corpus::method::Method::builtin("brainstorm").map(|mut m| {
            m.name = "retro".into();
            m
        });
        assert_eq!(spec.validate(), Ok(()));
    }
}
