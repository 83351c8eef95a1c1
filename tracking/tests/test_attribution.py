"""Attribution models of the cookie/pixel path: the same clicks, a day apart, then a pixel.
Last click credits the later click; first click within the window credits the earlier one
while it is inside the window. Runs on both entry points (tracking/tests/conftest.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from conftest import client_for
from offers.models import Offer, OfferAccess
from tracking import lookups
from tracking.models import Click, Conversion
from tracking.tests.helpers import add_offer

pytestmark = pytest.mark.django_db
LAST, FIRST = Offer.Attribution.LAST_CLICK, Offer.Attribution.FIRST_CLICK


def set_model(offer: Offer, model: str, window_days: int = 30) -> None:
    with scopes_disabled():
        Offer.objects.filter(pk=offer.pk).update(
            attribution_model=model, attribution_window_days=window_days
        )
    lookups.forget_all()


def click(client, world, offer: Offer, sub: str):
    response = client.get(
        f"/aff_c?offer_id={offer.pk}&aff_id={world['runner'].pk}&aff_sub={sub}",
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    return response


def credited(network) -> list[str]:
    """The aff_sub of the click each pixel conversion credits."""
    with scope(network=network):
        return [c.click.aff_sub for c in Conversion.objects.order_by("id")]


def pixel(client, offer: Offer):
    return client.get(f"/aff_l?offer_id={offer.pk}&amount=10")


def a_then_b(network, world, offer: Offer, days_between: int):
    """Click A, click B `days_between` days later, a pixel an hour after B: the client."""
    client = client_for(network)
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        click(client, world, offer, "A")
    later = start + timedelta(days=days_between)
    with time_machine.travel(later, tick=False):
        second = click(client, world, offer, "B")
    with time_machine.travel(later + timedelta(hours=1), tick=False):
        assert pixel(client, offer).status_code == 200
    return second


@pytest.mark.parametrize(("model", "expected"), [(LAST, ["B"]), (FIRST, ["A"])])
def test_the_same_clicks_credit_the_model_s_click(network, world, model, expected):
    offer = world["offer"]
    set_model(offer, model)
    b = a_then_b(network, world, offer, days_between=1)
    assert credited(network) == expected
    # Under first click B is a click all the same: recorded, accepted, with its own id.
    assert (f"tid_{offer.pk}" in b.cookies) == (model == LAST)
    with scope(network=network):
        clicks = offer_clicks(offer)
    assert [(c.aff_sub, c.status) for c in clicks] == [("A", "accepted"), ("B", "accepted")]


def offer_clicks(offer: Offer) -> list[Click]:
    return list(Click.objects.filter(offer=offer).order_by("created_at"))


def test_first_click_outside_the_window_gives_way_to_the_new_click(network, world):
    offer = world["offer"]
    set_model(offer, FIRST, window_days=2)
    b = a_then_b(network, world, offer, days_between=3)
    assert f"tid_{offer.pk}" in b.cookies  # A is too old: B takes the cookie
    assert credited(network) == ["B"]


def test_a_cookie_that_is_no_click_id_of_ours_does_not_hold_the_offer(network, world):
    offer = world["offer"]
    set_model(offer, FIRST)
    client = client_for(network)
    for junk in ("junk", "f" * 32):  # not an id; an id made far in the future
        client.cookies[f"tid_{offer.pk}"] = junk
        assert f"tid_{offer.pk}" in click(client, world, offer, "A").cookies


def test_another_offer_s_cookie_is_left_alone(network, world):
    offer = world["offer"]
    other = add_offer(network, world["advertiser"], "Other", page="https://other.example/")
    with scopes_disabled():
        OfferAccess.objects.create(
            network=network, offer=other, publisher=world["runner"], status="approved"
        )
    set_model(offer, FIRST)
    set_model(other, FIRST)
    client = client_for(network)
    theirs = click(client, world, other, "O").cookies[f"tid_{other.pk}"].value
    # The other offer's live click does not hold this offer's cookie, and no click of this
    # offer writes the other's.
    first = click(client, world, offer, "A")
    second = click(client, world, offer, "B")
    assert f"tid_{offer.pk}" in first.cookies
    assert f"tid_{other.pk}" not in first.cookies and f"tid_{other.pk}" not in second.cookies
    assert client.cookies[f"tid_{other.pk}"].value == theirs
    pixel(client, offer)
    pixel(client, other)
    assert credited(network) == ["A", "O"]


@pytest.mark.parametrize("model", [LAST, FIRST])
def test_the_model_costs_the_click_no_query(network, world, model):
    """The model comes with the offer's cached terms: once they are cached, a click makes the
    same queries under either model (here the click's own INSERT, in a savepoint: the
    tests write clicks straight to the table instead of through the Redis buffer)."""
    offer = world["offer"]
    set_model(offer, model)
    client = client_for(network)
    click(client, world, offer, "warm")  # the lookups are cached from here on
    with CaptureQueriesContext(connection) as queries:
        click(client, world, offer, "again")
    statements = [q["sql"].split()[0] for q in queries]
    assert [s for s in statements if s not in ("SAVEPOINT", "RELEASE")] == ["INSERT"]
