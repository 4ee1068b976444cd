"""The local streaming loop: poll, run one bounded pipeline on what the poll found, repeat.

Why a loop of short runs and not one unbounded Beam job: Beam 2.77's local runners cannot
run ``PeriodicImpulse`` offline.  ``DirectRunner`` picks Prism for it, whose binary it
downloads from GitHub at run time (forbidden here, and impossible on a locked-down machine),
then falls back to the ``FnApiRunner``, which runs stage by stage: nothing downstream of a
grouping is written before the source ends.  The ``BundleBasedDirectRunner`` fails on the
splittable DoFn behind ``PeriodicImpulse`` (a GroupByKey override, then ``OffsetRestrictionTracker
is not done``).  So locally each poll is one bounded run of the batch graph, with the batch
commit protocol: its own run id (``<stream run id>-<poll:06d>``), files, manifest and
``_SUCCESS``, deduplicated against everything already in DIR, which is also what makes a
restart write no row twice.  On Dataflow the same transforms run as one streaming graph
(``pipelines.stream_graph``).

This module is the part of that loop that needs no Beam: the cadence, the signal handling
and the progress lines.  ``pipelines.stream`` gives it the function that runs one poll.

Signals: the first SIGINT/SIGTERM stops polling; the poll in flight finishes (its rows are
committed) and the loop returns.  A second one abandons the poll in flight: ``PollAbandoned``
is raised in the main thread while the poll's pipeline runs (its files are still in its
staging folder, which readers never look at and the next start deletes); while the poll
commits, the second signal waits for the commit to end, because a half-renamed poll would
be visible to readers.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import logging
import signal
import threading
import time
from typing import Callable, Iterator

from pipelines.logs import RequestedStop

LOG = logging.getLogger("news_ingest.stream")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class PollAbandoned(RequestedStop):
    """Raised in the main thread by a second stop signal while a poll's pipeline runs.

    A BaseException, like KeyboardInterrupt: it can surface inside any DoFn, and the
    ``except Exception`` that turns one bad source into a reject row must not swallow it.
    Beam's log of it inside a step is left out (``pipelines.logs``): the stream's last line
    says what was abandoned.
    """


def poll_run_id(stream_run_id: str, poll: int) -> str:
    """Run id of one poll: sorts with the stream's id, then by poll number."""
    return f"{stream_run_id}-{poll:06d}"


def next_poll_delay(poll_started: float, interval: float, now: float) -> float:
    """Seconds to wait before the next poll so that polls start every ``interval`` seconds.

    A poll that took longer than the interval is followed at once (never a burst of
    catch-up polls: the next one reads everything that appeared meanwhile anyway).
    """
    return max(0.0, poll_started + interval - now)


class StopRequest:
    """What the stop signals asked for, shared between the signal handler and the loop."""

    def __init__(self):
        self.signals: list[int] = []
        self._wake = threading.Event()
        self._phase = "idle"   # "idle" (waiting), "running" (pipeline), "committing"

    @property
    def stopping(self) -> bool:
        return bool(self.signals)

    @property
    def abandon_requested(self) -> bool:
        return len(self.signals) >= 2

    def wait(self, seconds: float) -> bool:
        """Sleep up to ``seconds``; returns True (early) once a stop was asked for."""
        return self._wake.wait(seconds) if seconds > 0 else self.stopping

    def handle(self, signum: int, _frame=None) -> None:
        """The signal handler (runs in the main thread, between bytecodes)."""
        self.signals.append(signum)
        self._wake.set()
        name = signal.Signals(signum).name
        if len(self.signals) == 1:
            LOG.warning("%s: no more polls; finishing the poll in flight (send it again to abandon that poll)",
                        name)
            return
        if self._phase == "running":
            raise PollAbandoned(f"{name} received twice")
        if self._phase == "committing":
            LOG.warning("%s again: the poll in flight is committing; stopping as soon as that ends", name)

    @contextlib.contextmanager
    def phase(self, name: str) -> Iterator[None]:
        """Mark what the main thread is doing, so a second signal knows whether it may abandon."""
        previous, self._phase = self._phase, name
        try:
            if name == "running" and self.abandon_requested:
                raise PollAbandoned("stop requested twice before the poll started")
            yield
        finally:
            self._phase = previous


@contextlib.contextmanager
def handling_stop_signals(stop: StopRequest, signals=STOP_SIGNALS) -> Iterator[StopRequest]:
    """Install ``stop.handle`` for SIGINT/SIGTERM for the duration of the block, then restore."""
    previous = {signum: signal.signal(signum, stop.handle) for signum in signals}
    try:
        yield stop
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@dataclasses.dataclass
class PollResult:
    """What one poll did, for the progress line (``manifest`` is None for a failed poll)."""

    poll: int
    run_id: str
    duration_s: float
    manifest: dict | None


@dataclasses.dataclass
class LoopSummary:
    polls: int = 0
    articles_written: int = 0
    deduplicated: int = 0
    rejected: int = 0
    abandoned_run_id: str | None = None
    abandoned_by: int | None = None   # the signal that abandoned it (the second one)
    stopped_by: str | None = None


def format_poll_line(result: PollResult, next_in: float | None) -> str:
    """One INFO line per poll: what it read and wrote, and when the next one starts."""
    m = result.manifest or {}
    counts, balance = m.get("counts", {}), m.get("balance", {})
    when = "" if next_in is None else f"; next poll in {next_in:.1f} s"
    return (f"poll {result.poll} ({result.run_id}): {counts.get('sources', 0)} sources "
            f"({counts.get('sources_not_modified', 0)} not modified), {balance.get('articles_read', 0)} read, "
            f"{balance.get('articles_written', 0)} written, {balance.get('deduplicated', 0)} deduplicated, "
            f"{balance.get('rejected_after_read', 0)} rejected; readable in {result.duration_s:.1f} s{when}")


def run_loop(run_poll: Callable[[int, str], dict | None], *, stream_run_id: str, interval: float,
             stop: StopRequest, stop_after_polls: int | None = None,
             clock: Callable[[], float] = time.monotonic) -> LoopSummary:
    """Poll until ``stop`` says so (or after ``stop_after_polls`` polls).

    ``run_poll(poll_number, run_id)`` runs and commits one poll and returns its manifest.
    It is called inside ``stop.phase("running")``; it marks its own commit with
    ``stop.phase("committing")``.  A ``PollAbandoned`` from it ends the loop (the poll's
    run id is reported in the summary so the caller can clean up after it).
    """
    summary = LoopSummary()
    poll = 0
    while not stop.stopping and (stop_after_polls is None or poll < stop_after_polls):
        poll += 1
        run_id = poll_run_id(stream_run_id, poll)
        started = clock()
        try:
            with stop.phase("running"):
                manifest = run_poll(poll, run_id)
        except PollAbandoned:
            summary.abandoned_run_id = run_id
            summary.abandoned_by = stop.signals[-1]
            break
        summary.polls = poll
        balance = (manifest or {}).get("balance", {})
        summary.articles_written += balance.get("articles_written", 0)
        summary.deduplicated += balance.get("deduplicated", 0)
        summary.rejected += balance.get("rejected_after_read", 0)
        last = stop.stopping or (stop_after_polls is not None and poll >= stop_after_polls)
        delay = next_poll_delay(started, interval, clock())
        LOG.info(format_poll_line(PollResult(poll, run_id, clock() - started, manifest), None if last else delay))
        if last or stop.abandon_requested:
            break
        stop.wait(delay)
    if stop.signals:
        summary.stopped_by = signal.Signals(stop.signals[0]).name
    return summary


def exit_status(summary: LoopSummary) -> int:
    """0, or 128 + the signal's number when a second signal abandoned a poll (130 for SIGINT, 143 for SIGTERM).

    Non-zero because work in flight was dropped (its articles are read again by the next
    start), with the number a shell gives a process that a signal ended.
    """
    return 128 + summary.abandoned_by if summary.abandoned_run_id else 0


def format_stop_line(stream_run_id: str, summary: LoopSummary) -> str:
    """The last line of a stream: how it ended and what it wrote in total."""
    totals = (f"{summary.articles_written} articles written, {summary.deduplicated} deduplicated, "
              f"{summary.rejected} rejected (at {dt.datetime.now(dt.timezone.utc):%H:%M:%S} UTC)")
    if summary.abandoned_run_id:
        name = signal.Signals(summary.abandoned_by).name
        return (f"stream {stream_run_id} stopped by a second {name}: poll {summary.polls + 1} "
                f"({summary.abandoned_run_id}) abandoned, nothing of it committed (its articles are read again "
                f"by the next start); {summary.polls} polls committed before it: {totals}; "
                f"exit status {exit_status(summary)}")
    how = f"stopped by {summary.stopped_by}" if summary.stopped_by else "finished"
    return f"stream {stream_run_id} {how} after {summary.polls} polls: {totals}"
