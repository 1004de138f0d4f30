"""Fetch one web page for ``mawjaz import``, going only where the curator meant to go.

A page the curator names can redirect anywhere; followed blindly, a redirect turns the
importer into a way to read the curator's own machine or network (a router's admin page, a
cloud metadata service at 169.254.169.254) into an article file. So:

* every hop must be ``http`` or ``https``, and at most :data:`MAX_REDIRECTS` are followed;
* a hop whose host resolves to a loopback, private, link-local, reserved, multicast or
  otherwise non-global address is refused, unless the URL the curator gave is itself on such
  an address (importing from one's own preview server is legitimate);
* the connection goes to the very address that was checked (:class:`_PinnedHTTP`), so a
  name that resolves to a public address for the check and to 127.0.0.1 for the connection
  (DNS rebinding) gains nothing; the ``Host`` header and the TLS server name stay the URL's;
* one deadline bounds the whole fetch: connecting, the headers and every read of the body,
  so a server that sends one byte a second cannot hold the command forever;
* at most ``max_bytes + 1`` bytes are read, so the caller can say the page was too large.

Residual risks, accepted: name resolution itself (``getaddrinfo``) is not bounded by the
deadline; proxy settings (``http_proxy``...) are not used, since a proxy would connect to an
address this module never sees.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import socket
import ssl
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from urllib.parse import SplitResult, quote, urljoin, urlsplit

MAX_REDIRECTS = 5
DEADLINE = 30.0
READ_TIMEOUT = 20.0
CHUNK = 65536
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_SCHEMES = MappingProxyType({"http": 80, "https": 443})
_HEADERS = MappingProxyType({"Accept": "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5",
                             "Accept-Encoding": "identity", "Connection": "close"})
# Cloud metadata services; both are also caught by the link-local / private checks.
_METADATA = frozenset({ipaddress.ip_address("169.254.169.254"), ipaddress.ip_address("fd00:ec2::254")})

Resolver = Callable[[str, int], tuple[str, ...]]


class FetchFailed(Exception):
    """Why the page was not fetched, as one line the curator can act on."""


@dataclass(frozen=True, slots=True)
class Page:
    url: str  # the address the bytes came from, after redirects
    data: bytes  # at most ``max_bytes + 1`` bytes
    content_type: str | None
    charset: str | None
    # The URL fetched was on local or private addresses only, so links found in this page
    # (a feed's entries) may be local too; a public page may not send the importer inside.
    local_origin: bool = False


@dataclass(frozen=True, slots=True)
class Clock:
    """The fetch's deadline: every socket operation waits at most what is left of it."""

    ends: float
    total: float
    per_read: float

    @classmethod
    def start(cls, total: float, per_read: float) -> Clock:
        return cls(time.monotonic() + total, total, per_read)

    def timeout(self) -> float:
        """The wait allowed for the next socket operation; raises once the deadline passed."""
        left = self.ends - time.monotonic()
        if left <= 0:
            raise FetchFailed(f"took longer than {self.total:g} s in total; stopped")
        return min(self.per_read, left)


def resolve(host: str, port: int) -> tuple[str, ...]:
    """Every address the name resolves to, in the system's order, without repeats."""
    try:
        found = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchFailed(f"cannot resolve `{host}` ({exc})") from None
    return tuple(dict.fromkeys(str(info[4][0]) for info in found))


def is_internal(address: str) -> bool:
    """True for an address a page on the public web has no business sending the importer to.

    IPv4 addresses written inside IPv6 (mapped ``::ffff:a.b.c.d``, 6to4, Teredo) are judged
    by the IPv4 address they carry, since that is where the packets go.
    """
    ip = ipaddress.ip_address(address.partition("%")[0])
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.ipv4_mapped is not None:
            return is_internal(str(ip.ipv4_mapped))
        inner = ip.sixtofour or (ip.teredo[1] if ip.teredo else None)
        if inner is not None and is_internal(str(inner)):
            return True
    return (ip in _METADATA or ip.is_loopback or ip.is_private or ip.is_link_local
            or ip.is_reserved or ip.is_multicast or ip.is_unspecified or not ip.is_global)


def hop_refusal(url: str, addresses: Iterable[str], trust_internal: bool,
                how: str = "redirected to") -> str | None:
    """Why a redirect to ``url`` (resolving to ``addresses``) is not followed; None if it is.
    ``how`` says where the URL came from, for the message."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in _SCHEMES:
        return f"{how} {shown(url)}; only http and https addresses are followed"
    if not trust_internal:
        inside = [a for a in addresses if is_internal(a)]
        if inside:
            return (f"{how} {shown(url)}, which is on a local or private address "
                    f"({inside[0]}); not followed")
    return None


def origin_policy(addresses: tuple[str, ...]) -> tuple[bool, tuple[str, ...]]:
    """Whether the curator's URL is a local one (its redirects may then stay local), and the
    addresses to connect to: a name with public and local addresses alike counts as public,
    and its local addresses are dropped, so such a name cannot open the door to the inside."""
    local = bool(addresses) and all(is_internal(a) for a in addresses)
    return local, addresses if local else tuple(a for a in addresses if not is_internal(a))


def shown(url: str, limit: int = 200) -> str:
    """A URL fit for a one-line message: control characters escaped, length bounded."""
    text = url.encode("unicode_escape").decode("ascii") if not url.isprintable() else url
    return text if len(text) <= limit else text[:limit] + "…"


def fetch(url: str, *, max_bytes: int, agent: str = "mawjaz", deadline: float = DEADLINE,
          read_timeout: float = READ_TIMEOUT, resolver: Resolver = resolve,
          trust_internal: bool | None = None, linked: bool = False) -> Page:
    """GET ``url``, following safe redirects, within ``deadline`` seconds in total.

    ``trust_internal`` says whether local and private addresses may be visited. By default
    it is whether the curator's own URL is on such addresses only; a name that resolves to
    public and private addresses alike counts as public, and only its public addresses are
    used. Tests pass ``False`` to stand for a public origin while they talk to loopback.

    ``linked``: the URL was not typed by the curator but found in a document (a feed's entry
    link), so it is judged as a redirect is: refused on a local or private address unless
    ``trust_internal`` (the document itself came from such an address).
    """
    clock = Clock.start(deadline, read_timeout)
    headers = {**_HEADERS, "User-Agent": agent}
    target = _split(url)
    addresses = resolver(target.hostname or "", _port(target))
    if linked:
        trust_internal = bool(trust_internal)
        refusal = hop_refusal(url, addresses, trust_internal, how="links to")
        if refusal:
            raise FetchFailed(refusal)
    elif trust_internal is None:
        trust_internal, addresses = origin_policy(addresses)
    local_origin = trust_internal
    current = url
    for _ in range(MAX_REDIRECTS + 1):
        response, connection = _get(target, addresses, clock, headers)
        try:
            location = response.getheader("Location") if response.status in _REDIRECTS else None
            if location is None:
                return _page(current, response, clock, max_bytes, local_origin)
        finally:
            response.close()
            connection.close()
        current = urljoin(current, location.strip())
        refusal = hop_refusal(current, (), trust_internal=True)
        if refusal:
            raise FetchFailed(refusal)
        target = _split(current)
        addresses = resolver(target.hostname or "", _port(target))
        refusal = hop_refusal(current, addresses, trust_internal)
        if refusal:
            raise FetchFailed(refusal)
    raise FetchFailed(f"more than {MAX_REDIRECTS} redirects; stopped at {shown(current)}")


def _split(url: str) -> SplitResult:
    parts = urlsplit(url)
    try:
        parts.port  # noqa: B018 - raises on a port that is not a number
    except ValueError:
        raise FetchFailed(f"{shown(url)} has an invalid port") from None
    if parts.scheme.lower() not in _SCHEMES or not parts.hostname:
        raise FetchFailed(f"{shown(url)} is not an http(s) address with a host")
    return parts


def _port(parts: SplitResult) -> int:
    return parts.port or _SCHEMES[parts.scheme.lower()]


def _get(target: SplitResult, addresses: tuple[str, ...], clock: Clock,
         headers: dict[str, str]) -> tuple[http.client.HTTPResponse, http.client.HTTPConnection]:
    """Send the request to the first of ``addresses`` that answers; the response's headers read."""
    path = quote(target.path or "/", safe="/%:@!$&'()*+,;=-._~")
    if target.query:
        path += "?" + quote(target.query, safe="/%:@!$&'()*+,;=-._~?")
    problem: Exception = FetchFailed("no address to connect to")
    for address in addresses:
        connection = _connection(target, address, clock)
        try:
            connection.request("GET", path, headers=headers)
            return connection.getresponse(), connection
        except FetchFailed:
            connection.close()
            raise
        except (OSError, http.client.HTTPException) as exc:
            connection.close()
            problem = exc
    if isinstance(problem, TimeoutError):
        clock.timeout()  # the deadline's message when that is what ran out
    raise FetchFailed(f"cannot fetch ({_reason(problem)})")


def _reason(exc: Exception) -> str:
    if isinstance(exc, ssl.SSLCertVerificationError):
        return exc.verify_message or str(exc)
    return getattr(exc, "strerror", None) or str(exc) or type(exc).__name__


def _page(url: str, response: http.client.HTTPResponse, clock: Clock, max_bytes: int,
          local_origin: bool) -> Page:
    if response.status >= 400:
        raise FetchFailed(f"the server answered {response.status} {response.reason}")
    if response.status != 200:
        raise FetchFailed(f"the server answered {response.status} {response.reason}, not a page")
    chunks: list[bytes] = []
    size = 0
    try:
        while size <= max_bytes:
            chunk = response.read1(min(CHUNK, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
            clock.timeout()  # a server that drips bytes is stopped here, between reads
    except (OSError, http.client.HTTPException) as exc:
        if isinstance(exc, TimeoutError):
            clock.timeout()
        raise FetchFailed(f"cannot fetch ({_reason(exc)})") from None
    headers = response.headers
    return Page(url, b"".join(chunks), headers.get_content_type(), headers.get_content_charset(),
                local_origin)



# --------------------------------------------------------------------------- connections

class _DeadlineReader(io.RawIOBase):
    """The socket as a stream whose every read waits at most what is left of the deadline.

    ``http.client`` reads the status line, the headers and the body through this, so a
    server that sends its headers one byte at a time is stopped as surely as one that drips
    its body.
    """

    def __init__(self, sock: socket.socket, clock: Clock) -> None:
        super().__init__()
        self._sock = sock
        self._raw = sock.makefile("rb", buffering=0)  # keeps the socket open while read
        self._clock = clock

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        self._sock.settimeout(self._clock.timeout())
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineResponse(http.client.HTTPResponse):
    def __init__(self, sock: socket.socket, *args: object, clock: Clock, **kwargs: object) -> None:
        super().__init__(sock, *args, **kwargs)  # type: ignore[arg-type]
        self.fp.close()  # the plain file from sock.makefile(), replaced by the bounded one
        self.fp = io.BufferedReader(_DeadlineReader(sock, clock))


class _PinnedHTTP(http.client.HTTPConnection):
    """Connects to the address that was checked, not to whatever the name resolves to now."""

    def __init__(self, host: str, port: int, address: str, clock: Clock) -> None:
        super().__init__(host, port, timeout=clock.timeout())
        self.address = address
        self.clock = clock
        self.response_class = partial(_DeadlineResponse, clock=clock)  # type: ignore[assignment]

    def connect(self) -> None:
        self.sock = socket.create_connection((self.address, self.port), self.clock.timeout())


class _PinnedHTTPS(http.client.HTTPSConnection):
    """As :class:`_PinnedHTTP`, with TLS checked against the URL's host name."""

    def __init__(self, host: str, port: int, address: str, clock: Clock) -> None:
        self.tls = ssl.create_default_context()
        super().__init__(host, port, timeout=clock.timeout(), context=self.tls)
        self.address = address
        self.clock = clock
        self.response_class = partial(_DeadlineResponse, clock=clock)  # type: ignore[assignment]

    def connect(self) -> None:
        raw = socket.create_connection((self.address, self.port), self.clock.timeout())
        try:
            raw.settimeout(self.clock.timeout())
            self.sock = self.tls.wrap_socket(raw, server_hostname=self.host)
        except BaseException:
            raw.close()
            raise


def _connection(target: SplitResult, address: str, clock: Clock) -> http.client.HTTPConnection:
    kind = _PinnedHTTPS if target.scheme.lower() == "https" else _PinnedHTTP
    return kind(target.hostname or "", _port(target), address, clock)
