"""Answers of the tracking endpoints: TUNE-style text with honest HTTP codes, pixels."""

from __future__ import annotations

import base64
from urllib.parse import unquote_plus

from django.http import HttpResponse

# The smallest transparent GIF.
GIF = base64.b64decode("R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7")
MAX_ID = 2**63 - 1
MAX_FIELDS = 200  # more than any real tracking link has


def parse_id(value: str | None) -> int | None:
    """A positive database id from a query parameter, or None for anything else."""
    if not value or len(value) > 19 or not value.isascii() or not value.isdigit():
        return None
    number = int(value)
    return number if 0 < number <= MAX_ID else None


def query(request) -> dict[str, str]:
    """The query string as a plain dict (last value wins, like QueryDict.get), exactly as
    dict(parse_qsl(..., keep_blank_values=True)) reads it, at a quarter of its cost (the
    click path's largest item after Redis); more than MAX_FIELDS fields: {} (junk)."""
    raw = request.META.get("QUERY_STRING", "")
    if raw.count("&") >= MAX_FIELDS:
        return {}
    params = {}
    for pair in raw.split("&"):
        if pair:
            name, _, value = pair.partition("=")
            if "%" in pair or "+" in pair:  # most values need no decoding at all
                name, value = unquote_plus(name), unquote_plus(value)
            params[name] = value
    return params


def clean_text(value: str | None, limit: int) -> str:
    """A query value fit to store: PostgreSQL refuses NUL bytes in text."""
    return (value or "")[:limit].replace("\x00", "")


def tune(http_status: int, **fields: object) -> HttpResponse:
    """`success=true; conversion_id=12;` as integrations of HasOffers/TUNE expect it."""
    body = "".join(f"{key}={value}; " for key, value in fields.items()).strip()
    response = HttpResponse(body, status=http_status, content_type="text/plain; charset=utf-8")
    response["Cache-Control"] = "no-store"
    return response


def accepted(**fields: object) -> HttpResponse:
    return tune(200, success="true", **fields)


def refused(status: int, message: str) -> HttpResponse:
    return tune(status, success="false", err_msg=message.replace(";", ","))


def not_found(message: str) -> HttpResponse:
    return refused(404, message)


def pixel(iframe: bool = False) -> HttpResponse:
    if iframe:
        response = HttpResponse("<!doctype html><title></title>", content_type="text/html")
    else:
        response = HttpResponse(GIF, content_type="image/gif")
    response["Cache-Control"] = "no-store, max-age=0"
    return response
