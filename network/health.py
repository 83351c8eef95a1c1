"""GET /healthz: is this web node able to serve? The database and the Celery broker.

Answered by TenantMiddleware before the Host header is resolved or checked, so a load
balancer may probe a node by its address; no session, user, CSRF or template work. The answer
names the failing part and nothing more: the reason goes to the log, never to the client.
"""

from __future__ import annotations

import logging
import os

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, JsonResponse
from kombu import Connection

log = logging.getLogger(__name__)

PATHS = ("/healthz", "/healthz/")
# A probe must answer well within a load balancer's own timeout (often 5 s).
BROKER_TIMEOUT_SECONDS = 2


def database_ok() -> bool:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone() == (1,)
    except Exception:
        log.warning("healthz: the database does not answer", exc_info=True)
        return False


def broker_ok() -> bool:
    url = settings.CELERY_BROKER_URL
    if url.startswith("filesystem://"):
        # The embedded broker is a folder: "connected" means the queue can be written.
        return os.access(settings.CELERY_BROKER_DIR / "queue", os.W_OK)
    try:
        with Connection(url, connect_timeout=BROKER_TIMEOUT_SECONDS) as broker:
            broker.ensure_connection(
                max_retries=1, interval_start=0, interval_step=0, timeout=BROKER_TIMEOUT_SECONDS
            )
        return True
    except Exception:
        log.warning("healthz: the broker does not answer", exc_info=True)
        return False


def healthz(request: HttpRequest) -> JsonResponse:
    if request.method not in ("GET", "HEAD"):
        response = JsonResponse({"status": "method not allowed"}, status=405)
        response["Allow"] = "GET, HEAD"
        return response
    parts = {"database": database_ok(), "broker": broker_ok()}
    healthy = all(parts.values())
    body = {"status": "ok" if healthy else "failing"}
    body.update({name: "ok" if ok else "failing" for name, ok in parts.items()})
    response = JsonResponse(body, status=200 if healthy else 503)
    response["Cache-Control"] = "no-store"
    return response
