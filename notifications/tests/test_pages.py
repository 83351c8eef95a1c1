"""The bell and the notification pages: a member's own notifications only, marking read by
POST (with the CSRF token), and the choice per kind."""

from __future__ import annotations

import re

import pytest
from django_scopes import scopes_disabled

from conftest import client_for, make_member
from network.models import Role
from notifications.models import Notification, NotificationPreference
from notifications.tests.helpers import notify


def unread_in_header(client, url="/notifications/") -> int:
    html = client.get(url, follow=True).content.decode()
    return int(re.search(r'class="bell-link" data-unread="(\d+)"', html).group(1))


@pytest.mark.parametrize("role", ["owner", "advertiser_user", "publisher_user"])
def test_every_roles_header_has_the_bell_with_the_unread_count(request, network, role):
    user = request.getfixturevalue(role)
    client = client_for(network, user)
    assert unread_in_header(client) == 0
    notify(network, user, "Paid", n=3)
    assert unread_in_header(client, "/") == 3  # the role's dashboard
    html = client.get("/notifications/").content.decode()
    assert '<span class="bell-count">3</span>' in html
    assert "Notifications: 3 unread" in html


def test_the_list_is_newest_first_paginated_and_links_to_what_it_is_about(network, publisher_user):
    notify(network, publisher_user, "Note", n=30)
    client = client_for(network, publisher_user)
    first = client.get("/notifications/").content.decode()
    assert first.index("Note 29") < first.index("Note 28")
    assert "Note 4" not in first and 'href="?page=2"' in first
    second = client.get("/notifications/?page=2").content.decode()
    assert "Note 4" in second and "Note 29" not in second
    assert 'href="/publisher/statements/"' in first


def test_mark_one_read_then_all(network, publisher_user):
    one, *_others = notify(network, publisher_user, "Note", n=3)
    client = client_for(network, publisher_user)
    response = client.post(f"/notifications/{one.pk}/read/", {"page": "1"})
    assert response.status_code == 302 and response.url == "/notifications/?page=1"
    assert unread_in_header(client) == 2
    assert client.get(f"/notifications/{one.pk}/read/").status_code == 405  # POST only
    client.post("/notifications/read-all/")
    assert unread_in_header(client) == 0
    with scopes_disabled():
        assert not Notification.objects.filter(read_at__isnull=True).exists()


def test_marking_read_needs_the_csrf_token(network, publisher_user):
    (note,) = notify(network, publisher_user, "Note")
    client = client_for(network, publisher_user, enforce_csrf_checks=True)
    assert client.post(f"/notifications/{note.pk}/read/").status_code == 403
    assert client.post("/notifications/read-all/").status_code == 403
    assert unread_in_header(client) == 1


def test_no_one_sees_or_marks_another_users_notification(network, publisher_user, owner):
    (mine,) = notify(network, publisher_user, "Mine")
    (theirs,) = notify(network, owner, "The owner's")
    client = client_for(network, publisher_user)
    page = client.get("/notifications/").content.decode()
    assert "Mine" in page and "The owner&#x27;s" not in page and "The owner's" not in page
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    client.post("/notifications/read-all/")
    with scopes_disabled():
        theirs.refresh_from_db()
        mine.refresh_from_db()
    assert theirs.read_at is None and mine.read_at is not None


def test_no_network_sees_another_networks(network, other_network, publisher_user):
    """The same user in two networks: each network's page and bell show its own only; an id
    of the other network is 404 here, and a non-member of a network is 404 there."""
    with scopes_disabled():
        from network.models import Membership

        company = make_member(other_network, Role.PUBLISHER, "x@beta.example")
        beta_publisher = Membership.objects.get(user=company).publisher
        Membership.objects.create(
            network=other_network,
            user=publisher_user,
            role=Role.PUBLISHER,
            publisher=beta_publisher,
        )
    notify(network, publisher_user, "Alpha news")
    (beta,) = notify(other_network, publisher_user, "Beta news", n=1)
    notify(other_network, publisher_user, "More beta", n=2)
    alpha = client_for(network, publisher_user)
    page = alpha.get("/notifications/").content.decode()
    assert "Alpha news" in page and "Beta news" not in page
    assert unread_in_header(alpha) == 1
    assert alpha.post(f"/notifications/{beta.pk}/read/").status_code == 404
    assert unread_in_header(client_for(other_network, publisher_user)) == 3
    outsider_client = client_for(other_network, make_member(network, Role.OWNER, "o@alpha.example"))
    assert outsider_client.get("/notifications/").status_code == 404


def test_anonymous_is_sent_to_sign_in(network):
    response = client_for(network).get("/notifications/")
    assert response.status_code == 302 and "/accounts/login/" in response.url


def test_preferences_offer_the_roles_kinds_and_save_the_choice(network, publisher_user):
    client = client_for(network, publisher_user)
    page = client.get("/notifications/preferences/").content.decode()
    assert "Your payout was paid" in page and "A payout run is ready for review" not in page
    response = client.post(
        "/notifications/preferences/",
        {"payout_paid": "email", "postback_disabled": "in_app", "payout_run_ready": "email"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        saved = {
            p.kind: (p.email, p.in_app)
            for p in NotificationPreference.objects.filter(user=publisher_user)
        }
    # Kinds left out of the post keep the default (both, no row); another role's is ignored.
    assert saved == {"payout_paid": (True, False), "postback_disabled": (False, True)}
    client.post("/notifications/preferences/", {"payout_paid": "both"})
    with scopes_disabled():
        assert not NotificationPreference.objects.filter(kind="payout_paid").exists()
    bad = client.post("/notifications/preferences/", {"payout_paid": "neither"})
    assert bad.status_code == 200 and b"Select a valid choice" in bad.content
