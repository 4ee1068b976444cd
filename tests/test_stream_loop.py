"""The local streaming loop without Beam: cadence, stop signals, abandoning a poll, progress lines."""
import os
import signal
import threading

import pytest

from pipelines.stream_loop import (PollAbandoned, StopRequest, exit_status, format_poll_line, format_stop_line,
                                   handling_stop_signals, next_poll_delay, poll_run_id, run_loop, PollResult)


def manifest(read=0, written=0, dup=0, rejected=0, sources=1, not_modified=0):
    return {"counts": {"sources": sources, "sources_not_modified": not_modified},
            "balance": {"articles_read": read, "articles_written": written, "deduplicated": dup,
                        "rejected_after_read": rejected, "ok": read == written + dup + rejected}}


class FakeClock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


def test_poll_run_ids_sort_by_poll_number():
    ids = [poll_run_id("20261203T080000Z-abc123", n) for n in (1, 2, 10, 999999)]
    assert ids[0] == "20261203T080000Z-abc123-000001"
    assert ids == sorted(ids)


@pytest.mark.parametrize("started, now, expected", [
    (0.0, 1.0, 4.0),    # a short poll: wait out the rest of the interval
    (0.0, 5.0, 0.0),    # exactly one interval
    (0.0, 12.0, 0.0),   # a poll longer than the interval: the next starts at once, no catch-up burst
])
def test_next_poll_delay_keeps_the_cadence(started, now, expected):
    assert next_poll_delay(started, 5.0, now) == expected


def test_bounded_loop_runs_the_given_number_of_polls_and_adds_up():
    calls = []

    def run_poll(poll, run_id):
        calls.append((poll, run_id))
        return manifest(read=3, written=2, dup=1)

    summary = run_loop(run_poll, stream_run_id="s", interval=0.0, stop=StopRequest(), stop_after_polls=3)
    assert calls == [(1, "s-000001"), (2, "s-000002"), (3, "s-000003")]
    assert (summary.polls, summary.articles_written, summary.deduplicated) == (3, 6, 3)
    assert summary.stopped_by is None and summary.abandoned_run_id is None


def test_first_signal_lets_the_poll_in_flight_finish_and_stops_polling():
    stop = StopRequest()
    finished = []

    def run_poll(poll, run_id):
        if poll == 2:
            stop.handle(signal.SIGINT)
        finished.append(poll)  # the poll carries on after the signal
        return manifest(read=1, written=1)

    summary = run_loop(run_poll, stream_run_id="s", interval=0.0, stop=stop)
    assert finished == [1, 2]
    assert summary.polls == 2 and summary.stopped_by == "SIGINT" and summary.abandoned_run_id is None


def test_second_signal_abandons_a_running_poll():
    stop = StopRequest()
    finished = []

    def run_poll(poll, run_id):
        if poll == 2:
            stop.handle(signal.SIGTERM)
            stop.handle(signal.SIGTERM)  # raises here: the pipeline run is interrupted
        finished.append(poll)
        return manifest(read=1, written=1)

    summary = run_loop(run_poll, stream_run_id="s", interval=0.0, stop=stop)
    assert finished == [1]
    assert summary.polls == 1 and summary.abandoned_run_id == "s-000002" and summary.stopped_by == "SIGTERM"
    assert summary.articles_written == 1
    assert exit_status(summary) == 128 + signal.SIGTERM
    line = format_stop_line("s", summary)
    assert line.startswith("stream s stopped by a second SIGTERM: poll 2 (s-000002) abandoned, nothing of it committed")
    assert line.endswith("exit status 143")


def test_second_signal_during_the_commit_waits_for_it():
    stop = StopRequest()
    committed = []

    def run_poll(poll, run_id):
        with stop.phase("committing"):
            stop.handle(signal.SIGINT)
            stop.handle(signal.SIGINT)  # must not interrupt a half-renamed poll
            committed.append(poll)
        return manifest(read=1, written=1)

    summary = run_loop(run_poll, stream_run_id="s", interval=0.0, stop=stop)
    assert committed == [1] and summary.polls == 1 and summary.abandoned_run_id is None
    assert exit_status(summary) == 0


def test_a_real_signal_wakes_the_wait_between_polls():
    """SIGINT sent while the loop sleeps (a one-hour interval) ends it without another poll."""
    stop = StopRequest()
    polls = []

    def run_poll(poll, run_id):
        polls.append(poll)
        # Signal from another thread once the loop is (about to be) waiting.
        threading.Timer(0.2, os.kill, (os.getpid(), signal.SIGINT)).start()
        return manifest()

    with handling_stop_signals(stop):
        summary = run_loop(run_poll, stream_run_id="s", interval=3600.0, stop=stop)
    assert polls == [1] and summary.stopped_by == "SIGINT"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler  # restored


def test_a_real_second_signal_interrupts_the_main_thread():
    stop = StopRequest()
    with handling_stop_signals(stop):
        with pytest.raises(PollAbandoned):
            with stop.phase("running"):
                os.kill(os.getpid(), signal.SIGINT)
                os.kill(os.getpid(), signal.SIGINT)
                threading.Event().wait(5)  # the handler raises before this could time out
    assert stop.abandon_requested


def test_a_failed_poll_stops_the_loop_with_its_error():
    def run_poll(poll, run_id):
        raise RuntimeError("disk full")

    with pytest.raises(RuntimeError, match="disk full"):
        run_loop(run_poll, stream_run_id="s", interval=0.0, stop=StopRequest())


def test_progress_lines_say_what_each_poll_did():
    line = format_poll_line(PollResult(3, "s-000003", 4.25, manifest(read=5, written=3, dup=2, sources=2,
                                                                     not_modified=1)), 0.75)
    assert line == ("poll 3 (s-000003): 2 sources (1 not modified), 5 read, 3 written, 2 deduplicated, "
                    "0 rejected; readable in 4.2 s; next poll in 0.8 s")
    stop_line = format_stop_line("s", run_loop(lambda n, r: manifest(read=2, written=2), stream_run_id="s",
                                               interval=0.0, stop=StopRequest(), stop_after_polls=2))
    assert stop_line.startswith("stream s finished after 2 polls: 4 articles written, 0 deduplicated, 0 rejected")

