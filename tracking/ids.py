"""Click ids: made locally, unguessable, URL-safe, 32 characters, ordered by time."""

from __future__ import annotations

import re
import secrets
import time

CLICK_ID = re.compile(r"[0-9a-f]{32}")


def new_click_id() -> str:
    # 48 bits of milliseconds (sorts by time, kind to the primary-key index) + 80 random bits.
    return f"{time.time_ns() // 1_000_000:012x}{secrets.token_hex(10)}"


def is_click_id(value: str) -> bool:
    return bool(CLICK_ID.fullmatch(value))


def issued_at(click_id: str) -> float:
    """When the click id was made (Unix seconds), from its 48-bit millisecond prefix."""
    return int(click_id[:12], 16) / 1000
