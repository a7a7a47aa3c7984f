//! The terminal: data on stdout (a closed pipe ends the command quietly),
//! people's feedback on stderr (progress only on a terminal, nothing with
//! `--quiet`), the default formats and the width of tables. Only `main`
//! and the commands use it; the core never sees the terminal.

use std::cell::RefCell;
use std::io::{IsTerminal, Write};

use crate::cli::ListFormat;
use crate::codebook::Diagnostic;
use crate::codebook::diagnostics::render_summary;
use crate::pipeline::Feedback;
use crate::render::listing::{Format, Listing};

/// Writes to stdout and flushes; a closed pipe is an error that `main`
/// treats as success.
pub fn print(bytes: impl AsRef<[u8]>) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes.as_ref())?;
    out.flush()
}

/// Whether stdout is a terminal.
pub fn stdout_is_terminal() -> bool {
    std::io::stdout().is_terminal()
}

/// The format asked for, or a table on a terminal and CSV in a pipe.
pub fn list_format(asked: Option<ListFormat>) -> Format {
    match asked {
        Some(ListFormat::Table) => Format::Table,
        Some(ListFormat::Csv) => Format::Csv,
        Some(ListFormat::Json) => Format::Json,
        None if stdout_is_terminal() => Format::Table,
        None => Format::Csv,
    }
}

/// Table width: `COLUMNS`, else the terminal's, else 100.
pub fn width() -> u16 {
    if let Some(w) = std::env::var("COLUMNS").ok().and_then(|c| c.parse().ok()) {
        return w;
    }
    // A pseudo-terminal may report no size (0 columns): treat it as unknown.
    comfy_table::Table::new()
        .width()
        .filter(|w| *w >= 20)
        .unwrap_or(100)
}

/// Writes a listing to stdout in the chosen format.
pub fn print_listing(l: &Listing, format: Format) -> std::io::Result<()> {
    let mut out = Vec::new();
    match format {
        Format::Table => out.extend_from_slice(l.to_table(width()).as_bytes()),
        Format::Csv => l.write_csv(&mut out)?,
        Format::Json => l.write_json(&mut out)?,
    }
    print(out)
}

/// Whether tables may be coloured: stdout is a terminal and `NO_COLOR`
/// is unset or empty (<https://no-color.org>).
pub fn colour() -> bool {
    stdout_is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Feedback on stderr: notes and warnings unless quiet, progress only on a
/// terminal.
pub struct Terminal {
    quiet: bool,
    verbose: bool,
    bar: RefCell<Option<indicatif::ProgressBar>>,
}

impl Terminal {
    /// Feedback as the global flags ask.
    pub fn new(quiet: bool, verbose: bool) -> Self {
        Terminal {
            quiet,
            verbose,
            bar: RefCell::new(None),
        }
    }

    fn say(&self, text: &str) {
        if self.quiet {
            return;
        }
        let bar = self.bar.borrow();
        match bar.as_ref() {
            Some(b) => b.suspend(|| eprintln!("{text}")),
            None => eprintln!("{text}"),
        }
    }
}

impl Feedback for Terminal {
    fn info(&self, text: &str) {
        self.say(text);
    }

    fn verbose(&self) -> bool {
        self.verbose
    }

    fn note(&self, text: &str) {
        self.say(&format!("note: {text}"));
    }

    fn warn(&self, text: &str) {
        self.say(&format!("warning: {text}"));
    }

    fn diagnostics(&self, path: &str, text: &str, diagnostics: &[Diagnostic]) {
        if !diagnostics.is_empty() {
            self.say(render_summary(path, text, diagnostics, self.verbose).trim_end());
        }
    }

    fn start(&self, label: &str, total: Option<u64>) {
        if self.quiet || !std::io::stderr().is_terminal() {
            return;
        }
        let b = match total {
            Some(n) => {
                let b = indicatif::ProgressBar::new(n);
                b.set_style(
                    indicatif::ProgressStyle::with_template(
                        "{prefix:>8} [{bar:30}] {pos}/{len} {msg}",
                    )
                    .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                    .progress_chars("=> "),
                );
                b.set_prefix(label.to_owned());
                b
            }
            None => {
                let b = indicatif::ProgressBar::new_spinner();
                b.set_message(label.to_owned());
                b.enable_steady_tick(std::time::Duration::from_millis(120));
                b
            }
        };
        if let Some(old) = self.bar.replace(Some(b)) {
            old.finish_and_clear();
        }
    }

    fn advance(&self, done: u64, message: &str) {
        if let Some(b) = self.bar.borrow().as_ref() {
            b.set_position(done);
            b.set_message(message.to_owned());
        }
    }

    fn finish(&self) {
        if let Some(b) = self.bar.replace(None) {
            b.finish_and_clear();
        }
    }
}
