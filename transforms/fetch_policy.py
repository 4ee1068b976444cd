"""Pure decisions of a fetch: what to retry and when, conditional headers, body decoding.

No network here, so every rule is tested on its own (``tests/test_fetch.py``).
"""
from __future__ import annotations

import datetime as _dt
import email.utils
import random
import zlib
from typing import Mapping


from transforms.fetch_types import FetchFailure


def is_retryable_status(status: int) -> bool:
    """408, 429 and 5xx are worth another try; 501 and 505 say the server will never do it."""
    return status in (408, 429) or (500 <= status <= 599 and status not in (501, 505))


def parse_retry_after(value: str | None, now: _dt.datetime) -> float | None:
    """Seconds to wait from a ``Retry-After`` header (delta-seconds or HTTP-date), or None if absent/garbled."""
    if value is None:
        return None
    text = value.strip()
    if text.isdigit():
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:  # HTTP-dates are GMT by definition
        when = when.replace(tzinfo=_dt.timezone.utc)
    return max(0.0, (when - now).total_seconds())


def backoff_delay(retry_number: int, base: float, cap: float, rng: random.Random) -> float:
    """Wait before retry ``retry_number`` (1-based): exponential with "equal jitter".

    Half of ``base * 2**(n-1)`` is always waited (the server gets time to recover), the other
    half is random (workers that failed together do not retry together).  Capped at ``cap``.
    """
    ceiling = min(cap, base * (2 ** (retry_number - 1)))
    return ceiling / 2 + rng.uniform(0, ceiling / 2)


def conditional_headers(validators: Mapping[str, str] | None) -> dict[str, str]:
    """If-None-Match / If-Modified-Since from stored validators; values that could inject headers are dropped."""
    headers = {}
    for key, header in (("etag", "If-None-Match"), ("last_modified", "If-Modified-Since")):
        value = (validators or {}).get(key)
        if isinstance(value, str) and value.strip() and value.isprintable():
            headers[header] = value.strip()
    return headers


class BodyDecoder:
    """Undo a Content-Encoding incrementally, never producing more than ``limit`` bytes.

    Supports identity, gzip (including multi-member) and deflate (zlib-wrapped, or the raw
    deflate some servers send).  ``feed`` raises ``FetchFailure`` with ``decompressed-too-large``
    as soon as the output passes ``limit``, ``bad-content-encoding`` for corrupt or truncated
    data, ``unsupported-content-encoding`` for anything else (we only ask for gzip, deflate).
    The identity coding is not capped here: the wire cap already bounds it.
    """

    def __init__(self, content_encoding: str | None, limit: int):
        codings = [c.strip().lower() for c in (content_encoding or "").split(",")]
        codings = [c for c in codings if c and c != "identity"]
        if len(codings) > 1 or (codings and codings[0] not in ("gzip", "x-gzip", "deflate")):
            raise FetchFailure("unsupported-content-encoding",
                               f"Content-Encoding {content_encoding!r}; only gzip or deflate were offered")
        self.coding = codings[0] if codings else "identity"
        self.limit = limit
        self._out = bytearray()
        self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16) if self.coding != "deflate" else None
        self._sniff = b""  # deflate: the first two bytes tell zlib-wrapped from raw
        self._saw_input = False

    def feed(self, data: bytes) -> None:
        if not data:
            return
        self._saw_input = True
        if self.coding == "identity":
            self._out += data
            return
        if self._inflater is None:
            self._sniff += data
            if len(self._sniff) < 2:
                return
            data, self._sniff = self._sniff, b""
            self._inflater = zlib.decompressobj(zlib.MAX_WBITS if _looks_zlib_wrapped(data) else -zlib.MAX_WBITS)
        self._inflate(data)

    def _inflate(self, data: bytes) -> None:
        try:
            while data:
                room = self.limit - len(self._out)
                # max_length=room+1: one byte past the cap proves the overflow without inflating more.
                out = self._inflater.decompress(data, room + 1)
                self._out += out
                if len(self._out) > self.limit:
                    raise FetchFailure("decompressed-too-large",
                                       f"{self.coding} body inflates past the {self.limit}-byte cap")
                if self._inflater.eof:
                    rest = self._inflater.unused_data
                    if not (rest and self.coding != "deflate" and rest[:2] == b"\x1f\x8b"):
                        return  # trailing garbage after the stream is ignored, as browsers do
                    self._inflater = zlib.decompressobj(zlib.MAX_WBITS | 16)  # next gzip member
                    data = rest
                    continue
                data = self._inflater.unconsumed_tail
        except zlib.error as exc:
            raise FetchFailure("bad-content-encoding", f"corrupt {self.coding} body: {exc}") from None

    def finish(self) -> bytes:
        if self.coding != "identity" and self._saw_input:
            if self._sniff or self._inflater is None or not self._inflater.eof:
                raise FetchFailure("bad-content-encoding", f"{self.coding} body is truncated")
        return bytes(self._out)


def _looks_zlib_wrapped(head: bytes) -> bool:
    # RFC 1950 header: compression method 8 and a check value making the first 16 bits a multiple of 31.
    return (head[0] & 0x0F) == 8 and ((head[0] << 8) | head[1]) % 31 == 0
