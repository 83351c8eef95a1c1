"""One email task for every kind of email about one object (network.tasks.send_email_of), each
kind's builder registered by its app (network.emails); the former per-kind tasks still run
the messages queued under their names, and send the same email."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from django.conf import settings

from network import emails
from network.celery import NetworkTask
from network.celery import app as celery_app

# Former task name, kind, the keyword that carried the object's id, extra keywords.
FORMER = [
    ("network.tasks.send_invitation_email", "invitation", "invitation_id", {}),
    ("offers.tasks.send_offer_review_email", "offer_review", "offer_id", {}),
    ("offers.tasks.send_offer_submitted_email", "offer_submitted", "offer_id", {}),
    ("offers.tasks.send_access_request_email", "access_request", "access_id", {}),
    ("offers.tasks.send_access_decision_email", "access_decision", "access_id", {}),
    ("publishers.tasks.send_publisher_decision_email", "publisher_decision", "publisher_id", {}),
    ("publishers.tasks.send_new_application_email", "new_application", "publisher_id", {}),
    (
        "publishers.tasks.send_postback_disabled_email",
        "postback_disabled",
        "postback_endpoint_id",
        {},
    ),
    ("webhooks.tasks.send_webhook_disabled_email", "webhook_disabled", "webhook_endpoint_id", {}),
    ("payouts.tasks.send_run_ready_email", "run_ready", "payout_run_id", {}),
    ("payouts.tasks.send_payout_email", "payout", "payout_line_id", {"event": "paid"}),
    ("payouts.tasks.send_invoice_email", "invoice_issued", "invoice_id", {}),
    (
        "payouts.tasks.send_payment_details_email",
        "payment_details_changed",
        "publisher_id",
        {},
    ),
]


@pytest.fixture
def sent(monkeypatch) -> list[tuple]:
    calls: list[tuple] = []
    monkeypatch.setattr(emails, "send_kind", lambda *args, **kwargs: calls.append((args, kwargs)))
    return calls


@pytest.mark.parametrize(("name", "kind", "id_name", "extra"), FORMER)
def test_a_message_queued_under_a_former_name_sends_the_kinds_email(
    sent, name, kind, id_name, extra
):
    celery_app.loader.import_default_modules()
    task = celery_app.tasks[name]
    assert isinstance(task, NetworkTask)
    task.apply(kwargs={"network_id": 3, id_name: 7, **extra}, throw=True)
    assert sent == [((kind, 7), extra)]
    assert kind in emails.kinds()


def test_the_generic_task_sends_by_kind_in_the_networks_scope(sent):
    from network.tasks import send_email_of

    assert isinstance(send_email_of, NetworkTask)
    kwargs = {"kind": "payout", "network_id": 3, "object_id": 9, "event": "paid"}
    send_email_of.apply(kwargs=kwargs, throw=True)
    assert sent == [(("payout", 9), {"event": "paid"})]
    with pytest.raises(TypeError, match="network_id"):
        send_email_of.apply(kwargs={"kind": "payout", "object_id": 9}, throw=True)


NEWER = {"offer_status"}  # notifications: an offer paused or resumed, to its publishers


def queued_kinds() -> set[str]:
    """Every kind= the code queues send_email_of with (a literal string)."""
    found = set()
    for app in (
        "network",
        "advertisers",
        "publishers",
        "offers",
        "tracking",
        "payouts",
        "invoices",
        "webhooks",
        "notifications",
    ):
        for path in (Path(settings.BASE_DIR) / app).rglob("*.py"):
            if "tests" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text())):
                if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                    continue
                target = node.func.value
                if getattr(target, "id", "") != "send_email_of":
                    continue
                for keyword in node.keywords:
                    if keyword.arg == "kind" and isinstance(keyword.value, ast.Constant):
                        found.add(keyword.value.value)
    return found


def test_every_kind_the_code_queues_has_a_builder():
    queued = queued_kinds()
    assert {"invitation", "offer_review", "payout", "invoice_issued"} <= queued
    assert queued <= set(emails.kinds())
    # Kinds born after send_email_of had no task of their own.
    assert {kind for _name, kind, _id, _extra in FORMER} | NEWER == set(emails.kinds())
