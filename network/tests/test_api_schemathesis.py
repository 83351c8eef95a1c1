"""Schemathesis against /api/schema/, once with a key of each role: no answer is a 5xx, every
answer conforms to the schema (status, content type, body, headers), every operation that
needs credentials refuses a call without them, and a method a route lacks answers 405 (or 403
to a role the route is not for).

The cases come from schemathesis' three phases, built as `schema.parametrize()` builds them:
- examples: the schema's own examples;
- coverage: each parameter's and body field's boundaries, wrong types, missing and unexpected
  values, ids not of the route's form (/caps/0.5/), and every HTTP method the route lacks;
- fuzzing: SCHEMATHESIS_EXAMPLES (default 10) valid calls per operation.
They are made once and replayed with each role's key, in-process through the WSGI application,
inside the test's transaction, on a network holding one object of every kind (make_world):
- a role gets all of them on its own namespace (/admin/ for owners, /advertiser/, /publisher/)
  and on /me/ (managers: see FULL_RUN);
- elsewhere, the methods the route lacks and the one default call: its role check answers 403
  before anything reads the body or the caller's company.
The coverage phase makes over a thousand cases for a body of many fields; the first
SCHEMATHESIS_PER_SCENARIO (default 8) of each kind per operation are kept, so that the run
stays within a few minutes on CI.

Deterministic: Hypothesis is derandomized while the cases are made (the same cases at every
run, so a failure here is a bug, never bad luck), and they are made in the schema's order.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager

import hypothesis
import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck
from schemathesis import checks
from schemathesis.generation.feedback import FeedbackSources
from schemathesis.generation.meta import TestPhase

# The builder behind `schema.parametrize()` (pinned schemathesis: requirements-dev.txt): it
# adds the coverage phase's cases to a Hypothesis test, which `operation.as_strategy()` lacks.
from schemathesis.pytest._test_builder import build_operation_test

from conftest import make_member, make_world
from network.models import Role
from network.tests.api import api_client, key_for
from network.wsgi import application

EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", 10))
PER_SCENARIO = int(os.environ.get("SCHEMATHESIS_PER_SCENARIO", 8))
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
# Where a role replays every case: its namespace and /me/. Managers only /me/: every admin
# route grants owners and managers alike (network.api_docs.admin_roles), so their run there
# would be the owner's again.
FULL_RUN = {
    Role.OWNER: ("/api/v1/admin/", "/api/v1/me/"),
    Role.MANAGER: ("/api/v1/me/",),
    Role.ADVERTISER: ("/api/v1/advertiser/", "/api/v1/me/"),
    Role.PUBLISHER: ("/api/v1/publisher/", "/api/v1/me/"),
}
# Elsewhere: the methods a route lacks and the one default call (403 first, or 405).
ELSEWHERE = {"unspecified_http_method", "default_positive_test"}
KIND = re.compile(r"^- (ST\d+ .+)$", re.MULTILINE)  # a failed check in schemathesis' report
_cases: list | None = None  # made once per test session (see every_case)


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


def operations(network) -> list:
    document = api_client(network).get("/api/schema/", {"format": "json"}).json()
    schema = schemathesis.openapi.from_dict(document)
    schema.app = application
    # Invalid input comes from the coverage phase, each kind of it; fuzzing sends valid input.
    # (Negative fuzzing also sends a multipart body without its Content-Type: DRF's 415.)
    schema.config.phases.fuzzing.generation.update(modes=[schemathesis.GenerationMode.POSITIVE])
    return [result.ok() for result in schema.get_all_operations()]


@contextmanager
def derandomized() -> Iterator[None]:
    """Hypothesis' default settings, derandomized and without its example database, while the
    cases are made: schemathesis draws some values (the coverage phase's) with them."""
    before = hypothesis.settings.default
    hypothesis.settings.register_profile("schemathesis-cases", derandomize=True, database=None)
    hypothesis.settings.register_profile("before-schemathesis-cases", parent=before)
    hypothesis.settings.load_profile("schemathesis-cases")
    try:
        yield
    finally:
        hypothesis.settings.load_profile("before-schemathesis-cases")


def cases_of(operation) -> list:
    """The operation's cases of the three phases, coverage cut to PER_SCENARIO of each kind."""
    made: list = []

    def keep(case) -> None:
        made.append(case)

    test = build_operation_test(
        config=operation.schema.config,
        operation=operation,
        test_func=keep,
        given_kwargs={},
        feedback=FeedbackSources(),
        explicit_settings=hypothesis.settings(
            max_examples=EXAMPLES,
            derandomize=True,
            database=None,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
    test()
    return first_of_each_kind(made)


def scenario(case) -> str:
    return str(getattr(case.meta.phase.data, "scenario", case.meta.phase.name))


def first_of_each_kind(cases: list) -> list:
    seen: Counter = Counter()
    kept = []
    for case in cases:
        kind = scenario(case)
        seen[kind] += 1
        if case.meta.phase.name != TestPhase.COVERAGE or seen[kind] <= PER_SCENARIO:
            kept.append(case)
    return kept


def every_case(network) -> list:
    """All operations' cases, made once: the schema does not depend on the test's data."""
    global _cases
    if _cases is None:
        with derandomized():
            _cases = [case for op in operations(network) for case in cases_of(op)]
    return _cases


def cases_for(role: str, cases: list) -> list:
    full = FULL_RUN[Role(role)]
    return [
        case
        for case in cases
        if case.operation.path.startswith(full) or scenario(case) in ELSEWHERE
    ]


def failure_of(case, headers: dict[str, str]) -> str | None:
    try:
        case.call_and_validate(headers=headers, checks=CHECKS)
    except (Exception, BaseExceptionGroup) as failure:  # schemathesis' FailureGroup is a Base...
        return f"{case.operation.label} [{scenario(case)}]: {failure}"[:2000]
    return None


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
    cases = cases_for(role, every_case(network))
    with connection_kept_open():
        failures = [found for case in cases if (found := failure_of(case, headers))]
    assert not failures, summary(failures)


def summary(failures: list[str]) -> str:
    """How many failures of each kind (ST101 Server error...), then the first ten in full."""
    kinds = Counter(kind for failure in failures for kind in KIND.findall(failure))
    counted = "\n".join(f"{count:5} {kind}" for kind, count in kinds.most_common())
    return f"{len(failures)} failures:\n{counted}\n\n" + "\n\n".join(failures[:10])
