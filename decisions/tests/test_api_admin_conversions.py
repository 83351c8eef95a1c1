"""The admins' bulk decisions on conversions through the API (decisions/api_admin.py):
the same moves, ledger postings and audit entries as the admins' conversions page."""
# ruff: noqa: F811  (the fixtures imported from admin_api_fixtures are the tests' arguments)

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from network.tests.admin_api_fixtures import api, foreign, world  # noqa: F401  (fixtures)
from network.tests.api import audit_of, error_of, fresh, key_for, via
from payouts.models import LedgerTransaction
from payouts.tests.helpers import make_conversion
from tracking.models import Conversion

pytestmark = pytest.mark.django_db
API = "/api/v1/admin"


# world and api: network/tests/admin_api_fixtures.py; the key is the owner's.


@pytest.fixture
def key(network, owner):
    return key_for(network, owner)


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


def test_ids_of_another_network_are_left_alone(api, network, world, foreign):
    mine, theirs = make_conversion(world), make_conversion(foreign)
    body = {"ids": [mine.pk, theirs.pk]}
    result = api.post(f"{API}/conversions/approve/", body, format="json").json()
    assert (result["changed"], result["not_found"]) == (1, [theirs.pk])
    assert fresh(theirs).status == Conversion.Status.PENDING
    assert api.get(f"{API}/conversions/{theirs.pk}/").status_code == 404
