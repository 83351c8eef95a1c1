"""The demo's advertiser company and its user, for `seed_demo` (network/demo.py)."""

from __future__ import annotations

from advertisers.models import Advertiser
from network.demo import Demo
from network.models import Role

COMPANY = "Acme Shop"


def seed_advertiser(demo: Demo) -> None:
    company, _ = Advertiser.objects.get_or_create(network=demo.network, name=COMPANY)
    demo.member("advertiser@demo.example", "Ada Advertiser", Role.ADVERTISER, advertiser=company)
