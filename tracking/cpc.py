"""CPC: a goal whose revenue type is "cpc" makes one conversion per unique accepted click.

Not on the click path: the conversions are made in bulk once the clicks are stored, by the
drainer after each batch it wrote (`batch_written`), or right after a click inserted directly
when there is no Redis buffer (`click_written`). Both come to `clicks_written`, which:

- keeps the accepted, unique clicks of offers that have a CPC goal (the offer's goals come from
  the click path's cached lookups, so a batch without CPC offers costs no query at all);
- prices each distinct (goal, publisher) in Python by the rules of every conversion
  (`conversions.goal_revenue` for the revenue, `lookups.payout_terms`: override > tier >
  goal, for the payout), and passes the prices to the database as a VALUES list;
- makes the batch's conversions with ONE INSERT ... SELECT from the stored clicks joined to
  their CPC goals and to those prices. Each carries the key "<click>:<goal>", and the unique
  constraint on (network, click_goal_key) makes a batch written twice (a drainer that crashed
  before it dropped its processing list) make nothing twice: ON CONFLICT DO NOTHING.

A CPC conversion is pending, dated at its click, with `fraud_checked_at` NULL: the follow-ups
(fraud check, publisher postbacks, webhooks) pick it up from that column like any conversion's,
then the hold period, decisions, ledger and payout runs treat it as any other.

Caps: a conversion or payout cap on the offer counts these conversions (they are conversions,
see tracking.caps.usages). When the offer has such caps, the INSERT runs with the caps locked
(as a postback's does, tracking.conversions.cap_refusal), the conversions past a limit are
rejected ("cap_reached", the newest first) and a full cap is flagged so that the next clicks
go to the fallback when its action says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import NamedTuple

from django.db import connection, transaction
from django_scopes import scope, scopes_disabled

from network.models import Network
from offers.models import Cap, Goal
from tracking import buffer, caps, lookups
from tracking.models import Click, Conversion


class StoredClick(NamedTuple):
    id: str
    network_id: int
    offer_id: int
    publisher_id: int


class Price(NamedTuple):
    network_id: int
    goal_id: int
    publisher_id: int
    revenue: Decimal
    payout: Decimal
    currency: str


class Made(NamedTuple):
    id: int
    network_id: int
    offer_id: int
    publisher_id: int
    payout: Decimal


ACCEPTED = Click.Status.ACCEPTED.value.encode()


def batch_written(items: list[bytes]) -> int:
    """The drainer wrote these COPY lines (is_unique first): make their CPC conversions."""
    at = buffer.COLUMNS.index  # the line's columns (read here: the buffer imports this module)
    id_, network, offer, publisher, status = (
        at(name) for name in ("id", "network_id", "offer_id", "publisher_id", "status")
    )
    paid = []
    for item in items:
        values = item.split(b"\t", status + 1)
        if values[0] == b"t" and values[status] == ACCEPTED:
            ids = (int(values[network]), int(values[offer]), int(values[publisher]))
            paid.append(StoredClick(values[id_].decode(), *ids))
    return clicks_written(paid)


def click_written(fields: dict, is_unique: bool) -> int:
    """A click was inserted directly (no Redis buffer): make its CPC conversion, if any."""
    if not is_unique or fields["status"] != Click.Status.ACCEPTED:
        return 0
    click = StoredClick(
        fields["id"], fields["network_id"], fields["offer_id"], fields["publisher_id"]
    )
    return clicks_written([click])


def clicks_written(clicks: Iterable[StoredClick]) -> int:
    """Make the CPC conversions of these unique accepted clicks; how many were made."""
    clicks = list(clicks)
    terms = _cpc_offers(clicks)
    paid = [click for click in clicks if (click.network_id, click.offer_id) in terms]
    if not paid:
        return 0
    prices = _prices(paid, terms)
    capped = sorted(offer_id for (_n, offer_id), t in terms.items() if t.has_conversion_caps)
    with transaction.atomic():
        locked = _lock_caps(capped)
        made = _insert([click.id for click in paid], prices)
        if locked:
            _enforce_caps(locked, made)
    return len(made)


def _cpc_offers(clicks: list[StoredClick]) -> dict[tuple[int, int], lookups.ConversionTerms]:
    """The offers of these clicks that have a CPC goal, by (network, offer): the click path's
    cached lookups, each read in its network's scope."""
    found = {}
    for network_id, offer_id in {(click.network_id, click.offer_id) for click in clicks}:
        with scope(network=network_id):
            terms = lookups.conversion_terms(network_id, offer_id)
        if terms and any(_is_cpc(goal) for goal in terms.goals.values()):
            found[network_id, offer_id] = terms
    return found


def _is_cpc(goal: lookups.GoalTerms) -> bool:
    return goal.revenue_type == Goal.Type.CPC


def _prices(clicks: list[StoredClick], terms: dict) -> list[Price]:
    """One price per distinct (CPC goal, publisher): what any conversion of it would cost."""
    from tracking.conversions import goal_revenue  # imports the drainer, which imports us

    prices = {}
    for click in clicks:
        offer_terms = terms[click.network_id, click.offer_id]
        currency = offer_terms.currency
        for goal in offer_terms.goals.values():
            if not _is_cpc(goal) or (goal.id, click.publisher_id) in prices:
                continue
            with scope(network=click.network_id):
                payout = lookups.payout_terms(click.network_id, goal.id, click.publisher_id)
            prices[goal.id, click.publisher_id] = Price(
                click.network_id,
                goal.id,
                click.publisher_id,
                goal_revenue(goal, Decimal(0), currency),
                payout.earned(Decimal(0), currency),
                currency,
            )
    return list(prices.values())


CONVERSION_COLUMNS = (
    "network_id, click_id, offer_id, goal_id, publisher_id, status, reason_code, sale_amount, "
    "revenue, payout, currency, adv_sub, adv_sub2, adv_sub3, adv_sub4, adv_sub5, order_id, "
    "click_goal_key, method, ip, fraud_flags, fraud_checked_at, ledger_postings, decided_at, "
    "created_at"
)
# The stored clicks joined to their offer's CPC goals and to the prices (a VALUES list): one
# statement for the whole batch, whatever its networks. The network is in every join: raw SQL
# is outside the scope's protection.
INSERT_SQL = """
WITH price (network_id, goal_id, publisher_id, revenue, payout, currency) AS (VALUES {prices})
INSERT INTO tracking_conversion ({columns})
SELECT c.network_id, c.id, c.offer_id, g.id, c.publisher_id, 'pending', '', 0,
       price.revenue, price.payout, price.currency, '', '', '', '', '', '',
       c.id || ':' || g.id, 'click', c.ip, {no_flags}, NULL, 0, NULL, c.created_at
FROM tracking_click c
JOIN offers_goal g ON g.offer_id = c.offer_id AND g.network_id = c.network_id
JOIN price ON price.network_id = c.network_id AND price.goal_id = g.id
  AND price.publisher_id = c.publisher_id
WHERE c.id IN ({ids}) AND c.status = 'accepted' AND c.is_unique
  AND g.revenue_type = 'cpc'
ORDER BY c.id, g.id
ON CONFLICT (network_id, click_goal_key) DO NOTHING
RETURNING id, network_id, offer_id, publisher_id, payout
"""
PRICE_ROW = (
    "(CAST(%s AS bigint), CAST(%s AS bigint), CAST(%s AS bigint), CAST(%s AS numeric), "
    "CAST(%s AS numeric), %s)"
)


def _insert(click_ids: list[str], prices: list[Price]) -> list[Made]:
    sql = INSERT_SQL.format(
        prices=", ".join([PRICE_ROW] * len(prices)),
        columns=CONVERSION_COLUMNS,
        no_flags="'[]'::jsonb" if connection.vendor == "postgresql" else "'[]'",
        ids=", ".join(["%s"] * len(click_ids)),
    )
    params = [value for price in prices for value in price]
    with connection.cursor() as cursor:
        cursor.execute(sql, [*params, *click_ids])
        made = [Made(*row[:4], Decimal(row[4])) for row in cursor.fetchall()]
    return sorted(made)  # in the order they were made: the ids follow the clicks' time


def _lock_caps(offer_ids: list[int]) -> list[Cap]:
    """The conversion caps of these offers, locked in one order (a postback locks the same
    rows in the same order: no deadlock), so that the counts below see every conversion."""
    if not offer_ids:
        return []
    with scopes_disabled():  # explicit: the offers of this batch, whatever their network
        rules = Cap.objects.select_for_update().filter(offer_id__in=offer_ids)
        return list(rules.exclude(metric=Cap.Metric.CLICKS).order_by("id"))


def _enforce_caps(rules: list[Cap], made: list[Made]) -> None:
    """Reject the newest of this batch's conversions that a cap has no room for; flag a cap
    that is full so that the offer's next clicks go where its action says."""
    networks = Network.objects.in_bulk({cap.network_id for cap in rules})
    refused: set[int] = set()
    for cap in rules:
        network = networks[cap.network_id]
        mine = [
            m
            for m in made
            if (m.network_id, m.offer_id) == (cap.network_id, cap.offer_id)
            and m.id not in refused
            and cap.publisher_id in (None, m.publisher_id)
        ]
        with scope(network=network):
            used = caps.usages([cap], network)[cap.id]  # afresh: earlier caps refused some
            over = used - cap.limit
            newly = []
            for conversion in reversed(mine):
                if over <= 0:
                    break
                newly.append(conversion.id)
                over -= 1 if cap.metric == Cap.Metric.CONVERSIONS else conversion.payout
            if newly:
                Conversion.objects.filter(pk__in=newly).update(
                    status=Conversion.Status.REJECTED, reason_code="cap_reached"
                )
                refused.update(newly)
        if over >= 0:
            caps.mark_full(cap, network.timezone)
