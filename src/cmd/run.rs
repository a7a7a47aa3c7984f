//! `qualsynth run [DIR]`: the whole pipeline from study.toml, then the
//! board's table and a one-screen summary.

use crate::cli::RunArgs;
use crate::pipeline::run::{Ran, board_text, run as run_study};
use crate::pipeline::{Feedback, Study, status};
use crate::render::listing::Format;
use crate::terminal as output;

/// Width of the tables `run` prints when stdout is not a terminal.
const PIPE_WIDTH: u16 = 100;

/// Runs every stage that is out of date, then prints the summary.
pub fn run(a: RunArgs, fb: &dyn Feedback) -> anyhow::Result<()> {
    let all = a.all;
    match run_study(&Study::dir_of(&a.dir), fb)? {
        Ran::Imported { study } => {
            let text = status::text(&study, Format::Table, output::width())?;
            output::print(text)?;
            Ok(())
        }
        Ran::Done {
            board,
            themes,
            summary,
        } => {
            let (width, colour) = if output::stdout_is_terminal() {
                (output::width(), output::colour())
            } else {
                (PIPE_WIDTH, false)
            };
            let limit = if all {
                usize::MAX
            } else {
                crate::render::synthesis::SHOWN.recommendations
            };
            let mut text = board_text(&board, themes, width, colour, limit);
            text.push('\n');
            text.push_str(&crate::render::run::render(&summary));
            output::print(text)?;
            Ok(())
        }
    }
}
