"""URL and host-name checks for what users type (landing pages, deep-link domains)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

HOSTNAME = re.compile(
    r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,61}[a-z0-9]$"
)


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


def validate_hostname(value: str) -> None:
    if "/" in value or ":" in value or not HOSTNAME.match(value.lower()):
        raise ValidationError(
            _("“%(value)s” is not a host name: write shop.example, not a URL or a path.")
            % {"value": value}
        )


def host_allowed(host: str, allowed: list[str]) -> bool:
    """Whether host is one of the allowed domains or a subdomain of one."""
    host = host.lower().rstrip(".")
    return any(host == domain or host.endswith("." + domain) for domain in allowed)
