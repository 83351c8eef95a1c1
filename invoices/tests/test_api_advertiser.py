"""The advertiser's invoices through the API (/api/v1/advertiser/invoices/): their own only,
read-only, with the page's filters. Credit notes and PDFs: test_credit_notes.py and
test_pdfs.py; other companies' and networks' invoices: advertisers/tests/test_api_advertiser.py."""

# ruff: noqa: F811  (the fixtures imported from api_world are the tests' arguments)
from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from advertisers.tests.api_world import API, adv, rival, world  # noqa: F401  (fixtures)
from network.tests.api import ids
from payouts.models import Invoice

pytestmark = pytest.mark.django_db


def test_it_lists_and_shows_the_companys_invoices(network, world, adv, rival):
    invoice = world["invoice"]
    listed = adv.get(f"{API}/invoices/")
    assert ids(listed) == [invoice.pk]
    row = listed.json()["results"][0]
    assert (row["number"], row["total"], row["currency"], row["status"]) == (
        "INV-2026-0001",
        "200.00",
        "USD",
        "issued",
    )
    assert ids(adv.get(f"{API}/invoices/", {"status": "paid"})) == []
    assert ids(adv.get(f"{API}/invoices/", {"period_from": "2026-09-01"})) == [invoice.pk]
    assert ids(adv.get(f"{API}/invoices/", {"period_from": "2026-10-01"})) == []
    detail = adv.get(f"{API}/invoices/{invoice.pk}/")
    assert detail.status_code == 200 and detail.json()["lines"] == []
    assert adv.post(f"{API}/invoices/", {}, format="json").status_code in (403, 405)
    with scopes_disabled():
        assert Invoice.objects.filter(network=network).count() == 2
