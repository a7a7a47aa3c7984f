#![no_main]
//! Fuzz target `grid_csv`: qualsynth::corpus::grid::parse_grid (and read_table for CSV).

use libfuzzer_sys::fuzz_target;
use qualsynth::corpus::grid::GridFormat;

fuzz_target!(|data: &[u8]| {
    qualsynth_fuzz::grid("x.csv", Some(GridFormat::Csv), data);
});
