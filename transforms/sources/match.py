"""``Sources``: a run's inputs as a PCollection of SourceRefs, folders matched on the workers.

An inbox of 100,000 files must not put 100,000 paths into the job graph (Dataflow refuses
graphs over 10 MB, and a big graph is slow to submit), so folders and globs travel as
patterns and ``fileio.MatchAll`` lists them on the workers.  Only the explicit sources
(URLs, single files, feed-list entries) are in the graph, and those are as many as the
user typed.  The graph's size therefore does not depend on how many files a folder holds.
"""
from __future__ import annotations

import apache_beam as beam
from apache_beam.io import fileio

from transforms.sources.discover import FilePattern, InputPlan, SourceRef, is_hidden_below


def visible_refs(path: str, patterns: tuple[FilePattern, ...]) -> list[SourceRef]:
    """``[SourceRef(path)]`` unless ``path`` is hidden below the root of the pattern that found it.

    A path matched by several patterns is judged by the most specific (longest) root.
    """
    roots = [pattern.root for pattern in patterns if path.startswith(pattern.root)]
    root = max(roots, key=len) if roots else ""
    return [] if is_hidden_below(path, root) else [SourceRef(path, "path")]


class MatchSources(beam.PTransform):
    """PBegin -> SourceRefs of every visible file the patterns match, spread over the workers."""

    def __init__(self, patterns: list[FilePattern]):
        super().__init__()
        self._patterns = tuple(patterns)

    def expand(self, pbegin):
        patterns = self._patterns
        return (pbegin
                | "Patterns" >> beam.Create([pattern.glob for pattern in patterns])
                # ALLOW: the launcher checked each pattern matches; a file deleted since is no error.
                | "Match" >> fileio.MatchAll(fileio.EmptyMatchTreatment.ALLOW)
                | "Visible" >> beam.FlatMap(lambda metadata: visible_refs(metadata.path, patterns)))


class Sources(beam.PTransform):
    """PBegin -> every source of an ``InputPlan`` once (a file named twice is read once)."""

    def __init__(self, plan: InputPlan):
        super().__init__()
        self._plan = plan

    def expand(self, pbegin):
        parts = [pbegin | "Explicit" >> beam.Create(self._plan.refs)]
        if self._plan.patterns:
            parts.append(pbegin | "Matched" >> MatchSources(self._plan.patterns))
        # Keyed by URI and grouped: drops repeats, and the shuffle spreads the sources of one
        # big folder (matched on one worker) over all of them before the expensive reads.
        return (parts
                | "All" >> beam.Flatten()
                | "ByUri" >> beam.Map(lambda ref: (ref.uri, ref))
                | "Once" >> beam.CombinePerKey(lambda refs: next(iter(refs)))
                | "Refs" >> beam.Values())
