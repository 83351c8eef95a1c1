"""The API of a network's host: /api/v1/<role>/... plus the schema and its documentation.

Each role's endpoints live with their app and register on their role's router
(network.api_router); /api/v1/me/ answers any key.
"""

from __future__ import annotations

from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.permissions import AllowAny

from network import api_router
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


# The apps' api_<role> modules register their viewsets (network.api_router).
api_router.discover()

for role in api_router.ROLES:
    urlpatterns.append(path(f"v1/{role}/", include(api_router.router_for(role).urls)))
