"""netguard: which URLs may be fetched.  Non-loopback addresses only ever come from a fake resolver."""
import ipaddress
import socket

import pytest

from tests.fixtures.http_server import fake_resolver
from transforms.netguard import AllowList, BlockedURL, address_block_reason, check_url, vet_url

PUBLIC_V4 = "93.184.216.34"
PUBLIC_V6 = "2606:2800:220:1:248:1893:25c8:1946"


def _blocked(url, mapping=None, allowed=frozenset()):
    with pytest.raises(BlockedURL) as info:
        check_url(url, allowed, resolve=fake_resolver(mapping or {}))
    return info.value


@pytest.mark.parametrize("address, category", [
    ("10.0.0.1", "private"),
    ("172.16.5.4", "private"),
    ("192.168.1.1", "private"),
    ("127.0.0.1", "loopback"),
    ("127.3.2.1", "loopback"),
    ("::1", "loopback"),
    ("169.254.169.254", "link-local"),  # cloud metadata service
    ("fe80::1", "link-local"),
    ("fe80::1%eth0", "link-local"),
    ("224.0.0.1", "multicast"),
    ("ff02::1", "multicast"),
    ("0.0.0.0", "unspecified"),
    ("::", "unspecified"),
    ("100.64.0.1", "shared"),
    ("240.0.0.1", "reserved"),
    ("255.255.255.255", "reserved"),
    ("fd12:3456::1", "private"),
    ("fec0::1", "site-local"),
    ("192.0.2.10", "private"),  # documentation range
    ("198.18.0.1", "private"),  # benchmarking range
    ("::ffff:10.0.0.1", "private"),  # IPv4-mapped IPv6 is judged by its IPv4
    ("::ffff:127.0.0.1", "loopback"),
    ("::ffff:169.254.169.254", "link-local"),
    ("64:ff9b::a00:1", "private"),  # NAT64 of 10.0.0.1
    ("2002:a9fe:a9fe::1", "link-local"),  # 6to4 of 169.254.169.254
])
def test_non_public_addresses_are_refused_with_their_category(address, category):
    error = _blocked("http://victim.example/", {"victim.example": [address]})
    assert error.reason == "blocked-host"
    assert category in error.detail and address in error.detail
    assert address_block_reason(ipaddress.ip_address(address.split("%")[0])) == category


@pytest.mark.parametrize("address", [PUBLIC_V4, PUBLIC_V6, "64:ff9b::5db8:d822", "8.8.8.8"])
def test_public_addresses_pass(address):
    vetted = vet_url("https://news.example/feed?x=1#top", resolve=fake_resolver({"news.example": [address]}))
    assert vetted.addresses == (address,)
    assert (vetted.scheme, vetted.host, vetted.port) == ("https", "news.example", 443)
    assert vetted.url == "https://news.example/feed?x=1"  # the fragment is never sent


def test_one_private_address_among_public_ones_blocks_the_host():
    error = _blocked("http://mixed.example/", {"mixed.example": [PUBLIC_V4, "10.1.2.3"]})
    assert error.reason == "blocked-host" and "10.1.2.3" in error.detail


@pytest.mark.parametrize("url", ["file:///etc/passwd", "ftp://ftp.example/file", "gopher://x.example/",
                                 "javascript:alert(1)", "data:text/plain,hi", "//no-scheme.example/", "feed.xml"])
def test_only_http_and_https_schemes(url):
    assert _blocked(url, {"ftp.example": [PUBLIC_V4]}).reason == "bad-scheme"


def test_scheme_is_case_insensitive():
    vetted = vet_url("HTTP://News.Example:8080/a", resolve=fake_resolver({"news.example": [PUBLIC_V4]}))
    assert vetted.url == "http://news.example:8080/a" and vetted.port == 8080


@pytest.mark.parametrize("url", ["http://", "http:///path", "http://host.example:99999/", "http://[::1/",
                                 "http://host.example:0/"])
def test_malformed_urls(url):
    assert _blocked(url, {"host.example": [PUBLIC_V4]}).reason == "bad-url"


def test_unknown_host_is_a_dns_error_not_transient():
    error = _blocked("http://nxdomain.example/")
    assert error.reason == "dns-error" and not error.transient


def test_temporary_dns_failure_is_transient():
    def flaky(*args, **kwargs):
        raise socket.gaierror(socket.EAI_AGAIN, "Temporary failure in name resolution")

    with pytest.raises(BlockedURL) as info:
        check_url("http://news.example/", resolve=flaky)
    assert info.value.reason == "dns-error" and info.value.transient


def test_ip_literal_urls_are_checked_too():
    assert _blocked("http://169.254.169.254/latest/meta-data/").reason == "blocked-host"
    assert _blocked("http://[::1]:8080/").reason == "blocked-host"


def test_numeric_host_forms_are_judged_after_real_resolution():
    # glibc resolves the decimal form locally (no DNS, no connection): it is loopback.
    with pytest.raises(BlockedURL) as info:
        check_url("http://2130706433/")
    assert info.value.reason == "blocked-host" and "127.0.0.1" in info.value.detail


def test_allowed_ip_exempts_that_address_whatever_the_name():
    resolver = fake_resolver({"feed.test": ["127.0.0.1"]})
    check_url("http://127.0.0.1:8000/", {"127.0.0.1"}, resolve=resolver)
    check_url("http://feed.test/", {"127.0.0.1"}, resolve=resolver)
    assert _blocked("http://other.test/", {"other.test": ["127.0.0.2"]}, {"127.0.0.1"}).reason == "blocked-host"


def test_allowed_ip_also_covers_its_ipv4_mapped_form():
    check_url("http://feed.test/", {"127.0.0.1"}, resolve=fake_resolver({"feed.test": ["::ffff:127.0.0.1"]}))


def test_allowed_name_exempts_all_its_addresses():
    resolver = fake_resolver({"intranet.corp": ["10.0.0.5", "fd00::5"]})
    vetted = vet_url("http://Intranet.Corp./news", {"intranet.corp"}, resolve=resolver)
    assert vetted.addresses == ("10.0.0.5", "fd00::5")
    assert _blocked("http://other.corp/", {"other.corp": ["10.0.0.5"]}, {"intranet.corp"}).reason == "blocked-host"


def test_allowed_cidr_range():
    allow = AllowList.parse(["10.20.0.0/16", " Example.ORG. ", ""])
    assert allow.names == frozenset({"example.org"})
    check_url("http://a.test/", allow, resolve=fake_resolver({"a.test": ["10.20.3.4"]}))
    assert _blocked("http://b.test/", {"b.test": ["10.21.3.4"]}, allow).reason == "blocked-host"


def test_idn_hosts_are_vetted_and_sent_in_ascii():
    resolver = fake_resolver({"xn--bcher-kva.example": [PUBLIC_V4]})
    vetted = vet_url("https://Bücher.example/über", resolve=resolver)
    assert vetted.host == "xn--bcher-kva.example"
    assert vetted.url == "https://xn--bcher-kva.example/über"


@pytest.mark.parametrize("url", ["http://exa mple.example/", "http://exa\u2028mple.example/",
                                 "http://evil.example%00.good.example/", "http://a<b>.example/"])
def test_impossible_host_names_are_bad_urls(url):
    assert _blocked(url, {"evil.example": [PUBLIC_V4]}).reason == "bad-url"


def test_userinfo_and_ipv6_brackets_survive_the_rebuild():
    resolver = fake_resolver({"feed.example": [PUBLIC_V4]})
    assert vet_url("http://user:pw@feed.example/x", resolve=resolver).url == "http://user:pw@feed.example/x"
    vetted = vet_url(f"http://[{PUBLIC_V6}]:8443/", resolve=fake_resolver({}))
    assert vetted.url == f"http://[{PUBLIC_V6}]:8443/" and vetted.host == PUBLIC_V6


def test_empty_resolution_is_refused():
    with pytest.raises(BlockedURL) as info:
        check_url("http://empty.example/", resolve=lambda *a, **k: [])
    assert info.value.reason == "dns-error"
