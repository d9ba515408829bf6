#!/usr/bin/env bash
# Scaling of the Spark job in local mode against plain `ktriage group`, on one large fleet
# (spark/make_big_fleet.py: fixtures/fleet copied COPIES times with distinct hosts; 300 copies
# are 16,200 files, 168 MB, 19,200 hosts). Runs, with hyperfine (RUNS runs each, page cache
# warm): `ktriage group --jobs 1` and `--jobs 2`, the job with local[1] and local[2], and the
# job without records. Then checks that the job's groups.json equals the plain run's.
#     bash spark/bench.sh [COPIES] [RUNS]
set -euo pipefail
cd "$(dirname "$0")/.."
copies=${1:-300}
runs=${2:-3}
bin=$PWD/.build/release/ktriage
[ -x "$bin" ] || bash scripts/build-release.sh
job=$PWD/spark/ktriage_job.py
work=$(mktemp -d /tmp/ktriage-spark-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
python3 spark/make_big_fleet.py "$work/fleet" "$copies"
echo "input: $(du -sh "$work/fleet" | cut -f1) in $(find "$work/fleet" -type f | wc -l) files; load: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
export PYSPARK_PYTHON=${PYSPARK_PYTHON:-$(command -v python3)}
submit="spark-submit --conf spark.ui.showConsoleProgress=false --driver-memory 2g"
# Relative inputs, as ktriage shows them: the job's groups.json can be compared byte for byte.
cd "$work"
"$bin" group fleet --jobs 1 >/dev/null # warm the page cache
hyperfine --runs "$runs" --export-markdown "$work/table.md" \
    "$bin group fleet --jobs 1 --format json -o plain.json" \
    "$bin group fleet --jobs 2 --format json -o plain.json" \
    "$submit --master 'local[1]' $job --ktriage $bin --output out1 fleet 2>err1.txt" \
    "$submit --master 'local[2]' $job --ktriage $bin --output out2 fleet 2>err2.txt" \
    "$submit --master 'local[2]' $job --ktriage $bin --output out3 --no-records fleet 2>err3.txt"
cat "$work/table.md"
# The phases of each job's last run, as the job prints them.
grep -h "^ktriage_job:" err1.txt err2.txt err3.txt || true
for out in out1 out2 out3; do
    if cmp -s plain.json "$out/groups.json"; then
        echo "$out/groups.json: the same as ktriage group"
    else
        echo "$out/groups.json: DIFFERS from ktriage group" && status=1
    fi
done
python3 -c "import pyarrow.dataset as d; print('records:', d.dataset('out2/records', format='parquet', partitioning='hive').count_rows())"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
exit "${status:-0}"
