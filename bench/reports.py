"""make bench-reports: a large network's reports on PostgreSQL.

A fresh database gets OFFERS offers (two landing pages each), PUBLISHERS publishers (each
running five offers), CLICKS clicks over DAYS days (six countries, three devices, fifty sub
ids) and a conversion for every 33rd click (70% approved, 20% pending, 8% rejected, 2%
reversed), loaded by INSERT ... SELECT from generate_series with the indexes set aside.
Then it times the first rollup (the backfill of the whole period, hourly and daily) and
one regular 5-minute run, and the server time of each role's dashboard and 30-day reports
(median and p95 over REPEAT requests through the whole Django stack, in this process):
admin (everything), the advertiser of half the offers, the busiest publisher.

    make bench-reports     # CLICKS=10000000 PUBLISHERS=2000 OFFERS=200 DAYS=90 REPEAT=30
    KEEP=1 make bench-reports   # time the pages again on the network loaded before
    KEEP=1 ROLES=publisher make bench-reports   # one role's pages
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import timedelta

os.environ.setdefault("BENCH_DATABASE", "affiliate_bench_reports")
os.environ.setdefault("BENCH_REDIS", "redis://127.0.0.1:6379/5")
os.environ.setdefault("BENCH_BROKER", "redis://127.0.0.1:6379/4")

from loading import Stopwatch, fill, remake, set_aside, sql
from portal import (  # after the defaults above: it reads them
    APPROVED_US,
    DB_NAME,
    SALE_GOAL,
    prepare,
)

CLICKS = int(os.environ.get("CLICKS", 10_000_000))
PUBLISHERS = int(os.environ.get("PUBLISHERS", 2000))
OFFERS = int(os.environ.get("OFFERS", 200))
DAYS = int(os.environ.get("DAYS", 90))
REPEAT = int(os.environ.get("REPEAT", 30))
CONVERSION_EVERY = 33
TARGET_P95_MS = 300

# Click n: publisher k = n % P; one of the publisher's five offers; landing page by n; time
# spread evenly over the period.
CLICKS_SQL = """
INSERT INTO tracking_click
    (id, network_id, offer_id, publisher_id, landing_page_id, aff_sub, aff_sub2, aff_sub3,
     aff_sub4, aff_sub5, source, aff_click_id, ip, user_agent, referrer, country, device_type,
     os, browser, is_unique, status, reject_reason, created_at)
SELECT lpad(to_hex(n), 32, '0'), %(network)s, o.offer_id, p.publisher_id,
       CASE WHEN n %% 2 = 0 THEN o.page_a ELSE o.page_b END,
       'sub' || (n %% 50), '', '', '', '', '', '', NULL, 'bench', '',
       (ARRAY['US', 'GB', 'DE', 'VN', 'CA', 'FR'])[1 + (n / 7) %% 6],
       (ARRAY['desktop', 'mobile', 'tablet'])[1 + (n / 3) %% 3], '', '', n %% 5 <> 0,
       'accepted', '',
       %(start)s::timestamptz + make_interval(secs => n * %(step)s::double precision)
FROM generate_series(1, %(clicks)s) n
JOIN bench_publisher p ON p.k = n %% %(publishers)s
JOIN bench_offer o ON o.k = (p.k * 7 + (n / %(publishers)s) %% 5) %% %(offers)s
"""

CONVERSIONS_SQL = """
INSERT INTO tracking_conversion
    (network_id, click_id, offer_id, goal_id, publisher_id, status, reason_code, sale_amount,
     revenue, payout, currency, adv_sub, adv_sub2, adv_sub3, adv_sub4, adv_sub5, order_id,
     click_goal_key, method, ip, fraud_flags, fraud_checked_at, ledger_postings, decided_at,
     created_at)
SELECT c.network_id, c.id, c.offer_id, o.goal_id, c.publisher_id,
       CASE WHEN r < 70 THEN 'approved' WHEN r < 90 THEN 'pending'
            WHEN r < 98 THEN 'rejected' ELSE 'reversed' END,
       '', 40 + r, 10, 8, 'USD', '', '', '', '', '', '', c.id || ':' || o.goal_id, 'postback',
       NULL, '[]'::jsonb, c.created_at + interval '1 minute', 0,
       -- decided two days later, or an hour ago for the last two days' (none after now:
       -- the regular run would take them for fresh decisions and redo their hours)
       CASE WHEN r < 90 AND r >= 70 THEN NULL
            ELSE LEAST(c.created_at + interval '2 days', %(now)s - interval '1 hour') END,
       c.created_at + interval '10 minutes'
FROM tracking_click c
JOIN bench_offer o ON o.offer_id = c.offer_id
CROSS JOIN LATERAL (SELECT (('x' || substr(c.id, 25, 8))::bit(32)::bigint %% 100)::int AS r) x
WHERE c.network_id = %(network)s AND ('x' || substr(c.id, 25, 8))::bit(32)::bigint %% %(every)s = 0
"""

LOADED = ("tracking_click", "tracking_conversion")


def load(network, offer_id: int) -> dict[str, float]:
    from django.db import transaction
    from django.utils.timezone import now
    from django_scopes import scopes_disabled

    from offers.models import Goal, LandingPage, Offer
    from publishers.models import Publisher

    step = Stopwatch()

    with scopes_disabled(), transaction.atomic():
        template = Offer.objects.get(pk=offer_id)
        offers = Offer.objects.bulk_create(
            Offer(
                network=network,
                advertiser_id=template.advertiser_id if n % 2 else make_advertiser(network, n),
                name=f"Offer {n}",
                category=template.category,
                currency="USD",
                status=Offer.Status.ACTIVE,
                visibility=Offer.Visibility.PUBLIC,
            )
            for n in range(OFFERS)
        )
        Goal.objects.bulk_create(
            Goal(network=network, offer=offer, **SALE_GOAL) for offer in offers
        )
        LandingPage.objects.bulk_create(
            LandingPage(network=network, offer=offer, name=name, url_template="https://s.example/")
            for offer in offers
            for name in ("A", "B")
        )
        Publisher.objects.bulk_create(
            Publisher(
                network=network, name=f"Publisher {n}", website="https://p.example", **APPROVED_US
            )
            for n in range(PUBLISHERS)
        )
    sql(
        "CREATE UNLOGGED TABLE bench_publisher AS SELECT (row_number() OVER (ORDER BY id)) - 1"
        " AS k, id AS publisher_id FROM publishers_publisher WHERE network_id = %s"
        " AND name LIKE 'Publisher %%'",
        [network.pk],
    )
    sql(
        "CREATE UNLOGGED TABLE bench_offer AS SELECT (row_number() OVER (ORDER BY o.id)) - 1"
        " AS k, o.id AS offer_id, g.id AS goal_id, min(l.id) AS page_a, max(l.id) AS page_b"
        " FROM offers_offer o JOIN offers_goal g ON g.offer_id = o.id"
        " JOIN offers_landingpage l ON l.offer_id = o.id"
        " WHERE o.network_id = %s AND o.name LIKE 'Offer %%' GROUP BY o.id, g.id",
        [network.pk],
    )
    sql("CREATE UNIQUE INDEX ON bench_publisher (k)")
    sql("CREATE UNIQUE INDEX ON bench_offer (k)")
    sql("CREATE INDEX ON bench_offer (offer_id)")
    step("offers and publishers")
    set_aside_statements = set_aside(LOADED)
    start = now() - timedelta(days=DAYS)
    params = {
        "network": network.pk,
        "clicks": CLICKS,
        "publishers": PUBLISHERS,
        "offers": OFFERS,
        "start": start,
        "step": DAYS * 86400 / CLICKS,
        "every": CONVERSION_EVERY,
        "now": now(),
    }
    fill({"clicks": CLICKS_SQL, "conversions": CONVERSIONS_SQL}, params, step)
    sql("DROP TABLE bench_publisher, bench_offer")
    remake(set_aside_statements, step, "512MB")
    return step.steps


def make_advertiser(network, n: int) -> int:
    from advertisers.models import Advertiser

    return Advertiser.objects.create(network=network, name=f"Advertiser {n}").pk


def timed(work, repeat: int = REPEAT) -> tuple[float, float]:
    """Median and p95 in milliseconds."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        work()
        times.append((time.perf_counter() - started) * 1000)
    # The 95th percentile interpolated between the samples (with 30, not just the slowest).
    return statistics.median(times), statistics.quantiles(times, n=100, method="inclusive")[94]


def members(network) -> dict[str, object]:
    """A user per role: the owner, the advertiser of half the offers, the busiest publisher."""
    from django.db.models import Count
    from django.utils.timezone import now
    from django_scopes import scopes_disabled

    from network.models import Membership, Role, User
    from offers.models import Offer
    from tracking.models import Click

    def member(email: str, role: str, **company) -> User:
        user = User.objects.filter(email=email).first() or User.objects.create_user(email, "x")
        Membership.objects.update_or_create(
            network=network, user=user, defaults={"role": role, **company}
        )
        return user

    with scopes_disabled():
        advertiser_id = Offer.objects.filter(network=network, name="Offer 1").get().advertiser_id
        busiest = (
            Click.objects.filter(network=network, created_at__gte=now() - timedelta(1))
            .values("publisher_id")
            .annotate(n=Count("pk"))
            .order_by("-n")
            .first()["publisher_id"]
        )
        return {
            "admin": member("owner@bench.example", Role.OWNER),
            "advertiser": member(
                "shop@bench.example", Role.ADVERTISER, advertiser_id=advertiser_id
            ),
            "publisher": member("media@bench.example", Role.PUBLISHER, publisher_id=busiest),
        }


REPORTS = {
    "admin": "/manage/reports/",
    "advertiser": "/advertiser/reports/",
    "publisher": "/publisher/reports/",
}
HOMES = {"admin": "/manage/", "advertiser": "/advertiser/", "publisher": "/publisher/"}
# "a+b": two groupings at once (group_by=a&then_by=b), the segments.
GROUPS = {
    "admin": (
        "date",
        "offer",
        "publisher",
        "country",
        "landing_page",
        "offer+publisher",
        "publisher+country",
    ),
    "advertiser": (
        "date",
        "offer",
        "publisher",
        "country",
        "landing_page",
        "date+offer",
        "offer+publisher",
    ),
    "publisher": ("date", "offer", "country", "aff_sub", "offer+country", "aff_sub+country"),
}


def pages(role: str) -> list[tuple[str, str]]:
    """(label, path) of the role's dashboard and its 30-day reports."""
    listed = [("dashboard", HOMES[role])]
    for group in GROUPS[role]:
        first, _plus, then = group.partition("+")
        query = f"?preset=last_30_days&group_by={first}" + (f"&then_by={then}" if then else "")
        label = f"{first} x {then}" if then else group
        listed.append((f"report 30 days by {label}", REPORTS[role] + query))
    return listed


def time_pages(network, users: dict) -> float:
    """Server time of each page through the whole Django stack (middleware, view, template),
    as the test client calls it in this process: median and p95; the worst p95."""
    from django.core.management import call_command
    from django.test import Client

    from network.sessions import bind

    call_command("collectstatic", interactive=False, verbosity=0)  # as production serves
    worst = 0.0
    roles = os.environ.get("ROLES", "admin,advertiser,publisher").split(",")
    for role, user in users.items():
        if role not in roles:
            continue
        client = Client(HTTP_HOST=network.portal_host)
        client.force_login(user)
        session = client.session  # bound to the network's host, as a real sign-in there is
        bind(session, network)
        session.save()
        for label, path in pages(role):
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{role} {path}: HTTP {response.status_code}")
            median, p95 = timed(lambda c=client, p=path: c.get(p))
            worst = max(worst, p95)
            print(f"{role:<10} {label:<34} median {median:7.1f} ms   p95 {p95:7.1f} ms")
    return worst


def existing_network():
    """With KEEP=1, the network an earlier run loaded (None when there is none)."""
    import psycopg
    from portal import ENV, PG

    if os.environ.get("KEEP") != "1":
        return None
    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB_NAME]).fetchone():
            return None
    os.environ.update(ENV)
    import django

    django.setup()
    from django_scopes import scopes_disabled

    from network.models import Network

    with scopes_disabled():
        return Network.objects.filter(slug="bench").first()


def load_and_roll_up():
    started = time.perf_counter()
    offer_id, _publisher_id = prepare()
    from django_scopes import scope, scopes_disabled

    from network.models import Network
    from reports.rollup import rollup_network

    with scopes_disabled():
        network = Network.objects.get(slug="bench")
    steps = load(network, offer_id)
    took = ", ".join(f"{name} {seconds:.1f}" for name, seconds in steps.items())
    print(f"load: {time.perf_counter() - started:.0f} s ({took})")
    began = time.perf_counter()
    with scope(network=network):
        rollup_network(network)
    backfill = time.perf_counter() - began
    hourly, daily, traffic = sql(
        "SELECT (SELECT count(*) FROM reports_hourlystat), (SELECT count(*) FROM"
        " reports_dailystat), (SELECT count(*) FROM reports_dailytrafficstat)"
    )[0]
    sql("VACUUM ANALYZE")
    began = time.perf_counter()
    with scope(network=network):
        rollup_network(network)
    again = time.perf_counter() - began
    print(f"rollup: backfill {backfill:.1f} s; a regular run {again:.2f} s")
    print(f"rollup rows: hourly {hourly:,}, daily {daily:,}, daily traffic {traffic:,}")
    return network


def main() -> None:
    network = existing_network() or load_and_roll_up()
    print(f"machine: {os.cpu_count()} cores; database {DB_NAME}")
    clicks, conversions = sql(
        "SELECT (SELECT count(*) FROM tracking_click), (SELECT count(*) FROM tracking_conversion)"
    )[0]
    print(f"rows: clicks {clicks:,}, conversions {conversions:,}")
    print(f"publishers {PUBLISHERS:,}, offers {OFFERS:,}, days {DAYS}; {REPEAT} requests a page")
    worst = time_pages(network, members(network))
    verdict = "met" if worst < TARGET_P95_MS else "NOT met"
    print(f"target p95 < {TARGET_P95_MS} ms for every dashboard and 30-day report: {verdict}")


if __name__ == "__main__":
    main()
