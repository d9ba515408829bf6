"""Tests of spark/ktriage_job.py in Spark's local mode on fixtures/fleet.

The job must give what one `ktriage group` run gives on the same inputs, however the files are
spread over tasks and whether they are read in place or copied into task scratch folders.
KTRIAGE names the binary (default: .build/debug/ktriage); run with `bash spark/test.sh`.
"""

import datetime
import json
import os
import subprocess
import sys

import pyarrow.dataset
import pytest
from pyspark.sql import SparkSession
from pyspark.sql import types as sqltypes

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import ktriage_job  # noqa: E402

REPOSITORY = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
FLEET = "fixtures/fleet"
KTRIAGE = os.path.abspath(os.environ.get("KTRIAGE", os.path.join(REPOSITORY, ".build/debug/ktriage")))


@pytest.fixture(autouse=True)
def in_repository(monkeypatch):
    """Every test runs from the checkout, so `fixtures/fleet` is shown as ktriage shows it."""
    monkeypatch.chdir(REPOSITORY)


@pytest.fixture(scope="module")
def spark():
    """One local[2] session for the in-process runs."""
    session = (
        SparkSession.builder.master("local[2]")
        .appName("ktriage job test")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .getOrCreate()
    )
    # The job's functions are pickled by reference to their module: the Python workers import it.
    session.sparkContext.addPyFile(ktriage_job.__file__)
    yield session
    session.stop()


def ktriage_group(*arguments, cwd=REPOSITORY):
    """One plain `ktriage group` run's standard output (exit 0 or 1: input errors are in it)."""
    completed = subprocess.run([KTRIAGE, "group", *arguments], cwd=cwd, capture_output=True, check=False)
    assert completed.returncode in (0, 1), completed.stderr.decode()
    return completed.stdout.decode()


def read_groups(output):
    """OUT/groups.json, parsed."""
    with open(os.path.join(output, "groups.json"), encoding="utf-8") as groups_file:
        return json.load(groups_file)


def record_count(output):
    """Rows in OUT/records (Parquet, partitioned by day)."""
    return pyarrow.dataset.dataset(os.path.join(output, "records"), format="parquet", partitioning="hive").count_rows()


def run_in_session(spark, output, *arguments):
    """The job on the shared session; returns the input errors it counted."""
    options = ktriage_job.parse_arguments(["--ktriage", KTRIAGE, "--output", str(output), *arguments])
    return ktriage_job.run_job(spark, options)


def assert_same_fleet(actual, expected):
    """Groups, crashes, hosts, releases and totals as one ktriage run gives them."""
    assert actual["totals"] == expected["totals"]
    assert [group["signature"] for group in actual["groups"]] == [group["signature"] for group in expected["groups"]]
    for mine, theirs in zip(actual["groups"], expected["groups"]):
        for key in ("crashes", "hosts", "kernel_releases", "first_seen", "last_seen", "over_represented"):
            assert mine[key] == theirs[key], (mine["signature"], key)
    assert actual == expected


@pytest.fixture(scope="module")
def expected_fleet():
    """`ktriage group --format json fixtures/fleet`, parsed."""
    return json.loads(ktriage_group("--format", "json", FLEET))


def test_spark_submit_gives_one_ktriage_run(tmp_path, expected_fleet):
    """The command of issue 15: groups.json, report.md and fleet.html as one run writes them."""
    output = tmp_path / "out"
    command = ["spark-submit", "--master", "local[2]", "--conf", "spark.ui.enabled=false"]
    command += ["spark/ktriage_job.py", "--ktriage", KTRIAGE, "--output", str(output), FLEET]
    completed = subprocess.run(command, cwd=REPOSITORY, capture_output=True, check=False)
    assert completed.returncode == 0, completed.stderr.decode()[-3000:]
    groups = read_groups(output)
    assert_same_fleet(groups, expected_fleet)
    assert (output / "groups.json").read_text() == ktriage_group("--format", "json", FLEET)
    assert (output / "report.md").read_text() == ktriage_group("--format", "markdown", FLEET)
    assert (output / "fleet.html").read_text() == ktriage_group("--format", "html", FLEET)
    assert record_count(output) == sum(group["crashes"] for group in groups["groups"]) == groups["totals"]["records"]
    rows = pyarrow.dataset.dataset(output / "records", format="parquet", partitioning="hive").to_table(
        columns=["time", "day"]
    )
    for time, day in zip(rows.column("time").to_pylist(), rows.column("day").to_pylist()):
        if time["wall_us"] is None:
            assert day is None  # Spark's __HIVE_DEFAULT_PARTITION__
            continue
        wall = datetime.datetime.fromtimestamp(time["wall_us"] / 1e6, tz=datetime.timezone.utc)
        assert str(day) == wall.date().isoformat()


def test_many_small_tasks_give_the_same_result(spark, tmp_path, expected_fleet):
    """Small tasks (the folder argument split over 18 tasks, one of them holding only a
    file ktriage skips) merges to the same fleet."""
    roots, _ = ktriage_job.expand_inputs(spark, [FLEET], stage_local=False)
    files = sorted((item for root in roots for item in ktriage_job.list_local_files(root)), key=lambda item: item.shown)
    tasks = ktriage_job.plan_tasks(files, 24)
    assert len(tasks) > 12 and [[item.shown for item in task] for task in tasks].count([FLEET + "/make-fleet.py"]) == 1
    output = tmp_path / "out"
    assert run_in_session(spark, output, "--tasks", "24", FLEET) == 0
    assert_same_fleet(read_groups(output), expected_fleet)
    assert record_count(output) == expected_fleet["totals"]["records"]


def test_copied_inputs_give_the_same_result(spark, tmp_path, expected_fleet):
    """Inputs read by Spark and copied into task scratch folders (the hdfs:// and s3a:// path)
    keep their original names, so hosts and record files are unchanged."""
    output = tmp_path / "out"
    assert run_in_session(spark, output, "--stage-local", "--tasks", "5", FLEET) == 0
    groups = read_groups(output)
    assert_same_fleet(groups, expected_fleet)
    files = pyarrow.dataset.dataset(output / "records", format="parquet", partitioning="hive").to_table(
        columns=["file"]
    )
    assert all(path.startswith(FLEET + "/") for path in files.column("file").to_pylist())


def test_uri_inputs_are_shown_as_given(spark, tmp_path, expected_fleet):
    """A URI input (as hdfs:// and s3a:// ones are) is staged below the scratch folder under its
    own text, so ktriage names hosts as for the local path and records say the URI."""
    uri = "file://" + os.path.join(REPOSITORY, FLEET)
    output = tmp_path / "out"
    assert run_in_session(spark, output, "--stage-local", "--tasks", "3", "--no-records", uri) == 0
    shown = (output / "groups.json").read_text()
    assert f'"file" : "{uri}/hosts/' in shown
    assert json.loads(shown.replace(uri + "/", FLEET + "/")) == expected_fleet


def test_unreadable_inputs_are_reported_as_ktriage_reports_them(spark, tmp_path, monkeypatch):
    """A folder argument holding no logs, split over two tasks, is reported once; a missing
    path is named (errors may come in another order than ktriage's)."""
    monkeypatch.chdir(tmp_path)
    for name in ("notes/a/readme.md", "notes/b/tool.sh"):
        (tmp_path / name).parent.mkdir(parents=True)
        (tmp_path / name).write_text("not a log\n")
    expected = json.loads(ktriage_group("--format", "json", "notes", "missing", cwd=tmp_path))
    assert run_in_session(spark, tmp_path / "out", "--tasks", "2", "--no-records", "notes", "missing") == 2
    actual = read_groups(tmp_path / "out")
    assert sorted(actual["errors"]) == sorted(expected["errors"])
    assert "notes: " + ktriage_job.NO_LOGS_MESSAGE in actual["errors"]
    assert actual["totals"] == expected["totals"]


def test_since_filters_groups_and_records_alike(spark, tmp_path):
    """--since reaches ktriage, and the Parquet records hold the crashes it counted."""
    expected = json.loads(ktriage_group("--format", "json", "--since", "2026-10-15", FLEET))
    output = tmp_path / "out"
    assert run_in_session(spark, output, "--since", "2026-10-15", FLEET) == 0
    assert_same_fleet(read_groups(output), expected)
    assert 0 < record_count(output) == expected["totals"]["records"]


def test_tasks_keep_folders_together():
    """A folder's files share a task unless the folder alone is larger than a task."""
    files = [
        ktriage_job.InputFile(shown=f"logs/{host}/{name}", root="logs", source="", size=10)
        for host in ("web01", "web02", "web03")
        for name in ("kern.log", "kern.log.1.gz")
    ]
    tasks = ktriage_job.plan_tasks(files, 3)
    assert [[item.shown for item in task] for task in tasks] == [
        [item.shown for item in files[index : index + 2]] for index in (0, 2, 4)
    ]
    big = [ktriage_job.InputFile(shown=f"logs/{index:02}.log", root="logs", source="", size=10) for index in range(9)]
    assert [len(task) for task in ktriage_job.plan_tasks(big, 3)] == [3, 3, 3]


def test_shown_paths_stay_relative():
    """Relative paths are shown as given; others become file:// URIs a task can rebuild."""
    assert ktriage_job.shown_local_form("fixtures/fleet") == "fixtures/fleet"
    assert ktriage_job.shown_local_form("/srv/logs") == "file:///srv/logs"
    assert ktriage_job.shown_local_form("../logs") == "file://" + os.path.abspath("../logs")
    assert ktriage_job.is_local("file:/srv/logs") and ktriage_job.is_local("logs/web01")
    assert not ktriage_job.is_local("s3a://bucket/logs") and not ktriage_job.is_local("hdfs:/logs")


def test_record_schema_follows_docs():
    """The Parquet schema comes from docs/record.schema.json."""
    schema = ktriage_job.record_schema(ktriage_job.DEFAULT_SCHEMA)
    fields = {item.name: item.dataType for item in schema.fields}
    assert fields["registers"] == sqltypes.MapType(sqltypes.StringType(), sqltypes.StringType())
    assert fields["time"]["wall_us"].dataType == sqltypes.LongType()
    assert isinstance(fields["frames"].elementType, sqltypes.StructType)
    assert fields["corrupted"] == sqltypes.BooleanType()
