"""The publishers' email tasks under their former names: messages queued before the generic
network.tasks.send_email_of (which the services queue now) still send. Postback tasks live in
webhooks/tasks.py (under their former names too)."""

from __future__ import annotations

from network.tasks import former_email_task

send_publisher_decision_email = former_email_task(
    "publishers.tasks.send_publisher_decision_email", "publisher_decision", "publisher_id"
)
send_new_application_email = former_email_task(
    "publishers.tasks.send_new_application_email", "new_application", "publisher_id"
)
