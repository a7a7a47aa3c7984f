#!/usr/bin/env bash
# Merge quality (a bench, not a test): builds the Grand Débat 04/05 study
# and the example study in a temporary folder, synthesises them, and
# compares their merged recommendations with the hand-made gold standard in
# benches/merge-gold/ (pairwise precision, recall, F1; B-cubed F1; stance
# conflicts inside merged items; non-proposals in the top 20).
#   benches/merge_quality.sh [--list]   (--list: every false merge and missed pair)
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet --bin qualsynth --example merge_quality
bin="${CARGO_TARGET_DIR:-target}/release"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# The Grand Débat proposals of départements 04 and 05, as the README's recipe
# imports them, coded with the shipped Grand Débat codebook.
"$bin/qualsynth" init "$tmp/gd" --title "Grand Débat 04/05" -q
"$bin/qualsynth" import grid fixtures/corpora/granddebat/reunions_locales_dep04_05.csv \
  --study "$tmp/gd" --group-column Département --participant-column chunk_id \
  --kind recommendations --split-items \
  --text-column "Quelles sont les propositions qui ont emerge des discussions" -q
"$bin/qualsynth" code --study "$tmp/gd" --codebook codebooks/granddebat.toml -q >/dev/null
"$bin/qualsynth" synthesize --study "$tmp/gd" -q >/dev/null
echo "== Grand Débat 04/05, codebook only (benches/merge-gold/granddebat_04_05.csv)"
"$bin/examples/merge_quality" "$tmp/gd" benches/merge-gold/granddebat_04_05.csv "$@"

# The same with the shipped Grand Débat glossary, as the README's recipe.
printf '\n[synthesis]\nglossary = "%s"\n' "$PWD/codebooks/granddebat-glossary.toml" >>"$tmp/gd/study.toml"
/usr/bin/time -f "synthesize: %e s wall, %M KB peak memory" \
  "$bin/qualsynth" synthesize --study "$tmp/gd" -q >/dev/null
echo "== Grand Débat 04/05, codebook and glossary"
"$bin/examples/merge_quality" "$tmp/gd" benches/merge-gold/granddebat_04_05.csv "$@"

# The example study.
cp -r fixtures/coop-workspaces "$tmp/coop"
"$bin/qualsynth" run "$tmp/coop" -q >/dev/null
echo "== example study (benches/merge-gold/coop_workspaces.csv)"
"$bin/examples/merge_quality" "$tmp/coop" benches/merge-gold/coop_workspaces.csv "$@"
