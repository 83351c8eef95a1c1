"""Living through a Redis or PostgreSQL restart: a circuit breaker for request paths, and a
loop for long-running processes (the click drainer, the conversion sweeper) that backs off,
reconnects and resumes instead of exiting.

`OUTAGE_ERRORS` are the exceptions that mean "the server is away" (refused, reset, timed
out, shutting down, still loading its data), as opposed to a bug or bad data, which must
still surface.
"""

from __future__ import annotations

import contextlib
import logging
import random
import threading
import time
from collections.abc import Callable

import psycopg
import redis
from django.db import InterfaceError, OperationalError, connections

OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    redis.exceptions.ConnectionError,  # includes BusyLoadingError: a restarted Redis loading
    redis.exceptions.TimeoutError,
    OperationalError,  # Django's wrapper: AdminShutdown, connection refused, server closed
    InterfaceError,  # a connection Django still holds after the server closed it
    psycopg.OperationalError,  # raised unwrapped by cursor.copy()
    psycopg.InterfaceError,
)


def one_line(error: BaseException) -> str:
    """`ConnectionError: Error 111 connecting to ...`: a log line, not a traceback."""
    text = str(error).strip().splitlines()
    return f"{type(error).__name__}: {text[0] if text else ''}"


def reset_database_connections() -> None:
    """Drop every database connection of this thread: after a server restart Django would
    otherwise keep handing out the dead one (the next query reconnects)."""
    for connection in connections.all(initialized_only=True):
        connection.close()


class CircuitBreaker:
    """Per process: after a failure, calls are skipped for `interval` seconds, then one
    caller (one thread) probes; success closes the breaker, failure opens it again. So a
    dead server costs one failed connect per interval per process, not one per request."""

    def __init__(self, name: str, interval: float = 2.0, log: logging.Logger | None = None):
        self.name = name
        self.interval = interval
        self.log = log or logging.getLogger(__name__)
        self._open_until = 0.0  # 0: closed
        self._lock = threading.Lock()

    @property
    def is_open(self) -> bool:
        return self._open_until > 0.0

    def allow(self) -> bool:
        """May the caller use the server now? Closed: yes. Open: only the first caller after
        the interval (the probe), and the interval restarts for everyone else."""
        open_until = self._open_until
        if open_until == 0.0:
            return True
        now = time.monotonic()
        if now < open_until:
            return False
        with self._lock:
            if self._open_until != open_until:  # another thread took this probe
                return False
            self._open_until = now + self.interval
        return True

    def failed(self, error: BaseException) -> None:
        with self._lock:
            was_open = self.is_open
            self._open_until = time.monotonic() + self.interval
        if not was_open:  # one line per outage, not one per request
            self.log.warning(
                "%s unreachable (%s): skipping it for %.1fs at a time",
                self.name,
                one_line(error),
                self.interval,
            )

    def succeeded(self) -> None:
        if self._open_until:
            with self._lock:
                self._open_until = 0.0
            self.log.warning("%s reachable again", self.name)

    def reset(self) -> None:
        """Tests: forget any outage."""
        self._open_until = 0.0


class Backoff:
    """Bounded exponential delays with jitter: first, 2x first, ... up to `maximum`."""

    def __init__(self, first: float = 0.2, maximum: float = 10.0):
        self.first, self.maximum = first, maximum
        self.failures = 0

    def next_delay(self) -> float:
        delay = min(self.maximum, self.first * 2**self.failures)
        self.failures += 1
        return delay * random.uniform(0.8, 1.0)  # noqa: S311  (not security: de-synchronise)

    def reset(self) -> None:
        self.failures = 0


def keep_running(
    step: Callable[[], object],
    *,
    name: str,
    log: logging.Logger,
    backoff: Backoff | None = None,
    on_outage: Callable[[], None] = lambda: None,
    until: Callable[[], bool] = lambda: False,
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """Call `step()` until `until()` is true. An OUTAGE_ERROR is logged (one line), the
    database connections are dropped, `on_outage()` runs (e.g. forget a Redis lock), and
    after a bounded exponential back-off the loop goes on; any other error propagates.

    `step` must be safe to run again after it failed half-way: the drainer's is (a batch
    stays on the processing list until written, and is rewritten with ON CONFLICT)."""
    backoff = backoff or Backoff()
    while not until():
        try:
            step()
        except OUTAGE_ERRORS as error:
            delay = backoff.next_delay()
            log.warning("%s: %s; retrying in %.1fs", name, one_line(error), delay)
            reset_database_connections()
            with contextlib.suppress(*OUTAGE_ERRORS):  # still away: the next step finds out
                on_outage()
            sleep(delay)
        else:
            if backoff.failures:
                log.warning("%s: resumed after %d failed attempts", name, backoff.failures)
                backoff.reset()


# The portal's Redis (cache, click buffer), one breaker per process: when the cache finds it
# away, the click path stops trying it too, and the other way round.
redis_breaker = CircuitBreaker("Redis", interval=2.0, log=logging.getLogger("lib.resilience"))
