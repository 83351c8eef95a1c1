from __future__ import annotations

from django.urls import reverse

from network.emails import admin_emails, emails_of, send_templated
from publishers.models import Publisher


def send_decision(publisher_id: int) -> None:
    publisher = Publisher.objects.select_related("network").get(pk=publisher_id)
    recipients = emails_of(publisher.memberships.all())
    if not recipients:
        return
    send_templated(
        template="publisher_decision",
        to=recipients,
        context={"publisher": publisher, "url": publisher.network.absolute_url("/")},
    )


def send_new_application(publisher_id: int) -> None:
    """Tell the network's owners and managers that a publisher waits for review."""
    publisher = Publisher.objects.select_related("network").get(pk=publisher_id)
    send_templated(
        template="publisher_applied",
        to=admin_emails(),
        context={
            "publisher": publisher,
            "url": publisher.network.absolute_url(f"/manage/publishers/{publisher.pk}/"),
        },
    )


def send_payment_details_changed(publisher_id: int) -> None:
    """Tell every user of the publisher that its payment details changed (someone who took
    over one account cannot quietly redirect the money)."""
    publisher = Publisher.objects.select_related("network").get(pk=publisher_id)
    # Emails are sent outside any request's urlconf: the portal's own.
    path = reverse("publisher_payment_details", urlconf="network.urls")
    send_templated(
        template="payment_details_changed",
        to=emails_of(publisher.memberships.all()),
        context={"publisher": publisher, "url": publisher.network.absolute_url(path)},
    )
