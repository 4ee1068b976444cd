"""parse_datetime, find_date_line, from_struct_time: UTC, strict, never "now"."""
import datetime as dt
import time

import pytest

from transforms.dates import find_date_line, from_struct_time, parse_datetime

UTC = dt.timezone.utc
NOW = dt.datetime(2024, 6, 1, 12, 0, tzinfo=UTC)
DEC_23 = dt.datetime(2021, 12, 23, tzinfo=UTC)


@pytest.mark.parametrize("text, expected", [
    ("December 23, 2021", DEC_23),
    ("23 December 2021", DEC_23),
    ("Dec. 23, 2021", DEC_23),
    ("Sept. 5, 2021", dt.datetime(2021, 9, 5, tzinfo=UTC)),
    ("23rd of December, 2021", DEC_23),
    ("2021-12-23", DEC_23),
    ("23.12.2021", DEC_23),
    ("12/23/2021", DEC_23),
    ("2021-12-23T10:00:00+03:00", dt.datetime(2021, 12, 23, 7, 0, tzinfo=UTC)),
    ("2021-12-23T10:00:00Z", dt.datetime(2021, 12, 23, 10, 0, tzinfo=UTC)),
    ("20211223T100000Z", dt.datetime(2021, 12, 23, 10, 0, tzinfo=UTC)),
    ("Thu, 23 Dec 2021 10:00:00 GMT", dt.datetime(2021, 12, 23, 10, 0, tzinfo=UTC)),
    ("Thu, 23 Dec 2021 10:00:00 -0500", dt.datetime(2021, 12, 23, 15, 0, tzinfo=UTC)),
    ("Thursday 23 December 2021 10:00 EST", dt.datetime(2021, 12, 23, 15, 0, tzinfo=UTC)),
    ("2021-12-23 10:00 AEDT", dt.datetime(2021, 12, 22, 23, 0, tzinfo=UTC)),
    ("Monday, January 3rd, 2022 at 5:00 pm", dt.datetime(2022, 1, 3, 17, 0, tzinfo=UTC)),
    ("  December\n23,   2021 ", DEC_23),
])
def test_parse_datetime_accepts_news_formats(text, expected):
    value = parse_datetime(text, now=NOW)
    assert value == expected
    assert value.utcoffset() == dt.timedelta(0) and value.tzinfo is not None


def test_naive_values_are_taken_as_utc():
    assert parse_datetime("2021-12-23 10:00:00", now=NOW) == dt.datetime(2021, 12, 23, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize("text", [
    None, "", "   ", "December", "5", "99", "0", "2021", "Dec 2021", "10:00", "2000 GMT",
    "Friday, 25 February", "1 2 3", "23/12/21", "2021-02-30", "Mon, 1 Jan 0001", "1899-12-31",
    "Russia has denied it is preparing a military advance.", "99999999999999", "n/a", "TBD",
    "x" * 500,
])
def test_parse_datetime_rejects_garbage_and_partial_dates(text):
    assert parse_datetime(text, now=NOW) is None


def test_missing_parts_are_never_filled_from_today():
    # dateutil alone would answer December <today's day> <this year>.
    assert parse_datetime("December") is None
    assert parse_datetime("Friday, 25 February") is None


def test_future_dates_are_rejected_relative_to_now():
    assert parse_datetime("2024-06-03", now=NOW) == dt.datetime(2024, 6, 3, tzinfo=UTC)  # within 2 days
    assert parse_datetime("2024-06-04", now=NOW) is None
    assert parse_datetime("2030-01-01", now=NOW) is None
    assert parse_datetime("2030-01-01", now=dt.datetime(2031, 1, 1)) is not None  # naive now is UTC


@pytest.mark.parametrize("line, expected", [
    ("December 23, 2021", DEC_23),
    ("Thursday, December 23, 2021", DEC_23),
    ("Published: December 23, 2021", DEC_23),
    ("Updated 10:00 GMT, Thursday 23 December 2021", dt.datetime(2021, 12, 23, 10, 0, tzinfo=UTC)),
    ("Posted on Dec. 23, 2021 at 10:00 a.m.", dt.datetime(2021, 12, 23, 10, 0, tzinfo=UTC)),
    ("Last updated: 2021-12-23T10:00:00Z", dt.datetime(2021, 12, 23, 10, 0, tzinfo=UTC)),
    ("Date: 23/12/2021", DEC_23),
])
def test_find_date_line_accepts_lines_that_are_just_a_date(line, expected):
    assert find_date_line(line, now=NOW) == expected


@pytest.mark.parametrize("line", [
    "Russia said on 23 December 2021 that it would not invade.",
    "By John Smith, December 23, 2021",
    "December 23, 2021: Putin holds his annual news conference",
    "Friday, 25 February",
    "2000 GMT",
    "Headingley",
    "2021-12-23 10:00 XYZ",
    "",
    None,
])
def test_find_date_line_rejects_lines_with_other_words_or_no_full_date(line):
    assert find_date_line(line, now=NOW) is None


def test_from_struct_time_reads_feedparser_utc_values():
    parsed = time.strptime("2021-12-23 10:00:00", "%Y-%m-%d %H:%M:%S")
    assert from_struct_time(parsed, now=NOW) == dt.datetime(2021, 12, 23, 10, 0, tzinfo=UTC)


def test_from_struct_time_clamps_leap_seconds():
    parsed = time.strptime("2016-12-31 23:59:60", "%Y-%m-%d %H:%M:%S")
    assert from_struct_time(parsed, now=NOW) == dt.datetime(2016, 12, 31, 23, 59, 59, tzinfo=UTC)


@pytest.mark.parametrize("value", [
    None,
    (2021, 13, 1, 0, 0, 0, 0, 0, 0),   # month 13
    (1850, 1, 1, 0, 0, 0, 0, 0, 0),    # before MIN_YEAR
    (2099, 1, 1, 0, 0, 0, 0, 0, 0),    # far future
    ("x", 1, 1),                       # not a struct_time
])
def test_from_struct_time_rejects_invalid_or_implausible_values(value):
    assert from_struct_time(value, now=NOW) is None
