"""Given names of many countries, precomputed from the pinned ``names-dataset`` package.

The small English model knows English given names well and others badly: "Sjoerd
Veldkamp", "Olumide Adeyinka" or "Rayén Quispe Mamani" come out as places, organisations
or nothing (docs/benchmarks.md, "Third modern held-out set").  ``names-dataset`` 3.3.1
(Philippe Remy; its wheel's LICENSE file is the Apache License 2.0, its metadata says MIT)
ranks ~730,000 first names by frequency in each of 105 countries.  Its 25 MB pickle takes
5 s to load, so the names the rules need are derived here once and stored in
``given_names.json.gz`` beside this module; ``tests/test_given_names.py`` fails when the
stored file no longer equals a fresh build (new package data, changed rules below).
Regenerate with ``make generate`` (``python -m transforms.nlp.given_names``).

A name is kept when

* it is one word of Latin letters (``Sjoerd``, ``Rayén``, ``Hyejin``; compound names such
  as ``Anne-Marie`` are looked up by their parts, :func:`is_given_name`): the rules read
  English text, where other scripts' names come transliterated;
* it ranks among the :data:`MAX_RANK` most frequent first names of at least one country
  (the long tail of the dataset holds misspellings and words typed into a name field:
  "Billboard" ranks 10,583rd in Ghana);
* it is no English word: not a stop word and not a word of the model's lemmatizer index
  (WordNet's nouns, verbs, adjectives and adverbs), so that "Apple", "Chase", "Jordan",
  "Victoria", "Paris", "Said" or "Current" never make a span a person by themselves.
  Those names stay for the model to decide; they are kept apart (``also_words``) only as
  parts of a compound name ("Seung-woo": *woo* is an English verb).
"""
from __future__ import annotations

import re
import sys
import unicodedata
from functools import lru_cache
from pathlib import Path

from transforms.nlp import stored_tables

DATA_FILE = Path(__file__).with_name("given_names.json.gz")

# A first name counts when it is among this many most frequent ones of some country.
MAX_RANK = 3000

_ONE_WORD = re.compile(r"[^\W\d_]{2,}")


def _latin(word: str) -> bool:
    return all(unicodedata.name(char, "").startswith("LATIN") for char in word)


def english_words(nlp=None) -> frozenset[str]:
    """Lower-case English words known to the pinned model: its stop words and its
    lemmatizer's index (WordNet lemmas of the open word classes)."""
    if nlp is None:
        from transforms.nlp.model import load_model

        nlp = load_model()
    words = set(nlp.Defaults.stop_words)
    for table in nlp.get_pipe("lemmatizer").lookups.get_table("lemma_index").values():
        words.update(table)
    return frozenset(word.casefold() for word in words)


def build(first_names=None, english=None) -> dict:
    """The table from names-dataset's first names (or ``first_names``: name -> its dataset
    entry with per-country ``rank``), without the words of ``english``."""
    if first_names is None:
        from names_dataset import NameDataset

        first_names = NameDataset(load_first_names=True, load_last_names=False).first_names
    if english is None:
        english = english_words()
    kept, also_words = set(), set()
    for name, entry in first_names.items():
        ranks = [rank for rank in (entry.get("rank") or {}).values() if rank is not None]
        if not ranks or min(ranks) > MAX_RANK or not _ONE_WORD.fullmatch(name) or not _latin(name):
            continue
        key = name.casefold()
        (also_words if key in english else kept).add(key)
    return {"max_rank": MAX_RANK, "given_names": sorted(kept), "also_words": sorted(also_words)}


encode = stored_tables.encode


class GivenNames:
    """The stored table: ``names`` (given names that are no English word) and ``also_words``
    (given names that are English words too), case-folded."""

    def __init__(self, table: dict):
        self.names = frozenset(table["given_names"])
        self.also_words = frozenset(table["also_words"])

    def is_given_name(self, word: str) -> bool:
        """``word`` is a known given name that is no English word (``Sjoerd``), or a compound
        name: written without its hyphen, one (``Hye-jin`` as ``Hyejin``), or all its parts
        given names, one of them no English word (``Anne-Marie``, ``Seung-woo``)."""
        key = word.casefold()
        if key in self.names:
            return True
        parts = [part for part in _HYPHENS.split(key) if part]
        if len(parts) < 2:
            return False
        if "".join(parts) in self.names:
            return True
        return all(part in self.names or part in self.also_words for part in parts) \
            and any(part in self.names for part in parts)


    def is_given_names(self, words) -> bool:
        """Every word (case-folded) a given name, one at least no English word: a compound given
        name written as two words ("José Manuel", "Anne Marie")."""
        return all(self.is_given_name(word) or word.casefold() in self.also_words for word in words) \
            and any(self.is_given_name(word) for word in words)


_HYPHENS = re.compile(r"[-‐‑]")


def load(path: Path = DATA_FILE) -> GivenNames:
    """The stored table (raises FileNotFoundError when the package was installed without it)."""
    return GivenNames(stored_tables.read(path))


@lru_cache(maxsize=1)
def stored() -> GivenNames:
    """The table beside this module, read once per process (~0.1 s)."""
    return load()


def is_given_name(word: str) -> bool:
    """:meth:`GivenNames.is_given_name` on the stored table."""
    return stored().is_given_name(word)


def main(argv: list[str]) -> int:
    return stored_tables.generate(argv, DATA_FILE, build)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
