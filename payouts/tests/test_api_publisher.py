"""The publisher's statements (payout lines) through the API (payouts/api_publisher.py): their
own lines only, as their statements page shows them."""

from __future__ import annotations

import pytest

from conftest import make_world
from network.tests.api import api_client, ids, key_for
from payouts.models import PayoutLine
from payouts.tests.helpers import make_line

pytestmark = pytest.mark.django_db
API = "/api/v1/publisher"


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    """make_world's payout run; publisher_user's company runs its offer."""
    return make_world(network, owner)


def test_it_lists_their_payout_lines(network, world, publisher_user):
    pub = api_client(network, key_for(network, publisher_user))
    me, run = world["offer_access"].publisher, world["payout_run"]
    paid = {"payment_reference": "PP-1", "paid_at": run.cutoff}
    line = make_line(run, me, "USD", 12_345, PayoutLine.Status.PAID, conversions=3, **paid)
    carried = make_line(run, me, "VND", 5_000, PayoutLine.Status.CARRIED)
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
