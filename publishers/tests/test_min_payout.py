"""Admins give a publisher their own payout minimum on the review page, or clear it so the
network's applies; each change is audited."""

from __future__ import annotations

import pytest
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from conftest import client_for, make_world, set_minimum
from network.tests.money import reauthenticated, with_mfa
from publishers.models import Publisher, PublisherMinimum


@pytest.fixture
def publisher(network, publisher_user):
    with scopes_disabled():
        return publisher_user.memberships.get().publisher


def review_url(publisher) -> str:
    return f"/manage/publishers/{publisher.pk}/"


def money_admin(network, user):
    """An admin with two-factor on who just entered the password: a minimum is a money
    control (network.step_up)."""
    with scopes_disabled():
        with_mfa(user)
    return reauthenticated(client_for(network, user), user)


def set_min(client, publisher, value: str, currency: str = "USD", **extra):
    data = {"form": "min_payout", "currency": currency, "min_payout": value, **extra}
    return client.post(review_url(publisher), data)


def reload(network, publisher) -> Publisher:
    with scope(network=network):
        return Publisher.objects.get(pk=publisher.pk)


def own_minimums(network, publisher) -> dict[str, int]:
    """The publisher's own minimums, in minor units of each currency."""
    with scope(network=network):
        rows = PublisherMinimum.objects.filter(publisher=publisher)
        return dict(rows.values_list("currency", "amount"))


def audit_rows(network) -> list[tuple]:
    with scope(network=network):
        return list(
            AuditEntry.objects.filter(action="publisher.min_payout")
            .order_by("id")
            .values_list("actor__email", "from_state", "to_state", "reason")
        )


def test_it_shows_the_networks_minimum_until_one_is_set(network, owner, publisher):
    html = client_for(network, owner).get(review_url(publisher)).content.decode()
    assert "Minimum payout for this publisher" in html
    assert '<th scope="row">USD</th>\n      <td>50.00 USD</td>\n      <td>—</td>' in html
    assert "use the network's minimum in that currency" in html


def test_it_sets_and_clears_the_publishers_minimum_per_currency(network, manager, publisher):
    client = money_admin(network, manager)
    response = set_min(client, publisher, "15.000", currency="KWD")
    assert response["Location"] == review_url(publisher)
    set_min(client, publisher, "12.50")
    assert own_minimums(network, publisher) == {"KWD": 15000, "USD": 1250}
    page = client.get(review_url(publisher)).content.decode()
    assert "<td>15.000 KWD</td>" in page and "<td>12.50 USD</td>" in page
    assert "<strong>12.50 USD</strong>" in page  # applied: their own, not the network's 50.00

    set_min(client, publisher, "12.5")  # the same amount: nothing to record
    response = set_min(client, publisher, "")
    assert own_minimums(network, publisher) == {"KWD": 15000}
    assert audit_rows(network) == [
        ("manager@alpha.example", "network default", "15.000 KWD", "KWD"),
        ("manager@alpha.example", "network default", "12.50 USD", "USD"),
        ("manager@alpha.example", "12.50 USD", "network default", "USD"),
    ]
    followed = client.get(response["Location"]).content.decode()
    assert "the network&#x27;s minimum applies in USD" in followed


@pytest.mark.parametrize(
    ("value", "currency", "message"),
    [
        ("-5", "USD", "cannot be negative"),
        ("1.234", "USD", "at most 2 decimals"),
        ("1.5", "VND", "VND has no decimals"),
        ("1.2345", "KWD", "at most 3 decimals"),
        ("abc", "USD", "Enter a number"),
    ],
)
def test_it_refuses_a_bad_minimum(network, owner, publisher, value, currency, message):
    response = set_min(client_for(network, owner), publisher, value, currency=currency)
    assert response.status_code == 200
    assert message in " ".join(response.context["payout_form"].errors["min_payout"])
    assert own_minimums(network, publisher) == {}
    assert audit_rows(network) == []


def test_it_refuses_an_unknown_currency(network, owner, publisher):
    response = set_min(client_for(network, owner), publisher, "5", currency="XYZ")
    assert "currency" in response.context["payout_form"].errors
    assert own_minimums(network, publisher) == {}


def test_it_leaves_the_application_decision_alone(network, owner, publisher):
    """The minimum's form carries the decision form's field names too; only one is saved."""
    set_min(money_admin(network, owner), publisher, "7", decision="reject", reason="nope")
    assert reload(network, publisher).status == Publisher.Status.APPROVED
    assert own_minimums(network, publisher) == {"USD": 700}


def test_it_still_takes_decisions(network, owner, publisher):
    response = client_for(network, owner).post(
        review_url(publisher), {"decision": "reject", "reason": "Spam traffic"}
    )
    assert response["Location"] == "/manage/publishers/"
    assert reload(network, publisher).status == Publisher.Status.REJECTED
    assert own_minimums(network, publisher) == {}


def test_a_publishers_minimum_is_a_money_control(network, owner, publisher):
    """Lowering one publisher's minimum pays them sooner: two-factor first, then the
    password again, as for the network's minimums; nothing changes before both."""
    client = client_for(network, owner)
    refused = set_min(client, publisher, "1")
    assert "Turn on two-factor authentication" in refused.content.decode()
    with scopes_disabled():
        with_mfa(owner)
    assert "/reauthenticate/" in set_min(client, publisher, "1")["Location"]
    assert own_minimums(network, publisher) == {} and audit_rows(network) == []


def test_it_keeps_the_minimum_from_publishers(network, publisher_user, publisher):
    response = set_min(client_for(network, publisher_user), publisher, "1")
    assert response.status_code == 403
    assert own_minimums(network, publisher) == {}


def test_the_review_page_shows_what_the_network_owes_from_the_ledger(network, owner, publisher):
    from decisions.services import Actor, conversion_decide
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
    from decisions.services import Actor, conversion_decide
    from payouts.tests.helpers import make_conversion

    network.currency = "VND"
    network.save()
    set_minimum(network, "VND", 500000)
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
    assert "<td>500.000\xa0₫</td>" in page  # the network's minimum in VND
    assert "<strong>500.000\xa0₫</strong>" in page  # applied
    assert "1234567" not in page and "500000" not in page
