"""Schemathesis against /api/schema/, once with a key of each role: no answer is a 5xx, every
answer conforms to the schema (status, content type, body, headers), and every operation that
needs credentials refuses a call without them.

Generated calls hit the real WSGI application in-process, inside the test's transaction, on a
network holding one object of every kind (conftest.make_world). HYPOTHESIS_EXAMPLES (default
10) sets how many calls each operation gets per role.
"""

from __future__ import annotations

import os
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from schemathesis import checks

from conftest import make_member, make_world
from network.models import Role
from network.tests.api import api_client, key_for
from network.wsgi import application

EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", 10))
# What the schema promises. Not positive_data_acceptance: input the schema allows may still
# break a business rule (a rejection needs a reason; an offer id must be one of yours) and be
# refused with 400, which the schema documents.
CHECKS = [
    checks.not_a_server_error,
    checks.status_code_conformance,
    checks.content_type_conformance,
    checks.response_schema_conformance,
    checks.response_headers_conformance,
    checks.ignored_auth,
    checks.unsupported_method,
]


def headers_of(role: str, network, settings) -> dict[str, str]:
    """Headers of a key of `role` in a network with one object of every kind."""
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": "100000/min", "api_ip": "100000/min"},
    }
    owner = make_member(network, Role.OWNER, "owner@alpha.example")
    make_world(network, owner)
    user = owner if role == "owner" else make_member(network, Role(role), f"{role}@alpha.example")
    return {"Host": network.portal_host, "Authorization": f"Api-Key {key_for(network, user)}"}


def operations(network):
    document = api_client(network).get("/api/schema/", {"format": "json"}).json()
    schema = schemathesis.openapi.from_dict(document)
    schema.app = application
    return [result.ok() for result in schema.get_all_operations()]


def failures_of(operation, headers: dict[str, str]) -> list[str]:
    """Runs the operation's generated calls; the failures, with the call that made each."""
    found: list[str] = []

    @given(case=operation.as_strategy())
    @hypothesis_settings(
        max_examples=EXAMPLES,
        deadline=None,
        suppress_health_check=list(HealthCheck),
        derandomize=True,
        database=None,
    )
    def run(case) -> None:
        try:
            case.call_and_validate(headers=headers, checks=CHECKS)
        except Exception as failure:
            found.append(f"{operation.label}: {failure}"[:2000])

    run()
    return found


@contextmanager
def connection_kept_open():
    """The application is called as a server would, so Django would close the database
    connection at each request's start and end, and with it the test's transaction (which
    holds the data). Django's test client disconnects the same receiver around each of its
    requests (and connects it again after: so this comes after the last test-client call)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.parametrize("role", ["owner", "manager", "advertiser", "publisher"])
def test_every_answer_conforms_to_the_schema(role, network, settings):
    headers = headers_of(role, network, settings)
    every_operation = operations(network)
    with connection_kept_open():
        failures = [failure for op in every_operation for failure in failures_of(op, headers)]
    assert not failures, "\n\n".join(failures[:10])
