"""The offers' email tasks under their former names: messages queued before the generic
network.tasks.send_email_of (which the services queue now) still send."""

from __future__ import annotations

from network.tasks import former_email_task

send_offer_review_email = former_email_task(
    "offers.tasks.send_offer_review_email", "offer_review", "offer_id"
)
send_access_request_email = former_email_task(
    "offers.tasks.send_access_request_email", "access_request", "access_id"
)
send_access_decision_email = former_email_task(
    "offers.tasks.send_access_decision_email", "access_decision", "access_id"
)
send_offer_submitted_email = former_email_task(
    "offers.tasks.send_offer_submitted_email", "offer_submitted", "offer_id"
)
