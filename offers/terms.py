"""How a pricing (CPA, CPS, CPA + CPS, CPL, CPC) reads: which parts a type shows.

Each role's pages word it their own way ("10.00 USD (CPA)" for advertisers, "8.00 USD CPA"
for publishers), the amounts always in the language's one money format (lib.formats); the
decision of what the parts are lives here once.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal

from lib.formats import format_money, format_percent
from offers.rules import GoalType


def plain(number: Decimal) -> str:
    """10.000 -> '10', 2.500 -> '2.5' (never '1E+1')."""
    return f"{number.normalize():f}"


def terms_parts(
    kind: str, amount: Decimal, percent: Decimal, money: Callable[[Decimal], str]
) -> list[str]:
    """The flat amount (through `money`) and/or the percent that a pricing type uses, the
    percent written for the language ('2.5%' / '2,5%')."""
    terms = GoalType(kind)
    parts = [money(amount)] if terms.has_flat else []
    if terms.has_percent:
        parts.append(format_percent(Decimal(percent) / 100, decimals=3))
    return parts


def terms_label(kind: str, amount: Decimal, percent: Decimal, currency: str) -> str:
    """'10.00 USD', '5%' or '10.00 USD + 5%': a goal's terms in the offer's currency."""
    if not kind:
        return "—"
    parts = terms_parts(kind, amount, percent, lambda a: format_money(a, currency))
    return f"{' + '.join(parts)} ({GoalType(kind).name.replace('_', '+')})"
