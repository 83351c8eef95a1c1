"""Every test here runs on both entry points of the tracking endpoints: Django's route
(tracking.middleware.TrackingMiddleware, Django's test client) and the lean WSGI application
that tracking.wsgi puts in front of Django (tracking.lean_wsgi, through wsgi_client)."""

from __future__ import annotations

import pytest

from tracking import lean_wsgi
from tracking.tests.helpers import runner_world
from tracking.tests.wsgi_client import ENTRY_POINTS, enter_by


@pytest.fixture(autouse=True, params=ENTRY_POINTS)
def entry_point(request, monkeypatch) -> str:
    return enter_by(request.param, monkeypatch)


@pytest.fixture
def world(network, owner, publisher_user):
    """make_world with world["runner"], the publisher who sends the clicks (tracking's
    helpers.runner_world); a module's own `world` goes before this one."""
    return runner_world(network, owner, publisher_user)


@pytest.fixture(autouse=True)
def _fresh_host_names():
    """Host header checks are remembered per process (tracking.lean_wsgi): a test that changes
    ALLOWED_HOSTS or the platform domain starts from none."""
    lean_wsgi._hostnames.clear()
    yield
    lean_wsgi._hostnames.clear()
