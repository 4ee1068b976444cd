"""Unit tests of feed parsing on small feeds written for these tests (tests/fixtures/feeds/)."""
import datetime as dt
import gzip
import socket
import urllib.request

import pytest

from tests.conftest import FIXTURES_DIR
from transforms.html_text import html_to_text
from transforms.sources.feeds import (FEED_CONTENT, FEED_SUMMARY, FEED_TITLE_ONLY, entry_guid,
                                      normalize_language, parse_feed)

FEEDS = FIXTURES_DIR / "feeds"
UTC = dt.timezone.utc


def parse_fixture(name, source_uri=None):
    path = FEEDS / name
    return parse_feed(path.read_bytes(), source_uri or str(path))


@pytest.fixture(scope="module")
def headlines():
    return parse_fixture("headlines.rss")


def by_title(articles):
    return {article["title"]: article for article in articles}


def test_full_entry(headlines):
    articles, _ = headlines
    story = by_title(articles)["Full story with content"]
    assert story["source_type"] == "feed"
    assert story["source_name"] == "Example & Co. News"
    assert story["guid"] == "story-1"
    # tracking parameter and fragment dropped, query sorted
    assert story["url"] == "https://news.example.com/world/story-1?a=1&b=2"
    assert story["authors"] == ["Jane Doe"]
    assert story["tags"] == ["World", "Politics"]  # "world" repeats "World"
    # content:encoded is longer than the description, so it is the body; the script is gone
    assert story["extraction"] == FEED_CONTENT
    assert story["body"] == "First paragraph & more.\n\nSecond\nline."
    assert story["summary"] == "A short teaser."
    # "02:02:33 PM": the afternoon, which feedparser's own date parser misses
    assert story["published_at"] == dt.datetime(2023, 12, 16, 14, 2, 33, tzinfo=UTC)
    assert story["updated_at"] is None
    assert story["feed_language"] == "en"


def test_headline_only_entry_uses_title_as_body(headlines):
    articles, _ = headlines
    headline = by_title(articles)["Headline only"]
    assert headline["extraction"] == FEED_TITLE_ONLY
    assert headline["body"] == "Headline only"
    # relative link resolved against the feed's link (whose host case and port are normalised)
    assert headline["url"] == "https://news.example.com/world/headline-only"
    assert headline["guid"] == headline["url"]
    assert headline["published_at"] == dt.datetime(2003, 6, 3, 9, 39, 21, tzinfo=UTC)


def test_publisher_link_behind_click_tracker(headlines):
    articles, _ = headlines
    tracked = by_title(articles)["Behind a click tracker"]
    assert tracked["url"] == "https://news.example.com/tech/original"
    assert tracked["extraction"] == FEED_SUMMARY
    assert tracked["body"] == "Teaser with markup"


def test_untitled_entry_with_text_gets_a_content_hash_guid(headlines):
    articles, _ = headlines
    untitled = by_title(articles)[None]
    assert untitled["body"] == "Text without a title or link."
    assert untitled["url"] is None
    assert untitled["guid"].startswith("sha256:") and len(untitled["guid"]) == len("sha256:") + 32


def test_entries_without_text_become_rejects(headlines):
    articles, rejects = headlines
    assert len(articles) == 4
    assert [(r["stage"], r["reason"], r["item_key"]) for r in rejects] == [
        ("parse", "no-text", "https://news.example.com/link-only"),
        ("parse", "empty-entry", "entry #6"),
    ]
    assert all(r["source_type"] == "feed" and r["detail"] for r in rejects)


def test_atom_relative_links_inherited_author_and_dates():
    articles, rejects = parse_fixture("relative.atom")
    assert rejects == []
    first, second = articles
    assert first["source_name"] == "Beispiel Blog"  # type="html" title turned into text
    assert first["feed_language"] == "de"  # from xml:lang="de-DE"
    assert first["url"] == "https://blog.example.org/2024/03/erster-eintrag"
    assert first["authors"] == ["Erika Mustermann"]  # Atom: entries inherit the feed author
    assert first["published_at"] == dt.datetime(2024, 3, 1, 8, 30, tzinfo=UTC)
    assert first["updated_at"] == dt.datetime(2024, 3, 2, 9, 0, tzinfo=UTC)
    assert first["body"] == "Ein längerer Text über Käse.\n\nZweiter Absatz."
    assert second["authors"] == ["Max Muster"]
    assert second["url"] == "https://blog.example.org/zweiter"
    # only <updated>: it is the best publication time the feed gives
    assert second["published_at"] == second["updated_at"] == dt.datetime(2024, 3, 5, 12, tzinfo=UTC)


def test_latin1_feed_and_dates_in_other_languages():
    (article,), rejects = parse_fixture("latin1.rss")
    assert rejects == []
    assert article["source_name"] == "Café Nouvelles"
    assert article["title"] == "L'été arrive"
    assert article["body"] == "Il fait très chaud à Paris."
    assert article["feed_language"] == "fr"
    # "mer, 16 nov 2022 00:38:15 +0100": French day name, which feedparser cannot read
    assert article["published_at"] == dt.datetime(2022, 11, 15, 23, 38, 15, tzinfo=UTC)


def test_relative_links_resolve_against_the_fetched_url():
    data = b"""<rss version="2.0"><channel><title>T</title>
        <item><title>A</title><link>story/1?utm_medium=rss</link></item></channel></rss>"""
    (article,), _ = parse_feed(data, "https://site.example/news/feed.xml")
    assert article["url"] == "https://site.example/news/story/1"


def test_source_name_falls_back_to_link_host_then_file_name():
    with_link = b"""<rss version="2.0"><channel><link>https://www.site.example/</link>
        <item><title>A</title></item></channel></rss>"""
    assert parse_feed(with_link, "/data/feeds/x.xml")[0][0]["source_name"] == "site.example"
    bare = b"""<rss version="2.0"><channel><item><title>A</title></item></channel></rss>"""
    assert parse_feed(bare, "/data/feeds/x.xml")[0][0]["source_name"] == "x.xml"


def test_gzipped_feed():
    data = (FEEDS / "relative.atom").read_bytes()
    assert len(parse_feed(gzip.compress(data), "relative.atom.gz")[0]) == 2


def test_bozo_feed_keeps_recovered_entries():
    # an undefined entity makes the XML ill-formed; the loose parser still finds both items
    data = b"""<?xml version="1.0"?><rss version="2.0"><channel><title>T &nbsp; x</title>
        <item><title>One</title><description>First &mdash; text</description></item>
        <item><title>Two</title><description>Second</description></item></channel></rss>"""
    articles, rejects = parse_feed(data, "bozo.xml")
    assert [a["title"] for a in articles] == ["One", "Two"]
    assert rejects == []


@pytest.mark.parametrize("data, reason", [
    (b"", "not-a-feed"),
    (b"   \n", "not-a-feed"),
    (b"<html><body><p>A web page, not a feed.</p></body></html>", "not-a-feed"),
    (b"just some text", "not-a-feed"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel><title>No items</title></channel></rss>', "no-entries"),
    (b'<?xml version="1.0"?><rss version="2.0"><channel><title>Cut', "no-entries"),
])
def test_documents_without_entries_become_one_feed_reject(data, reason):
    articles, rejects = parse_feed(data, "input.xml")
    assert articles == []
    assert len(rejects) == 1
    reject = rejects[0]
    assert (reject["stage"], reject["reason"], reject["item_key"]) == ("parse", reason, None)
    assert reject["detail"]


def test_truncated_document_reject_names_the_parser_error():
    _, (reject,) = parse_feed(b'<?xml version="1.0"?><rss version="2.0"><channel><title>Cut', "cut.xml")
    assert "SAXParseException" in reject["detail"]


def test_corrupt_gzip_is_a_decode_reject():
    _, (reject,) = parse_feed(b"\x1f\x8b\x08\x00broken", "feed.xml.gz")
    assert (reject["stage"], reject["reason"]) == ("decode", "bad-gzip")


def test_parsing_never_touches_the_network_or_local_files(monkeypatch, tmp_path):
    def no_network(*args, **kwargs):
        raise AssertionError("feed parsing opened a connection")

    monkeypatch.setattr(socket.socket, "connect", no_network)
    monkeypatch.setattr(socket, "create_connection", no_network)
    monkeypatch.setattr(urllib.request, "urlopen", no_network)
    # external DTD, external entity, stylesheet and relative links: nothing may be fetched
    data = b"""<?xml version="1.0"?>
<?xml-stylesheet type="text/xsl" href="http://127.0.0.1:9/style.xsl"?>
<!DOCTYPE rss SYSTEM "http://127.0.0.1:9/rss.dtd" [<!ENTITY ext SYSTEM "http://127.0.0.1:9/e.txt">]>
<rss version="2.0"><channel><title>T</title><link>http://127.0.0.1:9/</link>
<item><title>Entity &ext; here</title><description>&lt;img src="/pixel.gif"&gt;Text</description></item>
</channel></rss>"""
    (article,), _ = parse_feed(data, "http://127.0.0.1:9/feed.xml")
    assert article["body"] == "Text"

    # bytes that spell a file name are data, not a path feedparser should open
    feed_file = tmp_path / "real.xml"
    feed_file.write_bytes((FEEDS / "relative.atom").read_bytes())
    articles, (reject,) = parse_feed(str(feed_file).encode(), "odd-input")
    assert articles == [] and reject["reason"] == "not-a-feed"


def test_content_type_charset_is_used():
    data = '<rss version="2.0"><channel><item><title>Ελληνικά</title></item></channel></rss>'.encode("iso-8859-7")
    (article,), _ = parse_feed(data, "greek.xml", content_type="application/rss+xml; charset=iso-8859-7")
    assert article["title"] == "Ελληνικά"


def test_undeclared_legacy_encoding_is_detected_not_read_as_windows_1252():
    # no XML declaration, not UTF-8: feedparser alone would read windows-1251 as windows-1252
    text = ("<rss version=\"2.0\"><channel><title>Новости</title><item><title>Президент подписал закон</title>"
            "<description>Закон вступает в силу с первого января следующего года.</description></item>"
            "</channel></rss>")
    (article,), _ = parse_feed(text.encode("windows-1251"), "news.xml")
    assert article["source_name"] == "Новости"
    assert article["title"] == "Президент подписал закон"


def test_utf8_with_a_stray_byte_stays_utf8():
    # declared UTF-8, one latin-1 byte: the rest must not turn into "Ã©" mojibake
    data = ('<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>Café</title>'
            '<item><title>Résumé of the día</title><description>Naïve text, then a bad byte: ').encode() + \
        b"\xe9</description></item></channel></rss>"
    (article,), _ = parse_feed(data, "stray.xml")
    assert article["source_name"] == "Café"
    assert article["title"] == "Résumé of the día"
    assert article["body"] == "Naïve text, then a bad byte: \ufffd"


def test_entry_guid_precedence():
    assert entry_guid({"id": " urn:x:1 "}, "https://x.org/a", "T") == "urn:x:1"
    assert entry_guid({}, "https://x.org/a", "T") == "https://x.org/a"
    same = entry_guid({"published": "Mon, 01 Jan 2024 00:00:00 GMT"}, None, "Title")
    assert same == entry_guid({"published": "Mon, 01 Jan 2024 00:00:00 GMT"}, None, "Title")
    assert same != entry_guid({"published": "Tue, 02 Jan 2024 00:00:00 GMT"}, None, "Title")


@pytest.mark.parametrize("tag, language", [
    ("en-US", "en"), ("en_us", "en"), ("IT-it", "it"), ("pt-br", "pt"), ("de", "de"), ("fil", "fil"),
    ("", None), (None, None), ("english", None), ("12", None),
])
def test_normalize_language(tag, language):
    assert normalize_language(tag) == language


def test_one_odd_entry_does_not_cost_the_feed_its_other_entries(monkeypatch):
    from transforms.sources import feeds

    real_entry_url = feeds.entry_url

    def entry_url(entry, base_url):
        if entry.get("title") == "Headline only":
            raise TypeError("unexpected value")
        return real_entry_url(entry, base_url)

    monkeypatch.setattr(feeds, "entry_url", entry_url)
    articles, rejects = parse_fixture("headlines.rss")
    assert len(articles) == 3
    bad = [r for r in rejects if r["reason"] == "bad-entry"]
    assert len(bad) == 1 and bad[0]["detail"] == "TypeError: unexpected value"
    assert bad[0]["excerpt"] == "Headline only"


# --- HTML fragments of feeds to text ----------------------------------------------------------

@pytest.mark.parametrize("html, text", [
    ("<p>Hello &amp; <b>world</b></p><p>Second<br>line</p>", "Hello & world\n\nSecond\nline"),
    ("one<br><br>two<br/>three", "one\n\ntwo\nthree"),
    ("<script>track()</script><style>p{}</style>Text <!-- note --> goes on", "Text goes on"),
    ("<div><ul><li>first</li><li>second</li></ul></div>tail", "first\n\nsecond\n\ntail"),
    ("<pre>line 1\nline 2</pre>", "line 1\nline 2"),
    ("<?xml version='1.0' encoding='utf-8'?><p>declared</p>", "declared"),
    ("plain &amp; text\n\nnext paragraph\nwrapped line", "plain & text\n\nnext paragraph wrapped line"),
    ("<p>no\u00a0break\u200b space\u00ad</p>", "no break space"),
    ("<img src='x.png'><iframe src='ad'></iframe>", ""),
    ("", ""),
    (None, ""),
])
def test_html_to_text(html, text):
    assert html_to_text(html) == text


@pytest.mark.parametrize("depth", [1000, 5000])
def test_html_to_text_survives_deep_nesting(depth):
    # past libxml2's limit (2048) the text between the tags is still kept
    html = "<div>" * depth + "deep <script>x()</script>text" + "</div>" * depth
    assert html_to_text(html) == "deep text"
