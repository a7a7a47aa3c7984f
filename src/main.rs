//! The qualsynth binary: parse, run, print the error once, exit.

use std::process::ExitCode;

use clap::Parser;

// Import and coding allocate many small strings; mimalloc is markedly
// faster than the system allocator for that and returns memory sooner.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `purge_delay` option (its number in mimalloc 3.3).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// Freed memory goes back to the system 10 ms after it is freed rather
/// than mimalloc 3's 1 s: the large stages free and allocate gigabytes
/// phase after phase, and with the 1 s delay the pages freed by one phase
/// were still held when the next allocated (at 2,000,000 contributions
/// synthesize peaked at 5,563 to 5,777 MiB, against 5,105 to 5,110 MiB
/// with 10 ms, in the same time; `benches/consultation.sh`).
///
/// `import` keeps the 1 s: it streams, freeing each batch's cells as the
/// next is read, so pages given back after 10 ms were faulted in again at
/// once (0.61 s of the 3.7 s CPU of the 100 MB grid of
/// `benches/import.sh` was the kernel's, 0.29 s with 1 s; wall 2.14 s to
/// 1.76 s), and what it holds longer is about one second of batches, not
/// a phase (peak 109 to 144 MiB).
/// `MIMALLOC_PURGE_DELAY` in the environment still wins.
#[allow(unsafe_code)]
fn set_purge_delay(command: &qualsynth::cli::Command) {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some()
        || matches!(command, qualsynth::cli::Command::Import(_))
    {
        return;
    }
    // SAFETY: mi_option_set stores an option's value; mimalloc allows it
    // at any time, from any thread.
    unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, 10) }
}

fn main() -> ExitCode {
    let cli = qualsynth::cli::Cli::parse();
    set_purge_delay(&cli.command);
    match qualsynth::cmd::dispatch(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) if qualsynth::exit::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("error: {err:#}");
            ExitCode::from(qualsynth::exit::FAILURE)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The option number is mimalloc's purge delay (1,000 ms by default in
    /// mimalloc 3, the only option with that default), and main sets it
    /// for every command but import.
    #[test]
    #[allow(unsafe_code)]
    fn main_sets_the_purge_delay_but_for_import() {
        // SAFETY: mi_option_get reads an option's value.
        let get = || unsafe { libmimalloc_sys::mi_option_get(MI_OPTION_PURGE_DELAY) };
        if std::env::var_os("MIMALLOC_PURGE_DELAY").is_some() {
            return;
        }
        let command = |args: &[&str]| qualsynth::cli::Cli::parse_from(args).command;
        assert_eq!(get(), 1000);
        set_purge_delay(&command(&[
            "qualsynth",
            "import",
            "grid",
            "g.csv",
            "--study",
            "s",
            "--group",
            "G",
        ]));
        assert_eq!(get(), 1000);
        set_purge_delay(&command(&["qualsynth", "code", "--study", "s"]));
        assert_eq!(get(), 10);
    }
}
