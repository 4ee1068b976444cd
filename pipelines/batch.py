"""The scheduled batch pipeline: read sources once, add what is new to the datasets.

    sources -> ReadSources -> Normalize -> Deduplicate (within the run and against
    earlier runs) -> Enrich (spaCy) -> WriteDatasets -> WriteRunManifest

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
from pipelines.runners import local_runner
from transforms.dedup import DUPLICATES, Deduplicate
from transforms.nlp.enrich import Enrich
from transforms.normalize import Normalize
from transforms.run_manifest import WriteRunManifest
from transforms.sinks import WriteDatasets
from transforms.sources import read
from transforms.sources.discover import SourceRef

LOG = logging.getLogger("news_ingest.batch")


def fetch_config_for(config: RunConfig):
    """The HTTP client settings derived from the run's flags."""
    from transforms.fetch import FetchConfig

    return FetchConfig(connect_timeout=min(10.0, config.http_timeout), read_timeout=config.http_timeout,
                       total_deadline=config.http_deadline, max_retries=config.http_retries,
                       max_body_bytes=config.max_download_bytes,
                       max_decompressed_bytes=config.max_download_bytes,
                       allowed_hosts=frozenset(config.allow_hosts))


def existing_keys(p, output_dir: str, column: str, label: str):
    """Keys already written by earlier runs (empty on a first run or with --reprocess)."""
    pattern = FileSystems.join(output_dir, "articles", "*", "*.parquet")
    if not FileSystems.match([pattern])[0].metadata_list:
        return p | f"No{label}" >> beam.Create([])
    return (p
            | f"Read{label}" >> parquetio.ReadFromParquet(pattern, columns=[column])
            | f"Key{label}" >> beam.Map(lambda row, c=column: row[c])
            | f"Distinct{label}" >> beam.Distinct())


def build(p, config: RunConfig, refs: list[SourceRef], started_at: dt.datetime, *, validators=None,
          state_writer=None, discovery_rejects=()):
    """Wire the batch pipeline onto ``p``; returns the manifest PCollection."""
    needs_http = any(ref.kind == "url" for ref in refs) or config.fetch_articles
    fetch_config = fetch_config_for(config) if needs_http else None

    read_out = (p
                | "Sources" >> beam.Create(refs)
                | "Read" >> read.ReadSources(fetch_config, validators, config.max_file_bytes))
    raw_articles = read_out[read.ARTICLES]
    if config.fetch_articles:
        from transforms.sources.full_text import FetchFullText

        raw_articles = raw_articles | "FullText" >> FetchFullText(fetch_config)
    normalized = raw_articles | "Normalize" >> Normalize(started_at)

    if config.reprocess:
        seen_ids = p | "NoSeenIds" >> beam.Create([])
        seen_hashes = p | "NoSeenHashes" >> beam.Create([])
    else:
        seen_ids = existing_keys(p, config.output, "article_id", "SeenIds")
        seen_hashes = existing_keys(p, config.output, "content_hash", "SeenHashes")
    deduped = (normalized.articles, seen_ids, seen_hashes) | "Deduplicate" >> Deduplicate()

    enriched = deduped["articles"] | "Enrich" >> Enrich(config.spacy_model, max_batch_size=config.nlp_batch_size)

    rejects = ((p | "DiscoveryRejects" >> beam.Create(list(discovery_rejects)),
                read_out[read.REJECTS], normalized.rejects, enriched.rejects)
               | "AllRejects" >> beam.Flatten())
    files = (enriched.articles, rejects) | "Write" >> WriteDatasets(config.output, config.run_id, started_at)

    entity_rows = enriched.articles | "EntityCount" >> beam.FlatMap(lambda a: a.get("entities") or [])
    quote_rows = enriched.articles | "QuoteCount" >> beam.FlatMap(lambda a: a.get("quotes") or [])
    return {
        "sources": p | "SourceList" >> beam.Create(refs),
        "sources_not_modified": read_out[read.UNCHANGED],
        "articles_read": read_out[read.ARTICLES],
        "rejected_normalize": normalized.rejects,
        "rejected_nlp": enriched.rejects,
        "deduplicated": deduped[DUPLICATES],
        "articles_written": enriched.articles,
        "entity_rows_written": entity_rows,
        "quote_rows_written": quote_rows,
        "rejects_written": rejects,
        "rejects": rejects,
        "duplicates": deduped[DUPLICATES],
        "validators": read_out[read.VALIDATORS],
        "files": files,
    } | "Manifest" >> WriteRunManifest(
        output_dir=config.output, run_id=config.run_id, mode="batch", started_at=started_at,
        inputs=[ref.uri for ref in refs], options=config.as_dict(), state_writer=state_writer)


def run(argv=None, save_main_session=True):
    """Parse flags, discover sources, run the batch pipeline; returns the exit status."""
    launch = prepare(argv, "batch", save_main_session)
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
    LOG.info("run %s: %d sources -> %s", config.run_id, len(launch.refs), config.output)
    with beam.Pipeline(runner=local_runner(launch.options, streaming=False), options=launch.options) as p:
        build(p, config, launch.refs, started_at, validators=validators, state_writer=state_writer,
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
