"""Run the click drainer (one per deployment; a Redis lock keeps a second one idle)."""

from __future__ import annotations

import time

from django.conf import settings
from django.core.management.base import BaseCommand

from tracking.buffer import client
from tracking.drain import LOCK_KEY, buffered, drain_once

# After a batch that was not full, wait a moment: fewer, larger COPYs cost PostgreSQL less
# per click than a transaction per handful (a postback waits that long at most for its click).
IDLE_SECONDS = 0.2


class Command(BaseCommand):
    help = "Write buffered clicks from Redis to the database in batches (COPY on PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Drain what is there, then exit.")

    def handle(self, *args, once: bool = False, **options):
        conn = client()
        if conn is None:
            self.stdout.write("No REDIS_URL: clicks are written directly, nothing to drain.")
            while not once:  # stay up, so that `make run` keeps its other processes
                time.sleep(3600)
            return
        lock = conn.lock(LOCK_KEY, timeout=120, blocking_timeout=None)
        with lock:
            self.stdout.write(f"Draining clicks ({buffered()} buffered).")
            while True:
                written = drain_once(settings.CLICK_DRAIN_BATCH)
                lock.extend(120, replace_ttl=True)
                if written == 0 and once:
                    return
                if written < settings.CLICK_DRAIN_BATCH:
                    time.sleep(IDLE_SECONDS)
