"""/api/v1/<role>/notifications/: the key's owner's own notifications in the key's network,
marking one or all read; another user's or network's id is 404, a key elsewhere 401."""

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from network.tests.api import api_client, assert_only_the_role_lists, error_of, ids, key_for, ok
from notifications.models import Notification
from notifications.tests.helpers import notify

URL = {
    "owner": "/api/v1/admin/notifications/",
    "publisher_user": "/api/v1/publisher/notifications/",
    "advertiser_user": "/api/v1/advertiser/notifications/",
}


@pytest.mark.parametrize("role", list(URL))
def test_each_roles_list_is_its_own(request, network, other_network, role):
    user = request.getfixturevalue(role)
    others = [request.getfixturevalue(r) for r in URL if r != role]
    assert_only_the_role_lists(network, other_network, URL[role], user, others)


def test_the_list_is_the_callers_own_newest_first(network, publisher_user, owner):
    notes = notify(network, publisher_user, "Note", n=3)
    notify(network, owner, "Owner's")
    client = api_client(network, key_for(network, publisher_user))
    body = ok(client.get(URL["publisher_user"]))
    assert [row["id"] for row in body["results"]] == [n.pk for n in reversed(notes)]
    row = body["results"][0]
    assert row["kind"] == "payout_paid" and row["kind_label"] == "Your payout was paid"
    assert row["url"] == network.absolute_url("/publisher/statements/")
    assert row["is_read"] is False and row["read_at"] is None


def test_mark_one_read_and_all(network, publisher_user):
    one, two, three = notify(network, publisher_user, "Note", n=3)
    client = api_client(network, key_for(network, publisher_user))
    answer = ok(client.post(f"{URL['publisher_user']}{one.pk}/read/"))
    assert answer["id"] == one.pk and answer["is_read"] is True
    assert ids(client.get(URL["publisher_user"] + "?unread=true")) == [three.pk, two.pk]
    assert ok(client.post(f"{URL['publisher_user']}read-all/")) == {"marked": 2}
    assert ids(client.get(URL["publisher_user"] + "?unread=true")) == []
    assert ok(client.post(f"{URL['publisher_user']}read-all/")) == {"marked": 0}


def test_another_users_and_another_networks_are_404(network, other_network, publisher_user, owner):
    from conftest import make_member
    from network.models import Role

    (theirs,) = notify(network, owner, "Owner's")
    beta_owner = make_member(other_network, Role.OWNER, "owner@beta.example")
    (elsewhere,) = notify(other_network, beta_owner, "Beta's")
    client = api_client(network, key_for(network, publisher_user))
    for note in (theirs, elsewhere):
        assert error_of(client.get(f"{URL['publisher_user']}{note.pk}/"), 404)
        assert error_of(client.post(f"{URL['publisher_user']}{note.pk}/read/"), 404)
    # The owner's key reads the owner's, not the publisher's; on beta's host it is no key.
    owner_key = key_for(network, owner)
    assert ids(api_client(network, owner_key).get(URL["owner"])) == [theirs.pk]
    assert error_of(api_client(other_network, owner_key).get(URL["owner"]), 401)
    assert error_of(api_client(other_network, owner_key).post(f"{URL['owner']}read-all/"), 401)
    with scopes_disabled():
        assert not Notification.objects.filter(read_at__isnull=False).exists()


def test_a_bad_filter_is_400(network, publisher_user):
    client = api_client(network, key_for(network, publisher_user))
    assert error_of(client.get(URL["publisher_user"] + "?kind=nope"), 400)
