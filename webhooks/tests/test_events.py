"""Each event is emitted by the service that makes the change, with its payload; nothing is
queued (nor queried) when no endpoint subscribes; an event rolled back with its change is
never delivered."""

from __future__ import annotations

import json
from datetime import date

import pytest
import time_machine
from django.db import transaction
from django_scopes import scope, scopes_disabled

from conftest import client_for, set_minimum
from decisions.services import Actor, conversion_decide
from decisions.tasks import approve_held_conversions
from payouts.models import PayoutLine
from payouts.runs import payout_lines_mark_paid, payout_run_approve, payout_run_create
from payouts.tests.helpers import AFTER_OCTOBER, IN_OCTOBER, RECENT, make_conversion
from payouts.tests.test_runs import with_mfa
from publishers.services import publisher_apply
from tracking import follow_ups
from tracking.models import Conversion
from tracking.tests.helpers import runner_world
from webhooks import events
from webhooks.models import WebhookDelivery
from webhooks.tests.helpers import make_endpoint

APPLICATION = {
    "name": "Sunrise Deals",
    "website": "sunrise-deals.example",
    "traffic_sources": ["coupon", "email"],
    "traffic_description": "A coupon site.",
    "country": "VN",
}


@pytest.fixture
def world(network, owner, publisher_user):
    world = runner_world(network, owner, publisher_user, money=False)
    return {**world, "token": world["advertiser"].postback_token}


def payloads(network, event: str) -> list[dict]:
    with scopes_disabled():
        return [
            d.payload
            for d in WebhookDelivery.objects.filter(network=network, event=event).order_by("id")
        ]


def postback(network, world, **params):
    click = client_for(network).get(
        f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}",
        REMOTE_ADDR="203.0.113.7",
    )
    click_id = click.cookies[f"tid_{world['offer'].pk}"].value
    params = {"transaction_id": click_id, "security_token": world["token"], **params}
    response = client_for(network).get("/aff_lsr", params, REMOTE_ADDR="198.51.100.20")
    assert response.status_code == 200, response.content
    follow_ups.sweep()  # conversion.created is the sweeper's (the row is the outbox)
    return click_id


def test_a_postback_emits_conversion_created(network, world):
    make_endpoint(network, events=["conversion.created"])
    click_id = postback(network, world, amount="120.505", conversion_unique_id="A-1", adv_sub="x")
    with scope(network=network):
        conversion = Conversion.objects.get()
    [payload] = payloads(network, "conversion.created")
    assert payload["type"] == "conversion.created"
    assert payload["network_id"] == network.pk
    assert payload["id"].startswith("evt_")
    data = payload["data"]["conversion"]
    # make_world: revenue CPA 10, the publisher's override pays 9.50; the sale rounds half-even.
    assert {k: data[k] for k in ("id", "status", "transaction_id", "order_id", "adv_sub")} == {
        "id": conversion.pk,
        "status": "pending",
        "transaction_id": click_id,
        "order_id": "A-1",
        "adv_sub": "x",
    }
    assert (data["sale_amount"], data["revenue"], data["payout"], data["currency"]) == (
        "120.50",
        "10.00",
        "9.50",
        "USD",
    )
    assert data["offer"] == {"id": world["offer"].pk, "name": world["offer"].name}
    assert data["publisher_id"] == world["runner"].pk


def test_a_duplicate_postback_emits_nothing_more(network, world):
    make_endpoint(network, events=["conversion.created"])
    postback(network, world, conversion_unique_id="A-1")
    postback(network, world, conversion_unique_id="A-1")  # another click, the same order
    assert len(payloads(network, "conversion.created")) == 1


def test_nothing_is_queued_when_no_endpoint_subscribes(network, world):
    make_endpoint(network, events=["payout_line.paid"])
    make_endpoint(network, events=["conversion.created"], is_active=False)
    postback(network, world)
    assert payloads(network, "conversion.created") == []


def test_no_query_per_event_while_nobody_subscribes(network, django_assert_num_queries):
    make_endpoint(network, events=["payout_line.paid"])
    events.emit(network.pk, "conversion.created", object())  # loads the cache: one query
    with django_assert_num_queries(0):
        for _ in range(1000):
            assert events.emit(network.pk, "conversion.created", object()) == 0


def test_an_endpoint_saved_in_this_process_is_seen_at_once(network):
    assert events.emit(network.pk, "publisher.applied", lambda: {}) == 0  # cached: nobody
    endpoint = make_endpoint(network, events=["publisher.applied"])
    assert events.emit(network.pk, "publisher.applied", lambda: {}) == 1
    with scopes_disabled():
        endpoint.is_active = False
        endpoint.save()
    assert events.emit(network.pk, "publisher.applied", lambda: {}) == 0


def test_status_changes_emit_conversion_status_changed(network, world):
    make_endpoint(network, events=["conversion.status_changed"])
    conversion = make_conversion(world, publisher=world["runner"])
    with scope(network=network):
        conversion_decide(
            network=network, conversion_id=conversion.pk, to_status="approved", actor=Actor()
        )
        conversion_decide(
            network=network,
            conversion_id=conversion.pk,
            to_status="reversed",
            actor=Actor(label="API key 1a2b"),
            reason="chargeback",
        )
    approval, reversal = payloads(network, "conversion.status_changed")
    assert (approval["data"]["previous_status"], approval["data"]["status"]) == (
        "pending",
        "approved",
    )
    assert approval["data"]["conversion"]["status"] == "approved"
    assert approval["data"]["conversion"]["payout"] == "8.00"
    assert {k: reversal["data"][k] for k in ("previous_status", "status", "reason")} == {
        "previous_status": "approved",
        "status": "reversed",
        "reason": "chargeback",
    }
    assert reversal["data"]["changed_by"] == "API key 1a2b"


def test_the_hold_period_job_emits_conversion_status_changed(network, world):
    make_endpoint(network, events=["conversion.status_changed"])
    conversion = make_conversion(world, publisher=world["runner"], at=IN_OCTOBER)
    with time_machine.travel(AFTER_OCTOBER, tick=False):
        approve_held_conversions.apply(kwargs={"network_id": network.pk})
    [payload] = payloads(network, "conversion.status_changed")
    assert payload["data"]["conversion"]["id"] == conversion.pk
    assert payload["data"]["changed_by"] == "system: hold period passed"


def test_an_advertisers_review_emits_conversion_status_changed(network, advertiser_user, world):
    make_endpoint(network, events=["conversion.status_changed"])
    conversion = make_conversion(world, publisher=world["runner"])
    client = client_for(network, advertiser_user)
    client.post(
        "/advertiser/conversions/",
        {"selected": [conversion.pk], "action": "rejected", "reason": "test order"},
    )
    with scope(network=network):
        assert Conversion.objects.get().status == "rejected"
    [payload] = payloads(network, "conversion.status_changed")
    assert (payload["data"]["status"], payload["data"]["reason"]) == ("rejected", "test order")
    assert payload["data"]["changed_by"] == advertiser_user.email


def test_an_application_emits_publisher_applied(network, outsider):
    make_endpoint(network, events=["publisher.applied"])
    client_for(network, outsider).post("/apply/", APPLICATION)
    [payload] = payloads(network, "publisher.applied")
    publisher = payload["data"]["publisher"]
    assert {k: publisher[k] for k in ("name", "website", "country", "status")} == {
        "name": "Sunrise Deals",
        "website": "https://sunrise-deals.example",
        "country": "VN",
        "status": "pending",
    }
    assert publisher["traffic_sources"] == ["coupon", "email"]
    assert publisher["applicant_email"] == outsider.email


def test_an_event_rolled_back_with_its_change_is_never_sent(network, outsider):
    make_endpoint(network, events=["publisher.applied"])
    with pytest.raises(RuntimeError), scope(network=network), transaction.atomic():
        publisher_apply(
            network=network, user=outsider, **{**APPLICATION, "website": "https://s.example"}
        )
        raise RuntimeError("the caller's transaction fails after the service")
    assert payloads(network, "publisher.applied") == []


def test_a_payout_run_approved_and_its_line_paid_are_emitted(network, world, owner):
    make_endpoint(network, events=["payout_run.approved", "payout_line.paid"])
    set_minimum(network, "USD", 1)
    with_mfa(owner)
    conversion = make_conversion(world, publisher=world["runner"], at=IN_OCTOBER)
    with time_machine.travel(IN_OCTOBER, tick=False), scope(network=network):
        conversion_decide(
            network=network, conversion_id=conversion.pk, to_status="approved", actor=Actor()
        )
    with time_machine.travel(AFTER_OCTOBER, tick=False), scope(network=network):
        run = payout_run_create(network, date(2026, 10, 1))
        payout_run_approve(network, run.pk, actor=owner, proof=RECENT)
        [line_id] = PayoutLine.objects.filter(run=run).values_list("pk", flat=True)
        payout_lines_mark_paid(
            network, run.pk, [line_id], reference="BATCH-7", actor=owner, proof=RECENT
        )
    [approved] = payloads(network, "payout_run.approved")
    assert approved["data"]["payout_run"] == {
        "id": run.pk,
        "period": "2026-10",
        "cutoff": "2026-11-01T00:00:00Z",
        "status": "approved",
        "approved_at": "2026-11-02T12:00:00Z",
        "approved_by": owner.email,
        "totals": [{"currency": "USD", "amount": "8.00", "lines": 1}],
    }
    [paid] = payloads(network, "payout_line.paid")
    assert paid["data"]["payout_line"] == {
        "id": line_id,
        "payout_run": {"id": run.pk, "period": "2026-10"},
        "publisher": {"id": world["runner"].pk, "name": world["runner"].name},
        "currency": "USD",
        "amount": "8.00",
        "conversions": 1,
        "status": "paid",
        "payment_reference": "BATCH-7",
        "paid_at": "2026-11-02T12:00:00Z",
    }
    # The body sent is this payload, byte for byte what the signature covers.
    assert json.loads(json.dumps(paid)) == paid


def test_money_keeps_the_currencys_own_precision():
    from webhooks.payloads import decimal_text, minor_text

    assert minor_text(12345, "USD") == "123.45"
    assert minor_text(125000, "VND") == "125000"
    assert minor_text(1, "KWD") == "0.001"
    assert minor_text(-800, "USD") == "-8.00"
    assert minor_text(0, "USD") == "0.00"
    assert decimal_text("120.505", "USD") == "120.50"
    assert decimal_text("9.5", "VND") == "10"
