"""Date mentions of an article, resolved to a day, week, month, year or decade.

The spaCy part is thin: ``extract_dates`` walks the DATE entities of the body and adds
what only the parse knows (the tense of the clause a date is in, ``clause_is_future``).
:func:`resolve_date` is a pure function: GDELT-style resolution of a date expression
against the publication date (see its docstring for exactly what is resolved).
"""
from __future__ import annotations

import datetime as dt
import re

from transforms.nlp.amounts import parse_number
from transforms.nlp.doc_access import doc_text
from transforms.nlp.labels import DATE
from transforms.nlp.lexicon import (EXTRA_MONTH_ABBREVIATIONS, FIXED_HOLIDAYS, FUTURE_AUXILIARIES,
                                    MONTH_NAMES, WEEKDAY_NAMES)

DAY, WEEK, MONTH, YEAR, DECADE = "day", "week", "month", "year", "decade"

_MONTHS = {name: i for i, name in enumerate(MONTH_NAMES, start=1)}
_MONTHS.update({name[:3]: i for name, i in list(_MONTHS.items())})
_MONTHS.update(EXTRA_MONTH_ABBREVIATIONS)
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAYS = {name: i for i, name in enumerate(WEEKDAY_NAMES)}
_ORDINAL = r"(?:st|nd|rd|th)?"

_ISO_DATE = re.compile(r"\b(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})\b")
_DAY_MONTH = re.compile(rf"\b(?P<day>\d{{1,2}}){_ORDINAL}\s+(?:of\s+)?{_MONTH}(?:,?\s+(?P<year>\d{{4}}))?\b")
_MONTH_DAY = re.compile(rf"\b{_MONTH}\s+(?P<day>\d{{1,2}}){_ORDINAL}(?:,?\s+(?P<year>\d{{4}}))?\b")
_MONTH_YEAR = re.compile(rf"\b{_MONTH}\s+(?:of\s+)?(?P<year>\d{{4}})\b")
_MONTH_RELATIVE_YEAR = re.compile(rf"\b{_MONTH}\s+(?:of\s+)?(?P<which>last|next|this)\s+year\b")
_DECADE = re.compile(r"\b(?P<year>\d{3}0)'?s\b")
_YEAR = re.compile(r"(?<![\d,.])(?P<year>1\d{3}|20\d{2})(?![\d,])")
_MONTH_ONLY = re.compile(rf"\b(?:(?P<which>last|next|this)\s+)?{_MONTH}\b")
_WEEKDAY = re.compile(r"\b(?:(?P<which>last|next|this|on)\s+)?(?P<weekday>"
                      + "|".join(_WEEKDAYS) + r")\b")
_RELATIVE_DAY = re.compile(r"\b(?P<word>today|tonight|yesterday|tomorrow)\b")
_THIS_LAST_NEXT = re.compile(r"\b(?P<which>this|last|next|past|coming)\s+(?P<unit>week|month|year)\b")
_AGO = re.compile(r"\b(?P<count>[\w-]+(?:\s+[\w-]+)?)\s+(?P<unit>day|week|month|year|decade)s?\s+ago\b")
_FROM_NOW = re.compile(r"\b(?P<count>[\w-]+(?:\s+[\w-]+)?)\s+(?P<unit>day|week|month|year)s?'?\s+"
                       r"(?:time|from now)\b")


def resolve_date(text: str, published_at: dt.datetime | dt.date | None = None,
                 future: bool | None = None) -> dict:
    """``{"resolution", "year", "month", "day"}`` for a date expression.

    Resolved from the text alone: ISO dates, "23 December 2021", "December 23, 2021",
    "December 2021", "October last year" (needs ``published_at`` for the year), decades ("the 1990s": year 1990, resolution "decade"), years ("in
    1990", "2003-04": 2003).  Needing ``published_at`` (otherwise year/month/day stay
    None, or only the year is missing for "23 December" / "December"): a day and month
    or a month without a year (the nearest such date, or the next one when ``future`` is
    True, the last one when False), "today", "yesterday", "tomorrow", weekdays ("last
    Monday"; a bare "Monday" by tense, as above), "this/last/next week" (resolution
    "week": year/month/day is the Monday that starts it), "this/last/next month" and
    "year" ("the beginning of next year" is next year), "N days/weeks/months/years ago",
    "in N years' time", fixed holidays ("Christmas Day").  Durations and vague
    expressions ("six months", "recent years", "decades") stay unresolved.
    """
    text = " ".join(text.lower().replace("’", "'").split())
    published = published_at.date() if isinstance(published_at, dt.datetime) else published_at
    for resolver in (_absolute_day, _month_and_year, _decade, _relative, _year_only, _month_only,
                     _holiday):
        found = resolver(text, published, future)
        if found is not None:
            return found
    return _date(None)


def _date(resolution, year=None, month=None, day=None) -> dict:
    return {"resolution": resolution, "year": year, "month": month, "day": day}


def _valid_day(year, month, day) -> bool:
    try:
        dt.date(year or 2000, month, day)  # 2000 is a leap year: 29 February stays valid
        return True
    except ValueError:
        return False


def _absolute_day(text, published, future):
    for pattern in (_ISO_DATE, _DAY_MONTH, _MONTH_DAY):
        match = pattern.search(text)
        if not match:
            continue
        month = int(match["month"]) if match["month"].isdigit() else _MONTHS[match["month"]]
        day = int(match["day"])
        year = int(match["year"]) if match["year"] else None
        if not _valid_day(year, month, day):
            continue
        if year is None and published is not None:
            year = _nearest_year(published, month, day, future)
        return _date(DAY, year, month, day)
    return None


def _nearest_year(published: dt.date, month: int, day: int, future: bool | None) -> int:
    """Year of the (month, day) nearest to ``published``; after it if future, before if past."""
    candidates = []
    for year in (published.year - 1, published.year, published.year + 1):
        try:
            candidates.append(dt.date(year, month, day))
        except ValueError:  # 29 February in a common year
            continue
    if future is True:
        later = [c for c in candidates if c >= published]
        candidates = later or candidates
    elif future is False:
        earlier = [c for c in candidates if c <= published]
        candidates = earlier or candidates
    return min(candidates, key=lambda c: abs((c - published).days)).year


def _month_and_year(text, published, future):
    match = _MONTH_YEAR.search(text)
    if match:
        return _date(MONTH, int(match["year"]), _MONTHS[match["month"]])
    match = _MONTH_RELATIVE_YEAR.search(text)  # "October last year"
    if match:
        year = None if published is None else \
            published.year + {"last": -1, "this": 0, "next": 1}[match["which"]]
        return _date(MONTH, year, _MONTHS[match["month"]])
    return None


def _decade(text, published, future):
    match = _DECADE.search(text)
    return _date(DECADE, int(match["year"])) if match else None


def _year_only(text, published, future):
    match = _YEAR.search(text)
    return _date(YEAR, int(match["year"])) if match else None


def _month_only(text, published, future):
    match = _MONTH_ONLY.search(text)
    if not match or (match["month"] == "may" and match["which"] is None and text != "may"):
        return None  # "may" inside a longer expression is the verb, not the month
    month = _MONTHS[match["month"]]
    if published is None:
        return _date(MONTH, None, month)
    which = match["which"]
    if which == "this":
        year = published.year
    elif which == "last":
        year = published.year if month < published.month else published.year - 1
    elif which == "next":
        year = published.year if month > published.month else published.year + 1
    else:
        year = _nearest_year(published, month, 1 if future else 28, future) \
            if future is not None else published.year
    return _date(MONTH, year, month)


def _relative(text, published, future):
    if published is None:
        return None
    match = _RELATIVE_DAY.search(text)
    if match:
        offset = {"today": 0, "tonight": 0, "yesterday": -1, "tomorrow": 1}[match["word"]]
        return _day(published + dt.timedelta(days=offset))
    match = _WEEKDAY.search(text)
    if match:
        return _day(_weekday_date(published, _WEEKDAYS[match["weekday"]], match["which"], future))
    match = _THIS_LAST_NEXT.search(text)
    if match:
        step = {"this": 0, "last": -1, "past": -1, "next": 1, "coming": 1}[match["which"]]
        return _shifted(published, match["unit"], step)
    for pattern, sign in ((_AGO, -1), (_FROM_NOW, 1)):
        match = pattern.search(text)
        if match:
            count = 1 if match["count"].split()[-1] in ("a", "an") else parse_number(match["count"])
            if count is None or count != int(count):
                continue
            unit = match["unit"]
            if unit == "decade":
                unit, count = "year", count * 10
            return _shifted(published, unit, sign * int(count))
    return None


def _day(date: dt.date) -> dict:
    return _date(DAY, date.year, date.month, date.day)


def _weekday_date(published: dt.date, weekday: int, which: str | None, future: bool | None) -> dt.date:
    """"last Monday" is before publication, "next Monday" after; a bare "Monday" follows the tense."""
    days_back = (published.weekday() - weekday) % 7
    days_ahead = (weekday - published.weekday()) % 7
    if which == "last":
        return published - dt.timedelta(days=days_back or 7)
    if which == "next":
        return published + dt.timedelta(days=days_ahead or 7)
    if future:
        return published + dt.timedelta(days=days_ahead)
    return published - dt.timedelta(days=days_back)


def _shifted(published: dt.date, unit: str, step: int) -> dict:
    if unit == "day":
        return _day(published + dt.timedelta(days=step))
    if unit == "week":
        monday = published - dt.timedelta(days=published.weekday()) + dt.timedelta(weeks=step)
        return _date(WEEK, monday.year, monday.month, monday.day)
    if unit == "month":
        index = published.year * 12 + published.month - 1 + step
        return _date(MONTH, index // 12, index % 12 + 1)
    return _date(YEAR, published.year + step)


def _holiday(text, published, future):
    stripped = text[4:] if text.startswith("the ") else text
    for name, (month, day) in FIXED_HOLIDAYS.items():
        if name in stripped:
            year = _nearest_year(published, month, day, future) if published else None
            if stripped == name:
                return _date(DAY, year, month, day)
            return _date(MONTH, year, month)  # "the Christmas period"
    return None


def extract_dates(body_doc, published_at: dt.datetime | None, ents=None) -> list[dict]:
    """Date mentions of the body: ``{"text","resolution","year","month","day","start_char","end_char"}``.

    Relative expressions resolve against ``published_at`` (see :func:`resolve_date`);
    the tense of the clause (``clause_is_future``) decides whether a bare weekday or
    month is the last or the next one.  ``ents`` is ``body_doc.ents`` when the caller has it already.
    """
    dates, text = [], doc_text(body_doc)
    for ent in body_doc.ents if ents is None else ents:
        if ent.label_ != DATE:
            continue
        written = text[ent.start_char:ent.end_char]  # ent.text, without a Token per word
        if "\n" in written:
            continue
        resolved = resolve_date(written, published_at, clause_is_future(ent))
        dates.append({"text": " ".join(written.split()), **resolved,
                      "start_char": ent.start_char, "end_char": ent.end_char})
    return dates




def clause_is_future(span) -> bool | None:
    """True for a clause in the future ("will meet on Monday"), False for the past, None if unknown."""
    token = span.root
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:  # the root heads itself
        token = token.head
    if token.pos_ not in ("VERB", "AUX"):
        return None
    auxiliaries = [child for child in token.children if child.dep_ in ("aux", "auxpass")]
    if any(aux.lower_ in FUTURE_AUXILIARIES for aux in auxiliaries):
        return True
    if token.dep_ == "xcomp" and token.head.lower_ == "going":  # "is going to meet"
        return True
    if token.tag_ in ("VBD", "VBN") or any(aux.tag_ == "VBD" or aux.lemma_ == "have"
                                           for aux in auxiliaries):
        return False
    return None
