"""Decide whether a URL may be fetched: http(s) only, and never to a non-public address.

Feed lists and redirects come from outside, so a fetcher that follows them blindly can be
pointed at the cloud metadata service (169.254.169.254), at localhost admin ports or at the
private network of the worker (server-side request forgery).  This module is the single
decision point; the fetcher calls it before *every* hop, including redirect targets.

The decision is made on the addresses the host resolves to, not on its name: a hostname such
as ``127.0.0.1.nip.io`` or the decimal form ``2130706433`` both end up as 127.0.0.1.  Every
address must be public; one private address among public ones blocks the host, because the
client could connect to any of them.

``vet_url`` returns the vetted addresses so the fetcher can connect to exactly those
(pinning), which closes the DNS-rebinding gap between "check" and "connect".  ``check_url``
is the same decision for callers that only need a yes/no.

The resolver is injectable (``resolve=``, same signature as ``socket.getaddrinfo``) so tests
can "resolve" names to private addresses without ever connecting to them.
"""
from __future__ import annotations

import dataclasses
import ipaddress
import re
import socket
import urllib.parse
from typing import Callable, Iterable

import idna

ALLOWED_SCHEMES = frozenset({"http", "https"})
DEFAULT_PORTS = {"http": 80, "https": 443}

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
Resolver = Callable[..., list]

# Ranges that `ipaddress` (Python 3.11) reports as global although they must not be reached.
_SHARED_ADDRESS_SPACE = ipaddress.ip_network("100.64.0.0/10")  # carrier-grade NAT, RFC 6598
_NAT64_WELL_KNOWN = ipaddress.ip_network("64:ff9b::/96")  # RFC 6052: last 32 bits are IPv4
# Letters, digits, "-", "." and "_" (seen in real names), or an IPv6 literal (with an optional %zone).
_HOST_CHARS = re.compile(r"[a-z0-9._-]+|[0-9a-f:.]+(%[a-z0-9._-]+)?")


class BlockedURL(Exception):
    """The URL may not be fetched.

    ``reason`` is a stable slug (``bad-scheme``, ``bad-url``, ``blocked-host``, ``dns-error``)
    suitable as a reject reason; ``detail`` is the human explanation.  ``transient`` is True
    only for DNS failures the resolver itself called temporary (worth one more try).
    """

    def __init__(self, reason: str, detail: str, *, transient: bool = False):
        super().__init__(f"{reason}: {detail}")
        self.reason = reason
        self.detail = detail
        self.transient = transient


@dataclasses.dataclass(frozen=True)
class VettedURL:
    """A URL that passed the guard, with the addresses it may be connected to.

    ``url`` is the request URL rebuilt with the ASCII (IDNA) host and without fragment, so
    the HTTP client sends exactly the host that was vetted.  ``host`` is lower-case, without
    IPv6 brackets or trailing dot; ``addresses`` keep the resolver's order of preference.
    """

    url: str
    scheme: str
    host: str
    port: int
    addresses: tuple[str, ...]


@dataclasses.dataclass(frozen=True)
class AllowList:
    """Hosts the user explicitly allows despite the guard: names, single IPs or CIDR ranges."""

    names: frozenset[str] = frozenset()
    networks: tuple[ipaddress.IPv4Network | ipaddress.IPv6Network, ...] = ()

    @classmethod
    def parse(cls, entries: Iterable[str]) -> "AllowList":
        names, networks = set(), []
        for entry in entries:
            text = entry.strip().lower().strip("[]")
            if not text:
                continue
            try:
                networks.append(ipaddress.ip_network(text, strict=False))
            except ValueError:
                names.add(text.rstrip("."))
        return cls(frozenset(names), tuple(networks))

    def allows_address(self, ip: IPAddress) -> bool:
        return any(ip.version == net.version and ip in net for net in self.networks)


def address_block_reason(ip: IPAddress) -> str | None:
    """Why ``ip`` must not be connected to (a category such as ``private``), or None if public.

    IPv4 embedded in IPv6 (mapped ``::ffff:a.b.c.d``, NAT64 ``64:ff9b::/96``, 6to4
    ``2002::/16``) is judged by the IPv4 address it reaches.
    """
    if ip.version == 6:
        embedded = _embedded_ipv4(ip)
        if embedded is not None:
            return address_block_reason(embedded)
        if ip.is_site_local:  # deprecated fec0::/10, still reported as global by ipaddress
            return "site-local"
    checks = (
        ("unspecified", ip.is_unspecified),  # 0.0.0.0 / :: reach localhost on Linux
        ("loopback", ip.is_loopback),
        ("link-local", ip.is_link_local),  # includes 169.254.169.254 cloud metadata, fe80::
        ("multicast", ip.is_multicast),
        ("shared", ip.version == 4 and ip in _SHARED_ADDRESS_SPACE),
        ("reserved", ip.is_reserved),
        ("private", ip.is_private),  # RFC 1918, ULA fc00::/7, documentation, benchmarking
        ("not-global", not ip.is_global),
    )
    for category, hit in checks:
        if hit:
            return category
    return None


def _embedded_ipv4(ip: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if ip.ipv4_mapped is not None:
        return ip.ipv4_mapped
    if ip.sixtofour is not None:
        return ip.sixtofour
    if ip in _NAT64_WELL_KNOWN:
        return ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF)
    return None


def _parse_address(text: str) -> IPAddress:
    # getaddrinfo gives "fe80::1%eth0" for scoped addresses; the scope does not change the verdict.
    return ipaddress.ip_address(text.split("%", 1)[0])


def _ascii_host(hostname: str) -> str:
    host = hostname.rstrip(".")
    if not host:
        raise BlockedURL("bad-url", "URL has an empty host")
    if not host.isascii():
        try:
            host = idna.encode(host, uts46=True).decode("ascii")
        except idna.IDNAError as exc:
            raise BlockedURL("bad-url", f"host {hostname!r} is not a valid internationalised name: {exc}") from None
    if not _HOST_CHARS.fullmatch(host):
        raise BlockedURL("bad-url", f"host {hostname!r} has characters no host name or IP literal has")
    return host


def _split(url: str) -> tuple[urllib.parse.SplitResult, str, int]:
    try:
        parts = urllib.parse.urlsplit(url.strip())
        port = parts.port
    except ValueError as exc:
        raise BlockedURL("bad-url", f"cannot parse URL {url!r}: {exc}") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise BlockedURL("bad-scheme", f"scheme {parts.scheme or '(none)'!r} is not http or https")
    if not parts.hostname:
        raise BlockedURL("bad-url", f"URL {url!r} has no host")
    if port == 0:
        raise BlockedURL("bad-url", f"URL {url!r} has port 0")
    return parts, _ascii_host(parts.hostname), port or DEFAULT_PORTS[scheme]


def _rebuild(parts: urllib.parse.SplitResult, host: str, port: int | None) -> str:
    netloc = f"[{host}]" if ":" in host else host
    if port is not None:
        netloc = f"{netloc}:{port}"
    userinfo, at, _ = parts.netloc.rpartition("@")
    if at:
        netloc = f"{userinfo}@{netloc}"
    return urllib.parse.urlunsplit((parts.scheme.lower(), netloc, parts.path or "/", parts.query, ""))


def _resolve(host: str, port: int, resolve: Resolver) -> tuple[str, ...]:
    try:
        infos = resolve(host, port, 0, socket.SOCK_STREAM)
    except socket.gaierror as exc:
        transient = exc.errno == socket.EAI_AGAIN
        raise BlockedURL("dns-error", f"cannot resolve {host!r}: {exc}", transient=transient) from None
    except (OSError, UnicodeError, ValueError) as exc:  # e.g. an embedded NUL or an over-long label
        raise BlockedURL("dns-error", f"cannot resolve {host!r}: {exc}") from None
    addresses = []
    for _family, _type, _proto, _canonname, sockaddr in infos:
        if sockaddr[0] not in addresses:
            addresses.append(sockaddr[0])
    if not addresses:
        raise BlockedURL("dns-error", f"{host!r} resolved to no address")
    return tuple(addresses)


def vet_url(url: str, allowed_hosts: Iterable[str] | AllowList = frozenset(),
            resolve: Resolver = socket.getaddrinfo) -> VettedURL:
    """Check ``url`` and return where it may be connected to; raise ``BlockedURL`` otherwise.

    ``allowed_hosts`` lists exceptions the user asked for: a host name (every address it
    resolves to is accepted), an IP or a CIDR range (that address is accepted whatever name
    led to it).  Everything else must resolve only to public unicast addresses.
    """
    allow = allowed_hosts if isinstance(allowed_hosts, AllowList) else AllowList.parse(allowed_hosts)
    parts, host, port = _split(url)
    addresses = _resolve(host, port, resolve)
    if host not in allow.names:
        for text in addresses:
            try:
                ip = _parse_address(text)
            except ValueError:
                raise BlockedURL("blocked-host", f"{host!r} resolved to unparseable address {text!r}") from None
            effective = ip.ipv4_mapped if ip.version == 6 and ip.ipv4_mapped else ip
            if allow.allows_address(effective):
                continue
            category = address_block_reason(ip)
            if category is not None:
                raise BlockedURL("blocked-host", f"{host!r} resolves to {text}, a {category} address")
    return VettedURL(url=_rebuild(parts, host, parts.port), scheme=parts.scheme.lower(),
                     host=host, port=port, addresses=addresses)


def check_url(url: str, allowed_hosts: Iterable[str] | AllowList = frozenset(),
              resolve: Resolver = socket.getaddrinfo) -> None:
    """Raise ``BlockedURL`` unless ``url`` is http(s) and its host resolves only to allowed addresses."""
    vet_url(url, allowed_hosts, resolve)
