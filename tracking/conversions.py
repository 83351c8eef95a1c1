"""Recording a conversion: attribution, security, money, caps and dedup.

Dedup is the database's: the unique constraints on (offer, goal, order id) and on
(click, goal) decide between concurrent identical postbacks; the loser answers "duplicate".
Caps are counted under a row lock on the offer's caps, so concurrent conversions cannot
overshoot them.
"""

from __future__ import annotations

import hmac
import ipaddress
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import NamedTuple, NoReturn

from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, IntegrityError, connection, connections, models, transaction
from django.db.models import Q
from django.utils.timezone import now

from lib import prepared
from lib.money import quantize
from network.models import Network
from offers.models import Cap, Goal
from tracking import caps, follow_ups, lookups
from tracking.drain import wait_for_click
from tracking.ids import is_click_id, issued_at
from tracking.models import ADV_SUB_FIELDS, Click, Conversion, RejectedPostback

MAX_AMOUNT = Decimal("1e10")


class Refused(Exception):
    def __init__(self, status: int, code: str, message: str, retry_after: int | None = None):
        super().__init__(message)
        self.status, self.code, self.message = status, code, message
        self.retry_after = retry_after  # seconds, for a Retry-After header


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


class ClickFacts(NamedTuple):
    id: str
    offer_id: int
    publisher_id: int
    status: str
    reject_reason: str
    created_at: datetime


def record_conversion(network: Network, data: ConversionInput) -> tuple[Conversion, bool]:
    """(conversion, created). Raises Refused with an HTTP status and a reason."""
    try:
        click = find_click(network, data.click_id)
    except Refused as refusal:
        if refusal.code == "unknown_transaction_id":
            log_unknown_click(network, data)
        raise
    terms = lookups.conversion_terms(network.pk, click.offer_id)
    if data.offer_id and data.offer_id != click.offer_id:
        raise Refused(400, "offer_mismatch", "The click belongs to another offer.")
    if data.method == Conversion.Method.POSTBACK:
        check_advertiser(network, terms, data)
    if click.status != Click.Status.ACCEPTED:
        raise Refused(400, "click_rejected", f"The click was rejected ({click.reject_reason}).")
    if now() - click.created_at > timedelta(days=terms.attribution_window_days):
        raise Refused(400, "attribution_window_expired", "The click is too old for this offer.")
    goal = pick_goal(terms, data.goal_id)
    amount = parse_amount(data.amount, terms.currency)
    conversion = build(network, click, terms, goal, amount, data)
    if terms.has_conversion_caps:
        with transaction.atomic():  # the cap rows stay locked until the insert commits
            refusal = cap_refusal(network, conversion)
            if refusal:
                conversion.status, conversion.reason_code = Conversion.Status.REJECTED, refusal
            created = insert(conversion)
    else:
        created = insert(conversion)
    if not created:
        return existing(conversion), False
    # The row is the outbox: the sweeper runs the fraud check, postbacks and webhooks.
    follow_ups.conversion_stored(network.pk)
    return conversion, True


def insert(conversion: Conversion) -> bool:
    """Save; False when a unique constraint says this conversion exists already."""
    if not connection.in_atomic_block:  # autocommit: a failed INSERT leaves nothing to undo
        try:
            _insert_row(conversion)
        except IntegrityError:
            return False
        return True
    try:
        with transaction.atomic():  # a savepoint, so the caller's transaction survives
            _insert_row(conversion)
    except IntegrityError:
        return False
    return True


INSERT_FIELDS = [f for f in Conversion._meta.concrete_fields if not f.primary_key]
INSERT_SQL = "INSERT INTO {table} ({columns}) VALUES ({values}) RETURNING id".format(  # noqa: S608
    table=Conversion._meta.db_table,
    columns=", ".join(f'"{f.column}"' for f in INSERT_FIELDS),
    values=", ".join(["%s"] * len(INSERT_FIELDS)),
)


# Fields whose Python value psycopg sends to PostgreSQL as Django would (a str, int, Decimal
# already quantized to the currency, aware datetime, bool, None); the others (JSON) go through
# Django's get_db_prep_save.
PLAIN_TYPES = (
    models.CharField,
    models.IntegerField,
    models.DecimalField,
    models.DateTimeField,
    models.BooleanField,
    models.GenericIPAddressField,
    models.ForeignKey,
)
PLAIN = [isinstance(f, PLAIN_TYPES) for f in INSERT_FIELDS]


def _insert_values(conversion: Conversion) -> list:
    """The INSERT's parameters. On PostgreSQL the plain fields' values go as they are: Django's
    per-field preparation (through the connection proxy, per field) cost more than a third of
    a postback's CPU; other databases (SQLite's text datetimes) get Django's own."""
    wrapper = connections[DEFAULT_DB_ALIAS]
    values = [f.pre_save(conversion, True) for f in INSERT_FIELDS]
    if wrapper.vendor != "postgresql":
        return [f.get_db_prep_save(v, wrapper) for f, v in zip(INSERT_FIELDS, values, strict=True)]
    return [
        v if plain else f.get_db_prep_save(v, wrapper)
        for f, v, plain in zip(INSERT_FIELDS, values, PLAIN, strict=True)
    ]


def _insert_row(conversion: Conversion) -> None:
    """What Model.save() sends, without compiling the INSERT anew for every postback."""
    values = _insert_values(conversion)
    conversion.pk = prepared.fetch_one(INSERT_SQL, values)[0]
    conversion._state.adding = False
    conversion._state.db = "default"


def _click_row(network: Network, click_id: str) -> tuple | None:
    """One statement, no ORM: building the query cost more than running it. The network is
    in the WHERE clause because raw SQL is outside the scope's protection."""
    return prepared.fetch_one(
        "SELECT id, offer_id, publisher_id, status, reject_reason, created_at "
        "FROM tracking_click WHERE id = %s AND network_id = %s",
        [click_id, network.pk],
    )


def find_click(network: Network, click_id: str) -> ClickFacts:
    if not click_id or not is_click_id(click_id):
        raise Refused(400, "invalid_transaction_id", "transaction_id is missing or malformed.")
    found = _click_row(network, click_id)
    if found is None:  # perhaps still on its way from the Redis buffer: tracking.drain
        waited = wait_for_click(lambda: _click_row(network, click_id))
        found = waited.row or unknown_click(network, click_id, waited.certain)
    facts = ClickFacts(*found)
    if isinstance(facts.created_at, str):  # SQLite through a raw cursor
        facts = facts._replace(created_at=datetime.fromisoformat(facts.created_at))
    if facts.created_at.tzinfo is None:  # stored in UTC (USE_TZ)
        facts = facts._replace(created_at=facts.created_at.replace(tzinfo=UTC))
    return facts


# How long a click id we cannot find may still become known, and the clock skew we allow
# between the machine that made it and this one.
PLAUSIBLE_AGE_SECONDS = 24 * 3600
CLOCK_SKEW_SECONDS = 60
RETRY_AFTER_SECONDS = 60


def unknown_click(network: Network, click_id: str, certain: bool) -> NoReturn:
    """Refuse a click id we cannot find, so that a sender retries exactly when a retry can
    succeed. A TUNE-style sender gives up on a 4xx and retries a 5xx, so:

    - 404 only when the id can never become a click of this network: made more than 24 h
      ago (no click stays in the buffer that long) or in the future (beyond clock skew), or it
      is a click of another network;
    - else 503 with Retry-After: even when every click answered before this postback is
      written (`certain`), a recent id may be a click we cannot see yet (a Redis failover that
      lost the last writes of a replica, a web node's clock ahead of ours, the buffer
      unreachable), and a retry costs us one indexed read where a wrong 404 loses a sale.
    """
    age = time.time() - issued_at(click_id)
    final = not -CLOCK_SKEW_SECONDS <= age <= PLAUSIBLE_AGE_SECONDS or _click_elsewhere(
        network, click_id
    )
    if final:
        raise Refused(404, "unknown_transaction_id", "No such click in this network.")
    why = "not written yet" if not certain else "not found"
    raise Refused(
        503,
        "unknown_transaction_id",
        f"No such click in this network ({why}), please retry.",
        retry_after=RETRY_AFTER_SECONDS,
    )


def _click_elsewhere(network: Network, click_id: str) -> bool:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT 1 FROM tracking_click WHERE id = %s AND network_id <> %s",
            [click_id, network.pk],
        )
        return cursor.fetchone() is not None


# A flood of made-up ids must not grow RejectedPostback faster than today's token refusals
# (which need a real click id): at most this many unknown-id refusals are kept per network and
# minute; the others are answered all the same.
UNKNOWN_LOGGED_PER_MINUTE = 30


def log_unknown_click(network: Network, data: ConversionInput) -> None:
    """Keep the refusal for the advertiser's tech team: theirs when `offer_id` names an
    offer of this network, else the network's only (advertiser NULL)."""
    key = f"rejected-unknown:{network.pk}:{int(time.time() // 60)}"
    try:
        cache.add(key, 0, 120)
        if cache.incr(key) > UNKNOWN_LOGGED_PER_MINUTE:
            return
    except Exception:  # the cache is down: keep nothing rather than unbounded
        return
    terms = data.offer_id and lookups.conversion_terms(network.pk, data.offer_id)
    log_rejected(network, terms.advertiser_id if terms else None, "unknown_transaction_id", data)


def log_rejected(network: Network, advertiser_id: int | None, reason: str, data) -> None:
    RejectedPostback.objects.create(
        network=network,
        advertiser_id=advertiser_id,
        reason=reason,
        query=data.query[:4000],
        ip=data.ip,
    )


def check_advertiser(network: Network, terms: lookups.ConversionTerms, data) -> None:
    reason = ""
    if terms.require_token and not hmac.compare_digest(
        (data.token or "").encode(), terms.postback_token.encode()
    ):
        reason = "invalid_security_token"
    elif terms.postback_ips and not ip_allowed(data.ip, list(terms.postback_ips)):
        reason = "ip_not_allowed"
    if reason:
        log_rejected(network, terms.advertiser_id, reason, data)
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


def pick_goal(terms: lookups.ConversionTerms, goal_id: int | None) -> lookups.GoalTerms:
    goal = terms.goals.get(goal_id or terms.default_goal_id or 0)
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


def build(network, click: ClickFacts, terms, goal, amount: Decimal, data) -> Conversion:
    currency = terms.currency
    payout = lookups.payout_terms(network.pk, goal.id, click.publisher_id)
    rejected = data.status.lower() == Conversion.Status.REJECTED
    return Conversion(
        network=network,
        click_id=click.id,
        offer_id=click.offer_id,
        goal_id=goal.id,
        publisher_id=click.publisher_id,
        status=Conversion.Status.REJECTED if rejected else Conversion.Status.PENDING,
        reason_code="advertiser_rejected" if rejected else "",
        sale_amount=amount,
        revenue=goal_revenue(goal, amount, currency),
        payout=payout.earned(amount, currency),
        currency=currency,
        order_id=data.order_id[:255],
        method=data.method,
        ip=data.ip,
        click_goal_key=None if terms.multiple_conversions else f"{click.id}:{goal.id}",
        **{name: data.adv_subs.get(name, "")[:255] for name in ADV_SUB_FIELDS},
    )


def goal_revenue(goal: lookups.GoalTerms, amount: Decimal, currency: str) -> Decimal:
    kind = Goal.Type(goal.revenue_type)
    flat = goal.revenue_amount if kind.has_flat else Decimal(0)
    share = amount * goal.revenue_percent / 100 if kind.has_percent else Decimal(0)
    return quantize(flat + share, currency)


def cap_refusal(network: Network, conversion: Conversion) -> str:
    """Lock the offer's conversion caps, count their windows, and say if this one is over."""
    rules = list(
        Cap.objects.select_for_update()
        .filter(offer_id=conversion.offer_id)
        .exclude(metric=Cap.Metric.CLICKS)
        .filter(Q(publisher__isnull=True) | Q(publisher_id=conversion.publisher_id))
        .order_by("id")
    )
    used = caps.usages(rules, network)
    for cap in rules:
        adding = Decimal(1) if cap.metric == Cap.Metric.CONVERSIONS else conversion.payout
        if used[cap.id] + adding > cap.limit:
            caps.mark_full(cap, network.timezone)
            return "cap_reached"
        if used[cap.id] + adding == cap.limit:
            caps.mark_full(cap, network.timezone)  # the next click goes to the fallback
    return ""


EXISTING_BY_ORDER_SQL = (
    "SELECT * FROM tracking_conversion WHERE network_id = %s AND offer_id = %s"
    " AND goal_id = %s AND order_id = %s AND order_id <> '' LIMIT 1"
)
EXISTING_BY_CLICK_SQL = (
    "SELECT * FROM tracking_conversion WHERE network_id = %s AND click_goal_key = %s LIMIT 1"
)


def existing(conversion: Conversion) -> Conversion:
    """The conversion that won the race against this one: one of the two unique constraints
    refused the insert. Raw SQL (with the network in the WHERE clause: outside the scope's
    protection) because compiling the ORM query cost more than a duplicate's whole answer."""
    if conversion.order_id:
        found = list(
            Conversion.objects.raw(
                EXISTING_BY_ORDER_SQL,
                [
                    conversion.network_id,
                    conversion.offer_id,
                    conversion.goal_id,
                    conversion.order_id,
                ],
            )
        )
        if found:
            return found[0]
    (found,) = Conversion.objects.raw(
        EXISTING_BY_CLICK_SQL, [conversion.network_id, conversion.click_goal_key]
    )
    return found
