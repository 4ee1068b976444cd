"""Step 3 of quote extraction: a speaker token resolved to a canonical name and label.

Named entities go through the article's entity index; names the NER missed are read from
the parse; pronouns, role descriptions ("the Russian president", "the defender") and
organisation descriptions ("the ministry") resolve to people and organisations named
earlier (``references.py``); an entity span's canonical name and label come from
``speaker_names.py``.  Conventions with examples: ``docs/quotes.md``.
"""
from __future__ import annotations

from transforms.nlp.doc_access import absolute_heads, ancestor_count, sentence_starts, tokens_where
from transforms.nlp.org_names import initials_variants
from transforms.nlp.person_names import is_acronym
from transforms.nlp.labels import SPEAKER_LABELS
from transforms.nlp.lexicon import (COMMUNICATION_NOUNS, OFFICE_NOUNS, ORG_NOUNS, PERSON_SUBJECT_VERBS,
                                    SPEECH_VERBS)
from transforms.nlp.quotes.doc_view import DocView, Speaker, Subject
from transforms.nlp.quotes.names import (after_role_title, determiner_of, introduced_by_role,
                                         is_age_description, is_nationality_noun, is_one_word_name,
                                         is_person_noun, looks_like_person, modified_noun, name_chain,
                                         noun_gender, read_honorific, strip_honorifics)
from transforms.nlp.quotes.speaker_names import canonical, gender_of
from transforms.nlp.quotes.references import (org_named_after_place, refer_back, resolve_description,
                                              resolve_pronoun, subjects_before)


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
        return refer_back(view, token, token.lower_, determiner_of(token), token.idx)   # "the Frenchman"
    if ent is not None and ent.label_ in SPEAKER_LABELS:
        name, label = canonical(view, ent)
        if label == "GPE":
            named = org_named_after_place(view, name)
            if named is not None:
                return named
        return Speaker(name, label, "explicit", gender_of(view, name))
    if token.pos_ == "PRON":
        if token.lower_ in ("who", "that", "which") and token.head.dep_ == "relcl":
            return _resolve_mention(view, token.head.head)   # "Mr X, who said ..."
        return resolve_pronoun(view, token, token.idx)
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
        return refer_back(view, token, "year-old", determiner_of(token), token.idx)
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
        return resolve_description(view, token, token.idx)
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
    for subject in subjects_before(view, char):
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
    sentence_of, heads = sentence_starts(view.doc), absolute_heads(view.doc)
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
        char = view.token_starts[token.i]
        view.subjects.append(Subject(char, view.narrative_paragraph_of(char), speaker, is_person, gender, plural,
                                     view.token_starts[sentence_of[token.i]], main_clause,
                                     ancestor_count(heads, verb.i) if verb is not None else 0))
