"""Notifications made as the fan-out makes them, for the page, API and isolation tests."""

from __future__ import annotations

from django_scopes import scopes_disabled

from network.models import Network, User
from notifications.models import Notification


def notify(network: Network, user: User, title: str, *, n: int = 1, kind: str = "payout_paid"):
    """`n` unread notifications of `user` in `network`, the last one newest."""
    with scopes_disabled():
        return [
            Notification.objects.create(
                network=network,
                user=user,
                kind=kind,
                object_id=i + 1,
                occurrence=f"test:{title}:{i}",
                title=f"{title} {i}" if n > 1 else title,
                path="/publisher/statements/",
            )
            for i in range(n)
        ]
