//! Wiring: each subcommand turns its arguments into options, reads, calls
//! the core, writes. Small files; logic lives in the core modules.

mod code;
mod code_file;
mod codebook;
mod import;
mod init;
mod kwic;
mod output;
mod report;
mod run;
mod segments;
mod status;
mod synthesize;

use crate::cli::{Cli, CodebookCommand, Command, ImportCommand};

/// Runs the parsed command line.
pub fn dispatch(cli: Cli) -> anyhow::Result<()> {
    match cli.command {
        Command::Init(a) => init::run(a),
        Command::Import(ImportCommand::Transcript(a)) => import::transcripts(a),
        Command::Import(ImportCommand::Grid(a)) => import::grids(a),
        Command::Segments(a) => segments::run(a),
        Command::Status(a) => status::run(a),
        Command::Codebook(CodebookCommand::Check(a)) => codebook::check(a),
        Command::Codebook(CodebookCommand::Show(a)) => codebook::show(a),
        Command::Codebook(CodebookCommand::Convert(a)) => codebook::convert(a),
        Command::Code(a) if a.file.is_some() => code_file::run(a),
        Command::Code(a) => code::run(a),
        Command::Kwic(a) => kwic::run(a),
        Command::Synthesize(a) => synthesize::run(a),
        Command::Report(a) => report::run(a),
        Command::Run(a) => run::run(a),
    }
}
