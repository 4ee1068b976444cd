"""Step 2 of quote extraction: the cue of a quotation and the token naming who spoke.

The *frame* of a quotation is its sentence outside any quotation; a cue (a reporting verb
or *according to*) is chosen from it (``choose_cues``), then the token naming the speaker
is found by the ordered rules of :data:`SPEAKER_TOKEN_RULES`.  Turning that token into a
canonical name is step 3 (``resolution``).  Conventions with examples: ``docs/quotes.md``.
"""
from __future__ import annotations

from typing import NamedTuple

from transforms.nlp.lexicon import (COMMUNICATION_NOUNS, FRAME_ONLY_SPEECH_VERBS, GO_ON, LABELLING_VERBS,
                                    PROSPECTIVE_VERBS, SPEECH_VERBS, TEXT_VERBS, TITLE_LINK_WORDS)
from transforms.nlp.quotes.doc_view import DocView, Quote, is_paragraph_break, is_terminator
from transforms.nlp.quotes.names import (after_role_title, is_age_description, looks_like_person,
                                         modified_noun, name_chain)


ACCORDING_TO = "according to"


QUOTE_VERB = "quote"                 # "The paper quoted him as saying ..."


# Parts of speech that start a new clause: a frame with one of these is not just a speaker.
_CLAUSE_POS = frozenset({"VERB", "AUX", "SCONJ"})


# Parts of speech of the words of a title before a name ("director of rugby", "Acme Foods
# chairman", "the former minister").
_TITLE_POS = frozenset({"DET", "ADJ", "NOUN", "PROPN", "NUM"})


def cue_of(token) -> str | None:
    """The cue a token stands for: a reporting verb's lemma, or 'according to'; else None.

    A bare passive participle ("a plan described as ...") does not say who spoke and is
    not a cue; with an agent ("described by one union as", "Asked by Sky's correspondent")
    it is, and the agent is its speaker.  *quote* is a cue only as ``quoted X as saying``,
    standing for the reporting verb after *as* (whose speaker is X, ``_quoted_source``).
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


def _quoting_verb(cue_token):
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


def _quoted_source(view: DocView, quote_verb):
    """Who is quoted: the object of ``X quoted Y as saying`` or the subject of ``Y was quoted as saying``.

    The subject of *quote* (a newspaper, an agency) only passes the words on; an unnamed
    object ("an insider", "a source") leaves the speaker None like any unnamed source.
    """
    for dep in ("dobj", "nsubjpass"):
        source = next((c for c in quote_verb.children if c.dep_ == dep and view.owner[c.i] < 0), None)
        if source is not None:
            return source
    return None


def before_window(view: DocView, quote: Quote) -> list:
    """Tokens of the quotation's sentence before it, outside any quotation, in text order."""
    doc, window, i = view.doc, [], quote.first - 1
    while i >= 0:
        token = doc[i]
        other = view.owner[i]
        if other >= 0:
            if view.quotes[other].ends_sentence:
                break
            i = view.quotes[other].first - 1          # a quotation inside the sentence
            continue
        if is_paragraph_break(token) or is_terminator(view, token):
            break
        window.append(token)
        i -= 1
    window.reverse()
    return [t for t in window if not t.is_space]


def after_window(view: DocView, quote: Quote) -> list:
    """Tokens after the quotation up to the end of its sentence or the next quotation.

    Empty when the quotation itself ends the sentence ("... eastward." Mr Putin later ...).
    """
    doc, window = view.doc, []
    if quote.ends_sentence:
        return window
    for i in range(quote.last + 1, len(doc)):
        token = doc[i]
        if is_paragraph_break(token) or view.owner[i] >= 0 or is_terminator(view, token):
            break
        if not token.is_space:
            window.append(token)
    return window


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
        return not any(t.pos_ in _CLAUSE_POS for t in between)
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
    subject_only = not any(t.pos_ in _CLAUSE_POS for t in after if t.i < cue_token.i)
    return ends_open and subject_only


# Marks that close a quotation inside a quotation, at its very end.
_INNER_CLOSING_MARKS = "’'”\"»›"


def _sentence_final_inverted_cue(after: list):
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
    if not rest or any(t.pos_ in _CLAUSE_POS or t.pos_ == "PRON" for t in rest):
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
            if not any(t.pos_ in _CLAUSE_POS for t in before if t.i > last.i):
                candidates = [last]
    else:
        candidates = framing or _ancestor_cues(quote, dependent_cues)
    reporting = _sentence_final_inverted_cue(after)
    if reporting is not None and all(t.i != reporting.i for t in candidates):
        candidates.append(reporting)
    candidates += [t for t in according if t not in candidates]
    return candidates, introduced


def _subject_token(cue_token, owner: list[int]):
    """The cue's grammatical subject, inherited through 'went on to say', 'and added', 'adding'.

    Words inside quotations are never the subject of the frame around them (the parser
    sometimes hangs the quoted clause's subject on the cue).
    """
    token = cue_token
    if any(c.dep_ == "nsubj" and owner[c.i] >= 0 for c in cue_token.children) \
            and not any(c.dep_ == "nsubj" and owner[c.i] < 0 for c in cue_token.children):
        return _clause_opening_noun(cue_token, owner)
    for _ in range(4):
        subjects = [c for c in token.children if c.dep_ == "nsubj" and owner[c.i] < 0]
        if subjects:
            # Two subjects are an apposition the parser split ("The chairman ..., Guy Mansfield
            # QC warned"): the name is the better one.
            named = [c for c in subjects if c.ent_type_ or c.pos_ == "PROPN"]
            return (named or subjects)[-1] if len(subjects) > 1 else subjects[0]
        if token.dep_ in ("xcomp", "conj", "advcl") and token.head is not token and owner[token.head.i] < 0:
            token = token.head
            continue
        break
    return None


def _clause_opening_noun(cue_token, owner: list[int]):
    """The subject of a cue whose parse took a word of the quotation before it as the
    subject: the small model runs a paragraph ending in a quotation into the next one
    ("... The difference matters."" ¶ "Hietanen, 34, told the paper ..."), hanging the name
    on the quotation.  The noun phrase that opens the cue's clause (after the quotation, a
    sentence end or the paragraph start) is the subject, when no other verb stands in it."""
    doc, stretch = cue_token.doc, []
    i = cue_token.i - 1
    while i >= 0 and owner[i] < 0 and not is_paragraph_break(doc[i]) and doc[i].text not in (".", "!", "?"):
        stretch.append(doc[i])
        i -= 1
    inside = {t.i for t in stretch}
    if any(t.pos_ in _CLAUSE_POS for t in stretch):
        return None
    heads = [t for t in reversed(stretch) if t.head.i not in inside and t.pos_ in ("NOUN", "PROPN", "PRON")]
    return heads[0] if heads else None


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
        final = _sentence_final_inverted_cue(after)
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
    if not before_cue or any(t.pos_ in _CLAUSE_POS or t.pos_ == "PRON" or t.tag_ == "POS" for t in before_cue):
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
    return _first_coordinated_person(view, ent.root)


def _is_title_word(view: DocView, token) -> bool:
    """A word of a title written before a name: 'chief operating officer', 'Acme Foods chairman'."""
    if view.owner[token.i] >= 0:
        return False
    if token.pos_ in ("NOUN", "ADJ"):
        return token.is_lower
    return token.pos_ == "PROPN" and token.ent_type_ != "PERSON"


def _first_coordinated_person(view: DocView, subject):
    """The first-named person of a coordinated subject, which is who we report as speaking.

    In '"...," Acme chief executive Ann Lee and chief operating officer Bob Hale said' the
    small model makes the last name the subject and the second title a conjunct of the
    first name.  From a person subject, title words are skipped leftwards;
    an *and* right after another person's name makes that earlier person the speaker (and
    so on back along *A and B and C*).  A correct parse already gives the first conjunct,
    which has no such *and* before it and is kept.
    """
    ent = view.entity_of.get(subject.i)
    if ent is None or ent.label_ != "PERSON":
        return subject
    doc, first = view.doc, None
    while True:
        i = ent.start - 1
        while i >= 0 and _is_title_word(view, doc[i]):
            i -= 1
        if i < 1 or doc[i].lower_ != "and" or doc[i].pos_ != "CCONJ" or view.owner[i] >= 0:
            break
        previous = view.entity_of.get(i - 1)
        if previous is None or previous.label_ != "PERSON" or previous.end != i:
            break
        ent = first = previous
    return first.root if first is not None else subject


def cue_subject(view: DocView, cue_token):
    """Who a cue's clause says spoke: the quoted person of *quoted X as saying*, else the
    cue's subject (the first person of a coordinated subject)."""
    quoting = _quoting_verb(cue_token)
    if quoting is not None:
        return _quoted_source(view, quoting)
    subject = _subject_token(cue_token, view.owner)
    if subject is None and cue_token.i > 0 and is_age_description(cue_token.doc[cue_token.i - 1]):
        return cue_token.doc[cue_token.i - 1]        # "the 48-year-old said", with *old* parsed as a modifier
    return _first_coordinated_person(view, subject) if subject is not None else None


class Found(NamedTuple):
    """A speaker rule's decision: the token naming who spoke (None: the rule applies and
    says the speaker cannot be named from this cue)."""

    token: object


def _rule_according_to(view: DocView, cue_token, after: list) -> Found | None:
    """``according to X``: the object of *to*."""
    return Found(_according_to_object(cue_token)) if cue_of(cue_token) == ACCORDING_TO else None


def _rule_quoted_as_saying(view: DocView, cue_token, after: list) -> Found | None:
    """``the paper quoted X as saying`` / ``X was quoted as saying``: X, never the paper."""
    return Found(cue_subject(view, cue_token)) if _quoting_verb(cue_token) is not None else None


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
