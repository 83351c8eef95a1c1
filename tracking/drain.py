"""The drainer: moves clicks from the Redis buffer to PostgreSQL in batches, and how a
postback finds a click wherever it is.

A batch is first moved, atomically, to a processing list, then written with COPY, and only
then is the processing list deleted. A drainer killed at any point finds the processing list
when it restarts and writes it again through a temporary table with ON CONFLICT DO NOTHING:
what had already landed is skipped, so nothing is lost and nothing is duplicated.

Two counters in Redis let a postback know when a miss in the table is definitive. Number the
clicks in the order they were appended to the buffer: `clicks:moved` is how many have been
moved to the processing list (raised by the script that moves a batch) and `clicks:written` how
many are committed (raised by the script that deletes the processing list, which runs only
after the COPY committed). A postback that misses the table reads, in one script,
target = max(moved, written + LLEN(processing)) + LLEN(buffer): its click was answered before
that moment, so it is one of the first `target` clicks (appended before the read: in the
buffer, or moved). Once written >= target, all of those are committed and one more read of
the table is definitive. (The max() and the same clamp in the scripts keep this true if a
counter is lost, e.g. evicted, while the lists are not.)

Every interleaving of a postback P for click C with the drainer D, and what P does
(tracking/tests/test_drain_race.py plays each of them step by step):

1. C is committed and its batch acknowledged: P's first read finds it.
2. C is in the buffer, the lock is free (no drainer, or between its runs): P takes the lock
   and drains batches itself until written >= target (at most SELF_DRAIN_LIMIT clicks, so a
   postback never writes a backlog of tens of thousands; past that it waits), then reads.
3. C is in the buffer, D holds the lock and has not moved it yet: P polls `written`; D moves,
   COPYs, commits and acknowledges (written >= target); P reads and finds C.
4. C was moved to the processing list, D's COPY not yet started: as 3.
5. D's COPY is in flight (not committed): P's read misses. Before, P then saw an empty
   buffer and processing list (D had just finished) and answered 404 without reading again:
   the bug of issue 14. Now P waits for written >= target, which D reaches only after the
   commit, and then reads again: found.
6. D committed but has not deleted the processing list (P's first read came before the
   commit): C is in the table, written still below target. P reads the table once after
   taking its target, again each time `written` moves, and at the deadline: found.
7. D crashed after moving (or after the COPY): the processing list stays; once D's lock has
   expired P (or the restarted D) writes it again as a leftover batch (ON CONFLICT skips what
   had landed) and acknowledges it: as 2. While the dead D's lock has not expired, P waits
   until its deadline and answers "retry" (tracking.conversions): nothing is lost, the
   sender's retry finds C.
8. Redis restarted and lost the counters: `written` may never reach the target P read; P
   reads the table whenever `written` changes and once more at its deadline (WAIT_SECONDS):
   it never waits longer, and a miss then is answered "retry".
9. Redis unreachable: P cannot know where C is: it reads the table once more and a miss is
   answered "retry".
10. No Redis (SQLite, development): clicks are inserted before they are answered, nothing to
    wait for.
A second drainer that took over an expired lock (a first one stalled for over two minutes)
cannot make a batch vanish: the delete of the processing list only runs if the list is still
the batch that drainer wrote (ACK_SCRIPT).
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable
from typing import NamedTuple

import psycopg
import redis
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django_scopes import scopes_disabled

from tracking import cpc
from tracking.buffer import BUFFER_KEY, COLUMNS, PROCESSING_KEY, UNIQUE_PREFIX, client, decode
from tracking.models import Click

MOVED_KEY = "clicks:moved"
WRITTEN_KEY = "clicks:written"
KEYS = [BUFFER_KEY, PROCESSING_KEY, MOVED_KEY, WRITTEN_KEY]

# A leftover batch (a crashed drainer's) if there is one, else up to ARGV[1] clicks moved off
# the buffer onto the processing list, atomically, in a few commands whatever the batch size
# (RPUSH in slices: Lua's unpack takes at most ~8000 values). Returns {leftover, items}.
TAKE_SCRIPT = """
local items = redis.call('LRANGE', KEYS[2], 0, -1)
if #items > 0 then return {1, items} end
items = redis.call('LRANGE', KEYS[1], 0, tonumber(ARGV[1]) - 1)
if #items == 0 then return {0, items} end
for first = 1, #items, 1000 do
  redis.call('RPUSH', KEYS[2], unpack(items, first, math.min(first + 999, #items)))
end
redis.call('LTRIM', KEYS[1], #items, -1)
local moved = tonumber(redis.call('GET', KEYS[3]) or 0)
local written = tonumber(redis.call('GET', KEYS[4]) or 0)
redis.call('INCRBY', KEYS[3], math.max(0, written - moved) + #items)
return {0, items}
"""
# After the COPY committed: delete the processing list and count its clicks as written, but
# only if the list is still this batch (ARGV: its length, its first item); else another
# drainer took the batch over and acknowledges it itself. written = moved afterwards.
ACK_SCRIPT = """
if redis.call('LLEN', KEYS[2]) ~= tonumber(ARGV[1]) or redis.call('LINDEX', KEYS[2], 0) ~= ARGV[2]
then return 0 end
redis.call('DEL', KEYS[2])
local moved = tonumber(redis.call('GET', KEYS[3]) or 0)
local written = tonumber(redis.call('GET', KEYS[4]) or 0)
local done = math.max(moved, written + tonumber(ARGV[1]))
redis.call('INCRBY', KEYS[3], done - moved)
redis.call('INCRBY', KEYS[4], done - written)
return 1
"""
# {target, written}: every click answered before this call is among the first `target`.
TARGET_SCRIPT = """
local moved = tonumber(redis.call('GET', KEYS[3]) or 0)
local written = tonumber(redis.call('GET', KEYS[4]) or 0)
local target = math.max(moved, written + redis.call('LLEN', KEYS[2]))
return {target + redis.call('LLEN', KEYS[1]), written}
"""
LOCK_KEY = "clicks:drainer"
WAIT_SECONDS = 3.0
POLL_SECONDS = 0.02
# A postback drains at most this many clicks itself (the drainer's job; a click further back
# in a backlog is answered "retry" at the deadline rather than holding the request).
SELF_DRAIN_LIMIT = 5000
# A postback that dies while draining blocks the drainer only this long.
SELF_DRAIN_LOCK_SECONDS = 30
COLUMN_LIST = ", ".join(COLUMNS)


def _no_step(step: str) -> None:
    pass


# Called between the drainer's steps ("taken", "written", "acknowledged"): tests pause the
# drainer there to play each interleaving with a postback (test_drain_race.py).
on_step: Callable[[str], None] = _no_step


def drain_once(batch_size: int) -> int:
    """Write one batch (a leftover one first); returns how many clicks it held. Raises on a
    Redis or database error (the batch stays in the processing list for the next call)."""
    conn = client()
    items, leftover = take_batch(conn, batch_size)
    if not items:
        return 0
    on_step("taken")
    lines = copy_lines(conn, items)
    write_items(lines, maybe_written=leftover)
    cpc.batch_written(lines)  # before the ack: a batch re-drained after a crash makes them again
    on_step("written")
    acknowledge(conn, items)
    on_step("acknowledged")
    return len(items)


def take_batch(conn: redis.Redis, batch_size: int) -> tuple[list[bytes], bool]:
    """(items, leftover): the processing list a crashed drainer left, else a new batch."""
    leftover, items = conn.register_script(TAKE_SCRIPT)(keys=KEYS, args=[batch_size])
    return items, bool(leftover)


def copy_lines(conn: redis.Redis, items: list[bytes]) -> list[bytes]:
    """The buffered items as COPY lines, is_unique first: a click is unique if its unique
    key holds its own id (its SET came first; tracking.buffer). A key that is gone (expired
    after 24 hours in the buffer, or lost with a Redis restarted without its data) makes the
    first of its clicks in the batch unique. Lines from before the change (is_unique written
    by the click path's old script) pass as they are."""
    keys = [item.partition(b"\t")[0] for item in items if item.startswith(UNIQUE_PREFIX)]
    owners = dict(zip(keys, conn.mget(keys), strict=True)) if keys else {}
    lines, seen = [], set()
    for item in items:
        if not item.startswith(UNIQUE_PREFIX):
            lines.append(item)
            continue
        key, _tab, line = item.partition(b"\t")
        owner = owners[key]
        unique = owner == line.partition(b"\t")[0] if owner is not None else key not in seen
        seen.add(key)
        lines.append((b"t\t" if unique else b"f\t") + line)
    return lines


def acknowledge(conn: redis.Redis, items: list[bytes]) -> bool:
    """The batch is committed: drop the processing list and count the clicks as written."""
    done = conn.register_script(ACK_SCRIPT)(keys=KEYS, args=[len(items), items[0]])
    return bool(done)


def write_items(items: list[bytes], maybe_written: bool = False) -> None:
    """COPY a batch of lines (copy_lines) into the table; if some of it is there already (a
    crashed drainer's batch, or a click a postback wrote early), go through a temporary table
    and skip those."""
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


class Waited(NamedTuple):
    """What a postback learnt by waiting: the click's row, or None and whether that is sure
    (every click answered before the postback is committed) or not (deadline, no Redis)."""

    row: tuple | None
    certain: bool


def wait_for_click(read: Callable[[], tuple | None], seconds: float | None = None) -> Waited:
    """Called after `read()` (the click's row from the table) missed: find out whether the
    click may still be on its way (the module docstring's interleavings), draining the buffer
    ourselves when no drainer is at work, else waiting for the drainer, until `seconds`
    (WAIT_SECONDS) have passed."""
    conn = client()
    if conn is None:  # clicks are inserted before they are answered
        return Waited(read(), certain=True)
    deadline = time.monotonic() + (WAIT_SECONDS if seconds is None else seconds)
    try:
        return _wait(conn, read, deadline)
    except redis.exceptions.RedisError:
        row = read()  # cannot know where the click is: one more look, then "retry"
        return Waited(row, certain=row is not None)


def _wait(conn: redis.Redis, read, deadline: float) -> Waited:
    target, written = conn.register_script(TARGET_SCRIPT)(keys=KEYS)
    budget = SELF_DRAIN_LIMIT
    last_read: int | None = None
    while True:
        if written != last_read:  # a batch was acknowledged since we last looked (or first)
            row, last_read = read(), written
            if row is not None or written >= target:
                return Waited(row, certain=True)
        if time.monotonic() >= deadline:
            row = read()
            return Waited(row, certain=row is not None)
        if budget > 0:
            budget -= _drain_if_free(conn, target, budget)
        written = int(conn.get(WRITTEN_KEY) or 0)
        if written == last_read:
            time.sleep(POLL_SECONDS)
            written = int(conn.get(WRITTEN_KEY) or 0)


def _drain_if_free(conn: redis.Redis, target: int, budget: int) -> int:
    """Drain (up to `budget` clicks, until `target` are written) if no drainer holds the
    lock; returns how many clicks were drained."""
    if connection.in_atomic_block:  # our COPY would commit only with the caller, after the ack
        return 0
    lock = conn.lock(LOCK_KEY, timeout=SELF_DRAIN_LOCK_SECONDS)
    if not lock.acquire(blocking=False):
        return 0
    drained = 0
    try:
        while drained < budget and int(conn.get(WRITTEN_KEY) or 0) < target:
            count = drain_once(min(settings.CLICK_DRAIN_BATCH, budget - drained))
            if not count:
                break
            drained += count
    finally:
        # It may have expired (a very slow COPY): ACK_SCRIPT kept the batches safe.
        with contextlib.suppress(redis.exceptions.LockError):
            lock.release()
    return drained


def buffered() -> int:
    conn = client()
    return conn.llen(BUFFER_KEY) + conn.llen(PROCESSING_KEY) if conn else 0
