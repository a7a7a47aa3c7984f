//! qualsynth: import transcripts and grids into a study workspace, code them
//! with a codebook, synthesise across working groups, report.

pub mod cli;
pub mod codebook;
pub mod coding;
pub mod cmd;
pub mod corpus;
pub mod exit;
pub mod render;
pub mod store;
