"""The demo's payout rules for `seed_demo` (after offers' step): a "Gold" tier holding the
approved publisher, with its own payout on the summer sale, and that publisher's own payout on
the VIP club. Made once: a second run finds them and changes nothing."""

from __future__ import annotations

from decimal import Decimal

from advertisers.demo import COMPANY
from commissions.models import PayoutOverride, PayoutTier, TierMembership, TierPayout
from network.demo import Demo
from offers.models import Goal
from publishers.demo import APPROVED
from publishers.models import Publisher


def seed(demo: Demo) -> None:
    network = demo.network
    approved = Publisher.objects.get(network=network, name=APPROVED)
    # The demo advertiser's offers (offers.demo), by name: their default goals.
    defaults = Goal.objects.filter(offer__advertiser__name=COMPANY, is_default=True)
    tier, _ = PayoutTier.objects.get_or_create(network=network, name="Gold")
    TierMembership.objects.get_or_create(
        network=network, publisher=approved, defaults={"tier": tier}
    )
    TierPayout.objects.get_or_create(
        network=network,
        tier=tier,
        goal=defaults.get(offer__name="Acme Summer Sale"),
        defaults={"payout_type": "cps", "payout_percent": Decimal("6.5")},
    )
    PayoutOverride.objects.get_or_create(
        network=network,
        goal=defaults.get(offer__name="Acme VIP Club"),
        publisher=approved,
        defaults={"payout_type": "cpa", "payout_amount": 32},
    )
