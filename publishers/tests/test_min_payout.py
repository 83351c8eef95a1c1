"""Admins give a publisher their own payout minimum on the review page, or clear it so the
network's applies; each change is audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django_scopes import scope, scopes_disabled

from conftest import client_for, make_world
from network.audit import AuditEntry
from publishers.models import Publisher


@pytest.fixture
def publisher(network, publisher_user):
    with scopes_disabled():
        return publisher_user.memberships.get().publisher


def review_url(publisher) -> str:
    return f"/manage/publishers/{publisher.pk}/"


def set_min(client, publisher, value: str, **extra):
    return client.post(review_url(publisher), {"form": "min_payout", "min_payout": value, **extra})


def reload(network, publisher) -> Publisher:
    with scope(network=network):
        return Publisher.objects.get(pk=publisher.pk)


def audit_rows(network) -> list[tuple]:
    with scope(network=network):
        return list(
            AuditEntry.objects.filter(action="publisher.min_payout")
            .order_by("id")
            .values_list("actor__email", "from_state", "to_state")
        )


def test_it_shows_the_networks_minimum_until_one_is_set(network, owner, publisher):
    html = client_for(network, owner).get(review_url(publisher)).content.decode()
    assert "Minimum payout for this publisher (USD)" in html
    assert "50.00 USD (the network's)" in html
    assert "use the network's minimum (now 50.00 USD)" in html


def test_it_sets_and_clears_the_publishers_minimum(network, manager, publisher):
    client = client_for(network, manager)
    response = set_min(client, publisher, "12.50")
    assert response["Location"] == review_url(publisher)
    assert reload(network, publisher).min_payout == Decimal("12.50")
    page = client.get(review_url(publisher)).content.decode()
    assert "12.50 USD (this publisher's own)" in page and 'value="12.50"' in page

    set_min(client, publisher, "12.5")  # the same amount: nothing to record
    response = set_min(client, publisher, "")
    assert reload(network, publisher).min_payout is None
    assert audit_rows(network) == [
        ("manager@alpha.example", "network default", "12.50"),
        ("manager@alpha.example", "12.500", "network default"),
    ]
    followed = client.get(response["Location"]).content.decode()
    assert "the network&#x27;s minimum applies" in followed


@pytest.mark.parametrize(
    ("value", "message"),
    [("-5", "cannot be negative"), ("1.234", "at most 2 decimals"), ("abc", "Enter a number")],
)
def test_it_refuses_a_bad_minimum(network, owner, publisher, value, message):
    response = set_min(client_for(network, owner), publisher, value)
    assert response.status_code == 200
    assert message in " ".join(response.context["payout_form"].errors["min_payout"])
    assert reload(network, publisher).min_payout is None
    assert audit_rows(network) == []


def test_it_leaves_the_application_decision_alone(network, owner, publisher):
    """The minimum's form carries the decision form's field names too; only one is saved."""
    set_min(client_for(network, owner), publisher, "7", decision="reject", reason="nope")
    saved = reload(network, publisher)
    assert (saved.min_payout, saved.status) == (Decimal(7), Publisher.Status.APPROVED)


def test_it_still_takes_decisions(network, owner, publisher):
    response = client_for(network, owner).post(
        review_url(publisher), {"decision": "reject", "reason": "Spam traffic"}
    )
    assert response["Location"] == "/manage/publishers/"
    saved = reload(network, publisher)
    assert (saved.status, saved.min_payout) == (Publisher.Status.REJECTED, None)


def test_it_keeps_the_minimum_from_publishers(network, publisher_user, publisher):
    response = set_min(client_for(network, publisher_user), publisher, "1")
    assert response.status_code == 403
    assert reload(network, publisher).min_payout is None


def test_the_review_page_shows_what_the_network_owes_from_the_ledger(network, owner, publisher):
    from payouts.decisions import Actor, conversion_decide
    from payouts.tests.helpers import make_conversion

    page = client_for(network, owner).get(review_url(publisher)).content.decode()
    assert "Owed now (from the ledger): <strong>nothing yet" in page
    world = make_world(network, owner, money=False)
    for payout in ("8.00", "4.50"):
        conversion = make_conversion(world, publisher=publisher, payout=payout)
        with scope(network=network):
            conversion_decide(
                network=network, conversion_id=conversion.pk, to_status="approved", actor=Actor()
            )
    page = client_for(network, owner).get(review_url(publisher)).content.decode()
    assert "Owed now (from the ledger): <strong>12.50 USD" in page


def test_the_review_page_writes_vnd_without_decimals_in_vietnamese(network, owner, publisher):
    """Amounts go through the formats filters: no raw Decimal ("1234567.000") on the page."""
    from payouts.decisions import Actor, conversion_decide
    from payouts.tests.helpers import make_conversion

    network.currency, network.min_payout = "VND", Decimal(500000)
    network.save()
    owner.language = "vi"
    owner.save(update_fields=["language"])
    world = make_world(network, owner, money=False)
    conversion = make_conversion(world, publisher=publisher, payout="1234567", currency="VND")
    with scope(network=network):
        conversion_decide(
            network=network, conversion_id=conversion.pk, to_status="approved", actor=Actor()
        )
    page = client_for(network, owner).get(review_url(publisher)).content.decode()
    assert "Đang nợ (theo sổ cái): <strong>1.234.567\xa0₫</strong>" in page
    assert "<strong>500.000\xa0₫ (mức của mạng lưới)</strong>" in page
    assert "(hiện là 500.000\xa0₫)" in page  # the form's help text
    assert "1234567" not in page and "500000" not in page
