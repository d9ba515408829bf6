"""Fleet-wide crash grouping with ktriage as an Apache Spark job.

    spark-submit spark/ktriage_job.py --ktriage PATH_TO_BINARY --output OUT INPUT...

INPUT is a local path, a Hadoop URI (hdfs://, s3a://, ...) or a glob of either. The job ships
the ktriage binary to the executors, spreads the input files over tasks, runs
`ktriage group --format partial` and `ktriage scan --format ndjson` in each task, merges the
partial groupings with `ktriage group --merge` in a tree of executor tasks, and writes
OUT/groups.json (`group --format json`), OUT/fleet.html, OUT/report.md (`--format markdown`)
and OUT/records/ (every crash record as Parquet, partitioned by UTC day).

ktriage derives host names (and record ids of reports without timestamps) from the path it is
given, and treats a folder argument differently from a file argument (inside folders it skips
hidden, binary and empty files and joins pstore parts). Each task therefore rebuilds, in its
scratch folder, the part of the original layout it reads, and runs ktriage from there with the
original arguments: a task reading `s3a://logs/web01/kern.log` under the argument
`s3a://logs` stages it at `SCRATCH/s3a:/logs/web01/kern.log` and passes `s3a://logs` as a
relative path, so ktriage sees exactly the original names wherever the task ran. Local files
are linked, not copied; remote ones are read by Spark (`binaryFiles`) and written there.
"""

import argparse
import datetime
import glob
import json
import math
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from itertools import groupby

from pyspark import SparkFiles, StorageLevel
from pyspark.sql import SparkSession
from pyspark.sql import functions as sql
from pyspark.sql import types as sqltypes

DEFAULT_SCHEMA = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "docs", "record.schema.json")
# Partial groupings merged per merge task: the tree has log_FAN_IN(tasks) levels.
MERGE_FAN_IN = 8
# A task reads about this many bytes at most (more tasks than cores when the fleet is large).
TASK_BYTES = 128 * 1024 * 1024
# ktriage's message for a folder argument in which it found nothing to read (InputWalker).
NO_LOGS_MESSAGE = "no logs or dumps found in this folder"
# `hdfs:`, `s3a:`, ... at the start of an input (a scheme, as Hadoop's Path reads it).
URI_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:/")
# A path that never exists (and cannot be created): the link target for missing remote inputs.
MISSING_TARGET = "/proc/self/missing-input"
# ktriage exits 1 when an input could not be read, after writing its output.
KTRIAGE_OK_CODES = (0, 1)


@dataclass(frozen=True)
class InputFile:
    """One file to read.

    `shown` is the path ktriage is given or finds by walking `root`, the folder argument the
    file was found under (None when the file itself was an argument); `source` is where its
    bytes are: a local path, or the Hadoop URI Spark reads.
    """

    shown: str
    root: str | None
    source: str
    size: int = 0


@dataclass(frozen=True)
class InputRoot:
    """One argument after glob expansion: its shown form, its Hadoop URI, and whether it is a folder."""

    shown: str
    uri: str
    is_folder: bool


@dataclass
class TaskResult:
    """What one map task returns: its partial grouping, its NDJSON records, the folder
    arguments it read, and those of which it held only files ktriage skips."""

    partial: str | None
    records: list = field(default_factory=list)
    roots_read: list = field(default_factory=list)
    roots_without_logs: list = field(default_factory=list)
    ktriage_seconds: float = 0.0


@dataclass(frozen=True)
class KtriageFlags:
    """The ktriage options passed through, per subcommand."""

    group: tuple
    scan: tuple
    max_ids: int
    # Flags of the final `group --merge` that renders the outputs: `--class` chooses what a
    # grouping shows, not what a partial holds, so it applies there.
    render: tuple = ()


@dataclass(frozen=True)
class TaskSettings:
    """What every map task needs besides its files: the shipped binary's name, the flags, the
    folder arguments spread over several tasks, and whether to scan for records."""

    ktriage_name: str
    flags: KtriageFlags
    split_roots: frozenset
    with_records: bool


# ---------------------------------------------------------------------------------------------
# Command line


def parse_arguments(argv):
    """The job's options (ktriage's fleet-scale flags are passed through)."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ktriage", required=True, help="the ktriage executable (static release build)")
    parser.add_argument("--output", required=True, help="output folder (local path or Hadoop URI)")
    parser.add_argument("inputs", nargs="+", help="log files, folders or globs (local or Hadoop URIs)")
    parser.add_argument("--since", help="only crashes at or after this UTC time (ktriage group --since)")
    parser.add_argument("--until", help="only crashes before this UTC time (ktriage group --until)")
    parser.add_argument("--year", type=int, help="year for syslog timestamps (ktriage --year)")
    parser.add_argument("--tz", help="time zone of syslog timestamps (passed on when ktriage has --tz)")
    parser.add_argument(
        "--class",
        dest="crash_class",
        choices=("crash", "event", "all"),
        help="crash, event or all: which records' groups and records to keep (ktriage group --class)",
    )
    parser.add_argument("--max-ids", type=int, default=10_000, help="record ids listed per group")
    parser.add_argument("--tasks", type=int, help="map tasks (default: by size, at least 2 per core)")
    parser.add_argument(
        "--stage-local",
        action="store_true",
        help="read local inputs through Spark and copy them like remote ones (tests the remote path)",
    )
    parser.add_argument("--no-records", action="store_true", help="skip OUT/records (halves the scan work)")
    parser.add_argument("--record-schema", default=DEFAULT_SCHEMA, help="docs/record.schema.json")
    return parser.parse_args(argv)


def ktriage_flags(options, ktriage_path):
    """Builds the flags for `group` and `scan` from the options, checking once, on the driver,
    which of the optional ones this ktriage accepts."""
    group_help = run_ktriage(ktriage_path, ["group", "--help"])
    scan_help = run_ktriage(ktriage_path, ["scan", "--help"])
    group, scan = [], []
    for value, flag, for_scan in (
        (options.since, "--since", False),
        (options.until, "--until", False),
        (options.year, "--year", True),
        (options.tz, "--tz", True),
        (options.crash_class, "--class", True),
    ):
        if value is None:
            continue
        if flag + " " not in group_help:
            print(f"ktriage_job: this ktriage has no group {flag}; ignored", file=sys.stderr)
            continue
        group += [flag, str(value)]
        if for_scan and flag + " " in scan_help:
            scan += [flag, str(value)]
    # One core per task, as Spark schedules them (`group` gets `--jobs 1` the same way).
    if "--jobs " in scan_help:
        scan += ["--jobs", "1"]
    render = []
    for index in range(0, len(group), 2):
        if group[index] == "--class":
            render += group[index : index + 2]
    return KtriageFlags(group=tuple(group), scan=tuple(scan), max_ids=options.max_ids, render=tuple(render))


# ---------------------------------------------------------------------------------------------
# Running ktriage


def run_ktriage(executable, arguments, cwd=None):
    """Runs ktriage and returns its standard output; raises (so Spark retries the task) unless
    it exited 0, or 1 with an output (an input that could not be read is in the output)."""
    completed = subprocess.run([executable, *arguments], cwd=cwd, capture_output=True, check=False)
    output = completed.stdout.decode("utf-8")
    if completed.returncode not in KTRIAGE_OK_CODES or (completed.returncode != 0 and not output):
        message = completed.stderr.decode("utf-8", "replace")[-4000:]
        raise RuntimeError(f"ktriage {' '.join(arguments[:3])} exited {completed.returncode}: {message}")
    return output


def children_cpu_seconds():
    """CPU time of the finished child processes (in a task: its ktriage runs)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def shipped_ktriage(name):
    """The executor's copy of the binary shipped with SparkFiles, made executable."""
    path = SparkFiles.get(name)
    if not os.access(path, os.X_OK):
        os.chmod(path, 0o755)
    return path


def scratch_folder():
    """A fresh folder in the executor's local scratch space (SPARK_LOCAL_DIRS when set)."""
    local_dirs = os.environ.get("SPARK_LOCAL_DIRS", "")
    base = local_dirs.split(",")[0] if local_dirs else None
    return tempfile.mkdtemp(prefix="ktriage-", dir=base)


# ---------------------------------------------------------------------------------------------
# Listing inputs (driver)


def is_local(path):
    """A plain path or file: URI (read directly); anything with another scheme is read through Hadoop."""
    return path.startswith("file:") or not URI_SCHEME.match(path)


def local_filesystem_path(path):
    """The local path of a plain path or file: URI."""
    if path.startswith("file://"):
        return path[len("file://") :]
    if path.startswith("file:"):
        return path[len("file:") :]
    return path


def shown_local_form(path):
    """How ktriage is shown a local argument: as given when it is relative and stays below
    the working folder (so the job matches `ktriage group` run here), otherwise a file:// URI,
    which a task can rebuild below its scratch folder."""
    if path.startswith("file:"):
        return path
    normalized = os.path.normpath(path)
    if not os.path.isabs(path) and normalized != ".." and not normalized.startswith("../"):
        return path
    return "file://" + os.path.abspath(path)


def joined(folder, name):
    """A path below a folder, joined the way ktriage's walker joins them."""
    return folder + name if folder.endswith("/") else folder + "/" + name


def local_roots(argument):
    """The local arguments one input expands to (globs expanded in name order)."""
    local_path = local_filesystem_path(argument)
    # A pattern matching nothing stays as it is, as a shell leaves it, and ktriage reports it.
    matches = (sorted(glob.glob(local_path)) if glob.has_magic(local_path) else []) or [local_path]
    prefix = argument[: len(argument) - len(local_path)]
    return [
        InputRoot(
            shown=shown_local_form(prefix + match),
            uri="file:" + os.path.abspath(match),
            is_folder=os.path.isdir(match),
        )
        for match in matches
    ]


def remote_roots(spark, argument):
    """The Hadoop paths one input expands to (globStatus), shown as their qualified URIs."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(argument)
    filesystem = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    statuses = filesystem.globStatus(path) or []
    if not statuses:
        # Staged as a link to nothing, so ktriage reports it missing as it reports a local path.
        return [InputRoot(shown=argument, uri="file:" + MISSING_TARGET, is_folder=False)]
    roots = []
    for status in statuses:
        uri = status.getPath().toString()
        roots.append(InputRoot(shown=uri, uri=uri, is_folder=status.isDirectory()))
    return roots


def list_local_files(root):
    """Every file ktriage could read under a local argument, hidden folders pruned (ktriage
    skips them too); a missing argument is kept so ktriage reports it."""
    local_path = local_filesystem_path(root.uri)
    if not root.is_folder:
        size = os.path.getsize(local_path) if os.path.exists(local_path) else 0
        return [InputFile(shown=root.shown, root=None, source=local_path, size=size)]
    files = []
    for folder, subfolders, names in os.walk(local_path):
        subfolders[:] = sorted(name for name in subfolders if not name.startswith("."))
        relative_folder = os.path.relpath(folder, local_path)
        for name in sorted(names):
            source = os.path.join(folder, name)
            if not os.path.isfile(source):
                continue
            relative = name if relative_folder == "." else os.path.join(relative_folder, name)
            shown = joined(root.shown, relative)
            files.append(InputFile(shown=shown, root=root.shown, source=source, size=os.path.getsize(source)))
    return files


# ---------------------------------------------------------------------------------------------
# Planning tasks (driver)


def folder_of(path):
    """The folder part of a shown path."""
    return path.rsplit("/", 1)[0] if "/" in path else ""


def plan_tasks(files, task_count):
    """Splits the files into about `task_count` tasks of similar size. A folder's files stay in
    one task unless the folder alone is larger than a task (pstore parts of one record are
    joined only within a run), and are split in name order then."""
    total = sum(item.size for item in files)
    target = max(1, math.ceil(total / max(1, task_count)))
    tasks, current, current_bytes = [], [], 0
    for _, folder_files in groupby(files, key=lambda item: folder_of(item.shown)):
        folder_files = list(folder_files)
        folder_bytes = sum(item.size for item in folder_files)
        if current and current_bytes + folder_bytes > target:
            tasks.append(current)
            current, current_bytes = [], 0
        for item in folder_files:
            current.append(item)
            current_bytes += item.size
            if current_bytes >= target:
                tasks.append(current)
                current, current_bytes = [], 0
    if current:
        tasks.append(current)
    return tasks


def default_task_count(spark, total_bytes, file_count):
    """At least two tasks per core (so a slow task does not hold the stage), one per
    TASK_BYTES on large fleets, never more than the files."""
    by_size = math.ceil(total_bytes / TASK_BYTES)
    return max(1, min(file_count, max(2 * spark.sparkContext.defaultParallelism, by_size)))


# ---------------------------------------------------------------------------------------------
# Map tasks (executors)


def stage_file(scratch, item, content=None):
    """Rebuilds one input below the scratch folder at its shown path: a symbolic link to a
    local file (dangling when the file is missing, so ktriage reports it as it would), or
    the bytes Spark read (gzip kept as it is)."""
    staged = os.path.join(scratch, item.shown)
    os.makedirs(os.path.dirname(staged), exist_ok=True)
    if content is None:
        os.symlink(os.path.abspath(item.source), staged)
    else:
        with open(staged, "wb") as output:
            output.write(content)


def task_arguments(files):
    """The ktriage arguments for a task's files: each folder argument once, then each file
    argument, in the order the files came."""
    arguments = []
    for item in files:
        argument = item.root if item.root is not None else item.shown
        if argument not in arguments:
            arguments.append(argument)
    return arguments


def group_partial(ktriage, arguments, flags, scratch, split_roots):
    """`ktriage group --format partial` on the staged arguments. A folder argument whose files
    are spread over several tasks may hold only skipped files here; ktriage would call it
    empty, so it is left out and named in the result (the driver restores the message when
    the folder had nothing to read in every task)."""
    base = ["group", "--format", "partial", "--jobs", "1", "--max-ids", str(flags.max_ids), *flags.group]
    partial = run_ktriage(ktriage, [*base, *arguments], cwd=scratch)
    errors = set(json.loads(partial).get("errors", []))
    empty = [root for root in split_roots if root in arguments and f"{root}: {NO_LOGS_MESSAGE}" in errors]
    if empty:
        kept = [argument for argument in arguments if argument not in empty]
        partial = run_ktriage(ktriage, [*base, *kept], cwd=scratch) if kept else None
    return partial, empty


def scan_records(ktriage, arguments, flags, scratch):
    """`ktriage scan --format ndjson` on the staged arguments: one JSON record per line."""
    output = run_ktriage(ktriage, ["scan", "--format", "ndjson", *flags.scan, *arguments], cwd=scratch)
    return [line for line in output.split("\n") if line]


def run_task(staged_files, settings):
    """One map task: stages its files, groups them and scans them. `staged_files` holds
    (InputFile, bytes or None for a local file) pairs."""
    flags = settings.flags
    ktriage = shipped_ktriage(settings.ktriage_name)
    scratch = scratch_folder()
    cpu_before = children_cpu_seconds()
    try:
        for item, content in staged_files:
            stage_file(scratch, item, content)
        arguments = task_arguments([item for item, _ in staged_files])
        partial, empty = group_partial(ktriage, arguments, flags, scratch, settings.split_roots)
        kept = [argument for argument in arguments if argument not in empty]
        records = scan_records(ktriage, kept, flags, scratch) if settings.with_records and kept else []
        folders = {item.root for item, _ in staged_files if item.root is not None}
        roots_read = [argument for argument in kept if argument in folders]
        return TaskResult(
            partial=partial,
            records=records,
            roots_read=roots_read,
            roots_without_logs=empty,
            ktriage_seconds=children_cpu_seconds() - cpu_before,
        )
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def file_for_uri(uri, roots):
    """The InputFile for a URI Spark read, found by its argument (roots longest first)."""
    for root in roots:
        if uri == root.uri and not root.is_folder:
            return InputFile(shown=root.shown, root=None, source=uri)
        prefix = root.uri.rstrip("/") + "/"
        if root.is_folder and uri.startswith(prefix):
            return InputFile(shown=joined(root.shown, uri[len(prefix) :]), root=root.shown, source=uri)
    raise ValueError(f"{uri}: not under any input")


# ---------------------------------------------------------------------------------------------
# Tree merge (executors)


def merge_partials(partials, ktriage_name, flags):
    """`ktriage group --merge` of several partial groupings into one."""
    partials = list(partials)
    if len(partials) == 1:
        return partials[0]
    ktriage = shipped_ktriage(ktriage_name)
    scratch = scratch_folder()
    try:
        # One core per task here too: `--merge` decodes a partial's groups on `--jobs` threads.
        arguments = ["group", "--format", "partial", "--jobs", "1", "--max-ids", str(flags.max_ids)]
        for index, partial in enumerate(partials):
            path = os.path.join(scratch, f"part-{index}.json")
            with open(path, "w", encoding="utf-8") as output:
                output.write(partial)
            arguments += ["--merge", path]
        return run_ktriage(ktriage, arguments)
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def tree_merge(partials, count, ktriage_name, flags):
    """Merges an RDD of `count` partials MERGE_FAN_IN at a time, level by level, in executor
    tasks; returns an RDD holding the one merged partial."""
    keyed = partials.zipWithIndex().map(lambda pair: (pair[1], pair[0]))
    while count > 1:
        count = math.ceil(count / MERGE_FAN_IN)
        keyed = (
            keyed.map(lambda pair: (pair[0] // MERGE_FAN_IN, pair[1]))
            .groupByKey(numPartitions=count)
            .mapValues(lambda group: merge_partials(group, ktriage_name, flags))
        )
    return keyed.values()


def render_outputs(partial, ktriage_name, flags):
    """groups.json, fleet.html and report.md from the merged partial (`group --merge`)."""
    ktriage = shipped_ktriage(ktriage_name)
    scratch = scratch_folder()
    try:
        path = os.path.join(scratch, "fleet.partial.json")
        with open(path, "w", encoding="utf-8") as output:
            output.write(partial)
        base = ["group", "--merge", path, "--max-ids", str(flags.max_ids), *flags.render, "--format"]
        return {
            "groups.json": run_ktriage(ktriage, [*base, "json"]),
            "fleet.html": run_ktriage(ktriage, [*base, "html"]),
            "report.md": run_ktriage(ktriage, [*base, "markdown"]),
        }
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


# ---------------------------------------------------------------------------------------------
# Records as Parquet


def spark_type(schema):
    """The Spark SQL type for a JSON Schema node of docs/record.schema.json."""
    kind = schema.get("type")
    if kind == "object" and "properties" in schema:
        return sqltypes.StructType(
            [sqltypes.StructField(name, spark_type(node), True) for name, node in schema["properties"].items()]
        )
    if kind == "object":
        value = schema.get("additionalProperties", {"type": "string"})
        return sqltypes.MapType(sqltypes.StringType(), spark_type(value))
    if kind == "array":
        return sqltypes.ArrayType(spark_type(schema["items"]))
    if kind == "integer" or "const" in schema and isinstance(schema["const"], int):
        return sqltypes.LongType()
    if kind == "boolean":
        return sqltypes.BooleanType()
    return sqltypes.StringType()


def record_schema(path):
    """The Spark schema of a crash record, from docs/record.schema.json."""
    with open(path, encoding="utf-8") as schema_file:
        return spark_type(json.load(schema_file))


def utc_micros(text):
    """Microseconds since the epoch for ktriage's --since/--until forms (YYYY-MM-DD,
    YYYY-MM-DDThh:mm[:ss], optional Z), UTC."""
    value = datetime.datetime.fromisoformat(text.rstrip("Z").replace(" ", "T"))
    return int(value.replace(tzinfo=datetime.timezone.utc).timestamp()) * 1_000_000


def admitted(frame, since, until):
    """The records `group --since/--until` counts: with a filter, those with a wall clock in
    [since, until)."""
    wall = sql.col("time.wall_us")
    if since is not None:
        frame = frame.where(wall >= utc_micros(since))
    if until is not None:
        frame = frame.where(wall < utc_micros(until))
    return frame


def of_class(frame, crash_class):
    """The records `group --class` counts: crashes or node events (`class`, record schema 2;
    records of schema 1 carry none and are crashes)."""
    if crash_class in (None, "all"):
        return frame
    record_class = sql.coalesce(sql.col("class"), sql.lit("crash"))
    return frame.where(record_class == crash_class)


def write_records(spark, lines, options, output):
    """OUT/records: the NDJSON records as Parquet, partitioned by UTC day of the wall clock
    (day=__HIVE_DEFAULT_PARTITION__ for records without one), with their `class`. Spark's commit
    protocol keeps only one attempt of each task, so retried tasks add nothing."""
    frame = spark.read.schema(record_schema(options.record_schema)).json(lines)
    frame = admitted(frame, options.since, options.until)
    frame = of_class(frame, options.crash_class)
    frame = frame.withColumn("day", sql.expr("to_date(timestamp_micros(time.wall_us))"))
    frame.write.mode("overwrite").partitionBy("day").parquet(joined(output, "records"))


# ---------------------------------------------------------------------------------------------
# Driver


def write_text(spark, uri, text):
    """Writes a text file through Hadoop's FileSystem (local, HDFS, S3, ...)."""
    jvm = spark.sparkContext._jvm
    path = jvm.org.apache.hadoop.fs.Path(uri)
    filesystem = path.getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    stream = filesystem.create(path, True)
    try:
        stream.write(bytearray(text.encode("utf-8")))
    finally:
        stream.close()


def expand_inputs(spark, inputs, stage_local):
    """Every argument after glob expansion, local ones listed here when they are read in place."""
    roots = []
    for argument in inputs:
        roots += local_roots(argument) if is_local(argument) else remote_roots(spark, argument)
    in_place = [
        root
        for root in roots
        if root.uri.startswith("file:") and (not stage_local or root.uri == "file:" + MISSING_TARGET)
    ]
    through_spark = [root for root in roots if root not in in_place]
    return in_place, through_spark


def map_results(spark, options, flags, ktriage_name):
    """The RDD of TaskResults and its length."""
    in_place, through_spark = expand_inputs(spark, options.inputs, options.stage_local)
    files = sorted((item for root in in_place for item in list_local_files(root)), key=lambda item: item.shown)
    task_count = options.tasks or default_task_count(spark, sum(item.size for item in files), max(1, len(files)))
    tasks = plan_tasks(files, task_count) if files else []
    split_roots = roots_over_tasks(tasks) | {root.shown for root in through_spark if root.is_folder}
    settings = TaskSettings(ktriage_name, flags, frozenset(split_roots), not options.no_records)
    parts = []
    if tasks:
        parts.append((local_results(spark.sparkContext, tasks, settings), len(tasks)))
    if through_spark:
        remote_tasks = options.tasks or 2 * spark.sparkContext.defaultParallelism
        parts.append(remote_results(spark.sparkContext, through_spark, remote_tasks, settings))
    if not parts:
        raise SystemExit("ktriage_job: no input files found")
    results = parts[0][0] if len(parts) == 1 else parts[0][0].union(parts[1][0])
    return results, sum(count for _, count in parts)


def local_results(context, tasks, settings):
    """Map tasks over local files, read in place (linked into the task's scratch folder)."""

    def local_task(task):
        return run_task([(item, None) for item in task], settings)

    return context.parallelize(tasks, len(tasks)).map(local_task)


def remote_results(context, roots, task_count, settings):
    """Map tasks over files Spark reads (`binaryFiles`, recursive), copied into the task's
    scratch folder; returns the RDD and its number of tasks."""
    longest_first = sorted(roots, key=lambda root: len(root.uri), reverse=True)
    context._jsc.hadoopConfiguration().set("mapreduce.input.fileinputformat.input.dir.recursive", "true")
    read = context.binaryFiles(",".join(root.uri for root in roots), minPartitions=task_count)

    def remote_task(pairs):
        staged = [(file_for_uri(uri, longest_first), content) for uri, content in pairs]
        staged.sort(key=lambda pair: pair[0].shown)
        if not staged:
            return []
        return [run_task(staged, settings)]

    return read.mapPartitions(remote_task), read.getNumPartitions()


def roots_over_tasks(tasks):
    """Folder arguments whose files are in more than one task."""
    tasks_per_root = {}
    for task in tasks:
        for root in {item.root for item in task if item.root is not None}:
            tasks_per_root[root] = tasks_per_root.get(root, 0) + 1
    return {root for root, count in tasks_per_root.items() if count > 1}


def restore_empty_roots(results, ktriage_path, flags):
    """Partials for the folder arguments left out of every task that held them: ktriage, run
    on an empty folder of the same name, gives the message and count it gives for them."""
    left_out, read = set(), set()
    for roots_read, roots_without_logs in results.map(
        lambda result: (result.roots_read, result.roots_without_logs)
    ).collect():
        read |= set(roots_read)
        left_out |= set(roots_without_logs)
    partials = []
    for root in sorted(left_out - read):
        scratch = tempfile.mkdtemp(prefix="ktriage-empty-")
        try:
            os.makedirs(os.path.join(scratch, root), exist_ok=True)
            arguments = ["group", "--format", "partial", "--max-ids", str(flags.max_ids), root]
            partials.append(run_ktriage(ktriage_path, arguments, cwd=scratch))
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
    return partials


class PhaseClock:
    """Wall time of the job's phases, for the line the job prints at the end."""

    def __init__(self):
        self.started = time.monotonic()
        self.phases = []

    def done(self, name):
        """Ends the phase called `name`."""
        now = time.monotonic()
        self.phases.append((name, now - self.started))
        self.started = now

    def summary(self):
        """`listing 0.4 s, map (4 tasks) 50.1 s, ...`"""
        return ", ".join(f"{name} {seconds:.1f} s" for name, seconds in self.phases)


def run_job(spark, options):
    """Runs the whole job on a session; returns the number of input errors ktriage reported."""
    context = spark.sparkContext
    spark.conf.set("spark.sql.session.timeZone", "UTC")
    ktriage_path = os.path.abspath(options.ktriage)
    ktriage_name = os.path.basename(ktriage_path)
    context.addFile(ktriage_path)
    flags = ktriage_flags(options, ktriage_path)
    clock = PhaseClock()
    results, count = map_results(spark, options, flags, ktriage_name)
    results = results.persist(StorageLevel.MEMORY_AND_DISK)
    clock.done("listing")
    extra = restore_empty_roots(results, ktriage_path, flags)
    clock.done(f"map ({count} tasks, ktriage {results.map(lambda result: result.ktriage_seconds).sum():.1f} CPU s)")
    partials = results.map(lambda result: result.partial).filter(lambda partial: partial is not None)
    if extra:
        partials = partials.union(context.parallelize(extra, 1))
    merged = tree_merge(partials, count + len(extra), ktriage_name, flags)
    outputs = merged.map(lambda partial: render_outputs(partial, ktriage_name, flags)).collect()[0]
    for name, text in outputs.items():
        write_text(spark, joined(options.output, name), text)
    clock.done("merge")
    if not options.no_records:
        write_records(spark, results.flatMap(lambda result: result.records), options, options.output)
        clock.done("records")
    results.unpersist()
    print("ktriage_job: " + clock.summary(), file=sys.stderr)
    return len(json.loads(outputs["groups.json"])["errors"])


def main(argv=None):
    """spark-submit entry point; exits 1 when an input could not be read, as ktriage does."""
    options = parse_arguments(sys.argv[1:] if argv is None else argv)
    spark = SparkSession.builder.appName("ktriage fleet").getOrCreate()
    try:
        errors = run_job(spark, options)
    finally:
        spark.stop()
    if errors:
        print(f"ktriage_job: {errors} input error(s); see groups.json", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
