#!/usr/bin/env bash
# National consultation bench (not a test): a generated export of the 2019
# Grand Débat online questionnaires (benches/gen_consultation.py: one row
# per contribution, a département column derived from the postcode, four
# open questions, ~30% empty cells, texts sampled from the real 04/05
# file), taken end to end on a fresh study: init; import of the three
# observation questions; import of the proposals column once more (--add)
# as recommendations; code with the Grand Débat codebook; synthesize (with
# its glossary); the HTML report. Prints each stage's wall time and peak
# memory, the input size and the number of segments.
#   benches/consultation.sh [N] [QUALSYNTH]   (default 2000000 rows, target/release/qualsynth)
# The generated file is cached in target/bench-consultation/ by N; KEEP=1
# keeps the study (its path is printed); UNTIL=import|code|synthesize stops
# after that stage (the merge of synthesize grows faster than linearly: at
# 2M rows, 4.5M proposal items).
set -euo pipefail
cd "$(dirname "$0")/.."
n=${1:-2000000}
q=${2:-target/release/qualsynth}
if [[ $# -lt 2 ]]; then cargo build --release --quiet --bin qualsynth; fi
[[ -x $q ]] || { echo "consultation.sh: no executable $q" >&2; exit 1; }
cache=target/bench-consultation
mkdir -p "$cache"
csv=$cache/consultation-$n.csv
if [[ ! -s $csv || benches/gen_consultation.py -nt $csv ]]; then
  start=$(date +%s.%N)
  python3 benches/gen_consultation.py "$n" "$csv.tmp"
  mv "$csv.tmp" "$csv"
  printf "generated in %.1f s\n" "$(awk -v a="$(date +%s.%N)" -v b="$start" 'BEGIN{print a-b}')"
fi
dir=$(mktemp -d "${TMPDIR:-/tmp}/bench-consultation.XXXXXX")
if [[ ${KEEP:-0} == 1 ]]; then echo "study kept in $dir/study"; else trap 'rm -rf "$dir"' EXIT; fi
study=$dir/study

q1="Quelles sont toutes les choses qui pourraient être faites pour améliorer l'information des citoyens ?"
q2="Que faudrait-il faire pour mieux associer les citoyens aux grandes orientations et à la décision publique ?"
q3="Quelles sont les propositions concrètes que vous souhaiteriez faire ?"
q4="Y a-t-il d'autres points sur lesquels vous souhaiteriez vous exprimer ?"

# /usr/bin/time when present, else a Python wrapper with the same output
# ("seconds max-RSS-KB"): ru_maxrss of the children is the largest child's.
if [[ -x /usr/bin/time ]]; then
  measure() { local out=$1; shift; /usr/bin/time -f "%e %M" -o "$out" "$@"; }
else
  measure() {
    local out=$1; shift
    python3 -c '
import resource, subprocess, sys, time
t = time.monotonic()
rc = subprocess.call(sys.argv[2:])
ru = resource.getrusage(resource.RUSAGE_CHILDREN)
open(sys.argv[1], "w").write("%.2f %d\n" % (time.monotonic() - t, ru.ru_maxrss))
sys.exit(rc)' "$out" "$@"
  }
fi

total=0
timed() { # label, command...
  local label=$1; shift
  if ! measure "$dir/time" "$@" >"$dir/out" 2>"$dir/err"; then
    echo "FAILED: $label: $*" >&2
    echo "--- stderr (last 20 lines) ---" >&2; tail -n 20 "$dir/err" >&2
    echo "--- stdout (last 5 lines) ---" >&2; tail -n 5 "$dir/out" >&2
    exit 1
  fi
  read -r secs kb <"$dir/time"
  total=$(awk -v a="$total" -v b="$secs" 'BEGIN{print a+b}')
  printf "%-34s %8.2f s  %7.0f MB peak\n" "$label" "$secs" "$(awk -v k="$kb" 'BEGIN{print k/1024}')"
}

bytes=$(stat -c %s "$csv")
echo "== $n contributions, input $(awk -v b="$bytes" 'BEGIN { printf "%.1f", b/1e6 }') MB ($csv)"
echo "== $(nproc) cores, load: $(uptime | sed 's/.*load average: //')"
printf "%-34s %10s  %15s\n" "stage" "wall" "peak RSS"
timed "init" $q init "$study" --title "Grand Débat en ligne (generated, $n)" -q
timed "import grid (3 questions)" $q import grid "$csv" --study "$study" --group-column departement \
  --id-column id --split-items --text-column "$q1" --text-column "$q2" --text-column "$q4" -q
secs_import=$(cut -d' ' -f1 "$dir/time")
timed "import grid --add (proposals)" $q import grid "$csv" --study "$study" --add --kind recommendations \
  --group-column departement --id-column id --split-items --text-column "$q3" -q
secs_add=$(cut -d' ' -f1 "$dir/time")
until=${UNTIL:-report}
done_after() { # stage: when UNTIL names it, print the segments and stop
  [[ $until == "$1" ]] || return 0
  printf "%-34s %8.2f s  (stopped after %s)\n" "total" "$total" "$1"
  $q status --study "$study" --format json | python3 -c 'import json, sys
s = json.load(sys.stdin); print("segments:", s["total"]["segments"], "groups:", len(s["groups"]))'
  exit 0
}
done_after import
timed "code (granddebat.toml)" $q code --study "$study" --codebook codebooks/granddebat.toml --quiet
done_after code
printf '\n[synthesis]\nglossary = "%s"\n' "$PWD/codebooks/granddebat-glossary.toml" >>"$study/study.toml"
timed "synthesize" $q synthesize --study "$study"
lines=$(wc -l <"$dir/out")
done_after synthesize
timed "report html" $q report --study "$study" --format html --out "$dir/report.html"
printf "%-34s %8.2f s\n" "total" "$total"

$q status --study "$study" --format json >"$dir/status.json"
python3 - "$dir/status.json" "$bytes" "$secs_import" "$secs_add" "$lines" "$(stat -c %s "$dir/report.html")" \
  "$(du -sb "$study" | cut -f1)" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
b, t1, t2 = int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])
tot = s.get("total", {})
groups = s.get("groups", [])
kinds = {k: sum(g.get(k, 0) for g in groups) for k in ("observations", "recommendations", "notes", "turns")}
print(f"segments: {tot.get('segments')} (" + ", ".join(f"{k} {v}" for k, v in kinds.items() if v)
      + f"), groups: {len(groups)}")
print(f"import: {b / 1e6 / t1:.1f} MB/s (3 questions), {b / 1e6 / t2:.1f} MB/s (proposals) of the whole file")
print(f"synthesize summary: {sys.argv[5]} lines; report.html: {int(sys.argv[6]) / 1e6:.2f} MB; study on disk: {int(sys.argv[7]) / 1e6:.0f} MB")
PY
echo "== load after: $(uptime | sed 's/.*load average: //')"
