"""How fast publishers browse offers and build links on a large network.

Makes a network with OFFERS offers (20 advertisers, default goals, landing pages, a third of
them approval-required with access rows, some private) and prints, per page, the time per
request and the number of SQL queries. Throwaway test database: SQLite by default,
PostgreSQL when DATABASE_URL is set.

    make bench-offers                 # OFFERS=2000 make bench-offers
"""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "network.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402
from django_scopes import scope  # noqa: E402
from portal import APPROVED_US, LIVE_OFFER, SALE_GOAL  # noqa: E402

from advertisers.models import Advertiser  # noqa: E402
from network.models import Membership, Network, User  # noqa: E402
from network.sessions import bind  # noqa: E402
from offers.models import Goal, LandingPage, Offer, OfferAccess  # noqa: E402
from publishers.models import Publisher  # noqa: E402

OFFERS = int(os.environ.get("OFFERS", 1000))


def build() -> tuple[Network, User, Offer]:
    network = Network.objects.create(slug="bench", name="Bench Network")
    with scope(network=network):
        advertisers = Advertiser.objects.bulk_create(
            Advertiser(network=network, name=f"Advertiser {i}") for i in range(20)
        )
        publisher = Publisher.objects.create(
            network=network, name="Bench Media", website="https://b.example", **APPROVED_US
        )
        user = User.objects.create_user("bench@example.com", "x")
        Membership.objects.create(network=network, user=user, role="publisher", publisher=publisher)
        visibilities = ["public", "approval", "approval", "private"]
        offers = Offer.objects.bulk_create(
            Offer(
                network=network,
                advertiser=advertisers[i % 20],
                name=f"Offer {i:05d}",
                visibility=visibilities[i % 4],
                description=f"Great offer number {i}",
                **LIVE_OFFER,
            )
            for i in range(OFFERS)
        )
        Goal.objects.bulk_create(Goal(network=network, offer=o, **SALE_GOAL) for o in offers)
        LandingPage.objects.bulk_create(
            LandingPage(
                network=network,
                offer=o,
                name="Home",
                url_template="https://shop.example/?t={transaction_id}",
            )
            for o in offers
        )
        OfferAccess.objects.bulk_create(
            OfferAccess(network=network, offer=o, publisher=publisher, status="approved")
            for o in offers[::3]
        )
    return network, user, offers[0]


def measure(label: str, n: int, request) -> None:
    request()  # warm up
    queries: list[str] = []

    def count(execute, sql, params, many, context):
        queries.append(sql)
        return execute(sql, params, many, context)

    # (CaptureQueriesContext sees nothing: every request resets the query log.)
    with connection.execute_wrapper(count):
        response = request()
    assert response.status_code == 200, (label, response.status_code)
    start = time.perf_counter()
    for _ in range(n):
        request()
    elapsed = (time.perf_counter() - start) / n
    print(f"{label:<44} {elapsed * 1000:>8.1f} ms/request  {len(queries):>4} queries")


def main() -> None:
    setup_test_environment()
    logging.getLogger("django.request").setLevel(logging.ERROR)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        network, user, offer = build()
        print(f"database: {connection.vendor}; {OFFERS} offers")
        client = Client(HTTP_HOST=network.portal_host)
        client.force_login(user)
        session = client.session  # bound to the network's host, as a real sign-in there is
        bind(session, network)
        session.save()
        measure("marketplace, page 1", 30, lambda: client.get("/publisher/offers/"))
        measure("marketplace, search", 30, lambda: client.get("/publisher/offers/?q=Offer+0042"))
        measure(
            "marketplace, sorted by name, page 5",
            30,
            lambda: client.get("/publisher/offers/?sort=name&page=5"),
        )
        measure(
            "offer detail with link builder",
            30,
            lambda: client.get(f"/publisher/offers/{offer.pk}/"),
        )
        measure(
            "build a link",
            30,
            lambda: client.post(
                f"/publisher/offers/{offer.pk}/link/", {"aff_sub": "news letter", "source": "x"}
            ),
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
