"""Scoring one article's NLP output against its gold labels (pure: no model, no files).

Names are compared by keys that drop honorifics, post-nominals, possessives and typography;
quotations are matched by where they start in the body; every outcome keeps what was
predicted, so a report can say why something was missed.
"""
from __future__ import annotations

import dataclasses
import re
from typing import Callable, Iterable

from bench.gold_set import GoldArticle, GoldOrganisation, GoldPerson, GoldPlace, GoldQuote

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
