"""An advertiser's edits of their offers (its terms, goals, landing pages, creatives, caps) go
through one service each: the page and the API write the same audit row, and another
company's or another network's ids answer 404 (an id in a body: "does not exist")."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from audit.models import AuditEntry
from conftest import client_for, make_member, make_world
from network.models import Membership, Role
from network.tests.api import api_client, audit_of, error_of, fresh, key_for, key_prefix
from offers.models import Cap, Creative, Goal, LandingPage, Offer
from offers.tests.test_advertiser_pages import NEW_OFFER, PAGE, make_offer, url

pytestmark = pytest.mark.django_db
API = "/api/v1/advertiser"
LEAD = {"name": "Lead", "revenue_type": "cpl", "revenue_amount": "3", "revenue_percent": "0"}
CAP = {"period": "daily", "metric": "clicks", "limit": "9", "action": "stop"}


@pytest.fixture
def page(network, advertiser_user):
    return client_for(network, advertiser_user)


@pytest.fixture
def api(network, advertiser_user):
    return api_client(network, key_for(network, advertiser_user))


@pytest.fixture
def offer(network, company):
    return make_offer(network, company, status=Offer.Status.ACTIVE)


@pytest.fixture
def rival(network):
    """Another company of this network: its offer with every part."""
    user = make_member(network, Role.ADVERTISER, "rival@alpha.example", "Rival Shop")
    with scopes_disabled():
        company = Membership.objects.get(user=user).advertiser
    theirs = make_offer(network, company, name="Rival Offer")
    with scopes_disabled():
        return {
            "offer": theirs,
            "goal": theirs.goals.get(),
            "landing_page": theirs.landing_pages.get(),
            "creative": Creative.objects.create(
                network=network, offer=theirs, name="Text", kind="text", text="Buy"
            ),
            "cap": Cap.objects.create(network=network, offer=theirs, **CAP),
        }


def trail(*rows) -> list[tuple[str, str, str]]:
    """(action, from, to) of the audit entries about `rows`, oldest first."""
    entries = sorted((e for row in rows for e in audit_of(row)), key=lambda e: e.pk)
    return [(e.action, e.from_state, e.to_state) for e in entries]


def test_an_offers_terms_are_audited_from_the_page_and_the_api(
    network, offer, page, api, advertiser_user
):
    edit = {**NEW_OFFER, "hold_days": "14", "attribution_window_days": "30"}
    assert page.post(url(offer, "edit/"), edit).status_code == 302
    changed = api.patch(
        f"{API}/offers/{offer.pk}/", {"hold_days": 21, "currency": "EUR"}, format="json"
    )
    assert changed.status_code == 200, changed.content
    api.patch(f"{API}/offers/{offer.pk}/", {"terms": "No brand bidding."}, format="json")
    api.patch(f"{API}/offers/{offer.pk}/", {"terms": "No brand bidding."}, format="json")
    api.patch(f"{API}/offers/{offer.pk}/", {"attribution_window_days": 45}, format="json")
    # The money settings under their own action; the others as "offer.updated", the field
    # named in the reason; the same value saved again writes nothing.
    assert [row for row in trail(offer) if row[0] != "offer.updated"] == [
        ("offer.hold_days", "7", "14"),
        ("offer.currency", "USD", "EUR"),
        ("offer.hold_days", "14", "21"),
        ("offer.attribution_window", "30", "45"),
    ]
    described = [e for e in audit_of(offer) if e.action == "offer.updated"]
    assert [(e.reason, e.from_state, e.to_state) for e in described] == [
        ("name", "Winter Sale", "Summer Sale"),
        ("description", "", "Shoes and bags for the beach."),
        ("preview_url", "", "https://shop.example/summer"),
        ("allowed_countries", "", "US, VN"),
        ("device_types", "", "mobile, desktop"),
        ("deep_link_domains", "", "shop.example"),
        ("terms", "", "No brand bidding."),
    ]
    assert [e.reason_shown for e in described][:2] == ["Name", "Description"]
    by_page, by_key = audit_of(offer)[0], audit_of(offer)[-1]
    assert by_page.actor_label == advertiser_user.email
    assert by_key.actor_label == f"{advertiser_user.email} via API key {key_prefix(api)}"
    assert fresh(offer).status == Offer.Status.ACTIVE  # an edit never moves the offer


def test_goals_are_audited_once_from_the_page_and_the_api(network, offer, page, api):
    with scopes_disabled():
        sale = offer.goals.get()
    assert page.post(url(offer, "goals/new/"), LEAD).status_code == 302
    added = api.post(f"{API}/goals/", {**LEAD, "name": "Bonus", "offer": offer.pk}, format="json")
    assert added.status_code == 201, added.content
    terms = {"name": "Sale", "revenue_type": "cpa", "revenue_amount": "12", "revenue_percent": "0"}
    page.post(url(offer, f"goals/{sale.pk}/edit/"), terms)
    api.patch(f"{API}/goals/{sale.pk}/", {"revenue_amount": "13"}, format="json")
    api.patch(f"{API}/goals/{sale.pk}/", {"name": "Purchase"}, format="json")  # a rename
    api.patch(f"{API}/goals/{sale.pk}/", {"name": "Purchase"}, format="json")  # no change
    with scopes_disabled():
        lead, bonus = Goal.objects.get(name="Lead"), Goal.objects.get(name="Bonus")
    assert trail(lead, bonus) == [
        ("goal.created", "", "3.00 USD (CPL)"),
        ("goal.created", "", "3.00 USD (CPL)"),
    ]
    assert trail(sale) == [
        ("goal.revenue", "10.50 USD (CPA)", "12.00 USD (CPA)"),
        ("goal.revenue", "12.00 USD (CPA)", "13.00 USD (CPA)"),
        ("goal.updated", "Sale", "Purchase"),
    ]
    assert fresh(sale).payout_amount == 8  # the admins' payout is never written by an edit


def test_landing_pages_and_creatives_are_audited_on_their_offer(network, offer, page, api):
    assert page.post(url(offer, "landing-pages/new/"), {**PAGE, "name": "Promo"}).status_code == 302
    with scopes_disabled():
        promo = LandingPage.objects.get(name="Promo")
    assert (
        api.patch(f"{API}/landing-pages/{promo.pk}/", {"weight": 5}, format="json").status_code
        == 200
    )
    api.patch(
        f"{API}/landing-pages/{promo.pk}/", {"weight": 5}, format="json"
    )  # nothing changed: no row
    link = {"name": "Link", "kind": "text", "text": "Buy", "is_active": "on"}
    assert page.post(url(offer, "creatives/new/"), link).status_code == 302
    made = api.post(
        f"{API}/creatives/",
        {"offer": offer.pk, "name": "Line", "kind": "text", "text": "Go"},
        format="json",
    )
    assert made.status_code == 201, made.content
    assert (
        api.patch(
            f"{API}/creatives/{made.json()['id']}/", {"is_active": False}, format="json"
        ).status_code
        == 200
    )
    assert trail(offer) == [
        ("landing_page.created", "", "Promo"),
        ("landing_page.updated", "", "Promo"),
        ("creative.created", "", "Link"),
        ("creative.created", "", "Line"),
        ("creative.updated", "", "Line"),
    ]


def test_an_advertisers_caps_are_audited_as_the_admins_are(network, offer, page, advertiser_user):
    page.post(url(offer, "caps/new/"), CAP)
    with scopes_disabled():
        cap = offer.caps.get()
    page.post(url(offer, f"caps/{cap.pk}/delete/"))
    entries = audit_of(cap)
    assert [(e.action, e.actor_id) for e in entries] == [
        ("cap.created", advertiser_user.pk),
        ("cap.deleted", advertiser_user.pk),
    ]
    with scopes_disabled():
        assert not Cap.objects.filter(pk=cap.pk).exists()


def test_another_companys_offer_and_parts_are_not_found(network, page, api, rival, offer):
    theirs = rival["offer"]
    goal, landing, creative, cap = (rival[k] for k in ("goal", "landing_page", "creative", "cap"))
    for path, data in [
        ("edit/", {**NEW_OFFER, "hold_days": "99"}),
        ("goals/new/", LEAD),
        (f"goals/{goal.pk}/edit/", {**LEAD, "name": "Sale"}),
        ("landing-pages/new/", PAGE),
        (f"landing-pages/{landing.pk}/edit/", {**PAGE, "weight": "1"}),
        ("creatives/new/", {"name": "Link", "kind": "text", "text": "Buy"}),
        (f"creatives/{creative.pk}/edit/", {"name": "Link", "kind": "text", "text": "Buy"}),
        ("caps/new/", CAP),
        (f"caps/{cap.pk}/delete/", {}),
    ]:
        assert page.post(url(theirs, path), data).status_code == 404, path
    for path in (
        f"offers/{theirs.pk}/",
        f"goals/{goal.pk}/",
        f"landing-pages/{landing.pk}/",
        f"creatives/{creative.pk}/",
    ):
        assert error_of(api.patch(f"{API}/{path}", {"name": "Mine"}, format="json"), 404), path
    for path, body in [
        ("goals/", {**LEAD, "offer": theirs.pk}),
        ("landing-pages/", {**PAGE, "offer": theirs.pk}),
        ("creatives/", {"offer": theirs.pk, "name": "Link", "kind": "text", "text": "Buy"}),
    ]:
        fields = error_of(api.post(f"{API}/{path}", body, format="json"), 400)["fields"]
        assert "does not exist" in fields["offer"][0], path
    assert trail(theirs, goal, cap) == []
    assert (fresh(theirs).hold_days, fresh(goal).name, fresh(landing).weight) == (7, "Sale", 100)
    with scopes_disabled():
        assert theirs.goals.count() == 1 and Cap.objects.filter(pk=cap.pk).exists()


def test_another_networks_offer_and_parts_are_not_found(network, other_network, offer, page):
    admin = make_member(other_network, Role.OWNER, "owner@beta.example")
    stranger = make_member(other_network, Role.ADVERTISER, "adv@beta.example", "Beta Shop")
    theirs = make_world(other_network, admin, money=False)
    # Their advertiser, on their own host, naming this network's rows: none exist there.
    beta = api_client(other_network, key_for(other_network, stranger))
    with scopes_disabled():
        mine = {"goals": offer.goals.get(), "landing-pages": offer.landing_pages.get()}
    assert error_of(beta.patch(f"{API}/offers/{offer.pk}/", {"hold_days": 1}, format="json"), 404)
    for path, row in mine.items():
        assert error_of(
            beta.patch(f"{API}/{path}/{row.pk}/", {"name": "Theirs"}, format="json"), 404
        )
    # On this host they are no member: every page of this network is not found.
    outsider = client_for(network, stranger)
    assert outsider.post(url(offer, "edit/"), {**NEW_OFFER, "hold_days": "1"}).status_code == 404
    assert outsider.post(url(offer, "caps/new/"), CAP).status_code == 404
    # This network's advertiser naming the other network's offer: not found either.
    assert page.post(url(theirs["offer"], "caps/new/"), CAP).status_code == 404
    assert fresh(offer).hold_days == 7
    with scopes_disabled():
        assert (
            not AuditEntry.objects.filter(actor=stranger).exclude(action="api_key.created").exists()
        )
        assert not offer.caps.exists() and theirs["offer"].caps.count() == 1
