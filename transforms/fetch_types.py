"""What a fetch is configured with and what it gives back (``transforms.fetch`` does the fetching)."""
from __future__ import annotations

import dataclasses
import importlib.metadata

PROJECT_NAME = "news-ingest"
PROJECT_URL = "https://github.com/news-ingest/news-ingest"

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
