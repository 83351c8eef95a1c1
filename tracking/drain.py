"""The drainer: moves clicks from the Redis buffer to PostgreSQL in batches.

A batch is first moved, atomically, to a processing list, then written with COPY, and only
then is the processing list deleted. A drainer killed at any point finds the processing list
when it restarts and writes it again through a temporary table with ON CONFLICT DO NOTHING:
what had already landed is skipped, so nothing is lost and nothing is duplicated.
"""

from __future__ import annotations

import time

import psycopg
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django_scopes import scopes_disabled

from tracking import cpc
from tracking.buffer import BUFFER_KEY, COLUMNS, PROCESSING_KEY, client, decode
from tracking.models import Click

# Takes up to ARGV[1] clicks off the buffer onto the processing list, atomically, in a few
# commands whatever the batch size (RPUSH in slices: Lua's unpack takes at most ~8000 values).
MOVE_SCRIPT = """
local items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
for first = 1, #items, 1000 do
  redis.call('RPUSH', KEYS[2], unpack(items, first, math.min(first + 999, #items)))
end
if #items > 0 then redis.call('LTRIM', KEYS[1], #items, -1) end
return items
"""
LOCK_KEY = "clicks:drainer"
WAIT_SECONDS = 3.0
DRAIN_BATCHES_PER_WAIT = 10
COLUMN_LIST = ", ".join(COLUMNS)


def drain_once(batch_size: int) -> int:
    """Write one batch (a leftover one first); returns how many clicks it held."""
    conn = client()
    items = conn.lrange(PROCESSING_KEY, 0, -1)
    leftover = bool(items)
    if not items:
        move = conn.register_script(MOVE_SCRIPT)
        items = move(keys=[BUFFER_KEY, PROCESSING_KEY], args=[batch_size])
    if not items:
        return 0
    write_items(items, maybe_written=leftover)
    cpc.batch_written(items)  # before the ack: a batch re-drained after a crash makes them again
    conn.delete(PROCESSING_KEY)
    return len(items)


def write_items(items: list[bytes], maybe_written: bool = False) -> None:
    """COPY a batch into the table; if some of it is there already (a crashed drainer's batch,
    or a click a postback wrote early), go through a temporary table and skip those."""
    with scopes_disabled():  # explicit: clicks of every network
        if connection.vendor != "postgresql":
            rows = [Click(**decode(item)) for item in items]
            Click.objects.bulk_create(rows, ignore_conflicts=True)
            return
        if not maybe_written:
            try:
                with transaction.atomic(), connection.cursor() as cursor:
                    _copy(cursor, "tracking_click", items)
                return
            except (IntegrityError, psycopg.errors.UniqueViolation):
                pass  # some were there already: the careful way below
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(
                "CREATE TEMP TABLE IF NOT EXISTS click_batch "
                "(LIKE tracking_click INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
            )
            _copy(cursor, "click_batch", items)
            cursor.execute(
                f"INSERT INTO tracking_click ({COLUMN_LIST}) SELECT {COLUMN_LIST} "  # noqa: S608
                "FROM click_batch ON CONFLICT (id) DO NOTHING"
            )


def _copy(cursor, table: str, items: list[bytes]) -> None:
    with cursor.copy(f"COPY {table} ({COLUMN_LIST}) FROM STDIN") as copy:
        copy.write(b"\n".join(items) + b"\n")


def wait_for_click(click_id: str, seconds: float = WAIT_SECONDS) -> Click | None:
    """A click that may still be in the buffer: drain it ourselves when the drainer is not
    at work (the lock is free), else give the drainer a moment; then read the table."""
    conn = client()
    if conn is None:
        return None
    deadline = time.monotonic() + seconds
    while True:
        lock = conn.lock(LOCK_KEY, timeout=120)
        if lock.acquire(blocking=False):
            try:
                for _ in range(DRAIN_BATCHES_PER_WAIT):
                    if not drain_once(settings.CLICK_DRAIN_BATCH):
                        break
            finally:
                lock.release()
        click = Click.objects.select_related("offer__advertiser", "publisher").filter(pk=click_id)
        found = click.first()
        if found is not None or time.monotonic() > deadline or not buffered():
            return found
        time.sleep(0.05)


def buffered() -> int:
    conn = client()
    return conn.llen(BUFFER_KEY) + conn.llen(PROCESSING_KEY) if conn else 0
