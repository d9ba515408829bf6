#!/usr/bin/env bash
# `ktriage group` on a large fleet with 1 and with 2 worker threads: the speed-up on two cores.
# The fleet is fixtures/fleet copied COPIES times (default 300, about 175 MB in 16,000 files) into
# a temporary folder; host folders are renamed per copy so plain dmesg hosts stay distinct.
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-300}
bin=.build/release/ktriage
[ -x "$bin" ] || bash scripts/build-release.sh
work=$(mktemp -d /tmp/ktriage-bigfleet.XXXXXX)
trap 'rm -rf "$work"' EXIT
for i in $(seq -w 1 "$copies"); do
    mkdir -p "$work/c$i"
    cp -r fixtures/fleet/hosts fixtures/fleet/rack fixtures/fleet/journal "$work/c$i/"
    for h in "$work/c$i/hosts/"*; do mv "$h" "$(dirname "$h")/c$i-$(basename "$h")"; done
done
echo "input: $(du -sh "$work" | cut -f1) in $(find "$work" -type f | wc -l) files" >&2
"$bin" group "$work" --jobs 1 >/dev/null  # warm the page cache
for jobs in 1 2; do
    /usr/bin/time -f "jobs=$jobs: %e s wall, %U s user, %M KB max RSS" "$bin" group "$work" --jobs "$jobs" >/dev/null
done
