#!/bin/sh
# Checks a self-contained HTML report in headless Chromium: takes a
# screenshot, optionally prints it to PDF, and fails on any console message
# (the report has no script, so any message is an error: an exception, a
# blocked resource, a CSP report) or on an external reference in the file.
#
# usage: scripts/check-html.sh REPORT.html OUT.png [OUT.pdf]
# env:   CHROMIUM (default: chromium), WINDOW (default: 1280,2000)
# exit:  0 clean, 1 console message, external reference or no screenshot,
#        2 usage or Chromium missing.
set -eu

if [ $# -lt 2 ] || [ $# -gt 3 ]; then
    echo "usage: $0 REPORT.html OUT.png [OUT.pdf]" >&2
    exit 2
fi
html=$1
png=$2
pdf=${3:-}
chromium=${CHROMIUM:-chromium}
window=${WINDOW:-1280,2000}

if [ ! -f "$html" ]; then
    echo "error: $html: no such file" >&2
    exit 2
fi
if ! command -v "$chromium" >/dev/null 2>&1; then
    echo "error: $chromium not found" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT INT TERM
abs=$(cd "$(dirname "$html")" && pwd)/$(basename "$html")
status=0

# External references: the file must stand alone.
if grep -Eion '(src|href)[[:space:]]*=[[:space:]]*["'"'"']?[[:space:]]*(https?:)?//|<link[^>]*stylesheet|@import|url\([[:space:]]*["'"'"']?(https?:)?//' "$html" >"$work/external"; then
    echo "error: $html refers to external resources:" >&2
    sed 's/^/  /' "$work/external" >&2
    status=1
fi

run() {
    # $1: log file; the rest: Chromium arguments.
    log=$1
    shift
    timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --disable-quic \
        --no-first-run --disable-background-networking --disable-component-update \
        --disable-sync --disable-extensions --user-data-dir="$work/profile" \
        --enable-logging=stderr --v=0 "$@" "file://$abs" >"$log" 2>&1
}

rm -f "$png"
if ! run "$work/screenshot.log" --hide-scrollbars --window-size="$window" --screenshot="$png"; then
    echo "error: Chromium failed on $html:" >&2
    tail -n 20 "$work/screenshot.log" >&2
    exit 1
fi
if [ ! -s "$png" ]; then
    echo "error: no screenshot written to $png" >&2
    exit 1
fi

if [ -n "$pdf" ]; then
    rm -f "$pdf"
    if ! run "$work/pdf.log" --no-pdf-header-footer --print-to-pdf="$pdf" || [ ! -s "$pdf" ]; then
        echo "error: Chromium could not print $html to $pdf:" >&2
        tail -n 20 "$work/pdf.log" >&2
        exit 1
    fi
fi

# Console messages look like: [pid:tid:time:INFO:CONSOLE:12] "Uncaught Error: x", source: file:///… (12)
if cat "$work"/*.log | grep -E ':CONSOLE(\(|:)[0-9]*\]' >"$work/console"; then
    echo "error: console messages in $html:" >&2
    sed 's/^[^]]*\] /  /' "$work/console" >&2
    status=1
fi

if [ "$status" -eq 0 ]; then
    echo "ok: $html ($(wc -c <"$png") bytes of screenshot${pdf:+, PDF $pdf})"
fi
exit "$status"
