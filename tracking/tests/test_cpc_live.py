"""CPC on the live stack: clicks through the Redis buffer, conversions made by a real drainer
(`manage.py drain_clicks` in a subprocess) after its COPY. PostgreSQL + Redis only (CI)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django_scopes import scope, scopes_disabled

from conftest import client_for, make_member
from network.models import Role
from offers.models import Cap
from tracking.buffer import BUFFER_KEY, PROCESSING_KEY
from tracking.drain import drain_once
from tracking.models import Click, Conversion
from tracking.tests.helpers import REDIS_URL, emptied_buffer, needs_postgres, needs_redis
from tracking.tests.test_concurrency import ROOT, in_threads
from tracking.tests.test_cpc import cpc_world

pytestmark = [
    # test_cpc.py makes the same conversions through direct inserts.
    needs_postgres("the drainer's COPY needs PostgreSQL"),
    needs_redis,
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def world(network, owner, publisher_user):
    return cpc_world(network, owner, publisher_user)


@pytest.fixture
def redis_buffer(settings):
    # A fresh test database reuses the networks' ids: forget an earlier run's unique visitors.
    yield from emptied_buffer(settings, also=("clicks:drainer",), patterns=("uniq:*",))


def clicks(network, world, count: int, first: int = 1) -> None:
    for n in range(first, first + count):
        response = client_for(network).get(
            "/aff_c",
            {"offer_id": world["offer"].pk, "aff_id": world["runner"].pk},
            REMOTE_ADDR=f"198.51.100.{n}",
        )
        assert response.status_code == 302


def cpc_count(world) -> int:
    with scopes_disabled():
        return Conversion.objects.filter(goal=world["cpc_goal"], method="click").count()


def drainer_env() -> dict[str, str]:
    db = settings.DATABASES["default"]
    return {
        **os.environ,
        "REDIS_URL": REDIS_URL,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "drainer-test-key"),
    }


def test_it_makes_20_conversions_of_20_unique_clicks_within_60_s(network, world, redis_buffer):
    drainer = subprocess.Popen(
        [sys.executable, "manage.py", "drain_clicks"],
        cwd=ROOT,
        env=drainer_env(),
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        clicks(network, world, 20)
        clicks(network, world, 1, first=5)  # a repeated visitor: no second conversion
        deadline = time.monotonic() + 60
        while cpc_count(world) < 20 and time.monotonic() < deadline:
            assert drainer.poll() is None, drainer.stdout.read().decode()
            time.sleep(0.1)
        while redis_buffer.llen(BUFFER_KEY) + redis_buffer.llen(PROCESSING_KEY):
            assert time.monotonic() < deadline, "the drainer did not empty the buffer"
            time.sleep(0.1)
    finally:
        drainer.terminate()
        drainer.wait(10)
    with scopes_disabled():
        assert Click.objects.count() == 21
        made = list(Conversion.objects.filter(goal=world["cpc_goal"]))
    assert len(made) == 20
    assert {(c.status, c.revenue, c.payout) for c in made} == {
        ("pending", Decimal("0.30"), Decimal("0.25"))
    }
    connection.close()


def test_a_batch_drained_again_after_a_crash_makes_none_twice(network, world, redis_buffer):
    clicks(network, world, 12)
    batch = redis_buffer.lrange(BUFFER_KEY, 0, -1)
    assert drain_once(1000) == 12  # written, conversions made, acknowledged...
    assert cpc_count(world) == 12
    redis_buffer.rpush(PROCESSING_KEY, *batch)  # ...but as if the drainer died before the ack
    assert drain_once(1000) == 12  # the next drainer writes the leftover batch again
    assert cpc_count(world) == 12
    with scope(network=network):
        assert Click.objects.count() == 12


def test_one_batch_pays_the_clicks_of_each_network_at_its_own_prices(
    network, world, other_network, redis_buffer
):
    with scopes_disabled():
        owner = make_member(other_network, Role.OWNER, "owner@beta.example")
        runner = make_member(other_network, Role.PUBLISHER, "pub@beta.example")
        beta = cpc_world(other_network, owner, runner)
        beta["cpc_goal"].overrides.update(payout_amount=Decimal("0.11"))
    clicks(network, world, 3)
    clicks(other_network, beta, 2)
    assert redis_buffer.llen(BUFFER_KEY) == 5
    assert drain_once(1000) == 5  # one batch, both networks
    with scopes_disabled():
        made = sorted(
            Conversion.objects.values_list("network_id", "goal_id", "payout", "click__network_id")
        )
    assert made == [
        *[(network.pk, world["cpc_goal"].pk, Decimal("0.25"), network.pk)] * 3,
        *[(other_network.pk, beta["cpc_goal"].pk, Decimal("0.11"), other_network.pk)] * 2,
    ]


def test_a_cap_holds_while_the_drainer_and_postbacks_race(network, world, redis_buffer):
    with scopes_disabled():
        Cap.objects.filter(offer=world["offer"]).update(limit=15, period="total")
    clicks(network, world, 10)
    assert drain_once(1000) == 10  # 10 CPC conversions: 5 left under the cap
    with scopes_disabled():
        sold = list(Click.objects.values_list("id", flat=True))
    clicks(network, world, 10, first=100)  # 10 more unique clicks, still buffered
    token = world["advertiser"].postback_token

    def work(i: int):
        if i == 10:
            return drain_once(1000)
        return client_for(network).get(
            "/aff_lsr",
            {"transaction_id": sold[i], "goal_id": world["goal"].pk, "security_token": token},
        )

    in_threads(11, work)
    with scopes_disabled():
        statuses = list(Conversion.objects.values_list("status", "reason_code"))
    assert len(statuses) == 30
    assert sum(status == "pending" for status, _reason in statuses) == 15  # never more
    assert statuses.count(("rejected", "cap_reached")) == 15
