#![no_main]
//! Fuzz target `refi_qde`: qualsynth::refi::read, then refi::segments.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    qualsynth_fuzz::refi_qde(data);
});
