//! Wiring: each subcommand turns its arguments into options, reads, calls
//! the core, writes. Small files; logic lives in the core modules.

mod import;
mod init;
mod output;
mod run;
mod segments;
mod status;

use crate::cli::{Cli, Command, ImportCommand};

/// Runs the parsed command line.
pub fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Init(a) => init::run(a),
        Command::Import(ImportCommand::Transcript(a)) => import::transcripts(a),
        Command::Import(ImportCommand::Grid(a)) => import::grids(a),
        Command::Segments(a) => segments::run(a),
        Command::Status(a) => status::run(a),
        Command::Run(a) => run::run(a),
    }
}
