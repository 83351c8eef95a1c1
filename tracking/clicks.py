"""GET /aff_c: record the click, then 302 to one of the offer's own landing pages.

The redirect target only ever comes from the offer's configuration (a landing page, an allowed
deep link, a fallback) or the network's fallback: never from an unchecked parameter.
"""

from __future__ import annotations

import ipaddress
import random
import time
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.http import http_date
from django.utils.timezone import now

from lib.geoip import country_of
from lib.macros import fill
from lib.urls import host_allowed
from lib.useragent import parse as parse_agent
from network.models import Network
from offers.models import Cap, OfferAccess
from publishers.models import Publisher
from tracking import buffer, caps, lookups
from tracking.ids import new_click_id
from tracking.lookups import OfferView
from tracking.models import SUB_FIELDS
from tracking.responses import clean_text, not_found, parse_id, query

TEXT_FIELDS = (*SUB_FIELDS, "source", "aff_click_id")
COOKIE_PREFIX = "tid_"


def handle_click(request: HttpRequest) -> HttpResponse:
    network: Network = request.network
    params = query(request)
    offer_id, publisher_id = parse_id(params.get("offer_id")), parse_id(params.get("aff_id"))
    offer = offer_id and lookups.offer_view(network.pk, offer_id)
    publisher_state = publisher_id and lookups.publisher_status(network.pk, publisher_id)
    if not offer or not publisher_state:
        return not_found("Unknown offer or publisher.")
    ip = client_ip(request)
    agent = clean_text(request.META.get("HTTP_USER_AGENT"), 512)
    device = parse_agent(agent)
    country = country_of(ip, request.META)
    landing = choose_landing(offer, parse_id(params.get("url_id")))
    fields = {
        "id": new_click_id(),
        "network_id": network.pk,
        "offer_id": offer.id,
        "publisher_id": publisher_id,
        "landing_page_id": landing.id if landing else None,
        "creative_id": own_creative(network, offer, params.get("file_id")),
        "ip": ip,
        "user_agent": agent,
        "referrer": clean_text(request.META.get("HTTP_REFERER"), 1024),
        "country": country,
        "device_type": device.device_type,
        "os": device.os,
        "browser": device.browser,
        "created_at": now(),
        **{name: clean_text(params.get(name), 255) for name in TEXT_FIELDS},
    }
    reason = rejection(network, offer, publisher_id, publisher_state, country, device, landing)
    fields["status"] = "rejected" if reason else "accepted"
    fields["reject_reason"] = reason
    uniq = buffer.unique_key(network.pk, offer.id, publisher_id, ip or "", agent)
    buffer.record(fields, uniq)
    if reason:
        return redirect_to(fallback_url(network, offer))
    target = deep_link(offer, params.get("url", "")) or fill(
        landing.url_template, macro_values(fields, offer)
    )
    response = redirect_to(target)
    set_click_cookie(request, response, offer, fields["id"])
    return response


def own_creative(network: Network, offer: OfferView, raw: str | None) -> int | None:
    """The file_id parameter, when it names one of this offer's creatives."""
    creative_id = parse_id(raw)
    if creative_id and lookups.creative_offer(network.pk, creative_id) == offer.id:
        return creative_id
    return None


def redirect_to(url: str) -> HttpResponse:
    """A 302 to a URL this module built from the offer's configuration (already checked:
    http(s) with a host), without HttpResponseRedirect's second parse of it."""
    response = HttpResponse(status=302)
    response["Location"] = url
    return response


def rejection(network, offer: OfferView, publisher_id, publisher_state, country, device, landing):
    """Why this click cannot convert ("" when it can). The click is still recorded."""
    if offer.advertiser_blocked:
        return "advertiser_blocked"
    if not offer.is_live:
        return "offer_not_active"
    if publisher_state != Publisher.Status.APPROVED:
        return "publisher_not_approved"
    if lookups.access_status(network.pk, offer.id, publisher_id) != OfferAccess.Status.APPROVED:
        return "no_access"
    if offer.countries and country not in offer.countries:
        return "country_not_allowed"
    if offer.devices and device.device_type not in offer.devices:
        return "device_not_allowed"
    if landing is None:
        return "no_landing_page"
    if cap_reached(network, offer, publisher_id):
        return "cap_reached"
    return ""


def cap_reached(network: Network, offer: OfferView, publisher_id: int) -> bool:
    for cap in offer.caps:
        if cap.publisher_id not in (None, publisher_id):
            continue
        if cap.metric == Cap.Metric.CLICKS:
            if caps.count_click(cap, network.timezone) > cap.limit:
                return True
        elif cap.action == Cap.Action.FALLBACK and caps.is_full(cap, network.timezone):
            return True
    return False


def choose_landing(offer: OfferView, url_id: int | None):
    """The landing page asked for by url_id, else a weighted random pick (A/B rotation)."""
    if not offer.landings:
        return None
    if len(offer.landings) == 1:  # whatever url_id asks for, this is the one
        return offer.landings[0]
    if url_id:
        for landing in offer.landings:
            if landing.id == url_id:
                return landing
    weights = [landing.weight for landing in offer.landings]
    return random.choices(offer.landings, weights=weights)[0]  # noqa: S311  (not security)


def deep_link(offer: OfferView, url: str) -> str:
    """The `url` parameter, only when the offer allows deep links to its host."""
    if not url or not offer.deep_link_domains or len(url) > 2000:
        return ""
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    if any(ch in url for ch in "\\\r\n\t ") or parts.username or parts.password:
        return ""
    return url if host_allowed(parts.hostname, list(offer.deep_link_domains)) else ""


def fallback_url(network: Network, offer: OfferView) -> str:
    if offer.fallback_offer_id:
        fallback = lookups.offer_view(network.pk, offer.fallback_offer_id)
        if fallback and fallback.is_live and fallback.landings:
            return fill(fallback.landings[0].url_template, {"offer_id": fallback.id})
    if offer.fallback_url:
        return offer.fallback_url
    return network.fallback_url or network.absolute_url("/")


def macro_values(fields: dict, offer: OfferView) -> dict[str, object]:
    return {
        "transaction_id": fields["id"],
        "offer_id": offer.id,
        "affiliate_id": fields["publisher_id"],
        "offer_url_id": fields["landing_page_id"] or "",
        "file_id": fields["creative_id"] or "",
        **{name: fields[name] for name in TEXT_FIELDS},
    }


def set_click_cookie(request: HttpRequest, response, offer: OfferView, click_id: str) -> None:
    """First-party cookie on the tracking host: the pixel finds the click with it."""
    secure = request.is_secure()
    max_age = offer.attribution_window_days * 86400
    response.set_cookie(
        f"{COOKIE_PREFIX}{offer.id}",
        click_id,
        max_age=max_age,
        expires=cookie_expiry(max_age),
        secure=secure,
        httponly=True,
        samesite="None" if secure else "Lax",  # the pixel loads from the advertiser's site
    )


_expiries: dict[int, tuple[int, str]] = {}


def cookie_expiry(max_age: int) -> str:
    """The `expires` Django's set_cookie writes for max_age (http_date of now + max_age, to
    the second), formatted once a second instead of once a click."""
    second = int(time.time())
    cached = _expiries.get(max_age)
    if cached is None or cached[0] != second:
        cached = _expiries[max_age] = (second, http_date(second + max_age))
    return cached[1]


def client_ip(request: HttpRequest) -> str | None:
    header = settings.CLIENT_IP_HEADER
    forwarded = request.META.get(header, "").split(",")[0].strip() if header else ""
    if forwarded:  # written by a proxy from what the client sent: check it
        return forwarded if _is_ip(forwarded) else None
    return request.META.get("REMOTE_ADDR") or None  # set by the server itself


def _is_ip(value: str) -> bool:
    try:
        ipaddress.ip_address(value)
    except ValueError:
        return False
    return True
