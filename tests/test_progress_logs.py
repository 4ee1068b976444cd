"""What a person sees on a run: Beam's noise left out by default, progress lines, the summary."""
import io
import json
import logging
import os
import re
import subprocess
import sys

import pytest

from pipelines import logs, progress as reporter_module
from pipelines.runners import LocalFnApiRunner, worker_command
from tests.conftest import REPO_ROOT
from transforms import progress

# Lines Beam prints on every local run (the examples and the multi-process worker's start-up).
BEAM_NOISE = re.compile(r"Converting string literal type hint to Any|Creating state cache|BatchElements statistics"
                        r"|WriteImpl min_shards|Worker: severity|SDK Harness|^INFO:|^WARNING:", re.M)


def _record(name, level, message):
    return logging.LogRecord(name, level, __file__, 1, message, None, None)


@pytest.fixture
def restore_level():
    yield
    logs.set_level(logging.INFO)


def test_beam_info_lines_and_harmless_warnings_are_noise_ours_are_not():
    assert logs.is_beam_noise(_record("apache_beam.transforms.util", logging.INFO, "BatchElements statistics: x"))
    assert logs.is_beam_noise(_record("root", logging.WARNING, "apitools not found, and bigquery ..."))
    assert logs.is_beam_noise(_record("apache_beam.runners.portability.local_job_service", logging.WARNING,
                                      'Worker: severity: WARN message: "x"'))
    assert not logs.is_beam_noise(_record("apache_beam.io.filesystem", logging.WARNING, "disk full"))
    assert not logs.is_beam_noise(_record("transforms.nlp.model", logging.INFO, "loaded spaCy model"))
    assert not logs.is_beam_noise(_record("news_ingest.progress", logging.INFO, "progress: 3 read"))


def test_beams_traceback_of_a_requested_stop_is_noise_of_a_real_error_is_not():
    from pipelines.stream_loop import PollAbandoned

    def step_failure(exc):
        record = _record("apache_beam.runners.common", logging.ERROR, f"{exc} [while running 'Ingest/Enrich']")
        record.exc_info = (type(exc), exc, None)
        return record

    assert logs.is_beam_noise(step_failure(PollAbandoned("SIGINT received twice")))
    assert not logs.is_beam_noise(step_failure(OSError("No space left on device")))


def test_debug_level_lets_beam_noise_through(restore_level):
    noise = _record("apache_beam.typehints.native_type_compatibility", logging.INFO,
                    "Converting string literal type hint to Any")
    logs.set_level("INFO")
    assert not logs.QuietBeam().filter(noise)
    logs.set_level("DEBUG")
    assert logs.QuietBeam().filter(noise)
    assert logs.level_name() == "DEBUG" and worker_command().endswith("-m pipelines.sdk_worker DEBUG")


def test_multi_process_workers_start_through_our_entry_point():
    from apache_beam.transforms import environments

    runner = LocalFnApiRunner()
    runner._default_environment = environments.SubprocessSDKEnvironment.from_command_string(
        f"{sys.executable} -m apache_beam.runners.worker.sdk_worker_main")
    assert "-m pipelines.sdk_worker " in runner._default_environment.command_string
    embedded = environments.EmbeddedPythonEnvironment.default()
    runner._default_environment = embedded
    assert runner._default_environment is embedded


def test_counts_of_several_processes_add_up(tmp_path, monkeypatch):
    monkeypatch.setenv(progress.ENV_DIR, str(tmp_path))
    child = ("from transforms import progress; progress.add('read', 5); progress.add('enriched', 2); "
             "progress.flush()")
    subprocess.run([sys.executable, "-c", child], check=True, cwd=REPO_ROOT, env=dict(os.environ))
    progress.add("read", 3)
    progress.add("written")
    progress.flush()
    assert progress.totals(str(tmp_path)) == {"read": 8, "enriched": 2, "written": 1}
    (tmp_path / "half-written.json.tmp").write_text("{")
    (tmp_path / "broken.json").write_text("{")
    assert progress.totals(str(tmp_path)) == {"read": 8, "enriched": 2, "written": 1}
    progress.forget(str(tmp_path))


def test_add_is_a_no_op_without_a_reporting_run(tmp_path, monkeypatch):
    monkeypatch.delenv(progress.ENV_DIR, raising=False)
    progress.add("read", 10)
    progress.flush()
    assert progress.totals(str(tmp_path)) == {}


def test_reporter_logs_lines_then_cleans_up(caplog):
    with caplog.at_level(logging.INFO, logger="news_ingest.progress"):
        with reporter_module.Reporter(tty=False, seconds=0.05) as reporter:
            directory = reporter.directory
            assert os.environ[progress.ENV_DIR] == directory
            progress.add("read", 4)
            progress.add("enriched", 3)
            progress.flush()
            deadline = 200
            while "3 enriched" not in caplog.text and deadline:
                deadline -= 1
                reporter._stop.wait(0.05)
    assert "progress: 4 read, 3 enriched" in caplog.text and "0 written" in caplog.text
    assert progress.ENV_DIR not in os.environ and not os.path.exists(directory)


def test_reporter_draws_a_bar_on_a_terminal():
    stream = io.StringIO()
    with reporter_module.Reporter(stream=stream, tty=True, seconds=0.05):
        progress.add("read", 4)
        progress.add("enriched", 2)
        progress.add("written", 1)
    text = stream.getvalue()
    assert text.endswith("\n") and "\r\x1b[K[" in text
    assert "2/4 enriched, 1 written" in text.splitlines()[-1]


def test_disabled_reporter_sets_nothing():
    with reporter_module.Reporter(enabled=False) as reporter:
        assert reporter.directory is None and progress.ENV_DIR not in os.environ


def test_line_and_bar_formats():
    counts = {"read": 320, "enriched": 80, "written": 40}
    assert reporter_module.format_line(counts, 40.2, 8.06) == "progress: 320 read, 80 enriched (8.1/s), 40 written, 40 s"
    assert reporter_module.format_line({}, 1, None) == "progress: 0 read, 0 enriched, 0 written, 1 s"
    assert reporter_module.format_bar(counts, 40, None, width=8) == "[##......] 80/320 enriched, 40 written 40 s"


def _batch(tmp_path, *extra, env_extra=None):
    articles = tmp_path / "in"
    articles.mkdir(exist_ok=True)
    for i in range(6):
        (articles / f"a{i}.txt").write_text(
            f"Story number {i} about the council\n\nThe council of Leeds met on Monday to discuss the budget "
            f"for item {i}. \"We will act,\" said Jane Smith, the leader. Costs rose by £{i + 2}m.\n",
            encoding="utf-8")
    out = tmp_path / f"out{len(extra)}"
    env = dict(os.environ, **{reporter_module.ENV_SECONDS: "0.3"}, **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "pipelines.cli", "batch", "--input", str(articles),
                           "--output", str(out), *extra], capture_output=True, text=True, cwd=REPO_ROOT,
                          timeout=300, env=env)


@pytest.mark.slow
def test_multi_process_run_is_quiet_and_shows_progress(tmp_path):
    proc = _batch(tmp_path, "--direct_num_workers", "2", "--direct_running_mode", "multi_processing")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert not BEAM_NOISE.search(proc.stderr), proc.stderr[-3000:]
    lines = re.findall(r"progress: (\d+) read, (\d+) enriched.*, (\d+) written", proc.stderr)
    assert lines and any(int(read) == 6 for read, _, _ in lines), proc.stderr[-3000:]
    # Every line is ours, timestamped: nothing from a worker's bare default format.
    assert all(re.match(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ [A-Z]+ ", line) for line in proc.stderr.splitlines())
    assert "books balance: yes" in proc.stdout and "6 read, 6 written" in proc.stdout


@pytest.mark.slow
def test_debug_level_brings_beam_lines_back(tmp_path):
    proc = _batch(tmp_path, "--log_level", "DEBUG")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Converting string literal type hint to Any" in proc.stderr
    assert re.search(r"^\S+ \S+ (DEBUG|INFO) apache_beam\.runners\.", proc.stderr, re.M) and "progress: " in proc.stderr
    assert "books balance: yes" in proc.stdout
