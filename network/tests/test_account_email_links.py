"""Account emails lead to the site's own host and say whose they are, whichever of the
site's host names (an alias) the request came in on."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django_scopes import scopes_disabled

from conftest import PASSWORD, client_for
from network.models import Domain

ALIAS = "partners.alpha-ads.example"


@pytest.fixture(autouse=True)
def _canonical_origin(settings):
    settings.PLATFORM_SCHEME = "https"
    settings.PLATFORM_PORT = ""


@pytest.fixture
def alias(network) -> str:
    """A valid host name of the alpha network that is not its canonical one."""
    with scopes_disabled():
        Domain.objects.create(network=network, hostname=ALIAS)
    return ALIAS


def links_in(message) -> list[str]:
    return re.findall(r"https?://[^\s\"'<>]+", message.body)


def only_mail():
    assert len(mail.outbox) == 1
    return mail.outbox[0]


def test_it_links_a_password_reset_to_the_networks_own_host(
    network, alias, publisher_user, django_capture_on_commit_callbacks
):
    client = client_for(network)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/accounts/password/reset/", {"email": publisher_user.email}, HTTP_HOST=alias
        )
    assert response.status_code == 302
    message = only_mail()
    [link] = [link for link in links_in(message) if "/accounts/password/reset/key/" in link]
    assert urlsplit(link)[:2] == ("https", network.portal_host)
    assert ALIAS not in message.body
    assert "Hello from Alpha Network!" in message.body
    assert "Thank you for using Alpha Network!" in message.body


def test_it_links_an_email_confirmation_to_the_networks_own_host(
    network, alias, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(network).post(
            "/accounts/signup/",
            {"email": "newbie@example.com", "password1": PASSWORD, "password2": PASSWORD},
            HTTP_HOST=alias,
        )
    message = only_mail()
    [link] = [link for link in links_in(message) if "/accounts/confirm-email/" in link]
    assert urlsplit(link)[:2] == ("https", network.portal_host)
    assert "Hello from Alpha Network!" in message.body


def test_it_links_the_unknown_account_mail_to_the_networks_own_host(
    network, alias, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(network).post(
            "/accounts/password/reset/", {"email": "nobody@example.com"}, HTTP_HOST=alias
        )
    message = only_mail()
    [link] = [link for link in links_in(message) if "/accounts/signup/" in link]
    assert urlsplit(link)[:2] == ("https", network.portal_host)


def test_it_links_a_platform_mail_to_the_platform_host(
    outsider, django_capture_on_commit_callbacks
):
    """A trailing dot (or any spelling the platform accepts) does not reach the link."""
    with django_capture_on_commit_callbacks(execute=True):
        client_for(None).post(
            "/accounts/password/reset/",
            {"email": outsider.email},
            HTTP_HOST="localhost.:8000",
        )
    message = only_mail()
    [link] = [link for link in links_in(message) if "/accounts/password/reset/key/" in link]
    assert urlsplit(link)[:2] == ("https", "localhost")
    assert "Hello from Affiliate portal!" in message.body


def test_it_links_an_invitation_to_the_networks_own_host(
    network, alias, owner, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        client_for(network, owner).post(
            "/manage/invitations/new/",
            {"email": "new@manager.example", "role": "manager"},
            HTTP_HOST=alias,
        )
    message = only_mail()
    [link] = links_in(message)
    assert urlsplit(link)[:2] == ("https", network.portal_host)
