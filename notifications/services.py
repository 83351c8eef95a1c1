"""Telling users in the portal, and what they do with it: every change here is one function
that the pages and the API both call.

`fan_out` is what network.emails.send_linked calls for every email it sends (installed by
NotificationsConfig.ready): for each recipient who is a member of the network it makes the
in-app notification (unless they turned it off for the kind) and answers the addresses that
still want the email. Reading and the preferences are the user's own business: they are not
audited (no one else's state changes), and every query names the user and the network.
"""

from __future__ import annotations

import html
from collections import defaultdict
from collections.abc import Iterable

from django.conf import settings
from django.db import transaction
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.timezone import now

from network.emails import Occurrence
from network.models import Membership, Network, User
from notifications.kinds import KINDS, kinds_for
from notifications.models import Notification, NotificationPreference

TITLE_MAX = Notification._meta.get_field("title").max_length or 300


def fan_out(
    kind: str,
    to: list[str],
    network: Network,
    path: str,
    context: dict,
    occurrence: Occurrence,
) -> list[str]:
    """Tell the members among `to` in the portal; answer the addresses to email."""
    members = {
        m.user.email: m.user
        for m in Membership.objects.filter(
            network=network, user__email__in=to, user__is_active=True
        )
        .select_related("user")
        .only("user__email", "user__language", "user__is_active")
    }
    choices = {
        p.user_id: p
        for p in NotificationPreference.objects.filter(
            network=network, kind=kind, user__in=list(members.values())
        )
    }
    told = [u for u in members.values() if u.pk not in choices or choices[u.pk].in_app]
    _notify(kind, told, network, path, context, occurrence)
    return [
        email
        for email in to
        if email not in members
        or choices.get(members[email].pk) is None
        or choices[members[email].pk].email
    ]


def _notify(
    kind: str,
    users: list[User],
    network: Network,
    path: str,
    context: dict,
    occurrence: Occurrence,
) -> None:
    """One row per user, titled in the user's language (else the network's) with the email's
    subject; a row of the same occurrence already there is left as it is."""
    by_language: dict[str, list[User]] = defaultdict(list)
    for user in users:
        by_language[user.language or network.language or settings.LANGUAGE_CODE].append(user)
    rows = []
    for language, readers in sorted(by_language.items()):
        with translation.override(language):
            # Plain text, as the email's subject (some subjects are rendered autoescaped).
            title = html.unescape(render_to_string(f"emails/{kind}_subject.txt", context).strip())
        rows += [
            Notification(
                network=network,
                user=user,
                kind=kind,
                object_id=occurrence.object_id,
                occurrence=occurrence.key,
                title=title[:TITLE_MAX],
                path=path,
            )
            for user in readers
        ]
    Notification.objects.bulk_create(rows, ignore_conflicts=True)


# Reading


def inbox(user: User, network: Network) -> QuerySet[Notification]:
    """The user's notifications in this network, newest first."""
    return Notification.objects.filter(network=network, user=user)


def unread_count(user: User, network: Network) -> int:
    return inbox(user, network).filter(read_at__isnull=True).count()


def notification_mark_read(user: User, network: Network, notification_id: int) -> Notification:
    """Mark one of the user's own notifications read (Notification.DoesNotExist for any
    other: another user's, another network's)."""
    notification = inbox(user, network).get(pk=notification_id)
    if notification.read_at is None:
        notification.read_at = now()
        inbox(user, network).filter(pk=notification.pk, read_at__isnull=True).update(
            read_at=notification.read_at
        )
    return notification


def notifications_mark_all_read(user: User, network: Network) -> int:
    """Mark every unread notification of the user here read; answers how many."""
    return inbox(user, network).filter(read_at__isnull=True).update(read_at=now())


# Preferences


def preferences_of(user: User, network: Network, role: str) -> list[tuple[str, bool, bool]]:
    """(kind, by email, in the portal) for every kind the role receives."""
    saved = {p.kind: p for p in NotificationPreference.objects.filter(network=network, user=user)}
    return [
        (kind.name, saved[kind.name].email, saved[kind.name].in_app)
        if kind.name in saved
        else (kind.name, True, True)
        for kind in kinds_for(role)
    ]


class PreferenceError(ValueError):
    pass


@transaction.atomic
def preferences_save(
    user: User, network: Network, choices: Iterable[tuple[str, bool, bool]]
) -> None:
    """Save (kind, by email, in the portal) for each kind given; the default (both) is kept
    as no row."""
    for kind, email, in_app in choices:
        if kind not in KINDS:
            raise PreferenceError(kind)
        if not (email or in_app):  # email, in the portal or both: never told nothing
            raise PreferenceError(kind)
        if email and in_app:
            NotificationPreference.objects.filter(network=network, user=user, kind=kind).delete()
            continue
        NotificationPreference.objects.update_or_create(
            network=network, user=user, kind=kind, defaults={"email": email, "in_app": in_app}
        )
