"""Every test here runs on both entry points of the tracking endpoints: Django's route
(network.middleware.TenantMiddleware, Django's test client) and the lean WSGI application
that network.wsgi puts in front of Django (tracking.wsgi, through wsgi_client)."""

from __future__ import annotations

import pytest

from tracking import wsgi
from tracking.tests.wsgi_client import ENTRY_POINTS, enter_by


@pytest.fixture(autouse=True, params=ENTRY_POINTS)
def entry_point(request, monkeypatch) -> str:
    return enter_by(request.param, monkeypatch)


@pytest.fixture(autouse=True)
def _fresh_host_names():
    """Host header checks are remembered per process (tracking.wsgi): a test that changes
    ALLOWED_HOSTS or the platform domain starts from none."""
    wsgi._hostnames.clear()
    yield
    wsgi._hostnames.clear()
