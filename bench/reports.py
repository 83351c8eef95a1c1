"""make bench-reports: a large network's reports on PostgreSQL.

A fresh database gets OFFERS offers (two landing pages each), PUBLISHERS publishers (each
running five offers), CLICKS clicks over DAYS days (six countries, three devices, fifty sub
ids) and a conversion for every 33rd click (70% approved, 20% pending, 8% rejected, 2%
reversed), loaded by INSERT ... SELECT from generate_series with the indexes set aside.
Then it times the first hourly rollup (the backfill of the whole period) and one regular
5-minute run, and the server-side queries of a 30-day report by day for each role (median
and p95 over REPEAT runs): admin (everything), an advertiser (their offers), a publisher.

    make bench-reports     # CLICKS=10000000 PUBLISHERS=2000 OFFERS=200 DAYS=90 REPEAT=20

The dashboards and report pages are timed here as they land (issue 6); today it is the
queries they are built on.
"""

from __future__ import annotations

import os
import statistics
import time
from datetime import timedelta

os.environ.setdefault("BENCH_DATABASE", "affiliate_bench_reports")
os.environ.setdefault("BENCH_REDIS", "redis://127.0.0.1:6379/5")
os.environ.setdefault("BENCH_BROKER", "redis://127.0.0.1:6379/4")

from loading import set_aside, sql
from portal import DB_NAME, prepare  # after the defaults above: it reads them

CLICKS = int(os.environ.get("CLICKS", 10_000_000))
PUBLISHERS = int(os.environ.get("PUBLISHERS", 2000))
OFFERS = int(os.environ.get("OFFERS", 200))
DAYS = int(os.environ.get("DAYS", 90))
REPEAT = int(os.environ.get("REPEAT", 20))
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
       CASE WHEN r < 90 AND r >= 70 THEN NULL ELSE c.created_at + interval '2 days' END,
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

    steps: dict[str, float] = {}
    clock = time.perf_counter()

    def step(name: str) -> None:
        nonlocal clock
        steps[name] = time.perf_counter() - clock
        clock = time.perf_counter()

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
            Goal(
                network=network,
                offer=offer,
                name="Sale",
                is_default=True,
                revenue_type="cpa",
                revenue_amount=10,
                payout_type="cpa",
                payout_amount=8,
                payout_set=True,
            )
            for offer in offers
        )
        LandingPage.objects.bulk_create(
            LandingPage(network=network, offer=offer, name=name, url_template="https://s.example/")
            for offer in offers
            for name in ("A", "B")
        )
        Publisher.objects.bulk_create(
            Publisher(
                network=network,
                name=f"Publisher {n}",
                website="https://p.example",
                country="US",
                status="approved",
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
    remake = set_aside(LOADED)
    start = now() - timedelta(days=DAYS)
    params = {
        "network": network.pk,
        "clicks": CLICKS,
        "publishers": PUBLISHERS,
        "offers": OFFERS,
        "start": start,
        "step": DAYS * 86400 / CLICKS,
        "every": CONVERSION_EVERY,
    }
    with transaction.atomic():
        sql(CLICKS_SQL, params)
    step("clicks")
    with transaction.atomic():
        sql(CONVERSIONS_SQL, params)
    step("conversions")
    sql("DROP TABLE bench_publisher, bench_offer")
    sql("SET maintenance_work_mem = '512MB'")
    for statement in remake["indexes"]:
        sql(statement)
    step("indexes")
    for statement in remake["foreign keys"]:
        sql(statement)
    step("foreign keys")
    sql("VACUUM ANALYZE")
    step("VACUUM ANALYZE")
    return steps


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
    times.sort()
    return statistics.median(times), times[min(len(times) - 1, int(len(times) * 0.95))]


def report_by_day(network, **scope_filter) -> list:
    """A 30-day report by day in the network's time zone: the query under the report pages."""
    from zoneinfo import ZoneInfo

    from django.db.models import Sum
    from django.db.models.functions import TruncDate
    from django.utils.timezone import now
    from django_scopes import scope

    from reports.models import HourlyStat

    with scope(network=network):
        rows = (
            HourlyStat.objects.filter(hour__gte=now() - timedelta(days=30), **scope_filter)
            .annotate(day=TruncDate("hour", tzinfo=ZoneInfo(network.timezone)))
            .values("day")
            .annotate(
                clicks=Sum("clicks"),
                unique_clicks=Sum("unique_clicks"),
                approved=Sum("conversions_approved"),
                pending=Sum("conversions_pending"),
                revenue=Sum("revenue"),
                payout=Sum("payout"),
            )
            .order_by("day")
        )
        return list(rows)


def main() -> None:
    started = time.perf_counter()
    offer_id, _publisher_id = prepare()
    from django_scopes import scope, scopes_disabled

    from network.models import Network
    from offers.models import Offer
    from reports.models import HourlyStat
    from reports.rollup import rollup_network

    with scopes_disabled():
        network = Network.objects.get(slug="bench")
    steps = load(network, offer_id)
    took = ", ".join(f"{name} {seconds:.1f}" for name, seconds in steps.items())
    print(f"machine: {os.cpu_count()} cores; database {DB_NAME}")
    print(f"load: {time.perf_counter() - started:.0f} s ({took})")
    clicks, conversions = sql(
        "SELECT (SELECT count(*) FROM tracking_click), (SELECT count(*) FROM tracking_conversion)"
    )[0]
    print(f"rows: clicks {clicks:,}, conversions {conversions:,}")
    print(f"publishers {PUBLISHERS:,}, offers {OFFERS:,}, days {DAYS}")

    began = time.perf_counter()
    with scope(network=network):
        rollup_network(network)
    backfill = time.perf_counter() - began
    stats = sql("SELECT count(*) FROM reports_hourlystat")[0][0]
    sql("VACUUM ANALYZE reports_hourlystat")
    began = time.perf_counter()
    with scope(network=network):
        rollup_network(network)
    again = time.perf_counter() - began
    print(f"rollup: backfill {backfill:.1f} s ({stats:,} hourly rows); a regular run {again:.2f} s")

    with scopes_disabled():
        offers = Offer.objects.filter(network=network, name="Offer 1")
        advertiser_id = offers.values_list("advertiser_id", flat=True).get()
        stats_rows = HourlyStat.objects.filter(network=network)
        some_publisher = stats_rows.values_list("publisher_id", flat=True).first()
    worst = 0.0
    for role, scope_filter in [
        ("admin", {}),
        ("advertiser", {"offer__advertiser_id": advertiser_id}),
        ("publisher", {"publisher_id": some_publisher}),
    ]:
        median, p95 = timed(lambda f=scope_filter: report_by_day(network, **f))
        worst = max(worst, p95)
        print(f"30-day report by day, {role:<10}  median {median:7.1f} ms   p95 {p95:7.1f} ms")
    verdict = "met" if worst < TARGET_P95_MS else "NOT met"
    print(f"target p95 < {TARGET_P95_MS} ms: {verdict} (the queries; pages come with issue 6)")


if __name__ == "__main__":
    main()
