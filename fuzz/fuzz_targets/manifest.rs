#![no_main]
//! Fuzz target `manifest`: qualsynth::store::manifest::ManifestFile::parse.

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    qualsynth_fuzz::manifest(data);
});
