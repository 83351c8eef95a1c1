"""Every email sent through network.emails.send_linked is also told in the portal: one
notification per recipient per event (a retried task tells no one twice), by each recipient's
choice of email, in the portal or both."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled

from conftest import make_default_goal, make_member, make_offer
from network.models import Membership, Role
from network.tasks import send_email_of
from notifications.models import Notification, NotificationPreference
from offers.models import Offer, OfferAccess
from offers.services import offer_transition


def rows(network, **filters):
    with scopes_disabled():
        return list(Notification.objects.filter(network=network, **filters))


def send(network, kind, object_id, task_id, **extra):
    """The task as a worker runs it (a redelivered message keeps its id)."""
    send_email_of.apply(
        kwargs={"kind": kind, "network_id": network.pk, "object_id": object_id, **extra},
        task_id=task_id,
    )


@pytest.fixture
def colleague(network, publisher_user):
    """A second user of the publisher company of publisher_user."""
    with scopes_disabled():
        company = Membership.objects.get(user=publisher_user).publisher
        user = make_member(network, Role.OWNER, "colleague@alpha.example")
        Membership.objects.filter(user=user).update(role=Role.PUBLISHER, publisher=company)
    return user


def test_one_notification_per_recipient_and_none_more_on_a_redelivery(
    network, publisher_user, colleague
):
    with scopes_disabled():
        company = Membership.objects.get(user=publisher_user).publisher
    send(network, "publisher_decision", company.pk, "task-1")
    send(network, "publisher_decision", company.pk, "task-1")  # the same message again
    notes = rows(network)
    assert sorted(n.user_id for n in notes) == sorted([publisher_user.pk, colleague.pk])
    assert {n.kind for n in notes} == {"publisher_decision"}
    assert all(n.path == "/" and n.title and n.read_at is None for n in notes)
    # A second event of the same kind about the same company is news again.
    send(network, "publisher_decision", company.pk, "task-2")
    assert len(rows(network, user=publisher_user)) == 2


def test_the_title_is_the_email_subject_in_the_recipients_language(network, publisher_user):
    with scopes_disabled():
        company = Membership.objects.get(user=publisher_user).publisher
    publisher_user.language = "vi"
    publisher_user.save(update_fields=["language"])
    send(network, "publisher_decision", company.pk, "task-1")
    (note,) = rows(network)
    subject = mail.outbox[-1].subject
    assert subject.endswith(note.title)  # the subject has the site's prefix before it
    assert note.title != "" and "&amp;" not in note.title


def choose(network, user, kind, *, email, in_app):
    with scopes_disabled():
        NotificationPreference.objects.create(
            network=network, user=user, kind=kind, email=email, in_app=in_app
        )


def test_email_only_makes_no_notification(network, publisher_user, colleague):
    with scopes_disabled():
        company = Membership.objects.get(user=publisher_user).publisher
    choose(network, publisher_user, "publisher_decision", email=True, in_app=False)
    send(network, "publisher_decision", company.pk, "task-1")
    assert [n.user_id for n in rows(network)] == [colleague.pk]
    assert sorted(mail.outbox[-1].to) == sorted([publisher_user.email, colleague.email])


def test_in_app_only_sends_no_email(network, publisher_user, colleague):
    with scopes_disabled():
        company = Membership.objects.get(user=publisher_user).publisher
    choose(network, publisher_user, "publisher_decision", email=False, in_app=True)
    send(network, "publisher_decision", company.pk, "task-1")
    assert len(rows(network)) == 2
    assert [m.to for m in mail.outbox] == [[colleague.email]]


def test_a_choice_in_one_network_is_not_anothers(network, other_network, publisher_user):
    """The same user in two networks chooses in each."""
    with scopes_disabled():
        company = Membership.objects.get(user=publisher_user).publisher
    choose(other_network, publisher_user, "publisher_decision", email=False, in_app=True)
    send(network, "publisher_decision", company.pk, "task-1")
    assert len(rows(network)) == 1 and mail.outbox[-1].to == [publisher_user.email]


def test_a_choice_of_another_kind_does_not_count(network, publisher_user):
    with scopes_disabled():
        company = Membership.objects.get(user=publisher_user).publisher
    choose(network, publisher_user, "payout_paid", email=True, in_app=False)
    send(network, "publisher_decision", company.pk, "task-1")
    assert len(rows(network)) == 1


def test_only_members_of_the_network_are_told(network, other_network, publisher_user):
    """An address of the email that belongs to a member of another network only: no row."""
    stranger = make_member(other_network, Role.OWNER, "stranger@beta.example")
    from network.emails import Occurrence
    from notifications.services import fan_out

    with scope(network=network):
        emailed = fan_out(
            "publisher_decision",
            [publisher_user.email, stranger.email],
            network,
            "/",
            {"publisher": None, "url": "x"},
            Occurrence(object_id=1, key="k"),
        )
    assert emailed == [publisher_user.email, stranger.email]
    assert [n.user_id for n in rows(network)] == [publisher_user.pk]
    assert rows(other_network) == []


@pytest.mark.django_db(transaction=True)
def test_publishers_running_an_offer_are_told_it_paused(network, owner, publisher_user):
    """offer.status_changed: the publishers with access hear of a pause and of the resume."""
    with scopes_disabled():
        company = Membership.objects.get(user=publisher_user).publisher
        advertiser = make_member(network, Role.ADVERTISER, "adv@alpha.example")
        offer = make_offer(
            network,
            Membership.objects.get(user=advertiser).advertiser,
            "Summer Sale",
            visibility=Offer.Visibility.APPROVAL,
        )
        make_default_goal(offer)
        OfferAccess.objects.create(
            network=network, offer=offer, publisher=company, status="approved"
        )
        bystander = make_member(network, Role.PUBLISHER, "other@alpha.example")
    with scope(network=network):
        offer_transition(offer=offer, to_status="paused", actor=owner, role=Role.OWNER)
        offer_transition(offer=offer, to_status="active", actor=owner, role=Role.OWNER)
    notes = sorted(rows(network, kind="offer_status"), key=lambda n: n.id)
    assert [n.user_id for n in notes] == [publisher_user.pk, publisher_user.pk]
    assert [n.title for n in notes] == ['"Summer Sale" is paused', '"Summer Sale" is live again']
    assert notes[0].path == f"/publisher/offers/{offer.pk}/"
    assert bystander.email not in {a for m in mail.outbox for a in m.to}
