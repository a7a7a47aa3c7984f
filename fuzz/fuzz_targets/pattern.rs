#![no_main]
//! Fuzz target `pattern`: qualsynth::codebook::pattern::parse_pattern, then Coder::compile and code_segment.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    qualsynth_fuzz::pattern(data);
});
