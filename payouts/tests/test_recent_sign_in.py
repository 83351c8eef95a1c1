"""README: approving payouts needs two-factor and the password "entered in the last five
minutes". A sign-in with the password and the two-factor code counts: approving right after
it asks nothing more (it asked for the password again before); five minutes later the
password is asked again, and the approval goes through once it is given."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, generate_totp_secret, hotp_value
from allauth.mfa.utils import encrypt
from django.conf import settings as django_settings

from conftest import PASSWORD, client_for
from payouts.tests.helpers import NOW
from payouts.tests.test_money_controls import earned as earned
from payouts.tests.test_money_controls import start_run, status_of
from payouts.tests.test_run_pages import world as world

WINDOW = timedelta(seconds=django_settings.ACCOUNT_REAUTHENTICATION_TIMEOUT)


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def secret(owner) -> str:
    """The owner's authenticator app."""
    secret = generate_totp_secret()
    Authenticator.objects.create(
        user=owner, type=Authenticator.Type.TOTP, data={"secret": encrypt(secret)}
    )
    return secret


def sign_in_with_code(network, user, secret):
    """Through allauth's forms: the password, then the code the app shows now."""
    client = client_for(network)
    asked = client.post("/accounts/login/", {"login": user.email, "password": PASSWORD})
    assert asked["Location"] == "/accounts/2fa/authenticate/"
    code = format_hotp_value(hotp_value(secret, int(time.time()) // 30))
    signed_in = client.post("/accounts/2fa/authenticate/", {"code": code})
    assert signed_in.status_code == 302 and "/accounts/" not in signed_in["Location"]
    return client


def test_approving_right_after_a_sign_in_with_password_and_code_asks_nothing_more(
    clock, network, owner, secret, earned
):
    run = start_run(network)
    client = sign_in_with_code(network, owner, secret)
    clock.shift(WINDOW - timedelta(seconds=5))
    response = client.post(f"/manage/payouts/{run.pk}/approve/")
    assert response["Location"] == f"/manage/payouts/{run.pk}/"
    assert status_of(run) == ("approved", owner.pk)


def test_approving_after_the_window_asks_for_the_password_again(
    clock, network, owner, secret, earned
):
    run = start_run(network)
    client = sign_in_with_code(network, owner, secret)
    clock.shift(WINDOW + timedelta(seconds=1))
    asked = client.post(f"/manage/payouts/{run.pk}/approve/")
    assert asked["Location"].startswith("/accounts/reauthenticate/")
    assert status_of(run) == ("review", None)
    replayed = client.post(asked["Location"], {"password": PASSWORD})
    assert replayed["Location"] == f"/manage/payouts/{run.pk}/"
    assert status_of(run) == ("approved", owner.pk)
