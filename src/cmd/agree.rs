//! `qualsynth import codes`, `agree`, `suggest` and `export presence`:
//! human coders and the automatic coder side by side.

use crate::agreement::keyness::KeynessOptions;
use crate::agreement::units::Unit;
use crate::cli::{AgreeArgs, CodesArgs, PresenceArgs, PresenceUnit, SuggestArgs, UnitArg};
use crate::pipeline::agree::{self, AgreeOptions, ImportCodesOptions};
use crate::pipeline::{Feedback, Study};
use crate::render::agree as render;
use crate::terminal as output;

/// Imports a human coder's codes.
pub fn import_codes(a: CodesArgs, fb: &dyn Feedback) -> anyhow::Result<()> {
    let mut study = Study::open(&a.study.study)?;
    let o = ImportCodesOptions {
        file: a.file,
        coder: a.coder,
        codes_column: a.codes_column,
        key_column: a.key_column,
        map: a.map,
        source: a.source,
        sheet: a.sheet,
    };
    let r = agree::import_codes(&mut study, &o)?;
    let skipped = if r.skipped > 0 {
        format!(", {} without text skipped", r.skipped)
    } else {
        String::new()
    };
    fb.info(&format!(
        "coder {}: {} rows read ({}){skipped}; {} segments rated, {} codes applied",
        r.coder, r.rows, r.joined, r.segments, r.codings
    ));
    Ok(())
}

fn unit(u: UnitArg) -> Unit {
    match u {
        UnitArg::Segment => Unit::Segment,
        UnitArg::Row => Unit::Row,
        UnitArg::Source => Unit::Source,
        UnitArg::Participant => Unit::Participant,
    }
}

/// Prints agreement between coders, or one code's errors.
pub fn agree(a: AgreeArgs) -> anyhow::Result<()> {
    let mut study = Study::open(&a.study.study)?;
    let o = AgreeOptions {
        coders: a.coders,
        reference: a.reference,
        unit: unit(a.unit),
        codes: a.codes,
        window: a.window,
        exchange: a.exchange,
        group: a.group,
    };
    let format = output::list_format(a.format);
    let bytes = match &a.explain {
        Some(code) => {
            let e = agree::explain(&mut study, &o, code, None)?;
            render::explained(&e, format, output::width(), a.limit)?
        }
        None => render::agreement(&agree::agree(&mut study, &o)?, format, output::width())?,
    };
    output::print(bytes)?;
    Ok(())
}

/// Prints words a code's rules miss.
pub fn suggest(a: SuggestArgs) -> anyhow::Result<()> {
    let mut study = Study::open(&a.study.study)?;
    let k = KeynessOptions {
        limit: a.limit,
        min_count: a.min_count,
        max_n: a.max_words,
        ..KeynessOptions::default()
    };
    let s = agree::suggest(&mut study, &a.code, a.reference.as_deref(), &k)?;
    output::print(render::suggested(
        &s,
        output::list_format(a.format),
        output::width(),
    )?)?;
    Ok(())
}

/// Writes the presence table.
pub fn presence(a: PresenceArgs, fb: &dyn Feedback) -> anyhow::Result<()> {
    let mut study = Study::open(&a.study.study)?;
    let t = agree::presence_table(&mut study, a.unit == PresenceUnit::Case, &a.coder)?;
    let bytes = agree::presence_bytes(&t, &a.out)?;
    crate::pipeline::report::write_file(&a.out, &bytes)?;
    fb.info(&format!(
        "wrote {}: {} rows, {} codes",
        a.out.display(),
        t.rows.len(),
        t.codes.len()
    ));
    Ok(())
}
