"""Knowing before Beam starts that a run has nothing new, and committing it without Beam.

A scheduled run every 15 minutes, or a streaming poll every minute, mostly finds nothing
new: every feed answers 304, or lists only entries already written, and a rerun reads files
already ingested.  Starting Beam for that costs 2-4 s on a laptop (docs/benchmarks.md,
"Scheduled runs").  So the driver first reads the sources itself (``check``): when every one
is unchanged or holds only articles whose ids the seen-key index already has, with no reject
anywhere, the run's outcome is known exactly (every article read is deduplicated by its id
against an earlier run, no row in any dataset), and its manifest is committed as the
pipeline's would be (same counts and balance, ``datasets_without_rows`` listing every
dataset, validators saved, ``_SUCCESS``) without building the pipeline.

Anything else (a new article, a reject, an id twice in the run, ``--reprocess``, a feed
read with ``--fetch_articles``, more than ``MAX_SOURCES`` sources) stops the check at once,
and the pipeline runs as before.  The feed responses the check already has are handed to it
(``prefetched``), so no feed is fetched twice in one run.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import logging

from apache_beam.io.filesystems import FileSystems

from transforms.normalize import normalize_article
from transforms.records import RejectError
from transforms.sources.discover import SourceRef
from transforms.sources.match import visible_refs
from transforms.sources.read import SourceRead, read_source

LOG = logging.getLogger(__name__)

# Reading sources twice (here, then in the pipeline when something is new) is cheap for the
# handful of feeds or files a scheduled run has; an inbox of thousands goes straight to Beam.
MAX_SOURCES = 64


@dataclasses.dataclass
class QuietRun:
    """A run known to add nothing: what its manifest counts."""

    counts: dict[str, int]
    duplicates_by_key: list[tuple[str, int]]
    validator_updates: list[list]


class NotQuiet(Exception):
    """The run may add something (or reject something): the pipeline must run."""


def all_refs(plan, limit: int = MAX_SOURCES) -> list[SourceRef]:
    """Every source of ``plan`` once, folders and globs listed here; NotQuiet past ``limit``."""
    refs = {ref.uri: ref for ref in plan.refs}
    if plan.patterns:
        found = FileSystems.match([p.glob for p in plan.patterns], limits=[limit + 1] * len(plan.patterns))
        for result in found:
            for meta in result.metadata_list:
                refs.update((ref.uri, ref) for ref in visible_refs(meta.path, tuple(plan.patterns)))
    if len(refs) > limit:
        raise NotQuiet(f"more than {limit} sources")
    return list(refs.values())


def read_for_check(ref: SourceRef, fetch, max_file_bytes: int, validators: dict | None = None) -> SourceRead:
    """One source read as ``ReadSourceFn`` reads it (``read_source``, ``fetch`` sending ``validators``);
    NotQuiet where that would give a reject."""
    if ref.kind not in ("url", "path"):
        raise NotQuiet(f"{ref.kind} source")
    read = read_source(ref, fetch, max_file_bytes, validators)
    if read.error is not None:
        raise NotQuiet(f"{ref.uri}: {read.error}")
    if read.rejects:
        raise NotQuiet(f"{ref.uri}: {len(read.rejects)} rejected entries")
    return read


def article_ids(raws: list[dict], ingested_at: dt.datetime) -> list[str]:
    """The ids the pipeline gives these raw articles; NotQuiet when one would be rejected."""
    try:
        return [normalize_article(raw, ingested_at)["article_id"] for raw in raws]
    except RejectError as error:
        raise NotQuiet(str(error)) from None


def verdict(reads: list[SourceRead], ids: list[str], seen_ids: set[str]) -> QuietRun:
    """The quiet run's counts, when every id is new to this run and was written by an earlier one."""
    if len(set(ids)) != len(ids):
        raise NotQuiet("an article id twice in this run (a duplicates row)")
    new = [i for i in ids if i not in seen_ids]
    if new:
        raise NotQuiet(f"{len(new)} new articles")
    from transforms.run_manifest import COUNTED

    counts = dict.fromkeys(COUNTED, 0) | {"sources": len(reads), "sources_not_modified": sum(r.unchanged for r in reads),
                                          "articles_read": len(ids), "deduplicated": len(ids)}
    return QuietRun(counts, [("article_id", len(ids))] if ids else [],
                    [list(r.validator_update) for r in reads if r.validator_update is not None])


def check(config, plan, discovery_rejects, validators: dict, output_dir: str,
          ingested_at: dt.datetime) -> tuple[QuietRun | None, dict]:
    """(the quiet run, or None when the pipeline must run; feed responses already fetched, by URL)."""
    from transforms import near_dup
    from transforms.front_end import fetch_config_for
    from transforms.seen_index import SeenIndex

    prefetched: dict = {}
    if config.reprocess or discovery_rejects:
        return None, prefetched
    fetcher = None

    def fetch(uri):
        nonlocal fetcher
        if fetcher is None:
            from transforms.fetch import Fetcher

            fetcher = Fetcher(fetch_config_for(config))
        prefetched[uri] = fetcher.fetch(uri, validators=validators.get(uri))
        return prefetched[uri]

    try:
        refs = all_refs(plan)
        # Files first: reading them again in the pipeline costs little, fetching a feed twice would.
        refs.sort(key=lambda ref: ref.kind == "url")
        reads, ids = [], []
        for ref in refs:
            read = read_for_check(ref, fetch, config.max_file_bytes, validators)
            if read.articles and config.fetch_articles:
                raise NotQuiet("full text would be fetched")
            reads.append(read)
            ids.extend(article_ids(read.articles, ingested_at))
        seen = SeenIndex(output_dir, near_dup.PARAMS.as_dict()).lookup(("id", i) for i in ids) if ids else {}
        quiet = verdict(reads, ids, {key for _kind, key in seen})
    except NotQuiet as reason:
        LOG.debug("the pipeline runs: %s", reason)
        return None, prefetched
    except Exception:  # noqa: BLE001 - whatever failed here, the pipeline meets it and reports it its own way
        LOG.debug("the pipeline runs: the check failed", exc_info=True)
        return None, prefetched
    finally:
        if fetcher is not None:
            fetcher.close()
    return quiet, prefetched


def quiet_summary(run_id: str, quiet: QuietRun) -> str:
    counts = quiet.counts
    return (f"run {run_id}: nothing new ({counts['sources']} sources, {counts['sources_not_modified']} not modified, "
            f"{counts['articles_read']} articles already written); committed without starting Beam")


def commit_quiet(config, plan, quiet: QuietRun, *, mode: str, started_at: dt.datetime) -> None:
    """Leave the quiet run's draft (its manifest, its validators) for the ordinary commit."""
    from transforms import commit
    from transforms.front_end import ROW_SHAPERS
    from transforms.run_manifest import build_manifest

    manifest = build_manifest(
        run_id=config.run_id, mode=mode, started_at=started_at, finished_at=dt.datetime.now(dt.timezone.utc),
        inputs=plan.describe(), options=config.as_dict(), counts=quiet.counts, rejects_by_reason=[],
        duplicates_by_key=quiet.duplicates_by_key, files={}, datasets=tuple(ROW_SHAPERS))
    commit.write_draft(config.output, config.run_id, {"manifest": manifest, "seen_articles": [],
                                                      "validator_updates": quiet.validator_updates})
