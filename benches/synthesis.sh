#!/usr/bin/env bash
# Synthesis benchmark (not a test): 1,000,000 coded segments generated in
# memory (100 groups, 5,000 participants, 30 codes in a two-level tree,
# ~1.5 codings per segment), then the matrix, convergence, co-occurrence,
# divergence and quotes tables, timed one by one, with the peak memory of
# the whole run (generation included).
#   benches/synthesis.sh [SEGMENTS]
# A release build of the crate takes a while when target/release is cold.
# Sections below are independent; each prints its own figures.
set -euo pipefail
cd "$(dirname "$0")/.."
segments=${1:-1000000}

# --- tables: matrix, convergence, cooccurrence, divergence, quotes ---
cargo build --release --quiet --example bench_synthesis
echo "== synthesis tables, $segments segments"
/usr/bin/time -f "whole run: %e s wall, %M KB peak memory" \
  "${CARGO_TARGET_DIR:-target}/release/examples/bench_synthesis" "$segments"

# --- recommendations: merge across groups (examples/bench_merge.rs) ---
# 5,000 and 50,000 synthetic recommendations across 100 groups (3,000-word
# vocabulary with Zipf frequencies, 30 codes, two coded turns per
# recommendation, a quotes frame); prints both times and their ratio
# (target: at most ~15 for 10x more recommendations).
cargo build --release --quiet --example bench_merge
echo "== recommendations merge, 5000 and 50000 recommendations"
/usr/bin/time -f "whole run: %e s wall, %M KB peak memory" \
  "${CARGO_TARGET_DIR:-target}/release/examples/bench_merge" 5000 50000
