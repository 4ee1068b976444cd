"""The streaming pipeline: poll feeds for ever, write windowed datasets.

    PeriodicImpulse (every --poll_interval s) -> the configured sources -> ReadSources
    -> Normalize -> DeduplicateStream (per-key state with a TTL) -> Enrich (spaCy)
    -> FixedWindows(--window_seconds) -> Parquet files per window under ingest_date=...

It shares every stage with ``pipelines.batch`` except the source (a timer instead of
one pass), deduplication (Beam state instead of a global group) and the sink (windowed
files).  Conditional GET keeps re-polling cheap: a feed that has not changed answers 304.
``--stop_after_polls N`` ends the job after N polls, for tests and bounded backfills.
"""
from __future__ import annotations

import datetime as dt
import logging
import sys
import time

import apache_beam as beam
from apache_beam.options.pipeline_options import StandardOptions
from apache_beam.transforms import window
from apache_beam.transforms.periodicsequence import PeriodicImpulse

from pipelines.batch import fetch_config_for
from pipelines.launch import prepare
from pipelines.options import RunConfig
from pipelines.runners import local_runner
from transforms.dedup import DeduplicateStream
from transforms.nlp.enrich import Enrich
from transforms.normalize import Normalize
from transforms.rows import article_row, entity_rows, quote_rows, reject_row
from transforms.sinks import WriteWindowedDataset, ingest_partition
from transforms.sources import read
from transforms.sources.discover import SourceRef

LOG = logging.getLogger("news_ingest.stream")


def build(p, config: RunConfig, refs: list[SourceRef], *, start: float, stop: float | None = None,
          validators=None, discovery_rejects=()):
    """Wire the streaming pipeline onto ``p``."""
    needs_http = any(ref.kind == "url" for ref in refs) or config.fetch_articles
    fetch_config = fetch_config_for(config) if needs_http else None
    run_id = config.run_id

    ticks = p | "Poll" >> PeriodicImpulse(start_timestamp=start, stop_timestamp=stop or float(2 ** 40),
                                          fire_interval=config.poll_interval)
    read_out = (ticks
                | "Sources" >> beam.FlatMap(lambda _tick, refs=tuple(refs): refs)
                | "Read" >> read.ReadSources(fetch_config, validators, config.max_file_bytes))
    raw_articles = read_out[read.ARTICLES]
    if config.fetch_articles:
        from transforms.sources.full_text import FetchFullText

        raw_articles = raw_articles | "FullText" >> FetchFullText(fetch_config)
    normalized = raw_articles | "Normalize" >> Normalize(None)
    deduped = normalized.articles | "Deduplicate" >> DeduplicateStream()
    enriched = deduped["articles"] | "Enrich" >> Enrich(config.spacy_model, max_batch_size=config.nlp_batch_size)
    rejects = ((p | "DiscoveryRejects" >> beam.Create(list(discovery_rejects)),
                read_out[read.REJECTS], normalized.rejects, enriched.rejects)
               | "AllRejects" >> beam.Flatten())

    def windowed(pcoll, label, event_time):
        # Windows are in ingestion time, stamped explicitly: batching (Enrich) and Create
        # (discovery rejects) emit elements with no meaningful timestamp of their own.
        return (pcoll
                | f"Stamp_{label}" >> beam.Map(lambda e: window.TimestampedValue(e, event_time(e).timestamp()))
                | f"Window_{label}" >> beam.WindowInto(window.FixedWindows(config.window_seconds)))

    articles = windowed(enriched.articles, "articles", lambda a: a["ingested_at"])
    outputs = {
        "articles": articles | "ArticleRows" >> beam.Map(
            lambda a: (ingest_partition(a["ingested_at"]), article_row(a, run_id))),
        "entities": articles | "EntityRows" >> beam.FlatMap(
            lambda a: [(ingest_partition(a["ingested_at"]), row) for row in entity_rows(a, run_id)]),
        "quotes": articles | "QuoteRows" >> beam.FlatMap(
            lambda a: [(ingest_partition(a["ingested_at"]), row) for row in quote_rows(a, run_id)]),
        "rejects": (windowed(rejects, "rejects", lambda _r: dt.datetime.now(dt.timezone.utc))
                    | "RejectRows" >> beam.Map(_reject_pair, run_id)),
    }
    return {name: rows | f"Write_{name}" >> WriteWindowedDataset(config.output, name, run_id)
            for name, rows in outputs.items()}


def _reject_pair(reject: dict, run_id: str):
    now = dt.datetime.now(dt.timezone.utc)
    return ingest_partition(now), reject_row(reject, run_id, now)


def run(argv=None, save_main_session=True) -> int:
    launch = prepare(argv, "stream", save_main_session)
    if launch is None:
        return 2
    config, options = launch.config, launch.options
    from transforms.http_state import load_validators, state_path

    bounded = config.stop_after_polls is not None
    # A bounded run (tests, backfills) executes like batch; otherwise Beam runs in streaming mode.
    options.view_as(StandardOptions).streaming = not bounded
    start = time.time()
    stop = start + config.poll_interval * (config.stop_after_polls - 0.5) if bounded else None
    LOG.info("stream %s: polling %d sources every %s s -> %s", config.run_id, len(launch.refs),
             config.poll_interval, config.output)
    with beam.Pipeline(runner=local_runner(options, streaming=not bounded), options=options) as p:
        build(p, config, launch.refs, start=start, stop=stop,
              validators=load_validators(state_path(config.output)), discovery_rejects=launch.discovery_rejects)
    return 0


if __name__ == "__main__":
    from pipelines import logs

    logs.configure(logging.INFO)
    sys.exit(run())
