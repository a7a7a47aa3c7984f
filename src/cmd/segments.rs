//! `qualsynth segments`: lists imported segments.

use crate::cli::SegmentsArgs;
use crate::pipeline::{Study, status};
use crate::render::status::segments_listing;
use crate::terminal as output;

/// Lists segments, filtered by group and source.
pub fn run(a: SegmentsArgs) -> anyhow::Result<()> {
    let study = Study::open(&a.study.study)?;
    let s = status::segments(&study, a.group.as_deref(), a.source.as_deref())?;
    let mut listing = segments_listing(&s.rows, &s.names);
    let format = output::list_format(a.format);
    if format == crate::render::listing::Format::Table {
        for empty in ["key", "method", "part"] {
            listing.drop_empty_column(empty);
        }
    }
    output::print_listing(&listing, format)?;
    Ok(())
}
