"""Text-cleaning rules: whitespace, paragraphs, page furniture, subheadings."""
import pytest

from transforms.clean import (
    ends_sentence,
    is_furniture,
    is_interstitial,
    is_subheading,
    join_lines,
    leading_furniture_count,
    normalize_whitespace,
    split_blocks,
    split_paragraphs,
    split_subheadings,
    strip_boilerplate,
)

PROSE_A = "Councillors voted 31 to 12 in favour of the plan, which will remove about 200 parking spaces."
PROSE_B = "The council said work would begin in the summer and take about 18 months."
PROSE_C = "Several shop owners said they had not been consulted about the changes."

# ------------------------------------------------------------------ whitespace and paragraphs


def test_normalize_whitespace_collapses_odd_spaces_and_drops_invisible_characters():
    assert normalize_whitespace("  10\u00a0000\u2009people \t\u200bwent\u00ad \x1a home \n") == "10 000 people went home"


def test_normalize_whitespace_keeps_emoji_joiners():
    family = "\U0001F468\u200d\U0001F469\u200d\U0001F467"
    assert normalize_whitespace(f" {family} ") == family


def test_join_lines_unwraps_hard_wrapped_paragraphs():
    assert join_lines(["When prices tripled, the", "owners had to decide."]) == "When prices tripled, the owners had to decide."


def test_join_lines_rejoins_words_hyphenated_at_a_line_end():
    assert join_lines(["a single well-", "insulated oven"]) == "a single well-insulated oven"
    # A dash between words (space before it) is not a hyphenation.
    assert join_lines(["prices rose -", "sharply"]) == "prices rose - sharply"


def test_split_blocks_and_paragraphs():
    text = "Title\n\n  First line\nsecond line  \n \n\n\nLast one.\n"
    assert split_blocks(text) == [["Title"], ["First line", "second line"], ["Last one."]]
    assert split_paragraphs(text) == ["Title", "First line second line", "Last one."]
    assert split_paragraphs("") == []


# ------------------------------------------------------------------ sentence ends

@pytest.mark.parametrize("text", [
    "He said so.", "Really?", "Stop!", "Wait for it…", "The fixtures are:",
    '"We are not threatening anybody."', "\u201cEvery game is a final now\u201d",
    '"Every game is a final now"',              # a whole-paragraph quotation
    "(0 votes)", "the players\u2019",           # an apostrophe cannot be told from a quote: conservative
])
def test_ends_sentence(text):
    assert ends_sentence(text)


@pytest.mark.parametrize("text", [
    "Putin says NATO 'fooled' Russia and keeps expanding",
    "Manager warns of 'tough run'",             # short quoted phrase closing a heading
    "Biden warns of \u201csevere consequences\u201d",
    "Smart Speaker", "", "Prices rose,",
])
def test_does_not_end_sentence(text):
    assert not ends_sentence(text)


# ------------------------------------------------------------------ furniture

@pytest.mark.parametrize("line", [
    # rating widgets and counters (seed) and other sites' variants
    "Rate this item", "(0 votes)", "Rate this item (0 votes)", "1,204 views", "4.5 out of 5 stars", "5 min read",
    # broadcaster furniture (seed), recognised by kind, not by string
    "HOW TO LISTEN", "Listen live", "Watch now", "103.5 & 105.3FM", "909 AM", "88.1 MHz",
    "Online", "Mobile Apps", "Smart Speaker", "Radio | TV | Podcasts",
    # apps
    "Download the app", "Get our free news app", "Available on the App Store and Google Play",
    # share / follow / subscribe
    "Share this article", "Share on Facebook", "Share | Tweet | Email", "Share Tweet Pin Email",
    "Follow us on Twitter", "Follow us on Twitter and Facebook", "Subscribe to our newsletter",
    "Sign up for our daily newsletter", "Subscribe", "Newsletter sign-up",
    # cookie notices and buttons
    "We use cookies to give you the best experience on our website. By continuing to browse you agree.",
    "This site uses cookies.", "Accept all", "Manage cookies", "Cookie policy",
    # ads, related links, navigation
    "Advertisement", "Story continues below advertisement", "Read more", "Read more: Energy bills to fall",
    "See also: Budget 2024 explained", "Related: Ten photos of the eclipse", "More on this story", "You may also like", "Most read", "Related articles",
    "Home | News | Sport | Weather", "Skip to main content", "Back to top", "Sign in", "Privacy policy",
    # copyright, credits, tags
    "Copyright 2024 Example Media Ltd", "\u00a9 2023 Example Blog Network. All rights reserved.", "All rights reserved",
    "(c) 2022 Example", "Reporting by Jane Doe; Editing by John Roe", "Image: Getty Images", "Tags: energy, small business",
    "Click here to subscribe", "Leave a comment", "Comments (12)",
])
def test_is_furniture(line):
    assert is_furniture(line)


@pytest.mark.parametrize("line", [
    "Russia has denied it is preparing a military advance.",
    "Football Manager 2005 out now for the PC and the Mac",
    "Copyright law was changed in 2003 to cover digital copies.",       # no year after "Copyright"
    "The regulator said the site uses cookies to track users without consent, which breaks the law.",
    "Share prices fell sharply on Monday.",
    "Online sales rose 20% in the last quarter of the year.",
    "Headingley", "Friday, 25 February", "2000 GMT", "Arsenal v Stoke", "Jamaican",
    "Watch out for ice on the roads tonight, forecasters say.",
    "Mobile phone operators must cut roaming fees, the EU says.",
    "Subscribers to the service will pay more from April, the firm said.",
    "We use cookies " + "and more words " * 20,                          # too long to be a banner
])
def test_is_not_furniture(line):
    assert not is_furniture(line)


def test_interstitial_labels_are_a_strict_subset():
    assert is_interstitial("Advertisement")
    assert is_interstitial("Read more: Energy bills to fall in spring")
    assert is_interstitial("Related: Ten photos of the eclipse")
    assert not is_interstitial("Related coverage of the eclipse continues tonight.")   # no colon: prose
    assert not is_interstitial("Online")            # furniture at an edge, a word inside the body
    assert not is_interstitial("Share this article")


# ------------------------------------------------------------------ strip_boilerplate

SEED_TAIL = ["Rate this item (0 votes)", "HOW TO LISTEN", "103.5 & 105.3FM", "Online", "Mobile Apps", "Smart Speaker"]


def test_strip_boilerplate_removes_the_seed_tail():
    paragraphs = [PROSE_A, PROSE_B, "Russia has denied it is preparing a military advance."]
    assert strip_boilerplate(paragraphs + SEED_TAIL) == paragraphs


def test_strip_boilerplate_removes_a_leading_cookie_block_and_a_trailing_footer():
    lead = ["We use cookies to improve your experience.", "Accept all", "Home | News | Sport"]
    tail = ["Share this article", "Follow us on Twitter", "Subscribe to our newsletter",
            "Copyright 2024 Example Media Ltd", "All rights reserved"]
    body = [PROSE_A, PROSE_B, PROSE_C]
    assert strip_boilerplate(lead + body + tail) == body


def test_fragments_between_furniture_lines_go_with_them():
    # "Breaking" and "Weekend edition" match no pattern but sit between furniture and the edge.
    paragraphs = [PROSE_A, PROSE_B, "Share this article", "Weekend edition", "Subscribe", "Breaking"]
    assert strip_boilerplate(paragraphs) == [PROSE_A, PROSE_B]


def test_fragments_inside_the_furniture_block_stay():
    # A closing fragment of the article, then the page footer: only the footer goes.
    paragraphs = [PROSE_A, "Football Manager 2005 out now for the PC and the Mac", "Share this article"]
    assert strip_boilerplate(paragraphs) == paragraphs[:2]
    # Kicker-like lines after the title with no furniture around them stay too.
    paragraphs = ["Headingley", "Friday, 25 February", "2000 GMT", PROSE_A]
    assert strip_boilerplate(paragraphs) == paragraphs
    assert leading_furniture_count(paragraphs) == 0


def test_a_sentence_stops_the_furniture_block():
    # "Online" is furniture only at the edge; here prose separates it from the edge.
    paragraphs = ["Online", PROSE_A, "Online", PROSE_B]
    assert strip_boilerplate(paragraphs) == paragraphs[1:]


def test_short_body_endings_and_lists_are_kept():
    fixtures = ["Arsenal v Stoke", "Man Utd v Exeter", "Yeading v Newcastle", "Matches to be played on 8/9 January."]
    assert strip_boilerplate([PROSE_A] + fixtures) == [PROSE_A] + fixtures
    assert strip_boilerplate([PROSE_A, "Jamaican", "stretched her unbeaten record."]) == [
        PROSE_A, "Jamaican", "stretched her unbeaten record."]


def test_ad_labels_between_paragraphs_are_removed():
    assert strip_boilerplate([PROSE_A, "Advertisement", PROSE_B, "Read more: Budget explained", PROSE_C]) == [
        PROSE_A, PROSE_B, PROSE_C]


def test_strip_boilerplate_of_furniture_only_is_empty():
    assert strip_boilerplate(SEED_TAIL) == []
    assert strip_boilerplate([]) == []


# ------------------------------------------------------------------ subheadings

SEED_BEFORE = '"We are not deploying our missiles over at the border of the US. On the other hand, the US is deploying its missiles close to our home, on the doorstep of our house."'
SEED_AFTER = 'The Russian president continued: "What would the Americans think if we decided to come to the border?"'


@pytest.mark.parametrize("line", [
    "Putin says NATO 'fooled' Russia and keeps expanding",
    "Russian leader says West has supported terrorists",
    "Putin says Russia is not preparing to invade Ukraine",
    "Traders fear loss of parking",
    "Manager warns of 'tough run'",
    "What happens next",
    "The Putin doctrine",                    # opens like prose but names a subject
])
def test_is_subheading_between_prose_paragraphs(line):
    assert is_subheading(line, SEED_BEFORE, SEED_AFTER)


@pytest.mark.parametrize("line, prev, next_, why", [
    ("Russia has denied it is preparing a military advance.", PROSE_A, PROSE_B, "one-sentence paragraph"),
    ('"In this sense we have made it clear"', PROSE_A, PROSE_B, "quotation ending with a quote mark"),
    ("Russia-Ukraine border: What is happening and will tensions lead to war?", PROSE_A, PROSE_B, "question"),
    ("Putin says NATO 'fooled' Russia", '"Our actions will depend on the security of Russia.', PROSE_B,
     "inside a quotation that continues from the previous paragraph"),
    ("Putin says NATO 'fooled' Russia", None, PROSE_B, "first line"),
    ("Putin says NATO 'fooled' Russia", PROSE_A, None, "last line"),
    ("Jamaican", PROSE_A, "stretched her unbeaten record to 25 races.", "single word"),
    ("Kelly Holmes of Britain", PROSE_A, "stretched her unbeaten record to 25 races.", "next starts lower case"),
    ("Arsenal v Stoke", "The draw in full:", "Man Utd v Exeter", "list item"),
    ("Man Utd v Exeter", "Arsenal v Stoke", "Yeading v Newcastle", "list item"),
    ("Putin says NATO 'fooled' Russia", "and then the talks", PROSE_B, "previous paragraph unfinished"),
    ("A sad day for music", PROSE_A, PROSE_B, "prose without its full stop"),
    ("It was a long night", PROSE_A, PROSE_B, "prose without its full stop"),
    ("- Friday's game got the go-ahead", PROSE_A, PROSE_B, "list bullet"),
    ("prices rose again", PROSE_A, PROSE_B, "lower-case start"),
    ("Prices rose again,", PROSE_A, PROSE_B, "ends with a comma"),
    (" ".join(["Word"] * 16), PROSE_A, PROSE_B, "too long"),
])
def test_is_not_subheading(line, prev, next_, why):
    assert not is_subheading(line, prev, next_), why


def test_split_subheadings_keeps_order():
    paragraphs = [PROSE_A, "Traders fear loss of parking", PROSE_B, "Work starts in summer", PROSE_C]
    assert split_subheadings(paragraphs) == ([PROSE_A, PROSE_B, PROSE_C],
                                             ["Traders fear loss of parking", "Work starts in summer"])


def test_two_headings_in_a_row_are_not_split_out():
    paragraphs = [PROSE_A, "Traders fear loss of parking", "Work starts in summer", PROSE_B]
    assert split_subheadings(paragraphs) == (paragraphs, [])


def test_split_subheadings_of_nothing():
    assert split_subheadings([]) == ([], [])
