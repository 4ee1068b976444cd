"""Which cues of a quotation's frame report it, best first (``choose_cues``).

A sentence can hold several cues: one introducing the quotation, one framing it from
behind, the cues a partial quotation depends on in the parse, a cue ending the sentence,
*according to*.  ``choose_cues`` orders them; who speaks through each is
``speaker_tokens``.  Conventions with examples: ``docs/quotes.md``.
"""
from __future__ import annotations

from transforms.nlp.lexicon import FRAME_ONLY_SPEECH_VERBS, LABELLING_VERBS, PROSPECTIVE_VERBS
from transforms.nlp.quotes.cues import ACCORDING_TO, cue_of
from transforms.nlp.quotes.doc_view import Quote
from transforms.nlp.quotes.frames import CLAUSE_POS
from transforms.nlp.quotes.marks import DOUBLE_MARKS, SINGLE_MARKS


def _ancestor_cues(quote: Quote, cues: list) -> list:
    """Cues among the ancestors of the quotation's words in the parse, nearest first.

    Several when speech is reported inside reported speech: in 'Mr Howard said the police
    had said ID cards could "help ..."' the police's *said* comes first, then Howard's.
    """
    if not cues:
        return []
    cue_ids = {t.i for t in cues}
    depth_of: dict[int, int] = {}
    doc = cues[0].doc
    for token in doc[quote.first: quote.last + 1]:
        if quote.first <= token.head.i <= quote.last:
            continue                                  # only words attached outside the quotation
        for depth, ancestor in enumerate(token.ancestors):
            if ancestor.i in cue_ids and depth < depth_of.get(ancestor.i, depth + 1):
                depth_of[ancestor.i] = depth
    return [doc[i] for i in sorted(depth_of, key=lambda i: (depth_of[i], -i))]


def _introduces(quote: Quote, before: list, before_cues: list, after: list) -> bool:
    """Whether the frame before a quotation introduces it: ``X said: "``, ``X said, "``, ``said "``."""
    if not before:
        return False
    last = before[-1]
    if last.text in (":", "—", "–"):
        return True
    cue = cue_of(last)
    if cue:
        # 'what he calls "unfriendly"' and 'saying "several hundred" people are' are embedded.
        runs_on = bool(after) and not after[0].is_punct and not quote.text[:1].isupper()
        is_object = cue in PROSPECTIVE_VERBS and quote.text[:1].islower()
        return cue not in LABELLING_VERBS and not runs_on and not is_object
    if last.text == "," and before_cues and before_cues[-1].i >= last.i - 6:
        between = [t for t in before if before_cues[-1].i < t.i < last.i]
        return not any(t.pos_ in CLAUSE_POS for t in between)
    return False


def _frames_after(quote: Quote, after: list, cue_token) -> bool:
    """Whether a cue after the quotation frames it: ``"...," Mr X, the minister, said``.

    The quotation must end open (a comma, question mark... or run on in lower case) and
    only the speaker's noun phrase may stand between it and the cue.
    """
    if quote.ends_sentence:
        return False
    # A closing inner quotation mark does not close the outer one: '"... ask, 'So will he?'"
    # Holmes testified' ends open on its question mark.
    last = quote.text.rstrip(_INNER_CLOSING_MARKS)[-1:]
    ends_open = last in ",?!—–-…:;" or after[0].text in (",", "—", "–") \
        or after[0].is_lower or after[0].i == cue_token.i
    governing = _verbs_governing(cue_token)
    subject_only = not any(t.pos_ in CLAUSE_POS and t.i not in governing for t in after if t.i < cue_token.i)
    return ends_open and subject_only


def _verbs_governing(cue_token) -> set[int]:
    """The verbs a cue is the complement of ("began to reply", "was quick to add"): part of
    the frame, not a clause of their own."""
    found, token = set(), cue_token
    while token.dep_ == "xcomp" and token.head is not token:
        token = token.head
        found.add(token.i)
    return found


# Marks that close a quotation inside a quotation, at its very end.
_INNER_CLOSING_MARKS = "".join(family.closers + family.ambiguous for family in (DOUBLE_MARKS, SINGLE_MARKS))


def sentence_final_inverted_cue(after: list):
    """``X was known for telling others "..." despite Y, said Z.``: a cue after a comma that
    ends the sentence with only its speaker after it reports the whole sentence, the
    quotation in it too."""
    cues = [t for t in after if cue_of(t)]
    if not cues:
        return None
    cue = cues[-1]
    doc = cue.doc
    if cue.i == 0 or doc[cue.i - 1].text != "," or cue.i == after[0].i:
        return None
    if any(c.dep_ in ("nsubj", "nsubjpass") and c.i < cue.i for c in cue.children):
        return None                              # "X, the chairman, said Tuesday at ...": not inverted
    rest = [t for t in after if t.i > cue.i]
    if not rest or any(t.pos_ in CLAUSE_POS or t.pos_ == "PRON" for t in rest):
        return None
    return cue


def choose_cues(quote: Quote, before: list, after: list) -> tuple[list, bool]:
    """(candidate cue tokens, best first; whether the quotation is introduced by a colon or cue).

    In order: the cue introducing the quotation, the cue framing it from behind, the
    cues the quotation's words depend on in the parse (partial quotations, nearest
    first), and 'according to' anywhere in the sentence.  The caller takes the first
    candidate whose speaker it can name, else keeps the first one's cue.
    """
    before_cues = [t for t in before if cue_of(t)]
    after_cues = [t for t in after if cue_of(t)]
    introduced = _introduces(quote, before, before_cues, after)
    if introduced and before_cues:
        return [before_cues[-1]], True
    dependent_cues = [t for t in before_cues + after_cues if cue_of(t) not in FRAME_ONLY_SPEECH_VERBS]
    according = [t for t in before_cues + after_cues if cue_of(t) == ACCORDING_TO]
    embedded = any(not t.is_punct for t in before)
    framing = [after_cues[0]] if after_cues and _frames_after(quote, after, after_cues[0]) else []
    if embedded:                                 # a partial quotation: its own clause's cues first
        candidates = _ancestor_cues(quote, dependent_cues) + framing
        if not candidates and dependent_cues and dependent_cues[-1] in before_cues:
            # 'X, who called the list "the strongest ..."': the parse hangs the quotation
            # elsewhere, but only the cue's object stands between cue and quotation.
            last = dependent_cues[-1]
            if not any(t.pos_ in CLAUSE_POS for t in before if t.i > last.i):
                candidates = [last]
    else:
        candidates = framing or _ancestor_cues(quote, dependent_cues)
    reporting = sentence_final_inverted_cue(after)
    if reporting is not None and all(t.i != reporting.i for t in candidates):
        candidates.append(reporting)
    candidates += [t for t in according if t not in candidates]
    return candidates, introduced
