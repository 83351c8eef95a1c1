"""Tracking links, impression pixels and creative embed code, as publishers paste them."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from network.models import Domain
from offers.links import check_deep_link, click_link, creative_embed, impression_pixel
from offers.models import Creative, LandingPage, Offer
from offers.tests.test_visibility import make_offer, publisher_of

# A 1x1 transparent GIF: the smallest image Pillow reads as a banner.
GIF = (
    b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04\x01\x00\x00\x00\x00"
    b",\x00\x00\x00\x00\x01\x00\x01\x00\x00\x02\x02D\x01\x00;"
)


@pytest.fixture(autouse=True)
def _https_without_port(settings, tmp_path):
    settings.PLATFORM_SCHEME = "https"
    settings.PLATFORM_PORT = ""
    settings.MEDIA_ROOT = tmp_path


@pytest.fixture
def publisher(publisher_user):
    return publisher_of(publisher_user)


@pytest.fixture
def offer(network) -> Offer:
    return make_offer(network, deep_link_domains=["shop.example"])


def first_page(offer: Offer) -> LandingPage:
    with scopes_disabled():
        return LandingPage.objects.get(offer=offer)


def make_creative(offer: Offer, **fields) -> Creative:
    with scopes_disabled():
        return Creative.objects.create(network=offer.network, offer=offer, **fields)


def link(offer, publisher, **kwargs) -> str:
    with scope(network=offer.network):
        return click_link(offer=offer, publisher=publisher, **kwargs)


def test_it_puts_every_parameter_in_the_hasoffers_order(network, offer, publisher):
    page = first_page(offer)
    creative = make_creative(offer, name="Text", kind="text", text="Buy")
    subs = {f"aff_sub{n}": f"s{n}" for n in ("", 2, 3, 4, 5)} | {"source": "news"}
    url = link(
        offer,
        publisher,
        landing_page=page,
        creative=creative,
        subs=subs,
        deep_link="https://shop.example/p?id=1",
    )
    assert url == (
        f"https://alpha.localhost/aff_c?offer_id={offer.pk}&aff_id={publisher.pk}"
        f"&url_id={page.pk}&file_id={creative.pk}"
        "&aff_sub=s&aff_sub2=s2&aff_sub3=s3&aff_sub4=s4&aff_sub5=s5&source=news"
        "&url=https%3A%2F%2Fshop.example%2Fp%3Fid%3D1"
    )


def test_it_encodes_odd_values_so_they_come_back_unchanged(offer, publisher):
    odd = {
        "aff_sub": "two words",
        "aff_sub2": "a&b=c",
        "aff_sub3": "Grüße ✓ 東京",
        "aff_sub4": "#top",
        "aff_sub5": "100% + 1",
        "source": "\"quoted\" 'single' <tag>",
    }
    url = link(offer, publisher, subs=odd)
    parts = urlsplit(url)
    assert parts.fragment == ""  # a "#" in a value must not end the query
    assert "two%20words" in parts.query
    assert " " not in url and "<" not in url and '"' not in url
    params = parse_qsl(parts.query, keep_blank_values=True)
    assert params[2:] == list(odd.items())


def test_it_leaves_out_empty_values(offer, publisher):
    url = link(offer, publisher, subs={"aff_sub": "", "aff_sub2": "x", "source": ""})
    assert (
        url == f"https://alpha.localhost/aff_c?offer_id={offer.pk}&aff_id={publisher.pk}&aff_sub2=x"
    )


def test_it_refuses_a_deep_link_when_the_offer_allows_none(network, publisher):
    closed = make_offer(network, "No deep links")
    with pytest.raises(ValidationError, match="does not allow deep links"):
        link(closed, publisher, deep_link="https://shop.example/")


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "https://shop.example.evil.example/",  # the allowed name as a prefix only
        "https://notshop.example/",  # the allowed name as a suffix without a dot
        "javascript://shop.example/%0Aalert(1)",
        "ftp://shop.example/file",
        "https://shop.example/a b",
    ],
)
def test_it_refuses_a_deep_link_outside_the_allowed_domains(offer, publisher, target):
    with pytest.raises(ValidationError):
        link(offer, publisher, deep_link=target)


def test_it_accepts_a_deep_link_to_an_allowed_domain_or_its_subdomains(offer, publisher):
    check_deep_link(offer, "https://shop.example/sale")
    check_deep_link(offer, "http://m.SHOP.example/sale?x=1")
    url = link(offer, publisher, deep_link="https://www.shop.example/a?b=c&d=e")
    assert parse_qsl(urlsplit(url).query)[-1] == ("url", "https://www.shop.example/a?b=c&d=e")


def test_it_uses_the_networks_tracking_domain_when_it_has_one(network, offer, publisher):
    with scopes_disabled():
        Domain.objects.create(network=network, hostname="portal.alpha.example", kind="portal")
    assert urlsplit(link(offer, publisher)).netloc == "alpha.localhost"
    with scopes_disabled():
        Domain.objects.create(network=network, hostname="trk.alpha.example", kind="tracking")
    assert urlsplit(link(offer, publisher)).netloc == "trk.alpha.example"


def test_it_keeps_the_port_of_the_portal_host_in_development(settings, offer, publisher):
    settings.PLATFORM_SCHEME, settings.PLATFORM_PORT = "http", "8000"
    assert link(offer, publisher).startswith("http://alpha.localhost:8000/aff_c?")


def test_it_writes_an_impression_pixel_with_escaped_ampersands(offer, publisher):
    creative = make_creative(offer, name="Text", kind="text", text="Buy")
    with scope(network=offer.network):
        pixel = impression_pixel(offer=offer, publisher=publisher, creative=creative)
        bare = impression_pixel(offer=offer, publisher=publisher)
    assert pixel == (
        '<img src="https://alpha.localhost/aff_i?offer_id='
        f'{offer.pk}&amp;aff_id={publisher.pk}&amp;file_id={creative.pk}"'
        ' width="1" height="1" alt="" style="border:0">'
    )
    assert "file_id" not in bare


def test_it_escapes_a_banner_name_in_the_embed_code(offer, publisher):
    banner = make_creative(
        offer,
        name='Summer "sale" <b>50%</b>',
        kind="banner",
        image=SimpleUploadedFile("banner.gif", GIF, content_type="image/gif"),
    )
    with scope(network=offer.network):
        embed = creative_embed(creative=banner, publisher=publisher)
    assert 'alt="Summer &quot;sale&quot; &lt;b&gt;50%&lt;/b&gt;"' in embed
    assert "<b>" not in embed
    assert 'width="1" height="1"' in embed
    assert f'href="https://alpha.localhost/aff_c?offer_id={offer.pk}&amp;aff_id=' in embed
    assert f"file_id={banner.pk}" in embed
    assert 'src="http' in embed and "/media/networks/" in embed  # an absolute image URL
    assert embed.endswith('style="border:0">')  # the impression pixel follows the banner


def test_it_escapes_the_text_of_a_text_link(offer, publisher):
    text = make_creative(offer, name="T", kind="text", text='Click "here" <script>x</script>')
    with scope(network=offer.network):
        embed = creative_embed(creative=text, publisher=publisher)
    assert embed.endswith(">Click &quot;here&quot; &lt;script&gt;x&lt;/script&gt;</a>")
    assert 'rel="sponsored noopener"' in embed


def test_it_fills_the_links_into_an_html_creative(offer, publisher):
    page = first_page(offer)
    html = make_creative(
        offer,
        name="H",
        kind="html",
        html='<a href="{tracking_link}">Go</a>{impression_pixel}',
        landing_page=page,
    )
    with scope(network=offer.network):
        embed = creative_embed(creative=html, publisher=publisher)
    assert embed.startswith(f'<a href="https://alpha.localhost/aff_c?offer_id={offer.pk}&')
    assert f"url_id={page.pk}&file_id={html.pk}" in embed
    assert "/aff_i?" in embed and "{" not in embed
