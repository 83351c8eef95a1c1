"""The signature receivers check: `X-Webhook-Signature: v1=<hex HMAC-SHA256>` of
f"{timestamp}.{raw body}" keyed with the endpoint's secret (the whole "whsec_..." text, UTF-8).

The timestamp (Unix seconds, also sent as `X-Webhook-Timestamp`) is inside the signed text,
so a receiver that refuses old timestamps also refuses replays of a captured call.
"""

from __future__ import annotations

import hashlib
import hmac
import json

SCHEME = "v1"
TOLERANCE_SECONDS = 300


def body_bytes(payload: dict) -> bytes:
    """The exact bytes sent: the same for every attempt of a delivery."""
    return json.dumps(payload, separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def signature(secret: str, timestamp: int, body: bytes) -> str:
    signed = f"{timestamp}.".encode() + body
    digest = hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    return f"{SCHEME}={digest}"


def verify(secret: str, timestamp: str, body: bytes, header: str, *, now: float) -> bool:
    """The receiver's check (the README's recipe): a matching v1 signature, not too old."""
    try:
        sent_at = int(timestamp)
    except (TypeError, ValueError):
        return False
    if abs(now - sent_at) > TOLERANCE_SECONDS:
        return False
    expected = signature(secret, sent_at, body)
    return any(hmac.compare_digest(expected, part.strip()) for part in header.split(","))
