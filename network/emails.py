"""Emails the portal sends about its own objects, rendered from templates/emails/.

Each kind of email about one object (an invitation, an offer to review, a payout line...) is
sent by one function of the object's id, its builder, which the generic task
network.tasks.send_email_of calls by the kind's name. The invitation's is here; each app
registers its own kinds when it loads (its AppConfig.ready: `emails.register("offer_review",
"offers.emails.send_offer_review")`), so that network imports no app.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from uuid import uuid4

from celery import current_task
from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.module_loading import import_string
from django.utils.translation import gettext
from django_scopes import get_scope

from network.models import ADMIN_ROLES, Invitation, Membership, Network, User
from network.services import mark_invitation_sent

# Kind -> builder (a function of the object's id and the kind's extra keyword values), or
# its dotted path, imported on first use.
Builder = Callable[..., None]
_builders: dict[str, str | Builder] = {}


def register(kind: str, builder: str | Builder) -> None:
    _builders[kind] = builder


def kinds() -> list[str]:
    return sorted(_builders)


def send_kind(kind: str, object_id: int, **extra: object) -> None:
    """Send the email of this kind about one object (inside its network's scope)."""
    builder = _builders[kind]
    if isinstance(builder, str):
        builder = _builders[kind] = import_string(builder)
    with _occurrence(object_id):
        builder(object_id, **extra)


# Who else hears of what an email says (the notifications app: the in-app notification of
# each recipient, and which recipients want no email of the kind). It is given the kind (the
# email's template), the addresses, the network, the page's path, the context and the
# occurrence, and answers the addresses to email. network imports no app: the app installs
# it when it loads (its AppConfig.ready); without it, every recipient is emailed.
FanOut = Callable[..., list[str]]
_fan_out: FanOut | None = None


@dataclass(frozen=True)
class Occurrence:
    """The one event an email is about: its object and a key that stays the same when the
    same message is sent again (the Celery task's id: a retry after the mail server failed,
    or a redelivery after a worker died), so a recipient is told once."""

    object_id: int
    key: str


_current: ContextVar[Occurrence | None] = ContextVar("email_occurrence", default=None)


def install_fan_out(fan_out: FanOut | None) -> None:
    global _fan_out
    _fan_out = fan_out


@contextmanager
def _occurrence(object_id: int) -> Iterator[None]:
    task_id = getattr(getattr(current_task, "request", None), "id", None)
    key = f"task:{task_id}" if task_id else f"call:{uuid4().hex}"
    token = _current.set(Occurrence(object_id=object_id, key=key))
    try:
        yield
    finally:
        _current.reset(token)


@dataclass(frozen=True)
class EmailSite:
    """What allauth's emails call `current_site`: whose mail it is, and that site's host."""

    name: str
    domain: str


def site_origin(network: Network | None) -> str:
    """Where links in emails lead: the network's own host (<slug>.<PLATFORM_DOMAIN>) or the
    platform's, never the Host header of the request that sent the mail (an alias, or a
    header an attacker chose for a reset link they hope to catch)."""
    if network is not None:
        return network.absolute_url("")
    port = f":{settings.PLATFORM_PORT}" if settings.PLATFORM_PORT else ""
    return f"{settings.PLATFORM_SCHEME}://{settings.PLATFORM_DOMAIN}{port}"


def email_site(network: Network | None) -> EmailSite:
    if network is not None:
        return EmailSite(name=network.name, domain=network.portal_host)
    return EmailSite(name=gettext("Affiliate portal"), domain=settings.PLATFORM_DOMAIN)


def send_templated(*, template: str, to: list[str], context: dict) -> None:
    """One email per language: each recipient's own, else the network's (the one in scope)."""
    if not to:
        return
    for language, recipients in sorted(recipients_by_language(to).items()):
        with translation.override(language):
            subject = render_to_string(f"emails/{template}_subject.txt", context).strip()
            body = render_to_string(f"emails/{template}.txt", context)
        send_mail(
            settings.ACCOUNT_EMAIL_SUBJECT_PREFIX + subject,
            body,
            settings.DEFAULT_FROM_EMAIL,
            recipients,
        )


def send_linked(
    template: str, to: list[str], network: Network, path: str, /, **context: object
) -> None:
    """`send_templated` whose context also holds the link ("url") to `path` of the portal;
    the recipients are first told in the portal (and those who want no email of this kind
    are left out), by the fan-out the notifications app installs."""
    context = {**context, "url": network.absolute_url(path)}
    occurrence = _current.get()
    if _fan_out is not None and occurrence is not None:
        to = _fan_out(template, to, network, path, context, occurrence)
    send_templated(template=template, to=to, context=context)


def portal_path(name: str, **kwargs: object) -> str:
    """A page of a network's portal (emails are sent outside any request's urlconf)."""
    return reverse(name, urlconf="network.urls", kwargs=kwargs)


def recipients_by_language(to: list[str]) -> dict[str, list[str]]:
    network_id = get_scope().get("network")
    network_id = getattr(network_id, "pk", network_id)
    default = settings.LANGUAGE_CODE
    if isinstance(network_id, int):
        default = (
            Network.objects.filter(pk=network_id).values_list("language", flat=True).first()
            or default
        )
    chosen = dict(
        User.objects.filter(email__in=to).exclude(language="").values_list("email", "language")
    )
    grouped: dict[str, list[str]] = {}
    for email in to:
        grouped.setdefault(chosen.get(email, default), []).append(email)
    return grouped


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


register("invitation", send_invitation)
