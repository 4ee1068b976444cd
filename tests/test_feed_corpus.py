"""Every feed of the real-world corpus (60 files, ../shared/corpus/feeds) through parse_feed.

The expected entry counts are feedparser's own (``feeds_index.tsv``, column ``entries``):
each entry feedparser recovers must come out as an article or as an entry reject that
says why, and a file without entries must give a feed-level reject.
"""
import csv
import datetime as dt
from collections import Counter

import pytest

from transforms.records import FEED
from transforms.sources.feeds import FEED_CONTENT, FEED_SUMMARY, FEED_TITLE_ONLY, parse_feed

EXTRACTIONS = {FEED_CONTENT, FEED_SUMMARY, FEED_TITLE_ONLY}


@pytest.fixture(scope="module")
def corpus_results(corpus_dir):
    """{file name: (expected entries, articles, rejects)} for every file in feeds/."""
    with open(corpus_dir / "feeds_index.tsv", encoding="utf-8", newline="") as index:
        expected = {row["file"]: int(row["entries"]) for row in csv.DictReader(index, delimiter="\t")}
    results = {}
    for path in sorted((corpus_dir / "feeds").iterdir()):
        articles, rejects = parse_feed(path.read_bytes(), str(path))
        results[path.name] = (expected[path.name], articles, rejects)
    return results


def test_every_file_is_in_the_index(corpus_results):
    assert len(corpus_results) == 60


def test_every_entry_is_an_article_or_a_reject_that_says_why(corpus_results):
    mismatches = {}
    for name, (expected, articles, rejects) in corpus_results.items():
        entry_rejects = [r for r in rejects if r["item_key"] is not None]
        if len(articles) + len(entry_rejects) != expected:
            mismatches[name] = (expected, len(articles), len(entry_rejects))
    assert mismatches == {}


def test_every_file_yields_something_and_empty_feeds_a_feed_reject(corpus_results):
    for name, (expected, articles, rejects) in corpus_results.items():
        assert articles or rejects, name
        feed_rejects = [r for r in rejects if r["item_key"] is None]
        if expected == 0:
            assert len(feed_rejects) == 1, name
            assert feed_rejects[0]["reason"] in {"no-entries", "not-a-feed"}, name
        else:
            assert feed_rejects == [], name
        for reject in rejects:
            assert reject["stage"] == "parse" and reject["reason"] and reject["detail"], (name, reject)
            assert reject["source_uri"].endswith(name) and reject["source_type"] == FEED


def test_articles_are_well_formed(corpus_results):
    for name, (_, articles, _) in corpus_results.items():
        for article in articles:
            assert article["body"].strip(), name
            assert "\n\n\n" not in article["body"], name
            assert article["extraction"] in EXTRACTIONS, name
            assert article["guid"], name
            assert article["source_type"] == FEED and article["source_name"], name
            for field in ("published_at", "updated_at"):
                value = article[field]
                assert value is None or value.utcoffset() == dt.timedelta(0), (name, field, value)
            if article["url"] is not None:
                assert article["url"].startswith(("http://", "https://")) and "#" not in article["url"], name
                assert "utm_" not in article["url"], name


def test_totals(corpus_results):
    entries = sum(expected for expected, _, _ in corpus_results.values())
    articles = sum(len(a) for _, a, _ in corpus_results.values())
    reasons = Counter(r["reason"] for _, _, rejects in corpus_results.values() for r in rejects)
    assert entries == 411
    assert articles == 399
    assert reasons == {"no-entries": 16, "empty-entry": 11, "no-text": 1}


def test_guardian(corpus_results):
    expected, articles, rejects = corpus_results["rssparser__guardian.rss"]
    assert expected == len(articles) == 55 and rejects == []
    assert {a["source_name"] for a in articles} == {"The Guardian"}
    assert {a["feed_language"] for a in articles} == {"en"}
    first = articles[0]
    assert first["title"] == "Trump State of the Union address promised unity but emphasized discord"
    assert first["url"] == ("https://www.theguardian.com/us-news/2018/jan/31/"
                            "donald-trump-state-of-the-union-address-unity-discord")
    assert first["authors"] == ["David Smith in Washington"]
    assert first["tags"][:2] == ["Donald Trump", "State of the Union address"]
    assert first["published_at"] == dt.datetime(2018, 1, 31, 7, 26, 5, tzinfo=dt.timezone.utc)
    assert first["body"].startswith("The president’s ‘new American moment’ speech")
    assert "<" not in first["body"]


def test_relative_links_and_redirect_wrappers(corpus_results):
    tpm = corpus_results["nodefeedparser__tpm.atom"][1][0]
    assert tpm["url"] == ("http://talkingpointsmemo.com/livewire/"
                          "hannity-announces-fox-hired-sebastian-gorka-national-security-strategist")
    ruby = corpus_results["nodefeedparser__intertwingly.atom"][1][0]
    assert ruby["url"] == "http://intertwingly.net/blog/2012/07/16/Inhibiting-Suspend"
    assert ruby["authors"] == ["Sam Ruby"]  # inherited from the feed
    alert = corpus_results["feedjira__google_alerts_atom.xml"][1][0]
    assert alert["url"].startswith("https://www.aglobalmarketresearch.com/report-offers-prediction")
    assert alert["title"].startswith("Report offers Prediction of Automotive Slack Market")


def test_legacy_encodings(corpus_results):
    orenburg = corpus_results["nodefeedparser__iconv.xml"][1]  # windows-1251
    assert orenburg[0]["title"] == "В Бузулуке главные стройплощадки – детсад и Ледовый дворец"
    jn = corpus_results["rssparser__encoding.rss"][1]  # ISO-8859-1
    assert jn[0]["source_name"] == "Jornal de Notícias - Últimas Notícias"
    assert jn[0]["title"] == "Mãe de utente é a nova presidente da Raríssimas"
    # no encoding declared anywhere: feedparser without chardet reads these as windows-1252
    # or ISO-8859-2; the second reading through transforms.encoding gets them right
    koi8 = corpus_results["feedparser_illformed_chardet__koi8r.xml"][1][0]
    assert koi8["title"] == "Как пережить новогоднюю ночь"
    shift_jis = corpus_results["feedparser_illformed_chardet__shiftjis.xml"][1][0]
    assert shift_jis["title"] == "DrecomRSSに記事投稿が反映されない…"
    tis620 = corpus_results["feedparser_illformed_chardet__tis620.xml"][1][0]
    assert tis620["body"].startswith("สำนักงานส่งเสริมอุตสาหกรรมซอฟต์แวร์แห่งชาติ")
    hebrew = corpus_results["feedparser_illformed_chardet__windows1255.xml"][1][0]
    assert hebrew["body"].startswith("האם תדפיס נייר של אתר אינטרנט")


def test_dates_feedparser_cannot_read(corpus_results):
    # Portuguese and Italian day and month names ("Seg, 24 Set 2018 19:42:40 -0300")
    uol = corpus_results["rssparser__uolNoticias.rss"][1]
    assert uol[0]["published_at"] == dt.datetime(2018, 9, 24, 22, 42, 40, tzinfo=dt.timezone.utc)
    messaggero = corpus_results["feedrs__rss_2.0_ilmessaggero.xml"][1][0]
    assert messaggero["published_at"] == dt.datetime(2022, 11, 15, 23, 38, 15, tzinfo=dt.timezone.utc)
    # 12-hour clock: "Sat, Dec 16 2023 02:02:33 PM"
    nbc = corpus_results["feedrs__rss_2.0_nbcny.xml"][1][0]
    assert nbc["published_at"] == dt.datetime(2023, 12, 16, 14, 2, 33, tzinfo=dt.timezone.utc)


def test_broken_markup_entries_are_explained(corpus_results):
    _, articles, rejects = corpus_results["nodefeedparser__illegally-nested.xml"]
    assert len(articles) == 10  # the file has 10 <item>s; feedparser reports 20 entries
    assert [r["reason"] for r in rejects] == ["empty-entry"] * 10
