#!/usr/bin/env bash
# Input layer vs. cat and ripgrep on the same 1 GB files, in one hyperfine run each (warm cache).
# ktriage's scan runs framing + wrapper stripping (+ the crash parser once it is built) on one core.
# usage: Benchmarks/compare-input.sh [SIZE_MB]
set -euo pipefail
cd "$(dirname "$0")/.."
size=${1:-1024}
bash scripts/setup.sh hyperfine ripgrep
bash scripts/build-release.sh
syslog=/tmp/ktriage-bench-syslog-${size}m.log
dmesg=/tmp/ktriage-bench-dmesg-${size}m.log
[ -s "$syslog" ] || python3 Benchmarks/make-syslog.py "$syslog" "$size"
[ -s "$dmesg" ] || sed -E 's/^[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [^ ]+ kernel: //; /^[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} /d' "$syslog" > "$dmesg"
# The peer: ripgrep counting lines that hold a crash header literal (the literals of
# Sources/KernelFacts/CrashHeaders.swift, as fixed strings).
literals=$(grep -o 'literal: "[^"]*"' Sources/KernelFacts/CrashHeaders.swift | sed 's/literal: "\(.*\)"/\1/' | sort -u)
rg_args=()
while IFS= read -r literal; do rg_args+=(-e "$literal"); done <<<"$literals"
for file in "$syslog" "$dmesg"; do
    ls -l "$file"
    # This hyperfine writes `--export-markdown -` to a file named "-": use a temporary file.
    hyperfine -N --warmup 1 --runs 5 --export-markdown /tmp/ktriage-compare.md \
        "cat $file" \
        "rg -c -F $(printf "%q " "${rg_args[@]}") $file" \
        ".build/release/ktriage scan $file --format ndjson"
    cat /tmp/ktriage-compare.md
done
