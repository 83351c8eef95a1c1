"""GET /aff_c: record the click, then 302 to one of the offer's own landing pages.

The redirect target only ever comes from the configuration of the offer that takes the click
(a landing page, an allowed deep link), of an offer of its fallback chain (which then gets an
accepted click of its own: `send_click`), or the fallback URL of the offer or the network:
never from an unchecked parameter.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlsplit

from django.http import HttpRequest, HttpResponse
from django.utils.timezone import now

from lib.client_ip import client_ip
from lib.geoip import country_of
from lib.macros import fill
from lib.urls import HOSTNAME, UNSAFE_IN_URL, host_allowed, iri_to_uri
from lib.useragent import Agent
from lib.useragent import parse as parse_agent
from network.models import Network
from offers.models import Cap, OfferAccess
from publishers.models import Publisher
from tracking import buffer, caps, lookups
from tracking.ids import is_click_id, issued_at, new_click_id
from tracking.lookups import Landing, OfferView
from tracking.models import SUB_FIELDS
from tracking.responses import (
    ClickCookie,
    ClickRedirect,
    clean_text,
    not_found,
    parse_id,
    query,
)

TEXT_FIELDS = (*SUB_FIELDS, "source", "aff_click_id")
COOKIE_PREFIX = "tid_"
# A fallback chain longer than this is a misconfiguration: the click goes to the fallback URL.
MAX_FALLBACKS = 5
# A cookie's click id made this far in the future still counts as made now (another web
# node's clock); one further ahead is no click of ours and never holds the cookie.
COOKIE_CLOCK_SKEW_SECONDS = 60


def handle_click(request: HttpRequest) -> HttpResponse | ClickRedirect:
    network: Network = request.network
    params = query(request)
    offer_id, publisher_id = parse_id(params.get("offer_id")), parse_id(params.get("aff_id"))
    offer = offer_id and lookups.offer_view(network.pk, offer_id)
    publisher_state = publisher_id and lookups.publisher_status(network.pk, publisher_id)
    if not offer or not publisher_state:
        return not_found("Unknown offer or publisher.")
    visit = visit_of(request, params, network, publisher_id, publisher_state)
    taken = send_click(visit, offer)
    if taken is None:  # no offer of the chain may take it: a plain URL, no click to carry
        return ClickRedirect(fallback_url(network, offer))
    target = deep_link(taken.offer, params.get("url", "")) or fill(
        taken.landing.url_template, macro_values(taken.fields, taken.offer)
    )
    return ClickRedirect(target, click_cookie(request, taken.offer, taken.fields["id"]))


@dataclass(slots=True)
class Visit:
    """Who clicks, from where, with which sub ids: the same whichever offer takes the click."""

    network: Network
    publisher_id: int
    publisher_state: str
    ip: str | None
    agent: str
    device: Agent
    country: str
    referrer: str
    url_id: int | None
    file_id: str | None
    texts: dict[str, str]
    at: datetime


@dataclass(slots=True)
class Taken:
    """The offer that accepted the click, its landing page and the click's stored fields."""

    offer: OfferView
    landing: Landing
    fields: dict


def visit_of(request: HttpRequest, params, network, publisher_id, publisher_state) -> Visit:
    ip = client_ip(request)
    agent = clean_text(request.META.get("HTTP_USER_AGENT"), 512)
    return Visit(
        network=network,
        publisher_id=publisher_id,
        publisher_state=publisher_state,
        ip=ip,
        agent=agent,
        device=parse_agent(agent),
        country=country_of(ip, request.META),
        referrer=clean_text(request.META.get("HTTP_REFERER"), 1024),
        url_id=parse_id(params.get("url_id")),
        file_id=params.get("file_id"),
        texts={name: clean_text(params.get(name), 255) for name in TEXT_FIELDS},
        at=now(),
    )


def send_click(visit: Visit, offer: OfferView) -> Taken | None:
    """Pick the offer that receives a visit and record its click(s): the one route of every
    click (a tracking link today, a smart link later).

    The offer asked for gets its click, accepted or refused with its reason. A refused click
    then walks the offer's fallback chain: the first offer the publisher may run (the same
    `rejection` rules) gets an accepted click of its own, so that its landing page's macros,
    cookie and conversions work as for any click. None when no offer takes it."""
    landing = choose_landing(offer, visit.url_id)
    reason = visit_rejection(visit, offer, landing)
    fields = record_click(visit, offer, landing, reason)
    if not reason:
        return Taken(offer, landing, fields)
    for fallback in fallback_chain(visit.network, offer):
        landing = choose_landing(fallback, visit.url_id)
        if not visit_rejection(visit, fallback, landing):
            return Taken(fallback, landing, record_click(visit, fallback, landing, ""))
    return None


def visit_rejection(visit: Visit, offer: OfferView, landing: Landing | None) -> str:
    return rejection(
        visit.network,
        offer,
        visit.publisher_id,
        visit.publisher_state,
        visit.country,
        visit.device,
        landing,
    )


def fallback_chain(network: Network, offer: OfferView) -> Iterator[OfferView]:
    """The offers after this one in its fallback chain, each once, at most MAX_FALLBACKS.

    Offers come from the network's own lookups (scoped, and keyed by the network), so a
    fallback set to another network's offer ends the chain: it is never used."""
    seen = {offer.id}
    next_id = offer.fallback_offer_id
    for _ in range(MAX_FALLBACKS):
        if not next_id or next_id in seen:  # the end, or a loop back to an offer tried
            return
        seen.add(next_id)
        fallback = lookups.offer_view(network.pk, next_id)
        if fallback is None:
            return
        yield fallback
        next_id = fallback.fallback_offer_id


def record_click(visit: Visit, offer: OfferView, landing, reason: str) -> dict:
    """Store the visit's click on this offer (accepted when reason is ""); its fields."""
    fields = {
        "id": new_click_id(),
        "network_id": visit.network.pk,
        "offer_id": offer.id,
        "publisher_id": visit.publisher_id,
        "landing_page_id": landing.id if landing else None,
        "creative_id": own_creative(visit.network, offer, visit.file_id),
        "ip": visit.ip,
        "user_agent": visit.agent,
        "referrer": visit.referrer,
        "country": visit.country,
        "device_type": visit.device.device_type,
        "os": visit.device.os,
        "browser": visit.device.browser,
        "created_at": visit.at,
        **visit.texts,
        "status": "rejected" if reason else "accepted",
        "reject_reason": reason,
    }
    uniq = buffer.unique_key(
        visit.network.pk, offer.id, visit.publisher_id, visit.ip or "", visit.agent
    )
    buffer.record(fields, uniq)
    return fields


def own_creative(network: Network, offer: OfferView, raw: str | None) -> int | None:
    """The file_id parameter, when it names one of this offer's creatives."""
    creative_id = parse_id(raw)
    if creative_id and lookups.creative_offer(network.pk, creative_id) == offer.id:
        return creative_id
    return None


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
    """The `url` parameter, only when the offer allows deep links to its host, as the ASCII URI
    a Location header can carry (an IRI's non-ASCII percent-encoded, an IDN host in punycode).
    The checks run on that URI, so the host checked is the host the browser goes to."""
    if not url or not offer.deep_link_domains or len(url) > 2000:
        return ""
    if UNSAFE_IN_URL.search(url):  # browsers drop or reinterpret these
        return ""
    try:
        uri = iri_to_uri(url)
        parts = urlsplit(uri)
    except ValueError:  # a host that is no valid IDN, or one spoofing "/" or "@" (NFKC)
        return ""
    host = parts.hostname
    if parts.scheme not in ("http", "https") or not host or not HOSTNAME.match(host.rstrip(".")):
        return ""
    if "@" in parts.netloc:  # no credentials, not even empty ones
        return ""
    return uri if host_allowed(host, list(offer.deep_link_domains)) else ""


def fallback_url(network: Network, offer: OfferView) -> str:
    """Where a click goes when no offer of its fallback chain may take it, as an ASCII URI
    (a fallback URL typed with non-ASCII would otherwise reach the Location header mangled)."""
    for url in (offer.fallback_url, network.fallback_url):
        if url:
            try:
                return iri_to_uri(url)
            except ValueError:  # a host no browser can reach: the next choice
                continue
    return network.absolute_url("/")


def macro_values(fields: dict, offer: OfferView) -> dict[str, object]:
    return {
        "transaction_id": fields["id"],
        "offer_id": offer.id,
        "affiliate_id": fields["publisher_id"],
        "offer_url_id": fields["landing_page_id"] or "",
        "file_id": fields["creative_id"] or "",
        **{name: fields[name] for name in TEXT_FIELDS},
    }


def click_cookie(request: HttpRequest, offer: OfferView, click_id: str) -> ClickCookie | None:
    """First-party cookie on the tracking host: the pixel finds the click with it.

    Last click (the default): every click overwrites it. First click within the window: None
    (the cookie is left as it is) while it holds a click of this offer still inside the
    window, so that the pixel credits that first click; the new click is recorded all the
    same. Only a first-click offer reads the request's cookies: the last-click path costs
    what it did."""
    if offer.first_click and holds_live_click(request, offer):
        return None
    return ClickCookie(
        f"{COOKIE_PREFIX}{offer.id}",
        click_id,
        offer.attribution_window_days * 86400,
        request.is_secure(),
    )


def holds_live_click(request: HttpRequest, offer: OfferView) -> bool:
    """Whether the visitor's cookie of this offer holds a click id made inside the offer's
    attribution window (ids are time-ordered: tracking.ids.issued_at); the window is today's,
    as the conversion checks it."""
    held = request.COOKIES.get(f"{COOKIE_PREFIX}{offer.id}", "")
    if not is_click_id(held):
        return False
    age = time.time() - issued_at(held)
    return -COOKIE_CLOCK_SKEW_SECONDS <= age < offer.attribution_window_days * 86400
