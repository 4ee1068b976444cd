"""``news-ingest stream`` on this machine: the poll loop around one bounded batch run per poll.

Why a loop and not a streaming Beam job: see ``pipelines.stream_loop``.  Each poll is the
batch pipeline with the run id ``<stream run id>-<poll:06d>``: it reads every source
(feeds with conditional GET, validators from ``DIR/_state``), drops what DIR already holds,
runs the NLP on the rest and commits its files, manifest and ``_SUCCESS`` before the next
poll starts.  Rows are therefore readable one poll after they appear in a feed, and a
restart on the same DIR writes nothing that is already there.
"""
from __future__ import annotations

import dataclasses
import logging

from pipelines.launch import Launch
from pipelines.stream_loop import (LoopSummary, StopRequest, format_stop_line, handling_stop_signals,
                                   run_loop)

LOG = logging.getLogger("news_ingest.stream")


def run_batch_poll(launch: Launch, run_id: str, *, with_discovery_rejects: bool, stop: StopRequest) -> dict | None:
    """One poll: the batch pipeline under ``run_id``; returns its manifest."""
    import datetime as dt

    import apache_beam as beam

    from pipelines import batch
    from pipelines.runners import local_runner
    from transforms.http_state import load_validators, merge_validators, save_validators, state_path
    from transforms.run_manifest import manifest_path, read_manifest

    config = dataclasses.replace(launch.config, run_id=run_id)
    validators_file = state_path(config.output)
    validators = load_validators(validators_file)

    def state_writer(updates, _path=validators_file, _old=validators):
        if updates:
            save_validators(_path, merge_validators(_old, updates))

    started_at = dt.datetime.now(dt.timezone.utc)
    pipeline = beam.Pipeline(runner=local_runner(launch.options, streaming=False), options=launch.options)
    batch.build(pipeline, config, launch.refs, started_at, validators=validators, state_writer=state_writer,
                discovery_rejects=launch.discovery_rejects if with_discovery_rejects else ())
    pipeline.run().wait_until_finish()
    return read_manifest(manifest_path(config.output, run_id))


def run_local(launch: Launch) -> int:
    """Poll until SIGINT/SIGTERM (or ``--stop_after_polls``); returns the exit status."""
    config = launch.config
    stop = StopRequest()
    LOG.info("stream %s: polling %d sources every %s s into %s; Ctrl-C or SIGTERM stops after the poll in "
             "flight", config.run_id, len(launch.refs), config.poll_interval, config.output)

    def one_poll(poll: int, run_id: str) -> dict | None:
        return run_batch_poll(launch, run_id, with_discovery_rejects=poll == 1, stop=stop)

    with handling_stop_signals(stop):
        summary: LoopSummary = run_loop(one_poll, stream_run_id=config.run_id, interval=config.poll_interval,
                                        stop=stop, stop_after_polls=config.stop_after_polls)
        if summary.abandoned_run_id:
            discard_poll(config.output, summary.abandoned_run_id)
    LOG.info(format_stop_line(config.run_id, summary))
    return 0


def discard_poll(output_dir: str, run_id: str) -> list[str]:
    """Delete the part files an abandoned poll wrote before it was interrupted; returns their paths.

    A poll without a manifest is not committed: its files (each whole, the writer renames
    them into place) must not stay next to committed ones, or a restart would count their
    articles as already ingested while, say, their entity rows were never written.
    """
    from apache_beam.io.filesystems import FileSystems

    pattern = FileSystems.join(output_dir, "*", "*", f"part-*-{run_id}-*.parquet")
    paths = [m.path for m in FileSystems.match([pattern])[0].metadata_list]
    if paths:
        FileSystems.delete(paths)
        LOG.warning("removed %d files of the abandoned poll %s", len(paths), run_id)
    return paths
