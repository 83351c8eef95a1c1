"""The Celery set-up a deployment relies on, and one task run by a real worker process.

The worker test needs a broker and a database that another process can share with the
test run (Redis or RabbitMQ, and PostgreSQL); it is skipped, saying why, everywhere else.
"""

from __future__ import annotations

import time

import pytest
from django_scopes import scope, scopes_disabled

from network import tasks
from network.celery import NetworkTask
from network.celery import app as celery_app
from network.models import Invitation, Role
from network.services import invitation_create
from network.tests.celery_worker import TASK_TIMEOUT, read_log, worker_skip_reason


@pytest.mark.skipif(worker_skip_reason() is not None, reason=worker_skip_reason() or "")
@pytest.mark.django_db(transaction=True)
def test_a_worker_process_sends_the_invitation_after_commit(network, owner, celery_worker_process):
    queue, log = celery_worker_process

    with scope(network=network):
        # invitation_create is atomic: in this autocommit test its block commits, and
        # delay_on_commit publishes to the broker only then.
        invitation = invitation_create(
            network=network, invited_by=owner, email="new.manager@alpha.example", role=Role.MANAGER
        )

    deadline = time.monotonic() + TASK_TIMEOUT
    sent_at = None
    while time.monotonic() < deadline:
        with scopes_disabled():
            sent_at = Invitation.objects.values_list("sent_at", flat=True).get(pk=invitation.pk)
        if sent_at is not None:
            break
        time.sleep(0.25)

    output = read_log(log)
    assert sent_at is not None, (
        f"Invitation.sent_at not set {TASK_TIMEOUT} s after commit (queue {queue}); "
        f"worker output:\n{output}"
    )
    assert "network.tasks.send_email_of" in output, output


# The configuration the deployment relies on.


def test_tasks_and_results_are_json_only():
    conf = celery_app.conf
    assert conf.accept_content == ["json"]
    assert conf.task_serializer == "json"
    assert conf.result_serializer == "json"


def test_tasks_are_acked_late_one_at_a_time():
    conf = celery_app.conf
    assert conf.task_acks_late is True
    assert conf.task_reject_on_worker_lost is True
    assert conf.worker_prefetch_multiplier == 1


def test_tasks_have_time_limits_shorter_than_the_redelivery_timeout():
    conf = celery_app.conf
    assert conf.task_soft_time_limit
    assert conf.task_time_limit
    assert conf.task_soft_time_limit < conf.task_time_limit
    # With Redis, an unacked (late-acked) task is redelivered after visibility_timeout.
    assert conf.broker_transport_options.get("visibility_timeout", 3600) > conf.task_time_limit


def test_every_beat_entry_names_a_registered_task():
    celery_app.loader.import_default_modules()
    schedule = celery_app.conf.beat_schedule
    assert schedule
    unknown = {name: entry["task"] for name, entry in schedule.items()}
    unknown = {name: task for name, task in unknown.items() if task not in celery_app.tasks}
    assert not unknown, f"beat entries naming unregistered tasks: {unknown}"


# NetworkTask: every task about a network runs inside that network's scope.


@pytest.fixture
def invitation(network, owner) -> Invitation:
    with scopes_disabled():
        return Invitation.objects.create(
            network=network, email="invitee@alpha.example", role=Role.MANAGER, invited_by=owner
        )


def test_send_invitation_email_is_a_network_task():
    assert isinstance(tasks.send_invitation_email, NetworkTask)


def test_a_network_task_runs_in_the_networks_scope(network, invitation, mailoutbox):
    tasks.send_invitation_email.apply(
        kwargs={"network_id": network.pk, "invitation_id": invitation.pk}, throw=True
    )

    invitation.refresh_from_db()
    assert invitation.sent_at is not None
    assert [message.to for message in mailoutbox] == [["invitee@alpha.example"]]


def test_a_network_task_cannot_reach_another_networks_rows(other_network, invitation, mailoutbox):
    with pytest.raises(Invitation.DoesNotExist):
        tasks.send_invitation_email.apply(
            kwargs={"network_id": other_network.pk, "invitation_id": invitation.pk}, throw=True
        )
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    assert mailoutbox == []


@pytest.mark.parametrize(
    "extra",
    [{}, {"network_id": None}, {"network_id": "1"}],
    ids=["missing", "none", "string"],
)
def test_a_network_task_without_an_integer_network_id_is_refused(invitation, mailoutbox, extra):
    with pytest.raises(TypeError, match="network_id"):
        tasks.send_invitation_email.apply(
            kwargs={"invitation_id": invitation.pk, **extra}, throw=True
        )
    invitation.refresh_from_db()
    assert invitation.sent_at is None
    assert mailoutbox == []
