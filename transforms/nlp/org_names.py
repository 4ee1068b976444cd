"""Organisation names as strings: folded keys, initials, short names and defined acronyms.

Pure functions on text, used by the entity index (``transforms.nlp.entities``, step 7).
"""
from __future__ import annotations

import re

from transforms.nlp.lexicon import GENERIC_ORG_WORDS, ORG_DESIGNATOR_WORDS, ORG_FUNCTION_WORDS, ORG_LEGAL_SUFFIXES
from transforms.nlp.person_names import is_acronym, word_key


_ACRONYM_DEFINITION = re.compile(r"\s*\(\s*(?:the\s+)?([A-Za-z][A-Za-z0-9&]{1,9})\s*\)")


def org_key(name: str) -> str:
    """Comparison key for an organisation: case, ``&``/``and``, dots and legal suffixes folded."""
    words = name.replace("&", " and ").replace(".", "").replace(",", " ").casefold().split()
    while len(words) > 1 and words[-1] in ORG_LEGAL_SUFFIXES:
        words.pop()
    return " ".join(words)


def initials_variants(name: str) -> set[str]:
    """Possible acronyms of a long name, case-folded.

    With and without function words ("MoD" keeps the "o" of "of"), and with hyphenated
    words as one word or several ("Co-operation" -> C, "Anti-Doping" -> AD).  Words that
    are already acronyms contribute all their letters ("US Anti-Doping Agency" -> USADA).
    """
    variants = set()
    for split_hyphens in (False, True):
        for keep_function_words in (False, True):
            letters = []
            for word in name.replace("&", " & ").split():
                parts = word.split("-") if split_hyphens else [word]
                for part in parts:
                    if not part or (part.casefold() in ORG_FUNCTION_WORDS and not keep_function_words):
                        continue
                    if part == "&":
                        continue
                    letters.append(part.replace(".", "") if is_acronym(part) else part[0])
            variants.add("".join(letters).casefold())
    return variants


def is_org_short_name(short: str, long: str) -> bool:
    """True when the one-word ORG ``short`` is how an article shortens the ORG ``long``.

    ``Cairn`` / ``Cairn Energy plc``, ``Deutsche`` / ``Deutsche Bank``, ``Marsh`` /
    ``Marsh & McLennan``: ``long`` starts with the word and the rest only says what kind
    of company it is (:data:`ORG_DESIGNATOR_WORDS`, legal suffixes), or names a partner
    after an ampersand.  Acronyms ("BBC" / "BBC World Service") and generic first words
    ("National" / "National Grid") never count.
    """
    if " " in short or not short[:1].isupper() or is_acronym(short):
        return False
    if short.casefold() in GENERIC_ORG_WORDS:
        return False
    words = long.replace(",", " ").split()
    if len(words) < 2 or words[0].casefold() != short.casefold():
        return False
    rest = [word_key(word) for word in words[1:]]
    if rest[0] == "&":
        return len(rest) >= 2 and words[2][:1].isupper()
    return all(word in ORG_DESIGNATOR_WORDS or word in ORG_LEGAL_SUFFIXES for word in rest)


def acronym_definitions(text: str, long_name_spans: list[tuple[int, int]]) -> dict[str, tuple[int, int]]:
    """``Mobile Data Association (MDA)``: acronym -> span of the long name it follows.

    ``long_name_spans`` are (start, end) offsets of organisation mentions in ``text``.
    """
    found = {}
    for start, end in long_name_spans:
        match = _ACRONYM_DEFINITION.match(text, end)
        if match:
            found.setdefault(match.group(1).casefold(), (start, end))
    return found
