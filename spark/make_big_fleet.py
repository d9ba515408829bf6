"""Writes a large fleet for spark/bench.sh: fixtures/fleet copied COPIES times into OUT/cNNN/.

Benchmarks/fleet-speedup.sh renames only the host folders, so the hosts named inside syslog and
journald lines repeat in every copy and most crashes are duplicates of one another. Here every
host name is made distinct per copy (folder names, the host field of syslog lines, journald's
_HOSTNAME, inside .gz files too), so the fleet has COPIES times the hosts and the crashes of
fixtures/fleet, as a real fleet of that size would.

    python3 spark/make_big_fleet.py OUT [COPIES]
"""

import gzip
import os
import re
import sys

FLEET = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "fleet")
FOLDERS = ("hosts", "rack", "journal")
# `2026-10-07T14:08:59.000000+00:00 web07 kernel:`: the host is the second field.
SYSLOG_HOST = re.compile(rb"^(\S+ )(\S+)( kernel:)", re.MULTILINE)
JOURNAL_HOST = re.compile(rb'("_HOSTNAME": ")')


def renamed_hosts(content, prefix):
    """The log with every host it names prefixed."""
    content = SYSLOG_HOST.sub(lambda match: match[1] + prefix + match[2] + match[3], content)
    return JOURNAL_HOST.sub(lambda match: match[1] + prefix, content)


def copy_file(source, target, prefix):
    """One log, its hosts renamed (gzip kept)."""
    with open(source, "rb") as input_file:
        content = input_file.read()
    compressed = content[:2] == b"\x1f\x8b"
    content = renamed_hosts(gzip.decompress(content) if compressed else content, prefix)
    with open(target, "wb") as output_file:
        output_file.write(gzip.compress(content, mtime=0) if compressed else content)


def copy_fleet(output, copy_number):
    """One copy of the fleet with host names prefixed `cNNN-`."""
    prefix = f"c{copy_number:03}-"
    for folder in FOLDERS:
        for parent, _, names in os.walk(os.path.join(FLEET, folder)):
            relative = os.path.relpath(parent, FLEET).split(os.sep)
            if relative[0] == "hosts" and len(relative) > 1:
                relative[1] = prefix + relative[1]
            target_folder = os.path.join(output, prefix.rstrip("-"), *relative)
            os.makedirs(target_folder, exist_ok=True)
            for name in names:
                copy_file(os.path.join(parent, name), os.path.join(target_folder, name), prefix.encode())


def main():
    """Writes the copies."""
    output = sys.argv[1]
    copies = int(sys.argv[2]) if len(sys.argv) > 2 else 300
    for copy_number in range(1, copies + 1):
        copy_fleet(output, copy_number)


if __name__ == "__main__":
    main()
