"""Amounts (money, percentages, quantities, counts) and date mentions, with values.

The spaCy part is thin: ``extract_amounts`` and ``extract_dates`` walk the MONEY,
PERCENT, QUANTITY, CARDINAL and DATE entities of the body and add what only the parse
knows (the noun a number counts, the tense of the clause a date is in).  The string
work is in pure functions:

* :func:`parse_number` -- ``"1,400"``, ``"1.5bn"``, ``"2m"``, ``"five"``, ``"a million"``,
  ``"two and a half million"``, ``"two-thirds"``.  Vague amounts ("thousands", "several
  hundred", "billion-dollar") have no value.  For a range ("between 3% and 5%",
  "200,000-300,000") the value is the first number, the lower bound as written.
* :func:`parse_amount` -- value, unit and ISO 4217 currency of one entity text.  The
  small English model leaves the currency symbol outside MONEY spans ("$" + "1.13bn"),
  so ``extract_amounts`` first widens a span over a symbol right before it.  Prices in
  pence or cents are converted to pounds or dollars (``"28 pence"`` -> 0.28 GBP).  A
  bare ``$`` or ``dollars`` is USD, as is the convention in English-language news,
  unless qualified (``A$``, ``Canadian dollars``).
* :func:`resolve_date` -- GDELT-style resolution of a date expression (see its
  docstring for exactly what is resolved).
"""
from __future__ import annotations

import datetime as dt
import re

MONEY = "MONEY"
PERCENT = "PERCENT"
QUANTITY = "QUANTITY"
CARDINAL = "CARDINAL"
AMOUNT_LABELS = (MONEY, PERCENT, QUANTITY, CARDINAL)

# ---------------------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------------------

_SMALL_NUMBERS = {word: value for value, word in enumerate(
    "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen "
    "fifteen sixteen seventeen eighteen nineteen".split())}
_TENS = {word: 10 * (i + 2) for i, word in enumerate(
    "twenty thirty forty fifty sixty seventy eighty ninety".split())}
_SCALES = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12}
_FRACTIONS = {"half": 0.5, "halves": 0.5, "third": 1 / 3, "thirds": 1 / 3, "quarter": 0.25,
              "quarters": 0.25}
# Words that make an amount vague ("thousands of troops", "several hundred"): no value.
_VAGUE_WORDS = frozenset({"several", "few", "many", "dozens", "hundreds", "thousands", "millions",
                          "billions", "trillions", "tens", "scores", "multi", "numerous"})
# Multipliers written after digits.  Single letters (k, m, b) only for money and counts:
# in a QUANTITY "5m" is five metres.
_WORD_MULTIPLIERS = {"thousand": 1e3, "million": 1e6, "billion": 1e9, "trillion": 1e12,
                     "hundred": 1e2, "mn": 1e6, "bn": 1e9, "tn": 1e12, "trn": 1e12}
_LETTER_MULTIPLIERS = {"k": 1e3, "m": 1e6, "b": 1e9}
_DIGITS = re.compile(
    r"(?<![\w.])(?P<sign>[-−])?(?P<int>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?"
    r"(?:\s*(?P<mult>thousand|million|billion|trillion|hundred|mn|bn|tn|trn|k|m|b)\b)?",
    re.IGNORECASE)
# Clock times, scores and fractions written with digits are not amounts.
_NOT_A_NUMBER = re.compile(r"\d\s*[:/]\s*\d")


def parse_number(text: str, letter_multipliers: bool = True) -> float | None:
    """The number written in ``text`` (digits or words), or None when there is none or it is vague."""
    lowered = text.lower().replace("\u00a0", " ").replace("\u2009", " ")
    if _NOT_A_NUMBER.search(lowered):
        return None
    match = _DIGITS.search(lowered)
    if match:
        value = float(match["int"].replace(",", "") + (match["frac"] or ""))
        multiplier = (match["mult"] or "").lower()
        if multiplier in _WORD_MULTIPLIERS:
            value *= _WORD_MULTIPLIERS[multiplier]
        elif multiplier in _LETTER_MULTIPLIERS:
            if not letter_multipliers:
                return -value if match["sign"] else value
            value *= _LETTER_MULTIPLIERS[multiplier]
        return -value if match["sign"] else value
    words = re.findall(r"[a-z]+", lowered.replace("-", " "))
    if _VAGUE_WORDS.intersection(words):
        return None
    return _number_from_words(words)


def _number_from_words(words: list[str]) -> float | None:
    """``five`` / ``a million`` / ``two and a half million`` / ``two thirds`` / ``a dozen``.

    Words before the number ("about", "more than") are skipped; the number ends at the
    first other word after it ("five waves").
    """
    total, current, found, after_and = 0.0, 0.0, False, False
    for i, word in enumerate(words):
        following = words[i + 1] if i + 1 < len(words) else ""
        if word in _SMALL_NUMBERS:
            current += _SMALL_NUMBERS[word]
        elif word in _TENS:
            current += _TENS[word]
        elif word == "hundred":
            current = (current or 1) * 100
        elif word == "dozen":
            current = (current or 1) * 12
        elif word in _SCALES:
            total += (current or 1) * _SCALES[word]
            current = 0.0
        elif word in _FRACTIONS:
            fraction = _FRACTIONS[word]
            current = current + fraction if after_and else (current or 1) * fraction
        elif word in ("a", "an") and (following in _SCALES or following in _FRACTIONS
                                      or following in ("hundred", "dozen")):
            continue  # "a million": the scale word counts it as one
        elif word == "and" and found:
            after_and = True
            continue
        elif found:
            break
        else:
            continue
        found = True
    return total + current if found else None


# ---------------------------------------------------------------------------------------
# Money, percentages, quantities
# ---------------------------------------------------------------------------------------

# Prefix symbols, longest first so "US$" wins over "$".
_CURRENCY_SYMBOLS = {
    "US$": "USD", "A$": "AUD", "AU$": "AUD", "C$": "CAD", "CA$": "CAD", "HK$": "HKD",
    "NZ$": "NZD", "S$": "SGD", "R$": "BRL", "$": "USD", "£": "GBP", "€": "EUR", "¥": "JPY",
    "₹": "INR", "₽": "RUB", "₩": "KRW", "₦": "NGN", "₪": "ILS", "₺": "TRY", "Rs": "INR",
    "SFr": "CHF",
}
_SYMBOL_PATTERN = "|".join(re.escape(symbol) for symbol in
                           sorted(_CURRENCY_SYMBOLS, key=len, reverse=True))
_LEADING_SYMBOL = re.compile(rf"(?:(?<=\s)|^)(?P<symbol>{_SYMBOL_PATTERN})\s?(?=\d)")
_SYMBOL_BEFORE_SPAN = re.compile(rf"(?:^|(?<=[\s(]))(?P<symbol>{_SYMBOL_PATTERN})\s?$")
_ISO_CODES = frozenset("""USD GBP EUR JPY CHF CNY INR RUB AUD CAD HKD NZD SGD SEK NOK DKK KRW BRL
    MXN ZAR TRY ILS AED SAR PLN UAH NGN KES EGP PKR IDR THB MYR PHP VND ARS CLP COP CZK HUF
    RON""".split())
# Currency words; a qualifier before the word ("Australian dollars") overrides the default.
_CURRENCY_WORDS = {
    "dollar": "USD", "pound": "GBP", "sterling": "GBP", "euro": "EUR", "yen": "JPY",
    "yuan": "CNY", "renminbi": "CNY", "rupee": "INR", "rouble": "RUB", "ruble": "RUB",
    "won": "KRW", "naira": "NGN", "rand": "ZAR", "shekel": "ILS", "lira": "TRY",
    "dirham": "AED", "riyal": "SAR", "zloty": "PLN", "hryvnia": "UAH", "krona": "SEK",
    "kronor": "SEK", "reais": "BRL",
    # Ambiguous without a qualifier (Danish or Norwegian; Swiss or CFA; many pesos).
    "krone": None, "kroner": None, "franc": None, "peso": None,
}
_CURRENCY_QUALIFIERS = {
    "us": "USD", "american": "USD", "australian": "AUD", "canadian": "CAD", "hong kong": "HKD",
    "new zealand": "NZD", "singapore": "SGD", "swiss": "CHF", "danish": "DKK",
    "norwegian": "NOK", "swedish": "SEK", "mexican": "MXN", "argentine": "ARS",
    "philippine": "PHP", "chilean": "CLP", "colombian": "COP", "indian": "INR",
    "pakistani": "PKR", "egyptian": "EGP", "irish": "EUR",
}
_CURRENCY_WORD = re.compile(
    r"(?:\b(?P<qualifier>us|american|australian|canadian|hong kong|new zealand|singapore|swiss|"
    r"danish|norwegian|swedish|mexican|argentine|philippine|chilean|colombian|indian|pakistani|"
    r"egyptian|irish)\s+)?\b(?P<word>" + "|".join(_CURRENCY_WORDS) + r")(?:e?s)?\b", re.IGNORECASE)
# Sub-units: (currency, factor); "euro cents" are EUR, bare cents follow the dollar.
_SUBUNIT = re.compile(r"(?:\b(?P<euro>euro\s+)?|(?<=\d))(?P<word>pence|penny|p|cents?|kopecks?)\b",
                      re.IGNORECASE)
# "a billion-dollar deal": an adjective, not an amount.
_ADJECTIVAL_MONEY = re.compile(r"(?:million|billion|trillion)-(?:dollar|pound|euro)", re.IGNORECASE)
_SUBUNIT_CURRENCY = {"pence": "GBP", "penny": "GBP", "p": "GBP", "cent": "USD", "cents": "USD",
                     "kopeck": "RUB", "kopecks": "RUB"}
_PERCENT = re.compile(r"%|\bper\s?cent\b|\bpercent(?:age points?)?\b", re.IGNORECASE)
_PENCE_SUFFIX = re.compile(r"^\d+(?:\.\d+)?p$")
_UNIT_SUFFIX = re.compile(r"\d(?P<unit>[a-z]+)\b", re.IGNORECASE)


def parse_amount(text: str, label: str) -> dict:
    """Kind, value, unit and currency of one MONEY / PERCENT / QUANTITY / CARDINAL text.

    ``{"kind", "value", "unit", "currency"}``; the kind is the label except that a
    CARDINAL written in pence ("247p", share prices) is MONEY.
    """
    text = " ".join(text.split())
    if label == CARDINAL and _PENCE_SUFFIX.match(text):
        label = MONEY
    if label == MONEY:
        return _parse_money(text)
    if label == PERCENT or _PERCENT.search(text):
        value = parse_number(_PERCENT.sub(" ", text), letter_multipliers=False)
        unit = "percentage points" if "point" in text.lower() else "%"
        return {"kind": PERCENT, "value": value, "unit": unit, "currency": None}
    if label == QUANTITY:
        return {"kind": QUANTITY, "value": parse_number(text, letter_multipliers=False),
                "unit": unit_after_number(text), "currency": None}
    suffix = _UNIT_SUFFIX.search(text)  # "10secs"
    unit = suffix["unit"].lower() if suffix and suffix["unit"].lower() not in _WORD_MULTIPLIERS \
        and suffix["unit"].lower() not in _LETTER_MULTIPLIERS else None
    return {"kind": CARDINAL, "value": parse_number(text), "unit": unit, "currency": None}


def unit_after_number(text: str) -> str | None:
    """The unit written after a quantity: "almost 11,000 miles" -> "miles", "5km" -> "km"."""
    words = text.split()
    for i in range(len(words) - 1, -1, -1):
        word = words[i].lower()
        if any(ch.isdigit() for ch in word):
            suffix = _UNIT_SUFFIX.search(word)
            rest = words[i + 1:]
            if suffix and not rest:
                return suffix["unit"]
            return " ".join(rest) or None
        if word in _SMALL_NUMBERS or word in _TENS or word in _SCALES or word in ("hundred", "dozen"):
            return " ".join(words[i + 1:]) or None
    return None


def _parse_money(text: str) -> dict:
    currency, divisor, number_text = None, 1, text
    symbol = _LEADING_SYMBOL.search(text)
    if symbol:
        currency = _CURRENCY_SYMBOLS[symbol["symbol"]]
        number_text = text[:symbol.start()] + " " + text[symbol.end():]
    else:
        code = next((word for word in re.findall(r"\b[A-Z]{3}\b", text) if word in _ISO_CODES), None)
        word = _CURRENCY_WORD.search(text)
        subunit = _SUBUNIT.search(text)
        if code:
            currency = code
        elif subunit and (not word or word["word"].lower() == "euro"):
            currency = "EUR" if subunit["euro"] else _SUBUNIT_CURRENCY[subunit["word"].lower()]
            divisor = 100
        elif word:
            qualifier = (word["qualifier"] or "").lower()
            currency = _CURRENCY_QUALIFIERS.get(qualifier) or _CURRENCY_WORDS[word["word"].lower()]
    value = None if _ADJECTIVAL_MONEY.search(text) else parse_number(number_text)
    return {"kind": MONEY, "value": None if value is None else value / divisor, "unit": None,
            "currency": currency}


def extract_amounts(body_doc) -> list[dict]:
    """Amounts in the body: ``{"text","kind","value","unit","currency","start_char","end_char"}``.

    A CARDINAL (or a QUANTITY with no unit in its text) that is the number of a noun
    ("five waves", "100,000 troops", "thousands of troops") gets that noun as its unit.
    """
    text = body_doc.text
    amounts = []
    for ent in body_doc.ents:
        if ent.label_ not in AMOUNT_LABELS or "\n" in ent.text:
            continue
        start, label = ent.start_char, ent.label_
        symbol = _SYMBOL_BEFORE_SPAN.search(text, max(0, start - 4), start)
        if symbol and ent.text[:1].isdigit():
            start = symbol.start()
            label = MONEY
        end = ent.end_char
        if label != MONEY:
            # "1.45bn euros", "154m naira": the model leaves the currency (and a glued
            # "m") outside a CARDINAL; the amount is money.
            currency_end = _currency_after(text, end)
            if currency_end is not None:
                end, label = currency_end, MONEY
        surface = text[start:end]
        amount = parse_amount(surface, label)
        if amount["kind"] in (CARDINAL, QUANTITY) and amount["unit"] is None:
            amount["unit"] = counted_noun(ent)
        amounts.append({"text": surface, **amount, "start_char": start, "end_char": end})
    return amounts


_CURRENCY_AFTER = re.compile(r"(?:bn|m|mn|k|tn)?\s+(?:" + "|".join(_CURRENCY_WORDS) + r")(?:e?s)?\b",
                             re.IGNORECASE)


def _currency_after(text: str, end: int) -> int | None:
    """End of a currency word (with an optional glued multiplier) right after ``end``."""
    match = _CURRENCY_AFTER.match(text, end)
    return match.end() if match else None


def counted_noun(span) -> str | None:
    """The noun a number span counts: "five waves" -> "waves", "thousands of troops" -> "troops"."""
    root = span.root
    if root.dep_ == "nummod" and root.head.pos_ in ("NOUN", "PROPN") and not (
            span.start <= root.head.i < span.end):
        return _noun_text(root.head)
    for child in root.children:
        if child.dep_ == "prep" and child.lower_ == "of":
            objects = [grandchild for grandchild in child.children if grandchild.dep_ == "pobj"]
            if objects and objects[0].pos_ in ("NOUN", "PROPN"):
                return _noun_text(objects[0])
    return None


# Nouns a number modifies that are not what it counts ("number one", "one way").
_NOT_COUNTED = frozenset({"number", "no", "way"})


def _noun_text(token) -> str | None:
    if token.lower_ in _NOT_COUNTED:
        return None
    return token.text if token.pos_ == "PROPN" else token.text.lower()


# ---------------------------------------------------------------------------------------
# Dates
# ---------------------------------------------------------------------------------------

DAY, WEEK, MONTH, YEAR, DECADE = "day", "week", "month", "year", "decade"

_MONTHS = {name: i for i, name in enumerate(
    "january february march april may june july august september october november december"
    .split(), start=1)}
_MONTHS.update({name[:3]: i for name, i in list(_MONTHS.items())})
_MONTHS["sept"] = 9
_MONTH = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAYS = {name: i for i, name in enumerate(
    "monday tuesday wednesday thursday friday saturday sunday".split())}
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
# Holidays on a fixed day.
_HOLIDAYS = {"new year's day": (1, 1), "valentine's day": (2, 14), "halloween": (10, 31),
             "christmas eve": (12, 24), "christmas day": (12, 25), "christmas": (12, 25),
             "boxing day": (12, 26), "new year's eve": (12, 31)}


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
    for name, (month, day) in _HOLIDAYS.items():
        if name in stripped:
            year = _nearest_year(published, month, day, future) if published else None
            if stripped == name:
                return _date(DAY, year, month, day)
            return _date(MONTH, year, month)  # "the Christmas period"
    return None


def extract_dates(body_doc, published_at: dt.datetime | None) -> list[dict]:
    """Date mentions of the body: ``{"text","resolution","year","month","day","start_char","end_char"}``.

    Relative expressions resolve against ``published_at`` (see :func:`resolve_date`);
    the tense of the clause (``clause_is_future``) decides whether a bare weekday or
    month is the last or the next one.
    """
    dates = []
    for ent in body_doc.ents:
        if ent.label_ != "DATE" or "\n" in ent.text:
            continue
        resolved = resolve_date(ent.text, published_at, clause_is_future(ent))
        dates.append({"text": " ".join(ent.text.split()), **resolved,
                      "start_char": ent.start_char, "end_char": ent.end_char})
    return dates


_FUTURE_AUXILIARIES = frozenset({"will", "shall", "'ll", "wo"})


def clause_is_future(span) -> bool | None:
    """True for a clause in the future ("will meet on Monday"), False for the past, None if unknown."""
    token = span.root
    while token.pos_ not in ("VERB", "AUX") and token.head.i != token.i:  # the root heads itself
        token = token.head
    if token.pos_ not in ("VERB", "AUX"):
        return None
    auxiliaries = [child for child in token.children if child.dep_ in ("aux", "auxpass")]
    if any(aux.lower_ in _FUTURE_AUXILIARIES for aux in auxiliaries):
        return True
    if token.dep_ == "xcomp" and token.head.lower_ == "going":  # "is going to meet"
        return True
    if token.tag_ in ("VBD", "VBN") or any(aux.tag_ == "VBD" or aux.lemma_ == "have"
                                           for aux in auxiliaries):
        return False
    return None
