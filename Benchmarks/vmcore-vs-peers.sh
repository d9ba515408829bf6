#!/bin/sh
# Times `ktriage vmcore dmesg|info` against vmcore-dmesg and makedumpfile --dump-dmesg on the
# shared dumps, in the same run, and shows that `vmcore info` does not depend on the dump's size
# (a 64 GiB sparse ELF made from the lkdtm-panic ELF dump).
# Usage: Benchmarks/vmcore-vs-peers.sh [ktriage binary] [rounds]
# Needs: ../shared/vmcores, vmcore-dmesg and makedumpfile (apt-get install kexec-tools makedumpfile).
set -eu
KT=${1:-.build/release/ktriage}
N=${2:-20}
V=$(cd "$(dirname "$0")/../.." && pwd)/shared/vmcores
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

mean_ms() { # command... ; prints mean wall milliseconds over N runs (output discarded)
    start=$(date +%s%N)
    i=0
    while [ $i -lt "$N" ]; do "$@" >/dev/null 2>&1 || true; i=$((i + 1)); done
    end=$(date +%s%N)
    echo $(((end - start) / N / 1000))
}
rss_kb() { /usr/bin/time -f %M "$@" 2>&1 >/dev/null | tail -1; }
md_dmesg() { rm -f "$TMP/md.txt"; makedumpfile --dump-dmesg "$1" "$TMP/md.txt"; }

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

printf '%-52s %10s %10s %10s %12s\n' dump "ktriage" vmcore-dmesg makedumpfile "ktriage RSS"
for d in "lkdtm-bug-smp2/vmcore.kdump-zlib" "lkdtm-bug-smp2/vmcore.kdump-zlib.rearranged" \
    "kdump-guest-corrupt-list-add/vmcore.makedumpfile-c-d31" "lkdtm-panic/vmcore.kdump-zlib" \
    "lkdtm-softlockup/vmcore.kdump-zlib" "$TMP/elf" "$TMP/elf-paging"; do
    case $d in /*) f=$d ;; *) f=$V/$d ;; esac
    kt=$(mean_ms "$KT" vmcore dmesg "$f")
    if vmcore-dmesg "$f" >/dev/null 2>&1; then vd="$(mean_ms vmcore-dmesg "$f")us"; else vd=fails; fi
    if md_dmesg "$f" >/dev/null 2>&1; then md="$(mean_ms md_dmesg "$f")us"; else md=fails; fi
    printf '%-52s %8sus %10s %10s %10sKB\n' "$(basename "$(dirname "$f")")/$(basename "$f")" "$kt" "$vd" "$md" "$(rss_kb "$KT" vmcore dmesg "$f")"
done
echo
echo "vmcore info: 134 MB ELF $(mean_ms "$KT" vmcore info "$TMP/elf")us, 64 GiB sparse ELF $(mean_ms "$KT" vmcore info "$TMP/elf-64g")us, RSS $(rss_kb "$KT" vmcore info "$TMP/elf-64g")KB"
echo "process start only (ktriage --version): $(mean_ms "$KT" --version)us"
