"""Minimum payouts per currency, as the payout run applies them (payouts/runs.py LINES_SQL):
the publisher's own minimum in a currency, else the network's in that currency, else none
(every positive balance is paid). Amounts are minor units of their currency. Queries only;
the changes are `network.services.payout_minimum_set` and
`publishers.services.publisher_minimum_set`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from lib.money import from_minor
from network.models import Network, PayoutMinimum
from publishers.models import Publisher, PublisherMinimum


@dataclass(frozen=True)
class Minimum:
    currency: str
    network: int | None  # the network's minimum in this currency, if it set one
    own: int | None = None  # the publisher's own, if set

    @property
    def applied(self) -> int:
        if self.own is not None:
            return self.own
        return self.network or 0

    @property
    def applied_amount(self) -> Decimal:
        return from_minor(self.applied, self.currency)

    @property
    def network_amount(self) -> Decimal | None:
        return None if self.network is None else from_minor(self.network, self.currency)

    @property
    def own_amount(self) -> Decimal | None:
        return None if self.own is None else from_minor(self.own, self.currency)


def network_minimums(network: Network) -> dict[str, int]:
    return dict(PayoutMinimum.objects.filter(network=network).values_list("currency", "amount"))


def publisher_minimums(
    network: Network, publisher: Publisher, currencies: Iterable[str] = ()
) -> list[Minimum]:
    """One row per currency that has a minimum or is asked for, sorted by currency."""
    by_network = network_minimums(network)
    own = dict(
        PublisherMinimum.objects.filter(publisher=publisher).values_list("currency", "amount")
    )
    shown = sorted({*by_network, *own, *currencies})
    return [Minimum(code, by_network.get(code), own.get(code)) for code in shown]
