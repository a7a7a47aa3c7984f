//! The qualsynth binary: parse, run, print the error once, exit.

use std::process::ExitCode;

use clap::Parser;

// Import and coding allocate many small strings; mimalloc is markedly
// faster than the system allocator for that and returns memory sooner.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = qualsynth::cli::Cli::parse();
    match qualsynth::cmd::dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if qualsynth::exit::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(qualsynth::exit::FAILURE)
        }
    }
}
