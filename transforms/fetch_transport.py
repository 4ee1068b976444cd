"""Transport of a fetch: connections pinned to vetted addresses, under a deadline watchdog.

``requests`` would do its own DNS lookup and follow proxies; here every connection goes to
the addresses ``netguard.vet_url`` approved for this request (no DNS rebinding), and a timer
shuts the socket down when the request's budget runs out (a trickling server cannot hold a
worker).  ``transforms.fetch.Fetcher`` drives it.
"""
from __future__ import annotations

import contextlib
import dataclasses
import socket
import threading

import requests
import requests.adapters
import urllib3.connection
import urllib3.connectionpool
import urllib3.exceptions
from urllib3.util import connection as _urllib3_connection

from transforms.netguard import VettedURL

# Unwanted bodies up to this size are read so the connection can be reused.
DISCARD_MAX_BYTES = 16 * 1024

_ACTIVE = threading.local()


class Exchange:
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

    def __enter__(self) -> "Exchange":
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


def _active_exchange() -> Exchange | None:
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


class GuardedAdapter(requests.adapters.HTTPAdapter):
    def init_poolmanager(self, *args, **kwargs) -> None:
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _GuardedHTTPPool, "https": _GuardedHTTPSPool}

    def proxy_manager_for(self, proxy, **proxy_kwargs):
        raise requests.exceptions.InvalidProxyURL("proxies are disabled: the connection must go to the vetted address")


def utf8_header(value: str) -> str:
    """Undo http.client's Latin-1 decoding of a header that servers send as UTF-8 (Location with accents)."""
    try:
        return value.encode("latin-1").decode("utf-8")
    except UnicodeError:
        return value


def discard_small_body(response: requests.Response, headers: dict[str, str]) -> None:
    """Read an unwanted but small, declared-length body (304, redirect, error page) to its end.

    A connection can only go back to the pool once its response is fully read; closing it
    instead would cost a new TCP+TLS handshake for the next feed on the same host.  Larger or
    undeclared bodies are not worth the bytes: the connection is dropped with the response.
    Runs under the exchange's watchdog.
    """
    declared = headers.get("content-length", "").strip()
    if response.status_code == 304 or (declared.isdigit() and int(declared) <= DISCARD_MAX_BYTES):
        with contextlib.suppress(urllib3.exceptions.HTTPError, OSError):
            response.raw.read(DISCARD_MAX_BYTES + 1, decode_content=False)


@dataclasses.dataclass
class Hop:
    url: str
    status: int
    headers: dict[str, str]
    body: bytes | None = None
    location: str | None = None
