from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scope

from conftest import client_for
from network.audit import AuditEntry
from network.models import Network

SETTINGS = {
    "name": "Alpha Renamed",
    "timezone": "Europe/Berlin",
    "language": "vi",
    "default_margin_percent": "25.5",
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
