#!/usr/bin/env bash
# Installs what the build needs, builds ktriage with warnings as errors, and runs every test.
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
