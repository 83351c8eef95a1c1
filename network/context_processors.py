from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest

from network.access import current_membership


def tenant(request: HttpRequest) -> dict:
    network = getattr(request, "network", None)
    return {
        "network": network,
        "membership": current_membership(request) if network is not None else None,
        "platform_domain": settings.PLATFORM_DOMAIN,
    }
