"""Crash safety, as users run it: real ``news-ingest batch`` processes killed with SIGKILL.

Each run is started with ``NEWS_INGEST_PAUSE_AT`` naming a stage (``transforms.crash_points``);
when it gets there it touches a marker file and sleeps, and the test kills it with SIGKILL.
After a clean rerun every article is in the datasets exactly once, every file a reader
globs is a whole Parquet file, and killed runs left no manifest.
"""
import glob
import json
import os
import signal
import subprocess
import sys
import time

import pyarrow.parquet as pq
import pytest

from tests.conftest import REPO_ROOT
from transforms.run_catalog import finished_runs

pytestmark = pytest.mark.slow

STORIES = {
    "harbour.txt": ("Harbour wall repairs begin after winter storms",
                    "Work to repair the harbour wall in the fishing town began on Monday after winter storms "
                    "tore a gap in the stonework. Engineers said the repairs would take six weeks and cost the "
                    "port authority about two million pounds. Fishing boats will use the north quay while the "
                    "work goes on, and the ferry timetable is not affected."),
    "library.txt": ("Library opens late on weekdays for students",
                    "The central library will stay open until ten in the evening on weekdays from next month, "
                    "after students asked for more quiet places to study. The council said the longer hours "
                    "would be paid for by closing two smaller branches on Sundays. Staff unions said they "
                    "had not been consulted about the new shifts."),
    "orchard.txt": ("Orchard growers report record apple harvest",
                    "Apple growers in the valley have picked a record harvest this autumn after a warm spring "
                    "and a wet summer. The growers' association said yields were up by a fifth on last year, "
                    "but warned that low prices at the supermarkets meant many farms would barely break even. "
                    "Some fruit will be turned into cider and juice instead."),
}


@pytest.fixture
def inputs(tmp_path, seed_path):
    folder = tmp_path / "inputs"
    folder.mkdir()
    (folder / seed_path.name).write_bytes(seed_path.read_bytes())
    for name, (title, body) in STORIES.items():
        (folder / name).write_text(f"{title}\n\n{body}\n", encoding="utf-8")
    return folder


def _start(inputs, out, tmp_path, pause=None, extra=()):
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWS_INGEST_PAUSE")}
    marker = tmp_path / f"paused-{time.monotonic_ns()}"
    if pause:
        env.update(NEWS_INGEST_PAUSE_AT=pause, NEWS_INGEST_PAUSE_MARKER=str(marker))
    log = open(tmp_path / f"run-{time.monotonic_ns()}.log", "w+")
    proc = subprocess.Popen([sys.executable, "-m", "pipelines.cli", "batch", "--input", str(inputs),
                             "--output", str(out), *extra], cwd=REPO_ROOT, env=env, stdout=log,
                            stderr=subprocess.STDOUT)
    proc.log, proc.marker = log, marker
    return proc


def _output_of(proc):
    proc.log.seek(0)
    return proc.log.read()


def _kill_when_paused(proc):
    """SIGKILL the run once it has reached its pause point (fails if it ends before)."""
    while not proc.marker.exists():
        if proc.poll() is not None:
            pytest.fail(f"the run ended (status {proc.returncode}) before its pause point:\n{_output_of(proc)[-3000:]}")
        time.sleep(0.2)
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()


def _finish(proc):
    status = proc.wait(timeout=600)
    assert status == 0, _output_of(proc)[-3000:]
    return _output_of(proc)


def _readable_files(out):
    """Every file a reader globs, each opened as Parquet (a partial file would fail here)."""
    files = glob.glob(os.path.join(out, "*", "*", "*.parquet"))
    return {path: pq.read_table(path) for path in files}


def _article_ids(out):
    ids = []
    for path, table in _readable_files(out).items():
        if os.path.relpath(path, out).startswith("articles/"):
            ids += table.column("article_id").to_pylist()
    return ids


def _assert_exactly_once(out, expected):
    ids = _article_ids(out)
    assert len(ids) == len(set(ids)) == expected, sorted(ids)
    entity_runs = {}
    for path, table in _readable_files(out).items():
        if os.path.relpath(path, out).startswith("entities/"):
            for article_id, run_id in zip(table.column("article_id").to_pylist(), table.column("run_id").to_pylist()):
                entity_runs.setdefault(article_id, set()).add(run_id)
    assert all(len(runs) == 1 for runs in entity_runs.values()), entity_runs
    assert not glob.glob(os.path.join(out, "*", "*", "*.tmp"))


def _manifests(out):
    return sorted(run.run_id for run in finished_runs(str(out)))  # day records too (runs that wrote nothing)


def test_runs_killed_while_reading_during_nlp_and_while_writing_leave_nothing_behind(inputs, tmp_path):
    out = tmp_path / "out"
    for stage in ("read", "nlp", "part", "write"):
        _kill_when_paused(_start(inputs, out, tmp_path, pause=stage))
        assert _article_ids(out) == [], stage      # nothing of a killed run where readers look
        assert not (out / "_SUCCESS").exists() and _manifests(out) == []
        if stage == "part":                          # rows staged as parts, not yet merged into files
            assert glob.glob(str(out / "_staging" / "*" / "_parts" / "*" / "*" / "*.rows"))
    assert os.listdir(out / "_staging")              # the last one's staged files are still there
    log = _finish(_start(inputs, out, tmp_path))
    assert "crashed before committing" in log
    _assert_exactly_once(out, 1 + len(STORIES))
    assert not (out / "_staging").exists()           # no empty folder left behind
    (run_id,) = _manifests(out)
    assert json.loads((out / "_SUCCESS").read_text())["run_id"] == run_id


def test_runs_killed_while_committing_are_rolled_forward_exactly_once(inputs, tmp_path):
    out = tmp_path / "out"
    _kill_when_paused(_start(inputs, out, tmp_path, pause="commit:moved"))
    assert 0 < len(_readable_files(out))              # files appear whole, one by one
    assert not (out / "_SUCCESS").exists()
    log = _finish(_start(inputs, out, tmp_path))        # finishes the commit, then finds nothing new
    assert "crashed while committing" in log and "0 written" in log
    _assert_exactly_once(out, 1 + len(STORIES))
    assert len(_manifests(out)) == 2

    (inputs / "late.txt").write_text("Late train services cut on the coast line\n\nThe rail operator will run "
                                     "fewer late trains on the coast line from May while the track is relaid, "
                                     "and replacement buses will stop at every station after nine.\n")
    _kill_when_paused(_start(inputs, out, tmp_path, pause="commit:indexed"))
    _finish(_start(inputs, out, tmp_path))
    _assert_exactly_once(out, 2 + len(STORIES))


def test_a_run_killed_after_writing_index_segments_before_its_index_switch_is_rolled_forward(inputs, tmp_path):
    from transforms import near_dup
    from transforms.seen_index import SeenIndex

    out = tmp_path / "out"
    _finish(_start(inputs, out, tmp_path))
    ids_before = set(_article_ids(out))
    (inputs / "ferry.txt").write_text("Ferry fares frozen for island residents\n\nThe island ferry company will "
                                      "keep fares for residents at this year's level until next spring, after "
                                      "the council agreed to pay the difference from its transport budget.\n")
    seen = out / "_state" / "seen"
    named_before = json.loads((seen / "INDEX.json").read_text())["segments"]
    _kill_when_paused(_start(inputs, out, tmp_path, pause="seen:segments_written"))
    # The commit's new segment is written, but the root still names the old ones: a reader
    # sees none of the killed commit's index rows.
    assert json.loads((seen / "INDEX.json").read_text())["segments"] == named_before
    assert len(list(seen.glob("seg-*.seen"))) > len(named_before)
    (ferry_id,) = set(_article_ids(out)) - ids_before                # moved into place before the kill
    assert SeenIndex(str(out), near_dup.PARAMS.as_dict()).lookup([("id", ferry_id)]) == {}
    log = _finish(_start(inputs, out, tmp_path))
    assert "crashed while committing" in log and "0 written" in log
    _assert_exactly_once(out, 2 + len(STORIES))
    root = json.loads((seen / "INDEX.json").read_text())
    assert sorted(p.name for p in seen.glob("seg-*")) == sorted(entry["file"] for entry in root["segments"])
    assert SeenIndex(str(out), near_dup.PARAMS.as_dict()).lookup([("id", ferry_id)])


def test_a_second_run_on_a_locked_output_is_refused_or_waits(inputs, tmp_path):
    out = tmp_path / "out"
    first = _start(inputs, out, tmp_path, pause="nlp")
    while not first.marker.exists():
        assert first.poll() is None, _output_of(first)[-3000:]
        time.sleep(0.2)
    second = _start(inputs, out, tmp_path)
    assert second.wait(timeout=300) == 3
    holder = json.loads((out / "_state" / "lock").read_text())
    assert f"is locked by batch run {holder['run_id']} (pid {first.pid}" in _output_of(second)
    waiting = _start(inputs, out, tmp_path, extra=("--lock_wait", "600"))
    time.sleep(1)
    assert waiting.poll() is None                     # still waiting for the lock
    os.kill(first.pid, signal.SIGKILL)
    first.wait()
    _finish(waiting)
    _assert_exactly_once(out, 1 + len(STORIES))
    assert _manifests(out) == [json.loads((out / "_SUCCESS").read_text())["run_id"]]


def test_a_failed_run_writes_no_manifest_no_success_and_leaves_no_staged_files(inputs, tmp_path, monkeypatch):
    from pipelines import batch
    from transforms.nlp import model

    out = tmp_path / "out"
    # The launcher refuses a missing model up front; let it through so the run fails inside Beam.
    monkeypatch.setattr(model, "is_installed", lambda name: True)
    with pytest.raises(Exception, match="no_such_model"):
        batch.run(["--input", str(inputs), "--output", str(out), "--spacy_model", "no_such_model"],
                  save_main_session=False)
    assert not (out / "_SUCCESS").exists() and _manifests(out) == []
    assert _readable_files(out) == {} and not glob.glob(str(out / "_staging" / "*"))
