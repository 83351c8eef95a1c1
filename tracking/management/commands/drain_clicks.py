"""Run the click drainer (one per deployment; a Redis lock keeps a second one idle).

It never exits on a Redis or PostgreSQL outage (lib.resilience.keep_running): it logs one
line per failed attempt, backs off (0.2 s doubling up to 5 s), drops the broken database
connection and resumes. A batch it held when the error came stays on the processing list and
is written again, exactly once, through ON CONFLICT (tracking.drain). After a Redis restart
it goes on with its lock if the lock survived (AOF), else waits to take it again.
"""

from __future__ import annotations

import logging
import signal
import threading

from django.conf import settings
from django.core.management.base import BaseCommand
from redis.exceptions import LockError

from lib.resilience import OUTAGE_ERRORS, Backoff, keep_running
from tracking.buffer import client
from tracking.drain import LOCK_KEY, buffered, drain_once

log = logging.getLogger("tracking.drainer")

# After a batch that was not full, wait a moment: fewer, larger COPYs cost PostgreSQL less
# per click than a transaction per handful (a postback waits that long at most for its click).
IDLE_SECONDS = 0.2
# A drainer that died holds the lock this long at most; a live one extends it every batch.
LOCK_SECONDS = 120


class Command(BaseCommand):
    help = "Write buffered clicks from Redis to the database in batches (COPY on PostgreSQL)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Drain what is there, then exit.")

    def handle(self, *args, once: bool = False, **options):
        # SIGTERM (honcho's Ctrl-C, systemd, a deploy) ends the loop between batches and
        # releases the lock; a batch cut short by SIGKILL is written again, exactly once.
        self.stopping = threading.Event()
        signal.signal(signal.SIGTERM, lambda *_: self.stopping.set())
        if client() is None:
            self.stdout.write("No REDIS_URL: clicks are written directly, nothing to drain.")
            if not once:  # stay up, so that `make run` keeps its other processes
                self.stopping.wait()
            return
        self.once, self.finished, self.lock = once, False, None
        try:
            keep_running(
                self.step,
                name="drain_clicks",
                log=log,
                backoff=Backoff(first=0.2, maximum=5.0),  # resume soon after Redis is back
                until=lambda: self.finished or self.stopping.is_set(),
                sleep=self.stopping.wait,
            )
        finally:
            self.release()

    def step(self) -> None:
        if not self.hold_lock():
            return
        written = drain_once(settings.CLICK_DRAIN_BATCH)
        if written == 0 and self.once:
            self.finished = True
        elif written < settings.CLICK_DRAIN_BATCH:
            self.stopping.wait(IDLE_SECONDS)

    def hold_lock(self) -> bool:
        """Extend the lock we hold; take it (waiting while another drainer works) if we hold
        none or lost it (expired during a long outage, or gone with a Redis that lost data).
        False: told to stop while waiting for it."""
        if self.lock is not None:
            try:
                self.lock.extend(LOCK_SECONDS, replace_ttl=True)
                return True
            except LockError:
                log.warning("drain_clicks: lost the drainer lock; waiting to take it again")
                self.lock = None
        lock = client().lock(LOCK_KEY, timeout=LOCK_SECONDS, blocking_timeout=1)
        while not lock.acquire(blocking=True):
            if self.stopping.is_set():
                return False
        self.lock = lock
        self.stdout.write(f"Draining clicks ({buffered()} buffered).")
        return True

    def release(self) -> None:
        if self.lock is None:
            return
        try:
            self.lock.release()
        except (LockError, *OUTAGE_ERRORS):  # exiting anyway
            log.warning("drain_clicks: could not release the lock; it expires by itself")
