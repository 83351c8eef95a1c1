"""The money parts of other apps' pages, which payouts fills (publishers and advertisers
import nothing of payouts; their templates load these tags):

- {% publisher_payouts publisher %}: what the network owes a publisher now, from the ledger,
  and their minimum payout per currency (the admins' publisher review page);
- {% advertiser_receivables as owed %} then {{ owed|owed_by:company }}: what each advertiser
  owes, from the ledger, in one query (the admins' advertisers list).
"""

from __future__ import annotations

from django import template

from payouts import minimums, statements
from payouts.ledger import receivables_by_advertiser

register = template.Library()


@register.inclusion_tag("payouts/parts/publisher_payouts.html", takes_context=True)
def publisher_payouts(context, publisher) -> dict:
    network = context["request"].network
    owed = statements.balances(statements.payable_accounts(publisher))
    currencies = [network.currency, *(amount.currency for amount in owed)]
    return {
        "owed": owed,
        "minimums": minimums.publisher_minimums(network, publisher, currencies),
    }


@register.simple_tag
def advertiser_receivables() -> dict[int, list[dict]]:
    return receivables_by_advertiser()


@register.filter
def owed_by(owed: dict[int, list[dict]], company) -> list[dict]:
    return owed.get(company.pk, [])
