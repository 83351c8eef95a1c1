"""The admins' network settings and webhooks API (/api/v1/admin/settings/, /webhooks/): each
write is the page's (same form, same words, same audit entry); other networks' ids are
refused; advertisers and publishers are refused (403). Payout tiers:
offers/tests/test_api_admin_tiers.py. The 401/404/403 of every route for every role:
test_api_matrix.py."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from conftest import make_member, make_world
from network.audit import AuditEntry
from network.models import Network, Role
from network.step_up import MONEY_SCOPE
from network.tests.api import api_client, key_for
from network.tests.money import with_mfa
from publishers.tests.test_safehttp import REFUSED_URLS
from webhooks.models import WebhookEndpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(network, owner):
    return make_world(network, owner, money=False)


@pytest.fixture
def key(network, manager):
    return key_for(network, manager)  # managers may do all of it, as on the pages


@pytest.fixture
def api(network, key):
    return api_client(network, key)


@pytest.fixture
def foreign(other_network):
    stranger = make_member(other_network, Role.OWNER, "owner@beta.example")
    return make_world(other_network, stranger, money=False)


def audit_of(obj, action: str) -> list[AuditEntry]:
    with scopes_disabled():
        return list(
            AuditEntry.objects.filter(
                action=action, object_type=obj._meta.label_lower, object_id=str(obj.pk)
            ).order_by("id")
        )


def via(user, key: str) -> str:
    return f"{user.email} via API key {key.split('_')[1]}"


def error_of(response, status: int) -> dict:
    assert response.status_code == status, response.content[:500]
    return response.json()["error"]


def ok(response) -> dict:
    assert response.status_code == 200, response.content[:500]
    return response.json()


def ids(response) -> list[int]:
    return [row["id"] for row in ok(response)["results"]]


# --- Network settings -----------------------------------------------------------------------

SETTINGS = "/api/v1/admin/settings/"


def test_it_shows_the_settings_page_fields(api, network):
    assert ok(api.get(SETTINGS)) == {
        "name": "Alpha Network",
        "slug": network.slug,
        "currency": "USD",
        "timezone": network.timezone,
        "language": network.language,
        "default_margin_percent": "20.00",
        "min_payout": "50.00",
        "payout_minimums": [{"currency": "USD", "amount": "50.00"}],
        "payout_second_approver": False,
        "invoice_terms_days": 30,
    }


def test_the_invoice_terms_are_a_setting_of_the_api_too(api, network):
    assert (
        ok(api.patch(SETTINGS, {"invoice_terms_days": 45}, format="json"))["invoice_terms_days"]
        == 45
    )
    assert Network.objects.get(pk=network.pk).invoice_terms_days == 45
    assert api.patch(SETTINGS, {"invoice_terms_days": -1}, format="json").status_code == 400
    assert api.patch(SETTINGS, {"invoice_terms_days": 400}, format="json").status_code == 400


def test_patching_changes_only_what_is_sent_with_one_audit_row_each(manager, network):
    # Money controls among the fields: two-factor on and a key with the money scope.
    key = key_for(network, with_mfa(manager), scopes=(MONEY_SCOPE,))
    api = api_client(network, key)
    body = {
        "timezone": "Europe/Berlin",
        "min_payout": "25.50",
        "payout_second_approver": True,
        "currency": "VND",  # fixed: ignored, as on the page
        "slug": "stolen",
    }
    row = ok(api.patch(SETTINGS, body, format="json"))
    assert (row["timezone"], row["min_payout"], row["payout_second_approver"]) == (
        "Europe/Berlin",
        "25.50",
        True,
    )
    assert (row["name"], row["currency"], row["slug"]) == ("Alpha Network", "USD", network.slug)
    fresh = Network.objects.get(pk=network.pk)
    assert (fresh.timezone, fresh.currency) == ("Europe/Berlin", "USD")
    with scopes_disabled():
        assert fresh.minimum_payout("USD") == 2550
    with scopes_disabled():
        entries = AuditEntry.objects.filter(network=network, action__startswith="network.")
        changed = {e.action: (e.from_state, e.to_state, e.actor_label) for e in entries}
    assert changed == {
        "network.timezone": (network.timezone, "Europe/Berlin", via(manager, key)),
        "network.payout_minimum": ("50.00 USD", "25.50 USD", via(manager, key)),
        "network.payout_second_approver": ("False", "True", via(manager, key)),
    }


def test_patching_sets_the_minimum_of_each_currency_sent(manager, network):
    """VND has no decimals and KWD three: each minimum is judged and shown in its own (a money
    control: two-factor on and a key with the money scope)."""
    api = api_client(network, key_for(network, with_mfa(manager), scopes=(MONEY_SCOPE,)))
    body = {
        "payout_minimums": [
            {"currency": "VND", "amount": "500000"},
            {"currency": "KWD", "amount": "15"},
            {"currency": "USD", "amount": None},  # removed: every positive balance is paid
        ]
    }
    row = ok(api.patch(SETTINGS, body, format="json"))
    assert row["payout_minimums"] == [
        {"currency": "KWD", "amount": "15.000"},
        {"currency": "VND", "amount": "500000"},
    ]
    assert row["min_payout"] == "0.00"
    with scopes_disabled():
        entries = AuditEntry.objects.filter(network=network, action="network.payout_minimum")
        changed = sorted((e.reason, e.from_state, e.to_state) for e in entries)
    assert changed == [
        ("KWD", "none", "15.000 KWD"),
        ("USD", "50.00 USD", "none"),
        ("VND", "none", "500000 VND"),
    ]


@pytest.mark.parametrize(
    ("row", "field", "words"),
    [
        ({"currency": "VND", "amount": "10.5"}, "amount", "VND has no decimals"),
        ({"currency": "KWD", "amount": "1.2345"}, "amount", "at most 3 decimals"),
        ({"currency": "KWD", "amount": "-1"}, "amount", "cannot be negative"),
        ({"currency": "XYZ", "amount": "1"}, "currency", "Select a valid choice"),
    ],
)
def test_a_bad_minimum_changes_nothing(api, network, row, field, words):
    body = {"timezone": "Europe/Berlin", "payout_minimums": [row]}
    fields = error_of(api.patch(SETTINGS, body, format="json"), 400)["fields"]
    assert words in fields[f"payout_minimums.0.{field}"][0]
    assert Network.objects.get(pk=network.pk).timezone == network.timezone
    with scopes_disabled():
        assert not AuditEntry.objects.filter(network=network, action__startswith="network.")


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("timezone", "Nowhere/City", "Select a valid choice"),
        ("min_payout", "10.005", "at most 2 decimals"),
        ("min_payout", "-1", "cannot be negative"),
        ("default_margin_percent", "101", ""),
        ("name", "", "required"),
    ],
)
def test_settings_are_judged_by_the_pages_form(api, network, field, value, words):
    fields = error_of(api.patch(SETTINGS, {field: value}, format="json"), 400)["fields"]
    assert words in fields[field][0]
    assert Network.objects.get(pk=network.pk).name == "Alpha Network"
    with scopes_disabled():
        assert not AuditEntry.objects.filter(network=network, action__startswith="network.")


@pytest.mark.parametrize("role", [Role.ADVERTISER, Role.PUBLISHER])
def test_settings_are_for_admins_only(role, network):
    user = make_member(network, role, f"{role}@x.example", company=f"{role} co")
    client = api_client(network, key_for(network, user))
    assert error_of(client.get(SETTINGS), 403)
    assert error_of(client.patch(SETTINGS, {"name": "Mine"}, format="json"), 403)
    assert Network.objects.get(pk=network.pk).name == "Alpha Network"


def test_settings_of_another_network_are_out_of_reach(network, other_network, manager):
    stranger = make_member(other_network, Role.OWNER, "owner@beta.example")
    their_key = key_for(other_network, stranger)
    # Their key on this host is no key here; on their host it changes their network only.
    assert error_of(api_client(network, their_key).patch(SETTINGS, {"name": "X"}), 401)
    theirs = api_client(other_network, their_key)
    assert ok(theirs.patch(SETTINGS, {"name": "Beta Renamed"}, format="json"))["name"] == (
        "Beta Renamed"
    )
    assert Network.objects.get(pk=network.pk).name == "Alpha Network"


# --- Webhook endpoints ----------------------------------------------------------------------

HOOKS = "/api/v1/admin/webhooks"
NEW_HOOK = {
    "url": "https://crm.example/hooks",
    "description": "Our CRM",
    "events": ["payout_line.paid", "conversion.created"],
}


@pytest.fixture
def receiver():
    from webhooks.tests.helpers import Receiver

    server = Receiver()
    yield server
    server.close()


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
    from webhooks.tests.helpers import make_endpoint

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
    from webhooks.tests.helpers import LOOPBACK, make_endpoint

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
    user = make_member(network, role, f"{role}@x.example", company=f"{role} co")
    client = api_client(network, key_for(network, user))
    endpoint = world["webhook_endpoint"]
    assert error_of(client.get(f"{HOOKS}/"), 403)
    assert error_of(client.post(f"{HOOKS}/", NEW_HOOK, format="json"), 403)
    assert error_of(client.post(f"{HOOKS}/{endpoint.pk}/rotate_secret/"), 403)
    with scopes_disabled():
        assert WebhookEndpoint.objects.get(pk=endpoint.pk).secret == endpoint.secret
