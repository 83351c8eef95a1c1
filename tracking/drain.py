"""The drainer: moves clicks from the Redis buffer to PostgreSQL in batches.

A batch is first moved, atomically, to a processing list; it is written with COPY into a
temporary table and inserted with ON CONFLICT DO NOTHING; only then is the processing list
deleted. A drainer killed at any point re-reads the processing list when it restarts: the
batch is written again and the conflicts drop what had already landed, so nothing is lost
and nothing is duplicated.
"""

from __future__ import annotations

from django.db import connection, transaction
from django_scopes import scopes_disabled

from tracking.buffer import BUFFER_KEY, PROCESSING_KEY, client, row_from_item
from tracking.models import Click

MOVE_SCRIPT = """
local out = {}
for i = 1, tonumber(ARGV[1]) do
  local item = redis.call('LMOVE', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')
  if not item then break end
  out[#out + 1] = item
end
return out
"""
LOCK_KEY = "clicks:drainer"
COLUMNS = [field.attname for field in Click._meta.concrete_fields]


def drain_once(batch_size: int) -> int:
    """Write one batch (a leftover one first); returns how many clicks it held."""
    conn = client()
    items = conn.lrange(PROCESSING_KEY, 0, -1)
    if not items:
        items = conn.register_script(MOVE_SCRIPT)(
            keys=[BUFFER_KEY, PROCESSING_KEY], args=[batch_size]
        )
    if not items:
        return 0
    write_rows([row_from_item(item) for item in items])
    conn.delete(PROCESSING_KEY)
    return len(items)


def write_rows(rows: list[dict]) -> None:
    with scopes_disabled(), transaction.atomic():  # explicit: clicks of every network
        if connection.vendor == "postgresql":
            _copy_rows(rows)
        else:
            Click.objects.bulk_create([Click(**row) for row in rows], ignore_conflicts=True)


def _copy_rows(rows: list[dict]) -> None:
    columns = ", ".join(COLUMNS)
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE IF NOT EXISTS click_batch "
            "(LIKE tracking_click INCLUDING DEFAULTS) ON COMMIT DELETE ROWS"
        )
        with cursor.copy(f"COPY click_batch ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([row[name] for name in COLUMNS])
        cursor.execute(
            f"INSERT INTO tracking_click ({columns}) SELECT {columns} FROM click_batch "  # noqa: S608
            "ON CONFLICT (id) DO NOTHING"
        )


def buffered() -> int:
    conn = client()
    return conn.llen(BUFFER_KEY) + conn.llen(PROCESSING_KEY) if conn else 0
