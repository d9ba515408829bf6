#!/usr/bin/env bash
# What a structure-aware mutator adds (the dump mutator, or the line mutator of the log, journal
# and symbol targets): runs a target twice from its seeds alone for the same number of
# executions, once with libFuzzer's byte mutator only (KTRIAGE_FUZZ_MUTATOR=bytes) and once with
# the custom mutator, then measures the source coverage of each resulting corpus (coverage.sh's
# build) in the files of the module the target is about.
# usage: Fuzz/mutator-gain.sh TARGET [EXECUTIONS]      (default 5000; FUZZ_SEED=N, default 1)
set -euo pipefail
cd "$(dirname "$0")"
target=$1
runs=${2:-5000}
bin=${FUZZ_BIN:-.build/debug}   # FUZZ_BIN=.build-release/release for the optimised build
bin_dir=$(dirname "$(readlink -f "$(command -v swift)")")
llvm_cov="$bin_dir/llvm-cov"; [ -x "$llvm_cov" ] || llvm_cov=llvm-cov
llvm_profdata="$bin_dir/llvm-profdata"; [ -x "$llvm_profdata" ] || llvm_profdata=llvm-profdata
[ -x "$bin/$target" ] && [ -x ".build-coverage/debug/$target" ] || {
    echo "build first: bash run.sh 0 $target; bash coverage.sh $target" >&2
    exit 2
}
case "$target" in
    FuzzLogReader | FuzzCrashParser | FuzzJournalJSON) module=KernelLog ;;
    FuzzSymbols) module=KernelSymbols ;;
    FuzzFleetRecords | FuzzPartial) module=CrashFleet ;;
    *) module=KernelDump ;;
esac
max_len=$(bash -c "source <(sed -n '/^max_len()/,/^}/p' run.sh); max_len $target")
seeds=$(mktemp -d)
bash seeds.sh "$target" "$seeds"
# Targets whose seeds are only the committed corpus (the fleet inputs) start from it.
[ -n "$(ls -A "$seeds")" ] || cp corpus/"$target"/* "$seeds"/
# FuzzPartial's seeds are its regression inputs and the committed corpus.
[ "$target" != FuzzPartial ] || cp corpus/"$target"/* "$seeds"/
dict=""
[ -e "dictionaries/${target#Fuzz}.dict" ] && dict="-dict=dictionaries/${target#Fuzz}.dict"
for mode in bytes fields; do
    corpus=$(mktemp -d)
    KTRIAGE_FUZZ_MUTATOR=$mode ASAN_OPTIONS=malloc_context_size=0 nice -n 19 "$bin/$target" \
        "$corpus" "$seeds" -runs="$runs" -max_len="$max_len" -timeout=30 -rss_limit_mb=2048 -seed="${FUZZ_SEED:-1}" \
        $dict 2>"/tmp/mutator-gain-$target-$mode.log" || true
    profile=$(mktemp -d)
    LLVM_PROFILE_FILE="$profile/%p.profraw" ".build-coverage/debug/$target" -runs=0 -max_len=1048576 \
        "$corpus" "$seeds" >/dev/null 2>&1 || true
    "$llvm_profdata" merge -sparse "$profile"/*.profraw -o "$profile/merged.profdata"
    echo "== $target, $runs executions, mutator: $mode ($(ls "$corpus" | wc -l) new inputs)"
    "$llvm_cov" report ".build-coverage/debug/$target" -instr-profile="$profile/merged.profdata" \
        -ignore-filename-regex='/(Fuzz|\.build[^/]*|Tests|Benchmarks)/' | grep -E "$module/|^TOTAL" |
        awk -v module="$module" '{ sub(".*/Sources/", "", $1); printf "%-40s functions %5s/%-5s lines %6s/%-6s\n", $1, $5-$6, $5, $8-$9, $8 }
            index($1, module "/") == 1 { functions += $5; reached += $5-$6; lines += $8; linesReached += $8-$9 }
            END { printf "%-40s functions %5s/%-5s lines %6s/%-6s\n", module " (all files)", reached, functions, linesReached, lines }'
    rm -rf "$corpus" "$profile"
done
rm -rf "$seeds"
