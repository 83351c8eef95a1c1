"""Where clicks go: a Redis buffer drained to PostgreSQL in batches, or straight to the table.

With REDIS_URL set, one Redis round trip per click runs a script that decides uniqueness,
appends the click to the buffer list and keeps a copy under its id for an hour, so that a
postback arriving before the drainer wrote the click still finds it. Without Redis the click
is inserted directly.
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import datetime

import redis
from django.conf import settings
from django.core.cache import cache
from django.db import transaction

from tracking.models import Click

BUFFER_KEY = "clicks:buffer"
PROCESSING_KEY = "clicks:processing"
PENDING_SECONDS = 3600
UNIQUE_SECONDS = 86400

# KEYS: unique-key, buffer, pending-copy; ARGV: click JSON without its "u" field.
RECORD_SCRIPT = """
local fresh = redis.call('SET', KEYS[1], '1', 'NX', 'EX', ARGV[2])
local flag = fresh and '1' or '0'
local item = '{"u":' .. flag .. ',' .. string.sub(ARGV[1], 2)
redis.call('RPUSH', KEYS[2], item)
redis.call('SET', KEYS[3], item, 'EX', ARGV[3])
return flag
"""

_client: tuple[int, redis.Redis, object] | None = None


def client() -> redis.Redis | None:
    """One connection pool per process (a forked worker makes its own)."""
    return _connection()[0]


def _connection() -> tuple[redis.Redis | None, object]:
    global _client
    if not settings.REDIS_URL:
        return None, None
    if _client is None or _client[0] != os.getpid():
        conn = redis.Redis.from_url(settings.REDIS_URL)
        _client = (os.getpid(), conn, conn.register_script(RECORD_SCRIPT))
    return _client[1], _client[2]


def unique_key(network_id: int, offer_id: int, publisher_id: int, ip: str, agent: str) -> str:
    digest = hashlib.blake2b(agent.encode(), digest_size=8).hexdigest()  # stable across processes
    return f"uniq:{network_id}:{offer_id}:{publisher_id}:{ip}:{digest}"


def record(fields: dict, uniq: str) -> bool:
    """Store a click (fields as for Click(**fields) with ids for foreign keys); return whether
    it is the first of its (offer, publisher, IP, user agent) in 24 hours."""
    conn, script = _connection()
    if conn is None:
        is_unique = cache.add(uniq, 1, UNIQUE_SECONDS)
        Click.objects.create(is_unique=is_unique, **fields)
        return is_unique
    payload = json.dumps(fields | {"created_at": fields["created_at"].isoformat()})
    keys = [uniq, BUFFER_KEY, f"click:{fields['id']}"]
    return script(keys=keys, args=[payload, UNIQUE_SECONDS, PENDING_SECONDS]) == b"1"


def row_from_item(item: bytes) -> dict:
    data = json.loads(item)
    data["is_unique"] = bool(data.pop("u"))
    data["created_at"] = datetime.fromisoformat(data["created_at"])
    return data


def pending_click(click_id: str) -> Click | None:
    """A click still in the buffer, written now so a conversion can point at it."""
    conn = client()
    if conn is None:
        return None
    item = conn.get(f"click:{click_id}")
    if item is None:
        return None
    row = row_from_item(item)
    with transaction.atomic():
        Click.objects.bulk_create([Click(**row)], ignore_conflicts=True)
    return Click.objects.filter(pk=click_id).first()
