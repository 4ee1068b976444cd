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
from pipelines.stream_loop import (LoopSummary, StopRequest, exit_status, format_stop_line,
                                   handling_stop_signals, run_loop)

LOG = logging.getLogger("news_ingest.stream")


def run_poll(launch: Launch, run_id: str, *, with_discovery_rejects: bool, stop: StopRequest) -> dict | None:
    """One poll: a batch run (lock, recovery, staging, commit) under ``run_id``; returns its manifest.

    None when another run (a scheduled batch, say) holds the output lock: this poll is
    skipped and the next one tries again.
    """
    from pipelines.batch import run_once
    from transforms.output_lock import OutputLocked

    config = dataclasses.replace(launch.config, run_id=run_id)
    try:
        return run_once(config, launch.refs, launch.options, patterns=launch.plan.patterns,
                        discovery_rejects=launch.discovery_rejects if with_discovery_rejects else (),
                        mode="stream", committing=lambda: stop.phase("committing"))
    except OutputLocked as locked:
        LOG.warning("poll skipped: %s", locked)
        return None


def run_local(launch: Launch) -> int:
    """Poll until SIGINT/SIGTERM (or ``--stop_after_polls``); returns the exit status."""
    config = launch.config
    stop = StopRequest()
    LOG.info("stream %s: polling %d sources every %s s into %s; Ctrl-C or SIGTERM stops after the poll in "
             "flight", config.run_id, len(launch.refs), config.poll_interval, config.output)

    def one_poll(poll: int, run_id: str) -> dict | None:
        return run_poll(launch, run_id, with_discovery_rejects=poll == 1, stop=stop)

    with handling_stop_signals(stop):
        summary: LoopSummary = run_loop(one_poll, stream_run_id=config.run_id, interval=config.poll_interval,
                                        stop=stop, stop_after_polls=config.stop_after_polls)
        if summary.abandoned_run_id:
            # Interrupted before its commit: its files are in its staging folder only.
            from transforms import commit

            commit.discard(config.output, summary.abandoned_run_id)
    LOG.log(logging.WARNING if summary.abandoned_run_id else logging.INFO, format_stop_line(config.run_id, summary))
    return exit_status(summary)
