"""Types the checker needs where Django's own are too wide."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest


class TenantRequest(HttpRequest):
    """A request as the host middleware (network.middleware) leaves it: its network is set.
    Only a type: no request is ever made of this class."""

    network: Any
