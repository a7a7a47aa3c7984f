#!/bin/sh
# Writes the example study onto a small, full file system and checks that
# qualsynth fails cleanly: exit code 1, one error line that names the file
# being written and says the disk is full, every file of the study as it
# was (byte for byte), no temporary file left behind; then, with the space
# back, the next run writes exactly the bytes of a run that never failed.
#
# It mounts a 4 MiB tmpfs, so it needs root (or CAP_SYS_ADMIN); without it
# it says so and exits 77 (skipped). For each amount of free space left
# (none, then a little more each time, so that the disk fills at a
# different write), it runs `import transcript` on a fresh copy of the
# study, then `run` from scratch.
#
# usage: scripts/full-disk.sh [QUALSYNTH]
#        (default: target/release/qualsynth, else target/debug/qualsynth)
# env:   FREE, the free space to leave, in KiB, one run each
#        (default: "0 4 8 16 32 48 64 96 128 160 192")
# exit:  0 every check passed, 1 a check failed, 2 usage, 77 cannot mount.
set -eu

root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-}
if [ -z "$bin" ]; then
    for b in "$root/target/release/qualsynth" "$root/target/debug/qualsynth"; do
        if [ -x "$b" ]; then bin=$b; break; fi
    done
fi
if [ -z "$bin" ] || [ ! -x "$bin" ]; then
    echo "usage: $0 [QUALSYNTH]: no qualsynth binary (cargo build first)" >&2
    exit 2
fi
study=$root/fixtures/coop-workspaces

work=$(mktemp -d)
mnt=$work/disk
mkdir "$mnt"
cleanup() {
    umount "$mnt" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
if ! mount -t tmpfs -o size=4m tmpfs "$mnt" 2>/dev/null; then
    echo "skipped: cannot mount a tmpfs here (needs root)" >&2
    exit 77
fi

failures=0
fail() {
    echo "FAIL: $*"
    failures=$((failures + 1))
}

# The reference: an uninterrupted run, on the normal disk.
mkdir "$work/ref"
cp -r "$study" "$work/ref/study"
rm -rf "$work/ref/study/data" "$work/ref/study/reports"
"$bin" -q run "$work/ref/study" >/dev/null

# Every file under a directory with its checksum, sorted.
sums() {
    (cd "$1" && find . -type f ! -name 'filler*' -print | LC_ALL=C sort | xargs -r sha256sum)
}

# Fills the disk, leaving about $1 KiB free.
fill() {
    rm -f "$mnt"/filler*
    dd if=/dev/zero of="$mnt/filler" bs=4k 2>/dev/null || true
    # Give back what was asked for.
    if [ "$1" -gt 0 ]; then
        size=$(stat -c %s "$mnt/filler")
        truncate -s $((size - $1 * 1024)) "$mnt/filler"
    fi
}

# Checks a failed command: exit 1, one `error:` line naming a file of the
# study and saying the disk is full.
check_error() {
    what=$1 code=$2 err=$3
    if [ "$code" -ne 1 ]; then
        fail "$what: exit code $code, expected 1"
    fi
    if [ "$(wc -l <"$err")" -ne 1 ] || ! grep -q '^error: ' "$err"; then
        fail "$what: expected one error line, got:"
        sed 's/^/    /' "$err"
    fi
    if ! grep -q "$mnt/s/" "$err"; then
        fail "$what: the error names no file of the study: $(cat "$err")"
    fi
    if ! grep -qi 'disk is full' "$err"; then
        fail "$what: the error does not say the disk is full: $(cat "$err")"
    fi
    if grep -q 'panicked' "$err"; then
        fail "$what: panicked"
    fi
}

check_no_temporaries() {
    left=$(find "$mnt/s" -name '.qualsynth-*.tmp' | wc -l)
    if [ "$left" -ne 0 ]; then
        fail "$1: $left temporary files left behind"
    fi
}

echo "qualsynth: $bin"
echo "study: $study on a 4 MiB tmpfs"
for free in ${FREE:-0 4 8 16 32 48 64 96 128 160 192}; do
    # import: one command, all or nothing.
    rm -rf "$mnt/s"
    mkdir "$mnt/s"
    cp -r "$study"/* "$mnt/s/"
    rm -rf "$mnt/s/data" "$mnt/s/reports"
    cp "$root/fixtures/formats/paragraphs.txt" "$work/extra.txt"
    sums "$mnt/s" >"$work/before"
    fill "$free"
    set +e
    "$bin" -q import transcript "$work/extra.txt" --study "$mnt/s" --group Lille \
        >/dev/null 2>"$work/err"
    code=$?
    set -e
    if [ "$code" -eq 0 ]; then
        echo "free ${free} KiB: import: succeeded (enough space)"
    else
        check_error "free ${free} KiB: import" "$code" "$work/err"
        sums "$mnt/s" >"$work/after"
        if ! cmp -s "$work/before" "$work/after"; then
            fail "free ${free} KiB: import changed the study:"
            diff "$work/before" "$work/after" | sed 's/^/    /' || true
        fi
        check_no_temporaries "free ${free} KiB: import"
        echo "free ${free} KiB: import: $(cat "$work/err")"
    fi

    # run: every stage from scratch; each stage is atomic, so the inputs
    # stay as they were and the next run finishes the work.
    rm -rf "$mnt/s"
    rm -f "$mnt"/filler*
    mkdir "$mnt/s"
    cp -r "$study"/* "$mnt/s/"
    rm -rf "$mnt/s/data" "$mnt/s/reports"
    sums "$mnt/s" >"$work/before"
    fill "$free"
    set +e
    "$bin" -q run "$mnt/s" >/dev/null 2>"$work/err"
    code=$?
    set -e
    if [ "$code" -eq 0 ]; then
        echo "free ${free} KiB: run: succeeded (enough space)"
    else
        check_error "free ${free} KiB: run" "$code" "$work/err"
        sums "$mnt/s" | grep -v -e ' ./data/' -e ' ./reports/' >"$work/after" || true
        if ! cmp -s "$work/before" "$work/after"; then
            fail "free ${free} KiB: run changed the study's own files:"
            diff "$work/before" "$work/after" | sed 's/^/    /' || true
        fi
        check_no_temporaries "free ${free} KiB: run"
        echo "free ${free} KiB: run: $(cat "$work/err")"
    fi
    # With the space back, the next run recovers: the same bytes as the
    # uninterrupted run.
    rm -f "$mnt"/filler*
    if ! "$bin" -q run "$mnt/s" >/dev/null 2>"$work/err"; then
        fail "free ${free} KiB: the run after freeing space failed: $(cat "$work/err")"
    fi
    sums "$mnt/s" >"$work/got"
    sums "$work/ref/study" >"$work/want"
    if ! cmp -s "$work/want" "$work/got"; then
        fail "free ${free} KiB: the recovered study differs from an uninterrupted run:"
        diff "$work/want" "$work/got" | sed 's/^/    /' || true
    fi
done

if [ "$failures" -ne 0 ]; then
    echo "$failures checks failed"
    exit 1
fi
echo "all checks passed"
