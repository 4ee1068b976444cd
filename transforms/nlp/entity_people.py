"""People of one article: full names grouped, one-word mentions attached, a canonical name each.

A family name written with its lower-case particle and no first name ("von Weizsäcker") is
read like a surname; when two people of the article share it (a father and his son), it is
the one named last before it.

**People.**  Titles and roles (``Mr``, ``President``, ``Foreign Secretary``, ``Admiral
Sir``, ``Broadcaster``...), a nationality before a full name (``Kenyan Bernard Lagat``)
and lower-case role words before a name (``Wales physio Mark Davies``) are stripped.
Full names (two or more words) are grouped when one is a word-suffix of the other or
they share first and last word (first names one edit apart count as one: "Viktor" /
"Victor").  A one-word mention (``Putin``, ``Mr Putin``) joins the
one full name with that surname; when two full names share the surname it stays
apart.  A one-word mention that is nobody's surname joins the one full name with that
first name (``Gordon`` -> ``Gordon Brown``), failing that the one full name of three or more
words with it as an inner word (``Quispe`` -> ``Rayén Quispe Mamani``, a first family name).  Failing both, it joins the one full name
whose surname it misspells (``Mr Iliaronov`` -> ``Andrei Illarionov``): same first
letter and a Damerau-Levenshtein distance of at most 2 for surnames of 7+ letters, 1
for 5-6 letters, none for shorter ones (:func:`is_misspelt_surname`).  A common short
first name joins its full form ("Josh Apte" / "Joshua Apte").  The canonical name is the
fullest form that ends with the most frequent full form ("Joel Eriksson Ek" over a more
frequent "Eriksson Ek"); a surname that starts with a particle ("Van Der Beek") is no
full form when one with the first name exists.
"""
from __future__ import annotations

from collections import Counter, defaultdict

from transforms.nlp.entity_mentions import MentionItem
from transforms.nlp.lexicon import NAME_PARTICLES
from transforms.nlp.person_names import (is_given_names_prefix, is_misspelt_surname, is_suffix_name, person_key,
                                         person_name, same_person_full_names, surname_of)


class PersonGroups:
    """People of the article: full names grouped, then one-word mentions attached."""

    def __init__(self, person_items: list[MentionItem]):
        self.forms: dict[tuple[str, ...], int] = {}     # full-name key -> group id
        self.lookup: dict[str, str] = {}                # "putin" / "vladimir putin" -> canonical
        full_counts: list[Counter] = []                 # group id -> full-name form counts
        singles = []
        full_at: list[tuple[int, int]] = []             # (reading position, group id) of full names
        for position, item in enumerate(person_items):
            name = person_name(item.text)
            key = person_key(name)
            if len(key) >= 2 and not _surname_only(name, key):
                gid = self._full_group(key, full_counts)
                full_counts[gid][name] += 1
                item.group = ("PERSON", gid)
                full_at.append((position, gid))
            else:
                singles.append((item, key, position))
        self.canonical = [_canonical_full_name(counts) for counts in full_counts]  # by group id
        self.by_surname: dict[str, set[int]] = defaultdict(set)
        self.by_first_name: dict[str, set[int]] = defaultdict(set)
        self.by_inner_surname: dict[str, set[int]] = defaultdict(set)
        for key, gid in self.forms.items():
            self.by_surname[surname_of(key)].add(gid)
            self.by_first_name[key[0]].add(gid)
            for word in _inner_surnames(key):
                self.by_inner_surname[word].add(gid)
        for key, gid in self.forms.items():
            self.lookup[" ".join(key)] = self.canonical[gid]
        for word in set(self.by_surname) | set(self.by_first_name) | set(self.by_inner_surname):
            gid = self.group_for_word(word)
            if gid is not None:
                self.lookup[word] = self.canonical[gid]
        for item, key, position in singles:
            word = surname_of(key)
            gid = self.group_for_word(word)
            if gid is None and len(key) >= 2:    # a bare surname shared by two stays apart
                gid = self._latest_before(position, self.by_surname.get(word, set()), full_at)
            if gid is None:
                gid = self.group_for_misspelt_surname(word)
                if gid is not None:
                    self.lookup.setdefault(word, self.canonical[gid])
            if gid is not None:
                item.group = ("PERSON", gid)
            # else: a person known by one name only, or an ambiguous surname; such
            # mentions take part in the label vote before they are grouped.

    @staticmethod
    def _latest_before(position: int, candidates: set[int], full_at: list[tuple[int, int]]) -> int | None:
        """Of two people sharing a family name ("Richard von Weizsäcker" and his son "Fritz von
        Weizsäcker"), the one named last before a mention of the family name alone."""
        if len(candidates) < 2:
            return None
        return next((gid for at, gid in reversed(full_at) if at < position and gid in candidates), None)

    def _full_group(self, key, full_counts) -> int:
        gid = self.forms.get(key)
        if gid is None:
            gid = next((g for k, g in self.forms.items() if same_person_full_names(k, key)), None)
            if gid is None:
                gid = len(full_counts)
                full_counts.append(Counter())
            self.forms[key] = gid
        return gid

    def group_for_word(self, word: str) -> int | None:
        """The one full-name group this single word names (surname first, then first name)."""
        by_surname = self.by_surname.get(word, set())
        if len(by_surname) == 1:
            return next(iter(by_surname))
        if by_surname:
            return None  # two people share the surname: ambiguous
        by_first = self.by_first_name.get(word, set())
        if by_first:
            return next(iter(by_first)) if len(by_first) == 1 else None
        by_inner = self.by_inner_surname.get(word, set())
        return next(iter(by_inner)) if len(by_inner) == 1 else None

    def group_for_misspelt_surname(self, word: str) -> int | None:
        """The one full-name group whose surname ``word`` misspells ("Iliaronov" -> Andrei Illarionov).

        Only for a word that is nobody's surname or first name here, and only when one
        person's surname is close enough (:func:`is_misspelt_surname`); two candidates
        leave the word alone.
        """
        if word in self.by_surname or word in self.by_first_name:
            return None
        groups = {gid for surname, gids in self.by_surname.items()
                  if is_misspelt_surname(word, surname) for gid in gids}
        return next(iter(groups)) if len(groups) == 1 else None

    def group_for_full_name_or_surname(self, name: str) -> int | None:
        """The group ``name`` is a full-name form of, or the one group with that surname.

        First names do not count here: this serves mentions under other labels, where
        "Jordan" next to "Jordan Henderson" is more likely the country.
        """
        key = person_key(name)
        if len(key) >= 2:
            return self.forms.get(key)
        by_surname = self.by_surname.get(key[0], set()) if key else set()
        return next(iter(by_surname)) if len(by_surname) == 1 else None


def _inner_surnames(key: tuple[str, ...]) -> list[str]:
    """The inner words of a name of three or more words, but particles and initials: the first
    of two family names ("Quispe" of "Rayén Quispe Mamani", "García" of "Gabriel García
    Márquez"), which Spanish and Portuguese news use alone, or a second given name ("Manuel"
    of "José Manuel Arreola"; many names are both)."""
    return [word for word in key[1:-1] if len(word) > 2 and word not in NAME_PARTICLES]


def _surname_only(name: str, key: tuple[str, ...]) -> bool:
    """A family name with its particle and no first name, the particle written in lower case:
    "von Weizsäcker", "de Gaulle" (not "Ben Stokes" or "Al Gore", whose first names are
    particles elsewhere)."""
    return len(key) >= 2 and name[:1].islower() and all(word in NAME_PARTICLES for word in key[:-1])


def _canonical_full_name(counts: Counter) -> str:
    """The canonical name of a person: the most frequent full form, or the fullest form that
    ends with it, where a surname that
    starts with a particle ("Van Der Beek", "de Gaulle") is no full form when the article
    also gives one with the first name ("James Van Der Beek")."""
    with_first_name = Counter({form: n for form, n in counts.items()
                               if form.split()[0].casefold() not in NAME_PARTICLES})
    pool = with_first_name or counts
    best = most_frequent_longest(pool)
    # The fullest name the article gives wins over a shorter form written more often:
    # "Joel Eriksson Ek" once and "Eriksson Ek" twice is Joel Eriksson Ek.
    best_key = person_key(best)
    fuller = [form for form in pool if is_suffix_name(best_key, person_key(form))
              or is_given_names_prefix(best_key, person_key(form))]
    return max(fuller, key=lambda form: (len(form.split()), pool[form])) if fuller else best


def most_frequent_longest(counts: Counter) -> str:
    """Most frequent form; ties go to the longer, then to the first seen."""
    order = {form: i for i, form in enumerate(counts)}
    return max(counts, key=lambda form: (counts[form], len(form.split()), -order[form]))
