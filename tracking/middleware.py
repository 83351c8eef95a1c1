"""The tracking endpoints on Django's own route: the test client, ASGI, a server given
network.wsgi itself. Servers load tracking.wsgi, whose lean application answers them before
Django (tracking/lean_wsgi.py); this is the same route for Django's entry points.

Listed in settings.MIDDLEWARE right after the host middleware (network.middleware
.TenantMiddleware), which has set request.network and entered its scope: a click or a
postback is answered here, skipping sessions, auth, CSRF, messages, the CSP and the frame
headers (the conversion pixel's iframe must stay embeddable), at the cost of one dict lookup
for every other request.
"""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse

from tracking.responses import django_response
from tracking.views import ROUTES, dispatch


class TrackingMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        view = ROUTES.get(request.path.rstrip("/"))
        # Only on a network's host (the platform host has none): elsewhere Django answers.
        if view is not None and getattr(request, "network", None) is not None:
            return django_response(dispatch(request, view))
        return self.get_response(request)
