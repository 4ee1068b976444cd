"""The streaming graph, for runners that run unbounded pipelines (Dataflow):

    PeriodicImpulse (every --poll_interval s) -> the configured sources      [poll_sources]
    -> FixedWindows(--window_seconds) of the poll time                         [StreamIngest]
    -> IngestArticles (read -> full text -> normalise -> DeduplicateStream -> NLP; the batch front end)
    -> ShapeRows -> WriteWindows (each window pane's files, then its manifest and _SUCCESS)

Sources plug in as a PCollection of timestamped ``SourceRef``: ``poll_sources`` makes one
from a timer; another source (Pub/Sub) only has to produce the same.  Records are windowed
once, at the source, and every later stage keeps the window (DeduplicateStream runs in
the global window internally and restores it), so a window's manifest counts what was
read, deduplicated, rejected and written for the same polls, and balances like a batch run.

Locally this graph is not run (see ``pipelines.stream_loop``: Beam 2.77's local runners
cannot run ``PeriodicImpulse`` offline); its streaming-only parts are tested with
``TestStream`` on the ``BundleBasedDirectRunner``, and the whole job, unbounded, with a live
timer in place of ``PeriodicImpulse`` (``tests.fixtures.live_stream``).
"""
from __future__ import annotations

import apache_beam as beam
from apache_beam.io import fileio
from apache_beam.io.filesystem import CompressionTypes
from apache_beam.io.filesystems import FileSystems
from apache_beam.transforms import window
from apache_beam.transforms.periodicsequence import PeriodicImpulse

from transforms.front_end import IngestArticles, ShapeRows, manifest_inputs
from transforms.stream_dedup import DEFAULT_TTL_SECONDS, DeduplicateStream, restore_windowing
from transforms.stream_sink import WriteWindows, streaming_windows


def poll_sources(p, refs, poll_interval: float, start: float, stop: float | None = None):
    """Every ``poll_interval`` seconds from ``start`` (until ``stop``), each of ``refs``, stamped with the poll time."""
    ticks = p | "Poll" >> PeriodicImpulse(start_timestamp=start, stop_timestamp=stop or float(2 ** 40),
                                          fire_interval=poll_interval)
    return ticks | "Sources" >> beam.FlatMap(lambda _tick, refs=tuple(refs): refs)


def column_values(readable_file, column: str) -> list:
    """Every value of one column of a Parquet file (a ``fileio.ReadableFile``)."""
    import pyarrow.parquet as pq

    with readable_file.open(compression_type=CompressionTypes.UNCOMPRESSED) as handle:
        return pq.read_table(handle, columns=[column]).column(column).to_pylist()


def ingested_keys(p, output_dir: str, column: str, label: str):
    """The ``column`` values of the articles already under ``output_dir`` (bounded; seeds the dedup state)."""
    pattern = FileSystems.join(output_dir, "articles", "*", "*.parquet")
    if not FileSystems.match([pattern])[0].metadata_list:
        return p | f"No{label}" >> beam.Create([])
    # Plain DoFns and no grouping (the keys become a dict side input, where a repeated key
    # is harmless): the local streaming runner can run neither ReadFromParquet's splittable
    # reader nor a GroupByKey of bounded input (issue 8), and one short column per file
    # needs no splitting.
    return (p
            | f"Match{label}" >> fileio.MatchFiles(pattern)
            | f"Open{label}" >> fileio.ReadMatches()
            | f"Read{label}" >> beam.FlatMap(column_values, column))


class StreamIngest(beam.PTransform):
    """Timestamped SourceRefs (unbounded) -> Parquet files and a manifest per window pane; returns the manifests.

    ``seen_ids`` / ``seen_hashes``: keys already in the output, to seed the dedup state of a
    (re)started job; ``extra_rejects``: rejects found before the job started (feed-list lines).
    """

    def __init__(self, config, *, fetch_config=None, validators=None, seen_ids=None, seen_hashes=None,
                 extra_rejects=None, ttl_seconds: int = DEFAULT_TTL_SECONDS, allowed_lateness: int | None = None):
        super().__init__()
        self._config = config
        self._fetch_config = fetch_config
        self._validators = validators
        self._seen_ids = seen_ids
        self._seen_hashes = seen_hashes
        self._extra_rejects = extra_rejects
        self._ttl_seconds = ttl_seconds
        # Late data (possible from Pub/Sub, never from polls) is kept for one more window by default.
        self._allowed_lateness = config.window_seconds if allowed_lateness is None else allowed_lateness

    def expand(self, refs):
        config = self._config
        sources = refs | "Window" >> streaming_windows(config.window_seconds, self._allowed_lateness)
        extra = None
        if self._extra_rejects is not None:
            # The very same windowing object: Beam compares triggers by identity when flattening.
            extra = self._extra_rejects | "WindowExtraRejects" >> restore_windowing(sources.windowing)
        ingested = sources | "Ingest" >> IngestArticles(
            config, DeduplicateStream(self._ttl_seconds, self._seen_ids, self._seen_hashes),
            fetch_config=self._fetch_config, validators=self._validators, ingested_at=None, extra_rejects=extra)
        shaped = ingested | "Shape" >> ShapeRows(config.run_id)
        return {
            "rows": shaped,
            "counted": manifest_inputs(sources, ingested, shaped),
            "rejects": ingested["rejects"],
            "duplicates": ingested["duplicates"],
            "validators": ingested["validators"],
        } | "Write" >> WriteWindows(config.output, config.run_id, options=config.as_dict(),
                                    inputs=sorted(config.inputs) + sorted(config.feeds))


def stamped(p, label: str, elements, at: float):
    """A bounded PCollection of ``elements`` stamped with time ``at`` (to join a windowed stream)."""
    return (p
            | f"{label}Create" >> beam.Create(list(elements))
            | f"{label}Stamp" >> beam.Map(lambda e, t=at: window.TimestampedValue(e, t)))
