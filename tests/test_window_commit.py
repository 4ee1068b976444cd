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
from transforms.seen_index import SeenIndex
from transforms.storage import write_json_atomic

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
        write_json_atomic(commit.manifest_path(out, run_id), {"run_id": run_id, "finished_at": run_id})
    write_json_atomic(commit.success_path(out), {"run_id": "job-20261203T000000Z"})  # A's late write
    commit.mark_success_unlocked(out, [commit.manifest_path(out, "job-20261203*")])        # A's next round
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
    assert sorted(p.stem for p in (out / "_runs").glob("*.json")) == sorted(pane_id(w) for w in windows)
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
