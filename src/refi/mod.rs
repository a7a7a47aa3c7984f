//! REFI-QDA 1.5 projects (`.qdpx`): a study written for ATLAS.ti, NVivo,
//! MAXQDA or QualCoder, and their projects read back. Pure: bytes in,
//! bytes or typed projects out.

pub mod read;
pub mod segments;
pub mod write;
