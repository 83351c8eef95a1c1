"""URL and host-name checks for what users type (landing pages, deep-link domains), and the
IRI-to-URI conversion of what goes out in a Location header."""

from __future__ import annotations

import re
from urllib.parse import quote, urlsplit

import idna
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from lib import safehttp

HOSTNAME = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$"
)

# Control characters, space and backslash: browsers drop them from a URL or read "\" as "/".
UNSAFE_IN_URL = re.compile(r"[\x00-\x20\\\x7f]")


def validate_http_url(value: str) -> None:
    try:
        parts = urlsplit(value)
    except ValueError as exc:
        raise ValidationError(_("Not a valid URL: %(error)s.") % {"error": exc}) from None
    if parts.scheme not in ("http", "https"):
        raise ValidationError(_("Use an http:// or https:// URL."))
    if not parts.hostname or not HOSTNAME.match(parts.hostname.lower()):
        raise ValidationError(_("The URL needs a host name, like https://shop.example/page."))
    if any(ch.isspace() for ch in value):
        raise ValidationError(_("A URL cannot contain spaces."))


def validate_outbound_url(value: str) -> None:
    """The one check of a URL typed by a user that the portal will call (publisher postbacks,
    webhooks), on the form, the page and the API alike: http(s), a host, no credentials, no
    backslash or whitespace, and not an address lib.safehttp refuses to call (loopback,
    private, link-local... unless OUTBOUND_ALLOWED_NETWORKS allows it). Whatever this accepts
    is a URL every call can at least try. A name that does not resolve today is accepted:
    every call checks the address again."""
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018  (raises ValueError for a port out of range)
    except ValueError as exc:
        raise ValidationError(_("Not a valid URL: %(error)s.") % {"error": exc}) from None
    if parts.scheme not in ("http", "https"):
        raise ValidationError(_("Use an http:// or https:// URL."))
    if not parts.hostname:
        raise ValidationError(_("The URL needs a host name, like https://shop.example/page."))
    if any(ch.isspace() for ch in value):
        raise ValidationError(_("A URL cannot contain spaces."))
    # A browser reads "\" as "/" but urlsplit does not: the two disagree on the host.
    if "\\" in value:
        raise ValidationError(_("A URL cannot contain a backslash (\\)."))
    if "@" in parts.netloc:
        raise ValidationError(_("Do not put a user name or password in the URL."))
    _check_callable(value)


def _check_callable(value: str) -> None:
    try:
        safehttp.check_url(value)
    except safehttp.Refused as exc:
        raise ValidationError(_("We cannot call this URL: %(reason)s.") % {"reason": exc}) from None
    except OSError:  # does not resolve (today): every call resolves and checks again
        pass
    except ValueError as exc:  # e.g. a host IDNA refuses ("a..b"): every call would fail
        raise ValidationError(_("Not a valid URL: %(error)s.") % {"error": exc}) from None


def validate_hostname(value: str) -> None:
    """A DNS name; an internationalized one may be written in Unicode or in punycode."""
    if "/" in value or ":" in value or not HOSTNAME.match(ascii_host(value) or "-"):
        raise ValidationError(
            _("“%(value)s” is not a host name: write shop.example, not a URL or a path.")
            % {"value": value}
        )


def host_allowed(host: str, allowed: list[str]) -> bool:
    """Whether host is one of the allowed domains or a subdomain of one. Internationalized
    names compare by their punycode (A-label) form, so `bücher.example` and
    `xn--bcher-kva.example` are the same domain whichever way each side spells it."""
    host = ascii_host(host).rstrip(".")
    domains = (ascii_host(domain) for domain in allowed)
    return bool(host) and any(d and (host == d or host.endswith("." + d)) for d in domains)


def ascii_host(host: str) -> str:
    """The host name as a browser sends it in DNS: lower case, IDN labels in punycode
    (IDNA 2008 with UTS 46 mapping, as browsers do). "" when it is not a valid IDN."""
    if host.isascii():  # the common case, and ASCII names need no IDNA (nor pass it: "a_b")
        return host.lower()
    try:
        # std3_rules: a Unicode character that maps to "/", "@", "_"... is refused, not mapped.
        return idna.encode(host, uts46=True, std3_rules=True, transitional=False).decode("ascii")
    except (idna.IDNAError, UnicodeError):
        return ""


_NON_ASCII = re.compile(r"[^\x00-\x7f]+")


def iri_to_uri(url: str) -> str:
    """The URI of an IRI (RFC 3987 3.1): the host in punycode and every non-ASCII character of
    the rest percent-encoded as UTF-8. A browser shows the same address and requests the same
    resource; a Location header with raw non-ASCII is mangled on the way (Django MIME-encodes
    it as `=?utf-8?b?...?=`). ASCII is left as it is (an existing %XX stays), so an ASCII URL
    comes back unchanged. Raises ValueError for a host that is not a valid IDN."""
    if url.isascii():
        return url
    netloc = urlsplit(url).netloc  # urlsplit refuses NFKC tricks (a fullwidth "/" or "@")
    if netloc.isascii():
        return _percent_encode(url)
    start = url.find("//" + netloc)  # the authority as written (urlsplit keeps its case)
    if start < 0:  # urlsplit dropped a tab or newline from it: nothing to send anywhere
        raise ValueError("a URL with control characters in its host")
    start += 2
    end = start + len(netloc)
    return url[:start] + _ascii_netloc(netloc) + _percent_encode(url[end:])


def _ascii_netloc(netloc: str) -> str:
    userinfo, at, hostport = netloc.rpartition("@")
    host, colon, port = hostport.rpartition(":")
    if not colon or not (port == "" or (port.isascii() and port.isdigit())):
        host, colon, port = hostport, "", ""
    encoded = ascii_host(host)
    if not encoded:
        raise ValueError(f"not a valid internationalized host name: {host!r}")
    return f"{_percent_encode(userinfo)}{at}{encoded}{colon}{port}"


def _percent_encode(text: str) -> str:
    """Non-ASCII runs as UTF-8 %XX; ASCII (reserved characters, existing escapes) untouched.
    A lone surrogate cannot be UTF-8: UnicodeEncodeError, a ValueError."""
    return _NON_ASCII.sub(lambda match: quote(match.group(0), safe=""), text)
