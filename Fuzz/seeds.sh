#!/usr/bin/env bash
# Writes the seeds of one fuzz target into a folder: fixtures of its input kind, the regression
# inputs, and make-seeds.py's synthetic dumps. Used by run.sh and coverage.sh.
# The dump targets also get fixtures/vmcore/seeds/: small x86-64 and arm64 dumps whose own
# kallsyms (located by VMCOREINFO), BTF, task list, stacks and ORC tables or frame records are
# valid, so that mutations start past the log walk, in the facts, the task walk and the
# unwinders. Tests/KernelDumpTests/DumpSeedTests.swift writes them (UPDATE_GOLDEN=1) and checks
# that each still yields symbols, tasks and backtraces.
# FUZZ_NO_DEEP_SEEDS=1 leaves them out (to measure what they add).
# usage: Fuzz/seeds.sh TARGET FOLDER
set -euo pipefail
cd "$(dirname "$0")"
# Crash reports as the parser sees them: golden header and wrapper prefixes removed, behind a
# flags byte (FuzzCrashParser's format; 0x08 = lines carry monotonic stamps).
strip_report() {
    printf '\010'
    sed -E -e '1,/^$/d' -e 's/^(<[0-7]>)?\[ *[0-9]+\.[0-9]+\](\[ *[TC][0-9]+\])? ?//' "$1"
}

# The deep seeds of one container kind (kdump, flat, elf), unless FUZZ_NO_DEEP_SEEDS=1.
deep_seeds() {
    [ "${FUZZ_NO_DEEP_SEEDS:-0}" = 1 ] || cp ../fixtures/vmcore/seeds/*."$1" "$2/"
}

seeds() {
    local target=$1 seeds=$2
    case "$target" in
        FuzzLogReader) find ../fixtures -type f \( -name '*.log' -o -name '*.json' -o -name 'dmesg*' -o -name '*.txt' \) -size -64k -exec cp {} "$seeds/" \;
            python3 make-seeds.py "$target" "$seeds" ;;
        FuzzCrashParser) for f in ../fixtures/logs/*/*.log ../fixtures/events/*.log; do strip_report "$f" > "$seeds/$(basename "$(dirname "$f")")-$(basename "$f")"; done
            python3 make-seeds.py "$target" "$seeds" ;;
        FuzzJournalJSON) find ../fixtures -type f -name '*.json' -size -64k -exec cp {} "$seeds/" \; ;;
        FuzzPstore) cp ../fixtures/wrappers/pstore/* ../fixtures/regressions/pstore-* "$seeds/"
            { cat ../fixtures/wrappers/pstore-split/dmesg-efi-151049919102001; printf '\000'; cat ../fixtures/wrappers/pstore-split/dmesg-efi-151049919101001; } > "$seeds/split-parts" ;;
        FuzzSymbols) for f in ../fixtures/symbols/*.map ../fixtures/symbols/System.map* ../fixtures/symbols/*kallsyms*; do
                [ -f "$f" ] && { printf '\000' | cat - "$f" > "$seeds/map-$(basename "$f")"; printf '\001' | cat - "$f" > "$seeds/kallsyms-$(basename "$f")"; }
            done ;;
        FuzzVmcore) find ../fixtures/vmcore -path ../fixtures/vmcore/seeds -prune -o -type f ! -name '*.dmesg' ! -name '*.md' -exec cp {} "$seeds/" \;
            for kind in kdump flat elf; do deep_seeds "$kind" "$seeds"; done
            for kind in FuzzKdump FuzzELFDump FuzzFlattened; do python3 make-seeds.py "$kind" "$seeds"; done ;;
        FuzzKdump) cp ../fixtures/vmcore/*.kdump ../fixtures/vmcore/regressions/kdump-* "$seeds/"; deep_seeds kdump "$seeds"
            python3 make-seeds.py "$target" "$seeds" ;;
        FuzzKdumpPage) python3 make-seeds.py "$target" "$seeds" ;;
        FuzzFlattened) cp ../fixtures/vmcore/*.flat ../fixtures/vmcore/regressions/flattened-* "$seeds/"; deep_seeds flat "$seeds"
            python3 make-seeds.py "$target" "$seeds" ;;
        FuzzELFDump) cp ../fixtures/vmcore/regressions/elf-* "$seeds/"; deep_seeds elf "$seeds"
            python3 make-seeds.py "$target" "$seeds" ;;
        FuzzPrintkRing) cp ../fixtures/vmcore/regressions/printk-* "$seeds/"; python3 make-seeds.py "$target" "$seeds" ;;
        FuzzVmcoreinfo) python3 make-seeds.py "$target" "$seeds" ;;
        FuzzPartial) cp ../fixtures/regressions/partial-* "$seeds/" ;;
    esac
}

seeds "$1" "$2"
