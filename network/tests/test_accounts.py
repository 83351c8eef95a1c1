"""Accounts as a user meets them: sign-up with email verification, login on network and
platform hosts, TOTP and recovery codes, password reset and change, lockout, logout.

Emails go out through the Celery task after commit, so requests that send mail run inside
django_capture_on_commit_callbacks(execute=True) and the test then reads mail.outbox."""

from __future__ import annotations

import re
import time
from urllib.parse import urlsplit

import pytest
import time_machine
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes
from allauth.mfa.totp.internal.auth import SECRET_SESSION_KEY, format_hotp_value, hotp_value
from django.core import mail

from conftest import PASSWORD, client_for, make_user
from network.models import User

NEW_PASSWORD = "staple-orbit-lantern-42"
LOGIN_URL = "/accounts/login/"
MFA_AUTHENTICATE_URL = "/accounts/2fa/authenticate/"
VERIFICATION_SENT_URL = "/accounts/confirm-email/"
TOTP_PERIOD = 30


def is_logged_in(client, user: User | None = None) -> bool:
    user_id = client.session.get("_auth_user_id")
    if user is None:
        return user_id is not None
    return user_id == str(user.pk)


def log_in(client, email: str, password: str = PASSWORD):
    return client.post(LOGIN_URL, {"login": email, "password": password})


def links_in(message) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", message.body)


def totp_code(secret: str, at: float | None = None) -> str:
    counter = int(time.time() if at is None else at) // TOTP_PERIOD
    return format_hotp_value(hotp_value(secret, counter))


def other_code(code: str) -> str:
    """A well-formed code that is not the given one."""
    return f"{(int(code) + 1) % 1_000_000:06d}"


@pytest.fixture
def frozen_period():
    """Freeze the clock at the start of a TOTP period so a computed code stays valid."""
    start = (int(time.time()) // TOTP_PERIOD) * TOTP_PERIOD
    with time_machine.travel(start, tick=False) as traveller:
        yield traveller


# Sign-up and email verification


def test_it_signs_up_on_a_network_host_and_verifies_the_email_from_the_link(
    network, django_capture_on_commit_callbacks
):
    client = client_for(network)
    email = "newbie@example.com"

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(
            "/accounts/signup/",
            {"email": email, "password1": PASSWORD, "password2": PASSWORD},
        )
    # Nothing is sent until the transaction commits; then the Celery task sends it.
    assert mail.outbox == []
    assert len(callbacks) == 1
    callbacks[0]()

    assert response.status_code == 302
    assert response["Location"] == VERIFICATION_SENT_URL
    user = User.objects.get(email=email)
    assert EmailAddress.objects.get(user=user, email=email).verified is False
    assert not is_logged_in(client)

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [email]
    assert message.subject.startswith("[Affiliate portal] ")
    confirm_links = [link for link in links_in(message) if "/accounts/confirm-email/" in link]
    assert len(confirm_links) == 1
    link = urlsplit(confirm_links[0])
    assert link.hostname == network.portal_host

    # Unverified, a correct password still does not sign the user in.
    other_client = client_for(network)
    response = log_in(other_client, email)
    assert response.status_code == 302
    assert response["Location"] == VERIFICATION_SENT_URL
    assert not is_logged_in(other_client)

    # GET shows a confirmation page and changes nothing (CONFIRM_EMAIL_ON_GET is off).
    response = client.get(link.path)
    assert response.status_code == 200
    assert b"<form" in response.content
    assert email.encode() in response.content
    assert EmailAddress.objects.get(user=user, email=email).verified is False
    assert not is_logged_in(client)

    # POST confirms and signs the user in (same browser that signed up).
    response = client.post(link.path)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert EmailAddress.objects.get(user=user, email=email).verified is True
    assert is_logged_in(client, user)

    # From now on the password works on its own.
    fresh = client_for(network)
    response = log_in(fresh, email)
    assert response["Location"] == "/"
    assert is_logged_in(fresh, user)


def test_it_refuses_a_made_up_confirmation_key(network):
    client = client_for(network)
    response = client.get("/accounts/confirm-email/not-a-real-key/")
    assert b"This email confirmation link expired or is invalid." in response.content
    response = client.post("/accounts/confirm-email/not-a-real-key/")
    assert response.status_code == 404
    assert not is_logged_in(client)


# Login


def assert_logs_in_home(client, user) -> None:
    """The login form signs `user` in and sends them home."""
    response = log_in(client, user.email)
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_logged_in(client, user)


def test_it_logs_in_with_email_and_password_on_a_network_host(network, publisher_user):
    client = client_for(network)
    assert_logs_in_home(client, publisher_user)
    # The member lands on their role's home.
    assert client.get("/")["Location"] == "/publisher/"


def test_it_logs_in_on_the_platform_host(db, outsider):
    assert_logs_in_home(client_for(None), outsider)


def test_it_accepts_the_email_in_any_case(network, publisher_user):
    client = client_for(network)
    log_in(client, publisher_user.email.upper())
    assert is_logged_in(client, publisher_user)


@pytest.mark.parametrize("on_network", [True, False])
def test_it_shows_an_error_for_a_wrong_password(request, db, outsider, on_network):
    network = request.getfixturevalue("network") if on_network else None
    client = client_for(network)
    response = log_in(client, outsider.email, "not-the-password")
    assert response.status_code == 200
    assert b"The email address and/or password you specified are not correct." in (response.content)
    assert not is_logged_in(client)


def test_it_shows_the_same_error_for_an_unknown_email(network):
    client = client_for(network)
    response = log_in(client, "nobody@example.com")
    assert response.status_code == 200
    assert b"The email address and/or password you specified are not correct." in (response.content)
    assert not is_logged_in(client)


# MFA


def enrol_totp(client, user: User) -> tuple[str, list[str]]:
    """Log in, re-authenticate as allauth asks, activate TOTP; return secret and codes."""
    response = log_in(client, user.email)
    assert is_logged_in(client, user)

    # Adding an authenticator asks for the password again first.
    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/reauthenticate/")
    response = client.post(response["Location"], {"password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"

    response = client.get("/accounts/2fa/totp/activate/")
    assert response.status_code == 200
    secret = client.session[SECRET_SESSION_KEY]
    assert secret.encode() in response.content  # shown for manual entry

    # A wrong code does not activate anything.
    response = client.post("/accounts/2fa/totp/activate/", {"code": other_code(totp_code(secret))})
    assert response.status_code == 200
    assert b"Incorrect code." in response.content
    assert not Authenticator.objects.filter(user=user).exists()

    response = client.post("/accounts/2fa/totp/activate/", {"code": totp_code(secret)})
    assert response.status_code == 302
    # Recovery codes are generated on activation and shown next.
    assert response["Location"] == "/accounts/2fa/recovery-codes/"
    assert set(Authenticator.objects.filter(user=user).values_list("type", flat=True)) == {
        Authenticator.Type.TOTP,
        Authenticator.Type.RECOVERY_CODES,
    }
    response = client.get("/accounts/2fa/recovery-codes/")
    assert response.status_code == 200
    codes = RecoveryCodes(
        Authenticator.objects.get(user=user, type=Authenticator.Type.RECOVERY_CODES)
    ).get_unused_codes()
    assert len(codes) == 10
    for code in codes:
        assert code.encode() in response.content

    response = client.post("/accounts/logout/")
    assert not is_logged_in(client)
    return secret, codes


def test_it_asks_for_a_totp_code_after_the_password(network, publisher_user, frozen_period):
    client = client_for(network)
    secret, _codes = enrol_totp(client, publisher_user)
    frozen_period.shift(TOTP_PERIOD)  # a fresh period: the activation code is not reused

    response = log_in(client, publisher_user.email)
    assert response.status_code == 302
    assert response["Location"] == MFA_AUTHENTICATE_URL
    assert not is_logged_in(client)

    # Only the second factor page is reachable; the app is not.
    response = client.get("/publisher/")
    assert response.status_code == 302
    assert not is_logged_in(client)

    response = client.post(MFA_AUTHENTICATE_URL, {"code": other_code(totp_code(secret))})
    assert response.status_code == 200
    assert b"Incorrect code." in response.content
    assert not is_logged_in(client)

    response = client.post(MFA_AUTHENTICATE_URL, {"code": totp_code(secret)})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_logged_in(client, publisher_user)


def test_it_refuses_a_totp_code_that_was_already_used(network, publisher_user, frozen_period):
    client = client_for(network)
    secret, _codes = enrol_totp(client, publisher_user)
    frozen_period.shift(TOTP_PERIOD)
    code = totp_code(secret)

    log_in(client, publisher_user.email)
    client.post(MFA_AUTHENTICATE_URL, {"code": code})
    assert is_logged_in(client, publisher_user)

    # Someone who saw the code cannot replay it within the same period.
    other = client_for(network)
    assert log_in(other, publisher_user.email)["Location"] == MFA_AUTHENTICATE_URL
    response = other.post(MFA_AUTHENTICATE_URL, {"code": code})
    assert response.status_code == 200
    assert b"Incorrect code." in response.content
    assert not is_logged_in(other)

    # The next period's code works.
    frozen_period.shift(TOTP_PERIOD)
    response = other.post(MFA_AUTHENTICATE_URL, {"code": totp_code(secret)})
    assert response["Location"] == "/"
    assert is_logged_in(other, publisher_user)


def test_it_refuses_a_stale_totp_code(network, publisher_user, frozen_period):
    client = client_for(network)
    secret, _codes = enrol_totp(client, publisher_user)
    stale = totp_code(secret)
    frozen_period.shift(3 * TOTP_PERIOD)

    log_in(client, publisher_user.email)
    response = client.post(MFA_AUTHENTICATE_URL, {"code": stale})
    assert b"Incorrect code." in response.content
    assert not is_logged_in(client)


@pytest.mark.parametrize(("steps", "accepted"), [(-1, True), (1, True), (-2, False), (2, False)])
def test_it_allows_one_step_of_clock_drift_either_way(
    network, publisher_user, frozen_period, steps, accepted
):
    """A phone a little off, or a code typed as its window ends, still signs in."""
    client = client_for(network)
    secret, _codes = enrol_totp(client, publisher_user)
    frozen_period.shift(3 * TOTP_PERIOD)  # far from the activation code's window
    code = totp_code(secret, at=time.time() + steps * TOTP_PERIOD)

    log_in(client, publisher_user.email)
    response = client.post(MFA_AUTHENTICATE_URL, {"code": code})
    assert is_logged_in(client, publisher_user) is accepted
    if not accepted:
        assert b"Incorrect code." in response.content


def test_it_refuses_a_used_code_for_as_long_as_it_is_accepted(
    network, publisher_user, frozen_period, settings
):
    """With the drift allowed a code is good for three steps: used once, it stays refused
    in the next one too (allauth alone remembers it for one step)."""
    # An in-process cache follows the frozen clock; Redis would count real seconds.
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client = client_for(network)
    secret, _codes = enrol_totp(client, publisher_user)
    frozen_period.shift(3 * TOTP_PERIOD)
    code = totp_code(secret)
    log_in(client, publisher_user.email)
    client.post(MFA_AUTHENTICATE_URL, {"code": code})
    assert is_logged_in(client, publisher_user)

    frozen_period.shift(TOTP_PERIOD + 1)  # the code is now one step old: still in the window
    other = client_for(network)
    log_in(other, publisher_user.email)
    response = other.post(MFA_AUTHENTICATE_URL, {"code": code})
    assert b"Incorrect code." in response.content
    assert not is_logged_in(other)


def test_it_logs_in_with_a_recovery_code_once(network, publisher_user, frozen_period):
    client = client_for(network)
    _secret, codes = enrol_totp(client, publisher_user)

    response = log_in(client, publisher_user.email)
    assert response["Location"] == MFA_AUTHENTICATE_URL
    response = client.post(MFA_AUTHENTICATE_URL, {"code": codes[0]})
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert is_logged_in(client, publisher_user)

    # A recovery code is single use.
    other = client_for(network)
    log_in(other, publisher_user.email)
    response = other.post(MFA_AUTHENTICATE_URL, {"code": codes[0]})
    assert b"Incorrect code." in response.content
    assert not is_logged_in(other)
    response = other.post(MFA_AUTHENTICATE_URL, {"code": codes[1]})
    assert response["Location"] == "/"
    assert is_logged_in(other, publisher_user)


# Password reset and change


def test_it_resets_a_forgotten_password_from_the_emailed_link(
    network, publisher_user, django_capture_on_commit_callbacks
):
    client = client_for(network)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": publisher_user.email})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/done/"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [publisher_user.email]
    reset_links = [link for link in links_in(message) if "/accounts/password/reset/key/" in link]
    assert len(reset_links) == 1
    link = urlsplit(reset_links[0])
    assert link.hostname == network.portal_host

    # The link swaps its key into the session and redirects to a key-less form URL.
    response = client.get(link.path)
    assert response.status_code == 302
    form_url = response["Location"]
    assert form_url.endswith("-set-password/")
    response = client.get(form_url)
    assert response.status_code == 200
    assert b'name="password1"' in response.content

    response = client.post(form_url, {"password1": NEW_PASSWORD, "password2": NEW_PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/key/done/"
    assert not is_logged_in(client)

    # The link is spent.
    response = client.get(link.path, follow=True)
    assert b'name="password1"' not in response.content

    old = client_for(network)
    response = log_in(old, publisher_user.email, PASSWORD)
    assert response.status_code == 200
    assert not is_logged_in(old)

    new = client_for(network)
    response = log_in(new, publisher_user.email, NEW_PASSWORD)
    assert response["Location"] == "/"
    assert is_logged_in(new, publisher_user)


def test_it_sends_no_reset_email_for_an_unknown_address(
    network, django_capture_on_commit_callbacks
):
    client = client_for(network)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/accounts/password/reset/", {"email": "nobody@example.com"})
    # Same answer as for a known address, so accounts cannot be enumerated.
    assert response["Location"] == "/accounts/password/reset/done/"
    assert all("/accounts/password/reset/key/" not in m.body for m in mail.outbox)


def test_it_changes_the_password_while_logged_in(network, publisher_user):
    client = client_for(network)
    log_in(client, publisher_user.email)
    assert is_logged_in(client, publisher_user)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": "wrong-old-password", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 200
    publisher_user.refresh_from_db()
    assert publisher_user.check_password(PASSWORD)

    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": NEW_PASSWORD, "password2": NEW_PASSWORD},
    )
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/change/"
    # ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE is off: this session stays signed in.
    assert is_logged_in(client, publisher_user)

    publisher_user.refresh_from_db()
    assert publisher_user.check_password(NEW_PASSWORD)
    assert not is_logged_in(client_for(network), publisher_user)
    old = client_for(network)
    log_in(old, publisher_user.email, PASSWORD)
    assert not is_logged_in(old)
    new = client_for(network)
    log_in(new, publisher_user.email, NEW_PASSWORD)
    assert is_logged_in(new, publisher_user)


def test_it_requires_login_to_change_the_password(network):
    response = client_for(network).get("/accounts/password/change/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN_URL)


# Lockout


def test_it_locks_an_email_out_after_five_failed_logins(network, publisher_user):
    client = client_for(network)
    for _ in range(5):
        response = log_in(client, publisher_user.email, "not-the-password")
        assert response.status_code == 200
        assert b"The email address and/or password you specified are not correct." in (
            response.content
        )

    # The correct password is refused too, from any browser.
    for attempt in (client, client_for(network)):
        response = log_in(attempt, publisher_user.email, PASSWORD)
        assert response.status_code == 200
        assert b"Too many failed attempts: signing in is paused for up to 5 minutes." in (
            response.content
        )
        assert not is_logged_in(attempt)

    # Other accounts are not affected.
    other = make_user("someone@example.com")
    client = client_for(network)
    log_in(client, other.email)
    assert is_logged_in(client, other)


def test_it_lets_the_email_in_again_after_the_lockout_window(network, publisher_user):
    with time_machine.travel(time.time(), tick=False) as traveller:
        client = client_for(network)
        for _ in range(5):
            log_in(client, publisher_user.email, "not-the-password")
        log_in(client, publisher_user.email)
        assert not is_logged_in(client)

        traveller.shift(5 * 60 + 1)
        log_in(client, publisher_user.email)
        assert is_logged_in(client, publisher_user)


# Logout


def test_it_logs_out_by_post(network, publisher_user):
    client = client_for(network)
    log_in(client, publisher_user.email)
    assert is_logged_in(client, publisher_user)

    # GET only asks for confirmation.
    response = client.get("/accounts/logout/")
    assert response.status_code == 200
    assert is_logged_in(client, publisher_user)

    response = client.post("/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/"
    assert not is_logged_in(client)
    assert client.get("/publisher/")["Location"].startswith(LOGIN_URL)
