"""Password guessing is slowed down on every login form: the network's, the platform's and the
Django admin's, which goes through allauth's login (rate limits, verification, two-factor)."""

from __future__ import annotations

from django.test import Client

from conftest import PASSWORD, client_for, make_user

TOO_MANY = b"Too many failed login attempts"
WRONG = b"not correct"


def attempt(client: Client, email: str, password: str):
    return client.post("/accounts/login/", {"login": email, "password": password})


def test_it_refuses_even_the_right_password_after_five_wrong_ones(network, owner):
    client = client_for(network)
    for _ in range(5):
        assert WRONG in attempt(client, owner.email, "guess").content
    refused = attempt(client, owner.email, PASSWORD)
    assert refused.status_code == 200 and TOO_MANY in refused.content
    assert "_auth_user_id" not in client.session


def test_it_counts_an_accounts_failures_on_every_host(network, other_network, owner):
    """The same account signs in on every network's host and the platform's: guesses spread
    over hosts share one counter."""
    for host in (network, other_network, None, network, other_network):
        assert WRONG in attempt(client_for(host), owner.email, "guess").content
    assert TOO_MANY in attempt(client_for(None), owner.email, PASSWORD).content


def test_it_answers_429_with_our_page_to_repeated_login_posts(network, owner):
    client = client_for(network)
    statuses = [attempt(client, f"u{n}@example.com", "guess").status_code for n in range(30)]
    assert set(statuses) == {200}  # wrong passwords (and then too many failures): the form
    response = attempt(client, owner.email, PASSWORD)
    assert response.status_code == 429
    assert b"Too many attempts" in response.content
    assert b"Alpha Network" in response.content  # our layout, not allauth's bare page


def test_it_sends_the_admin_login_to_allauths(db):
    response = Client(HTTP_HOST="localhost").get("/admin/login/?next=/admin/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=%2Fadmin%2F"


def test_it_no_longer_signs_in_through_the_admins_own_form(db):
    staff = make_user("staff@platform.example")
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client = Client(HTTP_HOST="localhost")
    response = client.post("/admin/login/", {"username": staff.email, "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_it_lets_staff_into_the_admin_through_allauths_login(db):
    staff = make_user("staff@platform.example")
    staff.is_staff = staff.is_superuser = True
    staff.save()
    client = Client(HTTP_HOST="localhost")
    response = client.post(
        "/accounts/login/?next=/admin/", {"login": staff.email, "password": PASSWORD}
    )
    assert response["Location"] == "/admin/"
    assert client.get("/admin/").status_code == 200
