"""The bad input advertisers type, refused by the offer forms with a message that says why."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from conftest import make_member
from network.models import Membership, Role
from offers.forms import CapForm, GoalForm, LandingPageForm, OfferForm
from offers.models import Goal, Offer
from offers.tests.world import offer_with_parts

OFFER = {
    "name": "Summer Sale",
    "description": "Shoes and bags.",
    "category": "ecommerce",
    "preview_url": "https://shop.example/summer",
    "visibility": "approval",
    "currency": "USD",
    "allowed_countries": ["US", "VN"],
    "device_types": ["mobile"],
    "attribution_window_days": "30",
    "attribution_model": "last_click",
    "hold_days": "7",
    "fallback_url": "",
    "expires_on": "",
    "terms": "",
    "deep_link_domains": "",
}


def make_offer(network, company, currency: str = "USD") -> Offer:
    name = f"Offer in {currency}"
    return offer_with_parts(
        network, company, name=name, status="draft", goal=None, currency=currency
    )


@pytest.fixture
def in_scope(network):
    """The forms run in a request's scope; so do these checks."""
    with scope(network=network):
        yield


def offer_form(company, **changes):
    return OfferForm({**OFFER, **changes}, advertiser=company)


def goal_form(offer, **data):
    return GoalForm(
        {
            "name": "Sale",
            "revenue_type": "cpa",
            "revenue_amount": "0",
            "revenue_percent": "0",
            **data,
        },
        offer=offer,
    )


def cap_form(offer, **data):
    return CapForm({"period": "daily", "action": "stop", **data}, offer=offer)


def landing_form(url: str):
    return LandingPageForm({"name": "Home", "url_template": url, "weight": "100"})


def test_it_accepts_a_well_formed_offer(network, company, in_scope):
    form = offer_form(company, deep_link_domains="Shop.Example\nblog.shop.example, shop.example")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["deep_link_domains"] == ["blog.shop.example", "shop.example"]


def test_it_accepts_an_internationalized_deep_link_domain_in_unicode_or_punycode(
    network, company, in_scope
):
    form = offer_form(company, deep_link_domains="Bücher.example\nxn--ngbx2d5u.example")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["deep_link_domains"] == ["bücher.example", "xn--ngbx2d5u.example"]
    refused = offer_form(company, deep_link_domains="bücher\uff0fevil.example")  # fullwidth "/"
    assert set(refused.errors) == {"deep_link_domains"}


@pytest.mark.parametrize("field", ["preview_url", "fallback_url"])
@pytest.mark.parametrize(
    "url",
    [
        "ftp://shop.example/file",
        "javascript:alert(1)",
        "https://",
        "https://localhost/page",
        "shop",  # no dot: not a host name
        "https://shop example/",
    ],
)
def test_it_refuses_urls_that_are_not_http_with_a_host(network, company, in_scope, field, url):
    form = offer_form(company, **{field: url})
    assert not form.is_valid()
    assert set(form.errors) == {field}


def test_it_completes_a_url_typed_without_scheme(network, company, in_scope):
    form = offer_form(company, preview_url="shop.example/summer")
    assert form.is_valid(), form.errors
    assert form.cleaned_data["preview_url"] == "https://shop.example/summer"


@pytest.mark.parametrize(
    "domains",
    ["https://shop.example", "shop.example/path", "shop.example:8080", "shop", "-bad-.example"],
)
def test_it_wants_host_names_not_urls_as_deep_link_domains(network, company, in_scope, domains):
    form = offer_form(company, deep_link_domains=f"ok.example\n{domains}")
    assert not form.is_valid()
    assert set(form.errors) == {"deep_link_domains"}
    assert "not a host name" in str(form.errors["deep_link_domains"])


@pytest.mark.parametrize("currency", ["XYZ", "usd", "US", "EURO", "€"])
def test_it_refuses_a_currency_outside_iso_4217(network, company, in_scope, currency):
    form = offer_form(company, currency=currency)
    assert not form.is_valid()
    assert set(form.errors) == {"currency"}


@pytest.mark.parametrize(
    "url",
    [
        "https://shop.example/?click={transaction_id}&sub={aff_sub}&s2={aff_sub2}",
        "http://shop.example/landing/{offer_id}/{affiliate_id}?g={goal_id}",
    ],
)
def test_it_accepts_landing_pages_with_known_macros(in_scope, url):
    assert landing_form(url).is_valid()


def test_it_names_the_unknown_macro_of_a_landing_page(in_scope):
    form = landing_form("https://shop.example/?click={click_id}&s={aff_sub}")
    assert not form.is_valid()
    message = str(form.errors["url_template"])
    assert "{click_id}" in message
    assert "{aff_sub}" not in message.split("Known macros")[0]  # only the wrong one is blamed


@pytest.mark.parametrize(
    "url",
    ["shop.example/?c={transaction_id}", "ftp://shop.example/", "https:///?c={transaction_id}"],
)
def test_it_refuses_landing_pages_that_are_not_http_with_a_host(in_scope, url):
    form = landing_form(url)
    assert not form.is_valid()
    assert set(form.errors) == {"url_template"}


@pytest.mark.parametrize(
    ("currency", "amount", "ok"),
    [
        ("USD", "10.25", True),
        ("USD", "10.255", False),  # cents only
        ("USD", "-1", False),
        ("VND", "50000", True),
        ("VND", "50000.5", False),  # the dong has no decimals
        ("KWD", "1.234", True),  # the Kuwaiti dinar has three
        ("KWD", "1.2345", False),
    ],
)
def test_it_checks_money_against_the_offers_currency(
    network, company, in_scope, currency, amount, ok
):
    offer = make_offer(network, company, currency)
    form = goal_form(offer, revenue_amount=amount)
    assert form.is_valid() is ok, form.errors
    if not ok:
        assert set(form.errors) == {"revenue_amount"}


def test_it_explains_the_currency_precision(network, company, in_scope):
    vnd = goal_form(make_offer(network, company, "VND"), revenue_amount="10.5")
    usd = goal_form(make_offer(network, company, "USD"), revenue_amount="10.555")
    assert not vnd.is_valid() and not usd.is_valid()
    assert "VND has no decimals" in str(vnd.errors["revenue_amount"])
    assert "at most 2 decimals" in str(usd.errors["revenue_amount"])


@pytest.mark.parametrize(
    ("percent", "ok"), [("0.5", True), ("100", True), ("100.01", False), ("-1", False)]
)
def test_it_keeps_percents_between_0_and_100(network, company, in_scope, percent, ok):
    form = goal_form(make_offer(network, company), revenue_type="cps", revenue_percent=percent)
    assert form.is_valid() is ok, form.errors


def test_it_wants_the_numbers_the_pricing_model_uses(network, company, in_scope):
    offer = make_offer(network, company)
    assert not goal_form(offer, revenue_type="cpa", revenue_amount="0").is_valid()
    assert not goal_form(offer, revenue_type="cps", revenue_percent="0").is_valid()
    assert not goal_form(
        offer, revenue_type="cps", revenue_percent="5", revenue_amount="2"
    ).is_valid()
    assert goal_form(
        offer, revenue_type="cpa_cps", revenue_amount="2", revenue_percent="5"
    ).is_valid()


def test_it_refuses_a_second_goal_with_the_same_name(network, company, in_scope):
    offer = make_offer(network, company)
    Goal.objects.create(
        network=network, offer=offer, name="Sale", revenue_type="cpa", revenue_amount=1
    )
    form = goal_form(offer, name="sale", revenue_amount="2")
    assert not form.is_valid()
    assert set(form.errors) == {"name"}


@pytest.mark.parametrize(
    ("metric", "limit", "ok"),
    [
        ("conversions", "100", True),
        ("conversions", "10.5", False),  # a count is a whole number
        ("clicks", "0", False),
        ("clicks", "-3", False),
        ("payout", "250.50", True),  # a budget is an amount
        ("payout", "250.505", False),
        ("payout", "0", False),
    ],
)
def test_it_wants_positive_whole_counts_and_amounts_as_caps(
    network, company, in_scope, metric, limit, ok
):
    form = cap_form(make_offer(network, company), metric=metric, limit=limit)
    assert form.is_valid() is ok, form.errors
    if not ok:
        assert set(form.errors) == {"limit"}


def test_it_checks_a_budget_cap_in_the_offers_currency(network, company, in_scope):
    form = cap_form(make_offer(network, company, "VND"), metric="payout", limit="1000000.5")
    assert not form.is_valid()
    assert "VND has no decimals" in str(form.errors["limit"])


def test_it_offers_only_the_companys_own_offers_as_fallback(network, company, in_scope):
    mine = make_offer(network, company)
    other_user = make_member(network, Role.ADVERTISER, "rival@alpha.example", "Rival")
    with scopes_disabled():
        rival = Membership.objects.get(user=other_user).advertiser
    theirs = make_offer(network, rival)
    form = offer_form(company, fallback_offer=str(theirs.pk))
    assert not form.is_valid()
    assert set(form.errors) == {"fallback_offer"}
    assert list(form.fields["fallback_offer"].queryset) == [mine]
