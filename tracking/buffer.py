"""Where clicks go: a Redis buffer drained to PostgreSQL in batches, or straight to the table.

With REDIS_URL set, one Redis round trip per click sends two plain commands: SET of the
visitor's unique key to the click's id (NX, 24 hours) and RPUSH of the click onto the buffer
list (a postback that arrives before the drainer wrote its click drains the buffer itself:
tracking.drain.wait_for_click). The drainer decides uniqueness: a click is unique if the key
holds its own id, i.e. its SET came first (tracking.drain.copy_lines, one MGET per batch). Two
plain commands cost Redis a quarter of the CPU of the Lua script that did both before (4 µs
against 15-18 µs a click, `bench-clicks` prints it), and Redis runs on one core. Without Redis
the click is inserted directly (`insert_click`, the one place that does).

While Redis is unreachable (refused, timed out, restarting, loading its data) the click is
inserted directly too, so no visitor is turned away and no click is lost. A per-process
circuit breaker (lib.resilience.redis_breaker, shared with the cache) then skips Redis for a
couple of seconds at a time: a dead Redis costs one failed connect per interval per process.
Uniqueness during an outage is decided by this process's own memory of the last 24 hours:
a repeated visitor is caught when the same web process sees both clicks, and may count as
unique once more per process (and once more when Redis is back). `available()` tells other
code (the postback's wait for a buffered click) whether Redis is worth asking now.

A buffered click is its unique key, a tab, then the line of PostgreSQL's COPY text format
(tab-separated, escaped) without its first column, is_unique: the drainer puts "t" or "f" in
place of the key and hands the batch to COPY. (Before, the script wrote "t" or "f" itself:
such lines, left in a buffer from before an upgrade, are written as they are.)
"""

from __future__ import annotations

import hashlib
import operator
import os
import re
import threading
from datetime import datetime

import redis
from django.conf import settings
from django.core.cache import cache
from django.core.cache.backends.locmem import LocMemCache
from django.db import transaction
from hiredis import pack_command
from redis.backoff import NoBackoff
from redis.retry import Retry

from lib.resilience import OUTAGE_ERRORS, redis_breaker
from tracking import cpc
from tracking.models import Click

BUFFER_KEY = "clicks:buffer"
PROCESSING_KEY = "clicks:processing"
UNIQUE_SECONDS = 86400
# is_unique first: the drainer puts it in place of the unique key (tracking.drain.copy_lines).
COLUMNS = ["is_unique"] + [f.attname for f in Click._meta.concrete_fields if f.name != "is_unique"]
UNIQUE_PREFIX = b"uniq:"
ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
UNESCAPES = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}

# Seconds a drainer's or a postback's Redis command may take (a batch of thousands of lines).
COMMAND_TIMEOUT = 5.0

# Keyed by (process id, URL): a forked worker makes its own, and a changed REDIS_URL (tests)
# is not served by a connection to the old one.
_pool: tuple[tuple[int, str], redis.Redis] | None = None
_thread = threading.local()
# Uniqueness while Redis is away (see the module docstring): bounded, per process.
_outage_uniques = LocMemCache("click-uniques-without-redis", {"OPTIONS": {"MAX_ENTRIES": 100_000}})


def client() -> redis.Redis | None:
    """A connection pool per process (a forked worker makes its own), for the drainer.

    Short connect timeout and a single immediate retry (a connection left over from before
    a Redis restart fails once): redis-py's default of ten retries with back-off would hold a
    postback for seconds while Redis is down. The drainer's own loop does the backing off."""
    global _pool
    if not settings.REDIS_URL:
        return None
    owner = (os.getpid(), settings.REDIS_URL)
    if _pool is None or _pool[0] != owner:
        conn = redis.Redis.from_url(
            settings.REDIS_URL,
            socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
            socket_timeout=max(settings.REDIS_SOCKET_TIMEOUT, COMMAND_TIMEOUT),
            retry=Retry(NoBackoff(), 1),
        )
        _pool = (owner, conn)
    return _pool[1]


def available() -> bool:
    """Is the Redis buffer worth asking now? False without REDIS_URL, and while this
    process's breaker says Redis is away (after each interval one caller gets True: the
    probe). Callers that then fail report it: `lib.resilience.redis_breaker.failed(error)`."""
    return bool(settings.REDIS_URL) and redis_breaker.allow()


def unique_key(network_id: int, offer_id: int, publisher_id: int, ip: str, agent: str) -> str:
    digest = hashlib.blake2b(agent.encode(), digest_size=8).hexdigest()  # stable across processes
    return f"uniq:{network_id}:{offer_id}:{publisher_id}:{ip}:{digest}"


def record(fields: dict, uniq: str) -> bool:
    """Store a click (fields as for Click(**fields) with ids for foreign keys); return whether
    it is the first of its (offer, publisher, IP, user agent) in 24 hours."""
    if not settings.REDIS_URL:
        return insert_click(fields, cache.add(uniq, 1, UNIQUE_SECONDS))
    if redis_breaker.allow():
        try:
            fresh = _send(uniq, fields["id"], encode(fields))
        except OUTAGE_ERRORS as error:
            redis_breaker.failed(error)
        else:
            redis_breaker.succeeded()
            return fresh
    # Redis is away: the row the drainer would have written. Should the commands have run
    # after all (an answer lost to a timeout), the drainer's COPY meets this row and skips it.
    return insert_click(fields, _outage_uniques.add(uniq, 1, UNIQUE_SECONDS))


def insert_click(fields: dict, is_unique: bool) -> bool:
    """The one place a click is written to the table itself (no buffer, or Redis away)."""
    with transaction.atomic():  # the click and its CPC conversion, or neither
        Click.objects.create(is_unique=is_unique, **fields)
        cpc.click_written(fields, is_unique)
    return is_unique


def _send(uniq: str, click_id: str, line: str) -> bool:
    """SET the unique key to the click's id (if unset) and RPUSH the click, in one round trip
    on this thread's own connection (a pool's bookkeeping costs the click path more than the
    Redis call itself); whether this click set the key."""
    raw = getattr(_thread, "connection", None)
    owner = (os.getpid(), settings.REDIS_URL)
    if raw is None or _thread.owner != owner:
        if raw is not None and _thread.owner[0] == owner[0]:
            raw.disconnect()  # this process's connection to a Redis no longer configured
        options = redis.connection.parse_url(settings.REDIS_URL)
        # unix:///path/redis.sock: a Redis on this machine through its socket file, which
        # costs both sides about half the CPU of a loopback TCP exchange.
        kind = options.pop("connection_class", redis.Connection)
        raw = kind(
            **options,
            socket_connect_timeout=settings.REDIS_CONNECT_TIMEOUT,
            socket_timeout=settings.REDIS_SOCKET_TIMEOUT,
        )
        _thread.connection, _thread.owner = raw, owner
    # hiredis packs the commands in C: redis-py's own packing (each argument encoded in
    # Python) costs a click more than the rest of the call.
    commands = pack_command(("SET", uniq, click_id, "NX", "EX", UNIQUE_SECONDS)) + pack_command(
        ("RPUSH", BUFFER_KEY, uniq + line)
    )
    try:
        return _exchange(raw, commands)
    except OUTAGE_ERRORS:  # once more: a connection from before a Redis restart fails once
        return _exchange(raw, commands)


def _exchange(raw: redis.Connection, commands: bytes) -> bool:
    try:
        raw.send_packed_command((commands,), check_health=False)
        fresh = raw.read_response()
        raw.read_response()
    except (*OUTAGE_ERRORS, redis.exceptions.ResponseError):
        raw.disconnect()  # the second answer may still be unread: the next send reconnects
        raise
    return fresh is not None  # OK, or nil when the key was set already


_VALUES = operator.itemgetter(*COLUMNS[1:])
_SPECIAL = re.compile(r"[\\\t\n\r]")


def encode(fields: dict) -> str:
    """The COPY line of a click, without its leading is_unique column."""
    values = _VALUES(fields)
    texts = [value if value.__class__ is str else _text(value) for value in values]
    # Escaping each value costs more than the rest of the line; it is needed only when a text
    # value holds a backslash, tab or newline (never in ids, numbers, times or "\\N").
    if _SPECIAL.search("".join([value for value in values if value.__class__ is str])):
        texts = [_text(value) for value in values]
    return "\t" + "\t".join(texts)


def _text(value) -> str:
    if isinstance(value, str):
        return value.translate(ESCAPES)
    if value is None:
        return "\\N"
    if isinstance(value, datetime):
        return value.isoformat()
    return str(value)  # numbers and booleans need no escaping


def decode(item: bytes) -> dict:
    """A buffered line back into Click(**fields) arguments (databases without COPY)."""
    values = item.decode().split("\t")
    row = {name: _value(text) for name, text in zip(COLUMNS, values, strict=True)}
    row["is_unique"] = row["is_unique"] == "t"
    row["created_at"] = datetime.fromisoformat(row["created_at"])
    return row


def _value(text: str) -> str | None:
    if text == "\\N":
        return None
    for escaped, plain in UNESCAPES.items():
        text = text.replace(escaped, plain)
    return text
