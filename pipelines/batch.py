"""The scheduled batch pipeline: read sources once, add what is new to the datasets.

    sources -> IngestArticles (read -> full text -> normalise -> Deduplicate within the run
    and against earlier runs -> Enrich with spaCy) -> ShapeRows -> WriteDatasets -> WriteRunManifest

The stages up to ``ShapeRows`` are the ones streaming uses too (``transforms.front_end``).

Run it as ``news-ingest batch --input seeds --output data`` or
``python -m pipelines.batch ...``; see ``--help``.
"""
from __future__ import annotations

import datetime as dt
import logging
import sys

import apache_beam as beam
from apache_beam.io import parquetio
from apache_beam.io.filesystems import FileSystems

from pipelines.launch import prepare
from pipelines.options import RunConfig
from pipelines.progress import Reporter
from pipelines.runners import local_runner, wants_direct_runner
from transforms.dedup import Deduplicate
from transforms.front_end import IngestArticles, ShapeRows, fetch_config_for, needs_http
from transforms.run_manifest import WriteRunManifest
from transforms.sinks import WriteDatasets
from transforms.sources.discover import InputPlan, SourceRef
from transforms.sources.match import Sources

LOG = logging.getLogger("news_ingest.batch")


def existing_keys(p, output_dir: str, column: str, label: str):
    """Keys already written by earlier runs (empty on a first run or with --reprocess)."""
    pattern = FileSystems.join(output_dir, "articles", "*", "*.parquet")
    if not FileSystems.match([pattern])[0].metadata_list:
        return p | f"No{label}" >> beam.Create([])
    return (p
            | f"Read{label}" >> parquetio.ReadFromParquet(pattern, columns=[column])
            | f"Key{label}" >> beam.Map(lambda row, c=column: row[c])
            | f"Distinct{label}" >> beam.Distinct())


def build(p, config: RunConfig, refs: list[SourceRef], started_at: dt.datetime, *, patterns=(), validators=None,
          state_writer=None, discovery_rejects=()):
    """Wire the batch pipeline onto ``p``; returns the manifest PCollection.

    ``refs`` are the explicit sources, ``patterns`` the folders and globs the workers match
    (``transforms.sources.match``), so the graph does not grow with the number of files.
    """
    fetch_config = fetch_config_for(config) if needs_http(config, refs) else None
    if config.reprocess:
        seen_ids = p | "NoSeenIds" >> beam.Create([])
        seen_hashes = p | "NoSeenHashes" >> beam.Create([])
    else:
        seen_ids = existing_keys(p, config.output, "article_id", "SeenIds")
        seen_hashes = existing_keys(p, config.output, "content_hash", "SeenHashes")

    plan = InputPlan(list(refs), list(patterns))
    sources = p | "Sources" >> Sources(plan)
    ingested = sources | "Ingest" >> IngestArticles(
        config, Deduplicate(seen_ids, seen_hashes), fetch_config=fetch_config, validators=validators,
        ingested_at=started_at,
        extra_rejects=p | "DiscoveryRejects" >> beam.Create(list(discovery_rejects)))
    shaped = ingested | "Shape" >> ShapeRows(config.run_id)
    files = shaped | "Write" >> WriteDatasets(config.output, config.run_id, started_at)

    return {
        "sources": sources,
        "sources_not_modified": ingested["unchanged"],
        "articles_read": ingested["articles_read"],
        "rejected_normalize": ingested["rejected_normalize"],
        "rejected_nlp": ingested["rejected_nlp"],
        "deduplicated": ingested["duplicates"],
        "articles_written": ingested["articles"],
        "entity_rows_written": shaped["entities"],
        "quote_rows_written": shaped["quotes"],
        "rejects_written": ingested["rejects"],
        "rejects": ingested["rejects"],
        "duplicates": ingested["duplicates"],
        "validators": ingested["validators"],
        "files": files,
    } | "Manifest" >> WriteRunManifest(
        output_dir=config.output, run_id=config.run_id, mode="batch", started_at=started_at,
        inputs=plan.describe(), options=config.as_dict(), state_writer=state_writer)


def run(argv=None, save_main_session=True):
    """Parse flags, discover sources, run the batch pipeline; returns the exit status."""
    launch = prepare(argv, "batch", save_main_session, match_on_workers=True)
    if launch is None:
        return 2
    config = launch.config
    from transforms.http_state import load_validators, merge_validators, save_validators, state_path

    validators_file = state_path(config.output)
    validators = load_validators(validators_file)

    def state_writer(updates, _path=validators_file, _old=validators):
        if updates:
            save_validators(_path, merge_validators(_old, updates))

    started_at = dt.datetime.now(dt.timezone.utc)
    LOG.info("run %s: %d sources and %d folders/globs -> %s", config.run_id, len(launch.plan.refs),
             len(launch.plan.patterns), config.output)
    with Reporter(enabled=wants_direct_runner(launch.options)), \
            beam.Pipeline(runner=local_runner(launch.options, streaming=False), options=launch.options) as p:
        build(p, config, launch.refs, started_at, patterns=launch.plan.patterns, validators=validators,
              state_writer=state_writer,
              discovery_rejects=launch.discovery_rejects)
    from transforms.run_manifest import format_summary, manifest_path, read_manifest

    manifest = read_manifest(manifest_path(config.output, config.run_id))
    if manifest is not None:
        print(format_summary(manifest))
        print(f"  manifest: {manifest_path(config.output, config.run_id)}")
    return 0


if __name__ == "__main__":
    from pipelines import logs

    logs.configure(logging.INFO)
    sys.exit(run())
