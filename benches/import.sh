#!/usr/bin/env bash
# Import benchmark (not a test): generates a 100 MB CSV grid (`;`, UTF-8,
# multi-line quoted cells, 3 text columns, a group column) and imports it
# with --split-items, printing throughput and peak memory; then, in the
# same run, the polars peer of ../shared/bench (it reads the grid, splits
# the three text columns on line breaks and writes one Parquet file: less
# work than an import), in a venv with polars (BENCH_VENV_IMPORT, default
# ~/.cache/qualsynth-import-venv; created when missing, NO_PEER=1 skips it).
#   benches/import.sh [MB]        (default 100)
set -euo pipefail
cd "$(dirname "$0")/.."
mb=${1:-100}
cargo build --release --quiet --bin qualsynth --example gen_grid
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
target/release/examples/gen_grid "$dir/grid.csv" "$mb"
bytes=$(stat -c %s "$dir/grid.csv")
target/release/qualsynth init "$dir/study" --title bench 2>/dev/null
/usr/bin/time -f "%e %M" -o "$dir/time" target/release/qualsynth import grid "$dir/grid.csv" \
  --study "$dir/study" --group-column Groupe --participant-column Participant \
  --text-column "Ce qui fonctionne" --text-column "Ce qui bloque" --text-column "Idées" --split-items
read -r secs kb < "$dir/time"
segments=$(target/release/qualsynth status --study "$dir/study" --format json | grep -o '"segments": [0-9]*' | tail -1 | tr -dc 0-9)
awk -v b="$bytes" -v s="$secs" -v kb="$kb" -v n="$segments" 'BEGIN {
  printf "input %.1f MB, %d segments\n", b/1e6, n;
  printf "import: %.2f s, %.1f MB/s\n", s, b/1e6/s;
  printf "peak memory: %.0f MB (%.2fx the input)\n", kb*1024/1e6, kb*1024/b }'
peer=${BENCH_SCRIPTS:-$PWD/../shared/bench}/peer_import_polars.py
venv=${BENCH_VENV_IMPORT:-$HOME/.cache/qualsynth-import-venv}
if [[ -f $peer && ${NO_PEER:-0} != 1 ]]; then
  if ! "$venv/bin/python" -c 'import polars' 2>/dev/null; then
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q polars
  fi
  /usr/bin/time -f "%e %M" -o "$dir/peer-time" "$venv/bin/python" "$peer" "$dir/grid.csv" "$dir/peer.parquet" >/dev/null
  read -r psecs pkb < "$dir/peer-time"
  awk -v s="$psecs" -v kb="$pkb" -v q="$secs" 'BEGIN {
    printf "polars peer (same run): %.2f s, %.0f MB peak; qualsynth / peer: %.2fx the time\n", s, kb*1024/1e6, q/s }'
fi
