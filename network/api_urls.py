"""The API of a network's host: /api/v1/<role>/... plus the schema and its documentation.

Each role's endpoints live with their app (publishers/api.py, advertisers/api.py,
network/api_admin.py) and register on their own router here; /api/v1/me/ answers any key.
"""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from network.api_me import MeView

urlpatterns = [
    path("v1/me/", MeView.as_view(), name="api_me"),
    path(
        "schema/",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[AllowAny]),
        name="api_schema",
    ),
    # The split view serves its start-up script as a file: no inline script for the CSP.
    path(
        "docs/",
        SpectacularSwaggerSplitView.as_view(
            url_name="api_schema", authentication_classes=[], permission_classes=[AllowAny]
        ),
        name="api_docs",
    ),
]


def mount(prefix: str, module: str) -> None:
    """Adds a role's router (the module's `router`) when the module exists yet."""
    from importlib import import_module

    try:
        router = import_module(module).router
    except ModuleNotFoundError as missing:
        if missing.name != module:
            raise
        return
    urlpatterns.append(path(f"v1/{prefix}/", include(router.urls)))


mount("publisher", "publishers.api")
mount("advertiser", "advertisers.api")
mount("admin", "network.api_admin")
