"""Shaping pipeline records into dataset rows that match ``schemas`` exactly.

Internal fields (``guid``, ``feed_language``) are dropped, run fields added, and the
flat datasets (``entities``, ``quotes``) are derived from the nested article columns so that the
two can never disagree.
"""
from __future__ import annotations

import datetime as dt

from schemas import ARTICLES, DUPLICATES, ENTITIES, QUOTES, REJECTS

_LIST_DEFAULT = object()


def _project(record: dict, schema) -> dict:
    """Exactly the schema's columns, in order; lists default to [] and the rest to None."""
    row = {}
    for field in schema:
        value = record.get(field.name, _LIST_DEFAULT)
        if value is _LIST_DEFAULT:
            value = [] if str(field.type).startswith("list") else None
        if value is None and not field.nullable:
            raise ValueError(f"column {field.name!r} is required but missing")
        row[field.name] = value
    return row


def article_row(article: dict, run_id: str) -> dict:
    return _project(dict(article, run_id=run_id), ARTICLES)


def entity_rows(article: dict, run_id: str) -> list[dict]:
    """One flat row per (article, canonical entity), for joins and group-bys."""
    shared = {"article_id": article["article_id"], "published_at": article.get("published_at"),
              "source_name": article.get("source_name"), "run_id": run_id}
    return [_project(dict(entity, **shared), ENTITIES) for entity in article.get("entities") or []]


def quote_rows(article: dict, run_id: str) -> list[dict]:
    """One flat row per quotation, numbered in order of appearance."""
    shared = {"article_id": article["article_id"], "published_at": article.get("published_at"),
              "source_name": article.get("source_name"), "run_id": run_id}
    return [_project(dict(quote, quote_index=i, **shared), QUOTES)
            for i, quote in enumerate(article.get("quotes") or [])]


def reject_row(reject: dict, run_id: str, rejected_at: dt.datetime) -> dict:
    return _project(dict(reject, run_id=run_id, rejected_at=rejected_at), REJECTS)


def duplicate_row(duplicate: dict, run_id: str) -> dict:
    return _project(dict(duplicate, run_id=run_id), DUPLICATES)
