"""HTML article extraction: hand-written pages, the F1 benchmark over the corpus pages, and
the full-text replacement of feed bodies (``--fetch-articles``)."""
import datetime as dt
import gzip

import pytest

from bench.html_f1 import HELD_OUT, HELD_OUT_AIM, THRESHOLD, benchmark_pages, mean, project_text, select_part, token_f1
from transforms.records import RejectError, new_article
from transforms.sources.full_text import shared_word_share, with_full_text
from transforms.sources.html_pages import decode_html, declared_charset, extract_html_article, split_authors

PARAGRAPHS = [
    "The city council voted on Tuesday to expand the tram network to the northern suburbs, "
    "ending a debate that had lasted almost a decade.",
    "Supporters said the extension would cut commuting times by a third and take thousands of cars "
    "off the ring road every morning.",
    "Opponents, led by the café owners’ association, warned that two years of construction would ruin "
    "trade on the high street.",
    "The first section is due to open in the spring of 2026, the transport department said in a statement.",
    "Funding comes from the regional budget and a loan from the national infrastructure bank.",
]
TITLE = "Council approves tram extension to northern suburbs"


def article_page(charset="utf-8", paragraphs=PARAGRAPHS, meta_charset=True):
    body = "\n".join(f"<p>{text}</p>" for text in paragraphs)
    charset_tag = f'<meta charset="{charset}">' if meta_charset else ""
    return f"""<!DOCTYPE html>
<html lang="en-GB">
<head>
{charset_tag}
<title>{TITLE} | The Daily Example</title>
<meta property="og:title" content="{TITLE}">
<meta property="og:site_name" content="The Daily Example">
<meta name="author" content="Ana Lima">
<meta name="description" content="The tram will reach the northern suburbs by 2026.">
<meta property="article:published_time" content="2024-03-05T09:15:00+01:00">
<link rel="canonical" href="https://daily.example.com/news/tram-extension?utm_source=twitter">
<script>var tracking = "do not extract me";</script>
<style>p {{ color: red }}</style>
</head>
<body>
<nav><a href="/">Home</a> <a href="/news">News</a> <a href="/sport">Sport</a></nav>
<article>
<h1>{TITLE}</h1>
<p class="byline">By Ana Lima</p>
{body}
</article>
<footer>Copyright 2024 The Daily Example. All rights reserved.</footer>
</body>
</html>"""


@pytest.fixture(scope="module")
def extracted():
    return extract_html_article(article_page().encode("utf-8"), "/data/pages/tram.html")


def test_main_text(extracted):
    assert extracted["source_type"] == "html"
    assert extracted["extraction"] == "trafilatura"
    assert extracted["body"].split("\n\n") == PARAGRAPHS
    for noise in ("do not extract me", "Copyright", "Sport", "color: red"):
        assert noise not in extracted["body"]


def test_metadata(extracted):
    assert extracted["title"] == TITLE
    assert extracted["authors"] == ["Ana Lima"]
    assert extracted["published_at"] == dt.datetime(2024, 3, 5, 8, 15, tzinfo=dt.timezone.utc)
    assert extracted["url"] == "https://daily.example.com/news/tram-extension"  # canonical, untracked
    assert extracted["source_name"] == "The Daily Example"
    assert extracted["summary"] == "The tram will reach the northern suburbs by 2026."
    assert extracted["feed_language"] == "en"
    assert extracted["source_uri"] == "/data/pages/tram.html"


def test_given_url_is_used_when_the_page_names_none():
    html = article_page().replace('<link rel="canonical" href="https://daily.example.com/news/tram-extension'
                                  '?utm_source=twitter">', "")
    article = extract_html_article(html.encode(), "fetched", url="https://daily.example.com/a?fbclid=1")
    assert article["url"] == "https://daily.example.com/a"


def test_gzipped_page():
    article = extract_html_article(gzip.compress(article_page().encode("utf-8")), "tram.html.gz")
    assert article["body"].split("\n\n") == PARAGRAPHS


def test_declared_legacy_charset_is_respected():
    data = article_page(charset="iso-8859-1").encode("windows-1252")
    assert declared_charset(data) == "windows-1252"  # WHATWG: latin-1 labels mean windows-1252
    article = extract_html_article(data, "latin1.html")
    assert "café owners’ association" in article["body"]


def test_undeclared_legacy_charset_is_detected():
    data = article_page(meta_charset=False).encode("windows-1252")
    assert "café owners’ association" in extract_html_article(data, "undeclared.html")["body"]


def test_http_charset_outranks_the_page():
    text = article_page(charset="utf-8").replace("café owners’", "владельцев кафе")
    data = text.encode("koi8-r")
    assert "владельцев кафе" in decode_html(data, "text/html; charset=KOI8-R")


def test_utf8_bytes_win_over_a_wrong_latin1_label():
    data = article_page(charset="iso-8859-1").encode("utf-8")
    assert "café owners’" in decode_html(data)


@pytest.mark.parametrize("html", [
    b"",
    b"<html><head><title>Only a title</title></head><body></body></html>",
    b"<html><body><nav><a href='/'>Home</a></nav><script>x()</script></body></html>",
])
def test_no_main_text_is_rejected(html):
    with pytest.raises(RejectError) as caught:
        extract_html_article(html, "empty.html")
    assert (caught.value.stage, caught.value.reason) == ("extract", "no-main-text")


def test_binary_data_is_rejected():
    with pytest.raises(RejectError) as caught:
        extract_html_article(b"%PDF-1.7\n\xff\xfe\x00binary", "paper.html")
    assert caught.value.reason == "binary-content"


def test_split_authors():
    assert split_authors("Jill Disis; CNN Business; jill disis") == ["Jill Disis", "CNN Business"]
    assert split_authors(None) == []


# --- the F1 benchmark over the corpus pages ---------------------------------------------------

def test_token_f1():
    assert token_f1("a b c", "a b c") == 1.0
    assert token_f1("", "") == 1.0
    assert token_f1("x y", "a b") == 0.0
    # bag of words: "the" counts twice in the truth, once in the prediction
    assert token_f1("The cat", "the the cat") == pytest.approx(2 * 1.0 * (2 / 3) / (1.0 + 2 / 3))


def test_mean_f1_over_the_benchmark_pages(corpus_dir):
    pages = benchmark_pages(corpus_dir)
    assert len(pages) == 60
    scores = [token_f1(project_text(page_id, data), truth) for page_id, data, truth in pages]
    assert mean(scores) >= THRESHOLD
    # the pages held out of tuning (bench/html_f1.py's split) meet issue 11's aim
    held_out = {page_id for page_id, _, _ in select_part(pages, HELD_OUT)}
    assert len(held_out) == 20
    assert mean(s for (page_id, _, _), s in zip(pages, scores) if page_id in held_out) >= HELD_OUT_AIM
    # no page is lost entirely (a reject or an empty extraction scores 0)
    assert min(scores) > 0.5


# --- full text for feed articles -------------------------------------------------------------

def feed_article(body=TITLE, extraction="feed-title-only", **fields):
    values = dict(source_type="feed", source_uri="https://daily.example.com/rss", source_name="The Daily Example",
                  url="https://daily.example.com/news/tram-extension", guid="tram-1", title=TITLE,
                  body=body, extraction=extraction)
    values.update(fields)
    return new_article(**values)


def test_full_text_replaces_a_headline():
    article = feed_article()
    result = with_full_text(article, article_page().encode(), None)
    assert result["body"].split("\n\n") == PARAGRAPHS
    assert result["extraction"] == "trafilatura"
    # identity stays the feed's; missing fields come from the page
    assert (result["url"], result["guid"], result["title"]) == (article["url"], "tram-1", TITLE)
    assert result["authors"] == ["Ana Lima"]
    assert result["published_at"] == dt.datetime(2024, 3, 5, 8, 15, tzinfo=dt.timezone.utc)
    assert result["summary"] == TITLE
    assert article["body"] == TITLE  # the input is not modified


def test_feed_fields_win_over_page_fields():
    published = dt.datetime(2024, 3, 5, 7, 0, tzinfo=dt.timezone.utc)
    article = feed_article(body="The council voted on the tram extension to the northern suburbs.",
                           extraction="feed-summary", summary="The council voted on the tram extension.",
                           authors=["Desk"], published_at=published)
    result = with_full_text(article, article_page().encode(), None)
    assert result["extraction"] == "trafilatura"
    assert result["authors"] == ["Desk"] and result["published_at"] == published
    assert result["summary"] == "The council voted on the tram extension."


@pytest.mark.parametrize("page, error, reason", [
    (None, "http-404", "fetch/http-404"),
    (None, "timeout", "fetch/timeout"),
    (None, None, "fetch/no-page"),
    (b"<html><body><nav>Home</nav></body></html>", None, "extract/no-main-text"),
])
def test_feed_text_is_kept_with_the_reason(page, error, reason):
    article = feed_article(body="A summary long enough.", extraction="feed-summary")
    result = with_full_text(article, page, error)
    assert result["body"] == "A summary long enough."
    assert result["extraction"] == f"feed-summary; full-text failed: {reason}"


def test_shorter_page_text_keeps_the_feed_content():
    long_body = "\n\n".join(PARAGRAPHS * 3)
    result = with_full_text(feed_article(body=long_body, extraction="feed-content"), article_page().encode(), None)
    assert result["body"] == long_body
    assert result["extraction"].startswith("feed-content; full-text failed: page text not longer")


def test_unrelated_page_keeps_the_feed_text():
    consent = article_page(paragraphs=[
        "We and our partners store and access information on your device, such as cookies, and process "
        "personal data, such as unique identifiers and standard information sent by a device.",
        "You may click to consent to our and our partners’ processing as described above. Alternatively "
        "you may access more detailed information and change your preferences before consenting.",
        "Please note that some processing of your personal data may not require your consent, but you "
        "have a right to object to such processing. Your preferences will apply to this website only.",
    ])
    article = feed_article(body="Council approves tram extension to northern suburbs after decade of debate")
    result = with_full_text(article, consent.encode(), None)
    assert result["body"] == article["body"]
    assert "page text does not match the entry" in result["extraction"]


def test_shared_word_share():
    assert shared_word_share("tram extension approved", "the council approved the tram extension") == 1.0
    assert shared_word_share("tram extension approved", "cookies and consent") == 0.0
    assert shared_word_share("a b", "anything") == 1.0  # no content words to compare
