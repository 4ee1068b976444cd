"""deploy/schedule/cron_batch.sh, run for real in subprocesses with a stand-in news-ingest.

The stand-in records its arguments and, when asked, blocks until the test creates a
release file, so "a run still going" is a state the test controls, not a sleep it hopes
is long enough.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path

import pytest

SCRIPT = Path(__file__).resolve().parents[1] / "deploy" / "schedule" / "cron_batch.sh"

FAKE = """#!/usr/bin/env bash
echo "called: $*"
echo "$$" >> "$FAKE_STARTED"
if [[ -n "${FAKE_HOLD:-}" ]]; then
  while [[ ! -e "$FAKE_HOLD" ]]; do sleep 0.05; done
fi
exit "${FAKE_EXIT:-0}"
"""


@pytest.fixture()
def cron_env(tmp_path):
    fake = tmp_path / "news-ingest"
    fake.write_text(FAKE)
    fake.chmod(0o755)
    logs = tmp_path / "logs"
    env = {**os.environ, "NEWS_INGEST": str(fake), "NEWS_INGEST_LOGS": str(logs),
           "FAKE_STARTED": str(tmp_path / "started")}
    return env, logs


def _cron(env, *args, timeout=60):
    return subprocess.run([str(SCRIPT), *args], env=env, capture_output=True, text=True, timeout=timeout)


def _start(env, *args):
    return subprocess.Popen([str(SCRIPT), *args], env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            text=True)


def _wait_for(predicate, what: str, limit: float = 30.0):
    deadline = time.monotonic() + limit
    while not predicate():
        assert time.monotonic() < deadline, f"gave up waiting for {what}"
        time.sleep(0.05)


def _started(env) -> int:
    path = Path(env["FAKE_STARTED"])
    return len(path.read_text().split()) if path.exists() else 0


def test_shellcheck_is_clean():
    if shutil.which("shellcheck") is None:
        pytest.skip("shellcheck is not installed")
    proc = subprocess.run(["shellcheck", str(SCRIPT)], capture_output=True, text=True)
    assert proc.returncode == 0, proc.stdout


def test_runs_the_batch_and_logs_it(cron_env):
    env, logs = cron_env
    proc = _cron(env, "--feeds", "/srv/feeds.txt", "--output", "/srv/data")
    assert proc.returncode == 0 and proc.stderr == ""
    log = (logs / "latest.log").read_text()
    assert "called: batch --feeds /srv/feeds.txt --output /srv/data" in log and "end: exit 0" in log


def test_runs_compact_and_load_under_the_same_lock(cron_env, tmp_path):
    env, logs = cron_env
    assert _cron(env, "compact", "--output", str(tmp_path / "data")).returncode == 0
    assert "called: compact --output" in (logs / "latest.log").read_text()
    assert _cron(env, "load", "duckdb", "--output", str(tmp_path / "data"), "--database", "x.duckdb").returncode == 0
    assert "called: load duckdb --output" in (logs / "latest.log").read_text()
    assert len(list(logs.glob("output-*.lock"))) == 1  # one lock per output, whatever the command


def test_refuses_an_unknown_command(cron_env):
    env, _ = cron_env
    proc = _cron(env, "summary", "--output", "/srv/data")
    assert proc.returncode == 2 and "unknown command 'summary'" in proc.stderr
    assert _started(env) == 0


def test_second_run_on_the_same_real_path_is_skipped_loudly(cron_env, tmp_path):
    """A run still going blocks the next one even when it spells the folder differently."""
    env, logs = cron_env
    data = tmp_path / "srv" / "data"
    data.mkdir(parents=True)
    (tmp_path / "link").symlink_to(data)
    release = tmp_path / "release"
    first = _start({**env, "FAKE_HOLD": str(release)}, "--output", str(data))
    try:
        _wait_for(lambda: _started(env) == 1, "the first run to start")
        spelled_otherwise = f"{tmp_path}/srv/../link/./"
        second = _cron(env, "--output", spelled_otherwise)
        compact = _cron(env, "compact", f"--output={tmp_path}/srv/../srv/data")
    finally:
        release.touch()
        out, err = first.communicate(timeout=60)
    assert first.returncode == 0, err
    for skipped, name in ((second, "batch"), (compact, "compact")):
        assert skipped.returncode == 75
        assert f"{name} on {data} skipped: a run on that output is still going" in skipped.stderr
    lines = (logs / "skipped.log").read_text().splitlines()
    assert len(lines) == 2 and all(str(data) in line for line in lines)
    assert _started(env) == 1  # the skipped runs never called news-ingest


def test_two_runs_started_at_once_one_runs_one_is_skipped(cron_env, tmp_path):
    env, logs = cron_env
    release = tmp_path / "release"
    held = {**env, "FAKE_HOLD": str(release)}
    runs = [_start(held, "--output", str(tmp_path / "data")) for _ in range(2)]
    try:
        _wait_for(lambda: any(run.poll() is not None for run in runs), "one run to be skipped")
        _wait_for(lambda: _started(env) == 1, "the other run to start")
    finally:
        release.touch()
        results = [(run.wait(timeout=60), run.stderr.read()) for run in runs]
        for run in runs:
            run.stdout.close()
            run.stderr.close()
    assert sorted(code for code, _ in results) == [0, 75]
    assert _started(env) == 1
    assert len((logs / "skipped.log").read_text().splitlines()) == 1


def test_waits_for_the_lock_when_asked(cron_env, tmp_path):
    env, logs = cron_env
    release = tmp_path / "release"
    first = _start({**env, "FAKE_HOLD": str(release)}, "--output", str(tmp_path / "data"))
    _wait_for(lambda: _started(env) == 1, "the first run to start")
    second = _start({**env, "NEWS_INGEST_LOCK_WAIT": "120"}, "compact", "--output", str(tmp_path / "data"))
    release.touch()
    assert first.wait(timeout=60) == 0
    assert second.wait(timeout=60) == 0
    for run in (first, second):
        run.stdout.close()
        run.stderr.close()
    assert _started(env) == 2 and not (logs / "skipped.log").exists()


def test_a_hung_run_is_stopped_by_the_timeout(cron_env, tmp_path):
    env, logs = cron_env
    never = tmp_path / "never-created"
    proc = _cron({**env, "FAKE_HOLD": str(never), "NEWS_INGEST_TIMEOUT": "1s"}, "--output", str(tmp_path / "d"))
    assert proc.returncode == 124
    assert "timed out after 1s" in proc.stderr
    assert "timed out after 1s" in (logs / "latest.log").read_text()
    # the lock went with the run: the next one goes ahead
    assert _cron(env, "--output", str(tmp_path / "d")).returncode == 0


def test_reports_a_failed_run(cron_env):
    env, _ = cron_env
    proc = _cron({**env, "FAKE_EXIT": "3"}, "--output", "/srv/data")
    assert proc.returncode == 3 and "failed with exit 3" in proc.stderr and "called: batch" in proc.stderr


def test_needs_an_output(cron_env):
    env, _ = cron_env
    proc = _cron(env, "--feeds", "f.txt")
    assert proc.returncode == 2 and "--output" in proc.stderr
