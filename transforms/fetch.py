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

The parts live apart: settings and results in ``fetch_types``, the pure rules (retries,
backoff, conditional headers, body decoding) in ``fetch_policy``, the guarded connections
and the watchdog in ``fetch_transport``; this module drives one fetch through them.
"""
from __future__ import annotations

import datetime as _dt
import logging
import random
import socket
import threading
import time
import urllib.parse
from typing import Callable, Mapping

import requests
import requests.adapters
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions

from transforms.fetch_policy import BodyDecoder, backoff_delay, conditional_headers, is_retryable_status, parse_retry_after
from transforms.fetch_transport import Exchange, GuardedAdapter, Hop, discard_small_body, utf8_header
from transforms.fetch_types import FetchConfig, FetchFailure, FetchResult
from transforms.netguard import AllowList, BlockedURL, Resolver, vet_url

logger = logging.getLogger(__name__)

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
_READ_CHUNK_BYTES = 64 * 1024


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

    def _follow_redirects(self, url: str, headers: dict[str, str], deadline: float) -> Hop:
        current = url
        for _hop_number in range(self.config.max_redirects + 1):
            hop = self._exchange(current, headers, deadline)
            if hop.location is None:
                return hop
            current = hop.location
        raise FetchFailure("too-many-redirects", f"more than {self.config.max_redirects} redirects "
                           f"(last hop {hop.url} -> {current})", url=current, status=hop.status, headers=hop.headers)

    def _exchange(self, url: str, headers: dict[str, str], deadline: float) -> Hop:
        try:
            target = vet_url(url, self._allow, self._resolve)
        except BlockedURL as blocked:
            raise FetchFailure(blocked.reason, blocked.detail, url=url, transient=blocked.transient) from None
        budget = deadline - self._clock()
        if budget <= 0:
            raise FetchFailure("deadline-exceeded", f"total deadline of {self.config.total_deadline}s passed", url=url)
        timeout = (min(self.config.connect_timeout, budget), min(self.config.read_timeout, budget))
        with Exchange(target, budget) as exchange:
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

    def _read_hop(self, url: str, response: requests.Response, exchange: Exchange, deadline: float) -> Hop:
        status = response.status_code
        headers = {name.lower(): value for name, value in response.headers.items()}
        if exchange.expired:  # headers cut short by the watchdog: never act on a truncated Location
            raise FetchFailure("deadline-exceeded", f"total deadline of {self.config.total_deadline}s passed "
                               "while reading the response headers", url=url, status=status)
        if not 200 <= status <= 299:
            discard_small_body(response, headers)
        if status in REDIRECT_STATUSES:
            location = utf8_header(headers.get("location", "").strip())
            if not location:
                raise FetchFailure("bad-redirect", f"HTTP {status} without a Location header",
                                   url=url, status=status, headers=headers)
            try:
                target = urllib.parse.urljoin(url, location)
            except ValueError as exc:  # e.g. "http://[bad/"
                raise FetchFailure("bad-redirect", f"unusable Location {location!r}: {exc}",
                                   url=url, status=status, headers=headers) from None
            return Hop(url, status, headers, location=target)
        if status == 304:
            return Hop(url, status, headers)
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
        return Hop(url, status, headers, body=body)

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

    def _transport_failure(self, exc: Exception, url: str, exchange: Exchange, deadline: float) -> FetchFailure:
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
            adapter = GuardedAdapter(max_retries=0)  # retries happen in fetch(), with backoff
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

    def _succeeded(self, url: str, hop: Hop, validators: Mapping[str, str] | None, attempts: int,
                   started: float) -> FetchResult:
        not_modified = hop.status == 304
        sent = validators or {}
        etag = hop.headers.get("etag") or (sent.get("etag") if not_modified else None)
        last_modified = hop.headers.get("last-modified") or (sent.get("last_modified") if not_modified else None)
        return FetchResult(url=url, final_url=hop.url, status=hop.status, body=hop.body, headers=hop.headers,
                           etag=etag, last_modified=last_modified, not_modified=not_modified,
                           attempts=attempts, elapsed_s=self._clock() - started)
