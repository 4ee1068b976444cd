"""Expanding ``--input`` and ``--feeds`` into sources, before the pipeline starts.

Discovery runs in the launcher so that a mistyped path fails the run at once with one
clear line (a scheduled job should not "succeed" on nothing).  Paths go through Beam's
``FileSystems`` so ``gs://`` works the same as local folders.

Folders and globs can hold any number of files, and a Dataflow job graph is limited to
10 MB, so ``plan_inputs`` does not list them: it checks that each one matches something
and hands the pattern to the pipeline, which matches it on the workers
(``transforms.sources.match.MatchSources``).  Single files, URLs and feed-list entries stay
explicit sources.  ``expand_inputs`` lists everything in the launcher, for callers that
need the full list up front.
"""
from __future__ import annotations

import os
import posixpath
import re
from dataclasses import dataclass, field

from apache_beam.io.filesystems import FileSystems

_URL = re.compile(r"^https?://", re.IGNORECASE)
_GLOB_CHARS = re.compile(r"[*?\[]")


class InputError(ValueError):
    """An ``--input``/``--feeds`` value that names nothing readable."""


@dataclass(frozen=True, order=True)
class SourceRef:
    """One thing to read: a local/GCS path, an http(s) URL, or an article that arrived in a message.

    ``data`` is the payload of a ``message`` source (``transforms.sources.messages``); it
    takes no part in comparisons, the ``uri`` names the message.
    """

    uri: str
    kind: str  # "path", "url" or "message"
    data: bytes | None = field(default=None, compare=False, repr=False)


@dataclass(frozen=True)
class FilePattern:
    """A folder or glob to match on the workers: the ``glob`` to match, and the ``root`` below
    which hidden names (``.x`` files and folders, ``_x`` folders) are skipped."""

    glob: str
    root: str


@dataclass
class InputPlan:
    """What a run reads: explicit sources, and patterns the pipeline matches itself."""

    refs: list[SourceRef]
    patterns: list[FilePattern]

    def describe(self) -> list[str]:
        """The inputs as the run manifest records them (patterns, not the files they match)."""
        return [ref.uri for ref in self.refs] + [pattern.glob for pattern in self.patterns]


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


def is_hidden_below(path: str, root: str) -> bool:
    """Whether ``path`` is a dotfile, or lies in a ``.x`` or ``_x`` folder, below ``root``.

    Dotfiles are editor and OS droppings; ``_``-prefixed folders are never data (an output
    folder's ``_staging/``, ``_state/``, ``_runs/``, Beam's temporary folders).
    """
    relative = path[len(root):] if path.startswith(root) else posixpath.basename(path)
    parts = [part for part in re.split(r"[/\\]", relative) if part]
    if not parts:
        return False
    *folders, name = parts
    return name.startswith(".") or any(folder.startswith((".", "_")) for folder in folders)


def literal_root(pattern: str) -> str:
    """The folder part of a glob before its first wildcard (``gs://b/in/*/x*.txt`` -> ``gs://b/in/``)."""
    literal = _GLOB_CHARS.split(pattern, 1)[0]
    return literal[:max(literal.rfind("/"), literal.rfind(os.sep)) + 1]


def plan_path(value: str) -> tuple[list[str], list[FilePattern]]:
    """(files, patterns) named by one ``--input`` path; InputError when it names nothing."""
    if _GLOB_CHARS.search(value):
        pattern = FilePattern(value, literal_root(value))
        _require_match(pattern, f"--input {value!r}: the pattern matches no files")
        return [], [pattern]
    if "://" not in value:
        if os.path.isdir(value):
            root = value.rstrip("/\\") + os.sep
            return [], [FilePattern(os.path.join(value, "**"), root)]
        if os.path.isfile(value):
            return [value], []
        raise InputError(f"--input {value!r}: no such file or directory")
    if FileSystems.exists(value) and not value.endswith("/"):
        return [value], []
    # Remote filesystems (gs://, s3://) have no directories: a prefix is matched recursively.
    root = value.rstrip("/") + "/"
    pattern = FilePattern(root + "**", root)
    _require_match(pattern, f"--input {value!r}: no such file, and no files under it")
    return [], [pattern]


# How many matches the launcher looks at to see that a pattern names at least one
# readable file (it never lists a whole folder; the workers do).
_PROBE = 100


def _require_match(pattern: FilePattern, message: str) -> None:
    probe = FileSystems.match([pattern.glob], limits=[_PROBE])[0].metadata_list
    if not probe or (len(probe) < _PROBE and all(is_hidden_below(m.path, pattern.root) for m in probe)):
        raise InputError(message)


def _gather(inputs: list[str], feed_entries, add_path) -> set[SourceRef]:
    """URL inputs and feed-list entries as sources; every other input handed to ``add_path``."""
    refs: set[SourceRef] = set()
    for value in inputs:
        value = value.strip()
        if not value:
            continue
        if is_url(value):
            refs.add(SourceRef(value, "url"))
        else:
            add_path(value, refs)
    for value in feed_entries:
        refs.add(SourceRef(value, "url" if is_url(value) else "path"))
    return refs


def plan_inputs(inputs: list[str], feed_entries: list[str] = ()) -> InputPlan:
    """The sources of a run with folders and globs left as patterns (see the module docstring)."""
    patterns: list[FilePattern] = []

    def add_path(value: str, refs: set[SourceRef]) -> None:
        files, found = plan_path(value)
        refs.update(SourceRef(path, "path") for path in files)
        patterns.extend(pattern for pattern in found if pattern not in patterns)

    return InputPlan(sorted(_gather(inputs, feed_entries, add_path)), patterns)


def expand_inputs(inputs: list[str], feed_urls: list[str] = ()) -> list[SourceRef]:
    """All sources of a run, deduplicated and sorted (so reruns read in the same order)."""
    def add_path(value: str, refs: set[SourceRef]) -> None:
        refs.update(SourceRef(path, "path") for path in expand_path(value))

    return sorted(_gather(inputs, feed_urls, add_path))


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
