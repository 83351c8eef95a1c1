"""A test client that sends the tracking endpoints through the lean WSGI application.

tracking/tests/conftest.py runs every tracking test twice: with Django's test client (the
route in tracking.middleware.TrackingMiddleware) and with this one, which hands the request's
WSGI environ to tracking.lean_wsgi.TrackingApplication as a server would and turns the status,
headers and body it sends back into a response the tests read as usual (status_code,
headers, cookies, content). Requests the lean application leaves to Django (other paths,
unknown hosts) go through Django's test client, as tracking.wsgi hands them to Django.
"""

from __future__ import annotations

from django.http import HttpResponse
from django.test import Client

import conftest as shared
from tracking.lean_wsgi import TrackingApplication

ENTRY_POINTS = ["django", "lean"]


def enter_by(entry_point: str, monkeypatch) -> str:
    """Make conftest's clients (client_for...) reach the host through `entry_point`."""
    if entry_point == "lean":
        monkeypatch.setattr(shared, "Client", TrackingClient)
    return entry_point


class TrackingClient(Client):
    def request(self, **request):
        environ = self._base_environ(**request)
        sent: dict = {}
        delegated: list[bool] = []

        def django(environ, start_response):
            delegated.append(True)
            return []

        def start_response(status, headers):
            sent.update(status=status, headers=headers)

        # Like Django's test client: the test's transaction outlives the request.
        app = TrackingApplication(django, close_connections=False)
        body = b"".join(app(environ, start_response))
        if delegated:
            return super().request(**request)
        response = as_response(sent["status"], sent["headers"], body)
        response.client, response.request, response.wsgi_request = self, request, None
        if response.cookies:
            self.cookies.update(response.cookies)
        return response


def as_response(status: str, headers: list[tuple[str, str]], body: bytes) -> HttpResponse:
    code, reason = status.split(" ", 1)
    response = HttpResponse(body, status=int(code), reason=reason)
    del response["Content-Type"]
    for name, value in headers:
        if name == "Set-Cookie":
            response.cookies.load(value)
        else:
            response.headers[name] = value
    response.wsgi_headers = headers
    return response
