"""Each role's conversions through the API (tracking/api_admin.py, api_advertiser.py,
api_publisher.py): the conversions pages' filters, and what each role reads (admins revenue
and payout, advertisers revenue, publishers their payout). Decisions:
decisions/tests/test_api_admin_conversions.py and decisions/tests/test_api_advertiser.py."""
# ruff: noqa: F811  (the fixtures imported from api_world are the tests' arguments)

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from django_scopes import scopes_disabled

from advertisers.tests import api_world as advertiser_world
from advertisers.tests.api_world import adv, foreign, rival  # noqa: F401  (fixtures)
from conftest import make_world
from network.tests.api import api_client, error_of, ids, key_for
from payouts.tests.helpers import make_conversion, make_publisher
from publishers.tests.api_world import make_offer as make_publisher_offer
from tracking.models import Conversion

pytestmark = pytest.mark.django_db
ADMIN, ADVERTISER, PUBLISHER = "/api/v1/admin", "/api/v1/advertiser", "/api/v1/publisher"


@pytest.fixture(autouse=True)
def entry_point() -> str:
    """The API is Django's alone: these run once, not through both entry points (conftest)."""
    return "django"


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    world = make_world(network, owner)
    world["me"] = world["offer_access"].publisher
    return world


@pytest.fixture
def admin(network, owner, world):
    return api_client(network, key_for(network, owner))


@pytest.fixture
def pub(network, publisher_user, world):
    return api_client(network, key_for(network, publisher_user))


# --- Admins --------------------------------------------------------------------------------


def test_it_lists_conversions_with_filters(admin, network, world):
    flagged = make_conversion(world, flags=["ip_velocity"])
    other_publisher = make_publisher(network, "Other")
    clean = make_conversion(world, publisher=other_publisher)
    assert ids(admin.get(f"{ADMIN}/conversions/")) == [clean.pk, flagged.pk]
    assert ids(admin.get(f"{ADMIN}/conversions/", {"flagged": "yes"})) == [flagged.pk]
    assert ids(admin.get(f"{ADMIN}/conversions/", {"publisher": other_publisher.pk})) == [clean.pk]
    assert ids(admin.get(f"{ADMIN}/conversions/", {"advertiser": world["advertiser"].pk})) == [
        clean.pk,
        flagged.pk,
    ]
    assert ids(admin.get(f"{ADMIN}/conversions/", {"status": "approved"})) == []
    assert ids(admin.get(f"{ADMIN}/conversions/", {"ordering": "id"})) == [flagged.pk, clean.pk]
    body = admin.get(f"{ADMIN}/conversions/{flagged.pk}/").json()
    assert (body["revenue"], body["payout"], body["fraud_flags"]) == (
        "10.00",
        "8.00",
        ["ip_velocity"],
    )


# --- Advertisers ---------------------------------------------------------------------------


def test_it_lists_and_filters_the_conversions_of_the_companys_offers(
    network, world, adv, rival, foreign
):
    offer = world["offer"]
    second = advertiser_world.make_offer(
        network, world["advertiser"], name="Second", status="active"
    )
    with scopes_disabled():
        second.accesses.create(network=network, publisher=world["offer_access"].publisher)
    early = advertiser_world.make_conversion(
        offer, order_id="A-1", at=datetime(2025, 3, 1, 12, tzinfo=UTC)
    )
    late = advertiser_world.make_conversion(
        offer, order_id="A-2", status="approved", at=datetime(2025, 3, 3, 12, tzinfo=UTC)
    )
    flagged = advertiser_world.make_conversion(second, order_id="B-1", flags=["fast_conversion"])
    advertiser_world.make_conversion(rival["offer"], order_id="A-1")
    advertiser_world.make_conversion(foreign["offer"], order_id="A-1")
    url = f"{ADVERTISER}/conversions/"

    assert ids(adv.get(url)) == [flagged.pk, late.pk, early.pk]
    assert ids(adv.get(url, {"status": "approved"})) == [late.pk]
    assert ids(adv.get(url, {"offer": second.pk})) == [flagged.pk]
    assert ids(adv.get(url, {"order_id": "A-1"})) == [early.pk]
    assert ids(adv.get(url, {"transaction_id": late.click_id})) == [late.pk]
    assert ids(adv.get(url, {"flagged": "yes"})) == [flagged.pk]
    assert ids(adv.get(url, {"flagged": "no"})) == [late.pk, early.pk]
    assert ids(adv.get(url, {"created_from": "2025-03-01", "created_to": "2025-03-02"})) == [
        early.pk
    ]
    assert ids(adv.get(url, {"ordering": "created_at"})) == [early.pk, late.pk, flagged.pk]
    # Another advertiser's offer finds none of its conversions.
    assert ids(adv.get(url, {"offer": rival["offer"].pk})) == []
    assert error_of(adv.get(url, {"created_from": "0001-01-01"}), 400)["fields"]["created_from"]
    page = adv.get(url, {"page_size": 2}).json()
    assert len(page["results"]) == 2 and ids(adv.get(page["next"])) == [early.pk]
    one = adv.get(f"{url}{flagged.pk}/").json()
    assert (one["sale_amount"], one["revenue"], one["currency"]) == ("100.00", "10.00", "USD")
    assert one["fraud_flags"] == ["fast_conversion"] and one["transaction_id"] == flagged.click_id
    assert "payout" not in one  # the publisher's side is not the advertiser's business


# --- Publishers ----------------------------------------------------------------------------


def test_it_lists_their_conversions_as_their_page_shows_them(network, world, pub):
    me = world["me"]
    other = make_publisher(network, "Other Media")
    day = datetime(2026, 5, 10, 12, tzinfo=UTC)
    old = make_conversion(world, at=day - timedelta(days=5), payout="4.50", revenue="6.00")
    new = make_conversion(world, at=day, payout="8.00", flags=["datacenter_ip"])
    make_conversion(world, publisher=other, at=day)
    with scopes_disabled():
        Conversion.objects.filter(pk=new.pk).update(status="approved", order_id="A-1")
    assert ids(pub.get(f"{PUBLISHER}/conversions/")) == [new.pk, old.pk]
    row = pub.get(f"{PUBLISHER}/conversions/{old.pk}/").json()
    assert (row["payout"], row["currency"], row["status"]) == ("4.50", "USD", "pending")
    assert row["transaction_id"] == old.click_id and row["offer"] == world["offer"].pk
    for hidden in ("revenue", "fraud_flags", "publisher", "ip", "adv_sub"):
        assert hidden not in row
    assert ids(pub.get(f"{PUBLISHER}/conversions/", {"status": "approved"})) == [new.pk]
    assert ids(pub.get(f"{PUBLISHER}/conversions/", {"order_id": "A-1"})) == [new.pk]
    window = {"created_from": "2026-05-04", "created_to": "2026-05-06"}
    assert ids(pub.get(f"{PUBLISHER}/conversions/", window)) == [old.pk]
    assert ids(pub.get(f"{PUBLISHER}/conversions/", {"ordering": "payout"})) == [old.pk, new.pk]
    assert ids(pub.get(f"{PUBLISHER}/conversions/", {"offer": world["offer"].pk})) == [
        new.pk,
        old.pk,
    ]
    # No fraud flag filter for publishers; an offer they never saw is not a choice.
    hidden_offer = make_publisher_offer(world, "Secret", visibility="private")
    answer = pub.get(f"{PUBLISHER}/conversions/", {"offer": hidden_offer.pk})
    assert error_of(answer, 400)["fields"]["offer"]
    assert me.pk == new.publisher_id
