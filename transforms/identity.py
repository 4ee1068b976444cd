"""Article identity: stable ids, content hashes and word counts.

* ``article_id`` is what deduplication keys on across runs, so it must not change when
  the same article is read again: the canonical URL when there is one (feeds, HTML),
  else the feed GUID scoped by its feed, else (plain files) the title and normalised
  body.  32 hex characters of sha256: collision-free in practice, short in warehouses.
* ``content_hash`` catches the same text under different ids (syndicated copies, the
  same file in two folders): sha256 of the body with case and whitespace folded.
"""
from __future__ import annotations

import hashlib
import re
import unicodedata

ID_HEX_CHARS = 32
_SPACE = re.compile(r"\s+")
_WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalized_for_hash(text: str) -> str:
    """Body text with Unicode compatibility forms, case and whitespace folded."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text or "")).strip().casefold()


def content_hash(body: str) -> str:
    """sha256 (64 hex) of the normalised body."""
    return _sha256(normalized_for_hash(body))


def article_id(*, url: str | None, guid: str | None, source_uri: str, title: str | None, body: str) -> str:
    """Stable id of an article; see the module docstring for the precedence."""
    if url:
        key = f"url:{url}"
    elif guid:
        key = f"guid:{source_uri}:{guid}"
    else:
        key = f"text:{normalized_for_hash(title or '')}\n{normalized_for_hash(body)}"
    return _sha256(key)[:ID_HEX_CHARS]


def word_count(text: str) -> int:
    """Words as a reader counts them ("don't" and "Russia-Ukraine" are one word each)."""
    return len(_WORD.findall(text or ""))
