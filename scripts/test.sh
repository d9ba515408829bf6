#!/usr/bin/env bash
# Installs what the build needs, builds ktriage with warnings as errors, and runs every test.
# Tests that need ../shared (real corpora and vmcores beside the checkout) skip themselves with a
# message when it is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --build-tests -Xswiftc -warnings-as-errors
swift test --skip-build
