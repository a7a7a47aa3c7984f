//! qualsynth: import transcripts and grids into a study workspace, code them
//! with a codebook, synthesise across working groups, report.

#![forbid(unsafe_code)]

pub mod agreement;
pub mod cli;
pub mod cmd;
pub mod codebook;
pub mod coding;
pub mod corpus;
pub mod exit;
pub mod pipeline;
pub mod refi;
pub mod render;
pub mod rows;
pub mod store;
pub mod synthesis;
pub mod terminal;
