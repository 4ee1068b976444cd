"""decode_bytes: encoding detection, binary and empty rejects, text normalisation."""
import codecs
import csv
import random
import re

import pytest

from transforms.encoding import decode_bytes, normalize_text
from transforms.records import RejectError

SAMPLE = "Russia doesn't want conflict, Putin says.\n\n\u201cWe want security,\u201d he said \u2013 caf\u00e9 na\u00efve."


def reject_of(data: bytes) -> RejectError:
    with pytest.raises(RejectError) as caught:
        decode_bytes(data)
    assert caught.value.stage == "decode"
    assert caught.value.detail
    return caught.value


# ------------------------------------------------------------------ Unicode encodings

def test_ascii_is_reported_as_ascii():
    assert decode_bytes(b"Plain text.\n") == ("Plain text.\n", "ascii")


def test_utf8_without_bom():
    assert decode_bytes(SAMPLE.encode("utf-8")) == (SAMPLE, "utf-8")


def test_utf8_bom_is_stripped():
    text, encoding = decode_bytes(codecs.BOM_UTF8 + SAMPLE.encode("utf-8"))
    assert (text, encoding) == (SAMPLE, "utf-8")


@pytest.mark.parametrize("codec, label", [
    ("utf-16-le", "utf-16-le"), ("utf-16-be", "utf-16-be"),
    ("utf-32-le", "utf-32-le"), ("utf-32-be", "utf-32-be"),
])
def test_utf16_and_utf32_with_bom(codec, label):
    bom = {"utf-16-le": codecs.BOM_UTF16_LE, "utf-16-be": codecs.BOM_UTF16_BE,
           "utf-32-le": codecs.BOM_UTF32_LE, "utf-32-be": codecs.BOM_UTF32_BE}[codec]
    assert decode_bytes(bom + SAMPLE.encode(codec)) == (SAMPLE, label)


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be", "utf-32-le", "utf-32-be"])
def test_utf16_and_utf32_without_bom_by_nul_pattern(codec):
    assert decode_bytes(SAMPLE.encode(codec)) == (SAMPLE, codec)


def test_bom_with_invalid_data_is_undecodable():
    # A UTF-16 LE BOM followed by a lone high surrogate.
    error = reject_of(codecs.BOM_UTF16_LE + "ok".encode("utf-16-le") + b"\x00\xd8")
    assert error.reason == "undecodable"
    assert "utf-16-le" in error.detail


def test_utf8_bom_with_invalid_utf8_is_undecodable():
    error = reject_of(codecs.BOM_UTF8 + b"caf\xe9 au lait")
    assert error.reason == "undecodable"


# ------------------------------------------------------------------ legacy encodings

def test_windows_1252_curly_quotes():
    assert decode_bytes(b"\x93quoted\x94 caf\xe9") == ("\u201cquoted\u201d caf\u00e9", "windows-1252")


def test_latin1_text_decodes_as_windows_1252():
    # Identical to latin-1 for every printable character; WHATWG decodes latin-1 this way.
    data = "Le caf\u00e9 \u00e9tait ferm\u00e9 \u00e0 cause de la gr\u00e8ve. O\u00f9 est la fen\u00eatre?".encode("latin-1")
    text, encoding = decode_bytes(data)
    assert text == data.decode("latin-1")
    assert encoding == "windows-1252"


@pytest.mark.parametrize("text, codec, label", [
    ("Zażółć gęślą jaźń. Łódź jest dużym miastem w Polsce. " * 2, "cp1250", "windows-1250"),
    ("Zażółć gęślą jaźń. Łódź jest dużym miastem w Polsce. " * 2, "iso8859_2", "iso-8859-2"),
    ("Президент России заявил, что страна не хочет конфликта. " * 2, "cp1251", "windows-1251"),
    ("Президент России заявил, что страна не хочет конфликта. " * 2, "koi8_r", "koi8-r"),
    ("Ο πρόεδρος της Ρωσίας δήλωσε ότι η χώρα δεν θέλει σύγκρουση. " * 2, "cp1253", "windows-1253"),
    ("東京都は新しい計画を発表しました。これは重要なニュースです。" * 2, "shift_jis", None),
])
def test_other_legacy_encodings(text, codec, label):
    decoded, encoding = decode_bytes(text.encode(codec))
    assert decoded == text
    if label:
        assert encoding == label


def test_crlf_and_cr_become_lf_and_text_is_nfc():
    data = "line one\r\nline two\rcafe\u0301".encode("utf-8")
    assert decode_bytes(data)[0] == "line one\nline two\ncaf\u00e9"


def test_normalize_text_drops_leading_bom_and_maps_unicode_separators():
    assert normalize_text("\ufeffa\u2028b\u2029c") == "a\nb\n\nc"


# ------------------------------------------------------------------ rejects

def test_empty_file():
    assert reject_of(b"").reason == "empty-file"


@pytest.mark.parametrize("data", [b"   \n\t\r\n  ", "  \n ".encode("utf-16"), codecs.BOM_UTF8 + b"\n\n"])
def test_whitespace_only_file(data):
    assert reject_of(data).reason == "empty-file"


@pytest.mark.parametrize("data, kind", [
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "PNG"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", "PDF"),
    (b"PK\x03\x04\x14\x00\x06\x00", "ZIP"),
    (b"\x1f\x8b\x08\x00\x00\x00\x00\x00", "gzip"),
])
def test_known_binary_formats(data, kind):
    error = reject_of(data)
    assert error.reason == "binary-content"
    assert kind in error.detail
    assert error.excerpt == data


def test_random_bytes_are_binary():
    data = random.Random(20240601).randbytes(4096)
    assert reject_of(data).reason == "binary-content"


def test_random_bytes_without_nul_are_binary():
    data = bytes(byte for byte in random.Random(7).randbytes(4096) if byte)
    error = reject_of(data)
    assert error.reason == "binary-content"
    assert "control bytes" in error.detail


def test_nul_bytes_off_the_utf16_pattern_are_binary():
    error = reject_of(b"header\x00\x00\x00\x01\x02 some text \x00 more text \x00\x00")
    assert error.reason == "binary-content"
    assert "NUL" in error.detail


def test_utf8_text_full_of_control_characters_is_binary():
    assert reject_of(("abc\x01\x02\x03\x04" * 20).encode("utf-8")).reason == "binary-content"


def test_a_stray_control_character_in_real_text_is_tolerated():
    text = "A long enough paragraph of ordinary text. " * 10 + "\x1a"  # DOS end-of-file marker
    assert decode_bytes(text.encode("ascii"))[0] == text


# ------------------------------------------------------------------ real-world corpus

def test_bbc_files_decode_with_the_indexed_encoding(corpus_dir):
    with open(corpus_dir / "text" / "index.tsv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t"))
    assert len(rows) == 150
    for row in rows:
        data = (corpus_dir / "text" / "bbc" / row["category"] / row["file"]).read_bytes()
        text, encoding = decode_bytes(data)
        assert encoding == row["encoding"], row["file"]
        assert text.startswith(row["title"])


# Feeds whose legacy encoding is known (declared in the XML prolog, or named in the
# feedparser test-case file name); decode_bytes must read them without that declaration.
LEGACY_FEEDS = {
    "feedrs__rss_1.0_iso8859.xml": "cp1252",
    "feedrs__rss_0.91_encoding_1.xml": "cp1252",
    "rssparser__encoding.rss": "cp1252",
    "nodefeedparser__iconv.xml": "cp1251",
    "feedparser_illformed__http_high_bit_date.xml": "iso8859_7",
    "feedparser_illformed_chardet__koi8r.xml": "koi8_r",
    "feedparser_illformed_chardet__windows1255.xml": "cp1255",
    "feedparser_illformed_chardet__big5.xml": "big5",
    "feedparser_illformed_chardet__tis620.xml": "tis_620",
}


@pytest.mark.parametrize("name, codec", sorted(LEGACY_FEEDS.items()))
def test_legacy_encoded_feeds_from_the_corpus(corpus_dir, name, codec):
    data = (corpus_dir / "feeds" / name).read_bytes()
    text, _encoding = decode_bytes(data)
    expected = normalize_text(data.decode(codec))
    assert text == expected
    assert re.search(r"[^\x00-\x7f]", text), "the sample must exercise non-ASCII text"
