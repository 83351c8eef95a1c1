"""Publishers apply on the network's host; owners and managers approve or reject them."""

from __future__ import annotations

import pytest
from django.core import mail
from django_scopes import scope

from audit.models import AuditEntry
from conftest import client_for
from network.models import Membership, Role
from publishers.models import Publisher

APPLICATION = {
    "name": "Sunrise Deals",
    "website": "sunrise-deals.example",
    "traffic_sources": ["coupon", "email"],
    "traffic_description": "A coupon site with 40k newsletter subscribers.",
    "country": "VN",
}


@pytest.fixture
def applicant(network, outsider):
    client = client_for(network, outsider)
    client.post("/apply/", APPLICATION)
    with scope(network=network):
        return Publisher.objects.get(name="Sunrise Deals")


def test_it_records_an_application_and_shows_its_status(network, outsider):
    client = client_for(network, outsider)
    response = client.post("/apply/", APPLICATION, follow=True)
    assert response.redirect_chain[-1][0] == "/publisher/"
    assert b"Pending review" in response.content
    with scope(network=network):
        publisher = Publisher.objects.get()
        assert publisher.status == Publisher.Status.PENDING
        assert publisher.website == "https://sunrise-deals.example"
        assert publisher.traffic_sources == ["coupon", "email"]
        membership = Membership.objects.get(user=outsider)
        assert (membership.role, membership.publisher) == (Role.PUBLISHER, publisher)


def test_it_keeps_the_applicants_input_when_a_field_is_wrong(network, outsider):
    response = client_for(network, outsider).post(
        "/apply/", {**APPLICATION, "website": "not a url", "country": "ZZ"}
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert set(errors) == {"website", "country"}
    assert b"Sunrise Deals" in response.content  # nothing typed is lost
    with scope(network=network):
        assert not Publisher.objects.exists()


def test_it_asks_anonymous_applicants_to_sign_in_first(network):
    response = client_for(network).get("/apply/")
    assert response["Location"] == "/accounts/login/?next=/apply/"


def test_it_does_not_let_a_member_apply_again(network, publisher_user):
    response = client_for(network, publisher_user).post("/apply/", APPLICATION)
    assert response["Location"] == "/"
    with scope(network=network):
        assert Publisher.objects.count() == 1


def test_it_shows_pending_applications_on_the_admin_home(network, manager, applicant):
    response = client_for(network, manager).get("/manage/")
    assert list(response.context["pending_publishers"]) == [applicant]


def test_it_approves_an_application_and_tells_the_applicant(
    network, manager, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(network, manager).post(
            f"/manage/publishers/{applicant.pk}/", {"decision": "approve", "reason": ""}
        )
    assert response["Location"] == "/manage/publishers/"
    applicant.refresh_from_db()
    assert applicant.status == Publisher.Status.APPROVED
    assert applicant.reviewed_by == manager
    assert mail.outbox[-1].to == ["outsider@example.com"]
    assert "approved" in mail.outbox[-1].subject
    with scope(network=network):
        entry = AuditEntry.objects.get(action="publisher.reviewed")
    assert (entry.actor, entry.from_state, entry.to_state) == (manager, "pending", "approved")


def test_it_rejects_with_a_reason_the_applicant_sees(
    network, owner, outsider, applicant, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(network, owner).post(
            f"/manage/publishers/{applicant.pk}/",
            {"decision": "reject", "reason": "Incentivised traffic is not allowed."},
        )
    applicant.refresh_from_db()
    assert applicant.status == Publisher.Status.REJECTED
    assert "Incentivised traffic is not allowed." in mail.outbox[-1].body
    page = client_for(network, outsider).get("/publisher/")
    assert b"Incentivised traffic is not allowed." in page.content
    assert b"Rejected" in page.content


def test_it_will_not_reject_without_a_reason(network, owner, applicant):
    response = client_for(network, owner).post(
        f"/manage/publishers/{applicant.pk}/", {"decision": "reject", "reason": "  "}
    )
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    applicant.refresh_from_db()
    assert applicant.status == Publisher.Status.PENDING


@pytest.mark.parametrize("data", [{}, {"decision": "maybe"}, {"decision": ["x", "y"]}])
def test_it_answers_malformed_decisions_with_errors(network, owner, applicant, data):
    response = client_for(network, owner).post(f"/manage/publishers/{applicant.pk}/", data)
    assert response.status_code == 200
    assert response.context["form"].errors


def test_it_refuses_to_decide_the_same_thing_twice(network, owner, applicant):
    client = client_for(network, owner)
    client.post(f"/manage/publishers/{applicant.pk}/", {"decision": "approve"})
    response = client.post(f"/manage/publishers/{applicant.pk}/", {"decision": "approve"})
    assert response.status_code == 200
    assert "already Approved" in str(response.context["form"].non_field_errors())
    with scope(network=network):
        assert AuditEntry.objects.filter(action="publisher.reviewed").count() == 1


def test_it_lets_a_publisher_edit_their_profile(network, publisher_user):
    client = client_for(network, publisher_user)
    response = client.post("/publisher/profile/", {**APPLICATION, "name": "Alpha Media 2"})
    assert response["Location"] == "/publisher/"
    with scope(network=network):
        assert Publisher.objects.get().name == "Alpha Media 2"


def test_it_tells_the_admins_about_a_new_application(
    network, owner, manager, outsider, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(network, outsider).post("/apply/", APPLICATION)
    message = mail.outbox[-1]
    assert sorted(message.to) == ["manager@alpha.example", "owner@alpha.example"]
    assert "Sunrise Deals" in message.subject
    with scope(network=network):
        publisher = Publisher.objects.get()
    assert f"/manage/publishers/{publisher.pk}/" in message.body


def test_it_shows_an_approved_publisher_how_many_offers_they_run(network, owner, publisher_user):
    from conftest import make_world

    make_world(network, owner)  # gives the publisher one approved offer
    response = client_for(network, publisher_user).get("/publisher/")
    assert b"You run 1 offer" in response.content
    assert b'href="/publisher/offers/"' in response.content
