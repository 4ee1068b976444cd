"""The streaming pipeline: poll feeds for ever, write windowed datasets.

    PeriodicImpulse (every --poll_interval s) -> the configured sources -> IngestArticles
    (read -> normalise -> DeduplicateStream, per-key state with a TTL -> Enrich with spaCy)
    -> FixedWindows(--window_seconds) -> ShapeRows -> Parquet files per window under ingest_date=...

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

from pipelines.launch import prepare
from pipelines.options import RunConfig
from pipelines.runners import local_runner
from transforms.dedup import DeduplicateStream
from transforms.front_end import IngestArticles, ShapeRows, fetch_config_for, needs_http
from transforms.sinks import WriteDatasets
from transforms.sources.discover import SourceRef

LOG = logging.getLogger("news_ingest.stream")


def build(p, config: RunConfig, refs: list[SourceRef], *, start: float, stop: float | None = None,
          validators=None, discovery_rejects=()):
    """Wire the streaming pipeline onto ``p``; returns {dataset: written paths}."""
    fetch_config = fetch_config_for(config) if needs_http(config, refs) else None
    ticks = p | "Poll" >> PeriodicImpulse(start_timestamp=start, stop_timestamp=stop or float(2 ** 40),
                                          fire_interval=config.poll_interval)
    sources = ticks | "Sources" >> beam.FlatMap(lambda _tick, refs=tuple(refs): refs)
    ingested = sources | "Ingest" >> IngestArticles(
        config, DeduplicateStream(), fetch_config=fetch_config, validators=validators, ingested_at=None,
        extra_rejects=p | "DiscoveryRejects" >> beam.Create(list(discovery_rejects)))
    windowed = {
        "articles": ingested["articles"] | "WindowArticles" >> IngestionWindows(
            config.window_seconds, lambda a: a["ingested_at"]),
        # Rejects carry no timestamp of their own; they are windowed by when they pass.
        "rejects": ingested["rejects"] | "WindowRejects" >> IngestionWindows(
            config.window_seconds, lambda _r: dt.datetime.now(dt.timezone.utc)),
    }
    shaped = windowed | "Shape" >> ShapeRows(config.run_id)
    return shaped | "Write" >> WriteDatasets(config.output, config.run_id)


class IngestionWindows(beam.PTransform):
    """Stamp each record with its ingestion time and put it in fixed windows of that time.

    Explicit stamps, because batching (Enrich) and Create (discovery rejects) emit elements
    with no meaningful timestamp of their own.
    """

    def __init__(self, window_seconds: int, event_time):
        super().__init__()
        self._window_seconds = window_seconds
        self._event_time = event_time

    def expand(self, pcoll):
        event_time = self._event_time
        return (pcoll
                | "Stamp" >> beam.Map(lambda e: window.TimestampedValue(e, event_time(e).timestamp()))
                | "Window" >> beam.WindowInto(window.FixedWindows(self._window_seconds)))


def run(argv=None, save_main_session=True) -> int:
    launch = prepare(argv, "stream", save_main_session)
    if launch is None:
        return 2
    config, options = launch.config, launch.options
    from pipelines.runners import wants_direct_runner
    if wants_direct_runner(options):
        from pipelines.stream_local import run_local

        return run_local(launch)
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
