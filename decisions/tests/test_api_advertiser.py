"""The advertiser's decisions API: bulk decisions on the conversions of their offers and order
validation by CSV, with the same rules, services, ledger and audit as their pages
(decisions/api_advertiser.py). Who may call: advertisers/tests/test_api_advertiser.py; their
invoices: invoices/tests/test_api_advertiser.py."""
# ruff: noqa: F811  (the fixtures imported from api_world are the tests' arguments)

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from advertisers.tests.api_world import API, adv, foreign, make_conversion, rival, world  # noqa: F401  (fixtures)
from conftest import client_for
from network.tests.api import audit_of, error_of, fresh, key_prefix
from payouts.tests.helpers import ledger_of

pytestmark = pytest.mark.django_db


# --- Bulk decisions ------------------------------------------------------------------------


def test_a_bulk_decision_writes_the_same_audit_and_ledger_as_the_page(
    network, world, adv, advertiser_user, rival, foreign
):
    by_page = [make_conversion(world["offer"]) for _ in range(2)]
    by_api = [make_conversion(world["offer"]) for _ in range(2)]
    theirs, abroad = make_conversion(rival["offer"]), make_conversion(foreign["offer"])
    page = client_for(network, advertiser_user)
    page.post(
        "/advertiser/conversions/", {"selected": [c.pk for c in by_page], "action": "approved"}
    )
    response = adv.post(
        f"{API}/conversions/decide/",
        {"ids": [by_api[0].pk, by_api[1].pk, theirs.pk, abroad.pk], "status": "approved"},
        format="json",
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["changed"], body["errors"]) == (2, [])
    assert body["not_found"] == sorted([theirs.pk, abroad.pk])
    assert body["conversions"] == [{"id": c.pk, "status": "approved"} for c in by_api]
    for api_made, page_made in zip(by_api, by_page, strict=True):
        assert fresh(api_made).status == fresh(page_made).status == "approved"
        [api_entry], [page_entry] = audit_of(api_made), audit_of(page_made)

        def facts(entry):
            return (entry.action, entry.from_state, entry.to_state, entry.actor_id, entry.reason)

        assert (
            facts(api_entry)
            == facts(page_entry)
            == (
                "conversion.approved",
                "pending",
                "approved",
                advertiser_user.pk,
                "",
            )
        )
        assert api_entry.actor_label == f"{page_entry.actor_label} via API key {key_prefix(adv)}"
        assert ledger_of(api_made) == ledger_of(page_made) != []
        assert sum(amount for _kind, _account, amount in ledger_of(api_made)) == 0
    assert fresh(theirs).status == fresh(abroad).status == "pending"
    assert ledger_of(theirs) == ledger_of(abroad) == []


def test_a_rejection_needs_a_reason_and_a_reversal_moves_the_money_back(network, world, adv):
    pending, approved = make_conversion(world["offer"]), make_conversion(world["offer"])
    url = f"{API}/conversions/decide/"
    error = error_of(adv.post(url, {"ids": [pending.pk], "status": "rejected"}, format="json"), 400)
    assert error["fields"] == {"reason": ["Say why the conversions are rejected."]}
    assert fresh(pending).status == "pending" and audit_of(pending) == []
    done = adv.post(
        url, {"ids": [pending.pk], "status": "rejected", "reason": "Cancelled order"}, format="json"
    )
    assert done.json()["changed"] == 1
    rejected = fresh(pending)
    assert (rejected.status, rejected.reason_code) == ("rejected", "Cancelled order")
    assert audit_of(pending)[0].reason == "Cancelled order" and ledger_of(pending) == []

    adv.post(url, {"ids": [approved.pk], "status": "approved"}, format="json")
    reversed_ = adv.post(
        url,
        {"ids": [approved.pk, pending.pk], "status": "reversed", "reason": "Returned"},
        format="json",
    ).json()
    assert reversed_["changed"] == 1
    assert reversed_["errors"] == [f"#{pending.pk}: A rejected conversion cannot become reversed."]
    assert {k for k, _a, _m in ledger_of(approved)} == {"approval", "reversal"}
    assert sum(amount for _k, _a, amount in ledger_of(approved)) == 0


def test_an_advertiser_cannot_override_a_decision(network, world, adv):
    """Overrides (any status to any other, e.g. a rejected or flagged conversion approved
    again) are the network admins' (the page offers them to owners and managers only)."""
    rejected = make_conversion(world["offer"], status="rejected", flags=["ip_velocity"])
    url = f"{API}/conversions/decide/"
    for sneaky in (
        {"ids": [rejected.pk], "status": "pending", "reason": "x"},
        {"ids": [rejected.pk], "status": "override", "to_status": "approved", "reason": "x"},
    ):
        assert "status" in error_of(adv.post(url, sneaky, format="json"), 400)["fields"]
    body = adv.post(
        url, {"ids": [rejected.pk], "status": "approved", "override": True}, format="json"
    ).json()
    assert body["changed"] == 0
    assert body["errors"] == [f"#{rejected.pk}: A rejected conversion cannot become approved."]
    assert fresh(rejected).status == "rejected" and audit_of(rejected) == []


def test_it_refuses_selections_the_page_refuses(network, world, adv):
    conversion = make_conversion(world["offer"])
    url = f"{API}/conversions/decide/"
    for bad in ([], [conversion.pk, 2**63], [conversion.pk, -1], list(range(1, 502))):
        response = adv.post(url, {"ids": bad, "status": "approved"}, format="json")
        assert "ids" in error_of(response, 400)["fields"], bad
    assert fresh(conversion).status == "pending"


def test_a_retried_decision_with_its_idempotency_key_is_made_once(network, world, adv):
    conversion = make_conversion(world["offer"])
    body = {"ids": [conversion.pk], "status": "approved"}
    first = adv.post(f"{API}/conversions/decide/", body, format="json", HTTP_IDEMPOTENCY_KEY="d1")
    again = adv.post(f"{API}/conversions/decide/", body, format="json", HTTP_IDEMPOTENCY_KEY="d1")
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert len(audit_of(conversion)) == 1


# --- Order validation by CSV ---------------------------------------------------------------


def csv_upload(client, text: str, **extra):
    data = {"file": SimpleUploadedFile("orders.csv", text.encode(), content_type="text/csv")}
    return client.post(f"{API}/conversions/validate/", {**data, **extra}, format="multipart")


def test_the_csv_upload_previews_applies_and_applies_again_as_nothing(
    network, world, adv, advertiser_user, rival
):
    offer = world["offer"]
    approve = make_conversion(offer, order_id="A-1")
    reject = make_conversion(offer, order_id="A-2")
    done = make_conversion(offer, order_id="A-4", status="rejected")
    theirs = make_conversion(rival["offer"], order_id="R-1")
    text = "\n".join(
        [
            "order_id,status,sale_amount,reason",
            "A-1,approved,80.5,",  # 2: approve, with a corrected amount
            "A-2,rejected,,Cancelled",  # 3
            "A-4,approved,,",  # 4: a rejected conversion cannot become approved
            "R-1,approved,,",  # 5: another advertiser's
            "NOPE,approved,,",  # 6
        ]
    )
    preview = csv_upload(adv, text, dry_run="true")
    assert preview.status_code == 200, preview.content
    body = preview.json()
    assert (body["dry_run"], body["file"]) == (True, "orders.csv")
    assert body["tally"] == {"change": 2, "changed": 0, "unchanged": 0, "error": 3}
    rows = {row["line"]: row for row in body["rows"]}
    assert (rows[2]["outcome"], rows[2]["conversion"], rows[2]["new_sale_amount"]) == (
        "change",
        approve.pk,
        "80.50",
    )
    assert rows[2]["status_before"] == "pending"
    assert rows[4]["error"] == "A rejected conversion cannot become approved."
    assert rows[5]["error"] == "This conversion belongs to another advertiser."
    assert (rows[5]["conversion"], rows[5]["status_before"]) == (None, None)  # nothing shown
    assert rows[6]["error"] == "No conversion has this order id."
    assert fresh(approve).status == "pending" and audit_of(approve) == audit_of(reject) == []

    applied = csv_upload(adv, text).json()
    assert applied["dry_run"] is False
    assert applied["tally"] == {"change": 0, "changed": 2, "unchanged": 0, "error": 3}
    assert (fresh(approve).status, fresh(approve).sale_amount) == ("approved", Decimal("80.50"))
    assert (fresh(reject).status, fresh(reject).reason_code) == ("rejected", "Cancelled")
    assert fresh(done).status == "rejected" and fresh(theirs).status == "pending"
    assert [e.actor_id for e in audit_of(approve) + audit_of(reject)] == [advertiser_user.pk] * 2
    assert ledger_of(approve) and not ledger_of(theirs)

    again = csv_upload(adv, text).json()
    assert again["tally"] == {"change": 0, "changed": 0, "unchanged": 2, "error": 3}
    assert len(audit_of(approve)) == 1


def test_it_refuses_a_file_it_cannot_read(network, world, adv):
    error = error_of(csv_upload(adv, "order,state\nA,approved\n"), 400)
    assert "The first line must name the columns" in error["fields"]["file"][0]
    response = adv.post(f"{API}/conversions/validate/", {"file": "not a file"}, format="multipart")
    assert "file" in error_of(response, 400)["fields"]
