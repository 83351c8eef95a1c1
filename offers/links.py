"""Tracking links, impression pixels and creative embed code, as publishers copy them."""

from __future__ import annotations

from urllib.parse import quote, urlencode, urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.html import escape
from django.utils.translation import gettext as _
from django_scopes import scopes_disabled

from lib.urls import host_allowed, validate_http_url
from network.models import Domain, Network
from offers.models import Creative, LandingPage, Offer
from publishers.models import Publisher

SUB_FIELDS = ("aff_sub", "aff_sub2", "aff_sub3", "aff_sub4", "aff_sub5", "source")


def tracking_host(network: Network) -> str:
    """The network's tracking domain if it has one, else its portal host."""
    with scopes_disabled():  # explicit: reading this network's own domain rows
        custom = (
            Domain.objects.filter(network=network, kind=Domain.Kind.TRACKING)
            .order_by("id")
            .values_list("hostname", flat=True)
            .first()
        )
    if custom:
        return custom
    port = f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else ""
    return network.portal_host + port


def tracking_url(network: Network, path: str, params: dict[str, object]) -> str:
    query = urlencode({k: v for k, v in params.items() if v not in (None, "")}, quote_via=quote)
    return f"{settings.PLATFORM_SCHEME}://{tracking_host(network)}{path}?{query}"


def check_deep_link(offer: Offer, url: str) -> None:
    if not offer.allows_deep_links:
        raise ValidationError(_("This offer does not allow deep links."))
    validate_http_url(url)
    if not host_allowed(urlsplit(url).hostname or "", offer.deep_link_domains):
        raise ValidationError(
            _("Deep links may only point to %(domains)s.")
            % {"domains": ", ".join(offer.deep_link_domains)}
        )


def click_link(
    *,
    offer: Offer,
    publisher: Publisher,
    landing_page: LandingPage | None = None,
    creative: Creative | None = None,
    subs: dict[str, str] | None = None,
    deep_link: str = "",
) -> str:
    """`/aff_c?offer_id=&aff_id=&...` in the HasOffers order; empty values are left out."""
    if deep_link:
        check_deep_link(offer, deep_link)
    params: dict[str, object] = {"offer_id": offer.pk, "aff_id": publisher.pk}
    if landing_page is not None:
        params["url_id"] = landing_page.pk
    if creative is not None:
        params["file_id"] = creative.pk
    for name in SUB_FIELDS:
        params[name] = (subs or {}).get(name, "")
    params["url"] = deep_link
    return tracking_url(offer.network, "/aff_c", params)


def impression_pixel(
    *, offer: Offer, publisher: Publisher, creative: Creative | None = None
) -> str:
    params = {
        "offer_id": offer.pk,
        "aff_id": publisher.pk,
        "file_id": creative.pk if creative else None,
    }
    src = tracking_url(offer.network, "/aff_i", params)
    return f'<img src="{escape(src)}" width="1" height="1" alt="" style="border:0">'


def creative_embed(*, creative: Creative, publisher: Publisher) -> str:
    """The HTML a publisher pastes: the creative wrapped in their tracking link."""
    offer = creative.offer
    link = click_link(
        offer=offer, publisher=publisher, landing_page=creative.landing_page, creative=creative
    )
    pixel = impression_pixel(offer=offer, publisher=publisher, creative=creative)
    if creative.kind == Creative.Kind.BANNER:
        image = offer.network.absolute_url(creative.image.url) if creative.image else ""
        size = f' width="{creative.width}" height="{creative.height}"' if creative.width else ""
        return (
            f'<a href="{escape(link)}" target="_blank" rel="sponsored noopener">'
            f'<img src="{escape(image)}"{size} alt="{escape(creative.name)}" style="border:0">'
            f"</a>{pixel}"
        )
    if creative.kind == Creative.Kind.TEXT:
        text = escape(creative.text or offer.name)
        return f'<a href="{escape(link)}" target="_blank" rel="sponsored noopener">{text}</a>'
    return creative.html.replace("{tracking_link}", link).replace("{impression_pixel}", pixel)
