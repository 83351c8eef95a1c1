"""The admins' API (/api/v1/admin/): conversions. Offers and access requests:
offers/tests/test_api_admin.py; publishers and advertisers: publishers/tests/test_api_admin.py,
advertisers/tests/test_api_admin.py; payout runs: test_api_admin_payouts.py. The 401/404/403 of
every route for every role: test_api_matrix.py; here the behaviour of each endpoint."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from conftest import make_member, make_world
from network.audit import AuditEntry
from network.models import Role
from network.tests.api import api_client, key_for
from payouts.models import LedgerTransaction
from payouts.tests.helpers import make_conversion, make_publisher
from tracking.models import Conversion

pytestmark = pytest.mark.django_db
API = "/api/v1/admin"


@pytest.fixture
def world(network, owner):
    return make_world(network, owner, money=False)


@pytest.fixture
def key(network, owner):
    return key_for(network, owner)


@pytest.fixture
def api(network, key):
    return api_client(network, key)


def via(user, key: str) -> str:
    """The actor label of an audit entry written through `key`."""
    return f"{user.email} via API key {key.split('_')[1]}"


def audit_of(obj, action: str) -> list[AuditEntry]:
    with scopes_disabled():
        return list(
            AuditEntry.objects.filter(
                action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
            ).order_by("id")
        )


def fresh(obj):
    with scopes_disabled():
        obj.refresh_from_db()
    return obj


def ids(response) -> list[int]:
    assert response.status_code == 200, response.content[:500]
    return [row["id"] for row in response.json()["results"]]


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    return response.json()["error"]


def other_world(other_network):
    stranger = make_member(other_network, Role.OWNER, "owner@beta.example")
    return stranger, make_world(other_network, stranger, money=False)


# --- Conversions ---------------------------------------------------------------------------


def test_it_lists_conversions_with_filters(api, network, world):
    flagged = make_conversion(world, flags=["ip_velocity"])
    other_publisher = make_publisher(network, "Other")
    clean = make_conversion(world, publisher=other_publisher)
    assert ids(api.get(f"{API}/conversions/")) == [clean.pk, flagged.pk]
    assert ids(api.get(f"{API}/conversions/", {"flagged": "yes"})) == [flagged.pk]
    assert ids(api.get(f"{API}/conversions/", {"publisher": other_publisher.pk})) == [clean.pk]
    assert ids(api.get(f"{API}/conversions/", {"advertiser": world["advertiser"].pk})) == [
        clean.pk,
        flagged.pk,
    ]
    assert ids(api.get(f"{API}/conversions/", {"status": "approved"})) == []
    assert ids(api.get(f"{API}/conversions/", {"ordering": "id"})) == [flagged.pk, clean.pk]
    body = api.get(f"{API}/conversions/{flagged.pk}/").json()
    assert (body["revenue"], body["payout"], body["fraud_flags"]) == (
        "10.00",
        "8.00",
        ["ip_velocity"],
    )


def test_it_approves_conversions_posting_to_the_ledger(api, network, owner, key, world):
    conversion = make_conversion(world)
    sent = {"ids": [conversion.pk], "status": "rejected"}  # the move is the action's
    result = api.post(f"{API}/conversions/approve/", sent, format="json").json()
    assert result == {
        "changed": 1,
        "errors": [],
        "not_found": [],
        "conversions": [{"id": conversion.pk, "status": "approved"}],
    }
    [entry] = audit_of(conversion, "conversion.approved")
    assert (entry.from_state, entry.to_state, entry.actor_label) == (
        "pending",
        "approved",
        via(owner, key),
    )
    with scopes_disabled():
        kinds = list(
            LedgerTransaction.objects.filter(entries__conversion=conversion)
            .values_list("kind", flat=True)
            .distinct()
        )
    assert kinds == ["approval"]


def test_admins_override_a_decision_with_a_reason(api, network, world):
    conversion = make_conversion(world)
    url = f"{API}/conversions/"
    no_reason = api.post(url + "reject/", {"ids": [conversion.pk]}, format="json")
    assert error_of(no_reason, 400)["fields"]["reason"]
    api.post(url + "reject/", {"ids": [conversion.pk], "reason": "Dup"}, format="json")
    # Rejected -> approved is no usual move: an override, and it needs a reason.
    plain = api.post(url + "approve/", {"ids": [conversion.pk]}, format="json").json()
    assert plain["changed"] == 0 and "cannot become approved" in plain["errors"][0]
    override = f"{API}/conversions/override/"
    no_reason = api.post(
        override, {"ids": [conversion.pk], "status": "approved", "reason": " "}, format="json"
    )
    assert error_of(no_reason, 400)["fields"]["reason"]
    body = {"ids": [conversion.pk], "status": "approved", "reason": "Paid"}
    assert api.post(override, body, format="json").json()["changed"] == 1
    assert fresh(conversion).status == "approved"
    [entry] = audit_of(conversion, "conversion.override")
    assert (entry.from_state, entry.to_state, entry.reason) == ("rejected", "approved", "Paid")
    # And back to pending, which only an override reaches: the approval is reversed.
    body = {"ids": [conversion.pk], "status": "pending", "reason": "Recheck"}
    assert api.post(override, body, format="json").json()["changed"] == 1
    with scopes_disabled():
        kinds = sorted(
            LedgerTransaction.objects.filter(entries__conversion=conversion)
            .values_list("kind", flat=True)
            .distinct()
        )
    assert kinds == ["approval", "reversal"]


def test_ids_of_another_network_are_left_alone(api, network, world, other_network):
    _stranger, theirs = other_world(other_network)
    mine, foreign = make_conversion(world), make_conversion(theirs)
    body = {"ids": [mine.pk, foreign.pk]}
    result = api.post(f"{API}/conversions/approve/", body, format="json").json()
    assert (result["changed"], result["not_found"]) == (1, [foreign.pk])
    assert fresh(foreign).status == Conversion.Status.PENDING
    assert api.get(f"{API}/conversions/{foreign.pk}/").status_code == 404
