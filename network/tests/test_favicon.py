"""The portal's icon: every page names it, and /favicon.ico answers on every host (browsers
ask for it on pages that name none: the error pages, a PDF, an API answer)."""

from __future__ import annotations

import pytest
from django.contrib.staticfiles import finders
from django.test import Client

from conftest import client_for

ICO_MAGIC = b"\x00\x00\x01\x00"


def content(response) -> bytes:
    return b"".join(response.streaming_content) if response.streaming else response.content


@pytest.mark.parametrize("host", ["alpha.localhost", "localhost", "unknown.example"])
def test_it_answers_favicon_ico_on_every_host(network, host):
    response = Client(HTTP_HOST=host).get("/favicon.ico")
    assert response.status_code == 200
    assert content(response).startswith(ICO_MAGIC)


def test_every_page_names_the_icon(network, owner):
    for page in (client_for(network).get("/accounts/login/"), client_for(network, owner).get("/")):
        html = page.content.decode() if page.status_code == 200 else ""
        if page.status_code == 302:
            html = client_for(network, owner).get(page["Location"]).content.decode()
        assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html


def test_the_named_icon_is_a_static_file():
    path = finders.find("favicon.svg")
    assert path is not None
    with open(path, encoding="utf-8") as svg:
        assert svg.read().startswith("<svg xmlns=")
