"""What the load benchmarks share: a fresh PostgreSQL database with one live offer, and the
portal started as production runs it (DEBUG off, tracking.wsgi:application under granian or
gunicorn with several workers, Redis for cache, click buffer and broker)."""

from __future__ import annotations

import os
import re
import resource
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterable
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
    "SESSION_COOKIE_SECURE": "0",
    "SECURE_SSL_REDIRECT": "0",  # plain http on the loopback: no TLS to redirect to
    "CSRF_COOKIE_SECURE": "0",
    "LOG_LEVEL": "WARNING",
    "DJANGO_SETTINGS_MODULE": "network.settings",
}
HOST = "bench.localhost"
BLOCKING_THREADS = int(os.environ.get("GRANIAN_BLOCKING_THREADS", 4))
# The benchmark offers: live, in USD, each with a default goal, a sale of 10.00 that pays the
# publisher 8.00; run by approved publishers from the US.
LIVE_OFFER = {"category": "ecommerce", "currency": "USD", "status": "active"}
SALE_GOAL = {
    "name": "Sale",
    "is_default": True,
    "revenue_type": "cpa",
    "revenue_amount": 10,
    "payout_type": "cpa",
    "payout_amount": 8,
    "payout_set": True,
}
APPROVED_US = {"country": "US", "status": "approved"}


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

    for url in (ENV["REDIS_URL"], ENV["CELERY_BROKER_URL"]):  # no leftovers of an earlier run
        redis.Redis.from_url(url).flushdb()
    call_command("migrate", verbosity=0)
    from advertisers.models import Advertiser
    from network.models import Network
    from offers.models import Goal, LandingPage, Offer, OfferAccess
    from publishers.models import Publisher

    with scopes_disabled():
        network = Network.objects.create(slug="bench", name="Bench")
        advertiser = Advertiser.objects.create(network=network, name="Shop")
        publisher = Publisher.objects.create(
            network=network, name="Media", website="https://m.example", **APPROVED_US
        )
        offer = Offer.objects.create(
            network=network, advertiser=advertiser, name="Offer", **LIVE_OFFER
        )
        Goal.objects.create(network=network, offer=offer, **SALE_GOAL)
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


def serve(server: str, target: str, workers: int, chdir: str = ".") -> list[str]:
    """The command that serves a WSGI application `target` ("module:name") on PORT."""
    if server == "granian":
        return [
            sys.executable,
            "-m",
            "granian",
            "--interface=wsgi",
            f"--working-dir={chdir}",
            f"--workers={workers}",
            "--host=127.0.0.1",
            f"--port={PORT}",
            "--backlog=2048",
            # A few threads per worker, as production runs it (README): granian's WSGI default
            # (half the backpressure: 256 here) lets hundreds of requests contend for the GIL,
            # which doubled the postbacks' p99 at the same rate.
            f"--blocking-threads={BLOCKING_THREADS}",
            "--no-access-log",
            "--log-level=warning",
            target,
        ]
    return [
        sys.executable,
        "-m",
        "gunicorn",
        f"--chdir={chdir}",
        target,
        f"--workers={workers}",
        f"--bind=127.0.0.1:{PORT}",
        "--backlog=2048",
        "--access-logfile=/dev/null",
        # Each worker touches its heartbeat file per request: memory, not a disk under load.
        "--worker-tmp-dir=/dev/shm",
        # Threads keep wrk's connections open (a sync worker closes each after one answer).
        f"--threads={os.environ.get('GUNICORN_THREADS', 8)}",
    ]


def wait_for_server(path: str = "/healthz", status: int = 200) -> None:
    """Until the server on PORT answers `path` with `status` (redirects not followed)."""
    request = urllib.request.Request(f"http://127.0.0.1:{PORT}{path}", headers={"Host": HOST})
    for _ in range(300):
        try:
            answer = urllib.request.build_opener(NoRedirect).open(request, timeout=1).status
        except urllib.error.HTTPError as exc:
            answer = exc.code
        except OSError:
            answer = None
        if answer == status:
            return
        time.sleep(0.1)
    raise SystemExit(f"the server did not answer {path} with {status}")


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def wrk(path: str, script: str | None = None) -> dict[str, float]:
    extra = ["-s", script] if script else []
    done = subprocess.run(
        [
            "wrk",
            *extra,
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
    )
    if done.returncode:
        raise SystemExit(f"wrk failed: {done.stdout}{done.stderr}")
    out = done.stdout
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
        "output": out,
    }


def _ms(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


CLOCK_TICKS = os.sysconf("SC_CLK_TCK")


def cpu_of(pids: Iterable[int]) -> tuple[float, float]:
    """CPU seconds (user, system) the live processes `pids` have used so far."""
    user = system = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # gone since it was listed
            continue
        user, system = user + int(fields[11]), system + int(fields[12])
    return user / CLOCK_TICKS, system / CLOCK_TICKS


def group(pgid: int) -> list[int]:
    """Every live process of a process group (a server's master and workers)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if os.getpgid(int(entry.name)) == pgid:
                    pids.append(int(entry.name))
            except OSError:
                continue
    return pids


def redis_pid() -> list[int]:
    import redis

    return [redis.Redis.from_url(ENV["REDIS_URL"]).info("server")["process_id"]]


def postgres_backends() -> list[int]:
    """The PostgreSQL backends serving the bench database (not other databases' work)."""
    import psycopg

    with psycopg.connect(f"{PG}/postgres", autocommit=True) as conn:
        rows = conn.execute(
            "SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()",
            [DB_NAME],
        ).fetchall()
    return [pid for (pid,) in rows]


class CpuMeter:
    """CPU seconds each named part used between start() and stop(): `parts` maps a name to a
    function listing its processes (asked at both ends; only a process alive at both ends is
    counted), plus wrk's own (this process's waited children)."""

    def __init__(self, parts: dict[str, Callable[[], list[int]]]):
        self.parts = parts

    def start(self) -> None:
        self.before = {
            name: {pid: cpu_of([pid]) for pid in find()} for name, find in self.parts.items()
        }
        self.children = _children_cpu()

    def stop(self) -> dict[str, tuple[float, float]]:
        """(user, system) CPU seconds per part."""
        children = _children_cpu()
        used = {"wrk": (children[0] - self.children[0], children[1] - self.children[1])}
        for name, find in self.parts.items():
            before = self.before[name]
            alive = [pid for pid in find() if pid in before]
            user, system = cpu_of(alive)
            used[name] = (
                user - sum(before[pid][0] for pid in alive),
                system - sum(before[pid][1] for pid in alive),
            )
        return used


def _children_cpu() -> tuple[float, float]:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime, usage.ru_stime
