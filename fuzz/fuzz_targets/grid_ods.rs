#![no_main]
//! Fuzz target `grid_ods`: qualsynth::corpus::grid::parse_grid (and read_table for CSV).

use libfuzzer_sys::fuzz_target;
use qualsynth::corpus::grid::GridFormat;

fuzz_target!(|data: &[u8]| {
    qualsynth_fuzz::grid("x.ods", Some(GridFormat::Ods), data);
});
