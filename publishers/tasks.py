from __future__ import annotations

from celery import shared_task

from network.celery import NetworkTask


@shared_task(base=NetworkTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True)
def send_publisher_decision_email(*, network_id: int, publisher_id: int) -> None:
    from publishers.emails import send_decision

    send_decision(publisher_id)


@shared_task(base=NetworkTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True)
def send_new_application_email(*, network_id: int, publisher_id: int) -> None:
    from publishers.emails import send_new_application

    send_new_application(publisher_id)
