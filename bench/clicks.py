"""make bench-clicks: the click path under load, against the machine's own ceiling.

Starts the portal as production runs it (DEBUG off, network.wsgi:application under gunicorn
with several workers, PostgreSQL, Redis buffer, the drainer), then drives with wrk from 32
connections for DURATION seconds each:
  1. /bench/redirect: a bare Django redirect on the same route, no database or cache work;
  2. /aff_c: real clicks of one offer by one publisher.
Prints requests/s, the ratio of clicks to the ceiling, p50/p99 latency, answers that were
not 302, and, once the drainer has emptied the buffer, clicks in PostgreSQL versus sent.

    make bench-clicks      # DURATION=20 WORKERS=4 BENCH_DATABASE=affiliate_bench
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
PORT = int(os.environ.get("PORT", 8765))
DURATION = int(os.environ.get("DURATION", 20))
WORKERS = int(os.environ.get("WORKERS", 4))
DB_NAME = os.environ.get("BENCH_DATABASE", "affiliate_bench")
PG = os.environ.get("BENCH_PG", "postgres://postgres@127.0.0.1:5432")
ENV = {
    **os.environ,
    "DEBUG": "0",
    "SECRET_KEY": "bench-secret-key-" + "x" * 40,
    "DATABASE_URL": f"{PG}/{DB_NAME}",
    "REDIS_URL": os.environ.get("BENCH_REDIS", "redis://127.0.0.1:6379/9"),
    "CELERY_BROKER_URL": os.environ.get("BENCH_BROKER", "redis://127.0.0.1:6379/8"),
    "BENCH_CEILING": "1",
    "SESSION_COOKIE_SECURE": "0",
    "CSRF_COOKIE_SECURE": "0",
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "network.settings",
}
HOST = "bench.localhost"


def prepare() -> tuple[int, int]:
    """A fresh database with one live offer that one approved publisher runs."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{DB_NAME}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{DB_NAME}"')
    os.environ.update(ENV)
    import django

    django.setup()
    import redis
    from django.core.management import call_command
    from django_scopes import scopes_disabled

    redis.Redis.from_url(ENV["REDIS_URL"]).flushdb()
    call_command("migrate", verbosity=0)
    from advertisers.models import Advertiser
    from network.models import Network
    from offers.models import Goal, LandingPage, Offer, OfferAccess
    from publishers.models import Publisher

    with scopes_disabled():
        network = Network.objects.create(slug="bench", name="Bench")
        advertiser = Advertiser.objects.create(network=network, name="Shop")
        publisher = Publisher.objects.create(
            network=network,
            name="Media",
            status="approved",
            website="https://m.example",
            country="US",
        )
        offer = Offer.objects.create(
            network=network,
            advertiser=advertiser,
            name="Offer",
            category="ecommerce",
            currency="USD",
            status="active",
        )
        Goal.objects.create(
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
        LandingPage.objects.create(
            network=network,
            offer=offer,
            name="Home",
            url_template="https://shop.example/?t={transaction_id}&s={aff_sub}",
        )
        OfferAccess.objects.create(
            network=network, offer=offer, publisher=publisher, status="approved"
        )
    from django.db import connections

    connections.close_all()
    return offer.pk, publisher.pk


def start(command: list[str]) -> subprocess.Popen:
    return subprocess.Popen(
        command,
        cwd=ROOT,
        env=ENV,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def wait_for_server() -> None:
    request = urllib.request.Request(
        f"http://127.0.0.1:{PORT}/bench/redirect", headers={"Host": HOST}
    )
    for _ in range(100):
        try:
            urllib.request.build_opener(NoRedirect).open(request, timeout=1)
        except urllib.error.HTTPError as exc:
            if exc.code == 302:
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit("the server did not start")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wrk(path: str) -> dict[str, float]:
    out = subprocess.run(
        [
            "wrk",
            "-t2",
            "-c32",
            f"-d{DURATION}s",
            "--latency",
            "-H",
            f"Host: {HOST}",
            f"http://127.0.0.1:{PORT}{path}",
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1)),
        "sent": int(re.search(r"(\d+) requests in", out).group(1)),
        "p50": _ms(re.search(r"50%\s+([\d.]+\w+)", out).group(1)),
        "p99": _ms(re.search(r"99%\s+([\d.]+\w+)", out).group(1)),
        "errors": int(m.group(1))
        if (m := re.search(r"Non-2xx or 3xx responses: (\d+)", out))
        else 0,
        "socket_errors": sum(
            int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out)
        ),
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def clicks_in_database() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tracking_click")
        return cursor.fetchone()[0]


def main() -> None:
    offer_id, publisher_id = prepare()
    server = start(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "network.wsgi:application",
            f"--workers={WORKERS}",
            f"--bind=127.0.0.1:{PORT}",
            "--backlog=2048",
            "--access-logfile=/dev/null",
        ]
    )
    drainer = start([sys.executable, "manage.py", "drain_clicks"])
    try:
        wait_for_server()
        wrk_path = f"/aff_c?offer_id={offer_id}&aff_id={publisher_id}&aff_sub=bench"
        subprocess.run(
            [
                "wrk",
                "-t2",
                "-c32",
                "-d3s",
                "-H",
                f"Host: {HOST}",
                f"http://127.0.0.1:{PORT}{wrk_path}",
            ],
            capture_output=True,
            check=True,
        )
        warmup_sent = clicks_settled(0)
        ceiling = wrk("/bench/redirect")
        clicks = wrk(wrk_path)
        stored = clicks_settled(warmup_sent + clicks["sent"]) - warmup_sent
    finally:
        for process in (server, drainer):
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(20)
    report(ceiling, clicks, stored)


def clicks_settled(expected: int, timeout: float = 120) -> int:
    """Clicks in PostgreSQL once the drainer has caught up (or the timeout passed)."""
    deadline, last = time.monotonic() + timeout, -1
    while time.monotonic() < deadline:
        count = clicks_in_database()
        if count >= expected and count == last:
            return count
        last = count
        time.sleep(1)
    return clicks_in_database()


def report(ceiling: dict, clicks: dict, stored: int) -> None:
    print(
        f"machine: {os.cpu_count()} cores; gunicorn {WORKERS} workers; wrk 2 threads, "
        f"32 connections, {DURATION} s per run; PostgreSQL + Redis buffer + drainer"
    )
    print(f"{'':<22}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-302':>9}{'sock err':>9}")
    for label, run in (("bare redirect", ceiling), ("/aff_c clicks", clicks)):
        print(
            f"{label:<22}{run['rps']:>10.0f}{run['p50']:>9.2f}{run['p99']:>9.2f}"
            f"{run['errors']:>9}{run['socket_errors']:>9}"
        )
    print(f"ratio clicks / ceiling: {clicks['rps'] / ceiling['rps']:.2f}")
    lost = max(clicks["sent"] - stored, 0)
    print(
        f"clicks answered to wrk: {clicks['sent']}; in PostgreSQL after draining: {stored}; "
        f"lost: {lost}"
    )
    print(
        "(PostgreSQL may hold up to 32 more than answered: requests in flight when wrk stops "
        "are served but not counted by wrk)"
    )


if __name__ == "__main__":
    main()
