#!/usr/bin/env bash
# Times `ktriage vmcore dmesg` against vmcore-dmesg and makedumpfile --dump-dmesg on the shared
# dumps, with hyperfine, ktriage and the peers in the same run for each dump; then `vmcore info` on
# a 134 MB ELF dump and on a 64 GiB sparse one made from it (the dump's size must not matter), and
# start-up: ktriage on a 50 KB dump next to /bin/true.
# A peer is timed on a dump only if it reads it (exit status 0 and some output). ratio = ktriage's
# mean / the fastest peer's mean (below 1: ktriage is faster).
# Usage: Benchmarks/vmcore-vs-peers.sh [ktriage binary] [runs]
#   binary: default .build/release/ktriage, as scripts/build-release.sh builds it
# Needs: ../shared/vmcores, hyperfine, python3, vmcore-dmesg and makedumpfile
# (apt-get install hyperfine kexec-tools makedumpfile).
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
KT=$(realpath "${1:-$ROOT/.build/release/ktriage}")
RUNS=${2:-50}
V=$(cd "$ROOT/.." && pwd)/shared/vmcores
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
MD=$TMP/makedumpfile-dmesg.txt # makedumpfile refuses to overwrite it: removed before each run

gunzip -c "$V/lkdtm-panic/vmcore.elf.gz" >"$TMP/elf"
gunzip -c "$V/lkdtm-panic/vmcore.elf-paging.gz" >"$TMP/elf-paging"
python3 - "$TMP/elf" "$TMP/elf-64g" <<'PY'
import shutil, struct, sys, os
src, dst = sys.argv[1], sys.argv[2]
shutil.copyfile(src, dst)
with open(dst, "r+b") as f:
    head = f.read(4096)
    phoff, = struct.unpack_from("<Q", head, 32)
    phnum, = struct.unpack_from("<H", head, 56)
    size = os.path.getsize(dst)
    for i in range(phnum):
        o = phoff + i * 56
        t, fl, off, va, pa, fs, ms, al = struct.unpack_from("<IIQQQQQQ", head, o)
        if t == 1 and pa == 0xFFFC0000:  # turn the BIOS segment into 64 GiB of sparse RAM at 4 GiB
            new = (size + 4095) & ~4095
            big = 64 << 30
            f.seek(o)
            f.write(struct.pack("<IIQQQQQQ", t, fl, new, 1 << 32, 1 << 32, big, big, al))
            f.truncate(new + big)
PY

# hyperfine's JSON as "name mean_ms stddev_ms" lines.
means() {
    python3 -c 'import json, sys
for r in json.load(open(sys.argv[1]))["results"]:
    print(r["command"], "%.2f" % (r["mean"] * 1000), "%.2f" % (r["stddev"] * 1000))' "$1"
}
bench() { # hyperfine -n NAME COMMAND ... ; results in $TMP/h.json, hyperfine's own output shown only if it fails
    hyperfine -N --warmup 5 --runs "$RUNS" --prepare "rm -f $MD" --export-json "$TMP/h.json" "$@" >"$TMP/hyperfine.log" 2>&1 ||
        { cat "$TMP/hyperfine.log" >&2; exit 1; }
}
rss_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }

echo "ktriage: $KT ($(file -b "$KT" | cut -d, -f1-2,4)); $RUNS runs per command, means in ms (± standard deviation)"
printf '%-56s %14s %14s %14s %6s %12s\n' dump ktriage vmcore-dmesg makedumpfile ratio "ktriage RSS"
for d in "kdump-guest-corrupt-list-add/vmcore.makedumpfile-c-d31" "lkdtm-panic/vmcore.kdump-zlib" \
    "lkdtm-bug-smp2/vmcore.kdump-zlib" "lkdtm-bug-smp2/vmcore.kdump-zlib.rearranged" \
    "lkdtm-softlockup/vmcore.kdump-zlib" "$TMP/elf" "$TMP/elf-paging"; do
    case $d in /*) f=$d name=lkdtm-panic/vmcore.$(basename "$d") ;; *) f=$V/$d name=$d ;; esac
    commands=(-n ktriage "$KT vmcore dmesg $f")
    if vmcore-dmesg "$f" >"$TMP/out" 2>/dev/null && [ -s "$TMP/out" ]; then
        commands+=(-n vmcore-dmesg "vmcore-dmesg $f")
    fi
    rm -f "$MD"
    if makedumpfile --dump-dmesg "$f" "$MD" >/dev/null 2>&1 && [ -s "$MD" ]; then
        commands+=(-n makedumpfile "makedumpfile --dump-dmesg $f $MD")
    fi
    bench "${commands[@]}"
    means "$TMP/h.json" | python3 -c 'import sys
name, rss = sys.argv[1], sys.argv[2]
rows = {line.split()[0]: line.split()[1:] for line in sys.stdin}
cell = lambda k: "%s ± %s" % tuple(rows[k]) if k in rows else "cannot read"
peers = [float(rows[k][0]) for k in ("vmcore-dmesg", "makedumpfile") if k in rows]
ratio = "%.2f" % (float(rows["ktriage"][0]) / min(peers)) if peers else "-"
print("%-56s %14s %14s %14s %6s %10s KB" % (name, cell("ktriage"), cell("vmcore-dmesg"), cell("makedumpfile"), ratio, rss))' \
        "$name" "$(rss_kb "$KT" vmcore dmesg "$f")"
done

echo
bench -n "vmcore info, 134 MB ELF" "$KT vmcore info $TMP/elf" -n "vmcore info, 64 GiB sparse ELF" "$KT vmcore info $TMP/elf-64g" \
    -n "vmcore dmesg, 50 KB dump (start-up)" "$KT vmcore dmesg $ROOT/fixtures/vmcore/synthetic-lockless.kdump" \
    -n /bin/true /bin/true
means "$TMP/h.json" | sed 's/ \([0-9.]*\) \([0-9.]*\)$/: \1 ms ± \2/'
echo "vmcore info RSS on the 64 GiB ELF: $(rss_kb "$KT" vmcore info "$TMP/elf-64g") KB"
