#!/usr/bin/env bash
# Builds the fuzz targets (libFuzzer + AddressSanitizer) and runs each for a bounded time, one
# after the other (never two fuzzers at once: the build machine has two cores).
# usage: Fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s, every target; 0: build only)
#
# Inputs: the committed minimised corpus corpus/<target>/, the working corpus work/<target>/
# (kept between runs, not committed; libFuzzer adds what it finds there), seeds from fixtures/ and
# make-seeds.py (seeds.sh), and the dictionary dictionaries/<target without Fuzz>.dict.
# Findings are written to findings/<target>/ and make the run fail; each target's log is
# findings/<target>.log and its figures are appended to findings/runs.tsv.
#
# Environment:
#   FUZZ_MERGE=1   after each run, minimise work/<target> with -merge=1 (also done after any run
#                  of 60 s or more)
#   FUZZ_SAVE=1    then copy the minimised set to corpus/<target> (committed) when it is under
#                  the size cap below
#   FUZZ_CONFIG=release   optimised build (-O, still AddressSanitizer, bounds and overflow
#                  checks) in .build-release: 2-7 times the executions per second of debug
#   FUZZ_NO_BUILD=1, FUZZ_BIN=<dir>   run already built binaries (e.g. older ones, to compare)
#   FUZZ_NICE=19   niceness of the fuzzer processes
#   FUZZ_MAX_LEN=<bytes>   one -max_len for every target (the default is chosen per target)
#   SWIFT_BACKTRACE   default enable=no (see below)
#   ASAN_OPTIONS   default malloc_context_size=0: recording a stack for every allocation took a
#                  quarter of each execution; rerun a finding with ASAN_OPTIONS= for full stacks
set -euo pipefail
cd "$(dirname "$0")"
export ASAN_OPTIONS=${ASAN_OPTIONS:-malloc_context_size=0}
# Swift's crash backtracer forks a helper that ASan reports as a stack-buffer-underflow of its
# own (hiding the real trap) and that keeps the log pipe open; libFuzzer's stack is enough.
export SWIFT_BACKTRACE=${SWIFT_BACKTRACE:-enable=no}
seconds=${1:-60}
shift || true
corpus_cap_kb=1024
config=${FUZZ_CONFIG:-debug}
build_path=.build
[ "$config" = debug ] || build_path=.build-$config
bin=${FUZZ_BIN:-$build_path/$config}
if [ "${FUZZ_NO_BUILD:-0}" != 1 ]; then
    runtime=$(dirname "$(swift -print-target-info | python3 -c 'import json,sys; print(json.load(sys.stdin)["paths"]["runtimeResourcePath"])')")
    fuzzer_lib="$runtime/clang/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a"
    [ -e "$fuzzer_lib" ] || fuzzer_lib=$(find /opt/swift /usr/lib -name 'libclang_rt.fuzzer_no_main-x86_64.a' 2>/dev/null | head -1)
    # SwiftPM defines main for executables, so libFuzzer's driver is linked without its main
    # (FuzzSupport calls LLVMFuzzerRunDriver); coverage flags match what -sanitize=fuzzer sets.
    # -Xcc: the package's own C (the mapping guard, the line-break search) gets AddressSanitizer too.
    swift build -c "$config" --build-path "$build_path" -Xswiftc -sanitize=address -Xcc -fsanitize=address \
        -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
        -Xlinker "$fuzzer_lib" -Xlinker -lstdc++ >&2
fi
# libFuzzer takes -max_total_time=0 as "no limit".
[ "$seconds" -gt 0 ] || exit 0
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(ls Sources | grep '^Fuzz' | grep -v 'Support$'))

# The longest input each target needs: real inputs, not the 64 KiB default, so that mutations
# stay cheap. Logs: 90% of the log fixtures are under 3 KiB, a full oops with its call trace
# under 16 KiB. VMCOREINFO: the kernel keeps it in one page (VMCOREINFO_BYTES). One kdump page:
# the codec byte and a page. Dumps: the synthetic seeds (a 7-page machine) and the committed
# dump fixtures are under 64 KiB. Records (`scan --format ndjson`): a line is 1 KiB (median) to
# 80 KiB, so 16 KiB holds several; a partial of the sample fleet is 43 KiB.
max_len() {
    case "$1" in
        FuzzCrashParser | FuzzLogReader | FuzzJournalJSON | FuzzPstore | FuzzFleetRecords) echo 16384 ;;
        FuzzSymbols) echo 8192 ;;
        FuzzVmcoreinfo) echo 4096 ;;
        FuzzKdumpPage) echo 4097 ;;
        FuzzPrintkRing) echo 32768 ;;
        *) echo 65536 ;;
    esac
}

# Runs a command at FUZZ_NICE. With sched_autogroup on (Debian's default), niceness only orders
# processes within one session's autogroup, so the fuzzer gets its own session and that group is
# reniced too; otherwise a "nice" fuzzer still takes a whole core from a build in another shell.
niced() {
    local level=${FUZZ_NICE:-19}
    setsid -w bash -c 'level=$1; shift; echo "$level" > /proc/self/autogroup 2>/dev/null || true
        exec nice -n "$level" "$@"' niced "$level" "$@"
}

mkdir -p findings
[ -e findings/runs.tsv ] ||
    printf 'date\ttarget\tconfig\tseconds\texecutions\texec/s\texec/cpu-s\tload\tcov\tft\tcorpus\tpeak_rss_mb\tresult\n' > findings/runs.tsv
status=0
for target in "${targets[@]}"; do
    seed_dir=$(mktemp -d)
    bash seeds.sh "$target" "$seed_dir"
    mkdir -p "findings/$target" "work/$target" "corpus/$target"
    dict=""
    [ -e "dictionaries/${target#Fuzz}.dict" ] && dict="-dict=dictionaries/${target#Fuzz}.dict"
    len=${FUZZ_MAX_LEN:-$(max_len "$target")}
    echo "== $target: ${seconds}s, -max_len=$len" >&2
    result=ok
    # work/ first: libFuzzer writes the inputs it finds into the first folder.
    load=$(cut -d' ' -f1 /proc/loadavg)
    # CPU time as well as wall time: on the shared machine exec/s depends on the other builders,
    # executions per CPU second do not.
    if ! /usr/bin/time -f '%U %S' -o "findings/$target.time" bash -c "$(declare -f niced); niced \"\$@\"" _ "$bin/$target" "work/$target" "corpus/$target" "$seed_dir" $dict \
        -max_total_time="$seconds" -max_len="$len" -timeout=30 -rss_limit_mb=2048 \
        -artifact_prefix="findings/$target/" -print_final_stats=1 2>"findings/$target.log"; then
        status=1
        result=FAILED
        # The trap or sanitizer report and its first frames, then libFuzzer's closing lines.
        grep -m1 'Fatal error' "findings/$target.log" >&2 || true
        grep -m1 -A24 -E 'ERROR: (AddressSanitizer|LeakSanitizer|libFuzzer)' "findings/$target.log" >&2 || true
        tail -8 "findings/$target.log" >&2
    fi
    done_line=$(grep -E '^#[0-9]+[[:space:]]+DONE' "findings/$target.log" | tail -1 || true)
    executions=$(sed -nE 's/^stat::number_of_executed_units: *([0-9]+)/\1/p' "findings/$target.log" | tail -1)
    rss=$(sed -nE 's/^stat::peak_rss_mb: *([0-9]+)/\1/p' "findings/$target.log" | tail -1)
    rate=$(sed -nE 's/.*exec\/s: *([0-9]+).*/\1/p' <<<"$done_line")
    cov=$(sed -nE 's/.* cov: *([0-9]+).*/\1/p' <<<"$done_line")
    ft=$(sed -nE 's/.* ft: *([0-9]+).*/\1/p' <<<"$done_line")
    corpus=$(sed -nE 's/.* corp: *([0-9]+\/[0-9]+[A-Za-z]*).*/\1/p' <<<"$done_line")
    cpu_rate=$(awk -v runs="${executions:-0}" '{ cpu = $1 + $2; if (cpu > 0) printf "%d", runs / cpu }' "findings/$target.time" 2>/dev/null || true)
    echo "   executions ${executions:-?}, ${rate:-?} exec/s (${cpu_rate:-?} per CPU second, load $load), cov ${cov:-?}, ft ${ft:-?}, corpus ${corpus:-?}, peak RSS ${rss:-?} MB: $result" >&2
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$(date -u +%FT%TZ)" "$target" "$config" "$seconds" \
        "${executions:-}" "${rate:-}" "${cpu_rate:-}" "$load" "${cov:-}" "${ft:-}" "${corpus:-}" "${rss:-}" "$result" >> findings/runs.tsv
    if [ "$result" = ok ] && { [ "${FUZZ_MERGE:-0}" = 1 ] || [ "${FUZZ_SAVE:-0}" = 1 ] || [ "$seconds" -ge 60 ]; }; then
        # Minimise: keep the smallest set of inputs with the same coverage.
        merged=$(mktemp -d)
        niced "$bin/$target" -merge=1 "$merged" "work/$target" "corpus/$target" "$seed_dir" \
            -max_len="$len" -timeout=30 -rss_limit_mb=2048 2>"findings/$target.merge.log" >&2 || true
        if [ -n "$(ls -A "$merged")" ]; then
            rm -rf "work/$target" && mv "$merged" "work/$target"
            echo "   minimised: $(ls "work/$target" | wc -l) inputs, $(du -sk --apparent-size "work/$target" | cut -f1) KiB" >&2
            if [ "${FUZZ_SAVE:-0}" = 1 ]; then
                size=$(du -sk --apparent-size "work/$target" | cut -f1)
                if [ "$size" -le "$corpus_cap_kb" ]; then
                    rm -rf "corpus/$target" && cp -r "work/$target" "corpus/$target"
                    echo "   saved to corpus/$target" >&2
                else
                    echo "   not saved: ${size} KiB is over the ${corpus_cap_kb} KiB cap" >&2
                fi
            fi
        else
            rm -rf "$merged"
        fi
    fi
    rm -rf "$seed_dir"
done
exit $status
