#![no_main]
//! Fuzz target `grid_xlsx`: qualsynth::corpus::grid::parse_grid (and read_table for CSV).

use libfuzzer_sys::fuzz_target;
use qualsynth::corpus::grid::GridFormat;

fuzz_target!(|data: &[u8]| {
    qualsynth_fuzz::grid("x.xlsx", Some(GridFormat::Xlsx), data);
});
