"""Date mentions: resolution of date expressions (pure) and extraction with the real model."""
import datetime as dt

import pytest

from tests.test_amounts import nlp, seed_doc  # noqa: F401 (the model fixtures, shared)
from transforms.nlp.date_mentions import resolve_date

UTC = dt.timezone.utc
# The seed article's date: a Thursday.
PUBLISHED = dt.datetime(2021, 12, 23, 10, 30, tzinfo=UTC)


def day(year, month, d):
    return {"resolution": "day", "year": year, "month": month, "day": d}


@pytest.mark.parametrize("text, expected", [
    ("December 23, 2021", day(2021, 12, 23)),
    ("23 December 2021", day(2021, 12, 23)),
    ("2021-12-01", day(2021, 12, 1)),
    ("June 2003", {"resolution": "month", "year": 2003, "month": 6, "day": None}),
    ("mid-January 2005", {"resolution": "month", "year": 2005, "month": 1, "day": None}),
    ("in 1990", {"resolution": "year", "year": 1990, "month": None, "day": None}),
    ("2003-04", {"resolution": "year", "year": 2003, "month": None, "day": None}),
    ("the 1990s", {"resolution": "decade", "year": 1990, "month": None, "day": None}),
    ("the late 1960s", {"resolution": "decade", "year": 1960, "month": None, "day": None}),
])
def test_absolute_dates_need_no_publication_date(text, expected):
    assert resolve_date(text) == expected
    assert resolve_date(text, PUBLISHED) == expected


@pytest.mark.parametrize("text, expected", [
    ("Today", day(2021, 12, 23)),
    ("yesterday", day(2021, 12, 22)),
    ("tomorrow", day(2021, 12, 24)),
    ("last Monday", day(2021, 12, 20)),
    ("next Monday", day(2021, 12, 27)),
    ("next month", {"resolution": "month", "year": 2022, "month": 1, "day": None}),
    ("earlier this month", {"resolution": "month", "year": 2021, "month": 12, "day": None}),
    ("Last week", {"resolution": "week", "year": 2021, "month": 12, "day": 13}),   # its Monday
    ("the beginning of next year", {"resolution": "year", "year": 2022, "month": None, "day": None}),
    ("last year", {"resolution": "year", "year": 2020, "month": None, "day": None}),
    ("two years ago", {"resolution": "year", "year": 2019, "month": None, "day": None}),
    ("a decade ago", {"resolution": "year", "year": 2011, "month": None, "day": None}),
    ("three days ago", day(2021, 12, 20)),
    ("October last year", {"resolution": "month", "year": 2020, "month": 10, "day": None}),
    ("last April", {"resolution": "month", "year": 2021, "month": 4, "day": None}),
    ("next July", {"resolution": "month", "year": 2022, "month": 7, "day": None}),
    ("19 December", day(2021, 12, 19)),
    ("5 January", day(2022, 1, 5)),          # the nearest 5 January is next year's
    ("Christmas Day", day(2021, 12, 25)),
])
def test_relative_dates_resolve_against_the_publication_date(text, expected):
    assert resolve_date(text, PUBLISHED) == expected


@pytest.mark.parametrize("text", ["next month", "Last week", "yesterday", "two years ago", "Monday"])
def test_relative_dates_stay_unresolved_without_a_publication_date(text):
    assert resolve_date(text) == {"resolution": None, "year": None, "month": None, "day": None}


def test_day_and_month_without_year_or_publication_date_keep_what_is_known():
    assert resolve_date("19 December") == {"resolution": "day", "year": None, "month": 12, "day": 19}


@pytest.mark.parametrize("text", ["decades", "annual", "a day", "six months", "recent years",
                                  "the past decade", "19th Century", "a few years ago"])
def test_durations_and_vague_expressions_are_not_resolved(text):
    assert resolve_date(text, PUBLISHED)["resolution"] is None


def test_tense_decides_bare_weekdays_and_dates_without_a_year():
    assert resolve_date("Monday", PUBLISHED, future=False) == day(2021, 12, 20)
    assert resolve_date("Monday", PUBLISHED, future=True) == day(2021, 12, 27)
    assert resolve_date("Thursday", PUBLISHED, future=True) == day(2021, 12, 23)
    assert resolve_date("20 December", PUBLISHED, future=True) == day(2022, 12, 20)
    assert resolve_date("5 January", PUBLISHED, future=False) == day(2021, 1, 5)


# ---------------------------------------------------------------------------------------
# The real model
# ---------------------------------------------------------------------------------------

def test_seed_dates(seed_doc):
    from transforms.nlp.date_mentions import extract_dates

    dates = {d["text"]: d for d in extract_dates(seed_doc, PUBLISHED)}
    assert (dates["next month"]["year"], dates["next month"]["month"]) == (2022, 1)
    assert dates["1990"]["resolution"] == "year" and dates["1990"]["year"] == 1990
    assert (dates["the 1990s"]["resolution"], dates["the 1990s"]["year"]) == ("decade", 1990)
    assert dates["Last week"]["resolution"] == "week"
    unresolved = {d["text"]: d for d in extract_dates(seed_doc, None)}
    assert unresolved["next month"]["resolution"] is None
    assert unresolved["1990"]["year"] == 1990


def test_tense_of_the_clause_picks_the_weekday(nlp):
    from transforms.nlp.date_mentions import extract_dates

    past = extract_dates(nlp("The minister met the union leaders on Monday."), PUBLISHED)
    future = extract_dates(nlp("The minister will meet the union leaders on Monday."), PUBLISHED)
    assert [(d["text"], d["day"]) for d in past] == [("Monday", 20)]
    assert [(d["text"], d["day"]) for d in future] == [("Monday", 27)]
