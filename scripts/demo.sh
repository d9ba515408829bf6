#!/usr/bin/env bash
# The main job on the bundled sample data: builds ktriage (scripts/build-release.sh), groups the
# crashes of the sample fleet (fixtures/fleet: 64 hosts, four kernel builds, one of which keeps
# panicking), writes the HTML page fleet.html and prints the group table.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/build-release.sh
.build/release/ktriage group fixtures/fleet --format html --output fleet.html
echo "wrote fleet.html (open it in a browser)" >&2
.build/release/ktriage group fixtures/fleet
