"""A gold set: hand-made labels of persons, places, organisations and quotations, per article.

Parsed from the JSON files of ``tests/gold`` (format and labelling rules in the README
there).  A malformed file raises ``GoldError``, a labelling mistake rather than an NLP failure.
"""
from __future__ import annotations

import dataclasses
import json
import re
from pathlib import Path
from typing import Iterable


class GoldError(ValueError):
    """The gold file is malformed (a labelling mistake, not an NLP failure)."""


# --------------------------------------------------------------------------- gold set


@dataclasses.dataclass(frozen=True)
class GoldPerson:
    name: str
    forms: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class GoldPlace:
    name: str
    country_code: str | None
    geo_type: str | None
    forms: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class GoldOrganisation:
    name: str
    forms: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class GoldQuote:
    starts_with: str
    ends_with: str
    speaker: str | None
    paragraphs_joined: bool = False
    also_accept: tuple[str | None, ...] = ()


@dataclasses.dataclass(frozen=True)
class GoldArticle:
    path: str
    sha256: str | None               # None only for a text stored in the gold file
    persons: tuple[GoldPerson, ...]
    places: tuple[GoldPlace, ...]
    quotes: tuple[GoldQuote, ...]
    organisations: tuple[GoldOrganisation, ...] | None = None   # None: not labelled in this set
    text: str | None = None          # an article written for the gold set, stored in it
    title: str | None = None
    # Where its corpus text comes from, when not from its set's: articles of files that read
    # their texts from different places, scored as one set (``load_golds``).
    corpus_subdir: str | None = None
    texts: str | None = None


@dataclasses.dataclass(frozen=True)
class GoldSet:
    corpus_subdir: str
    articles: tuple[GoldArticle, ...]
    texts: str = "files"             # where corpus texts come from: one of gold_texts.TEXT_SOURCES


def _require(mapping: dict, key: str, kind, where: str):
    if key not in mapping:
        raise GoldError(f"{where}: missing {key!r}")
    value = mapping[key]
    if not isinstance(value, kind):
        raise GoldError(f"{where}: {key!r} must be {getattr(kind, '__name__', kind)}, got {value!r}")
    return value


def _optional_str(mapping: dict, key: str, where: str) -> str | None:
    value = mapping.get(key)
    if value is not None and not isinstance(value, str):
        raise GoldError(f"{where}: {key!r} must be a string or null, got {value!r}")
    return value


def _forms(item: dict, name: str, where: str) -> tuple[str, ...]:
    forms = item.get("forms") or [name]
    if not isinstance(forms, list) or not all(isinstance(f, str) and f.strip() for f in forms):
        raise GoldError(f"{where}: 'forms' must be a list of non-empty strings")
    return tuple(dict.fromkeys([name, *forms]))


def parse_gold(data: dict) -> GoldSet:
    """Validate the decoded gold JSON and turn it into frozen dataclasses."""
    from bench.gold_texts import TEXT_SOURCES

    if not isinstance(data, dict):
        raise GoldError("gold file must hold a JSON object")
    texts = data.get("texts", "files")
    if texts not in TEXT_SOURCES:
        raise GoldError(f"'texts' must be one of {sorted(TEXT_SOURCES)}, got {texts!r}")
    articles = []
    seen_paths = set()
    for i, raw in enumerate(_require(data, "articles", list, "gold")):
        where = f"articles[{i}]"
        path = _require(raw, "path", str, where)
        where = f"{where} ({path})"
        if path in seen_paths:
            raise GoldError(f"{where}: listed twice")
        seen_paths.add(path)
        text = _optional_str(raw, "text", where)
        if text is not None and not text.strip():
            raise GoldError(f"{where}: 'text' must not be blank")
        # A stored text needs no digest: it cannot change behind the labels' back.
        sha = _require(raw, "sha256", str, where) if text is None or "sha256" in raw else None
        if sha is not None and not re.fullmatch(r"[0-9a-f]{64}", sha):
            raise GoldError(f"{where}: 'sha256' must be 64 lowercase hex digits")
        persons = []
        for j, item in enumerate(_require(raw, "persons", list, where)):
            name = _require(item, "name", str, f"{where} persons[{j}]")
            persons.append(GoldPerson(name, _forms(item, name, f"{where} persons[{j}]")))
        places = []
        for j, item in enumerate(_require(raw, "places", list, where)):
            at = f"{where} places[{j}]"
            name = _require(item, "name", str, at)
            code = _optional_str(item, "country_code", at)
            if code is not None and not re.fullmatch(r"[A-Z]{2}", code):
                raise GoldError(f"{at}: 'country_code' must be ISO 3166-1 alpha-2, got {code!r}")
            places.append(GoldPlace(name, code, _optional_str(item, "geo_type", at), _forms(item, name, at)))
        organisations = None
        if "organisations" in raw:
            organisations = []
            for j, item in enumerate(_require(raw, "organisations", list, where)):
                at = f"{where} organisations[{j}]"
                name = _require(item, "name", str, at)
                organisations.append(GoldOrganisation(name, _forms(item, name, at)))
            organisations = tuple(organisations)
        quotes = []
        for j, item in enumerate(_require(raw, "quotes", list, where)):
            at = f"{where} quotes[{j}]"
            starts = _require(item, "starts_with", str, at)
            ends = _require(item, "ends_with", str, at)
            if not starts.strip() or not ends.strip():
                raise GoldError(f"{at}: 'starts_with' and 'ends_with' must not be blank")
            also = item.get("also_accept", [])
            if not isinstance(also, list) or not all(a is None or isinstance(a, str) for a in also):
                raise GoldError(f"{at}: 'also_accept' must be a list of names or nulls")
            quotes.append(GoldQuote(starts, ends, _optional_str(item, "speaker", at),
                                    bool(item.get("paragraphs_joined", False)), tuple(also)))
        articles.append(GoldArticle(path, sha, tuple(persons), tuple(places), tuple(quotes),
                                    organisations, text, _optional_str(raw, "title", where)))
    subdir = data.get("corpus_subdir", "")
    if not isinstance(subdir, str):
        raise GoldError("'corpus_subdir' must be a string")
    return GoldSet(subdir, tuple(articles), texts)


def load_gold(path: Path | str) -> GoldSet:
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as error:
        raise GoldError(f"cannot read gold file {path}: {error}") from error
    return parse_gold(data)


def load_golds(paths: Iterable[Path | str]) -> GoldSet:
    """Several gold files scored as one set (e.g. a held-out set labelled in two parts).

    The files may take their texts from different places (HTML pages' ground truth, feed
    items): each article carries its own file's ``corpus_subdir`` and ``texts``.  An
    article named twice is refused, since it would count twice.
    """
    paths = list(paths)
    sets = [load_gold(path) for path in paths]
    if not sets:
        raise GoldError("no gold file given")
    first = sets[0]
    articles = tuple(dataclasses.replace(a, corpus_subdir=gold.corpus_subdir, texts=gold.texts)
                     for gold in sets for a in gold.articles)
    repeated = sorted({a.path for a in articles if sum(b.path == a.path for b in articles) > 1})
    if repeated:
        raise GoldError(f"articles named in more than one gold file: {', '.join(repeated)}")
    return GoldSet(first.corpus_subdir, articles, first.texts)
