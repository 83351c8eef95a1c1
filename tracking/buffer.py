"""Where clicks go: a Redis buffer drained to PostgreSQL in batches, or straight to the table.

With REDIS_URL set, one Redis round trip per click runs a script that decides uniqueness and
appends the click to the buffer list (a postback that arrives before the drainer wrote its
click drains the buffer itself: tracking.drain.wait_for_click). Without Redis the click is
inserted directly.

A buffered click is a line of PostgreSQL's COPY text format (tab-separated, escaped), so the
drainer hands batches to COPY without parsing them.
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

from tracking.models import Click

BUFFER_KEY = "clicks:buffer"
PROCESSING_KEY = "clicks:processing"
UNIQUE_SECONDS = 86400
# is_unique first: the script below prepends it once Redis has decided.
COLUMNS = ["is_unique"] + [f.attname for f in Click._meta.concrete_fields if f.name != "is_unique"]

# KEYS: unique-key, buffer; ARGV: the line without its first column, the unique TTL.
RECORD_SCRIPT = """
local fresh = redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2])
redis.call('RPUSH', KEYS[2], (fresh and 't' or 'f') .. ARGV[1])
return fresh and 1 or 0
"""
RECORD_SHA = hashlib.sha1(RECORD_SCRIPT.encode()).hexdigest()  # noqa: S324  (Redis's id)
ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})
UNESCAPES = {"\\\\": "\\", "\\t": "\t", "\\n": "\n", "\\r": "\r"}

_pool: tuple[int, redis.Redis] | None = None
_thread = threading.local()


def client() -> redis.Redis | None:
    """A connection pool per process (a forked worker makes its own), for the drainer."""
    global _pool
    if not settings.REDIS_URL:
        return None
    if _pool is None or _pool[0] != os.getpid():
        _pool = (os.getpid(), redis.Redis.from_url(settings.REDIS_URL))
    return _pool[1]


def unique_key(network_id: int, offer_id: int, publisher_id: int, ip: str, agent: str) -> str:
    digest = hashlib.blake2b(agent.encode(), digest_size=8).hexdigest()  # stable across processes
    return f"uniq:{network_id}:{offer_id}:{publisher_id}:{ip}:{digest}"


def record(fields: dict, uniq: str) -> bool:
    """Store a click (fields as for Click(**fields) with ids for foreign keys); return whether
    it is the first of its (offer, publisher, IP, user agent) in 24 hours."""
    if not settings.REDIS_URL:
        is_unique = cache.add(uniq, 1, UNIQUE_SECONDS)
        Click.objects.create(is_unique=is_unique, **fields)
        return is_unique
    return _record_script(uniq, encode(fields)) == 1


def _record_script(uniq: str, line: str):
    """EVALSHA on this thread's own connection: a pool's bookkeeping costs the click path
    more than the Redis call itself."""
    raw = getattr(_thread, "connection", None)
    if raw is None or _thread.pid != os.getpid():
        raw = redis.Connection(**redis.connection.parse_url(settings.REDIS_URL))
        _thread.connection, _thread.pid = raw, os.getpid()
    for attempt in range(3):
        try:
            raw.send_command("EVALSHA", RECORD_SHA, 2, uniq, BUFFER_KEY, line, UNIQUE_SECONDS)
            return raw.read_response()
        except redis.exceptions.NoScriptError:  # a new or restarted Redis: teach it the script
            raw.send_command("SCRIPT", "LOAD", RECORD_SCRIPT)
            raw.read_response()
        except (redis.exceptions.ConnectionError, redis.exceptions.TimeoutError):
            raw.disconnect()  # the next send reconnects
            if attempt == 2:
                raise
    raise redis.exceptions.ResponseError("the click script could not be loaded")


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
