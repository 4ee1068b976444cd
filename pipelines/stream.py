"""``news-ingest stream``: poll feeds until stopped; rows become readable Parquet as it runs.

Two ways to run, the same transforms in both (``transforms.front_end``):

* **On this machine** (no ``--runner``, or the direct runner): a loop in this process, one
  short bounded run of the batch graph per poll, each committed with its own files and
  manifest before the next poll (``pipelines.stream_local``).  Beam 2.77's local runners
  cannot run an unbounded ``PeriodicImpulse`` graph without downloading Prism at run time,
  which news-ingest never does; ``pipelines.stream_loop`` explains the details.
* **On Dataflow** (``--runner DataflowRunner``): one streaming job, ``PeriodicImpulse`` and/or
  the ``--input_subscription`` messages -> ``StreamIngest`` (windows of the poll time, ``DeduplicateStream``, a manifest per
  window; ``pipelines.stream_graph``).  Submitting returns once the job is running.

``--stop_after_polls N`` ends either after N polls (tests, bounded backfills).
"""
from __future__ import annotations

import logging
import sys
import time

LOG = logging.getLogger("news_ingest.stream")


def run(argv=None, save_main_session=True) -> int:
    """Parse flags, find the sources, stream until stopped; returns the exit status."""
    from pipelines.launch import prepare
    from pipelines.runners import wants_direct_runner

    launch = prepare(argv, "stream", save_main_session)
    if launch is None:
        return 2
    if wants_direct_runner(launch.options):
        from pipelines.stream_local import run_local

        return run_local(launch)
    return submit_streaming_job(launch)


def recover_windows(output: str, stale_staging_hours: float) -> None:
    """Finish the window commits an earlier job left in ``DIR/_staging`` (before the dedup state is seeded).

    Without the output lock (a Dataflow job cannot take it), since the job this one replaces
    (``run_stream.sh update``) may still be committing windows: a commit with a
    ``COMMIT.json`` is finished the lock-free way (``commit.recover(locked=False)``), and a
    staging folder without one is deleted only when nothing was written to it for
    ``stale_staging_hours`` (``--stale_staging_hours``; ``pipelines.options.STALE_STAGING_HOURS``).
    Best effort: what cannot be finished now is logged, and the job starts anyway.
    """
    from transforms import commit

    try:
        for run_id, action in commit.recover(output, locked=False, stale_after_seconds=stale_staging_hours * 3600):
            if action != "kept":
                LOG.warning("window commit %s left by an earlier job: %s", run_id, action)
    except Exception as error:  # noqa: BLE001 - see the docstring; the job must still start
        LOG.warning("could not look at the window commits left in %s/_staging (%s)", output, error)


def build_streaming_job(p, launch, *, start: float, stop: float | None = None, polls=None):
    """Wire the unbounded graph onto ``p``: timer-driven polls of ``launch.refs`` and/or the
    ``--input_subscription`` messages, into ``StreamIngest``; returns the window manifests.

    ``polls(p, refs, poll_interval, start, stop)`` makes the polls (default: ``poll_sources``,
    a ``PeriodicImpulse``; the test harness ``tests.fixtures.live_stream`` swaps in a timer
    the local runner can run)."""
    import apache_beam as beam

    from pipelines.stream_graph import StreamIngest, ingested_keys, poll_sources, stamped

    polls = polls or poll_sources
    from transforms.front_end import fetch_config_for, needs_http
    from transforms.http_state import current_validators

    config = launch.config
    subscription = config.input_subscription
    seen = {}
    recover_windows(config.output, config.stale_staging_hours)
    if not config.reprocess:  # a (re)started job must not write again what DIR already holds
        seen = {"seen_ids": ingested_keys(p, config.output, "article_id", "SeenIds"),
                "seen_hashes": ingested_keys(p, config.output, "content_hash", "SeenHashes")}
    sources = []
    rejects = [stamped(p, "DiscoveryRejects", launch.discovery_rejects, start)]
    if launch.refs:
        sources.append(polls(p, launch.refs, config.poll_interval, start, stop))
    if subscription:
        from transforms.sources.messages import ReadPubSubSources

        messages = p | "PubSub" >> ReadPubSubSources(subscription)
        sources.append(messages["sources"])
        rejects.append(messages["rejects"])
    # Messages can name feed URLs, so a subscription means HTTP as well.
    http = needs_http(config, launch.refs) or bool(subscription)
    return (sources | "AllSources" >> beam.Flatten()) | "Stream" >> StreamIngest(
        config, fetch_config=fetch_config_for(config) if http else None,
        validators=current_validators(config.output),
        extra_rejects=rejects | "StartRejects" >> beam.Flatten(), **seen)


def submit_streaming_job(launch) -> int:
    import apache_beam as beam
    from apache_beam.options.pipeline_options import StandardOptions

    config, options = launch.config, launch.options
    options.view_as(StandardOptions).streaming = True
    start = time.time()
    stop = None
    if config.stop_after_polls is not None:
        stop = start + config.poll_interval * (config.stop_after_polls - 0.5)
    p = beam.Pipeline(options=options)
    build_streaming_job(p, launch, start=start, stop=stop)
    result = p.run()
    job = result.job_id() if hasattr(result, "job_id") else type(result).__name__
    LOG.info("stream %s: job %s submitted; polling %d sources every %s s into %s, a manifest per %d s window",
             config.run_id, job, len(launch.refs), config.poll_interval, config.output, config.window_seconds)
    return 0


if __name__ == "__main__":
    from pipelines import logs

    logs.configure(logging.INFO)
    sys.exit(run())
