"""GET /aff_c: recorded, then redirected to the offer's own landing page, never elsewhere."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, unquote, urlsplit

import idna
import pytest
from django_scopes import scope, scopes_disabled

from conftest import client_for
from offers.models import Cap, LandingPage, Offer, OfferAccess
from tracking.ids import is_click_id
from tracking.models import Click
from tracking.tests.helpers import add_cap, runner_world

CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36"
)
IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


@pytest.fixture
def world(network, owner, publisher_user):
    world = runner_world(network, owner, publisher_user)
    with scope(network=network):
        world["landing_page"].url_template = (
            "https://shop.example/land?t={transaction_id}&s={aff_sub}&src={source}"
            "&o={offer_id}&a={affiliate_id}&lp={offer_url_id}"
        )
        world["landing_page"].save()
    return world


def click(network, world, ip="203.0.113.7", agent=CHROME, headers=None, **params):
    query = {"offer_id": world["offer"].pk, "aff_id": world["runner"].pk, **params}
    encoded = "&".join(f"{k}={quote(str(v), safe='')}" for k, v in query.items())
    return client_for(network).get(
        f"/aff_c?{encoded}",
        HTTP_USER_AGENT=agent,
        REMOTE_ADDR=ip,
        HTTP_REFERER="https://blog.example/",
        **(headers or {}),
    )


def only_click(network) -> Click:
    with scope(network=network):
        return Click.objects.get()


def test_it_records_the_click_and_redirects_with_the_macros_filled(network, world):
    response = click(network, world, aff_sub="spring sale & more", source="news=letter é")
    assert response.status_code == 302
    stored = only_click(network)
    assert is_click_id(stored.pk)
    target = urlsplit(response["Location"])
    assert (target.scheme, target.hostname, target.path) == ("https", "shop.example", "/land")
    values = parse_qs(target.query)
    assert values["t"] == [stored.pk]
    assert values["s"] == ["spring sale & more"]
    assert values["src"] == ["news=letter é"]
    assert values["o"] == [str(world["offer"].pk)] and values["a"] == [str(world["runner"].pk)]
    assert values["lp"] == [str(world["landing_page"].pk)]
    assert (stored.aff_sub, stored.source, stored.status) == (
        "spring sale & more",
        "news=letter é",
        "accepted",
    )
    assert (stored.ip, stored.referrer, stored.device_type, stored.browser) == (
        "203.0.113.7",
        "https://blog.example/",
        "desktop",
        "Chrome",
    )
    assert response.cookies[f"tid_{world['offer'].pk}"].value == stored.pk


def test_it_picks_the_landing_page_asked_for_or_rotates_by_weight(network, world):
    with scope(network=network):
        second = LandingPage.objects.create(
            network=network, offer=world["offer"], name="B", url_template="https://shop.example/b"
        )
        LandingPage.objects.create(
            network=network,
            offer=world["offer"],
            name="Off",
            weight=0,
            url_template="https://shop.example/never",
        )
    assert click(network, world, url_id=second.pk)["Location"] == "https://shop.example/b"
    seen = {urlsplit(click(network, world, url_id=999999)["Location"]).path for _ in range(40)}
    assert seen == {"/land", "/b"}  # an unknown url_id rotates; weight 0 never shows


@pytest.mark.parametrize(
    "url",
    [
        "https://evil.example/steal",
        "javascript:alert(1)",
        "//evil.example/x",
        "https://shop.example.evil.example/",
        "https://shop.example@evil.example/",
        "https://evil.example\\@shop.example/",
        "https://evil.example%2F@shop.example/",
        "http://evil.example/?https://shop.example/",
        "https:/\\evil.example",
        "data:text/html,<script>alert(1)</script>",
        "https://shop.example\r\nLocation: https://evil.example/",
    ],
)
def test_it_never_redirects_to_a_host_the_offer_did_not_allow(network, world, url):
    with scopes_disabled():
        Offer.objects.filter(pk=world["offer"].pk).update(deep_link_domains=["shop.example"])
    location = click(network, world, url=url)["Location"]
    assert location.startswith("https://shop.example/land?"), location


def test_it_honours_a_deep_link_to_an_allowed_host(network, world):
    with scopes_disabled():
        Offer.objects.filter(pk=world["offer"].pk).update(deep_link_domains=["shop.example"])
    url = "https://www.shop.example/sale/shoes?color=red"
    assert click(network, world, url=url)["Location"] == url


def allow_deep_links(world, *domains: str) -> None:
    with scopes_disabled():
        Offer.objects.filter(pk=world["offer"].pk).update(deep_link_domains=list(domains))


def browser_reading(location: str) -> str:
    """What a browser's address bar shows for a Location: the host in Unicode and the escaped
    UTF-8 of non-ASCII characters decoded (ASCII escapes such as %26 or %20 stay)."""
    parts = urlsplit(location)
    authority = parts.netloc.replace(parts.hostname, idna.decode(parts.hostname))
    rest = location.split(parts.netloc, 1)[1]
    high_bytes = re.compile(r"(?:%[89A-Fa-f][0-9A-Fa-f])+")
    return f"{parts.scheme}://{authority}" + high_bytes.sub(lambda m: unquote(m.group(0)), rest)


@pytest.mark.parametrize(
    ("iri", "uri"),
    [
        (  # Vietnamese
            "https://shop.example/giày-dép/áo-dài?màu=đỏ&cỡ=M#mô-tả",
            "https://shop.example/gi%C3%A0y-d%C3%A9p/%C3%A1o-d%C3%A0i"
            "?m%C3%A0u=%C4%91%E1%BB%8F&c%E1%BB%A1=M#m%C3%B4-t%E1%BA%A3",
        ),
        (  # Persian, with Persian digits
            "https://shop.example/محصولات/کفش?رنگ=قرمز&q=۱۲",
            "https://shop.example/%D9%85%D8%AD%D8%B5%D9%88%D9%84%D8%A7%D8%AA/%DA%A9%D9%81%D8%B4"
            "?%D8%B1%D9%86%DA%AF=%D9%82%D8%B1%D9%85%D8%B2&q=%DB%B1%DB%B2",
        ),
        (  # escapes already there stay as they are
            "https://www.shop.example/sale%20now/giày?x=a%26b&y=Đà%20Nẵng",
            "https://www.shop.example/sale%20now/gi%C3%A0y?x=a%26b&y=%C4%90%C3%A0%20N%E1%BA%B5ng",
        ),
    ],
)
def test_it_sends_a_non_ascii_deep_link_as_an_ascii_location_a_browser_reads_back(
    network, world, iri, uri
):
    allow_deep_links(world, "shop.example")
    response = click(network, world, url=iri)
    assert response.status_code == 302
    assert response["Location"] == uri  # ASCII, not Django's "=?utf-8?b?...?="
    assert browser_reading(uri) == iri


BUECHER = "https://xn--bcher-kva.example/s%C3%A1ch"


@pytest.mark.parametrize(
    ("allowed", "url", "expected"),
    [
        ("xn--bcher-kva.example", "https://bücher.example/sách", BUECHER),
        ("xn--bcher-kva.example", BUECHER, BUECHER),
        ("bücher.example", "https://Bücher.example/sách", BUECHER),
        ("bücher.example", BUECHER, BUECHER),
        ("bücher.example", "https://m.bücher.example/", "https://m.xn--bcher-kva.example/"),
        (
            "شبکه.example",
            "https://شبکه.example/کفش",
            "https://xn--ngbx2d5u.example/%DA%A9%D9%81%D8%B4",
        ),
    ],
)
def test_it_allows_an_idn_host_by_its_unicode_or_punycode_name(
    network, world, allowed, url, expected
):
    allow_deep_links(world, allowed)
    assert click(network, world, url=url)["Location"] == expected


@pytest.mark.parametrize(
    "url",
    [
        "https://sh\u043ep.example/",  # a Cyrillic o: another domain (xn--shp-ted.example)
        "https://evil.example\uff0f.shop.example/",  # fullwidth solidus
        "https://evil.example\uff20shop.example/",  # fullwidth commercial at
        "https://evil.example%E3%80%82shop.example/",  # an escaped ideographic full stop
        "https://evil。example/?shop.example",  # ideographic full stop: evil.example
        "https://\uff45\uff56\uff49\uff4c.example/shop.example",  # fullwidth: evil.example
        "https://@shop.example/",  # empty credentials
        "https://shop.example\x00.evil.example/",
        "https://shop.example/\x7f",
    ],
)
def test_it_never_redirects_an_unicode_spoof_off_the_allowed_hosts(network, world, url):
    allow_deep_links(world, "shop.example")
    location = click(network, world, url=url)["Location"]
    assert location.startswith("https://shop.example/land?"), location


def test_it_sends_a_landing_page_written_with_non_ascii_as_an_ascii_location(network, world):
    with scope(network=network):
        world["landing_page"].url_template = "https://shop.example/giày/کفش?t={transaction_id}&đ=ạ"
        world["landing_page"].save()
    location = click(network, world)["Location"]
    clicked = only_click(network)
    assert location == (
        f"https://shop.example/gi%C3%A0y/%DA%A9%D9%81%D8%B4?t={clicked.pk}&%C4%91=%E1%BA%A1"
    )


def test_it_ignores_a_deep_link_when_the_offer_allows_none(network, world):
    location = click(network, world, url="https://shop.example/x")["Location"]
    assert location.startswith("https://shop.example/land?")


@pytest.mark.parametrize(
    ("change", "reason"),
    [
        (
            lambda w: Offer.objects.filter(pk=w["offer"].pk).update(status="paused"),
            "offer_not_active",
        ),
        (
            lambda w: OfferAccess.objects.filter(pk=w["offer_access"].pk).update(status="pending"),
            "no_access",
        ),
        (lambda w: OfferAccess.objects.filter(pk=w["offer_access"].pk).delete(), "no_access"),
        (
            lambda w: Offer.objects.filter(pk=w["offer"].pk).update(allowed_countries=["DE"]),
            "country_not_allowed",
        ),
        (
            lambda w: Offer.objects.filter(pk=w["offer"].pk).update(device_types=["mobile"]),
            "device_not_allowed",
        ),
    ],
)
def test_it_records_a_click_that_cannot_convert_and_sends_it_to_the_fallback(
    network, world, change, reason
):
    with scopes_disabled():
        change(world)
        Offer.objects.filter(pk=world["offer"].pk).update(fallback_url="https://fallback.example/")
    response = click(network, world)
    assert response["Location"] == "https://fallback.example/"
    stored = only_click(network)
    assert (stored.status, stored.reject_reason) == ("rejected", reason)
    assert f"tid_{world['offer'].pk}" not in response.cookies


def test_it_falls_back_to_the_network_then_its_portal(network, world):
    with scopes_disabled():
        Offer.objects.filter(pk=world["offer"].pk).update(status="paused")
    assert click(network, world)["Location"] == "https://alpha.localhost/"
    network.fallback_url = "https://alpha-deals.example/"
    network.save()
    assert click(network, world)["Location"] == "https://alpha-deals.example/"


def test_it_targets_by_country_from_the_trusted_header_and_device(network, world, settings):
    settings.GEOIP_COUNTRY_HEADER = "HTTP_CF_IPCOUNTRY"
    with scopes_disabled():
        Offer.objects.filter(pk=world["offer"].pk).update(
            allowed_countries=["VN"], device_types=["mobile"]
        )
    ok = click(network, world, agent=IPHONE, headers={"HTTP_CF_IPCOUNTRY": "VN"})
    assert urlsplit(ok["Location"]).hostname == "shop.example"
    stored = only_click(network)
    assert (stored.country, stored.device_type, stored.status) == ("VN", "mobile", "accepted")
    other = click(network, world, agent=IPHONE, headers={"HTTP_CF_IPCOUNTRY": "US"})
    assert urlsplit(other["Location"]).hostname == "alpha.localhost"


def test_it_sends_clicks_over_a_click_cap_to_the_fallback(network, world):
    with scopes_disabled():
        Cap.objects.filter(offer=world["offer"]).delete()
    add_cap(world["offer"], "clicks", 2, "fallback")
    locations = [click(network, world)["Location"] for _ in range(3)]
    assert [urlsplit(loc).hostname for loc in locations] == [
        "shop.example",
        "shop.example",
        "alpha.localhost",
    ]


def test_it_counts_the_first_click_per_visitor_a_day_as_unique(network, world):
    click(network, world)
    click(network, world)
    click(network, world, ip="198.51.100.9")
    click(network, world, agent=IPHONE)
    with scope(network=network):
        flags = list(Click.objects.order_by("created_at").values_list("is_unique", flat=True))
    assert flags == [True, False, True, True]


@pytest.mark.parametrize(
    "query",
    [
        "",
        "offer_id=abc&aff_id=1",
        "offer_id=-1&aff_id=1",
        "offer_id=99999999&aff_id=1",
        "offer_id=1" + "0" * 40 + "&aff_id=1",
        "offer_id=%00&aff_id=%ff",
        "offer_id[]=1&aff_id=1",
    ],
)
def test_it_answers_404_to_unknown_or_malformed_ids(network, world, query):
    response = client_for(network).get(f"/aff_c?{query}")
    assert response.status_code == 404
    assert response.content.startswith(b"success=false;")


def test_it_does_not_track_another_networks_offer(network, world, other_network):
    response = client_for(other_network).get(
        f"/aff_c?offer_id={world['offer'].pk}&aff_id={world['runner'].pk}"
    )
    assert response.status_code == 404


def test_it_survives_junk_in_every_parameter(network, world):
    junk = {
        name: "\x00<>\"'%ff" + "x" * 3000
        for name in ("aff_sub", "aff_sub2", "aff_sub5", "source", "aff_click_id", "url", "file_id")
    }
    response = click(network, world, agent="\x00" * 2000, **junk)
    assert response.status_code == 302
    assert urlsplit(response["Location"]).hostname == "shop.example"
