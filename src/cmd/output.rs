//! Where output goes: the format to use by default and the width of tables.

use std::io::IsTerminal;

use crate::cli::ListFormat;
use crate::render::listing::Listing;

/// The format asked for, or a table on a terminal and CSV in a pipe.
pub fn list_format(asked: Option<ListFormat>) -> ListFormat {
    asked.unwrap_or(if std::io::stdout().is_terminal() {
        ListFormat::Table
    } else {
        ListFormat::Csv
    })
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
pub fn print_listing(l: &Listing, format: ListFormat) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        ListFormat::Table => {
            use std::io::Write;
            out.write_all(l.to_table(width()).as_bytes())?;
        }
        ListFormat::Csv => l.write_csv(&mut out)?,
        ListFormat::Json => l.write_json(&mut out)?,
    }
    Ok(())
}

/// Whether tables may be coloured: stdout is a terminal and `NO_COLOR`
/// is unset or empty (<https://no-color.org>).
pub fn colour() -> bool {
    std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

/// Whether progress may be drawn on stderr.
pub fn progress_allowed(quiet: bool) -> bool {
    !quiet && std::io::stderr().is_terminal()
}

/// A spinner with `msg` on stderr, when progress may be drawn.
pub fn spinner(
    quiet: bool,
    msg: impl Into<std::borrow::Cow<'static, str>>,
) -> Option<indicatif::ProgressBar> {
    progress_allowed(quiet).then(|| {
        let b = indicatif::ProgressBar::new_spinner();
        b.set_message(msg);
        b.enable_steady_tick(std::time::Duration::from_millis(120));
        b
    })
}
