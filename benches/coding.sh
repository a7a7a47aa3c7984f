#!/usr/bin/env bash
# Coding benchmark (not a test): dictionary counting of the shared 50 MB
# corpus (US House floor debate, split into documents; LIWC-style .dic of
# 1,500 words, 200 globs, 160 phrases in 20 categories), against the
# pyahocorasick peer and `wc -w` on the same file, with qualsynth's peak
# memory; then a 100-term and a 10,000-term dictionary on the same corpus.
#   benches/coding.sh [DIR] [MB]
# DIR caches the corpus between runs (default: a temporary directory);
# MB is the corpus size (default 50). Needs python3; the peer runs in the
# venv of shared/bench/run_peers.sh (created, with pyahocorasick, if missing).
# Targets: >= 20x the peer, >= half of `wc -w`, peak memory < 2x the corpus,
# 10,000 vs 100 terms: per-byte time ratio <= 2.
set -euo pipefail
cd "$(dirname "$0")/.."
bench=${BENCH_SCRIPTS:-$PWD/../shared/bench}
venv=${BENCH_VENV:-$HOME/.cache/qualsynth-bench-venv}
mb=${2:-50}
if [ -n "${1:-}" ]; then
  dir=$1
  mkdir -p "$dir"
else
  dir=$(mktemp -d)
  trap 'rm -rf "$dir"' EXIT
fi

cargo build --release --quiet --bin qualsynth
qs=$PWD/target/release/qualsynth
[ -s "$dir/corpus.tsv" ] || python3 "$bench/make_bench.py" "$dir" --mb "$mb" >/dev/null
if [ ! -x "$venv/bin/python" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q pyahocorasick scikit-learn
fi
bytes=$(stat -c %s "$dir/corpus.tsv")
docs=$(($(wc -l < "$dir/corpus.tsv") - 1))

# Best wall time of three runs, and the peak memory of the best run.
best() { # out-prefix command...
  local pre=$1 b=""
  shift
  for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$dir/time" "$@" > /dev/null
    read -r s kb < "$dir/time"
    if [ -z "$b" ] || awk -v a="$s" -v b="$b" 'BEGIN { exit !(a < b) }'; then b=$s; m=$kb; fi
  done
  printf '%s %s\n' "$b" "$m" > "$dir/$pre.best"
}

best qs "$qs" code "$dir/corpus.tsv" --codebook "$dir/dictionary.dic" --counts
read -r qs_s qs_kb < "$dir/qs.best"
peer_line=$(/usr/bin/time -f "%e" -o "$dir/time.peer" "$venv/bin/python" "$bench/peer_pyahocorasick.py" \
  "$dir/dictionary.dic" "$dir/corpus.tsv" "$dir/counts_pyahocorasick.csv")
peer_wall=$(cat "$dir/time.peer")
peer_mbs=$(printf '%s\n' "$peer_line" | sed -n 's/.*= \([0-9.]*\) MB\/s.*/\1/p')
best wc wc -w "$dir/corpus.tsv"
read -r wc_s _ < "$dir/wc.best"
best wcc env LC_ALL=C wc -w "$dir/corpus.tsv"
read -r wcc_s _ < "$dir/wcc.best"

# Dictionaries of 100 and 10,000 terms drawn evenly from the corpus
# vocabulary (words, some globs, some two-word phrases; 20 categories).
python3 - "$dir" <<'PY'
import collections, re, sys
d = sys.argv[1]
tok = re.compile(r"\w+(?:['’]\w+)*")
freq, pairs = collections.Counter(), collections.Counter()
with open(f'{d}/corpus.tsv', encoding='utf-8') as f:
    for i, line in enumerate(f):
        if i > 20000: break
        t = tok.findall(line.partition('\t')[2].lower())
        freq.update(t); pairs.update(zip(t, t[1:]))
words = [w for w, _ in freq.most_common() if not w.isdigit()]
bigrams = [' '.join(p) for p, _ in pairs.most_common()]
for n in (100, 10000):
    step = max(1, len(words) // n)
    picked = words[::step][:int(n * 0.8)]
    globs = sorted({w[:4] + '*' for w in words[1::step] if len(w) > 5})[:int(n * 0.1)]
    phrases = bigrams[::max(1, len(bigrams) // n)][:n - len(picked) - len(globs)]
    with open(f'{d}/dict{n}.dic', 'w', encoding='utf-8') as f:
        f.write('%\n' + ''.join(f'{i}\tc{i:02d}\n' for i in range(1, 21)) + '%\n')
        for k, t in enumerate(picked + globs + phrases):
            f.write(f'{t}\t{k % 20 + 1}\n')
PY
best d100 "$qs" code "$dir/corpus.tsv" --codebook "$dir/dict100.dic" --counts
read -r d100_s _ < "$dir/d100.best"
best d10k "$qs" code "$dir/corpus.tsv" --codebook "$dir/dict10000.dic" --counts
read -r d10k_s _ < "$dir/d10k.best"
terms() { awk 'BEGIN { p = 0 } /^%/ { p++; next } p == 2 && NF { n++ } END { print n }' "$1"; }

awk -v b="$bytes" -v n="$docs" -v s="$qs_s" -v kb="$qs_kb" -v pm="$peer_mbs" -v pw="$peer_wall" \
  -v w="$wc_s" -v wc="$wcc_s" -v s1="$d100_s" -v s2="$d10k_s" \
  -v t1="$(terms "$dir/dict100.dic")" -v t2="$(terms "$dir/dict10000.dic")" 'BEGIN {
  mb = b / 1e6; q = mb / s;
  printf "corpus: %.1f MB, %d documents (%s)\n", mb, n, "shared/bench/make_bench.py";
  printf "qualsynth code --counts: %.2f s wall, %.1f MB/s (whole run: read, code, write)\n", s, q;
  printf "pyahocorasick peer:      %.2f MB/s (its matching loop only; %.1f s wall)\n", pm, pw;
  printf "qualsynth / peer:        %.1fx (target >= 20x)\n", q / pm;
  printf "wc -w:                   %.1f MB/s (LC_ALL=C: %.1f MB/s); qualsynth / wc -w = %.2f (target >= 0.5)\n", mb / w, mb / wc, q / (mb / w);
  printf "peak memory:             %.1f MB = %.2fx the corpus (target < 2x)\n", kb * 1024 / 1e6, kb * 1024 / b;
  printf "dictionary size:         %d terms %.2f s, %d terms %.2f s: per-byte time ratio %.2f (target <= 2)\n", t1, s1, t2, s2, s2 / s1;
}'
