"""Owners and managers invite advertisers and managers; links expire and can be revoked."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
import time_machine
from django.core import mail
from django.utils import timezone
from django_scopes import scope

from advertisers.models import Advertiser
from audit.models import AuditEntry
from conftest import client_for, make_user
from network.models import Invitation, Membership, Role


def invite(client, capture, **data):
    with capture(execute=True):
        return client.post("/manage/invitations/new/", data)


@pytest.fixture
def advertiser_invitation(network, owner, django_capture_on_commit_callbacks):
    invite(
        client_for(network, owner),
        django_capture_on_commit_callbacks,
        email="Buyer@Shop.example",
        role="advertiser",
        company_name="Shop Ltd",
    )
    with scope(network=network):
        return Invitation.objects.get()


def link_in(message) -> str:
    return re.search(r"https?://\S+", message.body).group(0)


def test_it_creates_the_company_and_emails_a_link(network, advertiser_invitation):
    message = mail.outbox[-1]
    assert message.to == ["buyer@shop.example"]
    link = urlsplit(link_in(message))
    assert link.hostname == "alpha.localhost"
    assert link.path == f"/invitations/{advertiser_invitation.key}/"
    assert "Shop Ltd" in message.body
    with scope(network=network):
        assert advertiser_invitation.advertiser == Advertiser.objects.get(name="Shop Ltd")
        assert advertiser_invitation.sent_at is not None
        assert AuditEntry.objects.filter(action="invitation.created").count() == 1


def test_it_makes_the_invitee_a_user_of_the_company(network, advertiser_invitation):
    invitee = make_user("buyer@shop.example")
    client = client_for(network, invitee)
    assert client.get(f"/invitations/{advertiser_invitation.key}/").status_code == 200
    response = client.post(f"/invitations/{advertiser_invitation.key}/", follow=True)
    assert response.redirect_chain[-1][0] == "/advertiser/"
    assert b"Shop Ltd" in response.content
    with scope(network=network):
        membership = Membership.objects.get(user=invitee)
        assert (membership.role, membership.advertiser.name) == (Role.ADVERTISER, "Shop Ltd")
    advertiser_invitation.refresh_from_db()
    assert advertiser_invitation.status == Invitation.Status.ACCEPTED


def test_it_lets_a_new_person_sign_up_from_the_link_without_a_second_email(
    network, advertiser_invitation, django_capture_on_commit_callbacks
):
    client = client_for(network)
    path = f"/invitations/{advertiser_invitation.key}/"
    assert b"Sign up" in client.get(path).content
    sent = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/accounts/signup/?next={path}",
            {
                "email": "buyer@shop.example",
                "password1": "Pl3nty-long-pw",
                "password2": "Pl3nty-long-pw",
            },
        )
    assert response["Location"] == path  # signed in, email counted as verified
    assert len(mail.outbox) == sent
    assert client.post(path)["Location"] == "/"


def test_it_invites_a_manager_who_can_then_manage(
    network, manager, django_capture_on_commit_callbacks
):
    invite(
        client_for(network, manager),
        django_capture_on_commit_callbacks,
        email="second@alpha.example",
        role="manager",
    )
    with scope(network=network):
        invitation = Invitation.objects.get()
    assert invitation.advertiser is None
    invitee = make_user("second@alpha.example")
    client = client_for(network, invitee)
    client.post(f"/invitations/{invitation.key}/")
    assert client.get("/manage/").status_code == 200


def test_it_refuses_an_expired_invitation(network, advertiser_invitation):
    invitee = make_user("buyer@shop.example")
    later = timezone.now() + timedelta(days=8)
    with time_machine.travel(later):
        response = client_for(network, invitee).post(f"/invitations/{advertiser_invitation.key}/")
    assert response.status_code == 410
    assert b"expired" in response.content
    with scope(network=network):
        assert not Membership.objects.filter(user=invitee).exists()


def test_it_refuses_a_revoked_invitation(network, owner, advertiser_invitation):
    client_for(network, owner).post(f"/manage/invitations/{advertiser_invitation.pk}/revoke/")
    invitee = make_user("buyer@shop.example")
    response = client_for(network, invitee).post(f"/invitations/{advertiser_invitation.key}/")
    assert response.status_code == 410
    assert b"revoked" in response.content
    with scope(network=network):
        assert AuditEntry.objects.filter(action="invitation.revoked").count() == 1


def test_it_refuses_a_used_invitation(network, advertiser_invitation):
    invitee = make_user("buyer@shop.example")
    client = client_for(network, invitee)
    client.post(f"/invitations/{advertiser_invitation.key}/")
    response = client.post(f"/invitations/{advertiser_invitation.key}/")
    assert response.status_code == 410
    assert b"already been used" in response.content


def test_it_refuses_an_invitation_meant_for_someone_else(network, advertiser_invitation):
    stranger = make_user("stranger@example.com")
    response = client_for(network, stranger).post(f"/invitations/{advertiser_invitation.key}/")
    assert response.status_code == 410
    assert b"buyer@shop.example" in response.content
    with scope(network=network):
        assert not Membership.objects.filter(user=stranger).exists()


@pytest.mark.parametrize("key", ["nope", "x" * 300, "%00", "with%20space"])
def test_it_explains_a_wrong_link(network, key):
    response = client_for(network).get(f"/invitations/{key}/")
    assert response.status_code == 404
    assert b"not valid" in response.content


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"email": "not-an-email", "role": "manager"}, "email"),
        ({"email": "a@b.example", "role": "owner"}, "role"),
        ({"email": "a@b.example", "role": "advertiser"}, "company_name"),
        ({"email": "owner@alpha.example", "role": "manager"}, "email"),
        ({"email": "a@b.example", "role": "advertiser", "advertiser": "999999"}, "advertiser"),
    ],
)
def test_it_explains_bad_invitation_input(network, owner, data, field):
    response = client_for(network, owner).post("/manage/invitations/new/", data)
    assert response.status_code == 200
    assert field in response.context["form"].errors
    with scope(network=network):
        assert not Invitation.objects.exists()


def test_it_does_not_offer_another_networks_company(network, other_network, owner):
    from django_scopes import scopes_disabled

    with scopes_disabled():
        foreign = Advertiser.objects.create(network=other_network, name="Beta Brand")
    response = client_for(network, owner).post(
        "/manage/invitations/new/",
        {"email": "a@b.example", "role": "advertiser", "advertiser": str(foreign.pk)},
    )
    assert "advertiser" in response.context["form"].errors
    assert b"Beta Brand" not in response.content


def test_it_will_not_send_a_second_open_invitation(network, owner, advertiser_invitation):
    response = client_for(network, owner).post(
        "/manage/invitations/new/", {"email": "buyer@shop.example", "role": "manager"}
    )
    assert "still open" in str(response.context["form"].errors["email"])
