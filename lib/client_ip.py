"""The client's IP address of a request: the proxy's header when settings.CLIENT_IP_HEADER names
one (checked to be an address, since the client wrote what the proxy copied), else the socket's.
Used by the click path (geo, fraud checks) and the API's rate limits."""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    header = settings.CLIENT_IP_HEADER
    forwarded = request.META.get(header, "").split(",")[0].strip() if header else ""
    if forwarded:  # written by a proxy from what the client sent: check it
        return forwarded if _is_ip(forwarded) else None
    return request.META.get("REMOTE_ADDR") or None  # set by the server itself


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
