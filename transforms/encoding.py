"""Bytes of a text file -> ``str``, detecting the encoding instead of assuming UTF-8.

Article files arrive from scrapers, mail exports and old archives, so UTF-8 is the
common case but not the only one.  ``decode_bytes`` tries, in this order:

1. empty input -> reject ``empty-file``;
2. magic numbers of common binary formats (PDF, ZIP, PNG, gzip, ...) -> reject
   ``binary-content`` (cheap and unambiguous, and gives the best ``detail``);
3. a byte-order mark (UTF-32/UTF-8/UTF-16): it is authoritative, so the data is decoded
   strictly with that codec or rejected as ``undecodable``;
4. NUL bytes: text in UTF-16/32 without a BOM has them in a regular pattern (every
   second or every third and fourth byte for Latin-script text); any other NULs mean
   binary content;
5. strict UTF-8 (``ascii`` when every byte is below 0x80);
6. a legacy single- or multi-byte encoding, chosen among windows-1252 and the
   candidates charset-normalizer proposes (see ``_pick_legacy_encoding`` for why we do
   not simply take charset-normalizer's best guess).

The decoded text must then look like text (few control characters) and hold more than
whitespace.  Newlines are normalised to ``\\n``, a leading BOM is dropped and the text is
NFC-normalised, so later stages compare and hash equal text equally.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from transforms.records import RejectError

STAGE = "decode"

# Magic numbers of binary formats that end up in article folders by mistake.  Regexes
# (anchored at the start) so that formats with a variable byte (RIFF size, bzip2 level)
# or a signature at an offset (tar) fit the same table.
MAGIC_NUMBERS: tuple[tuple[re.Pattern[bytes], str], ...] = tuple(
    (re.compile(pattern, re.DOTALL), description)
    for pattern, description in (
        (rb"\A%PDF-", "PDF document"),
        (rb"\APK(\x03\x04|\x05\x06|\x07\x08)", "ZIP archive (also docx, xlsx, odt, epub)"),
        (rb"\A\x89PNG\r\n\x1a\n", "PNG image"),
        (rb"\A\x1f\x8b", "gzip stream"),
        (rb"\A\xff\xd8\xff", "JPEG image"),
        (rb"\AGIF8[79]a", "GIF image"),
        (rb"\ABZh[1-9]1AY&SY", "bzip2 stream"),
        (rb"\A\xfd7zXZ\x00", "xz stream"),
        (rb"\A7z\xbc\xaf\x27\x1c", "7-Zip archive"),
        (rb"\ARar!\x1a\x07", "RAR archive"),
        (rb"\A\x28\xb5\x2f\xfd", "zstd stream"),
        (rb"\A\x7fELF", "ELF executable"),
        (rb"\A\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2 compound file (legacy .doc/.xls)"),
        (rb"\ARIFF.{4}(WEBP|WAVE|AVI )", "RIFF media file"),
        (rb"\AID3[\x02-\x04]\x00", "MP3 audio"),
        (rb"\A.{4}ftyp", "MP4/QuickTime media file"),
        (rb"\AOggS", "Ogg media file"),
        (rb"\AfLaC", "FLAC audio"),
        (rb"\ASQLite format 3\x00", "SQLite database"),
        (rb"\A\xca\xfe\xba\xbe", "Java class or Mach-O fat binary"),
        (rb"\A.{257}ustar", "tar archive"),
    )
)

# UTF-32 LE must be tested before UTF-16 LE: its BOM starts with the UTF-16 LE BOM.
BYTE_ORDER_MARKS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# Share of control characters (other than tab, newline, carriage return, form feed and
# vertical tab) above which decoded "text" is really binary.  Real text has none or a
# stray one (a DOS end-of-file ^Z); random bytes decode to about 12%.
MAX_CONTROL_RATIO = 0.01

# In UTF-16 text without a BOM that is mostly Latin script, the high byte of nearly every
# code unit is NUL.  We want a clear majority in one position and almost none in the other.
# In UTF-32 the highest byte of every code unit is NUL, and the next one for every
# character of the Basic Multilingual Plane, so nearly all of them must be NUL.
UTF16_MIN_NUL_SHARE = 0.4
UTF32_MIN_NUL_SHARE = 0.9
MAX_OTHER_NUL_SHARE = 0.05

# Legacy encodings from most to least widespread in news text, the tie-break when several
# readings are equally plausible (a prior, in Bayesian terms).  windows-1252 comes first:
# it is by far the most common unlabelled legacy encoding of English and Western European
# text, and WHATWG (what browsers do) decodes the ``latin-1`` label as windows-1252 too,
# because the two differ only in 0x80-0x9F, where latin-1 has unprintable C1 controls.
# Without this prior, ISO-8859-2 Polish came out as ISO-8859-10 (charset-normalizer's
# first proposal), which reads the same bytes as other, equally "clean" letters.
LEGACY_PREVALENCE = (
    "cp1252", "cp1251", "cp1250", "iso8859_2", "koi8_r", "cp1253", "cp1254", "cp1257",
    "iso8859_15", "cp1255", "cp1256", "cp932", "shift_jis", "euc_jp", "gb18030", "gbk",
    "big5", "euc_kr", "cp949", "koi8_u", "iso8859_5", "iso8859_7", "tis_620", "cp874",
)
# Latin-script encodings always tried: charset-normalizer proposes none of them for some
# short Central European texts.
ALWAYS_TRIED_LEGACY = ("cp1252", "cp1250", "iso8859_2", "iso8859_15")
MAX_PROPOSED_CANDIDATES = 6
# Mojibake shows from the first paragraphs on; scoring a sample keeps big files cheap.
SCORE_SAMPLE_CHARS = 20_000

# Every Unicode control character (category Cc: C0, DEL, C1) except tab, newline, vertical
# tab, form feed and carriage return.
_CONTROL_CHARS = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x9f]")
_CONTROL_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1f]")  # C0 only: 0x80-0x9F are text in legacy code pages
# Typographic characters that legitimately touch letters in real text (apostrophes in
# "don’t", dashes in "2004–05", a degree sign...), so they are not evidence of mojibake.
WORD_INTERNAL_SYMBOLS = frozenset("’‘'-–—·.°&/")


def decode_bytes(data: bytes) -> tuple[str, str]:
    """Decode the bytes of a text file and return ``(text, encoding)``.

    ``encoding`` is a lower-case label (``ascii``, ``utf-8``, ``utf-16-le``,
    ``windows-1252``, ``koi8-r``...).  Raises ``RejectError(stage="decode")`` with reason
    ``empty-file``, ``binary-content`` or ``undecodable``.
    """
    if not data:
        raise RejectError(STAGE, "empty-file", "the file has no bytes", excerpt=data)
    for pattern, description in MAGIC_NUMBERS:
        if pattern.match(data):
            raise RejectError(STAGE, "binary-content", f"starts with the signature of a {description}",
                              excerpt=data)

    text, encoding = _decode(data)

    control_ratio = _control_ratio(text)
    if control_ratio > MAX_CONTROL_RATIO:
        raise RejectError(STAGE, "binary-content",
                          f"{control_ratio:.1%} of the characters decoded as {encoding} are control "
                          f"characters (limit {MAX_CONTROL_RATIO:.0%})", excerpt=data)
    text = normalize_text(text)
    if not any(not ch.isspace() and unicodedata.category(ch) != "Cf" for ch in text):
        raise RejectError(STAGE, "empty-file",
                          f"the file holds only whitespace ({len(data)} bytes, {encoding})", excerpt=data)
    return text, encoding


def normalize_text(text: str) -> str:
    """LF newlines, no leading BOM, NFC: one spelling for the same text."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    # Unicode line and paragraph separators (seen in text copied from word processors).
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = text.lstrip("\ufeff")
    return unicodedata.normalize("NFC", text)


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in BYTE_ORDER_MARKS:
        if data.startswith(bom):
            return _decode_strict(data[len(bom):], encoding, f"{encoding} byte-order mark"), encoding

    if b"\x00" in data:
        encoding = _sniff_utf16_or_32(data)
        if encoding is None:
            nul_count = data.count(b"\x00")
            raise RejectError(STAGE, "binary-content",
                              f"{nul_count} NUL bytes ({nul_count / len(data):.0%}) that do not follow "
                              "the UTF-16/UTF-32 pattern", excerpt=data)
        return _decode_strict(data, encoding, f"NUL-byte pattern of {encoding}"), encoding

    if data.isascii():
        return data.decode("ascii"), "ascii"
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass

    # Binary data without NULs (or with a magic number we do not know) must not be
    # mistaken for some exotic 8-bit encoding: every legacy codec "decodes" it.
    control_bytes = len(_CONTROL_BYTES.findall(data))
    if control_bytes / len(data) > MAX_CONTROL_RATIO:
        raise RejectError(STAGE, "binary-content",
                          f"{control_bytes / len(data):.1%} of the bytes are control bytes and the data is "
                          "not UTF-8", excerpt=data)
    picked = _pick_legacy_encoding(data)
    if picked is None:
        raise RejectError(STAGE, "undecodable",
                          "not valid UTF-8 and no legacy encoding decodes it", excerpt=data)
    return picked


def _decode_strict(data: bytes, encoding: str, why: str) -> str:
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise RejectError(STAGE, "undecodable",
                          f"{why}, but invalid {encoding} at byte {error.start}: {error.reason}",
                          excerpt=data) from None


def _sniff_utf16_or_32(data: bytes) -> str | None:
    """UTF-16/32 without a BOM, recognised by where the NUL bytes sit.

    Only Latin-script text has this pattern (its code points are below U+0100); UTF-16
    Cyrillic or CJK without a BOM has no NULs and goes through the legacy path, where
    charset-normalizer may still recognise it.
    """
    if len(data) >= 8 and len(data) % 4 == 0:
        quads = len(data) // 4

        def share_at(position: int) -> float:
            return data[position::4].count(0) / quads

        shares = [share_at(position) for position in range(4)]
        if min(shares[2], shares[3]) >= UTF32_MIN_NUL_SHARE and shares[0] <= MAX_OTHER_NUL_SHARE:
            return "utf-32-le"
        if min(shares[0], shares[1]) >= UTF32_MIN_NUL_SHARE and shares[3] <= MAX_OTHER_NUL_SHARE:
            return "utf-32-be"
    half = len(data) / 2
    even_share = data[0::2].count(0) / half
    odd_share = data[1::2].count(0) / half
    if odd_share >= UTF16_MIN_NUL_SHARE and even_share <= MAX_OTHER_NUL_SHARE:
        return "utf-16-le"
    if even_share >= UTF16_MIN_NUL_SHARE and odd_share <= MAX_OTHER_NUL_SHARE:
        return "utf-16-be"
    return None


def _pick_legacy_encoding(data: bytes) -> tuple[str, str] | None:
    """The most plausible reading of non-UTF-8 bytes, as ``(text, label)``.

    charset-normalizer alone is not reliable on short Western text: for
    ``b"\\x93quoted\\x94 caf\\xe9"`` it answers cp1125 (Ukrainian DOS) and for French
    latin-1 it answers cp1250, turning "à" into "ŕ".  So we decode with its candidates
    plus the common Latin-script code pages and rank the readings by

    1. the fewest signs of mojibake (``_mojibake_score``);
    2. among equally clean readings, the more widespread encoding (``LEGACY_PREVALENCE``),
       then charset-normalizer's order.

    We tried charset-normalizer's language coherence as a tie-break and dropped it: on
    short text it is noise (it preferred Mac Central European "cafť ťtait" for French).
    Known limit: a clean-looking wrong Latin reading still wins on prevalence, e.g.
    Turkish cp1254 decodes as windows-1252 "Ýstanbul ... baþkenti".

    UTF-16/32 proposals are ignored: Latin-script UTF-16/32 has NUL bytes and was handled
    before, and almost any NUL-free even-length byte string "decodes" as UTF-16 into CJK
    ideographs (Shift-JIS Japanese did, with a clean score).
    """
    proposed = [match.encoding for match in from_bytes(data)
                if not match.encoding.startswith(("utf_16", "utf_32"))]
    prevalence = {codecs.lookup(name).name: rank for rank, name in enumerate(LEGACY_PREVALENCE)}

    best: tuple[tuple[int, int, int], str, str] | None = None  # (rank key, text, codec)
    seen: set[str] = set()
    for rank, name in enumerate([*proposed[:MAX_PROPOSED_CANDIDATES], *ALWAYS_TRIED_LEGACY]):
        codec = codecs.lookup(name).name
        if codec in seen:
            continue
        seen.add(codec)
        try:
            text = data.decode(codec)
        except UnicodeDecodeError:
            continue
        key = (_mojibake_score(text[:SCORE_SAMPLE_CHARS]), prevalence.get(codec, len(prevalence)), rank)
        if best is None or key < best[0]:
            best = (key, text, codec)
    if best is None:
        return None
    return best[1], _label(best[2])


_WORD = re.compile(r"[^\W\d_]+(?:[’'-][^\W\d_]+)*")


def _mojibake_score(text: str) -> int:
    """Count signs that ``text`` was decoded with the wrong codec (0 = looks right).

    * control characters (C0 or C1) - real text has none;
    * a symbol wedged between Latin letters ("Za¿ó³æ": Polish cp1250 read as
      windows-1252); CJK text has no spaces, so its punctuation between ideographs is fine;
    * a word mixing scripts ("УquotedФ": windows-1252 read as a Cyrillic code page);
    * a Latin word of 4+ letters without a single ASCII letter ("Ïðåçèäåíò": Cyrillic
      read as windows-1252) - even diacritic-rich Polish ("Łódź") keeps some;
    * a word with a non-ASCII letter that flips from lower to upper case ("СщуЯбт": Greek
      read as cp1251; "пПЕГХДЕМР": KOI8-R read as cp1251).  ASCII words are exempt:
      camel-case brands ("iPhone", "YouTube") are common in news.
    """
    score = len(_CONTROL_CHARS.findall(text))
    for previous, current, following in zip(text, text[1:], text[2:]):
        if (ord(current) > 0x7F and not current.isalnum() and not current.isspace()
                and current not in WORD_INTERNAL_SYMBOLS
                and _script_of(previous) == "LATIN" == _script_of(following)):
            score += 1
    for match in _WORD.finditer(text):
        word = match.group()
        letters = [ch for ch in word if ch.isalpha()]
        scripts = {_script_of(ch) for ch in letters}
        if len(scripts) > 1:
            score += 1
            continue
        if scripts == {"LATIN"} and len(letters) >= 4 and not any(ch.isascii() for ch in letters):
            score += 1
            continue
        if not word.isascii() and any(a.islower() and b.isupper() for a, b in zip(word, word[1:])):
            score += 1
    return score


# Scripts that Chinese, Japanese and Korean text mixes inside one unspaced run.
_EAST_ASIAN_SCRIPTS = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "FULLWIDTH", "HALFWIDTH", "IDEOGRAPHIC"})


def _script_of(letter: str) -> str:
    """First word of the Unicode name (LATIN, CYRILLIC, GREEK...), East Asian scripts as one."""
    name = unicodedata.name(letter, "")
    script = name.split(" ", 1)[0].split("-", 1)[0] if name else "UNKNOWN"  # KATAKANA-HIRAGANA
    return "CJK" if script in _EAST_ASIAN_SCRIPTS else script


def _control_ratio(text: str) -> float:
    if not text:
        return 0.0
    return len(_CONTROL_CHARS.findall(text)) / len(text)


def _label(codec: str) -> str:
    """Python codec name -> the label people know (cp1252 -> windows-1252, koi8_r -> koi8-r)."""
    name = codecs.lookup(codec).name.replace("_", "-")
    if re.fullmatch(r"cp125\d", name):
        return "windows-" + name[2:]
    if name.startswith("iso8859-"):
        return "iso-8859-" + name[len("iso8859-"):]
    return name
