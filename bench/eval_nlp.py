"""Score the project's NLP against hand-made gold labels for real news articles.

The gold set (``tests/gold/bbc_gold.json``, rules in ``tests/gold/README.md``) names
articles of the BBC News dataset by path and sha256; the text itself stays outside the
repository, in the shared corpus (``../shared/corpus`` or ``$NEWS_INGEST_CORPUS``).  Each
article is read with the pipeline's own reader (so the body is what the pipeline sees),
analysed with ``transforms.nlp.analyze.analyze_text``, and scored:

* quote recall: gold quotations found, a found quotation being a predicted quote that
  starts where the gold quotation starts (its offsets, or failing that its text);
* speaker accuracy: found quotations whose predicted speaker equals the gold speaker
  (strict), and a lenient figure that also accepts the label's ``also_accept`` names and
  any surface form of the gold speaker;
* person recall: gold persons whose canonical name is a predicted PERSON entity's name
  (case-insensitive), and separately those matched by any surface form;
* place recall: gold places found among GPE/LOC entities by name or form, with the rate
  at which the matched entity carries the gold ISO country code;
* split persons: a gold person whose forms map to two or more predicted PERSON names;
* organisation recall: gold organisations found among ORG entities by name or form;
* quote precision: found quotations over all predicted non-scare quotes.

A gold set takes its texts from one of three places (``bench/gold_texts.py``): BBC-style
article files under the corpus, the ground-truth article bodies of the HTML benchmark
pages (``html/ground-truth.json``), or texts written for the set and stored in it.

Scoring is pure (``score_article`` and the functions it uses) so the tests can feed it
hand-made predictions.  Run ``python -m bench.eval_nlp --help`` for the command line.
"""
from __future__ import annotations

import argparse
import dataclasses
import json
import os
import re
import sys
import time
from pathlib import Path
from typing import Callable, Iterable

from bench import gold_texts
from transforms.records import RejectError

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_GOLD = REPO_ROOT / "tests" / "gold" / "bbc_gold.json"
# Labelled by reading only and never used for tuning (README there): the honest figure.
HELDOUT_GOLD = REPO_ROOT / "tests" / "gold" / "bbc_heldout.json"
# Modern (2019) web news and articles written for the set; the held-out one is looked at once.
# A held-out set that has been looked at is retired into development (tests/gold/README.md):
# modern_dev2 was the first modern held-out set (first look 2026-12-03).
MODERN_DEV_GOLDS = tuple(REPO_ROOT / "tests" / "gold" / f"modern_{name}.json" for name in ("dev", "dev2", "dev3"))
MODERN_DEV_GOLD = MODERN_DEV_GOLDS[0]
MODERN_HELDOUT_GOLDS = tuple(REPO_ROOT / "tests" / "gold" / f"modern_{name}.json"
                             for name in ("heldout2a", "heldout2b"))
CORPUS_ENV = "NEWS_INGEST_CORPUS"
DEFAULT_CORPUS = REPO_ROOT.parent / "shared" / "corpus"

# Opening and closing double quotation marks a quote may start or end with.
QUOTE_MARKS = "\"\u201c\u201d\u201e\u201f\u00ab\u00bb"
# A predicted quote's start_char covers its opening mark, so it sits one character before
# the gold ``starts_with``; allow one more for a stray space inside the mark.
START_TOLERANCE = 2
# Likewise the predicted end covers the closing mark (none for a quote never closed).
END_TOLERANCE = 2

# Shorter quotations are scare quotes, which the gold set does not label (README).
MIN_QUOTE_WORDS = 5

PERSON_LABELS = frozenset({"PERSON"})
PLACE_LABELS = frozenset({"GPE", "LOC"})
ORG_LABELS = frozenset({"ORG"})

# Titles and honorifics that precede a name ("Ms Hewitt", "Lord Butler", "President
# Putin"); dropped before comparing names, since the gold canonical name has none.
HONORIFICS = frozenset("""
    mr mrs ms miss mx dr sir dame lord lady baroness baron prof professor president
    rev reverend fr father king queen prince princess pope sen senator rep gov governor
    mayor judge justice gen general col colonel capt captain sgt
""".split())
# Post-nominals seen after British names ("Guy Mansfield QC").
POSTNOMINALS = frozenset({"qc", "kc", "mp", "mep", "jr", "sr"})

# Exit statuses of the command line.
EXIT_OK = 0
EXIT_BELOW_THRESHOLD = 1
EXIT_BAD_INPUT = 2


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

    The files must take their texts from the same place; an article named twice is refused,
    since it would count twice.
    """
    paths = list(paths)
    sets = [load_gold(path) for path in paths]
    if not sets:
        raise GoldError("no gold file given")
    first = sets[0]
    for path, gold in zip(paths, sets):
        if (gold.corpus_subdir, gold.texts) != (first.corpus_subdir, first.texts):
            raise GoldError(f"{path}: texts from {gold.corpus_subdir!r}/{gold.texts!r}, "
                            f"not {first.corpus_subdir!r}/{first.texts!r} like the first file")
    articles = tuple(a for gold in sets for a in gold.articles)
    repeated = sorted({a.path for a in articles if sum(b.path == a.path for b in articles) > 1})
    if repeated:
        raise GoldError(f"articles named in more than one gold file: {', '.join(repeated)}")
    return GoldSet(first.corpus_subdir, articles, first.texts)


# --------------------------------------------------------------------------- name keys


def _fold(text: str) -> str:
    """Case- and typography-insensitive form of a string (curly apostrophes, spacing)."""
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u00a0", " ")
    return " ".join(text.casefold().split())


def same_name(a: str | None, b: str | None) -> bool:
    """Exact comparison of canonical names, ignoring case and spacing; None only equals None."""
    if a is None or b is None:
        return a is None and b is None
    return _fold(a) == _fold(b)


def person_key(text: str) -> str:
    """A person's name with titles, possessive and post-nominals removed: 'Ms Hewitt's' -> 'hewitt'."""
    words = _fold(text).replace(".", " ").split()
    if words and words[-1].endswith("'s"):
        words[-1] = words[-1][:-2]
    elif words and words[-1].endswith("'"):
        words[-1] = words[-1][:-1]
    while len(words) > 1 and words[0] in HONORIFICS:
        words = words[1:]
    while len(words) > 1 and words[-1] in POSTNOMINALS:
        words = words[:-1]
    return " ".join(w.strip(",") for w in words if w.strip(","))


def place_key(text: str) -> str:
    """A place name without a leading article, possessive or dots: 'the U.S.' -> 'us'."""
    folded = _fold(text).replace(".", "")
    if folded.startswith("the "):
        folded = folded[4:]
    if folded.endswith("'s"):
        folded = folded[:-2]
    elif folded.endswith("'"):
        folded = folded[:-1]
    return folded.strip()


# Organisation names compare like place names: "the Associated Press's" -> "associated press".
organisation_key = place_key


def _entity_keys(entity: dict, key: Callable[[str], str]) -> set[str]:
    names = [entity.get("name") or "", *(entity.get("forms") or [])]
    return {k for k in (key(n) for n in names if n) if k}


# --------------------------------------------------------------------------- quotes


@dataclasses.dataclass
class QuoteOutcome:
    """What became of one gold quotation."""

    gold: GoldQuote
    span: tuple[int, int] | None          # (first char after the opening mark, end of ends_with) in body
    predicted: dict | None = None          # the matched predicted quote
    speaker_ok: bool | None = None         # strict; None when not found
    speaker_ok_lenient: bool | None = None
    whole: bool | None = None              # predicted quote ends where the gold one does

    @property
    def found(self) -> bool:
        return self.predicted is not None


def _words_pattern(text: str) -> re.Pattern:
    """Regex matching ``text`` with any run of whitespace where it has whitespace."""
    return re.compile(r"\s+".join(re.escape(word) for word in text.split()))


def _after_mark(body: str, index: int) -> bool:
    return index > 0 and body[index - 1] in QUOTE_MARKS


def _before_mark_or_break(body: str, index: int) -> bool:
    return index >= len(body) or body[index] in QUOTE_MARKS or body[index] == "\n"


def locate_quote(body: str, quote: GoldQuote) -> tuple[int, int] | None:
    """Where a gold quotation lies in ``body``: (start of its text, end of its text).

    When its first words occur more than once, the occurrence right after an opening mark
    wins (the README's rule); the end is the first ``ends_with`` after the start that is
    followed by a mark or a paragraph break, else the first one at all.
    """
    starts = list(_words_pattern(quote.starts_with).finditer(body))
    if not starts:
        return None
    start = next((m.start() for m in starts if _after_mark(body, m.start())), starts[0].start())
    ends = [m for m in _words_pattern(quote.ends_with).finditer(body) if m.end() > start]
    if not ends:
        return None
    end = next((m.end() for m in ends if _before_mark_or_break(body, m.end())), ends[0].end())
    return start, end


def _text_starts_with(predicted_text: str, starts_with: str) -> bool:
    text = _fold(predicted_text).lstrip(QUOTE_MARKS + " ")
    return text.startswith(_fold(starts_with))


def _predicted_start_distance(predicted: dict, gold_start: int) -> int | None:
    start = predicted.get("start_char")
    end = predicted.get("end_char")
    if not isinstance(start, int) or not isinstance(end, int):
        return None
    distance = gold_start - start
    if 0 <= distance <= START_TOLERANCE and end > gold_start:
        return distance
    return None


def _speaker_ok_lenient(predicted_speaker: str | None, gold: GoldQuote,
                        persons: Iterable[GoldPerson]) -> bool:
    if same_name(predicted_speaker, gold.speaker):
        return True
    if any(same_name(predicted_speaker, other) for other in gold.also_accept):
        return True
    if predicted_speaker is None or gold.speaker is None:
        return False
    for person in persons:
        if same_name(person.name, gold.speaker):
            return person_key(predicted_speaker) in {person_key(f) for f in person.forms}
    return False


def match_quotes(body: str, gold_quotes: Iterable[GoldQuote], predicted: list[dict],
                 persons: Iterable[GoldPerson] = ()) -> tuple[list[QuoteOutcome], list[dict]]:
    """Pair gold quotations with predicted quotes; return the outcomes and the unmatched predictions.

    A prediction matches a gold quotation when its offsets start at the gold start (give or
    take the opening mark), or, failing offsets, when its text starts with the gold
    ``starts_with``.  Each prediction is used once; the closest start wins.
    """
    persons = tuple(persons)
    used: set[int] = set()
    outcomes = []
    for gold in gold_quotes:
        span = locate_quote(body, gold)
        outcome = QuoteOutcome(gold, span)
        outcomes.append(outcome)
        candidates = []
        for i, quote in enumerate(predicted):
            if i in used:
                continue
            distance = _predicted_start_distance(quote, span[0]) if span else None
            if distance is not None:
                candidates.append((distance, i))
            elif _text_starts_with(quote.get("text") or "", gold.starts_with):
                candidates.append((START_TOLERANCE + 1, i))
        if not candidates:
            continue
        _, best = min(candidates)
        used.add(best)
        quote = predicted[best]
        outcome.predicted = quote
        outcome.speaker_ok = same_name(quote.get("speaker"), gold.speaker)
        outcome.speaker_ok_lenient = _speaker_ok_lenient(quote.get("speaker"), gold, persons)
        end = quote.get("end_char")
        outcome.whole = bool(span and isinstance(end, int) and 0 <= end - span[1] <= END_TOLERANCE)
    unmatched = [quote for i, quote in enumerate(predicted) if i not in used]
    return outcomes, unmatched


# --------------------------------------------------------------------------- persons and places


@dataclasses.dataclass
class PersonOutcome:
    gold: GoldPerson
    canonical_found: bool            # a PERSON entity is named exactly the gold canonical name
    form_found: bool                 # a PERSON entity's name or forms match a gold form
    predicted_names: list[str]       # distinct PERSON names mapped to this person (2+ = split)
    other_labels: list[str]          # labels of non-PERSON entities that match a gold form

    @property
    def split(self) -> bool:
        return len(self.predicted_names) > 1


@dataclasses.dataclass
class PlaceOutcome:
    gold: GoldPlace
    found: bool                      # a GPE/LOC entity's name or forms match the gold name or forms
    canonical_found: bool            # a GPE/LOC entity is named exactly the gold name
    code_ok: bool | None             # the matched entity carries the gold country code (None: not found)
    geo_type_ok: bool | None
    predicted: list[dict]
    other_labels: list[str]


def _ambiguous_keys(key_sets: list[set[str]]) -> set[str]:
    """Keys shared by two or more gold items ('brown' for Gordon and Nick Brown)."""
    seen, shared = set(), set()
    for keys in key_sets:
        shared |= seen & keys
        seen |= keys
    return shared


def score_persons(gold_persons: Iterable[GoldPerson], entities: list[dict]) -> tuple[list[PersonOutcome], list[str]]:
    """Person outcomes, plus the predicted PERSON names that map to two or more gold persons (merges)."""
    gold_persons = tuple(gold_persons)
    gold_keys = [{person_key(f) for f in p.forms} for p in gold_persons]
    ambiguous = _ambiguous_keys(gold_keys)
    people = [e for e in entities if e.get("label") in PERSON_LABELS]
    others = [e for e in entities if e.get("label") not in PERSON_LABELS]
    predicted_keys = [_entity_keys(e, person_key) for e in people]
    outcomes = []
    owners: dict[str, set[str]] = {}
    for person, keys in zip(gold_persons, gold_keys):
        usable = (keys - ambiguous) | {person_key(person.name)}
        names = [e["name"] for e, pk in zip(people, predicted_keys) if pk & usable]
        for name in names:
            owners.setdefault(name, set()).add(person.name)
        outcomes.append(PersonOutcome(
            gold=person,
            canonical_found=any(same_name(e.get("name"), person.name) for e in people),
            form_found=bool(names),
            predicted_names=list(dict.fromkeys(names)),
            other_labels=sorted({e.get("label") or "?" for e in others if _entity_keys(e, person_key) & usable}),
        ))
    merged = sorted(name for name, owned in owners.items() if len(owned) > 1)
    return outcomes, merged


def score_places(gold_places: Iterable[GoldPlace], entities: list[dict]) -> list[PlaceOutcome]:
    places = [e for e in entities if e.get("label") in PLACE_LABELS]
    others = [e for e in entities if e.get("label") not in PLACE_LABELS]
    outcomes = []
    for place in gold_places:
        keys = {place_key(f) for f in place.forms}
        matched = [e for e in places if _entity_keys(e, place_key) & keys]
        outcomes.append(PlaceOutcome(
            gold=place,
            found=bool(matched),
            canonical_found=any(same_name(e.get("name"), place.name) for e in places),
            code_ok=any(e.get("country_code") == place.country_code for e in matched) if matched else None,
            geo_type_ok=any(e.get("geo_type") == place.geo_type for e in matched) if matched else None,
            predicted=matched,
            other_labels=sorted({e.get("label") or "?" for e in others if _entity_keys(e, place_key) & keys}),
        ))
    return outcomes


@dataclasses.dataclass
class OrganisationOutcome:
    gold: GoldOrganisation
    found: bool                      # an ORG entity's name or forms match a gold form
    predicted: list[str]             # names of the matching ORG entities
    other_labels: list[str]          # labels of non-ORG entities that match a gold form


def score_organisations(gold_organisations: Iterable[GoldOrganisation],
                        entities: list[dict]) -> list[OrganisationOutcome]:
    organisations = [e for e in entities if e.get("label") in ORG_LABELS]
    others = [e for e in entities if e.get("label") not in ORG_LABELS]
    outcomes = []
    for organisation in gold_organisations:
        keys = {organisation_key(f) for f in organisation.forms}
        matched = [e for e in organisations if _entity_keys(e, organisation_key) & keys]
        outcomes.append(OrganisationOutcome(
            gold=organisation,
            found=bool(matched),
            predicted=list(dict.fromkeys(e.get("name") for e in matched)),
            other_labels=sorted({e.get("label") or "?" for e in others
                                 if _entity_keys(e, organisation_key) & keys}),
        ))
    return outcomes


# --------------------------------------------------------------------------- one article, all articles


@dataclasses.dataclass
class ArticleScore:
    path: str
    quotes: list[QuoteOutcome]
    unmatched_quotes: list[dict]     # predicted non-scare quotes that match no gold quotation
    persons: list[PersonOutcome]
    merged_persons: list[str]
    places: list[PlaceOutcome]
    organisations: list[OrganisationOutcome] = dataclasses.field(default_factory=list)
    error: str | None = None         # the pipeline could not read or analyse the article

    @property
    def split_persons(self) -> list[PersonOutcome]:
        return [p for p in self.persons if p.split]


def score_article(article: GoldArticle, body: str, result: dict) -> ArticleScore:
    """Score one article's NLP ``result`` (the dict of ``analyze_text``) against its gold labels."""
    entities = list(result.get("entities") or [])
    outcomes, unmatched = match_quotes(body, article.quotes, list(result.get("quotes") or []), article.persons)
    persons, merged = score_persons(article.persons, entities)
    return ArticleScore(
        path=article.path,
        quotes=outcomes,
        unmatched_quotes=[q for q in unmatched if not q.get("is_scare")],
        persons=persons,
        merged_persons=merged,
        places=score_places(article.places, entities),
        organisations=score_organisations(article.organisations or (), entities),
    )


def failed_article(article: GoldArticle, error: str) -> ArticleScore:
    """An article the pipeline could not process: every gold item counts as missed."""
    return ArticleScore(
        path=article.path,
        quotes=[QuoteOutcome(q, None) for q in article.quotes],
        unmatched_quotes=[],
        persons=[PersonOutcome(p, False, False, [], []) for p in article.persons],
        merged_persons=[],
        places=[PlaceOutcome(p, False, False, None, None, [], []) for p in article.places],
        organisations=[OrganisationOutcome(o, False, [], []) for o in article.organisations or ()],
        error=error,
    )


def _ratio(numerator: int, denominator: int) -> float | None:
    return numerator / denominator if denominator else None


def article_counts(score: ArticleScore) -> dict:
    """The raw counts behind every figure, for one article (summed for the overall figures)."""
    found = [q for q in score.quotes if q.found]
    joined = [q for q in found if q.gold.paragraphs_joined]
    matched_places = [p for p in score.places if p.found]
    return {
        "gold_quotes": len(score.quotes),
        "quotes_found": len(found),
        "quotes_unlocated": sum(1 for q in score.quotes if q.span is None and score.error is None),
        "speaker_correct": sum(1 for q in found if q.speaker_ok),
        "speaker_correct_lenient": sum(1 for q in found if q.speaker_ok_lenient),
        "quotes_whole": sum(1 for q in found if q.whole),
        "joined_found": len(joined),
        "joined_whole": sum(1 for q in joined if q.whole),
        "extra_quotes": len(score.unmatched_quotes),
        "gold_persons": len(score.persons),
        "persons_canonical": sum(1 for p in score.persons if p.canonical_found),
        "persons_any_form": sum(1 for p in score.persons if p.form_found),
        "split_persons": len(score.split_persons),
        "merged_persons": len(score.merged_persons),
        "gold_places": len(score.places),
        "places_found": len(matched_places),
        "places_canonical": sum(1 for p in score.places if p.canonical_found),
        "country_code_agree": sum(1 for p in matched_places if p.code_ok),
        "geo_type_agree": sum(1 for p in matched_places if p.geo_type_ok),
        "gold_organisations": len(score.organisations),
        "organisations_found": sum(1 for o in score.organisations if o.found),
    }


def rates(counts: dict) -> dict:
    """The headline figures from summed counts (None where the denominator is zero)."""
    return {
        "quote_recall": _ratio(counts["quotes_found"], counts["gold_quotes"]),
        "speaker_accuracy": _ratio(counts["speaker_correct"], counts["quotes_found"]),
        "speaker_accuracy_lenient": _ratio(counts["speaker_correct_lenient"], counts["quotes_found"]),
        "quote_span_exact": _ratio(counts["quotes_whole"], counts["quotes_found"]),
        "joined_quotes_whole": _ratio(counts["joined_whole"], counts["joined_found"]),
        "quote_precision": _ratio(counts["quotes_found"], counts["quotes_found"] + counts["extra_quotes"]),
        "person_recall": _ratio(counts["persons_canonical"], counts["gold_persons"]),
        "person_recall_any_form": _ratio(counts["persons_any_form"], counts["gold_persons"]),
        "place_recall": _ratio(counts["places_found"], counts["gold_places"]),
        "place_recall_canonical": _ratio(counts["places_canonical"], counts["gold_places"]),
        "country_code_agreement": _ratio(counts["country_code_agree"], counts["places_found"]),
        "geo_type_agreement": _ratio(counts["geo_type_agree"], counts["places_found"]),
        "organisation_recall": _ratio(counts.get("organisations_found", 0), counts.get("gold_organisations", 0)),
    }


def summarize(scores: list[ArticleScore]) -> dict:
    """Micro-averaged figures over all articles (each gold item weighs the same)."""
    totals: dict[str, int] = {}
    for score in scores:
        for key, value in article_counts(score).items():
            totals[key] = totals.get(key, 0) + value
    summary = dict(rates(totals)) if scores else {}
    summary["articles"] = len(scores)
    summary["articles_with_split_person"] = sum(1 for s in scores if s.split_persons)
    summary["articles_failed"] = sum(1 for s in scores if s.error)
    summary["counts"] = totals
    return summary


# --------------------------------------------------------------------------- thresholds


@dataclasses.dataclass(frozen=True)
class Thresholds:
    min_quote_recall: float | None = None
    min_speaker_accuracy: float | None = None
    min_person_recall: float | None = None
    min_place_recall: float | None = None
    max_split_persons: int | None = None
    min_quote_precision: float | None = None
    min_organisation_recall: float | None = None

    # (attribute, summary key, True for a maximum)
    CHECKS = (
        ("min_quote_recall", "quote_recall", False),
        ("min_speaker_accuracy", "speaker_accuracy", False),
        ("min_person_recall", "person_recall", False),
        ("min_place_recall", "place_recall", False),
        ("max_split_persons", "articles_with_split_person", True),
        ("min_quote_precision", "quote_precision", False),
        ("min_organisation_recall", "organisation_recall", False),
    )


def check_thresholds(summary: dict, thresholds: Thresholds) -> list[str]:
    """One message per missed target; empty when every set threshold is met."""
    failures = []
    for attribute, key, is_max in Thresholds.CHECKS:
        limit = getattr(thresholds, attribute)
        if limit is None:
            continue
        value = summary.get(key)
        if value is None:
            failures.append(f"{key} could not be measured (nothing to count)")
        elif is_max and value > limit:
            failures.append(f"{key} = {value} > {limit}")
        elif not is_max and value < limit:
            failures.append(f"{key} = {value:.3f} < {limit}")
    return failures


# --------------------------------------------------------------------------- reading and running


@dataclasses.dataclass
class Evaluation:
    gold_path: str
    corpus_dir: str
    model: str | None
    scores: list[ArticleScore]
    skipped: list[tuple[str, str]]   # (path, reason) of gold articles not evaluated
    seconds: float

    @property
    def summary(self) -> dict:
        return summarize(self.scores)


def corpus_dir_from(explicit: str | None = None) -> Path:
    """The corpus directory: --corpus, else $NEWS_INGEST_CORPUS, else ../shared/corpus."""
    return Path(explicit or os.environ.get(CORPUS_ENV) or DEFAULT_CORPUS)


# Kept here for callers of this module; the reading itself lives in bench/gold_texts.py.
sha256_hex = gold_texts.sha256_hex
read_with_pipeline_reader = gold_texts.read_with_pipeline_reader


Reader = Callable[[bytes, str], "tuple[str | None, str]"]
Analyzer = Callable[[str | None, str], dict]


def evaluate(gold: GoldSet, corpus_dir: Path, analyze: Analyzer, read: Reader = read_with_pipeline_reader,
             *, gold_path: str = "", model: str | None = None) -> Evaluation:
    """Read, analyse and score every gold article found unchanged in ``corpus_dir``.

    Missing or changed files are skipped (listed in ``skipped``); an article the reader
    rejects or the NLP fails on is scored as all-missed with its error, never dropped.
    """
    began = time.perf_counter()
    scores, skipped = [], []
    for article in gold.articles:
        try:
            title, body = gold_texts.article_text(gold, article, corpus_dir, read)
        except gold_texts.TextUnavailable as error:
            skipped.append((article.path, str(error)))
            continue
        except RejectError as error:
            scores.append(failed_article(article, f"reader rejected it: {error}"))
            continue
        try:
            result = analyze(title, body)
        except Exception as error:  # noqa: BLE001 - one failing article is a finding, not a crash
            scores.append(failed_article(article, f"NLP failed: {type(error).__name__}: {error}"))
            continue
        scores.append(score_article(article, body, result))
    return Evaluation(gold_path, str(corpus_dir), model, scores, skipped, time.perf_counter() - began)


def check_gold_locations(gold: GoldSet, corpus_dir: Path, read: Reader = read_with_pipeline_reader) -> list[str]:
    """Problems with the labels themselves: quotations not found in the body, or too short to label."""
    problems = []
    for article in gold.articles:
        try:
            _, body = gold_texts.article_text(gold, article, corpus_dir, read)
        except gold_texts.TextUnavailable as error:
            problems.append(f"{article.path}: {error}")
            continue
        for quote in article.quotes:
            span = locate_quote(body, quote)
            if span is None:
                problems.append(f"{article.path}: quote {quote.starts_with!r} ... {quote.ends_with!r} not found")
            elif len(body[span[0]:span[1]].split()) < MIN_QUOTE_WORDS:
                problems.append(f"{article.path}: quote {quote.starts_with!r} is under {MIN_QUOTE_WORDS} words")
    return problems


# --------------------------------------------------------------------------- reporting


def _pct(value: float | None) -> str:
    return "  -  " if value is None else f"{value * 100:5.1f}"


def _frac(numerator: int, denominator: int) -> str:
    return f"{numerator}/{denominator}"


def _short_path(path: str, width: int = 24) -> str:
    """A path that fits the table's first column (benchmark page ids are 64 hex digits)."""
    return path if len(path) <= width else path[: width - 3] + "..."


def format_table(evaluation: Evaluation) -> str:
    """A plain-text report: one row per article, the overall figures, and what was skipped."""
    header = (f"{'article':<24} {'quotes':>7} {'speaker':>7} {'persons':>7} {'any':>6} "
              f"{'places':>7} {'code':>6} {'orgs':>6} {'split':>5} {'extra':>5}")
    lines = [header, "-" * len(header)]
    for score in evaluation.scores:
        c = article_counts(score)
        lines.append(
            f"{_short_path(score.path):<24} {_frac(c['quotes_found'], c['gold_quotes']):>7} "
            f"{_frac(c['speaker_correct'], c['quotes_found']):>7} "
            f"{_frac(c['persons_canonical'], c['gold_persons']):>7} "
            f"{_frac(c['persons_any_form'], c['gold_persons']):>6} "
            f"{_frac(c['places_found'], c['gold_places']):>7} "
            f"{_frac(c['country_code_agree'], c['places_found']):>6} "
            f"{_frac(c['organisations_found'], c['gold_organisations']):>6} "
            f"{c['split_persons']:>5} {c['extra_quotes']:>5}"
            + (f"  ERROR {score.error}" if score.error else ""))
    summary = evaluation.summary
    lines.append("-" * len(header))
    figures = [
        ("quote recall", "quote_recall"), ("speaker accuracy", "speaker_accuracy"),
        ("speaker accuracy (lenient)", "speaker_accuracy_lenient"),
        ("quote span exact", "quote_span_exact"), ("joined quotes kept whole", "joined_quotes_whole"),
        ("quote precision (non-scare)", "quote_precision"),
        ("person recall (canonical)", "person_recall"), ("person recall (any form)", "person_recall_any_form"),
        ("place recall", "place_recall"), ("place recall (canonical)", "place_recall_canonical"),
        ("country code agreement", "country_code_agreement"), ("geo type agreement", "geo_type_agreement"),
        ("organisation recall", "organisation_recall"),
    ]
    for label, key in figures:
        lines.append(f"{label:<30} {_pct(summary.get(key))} %")
    counts = summary["counts"]
    lines.append(f"{'articles with a split person':<30} {summary['articles_with_split_person']}"
                 f" (persons split: {counts.get('split_persons', 0)}, merged: {counts.get('merged_persons', 0)})")
    lines.append(f"{len(evaluation.scores)} articles scored in {evaluation.seconds:.1f} s"
                 + (f" with {evaluation.model}" if evaluation.model else ""))
    for path, reason in evaluation.skipped:
        lines.append(f"SKIPPED {path}: {reason}")
    return "\n".join(lines)


def format_details(evaluation: Evaluation) -> str:
    """Every miss, for someone improving the NLP: missed and mis-attributed quotes, persons, places."""
    lines = []
    for score in evaluation.scores:
        items = []
        for q in score.quotes:
            if not q.found:
                items.append(f"  missed quote ({q.gold.speaker}): {q.gold.starts_with!r}"
                             + ("" if q.span or score.error else "  [gold words not found in body]"))
            elif not q.speaker_ok:
                items.append(f"  speaker {q.predicted.get('speaker')!r} should be {q.gold.speaker!r}: "
                             f"{q.gold.starts_with!r}")
            elif not q.whole:
                items.append(f"  quote span ends at {q.predicted.get('end_char')}, gold ends at "
                             f"{q.span[1] if q.span else '?'}: {q.gold.starts_with!r}")
        for quote in score.unmatched_quotes:
            items.append(f"  extra quote ({quote.get('speaker')}): {(quote.get('text') or '')[:60]!r}")
        for p in score.persons:
            if p.split:
                items.append(f"  split person {p.gold.name}: {p.predicted_names}")
            if not p.form_found:
                seen = f" (labelled {p.other_labels})" if p.other_labels else ""
                items.append(f"  missed person {p.gold.name}{seen}")
            elif not p.canonical_found:
                items.append(f"  person {p.gold.name} found only as {p.predicted_names}")
        for name in score.merged_persons:
            items.append(f"  merged persons under {name!r}")
        for p in score.places:
            if not p.found:
                seen = f" (labelled {p.other_labels})" if p.other_labels else ""
                items.append(f"  missed place {p.gold.name}{seen}")
            elif not p.code_ok:
                codes = sorted({str(e.get('country_code')) for e in p.predicted})
                items.append(f"  place {p.gold.name}: country code {codes}, gold {p.gold.country_code}")
        for o in score.organisations:
            if not o.found:
                seen = f" (labelled {o.other_labels})" if o.other_labels else ""
                items.append(f"  missed organisation {o.gold.name}{seen}")
        if items:
            lines.append(score.path)
            lines.extend(items)
    return "\n".join(lines)


def _quote_json(outcome: QuoteOutcome) -> dict:
    return {"starts_with": outcome.gold.starts_with, "gold_speaker": outcome.gold.speaker,
            "found": outcome.found, "located": outcome.span is not None,
            "predicted_speaker": outcome.predicted.get("speaker") if outcome.predicted else None,
            "speaker_ok": outcome.speaker_ok, "speaker_ok_lenient": outcome.speaker_ok_lenient,
            "whole": outcome.whole}


def to_json(evaluation: Evaluation, failures: list[str]) -> dict:
    """Machine-readable report (figures, counts, and per-article outcomes)."""
    articles = []
    for score in evaluation.scores:
        articles.append({
            "path": score.path,
            "error": score.error,
            "figures": rates(article_counts(score)),
            "counts": article_counts(score),
            "quotes": [_quote_json(q) for q in score.quotes],
            "extra_quotes": [{"text": q.get("text"), "speaker": q.get("speaker")} for q in score.unmatched_quotes],
            "persons": [{"name": p.gold.name, "canonical_found": p.canonical_found, "form_found": p.form_found,
                         "predicted_names": p.predicted_names, "other_labels": p.other_labels}
                        for p in score.persons],
            "merged_persons": score.merged_persons,
            "places": [{"name": p.gold.name, "found": p.found, "canonical_found": p.canonical_found,
                        "country_code": p.gold.country_code, "code_ok": p.code_ok,
                        "predicted": [e.get("name") for e in p.predicted], "other_labels": p.other_labels}
                       for p in score.places],
            "organisations": [{"name": o.gold.name, "found": o.found, "predicted": o.predicted,
                               "other_labels": o.other_labels} for o in score.organisations],
        })
    return {"gold": evaluation.gold_path, "corpus": evaluation.corpus_dir, "model": evaluation.model,
            "seconds": round(evaluation.seconds, 2), "overall": evaluation.summary,
            "skipped": [{"path": p, "reason": r} for p, r in evaluation.skipped],
            "failures": failures, "articles": articles}


# --------------------------------------------------------------------------- command line


def build_arg_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bench.eval_nlp",
        description="Score the NLP (quotes, speakers, persons, places, organisations) against hand-made gold labels.")
    parser.add_argument("--gold", nargs="+", default=[str(DEFAULT_GOLD)],
                        help=f"gold labels; several files are scored as one set "
                             f"(default: %(default)s; the held-out set is {HELDOUT_GOLD})")
    parser.add_argument("--corpus", default=None,
                        help=f"corpus directory (default: ${CORPUS_ENV}, else {DEFAULT_CORPUS})")
    parser.add_argument("--model", default=None, help="spaCy model name (default: the project's default)")
    parser.add_argument("--json", action="store_true", help="print the JSON report instead of the table")
    parser.add_argument("--details", action="store_true", help="after the table, list every miss")
    parser.add_argument("--check-gold", action="store_true",
                        help="only check that every gold quotation is found in its article body (no model)")
    parser.add_argument("--min-quote-recall", type=float, default=None)
    parser.add_argument("--min-speaker-accuracy", type=float, default=None)
    parser.add_argument("--min-person-recall", type=float, default=None)
    parser.add_argument("--min-place-recall", type=float, default=None)
    parser.add_argument("--max-split-persons", type=int, default=None,
                        help="most articles allowed to have a person split into two canonical names")
    parser.add_argument("--min-quote-precision", type=float, default=None)
    parser.add_argument("--min-organisation-recall", type=float, default=None)
    return parser


def default_analyzer(model: str | None = None) -> tuple[Analyzer, str]:
    """The project's analyze_text bound to a loaded model, and the model's label."""
    from transforms.nlp.analyze import analyze_text
    from transforms.nlp.model import load_model, model_label

    nlp = load_model(model)
    return (lambda title, body: analyze_text(title, body, nlp=nlp)), model_label(nlp)


def main(argv: list[str] | None = None) -> int:
    args = build_arg_parser().parse_args(argv)
    try:
        gold = load_golds(args.gold)
    except GoldError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    corpus_dir = corpus_dir_from(args.corpus)
    if not (corpus_dir / gold.corpus_subdir).is_dir() and not gold_texts.has_stored_texts(gold):
        print(f"SKIPPED: corpus not found at {corpus_dir / gold.corpus_subdir} "
              f"(pass --corpus or set {CORPUS_ENV})", file=sys.stderr)
        return EXIT_OK
    if args.check_gold:
        problems = check_gold_locations(gold, corpus_dir)
        for problem in problems:
            print(problem)
        print(f"{len(gold.articles)} articles, {sum(len(a.quotes) for a in gold.articles)} quotations checked, "
              f"{len(problems)} problems")
        return EXIT_BAD_INPUT if problems else EXIT_OK

    analyzer, label = default_analyzer(args.model)
    evaluation = evaluate(gold, corpus_dir, analyzer, gold_path=" + ".join(args.gold), model=label)
    if not evaluation.scores:
        print("SKIPPED: no gold article could be evaluated:", file=sys.stderr)
        for path, reason in evaluation.skipped:
            print(f"  {path}: {reason}", file=sys.stderr)
        return EXIT_OK
    thresholds = Thresholds(args.min_quote_recall, args.min_speaker_accuracy, args.min_person_recall,
                            args.min_place_recall, args.max_split_persons, args.min_quote_precision,
                            args.min_organisation_recall)
    failures = check_thresholds(evaluation.summary, thresholds)
    if args.json:
        print(json.dumps(to_json(evaluation, failures), indent=2, ensure_ascii=False))
    else:
        print(format_table(evaluation))
        if args.details:
            print()
            print(format_details(evaluation))
        for failure in failures:
            print(f"BELOW TARGET: {failure}")
    return EXIT_BELOW_THRESHOLD if failures else EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
