"""Expanding ``--input`` and ``--feeds`` into a list of sources, before the pipeline starts.

Discovery runs in the launcher so that a mistyped path fails the run at once with one
clear line (a scheduled job should not "succeed" on nothing), and so the run manifest
can list exactly what was read.  Paths go through Beam's ``FileSystems`` so ``gs://``
works the same as local folders.
"""
from __future__ import annotations

import os
import re
from dataclasses import dataclass

from apache_beam.io.filesystems import FileSystems

_URL = re.compile(r"^https?://", re.IGNORECASE)
_GLOB_CHARS = re.compile(r"[*?\[]")


class InputError(ValueError):
    """An ``--input``/``--feeds`` value that names nothing readable."""


@dataclass(frozen=True, order=True)
class SourceRef:
    """One thing to read: a local/GCS path or an http(s) URL."""

    uri: str
    kind: str  # "path" or "url"


def is_url(value: str) -> bool:
    return bool(_URL.match(value))


def _hidden(path: str) -> bool:
    # Dotfiles and editor/OS droppings (.DS_Store, .#file) are never articles.
    return os.path.basename(path).startswith(".")


def _match(pattern: str) -> list[str]:
    results = FileSystems.match([pattern])[0].metadata_list
    return sorted(m.path for m in results)


def expand_path(value: str) -> list[str]:
    """Files named by a file, a directory (recursed) or a glob; raises InputError when none."""
    if _GLOB_CHARS.search(value):
        paths = [p for p in _match(value) if not _hidden(p)]
        if not paths:
            raise InputError(f"--input {value!r}: the pattern matches no files")
        return paths
    if "://" not in value:
        if os.path.isdir(value):
            paths = []
            for root, dirs, files in os.walk(value):
                dirs[:] = sorted(d for d in dirs if not d.startswith((".", "_")))
                paths.extend(os.path.join(root, f) for f in sorted(files) if not _hidden(f))
            return paths
        if os.path.isfile(value):
            return [value]
        raise InputError(f"--input {value!r}: no such file or directory")
    # Remote filesystems (gs://, s3://) have no directories: a prefix is matched recursively.
    if FileSystems.exists(value) and not value.endswith("/"):
        return [value]
    paths = [p for p in _match(value.rstrip("/") + "/**") if not _hidden(p)]
    if not paths:
        raise InputError(f"--input {value!r}: no such file, and no files under it")
    return paths


def expand_inputs(inputs: list[str], feed_urls: list[str] = ()) -> list[SourceRef]:
    """All sources of a run, deduplicated and sorted (so reruns read in the same order)."""
    refs: set[SourceRef] = set()
    for value in inputs:
        value = value.strip()
        if not value:
            continue
        if is_url(value):
            refs.add(SourceRef(value, "url"))
        else:
            refs.update(SourceRef(path, "path") for path in expand_path(value))
    for value in feed_urls:
        refs.add(SourceRef(value, "url" if is_url(value) else "path"))
    return sorted(refs)


def read_feed_list(path: str) -> tuple[list[str], list[dict]]:
    """(feeds, rejects) of a ``--feeds`` file (URL list or OPML).

    Relative paths resolve against the list's folder.  Lines that name no feed become
    reject rows (stage ``discover``) rather than failing the run; an unreadable list
    file is an InputError.
    """
    from transforms.sources.feed_lists import parse_feed_list

    try:
        with FileSystems.open(path, compression_type="uncompressed") as handle:
            data = handle.read()
    except (OSError, IOError) as error:
        raise InputError(f"--feeds {path!r}: cannot read: {error}") from error
    return parse_feed_list(data, path)
