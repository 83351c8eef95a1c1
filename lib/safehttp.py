"""The one way the portal calls a URL a user typed (publisher postbacks, network webhooks).

`fetch(url)` sends one GET, `post(url, body, headers=...)` one POST; each reports what
happened and never raises for a network problem. `check_url(url)` says, without calling,
whether a URL would be refused (for a form). Guards against server-side request forgery:

- http and https only; no user:password@ in the URL;
- the host is resolved once, and every address it resolves to must be public (not loopback,
  private, link-local, CGNAT, multicast, reserved, unspecified, nor those wrapped in IPv6
  forms: IPv4-mapped, IPv4-compatible, 6to4, Teredo, NAT64); one bad address refuses all;
- the connection goes to the checked address itself (the Host header and, for https, SNI
  and the certificate check use the name), so a second DNS answer cannot swap the target;
- redirects are never followed: a 3xx is the outcome;
- one deadline (`timeout`) covers connecting, sending and reading; the body read is capped.

`settings.OUTBOUND_ALLOWED_NETWORKS` (CIDRs, empty by default) lets a deployment reach
chosen internal networks on purpose, e.g. 127.0.0.0/8 for a local demo receiver.
The DNS lookup itself is bounded by the system resolver's own timeout, not by `timeout`.
"""

from __future__ import annotations

import contextlib
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

DEFAULT_TIMEOUT = 5.0
MAX_BODY_BYTES = 4096
USER_AGENT = "AffiliatePortal-Postback/1.0"

# Special-purpose blocks that Python's ipaddress flags do not all cover, named for messages.
SPECIAL_NETWORKS = [
    (ipaddress.ip_network(cidr), label)
    for cidr, label in [
        ("0.0.0.0/8", "a 'this network' address"),
        ("100.64.0.0/10", "a carrier-grade NAT address"),
        ("169.254.0.0/16", "a link-local (cloud metadata) address"),
        ("192.0.0.0/24", "an IETF protocol address"),
        ("192.0.2.0/24", "a documentation address"),
        ("198.18.0.0/15", "a benchmarking address"),
        ("198.51.100.0/24", "a documentation address"),
        ("203.0.113.0/24", "a documentation address"),
        ("240.0.0.0/4", "a reserved address"),
        ("255.255.255.255/32", "the broadcast address"),
        ("64:ff9b:1::/48", "a local NAT64 address"),
        ("100::/64", "a discard-only address"),
        ("2001:db8::/32", "a documentation address"),
        ("fc00::/7", "a unique-local (private) address"),
        ("fe80::/10", "a link-local address"),
        ("fec0::/10", "a site-local address"),
    ]
]
NAT64 = ipaddress.ip_network("64:ff9b::/96")
IPV4_COMPATIBLE = ipaddress.ip_network("::/96")


@dataclass(frozen=True)
class Outcome:
    """What one call did: a status code, or an error (never both), and how long it took."""

    status_code: int | None
    elapsed_ms: int
    error: str | None
    final_url: str  # the URL requested: redirects are not followed, so it is also the last
    body: bytes = b""  # the start of the answer's body (at most MAX_BODY_BYTES)

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


class Refused(Exception):
    """The URL or the address it resolves to may not be called."""


@lru_cache(maxsize=8)
def _parse_allowed(cidrs: tuple[str, ...]) -> tuple[ipaddress._BaseNetwork, ...]:
    try:
        return tuple(ipaddress.ip_network(cidr, strict=False) for cidr in cidrs)
    except ValueError as exc:
        raise ImproperlyConfigured(f"OUTBOUND_ALLOWED_NETWORKS: {exc}") from None


def allowed_networks() -> tuple[ipaddress._BaseNetwork, ...]:
    return _parse_allowed(tuple(getattr(settings, "OUTBOUND_ALLOWED_NETWORKS", ()) or ()))


def embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """IPv4 addresses an IPv6 address carries and may be routed to."""
    found = []
    if address.ipv4_mapped is not None:
        found.append(address.ipv4_mapped)
    if address.sixtofour is not None:
        found.append(address.sixtofour)
    if address.teredo is not None:
        found.extend(address.teredo)
    if address in NAT64 or (address in IPV4_COMPATIBLE and int(address) > 1):
        found.append(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
    return found


def refusal(address: IPAddress) -> str | None:
    """Why the address may not be called, or None when it may."""
    if any(address in network for network in allowed_networks()):
        return None
    if isinstance(address, ipaddress.IPv6Address):
        for inner in embedded_ipv4(address):
            reason = refusal(inner)
            if reason:
                return f"an IPv6 form of {inner}, {reason}"
    for flag, label in [
        ("is_unspecified", "an unspecified address"),
        ("is_loopback", "a loopback address"),
        ("is_link_local", "a link-local address"),
        ("is_multicast", "a multicast address"),
        ("is_private", "a private address"),
        ("is_reserved", "a reserved address"),
    ]:
        if getattr(address, flag):
            return label
    for network, label in SPECIAL_NETWORKS:
        if address.version == network.version and address in network:
            return label
    if not address.is_global:
        return "not a public address"
    return None


def resolve(host: str, port: int) -> list[tuple]:
    """getaddrinfo() entries for host, after checking that every address may be called."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise OSError(f"could not resolve {host}: {exc.strerror or exc}") from None
    if not infos:
        raise OSError(f"could not resolve {host}")
    for *_, sockaddr in infos:
        address = ipaddress.ip_address(str(sockaddr[0]).split("%", 1)[0])
        reason = refusal(address)
        if reason:
            name = host if _is_ip(host) else f"{host} resolves to {address}, which"
            raise Refused(f"{name} is {reason}")
    return infos


def connect(infos: list[tuple], deadline: float) -> socket.socket:
    """A TCP connection to the first checked address that answers."""
    last_error: OSError | None = None
    for family, type_, proto, _, sockaddr in infos:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            break
        sock = socket.socket(family, type_, proto)
        sock.settimeout(remaining)
        try:
            sock.connect(sockaddr)
        except OSError as exc:
            sock.close()
            last_error = exc
            continue
        return sock
    if last_error is None:
        raise TimeoutError("timed out")
    raise last_error


def target(url: str) -> tuple:
    """(parts, ASCII host, port) of an http(s) URL; Refused for anything else."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https"):
        raise Refused("only http:// and https:// URLs are allowed")
    if parts.username is not None or parts.password is not None:
        raise Refused("credentials in the URL are not allowed")
    host = parts.hostname
    if not host:
        raise Refused("the URL has no host")
    port = parts.port or (443 if parts.scheme == "https" else 80)
    ascii_host = host if _is_ip(host) else host.encode("idna").decode("ascii")
    return parts, ascii_host, port


def check_url(url: str) -> None:
    """Raise Refused when a call to url would be refused now (the address is checked again on
    every call); OSError when the name does not resolve; ValueError for a malformed URL."""
    _parts, host, port = target(url)
    resolve(host, port)


def fetch(url: str, *, timeout: float = DEFAULT_TIMEOUT) -> Outcome:
    """GET url once, safely. Network problems and refusals come back as Outcome.error."""
    return _call("GET", url, timeout=timeout)


def post(
    url: str,
    body: bytes,
    *,
    headers: dict[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Outcome:
    """POST body to url once, with the same guards as fetch(). `headers` are added to Host,
    User-Agent, Accept and Connection (a User-Agent given here replaces ours; Host cannot be
    replaced). Outcome.body holds the start of the answer."""
    return _call("POST", url, body=body, headers=headers or {}, timeout=timeout)


def _call(
    method: str,
    url: str,
    *,
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
    timeout: float,
) -> Outcome:
    started = time.monotonic()
    deadline = started + timeout
    timer: threading.Timer | None = None
    timed_out = threading.Event()
    sock: socket.socket | None = None

    def outcome(status: int | None = None, error: str | None = None, data: bytes = b"") -> Outcome:
        elapsed = round((time.monotonic() - started) * 1000)
        return Outcome(
            status_code=status, elapsed_ms=elapsed, error=error, final_url=url, body=data
        )

    try:
        parts, ascii_host, port = target(url)
        infos = resolve(ascii_host, port)
        sock = connected = connect(infos, deadline)

        def abort() -> None:
            timed_out.set()
            with contextlib.suppress(OSError):
                connected.shutdown(socket.SHUT_RDWR)  # wakes up a blocked read

        # One deadline for the whole exchange, however slowly the server trickles bytes.
        timer = threading.Timer(max(deadline - time.monotonic(), 0.0), abort)
        timer.daemon = True
        timer.start()
        sock.settimeout(max(deadline - time.monotonic(), 0.001))
        if parts.scheme == "https":
            context = ssl.create_default_context()
            sock = context.wrap_socket(sock, server_hostname=ascii_host)
        status, data = _exchange(
            sock, parts, ascii_host, port, method=method, body=body, headers=headers or {}
        )
        if timed_out.is_set():  # cut off mid-answer: what was parsed is not to be trusted
            raise TimeoutError
    except Refused as exc:
        return outcome(error=f"Refused: {exc}.")
    except (OSError, http.client.HTTPException, ValueError, UnicodeError) as exc:
        if timed_out.is_set() or isinstance(exc, TimeoutError):
            return outcome(error=f"Timed out after {timeout:g} s.")
        return outcome(error=_describe(exc))
    finally:
        if timer is not None:
            timer.cancel()
        if sock is not None:
            sock.close()
    return outcome(status=status, data=data)


def _exchange(
    sock: socket.socket,
    parts,
    host: str,
    port: int,
    *,
    method: str = "GET",
    body: bytes | None = None,
    headers: dict[str, str] | None = None,
) -> tuple[int, bytes]:
    default_port = 443 if parts.scheme == "https" else 80
    name = f"[{host}]" if ":" in host else host
    host_header = name if port == default_port else f"{name}:{port}"
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    connection = http.client.HTTPConnection(host, port)
    connection.sock = sock  # already connected to the checked address: no second lookup
    try:
        sent = {"User-Agent": USER_AGENT, "Accept": "*/*"}
        sent.update({k: v for k, v in (headers or {}).items() if k.lower() != "host"})
        sent.update({"Host": host_header, "Connection": "close"})
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        return response.status, response.read(MAX_BODY_BYTES)
    finally:
        connection.close()


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _describe(exc: BaseException) -> str:
    if isinstance(exc, ConnectionRefusedError):
        return "Connection refused."
    if isinstance(exc, ssl.SSLCertVerificationError):
        return f"TLS certificate not valid: {exc.verify_message}."
    if isinstance(exc, ssl.SSLError):
        return f"TLS error: {exc.reason or exc}."
    if isinstance(exc, http.client.RemoteDisconnected):
        return "The server closed the connection without answering."
    if isinstance(exc, http.client.HTTPException):
        return f"Not a valid HTTP answer ({type(exc).__name__})."
    text = str(exc) or type(exc).__name__
    return text[0].upper() + text[1:] + ("" if text.endswith(".") else ".")
