"""The admins' webhook API (webhooks/api_admin.py): endpoints listed without their secret,
judged by the webhook page's form, changed, rotated, deleted and pinged with the audit, for
owners and managers of this network only."""
# ruff: noqa: F811  (the fixtures imported from the admin API's tests are the tests' arguments)

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from audit.models import AuditEntry
from lib.tests.test_safehttp import REFUSED_URLS
from network.models import Role
from network.tests.admin_api_fixtures import (  # noqa: F401  (fixtures)
    api,
    audit_of,
    company_api,
    error_of,
    foreign,
    ids,
    key,
    ok,
    via,
    world,
)
from webhooks.models import WebhookEndpoint
from webhooks.tests.helpers import LOOPBACK, make_endpoint

pytestmark = pytest.mark.django_db

HOOKS = "/api/v1/admin/webhooks"
NEW_HOOK = {
    "url": "https://crm.example/hooks",
    "description": "Our CRM",
    "events": ["payout_line.paid", "conversion.created"],
}


def hook_actions(endpoint: WebhookEndpoint) -> list[str]:
    with scopes_disabled():
        return list(
            AuditEntry.objects.filter(
                object_type="webhooks.webhookendpoint", object_id=str(endpoint.pk)
            )
            .order_by("id")
            .values_list("action", flat=True)
        )


def test_it_lists_and_shows_endpoints_without_their_secret(api, world, foreign):
    endpoint = world["webhook_endpoint"]
    assert ids(api.get(f"{HOOKS}/")) == [endpoint.pk]
    assert ids(api.get(f"{HOOKS}/", {"is_active": "false"})) == []
    row = ok(api.get(f"{HOOKS}/{endpoint.pk}/"))
    assert (row["url"], row["state"], row["events"]) == ("https://hooks.example/in", "active", [])
    assert "secret" not in row
    assert error_of(api.get(f"{HOOKS}/{foreign['webhook_endpoint'].pk}/"), 404)


def test_creating_an_endpoint_answers_its_secret_once_and_audits_it(api, manager, key):
    body = {**NEW_HOOK, "secret": "whsec_mine", "is_active": False, "id": 999999}
    response = api.post(f"{HOOKS}/", body, format="json")
    assert response.status_code == 201, response.content
    row = response.json()
    with scopes_disabled():
        endpoint = WebhookEndpoint.objects.get(pk=row["id"])
    assert row["secret"] == endpoint.secret != "whsec_mine"
    assert (row["state"], endpoint.is_active) == ("active", True)
    # The page's order of events, whatever order was sent.
    assert endpoint.events == ["conversion.created", "payout_line.paid"]
    [entry] = audit_of(endpoint, "webhook.created")
    assert (entry.actor_label, entry.reason) == (
        via(manager, key),
        "conversion.created, payout_line.paid",
    )
    assert "secret" not in ok(api.get(f"{HOOKS}/{endpoint.pk}/"))


def test_an_endpoint_is_judged_by_the_pages_form(api, network):
    fields = error_of(
        api.post(f"{HOOKS}/", {**NEW_HOOK, "url": "ftp://crm.example/x"}, format="json"), 400
    )["fields"]
    assert fields["url"] == ["Use an http:// or https:// URL."]
    fields = error_of(
        api.post(f"{HOOKS}/", {**NEW_HOOK, "url": "http://127.0.0.1/in"}, format="json"), 400
    )["fields"]
    assert fields["url"][0].startswith("We cannot call this URL")
    assert error_of(api.post(f"{HOOKS}/", {**NEW_HOOK, "events": []}, format="json"), 400)
    with scopes_disabled():
        assert not WebhookEndpoint.objects.filter(network=network, url__contains="crm").exists()


@pytest.mark.parametrize(("url", "words"), REFUSED_URLS)
def test_an_endpoint_url_is_refused_as_a_postback_url_is(api, network, url, words):
    response = api.post(f"{HOOKS}/", {**NEW_HOOK, "url": url}, format="json")
    assert words in " ".join(error_of(response, 400)["fields"]["url"]), url
    with scopes_disabled():
        assert not WebhookEndpoint.objects.filter(network=network).exists()


def test_it_changes_rotates_and_deletes_an_endpoint_with_audit(api, network, world):
    # make_world's endpoint has no events: the page's form refuses it unchanged, so does PATCH.
    bare = world["webhook_endpoint"]
    fields = error_of(api.patch(f"{HOOKS}/{bare.pk}/", {"is_active": False}), 400)["fields"]
    assert fields["events"] == ["This field is required."]
    endpoint = make_endpoint(network, "https://erp.example/hooks", events=["payout_line.paid"])
    url = f"{HOOKS}/{endpoint.pk}/"
    row = ok(api.patch(url, {"is_active": False, "secret": "whsec_mine"}, format="json"))
    assert (row["state"], row["url"], "secret" in row) == ("off", endpoint.url, False)
    row = ok(api.put(url, {**NEW_HOOK, "is_active": True}, format="json"))
    assert (row["state"], row["url"]) == ("active", NEW_HOOK["url"])

    rotated = ok(api.post(url + "rotate_secret/"))
    with scopes_disabled():
        secret = WebhookEndpoint.objects.get(pk=endpoint.pk).secret
    assert rotated["secret"] == secret != endpoint.secret

    assert api.delete(url).status_code == 204
    with scopes_disabled():
        assert not WebhookEndpoint.objects.filter(pk=endpoint.pk).exists()
    assert hook_actions(endpoint) == [
        "webhook.updated",
        "webhook.updated",
        "webhook.secret_rotated",
        "webhook.deleted",
    ]


def test_the_test_action_pings_now_once_every_few_seconds(api, network, receiver, settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = LOOPBACK
    endpoint = make_endpoint(network, receiver.url, events=["payout_line.paid"])
    row = ok(api.post(f"{HOOKS}/{endpoint.pk}/test/"))
    assert (row["event"], row["state"], row["status_code"]) == ("ping", "delivered", 200)
    [request] = receiver.requests
    assert request["headers"]["X-Webhook-Event"] == "ping"
    again = error_of(api.post(f"{HOOKS}/{endpoint.pk}/test/"), 400)
    assert again["message"] == "A test was just sent: wait a few seconds before the next."
    assert len(receiver.requests) == 1


def test_another_networks_endpoint_is_out_of_reach(api, foreign):
    endpoint = foreign["webhook_endpoint"]
    url = f"{HOOKS}/{endpoint.pk}/"
    assert error_of(api.patch(url, {"is_active": False}, format="json"), 404)
    assert error_of(api.post(url + "rotate_secret/"), 404)
    assert error_of(api.post(url + "test/"), 404)
    assert error_of(api.delete(url), 404)
    with scopes_disabled():
        assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == endpoint.secret
    assert hook_actions(endpoint) == []


@pytest.mark.parametrize("role", [Role.ADVERTISER, Role.PUBLISHER])
def test_webhooks_are_for_admins_only(role, network, world):
    client = company_api(network, role)
    endpoint = world["webhook_endpoint"]
    assert error_of(client.get(f"{HOOKS}/"), 403)
    assert error_of(client.post(f"{HOOKS}/", NEW_HOOK, format="json"), 403)
    assert error_of(client.post(f"{HOOKS}/{endpoint.pk}/rotate_secret/"), 403)
    with scopes_disabled():
        assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == endpoint.secret
