"""The tracking endpoints, in the HasOffers/TUNE spelling. Servers reach them through the lean
WSGI application in front of Django (tracking.wsgi), Django's own entry points (test client,
ASGI) through tracking.middleware's route: no session, auth, CSRF or messages either way;
nothing here may answer 500."""

from __future__ import annotations

import logging

from django.http import HttpRequest, HttpResponse

from tracking import lookups
from tracking.clicks import COOKIE_PREFIX, client_ip, handle_click, own_creative
from tracking.conversions import ConversionInput, Refused, record_conversion
from tracking.models import ADV_SUB_FIELDS, Conversion, Impression
from tracking.responses import accepted, clean_text, parse_id, pixel, query, refused

log = logging.getLogger(__name__)


def postback(request: HttpRequest) -> HttpResponse:
    """GET or POST /aff_lsr?transaction_id=...: the advertiser's server reports a conversion."""
    params = request.POST if request.method == "POST" else query(request)
    return convert(request, conversion_input(request, params, Conversion.Method.POSTBACK))


def goal_postback(request: HttpRequest) -> HttpResponse:
    """GET /aff_goal?a=lsr&goal_id=...&transaction_id=...: a conversion of a named goal."""
    params = query(request)
    if params.get("a", "lsr") != "lsr":
        return refused(400, "Only a=lsr is supported.")
    data = conversion_input(request, params, Conversion.Method.POSTBACK)
    if not data.goal_id:
        return refused(400, "goal_id is required.")
    return convert(request, data)


def conversion_pixel(request: HttpRequest) -> HttpResponse:
    """GET /aff_l?offer_id=...: the advertiser's thank-you page loads this; the click comes
    from our cookie, which holds the click the offer's attribution model credits (last click:
    every click overwrites it; first click: the first one inside the window keeps it,
    tracking.clicks.click_cookie)."""
    params = query(request)
    offer_id = parse_id(params.get("offer_id"))
    iframe = params.get("format", params.get("type", "")).lower() == "iframe"
    click_id = request.COOKIES.get(f"{COOKIE_PREFIX}{offer_id}", "") if offer_id else ""
    data = conversion_input(request, params, Conversion.Method.PIXEL)
    data.click_id = click_id
    response = convert(request, data)
    answer = pixel(iframe)
    answer.status_code = response.status_code
    answer["X-Tracking-Result"] = response.content.decode()[:200]
    return answer


def impression(request: HttpRequest) -> HttpResponse:
    """GET /aff_i?offer_id=&aff_id=: a creative was shown (1x1 GIF)."""
    network = request.network
    params = query(request)
    offer_id, publisher_id = (
        parse_id(params.get("offer_id")),
        parse_id(params.get("aff_id")),
    )
    offer = offer_id and lookups.offer_view(network.pk, offer_id)
    if not offer or not (publisher_id and lookups.publisher_status(network.pk, publisher_id)):
        answer = pixel()
        answer.status_code = 404
        return answer
    Impression.objects.create(
        network=network,
        offer_id=offer.id,
        publisher_id=publisher_id,
        creative_id=own_creative(network, offer, params.get("file_id")),
        ip=client_ip(request),
        user_agent=clean_text(request.META.get("HTTP_USER_AGENT"), 512),
    )
    return pixel()


def conversion_input(request: HttpRequest, params, method: str) -> ConversionInput:
    return ConversionInput(
        click_id=(params.get("transaction_id") or params.get("click_id") or "").strip(),
        method=method,
        offer_id=parse_id(params.get("offer_id")),
        goal_id=parse_id(params.get("goal_id")),
        amount=params.get("amount", "")[:40],
        order_id=clean_text(params.get("conversion_unique_id"), 255).strip(),
        token=params.get("security_token"),
        status=params.get("status", "")[:20],
        ip=client_ip(request),
        query=clean_text(request.META.get("QUERY_STRING"), 4000),
        adv_subs={name: clean_text(params.get(name), 255) for name in ADV_SUB_FIELDS},
    )


def convert(request: HttpRequest, data: ConversionInput) -> HttpResponse:
    try:
        conversion, created = record_conversion(request.network, data)
    except Refused as refusal:
        answer = refused(refusal.status, f"{refusal.code}: {refusal.message}")
        if refusal.retry_after:
            answer["Retry-After"] = str(refusal.retry_after)
        return answer
    if created:
        return accepted(conversion_id=conversion.pk, status=conversion.status)
    return accepted(duplicate="true", conversion_id=conversion.pk)


ROUTES = {
    "/aff_c": handle_click,
    "/aff_lsr": postback,
    "/aff_goal": goal_postback,
    "/aff_l": conversion_pixel,
    "/aff_i": impression,
}


def dispatch(request: HttpRequest, view) -> HttpResponse:
    """Run a tracking view; an unexpected error is logged and answered 503, never 500."""
    if request.method not in ("GET", "HEAD", "POST"):
        return refused(405, "Use GET or POST.")
    try:
        return view(request)
    except Exception:
        log.exception("tracking endpoint %s failed", request.path)
        return refused(503, "Temporarily unavailable, please retry.")
