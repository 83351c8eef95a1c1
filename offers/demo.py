"""Demo offers for `seed_demo`: a few realistic offers in several states, so every page has data.

Each offer and everything under it is created once; a second run finds the offer by name and
changes nothing.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.core.files.base import ContentFile

from advertisers.demo import COMPANY
from advertisers.models import Advertiser
from network.demo import Demo
from network.models import Network
from offers.models import (
    Cap,
    Creative,
    Goal,
    LandingPage,
    Offer,
    OfferAccess,
)
from publishers.demo import APPROVED
from publishers.models import Publisher

SHOP = "https://shop.acme.example"


@dataclass
class DemoOffer:
    name: str
    status: str
    visibility: str
    category: str
    goals: list[
        tuple
    ]  # (name, revenue_type, revenue_amount, revenue_percent, payout_amount, payout_percent)
    pages: list[tuple] = field(default_factory=list)  # (name, url, weight)
    countries: list[str] = field(default_factory=list)
    devices: list[str] = field(default_factory=list)
    deep_link_domains: list[str] = field(default_factory=list)
    description: str = ""


OFFERS = [
    DemoOffer(
        "Acme Summer Sale",
        "active",
        "public",
        "ecommerce",
        [("Sale", "cps", 0, 8, 0, 6)],
        [
            ("Home page", f"{SHOP}/?utm_source=aff&click={{transaction_id}}&sub={{aff_sub}}", 50),
            (
                "Sale landing B",
                f"{SHOP}/summer-b?click={{transaction_id}}&pub={{affiliate_id}}",
                50,
            ),
        ],
        countries=["US", "CA", "GB"],
        deep_link_domains=["shop.acme.example"],
        description="8% on every order in the summer sale. Cookie 30 days.",
    ),
    DemoOffer(
        "Acme Newsletter Signup",
        "active",
        "approval",
        "ecommerce",
        [("Lead", "cpl", Decimal("2.50"), 0, Decimal("2.00"), 0)],
        [("Signup form", f"{SHOP}/newsletter?click={{transaction_id}}", 100)],
        devices=["desktop", "mobile"],
        description="Double opt-in newsletter leads.",
    ),
    DemoOffer(
        "Acme VIP Club",
        "active",
        "private",
        "ecommerce",
        [("Membership", "cpa", 40, 0, 30, 0), ("Upsell", "cpa_cps", 5, 2, 4, Decimal("1.5"))],
        [("VIP page", f"{SHOP}/vip?click={{transaction_id}}&src={{source}}", 100)],
        description="Paid membership; invited publishers only.",
    ),
    DemoOffer(
        "Acme Black Friday",
        "pending",
        "approval",
        "ecommerce",
        [("Sale", "cps", 0, 10, 0, 0)],
        [("Black Friday", f"{SHOP}/black-friday?click={{transaction_id}}", 100)],
        description="Waiting for the network's review.",
    ),
    DemoOffer(
        "Acme Winter Collection",
        "draft",
        "approval",
        "ecommerce",
        [("Sale", "cps", 0, 7, 0, 0)],
        description="Still being prepared by the advertiser.",
    ),
    DemoOffer(
        "Acme App Install",
        "paused",
        "public",
        "software",
        [("Install", "cpa", Decimal("1.20"), 0, Decimal("0.90"), 0)],
        [("App store", f"{SHOP}/app?click={{transaction_id}}", 100)],
        devices=["mobile", "tablet"],
        description="Paused while the app is updated.",
    ),
]


def banner_png() -> bytes:
    from PIL import Image, ImageDraw

    image = Image.new("RGB", (300, 250), (32, 96, 200))
    ImageDraw.Draw(image).text((20, 110), "Acme Summer Sale -20%", fill=(255, 255, 255))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def seed(demo: Demo) -> None:
    """seed_demo's step: the demo advertiser's offers, and its approved publisher's access."""
    advertiser = Advertiser.objects.get(network=demo.network, name=COMPANY)
    approved = Publisher.objects.get(network=demo.network, name=APPROVED)
    seed_offers(demo.network, advertiser, approved)


def seed_offers(network: Network, advertiser: Advertiser, approved: Publisher) -> None:
    offers = {spec.name: _offer(network, advertiser, spec) for spec in OFFERS}
    summer, newsletter, vip = (
        offers[n] for n in ("Acme Summer Sale", "Acme Newsletter Signup", "Acme VIP Club")
    )
    _access(network, summer, approved, "approved", "We run a US deals blog.")
    _access(network, newsletter, approved, "pending", "Email list of 40k shoppers.")
    _access(network, vip, approved, "approved", "")


def _offer(network: Network, advertiser: Advertiser, spec: DemoOffer) -> Offer:
    offer = Offer.objects.filter(advertiser=advertiser, name=spec.name).first()
    if offer is not None:
        return offer
    offer = Offer.objects.create(
        network=network,
        advertiser=advertiser,
        name=spec.name,
        status=spec.status,
        visibility=spec.visibility,
        category=spec.category,
        currency=network.currency,
        description=spec.description,
        allowed_countries=spec.countries,
        device_types=spec.devices,
        deep_link_domains=spec.deep_link_domains,
        preview_url=SHOP,
        terms="No brand bidding. No incentivised traffic.",
    )
    for index, (name, kind, rev, rev_pct, pay, pay_pct) in enumerate(spec.goals):
        Goal.objects.create(
            network=network,
            offer=offer,
            name=name,
            is_default=index == 0,
            revenue_type=kind,
            revenue_amount=rev,
            revenue_percent=rev_pct,
            payout_type=kind,
            payout_amount=pay,
            payout_percent=pay_pct,
            payout_set=bool(pay or pay_pct),
        )
    for name, url, weight in spec.pages:
        LandingPage.objects.create(
            network=network, offer=offer, name=name, url_template=url, weight=weight
        )
    if spec.status == "active" and spec.pages:
        Creative.objects.create(
            network=network,
            offer=offer,
            name="Text link",
            kind="text",
            text=f"Shop {spec.name} now",
        )
    if spec.name == "Acme Summer Sale":
        banner = Creative(network=network, offer=offer, name="Banner 300x250", kind="banner")
        banner.image.save("summer-300x250.png", ContentFile(banner_png()), save=True)
        Cap.objects.create(
            network=network,
            offer=offer,
            period="daily",
            metric="conversions",
            limit=500,
            action="stop",
        )
    return offer


def _access(network: Network, offer: Offer, publisher: Publisher, status: str, note: str) -> None:
    OfferAccess.objects.get_or_create(
        network=network,
        offer=offer,
        publisher=publisher,
        defaults={"status": status, "publisher_note": note},
    )
