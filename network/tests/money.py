"""Helpers for tests of the money controls (network.step_up): two-factor on, and the recent
authentication allauth records when the password is entered again."""

from __future__ import annotations

import time

from allauth.mfa.models import Authenticator

from conftest import client_for
from network.models import Network, User


def with_mfa(user: User) -> User:
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    return user


def reauthenticated(client, user: User):
    """What allauth stores when the password is entered again (see its reauthentication)."""
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": time.time(), "reauthenticated": True}
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
    return client


def money_client(network: Network, user: User):
    """A client of `user`, with two-factor on, who just entered their password again."""
    return reauthenticated(client_for(network, with_mfa(user)), user)
