"""/healthz: 200 when the database and the broker answer, 503 naming the part that does not,
on any host, without sessions, cookies or secrets."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.test import Client

from conftest import client_for

ROOT = Path(__file__).resolve().parents[2]


def closed_port() -> int:
    """A loopback port nobody listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.mark.parametrize("host", ["localhost", "alpha.localhost", "10.0.0.7:8000"])
def test_it_answers_ok_on_every_host(network, host, django_assert_num_queries):
    with django_assert_num_queries(1):  # SELECT 1: no session, user or host lookup
        response = Client(HTTP_HOST=host).get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}
    assert response["Cache-Control"] == "no-store"
    assert not response.cookies


def test_it_answers_a_host_outside_allowed_hosts(db, settings):
    """A load balancer probes the node's address, which ALLOWED_HOSTS need not list."""
    settings.ALLOWED_HOSTS = ["example.com"]
    assert Client(HTTP_HOST="10.0.0.7").get("/healthz/").status_code == 200


def test_it_needs_no_csrf_token_and_refuses_other_methods(db):
    client = Client(enforce_csrf_checks=True, HTTP_HOST="localhost")
    assert client.head("/healthz").status_code == 200
    response = client.post("/healthz")
    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD"


def test_it_answers_503_naming_the_broker_when_it_is_down(network, settings):
    url = f"redis://:s3cret-broker-pass@127.0.0.1:{closed_port()}/0"
    settings.CELERY_BROKER_URL = url
    started = time.monotonic()
    response = client_for(network).get("/healthz")
    assert time.monotonic() - started < 5  # bounded: a probe must not hang
    assert response.status_code == 503
    assert response.json() == {"status": "failing", "database": "ok", "broker": "failing"}
    assert b"s3cret" not in response.content and b"refused" not in response.content.lower()


def test_it_answers_503_naming_the_database_when_it_is_down():
    """In a process whose DATABASE_URL points at a closed port (the test database is fine)."""
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://app:s3cret-db-pass@127.0.0.1:{closed_port()}/portal",
        "CELERY_BROKER_URL": "filesystem://",
        "DEBUG": "0",
        "SECRET_KEY": "x" * 50,
        "SECURE_SSL_REDIRECT": "0",
    }
    snippet = (
        "import django, json; django.setup(); from django.test import Client; "
        "r = Client(HTTP_HOST='localhost').get('/healthz'); "
        "print(json.dumps({'status': r.status_code, 'body': r.content.decode()}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", snippet],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "network.settings", "LOG_FORMAT": "json"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout.strip().splitlines()[-1])
    assert answer["status"] == 503
    body = json.loads(answer["body"])
    assert body == {"status": "failing", "database": "failing", "broker": "ok"}
    assert "s3cret" not in answer["body"]
    # The reason is in the server's log, for the operator.
    assert "healthz: the database does not answer" in result.stderr
