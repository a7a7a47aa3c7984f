#![no_main]
//! Fuzz target `documents`: qualsynth::coding::documents::read_all (first byte picks the format).

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    qualsynth_fuzz::documents(data);
});
