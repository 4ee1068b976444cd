"""The output lock: one writer per output folder, across real processes."""
import os
import signal
import subprocess
import sys

import pytest

from tests.conftest import REPO_ROOT
from transforms.output_lock import (OutputLocked, describe_refusal, is_local, lock_path,
                                    output_lock)

# A process that takes the lock, says so on stdout, then waits for stdin to close.
_HOLDER = """
import sys
from transforms.output_lock import output_lock
with output_lock(sys.argv[1], "holder-run", command="batch"):
    print("locked", flush=True)
    sys.stdin.read()
print("released", flush=True)
"""


def _start_holder(out):
    proc = subprocess.Popen([sys.executable, "-c", _HOLDER, str(out)], cwd=REPO_ROOT,
                            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "locked"
    return proc


def test_lock_path_is_the_real_path_and_object_stores_are_not_locked(tmp_path):
    real = tmp_path / "data"
    real.mkdir()
    link = tmp_path / "link"
    link.symlink_to(real)
    assert lock_path(str(link)) == lock_path(str(real)) == str(real / "_state" / "lock")
    assert lock_path(f"file://{real}") == str(real / "_state" / "lock")
    assert not is_local("gs://bucket/news") and lock_path("gs://bucket/news") is None
    with output_lock("gs://bucket/news", "r1") as holder:
        assert holder is None


def test_refusal_names_the_holder():
    message = describe_refusal("data", {"pid": 42, "run_id": "r7", "command": "compact",
                                        "started": "2026-12-03T08:00:00+00:00"}, 0.0)
    assert message.startswith("data is locked by compact run r7 (pid 42, since 2026-12-03T08:00:00+00:00);")
    assert "--lock_wait" in message
    assert "locked by run ?" in describe_refusal("data", None, 0.0)
    assert "waited 5 s" in describe_refusal("data", None, 5.2)


def test_a_second_holder_in_another_process_is_refused_then_admitted_after_release(tmp_path):
    holder = _start_holder(tmp_path)
    try:
        with pytest.raises(OutputLocked) as refused:
            with output_lock(str(tmp_path), "second"):
                pytest.fail("both runs hold the lock")
        assert refused.value.holder["pid"] == holder.pid
        assert refused.value.holder["run_id"] == "holder-run"
    finally:
        holder.stdin.close()
        assert holder.stdout.readline().strip() == "released"
        holder.wait(timeout=30)
    with output_lock(str(tmp_path), "second") as info:
        assert info["pid"] == os.getpid()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    holder = _start_holder(tmp_path)
    os.kill(holder.pid, signal.SIGKILL)
    holder.wait(timeout=30)
    with output_lock(str(tmp_path), "after-crash") as info:
        assert info["run_id"] == "after-crash"


def test_waiting_polls_until_the_holder_releases(tmp_path):
    holder = _start_holder(tmp_path)
    sleeps = []

    def release_on_third_poll(seconds):
        sleeps.append(seconds)
        if len(sleeps) == 3:
            holder.stdin.close()
            holder.wait(timeout=30)

    # A fake clock that never runs out, so the test does not depend on the machine's speed.
    with output_lock(str(tmp_path), "waiter", wait_seconds=60, clock=lambda: 0.0, sleep=release_on_third_poll):
        assert len(sleeps) >= 3
    assert holder.returncode == 0

