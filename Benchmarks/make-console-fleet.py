#!/usr/bin/env python3
"""Writes a multi-host syslog made of real console-log boot noise, for scan benchmarks.

usage: make-console-fleet.py OUTPUT CONSOLE_LOG... [--hosts 200] [--copies 3] [--host-mb 0.467]
                             [--crash-every 7000]

Each host's kern.log is BSD syslog (`Nov 12 15:06:31 nodeNNN kernel: [  12.345678] text`) whose
kernel text is drawn from the given console logs' ordinary lines (2% of lines are other
programs), with a crash report from the same logs every ~CRASH_EVERY lines. The output is COPIES
copies of all hosts' logs, one after the other. The console logs are read at benchmark time and
never stored in the repository. Deterministic: same inputs, same bytes.
"""
import argparse, random, re

parser = argparse.ArgumentParser()
parser.add_argument("output")
parser.add_argument("logs", nargs="+")
parser.add_argument("--hosts", type=int, default=200)
parser.add_argument("--copies", type=int, default=3)
parser.add_argument("--host-mb", type=float, default=0.467)
parser.add_argument("--crash-every", type=int, default=7000)
parser.add_argument("--headers", default="", help="file of crash header literals, one per line")
args = parser.parse_args()

stamp = re.compile(r"^\[\s*\d+\.\d+\] ")
literals = [line.rstrip("\n") for line in open(args.headers)] if args.headers else [
    "BUG: ", "WARNING: ", "Kernel panic", "general protection fault", "Oops", "INFO: task",
    "watchdog: BUG: soft lockup", "list_add corruption", "invoked oom-killer"]
literals = [literal for literal in literals if literal]
noise, crashes = [], []
for path in args.logs:
    lines = [stamp.sub("", line) for line in open(path, errors="replace").read().replace("\r", "").split("\n")
             if stamp.match(line)]
    index = 0
    while index < len(lines):
        if any(literal in lines[index] for literal in literals):
            end = index + 1
            while end < len(lines) and end - index < 120 and "---[ end" not in lines[end - 1]:
                end += 1
            crashes.append(lines[index:end])
            index = end
        else:
            noise.append(lines[index])
            index += 1
if not noise or not crashes:
    raise SystemExit("the console logs gave no ordinary lines or no crash reports")
rng = random.Random(7)
other = ["sshd[912]: Accepted publickey for ops from 10.0.0.7 port 52144 ssh2",
         "systemd[1]: Started Session 42 of user ops.", "CRON[3321]: (root) CMD (run-parts /etc/cron.hourly)"]
host_bytes = int(args.host_mb * (1 << 20))
logs = []
line_number = 0
for host in range(args.hosts):
    name = f"node{host:03d}"
    out, size, second, mono = [], 0, 3600 * (host % 24), 0.0
    while size < host_bytes:
        line_number += 1
        second += 1
        mono += 0.013
        when = f"Nov {12 + second // 86400 % 17:2d} {second // 3600 % 24:02d}:{second // 60 % 60:02d}:{second % 60:02d}"
        if line_number % args.crash_every == 0:
            block = [f"{when} {name} kernel: [{mono + i * 1e-6:12.6f}] {text}" for i, text in enumerate(rng.choice(crashes))]
        elif rng.random() < 0.02:
            block = [f"{when} {name} {rng.choice(other)}"]
        else:
            block = [f"{when} {name} kernel: [{mono:12.6f}] {noise[line_number % len(noise)]}"]
        text = "\n".join(block) + "\n"
        out.append(text)
        size += len(text)
    logs.append("".join(out))
with open(args.output, "w") as f:
    for _ in range(args.copies):
        for log in logs:
            f.write(log)
