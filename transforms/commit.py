"""Committing a run: staged files appear in the datasets all at once, exactly once, even after a crash.

A run's pipeline writes only under ``DIR/_staging/<run_id>/`` (readers glob
``DIR/<dataset>/*/*.parquet`` and never look there).  Its last step leaves a *draft* there
(``DRAFT.json``: the manifest, the staged files, the written articles' keys and
signatures for the seen index, the HTTP validators).  Committing, always under the output lock (``transforms.output_lock``):

1. ``COMMIT.json`` written in the staging folder: the intent, with every move;
2. each staged file renamed to its place under ``DIR/<dataset>/...``;
3. the seen-key index (``_state/seen``) and the HTTP validators (``_state``) updated;
4. the manifest ``_runs/<run_id>.json`` (a run that wrote no file: its entry in the day
   record ``_runs/days/<day>.json``, ``transforms.run_days``), then ``_SUCCESS``, written
   (each atomically);
5. the staging folder deleted.

Every step is idempotent, so ``roll_forward`` can redo a commit from ``COMMIT.json`` after
a SIGKILL anywhere in 2-5.  ``recover`` (run by the next run, under the lock) rolls
forward every staged run that has a ``COMMIT.json`` and deletes every one that has not: a
run killed before its commit leaves nothing a reader sees, and its articles are not in
the seen index, so the next run ingests them.  A failed run writes no manifest and no
``_SUCCESS``.

A Dataflow streaming job starting (or replacing a draining one, ``run_stream.sh update``)
cannot take the lock, and another job's windows may be committing beside it:
``recover(locked=False)`` finishes leftover commits the lock-free way and deletes only
staging folders nobody has written to for ``--stale_staging_hours`` (why that is safe:
``pipelines.options.STALE_STAGING_HOURS``).
"""
from __future__ import annotations

import datetime as dt
import logging
import os
import time

from apache_beam.io.filesystems import FileSystems

from transforms import near_dup, run_days, seen_index
from transforms.crash_points import pause_point
from transforms.dedup_plan import index_rows
from transforms.output_lock import is_local, local_path
from transforms.storage import delete_folder, ensure_parent, folder_exists, read_json, write_json_atomic

LOG = logging.getLogger(__name__)

STAGING_DIR = "_staging"
DRAFT_FILE = "DRAFT.json"
COMMIT_FILE = "COMMIT.json"
SUCCESS_FILE = "_SUCCESS"


class CommitError(Exception):
    """A commit cannot be completed (a staged file is missing from both its places)."""


def staging_dir(output_dir: str, run_id: str) -> str:
    return FileSystems.join(output_dir, STAGING_DIR, run_id)


def success_path(output_dir: str) -> str:
    return FileSystems.join(output_dir, SUCCESS_FILE)


def final_path(output_dir: str, run_id: str, staged: str) -> str:
    """Where a staged file goes: the same relative path under ``output_dir``."""
    prefix = staging_dir(output_dir, run_id).rstrip("/") + "/"
    if not staged.startswith(prefix):
        raise ValueError(f"{staged} is not under the staging folder {prefix}")
    return FileSystems.join(output_dir, staged[len(prefix):])


def commit_document(output_dir: str, run_id: str, draft: dict) -> dict:
    """COMMIT.json from the draft: the moves, and the manifest naming the files' final places."""
    staged = draft["manifest"]["files"]
    moves = [[path, final_path(output_dir, run_id, path)] for name in sorted(staged) for path in sorted(staged[name])]
    manifest = dict(draft["manifest"], files={name: sorted(final_path(output_dir, run_id, p) for p in paths)
                                              for name, paths in staged.items()})
    return {"run_id": run_id, "moves": moves, "manifest": manifest,
            "seen_articles": draft.get("seen_articles") or [],
            "validator_updates": draft.get("validator_updates") or []}


def write_draft(output_dir: str, run_id: str, draft: dict) -> None:
    write_json_atomic(FileSystems.join(staging_dir(output_dir, run_id), DRAFT_FILE), draft)


def commit_staged(output_dir: str, run_id: str, *, locked: bool = True, peers: list[str] = ()) -> dict:
    """Commit the run whose draft is staged; returns its manifest.

    Call under the output lock, or with ``locked=False`` for a commit that cannot take it
    (a Dataflow streaming window; ``peers``: globs of the manifests of the windows it may
    race, see ``roll_forward``).
    """
    draft = read_json(FileSystems.join(staging_dir(output_dir, run_id), DRAFT_FILE))
    if draft is None:
        raise CommitError(f"run {run_id} left no draft in {staging_dir(output_dir, run_id)}; nothing to commit")
    document = commit_document(output_dir, run_id, draft)
    if not locked:  # so that whoever rolls it forward later moves _SUCCESS among the same windows
        document["peers"] = list(peers)
    write_json_atomic(FileSystems.join(staging_dir(output_dir, run_id), COMMIT_FILE), document)
    pause_point("commit:intent")
    return roll_forward(output_dir, run_id, locked=locked, peers=peers)


def roll_forward(output_dir: str, run_id: str, *, locked: bool = True, peers: list[str] = ()) -> dict:
    """Finish the commit described by the run's COMMIT.json (idempotent); returns the manifest.

    ``locked=False`` (a streaming window, which commits beside other windows without the
    output lock) changes each shared file's step into one that needs no lock: the seen
    index and the HTTP validators get a journal file of the commit's own (folded by the
    next locked commit), the manifest a file of its own (a quiet one: in the day records'
    journal, ``run_days.publish_unlocked``), and ``_SUCCESS`` is moved
    by ``mark_success_unlocked`` among ``peers`` (default: those COMMIT.json names).
    ``recover`` rolls a commit forward the way it is told to (``locked``), whoever began it.
    """
    from transforms import http_state

    document = read_json(FileSystems.join(staging_dir(output_dir, run_id), COMMIT_FILE))
    if document is None:
        raise CommitError(f"run {run_id} has no {COMMIT_FILE} in {staging_dir(output_dir, run_id)} (already "
                          "finished by another committer, or never committed)")
    peers = list(peers) or document.get("peers") or run_days.own_manifest_paths(output_dir, run_id)
    for source, target in document["moves"]:
        _move(source, target)
        pause_point("commit:moved")
    rows = [row for entry in document["seen_articles"] for row in index_rows(*seen_index.decode_entry(entry))]
    if rows and locked:
        seen_index.apply_rows(output_dir, run_id, rows, near_dup.PARAMS.as_dict())
    elif rows:
        seen_index.record_unlocked(output_dir, run_id, rows, near_dup.PARAMS.as_dict())
    pause_point("commit:indexed")
    updates = [tuple(update) for update in document["validator_updates"]]
    if locked:
        http_state.commit_updates(output_dir, updates)
    else:
        http_state.record_unlocked(output_dir, run_id, updates)
    manifest = document["manifest"]
    finished_at = manifest.get("finished_at") or dt.datetime.now(dt.timezone.utc).isoformat()
    if locked:
        published = run_days.publish(output_dir, manifest)
        write_json_atomic(success_path(output_dir), {"run_id": run_id, "finished_at": finished_at,
                                                     "manifest": published})
    else:
        run_days.publish_unlocked(output_dir, manifest)
        mark_success_unlocked(output_dir, peers)
    pause_point("commit:succeeded")
    delete_folder(staging_dir(output_dir, run_id))
    if locked:  # without the lock another window may be creating the staging root right now
        _remove_empty_staging_root(output_dir)
    return manifest


def success_target(current: str | None, finished: list[str]) -> str | None:
    """The run id ``_SUCCESS`` must name instead of ``current``, or None when it is right already.

    ``_SUCCESS`` names the greatest finished run id (run ids start with their UTC stamp, and
    a window's with its start, so the greatest is the newest).
    """
    latest = max(finished, default=None)
    if latest is None or (current is not None and current >= latest):
        return None
    return latest


MAX_SUCCESS_ROUNDS = 10


def mark_success_unlocked(output_dir: str, peers: list[str]) -> None:
    """Point ``_SUCCESS`` at the newest manifest matched by ``peers``, without a lock, beside other committers.

    Each committer writes its manifest first, then repeats: read ``_SUCCESS``, list the
    peers' manifests (globs of per-run manifests and of the day records' journal), write
    ``_SUCCESS`` if it names an older one.  A committer that
    overwrites a newer ``_SUCCESS`` with an older run (it read before the other wrote) sees
    the newer manifest on its next round and puts it back, so once the last committer
    stops ``_SUCCESS`` names the newest manifest; each round reads one small file and lists
    the peers (a window's: its day's and the next day's windows).
    """
    success = success_path(output_dir)
    for _round in range(MAX_SUCCESS_ROUNDS):
        current = (read_json(success) or {}).get("run_id")
        found = {meta.path.rsplit("/", 1)[-1][:-len(".json")]: meta.path
                 for result in FileSystems.match(list(peers)) for meta in result.metadata_list}
        target = success_target(current, sorted(found))
        if target is None:
            return
        manifest = read_json(found[target]) or {}
        # A quiet window's manifest is in the day records' journal: name its day record, as a locked commit does.
        named = run_days.published_path(output_dir, manifest) if manifest.get("finished_at") else found[target]
        write_json_atomic(success, {"run_id": target, "finished_at": manifest.get("finished_at"), "manifest": named})
        pause_point("success:written")
    LOG.warning("_SUCCESS kept changing under %d rounds of windows committing; the next window fixes it",
                MAX_SUCCESS_ROUNDS)


def _move(source: str, target: str) -> None:
    if FileSystems.exists(source):
        ensure_parent(target)
        FileSystems.rename([source], [target])  # replaces a target left by an earlier attempt
    elif not FileSystems.exists(target):
        raise CommitError(f"staged file {source} is missing and was never moved to {target}: the commit "
                          f"cannot be completed; COMMIT.json next to it lists every file of the run")


def recover(output_dir: str, *, locked: bool = True, stale_after_seconds: float | None = None,
            now: float | None = None) -> list[tuple[str, str]]:
    """Finish or discard what crashed runs left in ``_staging``; returns (run_id, action) pairs.

    ``locked`` (default): call under the output lock, before a run starts writing; every
    folder with a ``COMMIT.json`` is rolled forward, every other one deleted.

    ``locked=False`` (a Dataflow streaming job starting, possibly beside the windows of a
    job it replaces): a folder with a ``COMMIT.json`` is rolled forward the lock-free way
    (journals, its own manifest, ``_SUCCESS`` newest-wins among the peers named in
    COMMIT.json); one without is deleted only when its newest file is older than
    ``stale_after_seconds`` (required then; ``pipelines.options.STALE_STAGING_HOURS`` says
    why hours are safe) before ``now`` (epoch seconds; default: the clock), else kept
    (``"kept"``), as a window may be staging it.
    A folder that fails (e.g. a live window finished it meanwhile) is logged and reported
    as ``"failed: <error>"``; the others are still handled.
    """
    if not locked and stale_after_seconds is None:
        raise ValueError("a recovery without the lock needs stale_after_seconds")
    root = FileSystems.join(output_dir, STAGING_DIR)
    if not folder_exists(root):
        return []
    written = _last_written(root)
    actions = []
    for run_id in sorted(written):
        if locked:
            actions.append((run_id, _recover_locked(output_dir, run_id)))
            continue
        try:
            action = _recover_unlocked(output_dir, run_id, written[run_id], stale_after_seconds, now)
        except Exception as error:  # noqa: BLE001 - one folder must not stop the others; see the docstring
            LOG.warning("window commit %s left in %s could not be finished now (%s); a live window or the "
                        "next start will", run_id, root, error)
            action = f"failed: {error}"
        actions.append((run_id, action))
    return actions


def _recover_locked(output_dir: str, run_id: str) -> str:
    if FileSystems.exists(FileSystems.join(staging_dir(output_dir, run_id), COMMIT_FILE)):
        roll_forward(output_dir, run_id)
        LOG.warning("run %s had crashed while committing; its commit was finished now", run_id)
        return "rolled forward"
    discard(output_dir, run_id)
    LOG.warning("run %s had crashed before committing; its staged files were deleted "
                "(its articles are read again by this run)", run_id)
    return "discarded"


def _recover_unlocked(output_dir: str, run_id: str, last_written: float, stale_after_seconds: float,
                      now: float | None) -> str:
    if FileSystems.exists(FileSystems.join(staging_dir(output_dir, run_id), COMMIT_FILE)):
        roll_forward(output_dir, run_id, locked=False)
        LOG.warning("window commit %s had stopped while committing; its commit was finished now", run_id)
        return "rolled forward"
    idle = (time.time() if now is None else now) - last_written
    if idle < stale_after_seconds:
        return "kept"
    delete_folder(staging_dir(output_dir, run_id))  # not the root: a window may be creating a folder in it
    LOG.warning("window commit %s was abandoned before committing (nothing written to it for %.1f h); its "
                "staged files were deleted (its articles are read again)", run_id, idle / 3600)
    return "discarded"


def discard(output_dir: str, run_id: str) -> None:
    """Delete a run's staging folder (a run that failed before its commit)."""
    delete_folder(staging_dir(output_dir, run_id))
    _remove_empty_staging_root(output_dir)


def _remove_empty_staging_root(output_dir: str) -> None:
    """Leave no empty ``_staging/`` behind on a local disk (object stores have no folders).

    Runs hold the output lock here, so no other run can be creating a staging folder.
    """
    root = FileSystems.join(output_dir, STAGING_DIR)
    if is_local(root):
        try:
            os.rmdir(local_path(root))
        except OSError:  # absent, or another crashed run's folder is still in it
            pass


def _child_name(root: str, path: str) -> str:
    return path[len(root.rstrip("/")) + 1:].split("/", 1)[0]


def _last_written(root: str) -> dict[str, float]:
    """Run id -> when a file of its staging folder was last written (epoch seconds)."""
    written: dict[str, float] = {}
    for meta in FileSystems.match([FileSystems.join(root, "*", "**")])[0].metadata_list:
        run_id = _child_name(root, meta.path)
        written[run_id] = max(written.get(run_id, 0.0), meta.last_updated_in_seconds)
    if is_local(root):  # local staging folders with no files yet (a run killed right after creating one)
        for name in os.listdir(local_path(root)):
            path = os.path.join(local_path(root), name)
            if name not in written and os.path.isdir(path):
                written[name] = os.stat(path).st_mtime
    return written
