#!/usr/bin/env bash
# Tests spark/ktriage_job.py in Spark's local mode on fixtures/fleet (about 2-4 minutes on two
# busy cores). Installs what it needs: Java (Debian's openjdk-17-jre-headless) when `java` is
# missing, and pyspark, pyarrow and pytest from PyPI when Python lacks them. Uses the debug
# ktriage that `swift build --build-tests` leaves in .build/debug (scripts/test.sh builds it
# first), building only that product when it is missing: the fixtures are small, and a release
# build would add minutes to CI. KTRIAGE=path overrides the binary.
set -euo pipefail
cd "$(dirname "$0")/.."
command -v java >/dev/null || bash scripts/setup.sh openjdk-17-jre-headless
python3 -c "import pyspark, pyarrow, pytest" 2>/dev/null || python3 -m pip install -q pyspark pyarrow pytest
if [ -z "${KTRIAGE:-}" ]; then
    KTRIAGE=.build/debug/ktriage
    [ -x "$KTRIAGE" ] || swift build --product ktriage
fi
export KTRIAGE
# Spark's Python workers run the same interpreter as the test; no __pycache__ in the checkout.
export PYTHONDONTWRITEBYTECODE=1
PYSPARK_PYTHON=$(command -v python3)
export PYSPARK_PYTHON
python3 -m pytest -q -p no:cacheprovider spark/test_ktriage_job.py
