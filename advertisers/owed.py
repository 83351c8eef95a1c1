"""What each advertiser company owes the network, per currency (invoiced or not).

The ledger that knows is payouts', a higher layer: it registers its reader here when it loads
(payouts/apps.py), and the advertisers' API asks through `owed_by()` without importing it.
The reader is named by its dotted path and imported on first use.
"""

from __future__ import annotations

from collections.abc import Callable

from django.utils.module_loading import import_string

Reader = Callable[[int | None], dict[int, list[dict]]]

_reader: str | Reader | None = None


def register(reader: str | Reader) -> None:
    """`reader(advertiser_id or None)` answers {advertiser id: [{"currency", "amount"}...]}."""
    global _reader
    _reader = reader


def owed_by(advertiser_id: int | None = None) -> dict[int, list[dict]]:
    """Per advertiser id (only this one when given), its balances: [{"currency": "USD",
    "amount": Decimal}, ...] in the currency's precision. Empty when no ledger registered."""
    global _reader
    reader = _reader
    if isinstance(reader, str):
        reader = _reader = import_string(reader)
    return reader(advertiser_id) if reader is not None else {}
