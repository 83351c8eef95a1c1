"""The record behind `Idempotency-Key` (network.api_idempotency): one per network, user and key,
so that of two concurrent requests with one key, one claims it and the other is told so."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django_scopes import ScopedManager

MAX_KEY_LENGTH = 255


class IdempotencyRecord(models.Model):
    network = models.ForeignKey("network.Network", on_delete=models.CASCADE, related_name="+")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=MAX_KEY_LENGTH)
    fingerprint = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)  # None: still running
    body = models.JSONField(null=True)
    created_at = models.DateTimeField(default=timezone.now)

    objects = ScopedManager(network="network")

    class Meta:
        app_label = "network"
        constraints = [
            models.UniqueConstraint(fields=["network", "user", "key"], name="idempotency_key_once")
        ]

    def __str__(self) -> str:
        return f"{self.key} ({self.status_code or 'running'})"
