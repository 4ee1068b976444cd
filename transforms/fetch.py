"""A bounded, guarded HTTP GET for feeds and article pages (no Beam here).

``Fetcher(config).fetch(url, validators)`` returns a ``FetchResult`` and never raises for
network or HTTP trouble: every failure becomes a stable ``error_reason`` slug that the
pipeline can turn into a reject row.  What it guarantees, and how:

* **Bounded time.**  Connect and read timeouts bound each socket operation; the total
  deadline bounds the whole call (every redirect hop, retry and backoff wait).  A server
  that trickles one byte per second never trips a read timeout, so each request runs under
  a watchdog timer that shuts the socket down when the deadline passes (TLS handshake,
  headers or body); the blocked read then returns and the call ends as ``deadline-exceeded``.
  Not covered: the DNS lookup itself (``getaddrinfo`` cannot be interrupted; the system
  resolver's own timeouts bound it), and a TCP connect attempt (bounded by connect_timeout
  per address).
* **Bounded memory.**  The body is read from the raw stream in pieces and reading stops at
  ``max_body_bytes``.  gzip/deflate are inflated here, incrementally, with zlib's
  ``max_length`` so a gzip bomb stops at ``max_decompressed_bytes`` instead of filling RAM.
* **No server-side request forgery.**  Redirects are followed here, not by requests, so every
  hop goes through ``netguard.vet_url``; the connection is then pinned to the vetted
  addresses (the HTTP client never does its own DNS lookup), which closes the DNS-rebinding
  gap.  Proxies from the environment are ignored for the same reason.
* **Polite retries.**  Timeouts, connection errors, 408, 429 and 5xx (except 501/505) are
  retried with exponential backoff and jitter; ``Retry-After`` is honoured and never cut
  short: when the server asks for longer than ``backoff_max`` the fetch gives up instead.
* **Conditional GET.**  ``validators`` (``{"etag": ..., "last_modified": ...}``) become
  If-None-Match / If-Modified-Since; a 304 is a success with ``not_modified=True``.

A ``Fetcher`` may be shared by the threads of one worker: each thread gets its own
``requests.Session`` (sessions are not documented as thread-safe, and the watchdog relies on
a connection never being reused by another thread while its timer is armed).
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as _dt
import email.utils
import importlib.metadata
import logging
import random
import socket
import threading
import time
import urllib.parse
import zlib
from typing import Callable, Mapping

import requests
import requests.adapters
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions
from urllib3.util import connection as _urllib3_connection

from transforms.netguard import AllowList, BlockedURL, Resolver, VettedURL, vet_url

logger = logging.getLogger(__name__)

PROJECT_NAME = "news-ingest"
PROJECT_URL = "https://github.com/news-ingest/news-ingest"

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_READ_CHUNK_BYTES = 64 * 1024
_DISCARD_MAX_BYTES = 16 * 1024  # unwanted bodies up to this size are read so the connection can be reused
_DETAIL_CHARS = 300


def project_version() -> str:
    """The installed package version (single source: setup.py), or ``0+unknown`` when run from a bare checkout."""
    try:
        return importlib.metadata.version(PROJECT_NAME)
    except importlib.metadata.PackageNotFoundError:
        return "0+unknown"


def default_user_agent() -> str:
    """``news-ingest/<version> (+<project url>)`` so site owners can see who is fetching and why."""
    return f"{PROJECT_NAME}/{project_version()} (+{PROJECT_URL})"


@dataclasses.dataclass(frozen=True)
class FetchConfig:
    """Limits of one ``Fetcher``.  Times are seconds, sizes bytes.

    ``total_deadline`` bounds a whole ``fetch()`` call, retries and waits included.
    ``max_body_bytes`` caps the bytes read from the wire; ``max_decompressed_bytes`` caps the
    body after gzip/deflate decoding.  ``max_retries`` counts retries after the first attempt.
    ``backoff_max`` caps every wait, computed or asked for by ``Retry-After``.
    ``allowed_hosts`` exempts host names, IPs or CIDR ranges from the private-address guard
    (e.g. ``{"127.0.0.1"}`` for tests against a loopback server).  ``ca_bundle`` is a PEM file
    of trusted CAs replacing the default (certifi) bundle; certificates are always verified.
    """

    connect_timeout: float = 10.0
    read_timeout: float = 30.0
    total_deadline: float = 60.0
    max_body_bytes: int = 10 * 1024 * 1024
    max_decompressed_bytes: int = 50 * 1024 * 1024
    max_redirects: int = 5
    max_retries: int = 3
    backoff_base: float = 1.0
    backoff_max: float = 30.0
    user_agent: str = dataclasses.field(default_factory=default_user_agent)
    allowed_hosts: frozenset[str] = frozenset()
    accept: str = "*/*"
    ca_bundle: str | None = None

    def __post_init__(self):
        for name in ("connect_timeout", "read_timeout", "total_deadline"):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be > 0, got {getattr(self, name)!r}")
        for name in ("max_body_bytes", "max_decompressed_bytes"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)!r}")
        for name in ("max_redirects", "max_retries", "backoff_base", "backoff_max"):
            if getattr(self, name) < 0:
                raise ValueError(f"{name} must be >= 0, got {getattr(self, name)!r}")
        object.__setattr__(self, "allowed_hosts", frozenset(self.allowed_hosts))


@dataclasses.dataclass
class FetchResult:
    """What one ``fetch()`` produced.  ``error_reason`` is None exactly when the fetch succeeded.

    ``body`` is the decoded (decompressed) body of a 2xx response, None otherwise.
    ``headers`` are the final response's headers with lower-case names.  ``etag`` and
    ``last_modified`` are the validators to send next time; a 304 that omits them keeps the
    ones that were sent.  ``status`` is the last HTTP status seen (None if none was received).
    """

    url: str
    final_url: str
    status: int | None = None
    body: bytes | None = None
    headers: dict[str, str] = dataclasses.field(default_factory=dict)
    etag: str | None = None
    last_modified: str | None = None
    not_modified: bool = False
    attempts: int = 0
    elapsed_s: float = 0.0
    error_reason: str | None = None
    error_detail: str | None = None

    @property
    def ok(self) -> bool:
        return self.error_reason is None

    @classmethod
    def failure(cls, url: str, reason: str, detail: str, *, attempts: int = 0,
                elapsed_s: float = 0.0) -> "FetchResult":
        """A result for a URL that was refused before any request (robots.txt, bad input)."""
        return cls(url=url, final_url=url, attempts=attempts, elapsed_s=elapsed_s,
                   error_reason=reason, error_detail=detail)


class FetchFailure(Exception):
    """Internal: why one attempt failed.  ``Fetcher.fetch`` turns it into a ``FetchResult``.

    ``transient`` marks failures worth retrying; ``retry_after`` is the server's wish in seconds.
    """

    def __init__(self, reason: str, detail: str, *, url: str | None = None, status: int | None = None,
                 headers: dict[str, str] | None = None, transient: bool = False,
                 retry_after: float | None = None):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail[:_DETAIL_CHARS]
        self.url = url
        self.status = status
        self.headers = headers or {}
        self.transient = transient
        self.retry_after = retry_after


# ---------------------------------------------------------------------------------------
# Pure helpers


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


# ---------------------------------------------------------------------------------------
# Transport: connections pinned to vetted addresses, under a deadline watchdog.

_ACTIVE = threading.local()


class _Exchange:
    """One request/response on the current thread: where its connection may go, and its watchdog.

    While active (``with exchange:``) the guarded connections of this thread take their
    addresses from it and hand it their socket; when the budget runs out, the watchdog timer
    shuts the socket down so a blocked read (headers or body) returns at once.  ``disarm()`` must run before the
    response is closed, so the timer can never touch a socket that was closed and reused.
    """

    def __init__(self, target: VettedURL, budget_s: float):
        self.target = target
        self.expired = False
        self._budget_s = budget_s
        self._lock = threading.Lock()
        self._socket: socket.socket | None = None
        self._armed = False
        self._timer: threading.Timer | None = None

    def __enter__(self) -> "_Exchange":
        _ACTIVE.exchange = self
        self._armed = True
        self._timer = threading.Timer(self._budget_s, self._expire)
        self._timer.daemon = True
        self._timer.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.disarm()
        _ACTIVE.exchange = None

    def disarm(self) -> None:
        with self._lock:
            self._armed = False
        if self._timer is not None:
            self._timer.cancel()

    def watch(self, sock: socket.socket | None) -> None:
        """Shut ``sock`` down when the budget runs out (at once if it already has)."""
        with self._lock:
            self._socket = sock
            if self.expired:
                self._shutdown()

    def addresses_for(self, host: str, port: int) -> tuple[str, ...] | None:
        if (host.lower().rstrip("."), port) != (self.target.host, self.target.port):
            return None
        return self.target.addresses

    def _expire(self) -> None:
        with self._lock:
            if not self._armed:
                return
            self.expired = True
            self._shutdown()

    def _shutdown(self) -> None:
        if self._socket is not None and self._armed:
            with contextlib.suppress(OSError):
                # The base-class call acts on the file descriptor, also under an SSLSocket.
                socket.socket.shutdown(self._socket, socket.SHUT_RDWR)


def _active_exchange() -> _Exchange | None:
    return getattr(_ACTIVE, "exchange", None)


class _GuardedConnectionMixin:
    """urllib3 connection that connects only to the addresses vetted for the active exchange."""

    def _new_conn(self) -> socket.socket:
        exchange = _active_exchange()
        addresses = exchange.addresses_for(self.host, self.port) if exchange else None
        if not addresses:
            raise urllib3.exceptions.NewConnectionError(
                self, f"refusing to connect to {self.host}:{self.port}: not vetted for this request")
        error: Exception = urllib3.exceptions.ConnectTimeoutError(self, "total deadline passed while connecting")
        for address in addresses:  # like create_connection's loop over getaddrinfo, but over vetted IPs only
            if exchange.expired:
                break
            try:
                sock = _urllib3_connection.create_connection(
                    (address, self.port), self.timeout, source_address=self.source_address,
                    socket_options=self.socket_options)
                exchange.watch(sock)  # from here on (TLS handshake included) the deadline can cut it
                return sock
            except socket.timeout:
                error = urllib3.exceptions.ConnectTimeoutError(
                    self, f"connection to {self.host} ({address}) timed out after {self.timeout}s")
            except OSError as exc:
                error = urllib3.exceptions.NewConnectionError(
                    self, f"failed to connect to {self.host} ({address}): {exc}")
        raise error

    def getresponse(self, *args, **kwargs):
        # A kept-alive connection was not created for this exchange: hand its socket to the
        # watchdog here.  (The socket itself, not the connection: http.client drops ``self.sock``
        # for responses that end with the connection, but keeps reading from it.)
        exchange = _active_exchange()
        if exchange is not None:
            exchange.watch(self.sock)
        return super().getresponse(*args, **kwargs)


class _GuardedHTTPConnection(_GuardedConnectionMixin, urllib3.connection.HTTPConnection):
    pass


class _GuardedHTTPSConnection(_GuardedConnectionMixin, urllib3.connection.HTTPSConnection):
    pass


class _GuardedHTTPPool(urllib3.connectionpool.HTTPConnectionPool):
    ConnectionCls = _GuardedHTTPConnection


class _GuardedHTTPSPool(urllib3.connectionpool.HTTPSConnectionPool):
    ConnectionCls = _GuardedHTTPSConnection


class _GuardedAdapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        raise requests.exceptions.InvalidProxyURL("proxies are disabled: the connection must go to the vetted address")


def _utf8_header(value: str) -> str:
    """Undo http.client's Latin-1 decoding of a header that servers send as UTF-8 (Location with accents)."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def _discard_small_body(response: requests.Response, headers: dict[str, str]) -> None:
    """Read an unwanted but small, declared-length body (304, redirect, error page) to its end.

    A connection can only go back to the pool once its response is fully read; closing it
    instead would cost a new TCP+TLS handshake for the next feed on the same host.  Larger or
    undeclared bodies are not worth the bytes: the connection is dropped with the response.
    Runs under the exchange's watchdog.
    """
    declared = headers.get("content-length", "").strip()
    if response.status_code == 304 or (declared.isdigit() and int(declared) <= _DISCARD_MAX_BYTES):
        with contextlib.suppress(urllib3.exceptions.HTTPError, OSError):
            response.raw.read(_DISCARD_MAX_BYTES + 1, decode_content=False)


@dataclasses.dataclass
class _Hop:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes | None = None
    location: str | None = None


# ---------------------------------------------------------------------------------------


class Fetcher:
    """Fetch URLs under a ``FetchConfig``.  Thread-safe; create one per worker (not picklable).

    ``resolve`` (getaddrinfo-shaped), ``sleep``, ``clock`` (monotonic seconds), ``now`` (aware
    UTC datetime, for HTTP-date ``Retry-After``) and ``rng`` are injectable for tests.
    """

    def __init__(self, config: FetchConfig | None = None, *, resolve: Resolver = socket.getaddrinfo,
                 sleep: Callable[[float], None] = time.sleep, clock: Callable[[], float] = time.monotonic,
                 now: Callable[[], _dt.datetime] = lambda: _dt.datetime.now(_dt.timezone.utc),
                 rng: random.Random | None = None):
        self.config = config or FetchConfig()
        self._allow = AllowList.parse(self.config.allowed_hosts)
        self._resolve = resolve
        self._sleep = sleep
        self._clock = clock
        self._now = now
        self._rng = rng or random.Random()
        self._local = threading.local()
        self._sessions: list[requests.Session] = []
        self._sessions_lock = threading.Lock()

    def __enter__(self) -> "Fetcher":
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def close(self) -> None:
        """Close the connection pools of every thread's session."""
        with self._sessions_lock:
            sessions, self._sessions = self._sessions, []
        for session in sessions:
            session.close()
        self._local = threading.local()

    def fetch(self, url: str, validators: Mapping[str, str] | None = None) -> FetchResult:
        """GET ``url`` (following redirects, retrying transient failures); never raises for network trouble."""
        started = self._clock()
        deadline = started + self.config.total_deadline
        headers = self._request_headers(validators)
        attempts = 0
        while True:
            attempts += 1
            try:
                hop = self._follow_redirects(url, headers, deadline)
            except FetchFailure as failure:
                wait = self._retry_wait(failure, attempts, deadline)
                if wait is None:
                    return self._failed(url, failure, attempts, started)
                logger.debug("retrying %s in %.2fs after %s (attempt %d)", url, wait, failure.reason, attempts)
                self._sleep(wait)
                continue
            return self._succeeded(url, hop, validators, attempts, started)

    # -- one attempt ---------------------------------------------------------------------

    def _request_headers(self, validators: Mapping[str, str] | None) -> dict[str, str]:
        return {
            "User-Agent": self.config.user_agent,
            "Accept": self.config.accept,
            # Only codings decoded (and capped) by BodyDecoder; never brotli/zstd.
            "Accept-Encoding": "gzip, deflate",
            **conditional_headers(validators),
        }

    def _follow_redirects(self, url: str, headers: dict[str, str], deadline: float) -> _Hop:
        current = url
        for _hop_number in range(self.config.max_redirects + 1):
            hop = self._exchange(current, headers, deadline)
            if hop.location is None:
                return hop
            current = hop.location
        raise FetchFailure("too-many-redirects", f"more than {self.config.max_redirects} redirects "
                           f"(last hop {hop.url} -> {current})", url=current, status=hop.status, headers=hop.headers)

    def _exchange(self, url: str, headers: dict[str, str], deadline: float) -> _Hop:
        try:
            target = vet_url(url, self._allow, self._resolve)
        except BlockedURL as blocked:
            raise FetchFailure(blocked.reason, blocked.detail, url=url, transient=blocked.transient) from None
        budget = deadline - self._clock()
        if budget <= 0:
            raise FetchFailure("deadline-exceeded", f"total deadline of {self.config.total_deadline}s passed", url=url)
        timeout = (min(self.config.connect_timeout, budget), min(self.config.read_timeout, budget))
        with _Exchange(target, budget) as exchange:
            try:
                response = self._session().get(target.url, headers=headers, stream=True, allow_redirects=False,
                                               timeout=timeout, verify=self.config.ca_bundle or True)
            except (requests.RequestException, urllib3.exceptions.HTTPError, OSError, ValueError) as exc:
                # ValueError: requests decodes a redirect's Location as UTF-8 even when not following it.
                raise self._transport_failure(exc, url, exchange, deadline) from None
            try:
                return self._read_hop(url, response, exchange, deadline)
            finally:
                exchange.disarm()
                response.close()

    def _read_hop(self, url: str, response: requests.Response, exchange: _Exchange, deadline: float) -> _Hop:
        status = response.status_code
        headers = {name.lower(): value for name, value in response.headers.items()}
        if exchange.expired:  # headers cut short by the watchdog: never act on a truncated Location
            raise FetchFailure("deadline-exceeded", f"total deadline of {self.config.total_deadline}s passed "
                               "while reading the response headers", url=url, status=status)
        if not 200 <= status <= 299:
            _discard_small_body(response, headers)
        if status in REDIRECT_STATUSES:
            location = _utf8_header(headers.get("location", "").strip())
            if not location:
                raise FetchFailure("bad-redirect", f"HTTP {status} without a Location header",
                                   url=url, status=status, headers=headers)
            try:
                target = urllib.parse.urljoin(url, location)
            except ValueError as exc:  # e.g. "http://[bad/"
                raise FetchFailure("bad-redirect", f"unusable Location {location!r}: {exc}",
                                   url=url, status=status, headers=headers) from None
            return _Hop(url, status, headers, location=target)
        if status == 304:
            return _Hop(url, status, headers)
        if not 200 <= status <= 299:
            raise FetchFailure(f"http-{status}", f"HTTP {status} {response.reason or ''}".strip(), url=url,
                               status=status, headers=headers, transient=is_retryable_status(status),
                               retry_after=parse_retry_after(headers.get("retry-after"), self._now()))
        try:
            body = self._read_body(response, headers)
            if exchange.expired:  # the watchdog's shutdown looks like the normal end of a close-delimited body
                raise FetchFailure("deadline-exceeded", "body cut short by the watchdog")
        except FetchFailure as failure:
            if exchange.expired:  # e.g. a gzip stream truncated by the watchdog's shutdown
                failure = FetchFailure("deadline-exceeded", f"total deadline of {self.config.total_deadline}s "
                                       f"passed while reading the body ({failure.detail})")
            failure.url, failure.status, failure.headers = url, status, headers
            raise failure from None
        except (urllib3.exceptions.HTTPError, OSError) as exc:
            failure = self._transport_failure(exc, url, exchange, deadline)
            failure.status, failure.headers = status, headers
            raise failure from None
        return _Hop(url, status, headers, body=body)

    def _read_body(self, response: requests.Response, headers: dict[str, str]) -> bytes:
        cap = self.config.max_body_bytes
        declared = headers.get("content-length", "").strip()
        if declared.isdigit() and int(declared) > cap:
            raise FetchFailure("body-too-large", f"Content-Length {declared} exceeds the {cap}-byte cap")
        decoder = BodyDecoder(headers.get("content-encoding"), self.config.max_decompressed_bytes)
        received = 0
        while True:
            # read1: return what one socket read gives, so limits are checked as bytes arrive.
            chunk = response.raw.read1(min(_READ_CHUNK_BYTES, cap - received + 1), decode_content=False)
            if not chunk:
                return decoder.finish()
            received += len(chunk)
            if received > cap:
                raise FetchFailure("body-too-large", f"body passed the {cap}-byte cap while streaming")
            decoder.feed(chunk)

    def _transport_failure(self, exc: Exception, url: str, exchange: _Exchange, deadline: float) -> FetchFailure:
        detail = f"{type(exc).__name__}: {exc}"
        if exchange.expired or self._clock() >= deadline:
            return FetchFailure("deadline-exceeded",
                                f"total deadline of {self.config.total_deadline}s passed ({detail})", url=url)
        if isinstance(exc, (requests.Timeout, urllib3.exceptions.TimeoutError, socket.timeout)):
            return FetchFailure("timeout", detail, url=url, transient=True)
        if isinstance(exc, (requests.exceptions.SSLError, urllib3.exceptions.SSLError)):
            return FetchFailure("tls-error", detail, url=url)
        if isinstance(exc, requests.exceptions.InvalidURL):
            return FetchFailure("bad-url", detail, url=url)
        if isinstance(exc, requests.exceptions.InvalidHeader):  # a User-Agent or Accept from the config
            return FetchFailure("bad-request", detail, url=url)
        if isinstance(exc, ValueError) and not isinstance(exc, requests.RequestException):
            return FetchFailure("bad-response", detail, url=url)
        return FetchFailure("connection-error", detail, url=url, transient=True)

    def _session(self) -> requests.Session:
        session = getattr(self._local, "session", None)
        if session is None:
            session = requests.Session()
            session.trust_env = False  # no proxies or .netrc from the environment
            session.headers.clear()  # every header is set explicitly in _request_headers
            adapter = _GuardedAdapter(max_retries=0)  # retries happen in fetch(), with backoff
            session.mount("http://", adapter)
            session.mount("https://", adapter)
            self._local.session = session
            with self._sessions_lock:
                self._sessions.append(session)
        return session

    # -- outcome -------------------------------------------------------------------------

    def _retry_wait(self, failure: FetchFailure, attempts: int, deadline: float) -> float | None:
        """Seconds to wait before the next attempt, or None to give up (noting why in the detail)."""
        if not failure.transient or attempts > self.config.max_retries:
            return None
        if failure.retry_after is not None:
            if failure.retry_after > self.config.backoff_max:
                failure.detail += (f"; not retried: Retry-After asks for {failure.retry_after:.0f}s, "
                                   f"more than backoff_max={self.config.backoff_max}s")
                return None
            wait = failure.retry_after
        else:
            wait = backoff_delay(attempts, self.config.backoff_base, self.config.backoff_max, self._rng)
        if self._clock() + wait >= deadline:
            failure.detail += f"; not retried: waiting {wait:.1f}s would pass the total deadline"
            return None
        return wait

    def _failed(self, url: str, failure: FetchFailure, attempts: int, started: float) -> FetchResult:
        return FetchResult(url=url, final_url=failure.url or url, status=failure.status, headers=failure.headers,
                           attempts=attempts, elapsed_s=self._clock() - started,
                           error_reason=failure.reason, error_detail=failure.detail)

    def _succeeded(self, url: str, hop: _Hop, validators: Mapping[str, str] | None, attempts: int,
                   started: float) -> FetchResult:
        not_modified = hop.status == 304
        sent = validators or {}
        etag = hop.headers.get("etag") or (sent.get("etag") if not_modified else None)
        last_modified = hop.headers.get("last-modified") or (sent.get("last_modified") if not_modified else None)
        return FetchResult(url=url, final_url=hop.url, status=hop.status, body=hop.body, headers=hop.headers,
                           etag=etag, last_modified=last_modified, not_modified=not_modified,
                           attempts=attempts, elapsed_s=self._clock() - started)
