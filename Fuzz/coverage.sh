#!/usr/bin/env bash
# Source coverage of the parsers reached by each target's corpus: builds the targets with
# coverage mapping (no sanitizer) in .build-coverage, runs every input of corpus/<target>,
# work/<target> and the seeds once (-runs=0), and prints llvm-cov's per-file report for the
# main package's Sources/ (functions, lines and branches).
# usage: Fuzz/coverage.sh [TARGET...]          (default: every target)
# Environment: KTRIAGE_FUZZ_MUTATOR is irrelevant here (nothing is mutated); COVERAGE_OUT=<dir>
# keeps the reports (default coverage/, not committed).
set -euo pipefail
cd "$(dirname "$0")"
out=${COVERAGE_OUT:-coverage}
mkdir -p "$out"
bin_dir=$(dirname "$(readlink -f "$(command -v swift)")")
llvm_cov="$bin_dir/llvm-cov"; [ -x "$llvm_cov" ] || llvm_cov=llvm-cov
llvm_profdata="$bin_dir/llvm-profdata"; [ -x "$llvm_profdata" ] || llvm_profdata=llvm-profdata
fuzzer_lib=$(find /opt/swift /usr/lib -name 'libclang_rt.fuzzer_no_main-x86_64.a' 2>/dev/null | head -1)
nice -n 19 swift build -c debug --build-path .build-coverage -Xswiftc -profile-generate \
    -Xswiftc -profile-coverage-mapping -Xlinker "$fuzzer_lib" -Xlinker -lstdc++ >&2
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=($(ls Sources | grep '^Fuzz' | grep -v 'Support$'))
source_filter='/(Fuzz|\.build[^/]*|Tests|Benchmarks)/'
for target in "${targets[@]}"; do
    seed_dir=$(mktemp -d)
    bash seeds.sh "$target" "$seed_dir"
    rm -f "$out/$target".*.profraw
    mkdir -p "work/$target" "corpus/$target"
    LLVM_PROFILE_FILE="$out/$target.%p.profraw" nice -n 19 ".build-coverage/debug/$target" -runs=0 \
        -max_len=1048576 -timeout=60 -rss_limit_mb=4096 "work/$target" "corpus/$target" "$seed_dir" \
        >"$out/$target.run.log" 2>&1 || echo "$target: the coverage run failed, see $out/$target.run.log" >&2
    "$llvm_profdata" merge -sparse "$out/$target".*.profraw -o "$out/$target.profdata"
    rm -f "$out/$target".*.profraw
    "$llvm_cov" report ".build-coverage/debug/$target" -instr-profile="$out/$target.profdata" \
        -ignore-filename-regex="$source_filter" >"$out/$target.txt"
    echo "== $target: $(ls "work/$target" "corpus/$target" "$seed_dir" | wc -l) inputs" >&2
    # Functions and lines reached, per module (Swift reports no branch counts).
    awk '$1 ~ /\.swift$/ { split($1, path, "/"); module = path[1]; functions[module] += $5; missedFunctions[module] += $6
            lines[module] += $8; missedLines[module] += $9 }
        END { for (module in lines) printf "   %-14s functions %5d/%-5d lines %6d/%-6d (%.0f%%)\n", module,
            functions[module] - missedFunctions[module], functions[module], lines[module] - missedLines[module],
            lines[module], 100 * (lines[module] - missedLines[module]) / lines[module] }' "$out/$target.txt" | sort >&2
    rm -rf "$seed_dir"
done
