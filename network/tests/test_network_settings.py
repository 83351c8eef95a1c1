from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scope

from audit.models import AuditEntry
from conftest import client_for
from network.models import Network
from network.tests.money import money_client


def minimum(network, currency="USD"):
    with scope(network=network):
        return network.minimum_payout(currency)


SETTINGS = {
    "name": "Alpha Renamed",
    "timezone": "Europe/Berlin",
    "language": "vi",
    "default_margin_percent": "25.5",
    "min_payout": "50",
    "invoice_terms_days": "30",
}


def test_it_saves_the_settings_and_audits_each_change(network, manager):
    response = client_for(network, manager).post("/manage/settings/", SETTINGS)
    assert response["Location"] == "/manage/settings/"
    network.refresh_from_db()
    assert (network.name, network.timezone, network.language) == (
        "Alpha Renamed",
        "Europe/Berlin",
        "vi",
    )
    assert network.default_margin_percent == Decimal("25.5")
    with scope(network=network):
        entry = AuditEntry.objects.get(action="network.default_margin_percent")
    assert (entry.actor, entry.from_state, entry.to_state) == (manager, "20.00", "25.5")


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("default_margin_percent", "101"),
        ("default_margin_percent", "-1"),
        ("timezone", "Nowhere/City"),
        ("name", ""),
        ("language", "xx"),
    ],
)
def test_it_explains_bad_settings(network, owner, field, value):
    response = client_for(network, owner).post("/manage/settings/", {**SETTINGS, field: value})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert Network.objects.get(pk=network.pk).name == "Alpha Network"


def test_it_keeps_the_currency(network, owner):
    client_for(network, owner).post("/manage/settings/", {**SETTINGS, "currency": "VND"})
    network.refresh_from_db()
    assert network.currency == "USD"


# Payout settings


def test_it_saves_the_payout_settings(network, owner):
    client = money_client(network, owner)  # money controls: two-factor and a recent password
    response = client.post(
        "/manage/settings/",
        {**SETTINGS, "min_payout": "25.50", "payout_second_approver": "on"},
    )
    assert response["Location"] == "/manage/settings/"
    network.refresh_from_db()
    assert minimum(network) == 2550  # cents: the USD row of the per-currency table
    assert network.payout_second_approver is True
    with scope(network=network):
        entry = AuditEntry.objects.get(action="network.payout_minimum")
        assert AuditEntry.objects.filter(action="network.payout_second_approver").exists()
    assert (entry.actor, entry.from_state, entry.to_state, entry.reason) == (
        owner,
        "50.00 USD",
        "25.50 USD",
        "USD",
    )

    client.post("/manage/settings/", {**SETTINGS, "min_payout": "0"})
    network.refresh_from_db()
    assert (minimum(network), network.payout_second_approver) == (0, False)


def test_it_shows_the_payout_settings_with_help(network, owner):
    html = client_for(network, owner).get("/manage/settings/").content.decode()
    assert "Minimum payout (USD)" in html and 'value="50.00"' in html
    assert 'step="0.01"' in html
    assert "carried over to the next run" in html
    assert "two different owners or managers" in html


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "cannot be negative"),
        ("10.005", "at most 2 decimals"),
        ("ten", "Enter a number"),
        ("", "required"),
    ],
)
def test_it_refuses_a_bad_minimum_payout(network, owner, value, message):
    response = client_for(network, owner).post(
        "/manage/settings/", {**SETTINGS, "min_payout": value}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors["min_payout"]
    assert message in " ".join(errors)
    assert message in response.content.decode()
    assert minimum(network) == 5000


def test_it_takes_the_minimum_in_the_networks_currency(network, owner):
    network.currency = "JPY"
    network.save()
    client = money_client(network, owner)
    response = client.post("/manage/settings/", {**SETTINGS, "min_payout": "500.5"})
    assert "JPY has no decimals" in " ".join(response.context["form"].errors["min_payout"])
    client.post("/manage/settings/", {**SETTINGS, "min_payout": "5000"})
    assert minimum(network, "JPY") == 5000
    assert minimum(network, "USD") == 5000  # 50.00 USD, the row made with the network: kept


# Invoice terms (issue 15): a setting with a default, on the page and in the API.


def test_it_saves_the_invoice_terms_with_help(network, owner):
    html = client_for(network, owner).get("/manage/settings/").content.decode()
    assert "Payment terms (days)" in html and 'value="30"' in html
    assert "due on receipt" in html
    response = client_for(network, owner).post(
        "/manage/settings/", {**SETTINGS, "invoice_terms_days": "14"}
    )
    assert response["Location"] == "/manage/settings/"
    network.refresh_from_db()
    assert network.invoice_terms_days == 14
    with scope(network=network):
        entry = AuditEntry.objects.get(action="network.invoice_terms_days")
    assert (entry.actor, entry.from_state, entry.to_state) == (owner, "30", "14")


@pytest.mark.parametrize("value", ["-1", "366", "ten", ""])
def test_it_refuses_bad_invoice_terms(network, owner, value):
    response = client_for(network, owner).post(
        "/manage/settings/", {**SETTINGS, "invoice_terms_days": value}
    )
    assert response.status_code == 200
    assert "invoice_terms_days" in response.context["form"].errors
