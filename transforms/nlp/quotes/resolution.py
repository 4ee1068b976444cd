"""Step 3 of quote extraction: a speaker token resolved to a canonical name and label.

Named entities go through the article's entity index; names the NER missed are read from
the parse; pronouns, role descriptions ("the Russian president", "the defender") and
organisation descriptions ("the ministry") resolve to people and organisations named
earlier.  Conventions with examples: ``docs/quotes.md``.
"""
from __future__ import annotations

import bisect
import re

from transforms.nlp.doc_access import tokens_where
from transforms.nlp.org_names import initials_variants
from transforms.nlp.person_names import is_acronym
from transforms.nlp.labels import GROUP_LABELS, SPEAKER_LABELS, SPEAKER_SURNAME_MISLABELS
from transforms.nlp.lexicon import (ANAPHORIC_ORG_NOUNS, COMMUNICATION_NOUNS, GENERIC_PERSON_NOUNS,
                                    GROUP_PRONOUNS, OFFICE_NOUNS, ORG_NOUNS, PERSON_SUBJECT_VERBS, PRONOUN_GENDER,
                                    ROLE_EQUIVALENTS, SPEECH_VERBS,
                                    UNNAMED_SOURCE_NOUNS)
from transforms.nlp.quotes.doc_view import DocView, Speaker, Subject
from transforms.nlp.quotes.names import (after_role_title, clean_surface, determiner_of, honorific_before,
                                         introduced_by_role, is_age_description, is_nationality_noun,
                                         is_one_word_name, is_person_noun, is_role_word, looks_like_person,
                                         modified_noun, name_chain, noun_gender, read_honorific,
                                         strip_honorifics)
from transforms.nlp.quotes.titles import description_of


def canonical(view: DocView, ent) -> tuple[str, str]:
    """(canonical name, label) of an entity span, through the entity index.

    A name after an honorific is a person whatever the NER said ("Lord Butler" as ORG).
    A PERSON span without one takes the label the article groups it under when that is
    not PERSON (``grouped_as_non_person``).  A name the index does not know keeps its
    surface form (without "the" or "'s").
    """
    key = (ent.start, ent.end, ent.label_)
    found = view.canonical_of.get(key)
    if found is None:
        found = view.canonical_of[key] = _canonical(view, ent)
    return found


def _canonical(view: DocView, ent) -> tuple[str, str]:
    index = view.index
    grouped = grouped_as_non_person(view, ent)
    if grouped is not None:
        return grouped
    if ent.label_ == "PERSON" or honorific_before(view.doc, ent) is not None or looks_like_person(ent):
        name = (index.canonical_for_span(ent) if ent.label_ == "PERSON" else None) \
            or index.resolve_person(ent.text) or index.resolve_person(strip_honorifics(ent.text))
        if name is None and ent.label_ == "PERSON":
            name = index.canonical_for_span(ent)
        return name or strip_honorifics(clean_surface(ent.text)), "PERSON"
    if ent.label_ in SPEAKER_SURNAME_MISLABELS and len(ent) == 1:
        # The small model tags surnames as organisations ("Nair told the BBC", "said
        # Campbell"); a one-word name that is the surname of a person in the article is
        # that person here, where it is who speaks or is spoken of.
        person = index.resolve_person(clean_surface(ent.text))
        if person is not None:
            return person, "PERSON"
    name = index.canonical_for_span(ent)
    if name is not None:
        return name, view.labels.get(name, ent.label_)
    person = index.resolve_person(ent.text)
    if person is not None:
        return person, "PERSON"
    return clean_surface(ent.text), ent.label_


def grouped_as_non_person(view: DocView, ent) -> tuple[str, str] | None:
    """(name, label) of a PERSON-tagged span that the article's entity index groups as no person.

    The small model tags an organisation PERSON in one sentence ("Acme is sure of its
    case, and "...," he said", after its lawyer spoke) while the index, which weighs all
    the article's mentions, knows it as an organisation; the article's label wins, so the
    span is no candidate for *he*/*she*.  A name after an honorific stays a person.
    """
    if ent.label_ != "PERSON" or honorific_before(view.doc, ent) is not None:
        return None
    name = view.index.canonical_for_span(ent)
    label = view.labels.get(name) if name else None
    if label is None or label == "PERSON":
        return None
    return name, label


def _unrecognised_name(view: DocView, token) -> Speaker | None:
    """A subject that is a name the NER missed: 'Mr Davies, 60, said', 'Lord Nicholls ... said'.

    A name after an honorific, or one the index knows as a person, is a person; other
    proper-noun subjects that are not office words take the article's entity of that form
    (tagged in another sentence) or keep their surface form without a label.
    """
    chain = name_chain(token)
    if chain is None:
        return None
    honorific = read_honorific(chain[0].text)
    name = view.index.resolve_person(chain.text)
    if name is not None:
        if honorific and name not in view.genders:
            view.genders[name] = honorific
        return Speaker(name, "PERSON", "explicit", honorific or gender_of(view, name))
    if honorific is not None and len(chain) >= 2:
        surface = strip_honorifics(chain.text)
        if honorific:
            view.genders.setdefault(surface, honorific)
        return Speaker(surface, "PERSON", "explicit", honorific or None)
    if len(chain) >= 2 and not any(t.lower_ in OFFICE_NOUNS or t.lower_ in ORG_NOUNS for t in chain):
        if introduced_by_role(token) or after_role_title(chain):
            return Speaker(chain.text, "PERSON", "explicit")
        return _indexed_word(view, chain.text)       # "Big Machine have denied", tagged elsewhere
    if len(chain) == 1 and is_one_word_name(token):
        known = _indexed_word(view, token.text)
        if known.label is None and introduced_by_role(token):
            known.label = "PERSON"
        return known
    return None


def _indexed_word(view: DocView, word: str) -> Speaker:
    """A word the NER left untagged here: the article's entity of that form (its canonical
    name and label) when the index knows one, else the word itself without a label."""
    name = view.forms.get(word)
    if name is not None:
        label = view.labels.get(name)
        return Speaker(name, label, "explicit", gender_of(view, name) if label == "PERSON" else None)
    return Speaker(word, None, "explicit")


def gender_of(view: DocView, name: str | None) -> str | None:
    return view.genders.get(name) if name else None


def _compatible(gender: str | None, wanted: str | None) -> bool:
    return gender is None or wanted is None or gender == wanted


def _subjects_before(view: DocView, char: int) -> list[Subject]:
    """Subjects before ``char``, latest first."""
    k = bisect.bisect_left([s.char for s in view.subjects], char)
    return view.subjects[:k][::-1]


def _subject_gender(view: DocView, subject: Subject) -> str | None:
    return subject.gender or (gender_of(view, subject.speaker.name) if subject.speaker else None)


def _resolve_pronoun(view: DocView, pronoun, char: int) -> Speaker | None:
    """he/she: the latest compatible person subject; it/they: a group subject within two
    paragraphs; both preferring the main clause of the latest sentence with a candidate."""
    word = pronoun.lower_
    if word in PRONOUN_GENDER:
        wanted = PRONOUN_GENDER[word]
        people = [s for s in _subjects_before(view, char) if s.is_person and not s.plural
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
    for subject in _subjects_before(view, char):
        if subject.paragraph < paragraph - 1 or (found and subject.sentence != found[0].sentence):
            break
        if subject.is_person:
            if word == "they" and not found:
                return []
            continue
        if subject.speaker is not None and subject.speaker.label in GROUP_LABELS:
            found.append(subject)
    return found


def _resolve_description(view: DocView, token, char: int) -> Speaker | None:
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
    return _refer_back(view, token, head, determiner, char)


def _org_named_after_place(view: DocView, place: str) -> Speaker | None:
    """"Tottenham said in a statement" next to "Tottenham Hotspur": a place that speaks is
    the one organisation of the article named after it (a club, a council, a company)."""
    named = {name for name in view.org_names if name.startswith(place + " ")}
    return Speaker(named.pop(), "ORG", "explicit") if len(named) == 1 else None


def _org_named_by_its_last_word(view: DocView, head: str) -> Speaker | None:
    """"the survey said" after "the Nordic Ice Survey": the one organisation of the
    article whose name ends in the description's noun."""
    named = {name for name in view.org_names if name.split()[-1].casefold() == head and " " in name}
    return Speaker(named.pop(), "ORG", "explicit") if len(named) == 1 else None


def _refer_back(view: DocView, token, head: str, determiner: str | None, char: int) -> Speaker | None:
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
    for subject in _subjects_before(view, char):
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


def resolve_token(view: DocView, token) -> Speaker | None:
    """The speaker a subject/speaker token names: an entity, a pronoun or a description."""
    if token.i in view.subject_speaker:
        return view.subject_speaker[token.i]
    return _resolve_mention(view, token)


def _resolve_mention(view: DocView, token) -> Speaker | None:
    ent = view.entity_of.get(token.i)
    if ent is not None and ent.label_ == "NORP" and modified_noun(token) is not token:
        return _resolve_mention(view, modified_noun(token))   # "the Uruguayan-born researcher"
    if is_nationality_noun(token):
        return _refer_back(view, token, token.lower_, determiner_of(token), token.idx)   # "the Frenchman"
    if ent is not None and ent.label_ in SPEAKER_LABELS:
        name, label = canonical(view, ent)
        if label == "GPE":
            named = _org_named_after_place(view, name)
            if named is not None:
                return named
        return Speaker(name, label, "explicit", gender_of(view, name))
    if token.pos_ == "PRON":
        if token.lower_ in ("who", "that", "which") and token.head.dep_ == "relcl":
            return _resolve_mention(view, token.head.head)   # "Mr X, who said ..."
        return _resolve_pronoun(view, token, token.idx)
    # "Liberal Democrat spokeswoman Sandra Gidley", "The Shadow Secretary..., Theresa May,",
    # "The company that runs the awards, Dick Clark Productions, denies"
    for child in token.children:
        if child.dep_ in ("appos", "compound") and child.i != token.i:
            ent = view.entity_of.get(child.i)
            if ent is not None and (ent.label_ == "PERSON" or (ent.label_ == "ORG" and child.dep_ == "appos"
                                                               and token.lemma_.lower() in ORG_NOUNS)):
                name, label = canonical(view, ent)
                return Speaker(name, label, "explicit", gender_of(view, name))
            chain = name_chain(child) if child.dep_ == "appos" else None
            if chain is not None and len(chain) >= 2:
                name = view.index.resolve_person(chain.text)
                return Speaker(name or chain.text, "PERSON", "explicit", gender_of(view, name))
    trailing = _trailing_apposition(view, token)
    if trailing is not None:
        name, label = canonical(view, trailing)
        return Speaker(name, label, "explicit", gender_of(view, name))
    titled = _name_in_title(view, token)
    if titled is not None:
        return _resolve_mention(view, titled)            # "Director of rugby X has ..." parsed X as of's object
    if token.pos_ == "PROPN":
        named = _unrecognised_name(view, token)
        if named is not None:
            return named
    if is_age_description(token):
        return _refer_back(view, token, "year-old", determiner_of(token), token.idx)
    if token.pos_ == "NOUN" and not is_person_noun(token):
        # "His sales pitch adds", "the company's statement said": the owner speaks; so does
        # the organisation named before a statement ("said an FA statement").
        owner = next((c for c in token.children if c.dep_ == "poss"), None)
        if owner is not None:
            return _resolve_mention(view, owner)
        if token.lemma_.lower() in COMMUNICATION_NOUNS:
            owner = _statement_owner(view, token)
            if owner is None and determiner_of(token) == "the":
                owner = _latest_author(view, token.idx)
            if owner is not None:
                return owner
    if token.pos_ in ("NOUN", "PROPN"):
        return _resolve_description(view, token, token.idx)
    return None


def _trailing_apposition(view: DocView, token):
    """The name set off by commas at the end of a subject described by a common noun:
    "The company that runs the awards, Corran Live Productions, denies" (an organisation
    for an organisation noun) or "The man who found it, Ivo Strand, said" (a person for a
    person noun).  The small model hangs such a name on the relative clause's object; it
    ends right before the comma that precedes the subject's verb group."""
    verb = token.head
    if token.dep_ not in ("nsubj", "nsubjpass") or verb.i <= token.i or token.pos_ != "NOUN":
        return None
    wanted = "ORG" if token.lemma_.lower() in ORG_NOUNS else "PERSON" if is_person_noun(token) else None
    if wanted is None:
        return None
    doc = view.doc
    first = min([verb.i] + [c.i for c in verb.children if c.dep_ in ("aux", "auxpass", "neg") and c.i > token.i])
    ent = view.entity_of.get(first - 2) if doc[first - 1].text == "," else None
    if ent is None or ent.end != first - 1 or ent.start <= token.i + 1 or doc[ent.start - 1].text != ",":
        return None
    if any(view.owner[i] >= 0 for i in range(token.i, ent.end)):
        return None
    return ent if canonical(view, ent)[1] == wanted else None


def _name_in_title(view: DocView, token):
    """The name that a role noun's *of* phrase ends in: in "Director of rugby Julien
    Marchetti has ..." the parser makes *Director* the subject and the name the object of
    *of*; a name right after the title's last word (not right after *of*: "the chairman
    of Acme Foods") is the person the title belongs to."""
    if not is_person_noun(token):
        return None
    for prep in token.children:
        if prep.dep_ != "prep" or prep.lower_ != "of":
            continue
        for pobj in prep.children:
            ent = view.entity_of.get(pobj.i)
            if pobj.dep_ == "pobj" and ent is not None and ent.root.i == pobj.i \
                    and (ent.label_ == "PERSON" or looks_like_person(ent)) and after_role_title(ent):
                return pobj
    return None


def _statement_owner(view: DocView, statement) -> Speaker | None:
    """Who issued "an FA statement" or "a statement from Acme": the named compound before a
    communication noun, or the named entity after its *from*/*by*.

    Any named entity there speaks (the model tags such owners ORG, GPE, PERSON and
    sometimes PRODUCT); an acronym it left untagged ("an FA statement": *FA* as a common
    noun) is the organisation of that name, through the entity index when it knows it.
    """
    for child in statement.children:
        if child.dep_ != "compound" or child.i > statement.i:
            continue
        ent = view.entity_of.get(child.i)
        if ent is not None and ent.label_ == "NORP":
            # The model tags some acronyms NORP ("an HA statement"); resolving a NORP goes
            # to the noun it modifies, this statement, and would come back here for ever.
            return _org_of_acronym(view, child.text) if is_acronym(child.text) else None
        if ent is not None and ent.label_ in SPEAKER_LABELS:
            return _resolve_mention(view, child)
        if ent is None and is_acronym(child.text):
            known = _indexed_word(view, child.text)
            return known if known.label else _org_of_acronym(view, child.text)
    for prep in statement.children:                  # "a statement from Acme Live read:"
        if prep.dep_ == "prep" and prep.lower_ in ("from", "by"):
            source = next((c for c in prep.children if c.dep_ == "pobj"), None)
            ent = view.entity_of.get(source.i) if source is not None else None
            if ent is not None and ent.label_ in SPEAKER_LABELS:
                return _resolve_mention(view, source)
    return None


def _latest_author(view: DocView, char: int) -> Speaker | None:
    """Whose "the statement" is ("X said in a separate statement that ... "...," the
    statement said"): the latest named person or organisation subject of this or the
    previous paragraph."""
    paragraph = view.narrative_paragraph_of(char)
    for subject in _subjects_before(view, char):
        if subject.paragraph < paragraph - 1:
            break
        speaker = subject.speaker
        if speaker is not None and speaker.name and speaker.label in ("ORG", "PERSON") and not subject.plural:
            return Speaker(speaker.name, speaker.label, "explicit", speaker.gender)
    return None


def _org_of_acronym(view: DocView, acronym: str) -> Speaker:
    """An untagged acronym that speaks ("said an FA statement"): the one organisation of the
    article with those initials ("The Football Association"), else the acronym itself."""
    key = acronym.replace(".", "").casefold()
    named = {name for name in view.org_names if " " in name and key in initials_variants(name)}
    return Speaker(named.pop() if len(named) == 1 else acronym, "ORG", "explicit")


def _antecedent_role(view: DocView, token) -> tuple[str, object] | None:
    """(role, verb) when ``token`` can be the antecedent of a later pronoun, else None.

    Subjects (also a name the parser took for an adverb of a speech verb: "Early says");
    agents of a main-clause passive ("The report was welcomed by X"); named
    possessors of a non-person subject ("Williams' track beat songs by ..."); and people
    introduced with an apposition ("... came from Brian Gammage, vice-president of ...").
    Agents in relative clauses ("an interview, which was conducted by Y") are left out.
    """
    if view.owner[token.i] >= 0:
        return None
    if token.dep_ in ("nsubj", "nsubjpass"):
        return "subject", token.head
    if token.dep_ == "pobj" and token.head.dep_ == "agent" and token.head.head.dep_ == "ROOT":
        return "agent", token.head.head
    if token.ent_type_ != "PERSON":
        return None
    if token.dep_ in ("advmod", "npadvmod") and token.head.lemma_.casefold() in PERSON_SUBJECT_VERBS:
        return "subject", token.head             # "Early says ...": a surname the parser read as an adverb
    if token.dep_ == "poss" and token.head.dep_ in ("nsubj", "nsubjpass") and not is_person_noun(token.head):
        return "possessor", token.head.head
    ent = view.entity_of.get(token.i)
    if ent is not None and ent.root.i == token.i and any(c.dep_ == "appos" and c.pos_ == "NOUN" for c in token.children):
        return "introduced", None
    return None


def _speaks_as_organisation(view: DocView, token, verb) -> bool:
    """``X said in a statement that it would complain``: a name the text itself treats as an
    organisation, whatever the model tagged it (a club named like a person or a town), when
    it speaks through a statement or letter and refers to itself as *it* (outside any
    quotation; a person noun such as "the chief executive, Y," is never one)."""
    if verb is None or token.dep_ != "nsubj" or verb.lemma_.lower() not in SPEECH_VERBS or is_person_noun(token):
        return False
    through_text = any(prep.dep_ == "prep" and any(o.dep_ == "pobj" and o.lemma_.lower() in COMMUNICATION_NOUNS
                                                   for o in prep.children)
                       for prep in verb.children)
    as_it = any(clause.dep_ == "ccomp" and any(c.dep_ == "nsubj" and c.lower_ == "it" and view.owner[c.i] < 0
                                               for c in clause.children)
                for clause in verb.children)
    return through_text and as_it


def collect_subjects(view: DocView) -> None:
    """Antecedent candidates outside quotations, in text order, resolved as we go."""
    # Only these tokens can have an antecedent role (see _antecedent_role); reading them
    # from the Doc's arrays spares creating a Token object for every other token.
    for token in tokens_where(view.doc, deps=("nsubj", "nsubjpass", "pobj"), ent_types=("PERSON",)):
        found = _antecedent_role(view, token)
        if found is None:
            continue
        role, verb = found
        speaker = _resolve_mention(view, token)
        if speaker is not None and not speaker.name:
            speaker = None
        if role != "subject" and (speaker is None or speaker.label != "PERSON"):
            continue
        if speaker is not None and speaker.label != "ORG" and _speaks_as_organisation(view, token, verb):
            speaker = Speaker(speaker.name, "ORG", speaker.attribution)
        if speaker is not None:
            view.subject_speaker[token.i] = speaker
        person_noun = is_person_noun(token)
        if speaker is None and not person_noun:
            continue
        is_person = person_noun or speaker.label == "PERSON"
        gender = (speaker.gender if speaker else None) or noun_gender(token.lower_)
        # "Blue Heron Records" is one organisation although its noun is plural.
        named_org = speaker is not None and speaker.label == "ORG" and token.tag_ == "NNPS"
        plural = (token.tag_ in ("NNS", "NNPS") and not named_org) or token.lower_ in ("they", "we")
        main_clause = verb is not None and (verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT"))
        depth = sum(1 for _ in verb.ancestors) if verb is not None else 0
        view.subjects.append(Subject(token.idx, view.narrative_paragraph_of(token.idx), speaker, is_person, gender,
                                      plural, token.sent.start_char, main_clause, depth))
