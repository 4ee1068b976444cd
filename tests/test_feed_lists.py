import gzip
import os

from transforms.sources.feed_lists import parse_feed_list, resolve_location

LIST_PATH = os.path.join(os.sep, "data", "lists", "feeds.txt")


def keyed(rejects):
    return {r["item_key"]: (r["stage"], r["reason"]) for r in rejects}


def test_text_list_with_comments_paths_and_bad_lines():
    data = b"""\xef\xbb\xbf# my feeds (UTF-8 BOM, CRLF endings)\r
https://www.theguardian.com/world/rss   # world news\r
\r
feed://example.com/rss.xml\r
https://example.com/page#section\r
local/feed.xml\r
../other/feed.atom\r
/srv/feeds/abs.xml\r
file:///tmp/x.xml\r
mailto:me@example.org\r
two words here\r
https://www.theguardian.com/world/rss\r
http://\r
caf\xe9.xml\r
"""
    locations, rejects = parse_feed_list(data, LIST_PATH)
    assert locations == [
        "https://www.theguardian.com/world/rss",
        "http://example.com/rss.xml",
        "https://example.com/page#section",  # '#' without whitespace before it is a fragment
        os.path.join(os.sep, "data", "lists", "local", "feed.xml"),
        os.path.join(os.sep, "data", "other", "feed.atom"),
        os.path.join(os.sep, "srv", "feeds", "abs.xml"),
        os.path.join(os.sep, "tmp", "x.xml"),
    ]  # the repeated Guardian URL is kept once
    assert keyed(rejects) == {
        "line 10": ("discover", "unsupported-scheme"),
        "line 11": ("discover", "bad-feed-list-entry"),
        "line 13": ("discover", "bad-feed-list-entry"),
        "line 14": ("discover", "bad-feed-list-entry"),
    }
    by_key = {r["item_key"]: r for r in rejects}
    assert by_key["line 11"]["excerpt"] == "two words here"
    assert "UTF-8" in by_key["line 14"]["detail"]
    assert all(r["source_uri"] == LIST_PATH for r in rejects)


def test_relative_entries_of_a_fetched_list_are_urls():
    locations, rejects = parse_feed_list(b"world.xml\n/top/rss\n", "https://lists.example.org/a/feeds.txt")
    assert rejects == []
    assert locations == ["https://lists.example.org/a/world.xml", "https://lists.example.org/top/rss"]


def test_opml_nested_outlines():
    data = b"""<?xml version="1.0" encoding="utf-8"?>
<opml version="2.0"><head><title>Subscriptions</title></head><body>
  <outline text="News">
    <outline text="BBC" type="rss" xmlUrl="http://feeds.bbci.co.uk/news/rss.xml" htmlUrl="https://www.bbc.co.uk/news"/>
    <outline text="Tech">
      <outline text="Local" type="rss" xmlurl="feeds/local.xml"/>
      <outline text="Broken" type="rss"/>
    </outline>
  </outline>
  <outline text="A web page" type="link" url="https://example.org/"/>
</body></opml>"""
    locations, rejects = parse_feed_list(data, LIST_PATH)
    assert locations == ["http://feeds.bbci.co.uk/news/rss.xml",
                         os.path.join(os.sep, "data", "lists", "feeds", "local.xml")]
    assert keyed(rejects) == {"outline 5 (Broken)": ("discover", "bad-feed-list-entry")}


def test_gzipped_list():
    locations, rejects = parse_feed_list(gzip.compress(b"https://a.example/rss\n"), "feeds.txt.gz")
    assert locations == ["https://a.example/rss"] and rejects == []


def test_lists_that_name_no_feed_are_rejected():
    for data in (b"", b"# only a comment\n\n", b"<opml><body><outline text='folder'/></body></opml>"):
        locations, rejects = parse_feed_list(data, LIST_PATH)
        assert locations == []
        assert [(r["stage"], r["reason"], r["item_key"]) for r in rejects] == \
            [("discover", "empty-feed-list", None)]


def test_unreadable_opml_is_rejected():
    locations, rejects = parse_feed_list(b"<opml \x00\x01", LIST_PATH)
    assert locations == []
    assert [(r["stage"], r["reason"]) for r in rejects] == [("discover", "bad-opml")]
    assert "not readable as XML" in rejects[0]["detail"]


def test_resolve_location():
    assert resolve_location("feeds/a.xml", "/x/list.txt") == os.path.join(os.sep, "x", "feeds", "a.xml")
    assert resolve_location("https://a.example/rss", "/x/list.txt") == "https://a.example/rss"
    assert resolve_location("feed:https://a.example/rss", "/x/list.txt") == "https://a.example/rss"
