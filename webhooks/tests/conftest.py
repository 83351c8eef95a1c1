"""Fixtures of the webhook tests: outbound calls refused by default (as in production), a
receiver on the loopback address and a fresh subscription cache."""

from __future__ import annotations

import pytest

from webhooks.events import forget_subscriptions
from webhooks.tests.helpers import LOOPBACK, Receiver


@pytest.fixture
def receiver():
    server = Receiver()
    yield server
    server.close()


@pytest.fixture(autouse=True)
def _nothing_allowed_by_default(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []


@pytest.fixture
def allow_loopback(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = LOOPBACK


@pytest.fixture(autouse=True)
def _fresh_subscriptions():
    forget_subscriptions()
    yield
    forget_subscriptions()
