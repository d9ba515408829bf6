#!/usr/bin/env bash
# Installs what the build needs, builds ktriage with warnings as errors, runs every test, then a
# short fuzz smoke pass (10 seconds per libFuzzer target; Fuzz/run.sh 600 for long runs).
# Tests that need ../shared (real corpora and vmcores beside the checkout) skip themselves with a
# message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# Headless Chromium for the HTML page test (Debian's chromium); the test skips without it.
bash scripts/setup.sh chromium || echo "test.sh: chromium could not be installed; the HTML page test will skip" >&2
# Formatting is part of the build: the committed .swift-format, strict.
swift format lint --strict -r Sources Tests Benchmarks/Benchmarks Fuzz/Sources
swift build --build-tests -Xswiftc -warnings-as-errors
swift test --skip-build
# The README's library example, built against this checkout and run on a log and a dump.
(cd Examples/crash-titles && swift build -q && swift run -q crash-titles \
    ../../fixtures/wrappers/syslog-bsd.log ../../fixtures/vmcore/synthetic-l5.kdump \
    | diff -u expected-output.txt -)
# The Spark job (spark/ktriage_job.py) in local mode on fixtures/fleet, against one ktriage run.
bash spark/test.sh
bash Fuzz/run.sh 10
