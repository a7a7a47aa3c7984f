#!/bin/sh
# Agreement of the shipped Grand Débat codebook with the themes each meeting
# declared ("Sur quel s theme s votre reunion a t elle porte"), per theme and
# overall, at the level of a meeting (one grid row): a meeting is coded with
# a theme when a segment of its observations or proposals gets the theme's
# code or a code below it. The declared labels map to codes through
# codebooks/granddebat-themes.csv.
#
# Usage: benches/granddebat_agreement.sh [QUALSYNTH_BINARY] [GRID.csv]
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
qs=${1:-$root/target/release/qualsynth}
grid=${2:-$root/fixtures/corpora/granddebat/reunions_locales_dep04_05.csv}
study=$(mktemp -d)
trap 'rm -rf "$study"' EXIT
"$qs" init "$study" --title "Grand Débat" >/dev/null 2>&1
"$qs" import grid "$grid" --study "$study" --group-column Département --split-items \
  --id-column chunk_id \
  --text-column "Quels ont ete les constats ou les diagnostics exprimes sur les themes du debat" \
  --text-column "Quelles sont les propositions qui ont emerge des discussions" -q
"$qs" code --study "$study" --codebook "$root/codebooks/granddebat.toml" -q >/dev/null
"$qs" import codes "$grid" --study "$study" --coder declared \
  --codes-column "Sur quel s theme s votre reunion a t elle porte" \
  --map "$root/codebooks/granddebat-themes.csv"
"$qs" agree --study "$study" --unit row --format table
