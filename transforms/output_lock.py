"""The output lock: one writer at a time per output folder.

Every command that changes ``DIR`` (``batch``, each local ``stream`` poll, ``compact``,
warehouse loads that must not see a half-committed run) takes this lock first, so two runs
started at once never both write: the second waits up to ``wait_seconds`` and then fails
with a message naming the holder.

* The lock is ``fcntl.flock`` on ``<realpath(DIR)>/_state/lock``.  Keyed on the resolved
  real path, so ``data``, ``./data`` and a symlink to it are one lock.  The kernel drops a
  flock when its holder dies (even by SIGKILL), so a crashed run never leaves a stale lock
  behind; the lock file itself is never deleted (deleting it would let a waiter lock an
  unlinked inode while a newcomer locks a new file).
* The holder writes ``{"pid", "run_id", "command", "started"}`` into the file after taking
  the lock, so a refused run can say who holds it.
* Non-local outputs (``gs://...``) are not locked: there is no flock on object stores, and
  Dataflow jobs on one output are serialised by their scheduler (documented in the README).
"""
from __future__ import annotations

import contextlib
import datetime as dt
import errno
import fcntl
import json
import os
import time

LOCK_DIR = "_state"
LOCK_FILE = "lock"
# Exit status of a command refused because another run holds the lock.
EXIT_LOCKED = 3
_POLL_SECONDS = 0.2


class OutputLocked(Exception):
    """Another process holds the output lock; ``str()`` is the one-line explanation."""

    def __init__(self, output_dir: str, holder: dict | None, waited: float):
        self.output_dir = output_dir
        self.holder = holder or {}
        self.waited = waited
        super().__init__(describe_refusal(output_dir, holder, waited))


def is_local(output_dir: str) -> bool:
    """True for a plain path or ``file://`` URL (the only kind flock can lock)."""
    scheme, sep, _ = output_dir.partition("://")
    return not sep or scheme == "file"


def local_path(output_dir: str) -> str:
    return output_dir[len("file://"):] if output_dir.startswith("file://") else output_dir


def lock_path(output_dir: str) -> str | None:
    """``<realpath(DIR)>/_state/lock``, or None for an output that cannot be locked."""
    if not is_local(output_dir):
        return None
    return os.path.join(os.path.realpath(local_path(output_dir)), LOCK_DIR, LOCK_FILE)


def describe_refusal(output_dir: str, holder: dict | None, waited: float) -> str:
    """The message a refused command prints (after ``news-ingest <command>: error: ``)."""
    holder = holder or {}
    who = f"run {holder.get('run_id') or '?'}"
    if holder.get("command"):
        who = f"{holder['command']} {who}"
    details = ", ".join(part for part in (
        f"pid {holder['pid']}" if holder.get("pid") else "",
        f"since {holder['started']}" if holder.get("started") else "") if part)
    waited_text = f"waited {waited:.0f} s; " if waited >= 1 else ""
    return (f"{output_dir} is locked by {who}{f' ({details})' if details else ''}; {waited_text}"
            f"only one run may write an output folder at a time. Retry when it has finished, "
            f"or pass --lock_wait SECONDS to wait for it")


def _read_holder(fd: int) -> dict | None:
    try:
        raw = os.pread(fd, 4096, 0)
        return json.loads(raw.decode("utf-8")) if raw.strip() else None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        return None  # the holder is between taking the lock and writing its details


def _write_holder(fd: int, info: dict) -> None:
    payload = json.dumps(info, sort_keys=True).encode("utf-8")
    os.ftruncate(fd, 0)
    os.pwrite(fd, payload, 0)


@contextlib.contextmanager
def output_lock(output_dir: str, run_id: str, *, command: str = "batch", wait_seconds: float = 0.0,
                clock=time.monotonic, sleep=time.sleep):
    """Hold the output lock of ``output_dir`` for the ``with`` block; yields the holder info.

    Raises ``OutputLocked`` when another process still holds it after ``wait_seconds``.
    Yields None, without locking, for outputs that cannot be locked (``gs://``).
    """
    path = lock_path(output_dir)
    if path is None:
        yield None
        return
    os.makedirs(os.path.dirname(path), exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        started = clock()
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except OSError as error:
                if error.errno not in (errno.EAGAIN, errno.EACCES):
                    raise
            waited = clock() - started
            if waited >= wait_seconds:
                raise OutputLocked(output_dir, _read_holder(fd), waited)
            sleep(min(_POLL_SECONDS, max(wait_seconds - waited, 0.01)))
        info = {"pid": os.getpid(), "run_id": run_id, "command": command,
                "started": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds")}
        _write_holder(fd, info)
        try:
            yield info
        finally:
            os.ftruncate(fd, 0)  # still under the lock: the next holder finds a clean file
            fcntl.flock(fd, fcntl.LOCK_UN)
    finally:
        os.close(fd)
