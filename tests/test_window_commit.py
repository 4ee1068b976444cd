"""Streaming windows commit without the lock: concurrent windows lose nothing, a killed one is finished or redone once."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest

from tests.fixtures.window_committer import pane_items
from transforms import commit, http_state, near_dup
from transforms.output_lock import output_lock
from transforms.run_manifest import manifest_path
from transforms.seen_index import SeenIndex
from transforms.storage import read_json, write_json_atomic

REPO = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PARAMS = near_dup.PARAMS.as_dict()


def committer(out, go, windows, *, article=None, env=None):
    argv = [sys.executable, "-m", "tests.fixtures.window_committer", str(out), "job", str(go),
            ",".join(str(w) for w in windows)]
    if article is not None:
        argv += ["--article", str(article)]
    return subprocess.Popen(argv, cwd=REPO, env={**os.environ, **(env or {})}, stderr=subprocess.PIPE, text=True)


def pane_id(start):
    return f"job-{time.strftime('%Y%m%dT%H%M%SZ', time.gmtime(start))}"


def test_success_names_the_newest_finished_run():
    assert commit.success_target(None, ["job-2", "job-1"]) == "job-2"
    assert commit.success_target("job-1", ["job-1", "job-2"]) == "job-2"
    assert commit.success_target("job-2", ["job-1", "job-2"]) is None
    assert commit.success_target("job-3", ["job-2"]) is None, "never moved back to an older run"
    assert commit.success_target("job-1", []) is None


def test_a_window_that_wrote_success_over_a_newer_one_puts_the_newer_back(tmp_path):
    """Window B (newer) finished while A (older) was between reading and writing _SUCCESS."""
    out = str(tmp_path)
    for run_id in ("job-20261203T000000Z", "job-20261203T000010Z"):
        write_json_atomic(manifest_path(out, run_id), {"run_id": run_id, "finished_at": run_id})
    write_json_atomic(commit.success_path(out), {"run_id": "job-20261203T000000Z"})  # A's late write
    commit.mark_success_unlocked(out, [manifest_path(out, "job-20261203*")])        # A's next round
    assert json.loads((tmp_path / "_SUCCESS").read_text())["run_id"] == "job-20261203T000010Z"


@pytest.mark.slow
def test_two_processes_committing_windows_at_once_lose_no_validators(tmp_path):
    """Real processes: 2 x 8 panes committed at the same moments, each with its own feed's validators."""
    out, go = tmp_path / "out", tmp_path / "go"
    windows = list(range(0, 160, 10))
    procs = [committer(out, go, windows[0::2]), committer(out, go, windows[1::2])]
    time.sleep(1.0)  # both are waiting on the go file: Python and Beam imported
    go.write_text("go")
    for proc in procs:
        assert proc.wait(timeout=300) == 0, proc.stderr.read()[-3000:]
    urls = {f"http://127.0.0.1/feed/{w}" for w in windows}
    assert set(http_state.current_validators(str(out))) == urls
    assert not (out / "_state" / "http_validators.json").exists(), "windows never rewrite the shared store"
    assert json.loads((out / "_SUCCESS").read_text())["run_id"] == pane_id(windows[-1])
    assert sorted(p.stem for p in (out / "_runs" / "days" / "journal").glob("*.json")) == \
        sorted(pane_id(w) for w in windows), "quiet windows: each its own journal file, none lost"
    assert not list((out / "_runs").glob("*.json")) and not list((out / "_runs" / "days").glob("*.json"))
    assert not (out / "_staging").exists() or not any((out / "_staging").iterdir())

    with output_lock(str(out), "batch-1"):  # the next locked commit folds the journal into the store
        http_state.commit_updates(str(out), [("http://127.0.0.1/other.xml", {"etag": '"x"'})])
    store = http_state.load_validators(http_state.state_path(str(out)))
    assert set(store) == urls | {"http://127.0.0.1/other.xml"}
    assert not list((out / "_state" / http_state.JOURNAL_SUBDIR).glob("*.json"))


def _kill_at(out, tmp_path, point, article):
    marker = tmp_path / f"paused-{point.replace(':', '-')}"
    go = tmp_path / "go"
    go.write_text("go")
    proc = committer(out, go, [0], article=article,
                     env={"NEWS_INGEST_PAUSE_AT": point, "NEWS_INGEST_PAUSE_MARKER": str(marker)})
    deadline = time.monotonic() + 300
    while not marker.exists():
        assert proc.poll() is None, proc.stderr.read()[-3000:]
        assert time.monotonic() < deadline, "the committer never reached " + point
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=60)


def _article_rows(out):
    return sum(pq.read_table(p, partitioning=None).num_rows for p in out.glob("articles/*/*.parquet"))


def _seen(out, n):
    return bool(SeenIndex(str(out), PARAMS).lookup([("id", f"{n:032x}")]))


@pytest.mark.slow
def test_a_window_killed_between_its_files_and_its_journal_is_finished_by_the_next_start(tmp_path):
    """SIGKILL after the first file was moved into place, before the seen journal: recovery rolls it forward."""
    out = tmp_path / "out"
    _kill_at(out, tmp_path, "commit:moved", article=7)
    assert _article_rows(out) == 1 and not _seen(out, 7), "the killed state: a file in place, no index entry"
    assert not (out / "_runs" / f"{pane_id(0)}.json").exists()
    with output_lock(str(out), "batch-1"):  # what the next batch run, local poll or restarted job does first
        assert commit.recover(str(out)) == [(pane_id(0), "rolled forward")]
    assert _article_rows(out) == 1 and _seen(out, 7)
    assert json.loads((out / "_runs" / f"{pane_id(0)}.json").read_text())["balance"]["articles_written"] == 1
    assert set(http_state.current_validators(str(out))) == {"http://127.0.0.1/feed/0"}
    assert not (out / "_staging").exists()


@pytest.mark.slow
def test_a_window_killed_before_its_intent_leaves_nothing_and_is_ingested_once_later(tmp_path):
    """SIGKILL after the files were staged, before COMMIT.json: nothing visible; the article is read again, once."""
    out = tmp_path / "out"
    _kill_at(out, tmp_path, "window:staged", article=7)
    assert _article_rows(out) == 0 and not _seen(out, 7)
    assert list((out / "_staging").glob("*/articles/*/*.parquet")), "its files were staged"
    with output_lock(str(out), "batch-1"):
        assert commit.recover(str(out)) == [(pane_id(0), "discarded")]
    assert not _seen(out, 7), "so the next poll ingests it"
    from tests.fixtures.window_committer import main as commit_again

    (tmp_path / "go").write_text("go")
    assert commit_again([str(out), "job", str(tmp_path / "go"), "20", "--article", "7"]) == 0
    assert _article_rows(out) == 1 and _seen(out, 7)


def test_pane_rows_carry_the_pane_run_id_their_manifest_has(tmp_path):
    from apache_beam.transforms import window
    from apache_beam.utils.windowed_value import PaneInfo, PaneInfoTiming

    from tests.fixtures.window_committer import COUNTED
    from transforms.stream_sink import CommitWindowFn

    fn = CommitWindowFn(str(tmp_path), "job", COUNTED, ("articles",), {}, [])
    pane = PaneInfo(True, True, PaneInfoTiming.ON_TIME, 0, 0)
    (manifest,) = fn.process(("window", pane_items(0, 5)), win=window.IntervalWindow(0, 10), pane=pane)
    (path,) = manifest["files"]["articles"]
    assert pq.read_table(path, partitioning=None).column("run_id").to_pylist() == [manifest["run_id"]] == [pane_id(0)]


def _newer_window_committed(out, start):
    """A later window of the same job finished: its manifest, and _SUCCESS naming it."""
    newer = pane_id(start)
    write_json_atomic(manifest_path(str(out), newer), {"run_id": newer, "finished_at": "1970-01-01T00:01:00"})
    write_json_atomic(commit.success_path(str(out)), {"run_id": newer, "manifest": manifest_path(str(out), newer)})
    return newer


@pytest.mark.slow
def test_a_starting_job_finishes_a_leftover_window_commit_the_lock_free_way(tmp_path):
    """SIGKILL after the first move; a new job's start (no lock) rolls it forward with journals, newest-wins."""
    out = tmp_path / "out"
    _kill_at(out, tmp_path, "commit:moved", article=7)
    newer = _newer_window_committed(out, 60)
    assert commit.recover(str(out), locked=False, stale_after_seconds=3600) == [(pane_id(0), "rolled forward")]
    assert _article_rows(out) == 1 and _seen(out, 7)
    seen_dir = out / "_state" / "seen"
    assert [p.name for p in (seen_dir / "journal").iterdir()] == [f"{pane_id(0)}.json"]
    assert not list(seen_dir.glob("shard-*")) and not (seen_dir / "INDEX.json").exists(), "no shard rewritten"
    assert not (out / "_state" / "http_validators.json").exists(), "the validators went to the journal"
    assert set(http_state.current_validators(str(out))) == {"http://127.0.0.1/feed/0"}
    assert json.loads((out / "_runs" / f"{pane_id(0)}.json").read_text())["balance"]["articles_written"] == 1
    assert json.loads((out / "_SUCCESS").read_text())["run_id"] == newer, "an older window never replaces a newer one"
    assert not (out / "_staging" / pane_id(0)).exists()


@pytest.mark.slow
def test_a_starting_job_keeps_the_staged_files_of_a_window_a_live_job_is_writing(tmp_path):
    """A real committer holds a staged window (files, no COMMIT.json) while a new job starts: nothing is deleted."""
    from pipelines.stream import recover_windows

    out = tmp_path / "out"
    marker, go = tmp_path / "paused", tmp_path / "go"
    go.write_text("go")
    proc = committer(out, go, [0], article=7,
                     env={"NEWS_INGEST_PAUSE_AT": "window:staged", "NEWS_INGEST_PAUSE_MARKER": str(marker)})
    try:
        deadline = time.monotonic() + 300
        while not marker.exists():
            assert proc.poll() is None, proc.stderr.read()[-3000:]
            assert time.monotonic() < deadline, "the committer never staged its window"
            time.sleep(0.05)
        staged = sorted(p.relative_to(out) for p in (out / "_staging").rglob("*") if p.is_file())
        assert staged, "the live window has staged files"
        recover_windows(str(out), stale_staging_hours=1.0)  # what build_streaming_job does at a job's start
        assert proc.poll() is None, "the live window is still running"
        assert sorted(p.relative_to(out) for p in (out / "_staging").rglob("*") if p.is_file()) == staged
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=60)


def test_a_lock_free_recovery_deletes_only_staging_folders_left_alone_long_enough(tmp_path):
    from tests.test_commit import _stage

    out = str(tmp_path)
    _stage(out, run_id="job-19700101T000000Z")
    _stage(out, run_id="job-19700101T000010Z")
    old = time.time() - 7200
    for path in (tmp_path / "_staging" / "job-19700101T000000Z").rglob("*"):
        os.utime(path, (old, old))
    actions = commit.recover(out, locked=False, stale_after_seconds=3600)
    assert actions == [("job-19700101T000000Z", "discarded"), ("job-19700101T000010Z", "kept")]
    assert sorted(p.name for p in (tmp_path / "_staging").iterdir()) == ["job-19700101T000010Z"]
    with pytest.raises(ValueError):
        commit.recover(out, locked=False)


def test_a_lock_free_recovery_reports_a_folder_it_cannot_finish_and_handles_the_others(tmp_path):
    from tests.test_commit import _stage

    out = str(tmp_path)
    staged = _stage(out, run_id="job-19700101T000000Z")
    commit.write_draft(out, "job-19700101T000000Z", {"manifest": {"run_id": "x", "files": staged}})
    (tmp_path / "_staging" / "job-19700101T000000Z" / "COMMIT.json").write_text(json.dumps(
        {"run_id": "job-19700101T000000Z", "moves": [[staged["articles"][0] + ".gone", "/nowhere.parquet"]],
         "manifest": {}, "seen_articles": [], "validator_updates": []}))
    _stage(out, run_id="job-19700101T000010Z")
    (action_a, action_b) = commit.recover(out, locked=False, stale_after_seconds=0)
    assert action_a[1].startswith("failed: ") and "missing" in action_a[1]
    assert action_b == ("job-19700101T000010Z", "discarded")


class _Stopped(BaseException):
    """Stands in for the SIGKILL of the crash tests above, where the store lives in this process."""


def test_on_an_object_store_a_window_stopped_after_its_first_move_is_finished_by_a_starting_job(tmp_path, monkeypatch):
    """The rollback of the killed-window tests, on memfs:// (gs://'s stand-in): no folder exists there,
    so recovery must find the staged run by its objects and delete them by prefix afterwards."""
    from tests.fixtures.window_committer import main as commit_windows
    from tests.memfs import MemoryFileSystem

    def stop_at_the_first_move(name):
        if name == "commit:moved":
            raise _Stopped(name)

    out = "memfs://b/out"
    MemoryFileSystem.clear()
    try:
        (tmp_path / "go").write_text("go")
        monkeypatch.setattr(commit, "pause_point", stop_at_the_first_move)
        with pytest.raises(_Stopped):
            commit_windows([out, "job", str(tmp_path / "go"), "0", "--article", "7"])
        monkeypatch.undo()
        assert [p for p in MemoryFileSystem.files if p.startswith(f"{out}/articles/")], "the first file was moved"
        assert not SeenIndex(out, PARAMS).lookup([("id", f"{7:032x}")])

        assert commit.recover(out, locked=False, stale_after_seconds=3600) == [(pane_id(0), "rolled forward")]
        assert SeenIndex(out, PARAMS).lookup([("id", f"{7:032x}")])
        assert read_json(manifest_path(out, pane_id(0)))["balance"]["articles_written"] == 1
        assert [p for p in MemoryFileSystem.files if "/_staging/" in p] == []
        assert commit.recover(out, locked=False, stale_after_seconds=3600) == []
    finally:
        MemoryFileSystem.clear()
