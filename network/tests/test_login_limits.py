"""Password guessing is slowed down on every login form: the network's, the platform's and the
Django admin's, which goes through allauth's login (rate limits, verification, two-factor)."""

from __future__ import annotations

from urllib.parse import urlsplit

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import generate_totp_secret
from allauth.mfa.utils import encrypt
from django.core import mail
from django.test import Client

from conftest import PASSWORD, client_for, make_user

TOO_MANY = b"Too many failed attempts: signing in is paused for up to 5 minutes."
WRONG = b"not correct"
WRONG_VI = "không đúng".encode()


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


def locked_out(client: Client, email: str):
    for _ in range(5):
        refused = attempt(client, email, "guess").content
        assert WRONG in refused or WRONG_VI in refused  # allauth's message, in the language
    return attempt(client, email, PASSWORD)


def test_the_lockout_says_how_long_and_what_to_do(network, owner):
    """allauth's message said neither: "Too many failed login attempts. Try again later."."""
    text = locked_out(client_for(network), owner.email).content.decode()
    assert (
        "Too many failed attempts: signing in is paused for up to 5 minutes. Wait, then try "
        "again, or reset your password (“Forgot your password?”) to sign in with a new one now."
    ) in text


def test_the_lockout_speaks_the_networks_language(network, owner):
    network.language = "vi"
    network.save()
    text = locked_out(client_for(network), owner.email).content.decode()
    assert "việc đăng nhập tạm dừng tối đa 5 phút" in text
    assert "Quên mật khẩu?" in text


def test_a_password_reset_lifts_the_lockout_as_the_message_says(
    network, owner, django_capture_on_commit_callbacks
):
    client = client_for(network)
    assert TOO_MANY in locked_out(client, owner.email).content
    with django_capture_on_commit_callbacks(execute=True):
        client.post("/accounts/password/reset/", {"email": owner.email})
    [link] = [word for word in mail.outbox[-1].body.split() if "/password/reset/key/" in word]
    form = client.get(urlsplit(link).path)["Location"]
    new_password = "staple-orbit-lantern-42"
    client.post(form, {"password1": new_password, "password2": new_password})
    signed_in = attempt(client_for(network), owner.email, new_password)
    assert signed_in.status_code == 302
    assert "/accounts/login/" not in signed_in["Location"]


def test_wrong_two_factor_codes_pause_signing_in_and_say_for_how_long(network, owner):
    Authenticator.objects.create(
        user=owner, type=Authenticator.Type.TOTP, data={"secret": encrypt(generate_totp_secret())}
    )
    client = client_for(network)
    assert attempt(client, owner.email, PASSWORD)["Location"] == "/accounts/2fa/authenticate/"
    for _ in range(5):
        client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    text = client.post("/accounts/2fa/authenticate/", {"code": "000000"}).content.decode()
    # Only waiting helps here: a password reset does not lift the codes' count.
    assert (
        "Too many failed attempts: signing in is paused for up to 5 minutes. Wait, then try again."
    ) in text
    assert "reset your password" not in text
