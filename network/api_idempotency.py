"""`Idempotency-Key` on API POSTs: a client that retries after a timeout gets the first answer
again instead of a second payout run or a second decision.

The first request with a key claims it with a row (a unique constraint per network, user and
key decides between concurrent ones) and stores its answer when done. The same key again:
- with the same method, path and body -> the stored answer, replayed (`Idempotent-Replayed`);
- with another request -> 409;
- while the first is still running -> 409 (retry later).
An answer of 5xx is not kept, so a retry runs again. A claim left by a crashed worker is
taken over after STALE_AFTER.
"""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from network.idempotency import MAX_KEY_LENGTH, IdempotencyRecord

HEADER = "Idempotency-Key"
STALE_AFTER = timedelta(minutes=5)


class KeyConflict(exceptions.APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_conflict"


class Replay(Exception):
    """Raised from the view's `initial()` to answer with a stored response."""

    def __init__(self, response: Response) -> None:
        self.response = response


def fingerprint(request) -> str:
    """Method, path and body. A multipart body is hashed by its fields and files' contents, not
    its bytes: a client's retry of the same upload comes with another boundary."""
    django_request = request._request
    digest = hashlib.sha256()
    for part in (django_request.method, django_request.get_full_path()):
        digest.update(part.encode() + b"\0")
    if django_request.content_type == "multipart/form-data":
        for name, value in sorted(request.data.lists()):
            digest.update(name.encode() + b"\0")
            for item in value:
                digest.update(_content(item) + b"\0")
    else:
        digest.update(django_request.body)
    return digest.hexdigest()


def _content(item) -> bytes:
    if hasattr(item, "chunks"):  # an uploaded file: its name and bytes
        item.seek(0)
        content = hashlib.sha256(b"".join(item.chunks())).hexdigest()
        item.seek(0)
        return f"{item.name}:{content}".encode()
    return str(item).encode()


def claim(request) -> IdempotencyRecord | None:
    """The claimed record for this POST (None without a key); raises Replay or KeyConflict."""
    key = request.headers.get(HEADER, "").strip()
    if not key:
        return None
    if len(key) > MAX_KEY_LENGTH:
        raise exceptions.ValidationError(
            {HEADER: [_("At most %(n)d characters.") % {"n": MAX_KEY_LENGTH}]}
        )
    network, user, print_ = request._request.network, request.user, fingerprint(request)
    try:
        with transaction.atomic():
            return IdempotencyRecord.objects.create(
                network=network, user=user, key=key, fingerprint=print_
            )
    except IntegrityError:
        pass
    record = IdempotencyRecord.objects.get(network=network, user=user, key=key)
    if record.fingerprint != print_:
        raise KeyConflict(_("This Idempotency-Key was already used for another request."))
    if record.status_code is not None:
        response = Response(record.body, status=record.status_code)
        response["Idempotent-Replayed"] = "true"
        raise Replay(response)
    if not _take_over_stale(record):
        raise KeyConflict(_("A request with this Idempotency-Key is still being processed."))
    return record


def _take_over_stale(record: IdempotencyRecord) -> bool:
    now = timezone.now()
    taken = IdempotencyRecord.objects.filter(
        pk=record.pk, status_code__isnull=True, created_at__lt=now - STALE_AFTER
    ).update(created_at=now)
    return taken == 1


def settle(record: IdempotencyRecord, response) -> None:
    """Keep the answer for replays; forget the claim after a server error."""
    if response.status_code >= 500:
        record.delete()
        return
    data = getattr(response, "data", None)
    record.body = json.loads(JSONRenderer().render(data)) if data is not None else None
    record.status_code = response.status_code
    record.save(update_fields=["body", "status_code"])
