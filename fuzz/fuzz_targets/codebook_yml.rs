#![no_main]
//! Fuzz target `codebook_yml`: qualsynth::codebook::formats::read_bytes_lenient, then check, write and Coder::compile.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    qualsynth_fuzz::codebook("yml", data);
});
