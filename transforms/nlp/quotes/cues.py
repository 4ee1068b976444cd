"""What a cue is: the word of a quotation's frame that says it was spoken or written.

A reporting verb stands for its lemma, *according to* for itself; ``cue_of`` tells which
tokens are cues.  *quoted X as saying* stands for the *saying* (``quoting_verb`` finds
the *quote* of that construction from either word).  Which of a sentence's cues reports a
quotation is ``cue_choice``; who speaks through it is ``cue_subjects`` and
``speaker_tokens``.  Conventions with examples: ``docs/quotes.md``.
"""
from __future__ import annotations

from transforms.nlp.lexicon import COMMUNICATION_NOUNS, GO_ON, SPEECH_VERBS, TEXT_VERBS


ACCORDING_TO = "according to"


QUOTE_VERB = "quote"                 # "The paper quoted him as saying ..."


def cue_of(token) -> str | None:
    """The cue a token stands for: a reporting verb's lemma, or 'according to'; else None.

    A bare passive participle ("a plan described as ...") does not say who spoke and is
    not a cue; with an agent ("described by one union as", "Asked by Sky's correspondent")
    it is, and the agent is its speaker.  *quote* is a cue only as ``quoted X as saying``,
    standing for the reporting verb after *as* (whose speaker is X, ``cue_subjects``).
    """
    if token.lower_ == "according" and token.i + 1 < len(token.doc) and token.doc[token.i + 1].lower_ == "to":
        return ACCORDING_TO
    if token.pos_ not in ("VERB", "AUX"):
        return None
    lemma = token.lemma_.lower()
    if lemma == QUOTE_VERB:
        reported = _reported_as(token)
        return cue_of(reported) if reported is not None else None
    if lemma == "go" and any(c.dep_ == "prt" and c.lower_ == "on" for c in token.children) \
            and not any(c.dep_ == "xcomp" for c in token.children):
        return GO_ON                                 # "He went on: ..." ("went on to say": the cue is "say")
    if lemma in TEXT_VERBS:
        return lemma if _has_text_subject(token) else None
    if lemma not in SPEECH_VERBS:
        return None
    if token.tag_ == "VBN" and not any(c.dep_ == "agent" or (c.dep_ == "aux" and c.lemma_.lower() == "have")
                                       for c in token.children):
        return None
    return lemma


def _has_text_subject(verb) -> bool:
    """"the statement read", "it read": the subject is a text or *it* (not "she read")."""
    return any(c.dep_ == "nsubj" and (c.lower_ == "it" or c.lemma_.lower() in COMMUNICATION_NOUNS)
               for c in verb.children)


def _reported_as(quote_verb):
    """The reporting verb of ``quoted X as saying`` ("as" on the verb or, misparsed, on X)."""
    objects = [c for c in quote_verb.children if c.dep_ in ("dobj", "nsubjpass")]
    for holder in [quote_verb] + objects:
        for prep in holder.children:
            if prep.dep_ == "prep" and prep.lower_ == "as":
                reported = next((c for c in prep.children if c.dep_ in ("pcomp", "pobj")
                                 and c.pos_ == "VERB" and c.lemma_.lower() in SPEECH_VERBS), None)
                if reported is not None:
                    return reported
    return None


def quoting_verb(cue_token):
    """The *quote* of ``X quoted Y as saying`` when ``cue_token`` is it or its *saying*, else None."""
    if cue_token.lemma_.lower() == QUOTE_VERB:
        return cue_token if _reported_as(cue_token) is not None else None
    prep = cue_token.head
    if cue_token.dep_ not in ("pcomp", "pobj") or prep.lower_ != "as" or prep.dep_ != "prep":
        return None
    holder = prep.head
    verb = holder if holder.lemma_.lower() == QUOTE_VERB else holder.head
    reported = _reported_as(verb) if verb.lemma_.lower() == QUOTE_VERB else None
    if reported is not None and reported.i == cue_token.i:
        return verb
    return None
