"""After a conversion is stored: one task checks it for fraud, then fires the postbacks."""

from __future__ import annotations

import time

import pytest
from django_scopes import scope

from conftest import client_for, make_world
from network.tests.celery_worker import TASK_TIMEOUT, read_log, worker_skip_reason
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


# A real worker: the postbacks publish one check, and the worker checks them all.


@pytest.mark.skipif(worker_skip_reason() is not None, reason=worker_skip_reason() or "")
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_checks_every_conversion_of_a_burst(network, world, celery_worker_process):
    _queue, log = celery_worker_process
    for _ in range(20):
        assert b"success=true" in convert(network, world).content
    deadline = time.monotonic() + TASK_TIMEOUT
    while time.monotonic() < deadline:
        with scope(network=network):
            unchecked = Conversion.objects.filter(fraud_checked_at__isnull=True).count()
        if not unchecked:
            break
        time.sleep(0.25)
    with scope(network=network):
        flagged = Conversion.objects.filter(fraud_flags__contains=["bot_user_agent"]).count()
    assert (unchecked, flagged) == (0, 20), read_log(log)
    # one postback or a few published the check, not twenty (the rest joined the queued one)
    assert 1 <= read_log(log).count("tracking.tasks.check_new_conversions[") // 2 < 20
