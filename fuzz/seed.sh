#!/usr/bin/env bash
# Fills fuzz/corpus/<target>/ with seeds: small files from ../fixtures and
# ../codebooks picked by target, plus the hand-written seeds of
# fuzz/seeds/<target>/. Idempotent (seeds are copied under fixed names;
# what libFuzzer added to a corpus is kept). fuzz/corpus/ is not committed.
#
# Text files over 32 KiB are cut to their first 16 KiB (a seed only needs
# the shape); binary files (zips) over 64 KiB are left out, so that no seed
# inflates libFuzzer's -max_len.
set -euo pipefail

FUZZ="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$FUZZ")"
CORPUS="$FUZZ/corpus"
cd "$ROOT"

TEXT_MAX=32768 TEXT_CUT=16384 BIN_MAX=65536

# A seed's name: its path, slashes as dashes.
seed_name() { echo "fixture-${1//\//-}"; }

# copy TARGET [--prefix BYTE_OCTAL] FILE...: copies text files (cut when
# large) into the target's corpus.
copy_text() {
    local target=$1; shift
    local prefix=""
    if [[ ${1:-} == --prefix ]]; then prefix=$2; shift 2; fi
    mkdir -p "$CORPUS/$target"
    local f out
    for f in "$@"; do
        [[ -f $f ]] || continue
        out="$CORPUS/$target/$(seed_name "$f")"
        {
            [[ -n $prefix ]] && printf "\\$prefix"
            if (($(stat -c %s "$f") > TEXT_MAX)); then head -c "$TEXT_CUT" "$f"; else cat "$f"; fi
        } >"$out"
    done
}

# copy_bin TARGET FILE...: copies binary files up to BIN_MAX bytes.
copy_bin() {
    local target=$1; shift
    mkdir -p "$CORPUS/$target"
    local f
    for f in "$@"; do
        [[ -f $f ]] || continue
        (($(stat -c %s "$f") <= BIN_MAX)) || continue
        cp "$f" "$CORPUS/$target/$(seed_name "$f")"
    done
}

# extract_qde TARGET QDPX...: the root .qde of each project, as a seed.
extract_qde() {
    local target=$1; shift
    mkdir -p "$CORPUS/$target"
    local f
    for f in "$@"; do
        [[ -f $f ]] || continue
        (($(stat -c %s "$f") <= BIN_MAX)) || continue
        python3 - "$f" "$CORPUS/$target/$(seed_name "$f").qde" <<'EOF' || true
import sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
roots = [n for n in z.namelist() if "/" not in n and n.lower().endswith(".qde")]
if roots:
    open(sys.argv[2], "wb").write(z.read(roots[0]))
EOF
    done
}

shopt -s globstar nullglob

copy_text transcript_txt fixtures/**/*.txt
copy_text transcript_vtt fixtures/**/*.vtt
copy_text transcript_srt fixtures/**/*.srt fixtures/bad/bad-timing.vtt
copy_bin transcript_docx fixtures/**/*.docx
copy_text transcript_csv fixtures/**/*.csv fixtures/**/*.tsv

copy_text grid_csv fixtures/**/*.csv fixtures/**/*.tsv
copy_bin grid_xlsx fixtures/**/*.xlsx
copy_bin grid_ods fixtures/**/*.ods
copy_text grid_miro fixtures/**/*.json

copy_text codebook_toml fixtures/**/*.toml codebooks/*.toml
copy_text codebook_csv codebooks/*.csv fixtures/coop-workspaces/lille/grille-observations.csv
copy_text codebook_qdc fixtures/**/*.qdc
extract_qde codebook_qde fixtures/**/*.qdpx
copy_text codebook_qde fixtures/**/*.qdc
copy_bin codebook_qdpx fixtures/**/*.qdpx
copy_text codebook_dic fixtures/**/*.dic
copy_text codebook_dicx fixtures/**/*.dicx

copy_bin refi_qdpx fixtures/**/*.qdpx
extract_qde refi_qde fixtures/**/*.qdpx

copy_text manifest fixtures/**/study.toml

# documents: the first byte picks the format (0 TSV, 1 CSV, 2 JSONL, 3 text).
copy_text documents --prefix 000 fixtures/bench-small/corpus.tsv fixtures/formats/grid.tsv
copy_text documents --prefix 001 fixtures/formats/turns.csv fixtures/bad/unbalanced-quote.csv
copy_text documents --prefix 003 fixtures/formats/paragraphs.txt

# Hand-written seeds (formats without fixtures, rules, documents).
for dir in "$FUZZ"/seeds/*/; do
    target=$(basename "$dir")
    files=("$dir"*)
    ((${#files[@]})) || continue
    mkdir -p "$CORPUS/$target"
    cp "${files[@]}" "$CORPUS/$target/"
done

total=$(du -sb "$CORPUS" | cut -f1)
echo "seeded $(find "$CORPUS" -type f | wc -l) files, $((total / 1024)) KiB, in $CORPUS"
