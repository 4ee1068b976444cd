"""A faster matcher for spaCy's ``attribute_ruler``, with exactly its results.

``en_core_web_sm``'s attribute ruler maps each token's fine tag to its coarse part of
speech and morphology (plus ~100 exceptions keyed on the word, its dependency, or two-word
sequences such as "gon na").  Its general ``Matcher`` tries all 179 patterns at every
token and took about 11 % of the model's time on the BBC articles (profile in
docs/benchmarks.md), more than the tagger and lemmatizer together.

Almost every pattern looks at one token only, so whether it matches depends only on that
token's (tag, lower-case form, dependency, is-space) — and a news text repeats those
combinations.  ``FastAttributeMatcher.match`` evaluates the ruler's own patterns once per
distinct combination (memoised) and checks the few two-token patterns only where their
first token matched.  It returns what ``AttributeRuler.match`` returns (same tuples, same
order), and the ruler's own ``set_annotations`` applies them, so the annotations are
identical; ``tests/test_attribute_matcher.py`` checks that against the ruler's Matcher.
"""
from __future__ import annotations

import re

from spacy.attrs import DEP, IS_SPACE, LOWER, TAG

# The token attributes the patterns may test, in the order of the memo key.
_KEY_ATTRS = ("TAG", "LOWER", "DEP", "IS_SPACE")
_ARRAY_ATTRS = [TAG, LOWER, DEP, IS_SPACE]


class UnsupportedPattern(ValueError):
    """A pattern using a Matcher feature this matcher does not implement (the ruler is kept as is)."""


def _predicate(spec):
    """A test of one attribute value, from a Matcher pattern value (exact, IN, NOT_IN, REGEX)."""
    if not isinstance(spec, dict):
        return lambda value: value == spec
    if len(spec) != 1:
        raise UnsupportedPattern(f"predicate {spec!r}")
    (op, arg), = spec.items()
    if op == "IN":
        allowed = frozenset(arg)
        return lambda value: value in allowed
    if op == "NOT_IN":
        barred = frozenset(arg)
        return lambda value: value not in barred
    if op == "REGEX":
        pattern = re.compile(arg)
        return lambda value: bool(pattern.search(value))
    raise UnsupportedPattern(f"operator {op!r}")


def _token_test(token_spec: dict):
    """A test of one token's key (tag, lower, dep, is_space) from one pattern token."""
    if set(token_spec) - set(_KEY_ATTRS):
        raise UnsupportedPattern(f"attributes {sorted(set(token_spec) - set(_KEY_ATTRS))}")
    tests = [(_KEY_ATTRS.index(attr), _predicate(value)) for attr, value in token_spec.items()]
    return lambda key: all(test(key[position]) for position, test in tests)


def _index_values(spec) -> tuple | None:
    """The values an exact or IN test accepts (what a rule can be indexed by), else None."""
    if not isinstance(spec, dict):
        return (spec,)
    if set(spec) == {"IN"}:
        return tuple(spec["IN"])
    return None


class FastAttributeMatcher:
    """``AttributeRuler.match`` without the general Matcher; see the module docstring."""

    # A long-running (streaming) worker meets new words for ever; bound the memo.
    MAX_MEMO = 200_000

    def __init__(self, ruler):
        strings = ruler.vocab.strings
        self._strings = strings
        # Single-token patterns, indexed by the word or tag they require so that a new
        # token is tested against a handful of candidates, not all of them: entries are
        # (rule id, match id, test).  A rule's id is its position, as AttributeRuler
        # numbers them (later rules win when applied).
        self._by_lower: dict[str, list] = {}
        self._by_tag: dict[str, list] = {}
        self._always: list = []
        self._multi: list[tuple[int, int, list]] = []
        for rule_id, rule in enumerate(ruler.patterns):
            match_id = strings[str(rule_id)]
            for pattern in rule["patterns"]:
                tests = [_token_test(token) for token in pattern]
                if len(tests) > 1:
                    self._multi.append((rule_id, match_id, tests))
                    continue
                entry = (rule_id, match_id, tests[0])
                lowers, tags = _index_values(pattern[0].get("LOWER", {})), _index_values(pattern[0].get("TAG", {}))
                if "LOWER" in pattern[0] and lowers is not None:
                    for value in lowers:
                        self._by_lower.setdefault(value, []).append(entry)
                elif "TAG" in pattern[0] and tags is not None:
                    for value in tags:
                        self._by_tag.setdefault(value, []).append(entry)
                else:
                    self._always.append(entry)
        self._memo: dict[tuple, tuple] = {}

    def _for_key(self, ids: tuple) -> tuple:
        """(single-token matches, indexes of multi-token patterns whose first token matches, key)."""
        found = self._memo.get(ids)
        if found is None:
            if len(self._memo) >= self.MAX_MEMO:
                self._memo.clear()
            strings = self._strings
            key = (strings[ids[0]], strings[ids[1]], strings[ids[2]], bool(ids[3]))
            candidates = self._by_lower.get(key[1], []) + self._by_tag.get(key[0], []) + self._always
            singles = tuple(sorted((rule_id, match_id) for rule_id, match_id, test in candidates if test(key)))
            starts = tuple(n for n, (_, _, tests) in enumerate(self._multi) if tests[0](key))
            found = self._memo[ids] = (singles, starts, key)
        return found

    def match(self, doc):
        """What ``AttributeRuler.match(doc)`` returns: sorted (rule id, match id, start, end)."""
        rows = [tuple(row) for row in doc.to_array(_ARRAY_ATTRS).tolist()] if len(doc) else []
        entries = [self._for_key(ids) for ids in rows]
        matches = []
        for start, (singles, starts, _) in enumerate(entries):
            for rule_id, match_id in singles:
                matches.append((rule_id, match_id, start, start + 1))
            for n in starts:
                rule_id, match_id, tests = self._multi[n]
                end = start + len(tests)
                if end <= len(entries) and all(test(entries[start + k][2]) for k, test in enumerate(tests[1:], 1)):
                    matches.append((rule_id, match_id, start, end))
        matches.sort()
        return matches


def speed_up(nlp) -> bool:
    """Give ``nlp``'s attribute ruler the fast matcher; False (ruler untouched) if its patterns need more."""
    if "attribute_ruler" not in nlp.pipe_names:
        return False
    ruler = nlp.get_pipe("attribute_ruler")
    try:
        ruler.match = FastAttributeMatcher(ruler).match
    except UnsupportedPattern:
        return False
    return True
