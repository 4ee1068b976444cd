"""People's names as strings: titles stripped, keys, surnames, variants and misspellings.

Pure functions on text, used by the entity index (``transforms.nlp.entities``, step 3) and
the quote speakers; tested without a model.
"""
from __future__ import annotations

import functools
import re

from transforms.nlp.lexicon import (COURTESY_TITLES, FIRST_NAME_SHORT_FORMS, NAME_PARTICLES, NAME_SUFFIXES,
                                    NATIONALITY_WORDS, TITLE_CONNECTORS, TITLE_WORDS)
from transforms.nlp.entity_text import normalize_space

# One name-shaped word: a capital, then lower case, hyphen- or apostrophe-joined parts allowed
# ("Anne-Marie", "O'Neill"); what both the index and the entity rules take for a name part.
NAME_SHAPE = re.compile(r"[A-Z][a-z]+(?:['’-][A-Za-z][a-z]+)*")


def word_key(word: str) -> str:
    return word.replace(".", "").casefold()


# Names repeat within and across articles; these pure functions are called for every
# pair of mentions, so their results are cached (bounded).
@functools.lru_cache(maxsize=65536)
def strip_titles(text: str) -> str:
    """``President Vladimir Putin`` -> ``Vladimir Putin``; ``Mr Putin`` -> ``Putin``.

    Leading title words are removed while at least one word would remain, so a name
    that is only a title-like word ("Major", "King") is kept, and a text that is only a
    title ("Secretary of State") comes back whole.
    """
    words = text.split()
    i = 0
    while i < len(words) - 1:
        key = word_key(words[i])
        if key in TITLE_WORDS:
            i += 1
        elif key in NATIONALITY_WORDS and i + 2 < len(words):
            i += 1
        elif (key in TITLE_CONNECTORS and i > 0 and i + 2 < len(words)
              and word_key(words[i - 1]) in TITLE_WORDS and words[i + 1][:1].isupper()):
            i += 2  # "Secretary of State Antony Blinken": "of State" belongs to the title
        else:
            break
    if i and word_key(words[i]) in TITLE_CONNECTORS:
        return " ".join(words)
    return " ".join(words[i:])


@functools.lru_cache(maxsize=65536)
def person_name(text: str) -> str:
    """A person's name without titles or a role phrase before it.

    ``Wales physio Mark Davies`` -> ``Mark Davies``: a lower-case word that is not a name
    particle ("van", "de") marks the end of a description before the name.
    """
    words = normalize_space(text).split()
    for i in range(len(words) - 1, -1, -1):
        word = words[i]
        if word[:1].islower() and word.casefold() not in NAME_PARTICLES and i + 1 < len(words):
            words = words[i + 1:]
            break
    return strip_titles(" ".join(words))


@functools.lru_cache(maxsize=65536)
def person_key(name: str) -> tuple[str, ...]:
    """Case-folded words of a name without dots: ``Dr. J. Smith`` and ``dr j smith`` meet."""
    return tuple(key for key in (word_key(word) for word in name.split()) if key)


def surname_of(key: tuple[str, ...]) -> str | None:
    """Last word of a name key, skipping ``Jr``/``III``-style suffixes."""
    words = [word for word in key if word not in NAME_SUFFIXES] or list(key)
    return words[-1] if words else None


def is_suffix_name(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """True when ``short``'s words end ``long`` ("Blair" / "Tony Blair")."""
    return 0 < len(short) < len(long) and long[-len(short):] == short


def is_given_names_prefix(short: tuple[str, ...], long: tuple[str, ...]) -> bool:
    """True when ``short`` is two or more given names that open ``long``: a compound given name
    used alone after the full name ("José Manuel" / "José Manuel Arreola";
    :mod:`transforms.nlp.given_names`)."""
    from transforms.nlp.given_names import stored

    return 2 <= len(short) < len(long) and long[:len(short)] == short and stored().is_given_names(short)


def same_person_full_names(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """Two full names of one person: one a suffix of the other, or same first and surname,
    or one the compound given name opening the other (:func:`is_given_names_prefix`).

    First names written two ways count as the same ("Viktor Makarov" / "Victor
    Makarov"): see :func:`is_first_name_variant`.
    """
    if a == b or is_suffix_name(a, b) or is_suffix_name(b, a) or is_given_names_prefix(a, b) \
            or is_given_names_prefix(b, a):
        return True
    return (len(a) >= 2 and len(b) >= 2 and surname_of(a) == surname_of(b)
            and (a[0] == b[0] or is_first_name_variant(a[0], b[0])))


def is_first_name_variant(a: str, b: str) -> bool:
    """Two spellings of one first name (case-folded keys): "viktor" / "victor", "mohammed" / "mohamed",
    or a common short form and the full name (:data:`~transforms.nlp.lexicon.FIRST_NAME_SHORT_FORMS`).

    Same first and last letter, five letters or more, one edit apart.  Shorter names are
    too often different people ("Mark" / "Mary"), and so are names that differ at the
    end, which is where English marks a name's gender ("Andrew" / "Andrea", "Louis" /
    "Louise", "Daniel" / "Daniela").
    """
    if b in FIRST_NAME_SHORT_FORMS.get(a, ()) or a in FIRST_NAME_SHORT_FORMS.get(b, ()):
        return True  # a short form of the first name: "Josh" / "Joshua", "Bill" / "William"
    return (a != b and a[:1] == b[:1] and a[-1:] == b[-1:] and min(len(a), len(b)) >= 5
            and damerau_levenshtein(a, b) <= 1)


_TITLE_BEFORE = re.compile(r"(?<![\w.])(?P<title>[A-Z][a-z]{1,3})\.?[ \u00a0]$")


def title_before(text: str, start: int) -> int:
    """Where a courtesy title written right before ``text[start:]`` begins, else ``start``.

    ``title_before("said Mr Putin", 8)`` is 5: the model's PERSON span is "Putin", and the
    mention is widened to "Mr Putin" so that its form shows how the article refers to him.
    Only one space may separate title and name (nothing across a line break).
    """
    match = _TITLE_BEFORE.search(text, max(0, start - 6), start)
    if match and match["title"].casefold() in COURTESY_TITLES:
        return match.start()
    return start


def is_courtesy_title(word: str) -> bool:
    """"Mr", "Dr.", "mrs": a courtesy title, with or without its full stop."""
    return word.rstrip(".").casefold() in COURTESY_TITLES


def starts_with_courtesy_title(text: str) -> bool:
    """``Mr Campbell``, ``Lord Butler``: a courtesy title and one more word."""
    words = text.split()
    return len(words) == 2 and word_key(words[0]) in COURTESY_TITLES and words[1][:1].isupper()


def damerau_levenshtein(a: str, b: str) -> int:
    """Edit distance counting insertions, deletions, substitutions and adjacent swaps.

    The "optimal string alignment" variant (a swapped pair is not edited again), which
    is what typing slips need: ``Illarionov`` / ``Iliaronov`` are 2 apart.
    """
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[-1]


def max_surname_edits(a: str, b: str) -> int:
    """Edits allowed between two spellings of one surname, by the shorter one's length.

    Two for 7+ letters, one for 5-6, none below: short surnames are too close to each
    other ("Kano" / "Keane", "Wells" / "Welsh") for a typo to be told from another name.
    """
    shorter = min(len(a), len(b))
    return 2 if shorter >= 7 else 1 if shorter >= 5 else 0


def is_misspelt_surname(word: str, surname: str) -> bool:
    """True when ``word`` reads as a misspelling of ``surname`` (case-folded keys).

    Same first letter, different spelling, and within :func:`max_surname_edits`.
    """
    if word == surname or word[:1] != surname[:1]:
        return False
    return damerau_levenshtein(word, surname) <= max_surname_edits(word, surname)


def is_acronym(text: str) -> bool:
    """An all-caps token such as ``NATO``, ``MI6``, ``GB`` (2-6 characters, no spaces)."""
    compact = text.replace(".", "")
    return (2 <= len(compact) <= 6 and compact.isalnum() and compact.isupper()
            and sum(ch.isalpha() for ch in compact) >= 2)
