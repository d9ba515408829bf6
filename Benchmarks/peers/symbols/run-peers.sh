#!/bin/sh
# Times ktriage's System.map lookups against script peers doing the same lookups, with hyperfine.
# Usage: Benchmarks/peers/symbols/run-peers.sh [SYSTEM_MAP]   (from the package root, after
#        bash scripts/build-release.sh)
# Peers: python3 parse+sort+bisect (prints name+0xoff/0xsize like ktriage); a sort+awk merge of the
# address list with the map (prints name and address: awk's doubles cannot do 64-bit offsets).
# addr2line/eu-addr2line are not peers here: they need a vmlinux with a symbol table, the lab has
# only the System.map.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../../.." && pwd)
map=${1:-$root/../shared/vmcores/System.map-6.1.0-56-amd64}
ktriage=$root/.build/release/ktriage
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
python3 - "$map" "$work" <<'PY'
import random, sys
text = [int(l.split()[0], 16) for l in open(sys.argv[1]) if l.split()[2:3] in (["_text"], ["_etext"])]
start, end = min(text), max(text)
random.seed(42)
with open(sys.argv[2] + "/addrs.txt", "w") as plain, open(sys.argv[2] + "/addrs.log", "w") as log:
    for _ in range(100000):
        a = random.randrange(start, end)
        plain.write("%x\n" % a)
        log.write(" [<%016x>]\n" % a)
PY
: > "$work/empty.txt"
hyperfine -N --warmup 3 --runs 20 \
    -n "ktriage symbolize, 100k addresses" "$ktriage symbolize --system-map $map --kaslr-offset 0 $work/addrs.log" \
    -n "python3 bisect peer, 100k addresses" "python3 $here/peer_bisect.py $map $work/addrs.txt" \
    -n "sort+awk merge peer, 100k addresses" "sh $here/peer_merge.sh $map $work/addrs.txt" \
    -n "ktriage symbolize, map load only" "$ktriage symbolize --system-map $map --kaslr-offset 0 $work/empty.txt" \
    -n "python3 bisect peer, map load only" "python3 $here/peer_bisect.py $map $work/empty.txt"
