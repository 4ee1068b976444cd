"""Step 2 of quote extraction, its second half: the token naming who speaks through a cue.

The ordered rules of :data:`SPEAKER_TOKEN_RULES` read the frames that name the speaker
in a fixed place (*according to*, a passive agent, the name after an inverted cue or
ending a title before a framing cue) before the cue's subject in the parse
(``cue_subjects``).  The cues come from ``cue_choice``; turning the token into a
canonical name is step 3 (``resolution``).  Conventions with examples: ``docs/quotes.md``.
"""
from __future__ import annotations

from typing import NamedTuple

from transforms.nlp.lexicon import TITLE_LINK_WORDS
from transforms.nlp.quotes.cue_choice import sentence_final_inverted_cue
from transforms.nlp.quotes.cue_subjects import cue_subject, first_coordinated_person
from transforms.nlp.quotes.cues import ACCORDING_TO, cue_of, quoting_verb
from transforms.nlp.quotes.doc_view import DocView
from transforms.nlp.quotes.frames import CLAUSE_POS
from transforms.nlp.quotes.names import (after_role_title, is_age_description, looks_like_person,
                                         modified_noun, name_chain)


# Parts of speech of the words of a title before a name ("director of rugby", "Acme Foods
# chairman", "the former minister").
_TITLE_POS = frozenset({"DET", "ADJ", "NOUN", "PROPN", "NUM"})


def _according_to_object(cue_token):
    doc = cue_token.doc
    to = doc[cue_token.i + 1]
    for child in to.children:
        if child.dep_ == "pobj":
            return child
    for token in doc[to.i + 1: to.i + 6]:
        if token.pos_ in ("PROPN", "NOUN", "PRON"):
            return token
    return None


def _words_after_inverted_cue(cue_token, after: list) -> list | None:
    """The words after an inverted cue: one that opens the after-window (``"...," said Mr
    X``) or ends the sentence after a comma (``..., said Mr X.``); None for other cues."""
    words = [t for t in after if not t.is_punct]
    if not words:
        return None
    if words[0].i != cue_token.i:
        final = sentence_final_inverted_cue(after)
        if final is None or final.i != cue_token.i:
            return None
    return [t for t in words if t.i > cue_token.i]


def _inverted_subject(cue_token, after: list):
    """``"...," said Mr X``: the first noun after an inverted cue."""
    words = _words_after_inverted_cue(cue_token, after)
    if words is None:
        return None
    doc = cue_token.doc
    for token in words:
        if token.lower_ in ("year", "years") and token.i + 2 < len(doc) and is_age_description(doc[token.i + 2]):
            return doc[token.i + 2]                  # "added the 30-year-old"
        if token.pos_ in ("PROPN", "NOUN", "PRON"):
            return modified_noun(token)
        if token.pos_ not in ("DET", "ADJ", "NUM", "PUNCT"):
            return None
    return None


def _agent(cue_token):
    """The agent of a passive cue: 'described as "outrageous" by the IHRC'."""
    for child in cue_token.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _is_passive(token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in token.children)


def _named_after_inverted_cue(view: DocView, cue_token, after: list):
    """``"...," said Tory shadow secretary Caroline Spelman``: the name in the inverted frame.

    The parser often misreads the title words of an inverted frame, so the first person
    (else organisation) entity between the cue and the next clause is taken directly
    ("said EEF chief economist, Steve Radley", "said Mr Blair, who ..."); a possessor is
    skipped ("said Kestrel's founder, Ingrid Solberg-Yates").
    """
    words = _words_after_inverted_cue(cue_token, after)
    if words is None:
        return None
    phrase = []                                  # up to the next clause: "said Mr X, adding that Y"
    doc = cue_token.doc
    for token in words:
        after_comma = token.i > 0 and doc[token.i - 1].text == ","
        if token.pos_ == "SCONJ" or (token.pos_ == "PRON" and token.dep_ == "nsubj") \
                or (token.pos_ in ("VERB", "AUX") and after_comma):
            break
        phrase.append(token)
    for label in ("PERSON", "ORG"):
        named = [t for t in phrase if t.i in view.entity_of and view.entity_of[t.i].label_ == label
                 and not _is_possessor(view.entity_of[t.i])]
        if named:
            return view.entity_of[named[0].i].root
    return None


def _is_possessor(ent) -> bool:
    """"Kestrel's" in "said Kestrel's founder, Ingrid Solberg-Yates": an owner, not who speaks."""
    doc = ent.doc
    return ent[-1].tag_ == "POS" or (ent.end < len(doc) and doc[ent.end].tag_ == "POS")


def _named_before_framing_cue(view: DocView, cue_token, after: list):
    """``"...," director of rugby Huw Parry told the Western Mail``: the name right before a
    cue that frames the quotation from behind.

    The parser misreads such titles (the name as the object of *of*, the title as a
    conjunct of a word inside the quotation, the cue with no subject at all), so when
    the words between the quotation and the cue are a title and a name ending at the cue
    (or at a comma before it), the name is taken directly; a coordinated subject still
    gives its first-named person.  A possessive or a clause in between ('Ann Lee's
    lawyer said') is no such frame.
    """
    before_cue = [t for t in after if t.i < cue_token.i]
    if not before_cue or any(t.pos_ in CLAUSE_POS or t.pos_ == "PRON" or t.tag_ == "POS" for t in before_cue):
        return None
    doc, end = view.doc, cue_token.i
    if doc[end - 1].text == ",":
        end -= 1
    ent = view.entity_of.get(end - 1)
    if ent is None:                              # a name the NER missed, after a title
        chain = name_chain(doc[end - 1])
        named = chain is not None and len(chain) >= 2 and after_role_title(chain)
        return doc[end - 1] if named and view.owner[chain.start] < 0 else None
    if ent.end != end or (ent.label_ != "PERSON" and not looks_like_person(ent)):
        return None
    title = [t for t in before_cue if t.i < ent.start]
    while title and title[0].is_punct:
        title = title[1:]                        # the comma and mark closing the quotation
    if not all(t.pos_ in _TITLE_POS or t.lower_ in TITLE_LINK_WORDS for t in title):
        return None                              # 'X - then adviser to President Y - told'
    return first_coordinated_person(view, ent.root)


class Found(NamedTuple):
    """A speaker rule's decision: the token naming who spoke (None: the rule applies and
    says the speaker cannot be named from this cue)."""

    token: object


def _rule_according_to(view: DocView, cue_token, after: list) -> Found | None:
    """``according to X``: the object of *to*."""
    return Found(_according_to_object(cue_token)) if cue_of(cue_token) == ACCORDING_TO else None


def _rule_quoted_as_saying(view: DocView, cue_token, after: list) -> Found | None:
    """``the paper quoted X as saying`` / ``X was quoted as saying``: X, never the paper."""
    return Found(cue_subject(view, cue_token)) if quoting_verb(cue_token) is not None else None


def _rule_passive_agent(view: DocView, cue_token, after: list) -> Found | None:
    """``described as "..." by the IHRC``: the agent of a passive cue."""
    return Found(_agent(cue_token)) if _is_passive(cue_token) else None


def _rule_named_after_inverted_cue(view: DocView, cue_token, after: list) -> Found | None:
    """``"...," said Tory shadow secretary Caroline Spelman``: the first name after the cue."""
    token = _named_after_inverted_cue(view, cue_token, after)
    return Found(token) if token is not None else None


def _rule_named_before_framing_cue(view: DocView, cue_token, after: list) -> Found | None:
    """``"...," director of rugby X told the Post``: the name ending a title before the cue."""
    token = _named_before_framing_cue(view, cue_token, after)
    return Found(token) if token is not None else None


def _rule_cue_subject(view: DocView, cue_token, after: list) -> Found | None:
    """The cue's subject in the parse (first person of a coordinated subject)."""
    token = cue_subject(view, cue_token)
    return Found(token) if token is not None else None


def _rule_inverted_subject(view: DocView, cue_token, after: list) -> Found | None:
    """``"...," said the minister``: the first noun after a cue that opens the after-window."""
    token = _inverted_subject(cue_token, after)
    return Found(token) if token is not None else None


# The rules that find the token naming who speaks through a cue, in the order they are
# tried: the first that decides (returns a Found) wins.  Constructions that name the
# speaker in a fixed place come first; the parse's subject, which the small model gets
# wrong around titles and inverted frames, comes after the rules that read those frames.
SPEAKER_TOKEN_RULES = (
    _rule_according_to,
    _rule_quoted_as_saying,
    _rule_passive_agent,
    _rule_named_after_inverted_cue,
    _rule_named_before_framing_cue,
    _rule_cue_subject,
    _rule_inverted_subject,
)


def find_speaker_token(view: DocView, cue_token, after: list):
    """The token naming who speaks through ``cue_token``: the decision of the first rule of
    :data:`SPEAKER_TOKEN_RULES` that decides, else None."""
    for rule in SPEAKER_TOKEN_RULES:
        found = rule(view, cue_token, after)
        if found is not None:
            return found.token
    return None
