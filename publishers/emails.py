from __future__ import annotations

from network.emails import admin_emails, emails_of, portal_path, send_linked
from publishers.models import Publisher


def _publisher(publisher_id: int) -> Publisher:
    return Publisher.objects.select_related("network").get(pk=publisher_id)


def _users_of(publisher: Publisher) -> list[str]:
    return emails_of(publisher.memberships.all())


def send_decision(publisher_id: int) -> None:
    publisher = _publisher(publisher_id)
    send_linked(
        "publisher_decision", _users_of(publisher), publisher.network, "/", publisher=publisher
    )


def send_new_application(publisher_id: int) -> None:
    """Tell the network's owners and managers that a publisher waits for review."""
    publisher = _publisher(publisher_id)
    path = f"/manage/publishers/{publisher.pk}/"
    send_linked("publisher_applied", admin_emails(), publisher.network, path, publisher=publisher)


def send_payment_details_changed(publisher_id: int) -> None:
    """Tell every user of the publisher that its payment details changed (someone who took
    over one account cannot quietly redirect the money)."""
    publisher = _publisher(publisher_id)
    path = portal_path("publisher_payment_details")
    send_linked(
        "payment_details_changed",
        _users_of(publisher),
        publisher.network,
        path,
        publisher=publisher,
    )
