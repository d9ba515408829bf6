#!/usr/bin/env bash
# Builds the fuzz targets (libFuzzer + AddressSanitizer) and runs each for a bounded time.
# usage: Fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s, every target)
# Seeds come from fixtures/; findings are written to Fuzz/findings/<target>/ and make the run fail.
set -euo pipefail
cd "$(dirname "$0")"
seconds=${1:-60}
shift || true
runtime=$(dirname "$(swift -print-target-info | python3 -c 'import json,sys; print(json.load(sys.stdin)["paths"]["runtimeResourcePath"])')")
fuzzer_lib="$runtime/clang/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a"
[ -e "$fuzzer_lib" ] || fuzzer_lib=$(find /opt/swift /usr/lib -name 'libclang_rt.fuzzer_no_main-x86_64.a' 2>/dev/null | head -1)
# SwiftPM defines main for executables, so libFuzzer's driver is linked without its main
# (FuzzSupport calls LLVMFuzzerRunDriver); coverage flags match what -sanitize=fuzzer sets.
swift build -c debug -Xswiftc -sanitize=address \
    -Xswiftc -sanitize-coverage=edge,trace-cmp,inline-8bit-counters,pc-table \
    -Xlinker "$fuzzer_lib" -Xlinker -lstdc++ >&2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(ls Sources | grep '^Fuzz' | grep -v FuzzSupport))
status=0
for target in "${targets[@]}"; do
    seeds=$(mktemp -d)
    case "$target" in
        FuzzLogReader) find ../fixtures -type f \( -name '*.log' -o -name '*.json' -o -name 'dmesg*' -o -name '*.txt' \) -size -64k -exec cp {} "$seeds/" \; ;;
        FuzzVmcore) find ../fixtures/vmcore -type f ! -name '*.dmesg' ! -name '*.md' -exec cp {} "$seeds/" \; ;;
        FuzzSymbols) for f in ../fixtures/symbols/*.map ../fixtures/symbols/System.map* ../fixtures/symbols/*kallsyms*; do
                [ -f "$f" ] && { printf '\000' | cat - "$f" > "$seeds/map-$(basename "$f")"; printf '\001' | cat - "$f" > "$seeds/kallsyms-$(basename "$f")"; }
            done ;;
    esac
    mkdir -p "findings/$target"
    dict=""
    [ -e "dictionaries/${target#Fuzz}.dict" ] && dict="-dict=dictionaries/${target#Fuzz}.dict"
    [ "$target" = FuzzLogReader ] && dict="-dict=dictionaries/log.dict"
    echo "== $target: ${seconds}s" >&2
    if ! ".build/debug/$target" "$seeds" $dict -max_total_time="$seconds" -max_len=65536 -timeout=30 \
        -rss_limit_mb=2048 -artifact_prefix="findings/$target/" -print_final_stats=1 2>"findings/$target.log"; then
        status=1
        tail -30 "findings/$target.log" >&2
    fi
    grep -E '^stat::number_of_executed_units|^stat::peak_rss_mb|^Done' "findings/$target.log" >&2 || true
    rm -rf "$seeds"
done
exit $status
