"""Posting to the ledger and reading balances. Nothing else writes entries.

Sign convention: a debit is positive, a credit negative. Receivable and cash are asset
accounts (their balance is the sum); payable and margin are what we owe or earned (their
balance is minus the sum), so every balance a person reads is positive in the normal case.
"""

from __future__ import annotations

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.timezone import now

from lib.money import from_minor as from_minor  # re-exported: payouts code imports it here
from lib.money import to_minor
from network.models import Network
from payouts.models import Account, Entry, LedgerTransaction

CREDIT_NORMAL = (Account.Kind.PAYABLE, Account.Kind.MARGIN)


class Unbalanced(ValueError):
    pass


def account(
    network: Network, kind: str, currency: str, *, advertiser_id=None, publisher_id=None
) -> Account:
    """The account, created on first use (the unique constraint settles a race)."""
    fields = {"network": network, "kind": kind, "currency": currency}
    fields.update(advertiser_id=advertiser_id, publisher_id=publisher_id)
    found = Account.objects.filter(**fields).first()
    if found:
        return found
    try:
        with transaction.atomic():
            return Account.objects.create(**fields)
    except IntegrityError:
        return Account.objects.get(**fields)


def post(
    network: Network,
    *,
    kind: str,
    key: str,
    lines: list[tuple[Account, int]],
    conversion=None,
    at: datetime | None = None,
    memo: str = "",
) -> LedgerTransaction | None:
    """Post a balanced transaction once; None when `key` was posted already."""
    if sum(amount for _, amount in lines) != 0:
        raise Unbalanced(f"{key}: entries sum to {sum(a for _, a in lines)}, not 0")
    at = at or now()
    try:
        with transaction.atomic():
            posted = LedgerTransaction.objects.create(
                network=network, kind=kind, key=key, conversion=conversion, memo=memo, created_at=at
            )
            Entry.objects.bulk_create(
                Entry(
                    network=network,
                    transaction=posted,
                    account=acc,
                    amount=amount,
                    kind=kind,
                    conversion=conversion,
                    created_at=at,
                )
                for acc, amount in lines
                if amount
            )
    except IntegrityError:
        return None
    return posted


def conversion_lines(network: Network, conversion, sign: int) -> list[tuple[Account, int]]:
    """Approval (sign 1) or its reversal (sign -1): receivable / payable / margin."""
    currency = conversion.currency
    revenue = to_minor(conversion.revenue, currency)
    payout = to_minor(conversion.payout, currency)
    advertiser_id = conversion.offer.advertiser_id
    return [
        (
            account(network, Account.Kind.RECEIVABLE, currency, advertiser_id=advertiser_id),
            sign * revenue,
        ),
        (
            account(network, Account.Kind.PAYABLE, currency, publisher_id=conversion.publisher_id),
            -sign * payout,
        ),
        (account(network, Account.Kind.MARGIN, currency), -sign * (revenue - payout)),
    ]


def post_conversion(
    network: Network, conversion, *, approve: bool, at: datetime | None = None
) -> LedgerTransaction | None:
    """A conversion's approval entries, or their opposite (its reversal), keyed by its count of
    postings; the caller holds the conversion's row lock and saves `ledger_postings`. `at`
    dates them (only the demo's history does: anything else posts now). None: posted already."""
    conversion.ledger_postings += 1
    kind = LedgerTransaction.Kind.APPROVAL if approve else LedgerTransaction.Kind.REVERSAL
    return post(
        network,
        kind=kind,
        key=f"conversion:{conversion.pk}:{conversion.ledger_postings}",
        lines=conversion_lines(network, conversion, 1 if approve else -1),
        conversion=conversion,
        at=at,
        memo=f"conversion {conversion.pk}",
    )


def balance(acc: Account, *, until: datetime | None = None) -> int:
    """The account's balance in minor units, positive in the normal case, from its entries."""
    entries = Entry.objects.filter(account=acc)
    if until is not None:
        entries = entries.filter(created_at__lte=until)
    total = entries.aggregate(total=Sum("amount"))["total"] or 0
    return -total if acc.kind in CREDIT_NORMAL else total


# What advertisers owe: their receivables (the invoices' pages and the advertisers' list and
# API, through advertisers.owed).


def network_receivables(advertiser_id: int | None = None) -> list[dict]:
    """Every advertiser's receivable balance summed per currency, in one query (receivable is
    debit-normal: its balance is the plain sum of its entries, as in balance())."""
    entries = Entry.objects.filter(account__kind=Account.Kind.RECEIVABLE)
    if advertiser_id is not None:
        entries = entries.filter(account__advertiser_id=advertiser_id)
    rows = (
        entries.values("account__currency")
        .annotate(total=Sum("amount"))
        .order_by("account__currency")
    )
    return [
        {
            "currency": row["account__currency"],
            "amount": from_minor(row["total"], row["account__currency"]),
        }
        for row in rows
    ]


def receivables_by_advertiser(advertiser_id: int | None = None) -> dict[int, list[dict]]:
    """Each advertiser's receivable balances (what they owe, invoiced or not), one query."""
    entries = Entry.objects.filter(account__kind=Account.Kind.RECEIVABLE)
    if advertiser_id is not None:
        entries = entries.filter(account__advertiser_id=advertiser_id)
    rows = (
        entries.values("account__advertiser_id", "account__currency")
        .annotate(total=Sum("amount"))
        .order_by("account__advertiser_id", "account__currency")
    )
    owed: dict[int, list[dict]] = {}
    for row in rows:
        currency = row["account__currency"]
        owed.setdefault(row["account__advertiser_id"], []).append(
            {"currency": currency, "amount": from_minor(row["total"], currency)}
        )
    return owed
