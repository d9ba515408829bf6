#!/usr/bin/env python3
"""Writes a large multi-host syslog with sparse kernel crash reports, for throughput benchmarks.

usage: make-syslog.py OUTPUT [SIZE_MB]   (default 1024 MB). Deterministic: same bytes every run.
"""
import random, sys

out, size_mb = sys.argv[1], int(sys.argv[2]) if len(sys.argv) > 2 else 1024
rng = random.Random(42)
hosts = [f"node{n:04d}" for n in range(200)]
normal = [
    "e1000e 0000:00:19.0 eth0: NIC Link is Up 1000 Mbps Full Duplex, Flow Control: Rx/Tx",
    "audit: type=1400 audit(1510499191.123:42): apparmor=\"STATUS\" operation=\"profile_load\" name=\"/usr/bin/man\"",
    "EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null)",
    "IPv6: ADDRCONF(NETDEV_CHANGE): eth0: link becomes ready",
    "usb 1-1: new high-speed USB device number 2 using xhci_hcd",
    "TCP: request_sock_TCP: Possible SYN flooding on port 80. Sending cookies.  Check SNMP counters.",
]
other = ["sshd[912]: Accepted publickey for ops from 10.0.0.7 port 52144 ssh2",
         "systemd[1]: Started Session 42 of user ops.", "CRON[3321]: (root) CMD (run-parts /etc/cron.hourly)"]
crash = open(__file__.replace("make-syslog.py", "../fixtures/wrappers/base.txt")).read().splitlines()
target = size_mb << 20
written = 0
second = 0
with open(out, "w") as f:
    buf = []
    while written < target:
        second += 1
        host = hosts[second % len(hosts)]
        stamp = f"Nov {12 + second // 86400 % 17:2d} {second // 3600 % 24:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        if second % 50000 == 0:
            lines = [f"{stamp} {host} kernel: [{second % 100000:5d}.{i:06d}] {t}" for i, t in enumerate(crash)]
        elif second % 3 == 0:
            lines = [f"{stamp} {host} {rng.choice(other)}"]
        else:
            lines = [f"{stamp} {host} kernel: [{second % 100000:5d}.{second % 1000000:06d}] {rng.choice(normal)}"]
        chunk = "\n".join(lines) + "\n"
        buf.append(chunk)
        written += len(chunk)
        if len(buf) >= 10000:
            f.write("".join(buf))
            buf = []
    f.write("".join(buf))
