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


# Registered under its name from when payment details were payouts': messages queued then run.
@shared_task(
    name="payouts.tasks.send_payment_details_email",
    base=NetworkTask,
    acks_late=True,
    autoretry_for=(OSError,),
    retry_backoff=True,
)
def send_payment_details_email(*, network_id: int, publisher_id: int) -> None:
    from publishers.emails import send_payment_details_changed

    send_payment_details_changed(publisher_id)


# Publisher postbacks. The first call of an endpoint is attempt 1; a failed call is tried
# again after 30 s, 1, 2, 4, 8 and 16 minutes (MAX_POSTBACK_RETRIES more calls), unless the
# endpoint was turned off meanwhile. Only the failing endpoint is retried.
MAX_POSTBACK_RETRIES = 6
POSTBACK_RETRY_BASE_SECONDS = 30


def postback_retry_countdown(retries: int) -> int:
    """Seconds before the next call, when `retries` calls were already retried."""
    return 2**retries * POSTBACK_RETRY_BASE_SECONDS


@shared_task(base=NetworkTask, acks_late=True)
def fire_conversion_postbacks(*, network_id: int, conversion_id: int, event: str = "created"):
    """Enqueue one call per endpoint the conversion fires (none when the publisher has none)."""
    from publishers.postback_services import postback_endpoints_for
    from tracking.models import Conversion

    conversion = Conversion.objects.filter(pk=conversion_id).first()
    if conversion is None:
        return
    for endpoint in postback_endpoints_for(conversion, event=event):
        fire_endpoint_postback.delay(
            network_id=network_id,
            postback_endpoint_id=endpoint.pk,
            conversion_id=conversion_id,
            event=event,
        )


@shared_task(base=NetworkTask, bind=True, acks_late=True, max_retries=MAX_POSTBACK_RETRIES)
def fire_endpoint_postback(
    self, *, network_id: int, postback_endpoint_id: int, conversion_id: int, event: str
):
    from publishers.postback_services import fire_postback
    from publishers.postbacks import PostbackEndpoint
    from tracking.models import Conversion

    endpoint = PostbackEndpoint.objects.filter(pk=postback_endpoint_id, is_active=True).first()
    conversion = (
        Conversion.objects.select_related("click", "offer").filter(pk=conversion_id).first()
    )
    if endpoint is None or conversion is None:
        return  # turned off or deleted since: nothing to call
    attempt = fire_postback(endpoint, conversion, event, attempt=self.request.retries + 1)
    if not attempt.ok and endpoint.is_active and self.request.retries < MAX_POSTBACK_RETRIES:
        # Enqueue the next try and end this one normally. (Raising Retry would also re-run
        # the task at once, ignoring the countdown, when tasks run eagerly in tests.)
        self.retry(countdown=postback_retry_countdown(self.request.retries), throw=False)


@shared_task(base=NetworkTask, acks_late=True)
def send_test_postback(*, network_id: int, postback_endpoint_id: int) -> None:
    """One call with sample values, logged as a test; it does not count as a failure."""
    from publishers.postback_services import fire_postback
    from publishers.postbacks import PostbackAttempt, PostbackEndpoint

    endpoint = PostbackEndpoint.objects.filter(pk=postback_endpoint_id).first()
    if endpoint is not None:
        fire_postback(endpoint, None, PostbackAttempt.Event.TEST)


@shared_task(base=NetworkTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True)
def send_postback_disabled_email(*, network_id: int, postback_endpoint_id: int) -> None:
    from publishers.postback_services import send_postback_disabled

    send_postback_disabled(postback_endpoint_id)


@shared_task(base=NetworkTask, acks_late=True)
def deliver_postback(*, network_id: int, postback_delivery_id: int) -> None:
    """One call of a queued delivery if it is still pending and due (else nothing: safe to run
    twice). A failed call sets the delivery's next due time; the sweep below queues it then."""
    from publishers.postback_deliveries import attempt_postback_delivery

    attempt_postback_delivery(postback_delivery_id)


@shared_task(base=NetworkTask, acks_late=True)
def deliver_postbacks(*, network_id: int, postback_delivery_ids: list[int]) -> None:
    """The calls of a chunk the conversion sweeper queued, one after the other (each claims
    its delivery first, so a chunk cut short by the time limit is finished by the sweep)."""
    from publishers.postback_deliveries import attempt_postback_delivery

    for delivery_id in postback_delivery_ids:
        attempt_postback_delivery(delivery_id)


@shared_task(acks_late=True)
def retry_due_postbacks() -> int:
    """Beat: one deliver_postback per delivery whose call is due (retries, lost messages)."""
    from publishers.postback_deliveries import due_postback_deliveries

    due = due_postback_deliveries()
    for network_id, delivery_id in due:
        deliver_postback.delay(network_id=network_id, postback_delivery_id=delivery_id)
    return len(due)
