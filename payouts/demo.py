"""Demo money for `seed_demo`: two months of conversions, so that the payout flow of the
README can be walked in `make run` on any day.

- The month before last: conversions approved during last month (their ledger entries are
  dated then), one of them refunded, one rejected. Last month's payout run pays them.
- Last month: pending conversions past their offer's hold period; the hold-period job
  approves the clean ones, two flagged ones wait for a person.
- This month: a few pending conversions still in their hold period.

Blue Traffic Media is paid by PayPal; Red Deals by bank transfer, with its own minimum.
Made once: a second run finds the demo's conversions and changes nothing.

A step of seed_demo (network/demo.py); after tracking's sixty days of traffic
(tracking/demo_activity.py) decisions.demo posts the decisions it planned with `approve`,
`reject` and `reverse` here.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.utils.timezone import now

from advertisers.demo import COMPANY
from advertisers.models import Advertiser
from audit import audit_row
from lib.money import to_minor
from network.demo import Demo
from network.models import Network
from offers.models import Offer, OfferAccess
from payouts import ledger
from payouts.runs import last_closed_period, previous_month
from publishers.demo import APPROVED
from publishers.models import PaymentDetails, Publisher, PublisherMinimum
from tracking.demo_activity import convert_click
from tracking.ids import new_click_id
from tracking.models import Click, Conversion

DEMO_ACTOR = "system: demo data"
# (day of the month, hour, offer, sale amount)
EARLIER = [
    (3, 10, "summer", 120),
    (5, 14, "summer", 89.9),
    (8, 9, "vip", 0),
    (11, 20, "summer", 240),
    (14, 11, "summer", 310),
    (17, 16, "vip", 0),
    (21, 13, "summer", 75.5),
    (24, 18, "summer", 199),
    (27, 8, "summer", 150),
]
LAST = [(4, 12, "summer", 130), (6, 15, "summer", 64), (7, 10, "vip", 0), (9, 19, "summer", 410)]
FLAGGED = [(5, 9, "summer", 999), (8, 22, "vip", 0)]
RED_DEALS_EARLIER = [(6, 12, "summer", 180), (15, 17, "summer", 260), (23, 10, "summer", 210)]


def seed(demo: Demo) -> None:
    """seed_demo's step: the money of the demo's advertiser and approved publisher."""
    advertiser = Advertiser.objects.get(network=demo.network, name=COMPANY)
    blue = Publisher.objects.get(network=demo.network, name=APPROVED)
    seed_money(demo.network, advertiser, blue)


def seed_money(network: Network, advertiser: Advertiser, blue: Publisher) -> None:
    if Conversion.objects.filter(network=network).exists():
        return
    offers = {
        "summer": Offer.objects.get(network=network, name="Acme Summer Sale"),
        "vip": Offer.objects.get(network=network, name="Acme VIP Club"),
    }
    red = red_deals(network, offers["summer"])
    payment_details(
        network,
        blue,
        method=PaymentDetails.Method.PAYPAL,
        paypal_email="payments@bluetraffic.example",
    )
    payment_details(
        network,
        red,
        method=PaymentDetails.Method.BANK,
        account_holder="Red Deals Ltd",
        iban="GB82WEST12345698765432",
        swift="WESTGB2L",
        bank_name="West Bank",
        currency=network.currency,
    )
    last = last_closed_period(network)
    earlier = previous_month(last)
    zone = ZoneInfo(network.timezone)

    def at(month, day: int, hour: int) -> datetime:
        return datetime(month.year, month.month, day, hour, tzinfo=zone)

    history = [(blue, *row) for row in EARLIER] + [(red, *row) for row in RED_DEALS_EARLIER]
    for n, (publisher, day, hour, offer, amount) in enumerate(history):
        conversion = convert(network, publisher, offers[offer], amount, at(earlier, day, hour))
        decided = at(last, 2 + n % 9, 9)  # the advertiser validated them early last month
        if n == 4:
            reject(network, conversion, decided, "duplicate_order")
        else:
            approve(network, conversion, decided)
            if n == 1:  # refunded later in the month: the reversal nets it in the same run
                reverse(network, conversion, at(last, 20, 10), "refund")
    for day, hour, offer, amount in LAST:
        convert(network, blue, offers[offer], amount, at(last, day, hour))
    for day, hour, offer, amount in FLAGGED:
        convert(network, blue, offers[offer], amount, at(last, day, hour), flags=["ip_velocity"])
    moment = now()
    for hours_ago, amount in [(3, 120), (26, 55), (50, 330)]:
        convert(network, blue, offers["summer"], amount, moment - timedelta(hours=hours_ago))


def red_deals(network: Network, summer: Offer) -> Publisher:
    red, _ = Publisher.objects.get_or_create(
        network=network,
        name="Red Deals",
        defaults={
            "website": "https://reddeals.example",
            "country": "GB",
            "status": Publisher.Status.APPROVED,
        },
    )
    # Their own minimum in the network's currency, below the network's 50.
    PublisherMinimum.objects.get_or_create(
        network=network,
        publisher=red,
        currency=network.currency,
        defaults={"amount": to_minor(Decimal(20), network.currency)},
    )
    OfferAccess.objects.get_or_create(
        network=network, offer=summer, publisher=red, defaults={"status": "approved"}
    )
    return red


def payment_details(network: Network, publisher: Publisher, **details: object) -> None:
    """The publisher's payment details, changed long enough ago not to hold its payouts."""
    PaymentDetails.objects.get_or_create(
        network=network,
        publisher=publisher,
        defaults={**details, "changed_at": now() - timedelta(days=90)},
    )


def convert(
    network: Network,
    publisher: Publisher,
    offer: Offer,
    amount: float,
    at: datetime,
    flags: list[str] | None = None,
) -> Conversion:
    """A click and its conversion, priced by the offer's goal as a postback would be."""
    click = Click.objects.create(
        id=new_click_id(),
        network=network,
        offer=offer,
        publisher=publisher,
        created_at=at - timedelta(minutes=37),
        aff_sub="demo",
    )
    return convert_click(
        network, click, Decimal(str(amount)), at, f"DEMO-{click.id[-8:].upper()}", flags
    )


def approve(network: Network, conversion: Conversion, at: datetime) -> None:
    ledger.post_conversion(network, conversion, approve=True, at=at)
    decide(network, conversion, Conversion.Status.APPROVED, at)


def reverse(network: Network, conversion: Conversion, at: datetime, reason: str) -> None:
    ledger.post_conversion(network, conversion, approve=False, at=at)
    decide(network, conversion, Conversion.Status.REVERSED, at, reason)


def reject(network: Network, conversion: Conversion, at: datetime, reason: str) -> None:
    decide(network, conversion, Conversion.Status.REJECTED, at, reason)


def decide(network: Network, conversion: Conversion, status: str, at, reason: str = "") -> None:
    before = conversion.status
    conversion.status, conversion.decided_at = status, at
    conversion.reason_code = reason[:32]
    conversion.save(update_fields=["status", "decided_at", "reason_code", "ledger_postings"])
    audit_row(
        conversion,
        None,
        action=f"conversion.{status}",
        network=network,
        actor_label=DEMO_ACTOR,
        from_state=before,
        to_state=status,
        reason=reason,
    )
