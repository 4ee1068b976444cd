"""parse_article_file: the seed, the 150 BBC corpus files, hand-written fixtures, rejects."""
import codecs
import csv
import datetime as dt

import pytest

from tests.conftest import FIXTURES_DIR
from transforms.clean import split_paragraphs
from transforms.records import FILE, RejectError
from transforms.sources.article_files import folder_name, parse_article_file, parse_article_text

UTC = dt.timezone.utc
NOW = dt.datetime(2024, 6, 1, tzinfo=UTC)
ARTICLES = FIXTURES_DIR / "articles"

SEED_TITLE = ("Russia doesn't want conflict with Ukraine but the West must provide "
              "'unconditional security guarantees', Putin says")
SEED_SUBHEADINGS = [
    "Putin says NATO 'fooled' Russia and keeps expanding",
    "Russian leader says West has supported terrorists",
    "Putin says Russia is not preparing to invade Ukraine",
]
SEED_FURNITURE = ["Rate this item", "(0 votes)", "HOW TO LISTEN", "103.5 & 105.3FM", "Online", "Mobile Apps",
                  "Smart Speaker"]


def parse_fixture(name: str, **kwargs) -> dict:
    path = ARTICLES / name
    return parse_article_file(path.read_bytes(), str(path), now=NOW, **kwargs)


def reject_of(data: bytes, source_uri: str = "in/folder/file.txt") -> RejectError:
    with pytest.raises(RejectError) as caught:
        parse_article_file(data, source_uri, now=NOW)
    assert caught.value.detail
    return caught.value


# ------------------------------------------------------------------ the seed

@pytest.fixture(scope="module")
def seed_record(seed_path):
    return parse_article_file(seed_path.read_bytes(), str(seed_path), now=NOW)


def test_seed_header(seed_record, seed_path):
    assert seed_record["source_type"] == FILE
    assert seed_record["extraction"] == "text-file"
    assert seed_record["source_uri"] == str(seed_path)
    assert seed_record["source_name"] == "seeds"
    assert seed_record["title"] == SEED_TITLE
    assert seed_record["published_at"] == dt.datetime(2021, 12, 23, tzinfo=UTC)
    assert seed_record["updated_at"] is None


def test_seed_subheadings_are_structure_not_body(seed_record):
    assert seed_record["subheadings"] == SEED_SUBHEADINGS
    paragraphs = seed_record["body"].split("\n\n")
    for subheading in SEED_SUBHEADINGS:
        assert subheading not in paragraphs


def test_seed_body_keeps_first_and_last_paragraph_and_drops_furniture(seed_record):
    paragraphs = seed_record["body"].split("\n\n")
    assert paragraphs[0].startswith("Russia doesn't want conflict with Ukraine but Western powers must provide Moscow")
    assert paragraphs[-1] == "Russia has denied it is preparing a military advance."
    for furniture in SEED_FURNITURE:
        assert furniture not in seed_record["body"]
    assert "December 23, 2021" not in seed_record["body"]
    assert SEED_TITLE not in paragraphs


def test_seed_body_is_every_other_paragraph_in_order(seed_record, seed_path):
    source = split_paragraphs(seed_path.read_text(encoding="utf-8"))
    header, article, furniture = source[:2], source[2:-6], source[-6:]
    assert header == [SEED_TITLE, "December 23, 2021"]
    assert furniture == ["Rate this item (0 votes)", *SEED_FURNITURE[2:]]
    expected = [paragraph for paragraph in article if paragraph not in SEED_SUBHEADINGS]
    assert len(expected) == len(article) - 3 == 30
    assert seed_record["body"].split("\n\n") == expected


@pytest.mark.parametrize("codec, bom", [
    ("utf-16-le", codecs.BOM_UTF16_LE), ("utf-16-be", b""), ("cp1252", b""), ("utf-8", codecs.BOM_UTF8),
])
def test_seed_in_other_encodings_and_newlines_gives_the_same_record(seed_record, seed_path, codec, bom):
    text = seed_path.read_text(encoding="utf-8").replace("\n", "\r\n")
    record = parse_article_file(bom + text.encode(codec), str(seed_path), now=NOW)
    assert record == seed_record


# ------------------------------------------------------------------ BBC corpus

@pytest.fixture(scope="module")
def bbc_index(corpus_dir):
    with open(corpus_dir / "text" / "index.tsv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) == 150
    return rows


def test_every_bbc_article_parses_with_its_title_and_all_its_paragraphs(corpus_dir, bbc_index):
    for row in bbc_index:
        path = corpus_dir / "text" / "bbc" / row["category"] / row["file"]
        data = path.read_bytes()
        record = parse_article_file(data, str(path), now=NOW)
        where = f"{row['category']}/{row['file']}"
        assert record["title"] == row["title"], where
        assert record["published_at"] is None, where
        assert record["source_name"] == row["category"], where
        # No paragraph is lost as furniture or taken as a subheading: the body is exactly
        # the file's paragraphs after the title, in order, whitespace-normalised.
        assert record["subheadings"] == [], where
        expected = split_paragraphs(data.decode("utf-8"))[1:]
        assert record["body"].split("\n\n") == expected, where


def test_bbc_articles_ending_or_starting_with_short_lines(corpus_dir):
    """The corpus files closest to the furniture and subheading rules keep their text."""
    text_dir = corpus_dir / "text" / "bbc"
    cases = {
        "tech/144.txt": "Football Manager 2005 out now for the PC and the Mac",     # short closing line
        "sport/205.txt": "Luton v Hinckley/Brentford",                           # list of fixtures at the end
        "sport/324.txt": "Headingley\n\nFriday, 25 February\n\n2000 GMT",        # fragments after the title
        "sport/069.txt": "\n\nJamaican\n\n",                                     # one-word fragment mid-body
        "entertainment/253.txt": "\n\nA sad day for music\n\n",                  # comment without full stop
    }
    for name, kept in cases.items():
        record = parse_article_file((text_dir / name).read_bytes(), str(text_dir / name), now=NOW)
        assert kept in record["body"], name


# ------------------------------------------------------------------ other site styles

def test_cookie_banner_news_site():
    record = parse_fixture("cookie_banner_news_site.txt")
    assert record["title"] == "Council approves new cycle lanes for the city centre"
    assert record["published_at"] == dt.datetime(2024, 3, 12, 9, 30, tzinfo=UTC)
    assert record["updated_at"] == dt.datetime(2024, 3, 12, 14, 5, tzinfo=UTC)
    assert record["subheadings"] == ["Traders fear loss of parking"]
    paragraphs = record["body"].split("\n\n")
    assert len(paragraphs) == 5
    assert paragraphs[0].startswith("The city council has approved")
    assert paragraphs[-1] == "The council said work would begin in the summer and take about 18 months."
    for furniture in ("cookie", "Accept", "Home", "Advertisement", "Share", "Follow", "Subscribe",
                      "Copyright", "rights reserved", "Published", "Updated"):
        assert furniture not in record["body"]


def test_blog_with_share_bar_repeated_title_and_hard_wrapped_lines():
    record = parse_fixture("blog_share_bar.txt", source_name="example-blog")
    assert record["source_name"] == "example-blog"
    assert record["title"] == "How a small bakery survived the energy crisis"
    assert record["published_at"] == dt.datetime(2023, 11, 3, tzinfo=UTC)
    assert record["body"].split("\n\n") == [
        "When energy prices tripled last winter, the owners of a family bakery in the old town had to "
        "decide whether to close or change the way they worked.",
        "They moved baking to the night, when electricity was cheaper, and replaced two old ovens with "
        "a single well-insulated model.",
        '"We did not sleep much that year," said the owner. "But we kept all six of our staff."',
    ]


def test_quotes_one_sentence_paragraphs_lists_and_short_endings_stay_in_the_body():
    record = parse_fixture("quotes_and_fragments.txt")
    assert record["published_at"] is None
    assert record["subheadings"] == ["Manager warns of 'tough run'"]
    paragraphs = record["body"].split("\n\n")
    assert '"They deserve a full stadium and a team that fights for every point."' in paragraphs
    assert '"Every game is a final now"' in paragraphs
    assert "The manager said the next month would decide the season." in paragraphs
    assert paragraphs[-5:] == ["The fixtures are:", "Saturday: City v Rovers", "Tuesday: Rovers v United",
                               "Saturday: Athletic v Rovers", "Season tickets remain on sale at the club shop"]


def test_date_on_the_line_after_the_title_without_a_blank_line():
    record = parse_article_text("Headline here\n23 December 2021\nFirst paragraph of the story.\n",
                                "x/y.txt", now=NOW)
    assert record["published_at"] == dt.datetime(2021, 12, 23, tzinfo=UTC)
    assert record["body"] == "First paragraph of the story."


def test_a_first_paragraph_mentioning_a_date_is_body_not_a_date_line():
    record = parse_article_text("Headline\n\nOn 23 December 2021 the talks began.\n", "x/y.txt", now=NOW)
    assert record["published_at"] is None
    assert record["body"] == "On 23 December 2021 the talks began."


def test_a_future_date_line_is_not_a_publication_date():
    record = parse_article_text("Headline\n\n1 January 2030\n\nBody text here.\n", "x/y.txt", now=NOW)
    assert record["published_at"] is None
    assert record["body"] == "1 January 2030\n\nBody text here."


def test_a_file_without_a_title_line():
    first = "This file starts with a long paragraph. " * 10
    record = parse_article_text(f"{first}\n\nSecond paragraph.\n", "x/y.txt", now=NOW)
    assert record["title"] is None
    assert record["body"] == f"{first.strip()}\n\nSecond paragraph."


# ------------------------------------------------------------------ rejects

def test_title_only_file_is_rejected():
    error = reject_of((ARTICLES / "title_only.txt").read_bytes())
    assert (error.stage, error.reason) == ("parse", "no-body")
    assert "Title of an article that never got written" in error.detail


def test_furniture_only_file_is_rejected():
    error = reject_of((ARTICLES / "furniture_only.txt").read_bytes())
    assert (error.stage, error.reason) == ("parse", "no-body")
    assert "4 paragraphs" in error.detail
    assert error.excerpt.startswith("Markets rally")


@pytest.mark.parametrize("data, reason", [
    (b"", "empty-file"),
    (b" \n\r\n\t ", "empty-file"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary-content"),
    (b"\x00\x01\x02\x03garbage\x00\xff\xfe\x00" * 10, "binary-content"),
    (codecs.BOM_UTF8 + b"caf\xe9", "undecodable"),
])
def test_decode_rejects_pass_through(data, reason):
    error = reject_of(data)
    assert (error.stage, error.reason) == ("decode", reason)


def test_only_page_furniture_before_anything_else_is_rejected():
    error = reject_of(b"Share this article\n\nSubscribe to our newsletter\n")
    assert (error.stage, error.reason) == ("parse", "no-body")


# ------------------------------------------------------------------ source_name

@pytest.mark.parametrize("uri, expected", [
    ("/data/in/bbc/001.txt", "bbc"),
    ("gs://bucket/news/reuters/2024/a.txt", "2024"),
    ("file:///srv/articles/guardian/x.txt", "guardian"),
    ("C:\\corpus\\sky\\seed.txt", "sky"),
    ("seed.txt", None),
])
def test_folder_name(uri, expected):
    assert folder_name(uri) == expected
