"""The API's role routers: /api/v1/publisher/, /api/v1/advertiser/ and /api/v1/admin/.

Each domain app keeps its endpoints beside its pages, one module per role that uses it
(`offers/api_publisher.py`, `payouts/api_admin.py` ...), and each such module registers its
viewsets here when it loads: `api_router.register("admin", "payout-runs", PayoutRunViewSet,
basename="admin-payout-runs")`. network.api_urls imports every installed app's api_<role>
modules (the way Django's admin finds admin.py), so the framework names no app.
"""

from __future__ import annotations

from django.utils.module_loading import autodiscover_modules
from rest_framework.routers import SimpleRouter

ROLES = ("publisher", "advertiser", "admin")

_registry: dict[str, list[tuple[str, type, str]]] = {role: [] for role in ROLES}


def register(role: str, prefix: str, viewset: type, *, basename: str) -> None:
    if role not in _registry:
        raise ValueError(f"unknown API role {role!r}; one of {ROLES}")
    entry = (prefix, viewset, basename)
    if entry not in _registry[role]:
        _registry[role].append(entry)


def discover() -> None:
    """Imports each installed app's api_<role> modules, which register their viewsets."""
    autodiscover_modules(*(f"api_{role}" for role in ROLES))


def router_for(role: str) -> SimpleRouter:
    router = SimpleRouter()
    # An empty prefix's detail route would catch the other prefixes' paths: it goes last.
    for prefix, viewset, basename in sorted(_registry[role], key=lambda entry: entry[0] == ""):
        router.register(prefix, viewset, basename=basename)
    return router
