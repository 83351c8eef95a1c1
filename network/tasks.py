"""Thin tasks: they take ids, load, and call the code that does the work."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command

from network import emails
from network.celery import NetworkTask

# The options of every email task: retried while the mail server is away.
EMAIL_TASK = dict(base=NetworkTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True)


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(*, subject: str, body: str, to: list[str], from_email: str, html: str = "") -> None:
    """Send an already rendered message (allauth's: its context holds one-time keys)."""
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@shared_task(**EMAIL_TASK)
def send_email_of(*, kind: str, network_id: int, object_id: int, **extra) -> None:
    """The email of a kind about one object ("invitation", "offer_review", "payout" with its
    event...), by the builder its app registered (network.emails)."""
    emails.send_kind(kind, object_id, **extra)


def former_email_task(name: str, kind: str, id_name: str):
    """The task an email kind had before send_email_of, under its old name and keyword
    (`offers.tasks.send_offer_review_email(network_id=, offer_id=)`): messages queued then
    still send, the same email."""

    def send(*, network_id: int, **kwargs) -> None:
        object_id = kwargs.pop(id_name)
        emails.send_kind(kind, object_id, **kwargs)

    send.__name__ = send.__qualname__ = name.rsplit(".", 1)[1]
    return shared_task(name=name, **EMAIL_TASK)(send)


send_invitation_email = former_email_task(
    "network.tasks.send_invitation_email", "invitation", "invitation_id"
)


@shared_task
def clear_expired_sessions() -> None:
    call_command("clearsessions")
