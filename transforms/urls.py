"""Canonical article URLs.

The canonical URL is part of an article's identity (``article_id`` hashes it when a
feed gives no GUID), so two spellings of the same address must come out equal:
scheme and host lower-cased, default ports dropped, dot segments resolved, the
fragment dropped, tracking parameters removed and the remaining query parameters
sorted.  Only http(s) URLs are canonical article URLs; anything else gives None.

Pure string work: nothing here resolves a host name or opens a connection.
"""
from __future__ import annotations

import re
from urllib.parse import parse_qsl, quote, urlencode, urljoin, urlsplit, urlunsplit

# Query parameters that only say how a reader arrived (campaign, click and share ids).
# They never select content, and keeping them would split one article into many ids.
TRACKING_PARAMS = frozenset({
    "fbclid", "gclid", "gclsrc", "dclid", "msclkid", "yclid", "igshid", "twclid", "ttclid",
    "mc_cid", "mc_eid", "_ga", "_gl", "_hsenc", "_hsmi", "mkt_tok", "oly_anon_id", "oly_enc_id",
    "ref", "ref_src", "ref_url", "referrer", "cmpid", "ncid", "ocid", "icid", "spm", "scm",
    "sr_share", "smid", "wt.mc_id", "wt.tsrc", "wt_mc", "wt_zmc", "__twitter_impression", "s_cid",
})
TRACKING_PREFIXES = ("utm_", "pk_", "mtm_", "at_", "vero_")

DEFAULT_PORTS = {"http": 80, "https": 443}

# Hosts whose /url endpoint wraps the real target in a query parameter (Google Alerts,
# Google News and search result links).
_REDIRECT_WRAPPERS = re.compile(r"^(?:www\.)?google\.[a-z.]+$")
_REDIRECT_TARGET_PARAMS = ("url", "q")

# Characters left as they are when re-quoting a path: RFC 3986 reserved and unreserved
# characters plus '%' so existing escapes are not escaped twice.
_PATH_SAFE = "/:@!$&'()*+,;=-._~%"


def is_tracking_param(name: str) -> bool:
    """True for query parameters that only track the reader (``utm_source``, ``fbclid`` ...)."""
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def canonicalize_url(url: str | None, base: str | None = None) -> str | None:
    """The canonical form of an http(s) article URL, or None when there is none.

    ``base`` resolves relative links (a feed's own link for its entries).  Returns None
    for empty input, for relative URLs without a usable base, for other schemes
    (``mailto:``, ``tag:``, ``javascript:``) and for URLs that cannot be parsed.
    """
    if not url or not url.strip():
        return None
    url = url.strip()
    if url.lower().startswith("feed:"):
        # feed://host/path and feed:https://host/path are subscription hints for readers.
        url = url[5:].lstrip("/") if url[5:].lower().startswith("http") else "http:" + url[5:]
    if base:
        try:
            url = urljoin(base.strip(), url)
        except ValueError:
            return None
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        return None
    host = _normalize_host(parts.hostname)
    if host is None:
        return None
    unwrapped = _unwrap_redirect(host, parts.path, parts.query)
    if unwrapped is not None and unwrapped != url:
        return canonicalize_url(unwrapped)

    netloc = host if ":" not in host else f"[{host}]"
    if port is not None and port != DEFAULT_PORTS[scheme]:
        netloc = f"{netloc}:{port}"
    if parts.username:
        userinfo = parts.username + (f":{parts.password}" if parts.password else "")
        netloc = f"{userinfo}@{netloc}"
    path = quote(_remove_dot_segments(parts.path) or "/", safe=_PATH_SAFE)
    query = _canonical_query(parts.query)
    # A "#!" fragment (AJAX crawling scheme) selects content; any other fragment is a
    # position inside the same page.
    fragment = parts.fragment if parts.fragment.startswith("!") else ""
    return urlunsplit((scheme, netloc, path, query, fragment))


def host_of(url: str | None) -> str | None:
    """The lower-cased host of an http(s) URL without a leading ``www.``, or None."""
    canonical = canonicalize_url(url)
    if canonical is None:
        return None
    host = urlsplit(canonical).hostname or ""
    return host[4:] if host.startswith("www.") else host or None


def is_http_url(text: str | None) -> bool:
    """True when ``text`` is an absolute http(s) URL with a host."""
    if not text:
        return False
    try:
        parts = urlsplit(text.strip())
    except ValueError:
        return False
    return parts.scheme.lower() in DEFAULT_PORTS and bool(parts.netloc)


def _normalize_host(hostname: str) -> str | None:
    host = hostname.rstrip(".").lower()
    if not host:
        return None
    if host.isascii():
        return host
    try:
        return host.encode("idna").decode("ascii")
    except UnicodeError:
        return None


def _unwrap_redirect(host: str, path: str, query: str) -> str | None:
    """The target of a known redirect wrapper (``https://www.google.com/url?url=...``)."""
    if path != "/url" or not _REDIRECT_WRAPPERS.match(host):
        return None
    params = dict(parse_qsl(query, keep_blank_values=True))
    for name in _REDIRECT_TARGET_PARAMS:
        if is_http_url(params.get(name)):
            return params[name]
    return None


def _canonical_query(query: str) -> str:
    if not query:
        return ""
    pairs = [(name, value) for name, value in parse_qsl(query, keep_blank_values=True)
             if not is_tracking_param(name)]
    # Sort by name only: the sort is stable, so repeated names keep their order.
    pairs.sort(key=lambda pair: pair[0])
    return urlencode(pairs, quote_via=quote, safe="/:@!$'()*,;~")


def _remove_dot_segments(path: str) -> str:
    """RFC 3986 section 5.2.4: resolve ``.`` and ``..`` segments of an absolute path."""
    if "." not in path:
        return path
    output: list[str] = []
    segments = path.split("/")
    for index, segment in enumerate(segments):
        last = index == len(segments) - 1
        if segment == ".":
            if last:
                output.append("")
        elif segment == "..":
            if len(output) > 1:
                output.pop()
            if last:
                output.append("")
        else:
            output.append(segment)
    result = "/".join(output)
    return result if result.startswith("/") or not path.startswith("/") else "/" + result
