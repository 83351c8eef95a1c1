"""The webhook pages of owners and managers: endpoints (create, edit, turn off, delete, rotate
the secret, each audited), the test button, the delivery log and a delivery's page; members
of another network get 404, advertisers and publishers 403."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from html import escape

import pytest
from django_scopes import scopes_disabled

from audit.models import AuditEntry
from conftest import client_for, make_member
from lib.tests.test_safehttp import REFUSED_URLS
from network.models import Role
from webhooks.models import WebhookDelivery, WebhookEndpoint
from webhooks.tests.helpers import make_endpoint

HOME = "/manage/webhooks/"
VALID = {
    "url": "https://crm.example/hooks",
    "description": "Our CRM",
    "events": ["payout_line.paid", "conversion.created"],
    "is_active": "on",
}


@pytest.fixture
def client(network, owner):
    return client_for(network, owner)


def endpoints(network) -> list[WebhookEndpoint]:
    with scopes_disabled():
        return list(WebhookEndpoint.objects.filter(network=network).order_by("id"))


def audit_actions(network) -> list[str]:
    with scopes_disabled():
        return list(
            AuditEntry.objects.filter(network=network, object_type="webhooks.webhookendpoint")
            .order_by("id")
            .values_list("action", flat=True)
        )


def reload(endpoint) -> WebhookEndpoint:
    with scopes_disabled():
        return WebhookEndpoint.objects.get(pk=endpoint.pk)


def make_delivery(endpoint, event="conversion.created", state="delivered", **fields):
    with scopes_disabled():
        return WebhookDelivery.objects.create(
            network=endpoint.network,
            endpoint=endpoint,
            event=event,
            payload={"type": event, "data": {"marker": f"{event}-{state}"}},
            state=state,
            **fields,
        )


def test_an_admin_adds_an_endpoint_and_sees_its_secret(client, network):
    response = client.post(f"{HOME}new/", VALID)
    [endpoint] = endpoints(network)
    assert response["Location"] == f"{HOME}{endpoint.pk}/"
    # Stored in the page's order, whatever order the browser sent.
    assert endpoint.events == ["conversion.created", "payout_line.paid"]
    assert (endpoint.url, endpoint.description, endpoint.is_active) == (
        "https://crm.example/hooks",
        "Our CRM",
        True,
    )
    assert endpoint.secret.startswith("whsec_") and len(endpoint.secret) > 40
    page = client.get(response["Location"]).content.decode()
    assert endpoint.secret in page
    assert audit_actions(network) == ["webhook.created"]
    assert "Webhooks" in client.get(HOME).content.decode()  # in the admin navigation


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("ftp://crm.example/hooks", "Use an http:// or https:// URL."),
        ("javascript:alert(1)", "Use an http:// or https:// URL."),
        ("https:///hooks", "The URL needs a host name"),
        ("https://user:pw@crm.example/", "Do not put a user name or password in the URL."),
        (
            "http://127.0.0.1:8000/hooks",
            "We cannot call this URL: 127.0.0.1 is a loopback address.",
        ),
        ("http://localhost/hooks", "resolves to"),
        ("http://10.1.2.3/hooks", "10.1.2.3 is a private address."),
        ("http://169.254.169.254/latest", "a link-local address"),
        ("https://crm.example:99999/", "Not a valid URL"),
        ("", "This field is required."),
    ],
)
def test_it_explains_why_a_url_is_refused(client, network, url, message):
    response = client.post(f"{HOME}new/", {**VALID, "url": url})
    assert response.status_code == 200
    assert escape(message) in response.content.decode()
    assert endpoints(network) == []


@pytest.mark.parametrize(("url", "words"), REFUSED_URLS)
def test_it_refuses_a_url_no_call_could_make(client, network, url, words):
    response = client.post(f"{HOME}new/", {**VALID, "url": url})
    assert response.status_code == 200
    assert escape(words) in response.content.decode()
    assert endpoints(network) == []


def test_it_needs_at_least_one_event(client, network):
    response = client.post(f"{HOME}new/", {**VALID, "events": []})
    assert "This field is required." in response.content.decode()
    assert endpoints(network) == []


def test_a_loopback_url_is_accepted_where_the_deployment_allows_it(client, network, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    client.post(f"{HOME}new/", {**VALID, "url": "http://127.0.0.1:8025/hooks"})
    assert [e.url for e in endpoints(network)] == ["http://127.0.0.1:8025/hooks"]


def test_an_admin_edits_turns_off_and_deletes_an_endpoint(network, manager):
    client = client_for(network, manager)
    endpoint = make_endpoint(network, "https://crm.example/old", events=["publisher.applied"])
    client.post(
        f"{HOME}{endpoint.pk}/",
        {"url": "https://crm.example/new", "events": ["payout_run.approved"], "description": ""},
    )
    endpoint = reload(endpoint)
    assert (endpoint.url, endpoint.events, endpoint.is_active, endpoint.state) == (
        "https://crm.example/new",
        ["payout_run.approved"],
        False,  # the box was not ticked
        "off",
    )
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="webhook.updated")
    assert (entry.from_state, entry.to_state, entry.actor) == ("active", "off", manager)
    assert "https://crm.example/old -> https://crm.example/new" in entry.reason
    assert client.post(f"{HOME}{endpoint.pk}/delete/")["Location"] == HOME
    assert endpoints(network) == []
    assert audit_actions(network) == ["webhook.updated", "webhook.deleted"]


def test_turning_a_failing_endpoint_back_on_resets_its_count(client, network):
    endpoint = make_endpoint(
        network,
        "https://crm.example/hooks",
        is_active=False,
        consecutive_failures=25,
        disabled_at=datetime(2026, 5, 1, tzinfo=UTC),
    )
    assert "Turned off after 25 failed calls" in client.get(HOME).content.decode()
    client.post(f"{HOME}{endpoint.pk}/", {**VALID, "url": endpoint.url})
    endpoint = reload(endpoint)
    assert (endpoint.is_active, endpoint.consecutive_failures, endpoint.disabled_at) == (
        True,
        0,
        None,
    )


def test_rotating_the_secret_replaces_it(client, network):
    endpoint = make_endpoint(network)
    before = endpoint.secret
    response = client.post(f"{HOME}{endpoint.pk}/rotate-secret/", follow=True)
    after = reload(endpoint).secret
    assert after != before and after.startswith("whsec_")
    page = response.content.decode()
    assert after in page and before not in page
    assert audit_actions(network) == ["webhook.secret_rotated"]
    assert client.get(f"{HOME}{endpoint.pk}/rotate-secret/").status_code == 405


@pytest.mark.usefixtures("allow_loopback")
def test_the_test_button_sends_a_ping_now_and_shows_the_outcome(client, network, receiver):
    endpoint = make_endpoint(network, receiver.url, events=["payout_line.paid"])
    response = client.post(f"{HOME}{endpoint.pk}/test/", follow=True)
    page = response.content.decode()
    assert "Test delivered: your endpoint answered HTTP 200." in page
    [request] = receiver.requests
    assert request["headers"]["X-Webhook-Event"] == "ping"
    with scopes_disabled():
        delivery = WebhookDelivery.objects.get(event="ping", endpoint=endpoint)
    assert response.redirect_chain[-1][0] == f"{HOME}deliveries/{delivery.pk}/"
    assert delivery.event_id in page and escape('{"received": true}') in page
    # A second press within a few seconds sends nothing.
    page = client.post(f"{HOME}{endpoint.pk}/test/", follow=True).content.decode()
    assert "A test was just sent" in page
    assert len(receiver.requests) == 1


def test_the_test_button_shows_a_refusal_and_counts_no_failure(client, network, receiver):
    endpoint = make_endpoint(network, receiver.url)  # loopback, not allowed here
    page = client.post(f"{HOME}{endpoint.pk}/test/", follow=True).content.decode()
    assert "Test not delivered: Refused: 127.0.0.1 is a loopback address." in page
    assert receiver.requests == []
    assert reload(endpoint).consecutive_failures == 0


def test_the_test_button_needs_the_csrf_token(network, owner, receiver, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = ["127.0.0.0/8"]
    endpoint = make_endpoint(network, receiver.url)
    client = client_for(network, owner, enforce_csrf_checks=True)
    assert client.post(f"{HOME}{endpoint.pk}/test/").status_code == 403
    assert client.get(f"{HOME}{endpoint.pk}/test/").status_code == 405
    assert receiver.requests == []


def test_the_log_filters_by_endpoint_event_and_outcome_newest_first(client, network):
    crm = make_endpoint(network, "https://crm.example/hooks")
    erp = make_endpoint(network, "https://erp.example/hooks")
    start = datetime(2026, 5, 1, tzinfo=UTC)
    old = make_delivery(crm, "conversion.created", "delivered", created_at=start)
    new = make_delivery(crm, "payout_line.paid", "failed", created_at=start + timedelta(hours=1))
    other = make_delivery(
        erp, "conversion.created", "pending", created_at=start - timedelta(hours=1)
    )

    def listed(query: str) -> list[str]:
        table = client.get(f"{HOME}deliveries/{query}").context["table"]
        return [row.record.event_id for row in table.rows]

    assert listed("") == [new.event_id, old.event_id, other.event_id]
    assert listed("?sort=created_at") == [other.event_id, old.event_id, new.event_id]
    assert listed(f"?endpoint={crm.pk}") == [new.event_id, old.event_id]
    assert listed("?event=conversion.created") == [old.event_id, other.event_id]
    assert listed("?state=failed") == [new.event_id]
    assert listed(f"?endpoint={erp.pk}&state=pending") == [other.event_id]


def test_a_delivery_page_shows_the_payload_and_the_response(client, network):
    endpoint = make_endpoint(network)
    delivery = make_delivery(endpoint, response_excerpt="thanks!", status_code=202)
    with scopes_disabled():
        delivery.attempt_log.create(
            network=network, attempt_number=1, status_code=202, response_excerpt="thanks!"
        )
    page = client.get(f"{HOME}deliveries/{delivery.pk}/").content.decode()
    assert "conversion.created-delivered" in page  # the payload
    assert "thanks!" in page and "HTTP 202" in page


def test_another_networks_admin_finds_nothing_here(network, other_network, owner):
    endpoint = make_endpoint(network)
    delivery = make_delivery(endpoint)
    stranger = make_member(other_network, Role.OWNER, "owner@beta.example")
    paths = [
        HOME,
        f"{HOME}new/",
        f"{HOME}deliveries/",
        f"{HOME}{endpoint.pk}/",
        f"{HOME}deliveries/{delivery.pk}/",
    ]
    for path in paths:
        assert client_for(network, stranger).get(path).status_code == 404, path
    # On their own host, naming alpha's ids.
    theirs = client_for(other_network, stranger)
    for path in paths[3:]:
        assert theirs.get(path).status_code == 404, path
    for action in ("", "rotate-secret/", "test/", "delete/"):
        assert theirs.post(f"{HOME}{endpoint.pk}/{action}").status_code == 404, action
    assert reload(endpoint).secret == endpoint.secret


def test_advertisers_and_publishers_may_not_open_the_pages(
    network, advertiser_user, publisher_user
):
    endpoint = make_endpoint(network)
    for user in (advertiser_user, publisher_user):
        client = client_for(network, user)
        assert client.get(HOME).status_code == 403
        assert client.get(f"{HOME}{endpoint.pk}/").status_code == 403
        assert client.post(f"{HOME}{endpoint.pk}/rotate-secret/").status_code == 403
        assert client.get(f"{HOME}deliveries/").status_code == 403
    assert reload(endpoint).secret == endpoint.secret
