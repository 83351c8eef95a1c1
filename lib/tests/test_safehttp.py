"""lib.safehttp against real listeners on the loopback address: refused unless allowed on
purpose, redirects not followed, one deadline, never an exception."""

from __future__ import annotations

import socket
import time
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler

import pytest

from lib import safehttp
from lib.safehttp import fetch
from lib.tests.http_server import ServerInThread

LOOPBACK = ["127.0.0.0/8"]

# URLs the one validator of URLs we call (lib.urls.validate_outbound_url) refuses, with words
# of the reason given; publisher postbacks and webhooks, pages and APIs, are tested with them.
REFUSED_URLS = [
    ("http://127.0.0.1:8199\\@example.com/", "backslash"),
    ("https://t.example\\evil.example/pb", "backslash"),
    ("https://user:pw@t.example/pb", "user name or password"),
    ("https://@t.example/pb", "user name or password"),
    ("http://10.1.2.3/pb", "10.1.2.3 is a private address"),
    ("http://[::ffff:127.0.0.1]/pb", "a loopback address"),
    ("http://169.254.169.254/latest/meta-data", "link-local"),
    ("http://localhost:8000/pb", "resolves to"),
    ("ftp://t.example/pb", "Use an http:// or https:// URL."),
    ("file:///etc/passwd", "Use an http:// or https:// URL."),
    ("https://t.example/p b", "cannot contain spaces"),
    ("https://t.example/p\tb", "cannot contain spaces"),
    ("https://t.example/p\u00a0b", "cannot contain spaces"),
    ("https://a..example/pb", "Not a valid URL"),
    ("https://t.example:99999/pb", "Not a valid URL"),
]


class Listener(ServerInThread):
    """An HTTP server in a thread that records every request it receives."""

    def __init__(self, *, status=200, headers=None, delay=0.0, trickle=False, host="127.0.0.1"):
        self.requests: list[dict] = []
        listener = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                listener.requests.append({"path": self.path, "headers": dict(self.headers)})
                if delay:
                    time.sleep(delay)
                if trickle:  # a byte at a time, each well within a socket timeout
                    for byte in b"HTTP/1.1 200 OK\r\nX-Slow: " + b"a" * 100:
                        try:
                            self.wfile.write(bytes([byte]))
                            self.wfile.flush()
                        except OSError:
                            return
                        time.sleep(0.05)
                    return
                self.send_response(status)
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        super().__init__(Handler, host)


@contextmanager
def listening(**kwargs):
    listener = Listener(**kwargs)
    try:
        yield listener
    finally:
        listener.close()


@pytest.fixture
def listener():
    with listening() as server:
        yield server


@pytest.fixture
def allow_loopback(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = LOOPBACK


@pytest.fixture(autouse=True)
def _nothing_allowed_by_default(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []


def ipv6_loopback_works() -> bool:
    try:
        with socket.socket(socket.AF_INET6, socket.SOCK_STREAM) as sock:
            sock.bind(("::1", 0))
    except OSError:
        return False
    return True


LOOPBACK_SPELLINGS = [
    "http://127.0.0.1:{port}/",
    "http://localhost:{port}/",
    "http://LocalHost:{port}/",
    "http://127.1:{port}/",
    "http://2130706433:{port}/",  # decimal
    "http://0177.0.0.1:{port}/",  # octal
    "http://0x7f000001:{port}/",  # hexadecimal
    "http://0x7f.0.0.1:{port}/",
    "http://0.0.0.0:{port}/",  # Linux connects 0.0.0.0 to the local host
    "http://0:{port}/",
    "http://[::ffff:127.0.0.1]:{port}/",  # IPv4-mapped
    "http://[::ffff:7f00:1]:{port}/",
    "http://[::127.0.0.1]:{port}/",  # IPv4-compatible
    "https://127.0.0.1:{port}/",
    "http://127.0.0.1:{port}/?next=http://example.com/",
]


@pytest.mark.parametrize("template", LOOPBACK_SPELLINGS)
def test_it_refuses_every_spelling_of_the_loopback_address(listener, template):
    url = template.format(port=listener.port)
    outcome = fetch(url, timeout=2)
    assert outcome.status_code is None
    assert outcome.error.startswith("Refused:"), outcome.error
    assert outcome.final_url == url
    time.sleep(0.05)
    assert listener.requests == []


@pytest.mark.skipif(not ipv6_loopback_works(), reason="this machine has no IPv6 loopback")
@pytest.mark.parametrize("template", ["http://[::1]:{port}/", "http://[0:0:0:0:0:0:0:1]:{port}/"])
def test_it_refuses_the_ipv6_loopback_address(template):
    with listening(host="::1") as listener:
        outcome = fetch(template.format(port=listener.port), timeout=2)
        assert outcome.error.startswith("Refused:")
        assert "loopback" in outcome.error
        assert listener.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "http://10.0.0.1/",
        "http://172.16.5.4/",
        "http://192.168.1.1/",
        "http://169.254.169.254/latest/meta-data/",  # cloud metadata
        "http://100.64.0.1/",  # carrier-grade NAT
        "http://0.1.2.3/",
        "http://224.0.0.1/",  # multicast
        "http://240.0.0.1/",  # reserved
        "http://255.255.255.255/",
        "http://198.18.0.1/",
        "http://[fd00::1]/",  # unique local
        "http://[fe80::1]/",  # link-local
        "http://[ff02::1]/",  # multicast
        "http://[::]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[2002:a00:1::]/",  # 6to4 of 10.0.0.1
        "http://[64:ff9b::a9fe:a9fe]/",  # NAT64 of 169.254.169.254
        "http://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/",  # Teredo, client 10.0.0.1
    ],
)
def test_it_refuses_private_and_special_addresses(url):
    outcome = fetch(url, timeout=1)
    assert outcome.status_code is None
    assert outcome.error.startswith("Refused:"), outcome.error


def test_it_refuses_a_name_when_any_of_its_addresses_is_private(listener, monkeypatch):
    def getaddrinfo(host, port, *args, **kwargs):
        return [
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("93.184.215.14", port)),
            (socket.AF_INET, socket.SOCK_STREAM, 6, "", ("127.0.0.1", port)),
        ]

    monkeypatch.setattr(safehttp.socket, "getaddrinfo", getaddrinfo)
    outcome = fetch(f"http://mixed.example:{listener.port}/", timeout=1)
    assert outcome.error == (
        "Refused: mixed.example resolves to 127.0.0.1, which is a loopback address."
    )
    assert listener.requests == []


@pytest.mark.usefixtures("allow_loopback")
def test_it_reaches_an_allowed_network_and_records_the_status(listener):
    outcome = fetch(f"http://127.0.0.1:{listener.port}/pb?a=1&b=%20x", timeout=2)
    assert outcome.status_code == 200
    assert outcome.ok and outcome.error is None
    assert 0 <= outcome.elapsed_ms < 2000
    assert [r["path"] for r in listener.requests] == ["/pb?a=1&b=%20x"]
    headers = listener.requests[0]["headers"]
    assert headers["Host"] == f"127.0.0.1:{listener.port}"
    assert headers["User-Agent"] == safehttp.USER_AGENT


@pytest.mark.usefixtures("allow_loopback")
def test_it_reports_an_error_status_as_it_is():
    with listening(status=503) as listener:
        outcome = fetch(f"http://localhost:{listener.port}/", timeout=2)
    assert (outcome.status_code, outcome.ok, outcome.error) == (503, False, None)


@pytest.mark.usefixtures("allow_loopback")
def test_it_connects_to_the_address_it_checked(listener, monkeypatch):
    """A second DNS answer (rebinding) cannot change the target: the name is resolved once,
    the connection goes to that address, and the name travels in the Host header."""
    answers = iter(["127.0.0.1", "10.0.0.1", "10.0.0.1"])
    calls = []

    def getaddrinfo(host, port, *args, **kwargs):
        calls.append(host)
        return [(socket.AF_INET, socket.SOCK_STREAM, 6, "", (next(answers), port))]

    monkeypatch.setattr(safehttp.socket, "getaddrinfo", getaddrinfo)
    outcome = fetch(f"http://rebind.example:{listener.port}/x", timeout=2)
    assert outcome.status_code == 200
    assert calls == ["rebind.example"]
    assert listener.requests[0]["headers"]["Host"] == f"rebind.example:{listener.port}"


@pytest.mark.usefixtures("allow_loopback")
def test_it_does_not_follow_redirects(listener):
    target = f"http://127.0.0.1:{listener.port}/second"
    with listening(status=302, headers={"Location": target}) as first:
        outcome = fetch(f"http://127.0.0.1:{first.port}/first", timeout=2)
        assert len(first.requests) == 1
    assert outcome.status_code == 302 and not outcome.ok
    assert outcome.final_url == f"http://127.0.0.1:{first.port}/first"
    time.sleep(0.05)
    assert listener.requests == []


@pytest.mark.usefixtures("allow_loopback")
def test_it_does_not_follow_a_redirect_to_a_private_address():
    with listening(status=301, headers={"Location": "http://10.0.0.1/"}) as first:
        outcome = fetch(f"http://127.0.0.1:{first.port}/", timeout=2)
    assert outcome.status_code == 301


@pytest.mark.usefixtures("allow_loopback")
@pytest.mark.parametrize(
    ("slowness", "timeout"),
    [
        ({"delay": 3}, 0.5),  # answers nothing for 3 s
        # Every byte comes well within a socket timeout; the whole answer would take 5 s.
        ({"trickle": True}, 0.6),
    ],
    ids=["silent", "trickling"],
)
def test_it_holds_one_deadline_against_a_slow_server(slowness, timeout):
    with listening(**slowness) as slow:
        started = time.monotonic()
        outcome = fetch(f"http://127.0.0.1:{slow.port}/", timeout=timeout)
        took = time.monotonic() - started
    assert outcome.status_code is None
    assert outcome.error == f"Timed out after {timeout} s."
    assert took < 1.5
    assert 400 <= outcome.elapsed_ms < 1500


@pytest.mark.usefixtures("allow_loopback")
def test_it_reports_network_errors_instead_of_raising():
    with socket.socket() as sock:  # a port nobody listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    outcome = fetch(f"http://127.0.0.1:{port}/", timeout=1)
    assert (outcome.status_code, outcome.error) == (None, "Connection refused.")


@pytest.mark.usefixtures("allow_loopback")
def test_it_reports_a_tls_failure_instead_of_raising(listener):
    outcome = fetch(f"https://127.0.0.1:{listener.port}/", timeout=2)
    assert outcome.status_code is None
    assert outcome.error


@pytest.mark.parametrize(
    "url",
    [
        "ftp://files.example/x",
        "file:///etc/passwd",
        "gopher://127.0.0.1:70/",
        "javascript:alert(1)",
        "//no-scheme.example/",
        "http:///no-host",
        "http://user:secret@pub.example/",
        "http://pub.example:99999/",
        "http://[::1/",
        "",
    ],
)
def test_it_refuses_what_is_not_an_http_url_without_raising(url):
    outcome = fetch(url, timeout=1)
    assert outcome.status_code is None
    assert outcome.error


def test_it_refuses_before_resolving_a_non_http_scheme(monkeypatch):
    monkeypatch.setattr(safehttp.socket, "getaddrinfo", pytest.fail)
    assert fetch("ftp://files.example/").error == (
        "Refused: only http:// and https:// URLs are allowed."
    )


def test_it_reports_a_name_that_does_not_resolve(monkeypatch):
    def getaddrinfo(*args, **kwargs):
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    monkeypatch.setattr(safehttp.socket, "getaddrinfo", getaddrinfo)
    outcome = fetch("http://nowhere.example/", timeout=1)
    assert outcome.error == "Could not resolve nowhere.example: Name or service not known."
