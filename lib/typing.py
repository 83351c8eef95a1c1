"""Types the checker needs where Django's own are too wide."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class TenantRequest(HttpRequest):
    """A request as the host middleware (network.middleware) leaves it: its network is set,
    and on the portal's pages the member's membership (network.access). Only a type: no
    request is ever made of this class."""

    network: Any
    membership: Any
