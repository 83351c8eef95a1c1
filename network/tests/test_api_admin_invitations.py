"""The admins' invitations API (/api/v1/admin/invitations/, network/api_admin_members.py): the
Members page's invitations, judged by its form, made and revoked by its services, audited."""
# ruff: noqa: F811  (the fixtures imported from the admin API's tests are the tests' arguments)

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from network.models import Invitation, Role
from network.tests.admin_api_fixtures import (  # noqa: F401  (fixtures)
    api,
    company_api,
    foreign,
    key,
    world,
)
from network.tests.api import audit_of, error_of, fresh, ids

pytestmark = pytest.mark.django_db
API = "/api/v1/admin"


def test_it_invites_and_revokes_with_audit(
    api, manager, world, mailoutbox, django_capture_on_commit_callbacks
):
    body = {"email": "New.Boss@Example.com", "role": "manager", "status": "accepted"}
    with django_capture_on_commit_callbacks(execute=True):
        response = api.post(f"{API}/invitations/", body, format="json")
    assert response.status_code == 201, response.content
    row = response.json()
    assert (row["email"], row["role"], row["status"], row["usable"]) == (
        "new.boss@example.com",
        "manager",
        "pending",
        True,
    )
    with scopes_disabled():
        invitation = Invitation.objects.get(pk=row["id"])
    assert audit_of(invitation, "invitation.created")[0].actor_id == manager.pk
    assert [m.to for m in mailoutbox] == [["new.boss@example.com"]]
    assert row["id"] in ids(api.get(f"{API}/invitations/", {"role": "manager"}))

    url = f"{API}/invitations/{invitation.pk}/revoke/"
    revoked = api.post(url)
    assert revoked.status_code == 200, revoked.content
    assert (revoked.json()["status"], revoked.json()["usable"]) == ("revoked", False)
    assert len(audit_of(invitation, "invitation.revoked")) == 1
    again = error_of(api.post(url), 400)
    assert again["message"] == "Only a pending invitation can be revoked."


def test_an_advertiser_invitation_can_make_a_new_company(api, network, world):
    body = {"email": "ann@newshop.example", "role": "advertiser", "company_name": "New Shop"}
    response = api.post(f"{API}/invitations/", body, format="json")
    assert response.status_code == 201, response.content
    with scopes_disabled():
        invitation = Invitation.objects.select_related("advertiser").get(pk=response.json()["id"])
    assert invitation.advertiser.name == "New Shop"
    assert invitation.advertiser.network_id == network.pk
    assert len(audit_of(invitation.advertiser, "advertiser.created")) == 1


def test_an_invitation_is_judged_by_the_pages_form(api, owner, world):
    member = {"email": owner.email, "role": "manager"}
    fields = error_of(api.post(f"{API}/invitations/", member, format="json"), 400)["fields"]
    assert fields["email"] == ["This person is already a member of the network."]
    both = {
        "email": "x@shop.example",
        "role": "advertiser",
        "advertiser": world["advertiser"].pk,
        "company_name": "Another",
    }
    fields = error_of(api.post(f"{API}/invitations/", both, format="json"), 400)["fields"]
    assert fields["company_name"] == ["Pick an existing company or a new one, not both."]
    with scopes_disabled():
        assert not Invitation.objects.filter(email="x@shop.example").exists()


def test_invitations_refuse_another_networks_ids(api, world, foreign):
    body = {"email": "y@shop.example", "role": "advertiser", "advertiser": foreign["advertiser"].pk}
    response = api.post(f"{API}/invitations/", body, format="json")
    assert "does not exist" in error_of(response, 400)["fields"]["advertiser"][0]
    theirs = foreign["invitation"]
    assert error_of(api.post(f"{API}/invitations/{theirs.pk}/revoke/"), 404)
    assert fresh(theirs).status == Invitation.Status.PENDING


@pytest.mark.parametrize("role", [Role.ADVERTISER, Role.PUBLISHER])
def test_advertisers_and_publishers_may_not_invite(role, network, world):
    client = company_api(network, role)
    assert error_of(client.get(f"{API}/invitations/"), 403)
    body = {"email": "z@z.example", "role": "manager"}
    assert error_of(client.post(f"{API}/invitations/", body, format="json"), 403)
    with scopes_disabled():
        assert not Invitation.objects.filter(email="z@z.example").exists()
