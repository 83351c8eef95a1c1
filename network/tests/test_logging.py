"""Structured logs: JSON lines on stderr outside DEBUG, one line per portal request with who,
where and how long; none per click (the lean route stays lean)."""

from __future__ import annotations

import io
import json
import logging
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from conftest import client_for
from network.logs import JsonFormatter

ROOT = Path(__file__).resolve().parents[2]
LOG_SNIPPET = (
    "import django, logging; django.setup(); "
    "logging.getLogger('portal.check').warning('disk %s full', 'var')"
)


@contextmanager
def json_lines():
    """Every record logged meanwhile, formatted by the production formatter and parsed."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger()
    root.addHandler(handler)
    lines: list[dict] = []
    try:
        yield lines
    finally:
        root.removeHandler(handler)
        lines.extend(json.loads(line) for line in stream.getvalue().splitlines())


def run_python(**env: str) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if k not in ("DEBUG", "LOG_FORMAT")}
    return subprocess.run(
        [sys.executable, "-c", LOG_SNIPPET],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "network.settings", "SECRET_KEY": "x" * 50, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_writes_one_json_object_per_line_on_stderr_in_production():
    result = run_python(DEBUG="0")
    assert result.returncode == 0, result.stderr
    [line] = result.stderr.strip().splitlines()
    entry = json.loads(line)
    assert entry["level"] == "WARNING"
    assert entry["logger"] == "portal.check"
    assert entry["message"] == "disk var full"
    assert entry["time"].endswith("+00:00")


def test_it_writes_plain_text_in_debug_and_json_when_asked():
    text = run_python(DEBUG="1")
    assert text.stderr.strip().endswith("WARNING portal.check disk var full")
    assert json.loads(run_python(DEBUG="1", LOG_FORMAT="json").stderr)["message"] == (
        "disk var full"
    )


def test_it_logs_a_portal_request_with_network_user_status_and_duration(network, owner):
    with json_lines() as lines:
        assert client_for(network, owner).get("/manage/members/").status_code == 200
    [entry] = [line for line in lines if line["logger"] == "network.request"]
    assert entry["network"] == "alpha"
    assert entry["user_id"] == owner.pk
    assert (entry["method"], entry["path"], entry["status"]) == ("GET", "/manage/members/", 200)
    assert isinstance(entry["duration_ms"], float) and entry["duration_ms"] > 0
    assert entry["level"] == "INFO" and entry["message"] == "GET /manage/members/ 200"


def test_it_names_the_request_in_djangos_own_records(network, owner):
    with json_lines() as lines:
        assert client_for(network, owner).get("/no-such-page/").status_code == 404
    [entry] = [line for line in lines if line["logger"] == "django.request"]
    assert entry["network"] == "alpha"
    assert entry["user_id"] == owner.pk
    assert (entry["path"], entry["status"]) == ("/no-such-page/", 404)


def test_it_carries_the_exception_as_text():
    try:
        raise ValueError("bad amount")
    except ValueError:
        record = logging.getLogger("x").makeRecord(
            "x", logging.ERROR, __file__, 1, "failed", (), sys.exc_info()
        )
    entry = json.loads(JsonFormatter().format(record))
    assert "ValueError: bad amount" in entry["exception"]


def test_it_writes_no_line_per_click(network):
    with json_lines() as lines:
        response = client_for(network).get("/aff_c?offer_id=999&aff_id=1")
    assert response.status_code in (302, 404)
    assert not [line for line in lines if line["logger"] == "network.request"]
