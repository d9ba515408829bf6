#!/usr/bin/env bash
# The main job on the bundled sample data: builds ktriage and scans the fixture logs.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build -c release --product ktriage >&2
.build/release/ktriage scan fixtures/wrappers
