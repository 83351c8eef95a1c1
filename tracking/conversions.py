"""Recording a conversion: attribution, security, money, caps and dedup.

Dedup is the database's: the unique constraints on (offer, goal, order id) and on
(click, goal) decide between concurrent identical postbacks; the loser answers "duplicate".
Caps are counted under a row lock on the offer's caps, so concurrent conversions cannot
overshoot them.
"""

from __future__ import annotations

import hmac
import ipaddress
from dataclasses import dataclass, field
from datetime import timedelta
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.db.models import Count, Q, Sum
from django.utils.timezone import now

from lib.money import quantize
from network.models import Network
from offers.models import Cap, Goal
from offers.payouts import resolve_payout
from tracking import caps
from tracking.drain import wait_for_click
from tracking.ids import is_click_id
from tracking.models import ADV_SUB_FIELDS, Click, Conversion, RejectedPostback

MAX_AMOUNT = Decimal("1e10")
COUNTED = (Conversion.Status.PENDING, Conversion.Status.APPROVED)


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@dataclass
class ConversionInput:
    click_id: str
    method: str
    offer_id: int | None = None
    goal_id: int | None = None
    amount: str = ""
    order_id: str = ""
    token: str | None = None
    status: str = ""
    ip: str | None = None
    query: str = ""
    adv_subs: dict[str, str] = field(default_factory=dict)


def record_conversion(network: Network, data: ConversionInput) -> tuple[Conversion, bool]:
    """(conversion, created). Raises Refused with an HTTP status and a reason."""
    click = find_click(data.click_id)
    offer = click.offer
    if data.offer_id and data.offer_id != offer.pk:
        raise Refused(400, "offer_mismatch", "The click belongs to another offer.")
    if data.method == Conversion.Method.POSTBACK:
        check_advertiser(network, offer.advertiser, data)
    if click.status != Click.Status.ACCEPTED:
        raise Refused(400, "click_rejected", f"The click was rejected ({click.reject_reason}).")
    if now() - click.created_at > timedelta(days=offer.attribution_window_days):
        raise Refused(400, "attribution_window_expired", "The click is too old for this offer.")
    goal = pick_goal(offer, data.goal_id)
    amount = parse_amount(data.amount, offer.currency)
    conversion = build(network, click, goal, amount, data)
    with transaction.atomic():
        refusal = cap_refusal(network, conversion)
        if refusal:
            conversion.status, conversion.reason_code = Conversion.Status.REJECTED, refusal
        try:
            with transaction.atomic():
                conversion.save(force_insert=True)
        except IntegrityError:
            return existing(conversion), False
    enqueue_follow_ups(network, conversion)
    return conversion, True


def find_click(click_id: str) -> Click:
    if not click_id or not is_click_id(click_id):
        raise Refused(400, "invalid_transaction_id", "transaction_id is missing or malformed.")
    click = Click.objects.select_related("offer__advertiser", "publisher").filter(pk=click_id)
    found = click.first() or wait_for_click(click_id)
    if found is None:
        raise Refused(404, "unknown_transaction_id", "No such click in this network.")
    return found


def check_advertiser(network: Network, advertiser, data: ConversionInput) -> None:
    reason = ""
    if advertiser.require_token and not hmac.compare_digest(
        (data.token or "").encode(), advertiser.postback_token.encode()
    ):
        reason = "invalid_security_token"
    elif advertiser.postback_ips and not ip_allowed(data.ip, advertiser.postback_ips):
        reason = "ip_not_allowed"
    if reason:
        RejectedPostback.objects.create(
            network=network,
            advertiser=advertiser,
            reason=reason,
            query=data.query[:4000],
            ip=data.ip,
        )
        raise Refused(403, reason, reason.replace("_", " ").capitalize() + ".")


def ip_allowed(ip: str | None, allowed: list[str]) -> bool:
    if not ip:
        return False
    address = ipaddress.ip_address(ip)
    for entry in allowed:
        try:
            if address in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False


def pick_goal(offer, goal_id: int | None) -> Goal:
    goals = Goal.objects.filter(offer=offer)
    goal = goals.filter(pk=goal_id).first() if goal_id else goals.filter(is_default=True).first()
    if goal is None:
        raise Refused(400, "unknown_goal", "No such goal on this offer.")
    return goal


def parse_amount(raw: str, currency: str) -> Decimal:
    if not raw:
        return Decimal(0)
    try:
        amount = Decimal(raw.strip())
    except InvalidOperation:
        raise Refused(400, "invalid_amount", "amount must be a decimal number.") from None
    if not amount.is_finite() or amount < 0 or amount > MAX_AMOUNT:
        raise Refused(400, "invalid_amount", "amount must be a positive number.")
    return quantize(amount, currency)


def build(network, click: Click, goal: Goal, amount: Decimal, data: ConversionInput):
    offer = click.offer
    revenue = goal_revenue(goal, amount, offer.currency)
    payout = resolve_payout(goal, click.publisher).earned(amount, offer.currency)
    rejected = data.status.lower() == Conversion.Status.REJECTED
    return Conversion(
        network=network,
        click=click,
        offer=offer,
        goal=goal,
        publisher=click.publisher,
        status=Conversion.Status.REJECTED if rejected else Conversion.Status.PENDING,
        reason_code="advertiser_rejected" if rejected else "",
        sale_amount=amount,
        revenue=revenue,
        payout=payout,
        currency=offer.currency,
        order_id=data.order_id[:255],
        method=data.method,
        ip=data.ip,
        click_goal_key=None if offer.multiple_conversions else f"{click.pk}:{goal.pk}",
        **{name: data.adv_subs.get(name, "")[:255] for name in ADV_SUB_FIELDS},
    )


def goal_revenue(goal: Goal, amount: Decimal, currency: str) -> Decimal:
    kind = Goal.Type(goal.revenue_type)
    flat = goal.revenue_amount if kind.has_flat else Decimal(0)
    share = amount * goal.revenue_percent / 100 if kind.has_percent else Decimal(0)
    return quantize(flat + share, currency)


def cap_refusal(network: Network, conversion: Conversion) -> str:
    """Lock the offer's conversion caps, count their windows, and say if this one is over."""
    rules = (
        Cap.objects.select_for_update()
        .filter(offer_id=conversion.offer_id)
        .exclude(metric=Cap.Metric.CLICKS)
        .filter(Q(publisher__isnull=True) | Q(publisher_id=conversion.publisher_id))
        .order_by("id")
    )
    for cap in rules:
        counted = Conversion.objects.filter(
            offer_id=conversion.offer_id,
            status__in=COUNTED,
            created_at__gte=caps.window_start(cap.period, network.timezone),
        )
        if cap.publisher_id:
            counted = counted.filter(publisher_id=cap.publisher_id)
        totals = counted.aggregate(n=Count("id"), paid=Sum("payout"))
        if cap.metric == Cap.Metric.CONVERSIONS:
            used, adding = Decimal(totals["n"]), Decimal(1)
        else:
            used, adding = totals["paid"] or Decimal(0), conversion.payout
        if used + adding > cap.limit:
            caps.mark_full(cap, network.timezone)
            return "cap_reached"
        if used + adding == cap.limit:
            caps.mark_full(cap, network.timezone)  # the next click goes to the fallback
    return ""


def existing(conversion: Conversion) -> Conversion:
    """The conversion that won the race against this one."""
    same = Conversion.objects.filter(offer_id=conversion.offer_id)
    if conversion.order_id:
        found = same.filter(goal_id=conversion.goal_id, order_id=conversion.order_id).first()
        if found:
            return found
    return same.get(click_goal_key=conversion.click_goal_key)


def enqueue_follow_ups(network: Network, conversion: Conversion) -> None:
    from publishers.tasks import fire_conversion_postbacks
    from tracking.tasks import check_conversion_fraud

    ids = {"network_id": network.pk, "conversion_id": conversion.pk}
    check_conversion_fraud.delay_on_commit(**ids)
    if conversion.status == Conversion.Status.PENDING:  # not for refusals (caps, advertiser)
        fire_conversion_postbacks.delay_on_commit(**ids)
