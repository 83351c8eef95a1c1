"""The bell in every member's header: the unread count, counted only when a page shows it."""

from __future__ import annotations

from functools import cache

from django.http import HttpRequest

from network.access import current_membership
from notifications.services import unread_count


def bell(request: HttpRequest) -> dict:
    network = getattr(request, "network", None)
    if network is None or not request.user.is_authenticated:
        return {}

    @cache
    def unread() -> int:  # a template calls it (once: cached)
        if current_membership(request) is None:
            return 0
        return unread_count(request.user, network)

    return {"unread_notifications": unread}
