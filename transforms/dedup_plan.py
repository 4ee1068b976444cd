"""Which articles of a run are new: pure decisions, testable without Beam or files.

Input: one ``Candidate`` per distinct ``article_id`` of the run (same-id copies are
resolved before, by ``dedup.pick_survivor``) and a lookup into the seen-key index.
Output: a ``Decision`` per article id.  Keys, in order:

1. ``article_id`` seen in an earlier run -> dropped (unless ``--reprocess``);
2. ``content_hash`` seen in an earlier run, or earlier in this run -> dropped;
3. near-duplicate (estimated Jaccard of word shingles >= threshold) of an article of an
   earlier run or earlier in this run -> marked (written with ``duplicate_of``) or
   dropped, as ``near_mode`` says;
4. otherwise kept.

"Earlier in this run" follows ``first_copy_order``: the earliest published copy (then the
smallest source URI) is the first copy, so reruns on the same inputs decide the same way.
``duplicate_of`` always names the first copy of the story (a chain of near-duplicates
points at its root), and ``similarity`` is to the closest copy found.
"""
from __future__ import annotations

import dataclasses
from typing import Callable, Iterable

from transforms import near_dup
from transforms.seen_index import SeenRow

KEEP, MARK, DROP = "keep", "mark", "drop"
NEAR_MODES = ("mark", "skip")
THIS_RUN, EARLIER_RUN = "this_run", "earlier_run"

Lookup = Callable[[Iterable[tuple[str, str]]], dict[tuple[str, str], list[SeenRow]]]


@dataclasses.dataclass(frozen=True)
class Candidate:
    article_id: str
    content_hash: str
    signature: bytes
    order: tuple


@dataclasses.dataclass(frozen=True)
class Decision:
    action: str
    root_id: str
    key: str | None = None
    found_in: str | None = None
    duplicate_of: str | None = None
    similarity: float | None = None


def first_copy_order(article: dict) -> tuple:
    """Sort key: dated before undated, earliest first, then source URI, then id."""
    published = article.get("published_at")
    return (published is None, published.isoformat() if published else "",
            article.get("source_uri") or "", article.get("article_id") or "")


def candidate_of(article: dict) -> Candidate:
    return Candidate(article["article_id"], article["content_hash"], article["near_dup_signature"],
                     first_copy_order(article))


def history_keys(candidates: Iterable[Candidate], params: near_dup.NearDupParams) -> set[tuple[str, str]]:
    keys = set()
    for c in candidates:
        keys.add(("id", c.article_id))
        keys.add(("hash", c.content_hash))
        keys.update(("band", k) for k in near_dup.band_keys(near_dup.from_bytes(c.signature), params))
    return keys


@dataclasses.dataclass
class _Copy:
    article_id: str
    root_id: str
    signature: object


def _closest(signature, copies: Iterable[_Copy], threshold: float, exclude: str):
    """(similarity, copy) of the most similar copy at or above ``threshold``, or None.

    Copies of ``exclude`` itself (a reprocessed article, and the copies marked as its
    near-duplicates) are not matches: an article is never a duplicate of itself.
    """
    best = None
    for copy in copies:
        if exclude in (copy.article_id, copy.root_id):
            continue
        score = near_dup.similarity(signature, copy.signature)
        if score >= threshold and (best is None or score > best[0]):
            best = (score, copy)
    return best


def plan(candidates: list[Candidate], lookup: Lookup | None, *, threshold: float = near_dup.DEFAULT_THRESHOLD,
         near_mode: str = "mark", reprocess: bool = False,
         params: near_dup.NearDupParams = near_dup.PARAMS) -> dict[str, Decision]:
    """article_id -> Decision for every candidate.  ``lookup`` None means no history (first run)."""
    if near_mode not in NEAR_MODES:
        raise ValueError(f"near_mode must be one of {NEAR_MODES}, got {near_mode!r}")
    ordered = sorted(candidates, key=lambda c: c.order)
    history = lookup(history_keys(ordered, params)) if lookup is not None else {}
    # Signatures and roots of the earlier articles that share a band with a candidate.
    members = {row.article_id for (kind, _), rows in history.items() if kind == "band" for row in rows}
    missing = {("id", m) for m in members} - set(history)
    if missing and lookup is not None:
        history.update(lookup(missing))
    earlier = {}
    for (kind, key), rows in history.items():
        if kind == "id" and rows and rows[-1].signature:
            earlier[key] = _Copy(key, rows[-1].root_id or key, near_dup.from_bytes(rows[-1].signature))

    run_hashes: dict[str, str] = {}
    run_bands: dict[str, list[_Copy]] = {}
    decisions: dict[str, Decision] = {}
    for c in ordered:
        decision = _decide(c, history, earlier, run_hashes, run_bands, threshold, near_mode, reprocess, params)
        decisions[c.article_id] = decision
        if decision.action != DROP:
            run_hashes.setdefault(c.content_hash, c.article_id)
            copy = _Copy(c.article_id, decision.root_id, near_dup.from_bytes(c.signature))
            for band in near_dup.band_keys(copy.signature, params):
                run_bands.setdefault(band, []).append(copy)
    return decisions


def _decide(c: Candidate, history, earlier, run_hashes, run_bands, threshold, near_mode, reprocess, params):
    if not reprocess and ("id", c.article_id) in history:
        return Decision(DROP, c.article_id, "article_id", EARLIER_RUN, c.article_id)
    other_holders = [r.article_id for r in history.get(("hash", c.content_hash), []) if r.article_id != c.article_id]
    if other_holders:
        return Decision(DROP, other_holders[0], "content_hash", EARLIER_RUN, other_holders[0])
    if c.content_hash in run_hashes:
        first = run_hashes[c.content_hash]
        return Decision(DROP, first, "content_hash", THIS_RUN, first)
    signature = near_dup.from_bytes(c.signature)
    bands = near_dup.band_keys(signature, params)
    # Earlier runs first: their copies were published to the datasets before this run's.
    past = {row.article_id for band in bands for row in history.get(("band", band), [])}
    match, found_in = _closest(signature, (earlier[a] for a in sorted(past) if a in earlier), threshold,
                               c.article_id), EARLIER_RUN
    if match is None:
        seen_in_run = {id(copy): copy for band in bands for copy in run_bands.get(band, [])}
        match, found_in = _closest(signature, seen_in_run.values(), threshold, c.article_id), THIS_RUN
    if match is None:
        return Decision(KEEP, c.article_id)
    score, copy = match
    action = MARK if near_mode == "mark" else DROP
    return Decision(action, copy.root_id, "near_duplicate", found_in, copy.root_id, round(score, 4))


def index_rows(article_id: str, content_hash: str, root_id: str | None, signature: bytes,
               params: near_dup.NearDupParams = near_dup.PARAMS) -> list[SeenRow]:
    """The seen-index rows a written article adds: its id (with root and signature), content
    hash and LSH band keys."""
    rows = [SeenRow("id", article_id, article_id, root_id or article_id, signature),
            SeenRow("hash", content_hash, article_id)]
    rows += [SeenRow("band", key, article_id) for key in near_dup.band_keys(near_dup.from_bytes(signature), params)]
    return rows


def written_rows(articles: Iterable[dict]) -> list[SeenRow]:
    """The seen-index rows of written ``articles`` rows (a streaming window's, or history's):
    the dataset has no signature column, so each is recomputed from the body."""
    return [seen for row in articles
            for seen in index_rows(*index_entry(row, near_dup.to_bytes(near_dup.signature(row["body"]))))]


def index_entry(article: dict, signature: bytes | None = None) -> tuple[str, str, str, bytes]:
    """What the seen index keeps of a written article (``index_rows`` expands it); its
    near-duplicate signature is ``signature`` when given, else the article's own."""
    return (article["article_id"], article["content_hash"], article.get("duplicate_of") or article["article_id"],
            article["near_dup_signature"] if signature is None else signature)
