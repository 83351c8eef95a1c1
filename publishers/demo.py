"""The demo's publisher companies and their users, for `seed_demo` (network/demo.py): one
approved, one whose application waits for a review."""

from __future__ import annotations

from network.demo import Demo
from network.models import Role
from publishers.models import Publisher

APPROVED = "Blue Traffic Media"
PEOPLE = [
    # email, name, company
    ("publisher@demo.example", "Paul Publisher", APPROVED),
    ("pending@demo.example", "Pia Pending", "Green Coupons"),
]
PROFILES = {
    APPROVED: dict(
        website="https://bluetraffic.example",
        country="US",
        traffic_sources=["search", "content"],
        status="approved",
    ),
    "Green Coupons": dict(
        website="https://greencoupons.example",
        country="VN",
        traffic_sources=["coupon"],
        status="pending",
    ),
}


def seed_publishers(demo: Demo) -> None:
    for email, name, company in PEOPLE:
        publisher, _ = Publisher.objects.get_or_create(
            network=demo.network, name=company, defaults=PROFILES[company]
        )
        demo.member(email, name, Role.PUBLISHER, publisher=publisher)
