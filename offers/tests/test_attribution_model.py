"""An offer's attribution model (last click, or first click within the window): set on the
offer page and through the advertiser API, refused when it is no model, audited as
`offer.updated` naming the field, out of another company's reach. What the click path does
with it: tracking/tests/test_attribution.py."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from audit.text import change_label
from conftest import client_for, make_member
from network.models import Membership, Role
from network.tests.api import api_client, audit_of, error_of, fresh, key_for
from offers.models import Offer
from offers.tests.test_advertiser_pages import NEW_OFFER, make_offer, url

pytestmark = pytest.mark.django_db
API = "/api/v1/advertiser"
FIRST, LAST = Offer.Attribution.FIRST_CLICK, Offer.Attribution.LAST_CLICK


@pytest.fixture
def offer(network, company):
    return make_offer(network, company, status=Offer.Status.ACTIVE)


def models_audited(offer: Offer) -> list[tuple[str, str, str]]:
    return [
        (e.reason, e.from_state, e.to_state)
        for e in audit_of(offer, "offer.updated")
        if e.reason == "attribution_model"
    ]


def test_the_offer_page_sets_the_model_and_audits_it(network, advertiser_user, offer):
    page = client_for(network, advertiser_user)
    form = page.get(url(offer, "edit/")).content.decode()
    assert 'name="attribution_model"' in form and 'value="first_click"' in form
    edit = {**NEW_OFFER, "name": offer.name, "attribution_model": FIRST}
    assert page.post(url(offer, "edit/"), edit).status_code == 302
    assert fresh(offer).attribution_model == FIRST
    assert models_audited(offer) == [("attribution_model", LAST, FIRST)]
    [entry] = [e for e in audit_of(offer, "offer.updated") if e.reason == "attribution_model"]
    assert (entry.reason_shown, change_label(entry)) == (
        "Attribution model",
        "Last click → First click within the attribution window",
    )
    detail = page.get(url(offer)).content.decode()
    assert "First click within the attribution window" in detail


def test_the_offer_page_refuses_a_model_that_is_none(network, advertiser_user, offer):
    page = client_for(network, advertiser_user)
    answer = page.post(url(offer, "edit/"), {**NEW_OFFER, "attribution_model": "middle_click"})
    assert answer.status_code == 200
    assert "attribution_model" in answer.context["form"].errors
    assert (fresh(offer).attribution_model, models_audited(offer)) == (LAST, [])


def test_the_api_sets_and_refuses_the_model(network, advertiser_user, offer):
    api = api_client(network, key_for(network, advertiser_user))
    changed = api.patch(f"{API}/offers/{offer.pk}/", {"attribution_model": FIRST}, format="json")
    assert changed.status_code == 200, changed.content
    assert changed.json()["attribution_model"] == FIRST
    refused = api.patch(f"{API}/offers/{offer.pk}/", {"attribution_model": "any"}, format="json")
    assert "attribution_model" in error_of(refused, 400)["fields"]
    api.patch(f"{API}/offers/{offer.pk}/", {"attribution_model": FIRST}, format="json")  # same
    assert (fresh(offer).attribution_model, models_audited(offer)) == (
        FIRST,
        [("attribution_model", LAST, FIRST)],
    )


def test_a_new_offer_is_last_click_unless_told(network, advertiser_user, company):
    api = api_client(network, key_for(network, advertiser_user))
    body = {
        "name": "Spring",
        "category": "ecommerce",
        "default_goal": {"name": "Sale", "revenue_type": "cpa", "revenue_amount": "5"},
    }
    made = api.post(f"{API}/offers/", body, format="json")
    assert made.status_code == 201, made.content
    assert made.json()["attribution_model"] == LAST
    first = api.post(f"{API}/offers/", {**body, "attribution_model": FIRST}, format="json")
    assert first.json()["attribution_model"] == FIRST


def test_another_company_cannot_change_it(network, offer):
    user = make_member(network, Role.ADVERTISER, "rival@alpha.example", "Rival Shop")
    page, api = client_for(network, user), api_client(network, key_for(network, user))
    edit = {**NEW_OFFER, "attribution_model": FIRST}
    assert page.post(url(offer, "edit/"), edit).status_code == 404
    error_of(api.patch(f"{API}/offers/{offer.pk}/", {"attribution_model": FIRST}), 404)
    with scopes_disabled():
        assert Membership.objects.get(user=user).advertiser != offer.advertiser
    assert (fresh(offer).attribution_model, models_audited(offer)) == (LAST, [])


def test_the_admins_see_it_on_the_offer_and_in_the_api(network, owner, offer):
    with scopes_disabled():
        Offer.objects.filter(pk=offer.pk).update(attribution_model=FIRST)
    api = api_client(network, key_for(network, owner))
    shown = api.get(f"/api/v1/admin/offers/{offer.pk}/")
    assert shown.json()["attribution_model"] == FIRST
    page = client_for(network, owner).get(f"/manage/offers/{offer.pk}/").content.decode()
    assert "First click within the attribution window" in page
