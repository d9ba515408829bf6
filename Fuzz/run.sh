#!/usr/bin/env bash
# Builds the fuzz targets (libFuzzer + AddressSanitizer) and runs each for a bounded time, one
# after the other.
# usage: Fuzz/run.sh [SECONDS_PER_TARGET] [TARGET...]     (default 60 s, every target)
# Seeds come from fixtures/ and make-seeds.py; dictionaries are dictionaries/<target without
# Fuzz>.dict; findings are written to Fuzz/findings/<target>/ and make the run fail.
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
[ ${#targets[@]} -gt 0 ] || targets=($(ls Sources | grep '^Fuzz' | grep -v 'Support$'))
# Crash reports as the parser sees them: golden header and wrapper prefixes removed, behind a
# flags byte (FuzzCrashParser's format; 0x08 = lines carry monotonic stamps).
strip_report() {
    printf '\010'
    sed -E -e '1,/^$/d' -e 's/^(<[0-7]>)?\[ *[0-9]+\.[0-9]+\](\[ *[TC][0-9]+\])? ?//' "$1"
}
status=0
for target in "${targets[@]}"; do
    seeds=$(mktemp -d)
    case "$target" in
        FuzzLogReader) find ../fixtures -type f \( -name '*.log' -o -name '*.json' -o -name 'dmesg*' -o -name '*.txt' \) -size -64k -exec cp {} "$seeds/" \; ;;
        FuzzCrashParser) for f in ../fixtures/logs/*/*.log; do strip_report "$f" > "$seeds/$(basename "$(dirname "$f")")-$(basename "$f")"; done ;;
        FuzzJournalJSON) find ../fixtures -type f -name '*.json' -size -64k -exec cp {} "$seeds/" \; ;;
        FuzzPstore) cp ../fixtures/wrappers/pstore/* ../fixtures/regressions/pstore-* "$seeds/"
            { cat ../fixtures/wrappers/pstore-split/dmesg-efi-151049919102001; printf '\000'; cat ../fixtures/wrappers/pstore-split/dmesg-efi-151049919101001; } > "$seeds/split-parts" ;;
        FuzzSymbols) for f in ../fixtures/symbols/*.map ../fixtures/symbols/System.map* ../fixtures/symbols/*kallsyms*; do
                [ -f "$f" ] && { printf '\000' | cat - "$f" > "$seeds/map-$(basename "$f")"; printf '\001' | cat - "$f" > "$seeds/kallsyms-$(basename "$f")"; }
            done ;;
        FuzzVmcore) find ../fixtures/vmcore -type f ! -name '*.dmesg' ! -name '*.md' -exec cp {} "$seeds/" \; ;;
        FuzzKdump) cp ../fixtures/vmcore/*.kdump ../fixtures/vmcore/regressions/kdump-* "$seeds/"; python3 make-seeds.py "$target" "$seeds" ;;
        FuzzKdumpPage) python3 make-seeds.py "$target" "$seeds" ;;
        FuzzFlattened) cp ../fixtures/vmcore/*.flat "$seeds/"; python3 make-seeds.py "$target" "$seeds" ;;
        FuzzELFDump) cp ../fixtures/vmcore/regressions/elf-* "$seeds/"; python3 make-seeds.py "$target" "$seeds" ;;
        FuzzPrintkRing) cp ../fixtures/vmcore/regressions/printk-* "$seeds/"; python3 make-seeds.py "$target" "$seeds" ;;
        FuzzVmcoreinfo) python3 make-seeds.py "$target" "$seeds" ;;
    esac
    mkdir -p "findings/$target"
    dict=""
    [ -e "dictionaries/${target#Fuzz}.dict" ] && dict="-dict=dictionaries/${target#Fuzz}.dict"
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
