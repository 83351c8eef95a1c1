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
import signal
import subprocess
import sys
import time

from portal import DURATION, HOST, PORT, WORKERS, prepare, start, wait_for_server, wrk


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
