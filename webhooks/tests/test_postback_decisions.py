"""Approvals and reversals (decisions.services emits "conversion.status_changed"; the postback
adapter subscribes): the chosen endpoint is called when it asks for that event, with that
status, retried on the one schedule, and again when an admin's override makes it again."""
# ruff: noqa: F811  (the fixtures imported from test_postbacks are the tests' arguments)

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django_scopes import scope, scopes_disabled

from decisions.services import Actor, conversion_decide
from lib.tests.test_safehttp import listening
from webhooks.delivery.engine import RETRY_DELAYS
from webhooks.models import PostbackEndpoint
from webhooks.tests.test_postbacks import (  # noqa: F401  (fixtures)
    START,
    attempts_of,
    client,
    delivery_of,
    listener_url,
    make_conversion,
    make_endpoint,
    publisher,
    reload,
    second_publisher,
    world,
)

HOME = "/publisher/postbacks/"


def decide(network, conversion, to_status, reason=""):
    with scope(network=network):
        conversion_decide(
            network=network,
            conversion_id=conversion.pk,
            to_status=to_status,
            actor=Actor(label="test"),
            reason=reason,
        )


@pytest.mark.usefixtures("allow_loopback")
def test_a_reversal_calls_an_endpoint_that_chose_reversals_with_its_status(
    world, publisher, network, client, django_capture_on_commit_callbacks
):
    conversion = make_conversion(world, publisher)
    with listening() as server, django_capture_on_commit_callbacks(execute=True):
        endpoint = make_endpoint(publisher, url=listener_url(server), events=["reversed"])
        decide(network, conversion, "approved")
        assert server.requests == []  # approvals were not chosen
        decide(network, conversion, "reversed", reason="chargeback")
    assert [r["path"] for r in server.requests] == [f"/pb?c={conversion.pk}&s=reversed"]
    [attempt] = attempts_of(endpoint)
    assert (attempt.event, attempt.conversion_id, attempt.status_code) == (
        "reversed",
        conversion.pk,
        200,
    )
    # In the publisher's delivery log, named as a reversal.
    log = client.get(HOME).context["table"]
    assert [(row.get_cell("event"), row.record.url) for row in log.rows] == [
        ("Reversal", f"http://127.0.0.1:{server.port}/pb?c={conversion.pk}&s=reversed")
    ]


@pytest.mark.usefixtures("allow_loopback")
def test_a_reversal_calls_no_endpoint_that_did_not_choose_it(
    world, publisher, network, django_capture_on_commit_callbacks
):
    conversion = make_conversion(world, publisher)
    with listening() as server, django_capture_on_commit_callbacks(execute=True):
        # The offer's own endpoint stands for the global one (which did choose reversals).
        global_endpoint = make_endpoint(publisher, url=listener_url(server), events=["reversed"])
        own = make_endpoint(publisher, world["offer"], url=listener_url(server))
        assert own.events == ["created"]  # the default: each new conversion, as before
        decide(network, conversion, "approved")
        decide(network, conversion, "reversed", reason="chargeback")
        with scopes_disabled():  # now approvals too, but still not reversals
            PostbackEndpoint.objects.filter(pk=own.pk).update(events=["created", "approved"])
        second = make_conversion(world, publisher)
        decide(network, second, "approved")
        decide(network, second, "reversed", reason="refund")
    assert [r["path"] for r in server.requests] == [f"/pb?c={second.pk}&s=approved"]
    assert attempts_of(global_endpoint) == []
    assert [a.event for a in attempts_of(own)] == ["approved"]


@pytest.mark.usefixtures("allow_loopback")
def test_a_reversal_never_calls_another_publishers_endpoint(
    world, publisher, network, django_capture_on_commit_callbacks
):
    other = second_publisher(network, world)
    conversion = make_conversion(world, publisher)
    everything = ["created", "approved", "reversed"]
    with listening() as server, django_capture_on_commit_callbacks(execute=True):
        theirs = make_endpoint(other, url=listener_url(server), events=everything)
        theirs_for_offer = make_endpoint(
            other, world["offer"], url=listener_url(server), events=everything
        )
        decide(network, conversion, "approved")
        decide(network, conversion, "reversed", reason="chargeback")
    assert server.requests == []
    assert attempts_of(theirs) == [] and attempts_of(theirs_for_offer) == []


def test_a_reversal_is_retried_like_any_postback(
    world, publisher, network, django_capture_on_commit_callbacks
):
    conversion = make_conversion(world, publisher)
    endpoint = make_endpoint(publisher, url="http://10.0.0.1/pb", events=["reversed"])
    with (
        time_machine.travel(START, tick=False),
        django_capture_on_commit_callbacks(execute=True),
    ):
        decide(network, conversion, "approved")
        decide(network, conversion, "reversed", reason="chargeback")
    [attempt] = attempts_of(endpoint)
    assert (attempt.event, attempt.attempt_number) == ("reversed", 1)
    # The same backoff, failure count and auto-disable.
    delivery = delivery_of(conversion, "reversed")
    assert (delivery.state, delivery.next_attempt_at) == (
        "pending",
        START + dt.timedelta(seconds=RETRY_DELAYS[0]),
    )
    assert reload(endpoint).consecutive_failures == 1


@pytest.mark.usefixtures("allow_loopback")
def test_an_approval_overridden_back_and_forth_calls_each_time(
    world, publisher, network, django_capture_on_commit_callbacks
):
    conversion = make_conversion(world, publisher)
    override = {"reason": "the chargeback was withdrawn", "override": True}
    with listening() as server:
        make_endpoint(publisher, url=listener_url(server), events=["approved", "reversed"])
        for status, extra in [
            ("approved", {}),
            ("reversed", {"reason": "chargeback"}),
            ("approved", override),
        ]:
            with django_capture_on_commit_callbacks(execute=True), scope(network=network):
                conversion_decide(
                    network=network,
                    conversion_id=conversion.pk,
                    to_status=status,
                    actor=Actor(label="test"),
                    **extra,
                )
    assert [r["path"] for r in server.requests] == [
        f"/pb?c={conversion.pk}&s={status}" for status in ("approved", "reversed", "approved")
    ]
    delivery = delivery_of(conversion, "approved")
    assert (delivery.state, delivery.attempts) == ("delivered", 1)  # the same row, again
