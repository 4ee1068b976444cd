"""Direct quotations in news text, with who said them and how we know.

Three steps, each a pure function of its inputs:

1. **Quote marks on the raw text** (``find_quote_spans``): pairs of straight ``"..."``,
   curly ``“...”`` (and ``„...“``/``«...»``) double quotes, plus single-quoted
   quotations (``'...'``/``‘...’``) outside double quotes.  Straight marks are told apart
   by what flanks them (an opening mark follows a space and precedes a word, a closing
   mark follows a word); apostrophes (``doesn't``, ``Jones'``, ``'90s``, ``rock 'n' roll``)
   are not quote marks.  Quotations running over several paragraphs follow the news
   convention: the closing mark is omitted at the end of a paragraph and the opening mark
   is repeated at the start of the next one; that is ONE quotation.  Text whose
   paragraphs were merged (the BBC dataset: ``said: "We have ... 26 weeks. "We are going
   ...``) shows the same thing inside one paragraph: an opening mark right after a
   finished sentence, while a quotation is still open, continues that quotation.  A
   double-quoted quotation that is never closed ends at its paragraph's end (or where the
   next quotation opens); a single quote that is never closed is dropped, because it is
   more likely a stray apostrophe.  ``text`` is the quoted words without any mark, the
   parts joined by a blank line across paragraphs and by a space within one.
2. **Attribution** on the spaCy doc (``extract_quotes``): the *frame* of a quotation is
   the text of its sentence outside any quotation, before and after it.  A cue (a
   reporting verb such as *say, tell, add, warn, reply, continue, insist*, *went on*, or
   *according to*; also verbs that report words about the future, *forecast, predict,
   promise, pledge, vow*, whose lower-case quotation right after them is their object, a
   fragment: ``vowed "to fight on"``) is looked for in the frame, in this order: a cue
   that introduces the quotation (``X said: "..."``, ``X said, "..."``, ``said "..."``);
   a cue after a quotation that ends open (``"...," X said.``, ``"...?" asked X``,
   ``"...", he told the BBC``); the cues the quotation depends on in the parse (partial
   quotations in reported speech: ``X said the US has missiles at "Russia's doorstep"``),
   nearest first, going out to the reporter when the inner speaker cannot be named but is
   no person ("Mr Howard said the police had said ID cards could "help ...""); *according
   to* anywhere in the sentence.  The speaker is the cue's subject in the dependency
   parse (inherited through ``went on to say``, ``and added``, ``adding``), the agent of
   a passive cue, the object of *according to*, the name after an inverted cue (``said
   Tory shadow secretary Caroline Spelman``), or the name that ends a title between the
   quotation and a cue framing it from behind (``"...," director of rugby X told the
   Post``, which the parser misreads; not a name inside an apposition or after a
   possessive).  A nationality in front of a noun (``added the Uruguayan-born
   researcher``) only describes the speaker: the noun it modifies is resolved instead.
   Of a coordinated subject (``chief executive X and chief operating officer Y said``)
   the first-named person speaks, also when the parser makes the last name the subject.
   In ``the paper quoted X as saying`` (or ``X was quoted as saying``) the speaker is X,
   not the publication; an unnamed X ("a source") is no named speaker.  A clause with a
   named subject before a colon frames the quotation too (``Mr Dean is confident though:
   "..."``, cue None).  A quotation that is a sentence of its own with no cue is the
   speech of whoever the text was just quoting or reporting (a quotation's speaker, a
   reporting verb's subject, or a named person who is a sentence's subject), looking back
   at most ``FOLLOW_ON_SENTENCES`` sentences and one paragraph: attribution
   ``"follow-on"``.
3. **Resolution to canonical names**: a named subject goes through the entity index
   (``Mr Putin`` -> ``Vladimir Putin``); a name after an honorific is a person whatever
   the NER said (``Lord Butler`` tagged ORG, ``Dr Houck`` tagged WORK_OF_ART), as is a
   one-word surname of a person in the article (``Nair told the BBC``); a name without an
   honorific tagged PERSON in one sentence but grouped by the index under another label
   (a company the model took for a person once) takes the article's label.  Names the NER
   missed (``Mr Davies, 60, said``) are read from the parse; so is a one-word proper-noun
   subject such as a company named by a common word (``"...," Orange said``), which
   takes the canonical name and label of the article's entity with that form when the
   index has one, else its surface without a label (not an office, role, kind of
   organisation or group word: ``Chairman``, ``Staff``).  A full name with a person's
   role in apposition (``X, deputy police chief in Pune, said``) or right after a
   lower-case role title (``director of rugby X``; not ``chairman of Acme Foods``) is a
   person whatever the NER said, and a role noun subject whose *of* phrase ends in such a
   name (``Director of rugby X has ...``) is that person.  The owner of a statement
   (``said an FA statement``) is any named compound before the communication noun, or an
   untagged acronym there, an organisation.  *he/she* resolve to the subject of the
   latest sentence with a compatible candidate, preferring its main clause (gender from
   honorifics such as Mr/Ms/Lord/Dame, from role nouns such as *spokeswoman*, and learnt
   from earlier pronoun resolutions); *it/they* likewise to an organisation or group
   subject within two paragraphs (``X said Leeds was "...". It also said``: X):
   attribution ``"pronoun"``.  An unnamed person as the latest candidate ("the prime
   minister's official spokesman said ... But he added") leaves the speaker None.  A
   definite role description (``the Russian president``) resolves to the one person the
   article gives that title (``President Vladimir Putin``; ``the Russian leader`` also
   matches a president or prime minister whose title names no other country); failing a
   title, a description of a role (``the Salford MP``, ``the defender``, ``the
   30-year-old``, a nationality for one person such as ``the Frenchman`` or ``the
   Italian`` whatever the NER tagged it, but not unnamed sources such as *a spokesman* or
   *officials*, nor a people such as ``the French``) refers back to the named person
   subject of the current or previous paragraph; a relative clause after a comma (``the
   researcher, who has studied ...``) adds to the description and does not stop that, one
   without (``the researcher who built it``) introduces someone.  Organisation
   descriptions (``the ministry``) resolve to the one organisation of the article whose
   name contains that word, and a statement's owner speaks (``His sales pitch adds:``).
   An unnamed spokesperson is not their organisation: the speaker is None and the cue is
   kept.

Each quotation is reported with ``is_scare`` (under five whitespace-separated words:
scare quotes and short phrases, not statements) and ``is_partial`` (it neither starts a
sentence nor is introduced by a colon or a cue: a fragment embedded in reported speech,
such as ``the "ball is in the West's court"``).  Statements are the quotations with both
False.  ``attribution`` says how the speaker was found ("explicit", "follow-on",
"pronoun") and is None exactly when the speaker is.

Not handled (documented limits): quotations without quote marks (reported speech is not
a quotation; dash-introduced transcripts are rare in news), speakers introduced only in
a later sentence (``"...". That was the verdict of X.``), quotations nested inside
quotations (kept as part of the outer text), speakers named only by a noun phrase that
is neither an entity nor a title or role word, and pronouns whose antecedent is neither
a subject nor an introduced or possessive person ("the idea came from X. He said ...").
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from typing import NamedTuple

from transforms.nlp.entities import is_acronym

# ---------------------------------------------------------------------------------------
# 1. Quote marks on the raw text
# ---------------------------------------------------------------------------------------

SCARE_MAX_WORDS = 4  # "under five words" is a scare quote or a short phrase, not a statement
# How many sentences back a quotation without a frame may look for whose speech it continues.
FOLLOW_ON_SENTENCES = 3

_OPEN, _CLOSE = "open", "close"
_OPENING_PUNCTUATION = "([{—–-/"
_CLOSING_PUNCTUATION = ".,;:!?)]}—–-…/"
_SENTENCE_END = ".!?…"
_PARAGRAPH_BREAK = re.compile(r"\n[ \t\r\f\v]*\n\s*")
# Apostrophes that stand at a word's start and look like an opening single quote.
_LEADING_ELISION = re.compile(r"['‘’](?:\d0s|n['’]|em\b|til\b|cause\b|tis\b|twas\b)", re.IGNORECASE)


@dataclass(frozen=True)
class _MarkFamily:
    """One kind of quote mark: glyphs that only open, only close, or may do either."""

    openers: str
    closers: str
    ambiguous: str
    keep_unterminated: bool   # an unclosed quotation is kept (double) or dropped (single)

    @property
    def glyphs(self) -> str:
        return self.openers + self.closers + self.ambiguous


DOUBLE_MARKS = _MarkFamily(openers="“„‟«", closers="”»", ambiguous='"', keep_unterminated=True)
SINGLE_MARKS = _MarkFamily(openers="‘‹", closers="’›", ambiguous="'", keep_unterminated=False)


class QuoteSpan(NamedTuple):
    """One quotation on the raw text.

    ``start``/``end`` cover the quotation including its outer marks (``end`` is the end of
    the last quoted word when the closing mark is missing); ``parts`` are the quoted text
    ranges, one per paragraph (or per merged-paragraph piece), without any mark.
    """

    start: int
    end: int
    parts: tuple[tuple[int, int], ...]
    terminated: bool


def paragraph_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every non-empty paragraph; paragraphs are separated by blank lines."""
    spans, position = [], 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(text)))
    trimmed = []
    for start, end in spans:
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        if start < end:
            trimmed.append((start, end))
    return trimmed


def _is_left_flanking(before: str, after: str) -> bool:
    """Placed like an opening mark: after a space or opening punctuation, before a word."""
    return (before == "" or before.isspace() or before in _OPENING_PUNCTUATION) and after != "" \
        and not after.isspace()


def _is_right_flanking(before: str, after: str) -> bool:
    """Placed like a closing mark: after a word or punctuation, before a space or punctuation."""
    return before != "" and not before.isspace() and (after == "" or after.isspace()
                                                      or after in _CLOSING_PUNCTUATION)


def _mark_role(text: str, i: int, family: _MarkFamily, is_open: bool) -> str | None:
    """Whether the mark at ``text[i]`` opens or closes a quotation (None: it is an apostrophe)."""
    glyph = text[i]
    before = text[i - 1] if i > 0 else ""
    after = text[i + 1] if i + 1 < len(text) else ""
    left, right = _is_left_flanking(before, after), _is_right_flanking(before, after)
    if family is SINGLE_MARKS:
        if before.isalnum() and after.isalnum():
            return None                              # doesn't, O'Brien, rock'n'roll
        if left and _LEADING_ELISION.match(text, i):
            return None                              # '90s, 'em, 'til, rock 'n' roll
    if glyph in family.openers:
        return _CLOSE if is_open and right and not left else _OPEN
    if glyph in family.closers:
        return _OPEN if left and not right and not is_open else _CLOSE
    if left and not right:
        return _OPEN
    if right and not left:
        return _CLOSE
    return _CLOSE if is_open else _OPEN


def _last_non_space(text: str, end: int, floor: int) -> int:
    """Position just after the last non-space character of text[floor:end]."""
    while end > floor and text[end - 1].isspace():
        end -= 1
    return end


def _follows_finished_sentence(text: str, i: int, floor: int) -> bool:
    """Whether the mark at i comes after whitespace that follows sentence-final punctuation."""
    j = i
    while j > floor and text[j - 1].isspace():
        j -= 1
    return j < i and j > floor and text[j - 1] in _SENTENCE_END


class _OpenQuote:
    """A quotation being scanned: where it opened and its finished parts."""

    def __init__(self, mark: int):
        self.start = mark
        self.part_start = mark + 1
        self.parts: list[tuple[int, int]] = []

    def end_part(self, end: int) -> None:
        self.parts.append((self.part_start, end))

    def span(self, end: int, terminated: bool) -> QuoteSpan:
        return QuoteSpan(self.start, end, tuple(self.parts), terminated)


def _scan_family(text: str, paragraphs: list[tuple[int, int]], family: _MarkFamily,
                 masked: list[tuple[int, int]]) -> list[QuoteSpan]:
    """Quotations delimited by one family of marks, ignoring marks inside ``masked`` ranges."""
    found: list[QuoteSpan] = []
    masked_starts = [start for start, _ in masked]

    def is_masked(i: int) -> bool:
        k = bisect.bisect_right(masked_starts, i) - 1
        return k >= 0 and masked[k][0] <= i < masked[k][1]

    def finish_unterminated(quote: _OpenQuote, end: int) -> None:
        quote.end_part(end)
        if family.keep_unterminated and any(e > s for s, e in quote.parts):
            found.append(quote.span(end, terminated=False))

    current: _OpenQuote | None = None
    previous_end = 0
    for p_start, p_end in paragraphs:
        first = p_start
        if current is not None:
            opens_again = text[p_start] in family.glyphs and not is_masked(p_start) and \
                _mark_role(text, p_start, family, is_open=False) == _OPEN
            if opens_again:                          # convention: opening mark repeated
                current.end_part(previous_end)
                current.part_start = p_start + 1
                first = p_start + 1
            else:
                finish_unterminated(current, previous_end)
                current = None
        for i in range(first, p_end):
            if text[i] not in family.glyphs or is_masked(i):
                continue
            role = _mark_role(text, i, family, current is not None)
            if role is None:
                continue
            if current is None:
                if role == _OPEN:
                    current = _OpenQuote(i)
                continue                             # a stray closing mark opens nothing
            if role == _CLOSE:
                current.end_part(i)
                found.append(current.span(i + 1, terminated=True))
                current = None
            elif family is DOUBLE_MARKS and _follows_finished_sentence(text, i, p_start):
                current.end_part(_last_non_space(text, i, p_start))   # merged paragraphs
                current.part_start = i + 1
            else:                                    # the previous quotation was never closed
                finish_unterminated(current, _last_non_space(text, i, p_start))
                current = _OpenQuote(i)
        previous_end = p_end
    if current is not None:
        finish_unterminated(current, previous_end)
    return found


def find_quote_spans(text: str) -> list[QuoteSpan]:
    """All quotations in ``text``, in text order.

    Double-quoted quotations are found first, then single-quoted ones outside them:
    single quotes nested inside a double-quoted quotation belong to it, and a
    double-quoted span inside a single-quoted one (single quotes as the house style) is
    dropped as nested.
    """
    paragraphs = paragraph_spans(text)
    doubles = _scan_family(text, paragraphs, DOUBLE_MARKS, masked=[])
    singles = _scan_family(text, paragraphs, SINGLE_MARKS,
                           masked=[(span.start, span.end) for span in doubles])
    doubles = [d for d in doubles if not any(s.start < d.start and d.end <= s.end for s in singles)]
    return sorted(doubles + singles)


def quote_text(text: str, span: QuoteSpan) -> str:
    """The quoted words: parts joined by a blank line across paragraphs, by a space within one."""
    pieces = []
    for k, (start, end) in enumerate(span.parts):
        if k:
            gap = text[span.parts[k - 1][1]: start]
            pieces.append("\n\n" if "\n" in gap else " ")
        pieces.append(text[start:end].strip())
    return "".join(pieces).strip()


def word_count(text: str) -> int:
    """Words separated by whitespace ("military-technical response" is two words)."""
    return len(text.split())


def is_scare_quote(text: str) -> bool:
    """Under five words: a scare quote or a short phrase rather than a statement."""
    return word_count(text) <= SCARE_MAX_WORDS


# ---------------------------------------------------------------------------------------
# 2. Cues and speakers on the parsed doc
# ---------------------------------------------------------------------------------------

ACCORDING_TO = "according to"
GO_ON = "go on"                      # "He went on: ..."
QUOTE_VERB = "quote"                 # "The paper quoted him as saying ..."
# Lemmas of verbs that report speech (the cue of a quotation).
CUE_LEMMAS = frozenset({
    "say", "tell", "add", "warn", "reply", "continue", "insist", "argue", "explain", "stress",
    "claim", "ask", "write", "state", "declare", "note", "admit", "acknowledge", "announce",
    "comment", "respond", "conclude", "recall", "urge", "remark", "observe", "confirm",
    "deny", "predict", "suggest", "emphasise", "emphasize", "maintain", "allege", "accuse",
    "complain", "concede", "agree", "repeat", "vow", "promise", "boast", "joke", "quip",
    "tweet", "describe", "reveal", "report", "caution", "plead", "demand", "retort",
    "counter", "protest", "assert", "affirm", "mutter", "shout", "cry",
    "exclaim", "answer", "whisper", "recount", "testify", "threaten", "call", "dub", "brand",
    "label", "term", "speak", "pledge", "hail", "forecast",
})
# Cues that only report speech when they frame a quotation ("he continued: ..."), not
# when a partial quotation merely depends on them ("if Western countries continue with
# what he calls "unfriendly" actions").
FRAME_ONLY_CUES = frozenset({"continue", "add", "answer", "counter", "repeat", "agree", "note",
                             "state", "report", "ask", "cry", GO_ON})
# Cues that label rather than introduce: a quotation right after them is embedded.
LABELLING_CUES = frozenset({"call", "dub", "brand", "label", "term", "describe", "accuse", "threaten"})
# Cues that report words about the future (a forecast, a promise): a lower-case quotation
# right after one is its object ('vowed "to fight on"', 'forecast "a margin in the
# upper teens"'), a fragment rather than an introduced statement.
PROSPECTIVE_CUES = frozenset({"predict", "forecast", "promise", "pledge", "vow"})
# Parts of speech that start a new clause: a frame with one of these is not just a speaker.
_CLAUSE_POS = frozenset({"VERB", "AUX", "SCONJ"})

_HONORIFIC_GENDER = {
    "mr": "m", "mister": "m", "sir": "m", "lord": "m", "baron": "m", "king": "m",
    "prince": "m", "duke": "m", "earl": "m", "monsieur": "m", "herr": "m", "señor": "m",
    "mrs": "f", "ms": "f", "miss": "f", "lady": "f", "dame": "f", "baroness": "f",
    "queen": "f", "princess": "f", "duchess": "f", "countess": "f", "madam": "f",
    "madame": "f", "mme": "f", "frau": "f", "señora": "f",
}
# Honorifics that mark a person without telling the gender ("Dr Houck explained").
_NEUTRAL_HONORIFICS = frozenset({
    "dr", "prof", "professor", "rev", "reverend", "fr", "cllr", "councillor", "judge",
    "gen", "general", "col", "colonel", "capt", "captain", "sgt", "sergeant", "insp",
    "inspector", "det", "supt", "cdr", "commander", "adm", "admiral", "rabbi", "imam",
    "sheikh", "archbishop", "bishop", "cardinal",
})
# Letters after a name that the model sometimes takes for an organisation ("Guy Mansfield QC").
_POST_NOMINALS = frozenset({"qc", "kc", "mp", "mep", "msp", "am", "obe", "mbe", "cbe", "frs", "phd", "jr", "sr"})
_PRONOUN_GENDER = {"he": "m", "him": "m", "his": "m", "she": "f", "her": "f", "hers": "f"}
_GROUP_PRONOUNS = frozenset({"it", "its", "they", "their"})
_GROUP_LABELS = frozenset({"ORG", "NORP", "GPE"})
_SURNAME_CONFUSABLE_LABELS = frozenset({"ORG", "PRODUCT", "WORK_OF_ART", "FAC", "NORP"})
_ENTITY_SPEAKER_LABELS = frozenset({"PERSON", "ORG", "NORP", "GPE", "FAC", "LOC", "PRODUCT", "WORK_OF_ART"})

# Words that may head a description of a person's office; a definite description with
# one of these heads may refer back to the person the article is talking about.
OFFICE_NOUNS = frozenset({
    "president", "leader", "premier", "minister", "secretary", "chancellor", "mp", "mep",
    "senator", "congressman", "congresswoman", "governor", "mayor", "chairman",
    "chairwoman", "chair", "chief", "executive", "boss", "director", "head", "ambassador",
    "envoy", "commander", "general", "admiral", "king", "queen", "prince", "princess",
    "pope", "judge", "prosecutor", "lawyer", "attorney", "manager", "coach", "founder",
    "professor", "candidate", "peer", "lord", "baroness", "politician", "campaigner",
    "economist", "analyst", "author", "actor", "actress", "singer", "star", "player",
    "captain", "officer", "commissioner", "deputy", "veteran", "businessman",
    "businesswoman", "entrepreneur", "investor", "billionaire", "tycoon", "owner", "doctor",
    "scientist", "researcher", "expert", "editor", "co-chairman", "secretary-general",
})
# Other words for people by what they do: with the office nouns, the heads of descriptions
# such as "the defender told The Guardian" that refer back to the person being discussed.
ROLE_NOUNS = OFFICE_NOUNS | frozenset({
    "defender", "striker", "midfielder", "goalkeeper", "keeper", "forward", "winger",
    "skipper", "champion", "winner", "runner-up", "athlete", "runner", "swimmer", "golfer",
    "boxer", "batsman", "bowler", "jockey", "trainer", "rider", "driver", "cyclist",
    "producer", "writer", "novelist", "artist", "musician", "rapper", "comedian",
    "presenter", "host", "chef", "designer", "pilot", "teenager", "student", "pupil",
    "teacher", "victim", "suspect", "defendant", "singer-songwriter", "star", "veteran",
    "retiree", "pensioner", "graduate", "officer", "engineer", "inventor", "developer",
})
# Nouns that name people in general; they never refer back to a particular named person.
GENERIC_PERSON_NOUNS = frozenset({"man", "woman", "person", "people", "someone", "child", "boy",
                                  "girl", "guy", "member", "one"})
# Groups of people named by what they are, not by a name ("Staff said", "Management
# told"), even when capitalised and tagged as proper nouns.
COLLECTIVE_NOUNS = frozenset({"staff", "management", "workforce", "crew", "family", "public",
                              "audience", "everyone", "nobody", "somebody"})
# Unnamed sources: "a spokesman", "the prime minister's official spokesman", "officials"
# are people the article does not name, so they never refer back to a named person.
UNNAMED_SOURCE_NOUNS = frozenset({
    "spokesman", "spokeswoman", "spokesperson", "official", "source", "aide", "insider",
    "adviser", "advisor", "correspondent", "reporter", "witness", "resident", "observer",
    "diplomat", "people", "person", "someone", "colleague", "friend", "ally", "critic",
})
# Words heading a description of an organisation ("the ministry", "the company").
ORG_NOUNS = frozenset({
    "ministry", "department", "government", "party", "company", "firm", "group", "bank",
    "agency", "council", "committee", "commission", "union", "office", "court", "police",
    "army", "military", "association", "organisation", "organization", "charity", "club",
    "airline", "carrier", "retailer", "regulator", "board", "authority", "service",
    "institute", "foundation", "federation", "alliance", "league", "network", "broadcaster",
    "newspaper", "website", "insurer", "lender", "maker", "manufacturer", "giant", "watchdog",
    "campaign", "team", "embassy", "kremlin", "administration", "cabinet", "parliament",
})
# Organisation descriptions that, unmatched by name, refer back to the organisation the
# article is talking about ("the company said" after "Time Warner reported").
ANAPHORIC_ORG_NOUNS = frozenset({
    "company", "firm", "group", "bank", "airline", "carrier", "retailer", "insurer",
    "lender", "maker", "manufacturer", "giant", "club", "broadcaster", "charity", "team",
})
# Things that carry an author's or organisation's words ("said an FA statement").
COMMUNICATION_NOUNS = frozenset({
    "statement", "letter", "report", "release", "message", "note", "post", "tweet", "website",
    "blog", "email", "pitch", "announcement", "filing", "document", "memo", "column", "advert",
})
# Description heads and the titles that fulfil them ("the Russian leader" = its president).
ROLE_EQUIVALENTS = {
    "leader": frozenset({"leader", "president", "premier", "prime minister"}),
    "premier": frozenset({"premier", "prime minister"}),
    "pm": frozenset({"prime minister", "premier"}),
    "spokesman": frozenset({"spokesman", "spokeswoman", "spokesperson"}),
    "spokeswoman": frozenset({"spokesman", "spokeswoman", "spokesperson"}),
    "spokesperson": frozenset({"spokesman", "spokeswoman", "spokesperson"}),
    "boss": frozenset({"boss", "chief", "chief executive", "head"}),
    "chief": frozenset({"chief", "chief executive", "boss", "head"}),
    "chairman": frozenset({"chairman", "chairwoman", "chair"}),
    "chairwoman": frozenset({"chairman", "chairwoman", "chair"}),
}
# Modifiers that make a different office: "the shadow chancellor" is not "the chancellor".
DISTINGUISHING_MODIFIERS = frozenset({
    "shadow", "former", "deputy", "vice", "junior", "acting", "interim", "assistant", "ex",
})
# Modifiers that describe the holder rather than the office ("the new home secretary").
INCIDENTAL_MODIFIERS = frozenset({
    "new", "current", "outgoing", "incoming", "then", "embattled", "beleaguered", "veteran",
    "influential", "powerful", "controversial", "popular", "newly", "long-serving", "serving",
})
# Place or party qualifiers that name the same thing in different forms.
_QUALIFIER_ALIASES = [
    frozenset({"us", "u.s.", "usa", "america", "american", "united states", "washington"}),
    frozenset({"uk", "u.k.", "britain", "british", "united kingdom", "london"}),
    frozenset({"tory", "tories", "conservative", "conservatives"}),
    frozenset({"lib dem", "lib dems", "liberal democrat", "liberal democrats"}),
    frozenset({"france", "french", "paris"}),
    frozenset({"russia", "russian", "moscow", "kremlin"}),
    frozenset({"china", "chinese", "beijing"}),
    frozenset({"germany", "german", "berlin"}),
]
_TITLE_CONNECTORS = frozenset({"of", "for", "and", "&"})
# Parts of speech of the words of a title before a name ("director of rugby", "Acme Foods
# chairman", "the former minister").
_TITLE_POS = frozenset({"DET", "ADJ", "NOUN", "PROPN", "NUM"})
# Dependencies of words that modify a noun after them ("Uruguayan" -npadvmod-> "born"
# -amod-> "researcher").
_NOUN_MODIFIER_DEPS = frozenset({"compound", "amod", "npadvmod", "nmod"})


def _qualifiers_compatible(one: str, other: str) -> bool:
    """Whether two place/party qualifiers can name the same thing (Russia/Russian, US/American)."""
    one, other = one.lower(), other.lower()
    if one == other or (len(one) >= 4 and len(other) >= 4 and one[:4] == other[:4]):
        return True
    return any(one in group and other in group for group in _QUALIFIER_ALIASES)


def _role_key(words: list[str]) -> set[str]:
    """Office names in a list of lower-cased title words, including two-word offices."""
    keys = set(words)
    joined = " ".join(words)
    for office in ("prime minister", "chief executive", "foreign secretary", "home secretary"):
        if office in joined:
            keys.add(office)
    return keys


@dataclass
class _Title:
    """A title or description attached to a person: its words and place/party qualifiers."""

    words: list[str]
    qualifiers: list[str]
    required: tuple[str, ...] = ()     # a description's modifiers the title must also have


    def offices(self) -> set[str]:
        return _role_key(self.words)

    def fulfils(self, wanted: frozenset[str], description: _Title) -> bool:
        if not (self.offices() & wanted):
            return False
        if not set(description.required) <= set(self.words):
            return False                 # "the foreign secretary" is not "Home Secretary X"
        mine = set(self.words) & DISTINGUISHING_MODIFIERS
        theirs = set(description.words) & DISTINGUISHING_MODIFIERS
        if mine != theirs:
            return False
        if self.qualifiers and description.qualifiers:
            return any(_qualifiers_compatible(a, b) for a in self.qualifiers for b in description.qualifiers)
        return True


@dataclass
class _Speaker:
    name: str | None
    label: str | None
    attribution: str | None
    gender: str | None = None


@dataclass
class _Subject:
    """A subject mention outside quotations, a candidate antecedent for pronouns.

    ``speaker`` is who it names (None for an unnamed person: "the spokesman"), and
    ``is_person`` says whether *he*/*she* can refer to it ("a spokeswoman for Human Rights
    Watch" is a person whose words we give to the organisation).
    """

    char: int
    paragraph: int
    speaker: _Speaker | None
    is_person: bool
    gender: str | None
    plural: bool = False
    sentence: int = 0          # start of its sentence (for preferring main-clause subjects)
    main_clause: bool = False


@dataclass
class _Quote:
    span: QuoteSpan
    text: str
    first: int                  # first token inside the quotation (its opening mark)
    last: int                   # last token inside the quotation
    paragraph: int
    ends_sentence: bool
    speaker: _Speaker | None = None
    cue: str | None = None
    is_partial: bool = False


@dataclass
class _DocView:
    """Per-document lookups shared by all quotations of one article."""

    doc: object
    index: object
    paragraphs: list[tuple[int, int]]
    token_starts: list[int]
    owner: list[int]                            # token -> quotation number, -1 outside
    quotes: list[_Quote] = field(default_factory=list)
    entity_of: dict[int, object] = field(default_factory=dict)   # token -> entity span
    labels: dict[str, str] = field(default_factory=dict)         # canonical name -> index label
    forms: dict[str, str] = field(default_factory=dict)          # surface form -> canonical name
    genders: dict[str, str] = field(default_factory=dict)        # canonical name -> m/f
    titles: dict[str, list[_Title]] = field(default_factory=dict)
    org_names: list[str] = field(default_factory=list)
    subjects: list[_Subject] = field(default_factory=list)
    subject_speaker: dict[int, _Speaker] = field(default_factory=dict)

    def paragraph_of(self, char: int) -> int:
        return max(0, bisect.bisect_right([s for s, _ in self.paragraphs], char) - 1)


def _is_paragraph_break(token) -> bool:
    return token.is_space and "\n" in token.text


def _is_terminator(view: _DocView, token) -> bool:
    return view.owner[token.i] < 0 and token.text in (".", "!", "?", "…", "...")


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
    if lemma not in CUE_LEMMAS:
        return None
    if token.tag_ == "VBN" and not any(c.dep_ == "agent" or (c.dep_ == "aux" and c.lemma_.lower() == "have")
                                       for c in token.children):
        return None
    return lemma


def _reported_as(quote_verb):
    """The reporting verb of ``quoted X as saying`` ("as" on the verb or, misparsed, on X)."""
    objects = [c for c in quote_verb.children if c.dep_ in ("dobj", "nsubjpass")]
    for holder in [quote_verb] + objects:
        for prep in holder.children:
            if prep.dep_ == "prep" and prep.lower_ == "as":
                reported = next((c for c in prep.children if c.dep_ in ("pcomp", "pobj")
                                 and c.pos_ == "VERB" and c.lemma_.lower() in CUE_LEMMAS), None)
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


def _quoted_source(view: _DocView, quote_verb):
    """Who is quoted: the object of ``X quoted Y as saying`` or the subject of ``Y was quoted as saying``.

    The subject of *quote* (a newspaper, an agency) only passes the words on; an unnamed
    object ("an insider", "a source") leaves the speaker None like any unnamed source.
    """
    for dep in ("dobj", "nsubjpass"):
        source = next((c for c in quote_verb.children if c.dep_ == dep and view.owner[c.i] < 0), None)
        if source is not None:
            return source
    return None


def _before_window(view: _DocView, quote: _Quote) -> list:
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
        if _is_paragraph_break(token) or _is_terminator(view, token):
            break
        window.append(token)
        i -= 1
    window.reverse()
    return [t for t in window if not t.is_space]


def _after_window(view: _DocView, quote: _Quote) -> list:
    """Tokens after the quotation up to the end of its sentence or the next quotation.

    Empty when the quotation itself ends the sentence ("... eastward." Mr Putin later ...).
    """
    doc, window = view.doc, []
    if quote.ends_sentence:
        return window
    for i in range(quote.last + 1, len(doc)):
        token = doc[i]
        if _is_paragraph_break(token) or view.owner[i] >= 0 or _is_terminator(view, token):
            break
        if not token.is_space:
            window.append(token)
    return window


def _ancestor_cues(quote: _Quote, cues: list) -> list:
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


def _introduces(quote: _Quote, before: list, before_cues: list, after: list) -> bool:
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
        is_object = cue in PROSPECTIVE_CUES and quote.text[:1].islower()
        return cue not in LABELLING_CUES and not runs_on and not is_object
    if last.text == "," and before_cues and before_cues[-1].i >= last.i - 6:
        between = [t for t in before if before_cues[-1].i < t.i < last.i]
        return not any(t.pos_ in _CLAUSE_POS for t in between)
    return False


def _frames_after(quote: _Quote, after: list, cue_token) -> bool:
    """Whether a cue after the quotation frames it: ``"...," Mr X, the minister, said``.

    The quotation must end open (a comma, question mark... or run on in lower case) and
    only the speaker's noun phrase may stand between it and the cue.
    """
    if quote.ends_sentence:
        return False
    ends_open = quote.text[-1:] in ",?!—–-…:;" or after[0].text in (",", "—", "–") \
        or after[0].is_lower or after[0].i == cue_token.i
    subject_only = not any(t.pos_ in _CLAUSE_POS for t in after if t.i < cue_token.i)
    return ends_open and subject_only


def _choose_cues(quote: _Quote, before: list, after: list) -> tuple[list, bool]:
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
    dependent_cues = [t for t in before_cues + after_cues if cue_of(t) not in FRAME_ONLY_CUES]
    according = [t for t in before_cues + after_cues if cue_of(t) == ACCORDING_TO]
    embedded = any(not t.is_punct for t in before)
    framing = [after_cues[0]] if after_cues and _frames_after(quote, after, after_cues[0]) else []
    if embedded:                                 # a partial quotation: its own clause's cues first
        candidates = _ancestor_cues(quote, dependent_cues) + framing
    else:
        candidates = framing or _ancestor_cues(quote, dependent_cues)
    candidates += [t for t in according if t not in candidates]
    return candidates, introduced


def _subject_token(cue_token, owner: list[int]):
    """The cue's grammatical subject, inherited through 'went on to say', 'and added', 'adding'.

    Words inside quotations are never the subject of the frame around them (the parser
    sometimes hangs the quoted clause's subject on the cue).
    """
    token = cue_token
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


def _inverted_subject(cue_token, after: list):
    """``"...," said Mr X``: the first noun after a cue that opens the after-window."""
    words = [t for t in after if not t.is_punct]
    if not words or words[0].i != cue_token.i:
        return None
    doc = cue_token.doc
    for token in words[1:]:
        if token.lower_ in ("year", "years") and token.i + 2 < len(doc) and _is_age_description(doc[token.i + 2]):
            return doc[token.i + 2]                  # "added the 30-year-old"
        if token.pos_ in ("PROPN", "NOUN", "PRON"):
            return _modified_noun(token)
        if token.pos_ not in ("DET", "ADJ", "NUM", "PUNCT"):
            return None
    return None


def _modified_noun(token):
    """The noun a word modifies, when it stands in front of one: 'Tory' in 'Tory shadow
    secretary', 'Uruguayan' in 'the Uruguayan-born researcher' (through *born*); else the
    word itself.

    A nationality before a noun describes the speaker; it is never the speaker.
    """
    head = token
    while head.head.i > head.i and head.dep_ in _NOUN_MODIFIER_DEPS \
            and head.head.pos_ in ("PROPN", "NOUN", "ADJ", "VERB"):
        head = head.head
    return head if head.pos_ in ("PROPN", "NOUN") else token


def _agent(cue_token):
    """The agent of a passive cue: 'described as "outrageous" by the IHRC'."""
    for child in cue_token.children:
        if child.dep_ == "agent":
            return next((c for c in child.children if c.dep_ == "pobj"), None)
    return None


def _is_passive(token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass") for c in token.children)


def _named_after_inverted_cue(view: _DocView, cue_token, after: list):
    """``"...," said Tory shadow secretary Caroline Spelman``: the name in the inverted frame.

    The parser often misreads the title words of an inverted frame, so the first person
    (else organisation) entity between the cue and the next clause is taken directly
    ("said EEF chief economist, Steve Radley", "said Mr Blair, who ...").
    """
    words = [t for t in after if not t.is_punct]
    if not words or words[0].i != cue_token.i:
        return None
    phrase = []                                  # up to the next clause: "said Mr X, adding that Y"
    doc = cue_token.doc
    for token in words[1:]:
        after_comma = token.i > 0 and doc[token.i - 1].text == ","
        if token.pos_ == "SCONJ" or (token.pos_ == "PRON" and token.dep_ == "nsubj") \
                or (token.pos_ in ("VERB", "AUX") and after_comma):
            break
        phrase.append(token)
    for label in ("PERSON", "ORG"):
        named = [t for t in phrase if t.i in view.entity_of and view.entity_of[t.i].label_ == label]
        if named:
            return view.entity_of[named[0].i].root
    return None


def _named_before_framing_cue(view: _DocView, cue_token, after: list):
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
        chain = _name_chain(doc[end - 1])
        named = chain is not None and len(chain) >= 2 and _after_role_title(chain)
        return doc[end - 1] if named and view.owner[chain.start] < 0 else None
    if ent.end != end or (ent.label_ != "PERSON" and not _looks_like_person(ent)):
        return None
    title = [t for t in before_cue if t.i < ent.start]
    while title and title[0].is_punct:
        title = title[1:]                        # the comma and mark closing the quotation
    if not all(t.pos_ in _TITLE_POS or t.lower_ in _TITLE_CONNECTORS for t in title):
        return None                              # 'X - then adviser to President Y - told'
    return _first_coordinated_person(view, ent.root)


def _is_title_word(view: _DocView, token) -> bool:
    """A word of a title written before a name: 'chief operating officer', 'Acme Foods chairman'."""
    if view.owner[token.i] >= 0:
        return False
    if token.pos_ in ("NOUN", "ADJ"):
        return token.is_lower
    return token.pos_ == "PROPN" and token.ent_type_ != "PERSON"


def _first_coordinated_person(view: _DocView, subject):
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


def _cue_subject(view: _DocView, cue_token):
    """Who a cue's clause says spoke: the quoted person of *quoted X as saying*, else the
    cue's subject (the first person of a coordinated subject)."""
    quoting = _quoting_verb(cue_token)
    if quoting is not None:
        return _quoted_source(view, quoting)
    subject = _subject_token(cue_token, view.owner)
    return _first_coordinated_person(view, subject) if subject is not None else None


def _speaker_token(view: _DocView, cue_token, after: list):
    """The token naming who speaks through ``cue_token`` (subject, agent, object of 'according to').

    *quoted X as saying* names X whether active or passive ("X was quoted by the paper
    as saying": the paper is the agent but not the speaker).
    """
    if cue_of(cue_token) == ACCORDING_TO:
        return _according_to_object(cue_token)
    if _quoting_verb(cue_token) is not None:
        return _cue_subject(view, cue_token)
    if _is_passive(cue_token):
        return _agent(cue_token)
    inverted = _named_after_inverted_cue(view, cue_token, after)
    if inverted is not None:
        return inverted
    framing = _named_before_framing_cue(view, cue_token, after)
    if framing is not None:
        return framing
    subject = _cue_subject(view, cue_token)
    if subject is not None:
        return subject
    return _inverted_subject(cue_token, after)


# --- resolution ------------------------------------------------------------------------

def _entity_index(doc) -> dict[int, object]:
    return {token.i: ent for ent in doc.ents for token in ent}


def _honorific(word: str) -> str | None:
    """'m' or 'f' for a gendered honorific, '' for a neutral one (Dr, Prof), None otherwise."""
    word = word.lower().rstrip(".")
    if word in _HONORIFIC_GENDER:
        return _HONORIFIC_GENDER[word]
    return "" if word in _NEUTRAL_HONORIFICS else None


def _honorific_before(doc, ent) -> str | None:
    """The honorific that opens or precedes an entity span ('' when it tells no gender)."""
    tokens = [t for t in ent[:1]] + ([doc[ent.start - 1]] if ent.start > 0 else [])
    for token in tokens:
        honorific = _honorific(token.text)
        if honorific is not None:
            return honorific
    return None


def _honorific_gender(doc, ent) -> str | None:
    return _honorific_before(doc, ent) or None


def _strip_honorifics(text: str) -> str:
    """'Lord Nicholls' -> 'Nicholls', 'Guy Mansfield QC' -> 'Guy Mansfield' (gold-style names)."""
    words = text.split()
    while len(words) > 1 and _honorific(words[0]) is not None:
        words = words[1:]
    while len(words) > 1 and words[-1].lower().strip(".,") in _POST_NOMINALS:
        words = words[:-1]
    return " ".join(words)


def _looks_like_person(ent) -> bool:
    """A span the model labelled otherwise that reads as a person: it ends in a post-nominal
    ('Guy Mansfield QC'), or it is a full name introduced by its role ('Sameer Wagh,
    deputy police chief in Pune, said' with the name tagged ORG)."""
    words = ent.text.split()
    if not all(w[:1].isupper() for w in words):
        return False
    if len(words) >= 3 and words[-1].lower().strip(".") in _POST_NOMINALS:
        return True
    return 2 <= len(words) <= 3 and all(t.pos_ == "PROPN" for t in ent) \
        and not any(w.lower() in ORG_NOUNS for w in words) \
        and (_introduced_by_role(ent.root) or _after_role_title(ent))


def _after_role_title(ent) -> bool:
    """Whether a name follows a lower-case title naming a role: 'director of rugby Huw
    Parry' (the name tagged ORG), 'head of medicine X'.

    The title ends in a common noun, not in *of* or *the* ('chairman of Acme Foods' names
    a firm), and no word for an organisation follows the role ('chief executive of mobile
    firm Acme Telecom').
    """
    doc, words = ent.doc, []
    i = ent.start - 1
    while i >= 0 and ent.start - i <= 6:
        token = doc[i]
        # Title words are in lower case (the tagger may still call them PROPN: "rugby"),
        # save the first word of a sentence ("Director of rugby X has ...").
        if token.pos_ in ("NOUN", "PROPN", "ADJ") and (token.is_lower or token.is_sent_start) \
                and token.is_alpha:
            words.append(token)
        elif token.lower_ in _TITLE_CONNECTORS and words:
            words.append(token)
        else:
            break
        i -= 1
    if not words or words[0].pos_ == "ADJ" or words[0].lower_ in _TITLE_CONNECTORS:
        return False                                 # 'the Acme', 'of Acme Foods'
    words.reverse()
    roles = [k for k, t in enumerate(words) if t.pos_ in ("NOUN", "PROPN") and _is_role_word(t.lower_)]
    return bool(roles) and not any(t.lower_ in ORG_NOUNS for t in words[roles[-1] + 1:])


def _introduced_by_role(token) -> bool:
    """Whether a name has a person's role in apposition: 'X, deputy police chief in Pune,'.

    Only one person holds a singular role, so the name is a person's whatever the NER
    said of it (a group would be 'X, the champions').
    """
    for child in token.children:
        if child.dep_ == "appos" and child.pos_ == "NOUN" and child.tag_ == "NN" and child.i > token.i:
            word = child.lemma_.lower()
            if (_is_role_word(word) or word in UNNAMED_SOURCE_NOUNS) and word not in GENERIC_PERSON_NOUNS \
                    and word not in ("people", "person", "someone"):
                return True
    return False


def _is_role_word(word: str) -> bool:
    """Whether a (lower-case) noun names a person by role: listed, or an -ist/-man/-woman noun."""
    return word in ROLE_NOUNS or word.endswith(("ist", "man", "woman")) and word not in ("list", "human")


def _is_age_description(token) -> bool:
    """'the 30-year-old' (the parser makes *old* the subject)."""
    doc = token.doc
    return token.lower_ == "old" and token.i >= 2 and doc[token.i - 1].text == "-" \
        and doc[token.i - 2].lower_ in ("year", "years")


def _noun_gender(word: str) -> str | None:
    word = word.lower()
    if word.endswith("woman") or word in ("queen", "princess", "mother", "actress", "baroness", "lady"):
        return "f"
    if word.endswith("man") and word != "human" or word in ("king", "prince", "father", "lord"):
        return "m"
    return None


def _canonical(view: _DocView, ent) -> tuple[str, str]:
    """(canonical name, label) of an entity span, through the entity index.

    A name after an honorific is a person whatever the NER said ("Lord Butler" as ORG).
    A PERSON span without one takes the label the article groups it under when that is
    not PERSON (``_grouped_as_non_person``).  A name the index does not know keeps its
    surface form (without "the" or "'s").
    """
    index = view.index
    grouped = _grouped_as_non_person(view, ent)
    if grouped is not None:
        return grouped
    if ent.label_ == "PERSON" or _honorific_before(view.doc, ent) is not None or _looks_like_person(ent):
        name = (index.canonical_for_span(ent) if ent.label_ == "PERSON" else None) \
            or index.resolve_person(ent.text) or index.resolve_person(_strip_honorifics(ent.text))
        if name is None and ent.label_ == "PERSON":
            name = index.canonical_for_span(ent)
        return name or _strip_honorifics(_clean_surface(ent.text)), "PERSON"
    if ent.label_ in _SURNAME_CONFUSABLE_LABELS and len(ent) == 1:
        # The small model tags surnames as organisations ("Nair told the BBC", "said
        # Campbell"); a one-word name that is the surname of a person in the article is
        # that person here, where it is who speaks or is spoken of.
        person = index.resolve_person(_clean_surface(ent.text))
        if person is not None:
            return person, "PERSON"
    name = index.canonical_for_span(ent)
    if name is not None:
        return name, view.labels.get(name, ent.label_)
    person = index.resolve_person(ent.text)
    if person is not None:
        return person, "PERSON"
    return _clean_surface(ent.text), ent.label_


def _grouped_as_non_person(view: _DocView, ent) -> tuple[str, str] | None:
    """(name, label) of a PERSON-tagged span that the article's entity index groups as no person.

    The small model tags an organisation PERSON in one sentence ("Acme is sure of its
    case, and "...," he said", after its lawyer spoke) while the index, which weighs all
    the article's mentions, knows it as an organisation; the article's label wins, so the
    span is no candidate for *he*/*she*.  A name after an honorific stays a person.
    """
    if ent.label_ != "PERSON" or _honorific_before(view.doc, ent) is not None:
        return None
    name = view.index.canonical_for_span(ent)
    label = view.labels.get(name) if name else None
    if label is None or label == "PERSON":
        return None
    return name, label


def _clean_surface(text: str) -> str:
    text = re.sub(r"^(the|The)\s+", "", text.strip())
    return re.sub(r"['’]s?$", "", text).strip()


def _name_chain(token):
    """A proper-noun name the NER missed: the token with its compound proper nouns."""
    if token.pos_ != "PROPN":
        return None
    words = [c for c in token.children if c.dep_ == "compound" and c.pos_ == "PROPN" and c.i < token.i]
    start = min([token.i] + [c.i for c in words])
    return token.doc[start: token.i + 1]


def _unrecognised_name(view: _DocView, token) -> _Speaker | None:
    """A subject that is a name the NER missed: 'Mr Davies, 60, said', 'Lord Nicholls ... said'.

    A name after an honorific, or one the index knows as a person, is a person; other
    proper-noun subjects that are not office words keep their surface form without a label.
    """
    chain = _name_chain(token)
    if chain is None:
        return None
    honorific = _honorific(chain[0].text)
    name = view.index.resolve_person(chain.text)
    if name is not None:
        if honorific and name not in view.genders:
            view.genders[name] = honorific
        return _Speaker(name, "PERSON", "explicit", honorific or _gender_of(view, name))
    if honorific is not None and len(chain) >= 2:
        surface = _strip_honorifics(chain.text)
        if honorific:
            view.genders.setdefault(surface, honorific)
        return _Speaker(surface, "PERSON", "explicit", honorific or None)
    if len(chain) >= 2 and not any(t.lower_ in OFFICE_NOUNS or t.lower_ in ORG_NOUNS for t in chain):
        is_person = _introduced_by_role(token) or _after_role_title(chain)
        return _Speaker(chain.text, "PERSON" if is_person else None, "explicit")
    if len(chain) == 1 and _is_one_word_name(token):
        known = _indexed_word(view, token.text)
        if known.label is None and _introduced_by_role(token):
            known.label = "PERSON"
        return known
    return None


def _is_one_word_name(token) -> bool:
    """A single capitalised proper noun that names someone rather than a role or a group.

    Companies named by a common word ("Orange said in a statement", "Apple told") are often
    missed by the NER; a plural ("Ministers said") or a word for an office, a role, a kind
    of organisation or people in general is no name.
    """
    word = token.lower_
    return token.tag_ == "NNP" and token.text[:1].isupper() and token.text.isalpha() \
        and _honorific(word) is None and word not in OFFICE_NOUNS and word not in ORG_NOUNS \
        and not _is_role_word(word) and word not in UNNAMED_SOURCE_NOUNS \
        and word not in GENERIC_PERSON_NOUNS and word not in COMMUNICATION_NOUNS \
        and word not in COLLECTIVE_NOUNS


def _indexed_word(view: _DocView, word: str) -> _Speaker:
    """A word the NER left untagged here: the article's entity of that form (its canonical
    name and label) when the index knows one, else the word itself without a label."""
    name = view.forms.get(word)
    if name is not None:
        label = view.labels.get(name)
        return _Speaker(name, label, "explicit", _gender_of(view, name) if label == "PERSON" else None)
    return _Speaker(word, None, "explicit")


def _gender_of(view: _DocView, name: str | None) -> str | None:
    return view.genders.get(name) if name else None


def _compatible(gender: str | None, wanted: str | None) -> bool:
    return gender is None or wanted is None or gender == wanted


def _subjects_before(view: _DocView, char: int) -> list[_Subject]:
    """Subjects before ``char``, latest first."""
    k = bisect.bisect_left([s.char for s in view.subjects], char)
    return view.subjects[:k][::-1]


def _subject_gender(view: _DocView, subject: _Subject) -> str | None:
    return subject.gender or (_gender_of(view, subject.speaker.name) if subject.speaker else None)


def _resolve_pronoun(view: _DocView, pronoun, char: int) -> _Speaker | None:
    """he/she: the latest compatible person subject; it/they: a group subject within two
    paragraphs; both preferring the main clause of the latest sentence with a candidate."""
    word = pronoun.lower_
    if word in _PRONOUN_GENDER:
        wanted = _PRONOUN_GENDER[word]
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
        subject = next((s for s in main if _subject_gender(view, s) == wanted), main[0] if main else latest[-1])
        if subject.speaker is None:
            return None                              # "the spokesman said ... he added"
        name = subject.speaker.name
        if subject.speaker.label == "PERSON" and name not in view.genders:
            view.genders[name] = wanted              # learnt: "Hazel Blears ... she said"
        return _Speaker(name, subject.speaker.label, "pronoun", wanted)
    if word in _GROUP_PRONOUNS:
        groups = _group_candidates(view, word, char)
        if not groups:
            return None
        # As for he/she, a main-clause subject of the latest sentence with a candidate is
        # preferred ('Acme said Leeds was "...". It also said'); failing one,
        # the latest candidate.
        subject = next((s for s in groups if s.main_clause), groups[0])
        return _Speaker(subject.speaker.name, subject.speaker.label, "pronoun")
    return None


def _group_candidates(view: _DocView, word: str, char: int) -> list[_Subject]:
    """Organisation or group subjects *it*/*they* may refer to: those of the latest sentence
    with one within two paragraphs, latest first.

    People are passed over, except that *they* right after a person (no group in between)
    is a group we cannot name: no candidates.
    """
    paragraph, found = view.paragraph_of(char), []
    for subject in _subjects_before(view, char):
        if subject.paragraph < paragraph - 1 or (found and subject.sentence != found[0].sentence):
            break
        if subject.is_person:
            if word == "they" and not found:
                return []
            continue
        if subject.speaker is not None and subject.speaker.label in _GROUP_LABELS:
            found.append(subject)
    return found


def _description(token) -> _Title:
    """Words, place/party qualifiers and required modifiers of a description headed by ``token``."""
    words, qualifiers, required = [token.lemma_.lower() if token.pos_ == "NOUN" else token.lower_], [], []
    for child in token.children:
        if child.dep_ in ("amod", "compound", "nmod", "poss") and child.i < token.i:
            if child.ent_type_ or child.pos_ == "PROPN":
                qualifiers.append(child.text.rstrip("'’s") if child.dep_ == "poss" else child.text)
            elif child.lower_ not in INCIDENTAL_MODIFIERS:
                required.append(child.lower_)
            words.append(child.lower_)
    return _Title(words=words, qualifiers=qualifiers, required=tuple(required))


def _determiner(token) -> str | None:
    for child in token.children:
        if child.dep_ == "det":
            return child.lower_
        if child.dep_ == "poss":
            return "poss"
    return None


def _resolve_description(view: _DocView, token, char: int) -> _Speaker | None:
    """A common-noun subject ("the Russian president", "the ministry") to a named entity."""
    head = token.lemma_.lower() if token.pos_ == "NOUN" else token.lower_
    determiner = _determiner(token)
    if token.tag_ in ("NNS", "NNPS"):
        return None                                  # "officials said": several unnamed people
    if determiner in ("a", "an", "another", "some", "one"):
        return None                                  # an indefinite description is someone new
    description = _description(token)
    wanted = ROLE_EQUIVALENTS.get(head, frozenset({head}))
    if "prime" in description.words and head == "minister":
        wanted = ROLE_EQUIVALENTS["premier"]
    matches = {name for name, titles in view.titles.items()
               if any(title.fulfils(wanted, description) for title in titles)}
    if len(matches) == 1:
        name = matches.pop()
        return _Speaker(name, "PERSON", "explicit", _gender_of(view, name))
    if matches:
        return None                                  # several people hold that title
    if head in ORG_NOUNS:
        return _resolve_org_description(view, head, char)
    return _refer_back(view, token, head, determiner, char)


def _refer_back(view: _DocView, token, head: str, determiner: str | None, char: int) -> _Speaker | None:
    """A definite role description no title matches ("the defender", "the Salford MP", "the
    30-year-old") is the person the text is about: the latest named person subject of this
    or the previous paragraph.  Unnamed sources, generic nouns, possessive descriptions
    ("the prime minister's spokesman") and descriptions that introduce someone ("the
    chairman of the Bar Council") do not refer back."""
    if head in UNNAMED_SOURCE_NOUNS or head in GENERIC_PERSON_NOUNS or determiner == "poss":
        return None
    if not (_is_role_word(head) or _is_age_description(token) or _is_nationality_noun(token)):
        return None
    if any(c.dep_ in ("prep", "appos") or (c.dep_ == "relcl" and _is_restrictive(c)) for c in token.children):
        return None
    return _latest_named_subject(view, char, "PERSON", _noun_gender(head))


def _is_restrictive(clause) -> bool:
    """A relative clause that picks someone out ("the researcher who built it") rather than
    adding to a description already complete ("the researcher, who has studied games")."""
    first = clause.left_edge
    return not (first.i > 0 and first.doc[first.i - 1].text == ",")


def _resolve_org_description(view: _DocView, head: str, char: int) -> _Speaker | None:
    named = {name for name in view.org_names if re.search(rf"\b{re.escape(head)}\b", name, re.IGNORECASE)}
    if len(named) == 1:
        return _Speaker(named.pop(), "ORG", "explicit")
    if not named and head in ANAPHORIC_ORG_NOUNS:
        return _latest_named_subject(view, char, "ORG", None)
    return None


def _latest_named_subject(view: _DocView, char: int, label: str, gender: str | None) -> _Speaker | None:
    """The latest named subject with ``label`` in the current or previous paragraph."""
    paragraph = view.paragraph_of(char)
    for subject in _subjects_before(view, char):
        if subject.paragraph < paragraph - 1:
            break
        speaker = subject.speaker
        if speaker is not None and speaker.label == label and not subject.plural and \
                _compatible(gender, _subject_gender(view, subject)):
            return _Speaker(speaker.name, label, "explicit", gender or speaker.gender)
    return None


def _resolve_token(view: _DocView, token) -> _Speaker | None:
    """The speaker a subject/speaker token names: an entity, a pronoun or a description."""
    if token.i in view.subject_speaker:
        return view.subject_speaker[token.i]
    return _resolve_mention(view, token)


def _resolve_mention(view: _DocView, token) -> _Speaker | None:
    ent = view.entity_of.get(token.i)
    if ent is not None and ent.label_ == "NORP" and _modified_noun(token) is not token:
        return _resolve_mention(view, _modified_noun(token))   # "the Uruguayan-born researcher"
    if _is_nationality_noun(token):
        return _refer_back(view, token, token.lower_, _determiner(token), token.idx)   # "the Frenchman"
    if ent is not None and ent.label_ in _ENTITY_SPEAKER_LABELS:
        name, label = _canonical(view, ent)
        return _Speaker(name, label, "explicit", _gender_of(view, name))
    if token.pos_ == "PRON":
        if token.lower_ in ("who", "that", "which") and token.head.dep_ == "relcl":
            return _resolve_mention(view, token.head.head)   # "Mr X, who said ..."
        return _resolve_pronoun(view, token, token.idx)
    # "Liberal Democrat spokeswoman Sandra Gidley", "The Shadow Secretary..., Theresa May,"
    for child in token.children:
        if child.dep_ in ("appos", "compound") and child.i != token.i:
            ent = view.entity_of.get(child.i)
            if ent is not None and ent.label_ == "PERSON":
                name, label = _canonical(view, ent)
                return _Speaker(name, label, "explicit", _gender_of(view, name))
            chain = _name_chain(child) if child.dep_ == "appos" else None
            if chain is not None and len(chain) >= 2:
                name = view.index.resolve_person(chain.text)
                return _Speaker(name or chain.text, "PERSON", "explicit", _gender_of(view, name))
    titled = _name_in_title(view, token)
    if titled is not None:
        return _resolve_mention(view, titled)            # "Director of rugby X has ..." parsed X as of's object
    if token.pos_ == "PROPN":
        named = _unrecognised_name(view, token)
        if named is not None:
            return named
    if _is_age_description(token):
        return _refer_back(view, token, "year-old", _determiner(token), token.idx)
    if token.pos_ == "NOUN" and not _is_person_noun(token):
        # "His sales pitch adds", "the company's statement said": the owner speaks; so does
        # the organisation named before a statement ("said an FA statement").
        owner = next((c for c in token.children if c.dep_ == "poss"), None)
        if owner is not None:
            return _resolve_mention(view, owner)
        if token.lemma_.lower() in COMMUNICATION_NOUNS:
            owner = _statement_owner(view, token)
            if owner is not None:
                return owner
    if token.pos_ in ("NOUN", "PROPN"):
        return _resolve_description(view, token, token.idx)
    return None


def _name_in_title(view: _DocView, token):
    """The name that a role noun's *of* phrase ends in: in "Director of rugby Julien
    Marchetti has ..." the parser makes *Director* the subject and the name the object of
    *of*; a name right after the title's last word (not right after *of*: "the chairman
    of Acme Foods") is the person the title belongs to."""
    if not _is_person_noun(token):
        return None
    for prep in token.children:
        if prep.dep_ != "prep" or prep.lower_ != "of":
            continue
        for pobj in prep.children:
            ent = view.entity_of.get(pobj.i)
            if pobj.dep_ == "pobj" and ent is not None and ent.root.i == pobj.i \
                    and (ent.label_ == "PERSON" or _looks_like_person(ent)) and _after_role_title(ent):
                return pobj
    return None


def _is_nationality_noun(token) -> bool:
    """A definite nationality used for one person: "the Frenchman", "the Italian" (which the
    model tags NORP or ORG), a description that refers back like "the defender".

    Collective forms ("the French", "the British", "the Swiss", "the Chinese") and plurals
    name a people, not a person.
    """
    if token.pos_ not in ("NOUN", "PROPN") or token.tag_ in ("NNS", "NNPS") or not token.text[:1].isupper():
        return False
    if token.dep_ in _NOUN_MODIFIER_DEPS or _determiner(token) != "the" or not token.is_alpha:
        return False
    word = token.lower_
    if word.endswith(("man", "woman")) and word not in OFFICE_NOUNS:
        return True                                  # Frenchman, Welshwoman
    doc = token.doc
    one_word = token.ent_iob_ == "B" and (token.i + 1 == len(doc) or doc[token.i + 1].ent_iob_ != "I")
    collective = word.endswith(("ese", "ish", "ch", "ss"))
    return token.ent_type_ == "NORP" and one_word and not collective


def _statement_owner(view: _DocView, statement) -> _Speaker | None:
    """Who issued "an FA statement": the named compound before a communication noun.

    Any named entity there speaks (the model tags such owners ORG, GPE, PERSON and
    sometimes PRODUCT); an acronym it left untagged ("an FA statement": *FA* as a common
    noun) is the organisation of that name, through the entity index when it knows it.
    """
    for child in statement.children:
        if child.dep_ != "compound" or child.i > statement.i:
            continue
        ent = view.entity_of.get(child.i)
        if ent is not None and ent.label_ in _ENTITY_SPEAKER_LABELS:
            return _resolve_mention(view, child)
        if ent is None and is_acronym(child.text):
            known = _indexed_word(view, child.text)
            return known if known.label else _Speaker(child.text, "ORG", "explicit")
    return None


# --- per-document tables ---------------------------------------------------------------

def _title_before(doc, ent) -> _Title | None:
    """Title words written just before a name: 'US President Joe Biden', 'Foreign Secretary Liz Truss'."""
    words, qualifiers = [], []
    i = ent.start - 1
    while i >= 0 and ent.start - i <= 6:
        token = doc[i]
        low = token.lower_.rstrip(".")
        if _honorific(low) is not None and low not in OFFICE_NOUNS:
            i -= 1
            continue
        if token.pos_ in ("PROPN", "NOUN", "ADJ") and not token.is_space:
            if token.ent_type_ in ("GPE", "NORP", "LOC", "ORG") and token.ent_type_ != "PERSON":
                qualifiers.append(token.text)
            words.append(token.lemma_.lower() if token.pos_ == "NOUN" else low)
        elif low not in _TITLE_CONNECTORS:
            break
        i -= 1
    words.reverse()
    qualifiers.reverse()
    return _Title(words, qualifiers) if words else None


def _appositive_titles(ent) -> list[_Title]:
    """'Admiral Sir Tony Radakin, the head of ...' and 'The Shadow Secretary ..., Theresa May,'."""
    root, titles = ent.root, []
    related = [c for c in root.children if c.dep_ == "appos"]
    if root.dep_ == "appos":
        related.append(root.head)
    for token in related:
        if token.pos_ in ("NOUN", "PROPN") and token.ent_type_ != "PERSON":
            titles.append(_description(token))
    return titles


def _build_view(body_doc, index) -> _DocView:
    text = body_doc.text
    spans = find_quote_spans(text)
    view = _DocView(doc=body_doc, index=index, paragraphs=paragraph_spans(text),
                    token_starts=[t.idx for t in body_doc], owner=[-1] * len(body_doc))
    view.entity_of = _entity_index(body_doc)
    view.labels = {e["name"]: e["label"] for e in getattr(index, "entities", None) or () if e.get("name")}
    for entity in getattr(index, "entities", None) or ():
        for form in [entity.get("name")] + list(entity.get("forms") or ()):
            if form:
                view.forms.setdefault(form, entity["name"])
    for number, span in enumerate(spans):
        first = bisect.bisect_left(view.token_starts, span.start)
        last = bisect.bisect_left(view.token_starts, span.end) - 1
        if last < first:
            continue
        for i in range(first, last + 1):
            view.owner[i] = len(view.quotes)
        words = quote_text(text, span)
        after = text[span.end: span.end + 3].lstrip()
        ends_sentence = words[-1:] in tuple(_SENTENCE_END) and not (after[:1].islower() or after[:1] == ",")
        view.quotes.append(_Quote(span=span, text=words, first=first, last=last,
                                  paragraph=view.paragraph_of(span.start), ends_sentence=ends_sentence))
    for ent in body_doc.ents:
        grouped = _grouped_as_non_person(view, ent)     # a company the model tagged PERSON
        if ent.label_ == "PERSON" and view.owner[ent.start] < 0 and grouped is None:
            name, _ = _canonical(view, ent)
            gender = _honorific_gender(body_doc, ent)
            if gender and name not in view.genders:
                view.genders[name] = gender
            title = _title_before(body_doc, ent)
            titles = ([title] if title else []) + _appositive_titles(ent)
            view.titles.setdefault(name, []).extend(titles)
        elif ent.label_ == "ORG" or (grouped is not None and grouped[1] == "ORG"):
            view.org_names.append(_canonical(view, ent)[0])
    _collect_subjects(view)
    return view


def _is_person_noun(token) -> bool:
    """A common noun naming a person by office or role ("minister", "spokeswoman", "officials")."""
    if _is_age_description(token) or _is_nationality_noun(token):
        return True
    if token.pos_ not in ("NOUN", "PROPN") or token.ent_type_:
        return False
    word = token.lemma_.lower() if token.pos_ == "NOUN" else token.lower_
    return _is_role_word(word) or word in UNNAMED_SOURCE_NOUNS or word in GENERIC_PERSON_NOUNS \
        or _noun_gender(word) is not None


def _antecedent_role(view: _DocView, token) -> tuple[str, object] | None:
    """(role, verb) when ``token`` can be the antecedent of a later pronoun, else None.

    Subjects; agents of a main-clause passive ("The report was welcomed by X"); named
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
    if token.dep_ == "poss" and token.head.dep_ in ("nsubj", "nsubjpass") and not _is_person_noun(token.head):
        return "possessor", token.head.head
    ent = view.entity_of.get(token.i)
    if ent is not None and ent.root.i == token.i and any(c.dep_ == "appos" and c.pos_ == "NOUN" for c in token.children):
        return "introduced", None
    return None


def _collect_subjects(view: _DocView) -> None:
    """Antecedent candidates outside quotations, in text order, resolved as we go."""
    for token in view.doc:
        found = _antecedent_role(view, token)
        if found is None:
            continue
        role, verb = found
        speaker = _resolve_mention(view, token)
        if speaker is not None and not speaker.name:
            speaker = None
        if role != "subject" and (speaker is None or speaker.label != "PERSON"):
            continue
        if speaker is not None:
            view.subject_speaker[token.i] = speaker
        person_noun = _is_person_noun(token)
        if speaker is None and not person_noun:
            continue
        is_person = person_noun or speaker.label == "PERSON"
        gender = (speaker.gender if speaker else None) or _noun_gender(token.lower_)
        plural = token.tag_ in ("NNS", "NNPS") or token.lower_ in ("they", "we")
        main_clause = verb is not None and (verb.dep_ == "ROOT" or (verb.dep_ == "conj" and verb.head.dep_ == "ROOT"))
        view.subjects.append(_Subject(token.idx, view.paragraph_of(token.idx), speaker, is_person, gender,
                                      plural, token.sent.start_char, main_clause))


# ---------------------------------------------------------------------------------------
# 3. Putting it together
# ---------------------------------------------------------------------------------------

def _previous_speaker(view: _DocView, quote: _Quote, before: list) -> _Speaker | None:
    """Whose speech a frameless quotation continues, looking back over the last few sentences.

    Walking back from the quotation, the first of these wins: a quotation with a known
    speaker, a reporting verb with a nameable subject, or a named person who is a
    sentence's subject ("Mr Herren says ... He is in negotiations ... "All books ..."").
    A quotation without a speaker stops the search, as does the limit of
    ``FOLLOW_ON_SENTENCES`` sentences or the start of the paragraph before.
    """
    doc = view.doc
    i = (before[0].i if before else quote.first) - 1
    sentences, paragraph_breaks = 0, 0
    while i >= 0:
        token = doc[i]
        other = view.owner[i]
        if other >= 0:
            previous = view.quotes[other]
            if previous.speaker is not None and previous.speaker.name:
                return previous.speaker
            if not previous.is_partial:
                return None                          # the speech just before has no known speaker
            i = previous.first - 1
            continue
        if _is_paragraph_break(token) or _is_terminator(view, token):
            paragraph_breaks += _is_paragraph_break(token)
            while i > 0 and (doc[i - 1].is_space or _is_terminator(view, doc[i - 1])):
                i -= 1
                paragraph_breaks += _is_paragraph_break(doc[i])
            sentences += 1
            if sentences > FOLLOW_ON_SENTENCES or paragraph_breaks > 1:
                return None
            i -= 1
            continue
        if cue_of(token):
            subject = _cue_subject(view, token)
            speaker = _resolve_token(view, subject) if subject is not None else None
            if speaker is not None and speaker.name:
                return speaker
        elif token.dep_ == "nsubj" and token.i in view.subject_speaker:
            speaker = view.subject_speaker[token.i]
            if speaker.label == "PERSON" and speaker.name:
                return speaker
        i -= 1
    return None


def _colon_frame_speaker(view: _DocView, before: list) -> _Speaker | None:
    """``Mr Dean is confident though: "..."``: the named subject of the clause before a colon."""
    inside = {t.i for t in before}
    roots = [t for t in before if t.head.i not in inside or t.head.i == t.i]
    for root in roots:
        subject = next((c for c in root.children if c.dep_ == "nsubj" and c.i in inside), None)
        speaker = _resolve_token(view, subject) if subject is not None else None
        if speaker is not None and speaker.name and speaker.label in ("PERSON", "ORG"):
            return speaker
    return None


def _attribute(view: _DocView, quote: _Quote) -> None:
    """Set the quotation's cue, speaker and is_partial."""
    before, after = _before_window(view, quote), _after_window(view, quote)
    cues, introduced = _choose_cues(quote, before, after)
    starts_sentence = not any(not t.is_punct for t in before)
    quote.is_partial = not starts_sentence and not introduced
    for cue_token in cues:
        speaker_token = _speaker_token(view, cue_token, after)
        speaker = _resolve_token(view, speaker_token) if speaker_token is not None else None
        if speaker is not None and speaker.name:
            quote.cue, quote.speaker = cue_of(cue_token), speaker
            return
        if speaker_token is not None and (_is_person_noun(speaker_token) or speaker_token.lower_ in _PRONOUN_GENDER):
            break                                # an unnamed person spoke ("the man claimed he was "..."")
    if cues:
        quote.cue = cue_of(cues[0])              # a cue whose speaker we cannot name ("a spokesman")
        return
    if introduced and before[-1].text == ":":
        speaker = _colon_frame_speaker(view, before)
        if speaker is not None:
            quote.speaker = speaker
            return
    if starts_sentence:                          # a quotation with no frame at all
        previous = _previous_speaker(view, quote, before)
        if previous is not None:
            quote.speaker = _Speaker(previous.name, previous.label, "follow-on", previous.gender)


def extract_quotes(body_doc, index) -> list[dict]:
    """Direct quotations of an article with speakers, cues and offsets into the body.

    ``index`` is the article's entity index (``canonical_for_span(span)`` and
    ``resolve_person(text)`` are used).  See the module docstring for the conventions.
    """
    if len(body_doc) == 0:
        return []
    view = _build_view(body_doc, index)
    rows = []
    for quote in view.quotes:
        _attribute(view, quote)
        if not quote.text:
            continue
        speaker = quote.speaker
        first_paragraph = view.paragraph_of(quote.span.start)
        last_paragraph = view.paragraph_of(max(quote.span.start, quote.span.end - 1))
        rows.append({
            "text": quote.text,
            "speaker": speaker.name if speaker else None,
            "speaker_label": speaker.label if speaker and speaker.name else None,
            "cue": quote.cue,
            "start_char": quote.span.start,
            "end_char": quote.span.end,
            "paragraphs": last_paragraph - first_paragraph + 1,
            "is_scare": is_scare_quote(quote.text),
            "is_partial": quote.is_partial,
            "attribution": speaker.attribution if speaker else None,
        })
    return rows
