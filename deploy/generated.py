"""Writing generated files, or checking that the committed ones are up to date.

Every file under ``deploy/`` that is derived from the code (flex template metadata from
the options parser, warehouse DDL from the schemas, worker pins from the lock files) is
committed, so people can read it and tools can use it without running Python.  The
generators share this helper: write mode rewrites only files whose text changed, check
mode (``--check``, used by tests) reports stale, missing and leftover files and fails.
"""
from __future__ import annotations

import sys
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


def stale_files(outputs: dict[Path, str], owned_globs: tuple[tuple[Path, str], ...] = ()) -> list[str]:
    """Problems with the committed files: missing, out of date, or generated once but no longer."""
    problems = []
    for path, text in outputs.items():
        if not path.exists():
            problems.append(f"{path.relative_to(REPO_ROOT)}: missing")
        elif path.read_text(encoding="utf-8") != text:
            problems.append(f"{path.relative_to(REPO_ROOT)}: out of date")
    for folder, pattern in owned_globs:
        for path in sorted(folder.glob(pattern)):
            if path not in outputs:
                problems.append(f"{path.relative_to(REPO_ROOT)}: no longer generated (delete it)")
    return problems


def sync_generated(outputs: dict[Path, str], *, check: bool, command: str,
                   owned_globs: tuple[tuple[Path, str], ...] = ()) -> int:
    """Write ``outputs`` (path -> text) or, with ``check``, verify them; returns an exit status.

    ``owned_globs`` names (folder, pattern) pairs that only generated files may match, so
    a file left behind by a removed dataset is reported instead of lingering.
    """
    if check:
        problems = stale_files(outputs, owned_globs)
        for problem in problems:
            sys.stderr.write(f"{problem}\n")
        if problems:
            sys.stderr.write(f"regenerate with: {command}\n")
            return 1
        print(f"{len(outputs)} generated files are up to date")
        return 0
    for path, text in outputs.items():
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(f"wrote {path.relative_to(REPO_ROOT)}")
    for folder, pattern in owned_globs:
        for path in sorted(folder.glob(pattern)):
            if path not in outputs:
                path.unlink()
                print(f"deleted {path.relative_to(REPO_ROOT)} (no longer generated)")
    return 0
