"""make bench-clicks: the click path under load, against the ceiling of any Django view.

For each server (granian, then gunicorn), with the same worker count (WORKERS, default 2) and
wrk from 32 connections for DURATION seconds each, in the same run:
  1. the ceiling: bench/ceiling, a separate bare Django project (SecurityMiddleware and
     CommonMiddleware, one URL, one view returning a redirect), asked the same request line;
  2. /aff_c on the portal as production runs it (DEBUG off, tracking.wsgi:application, i.e. the
     lean tracking application in front of Django; PostgreSQL, Redis buffer, the drainer):
     real clicks of one offer by one publisher.
Prints requests/s, p50/p99 latency, answers that were not 302 and socket errors, then, once
the drainer has emptied the buffer, clicks in PostgreSQL versus answered; the ratio of clicks
to the ceiling last.

    make bench-clicks      # DURATION=20 WORKERS=2 SERVERS=granian,gunicorn PORT=8765 BEFORE=0
    BEFORE=1 adds /aff_c through Django's own route (as before the lean application).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

from portal import (
    DURATION,
    HOST,
    PORT,
    CpuMeter,
    group,
    postgres_backends,
    prepare,
    redis_pid,
    serve,
    start,
    wait_for_server,
    wrk,
)

WORKERS = int(os.environ.get("WORKERS", 2))
SERVERS = os.environ.get("SERVERS", "granian,gunicorn").split(",")
LEAN = "tracking.wsgi:application"
# BEFORE=1: also /aff_c through Django's own route (tracking.middleware), as before the lean app.
DJANGO_ROUTE = "network.wsgi:application" if os.environ.get("BEFORE") == "1" else None


def clicks_in_database() -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM tracking_click")
        return cursor.fetchone()[0]


def stop(*processes: subprocess.Popen) -> None:
    for process in processes:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)


def ceiling(server: str) -> dict:
    process = start(serve(server, "ceiling.wsgi:application", WORKERS, chdir="bench"))
    try:
        wait_for_server("/aff_c", 302)
        warm_up("/aff_c")
        meter = CpuMeter({"server": lambda: group(process.pid)})
        meter.start()
        run = wrk("/aff_c")
        run["cpu"] = meter.stop()
        return run
    finally:
        stop(process)


def clicks(server: str, path: str, app: str = LEAN) -> tuple[dict, int]:
    """wrk's figures and the clicks that reached PostgreSQL from that run."""
    process = start(serve(server, app, WORKERS))
    drainer = start([sys.executable, "manage.py", "drain_clicks"])
    try:
        wait_for_server()
        warm_up(path)
        before = clicks_settled(0)
        meter = CpuMeter(
            {
                "server": lambda: group(process.pid),
                "drainer": lambda: group(drainer.pid),
                "redis": redis_pid,
                "postgres": postgres_backends,
            }
        )
        meter.start()
        run = wrk(path)
        stored = clicks_settled(before + run["sent"]) - before
        run["cpu"] = meter.stop()  # the drainer's work for this run's clicks included
    finally:
        stop(process, drainer)
    return run, stored


def warm_up(path: str) -> None:
    """Every worker imports, connects and fills its caches before the measured run."""
    subprocess.run(
        ["wrk", "-t2", "-c32", "-d3s", "-H", f"Host: {HOST}", f"http://127.0.0.1:{PORT}{path}"],
        capture_output=True,
        check=True,
    )


def clicks_settled(expected: int, timeout: float = 120) -> int:
    """Clicks in PostgreSQL once the drainer has emptied the Redis buffer (or the timeout
    passed). A count that stands still is not enough: the drainer may not have started."""
    import redis

    from tracking.buffer import BUFFER_KEY, PROCESSING_KEY

    buffered = redis.Redis.from_url(os.environ["REDIS_URL"])
    deadline, last = time.monotonic() + timeout, -1
    while time.monotonic() < deadline:
        count = clicks_in_database()
        empty = not buffered.llen(BUFFER_KEY) and not buffered.llen(PROCESSING_KEY)
        if empty and count >= expected and count == last:
            return count
        last = count
        time.sleep(1)
    return clicks_in_database()


def main() -> None:
    offer_id, publisher_id = prepare()
    path = f"/aff_c?offer_id={offer_id}&aff_id={publisher_id}&aff_sub=bench"
    results = {}
    for server in SERVERS:
        runs = {"bare Django redirect": (ceiling(server), None)}
        if DJANGO_ROUTE:
            runs["/aff_c, Django's route"] = clicks(server, path, DJANGO_ROUTE)
        runs["/aff_c"] = clicks(server, path)
        results[server] = runs
    report(results)


def report(results: dict) -> None:
    print(
        f"machine: {os.cpu_count()} cores, load {os.getloadavg()[0]:.2f} (1 min) at the end; "
        f"{WORKERS} workers per server; wrk 2 threads, 32 connections, {DURATION} s per run; "
        "PostgreSQL + Redis buffer + drainer"
    )
    print(f"{'':<40}{'req/s':>10}{'p50 ms':>9}{'p99 ms':>9}{'non-302':>9}{'sock err':>9}")
    for server, runs in results.items():
        for label, (figures, _stored) in runs.items():
            print(
                f"{server + ': ' + label:<40}{figures['rps']:>10.0f}{figures['p50']:>9.2f}"
                f"{figures['p99']:>9.2f}{figures['errors']:>9}{figures['socket_errors']:>9}"
            )
        for label, (figures, stored) in runs.items():
            if stored is not None:
                lost = max(figures["sent"] - stored, 0)
                print(
                    f"{server}: {label}: clicks answered to wrk {figures['sent']}; in "
                    f"PostgreSQL after draining {stored}; lost {lost}"
                )
    print(
        "(PostgreSQL may hold up to 32 more than answered: requests in flight when wrk stops "
        "are served but not counted by wrk)"
    )
    print("CPU per answer, microseconds, user + system (the redis-server and the backends of")
    print("the bench database; other clients of the same Redis included):")
    for server, runs in results.items():
        for label, (figures, _stored) in runs.items():
            print(f"  {server}: {label}: {cpu_per_answer(figures)}")
    for server, runs in results.items():
        bare = runs["bare Django redirect"][0]["rps"]
        for label, (figures, stored) in runs.items():
            if stored is not None:
                print(
                    f"ratio {label} / bare Django redirect, {server}: {figures['rps'] / bare:.2f}"
                )


def cpu_per_answer(figures: dict) -> str:
    scale = 1e6 / figures["sent"]
    parts = [
        f"{name} {user * scale:.0f}+{system * scale:.0f}"
        for name, (user, system) in figures["cpu"].items()
    ]
    total = sum(user + system for user, system in figures["cpu"].values()) * scale
    return f"{total:.0f} = " + ", ".join(parts)


if __name__ == "__main__":
    main()
