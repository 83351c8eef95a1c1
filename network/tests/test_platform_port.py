"""Links follow the port the portal serves on: in development PLATFORM_PORT comes from PORT
(`PORT=8101 make run`) unless set, in production links carry none. The pages that hand out
links (the publisher's tracking link and pixel, the advertiser's postback URL) and the emails
and the seed's banner (Network.absolute_url) all use it."""

from __future__ import annotations

import os
import subprocess
import sys
from html import escape
from pathlib import Path

import pytest
from django_scopes import scope

from conftest import client_for, make_world

ROOT = Path(__file__).resolve().parents[2]
PRINT_PORT = "from django.conf import settings; print(repr(settings.PLATFORM_PORT))"


def platform_port(**env: str) -> str:
    """PLATFORM_PORT as network/settings.py derives it in a process started with `env`."""
    names = ("DEBUG", "SECRET_KEY", "PORT", "PLATFORM_PORT")
    clean = {k: v for k, v in os.environ.items() if k not in names}
    result = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT_PORT}"],
        cwd=ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "network.settings", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


@pytest.mark.parametrize(
    ("env", "port"),
    [
        ({"DEBUG": "1", "PORT": "8101"}, "'8101'"),  # PORT=8101 make run
        ({"DEBUG": "1"}, "'8000'"),  # make run
        ({"DEBUG": "1", "PORT": "8101", "PLATFORM_PORT": "9000"}, "'9000'"),  # behind a proxy
        ({"DEBUG": "0", "SECRET_KEY": "x" * 50, "PORT": "8101"}, "''"),  # production: 443
        ({"DEBUG": "0", "SECRET_KEY": "x" * 50, "PLATFORM_PORT": "8443"}, "'8443'"),
    ],
)
def test_platform_port_follows_port_in_development(env, port):
    assert platform_port(**env) == port


@pytest.fixture
def on_port_8101(settings):
    """What `PORT=8101 make run` derives."""
    settings.PLATFORM_SCHEME, settings.PLATFORM_PORT = "http", "8101"


def test_the_publishers_tracking_link_and_pixel_carry_the_port(
    on_port_8101, network, owner, publisher_user
):
    world = make_world(network, owner)
    offer = world["offer"]
    html = client_for(network, publisher_user).get(f"/publisher/offers/{offer.pk}/").content
    html = html.decode()
    with scope(network=network):
        publisher = publisher_user.memberships.get().publisher
    link = f"http://alpha.localhost:8101/aff_c?offer_id={offer.pk}&aff_id={publisher.pk}"
    # The field the Copy button copies (data-copy="tracking-link") holds the link.
    field = '<textarea id="tracking-link" rows="2" readonly aria-label="Tracking link" class="code"'
    assert f"{field}>{escape(link)}</textarea>" in html
    assert 'data-copy="tracking-link"' in html
    assert escape(f"http://alpha.localhost:8101/aff_i?offer_id={offer.pk}") in html


def test_the_advertisers_postback_url_and_pixel_carry_the_port(
    on_port_8101, network, owner, advertiser_user
):
    make_world(network, owner)
    html = client_for(network, advertiser_user).get("/advertiser/integration/").content.decode()
    assert "http://alpha.localhost:8101/aff_lsr?transaction_id=CLICK_ID&amp;" in html
    assert "http://alpha.localhost:8101/aff_l?offer_id=" in html


def test_emails_and_the_seeds_banner_carry_the_port(on_port_8101, network):
    assert network.absolute_url() == "http://alpha.localhost:8101/"
    assert network.absolute_url("/invitations/k/") == "http://alpha.localhost:8101/invitations/k/"
