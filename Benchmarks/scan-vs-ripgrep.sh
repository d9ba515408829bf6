#!/usr/bin/env bash
# `ktriage scan --jobs 1` against `rg -j1 -c -F` with the same crash and event header literals
# (and with the crash headers alone) and against `cat`, and `scan --jobs 2` (one file on two
# cores, ChunkedLogReader), on the three files of issue 18 (hyperfine, warm page cache, one run
# per file), then `ktriage group --jobs 1` against `--jobs 2` on the 1 GiB syslog.
#
# usage: Benchmarks/scan-vs-ripgrep.sh [KTRIAGE]   (default .build/release/ktriage)
#   console fleet: 3 copies of 200 hosts' kern.log built from the shared console logs
#                  ($SHARED/vmcores*/*/console.log, SHARED defaulting to ../shared beside the checkout)
#   syslog:        the README's 1 GiB multi-host syslog (Benchmarks/make-syslog.py)
#   dmesg:         the same as plain dmesg
# Files are made once under $BENCH_DIR (default /tmp) and reused; RUNS (default 5) runs each.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-.build/release/ktriage}
[ -x "$bin" ] || swift build -c release --product ktriage
command -v hyperfine >/dev/null && command -v rg >/dev/null || apt-get install -y hyperfine ripgrep
shared=${SHARED:-$(cd .. && pwd)/shared}
dir=${BENCH_DIR:-/tmp}
runs=${RUNS:-5}

# The literals of Sources/KernelFacts/CrashHeaders.swift and EventHeaders.swift (`EDAC MC\($0)`
# is the ten controllers `EDAC MC0` … `EDAC MC9`).
literals=$dir/ktriage-bench-literals.txt
cat Sources/KernelFacts/CrashHeaders.swift Sources/KernelFacts/EventHeaders.swift |
    grep -o 'literal: "[^"]*"' | sed 's/literal: "\(.*\)"/\1/' |
    while IFS= read -r literal; do
        if [[ $literal == *'\($0)'* ]]; then
            for digit in 0 1 2 3 4 5 6 7 8 9; do echo "${literal%\\(\$0)}$digit"; done
        else
            echo "$literal"
        fi
    done | sort -u >"$literals"
echo "$(wc -l <"$literals") literals" >&2
# The crash headers alone: the literal set issue 18 was measured with.
crash_literals=$dir/ktriage-bench-crash-literals.txt
grep -o 'literal: "[^"]*"' Sources/KernelFacts/CrashHeaders.swift | sed 's/literal: "\(.*\)"/\1/' | sort -u >"$crash_literals"

fleet=$dir/ktriage-bench-console-fleet.log
syslog=$dir/ktriage-bench-syslog-1024m.log
dmesg=$dir/ktriage-bench-dmesg-1024m.log
if [ ! -s "$fleet" ]; then
    mapfile -t consoles < <(ls "$shared"/vmcores*/*/console.log)
    python3 Benchmarks/make-console-fleet.py "$fleet" "${consoles[@]}" --headers "$literals"
fi
[ -s "$syslog" ] || python3 Benchmarks/make-syslog.py "$syslog" 1024
[ -s "$dmesg" ] || sed -E 's/^[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} [^ ]+ kernel: //; /^[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} /d' "$syslog" >"$dmesg"

for file in "$fleet" "$syslog" "$dmesg"; do
    echo "== $file: $(stat -c %s "$file") bytes, $(wc -l <"$file") lines, $("$bin" scan "$file" --format ndjson | wc -l) records"
    hyperfine -N --warmup 1 --runs "$runs" --export-markdown "$dir/ktriage-bench.md" \
        "cat $file" \
        "rg -j1 -c -F -f $literals $file" \
        "rg -j1 -c -F -f $crash_literals $file" \
        "$bin scan $file --format ndjson --jobs 1" \
        "$bin scan $file --format ndjson --jobs 2"
    cat "$dir/ktriage-bench.md"
    for jobs in 1 2; do
        /usr/bin/time -f "ktriage scan --jobs $jobs: %U s user, %S s system, peak RSS %M KB" \
            "$bin" scan "$file" --format ndjson --jobs $jobs >"$dir/ktriage-bench-jobs$jobs.ndjson"
    done
    cmp "$dir/ktriage-bench-jobs1.ndjson" "$dir/ktriage-bench-jobs2.ndjson" && echo "--jobs 1 and --jobs 2: same records"
done

echo "== one large file, group --jobs 1 vs 2: $syslog"
hyperfine -N --warmup 1 --runs "$runs" --export-markdown "$dir/ktriage-bench.md" \
    "$bin group $syslog --jobs 1" "$bin group $syslog --jobs 2"
cat "$dir/ktriage-bench.md"
