"""Pure text-cleaning rules for article bodies: paragraphs, whitespace, page furniture, subheadings.

Shared by every source that ends with plain text (article files, feed content, text
extracted from HTML).  Every function takes and returns plain ``str``/``list``; the
rules are heuristics about the *shape* of news text, each with the reason it exists, and
none matches the exact strings of one site.

Vocabulary used below:

* a *paragraph* is a block of text separated from the next by a blank line, with its
  lines joined and whitespace normalised;
* a *sentence paragraph* ends with closing punctuation (``ends_sentence``);
* a *fragment* is a short paragraph that does not: a title, a subheading, a menu item,
  a widget label;
* *page furniture* is text that belongs to the page, not the article (ratings, share
  buttons, app links, cookie notices, copyright lines); ``is_furniture`` recognises it.
"""
from __future__ import annotations

import re
from collections.abc import Sequence

# --------------------------------------------------------------------------- whitespace

# Characters that render as nothing and only break matching and word counts: zero-width
# space/joiners, word joiner, soft hyphen, BOM.  (U+200D ZWJ is kept: it is part of emoji.)
# Control characters that are not whitespace (whitespace ones are collapsed below) go too.
_DROPPED = dict.fromkeys(
    [*map(ord, "\u200b\u200c\u2060\u00ad\ufeff"),
     *(code for code in [*range(0x20), *range(0x7F, 0xA0)] if not chr(code).isspace())],
    None,
)
_SPACE_RUN = re.compile(r"\s+")
# A word broken across a line end by a hyphen and continued in lower case ("inter-\nnational").
_HYPHEN_BREAK = re.compile(r"(?<=[^\W\d_])-\n(?=[a-zà-ÿ])")


def normalize_whitespace(text: str) -> str:
    """One line with single spaces: no invisible or control characters, no odd spaces.

    NBSP, thin and other Unicode spaces count as whitespace (``str.split`` knows them),
    so "10\u00a0000" becomes "10 000"; control characters (a stray DOS ^Z, form feeds)
    are dropped because nothing downstream can use them.
    """
    return _SPACE_RUN.sub(" ", text.translate(_DROPPED)).strip()


def join_lines(lines: Sequence[str]) -> str:
    """Join the lines of one paragraph (hard-wrapped text) into one normalised line.

    A hyphen at a line end followed by a lower-case letter is kept and the words are
    joined without a space ("well-\\nknown" -> "well-known"): hyphenated compounds are far
    more common in news text than typesetter hyphenation.
    """
    return normalize_whitespace(_HYPHEN_BREAK.sub("-", "\n".join(lines)))


def split_blocks(text: str) -> list[list[str]]:
    """Blank-line separated blocks, each a list of its stripped, non-empty lines."""
    blocks: list[list[str]] = []
    current: list[str] = []
    for line in text.split("\n"):
        line = normalize_whitespace(line)
        if line:
            current.append(line)
        elif current:
            blocks.append(current)
            current = []
    if current:
        blocks.append(current)
    return blocks


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of plain text (blank-line separated), each on one normalised line."""
    return [join_lines(block) for block in split_blocks(text)]


# --------------------------------------------------------------------------- sentences

# What can end a sentence: terminal punctuation, a closing quote or bracket after it,
# an ellipsis, and the colon that introduces a quotation or list.
CLOSING_PUNCTUATION = frozenset(".!?…:;\"'”’»)]")
_QUOTE_PAIRS = {"”": "“", "’": "‘", '"': '"', "'": "'", "»": "«"}
_OPENING_QUOTES = frozenset("\"'“‘«„‚")
# A quoted phrase at the end of a heading ("Biden warns of 'severe consequences'") is short.
MAX_TRAILING_QUOTE_WORDS = 5


def ends_sentence(text: str) -> bool:
    """Whether ``text`` ends the way a sentence does.

    A trailing quote mark usually closes a quotation that ends a sentence
    ('... our house."', a quote-continuation paragraph), so it counts as closing
    punctuation, with one exception: a short quoted phrase closing a line that started
    outside the quotation (Biden warns of "severe consequences") ends on a word, the way
    headings do.
    """
    text = text.rstrip()
    if not text:
        return False
    last = text[-1]
    if last not in CLOSING_PUNCTUATION:
        return False
    if last in _QUOTE_PAIRS and len(text) > 1 and text[-2].isalnum():
        opening = text.rfind(_QUOTE_PAIRS[last], 0, len(text) - 1)
        quoted = text[opening + 1:-1] if opening > 0 else ""
        if quoted and text[opening - 1].isspace() and len(quoted.split()) <= MAX_TRAILING_QUOTE_WORDS:
            return False
    return True


def word_count(text: str) -> int:
    return len(text.split())


# ------------------------------------------------------------------------ page furniture

# A paragraph longer than this is article prose even if it mentions "cookies" or "share".
MAX_FURNITURE_WORDS = 40
# Edge fragments (no closing punctuation) this short may sit inside a furniture block.
MAX_FRAGMENT_WORDS = 10

# Navigation, sharing and distribution words: a line made only of these is a menu, a
# share bar or a "listen on" list, whatever the site ("Home | News | Sport",
# "Share Tweet Email", "Online", "Mobile Apps", "Smart Speaker").  Phrases of up to
# four words; see ``_is_vocabulary_line``.
FURNITURE_VOCABULARY = frozenset("""
home menu search close more next previous prev
news sport sports weather business politics world opinion culture lifestyle entertainment
tech technology science health travel video videos audio live latest podcast podcasts
newsletter newsletters subscribe subscription login logout register account profile
share shares tweet email e-mail print facebook twitter x whatsapp linkedin pinterest
reddit instagram youtube tiktok telegram messenger flipboard pin
online mobile app apps radio tv alexa listen watch
contact about privacy terms cookies accessibility sitemap advertise advertisement sponsored
comments comment
""".split()) | frozenset((
    "back to top", "skip to content", "skip to main content", "sign in", "sign up", "log in",
    "log out", "my account", "copy link", "mobile apps", "mobile app", "smart speaker",
    "smart speakers", "on air", "contact us", "about us", "privacy policy", "cookie policy",
    "terms of use", "terms of service", "terms and conditions",
))

# Whole-line patterns (matched against the lower-cased line without edge punctuation).
# Each names a kind of furniture, not a site's wording.
FURNITURE_LINES = tuple(re.compile(pattern) for pattern in (
    # Rating widgets and counters: "Rate this item", "(0 votes)", "4.5 out of 5 stars".
    r"rate this( item| article| story| post| page)?( \(?\d+ votes?\)?)?",
    r"\(?[\d.,]+k? (votes?|likes?|comments?|shares?|views?|reactions?|replies)\)?",
    r"(\d(\.\d)?|[1-5]) ?(/|out of) ?5( stars?)?",
    r"\d+ min(ute)?s? read",
    # Calls to action of a broadcaster's site: "HOW TO LISTEN", "Listen live", "Watch now".
    r"(how to )?(listen|watch)( live| now| online| again| here| back)?",
    r"listen to (this|the) (article|story|episode|podcast)",
    # Broadcast frequencies: "103.5 & 105.3FM", "909 AM", "88.1 MHz".
    r"(?=.*\d ?(fm|am|mhz|khz)\b)(\d{2,4}(\.\d{1,2})? ?(fm|am|mhz|khz)? ?(&|and|/|,|\||or)? ?)+",
    # App links: "Download the app", "Get our free app", "Available on the App Store".
    r"(download|get|install|try) (the|our)( free| new)? .{0,25}app",
    r"(available|download|get it) on (the )?(app store|google play)( and .{0,25})?",
    # Share / follow / subscribe lines.
    r"share (this|the)( article| story| page| post)?( on .{1,30})?",
    r"share on .{1,30}",
    r"(follow|like|find|join) us( on .{1,60})?",
    r"subscribe( now| today| here| for free)?( to .{1,50})?",
    r"(sign up|register) (for|to) (our|the|a) .{0,40}(newsletters?|updates|alerts)( .{0,40})?",
    r"(get|join) (our|the) .{0,30}newsletters?",
    r"newsletter sign[- ]?up",
    # Cookie-banner buttons.
    r"(i )?(accept|agree|reject|decline|allow)( all)?( cookies)?|got it|ok(ay)?",
    # Advertising labels.
    r"advert(isement)?|ad|sponsored( content)?|skip (advertisement|ad)",
    r"(story|article) continues (below|after)( (the )?advertisement)?|continue reading( below| the main story)?",
    # Related-content headers: "Read more", "More on this story", "You may also like".
    r"(read|see) (more|also)|related( articles| stories| coverage| topics| content| links)?",
    r"more (on|about) this( story| topic)?|more from .{1,30}|in other news",
    r"(recommended|most (read|popular|viewed|shared)|top stories|trending( now)?)( for you| stories| articles)?",
    r"you (may|might) (also )?(like|enjoy|be interested in)",
    # Comment widgets.
    r"(leave|post|add|view|show|hide) (a |all )?(comments?|reply|replies)( \(\d+\))?|comments? \(\d+\)",
))

# Phrases that mark furniture wherever they sit in a short paragraph.
FURNITURE_PHRASES = tuple(re.compile(pattern) for pattern in (
    # Rating widget followed by its counter on the same line ("Rate this item (0 votes)").
    r"^rate this (item|article|story|post|page)\b",
    # "Read more: <headline>", "See also: <headline>", "Related: <headline>" - links to other articles.
    r"^(read|see) (more|also)\s*[:»›>|]", r"^related( articles| stories| coverage| content| links)?\s*[:»›>|]",
    # Cookie notices are written by the site in the first person.
    r"\bwe use cookies\b", r"\b(this|our) (web)?site uses cookies\b",
    r"\bcookie (policy|settings|preferences|notice|consent)\b", r"\b(accept|manage|reject) (all )?cookies\b",
    r"\bby (continuing|using) (to (use|browse) )?(this|our) (web)?site\b",
    # Copyright lines need the symbol or a year: "Copyright law" is article prose.
    r"^(©|\(c\)|copyright ?(©|\(c\))? ?\d{4})", r"^\d{4} ©", r"\ball rights reserved\b",
    # Wire-service and photo credits at the end of an article.
    r"^(reporting|writing|editing|additional reporting|compiled|produced) by\b",
    r"^(photo|image|picture|video|illustration|graphic)s?( credit| courtesy)?s?\s*:",
    # Taxonomy footers.
    r"^(tags|topics|filed under|categories|posted in)\s*:",
    # Generic link calls to action.
    r"^click here\b", r"^tap here\b",
))

# Furniture that may also sit *between* paragraphs (ad slots, inline "Read more" links),
# so it is removed anywhere, not only at the edges.  Only unambiguous labels qualify.
INTERSTITIAL_LINES = tuple(re.compile(pattern) for pattern in (
    r"advert(isement)?|sponsored content|skip (advertisement|ad)",
    r"(story|article) continues (below|after)( (the )?advertisement)?|continue reading( below| the main story)?",
    r"(read|see) (more|also)",
))
INTERSTITIAL_PHRASES = (re.compile(r"^(read|see) (more|also)\s*[:»›>|]"),
                        re.compile(r"^related( articles| stories| coverage| content| links)?\s*[:»›>|]"))

_EDGE_PUNCTUATION = "•·|>»›→←-–—*#:=_~ \t"
_SEPARATORS = re.compile(r"[|•·,/»›>]+")


def _furniture_key(paragraph: str) -> str:
    return normalize_whitespace(paragraph).lower().strip(_EDGE_PUNCTUATION).rstrip(".!")


def _is_vocabulary_line(key: str) -> bool:
    """Whether the line is only navigation/share/channel words (phrases of 1-4 words)."""
    words = _SEPARATORS.sub(" ", key).split()
    if not words:
        return False
    position = 0
    while position < len(words):
        for size in (4, 3, 2, 1):
            if " ".join(words[position:position + size]) in FURNITURE_VOCABULARY:
                position += size
                break
        else:
            return False
    return True


def is_furniture(paragraph: str) -> bool:
    """Whether a paragraph is page furniture (see the module docstring).

    Only paragraphs of at most ``MAX_FURNITURE_WORDS`` words qualify, so article prose
    that happens to talk about cookies or copyright is never furniture.
    """
    if word_count(paragraph) > MAX_FURNITURE_WORDS:
        return False
    key = _furniture_key(paragraph)
    if not key:
        return False
    return (any(pattern.fullmatch(key) for pattern in FURNITURE_LINES)
            or any(pattern.search(key) for pattern in FURNITURE_PHRASES)
            or _is_vocabulary_line(key))


def is_interstitial(paragraph: str) -> bool:
    """Furniture that is safe to remove between paragraphs too (ad labels, "Read more")."""
    if word_count(paragraph) > MAX_FURNITURE_WORDS // 2:
        return False
    key = _furniture_key(paragraph)
    return (any(pattern.fullmatch(key) for pattern in INTERSTITIAL_LINES)
            or any(pattern.search(key) for pattern in INTERSTITIAL_PHRASES))


def _is_fragment(paragraph: str) -> bool:
    return word_count(paragraph) <= MAX_FRAGMENT_WORDS and not ends_sentence(paragraph)


def leading_furniture_count(paragraphs: Sequence[str]) -> int:
    """How many paragraphs at the start belong to a furniture block.

    The block is the run of furniture and short fragments before the first real
    paragraph; it is cut up to and including its innermost furniture paragraph.
    Fragments between two furniture lines or between the page edge and furniture
    ("Online" among "Listen live" links) go with them; fragments on the article side of
    the innermost furniture line (a subtitle, a dateline, "Headingley", a closing line
    of the article) stay, because nothing marks them as furniture.
    """
    cut = 0
    for index, paragraph in enumerate(paragraphs):
        if is_furniture(paragraph):
            cut = index + 1
        elif not _is_fragment(paragraph):
            break
    return cut


def strip_boilerplate(paragraphs: Sequence[str]) -> list[str]:
    """Remove page furniture from both edges of an article, and ad labels between paragraphs.

    Scraped text starts with cookie notices, menus and share bars and ends with rating
    widgets, "listen on" lists, newsletter prompts and copyright lines.  Those blocks
    are found by shape (``leading_furniture_count``), so the rule works on sites it has
    never seen; a real paragraph (long, or ending a sentence) always stops the block,
    which is why body text is never cut.
    """
    start = leading_furniture_count(paragraphs)
    stop = len(paragraphs) - leading_furniture_count(paragraphs[::-1])
    return [paragraph for paragraph in paragraphs[start:max(start, stop)] if not is_interstitial(paragraph)]


# --------------------------------------------------------------------------- subheadings

MIN_SUBHEADING_WORDS = 2
MAX_SUBHEADING_WORDS = 15
MAX_SUBHEADING_CHARS = 120
# A paragraph this long is prose even when its final punctuation is missing.
MIN_PROSE_WORDS = 16
# Words a fragment of prose starts with but a news crosshead does not: headline style
# drops articles and does not speak in the first or second person.
_PROSE_OPENERS = frozenset("a an the this that these those it its i i'm we we're you you're "
                           "my our your he she they there".split())


def _is_prose(paragraph: str | None) -> bool:
    return bool(paragraph) and (ends_sentence(paragraph) or word_count(paragraph) >= MIN_PROSE_WORDS)


def _opens_quote_continuation(paragraph: str) -> bool:
    """Whether a quotation opened in ``paragraph`` runs on into the next paragraph.

    News style opens each paragraph of a multi-paragraph quote with a quote mark and
    closes only the last one, so an unbalanced count means the quote continues.
    """
    return paragraph.count('"') % 2 == 1 or paragraph.count("“") > paragraph.count("”")


def _starts_new_sentence(paragraph: str) -> bool:
    first = paragraph.lstrip()[:1]
    return bool(first) and (first.isupper() or first.isdigit() or first in _OPENING_QUOTES)


def _names_a_subject(line: str) -> bool:
    words = line.split()
    first = words[0].lower().strip("'\"“‘")
    if first not in _PROSE_OPENERS:
        return True
    # Starts like prose; still a heading if it names someone or something ("The Putin doctrine").
    return any(word[:1].isupper() and word != "I" for word in words[1:])


def is_subheading(line: str, prev: str | None, next: str | None) -> bool:  # noqa: A002 - reads best at call sites
    """Whether ``line`` is a crosshead between the paragraphs ``prev`` and ``next``.

    A subheading is a short line without closing punctuation that starts with a capital
    and sits between two prose paragraphs.  Each condition rules out a look-alike:

    * it needs a paragraph on both sides - a first line is a title or kicker, a last
      line a footer or a closing fragment ("Football Manager 2005 out now for the PC");
    * it must not end a sentence (``ends_sentence``) - one-sentence paragraphs and
      quote-continuation paragraphs do;
    * it must not start with a quote mark - that is a quotation, not a heading;
    * 2 to 15 words - a single word ("Jamaican") is a broken fragment, more is prose;
    * ``prev`` must be prose that ends a sentence and does not leave a quotation open -
      otherwise the line continues it;
    * ``next`` must be prose starting a new sentence - a lower-case start ("stretched her
      unbeaten record...") means the line is the beginning of that sentence, and a short
      fragment after it means a list (fixtures, "Arsenal v Stoke"), not a heading;
    * it must name a subject: a line opening with an article or pronoun and no other
      capitalised word ("A sad day for music") is prose that lost its full stop.
    """
    if prev is None or next is None:
        return False
    line = normalize_whitespace(line)
    words = line.split()
    if not MIN_SUBHEADING_WORDS <= len(words) <= MAX_SUBHEADING_WORDS or len(line) > MAX_SUBHEADING_CHARS:
        return False
    if ends_sentence(line) or line[-1] in ",-–—" or not (line[0].isupper() or line[0].isdigit()):
        return False
    if not (ends_sentence(prev) and not _opens_quote_continuation(prev)):
        return False
    if not (_is_prose(next) and _starts_new_sentence(next)):
        return False
    return _names_a_subject(line)


def split_subheadings(paragraphs: Sequence[str]) -> tuple[list[str], list[str]]:
    """Separate subheadings from body paragraphs; both lists keep their order.

    Decisions use the original neighbours, so two headings in a row are both treated as
    fragments (neither is between prose paragraphs) and stay in the body.
    """
    body: list[str] = []
    subheadings: list[str] = []
    for index, paragraph in enumerate(paragraphs):
        prev = paragraphs[index - 1] if index > 0 else None
        following = paragraphs[index + 1] if index + 1 < len(paragraphs) else None
        (subheadings if is_subheading(paragraph, prev, following) else body).append(paragraph)
    return body, subheadings
