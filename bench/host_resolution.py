"""How much the tenancy layer costs per request.

Prints: host -> network resolution (cache hit and miss), and whole anonymous requests through
the full middleware stack on a network host and an unknown host. Uses a throwaway test
database (SQLite by default, PostgreSQL when DATABASE_URL is set).

    make bench-hosts            # or: DATABASE_URL=postgres://... make bench-hosts
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "network.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

import logging  # noqa: E402

from django.core.cache import caches  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import setup_test_environment  # noqa: E402

from network import middleware as host_cache  # noqa: E402
from network.middleware import network_for_host  # noqa: E402
from network.models import Network  # noqa: E402


def timed(label: str, n: int, fn) -> None:
    fn()  # warm up
    start = time.perf_counter()
    for _ in range(n):
        fn()
    elapsed = time.perf_counter() - start
    print(f"{label:<48} {n:>6} runs  {elapsed / n * 1e6:>9.1f} µs/run  {n / elapsed:>9.0f}/s")


def main() -> None:
    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        for i in range(200):
            Network.objects.create(slug=f"net{i}", name=f"Network {i}")
        print(f"database: {connection.vendor}, cache: {type(caches['default']).__name__}")
        logging.getLogger("django.request").setLevel(logging.ERROR)  # 404s are the point

        host = "net150.localhost"
        timed("resolve host: in-process hit", 20000, lambda: network_for_host(host))

        def shared_hit() -> None:
            host_cache._local.clear()
            network_for_host(host)

        timed("resolve host: shared cache hit", 5000, shared_hit)

        def miss() -> None:
            host_cache.forget_host(host)
            network_for_host(host)

        timed("resolve host: miss (database + cache set)", 2000, miss)
        client = Client(HTTP_HOST="net150.localhost")
        timed("GET / on a network host (full stack)", 2000, lambda: client.get("/"))
        unknown = Client(HTTP_HOST="nobody.localhost")
        timed("GET / on an unknown host (404)", 2000, lambda: unknown.get("/"))
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
