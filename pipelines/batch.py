"""The scheduled batch pipeline: read sources once, add what is new to the datasets.

    sources -> IngestArticles (read -> full text -> normalise -> Deduplicate against the
    seen-key index, within the run and against earlier runs -> Enrich with spaCy)
    -> ShapeRows -> WriteDatasets (into DIR/_staging/<run_id>/) -> WriteRunManifest (draft)
    then, in the driver: commit (files into place, seen index, manifest, _SUCCESS)

The stages up to ``ShapeRows`` are the ones streaming uses too (``transforms.front_end``);
``run_once`` (lock, recover, pipeline, commit) is what the local streaming loop runs per poll.

Run it as ``news-ingest batch --input seeds --output data`` or
``python -m pipelines.batch ...``; see ``--help``.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import logging
import sys

import apache_beam as beam

from pipelines.launch import prepare
from pipelines.options import RunConfig
from pipelines.progress import Reporter
from pipelines.runners import local_runner, wants_direct_runner
from transforms import commit, quiet_run
from transforms.dedup import Deduplicate
from transforms.dedup_plan import index_entry
from transforms.front_end import IngestArticles, ShapeRows, fetch_config_for, manifest_inputs, needs_http
from transforms.output_lock import EXIT_LOCKED, OutputLocked, output_lock
from transforms.run_manifest import WriteRunManifest
from transforms.seen_rebuild import ensure_index
from transforms.sinks import WriteDatasets
from transforms.sources.discover import InputPlan, SourceRef
from transforms.sources.match import Sources

LOG = logging.getLogger("news_ingest.batch")


def build(p, config: RunConfig, refs: list[SourceRef], started_at: dt.datetime, *, patterns=(), validators=None,
          discovery_rejects=(), mode: str = "batch", commit_in_graph: bool = False, prefetched=None):
    """Wire one run onto ``p``: its files go to the staging folder; returns the manifest PCollection.

    ``refs`` are the explicit sources, ``patterns`` the folders and globs the workers match
    (``transforms.sources.match``), so the graph does not grow with the number of files.
    """
    fetch_config = fetch_config_for(config) if needs_http(config, refs) else None
    dedup = Deduplicate(config.output, reprocess=config.reprocess, near_mode=config.near_duplicates,
                        threshold=config.near_dup_threshold)
    plan = InputPlan(list(refs), list(patterns))
    sources = p | "Sources" >> Sources(plan)
    ingested = sources | "Ingest" >> IngestArticles(
        config, dedup, fetch_config=fetch_config, validators=validators, ingested_at=started_at,
        extra_rejects=p | "DiscoveryRejects" >> beam.Create(list(discovery_rejects)), prefetched=prefetched)
    shaped = ingested | "Shape" >> ShapeRows(config.run_id)
    files = shaped | "Write" >> WriteDatasets(commit.staging_dir(config.output, config.run_id), config.run_id,
                                              started_at)
    articles = ingested["articles"]
    return {
        **manifest_inputs(sources, ingested, shaped),
        "rejects": ingested["rejects"],
        "duplicates": ingested["duplicates"],
        "validators": ingested["validators"],
        "seen_entries": articles | "IndexEntries" >> beam.Map(index_entry),
        "files": files,
    } | "Manifest" >> WriteRunManifest(
        output_dir=config.output, run_id=config.run_id, mode=mode, started_at=started_at,
        inputs=plan.describe(), options=config.as_dict(), commit_in_graph=commit_in_graph)


def run_once(config: RunConfig, refs: list[SourceRef], options, *, patterns=(), discovery_rejects=(),
             mode: str = "batch", committing=contextlib.nullcontext) -> dict:
    """One run, committed whole or not at all; returns its manifest.

    Takes the output lock (raises ``OutputLocked`` when another run holds it past
    ``config.lock_wait``), finishes or discards what crashed runs left in ``_staging``,
    builds the seen-key index from ``articles`` if the folder has none yet, runs the
    pipeline into this run's staging folder and commits it (``transforms.commit``).  A
    local run that reads nothing new commits its manifest without starting Beam
    (``transforms.quiet_run``).  On
    runners other than the local one the pipeline's last step commits (the driver of a
    template launch does not wait for the job).  ``committing()`` is entered around the
    commit (the streaming loop uses it to hold off abandoning a poll mid-commit).
    """
    from transforms.http_state import current_validators

    with output_lock(config.output, config.run_id, command=mode, wait_seconds=config.lock_wait):
        for run_id, action in commit.recover(config.output):
            LOG.warning("recovered run %s: %s", run_id, action)
        ensure_index(config.output)
        validators = current_validators(config.output)
        started_at = dt.datetime.now(dt.timezone.utc)
        local = wants_direct_runner(options)
        plan = InputPlan(list(refs), list(patterns))
        quiet, prefetched = None, {}
        if local:  # a remote job's driver is a launcher: checking there would read every source twice
            quiet, prefetched = quiet_run.check(config, plan, discovery_rejects, validators, config.output, started_at)
        if quiet is not None:
            # A stream's poll line says the same; one line per poll is enough there.
            LOG.log(logging.DEBUG if mode == "stream" else logging.INFO, quiet_run.quiet_summary(config.run_id, quiet))
            quiet_run.commit_quiet(config, plan, quiet, mode=mode, started_at=started_at)
            with committing():
                return commit.commit_staged(config.output, config.run_id)
        LOG.info("run %s: %d sources and %d folders/globs -> %s", config.run_id, len(refs), len(patterns),
                 config.output)
        try:
            with Reporter(enabled=local), \
                    beam.Pipeline(runner=local_runner(options, streaming=False), options=options) as p:
                build(p, config, refs, started_at, patterns=patterns, validators=validators,
                      discovery_rejects=discovery_rejects, mode=mode, commit_in_graph=not local,
                      prefetched=prefetched)
        except Exception:
            commit.discard(config.output, config.run_id)  # a failed run leaves nothing behind
            raise
        if not local:
            from transforms.run_days import find_published

            return find_published(config.output, config.run_id)
        with committing():
            return commit.commit_staged(config.output, config.run_id)


def run(argv=None, save_main_session=True):
    """Parse flags, discover sources, run the batch pipeline; returns the exit status."""
    launch = prepare(argv, "batch", save_main_session, match_on_workers=True)
    if launch is None:
        return 2
    config = launch.config
    try:
        manifest = run_once(config, launch.refs, launch.options, patterns=launch.plan.patterns,
                            discovery_rejects=launch.discovery_rejects)
    except OutputLocked as locked:
        sys.stderr.write(f"news-ingest batch: error: {locked}\n")
        return EXIT_LOCKED
    from transforms.run_days import published_path
    from transforms.run_manifest import format_summary

    if manifest is not None:
        print(format_summary(manifest))
        print(f"  manifest: {published_path(config.output, manifest)}")
    return 0


if __name__ == "__main__":
    from pipelines import logs

    logs.configure(logging.INFO)
    sys.exit(run())
