//! Sources, segments and participants: decoding and parsing of transcripts
//! and grids. Pure: bytes and options in, segments out.

pub mod decode;
pub mod error;
pub mod model;
pub mod zipsafe;

pub use error::{InputError, ParseError};
pub use model::{
    GroupSummary, Participant, RawSegment, Role, Segment, SegmentKind, Source, SourceKind,
};
pub mod grid;
pub mod ingest;
pub mod method;
pub mod pseudonym;
pub mod spec;
pub mod transcript;
