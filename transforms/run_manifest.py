"""The run manifest: what a run read, wrote, deduplicated and rejected, as JSON.

Built by the last step of the pipeline, which takes every count and every staged file
list as side inputs: Beam only runs it once all of them are final.  It is published to
``DIR/_runs/<run_id>.json`` by the run's commit (``transforms.commit``), just before
``_SUCCESS``, so a manifest exists only for runs whose data is committed.  The counts come from the data itself (not from
metrics, which some runners report late or approximately), so the manifest can check
the books: every article read was written, deduplicated or rejected.
"""
from __future__ import annotations

import datetime as dt
import logging

import apache_beam as beam
from apache_beam.io.filesystems import FileSystems

from schemas import SCHEMA_VERSION
from transforms.storage import read_json

LOG = logging.getLogger(__name__)


def manifest_path(output_dir: str, run_id: str) -> str:
    return FileSystems.join(output_dir, "_runs", f"{run_id}.json")


def build_manifest(*, run_id: str, mode: str, started_at: dt.datetime, finished_at: dt.datetime,
                   inputs: list[str], options: dict, counts: dict[str, int],
                   rejects_by_reason: list[tuple[tuple[str, str], int]],
                   duplicates_by_key: list[tuple[str, int]], files: dict[str, list[str]],
                   datasets: tuple[str, ...] = ()) -> dict:
    """The manifest document; ``balance.ok`` says whether the books balance.

    ``datasets`` names every dataset the run could write; those with no rows this run got
    no file (an empty file is never written) and are listed under ``datasets_without_rows``.
    """
    rejected_after_read = counts["rejected_normalize"] + counts["rejected_nlp"]
    balance = {
        "articles_read": counts["articles_read"],
        "articles_written": counts["articles_written"],
        "deduplicated": counts["deduplicated"],
        "rejected_after_read": rejected_after_read,
    }
    balance["ok"] = balance["articles_read"] == (
        balance["articles_written"] + balance["deduplicated"] + rejected_after_read)
    return {
        "run_id": run_id,
        "mode": mode,
        "schema_version": SCHEMA_VERSION,
        "started_at": started_at.isoformat(),
        "finished_at": finished_at.isoformat(),
        "duration_s": round((finished_at - started_at).total_seconds(), 3),
        "inputs": inputs,
        "options": options,
        "counts": counts,
        "rejects_by_stage_reason": [
            {"stage": stage, "reason": reason, "count": n}
            for (stage, reason), n in sorted(rejects_by_reason, key=lambda item: (-item[1], item[0]))],
        "duplicates_by_key": [{"key": key, "count": n} for key, n in sorted(duplicates_by_key)],
        "balance": balance,
        "files": {name: sorted(files.get(name, ())) for name in sorted(set(datasets) | set(files))},
        "datasets_without_rows": sorted(name for name in datasets if not files.get(name)),
    }


def format_summary(manifest: dict) -> str:
    """The one-paragraph summary printed at the end of a run."""
    c, b = manifest["counts"], manifest["balance"]
    lines = [
        f"run {manifest['run_id']} ({manifest['mode']}) finished in {manifest['duration_s']} s",
        f"  sources: {c['sources']} ({c['sources_not_modified']} not modified since last run)",
        f"  articles: {b['articles_read']} read, {b['articles_written']} written, "
        f"{b['deduplicated']} deduplicated, {b['rejected_after_read']} rejected after reading"
        + (f" ({c['near_duplicates_marked']} written as near-duplicates)" if c.get("near_duplicates_marked") else ""),
        f"  rows: {c['entity_rows_written']} entities, {c['quote_rows_written']} quotes, "
        f"{c['rejects_written']} rejects",
        f"  books balance: {'yes' if b['ok'] else 'NO - see counts in the manifest'}",
    ]
    for item in manifest["rejects_by_stage_reason"][:10]:
        lines.append(f"    rejected {item['count']:>5} at {item['stage']}: {item['reason']}")
    return "\n".join(lines)


class WriteManifestFn(beam.DoFn):
    """Runs once (on a single impulse element) after everything it takes as side input is final.

    It does not publish anything itself: it leaves the run's draft (manifest, the written
    articles' index entries, the HTTP validators) in the staging folder for the commit
    (``transforms.commit``), which the driver runs after the pipeline, under the output
    lock.  With ``commit_in_graph`` (runners whose driver does not outlive the job, such
    as Dataflow templates) this step commits itself.
    """

    def __init__(self, output_dir, run_id, mode, started_at, inputs, options, datasets=(), commit_in_graph=False):
        self._datasets = tuple(datasets)
        self._output_dir = output_dir
        self._run_id = run_id
        self._mode = mode
        self._started_at = started_at
        self._inputs = inputs
        self._options = options
        self._commit_in_graph = commit_in_graph

    def process(self, _, counts, rejects_by_reason, duplicates_by_key, files, validators, seen_entries):
        from transforms import commit
        from transforms.seen_index import encode_entry

        manifest = build_manifest(
            run_id=self._run_id, mode=self._mode, started_at=self._started_at,
            finished_at=dt.datetime.now(dt.timezone.utc), inputs=self._inputs, options=self._options,
            counts=counts_by_name(counts), rejects_by_reason=rejects_by_reason,
            duplicates_by_key=duplicates_by_key, files=dict(files), datasets=self._datasets)
        # HTTP validators are saved only at commit: a failed run must not make the next
        # one skip feeds whose entries it never wrote.
        commit.write_draft(self._output_dir, self._run_id, {
            "manifest": manifest,
            "seen_articles": sorted(encode_entry(*entry) for entry in seen_entries),
            "validator_updates": [list(update) for update in validators if update is not None]})
        balance = manifest["balance"]
        LOG.info("run %s done: %d articles read, %d written, %d deduplicated, %d rejects",
                 self._run_id, balance["articles_read"], balance["articles_written"], balance["deduplicated"],
                 manifest["counts"]["rejects_written"])
        if not manifest["balance"]["ok"]:
            LOG.error("run %s: the books do not balance: %s", self._run_id, manifest["balance"])
        if self._commit_in_graph:
            manifest = commit.commit_staged(self._output_dir, self._run_id)
        yield manifest


# What the manifest counts, in the order its "counts" lists them.
COUNTED = ("sources", "sources_not_modified", "articles_read", "rejected_normalize", "rejected_nlp",
           "deduplicated", "articles_written", "near_duplicates_marked", "entity_rows_written",
           "quote_rows_written", "rejects_written")


def count_all(pcolls: dict, names=COUNTED):
    """(name, count) pairs for the manifest's counts side input, one per name with elements.

    One tagging Map per input and a single combine: a ``Count.Globally`` per input was
    ~30 transforms more to build, and construction was half of the pipeline's start-up
    outside spaCy (docs/benchmarks.md, issue 10).  Names without elements are absent;
    ``counts_by_name`` puts them back as zeros.
    """
    tagged = [pcolls[name] | f"Tag_{name}" >> beam.Map(lambda _, n=name: (n, 1)) for name in names]
    return tagged | "AllCounted" >> beam.Flatten() | "Count" >> beam.CombinePerKey(sum)


def counts_by_name(pairs, names=COUNTED) -> dict[str, int]:
    """Every counted name's count (0 when it had no elements), in ``names``' order."""
    found = dict(pairs)
    return {name: found.get(name, 0) for name in names}


class WriteRunManifest(beam.PTransform):
    """Gathers counts, reject reasons, duplicates, staged files, HTTP validators and the written
    articles' seen-index entries (``seen_entries``); leaves the run's draft for the commit."""

    def __init__(self, *, output_dir, run_id, mode, started_at, inputs, options, commit_in_graph=False):
        super().__init__()
        self._fn = WriteManifestFn(output_dir, run_id, mode, started_at, inputs, options,
                                   commit_in_graph=commit_in_graph)

    def expand(self, pcolls):
        p = pcolls["articles_read"].pipeline
        counts_pc = count_all(pcolls)
        reasons = (pcolls["rejects"]
                   | "RejectReason" >> beam.Map(lambda r: (r["stage"], r["reason"]))
                   | "CountReasons" >> beam.combiners.Count.PerElement())
        dup_keys = (pcolls["duplicates"]
                    | "DupKey" >> beam.Map(lambda d: d["key"])
                    | "CountDupKeys" >> beam.combiners.Count.PerElement())
        self._fn._datasets = tuple(pcolls["files"])
        files = [pc | f"Tag_{name}" >> beam.Map(lambda path, n=name: (n, path))
                 for name, pc in pcolls["files"].items()]
        files_pc = files | "AllFiles" >> beam.Flatten() | "GroupFiles" >> beam.GroupByKey()
        return (p
                | "Once" >> beam.Create([None])
                | "WriteManifest" >> beam.ParDo(
                    self._fn,
                    counts=beam.pvalue.AsList(counts_pc),
                    rejects_by_reason=beam.pvalue.AsList(reasons),
                    duplicates_by_key=beam.pvalue.AsList(dup_keys),
                    files=beam.pvalue.AsList(files_pc),
                    validators=beam.pvalue.AsList(pcolls["validators"]),
                    seen_entries=beam.pvalue.AsList(pcolls["seen_entries"])))


def read_manifest(path: str) -> dict | None:
    """A run's manifest, or None when the run has not written one (failed or still running)."""
    return read_json(path)
