"""API keys: one per use, per user and network, shown once, stored as a hash.

A key reads `afk_<prefix>_<secret>`. The prefix (stored in clear, unique) finds the row and
lets people recognise a key in lists and logs; the whole key is stored only as its SHA-256
(a random 256-bit secret needs no slow hash: there is nothing to guess). A key acts with its
owner's current role in its network: removing the membership disables every key with it.

Minting a key needs a recent authentication (allauth's re-authentication: a key outlives the
session, so whoever holds only a stolen session cannot mint one). A key carries the scopes
chosen when it is made: `payouts:approve` (approve runs, mark lines paid, download payment
files) is granted only to an owner or manager with two-factor authentication on.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django_scopes import ScopedManager, scopes_disabled

from network import audit_hook
from network.models import ADMIN_ROLES, Membership, Network, User
from network.step_up import MONEY_SCOPE, mfa_refusal

KEY_PREFIX = "afk_"
HEADER_WORD = "Api-Key"
# last_used_at is written at most this often per key: not one UPDATE per API call.
LAST_USED_RESOLUTION = timedelta(minutes=1)
# The scopes a key may carry, beyond acting with its owner's role.
SCOPES = {
    MONEY_SCOPE: _("Approve payout runs, mark lines paid and download payment files"),
}


class ApiKeyError(ValueError):
    """Why a key cannot be made, in words for the page (translated when raised)."""


class ApiKey(models.Model):
    network = models.ForeignKey(Network, on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_keys"
    )
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    # Chosen when the key is made, never changed after (see SCOPES).
    scopes = models.JSONField(default=list, blank=True)
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

    @property
    def moves_money(self) -> bool:
        return MONEY_SCOPE in (self.scopes or [])


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


def scope_refusal(*, network: Network, user: User, scopes: list[str]) -> str:
    """Why `user` may not give a key these scopes, or ''."""
    unknown = sorted(set(scopes) - set(SCOPES))
    if unknown:
        return gettext("Unknown scope: %(scope)s.") % {"scope": ", ".join(unknown)}
    if MONEY_SCOPE not in scopes:
        return ""
    with scopes_disabled():  # the user's membership in this network, checked by network
        role = (
            Membership.objects.filter(network=network, user=user)
            .values_list("role", flat=True)
            .first()
        )
    if role not in ADMIN_ROLES:
        return gettext("Only owners and managers may give a key the %(scope)s scope.") % {
            "scope": MONEY_SCOPE
        }
    refusal = mfa_refusal(user)
    if refusal:
        return gettext("Turn on two-factor authentication to give a key the %(scope)s scope.") % {
            "scope": MONEY_SCOPE
        }
    return ""


@transaction.atomic
def api_key_create(
    *,
    network: Network,
    user: User,
    name: str,
    scopes: list[str] | tuple[str, ...] = (),
    recently_authenticated: bool,
) -> tuple[ApiKey, str]:
    """A new key for `user` in `network`; returns it with the raw key, which is never shown
    again. `recently_authenticated`: the caller saw allauth's recent authentication."""
    if not recently_authenticated:
        raise ApiKeyError(gettext("Confirm your password again to make an API key."))
    scopes = sorted(set(scopes))
    refusal = scope_refusal(network=network, user=user, scopes=scopes)
    if refusal:
        raise ApiKeyError(refusal)
    prefix = secrets.token_hex(4)
    raw = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    key = ApiKey.objects.create(
        network=network,
        user=user,
        name=name.strip()[:100],
        prefix=prefix,
        key_hash=hash_key(raw),
        scopes=scopes,
    )
    audit_hook.record_row(
        key,
        user,
        action="api_key.created",
        network=network,
        to_state="active",
        reason=f"scopes: {', '.join(scopes)}" if scopes else "",
    )
    return key, raw


@transaction.atomic
def api_key_revoke(*, key: ApiKey, actor: User) -> ApiKey:
    key = ApiKey.objects.select_for_update().get(pk=key.pk)
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
        audit_hook.record_row(
            key, actor, action="api_key.revoked", from_state="active", to_state="revoked"
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
