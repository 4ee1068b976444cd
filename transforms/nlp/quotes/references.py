"""Pronouns and descriptions resolved to the people and organisations named before them.

"he", "they", "the Russian president", "the defender", "the 56-year-old", "the ministry",
"the company": each refers back to a subject the article named earlier (or, for an
organisation's description, in the same sentence).  Part of step 3 of quote extraction
(``resolution.py``); conventions with examples: ``docs/quotes.md``.
"""
from __future__ import annotations

import bisect
import re

from transforms.nlp.labels import GROUP_LABELS, SPEAKER_LABELS
from transforms.nlp.lexicon import (ANAPHORIC_ORG_NOUNS, GENERIC_PERSON_NOUNS, GROUP_PRONOUNS, ORG_NOUNS,
                                    PRONOUN_GENDER, ROLE_EQUIVALENTS, SPEECH_VERBS, UNNAMED_SOURCE_NOUNS)
from transforms.nlp.quotes.doc_view import DocView, Speaker, Subject
from transforms.nlp.quotes.names import (determiner_of, is_age_description, is_nationality_noun, is_role_word,
                                         noun_gender)
from transforms.nlp.quotes.titles import description_of
from transforms.nlp.quotes.speaker_names import canonical, gender_of


def _compatible(gender: str | None, wanted: str | None) -> bool:
    return gender is None or wanted is None or gender == wanted


def subjects_before(view: DocView, char: int) -> list[Subject]:
    """Subjects before ``char``, latest first."""
    k = bisect.bisect_left([s.char for s in view.subjects], char)
    return view.subjects[:k][::-1]


def _subject_gender(view: DocView, subject: Subject) -> str | None:
    return subject.gender or (gender_of(view, subject.speaker.name) if subject.speaker else None)


def resolve_pronoun(view: DocView, pronoun, char: int) -> Speaker | None:
    """he/she: the latest compatible person subject; it/they: a group subject within two
    paragraphs; both preferring the main clause of the latest sentence with a candidate."""
    word = pronoun.lower_
    if word in PRONOUN_GENDER:
        wanted = PRONOUN_GENDER[word]
        people = [s for s in subjects_before(view, char) if s.is_person and not s.plural
                  and _compatible(_subject_gender(view, s), wanted)]
        if not people:
            return None
        # In the latest sentence with a candidate, a main clause's subject is preferred
        # ("Baroness Boothroyd said she believed Tony Blair initiated ... . "...," she told"),
        # and among those one known to have the pronoun's gender; failing a main clause
        # (a misparse), the sentence's first candidate, which usually governs the others.
        latest = [s for s in people if s.sentence == people[0].sentence]
        main = [s for s in latest if s.main_clause]
        # One known to have the pronoun's gender wins over one whose gender is unknown,
        # in the main clause first ("Bipin Bihari said Khan was sent back to Norway, from
        # which she holds a passport": Khan, known as *she* before, not Bihari).
        known = [s for s in main + latest[::-1] if _subject_gender(view, s) == wanted]
        subject = known[0] if known else main[0] if main else latest[-1]
        if subject.speaker is None:
            return None                              # "the spokesman said ... he added"
        name = subject.speaker.name
        if subject.speaker.label == "PERSON" and name not in view.genders:
            view.genders[name] = wanted              # learnt: "Hazel Blears ... she said"
        return Speaker(name, subject.speaker.label, "pronoun", wanted)
    if word in GROUP_PRONOUNS:
        groups = _group_candidates(view, word, char)
        if not groups:
            return None
        # As for he/she, a main-clause subject of the latest sentence with a candidate is
        # preferred ('Acme said Leeds was "...". It also said'); failing one,
        # the latest candidate.
        subject = next((s for s in groups if s.main_clause), groups[0])
        return Speaker(subject.speaker.name, subject.speaker.label, "pronoun")
    return None


def _group_candidates(view: DocView, word: str, char: int) -> list[Subject]:
    """Organisation or group subjects *it*/*they* may refer to: those of the latest sentence
    with one within two paragraphs, latest first.

    People are passed over, except that *they* right after a person (no group in between)
    is a group we cannot name: no candidates.
    """
    paragraph, found = view.narrative_paragraph_of(char), []
    for subject in subjects_before(view, char):
        if subject.paragraph < paragraph - 1 or (found and subject.sentence != found[0].sentence):
            break
        if subject.is_person:
            if word == "they" and not found:
                return []
            continue
        if subject.speaker is not None and subject.speaker.label in GROUP_LABELS:
            found.append(subject)
    return found


def resolve_description(view: DocView, token, char: int) -> Speaker | None:
    """A common-noun subject ("the Russian president", "the ministry") to a named entity."""
    head = token.lemma_.lower() if token.pos_ == "NOUN" else token.lower_
    determiner = determiner_of(token)
    if token.tag_ in ("NNS", "NNPS"):
        return None                                  # "officials said": several unnamed people
    if determiner in ("a", "an", "another", "some", "one"):
        return None                                  # an indefinite description is someone new
    if head in ORG_NOUNS:
        # Never a person's title: "the label said" is not "the label's chief executive, X".
        return _resolve_org_description(view, token, head, char)
    description = description_of(token)
    wanted = ROLE_EQUIVALENTS.get(head, frozenset({head}))
    if "prime" in description.words and head == "minister":
        wanted = ROLE_EQUIVALENTS["premier"]
    matches = {name for name, titles in view.titles.items()
               if any(title.fulfils(wanted, description) for title in titles)}
    if len(matches) == 1:
        name = matches.pop()
        return Speaker(name, "PERSON", "explicit", gender_of(view, name))
    if matches:
        return None                                  # several people hold that title
    if determiner == "the" and token.pos_ == "NOUN":
        named = _org_named_by_its_last_word(view, head)
        if named is not None:
            return named
    return refer_back(view, token, head, determiner, char)


def org_named_after_place(view: DocView, place: str) -> Speaker | None:
    """"Tottenham said in a statement" next to "Tottenham Hotspur": a place that speaks is
    the one organisation of the article named after it (a club, a council, a company)."""
    named = {name for name in view.org_names if name.startswith(place + " ")}
    return Speaker(named.pop(), "ORG", "explicit") if len(named) == 1 else None


def _org_named_by_its_last_word(view: DocView, head: str) -> Speaker | None:
    """"the survey said" after "the Nordic Ice Survey": the one organisation of the
    article whose name ends in the description's noun."""
    named = {name for name in view.org_names if name.split()[-1].casefold() == head and " " in name}
    return Speaker(named.pop(), "ORG", "explicit") if len(named) == 1 else None


def refer_back(view: DocView, token, head: str, determiner: str | None, char: int) -> Speaker | None:
    """A definite role description no title matches ("the defender", "the Salford MP", "the
    30-year-old") is the person the text is about: for an age, the one person whose age the
    article gave (:func:`_person_of_age`); else the latest named person subject of this or
    the previous paragraph.  Unnamed sources, generic nouns, possessive descriptions
    ("the prime minister's spokesman") and descriptions that introduce someone ("the
    chairman of the Bar Council") do not refer back."""
    if head in UNNAMED_SOURCE_NOUNS or head in GENERIC_PERSON_NOUNS or determiner == "poss":
        return None
    if not (is_role_word(head) or is_age_description(token) or is_nationality_noun(token)):
        return None
    if any(c.dep_ == "prep" or (c.dep_ == "appos" and not _is_misparsed_relative(c))
           or (c.dep_ == "relcl" and _is_restrictive(c)) for c in token.children):
        return None
    if is_age_description(token):
        of_that_age = _person_of_age(view, token)
        if of_that_age is not None:
            return of_that_age
    return latest_named_subject(view, char, "PERSON", noun_gender(head))


def _person_of_age(view: DocView, token) -> Speaker | None:
    """"The 56-year-old said", paragraphs after "Kinnear-Mowbray, a joiner who turned 56" (or
    "Parise, 35," or "56-year-old Ann Lee"): the one person named in a sentence that gives
    that age, nearest before the number (or right after "N-year-old")."""
    doc = view.doc
    number = token.i - 4                         # "56", "-", "year", "-", "old"
    if number < 0 or not doc[number].like_num:
        return None
    age, names = doc[number].text, set()
    for k in range(number):
        if doc[k].text != age:
            continue
        sentence = doc[k].sent
        people = [(ent, canonical(view, ent)) for ent in doc.ents
                  if sentence.start <= ent.start and ent.end <= sentence.end and ent.label_ in SPEAKER_LABELS]
        people = [(ent, name) for ent, (name, label) in people if label == "PERSON"]
        before = [name for ent, name in people if ent.end <= k]
        after = [name for ent, name in people if ent.start > k + 4]
        names.update(after[:1] if k + 2 < len(doc) and doc[k + 2].lower_ == "year" else before[-1:])
    if len(names) != 1:
        return None
    name = names.pop()
    return Speaker(name, "PERSON", "explicit", gender_of(view, name))


def _is_misparsed_relative(appos) -> bool:
    """An apposition that opens with a relative pronoun after a comma is a relative clause
    the parser misread ("the researcher, who has so far created games": *games* as the
    apposition): it adds to the description and does not introduce anyone."""
    first = appos.left_edge
    return first.lower_ in ("who", "which") and first.i > 0 and first.doc[first.i - 1].text == ","


def _is_restrictive(clause) -> bool:
    """A relative clause that picks someone out ("the researcher who built it") rather than
    adding to a description already complete ("the researcher, who has studied games")."""
    first = clause.left_edge
    return not (first.i > 0 and first.doc[first.i - 1].text == ",")


def _resolve_org_description(view: DocView, token, head: str, char: int) -> Speaker | None:
    """"the ministry", "the airline": the one organisation named with the noun, else the one
    introduced with it ("the accounting firm X", "X, the firm"), else (for nouns that refer back) the one organisation named earlier in the same sentence ("The
    ferry operator X will cut sailings, the company said"), else the latest named
    organisation subject nearby, else the one the same description referred to earlier in
    the article ("the airline" after a tweet and a passenger's words is still the airline
    it was)."""
    named = {name for name in view.org_names if re.search(rf"\b{re.escape(head)}\b", name, re.IGNORECASE)}
    if len(named) == 1:
        return Speaker(named.pop(), "ORG", "explicit")
    introduced = view.org_kinds.get(head, set())
    if not named and len(introduced) == 1:
        return Speaker(next(iter(introduced)), "ORG", "explicit")
    if not named and head in ANAPHORIC_ORG_NOUNS:
        found = _org_named_before_in_sentence(view, token) or latest_named_subject(view, char, "ORG", None)
        if found is not None:
            view.described_orgs.setdefault(head, []).append((char, found.name))
            return found
        # Subjects are collected before quotations are attributed, so the memo may hold
        # later uses of the description: only those before this one count.
        earlier = [name for at, name in view.described_orgs.get(head, ()) if at < char]
        return Speaker(earlier[-1], "ORG", "explicit") if earlier else None
    return None


def _org_named_before_in_sentence(view: DocView, token) -> Speaker | None:
    """The one organisation named outside quotations in the sentence before ``token``, when
    the description reports it ("The ferry operator X will cut sailings, the company said";
    not "According to a statement from X, the firm failed ...")."""
    if token.dep_ != "nsubj" or token.head.lemma_.lower() not in SPEECH_VERBS:
        return None
    sentence = token.sent
    names = {canonical(view, ent) for ent in sentence.ents
             if ent.end <= token.i and view.owner[ent.start] < 0 and ent.label_ in SPEAKER_LABELS}
    orgs = {name for name, label in names if label == "ORG"}
    return Speaker(orgs.pop(), "ORG", "explicit") if len(orgs) == 1 else None


def latest_named_subject(view: DocView, char: int, label: str, gender: str | None) -> Speaker | None:
    """The latest named subject with ``label`` in the current or previous paragraph; of
    several in that sentence, the one highest in its parse ("Van Der Beek announced that
    Kimberly was expecting": Van Der Beek)."""
    paragraph = view.narrative_paragraph_of(char)
    found: list[Subject] = []
    for subject in subjects_before(view, char):
        if subject.paragraph < paragraph - 1 or (found and subject.sentence != found[0].sentence):
            break
        speaker = subject.speaker
        if speaker is not None and speaker.label == label and not subject.plural and \
                _compatible(gender, _subject_gender(view, subject)):
            found.append(subject)
    if not found:
        return None
    speaker = min(found, key=lambda subject: subject.depth).speaker
    return Speaker(speaker.name, label, "explicit", gender or speaker.gender)
