"""The conversion a postback created is visible to the admin, its advertiser and publisher."""

from __future__ import annotations

import html
import re

import pytest
from django_scopes import scope

from conftest import client_for, make_member, make_world
from network.models import Role
from tracking.models import Conversion


@pytest.fixture
def conversion_id(network, owner, publisher_user, advertiser_user):
    world = make_world(network, owner)
    with scope(network=network):
        runner = publisher_user.memberships.get().publisher
        token = world["advertiser"].postback_token
    client = client_for(network)
    click = client.get(f"/aff_c?offer_id={world['offer'].pk}&aff_id={runner.pk}&aff_sub=nl-42")
    click_id = click.cookies[f"tid_{world['offer'].pk}"].value
    answer = client.get(f"/aff_lsr?transaction_id={click_id}&security_token={token}&amount=50")
    return int(answer.content.decode().split("conversion_id=")[1].split(";")[0])


def rows(response) -> list:
    return list(response.context["table"].rows)


def test_the_admin_sees_every_conversion_with_revenue_and_payout(network, owner, conversion_id):
    response = client_for(network, owner).get("/manage/conversions/")
    [row] = rows(response)
    assert row.record.pk == conversion_id
    html = response.content.decode()
    assert "Revenue" in html and "Payout" in html and "nl-42" in html and "Pending" in html


def test_the_advertiser_sees_its_conversions_without_the_payout(
    network, advertiser_user, conversion_id
):
    response = client_for(network, advertiser_user).get("/advertiser/conversions/")
    assert [row.record.pk for row in rows(response)] == [conversion_id]
    assert "Payout" not in response.content.decode()


def test_another_advertiser_sees_none_of_them(network, conversion_id):
    stranger = make_member(network, Role.ADVERTISER, "other@adv.example", company="Other Co")
    assert rows(client_for(network, stranger).get("/advertiser/conversions/")) == []


def test_the_publisher_sees_its_conversions_without_the_revenue(
    network, publisher_user, conversion_id
):
    response = client_for(network, publisher_user).get("/publisher/conversions/?status=pending")
    assert [row.record.pk for row in rows(response)] == [conversion_id]
    assert "Revenue" not in response.content.decode()
    assert (
        rows(client_for(network, publisher_user).get("/publisher/conversions/?status=approved"))
        == []
    )


def test_the_advertiser_finds_its_token_and_snippets(network, advertiser_user, conversion_id):
    with scope(network=network):
        company = advertiser_user.memberships.get().advertiser
    html = client_for(network, advertiser_user).get("/advertiser/integration/").content.decode()
    assert f"security_token={company.postback_token}" in html
    assert "/aff_l?offer_id=" in html


def text(response) -> str:
    """The page as a person reads it: no tags, one space between words."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.content.decode())).split())


@pytest.mark.parametrize(
    ("language", "status", "flags"),
    [
        ("en", "Pending (fast conversion)", "fast conversion, bot user agent"),
        ("vi", "Chờ duyệt (chuyển đổi quá nhanh)", "chuyển đổi quá nhanh, user agent của bot"),
    ],
)
def test_why_a_conversion_waits_reads_as_words_not_codes(
    network, owner, publisher_user, conversion_id, language, status, flags
):
    with scope(network=network):
        Conversion.objects.filter(pk=conversion_id).update(
            status="pending",
            reason_code="fast_conversion",
            fraud_flags=["fast_conversion", "bot_user_agent"],
        )
    network.language = language
    network.save()
    publisher_page = client_for(network, publisher_user).get("/publisher/conversions/")
    assert status in text(publisher_page)
    admin_page = client_for(network, owner).get("/manage/conversions/")
    assert status in text(admin_page) and flags in text(admin_page)
    for page in (publisher_page, admin_page):
        assert "fast_conversion" not in page.content.decode()
        assert "bot_user_agent" not in page.content.decode()
