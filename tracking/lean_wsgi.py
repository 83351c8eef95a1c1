"""The tracking endpoints' own WSGI application, in front of Django's (tracking/wsgi.py builds
the one servers load, with network.wsgi's behind it).

A click needs none of Django's request cycle: no URL resolver, no middleware chain, no
WSGIRequest with its QueryDicts. This application answers /aff_c, /aff_lsr, /aff_goal, /aff_l
and /aff_i (with or without a trailing slash) on a network's host itself, with the code of
Django's route (network.middleware.TenantMiddleware, then tracking.middleware): the host's
network (network.middleware.network_for_host), then tracking.views.dispatch answers (405 for
other methods, 503 instead of 500), in the network's scope. Everything else goes to Django,
unchanged: other paths, /healthz, the platform host, an unknown host (Django's 404 page), a
Host header Django refuses (400).

What Django's cycle would have added, done here at a fraction of its cost:
- SecurityMiddleware: its https redirect (tracking paths are exempt unless the settings say
  otherwise) and its headers, which it is asked for once per scheme and then reused;
- the request_started/request_finished signals' database work: close_old_connections() on the
  thread's connections, so DB_CONN_MAX_AGE and a broken connection behave as under Django
  (the signals themselves, with URLconf and cache resets the tracking code needs not, cost
  more than the rest of a click).

A click then costs a dict lookup of the route, the in-process host and offer caches, one Redis
round trip (tracking.buffer: SET and RPUSH) and a 302.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from types import SimpleNamespace

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.core.handlers.wsgi import WSGIRequest
from django.db import connections, reset_queries
from django.http import HttpRequest, HttpResponse, parse_cookie
from django.middleware.security import SecurityMiddleware
from django.utils.functional import cached_property
from django_scopes import scope

from lib import useragent
from network.middleware import hostname_of, network_for_host
from network.models import Network
from tracking.responses import ClickRedirect, refused
from tracking.views import ROUTES, dispatch

log = logging.getLogger(__name__)

WSGIApp = Callable[[dict, Callable], Iterable[bytes]]


class TrackingRequest(HttpRequest):
    """What the tracking views read of a request (META, COOKIES, POST, method, path,
    is_secure(), get_host(), network), made from the WSGI environ without the work of
    HttpRequest.__init__ or WSGIRequest's parsing: META is the environ itself, as in
    WSGIRequest; cookies and the body are parsed only when a view reads them."""

    def __init__(self, environ: dict, path: str):
        self.environ = self.META = environ
        self.path = self.path_info = path
        self.method = environ.get("REQUEST_METHOD", "GET").upper()
        self.network: Network | None = None
        self.resolver_match = None

    def _get_scheme(self) -> str:
        return self.META.get("wsgi.url_scheme", "http")

    # Django's rule (SECURE_PROXY_SSL_HEADER, else the server's scheme), read once: the click
    # asks for it twice (cookie, security headers).
    scheme = cached_property(HttpRequest.scheme.fget)

    @cached_property
    def COOKIES(self) -> dict[str, str]:
        return parse_cookie(self.META.get("HTTP_COOKIE", ""))

    @cached_property
    def POST(self):
        """Django's own body parsing (read from wsgi.input, bounded by
        DATA_UPLOAD_MAX_MEMORY_SIZE and DATA_UPLOAD_MAX_NUMBER_FIELDS), postbacks only."""
        return WSGIRequest(self.META).POST


def not_ours(environ: dict, start_response: Callable) -> Iterable[bytes]:
    raise LookupError("TrackingApplication was built without an application behind it")


class TrackingApplication:
    """WSGI: the tracking endpoints here, every other request to `behind` (Django).

    close_connections=False leaves database connections alone, as Django's test client
    does (it disconnects close_old_connections from the request signals): a test's
    transaction must survive the request.
    """

    def __init__(self, behind: WSGIApp = not_ours, *, close_connections: bool = True):
        self.behind = behind
        self.close_connections = close_connections
        self.debug = settings.DEBUG
        self.security = SecurityMiddleware(lambda request: None)
        self.security_headers = {
            secure: headers_added_by(self.security, secure) for secure in (False, True)
        }
        useragent.prepare()  # the first click must not wait for the rules to compile

    def __call__(self, environ: dict, start_response: Callable) -> Iterable[bytes]:
        path = environ.get("PATH_INFO", "")
        view = ROUTES.get(path.rstrip("/"))
        if view is None:
            return self.behind(environ, start_response)
        self.request_started()
        request = TrackingRequest(environ, path)
        try:
            response = self.answer(request, view)
        except Exception:  # an honest "retry", never a 500 (as tracking.views.dispatch)
            log.exception("tracking endpoint %s failed", path)
            response = refused(503, "Temporarily unavailable, please retry.")
        if response is None:  # not a network's host: Django's answer (it ends the request)
            return self.behind(environ, start_response)
        try:
            return self.send(request, response, start_response)
        finally:
            self.request_finished()

    def answer(self, request: TrackingRequest, view) -> HttpResponse | None:
        """The tracking view's answer, or None when the host is not a network's."""
        try:
            network = network_of(request)
        except DisallowedHost:
            return None  # Django answers 400 and logs it to django.security
        if network is None:
            return None
        request.network = network
        if self.security.redirect:  # tracking paths are exempt (SECURE_REDIRECT_EXEMPT)
            redirect = self.security.process_request(request)
            if redirect is not None:
                return redirect
        with scope(network=network):
            return dispatch(request, view)

    def send(
        self, request, response: HttpResponse | ClickRedirect, start_response: Callable
    ) -> list[bytes]:
        """Django's WSGIHandler's way of sending a response (its headers, each cookie as
        Django writes it) plus SecurityMiddleware's headers and Content-Length; no body for
        HEAD."""
        if response.__class__ is ClickRedirect:  # a click: no HttpResponse was made
            headers = response.headers()
            headers += self.security_headers[request.is_secure()]
            headers.append(("Content-Length", "0"))
            start_response("302 Found", headers)
            return []
        body = response.content
        headers = [
            *response.items(),
            *(("Set-Cookie", cookie.output(header="")) for cookie in response.cookies.values()),
            *self.security_headers[request.is_secure()],
            ("Content-Length", str(len(body))),
        ]
        start_response(f"{response.status_code} {response.reason_phrase}", headers)
        return [] if request.method == "HEAD" else [body]

    def request_started(self) -> None:
        if self.debug:
            reset_queries()
        if self.close_connections:
            close_old_connections()

    def request_finished(self) -> None:
        if self.close_connections:
            close_old_connections()


def network_of(request: TrackingRequest) -> Network | None:
    """TenantMiddleware's rule: the host decides; the platform host is not a network."""
    hostname = _hostname(request)
    if hostname == settings.PLATFORM_DOMAIN:
        return None
    return network_for_host(hostname)


# Host header -> host name, as network.middleware.hostname_of reads it (Django's get_host():
# syntax and ALLOWED_HOSTS), remembered per process: checking costs more than the click's
# lookups. Only a plain Host header is remembered (its answer depends on nothing else but
# settings), and only a bounded number of them: junk Host headers must not grow memory.
_hostnames: dict[str, str] = {}


def _hostname(request: TrackingRequest) -> str:
    host = request.META.get("HTTP_HOST")
    known = _hostnames.get(host) if host is not None else None
    if known is not None:
        return known
    hostname = hostname_of(request)  # raises DisallowedHost for a refused one
    if host is not None and not settings.USE_X_FORWARDED_HOST:
        if len(_hostnames) > 10_000:
            _hostnames.clear()
        _hostnames[host] = hostname
    return hostname


def headers_added_by(security: SecurityMiddleware, secure: bool) -> list[tuple[str, str]]:
    """The headers SecurityMiddleware adds to a response of an http or https request (no
    tracking view sets any of them itself)."""
    plain = HttpResponse()
    own = set(plain.headers)
    probe = SimpleNamespace(is_secure=lambda: secure)  # all process_response reads of it
    added = security.process_response(probe, plain)
    return [(name, value) for name, value in added.items() if name not in own]


_thread = threading.local()


def close_old_connections() -> None:
    """django.db.close_old_connections, with this thread's connection wrappers kept at hand:
    finding them through Django's per-context registry costs more than checking them."""
    wrappers = getattr(_thread, "connections", None)
    if wrappers is None:
        wrappers = _thread.connections = [connections[alias] for alias in connections]
    for connection in wrappers:
        connection.close_if_unusable_or_obsolete()
