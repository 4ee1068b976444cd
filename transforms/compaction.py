"""Compaction: rewrite closed partitions' small Parquet files into warehouse-sized ones.

A run every 15 minutes leaves about 100 small files per dataset and day.  ``compact``
merges, per ``DIR/<dataset>/ingest_date=D/`` with D before ``--before`` (default: today,
UTC), the files under ``MIN_FILE_BYTES`` (128 MiB) into files of 128-512 MiB, or into one
file when the partition is smaller (see ``plan_groups``).  Rows
are copied unchanged (same schema, same values, same order within each input file);
files already large enough are kept as they are.

Reader guarantee (local folders; the only kind compaction supports):

* Per partition, the old files and the new ones swap in one ``rename(2)`` with
  ``RENAME_EXCHANGE``: the partition folder is exchanged, whole, with one prepared under
  ``DIR/_compact/<id>/`` holding the new files (and hard links to the files kept).  A
  listing of ``DIR/<dataset>/*/*.parquet`` therefore sees, for each partition, either
  every old file or every new one: never both (rows twice), never neither (rows missing).
* A reader that listed the old files but opens one only after the swap gets "file not
  found" and must retry; files already open stay readable until closed.  Partitions swap
  one after the other, so a listing taken mid-compaction may see day D compacted and day
  D+1 not yet: the same rows either way.
* Compaction holds the output lock (``transforms/output_lock.py``), so no batch run or
  stream poll writes the folder meanwhile.

Crash safety: nothing live changes until every new file of every partition is written
and its row count checked; then ``COMPACT.json`` records the plan.  A compaction killed
before that leaves only ``_compact/<id>/``, deleted by the next one; killed after, the
next one finishes the swaps from ``COMPACT.json`` (each swap is detected as done or not by
which files the live partition holds).  The compaction's own manifest,
``DIR/_runs/<id>.json`` with ``mode: compact``, lists which files replaced which, so
run manifests that name a compacted file stay explainable; every row keeps its
``run_id``, so a run's rows are still found (``transforms/run_catalog.py``).
"""
from __future__ import annotations

import contextlib
import ctypes
import datetime as dt
import errno
import glob
import logging
import os
import shutil
from dataclasses import dataclass, field

import pyarrow as pa
import pyarrow.parquet as pq

from transforms.run_manifest import manifest_path
from transforms.sinks import part_file_name, stamp_text
from transforms.storage import read_json, write_json_atomic, write_row_groups

LOG = logging.getLogger(__name__)

MiB = 1024 * 1024
MIN_FILE_BYTES = 128 * MiB  # files at least this large are warehouse-sized already
TARGET_FILE_BYTES = 256 * MiB  # a group closes here: 256..384 MiB, the last one up to 512
MAX_FILE_BYTES = TARGET_FILE_BYTES + 2 * MIN_FILE_BYTES  # the most plan_groups puts in one file
ROW_GROUP_BYTES = 128 * MiB  # of buffered rows per row group: large scans, bounded memory
COMPACT_DIR = "_compact"
INTENT = "COMPACT.json"
PARTITION_PREFIX = "ingest_date="


class CompactionError(RuntimeError):
    """The folder cannot be compacted as asked (message says why and what to do)."""


# --- planning (pure) ------------------------------------------------------------------------

def plan_groups(files: list[tuple[str, int]], *, min_bytes: int = MIN_FILE_BYTES,
                target_bytes: int = TARGET_FILE_BYTES) -> list[list[str]]:
    """Groups of small files to merge, each group becoming one output file.

    ``files`` are (name, size) in write order.  Files of ``min_bytes`` or more stay as they
    are.  The small ones are taken in order and a group is closed once it reaches
    ``target_bytes``, so a closed group holds target .. target + min bytes; a remainder
    under ``min_bytes`` joins the group before it.  With the defaults every output is
    128-512 MiB, or the partition's one file when its small files add up to less.  A
    single small file needs no rewrite.
    """
    small = [(name, size) for name, size in files if size < min_bytes]
    if len(small) < 2:
        return []
    groups: list[list[str]] = [[]]
    sizes = [0]
    for name, size in small:
        if sizes[-1] >= target_bytes:
            groups.append([])
            sizes.append(0)
        groups[-1].append(name)
        sizes[-1] += size
    if len(groups) > 1 and sizes[-1] < min_bytes:
        tail = groups.pop()
        groups[-1] += tail
    return groups


def closed_partitions(output_dir: str, before: dt.date) -> list[tuple[str, str]]:
    """(dataset, partition folder) for every ``ingest_date=D`` with D < ``before``."""
    found = []
    for path in sorted(glob.glob(os.path.join(output_dir, "*", PARTITION_PREFIX + "*"))):
        dataset = os.path.basename(os.path.dirname(path))
        name = os.path.basename(path)
        if dataset.startswith(("_", ".")) or not os.path.isdir(path):
            continue
        try:
            day = dt.date.fromisoformat(name[len(PARTITION_PREFIX):])
        except ValueError:
            continue
        if day < before:
            found.append((dataset, name))
    return found


# --- the atomic swap --------------------------------------------------------------------------

_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def exchange(a: str, b: str) -> None:
    """Atomically swap two paths on one filesystem (Linux ``renameat2(RENAME_EXCHANGE)``)."""
    libc = ctypes.CDLL(None, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        raise CompactionError("this C library has no renameat2(): compaction needs Linux with glibc 2.28 or later")
    if renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b), _RENAME_EXCHANGE) != 0:
        code = ctypes.get_errno()
        if code in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
            raise CompactionError(f"the filesystem of {b} cannot swap folders atomically "
                                  f"(renameat2 RENAME_EXCHANGE: {os.strerror(code)})")
        raise OSError(code, os.strerror(code), a)


# --- rewriting ---------------------------------------------------------------------------------

def merge_files(inputs: list[str], path: str, schema: pa.Schema) -> int:
    """Copy the rows of ``inputs``, in order, into one zstd Parquet file; returns rows written.

    Row groups are cut at ``ROW_GROUP_BYTES`` of buffered data, so memory stays bounded
    whatever the output size.  Written in place, not through ``transforms.storage``'s atomic
    writes: the file is under ``_compact/``, which no reader globs, and becomes visible only
    by the swap.
    """
    return write_row_groups(path, _row_groups(inputs), schema, ROW_GROUP_BYTES)


def _row_groups(inputs: list[str]):
    for source in inputs:
        parquet = pq.ParquetFile(source)
        for index in range(parquet.num_row_groups):
            yield parquet.read_row_group(index)


def _row_count(path: str) -> int:
    return pq.ParquetFile(path).metadata.num_rows


@dataclass
class PartitionWork:
    dataset: str
    partition: str
    outputs: dict[str, list[str]] = field(default_factory=dict)  # new file name -> replaced names
    kept: list[str] = field(default_factory=list)
    rows: int = 0
    bytes_before: int = 0
    bytes_after: int = 0

    def as_dict(self) -> dict:
        return {"dataset": self.dataset, "partition": self.partition, "outputs": self.outputs,
                "kept": self.kept, "rows": self.rows, "bytes_before": self.bytes_before,
                "bytes_after": self.bytes_after}


def _schema_groups(folder: str, names: list[str]) -> list[list[str]]:
    """Files split by schema (a schema change mid-day must not be merged into one file)."""
    groups: list[tuple[pa.Schema, list[str]]] = []
    for name in names:
        schema = pq.read_schema(os.path.join(folder, name))
        for known, members in groups:
            if known.equals(schema, check_metadata=False):
                members.append(name)
                break
        else:
            groups.append((schema, [name]))
    return [members for _, members in groups]


def stage_partition(output_dir: str, staging: str, dataset: str, partition: str,
                    started_at: dt.datetime) -> PartitionWork | None:
    """Build the compacted copy of one partition under ``staging``; None when nothing to do."""
    live = os.path.join(output_dir, dataset, partition)
    entries = sorted(os.listdir(live))
    if any(os.path.isdir(os.path.join(live, name)) for name in entries):
        LOG.warning("%s/%s holds a folder (an unfinished write?); left as it is", dataset, partition)
        return None
    parquet = [(name, os.path.getsize(os.path.join(live, name))) for name in entries if name.endswith(".parquet")]
    groups = []
    for same_schema in _schema_groups(live, [name for name, _ in parquet]):
        groups += plan_groups([(name, size) for name, size in parquet if name in same_schema],
                              min_bytes=MIN_FILE_BYTES, target_bytes=TARGET_FILE_BYTES)
    if not groups:
        return None
    work = PartitionWork(dataset, partition)
    target = os.path.join(staging, dataset, partition)
    os.makedirs(target)
    replaced = {name for group in groups for name in group}
    for index, group in enumerate(groups):
        name = part_file_name(started_at, "compact", index)
        sources = [os.path.join(live, source) for source in group]
        expected = sum(_row_count(source) for source in sources)
        written = merge_files(sources, os.path.join(target, name), pq.read_schema(sources[0]))
        if written != expected or _row_count(os.path.join(target, name)) != expected:
            raise CompactionError(f"{dataset}/{partition}/{name}: wrote {written} rows of {expected}")
        work.outputs[name] = group
        work.rows += expected
        work.bytes_before += sum(os.path.getsize(source) for source in sources)
        work.bytes_after += os.path.getsize(os.path.join(target, name))
    for name in entries:  # everything not merged stays, under the same name
        if name not in replaced:
            os.link(os.path.join(live, name), os.path.join(target, name))
            work.kept.append(name)
    return work


# --- one compaction ------------------------------------------------------------------------------

def _swapped(output_dir: str, entry: dict) -> bool:
    live = os.path.join(output_dir, entry["dataset"], entry["partition"])
    return all(os.path.exists(os.path.join(live, name)) for name in entry["outputs"])


def _commit(output_dir: str, staging: str, intent: dict) -> dict:
    """Swap every staged partition not swapped yet, write the manifest, drop the staging folder."""
    for entry in intent["partitions"]:
        if not _swapped(output_dir, entry):
            exchange(os.path.join(staging, entry["dataset"], entry["partition"]),
                     os.path.join(output_dir, entry["dataset"], entry["partition"]))
    manifest = compaction_manifest(output_dir, intent, dt.datetime.now(dt.timezone.utc))
    write_json_atomic(manifest_path(output_dir, intent["run_id"]), manifest)
    _drop(staging)  # now the replaced files
    return manifest


def _drop(staging: str) -> None:
    shutil.rmtree(staging)
    with contextlib.suppress(OSError):  # the parent too, once no compaction is left in it
        os.rmdir(os.path.dirname(staging))


def compaction_manifest(output_dir: str, intent: dict, finished_at: dt.datetime) -> dict:
    """``_runs/<id>.json`` of a compaction: which new files replaced which."""
    files: dict[str, list[str]] = {}
    replaced: dict[str, list[str]] = {}
    for entry in intent["partitions"]:
        folder = os.path.join(output_dir, entry["dataset"], entry["partition"])
        for name, sources in entry["outputs"].items():
            files.setdefault(entry["dataset"], []).append(os.path.join(folder, name))
            replaced.setdefault(entry["dataset"], []).extend(os.path.join(folder, s) for s in sources)
    return {
        "run_id": intent["run_id"], "mode": "compact", "started_at": intent["started_at"],
        "finished_at": finished_at.isoformat(), "before": intent["before"],
        "partitions": intent["partitions"], "files": files, "replaced_files": replaced,
        "counts": {"partitions": len(intent["partitions"]),
                   "files_replaced": sum(len(v) for v in replaced.values()),
                   "files_written": sum(len(v) for v in files.values()),
                   "rows": sum(entry["rows"] for entry in intent["partitions"])},
    }


def compaction_id(started_at: dt.datetime) -> str:
    """``compact-<STAMP>``: the compaction's manifest name and its holder name in the output lock."""
    return f"compact-{stamp_text(started_at)}"


def recover(output_dir: str) -> list[str]:
    """Finish (with an intent) or discard (without) compactions a crash interrupted; returns their ids."""
    handled = []
    for staging in sorted(glob.glob(os.path.join(output_dir, COMPACT_DIR, "*"))):
        intent = read_json(os.path.join(staging, INTENT))
        if intent is None:
            _drop(staging)
        else:
            _commit(output_dir, staging, intent)
        handled.append(os.path.basename(staging))
    return handled


def compact(output_dir: str, before: dt.date, started_at: dt.datetime) -> dict | None:
    """Compact every closed partition of ``output_dir``; the manifest, or None if nothing to do.

    The caller holds the output lock.
    """
    recovered = recover(output_dir)
    if recovered:
        LOG.info("finished or discarded interrupted compactions: %s", ", ".join(recovered))
    run_id = compaction_id(started_at)
    staging = os.path.join(output_dir, COMPACT_DIR, run_id)
    os.makedirs(staging)
    try:
        work = [w for dataset, partition in closed_partitions(output_dir, before)
                if (w := stage_partition(output_dir, staging, dataset, partition, started_at)) is not None]
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    if not work:
        _drop(staging)
        return None
    intent = {"run_id": run_id, "started_at": started_at.isoformat(), "before": before.isoformat(),
              "partitions": [w.as_dict() for w in work]}
    write_json_atomic(os.path.join(staging, INTENT), intent)
    return _commit(output_dir, staging, intent)
