//! Integration tests: one module per subcommand, all through the binary.

mod common;

mod agree;
mod bad_input;
mod code;
mod code_study;
mod codebook;
mod crash;
mod curate;
mod help;
mod html;
mod import_grid;
mod import_transcript;
mod init;
mod limits;
mod pipes;
mod pseudonymize;
mod refi;
mod report;
mod roles;
mod run;
mod segments;
mod synthesize;
mod workspace;
