"""Answers of the tracking endpoints: TUNE-style text with honest HTTP codes, pixels."""

from __future__ import annotations

import base64
import time
from urllib.parse import unquote_plus

from django.http import HttpResponse
from django.utils.http import http_date

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


class ClickRedirect:
    """A click's answer: a 302 to a URL the click path built, with the click cookie when a
    click was taken. Cheap to make: the lean WSGI application (tracking.wsgi) sends it as
    Django would send `as_response()`, the same headers in the same spelling, without building
    an HttpResponse and a SimpleCookie per click; Django's own route sends `as_response()`."""

    __slots__ = ("cookie", "location")
    status_code = 302
    reason_phrase = "Found"

    def __init__(self, location: str, cookie: ClickCookie | None = None):
        self.location = location
        self.cookie = cookie

    def as_response(self) -> HttpResponse:
        response = HttpResponse(status=302)
        response["Location"] = self.location
        if self.cookie is not None:
            self.cookie.set_on(response)
        return response

    def headers(self) -> list[tuple[str, str]]:
        headers = [("Content-Type", CONTENT_TYPE), ("Location", self.location)]
        if self.cookie is not None:
            headers.append(("Set-Cookie", self.cookie.header()))
        return headers


CONTENT_TYPE = HttpResponse().headers["Content-Type"]


class ClickCookie:
    """The first-party click cookie (name, click id, lifetime, https or not), written as
    Django's set_cookie writes it."""

    __slots__ = ("max_age", "name", "secure", "value")

    def __init__(self, name: str, value: str, max_age: int, secure: bool):
        self.name, self.value, self.max_age, self.secure = name, value, max_age, secure

    def set_on(self, response: HttpResponse) -> None:
        response.set_cookie(self.name, self.value, **self.attributes())

    def attributes(self) -> dict:
        return {
            "max_age": self.max_age,
            "expires": cookie_expiry(self.max_age),
            "secure": self.secure,
            "httponly": True,
            "samesite": "None" if self.secure else "Lax",  # the pixel loads from another site
        }

    def header(self) -> str:
        """Set-Cookie's value: Django's own spelling of this cookie, made once per name,
        lifetime, scheme and second with a stand-in value, then given this click's id (an
        id needs no quoting: letters and digits)."""
        key = (self.name, self.max_age, self.secure, cookie_second())
        template = _cookie_templates.get(key)
        if template is None:
            if len(_cookie_templates) > 1_000:  # one entry per offer and second: keep it small
                _cookie_templates.clear()
            response = HttpResponse()
            response.set_cookie(self.name, _STAND_IN, **self.attributes())
            template = _cookie_templates[key] = response.cookies[self.name].output(header="")
        if not self.value.isalnum():  # not a click id of ours: let Django quote it
            response = HttpResponse()
            self.set_on(response)
            return response.cookies[self.name].output(header="")
        return template.replace(_STAND_IN, self.value, 1)


_STAND_IN = "CLICKID0STANDIN"
_cookie_templates: dict[tuple, str] = {}
_expiries: dict[int, tuple[int, str]] = {}


def cookie_second() -> int:
    return int(time.time())


def cookie_expiry(max_age: int) -> str:
    """The `expires` Django's set_cookie writes for max_age (http_date of now + max_age, to
    the second), formatted once a second instead of once a click."""
    second = cookie_second()
    cached = _expiries.get(max_age)
    if cached is None or cached[0] != second:
        cached = _expiries[max_age] = (second, http_date(second + max_age))
    return cached[1]


def django_response(answer: HttpResponse | ClickRedirect) -> HttpResponse:
    """A tracking view's answer as Django's request cycle needs it."""
    return answer.as_response() if isinstance(answer, ClickRedirect) else answer
