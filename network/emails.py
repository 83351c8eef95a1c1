"""Emails the portal sends about its own objects, rendered from templates/emails/."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string

from network.models import ADMIN_ROLES, Invitation, Membership
from network.services import mark_invitation_sent


def send_templated(*, template: str, to: list[str], context: dict) -> None:
    if not to:
        return
    subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
    body = render_to_string(f"emails/{template}.txt", context)
    send_mail(
        settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject, body, settings.DEFAULT_FROM_EMAIL, to
    )


def emails_of(memberships) -> list[str]:
    """The addresses of a set of members (a company's users, the admins)."""
    return sorted({m.user.email for m in memberships.select_related("user")})


def admin_emails() -> list[str]:
    """The owners and managers of the network in scope."""
    return emails_of(Membership.objects.filter(role__in=ADMIN_ROLES))


def send_invitation(invitation_id: int) -> None:
    invitation = Invitation.objects.select_related("network", "advertiser", "invited_by").get(
        pk=invitation_id
    )
    if not invitation.is_usable:
        return  # revoked or expired before the worker got to it: nothing to send
    send_templated(
        template="invitation",
        to=[invitation.email],
        context={"invitation": invitation, "url": invitation.accept_url()},
    )
    mark_invitation_sent(invitation)
