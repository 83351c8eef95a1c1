"""The publisher's API: who may call it, their conversions and statements, under the same rules,
services and audit as their pages. The marketplace (offers, applying, tracking links):
offers/tests/test_api_publisher.py; postbacks: webhooks/tests/test_api_publisher.py."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django_scopes import scopes_disabled

from conftest import client_for, make_member, make_world
from network.audit import AuditEntry
from network.models import Role
from network.tests.api import api_client, key_for
from offers.models import Goal, LandingPage, Offer, OfferAccess
from payouts.models import PayoutLine
from payouts.tests.helpers import make_conversion, make_publisher
from publishers.models import Publisher
from tracking.models import Conversion
from webhooks.postbacks import PostbackAttempt, PostbackEndpoint

pytestmark = pytest.mark.django_db

API = "/api/v1/publisher"
LISTS = ["offers", "conversions", "statements", "postbacks", "postback-log", "stats"]
URL = "https://tracker.example/pb?click={aff_click_id}&payout={payout}"


# --- Data ----------------------------------------------------------------------------------


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    """make_world's offer (approval, active) is run by publisher_user's company, Alpha Media,
    with a payout override of 9.50 (over its tier's 9 and the goal's 8)."""
    world = make_world(network, owner)
    world["me"] = world["offer_access"].publisher
    return world


@pytest.fixture
def pub(network, publisher_user, world):
    """A client with the publisher's key."""
    return api_client(network, key_for(network, publisher_user))


@pytest.fixture
def foreign(other_network):
    """Another network's world, and a client of its publisher on its own host."""
    admin = make_member(other_network, Role.OWNER, "owner@beta.example")
    user = make_member(other_network, Role.PUBLISHER, "pub@beta.example", company="Beta Media")
    world = make_world(other_network, admin)
    return {**world, "client": api_client(other_network, key_for(other_network, user))}


def make_offer(world, name: str, *, visibility: str = "approval", **fields) -> Offer:
    network = world["offer"].network
    with scopes_disabled():
        offer = Offer.objects.create(
            network=network,
            advertiser=world["advertiser"],
            name=name,
            category=fields.pop("category", "ecommerce"),
            currency="USD",
            status=fields.pop("status", Offer.Status.ACTIVE),
            visibility=visibility,
            **fields,
        )
        Goal.objects.create(
            network=network,
            offer=offer,
            name="Sale",
            is_default=True,
            revenue_type="cps",
            revenue_percent=10,
            payout_type="cps",
            payout_percent="7.5",
            payout_set=True,
        )
        LandingPage.objects.create(
            network=network, offer=offer, name="Home", url_template="https://s.example/?t={aff_sub}"
        )
    return offer


def grant(offer: Offer, publisher: Publisher, status: str = "approved") -> OfferAccess:
    with scopes_disabled():
        return OfferAccess.objects.create(
            network=offer.network, offer=offer, publisher=publisher, status=status
        )


def fresh(obj):
    with scopes_disabled():
        return type(obj).objects.get(pk=obj.pk)


def audit_of(obj, action: str | None = None) -> list[AuditEntry]:
    with scopes_disabled():
        entries = AuditEntry.objects.filter(
            object_type=obj._meta.label_lower, object_id=str(obj.pk)
        )
        if action:
            entries = entries.filter(action=action)
        return list(entries.order_by("id"))


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content
    body = response.json()
    assert set(body) == {"error"} and body["error"]["status"] == status
    return body["error"]


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content
    return [row["id"] for row in response.json()["results"]]


def key_prefix(client) -> str:
    return client._credentials["HTTP_AUTHORIZATION"].split("_")[1]


def unapprove(publisher: Publisher) -> None:
    with scopes_disabled():
        Publisher.objects.filter(pk=publisher.pk).update(status=Publisher.Status.PENDING)


# --- Who may call --------------------------------------------------------------------------


@pytest.mark.parametrize("endpoint", LISTS)
def test_it_answers_publishers_of_this_network_and_refuses_the_rest(
    network, other_network, world, publisher_user, owner, advertiser_user, endpoint
):
    key = key_for(network, publisher_user)
    assert api_client(network, key).get(f"{API}/{endpoint}/").status_code == 200
    assert error_of(api_client(network).get(f"{API}/{endpoint}/"), 401)
    if endpoint != "stats":  # stats is every role's (reports/tests/test_api_stats.py)
        for member in (owner, advertiser_user):
            client = api_client(network, key_for(network, member))
            assert error_of(client.get(f"{API}/{endpoint}/"), 403)["code"] == "permission_denied"
    # The key on another network's host is no key there.
    assert error_of(api_client(other_network, key).get(f"{API}/{endpoint}/"), 401)


def test_a_member_of_another_network_gets_404_for_this_networks_ids(
    network, other_network, world, foreign
):
    stranger = make_member(other_network, Role.PUBLISHER, "x@beta.example")
    assert error_of(client_for(network, stranger).get(f"{API}/offers/{world['offer'].pk}/"), 404)
    conversion = make_conversion(world)
    for path in (
        f"offers/{world['offer'].pk}/",
        f"conversions/{conversion.pk}/",
        f"statements/{world['payout_line'].pk}/",
        f"postbacks/{world['postback_endpoint'].pk}/",
    ):
        assert error_of(foreign["client"].get(f"{API}/{path}"), 404), path
    client = foreign["client"]
    assert error_of(client.post(f"{API}/offers/{world['offer'].pk}/apply/", {}), 404)
    assert error_of(client.post(f"{API}/postbacks/{world['postback_endpoint'].pk}/disable/"), 404)
    assert fresh(world["postback_endpoint"]).is_active
    # An id of this network in a body, sent on the other network's host: does not exist.
    answer = client.post(f"{API}/tracking-links/", {"offer": world["offer"].pk}, format="json")
    assert "does not exist" in error_of(answer, 400)["fields"]["offer"][0]


def test_another_publisher_of_the_network_sees_none_of_it(network, world):
    other = make_publisher(network, "Other Media")
    grant(world["offer"], other)
    conversion = make_conversion(world, publisher=other)
    with scopes_disabled():
        endpoint = PostbackEndpoint.objects.create(
            network=network, publisher=other, url_template="https://o.example/pb"
        )
        attempt = PostbackAttempt.objects.create(
            network=network, endpoint=endpoint, event="test", url="https://o.example/pb"
        )
    user = make_member(network, Role.PUBLISHER, "mine@alpha.example", company="Third Media")
    with scopes_disabled():
        me = Publisher.objects.get(name="Third Media")
    grant(world["offer"], me)
    client = api_client(network, key_for(network, user))
    for path in (
        f"conversions/{conversion.pk}/",
        f"statements/{world['payout_line'].pk}/",
        f"postbacks/{endpoint.pk}/",
        f"postback-log/{attempt.pk}/",
    ):
        assert error_of(client.get(f"{API}/{path}"), 404), path
    assert error_of(client.delete(f"{API}/postbacks/{endpoint.pk}/"), 404)
    assert fresh(endpoint).url_template == "https://o.example/pb"
    for endpoint_name in ("conversions", "statements", "postbacks", "postback-log"):
        assert ids(client.get(f"{API}/{endpoint_name}/")) == [], endpoint_name


def test_a_publisher_under_review_is_refused_offers_links_and_postbacks(
    network, world, pub, publisher_user
):
    unapprove(world["me"])
    public = make_offer(world, "Open Offer", visibility="public")
    message = "not approved yet"
    for response in (
        pub.get(f"{API}/offers/"),
        pub.get(f"{API}/offers/{world['offer'].pk}/"),
        pub.post(f"{API}/offers/{public.pk}/apply/", {}, format="json"),
        pub.post(f"{API}/tracking-links/", {"offer": world["offer"].pk}, format="json"),
        pub.put(f"{API}/postbacks/global/", {"url_template": URL}, format="json"),
        pub.get(f"{API}/postback-log/"),
    ):
        assert message in error_of(response, 403)["message"]
    with scopes_disabled():
        assert not OfferAccess.objects.filter(offer=public).exists()
        assert not PostbackEndpoint.objects.filter(offer__isnull=True).exists()
    # Their conversions and statements stay theirs to read, as on the pages.
    assert pub.get(f"{API}/conversions/").status_code == 200


# --- Conversions ---------------------------------------------------------------------------


def test_it_lists_their_conversions_as_their_page_shows_them(network, world, pub):
    me = world["me"]
    other = make_publisher(network, "Other Media")
    day = datetime(2026, 5, 10, 12, tzinfo=UTC)
    old = make_conversion(world, at=day - timedelta(days=5), payout="4.50", revenue="6.00")
    new = make_conversion(world, at=day, payout="8.00", flags=["datacenter_ip"])
    make_conversion(world, publisher=other, at=day)
    with scopes_disabled():
        Conversion.objects.filter(pk=new.pk).update(status="approved", order_id="A-1")
    assert ids(pub.get(f"{API}/conversions/")) == [new.pk, old.pk]
    row = pub.get(f"{API}/conversions/{old.pk}/").json()
    assert (row["payout"], row["currency"], row["status"]) == ("4.50", "USD", "pending")
    assert row["transaction_id"] == old.click_id and row["offer"] == world["offer"].pk
    for hidden in ("revenue", "fraud_flags", "publisher", "ip", "adv_sub"):
        assert hidden not in row
    assert ids(pub.get(f"{API}/conversions/", {"status": "approved"})) == [new.pk]
    assert ids(pub.get(f"{API}/conversions/", {"order_id": "A-1"})) == [new.pk]
    window = {"created_from": "2026-05-04", "created_to": "2026-05-06"}
    assert ids(pub.get(f"{API}/conversions/", window)) == [old.pk]
    assert ids(pub.get(f"{API}/conversions/", {"ordering": "payout"})) == [old.pk, new.pk]
    assert ids(pub.get(f"{API}/conversions/", {"offer": world["offer"].pk})) == [new.pk, old.pk]
    # No fraud flag filter for publishers; an offer they never saw is not a choice.
    hidden_offer = make_offer(world, "Secret", visibility="private")
    answer = pub.get(f"{API}/conversions/", {"offer": hidden_offer.pk})
    assert error_of(answer, 400)["fields"]["offer"]
    assert me.pk == new.publisher_id


# --- Statements ----------------------------------------------------------------------------


def test_it_lists_their_payout_lines(network, world, pub):
    me, run = world["me"], world["payout_run"]
    with scopes_disabled():
        line = PayoutLine.objects.create(
            network=network,
            run=run,
            publisher=me,
            currency="USD",
            amount=12_345,
            conversions=3,
            to_time=run.cutoff,
            status=PayoutLine.Status.PAID,
            payment_reference="PP-1",
            paid_at=run.cutoff,
        )
        carried = PayoutLine.objects.create(
            network=network,
            run=run,
            publisher=me,
            currency="VND",
            amount=5_000,
            to_time=run.cutoff,
            status=PayoutLine.Status.CARRIED,
        )
    assert set(ids(pub.get(f"{API}/statements/"))) == {line.pk, carried.pk}  # not the others'
    body = pub.get(f"{API}/statements/{line.pk}/").json()
    assert (body["amount"], body["currency"], body["period"]) == ("123.45", "USD", "2026-09-01")
    assert (body["status"], body["payment_reference"]) == ("paid", "PP-1")
    assert pub.get(f"{API}/statements/{carried.pk}/").json()["amount"] == "5000"  # no decimals
    assert ids(pub.get(f"{API}/statements/", {"status": "carried"})) == [carried.pk]
    assert ids(pub.get(f"{API}/statements/", {"currency": "USD"})) == [line.pk]
    assert ids(pub.get(f"{API}/statements/", {"period_from": "2026-10-01"})) == []
    # Pages by the run's period, then id (the cursor reads the period off each line).
    first = pub.get(f"{API}/statements/", {"page_size": 1}).json()
    second = pub.get(first["next"]).json()
    assert [r["id"] for r in first["results"] + second["results"]] == [carried.pk, line.pk]
    assert second["next"] is None
