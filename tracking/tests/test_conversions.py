"""Conversions by server postback (/aff_lsr, /aff_goal) and pixel (/aff_l)."""

from __future__ import annotations

import time
from datetime import timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone, translation
from django_scopes import scope, scopes_disabled

from conftest import client_for
from offers.models import Cap, Offer
from tracking.ids import new_click_id
from tracking.models import Click, Conversion, RejectedPostback
from tracking.tests.helpers import add_goal, runner_world


@pytest.fixture
def world(network, owner, publisher_user):
    world = runner_world(network, owner, publisher_user)
    world["token"] = world["advertiser"].postback_token
    return world


def new_click(network, world) -> str:
    response = client_for(network).get(
        f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}&aff_sub=s1",
        REMOTE_ADDR="203.0.113.7",
    )
    assert response.status_code == 302
    return response.cookies[f"tid_{world['offer'].pk}"].value


def postback(network, world, click_id, path="/aff_lsr", method="get", **params):
    params = {"transaction_id": click_id, "security_token": world["token"], **params}
    return getattr(client_for(network), method)(path, params, REMOTE_ADDR="198.51.100.20")


def conversions(network):
    with scope(network=network):
        return list(Conversion.objects.order_by("id"))


def test_it_records_a_pending_conversion_with_exact_money(network, world):
    click_id = new_click(network, world)
    response = postback(
        network, world, click_id, amount="120.505", adv_sub="order-9", conversion_unique_id="A-1"
    )
    assert response.status_code == 200
    [conversion] = conversions(network)
    assert response.content.decode() == (
        f"success=true; conversion_id={conversion.pk}; status=pending;"
    )
    # make_world: revenue CPA 10, the publisher's override pays 9.50; the sale rounds half-even.
    assert (conversion.sale_amount, conversion.revenue, conversion.payout) == (
        Decimal("120.50"),
        Decimal("10.00"),
        Decimal("9.50"),
    )
    assert (conversion.status, conversion.method, conversion.currency) == (
        "pending",
        "postback",
        "USD",
    )
    assert (conversion.order_id, conversion.adv_sub, conversion.ip) == (
        "A-1",
        "order-9",
        "198.51.100.20",
    )
    assert conversion.click_id == click_id and conversion.publisher == world["runner"]


def test_it_accepts_a_post_and_the_click_id_alias(network, world):
    click_id = new_click(network, world)
    response = client_for(network).post(
        "/aff_lsr", {"click_id": click_id, "security_token": world["token"]}
    )
    assert response.status_code == 200
    assert len(conversions(network)) == 1


def test_it_answers_a_repeat_as_a_duplicate_and_keeps_one(network, world):
    click_id = new_click(network, world)
    first = postback(network, world, click_id)
    again = postback(network, world, click_id)
    [conversion] = conversions(network)
    assert first.status_code == again.status_code == 200
    assert again.content.decode() == f"success=true; duplicate=true; conversion_id={conversion.pk};"


def test_it_dedups_by_order_id_across_clicks(network, world):
    first, second = new_click(network, world), new_click(network, world)
    postback(network, world, first, conversion_unique_id="ORDER-7")
    again = postback(network, world, second, conversion_unique_id="ORDER-7")
    assert b"duplicate=true" in again.content
    assert len(conversions(network)) == 1


def test_it_allows_several_conversions_per_click_when_the_offer_does(network, world):
    with scopes_disabled():
        Offer.objects.filter(pk=world["offer"].pk).update(multiple_conversions=True)
    click_id = new_click(network, world)
    postback(network, world, click_id, conversion_unique_id="1")
    postback(network, world, click_id, conversion_unique_id="2")
    assert len(conversions(network)) == 2


def test_it_records_a_named_goal_with_aff_goal(network, world):
    lead = add_goal(world["offer"], "Lead", kind="cpl", revenue=2, payout="1.5")
    click_id = new_click(network, world)
    response = postback(network, world, click_id, path="/aff_goal", a="lsr", goal_id=lead.pk)
    assert response.status_code == 200
    sale = postback(network, world, click_id)  # the default goal is another conversion
    assert sale.status_code == 200
    goals = [(c.goal.name, c.payout) for c in conversions(network)]
    assert goals == [("Lead", Decimal("1.50")), ("Sale", Decimal("9.50"))]


@pytest.mark.parametrize(
    ("params", "status", "reason"),
    [
        ({"transaction_id": ""}, 400, "invalid_transaction_id"),
        ({"transaction_id": "nope"}, 400, "invalid_transaction_id"),
        ({"transaction_id": "f" * 32}, 404, "unknown_transaction_id"),  # made in the year 10889
        ({"transaction_id": "0" * 32}, 404, "unknown_transaction_id"),  # in 1970
        ({"security_token": "forged"}, 403, "invalid_security_token"),
        ({"security_token": ""}, 403, "invalid_security_token"),
        ({"offer_id": "999999"}, 400, "offer_mismatch"),
        ({"goal_id": "999999"}, 400, "unknown_goal"),
        ({"amount": "-5"}, 400, "invalid_amount"),
        ({"amount": "NaN"}, 400, "invalid_amount"),
        ({"amount": "1e400"}, 400, "invalid_amount"),
        ({"amount": "12,50"}, 400, "invalid_amount"),
    ],
)
def test_it_refuses_with_a_reason(network, world, params, status, reason):
    click_id = new_click(network, world)
    response = postback(network, world, click_id, **params)
    assert response.status_code == status
    assert response.content.decode().startswith(f"success=false; err_msg={reason}")
    assert conversions(network) == []


def test_it_logs_a_forged_postback_for_the_advertiser(network, world):
    click_id = new_click(network, world)
    postback(network, world, click_id, security_token="forged")
    with scope(network=network):
        [logged] = RejectedPostback.objects.all()
    assert (logged.reason, logged.advertiser, logged.ip) == (
        "invalid_security_token",
        world["advertiser"],
        "198.51.100.20",
    )
    assert "security_token=forged" in logged.query


def test_it_honours_the_advertisers_ip_allowlist_and_token_choice(network, world):
    with scopes_disabled():
        world["advertiser"].require_token = False
        world["advertiser"].postback_ips = ["192.0.2.0/24"]
        world["advertiser"].save()
    click_id = new_click(network, world)
    refused = postback(network, world, click_id, security_token="")
    assert (refused.status_code, b"ip_not_allowed" in refused.content) == (403, True)
    allowed = client_for(network).get(
        f"/aff_lsr?transaction_id={click_id}", REMOTE_ADDR="192.0.2.44"
    )
    assert allowed.status_code == 200


def test_it_refuses_a_click_of_another_network(network, world, other_network):
    click_id = new_click(network, world)
    response = client_for(other_network).get(f"/aff_lsr?transaction_id={click_id}")
    assert response.status_code == 404


def test_it_refuses_a_conversion_for_a_rejected_click(network, world):
    with scopes_disabled():
        Offer.objects.filter(pk=world["offer"].pk).update(allowed_countries=["DE"])
    click_id = client_for(network).get(
        f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}"
    )
    with scope(network=network):
        click_id = Click.objects.get().pk
    response = postback(network, world, click_id)
    assert (response.status_code, b"click_rejected" in response.content) == (400, True)


def test_it_keeps_to_the_attribution_window(network, world):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        inside, outside = new_click(network, world), new_click(network, world)
    window = timedelta(days=30)
    with time_machine.travel(start + window, tick=False):
        assert postback(network, world, inside).status_code == 200
    with time_machine.travel(start + window + timedelta(seconds=1), tick=False):
        late = postback(network, world, outside)
    assert (late.status_code, b"attribution_window_expired" in late.content) == (400, True)


def test_it_stores_what_the_advertiser_rejects(network, world):
    click_id = new_click(network, world)
    postback(network, world, click_id, status="rejected")
    [conversion] = conversions(network)
    assert (conversion.status, conversion.reason_code) == ("rejected", "advertiser_rejected")


def test_it_rejects_conversions_over_a_cap(network, world):
    with scopes_disabled():
        Cap.objects.filter(offer=world["offer"]).update(limit=2)
    for _ in range(3):
        postback(network, world, new_click(network, world))
    statuses = [(c.status, c.reason_code) for c in conversions(network)]
    assert statuses == [("pending", ""), ("pending", ""), ("rejected", "cap_reached")]


def test_it_sends_clicks_to_the_fallback_once_a_fallback_cap_is_full(network, world):
    with scopes_disabled():
        Cap.objects.filter(offer=world["offer"]).update(limit=1, action="fallback")
    postback(network, world, new_click(network, world))
    response = client_for(network).get(
        f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}"
    )
    assert response["Location"] == "https://alpha.localhost/"


def test_it_attributes_a_pixel_to_the_last_click(network, world):
    client = client_for(network)
    url = f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}"
    client.get(url + "&aff_sub=first")
    client.get(url + "&aff_sub=last")
    response = client.get(f"/aff_l?offer_id={world['offer'].pk}&amount=10")
    assert (response.status_code, response["Content-Type"]) == (200, "image/gif")
    [conversion] = conversions(network)
    assert (conversion.click.aff_sub, conversion.method) == ("last", "pixel")
    iframe = client.get(f"/aff_l?offer_id={world['offer'].pk}&format=iframe")
    assert iframe["Content-Type"].startswith("text/html")


def test_it_answers_a_pixel_without_a_click_cookie_honestly(network, world):
    response = client_for(network).get(f"/aff_l?offer_id={world['offer'].pk}")
    assert (response.status_code, response["Content-Type"]) == (400, "image/gif")
    assert conversions(network) == []


def test_it_counts_impressions(network, world):
    client = client_for(network)
    ok = client.get(
        f"/aff_i?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}"
        f"&file_id={world['creative'].pk}"
    )
    unknown = client.get("/aff_i?offer_id=999999&aff_id=1")
    assert (ok.status_code, ok["Content-Type"], unknown.status_code) == (200, "image/gif", 404)
    from tracking.models import Impression

    with scope(network=network):
        assert Impression.objects.get().creative == world["creative"]


@pytest.mark.parametrize("path", ["/aff_lsr", "/aff_goal", "/aff_l", "/aff_i", "/aff_c"])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "transaction_id=%00",
        "transaction_id[]=x&amount[]=1",
        "a=zzz&goal_id=-1",
        "offer_id=%ff%fe&aff_id=1e9&amount=" + "9" * 500,
        "&&&==;;",
        "goal_id=1&a=lsr",
    ],
)
def test_it_never_answers_500_to_a_malformed_query(network, world, path, query):
    response = client_for(network).get(f"{path}?{query}")
    assert response.status_code < 500
    assert (
        client_for(network).post(path, data=b"\xff\xfe", content_type="text/plain").status_code
        < 500
    )


def test_it_asks_a_sender_to_retry_a_recent_unknown_click_id_and_logs_it(network, world):
    """A recent id may still be on its way (tracking.drain): 503 + Retry-After, which a
    TUNE-style sender retries; an id that can never become a click: 404, which it does not."""
    recent = new_click_id()
    retry = postback(network, world, recent, offer_id=world["offer"].pk)
    assert (retry.status_code, retry["Retry-After"]) == (503, "60")
    assert retry.content.startswith(b"success=false; err_msg=unknown_transaction_id")
    day_old = f"{(int(time.time()) - 25 * 3600) * 1000:012x}" + "0" * 20
    final = postback(network, world, day_old)
    assert (final.status_code, final.has_header("Retry-After")) == (404, False)
    with scope(network=network):
        logged = list(RejectedPostback.objects.order_by("created_at", "id"))
    assert [(r.reason, r.advertiser) for r in logged] == [
        ("unknown_transaction_id", world["advertiser"]),  # offer_id named the offer
        ("unknown_transaction_id", None),
    ]
    english = logged[0].reason_label
    with translation.override("vi"):
        assert logged[0].reason_label not in (english, "unknown_transaction_id")


def test_it_keeps_a_bounded_number_of_unknown_id_refusals(network, world):
    """Made-up ids need no secret: a flood of them keeps at most 30 rows a minute."""
    for _ in range(40):
        assert postback(network, world, new_click_id()).status_code == 503
    with scope(network=network):
        assert RejectedPostback.objects.count() == 30  # conversions.UNKNOWN_LOGGED_PER_MINUTE
