import pytest

from transforms.urls import canonicalize_url, host_of, is_http_url, is_tracking_param


@pytest.mark.parametrize("url, expected", [
    # scheme and host case, default ports, fragments
    ("HTTPS://News.Example.COM:443/Path/Story#comments", "https://news.example.com/Path/Story"),
    ("http://example.com:80", "http://example.com/"),
    ("http://example.com:8080/a", "http://example.com:8080/a"),
    # tracking parameters go, the rest is sorted by name (repeated names keep their order)
    ("https://x.org/a?utm_source=rss&utm_medium=feed&id=7&fbclid=abc&gclid=1",
     "https://x.org/a?id=7"),
    ("https://x.org/a?z=1&b=2&b=1&mc_cid=9&mc_eid=8&ref=tw&ref_src=twsrc&cmpid=x&ncid=y&_ga=1&yclid=2&spm=3",
     "https://x.org/a?b=2&b=1&z=1"),
    ("https://x.org/a?IGSHID=abc&Utm_Campaign=q", "https://x.org/a"),
    ("https://x.org/a?q=&page=2", "https://x.org/a?page=2&q="),
    # dot segments and escapes
    ("https://x.org/a/./b/../c", "https://x.org/a/c"),
    ("https://x.org/caf%C3%A9 menu", "https://x.org/caf%C3%A9%20menu"),
    ("https://x.org/café", "https://x.org/caf%C3%A9"),
    # internationalised host names become their ASCII form
    ("https://bücher.example/", "https://xn--bcher-kva.example/"),
    # feed:// subscription hints
    ("feed://example.com/rss.xml", "http://example.com/rss.xml"),
    ("feed:https://example.com/rss.xml", "https://example.com/rss.xml"),
    # AJAX-crawlable fragments select content and stay
    ("https://x.org/#!/story/1", "https://x.org/#!/story/1"),
    # Google Alerts / News redirect wrappers are unwrapped
    ("https://www.google.com/url?rct=j&sa=t&url=https://site.example/story%3Fid%3D1%26utm_source%3Dga&ct=ga",
     "https://site.example/story?id=1"),
])
def test_canonicalize_url(url, expected):
    assert canonicalize_url(url) == expected


@pytest.mark.parametrize("url", [None, "", "   ", "mailto:me@example.com", "tag:google.com,2005:reader",
                                 "javascript:void(0)", "/relative/path", "http://", "http://x.org:99999/"])
def test_no_canonical_url(url):
    assert canonicalize_url(url) is None


def test_relative_links_resolve_against_base():
    assert canonicalize_url("/blog/2012/post", base="http://intertwingly.net/blog/") == \
        "http://intertwingly.net/blog/2012/post"
    assert canonicalize_url("post?utm_source=x", base="https://x.org/dir/feed.xml") == "https://x.org/dir/post"
    # an absolute URL ignores the base
    assert canonicalize_url("https://other.org/a", base="https://x.org/") == "https://other.org/a"


def test_canonical_form_is_stable():
    url = "https://X.org/a/../b?utm_source=1&b=2&a=1#frag"
    once = canonicalize_url(url)
    assert canonicalize_url(once) == once


def test_helpers():
    assert is_tracking_param("utm_content") and is_tracking_param("FBCLID")
    assert not is_tracking_param("id") and not is_tracking_param("page")
    assert host_of("https://www.Example.com/a") == "example.com"
    assert host_of("not a url") is None
    assert is_http_url("https://x.org") and not is_http_url("ftp://x.org") and not is_http_url("/path")
