"""Every write a person or an integration makes through a page or the API leaves an audit row.

With AUDIT_GUARD=1 (or AUDIT_GUARD_REPORT=<file> to list instead of failing), the suite's
autouse fixture (conftest.py) wraps the test client: while Django answers a request,
every save or delete of an audited model is noted, with the audit rows the request wrote. When
the answer is out, each written object must be named by an audit row of that request, itself
or its parent (a goal's offer, a line's run): otherwise the test fails, naming the request and
the object. So a new page or endpoint that writes through the model instead of the service is
caught by whichever test exercises it; the service tests (test_audit_coverage.py) cover the
services one by one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field

from django.db.models.signals import post_delete, post_save

from network.audit import object_type

REPORT_TO = os.environ.get("AUDIT_GUARD_REPORT", "")
ENABLED = os.environ.get("AUDIT_GUARD", "") == "1" or bool(REPORT_TO)

# Audited models (app_label.model_name) -> the attribute naming the parent whose audit row also
# covers a write (None: only the object's own row).
AUDITED: dict[str, str | None] = {
    "network.network": None,
    "network.payoutminimum": "network",
    "network.invitation": None,
    "network.apikey": None,
    "advertisers.advertiser": None,
    "publishers.publisher": None,
    "publishers.publisherminimum": "publisher",
    "offers.offer": None,
    "offers.goal": "offer",
    "offers.cap": "offer",
    "offers.landingpage": "offer",
    "offers.creative": "offer",
    "offers.offeraccess": "offer",
    "offers.payoutoverride": "offer",
    "offers.payouttier": None,
    "offers.tiermembership": "tier",
    "offers.tierpayout": "tier",
    "payouts.payoutrun": None,
    "payouts.payoutline": "run",
    "publishers.paymentdetails": "publisher",
    "payouts.invoice": None,
    "payouts.creditnote": None,
    "webhooks.webhookendpoint": None,
    "webhooks.postbackendpoint": None,
}


@dataclass
class Writes:
    # (model label, pk) -> the (label, pk) pairs whose audit row would cover it
    written: dict[tuple[str, str], set[tuple[str, str]]] = field(default_factory=dict)
    audited: set[tuple[str, str]] = field(default_factory=set)

    def unaudited(self) -> list[tuple[str, str]]:
        return [obj for obj, covers in self.written.items() if not covers & self.audited]


_current: ContextVar[Writes | None] = ContextVar("audit_guard_writes", default=None)


def _key(instance) -> tuple[str, str]:
    # What the audit log calls the row (network.audit.object_type: a moved model keeps its name).
    return object_type(instance), str(instance.pk)


def _noted(sender, instance, **kwargs) -> None:
    writes = _current.get()
    if writes is None:
        return
    label = instance._meta.label_lower
    if label == "network.auditentry":
        writes.audited.add((instance.object_type, instance.object_id))
        return
    if label not in AUDITED:
        return
    covers = {_key(instance)}
    parent_attr = AUDITED[label]
    parent_id = getattr(instance, f"{parent_attr}_id", None) if parent_attr else None
    if parent_id is not None:
        parent_model = instance._meta.get_field(parent_attr).related_model
        parent_label = getattr(parent_model, "audit_type", "") or parent_model._meta.label_lower
        covers.add((parent_label, str(parent_id)))
    writes.written.setdefault(_key(instance), set()).update(covers)


post_save.connect(_noted, dispatch_uid="audit_guard_save")
post_delete.connect(_noted, dispatch_uid="audit_guard_delete")


@contextmanager
def collecting() -> Iterator[Writes]:
    writes = Writes()
    token = _current.set(writes)
    try:
        yield writes
    finally:
        _current.reset(token)


def checked_request(original):
    """Wraps django.test.Client.request: the request's writes must be audited."""

    def request(self, **environ):
        with collecting() as writes:
            response = original(self, **environ)
        missing = writes.unaudited()
        if missing:
            method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "")
            names = ", ".join(f"{label} #{pk}" for label, pk in missing)
            problem = f"{method} {path} wrote {names} without an audit row"
            if REPORT_TO:  # a survey of the whole suite, without failing it
                with open(REPORT_TO, "a") as report:
                    report.write(problem + "\n")
            else:
                raise AssertionError(problem)
        return response

    return request


def guard(monkeypatch, client_class) -> None:
    """Every request of `client_class` (and its subclasses: DRF's APIClient) is checked."""
    monkeypatch.setattr(client_class, "request", checked_request(client_class.request))
