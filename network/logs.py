"""Structured logs: one JSON object per line (LOG_FORMAT=json), and one line per portal request.

RequestLogMiddleware sits after TrackingMiddleware, so clicks and postbacks (the lean route) and
/healthz probes never pass here: they stay fast, and tracking.views.dispatch logs their errors.
While a portal request runs, every record logged in it carries the request's network, method
and path; the request's own line adds the user, the status and the duration.
"""

from __future__ import annotations

import json
import logging
import time
from contextvars import ContextVar
from datetime import UTC, datetime

from django.http import HttpRequest, HttpResponse
from django.utils.functional import empty

REQUEST_LOG = logging.getLogger("network.request")
# The fields a record may carry (as `extra=`), in the order they are written.
FIELDS = ("network", "user_id", "method", "path", "status", "duration_ms")
_request_fields: ContextVar[dict[str, object] | None] = ContextVar("request_fields", default=None)


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        context = _request_fields.get() or request_fields(getattr(record, "request", None))
        for name in FIELDS:
            value = getattr(record, name, context.get(name))
            if value is not None:
                entry[name] = value
        if "status" not in entry and isinstance(getattr(record, "status_code", None), int):
            entry["status"] = record.status_code  # django.request's records
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        # default=str: an odd `extra` value must not cost the log line.
        return json.dumps(entry, ensure_ascii=False, default=str)


def request_fields(request: HttpRequest | None) -> dict[str, object]:
    """What a record about a request says of it: Django's own (django.request's "Not Found",
    a 500's traceback) are logged with the request after our middleware has returned."""
    if not isinstance(request, HttpRequest):
        return {}
    network = getattr(request, "network", None)
    return {
        "network": network.slug if network is not None else None,
        "user_id": signed_in_user_id(request),
        "method": request.method,
        "path": request.path,
    }


def signed_in_user_id(request: HttpRequest) -> int | None:
    """The user's id if the request already loaded its user; a page that never looked at
    request.user is not made to read the session just for the log line."""
    user = getattr(request, "user", None)
    if user is None or getattr(user, "_wrapped", None) is empty:
        return None
    return user.pk if user.is_authenticated else None


class RequestLogMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        network = getattr(request, "network", None)
        fields: dict[str, object] = {
            "network": network.slug if network is not None else None,
            "method": request.method,
            "path": request.path,
        }
        token = _request_fields.set(fields)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
            REQUEST_LOG.info(
                "%s %s %s",
                request.method,
                request.path,
                response.status_code,
                extra={
                    **fields,
                    "user_id": signed_in_user_id(request),
                    "status": response.status_code,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )
            return response
        finally:
            _request_fields.reset(token)
