#![no_main]
//! Fuzz target `grid_miro`: qualsynth::corpus::grid::parse_grid on a Miro board export (JSON items).

use libfuzzer_sys::fuzz_target;
use qualsynth::corpus::grid::GridFormat;

fuzz_target!(|data: &[u8]| {
    qualsynth_fuzz::grid("x.json", Some(GridFormat::Miro), data);
});
