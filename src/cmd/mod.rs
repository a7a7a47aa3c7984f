//! Wiring: each subcommand turns its arguments into the pipeline's
//! options, calls one pipeline function and prints what it returns. Small
//! files; no command calls another or opens the workspace itself.

mod agree;
mod code;
mod codebook;
mod curate;
mod import;
mod init;
mod kwic;
mod man;
mod refi;
mod report;
mod run;
mod segments;
mod status;
mod synthesize;

use crate::cli::{Cli, CodebookCommand, Command, ExportCommand, ImportCommand};

/// Runs the parsed command line.
pub fn dispatch(cli: Cli) -> anyhow::Result<()> {
    let fb = crate::terminal::Terminal::new(cli.quiet, cli.verbose);
    match cli.command {
        Command::Init(a) => init::run(a, &fb),
        Command::Import(ImportCommand::Transcript(a)) => import::transcripts(a, &fb),
        Command::Import(ImportCommand::Grid(a)) => import::grids(a, &fb),
        Command::Import(ImportCommand::Codes(a)) => agree::import_codes(a, &fb),
        Command::Import(ImportCommand::Qdpx(a)) => import::qdpx(a, &fb),
        Command::Agree(a) => agree::agree(a),
        Command::Suggest(a) => agree::suggest(a),
        Command::Export(ExportCommand::Presence(a)) => agree::presence(a, &fb),
        Command::Export(ExportCommand::Qdpx(a)) => refi::export(a, &fb),
        Command::Segments(a) => segments::run(a),
        Command::Status(a) => status::run(a),
        Command::Codebook(CodebookCommand::Check(a)) => codebook::check(a, &fb),
        Command::Codebook(CodebookCommand::Show(a)) => codebook::show(a, &fb),
        Command::Codebook(CodebookCommand::Convert(a)) => codebook::convert(a, &fb),
        Command::Code(a) if a.file.is_some() => code::file(a, &fb),
        Command::Code(a) => code::study(a, &fb),
        Command::Kwic(a) => kwic::run(a, &fb),
        Command::Synthesize(a) => synthesize::run(a),
        Command::Curate(a) => curate::run(a, &fb),
        Command::Report(a) => report::run(a),
        Command::Run(a) => run::run(a, &fb),
        Command::Completions(a) => man::completions(a),
        Command::Man(a) => man::man(a),
    }
}
