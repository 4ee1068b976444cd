"""Amounts (money, percentages, quantities, counts), with values.

The spaCy part is thin: ``extract_amounts`` walks the MONEY, PERCENT, QUANTITY and
CARDINAL entities of the body and adds what only the parse knows (the noun a number
counts).  The string work is in pure functions:

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

Date mentions are resolved in ``transforms.nlp.date_mentions``.
"""
from __future__ import annotations

import re

from transforms.nlp.doc_access import doc_text
from transforms.nlp.labels import AMOUNT_LABELS, CARDINAL, MONEY, PERCENT, QUANTITY

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


def extract_amounts(body_doc, ents=None) -> list[dict]:
    """Amounts in the body: ``{"text","kind","value","unit","currency","start_char","end_char"}``.

    A CARDINAL (or a QUANTITY with no unit in its text) that is the number of a noun
    ("five waves", "100,000 troops", "thousands of troops") gets that noun as its unit.
    ``ents`` is ``body_doc.ents`` when the caller has it already.
    """
    text = doc_text(body_doc)
    amounts = []
    for ent in body_doc.ents if ents is None else ents:
        if ent.label_ not in AMOUNT_LABELS:
            continue
        written = text[ent.start_char:ent.end_char]  # ent.text, without a Token per word
        if "\n" in written:
            continue
        start, label = ent.start_char, ent.label_
        symbol = _SYMBOL_BEFORE_SPAN.search(text, max(0, start - 4), start)
        if symbol and written[:1].isdigit():
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
