"""Amounts: parsing (pure) and extraction with the real model (dates: test_date_mentions.py)."""
import pytest

from transforms.nlp.amounts import parse_amount, parse_number, unit_after_number


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


def test_bbc_article_amounts(nlp, corpus_dir):
    from transforms.nlp.amounts import extract_amounts

    body = (corpus_dir / "text" / "bbc" / "politics" / "001.txt").read_text(encoding="utf-8").partition("\n")[2]
    amounts = extract_amounts(nlp(body.strip()))
    money = {(a["text"], a["currency"]) for a in amounts if a["kind"] == "MONEY"}
    assert {("£1,400", "GBP"), ("£102.80", "GBP")} <= money
    assert any(a["kind"] == "PERCENT" and a["value"] == 90 for a in amounts)
