"""What the tests of two requests racing each other share (PostgreSQL's row locks make the
race real): the marks of their modules, how long a step of the other thread may take, and
waiting until the second request waits for the first one's locks."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from django.conf import settings
from django.db import connection

# What a race test module sets as its `pytestmark`: skipped without PostgreSQL, and the test's
# rows really committed, for the other thread's connection to see them.
RACE_TEST = [
    pytest.mark.skipif(
        "postgresql" not in settings.DATABASES["default"]["ENGINE"],
        reason="the race needs PostgreSQL's row locks (set DATABASE_URL=postgres://...)",
    ),
    pytest.mark.django_db(transaction=True),
]
WAIT = 30  # seconds, for each step of the other thread


def waiting_for_a_lock() -> bool:
    """Whether some other session of this database waits for a row lock."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        )
        return cursor.fetchone()[0] > 0


def until_another_session_waits_for_a_lock(
    failure: str, going: Callable[[], bool] = lambda: True
) -> None:
    """Returns once some other session waits for a row lock; fails saying `failure` after
    WAIT seconds, or as soon as the request that should wait is no longer `going`."""
    deadline = time.monotonic() + WAIT
    while not waiting_for_a_lock():
        assert going() and time.monotonic() < deadline, failure
        time.sleep(0.02)
