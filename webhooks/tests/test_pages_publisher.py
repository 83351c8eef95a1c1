"""The publisher's postback pages (webhooks.views_publisher): only their own postbacks and
calls, the global and per-offer URLs judged as the API judges them, turning them off and on,
the test button, and the delivery log (the one page component, webhooks.tables)."""
# ruff: noqa: F811  (the fixtures imported from test_postbacks are the tests' arguments)

from __future__ import annotations

import datetime as dt
from html import escape

import pytest
from django_scopes import scopes_disabled

from audit.models import AuditEntry
from conftest import client_for, make_member, make_world
from lib.tests.test_safehttp import REFUSED_URLS, listening
from network.models import Role
from offers.models import OfferAccess
from publishers.models import Publisher
from webhooks.models import PostbackAttempt, PostbackEndpoint
from webhooks.tests.test_postbacks import (  # noqa: F401  (fixtures)
    HOME,
    WHEN,
    attempts_of,
    client,
    make_endpoint,
    publisher,
    reload,
    world,
)


def test_it_shows_the_publisher_only_their_own_postbacks_and_calls(
    client, world, publisher, network
):
    own = make_endpoint(publisher, url="https://mine.example/pb")
    other_user = make_member(network, Role.PUBLISHER, "other@alpha.example")
    with scopes_disabled():
        other = Publisher.objects.get(memberships__user=other_user)
        theirs = make_endpoint(other, url="https://theirs.example/pb")
        for endpoint, url in [
            (own, "https://mine.example/pb?1"),
            (theirs, "https://theirs.example/pb?1"),
        ]:
            PostbackAttempt.objects.create(
                network=network, endpoint=endpoint, event="test", url=url, status_code=200
            )
    body = client.get(HOME).content.decode()
    assert "https://mine.example/pb?1" in body
    assert "theirs.example" not in body

    for suffix in ["", "enable/", "disable/", "test/", "delete/"]:
        assert client.post(f"{HOME}{theirs.pk}/{suffix}").status_code == 404, suffix
    assert client.get(f"{HOME}{theirs.pk}/").status_code == 404
    assert reload(theirs).is_active
    with scopes_disabled():
        assert PostbackAttempt.objects.filter(endpoint=theirs).count() == 1


def test_it_lists_the_calls_newest_first_with_their_result(client, publisher, network):
    endpoint = make_endpoint(publisher)
    with scopes_disabled():
        for minute, code, error in [(1, 200, ""), (2, None, "Timed out after 5 s."), (3, 500, "")]:
            PostbackAttempt.objects.create(
                network=network,
                endpoint=endpoint,
                event="created",
                url=f"https://pub.example/pb?n={minute}",
                status_code=code,
                error=error,
                elapsed_ms=100 + minute,
                attempt_number=minute,
                created_at=WHEN + dt.timedelta(minutes=minute),
            )
    response = client.get(HOME)
    rows = [row.record.url for row in response.context["table"].page.object_list]
    assert rows == [f"https://pub.example/pb?n={n}" for n in (3, 2, 1)]
    body = response.content.decode()
    assert "HTTP 500" in body and "Timed out after 5 s." in body and "HTTP 200" in body
    assert "Mar 4, 2026, 5:09:07\u202fAM" in body
    assert client.get(HOME, {"per_page": "-1", "page": "x", "sort": "nope"}).status_code in (
        200,
        404,
    )


def test_it_saves_then_updates_the_global_postback(client, publisher, network):
    url = "https://t.example/pb?click={aff_click_id}&p={payout}"
    response = client.post(
        f"{HOME}global/", {"global-url_template": url, "global-events": "created"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        endpoint = PostbackEndpoint.objects.get(publisher=publisher)
    assert (endpoint.offer, endpoint.url_template, endpoint.events) == (None, url, ["created"])
    client.post(
        f"{HOME}global/",
        {"global-url_template": url + "&s={status}", "global-events": ["reversed", "approved"]},
    )
    endpoint = reload(endpoint)
    assert endpoint.url_template.endswith("&s={status}")
    assert endpoint.events == ["approved", "reversed"]  # the page's order
    with scopes_disabled():
        actions = list(
            AuditEntry.objects.filter(object_id=str(endpoint.pk))
            .order_by("id")
            .values_list("action", flat=True)
        )
    assert actions == ["postback.created", "postback.updated"]
    assert escape(url + "&s={status}") in client.get(HOME).content.decode()


def test_it_adds_a_postback_for_an_offer_the_publisher_runs(client, world, publisher):
    response = client.post(
        f"{HOME}offers/new/",
        {
            "offer-offer": world["offer"].pk,
            "offer-url_template": "https://t.example/{offer_id}",
            "offer-events": "created",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        endpoint = PostbackEndpoint.objects.get(publisher=publisher)
    assert endpoint.offer == world["offer"]
    # The offer is no longer offered for a second one.
    form = client.get(HOME).context["offer_form"]
    assert world["offer"] not in form.fields["offer"].queryset


def test_it_does_not_add_a_postback_for_an_offer_the_publisher_does_not_run(
    client, world, publisher, network, other_network
):
    with scopes_disabled():
        OfferAccess.objects.filter(offer=world["offer"], publisher=publisher).update(
            status="pending"
        )
    beta = make_world(other_network, make_member(other_network, Role.OWNER, "o@beta.example"))
    for offer_id in [world["offer"].pk, beta["offer"].pk, "abc", "", "1 OR 1=1"]:
        response = client.post(
            f"{HOME}offers/new/",
            {"offer-offer": offer_id, "offer-url_template": "https://t.example/"},
        )
        assert response.status_code == 200
        assert "offer" in response.context["offer_form"].errors
    with scopes_disabled():
        assert not PostbackEndpoint.objects.filter(network=network).exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://t.example/?x={foo}&y={aff_sub}", "Unknown macro {foo}."),
        ("https://t.example/?x={transaction_id}", "Unknown macro {transaction_id}."),
        ("ftp://t.example/pb", "Use an http:// or https:// URL."),
        ("javascript:alert(1)", "Use an http:// or https:// URL."),
        ("t.example/pb", "Use an http:// or https:// URL."),
        ("https:///pb", "The URL needs a host name"),
        ("https://{aff_sub}.t.example/pb", "Macros can only be used in the path"),
        ("https://t.example/a b", "A URL cannot contain spaces."),
        ("", "This field is required."),
    ],
)
def test_it_explains_what_is_wrong_with_a_postback_url(client, network, url, message):
    response = client.post(f"{HOME}global/", {"global-url_template": url})
    assert response.status_code == 200
    errors = " ".join(response.context["global_form"].errors["url_template"])
    assert message in errors
    with scopes_disabled():
        assert not PostbackEndpoint.objects.filter(network=network).exists()


@pytest.mark.parametrize(("url", "words"), REFUSED_URLS)
@pytest.mark.parametrize("form", ["global", "offer"])
def test_it_refuses_a_postback_url_as_a_webhook_url_is_refused(
    client, network, world, url, words, form
):
    data = {f"{form}-url_template": url, "offer-offer": world["offer"].pk}
    response = client.post(f"{HOME}{'global/' if form == 'global' else 'offers/new/'}", data)
    assert response.status_code == 200
    assert words in " ".join(response.context[f"{form}_form"].errors["url_template"])
    with scopes_disabled():
        assert not PostbackEndpoint.objects.filter(network=network).exists()


def test_it_still_takes_macros_anywhere_in_the_path_and_query(client, network):
    url = "https://t.example/pb/{offer_id}?c={aff_click_id}&p={payout}&s={status}#{source}"
    data = {"global-url_template": url, "global-events": "created"}
    assert client.post(f"{HOME}global/", data).status_code == 302
    with scopes_disabled():
        assert PostbackEndpoint.objects.get(network=network).url_template == url


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"global-url_template": "https://t.example/\x00"},
        {"global-url_template": "https://t.example/" + "a" * 5000},
        {"global-url_template": "https://[t.example/"},
        {"global-url_template": "https://t.example:99999/"},
        {"global-url_template": "https://t.example/{", "global-events": "maybe"},
        {"global-url_template": ["https://a.example/", "https://b.example/"]},
    ],
)
def test_it_never_fails_on_a_malformed_post(client, data):
    response = client.post(f"{HOME}global/", data)
    assert response.status_code in (200, 302)


def test_it_edits_an_offers_postback_on_its_own_page(client, world, publisher):
    endpoint = make_endpoint(publisher, world["offer"])
    page = f"{HOME}{endpoint.pk}/"
    assert world["offer"].name in client.get(page).content.decode()
    response = client.post(page, {"url_template": "https://t.example/{bogus}"})
    assert "Unknown macro {bogus}." in response.content.decode()
    client.post(page, {"url_template": "https://t.example/new", "events": ["created", "approved"]})
    endpoint = reload(endpoint)
    assert (endpoint.url_template, endpoint.events) == (
        "https://t.example/new",
        ["created", "approved"],
    )
    assert endpoint.offer == world["offer"]


def test_turning_a_failing_postback_back_on_resets_its_count(client, publisher):
    endpoint = make_endpoint(publisher, is_active=False, consecutive_failures=25, disabled_at=WHEN)
    body = client.get(HOME).content.decode()
    assert "Turned off after 25 failed calls" in body
    assert "Turn back on" in body
    client.post(f"{HOME}{endpoint.pk}/enable/")
    endpoint = reload(endpoint)
    assert (endpoint.is_active, endpoint.consecutive_failures, endpoint.disabled_at) == (
        True,
        0,
        None,
    )
    client.post(f"{HOME}{endpoint.pk}/disable/")
    assert reload(endpoint).state == "off"
    with scopes_disabled():
        actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"postback.enabled", "postback.turned_off"} <= actions


def test_it_deletes_a_postback(client, publisher, network):
    endpoint = make_endpoint(publisher)
    assert client.post(f"{HOME}{endpoint.pk}/delete/").status_code == 302
    with scopes_disabled():
        assert not PostbackEndpoint.objects.filter(network=network).exists()
        assert AuditEntry.objects.filter(action="postback.deleted").exists()


@pytest.mark.usefixtures("allow_loopback")
def test_the_test_button_calls_with_sample_values_and_logs_it(
    client, publisher, django_capture_on_commit_callbacks
):
    with listening() as server:
        endpoint = make_endpoint(
            publisher, url=f"http://127.0.0.1:{server.port}/pb?c={{conversion_id}}&p={{payout}}"
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"{HOME}{endpoint.pk}/test/", follow=True)
        assert "Test call sent" in response.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"{HOME}{endpoint.pk}/test/", follow=True)
        assert "A test call was just sent" in response.content.decode()
    assert [r["path"] for r in server.requests] == ["/pb?c=test&p=1.00"]
    (logged,) = attempts_of(endpoint)
    assert (logged.event, logged.status_code, logged.conversion) == ("test", 200, None)
    assert reload(endpoint).consecutive_failures == 0


def test_a_publisher_under_review_cannot_set_postbacks(network):
    user = make_member(network, Role.PUBLISHER, "pending@alpha.example")
    with scopes_disabled():
        Publisher.objects.filter(memberships__user=user).update(status="pending")
    client = client_for(network, user)
    assert "once the network has approved" in client.get(HOME).content.decode()
    client.post(
        f"{HOME}global/", {"global-url_template": "https://t.example/", "global-events": "created"}
    )
    with scopes_disabled():
        assert not PostbackEndpoint.objects.filter(network=network).exists()


def test_other_roles_may_not_open_the_pages(network, owner, advertiser_user):
    for user in (owner, advertiser_user):
        assert client_for(network, user).get(HOME).status_code == 403
