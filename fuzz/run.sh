#!/usr/bin/env bash
# Usage: fuzz/run.sh [SECONDS_PER_TARGET]      (default 600)
#
# Seeds fuzz/corpus/ from the fixtures (seed.sh), builds every target once,
# runs each for SECONDS_PER_TARGET, and prints one line per target:
# executions, coverage (cov/ft of libFuzzer's last stats line) and findings
# (crash-/leak-/timeout-/oom- files under fuzz/artifacts/<target>/, with the
# panic message when there is one). Exits 1 when any target has a finding.
#
# Environment:
#   FUZZ_FLAGS   extra `cargo fuzz build/run` flags, the same for both so that
#                `run` does not rebuild, e.g. FUZZ_FLAGS="-s none" for no
#                sanitizer (default: none, i.e. AddressSanitizer).
#   JOBS         targets run at once (default 1; the machine has 2 cores).
#   TARGETS      a space-separated subset of `cargo fuzz list`.
# Logs: fuzz/logs/<target>.log (libFuzzer's full output).
set -euo pipefail

FUZZ="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(dirname "$FUZZ")"
cd "$ROOT"
read -r -a FLAGS <<<"${FUZZ_FLAGS:-}"
export FUZZ ROOT FUZZ_FLAGS

# run_one TARGET SECONDS: one target; writes logs/TARGET.summary.
run_one() {
    local t=$1 secs=$2
    local log="$FUZZ/logs/$t.log"
    local art="$FUZZ/artifacts/$t"
    local status=0
    cargo +nightly fuzz run "${FLAGS[@]}" "$t" -- \
        -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 >"$log" 2>&1 || status=$?
    local execs cov ft findings panic
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*$' || true)
    if [[ -z $execs ]]; then
        execs=$(grep -oE '^#[0-9]+' "$log" | tail -1 | tr -d '#' || true)
    fi
    cov=$(grep -oE 'cov: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
    ft=$(grep -oE 'ft: [0-9]+' "$log" | tail -1 | grep -oE '[0-9]+' || true)
    findings=$(find "$art" -maxdepth 1 -type f \
        \( -name 'crash-*' -o -name 'leak-*' -o -name 'timeout-*' -o -name 'oom-*' \) \
        2>/dev/null | sed "s|^$ROOT/||" | sort | tr '\n' ' ')
    panic=$(grep -m1 -A1 'panicked at' "$log" | tail -1 | cut -c1-160 || true)
    {
        printf '%-16s execs=%-9s cov=%-6s ft=%-6s exit=%-3s findings: %s' \
            "$t" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$status" "${findings:-none}"
        if [[ -n $findings && -n $panic ]]; then printf ' panic: %s' "$panic"; fi
        printf '\n'
    } >"$FUZZ/logs/$t.summary"
}

if [[ ${1:-} == --one ]]; then
    run_one "$2" "$3"
    exit 0
fi

SECS=${1:-600}
mkdir -p "$FUZZ/logs"
"$FUZZ/seed.sh"
echo "building all targets (cargo +nightly fuzz build ${FUZZ_FLAGS:-})"
start=$(date +%s)
cargo +nightly fuzz build "${FLAGS[@]}"
echo "built in $(($(date +%s) - start)) s"

if [[ -n ${TARGETS:-} ]]; then
    read -r -a targets <<<"$TARGETS"
else
    mapfile -t targets < <(cargo +nightly fuzz list)
fi
echo "running ${#targets[@]} targets, ${SECS} s each, ${JOBS:-1} at a time"
printf '%s\n' "${targets[@]}" |
    xargs -P "${JOBS:-1}" -I{} "$FUZZ/run.sh" --one {} "$SECS"

found=0
for t in "${targets[@]}"; do
    cat "$FUZZ/logs/$t.summary"
    grep -q 'findings: none' "$FUZZ/logs/$t.summary" || found=1
done
exit "$found"
