"""Thin tasks: they take ids, load, and call the code that does the work."""

from __future__ import annotations

from celery import shared_task
from django.core.mail import EmailMultiAlternatives
from django.core.management import call_command

from network.celery import NetworkTask


@shared_task(acks_late=True, autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_email(*, subject: str, body: str, to: list[str], from_email: str, html: str = "") -> None:
    """Send an already rendered message (allauth's: its context holds one-time keys)."""
    message = EmailMultiAlternatives(subject, body, from_email, to)
    if html:
        message.attach_alternative(html, "text/html")
    message.send()


@shared_task(base=NetworkTask, acks_late=True, autoretry_for=(OSError,), retry_backoff=True)
def send_invitation_email(*, network_id: int, invitation_id: int) -> None:
    from network.emails import send_invitation

    send_invitation(invitation_id)


@shared_task
def clear_expired_sessions() -> None:
    call_command("clearsessions")
