from __future__ import annotations

from celery import shared_task

from network.celery import NetworkTask


@shared_task(base=NetworkTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True)
def send_offer_review_email(*, network_id: int, offer_id: int) -> None:
    from offers.emails import send_offer_review

    send_offer_review(offer_id)


@shared_task(base=NetworkTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True)
def send_access_request_email(*, network_id: int, access_id: int) -> None:
    from offers.emails import send_access_request

    send_access_request(access_id)


@shared_task(base=NetworkTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True)
def send_access_decision_email(*, network_id: int, access_id: int) -> None:
    from offers.emails import send_access_decision

    send_access_decision(access_id)


@shared_task(base=NetworkTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True)
def send_offer_submitted_email(*, network_id: int, offer_id: int) -> None:
    from offers.emails import send_offer_submitted

    send_offer_submitted(offer_id)
