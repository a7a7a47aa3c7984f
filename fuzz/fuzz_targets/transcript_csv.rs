#![no_main]
//! Fuzz target `transcript_csv`: qualsynth::corpus::transcript::parse_transcript.

use libfuzzer_sys::fuzz_target;
use qualsynth::corpus::transcript::TranscriptFormat;

fuzz_target!(|data: &[u8]| {
    qualsynth_fuzz::transcript("x.csv", TranscriptFormat::Csv, data);
});
