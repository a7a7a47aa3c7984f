//! Transcript parsing (filled by the transcript work).
