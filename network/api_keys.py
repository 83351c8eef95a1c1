"""API keys: one per use, per user and network, shown once, stored as a hash.

A key reads `afk_<prefix>_<secret>`. The prefix (stored in clear, unique) finds the row and
lets people recognise a key in lists and logs; the whole key is stored only as its SHA-256
(a random 256-bit secret needs no slow hash: there is nothing to guess). A key acts with its
owner's current role in its network: removing the membership disables every key with it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager, scopes_disabled

from network import audit
from network.models import Network, User

KEY_PREFIX = "afk_"
HEADER_WORD = "Api-Key"
# last_used_at is written at most this often per key: not one UPDATE per API call.
LAST_USED_RESOLUTION = timedelta(minutes=1)


class ApiKey(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    objects = ScopedManager(network="network")

    class Meta:
        app_label = "network"
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["network", "user"])]

    def __str__(self) -> str:
        return f"{self.name} ({KEY_PREFIX}{self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


def hash_key(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def split_key(raw: str) -> tuple[str, str] | None:
    """(prefix, secret) of a well-formed key, else None."""
    if not raw.startswith(KEY_PREFIX) or len(raw) > 100:
        return None
    prefix, _sep, secret = raw[len(KEY_PREFIX) :].partition("_")
    if len(prefix) != 8 or not secret:
        return None
    return prefix, secret


@transaction.atomic
def api_key_create(*, network: Network, user: User, name: str) -> tuple[ApiKey, str]:
    """A new key for `user` in `network`; returns it with the raw key, which is never shown
    again."""
    prefix = secrets.token_hex(4)
    raw = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        network=network, user=user, name=name.strip()[:100], prefix=prefix, key_hash=hash_key(raw)
    )
    audit.record(network=network, actor=user, action="api_key.created", obj=key, to_state="active")
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: User) -> ApiKey:
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit.record(
            network=key.network,
            actor=actor,
            action="api_key.revoked",
            obj=key,
            from_state="active",
            to_state="revoked",
        )
    return key


def key_for(network: Network, raw: str) -> ApiKey | None:
    """The active key `raw` of this network, or None (wrong network, revoked, malformed)."""
    parts = split_key(raw)
    if parts is None:
        return None
    with scopes_disabled():  # found by its globally unique prefix, then checked against network
        key = ApiKey.objects.select_related("user").filter(prefix=parts[0]).first()
    if key is None or key.network_id != network.pk or key.revoked_at is not None:
        return None
    if not hmac.compare_digest(key.key_hash, hash_key(raw)):
        return None
    return key


def note_use(key: ApiKey) -> None:
    moment = timezone.now()
    if key.last_used_at is None or moment - key.last_used_at > LAST_USED_RESOLUTION:
        with scopes_disabled():
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=moment)
        key.last_used_at = moment
