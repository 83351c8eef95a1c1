"""CPC: a goal of type "cpc" makes one conversion per unique accepted click, priced and paid
like any conversion. These tests run where clicks are inserted directly (no Redis: SQLite in
development); test_cpc_live.py makes the same through the Redis buffer and a real drainer."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django_scopes import scope, scopes_disabled

from commissions.models import PayoutOverride
from conftest import client_for, set_minimum
from decisions.services import approve_held_conversions
from offers.models import Cap, LandingPage, Offer, OfferAccess
from payouts.models import PayoutLine
from payouts.runs import payout_run_create
from payouts.tests.helpers import IN_OCTOBER
from tracking import caps, cpc, follow_ups
from tracking.models import Click, Conversion
from tracking.tests.helpers import add_goal, runner_world
from webhooks.models import PostbackAttempt


@pytest.fixture
def world(network, owner, publisher_user):
    return cpc_world(network, owner, publisher_user)


def cpc_world(network, owner, publisher_user):
    """make_world's offer with a second goal, "Click": CPC, 0.30 revenue, 0.20 payout, and a
    payout override of 0.25 for the publisher who sends the clicks."""
    world = runner_world(network, owner, publisher_user, money=False)
    with scope(network=network):
        world["cpc_goal"] = add_goal(
            world["offer"], "Click", kind="cpc", revenue=Decimal("0.30"), payout=Decimal("0.20")
        )
        PayoutOverride.objects.create(
            network=network,
            goal=world["cpc_goal"],
            publisher=world["runner"],
            payout_type="cpc",
            payout_amount=Decimal("0.25"),
        )
        world["postback_endpoint"].publisher = world["runner"]
        world["postback_endpoint"].save()
    return world


def click(network, world, n: int = 1, offer=None, agent: str = "Mozilla/5.0 Firefox/128.0"):
    offer = offer or world["offer"]
    return client_for(network).get(
        "/aff_c",
        {"offer_id": offer.pk, "aff_id": world["runner"].pk},
        REMOTE_ADDR=f"203.0.113.{n}",
        HTTP_USER_AGENT=agent,
    )


def cpc_conversions(network, world) -> list[Conversion]:
    with scope(network=network):
        return list(Conversion.objects.filter(goal=world["cpc_goal"]).order_by("id"))


def test_it_makes_one_conversion_per_unique_click_priced_as_any_conversion(network, world):
    for n in range(1, 21):
        click(network, world, n)

    made = cpc_conversions(network, world)

    assert len(made) == 20
    with scope(network=network):
        clicks = {c.pk: c for c in Click.objects.all()}
    assert {m.click_id for m in made} == set(clicks)
    for conversion in made:
        assert (conversion.method, conversion.status, conversion.currency) == (
            "click",
            "pending",
            "USD",
        )
        # The goal's revenue; the payout through the publisher's override.
        assert (conversion.revenue, conversion.payout) == (Decimal("0.30"), Decimal("0.25"))
        assert conversion.publisher_id == world["runner"].pk
        assert conversion.created_at == clicks[conversion.click_id].created_at
        assert conversion.fraud_checked_at is None  # the follow-ups' outbox picks it up
    with scope(network=network):  # the offer's other goal (a sale) made nothing
        assert Conversion.objects.count() == 20


def test_it_makes_one_conversion_for_a_repeated_visitor(network, world):
    for _ in range(3):
        click(network, world, 7)
    assert len(cpc_conversions(network, world)) == 1


def test_it_makes_none_for_a_rejected_click(network, world):
    with scopes_disabled():
        OfferAccess.objects.filter(pk=world["offer_access"].pk).update(status="pending")
    click(network, world)
    with scope(network=network):
        assert Click.objects.get().status == "rejected"
    assert cpc_conversions(network, world) == []


def test_it_makes_none_twice_when_the_same_clicks_are_written_again(network, world):
    for n in range(1, 6):
        click(network, world, n)
    with scope(network=network):
        stored = [
            cpc.StoredClick(c.pk, c.network_id, c.offer_id, c.publisher_id)
            for c in Click.objects.all()
        ]
    assert cpc.clicks_written(stored) == 0  # a batch re-drained after a crash
    assert len(cpc_conversions(network, world)) == 5


def test_it_pays_a_fallback_offers_cpc_click(network, world):
    with scopes_disabled():
        other = Offer.objects.create(
            network=network,
            advertiser=world["advertiser"],
            name="Paused",
            category="ecommerce",
            currency="USD",
            status=Offer.Status.PAUSED,
            fallback_offer=world["offer"],
        )
        LandingPage.objects.create(
            network=network, offer=other, name="Home", url_template="https://p.example/"
        )
    click(network, world, offer=other)
    [conversion] = cpc_conversions(network, world)
    with scope(network=network):
        assert conversion.click.status == "accepted"
        assert conversion.offer_id == world["offer"].pk


def test_a_cpc_cap_counts_them_and_a_full_one_sends_clicks_to_the_fallback(network, world):
    with scopes_disabled():
        cap = Cap.objects.get(offer=world["offer"])
        Cap.objects.filter(pk=cap.pk).update(limit=3, action="fallback")
        cap.refresh_from_db()
    first = click(network, world, 1)
    for n in range(2, 4):
        assert click(network, world, n)["Location"].startswith("https://shop.example/")

    with scope(network=network):
        assert caps.usages([cap], network)[cap.id] == 3  # the advertiser's dashboard
    assert click(network, world, 9)["Location"] == "https://alpha.localhost/"  # full: fallback
    sale = client_for(network).get(  # a sale on the same offer finds the cap used up
        "/aff_lsr",
        {
            "transaction_id": first.cookies[f"tid_{world['offer'].pk}"].value,
            "goal_id": world["goal"].pk,
            "security_token": world["advertiser"].postback_token,
        },
    )
    assert b"status=rejected" in sale.content
    with scope(network=network):
        assert Conversion.objects.get(goal=world["goal"]).reason_code == "cap_reached"
    assert [c.status for c in cpc_conversions(network, world)] == ["pending"] * 3


def test_a_cpc_cap_rejects_the_clicks_of_a_batch_past_its_limit(network, world):
    with scopes_disabled():
        Cap.objects.filter(offer=world["offer"]).update(limit=2)  # action: stop
    for n in range(1, 5):
        click(network, world, n)
    made = cpc_conversions(network, world)
    assert [(c.status, c.reason_code) for c in made] == [
        ("pending", ""),
        ("pending", ""),
        ("rejected", "cap_reached"),
        ("rejected", "cap_reached"),
    ]


def test_the_monthly_run_pays_them_after_checks_and_hold(
    network, world, django_capture_on_commit_callbacks
):
    set_minimum(network, "USD", 1)
    with time_machine.travel(IN_OCTOBER, tick=False):
        for n in range(1, 9):
            click(network, world, n)
    with scope(network=network), django_capture_on_commit_callbacks(execute=True):
        assert follow_ups.sweep(network_id=network.pk) == 8  # what the sweeper does
    made = cpc_conversions(network, world)
    assert all(c.fraud_checked_at and c.fraud_flags == [] for c in made)
    with scope(network=network):  # the publisher's postback fired for each
        assert PostbackAttempt.objects.filter(conversion__in=made).count() == 8
    with time_machine.travel(IN_OCTOBER + timedelta(days=8), tick=False), scope(network=network):
        assert approve_held_conversions(network) == 8
    after_october = datetime(2026, 11, 2, tzinfo=UTC)
    with time_machine.travel(after_october, tick=False), scope(network=network):
        run = payout_run_create(network, date(2026, 10, 1))
    with scopes_disabled():
        line = PayoutLine.objects.get(run=run)
    assert (line.publisher_id, line.amount, line.conversions) == (world["runner"].pk, 200, 8)
