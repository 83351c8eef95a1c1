"""make bench-payouts: the monthly payout run over 1,000,000 approved conversions.

A fresh PostgreSQL database (see portal.prepare) gets PUBLISHERS publishers and CONVERSIONS
approved conversions (with their clicks) made and approved last month in the network's time
zone, and the ledger exactly as decisions.services would have posted each approval: one
transaction "conversion:<id>:1" and three entries (receivable +revenue, payable -payout,
margin -(revenue - payout), in minor units). All of it is loaded by INSERT ... SELECT from
generate_series, with the loaded tables' foreign keys and plain indexes made again after
the rows (each foreign key then checks all rows in one join), then VACUUM ANALYZE.

Then it times payouts.runs.payout_run_create for last month (wall clock, commit included)
against the floor: the bare GROUP BY of the same approved payouts by publisher. The run is
timed RUN_TRIES times, each a first run (the one before is deleted), the floor three times
before each; the best of each counts. It prints both, their ratio, the lines and their sum
against the conversions' payouts (must match to the minor unit), and whether a second call
returns the same run and creates nothing. EXPLAIN=1 (or a missed target) also prints the
plan of the lines query (payouts.runs.lines_sql, rolled back).

    make bench-payouts        # PUBLISHERS=5000 CONVERSIONS=1000000 RUN_TRIES=3 EXPLAIN=0

It uses its own database and Redis databases (not those of the other benches), so that it
can run while they do.
"""

from __future__ import annotations

import os
import time
from datetime import timedelta

os.environ.setdefault("BENCH_DATABASE", "affiliate_bench_payouts")
os.environ.setdefault("BENCH_REDIS", "redis://127.0.0.1:6379/7")
os.environ.setdefault("BENCH_BROKER", "redis://127.0.0.1:6379/6")

from loading import Stopwatch, fill, remake, set_aside, sql
from portal import DB_NAME, prepare  # after the defaults above: it reads them

PUBLISHERS = int(os.environ.get("PUBLISHERS", 5000))
CONVERSIONS = int(os.environ.get("CONVERSIONS", 1_000_000))
EXPLAIN = os.environ.get("EXPLAIN", "0") == "1"
FLOOR_TRIES = 3  # before each try of the run, so that both see the same machine
RUN_TRIES = int(os.environ.get("RUN_TRIES", 3))
TARGET_SECONDS = 5.0
TARGET_RATIO = 3.0

# Conversion n (1..N): publisher number (n - 1) % P, payout 1.00-50.00 (in cents, spread
# over n), revenue a quarter more plus a cent, so every margin entry is positive. Made at
# an even spread over the month (half an hour in), approved an hour after it was made.
CLICKS_SQL = """
INSERT INTO tracking_click
    (id, network_id, offer_id, publisher_id, aff_sub, aff_sub2, aff_sub3, aff_sub4, aff_sub5,
     source, aff_click_id, ip, user_agent, referrer, country, device_type, os, browser,
     is_unique, status, reject_reason, created_at)
SELECT lpad(to_hex(n), 32, '0'), %(network)s, %(offer)s, b.publisher_id, 'sub' || (n %% 10),
       '', '', '', '', '', '', NULL, 'bench', '', 'US', 'desktop', '', '', true, 'accepted', '',
       %(start)s::timestamptz
           + make_interval(secs => 1800 + (n - 1) * %(step)s::double precision - 60)
FROM generate_series(1, %(n)s) n
JOIN bench_publisher b ON b.k = (n - 1) %% %(publishers)s
"""

CONVERSIONS_SQL = """
INSERT INTO tracking_conversion
    (id, network_id, click_id, offer_id, goal_id, publisher_id, status, reason_code,
     sale_amount, revenue, payout, currency, adv_sub, adv_sub2, adv_sub3, adv_sub4, adv_sub5,
     order_id, click_goal_key, method, ip, fraud_flags, fraud_checked_at, ledger_postings,
     decided_at, created_at)
SELECT n, %(network)s, lpad(to_hex(n), 32, '0'), %(offer)s, %(goal)s, b.publisher_id,
       'approved', '', (m.revenue * 4)::numeric / 100, m.revenue::numeric / 100,
       m.payout::numeric / 100, 'USD', '', '', '', '', '', '',
       lpad(to_hex(n), 32, '0') || ':' || %(goal)s, 'postback', NULL, '[]'::jsonb,
       t.made + interval '5 seconds', 1, t.made + interval '1 hour', t.made
FROM generate_series(1, %(n)s) n
JOIN bench_publisher b ON b.k = (n - 1) %% %(publishers)s
CROSS JOIN LATERAL (
    SELECT 100 + (n::bigint * 7919) %% 4901 AS payout
) p
CROSS JOIN LATERAL (SELECT p.payout, p.payout + p.payout / 4 + 1 AS revenue) m
CROSS JOIN LATERAL (
    SELECT %(start)s::timestamptz
               + make_interval(secs => 1800 + (n - 1) * %(step)s::double precision) AS made
) t
"""

# As payouts.ledger.post writes them for decisions.services.post_change (approve): key
# conversion:<id>:<ledger_postings>, the time of the approval, amounts by lib.money.to_minor.
TRANSACTIONS_SQL = """
INSERT INTO payouts_ledgertransaction (id, network_id, kind, key, conversion_id, memo, created_at)
SELECT c.id, c.network_id, 'approval', 'conversion:' || c.id || ':1', c.id,
       'conversion ' || c.id, c.decided_at
FROM tracking_conversion c
WHERE c.network_id = %(network)s
"""

ENTRIES_SQL = """
INSERT INTO payouts_entry
    (network_id, transaction_id, account_id, amount, kind, conversion_id, created_at)
SELECT c.network_id, c.id, v.account_id, v.amount, 'approval', c.id, c.decided_at
FROM (
    SELECT c.*, round(c.revenue * 100)::bigint AS revenue_minor,
           round(c.payout * 100)::bigint AS payout_minor
    FROM tracking_conversion c
    WHERE c.network_id = %(network)s
) c
JOIN bench_publisher b ON b.publisher_id = c.publisher_id
CROSS JOIN LATERAL (
    VALUES (%(receivable)s::bigint, c.revenue_minor),
           (b.account_id, -c.payout_minor),
           (%(margin)s::bigint, -(c.revenue_minor - c.payout_minor))
) v(account_id, amount)
WHERE v.amount <> 0  -- ledger.post leaves out zero lines
"""

LOADED = ("tracking_click", "tracking_conversion", "payouts_ledgertransaction", "payouts_entry")

FLOOR_SQL = """
SELECT publisher_id, SUM(payout) FROM tracking_conversion
WHERE network_id = %s AND status = 'approved' GROUP BY publisher_id
"""


def load(network, offer_id: int, start, end) -> dict[str, float]:
    """Publishers, accounts, clicks, conversions and the ledger; seconds per step."""
    from django.db import transaction
    from django_scopes import scope

    from offers.models import Goal
    from payouts import ledger
    from payouts.models import Account

    step = Stopwatch()

    with scope(network=network):
        goal = Goal.objects.get(offer_id=offer_id)
        advertiser_id = goal.offer.advertiser_id
        receivable = ledger.account(
            network, Account.Kind.RECEIVABLE, "USD", advertiser_id=advertiser_id
        )
        margin = ledger.account(network, Account.Kind.MARGIN, "USD")
    with transaction.atomic():
        sql(
            "INSERT INTO publishers_publisher (network_id, name, website, traffic_sources,"
            " traffic_description, country, status, decision_reason, created_at)"
            " SELECT %s, 'Publisher ' || n, 'https://p' || n || '.example', '[]'::jsonb, '',"
            " 'US', 'approved', '', %s FROM generate_series(2, %s) n",
            [network.pk, start - timedelta(days=90), PUBLISHERS],
        )
        sql(
            "INSERT INTO payouts_account (network_id, kind, currency, advertiser_id,"
            " publisher_id) SELECT network_id, 'payable', 'USD', NULL, id"
            " FROM publishers_publisher WHERE network_id = %s ORDER BY id",
            [network.pk],
        )
    sql(
        "CREATE UNLOGGED TABLE bench_publisher AS SELECT (row_number() OVER (ORDER BY p.id)) - 1"
        " AS k, p.id AS publisher_id, a.id AS account_id FROM publishers_publisher p"
        " JOIN payouts_account a ON a.publisher_id = p.id AND a.kind = 'payable'"
        " WHERE p.network_id = %s",
        [network.pk],
    )
    sql("CREATE UNIQUE INDEX ON bench_publisher (k)")
    sql("ANALYZE bench_publisher")
    step("publishers and accounts")
    set_aside_statements = set_aside(LOADED)
    step("foreign keys and indexes set aside")
    params = {
        "network": network.pk,
        "offer": offer_id,
        "goal": goal.pk,
        "publishers": PUBLISHERS,
        "n": CONVERSIONS,
        "start": start,
        # Spread over the month, leaving room for the approval an hour later.
        "step": ((end - start).total_seconds() - 3 * 3600) / CONVERSIONS,
        "receivable": receivable.pk,
        "margin": margin.pk,
    }
    loads = {"clicks": CLICKS_SQL, "conversions": CONVERSIONS_SQL}
    ledger_loads = {"ledger transactions": TRANSACTIONS_SQL, "ledger entries": ENTRIES_SQL}
    fill({**loads, **ledger_loads}, params, step)
    for table in ("tracking_conversion", "payouts_ledgertransaction", "payouts_entry"):
        sql(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}")
    sql("DROP TABLE bench_publisher")
    remake(set_aside_statements, step, "256MB")
    return step.steps


def forget(run) -> None:
    """Take a run away (its lines, audit row and itself), so that the next call makes it."""
    from django.db import transaction

    with transaction.atomic():
        sql("DELETE FROM payouts_payoutline WHERE run_id = %s", [run.pk])
        sql(
            "DELETE FROM network_auditentry WHERE object_type = 'payouts.payoutrun'"
            " AND object_id = %s",
            [str(run.pk)],
        )
        sql("DELETE FROM payouts_payoutrun WHERE id = %s", [run.pk])
    sql("VACUUM ANALYZE payouts_payoutline, payouts_payoutrun, network_auditentry")


def floor_query(network_id: int) -> tuple[float, int]:
    started = time.perf_counter()
    rows = sql(FLOOR_SQL, [network_id])
    return time.perf_counter() - started, len(rows)


def serial_floor(network_id: int) -> float:
    """The floor in one process: PostgreSQL plans no parallel workers for the run's
    INSERT ... SELECT, while the bare SELECT gets them."""
    from django.db import transaction

    with transaction.atomic():
        sql("SET LOCAL max_parallel_workers_per_gather = 0")
        return min(floor_query(network_id)[0] for _ in range(FLOOR_TRIES))


def explain_lines(network, run) -> str:
    """EXPLAIN ANALYZE of the run's INSERT ... SELECT, rolled back (another run id)."""
    from django.db import transaction

    from payouts.runs import lines_sql

    statement = lines_sql()
    params = {
        "network": network.pk,
        "run": run.pk + 1_000_000,  # no such run: the FK is checked at commit, never reached
        "cutoff": run.cutoff,
    }
    with transaction.atomic():
        plan = sql("EXPLAIN (ANALYZE, BUFFERS) " + statement, params)
        transaction.set_rollback(True)
    return "\n".join(row[0] for row in plan)


def main() -> None:
    started = time.perf_counter()
    offer_id, _ = prepare()  # its publisher is the first of PUBLISHERS
    from django.db import connection
    from django_scopes import scope, scopes_disabled

    from network.models import Network
    from payouts.models import PayoutLine, PayoutRun
    from payouts.runs import last_closed_period, payout_run_create, period_bounds

    with scopes_disabled():
        network = Network.objects.get(slug="bench")
    period = last_closed_period(network)
    start, end = period_bounds(period, network.timezone)
    steps = load(network, offer_id, start, end)
    load_seconds = time.perf_counter() - started
    names = ["publishers", "payable accounts", "clicks", "approved conversions"]
    names += ["ledger transactions", "ledger entries"]
    counts = dict(
        zip(
            names,
            sql(
                "SELECT (SELECT count(*) FROM publishers_publisher),"
                " (SELECT count(*) FROM payouts_account WHERE kind = 'payable'),"
                " (SELECT count(*) FROM tracking_click),"
                " (SELECT count(*) FROM tracking_conversion WHERE status = 'approved'),"
                " (SELECT count(*) FROM payouts_ledgertransaction),"
                " (SELECT count(*) FROM payouts_entry)"
            )[0],
            strict=True,
        )
    )

    # Warm up: read each table once the way its query will (PostgreSQL's buffers and the
    # OS cache), so neither timing pays for the first read from disk.
    floor_query(network.pk)
    sql("SELECT count(*), sum(amount) FROM payouts_entry WHERE network_id = %s", [network.pk])

    load_average = " ".join(f"{n:.2f}" for n in os.getloadavg())
    floor_times, run_times, run = [], [], None
    with scope(network=network):
        for _ in range(RUN_TRIES):
            floor_times += [floor_query(network.pk)[0] for _ in range(FLOOR_TRIES)]
            if run:  # every try is a first run: the one before is taken away
                forget(run)
            clock = time.perf_counter()
            run = payout_run_create(network, period)  # one transaction: commit included
            run_times.append(time.perf_counter() - clock)
        lines = PayoutLine.objects.filter(run=run)
        line_count = lines.count()
        runs_before = PayoutRun.objects.count()
        clock = time.perf_counter()
        again = payout_run_create(network, period)
        again_seconds = time.perf_counter() - clock
        same = again.pk == run.pk and PayoutRun.objects.count() == runs_before
        unchanged = lines.count() == line_count
    run_seconds, floor_seconds = min(run_times), min(floor_times)
    floor_serial = serial_floor(network.pk)
    floor_groups = len(sql(FLOOR_SQL, [network.pk]))
    ((line_sum, payable, carried, line_conversions),) = sql(
        "SELECT sum(amount), count(*) FILTER (WHERE status = 'payable'),"
        " count(*) FILTER (WHERE status = 'carried'), sum(conversions)"
        " FROM payouts_payoutline WHERE run_id = %s",
        [run.pk],
    )
    ((payout_sum,),) = sql(
        "SELECT sum(round(payout * 100))::bigint FROM tracking_conversion"
        " WHERE network_id = %s AND status = 'approved'",
        [network.pk],
    )
    server = connection.pg_version

    ratio = run_seconds / floor_seconds
    print(
        f"machine: {os.cpu_count()} cores; PostgreSQL {server // 10000}.{server % 10000}, "
        f"database {DB_NAME}; period {period:%Y-%m} (network time zone {network.timezone}); "
        f"load average before timing {load_average}"
    )
    print("rows: " + ", ".join(f"{name} {count:,}" for name, count in counts.items()))
    print(
        f"load: {load_seconds:.1f} s ("
        + ", ".join(f"{name} {seconds:.1f}" for name, seconds in steps.items())
        + ")"
    )
    print(
        f"run:   {run_seconds:.3f} s  (payout_run_create, commit included; best of "
        f"{RUN_TRIES} first runs: {', '.join(f'{t:.3f}' for t in run_times)}; "
        f"target < {TARGET_SECONDS:.0f} s)"
    )
    print(
        f"floor: {floor_seconds:.3f} s  (GROUP BY publisher_id over tracking_conversion, "
        f"{floor_groups:,} groups; best of {len(floor_times)}, worst {max(floor_times):.3f})"
    )
    print(
        f"ratio run/floor: {ratio:.2f}  (target <= {TARGET_RATIO:.0f}; against the floor "
        f"without parallel workers, {floor_serial:.3f} s: {run_seconds / floor_serial:.2f})"
    )
    print(
        f"lines: {line_count:,} ({payable:,} payable, {carried:,} carried; "
        f"{line_conversions:,} conversions)"
    )
    print(
        f"sum of line amounts {line_sum:,} vs sum of conversion payouts {payout_sum:,} "
        f"(USD minor units): {'match' if line_sum == payout_sum else 'MISMATCH'}"
    )
    print(
        f"second call: {again_seconds * 1000:.1f} ms, "
        f"{'same run' if same else 'A DIFFERENT RUN'}, "
        f"{'nothing created' if unchanged else 'LINES CHANGED'} (lines {lines.count():,})"
    )
    met = run_seconds < TARGET_SECONDS and ratio <= TARGET_RATIO
    print(f"target: {'met' if met else 'NOT met'}")
    if EXPLAIN or not met:
        print("\nEXPLAIN (ANALYZE, BUFFERS) of the lines INSERT ... SELECT (rolled back):")
        print(explain_lines(network, run))


if __name__ == "__main__":
    main()
