#!/usr/bin/env python3
"""Writes `scan --format ndjson` records for `group --from-ndjson` benchmarks.

usage: make-ndjson.py OUTPUT RECORDS [HOSTS] [SIGNATURES] < records.ndjson

Replicates real records (give it `ktriage scan --format ndjson` output of fixtures/ or of the
shared corpora) over HOSTS hosts (default 10,000) and SIGNATURES signatures (default 400): each
host's records are consecutive, as one input each, with its own file, host, boot and kernel
stamps, so every record has its own id. Follow-up records are left out (their links count within
the input they came from). Deterministic: same input, same bytes.
"""
import json, sys

out, count = sys.argv[1], int(sys.argv[2])
hosts = int(sys.argv[3]) if len(sys.argv) > 3 else 10_000
signatures = int(sys.argv[4]) if len(sys.argv) > 4 else 400
VARIED = ("host", "file", "boot", "time", "signature", "linked_to")
bases = []
for line in sys.stdin:
    try:
        record = json.loads(line)
    except ValueError:
        continue
    if not isinstance(record, dict) or record.get("linked_to") is not None:
        continue
    body = {key: value for key, value in record.items() if key not in VARIED}
    # The record without its varied keys, open for them to be appended.
    bases.append((json.dumps(body, ensure_ascii=False, separators=(",", ":"))[:-1], record.get("time", {})))
if not bases:
    sys.exit("no records on stdin")
per_host = max(1, count // hosts)
written = 0
with open(out, "w", encoding="utf-8") as f:
    buf = []
    for index in range(count):
        host = index // per_host % hosts
        prefix, time = bases[index % len(bases)]
        wall = time.get("wall_us")
        wall = f'"wall_us":{1_700_000_000_000_000 + index * 1_000_000},' if wall is not None else ""
        buf.append(
            f'{prefix},"host":"node{host:05d}","file":"/fleet/node{host:05d}/kern.log",'
            f'"boot":"boot-{host:05d}","signature":"sig{index % signatures:04d}",'
            f'"time":{{{wall}"monotonic_us":{index * 1000 + 7}}}}}\n'
        )
        if len(buf) >= 10_000:
            f.write("".join(buf))
            buf.clear()
    f.write("".join(buf))
