"""Polite fetching of article pages: robots.txt, per-host concurrency and spacing.

``PoliteFetcher`` wraps a ``Fetcher`` (so robots.txt goes through the same guarded, bounded
client) and adds, per host:

* **robots.txt**, fetched once per origin (scheme, host, port) for the life of the object,
  i.e. one run, and evaluated with ``urllib.robotparser``.  Following RFC 9309: a 4xx answer
  (robots.txt "unavailable") allows everything; a 5xx, a 429, a network failure or a
  timeout (robots.txt "unreachable") disallows everything for this run; more redirects than
  the fetcher follows count as unavailable.  Our product token for ``User-agent`` groups is
  the name in the configured User-Agent (``news-ingest``).  Caveat: ``urllib.robotparser``
  applies the first matching rule of a group, not RFC 9309's longest match; files that list
  a specific ``Allow`` after a broader ``Disallow`` are read more strictly than RFC 9309
  would (we fetch less, never more).
* **A concurrency limit**: at most ``max_concurrent_per_host`` requests in flight per host.
* **Spacing**: request *starts* to one host are at least ``min_delay_s`` apart, or the
  robots.txt ``Crawl-delay`` when larger (capped by ``max_crawl_delay_s`` so one site cannot
  stall a worker).  Starts are reserved under a lock, so concurrent threads queue in order.

Thread-safe: a worker may call ``fetch`` from several threads.  The host is the URL's host
name (ports ignored: same name, same server).  Redirects inside one fetch are not spaced
again.  Feeds are not meant to go through here (feeds exist to be polled).
"""
from __future__ import annotations

import contextlib
import dataclasses
import threading
import time
import urllib.parse
import urllib.robotparser
from typing import Callable, Iterator, Mapping

from transforms.fetch import Fetcher, FetchResult

# Fetch errors that concern the host itself, not its robots.txt: the page would fail the same way.
HOST_REFUSALS = frozenset({"blocked-host", "bad-scheme", "bad-url", "dns-error"})

PARSED, UNAVAILABLE, UNREACHABLE, REFUSED = "parsed", "unavailable", "unreachable", "refused"


@dataclasses.dataclass(frozen=True)
class PolitenessConfig:
    max_concurrent_per_host: int = 2
    min_delay_s: float = 1.0
    max_crawl_delay_s: float = 10.0
    respect_robots: bool = True

    def __post_init__(self):
        if self.max_concurrent_per_host < 1:
            raise ValueError("max_concurrent_per_host must be >= 1")
        if self.min_delay_s < 0 or self.max_crawl_delay_s < 0:
            raise ValueError("delays must be >= 0")


@dataclasses.dataclass(frozen=True)
class RobotsPolicy:
    """What one origin's robots.txt lets us do.

    ``state``: ``parsed`` (rules apply), ``unavailable`` (4xx: allow all), ``unreachable``
    (5xx/429/network: disallow all), ``refused`` (the guard refused the host itself;
    ``reason`` is the fetcher's slug).
    """

    robots_url: str
    state: str
    detail: str = ""
    reason: str | None = None
    parser: urllib.robotparser.RobotFileParser | None = None

    def allows(self, url: str, user_agent: str) -> bool:
        if self.state == PARSED:
            return self.parser.can_fetch(user_agent, url)
        return self.state == UNAVAILABLE

    def crawl_delay(self, user_agent: str) -> float | None:
        if self.parser is None:
            return None
        delay = self.parser.crawl_delay(user_agent)
        return float(delay) if delay is not None else None


def robots_url_for(url: str) -> str:
    """``scheme://host[:port]/robots.txt`` for the origin of ``url`` (credentials dropped)."""
    parts = urllib.parse.urlsplit(url)
    netloc = parts.netloc.rpartition("@")[2]
    return urllib.parse.urlunsplit((parts.scheme.lower(), netloc.lower(), "/robots.txt", "", ""))


def robots_policy_from_result(robots_url: str, result: FetchResult) -> RobotsPolicy:
    """Turn the fetch of a robots.txt into a policy, following RFC 9309 section 2.3.1."""
    if result.ok:
        parser = urllib.robotparser.RobotFileParser(robots_url)
        parser.parse((result.body or b"").decode("utf-8", errors="replace").splitlines())
        return RobotsPolicy(robots_url, PARSED, f"HTTP {result.status}", parser=parser)
    reason = result.error_reason
    if reason in HOST_REFUSALS:
        return RobotsPolicy(robots_url, REFUSED, result.error_detail or "", reason=reason)
    status = result.status or 0
    if (400 <= status <= 499 and status != 429) or reason == "too-many-redirects":
        return RobotsPolicy(robots_url, UNAVAILABLE, f"{reason}: robots.txt unavailable, all allowed")
    return RobotsPolicy(robots_url, UNREACHABLE,
                        f"{reason}: robots.txt unreachable, all disallowed for this run ({result.error_detail})")


@dataclasses.dataclass
class _HostGate:
    slots: threading.BoundedSemaphore
    lock: threading.Lock = dataclasses.field(default_factory=threading.Lock)
    next_start: float = float("-inf")
    delay_s: float = 0.0


class PoliteFetcher:
    """``fetch(url, validators)`` like ``Fetcher.fetch``, after robots.txt and per-host limits.

    Extra ``error_reason`` values: ``robots-disallowed`` and ``robots-unreachable`` (no request
    was made for the page; ``attempts`` is 0).  ``clock``/``sleep`` are injectable for tests.
    """

    def __init__(self, fetcher: Fetcher, config: PolitenessConfig | None = None, *,
                 clock: Callable[[], float] = time.monotonic, sleep: Callable[[float], None] = time.sleep):
        self.fetcher = fetcher
        self.config = config or PolitenessConfig()
        self._user_agent = fetcher.config.user_agent
        self._clock = clock
        self._sleep = sleep
        self._lock = threading.Lock()
        self._gates: dict[str, _HostGate] = {}
        self._robots: dict[str, RobotsPolicy] = {}
        self._robots_locks: dict[str, threading.Lock] = {}

    def close(self) -> None:
        """Close the wrapped fetcher's connections."""
        self.fetcher.close()

    def fetch(self, url: str, validators: Mapping[str, str] | None = None) -> FetchResult:
        parts = urllib.parse.urlsplit(url)
        host = (parts.hostname or "").lower()
        if parts.scheme.lower() not in ("http", "https") or not host:
            return self.fetcher.fetch(url, validators)  # refused by the guard, without any request
        if self.config.respect_robots:
            policy = self.robots_policy(url)
            if policy.state == REFUSED:
                return FetchResult.failure(url, policy.reason, policy.detail)
            if not policy.allows(url, self._user_agent):
                if policy.state == UNREACHABLE:
                    return FetchResult.failure(url, "robots-unreachable", policy.detail)
                return FetchResult.failure(url, "robots-disallowed",
                                           f"{policy.robots_url} disallows this URL for {self._user_agent}")
        with self._host_slot(host):
            return self.fetcher.fetch(url, validators)

    def robots_policy(self, url: str) -> RobotsPolicy:
        """The cached policy of ``url``'s origin, fetching robots.txt on first use (once, even across threads)."""
        robots_url = robots_url_for(url)
        with self._lock:
            policy = self._robots.get(robots_url)
            if policy is not None:
                return policy
            origin_lock = self._robots_locks.setdefault(robots_url, threading.Lock())
        with origin_lock:
            with self._lock:
                policy = self._robots.get(robots_url)
            if policy is None:
                host = (urllib.parse.urlsplit(url).hostname or "").lower()
                with self._host_slot(host):
                    result = self.fetcher.fetch(robots_url)
                policy = robots_policy_from_result(robots_url, result)
                self._apply_crawl_delay(host, policy)
                with self._lock:
                    self._robots[robots_url] = policy
        return policy

    def _apply_crawl_delay(self, host: str, policy: RobotsPolicy) -> None:
        asked = policy.crawl_delay(self._user_agent)
        if asked is not None:
            gate = self._gate(host)
            with gate.lock:
                gate.delay_s = max(gate.delay_s, min(asked, self.config.max_crawl_delay_s))

    def _gate(self, host: str) -> _HostGate:
        with self._lock:
            gate = self._gates.get(host)
            if gate is None:
                gate = _HostGate(threading.BoundedSemaphore(self.config.max_concurrent_per_host),
                                 delay_s=self.config.min_delay_s)
                self._gates[host] = gate
            return gate

    @contextlib.contextmanager
    def _host_slot(self, host: str) -> Iterator[None]:
        """Hold one of the host's concurrency slots, starting no sooner than its spacing allows."""
        gate = self._gate(host)
        with gate.slots:
            with gate.lock:
                start = max(self._clock(), gate.next_start)
                gate.next_start = start + gate.delay_s
            wait = start - self._clock()
            if wait > 0:
                self._sleep(wait)
            yield
