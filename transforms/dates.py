"""Publication dates from free text, feed struct_times and date lines, always UTC.

Rules shared by every function here:

* the result is a timezone-aware ``datetime`` in UTC, or ``None``; never the current
  time as a stand-in for "unknown";
* a date needs a day, a month and a four-digit year.  ``dateutil`` quietly fills missing
  parts from a default (today's date): "December" would become December <today> <this
  year> and "5" the 5th of this month.  We parse twice with two different defaults and
  keep only values that do not depend on the default;
* naive values (no offset, no zone name) are taken as UTC: article files and most feeds
  that omit the zone are written by servers on UTC, and there is nothing better to
  assume.  A zone abbreviation dateutil does not know is likewise ignored (the value is
  read as UTC), because a date that is a few hours off beats no date;
* a missing time of day is midnight UTC;
* all-numeric dates are read month first ("03/04/2021" is 4 March), dateutil's default;
  an impossible month ("23/12/2021") makes it read day first;
* values before ``MIN_YEAR`` or more than ``MAX_FUTURE`` after ``now`` are rejected: they
  are typos, placeholders ("0001-01-01") or misparsed numbers, not publication dates.
"""
from __future__ import annotations

import datetime as dt
import re
import time
import warnings

from dateutil import parser as _dateutil_parser
from dateutil import tz as _tz

from transforms.nlp.lexicon import EXTRA_MONTH_ABBREVIATIONS, MONTH_NAMES, WEEKDAY_ABBREVIATIONS, WEEKDAY_NAMES

UTC = dt.timezone.utc
MIN_YEAR = 1900
# Publishers schedule articles and clocks drift; a couple of days ahead is tolerated.
MAX_FUTURE = dt.timedelta(days=2)
# Longer strings are prose, not dates; dateutil is slow and permissive on them.
MAX_DATE_CHARS = 100

# Two defaults that differ in every date part: a part the text lacks shows up as a
# difference between the two parses.
_DEFAULT_A = dt.datetime(1904, 1, 1)
_DEFAULT_B = dt.datetime(1908, 2, 2)

# Zone abbreviations dateutil does not know by itself (it only knows UTC/GMT/Z and the
# machine's local zone).  Ambiguous ones (IST: India, Israel or Ireland; CST: US or China)
# keep the reading most common in English-language news.
_HOUR = 3600
TZINFOS = {name: _tz.tzoffset(name, int(hours * _HOUR)) for name, hours in {
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8, "PDT": -7,
    "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5, "NDT": -2.5,
    "BST": 1, "IST": 5.5, "WET": 0, "WEST": 1, "CET": 1, "CEST": 2, "EET": 2, "EEST": 3,
    "MSK": 3, "GST": 4, "PKT": 5, "SGT": 8, "HKT": 8, "JST": 9, "KST": 9,
    "AWST": 8, "ACST": 9.5, "ACDT": 10.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13,
}.items()}
TZINFOS.update({"UT": _tz.UTC, "UTC": _tz.UTC, "GMT": _tz.UTC, "Z": _tz.UTC})

# Words a line may contain and still be "just a date".
_MONTH_WORDS = [*MONTH_NAMES, *(name[:3] for name in MONTH_NAMES), *EXTRA_MONTH_ABBREVIATIONS]
_WEEKDAY_WORDS = [*WEEKDAY_NAMES, *WEEKDAY_ABBREVIATIONS]
_DATE_WORDS = frozenset(
    _MONTH_WORDS + _WEEKDAY_WORDS + "am pm a m p at on of the st nd rd th t".split()
    + [name.lower() for name in TZINFOS]
)
# Labels news sites put before the date line.
_DATE_LINE_PREFIX = re.compile(
    r"^(?:(?:first\s+|last\s+)?(?:published|updated|posted|modified)|dated?)(?:\s+on)?\s*[:\-–—|]?\s*",
    re.IGNORECASE,
)
_LETTERS = re.compile(r"[^\W\d_]+")


def parse_datetime(text: str | None, now: dt.datetime | None = None) -> dt.datetime | None:
    """Parse a date or date-time string into an aware UTC datetime, or ``None``.

    Accepts what news sources write: "December 23, 2021", "23 December 2021",
    "Dec. 23, 2021", "2021-12-23", ISO 8601 with offset ("2021-12-23T10:00:00+03:00"),
    RFC 822 ("Thu, 23 Dec 2021 10:00:00 GMT").  Garbage, partial dates and implausible
    years give ``None``.  ``now`` (aware) is the reference for "not in the future";
    it defaults to the current time.
    """
    if not text:
        return None
    text = " ".join(text.split())
    if not text or len(text) > MAX_DATE_CHARS:
        return None
    try:
        with warnings.catch_warnings():
            # UnknownTimezoneWarning: an unknown zone name is read as UTC (module docstring).
            warnings.simplefilter("ignore")
            first = _dateutil_parser.parse(text, default=_DEFAULT_A, tzinfos=TZINFOS)
            second = _dateutil_parser.parse(text, default=_DEFAULT_B, tzinfos=TZINFOS)
    except (ValueError, OverflowError, TypeError):  # dateutil's ParserError is a ValueError
        return None
    if (first.year, first.month, first.day) != (second.year, second.month, second.day):
        return None  # a date part came from the default, not from the text
    # Two-digit years ("23/12/21") and misread numbers ("1 2 3" -> 2003) do not carry the
    # year as four digits in the text.
    if not re.search(rf"(?<!\d){first.year:04d}", text):
        return None
    return _checked_utc(first, now)


def find_date_line(line: str | None, now: dt.datetime | None = None) -> dt.datetime | None:
    """The date of a line that is *just* a date, else ``None``.

    Allowed around the date: a weekday, a time and zone, and a label such as
    "Published:", "Updated:", "Posted on".  A sentence that merely contains a date
    ("Russia said on 23 December 2021 that...") is not a date line.
    """
    if not line:
        return None
    line = " ".join(line.split())
    if not line or len(line) > MAX_DATE_CHARS:
        return None
    candidate = _DATE_LINE_PREFIX.sub("", line, count=1)
    if any(word.lower() not in _DATE_WORDS for word in _LETTERS.findall(candidate)):
        return None
    return parse_datetime(candidate, now=now)


def from_struct_time(value: time.struct_time | tuple | None,
                     now: dt.datetime | None = None) -> dt.datetime | None:
    """feedparser's ``*_parsed`` values (a UTC ``struct_time``) as an aware UTC datetime.

    A leap second (tm_sec 60 or 61) is clamped to 59 because ``datetime`` has none.
    Invalid or implausible values give ``None``.
    """
    if value is None:
        return None
    try:
        year, month, day, hour, minute, second = (int(part) for part in tuple(value)[:6])
        parsed = dt.datetime(year, month, day, hour, minute, min(second, 59), tzinfo=UTC)
    except (TypeError, ValueError, OverflowError):
        return None
    return _checked_utc(parsed, now)


def _checked_utc(value: dt.datetime, now: dt.datetime | None) -> dt.datetime | None:
    if value.tzinfo is None or value.utcoffset() is None:
        value = value.replace(tzinfo=UTC)
    try:
        value = value.astimezone(UTC)
    except (OverflowError, ValueError):  # e.g. year 1 with a positive offset
        return None
    if now is None:
        now = dt.datetime.now(UTC)
    elif now.tzinfo is None:
        now = now.replace(tzinfo=UTC)  # same convention as for parsed values
    if value.year < MIN_YEAR or value > now + MAX_FUTURE:
        return None
    return value
