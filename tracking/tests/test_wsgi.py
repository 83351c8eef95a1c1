"""The lean WSGI application in front of Django (tracking/lean_wsgi.py, tracking/wsgi.py), called as
a WSGI server calls it: what a visitor, an advertiser's server and a load balancer see.

The existing tracking tests run through it too (tracking/tests/conftest.py); these test what
only the WSGI level shows: Django's request cycle skipped, hosts and paths left to Django,
headers and cookies as Django writes them, HEAD, malformed requests, database connections.
"""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass
from http.cookies import SimpleCookie
from types import SimpleNamespace
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import signals
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections, connection
from django.http import HttpResponse
from django.test import Client, override_settings
from django_scopes import scope, scopes_disabled

from conftest import client_for
from tracking import responses
from tracking.lean_wsgi import TrackingApplication
from tracking.models import Click, Conversion
from tracking.responses import ClickCookie
from tracking.tests.helpers import needs_postgres


@pytest.fixture(autouse=True)
def entry_point() -> str:
    """This module calls the application itself: no second run through Django's route."""
    return "wsgi"


@dataclass
class Answer:
    status: int
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> str | None:
        values = [value for key, value in self.headers if key.lower() == name.lower()]
        return values[0] if values else None

    def cookie(self) -> str:
        (value,) = [value for key, value in self.headers if key == "Set-Cookie"]
        return value


@pytest.fixture
def django_cycles():
    """How many requests entered Django's request cycle (its request_started signal). As
    Django's test client does, the test's transaction is kept open across requests."""
    started = []

    def count(**kwargs):
        started.append(kwargs)

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    signals.request_started.connect(count)
    yield started
    signals.request_started.disconnect(count)
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def app(django_cycles) -> TrackingApplication:
    """What tracking.wsgi serves, with the test's database transaction left open."""
    return TrackingApplication(WSGIHandler(), close_connections=False)


def call(
    app,
    path: str = "/aff_c",
    query: str = "",
    *,
    method: str = "GET",
    host: str | None = "alpha.localhost",
    body: bytes = b"",
    scheme: str = "http",
    **headers: str,
) -> Answer:
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "QUERY_STRING": query,
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "wsgi.url_scheme": scheme,
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": io.StringIO(),
        "CONTENT_LENGTH": str(len(body)),
        "CONTENT_TYPE": "application/x-www-form-urlencoded" if body else "",
        **headers,
    }
    if host is not None:
        environ["HTTP_HOST"] = host
    sent: dict = {}

    def start_response(status, response_headers):
        sent.update(status=int(status.split()[0]), headers=response_headers)

    chunks = app(environ, start_response)
    try:
        data = b"".join(chunks)
    finally:
        getattr(chunks, "close", lambda: None)()
    return Answer(sent["status"], sent["headers"], data)


def click_query(world, **extra) -> str:
    params = {"offer_id": world["offer"].pk, "aff_id": world["runner"].pk, **extra}
    return "&".join(f"{key}={quote(str(value), safe='')}" for key, value in params.items())


def test_it_is_what_every_server_runs_in_front_of_django():
    from network.wsgi import application as django_application
    from tracking.wsgi import application

    assert isinstance(application, TrackingApplication)
    assert application.behind is django_application
    assert isinstance(django_application, WSGIHandler)  # network.wsgi: plain Django
    assert settings.WSGI_APPLICATION == "tracking.wsgi.application"  # runserver's too


def test_djangos_own_route_answers_them_right_after_the_host_middleware():
    chain = settings.MIDDLEWARE
    tenant = chain.index("network.middleware.TenantMiddleware")
    assert chain[tenant + 1] == "tracking.middleware.TrackingMiddleware"


def test_it_answers_a_click_outside_djangos_request_cycle(network, world, app, django_cycles):
    answer = call(app, "/aff_c", click_query(world, aff_sub="x"))
    assert answer.status == 302
    with scope(network=network):
        click = Click.objects.get()
    assert f"={click.pk}" in answer.header("Location")
    assert django_cycles == []  # no resolver, no middleware chain, no WSGIRequest
    # Django's route and its security headers, nothing portal pages add (the pixel's iframe
    # stays embeddable): README "Security > Headers".
    assert answer.header("X-Content-Type-Options") == "nosniff"
    assert answer.header("Referrer-Policy") == "same-origin"
    assert answer.header("Cross-Origin-Opener-Policy") == "same-origin"
    assert answer.header("Content-Security-Policy") is None
    assert answer.header("X-Frame-Options") is None
    assert answer.header("Strict-Transport-Security") is None  # http
    assert answer.header("Content-Length") == "0"


@pytest.mark.parametrize(
    "path", ["/aff_c/", "/aff_lsr", "/aff_lsr/", "/aff_goal", "/aff_l", "/aff_i"]
)
def test_it_answers_every_tracking_path_itself(network, world, app, django_cycles, path):
    answer = call(app, path, click_query(world))
    assert answer.status < 500
    assert django_cycles == []


@pytest.mark.parametrize("secure", [False, True])
def test_it_sets_the_click_cookie_exactly_as_django_writes_it(
    network, world, app, django_cycles, secure
):
    query = click_query(world)
    lean = call(app, "/aff_c", query, scheme="https" if secure else "http")
    assert django_cycles == []
    django = Client(HTTP_HOST=network.portal_host).get(f"/aff_c?{query}", secure=secure)
    (morsel,) = django.cookies.values()
    name = f"tid_{world['offer'].pk}"
    lean_cookie = SimpleCookie(lean.cookie())[name]
    # Same attributes and spelling; only the click id (and a second of expiry) may differ.
    expected = morsel.output(header="").replace(morsel.value, lean_cookie.value)
    assert lean.cookie().split("; expires=")[0] == expected.split("; expires=")[0]
    assert lean.cookie().split(" GMT")[1] == expected.split(" GMT")[1]
    assert ("Secure" in lean.cookie()) is secure
    assert ("SameSite=None" if secure else "SameSite=Lax") in lean.cookie()
    hsts = lean.header("Strict-Transport-Security")
    assert hsts == django.headers.get("Strict-Transport-Security")
    assert (hsts is not None) is (secure and settings.SECURE_HSTS_SECONDS > 0)


def test_it_leaves_other_paths_and_hosts_to_django(network, world, app, django_cycles, settings):
    settings.DEBUG = False
    query = click_query(world)
    assert call(app, "/aff_c", query, host="nowhere.localhost").status == 404  # unknown host
    assert call(app, "/aff_c", query, host="localhost").status == 404  # the platform host
    assert call(app, "/healthz", host="10.1.2.3").status in (200, 503)  # any host
    assert call(app, "/aff_cx", query).status == 404  # not a tracking path
    assert call(app, "/aff_c", query, host="bad host!").status == 400  # refused by Django
    assert len(django_cycles) == 5
    with scopes_disabled():
        assert Click.objects.count() == 0


def test_it_answers_head_without_a_body_and_refuses_other_methods(network, world, app):
    head = call(app, "/aff_i", click_query(world), method="HEAD")
    get = call(app, "/aff_i", click_query(world))
    assert (head.status, head.body) == (200, b"")
    assert head.header("Content-Length") == get.header("Content-Length") == str(len(get.body))
    for method in ("PUT", "DELETE", "PATCH", "OPTIONS"):
        refused = call(app, "/aff_c", click_query(world), method=method)
        assert refused.status == 405
        assert b"success=false" in refused.body


def test_it_reads_a_posted_postback_from_the_body(network, world, app, django_cycles):
    click_id = client_for(network).get(f"/aff_c?{click_query(world)}").cookies
    click_id = click_id[f"tid_{world['offer'].pk}"].value
    token = world["advertiser"].postback_token
    body = f"transaction_id={click_id}&security_token={token}&amount=12.50".encode()
    django_cycles.clear()  # the click above went through Django's test client
    answer = call(app, "/aff_lsr", method="POST", body=body)
    assert answer.status == 200, answer.body
    assert django_cycles == []
    with scope(network=network):
        assert Conversion.objects.get().sale_amount == 12.5


def test_it_never_answers_500_to_malformed_requests(network, world, app, django_cycles, settings):
    settings.DEBUG = False
    huge = "aff_sub=" + "x" * 1_000_000 + "&" + "&".join(f"k{i}=v" for i in range(5000))
    queries = [
        click_query(world) + "&aff_sub=%E0%A4%A&source=%ZZ%",  # broken percent-encoding
        click_query(world) + "&aff_sub=\xff\xfe\x00",  # not UTF-8, a NUL byte
        click_query(world) + "&" + huge,  # more fields than any real link
        "offer_id=%00&aff_id=-1",
        "",
    ]
    for path in ("/aff_c", "/aff_lsr", "/aff_goal", "/aff_l", "/aff_i"):
        for query in queries:
            assert call(app, path, query).status < 500, (path, query[:80])
    assert django_cycles == []  # all answered by the lean application
    assert call(app, "/aff_c", click_query(world), host=None).status == 404  # no Host header
    too_big = b"transaction_id=" + b"x" * (settings.DATA_UPLOAD_MAX_MEMORY_SIZE + 1)
    assert call(app, "/aff_lsr", method="POST", body=too_big).status == 503  # as Django's route
    evil_host = call(app, "/aff_c", click_query(world), host="alpha.localhost\r\nX-Evil: 1")
    assert evil_host.status == 400


def test_it_answers_503_when_the_host_lookup_fails(network, world, app):
    """A cache or database that fails under the host lookup: retry later, never 500."""
    unreachable = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6398/0",  # nothing listens there
        }
    }
    with override_settings(CACHES=unreachable):
        answer = call(app, "/aff_c", click_query(world))
    assert answer.status in (302, 503)  # 302 once a lookup degrades to the database


@needs_postgres("pg_terminate_backend needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_it_drops_a_broken_database_connection_as_django_does(network, world):
    """PostgreSQL restarted under the click path: at most one honest 503 per worker thread,
    then clicks are stored again (the connection is dropped at the end of the request, as
    Django's request_finished does)."""
    app = TrackingApplication(WSGIHandler())
    answers = []

    def clicks():
        assert call(app, "/aff_c", click_query(world)).status == 302  # connected
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            pid = cursor.fetchone()[0]
        with other_session() as other:
            other.execute("SELECT pg_terminate_backend(%s)", [pid])
        answers.extend(call(app, "/aff_c", click_query(world)).status for _ in range(3))
        connection.close()

    worker = threading.Thread(target=clicks)  # a server's worker thread, own connection
    worker.start()
    worker.join(30)
    assert answers[0] in (302, 503)
    assert answers[1:] == [302, 302]
    with scopes_disabled():
        assert Click.objects.count() == 1 + answers.count(302)


def other_session():
    """A second PostgreSQL session, outside Django's connection handling."""
    import psycopg

    params = connection.get_connection_params()
    return psycopg.connect(
        **{k: v for k, v in params.items() if k != "cursor_factory"}, autocommit=True
    )


# The click path's own faster readers and writers must say exactly what the standard ones
# say (these pass on the code before them too: they guard the rewrite, not a new behaviour).
@pytest.mark.parametrize(
    "raw",
    [
        "offer_id=1&aff_id=2&aff_sub=bench",
        "a=%E0%A4%A&b=%ZZ%&c+d=e+f&&g&=h&i=&a=last",
        "x=1;y=2&z&&",
        "s=%F0%9F%98%80+%2B&t=caf%C3%A9&u=\xe9",
        "=&==&a==b",
        "a=" + "&" * 198,
        "a=" + "&" * 199,
        "",
    ],
)
def test_it_reads_a_query_string_as_parse_qsl_does(raw):
    from urllib.parse import parse_qsl

    from tracking.responses import query

    try:
        expected = dict(parse_qsl(raw, keep_blank_values=True, max_num_fields=200))
    except ValueError:
        expected = {}
    assert query(SimpleNamespace(META={"QUERY_STRING": raw})) == expected


def test_it_writes_a_buffered_click_that_reads_back_unchanged():
    from django.utils.timezone import now

    from tracking import buffer

    for text in ("plain", "a\\b\tc\nd\re\\N", "\\N", ""):
        fields = {name: text for name in buffer.COLUMNS[1:]}
        fields.update(network_id=3, creative_id=None, created_at=now())
        row = buffer.decode(("t" + buffer.encode(fields)).encode())
        assert row == {**fields, "network_id": "3", "is_unique": True}  # COPY reads text


@pytest.mark.parametrize("value", ["0123456789abcdef0123456789abcdef", "needs quoting; yes"])
@pytest.mark.parametrize("secure", [False, True])
def test_the_click_cookie_header_is_djangos_own_spelling(value, secure, monkeypatch):
    """ClickCookie.header() (made once a second from a template) equals Django's set_cookie
    output for the same cookie, quoting included."""
    monkeypatch.setattr(responses, "cookie_second", lambda: 1_800_000_000)  # one second
    cookie = ClickCookie("tid_7", value, 30 * 86400, secure)
    django = HttpResponse()
    cookie.set_on(django)
    assert cookie.header() == django.cookies["tid_7"].output(header="")
