"""The network's settings through the admins' API (/api/v1/admin/settings/,
network/api_admin_settings.py): the settings page's fields, judged by its form, saved and
audited by its services; the money controls behind two-factor and the money scope."""
# ruff: noqa: F811  (the fixtures imported from the admin API's tests are the tests' arguments)

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from audit.models import AuditEntry
from conftest import make_member
from network.models import Network, Role
from network.step_up import MONEY_SCOPE
from network.tests.admin_api_fixtures import api, company_api, key  # noqa: F401  (fixtures)
from network.tests.api import api_client, error_of, key_for, ok, via
from network.tests.money import with_mfa

pytestmark = pytest.mark.django_db


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
    client = company_api(network, role)
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
