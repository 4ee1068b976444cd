"""Amounts and date mentions: parsing (pure) and extraction with the real model."""
import datetime as dt

import pytest

from transforms.nlp.amounts import parse_amount, parse_number, resolve_date, unit_after_number

UTC = dt.timezone.utc
# The seed article's date: a Thursday.
PUBLISHED = dt.datetime(2021, 12, 23, 10, 30, tzinfo=UTC)


@pytest.mark.parametrize("text, expected", [
    ("1,400", 1400), ("100,000", 100000), ("2200", 2200), ("4.75", 4.75),
    ("1.5bn", 1.5e9), ("2m", 2e6), ("5 billion", 5e9), ("60 million", 6e7), ("£50k", 5e4),
    ("five", 5), ("Fifty", 50), ("twenty-five", 25), ("one hundred and twenty", 120),
    ("a million", 1e6), ("seven million", 7e6), ("two and a half million", 2.5e6),
    ("half a million", 5e5), ("more than a dozen", 12), ("about two-thirds", 2 / 3),
    ("a third", 1 / 3), ("Up to 2,500", 2500), ("nearly 30", 30), ("-5", -5),
    ("roughly 200,000-300,000", 200000),   # a range: its lower bound as written
    ("between 3% and 5%", 3),
])
def test_parse_number(text, expected):
    assert parse_number(text) == pytest.approx(expected)


@pytest.mark.parametrize("text", ["thousands", "Thousands", "several hundred", "millions of dollars",
                                  "3:49.78", "6/4", "1998/9", "as much as", ""])
def test_parse_number_vague_or_not_a_number(text):
    assert parse_number(text) is None


def test_letter_multipliers_are_units_in_quantities():
    assert parse_number("5m", letter_multipliers=False) == 5
    assert parse_amount("5m", "QUANTITY") == {"kind": "QUANTITY", "value": 5, "unit": "m", "currency": None}


@pytest.mark.parametrize("text, value, currency", [
    ("£1,400", 1400, "GBP"), ("$5bn", 5e9, "USD"), ("5 billion dollars", 5e9, "USD"),
    ("€3.2m", 3.2e6, "EUR"), ("US$18 million", 1.8e7, "USD"), ("A$5m", 5e6, "AUD"),
    ("£102.80", 102.8, "GBP"), ("28 pence", 0.28, "GBP"), ("17 cents", 0.17, "USD"),
    ("70 euro cents", 0.7, "EUR"), ("one trillion won", 1e12, "KRW"),
    ("more than a trillion pounds", 1e12, "GBP"), ("USD 5m", 5e6, "USD"),
    ("50 Swiss francs", 50, "CHF"), ("Rs 500", 500, "INR"), ("1.13bn", 1.13e9, None),
    ("100,000 kroner", 1e5, None),   # Danish or Norwegian: not guessed
])
def test_parse_money(text, value, currency):
    amount = parse_amount(text, "MONEY")
    assert amount["kind"] == "MONEY" and amount["currency"] == currency
    assert amount["value"] == pytest.approx(value)


def test_money_without_a_value():
    assert parse_amount("billion-dollar", "MONEY")["value"] is None   # an adjective
    assert parse_amount("millions of dollars", "MONEY") == {
        "kind": "MONEY", "value": None, "unit": None, "currency": "USD"}


def test_share_price_in_pence_is_money():
    assert parse_amount("247p", "CARDINAL") == {"kind": "MONEY", "value": 2.47, "unit": None, "currency": "GBP"}


@pytest.mark.parametrize("text, label, value, unit", [
    ("15%", "PERCENT", 15, "%"), ("15 percent", "PERCENT", 15, "%"),
    ("15 per cent", "CARDINAL", 15, "%"), ("0.25 percentage points", "PERCENT", 0.25, "percentage points"),
    ("almost 11,000 miles", "QUANTITY", 11000, "miles"), ("5km", "QUANTITY", 5, "km"),
    ("two mile", "QUANTITY", 2, "mile"), ("600,000 tonnes", "QUANTITY", 6e5, "tonnes"),
    ("10secs", "CARDINAL", 10, "secs"),
])
def test_percentages_quantities_and_units(text, label, value, unit):
    amount = parse_amount(text, label)
    assert amount["value"] == pytest.approx(value) and amount["unit"] == unit


def test_unit_after_number():
    assert unit_after_number("between 80,000 and 100,000 barrels") == "barrels"
    assert unit_after_number("100 yards") == "yards"
    assert unit_after_number("1,000") is None


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

@pytest.fixture(scope="module")
def nlp():
    from transforms.nlp.model import load_model

    return load_model()


@pytest.fixture(scope="module")
def seed_doc(nlp, seed_path):
    return nlp("\n".join(seed_path.read_text(encoding="utf-8").split("\n")[3:]))


def test_seed_counts_name_what_they_count(seed_doc):
    from transforms.nlp.amounts import extract_amounts

    amounts = extract_amounts(seed_doc)
    by_text = {a["text"]: a for a in amounts}
    assert by_text["five"]["value"] == 5 and by_text["five"]["unit"] == "waves"
    assert by_text["thousands"]["value"] is None and by_text["thousands"]["unit"] == "troops"
    for amount in amounts:
        assert seed_doc.text[amount["start_char"]:amount["end_char"]] == amount["text"]


def test_seed_dates(seed_doc):
    from transforms.nlp.amounts import extract_dates

    dates = {d["text"]: d for d in extract_dates(seed_doc, PUBLISHED)}
    assert (dates["next month"]["year"], dates["next month"]["month"]) == (2022, 1)
    assert dates["1990"]["resolution"] == "year" and dates["1990"]["year"] == 1990
    assert (dates["the 1990s"]["resolution"], dates["the 1990s"]["year"]) == ("decade", 1990)
    assert dates["Last week"]["resolution"] == "week"
    unresolved = {d["text"]: d for d in extract_dates(seed_doc, None)}
    assert unresolved["next month"]["resolution"] is None
    assert unresolved["1990"]["year"] == 1990


def test_money_symbols_outside_the_model_span_and_currency_after_a_count(nlp):
    from transforms.nlp.amounts import extract_amounts

    doc = nlp("Maternity pay will rise by £1,400. Deutsche Boerse offered 1.88bn euros for the "
              "exchange. Russia has massed 100,000 troops near the border, a 15% rise.")
    amounts = extract_amounts(doc)
    money = [(a["text"], a["value"], a["currency"]) for a in amounts if a["kind"] == "MONEY"]
    assert ("£1,400", 1400, "GBP") in money
    assert ("1.88bn euros", pytest.approx(1.88e9), "EUR") in money
    troops = [a for a in amounts if a["unit"] == "troops"]
    assert len(troops) == 1 and troops[0]["value"] == 100000 and troops[0]["kind"] == "CARDINAL"
    assert any(a["kind"] == "PERCENT" and a["value"] == 15 and a["unit"] == "%" for a in amounts)


def test_tense_of_the_clause_picks_the_weekday(nlp):
    from transforms.nlp.amounts import extract_dates

    past = extract_dates(nlp("The minister met the union leaders on Monday."), PUBLISHED)
    future = extract_dates(nlp("The minister will meet the union leaders on Monday."), PUBLISHED)
    assert [(d["text"], d["day"]) for d in past] == [("Monday", 20)]
    assert [(d["text"], d["day"]) for d in future] == [("Monday", 27)]


def test_bbc_article_amounts(nlp, corpus_dir):
    from transforms.nlp.amounts import extract_amounts

    body = (corpus_dir / "text" / "bbc" / "politics" / "001.txt").read_text(encoding="utf-8").partition("\n")[2]
    amounts = extract_amounts(nlp(body.strip()))
    money = {(a["text"], a["currency"]) for a in amounts if a["kind"] == "MONEY"}
    assert {("£1,400", "GBP"), ("£102.80", "GBP")} <= money
    assert any(a["kind"] == "PERCENT" and a["value"] == 90 for a in amounts)
