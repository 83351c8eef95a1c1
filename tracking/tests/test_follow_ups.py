"""After a conversion is stored: one task checks it for fraud, then fires the postbacks."""

from __future__ import annotations

import pytest
from django_scopes import scope

from conftest import client_for, make_world
from publishers.postbacks import PostbackAttempt
from tracking.models import Conversion

BOT = "python-requests/2.32"


@pytest.fixture
def world(network, owner, publisher_user):
    world = make_world(network, owner)
    with scope(network=network):
        world["runner"] = publisher_user.memberships.get().publisher
        world["postback_endpoint"].publisher = world["runner"]
        world["postback_endpoint"].save()
    return world


def convert(network, world, agent=BOT, **params):
    client = client_for(network)
    click = client.get(
        f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}", HTTP_USER_AGENT=agent
    )
    click_id = click.cookies[f"tid_{world['offer'].pk}"].value
    token = world["advertiser"].postback_token
    query = "&".join(f"{k}={v}" for k, v in params.items())
    return client.get(f"/aff_lsr?transaction_id={click_id}&security_token={token}&{query}")


def test_it_flags_and_fires_postbacks_after_commit(
    network, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        convert(network, world)
    with scope(network=network):
        conversion = Conversion.objects.get()
        attempt = PostbackAttempt.objects.get()
    assert "bot_user_agent" in conversion.fraud_flags and conversion.fraud_checked_at
    assert attempt.conversion == conversion and attempt.event == "created"
    assert f"c={conversion.pk}" in attempt.url


def test_it_fires_no_postback_for_a_refused_conversion(
    network, world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        convert(network, world, status="rejected")
    with scope(network=network):
        assert Conversion.objects.get().status == "rejected"
        assert not PostbackAttempt.objects.exists()
