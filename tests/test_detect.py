import gzip
import os

import pytest

from transforms.records import RejectError
from transforms.sources.detect import decompress_if_gzip, read_prolog, sniff_kind

RSS = b'<?xml version="1.0"?>\n<rss version="2.0"><channel><title>t</title></channel></rss>'


@pytest.mark.parametrize("data, kind", [
    (RSS, "feed"),
    (b'<feed xmlns="http://www.w3.org/2005/Atom"><title>t</title></feed>', "feed"),
    (b'<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"></rdf:RDF>', "feed"),
    (b"<channel><title>bare channel</title></channel>", "feed"),
    # prolog: BOM, blank lines, declaration, stylesheet PI, comments, doctype with a subset
    (b'\xef\xbb\xbf\n\n  <?xml version="1.0"?>\n<?xml-stylesheet href="s.xsl"?>\n<!-- a\ncomment -->\n'
     b'<!DOCTYPE rdf:RDF [\n<!ENTITY % x "y">\n]>\n<rdf:RDF></rdf:RDF>', "feed"),
    # an XHTML doctype before an <rss> root: the root decides
    (b'<?xml version="1.0"?><!DOCTYPE html PUBLIC "-//W3C//DTD XHTML 1.0//EN" "x"><rss></rss>', "feed"),
    ("<?xml version='1.0' encoding='utf-16'?><rss></rss>".encode("utf-16"), "feed"),
    ('<?xml version="1.0" encoding="utf-32be"?><rss></rss>'.encode("utf-32-be"), "feed"),  # no BOM
    (b'<opml version="2.0"><body><outline xmlUrl="http://x/rss"/></body></opml>', "opml"),
    (b"<!DOCTYPE html>\n<html><body><p>x</p></body></html>", "html"),
    (b"<!doctype html><div>no html element</div>", "html"),
    (b"  <html lang=en><p>x</p>", "html"),
    (b"<body><p>x</p></body>", "html"),
    (b"A plain article.\n\nWith two paragraphs.", "text"),
    (b"https://a.example/rss\n# comment\nhttps://b.example/atom.xml  # inline\n", "feed-list"),
    (b"https://a.example/story is a link in a sentence.\nMore prose here.", "text"),
    (b"", "text"),
])
def test_sniff_kind_by_content(data, kind):
    # a neutral name: the content alone decides
    assert sniff_kind(data, "input.txt") == kind


@pytest.mark.parametrize("name, kind", [
    ("broken.xml", "feed"), ("broken.rss", "feed"), ("x.atom", "feed"),
    ("page.html", "html"), ("page.HTM", "html"), ("page.html.gz", "html"),
    ("subs.opml", "opml"), ("my.feeds", "feed-list"), ("notes.txt", "text"),
])
def test_extension_decides_when_content_says_nothing(name, kind):
    assert sniff_kind(b"not markup at all", name) == kind


def test_gzip_is_sniffed_after_decompression():
    assert sniff_kind(gzip.compress(RSS), "feed.xml.gz") == "feed"
    assert sniff_kind(gzip.compress(b"<html><body>x</body></html>"), "download") == "html"


def test_decompress_multi_member_and_passthrough():
    assert decompress_if_gzip(gzip.compress(b"ab") + gzip.compress(b"cd")) == b"abcd"
    assert decompress_if_gzip(b"plain bytes") == b"plain bytes"


def test_decompression_is_capped():
    bomb = gzip.compress(b"\0" * 2_000_000)
    with pytest.raises(RejectError) as caught:
        decompress_if_gzip(bomb, limit=1_000_000)
    assert (caught.value.stage, caught.value.reason) == ("decode", "decompressed-too-large")
    assert len(decompress_if_gzip(bomb, limit=2_000_000)) == 2_000_000


def test_corrupt_and_truncated_gzip_are_rejected():
    data = gzip.compress(os.urandom(2000))
    for broken in (data[:-30], data[:10] + b"garbage" + data[17:]):
        with pytest.raises(RejectError) as caught:
            decompress_if_gzip(broken)
        assert caught.value.reason == "bad-gzip"


def test_read_prolog():
    assert read_prolog('<?xml version="1.0"?><!-- c --><rdf:RDF>') == ("rdf", False)
    assert read_prolog("<!DOCTYPE html><div>") == ("div", True)
    assert read_prolog("<!-- unclosed comment") == (None, False)
    assert read_prolog("plain") == (None, False)


def test_every_corpus_feed_is_recognised_by_content(corpus_dir):
    paths = sorted((corpus_dir / "feeds").iterdir())
    assert len(paths) == 60
    misread = [path.name for path in paths if sniff_kind(path.read_bytes(), "unknown.bin") != "feed"]
    assert misread == []


def test_corpus_pages_and_texts_are_recognised(corpus_dir):
    pages = sorted((corpus_dir / "html" / "pages").glob("*.html.gz"))
    assert pages and all(sniff_kind(path.read_bytes(), "download") == "html" for path in pages)
    texts = sorted((corpus_dir / "text").rglob("*.txt"))
    assert texts and all(sniff_kind(path.read_bytes(), path.name) == "text" for path in texts)
