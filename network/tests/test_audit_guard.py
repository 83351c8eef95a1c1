"""The audit guard every test runs under (network/tests/audit_guard.py): it must notice a write
of an audited model without its audit row, accept one with its row or its parent's, and the
services it found unaudited now write theirs."""

from __future__ import annotations

import pytest
from django.test import Client
from django_scopes import scopes_disabled

import audit
from audit.models import AuditEntry
from conftest import client_for
from network.tests import audit_guard
from offers.models import Goal, Offer
from publishers.models import Publisher

pytestmark = pytest.mark.django_db

PROFILE = {
    "website": "https://deals.example",
    "traffic_sources": ["coupon", "email"],
    "traffic_description": "A coupon site.",
    "country": "VN",
}


@pytest.fixture
def offer(network, advertiser_user):
    with scopes_disabled():
        company = advertiser_user.memberships.get().advertiser
        offer = Offer.objects.create(network=network, advertiser=company, name="Guarded")
        return offer


def test_it_notices_a_write_without_its_audit_row(offer):
    with audit_guard.collecting() as writes, scopes_disabled():
        offer.name = "Renamed behind the log's back"
        offer.save()
    assert writes.unaudited() == [("offers.offer", str(offer.pk))]


def test_the_objects_own_row_or_its_parents_covers_a_write(network, owner, offer):
    with audit_guard.collecting() as writes, scopes_disabled():
        goal = Goal.objects.create(network=network, offer=offer, name="Lead")
        audit.record(network=network, actor=owner, action="offer.status", obj=offer)
    assert ("offers.goal", str(goal.pk)) in writes.written
    assert writes.unaudited() == []


def test_a_page_that_writes_unaudited_fails_its_request(network, publisher_user, monkeypatch):
    """What the suite-wide fixture does to every request: here with a view's service bypassed."""

    def unaudited_save(*, publisher, actor, form):
        return form.save()

    monkeypatch.setattr("publishers.views.publisher_update_profile", unaudited_save)
    audit_guard.guard(monkeypatch, Client)
    client = client_for(network, publisher_user)
    data = {**PROFILE, "name": "Renamed"}
    with pytest.raises(AssertionError, match="without an audit row"):
        client.post("/publisher/profile/", data)


def test_a_publishers_profile_change_is_audited(network, publisher_user):
    client = client_for(network, publisher_user)
    with scopes_disabled():
        publisher = publisher_user.memberships.get().publisher
    data = {**PROFILE, "name": publisher.name, "website": "https://moved.example"}
    client.post("/publisher/profile/", data)
    with scopes_disabled():
        rows = AuditEntry.objects.filter(action="publisher.profile", object_id=str(publisher.pk))
        changed = {row.reason: row.to_state for row in rows}
        assert Publisher.objects.get(pk=publisher.pk).website == "https://moved.example"
    assert changed["website"] == "https://moved.example"
    assert "name" not in changed  # what did not change is not written down
