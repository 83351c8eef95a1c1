"""Fixtures named after domain nouns. Data is made under scopes_disabled(); the code under
test runs in the request's or task's scope, so an unscoped query in the app fails a test."""

from __future__ import annotations

import os
from decimal import Decimal

import pytest
from allauth.account.models import EmailAddress
from celery._state import _set_task_join_will_block
from django.core.cache import cache
from django.test import Client
from django_scopes import scopes_disabled

from advertisers.models import Advertiser
from network import middleware as host_cache
from network.celery import app as celery_app
from network.models import Membership, Network, PayoutMinimum, Role, User
from network.sessions import bind
from network.tests import audit_guard
from network.tests.celery_worker import (  # noqa: F401  (fixtures)
    celery_queue,
    celery_worker_process,
)
from publishers.models import Publisher
from tracking import lookups

PASSWORD = "correct-horse-battery-9"

# The browser tests' fixtures (one Chromium per module, a page per person, the live server's
# URL on alpha.localhost, screenshots), for every app's browser tests.
pytest_plugins = ["network.tests.browser"]

# The tests' `manage.py` subprocesses (drainer, sweeper, settings checks) run on the suite's
# settings, not on the checkout's development ones (.env, which manage.py reads and which the
# environment overrides).
os.environ.setdefault("DEBUG", "0")


@pytest.fixture(autouse=True)
def _every_write_audited(monkeypatch):
    """A page or endpoint that writes an audited model without its audit row fails the test
    that calls it (network/tests/audit_guard.py; AUDIT_GUARD=0 turns it off)."""
    if audit_guard.ENABLED:
        audit_guard.guard(monkeypatch, Client)


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    host_cache._local.clear()
    lookups.forget_all()
    yield
    cache.clear()
    host_cache._local.clear()
    lookups.forget_all()


@pytest.fixture(autouse=True)
def _clicks_written_directly(settings):
    """Clicks go straight to the table; tests of the Redis buffer turn it on themselves."""
    settings.REDIS_URL = ""


@pytest.fixture(autouse=True)
def _follow_ups_inline(settings):
    """A postback's follow-ups run after its commit in-process (tracking.follow_ups), as eager
    Celery runs tasks; the tests of the sweeper turn it off and run the sweeper themselves."""
    settings.FOLLOW_UPS_INLINE = True


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploads made by a test go to its own temporary folder, not var/media."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _eager_celery():
    """Tasks run in-process (after commit) in ordinary tests; the real-worker test opts out."""
    celery_app.conf.task_always_eager = True
    celery_app.conf.task_eager_propagates = True
    # Celery's "a join would block" flag is one global, set and restored around each eager
    # apply_async. Two threads of a race test interleaving there can leave it set for good,
    # and every later `.apply().get()` in this process then fails: start each test with it off.
    _set_task_join_will_block(False)
    yield
    celery_app.conf.task_always_eager = False


def make_user(email: str, *, verified: bool = True, password: str = PASSWORD) -> User:
    user = User.objects.create_user(email, password)
    EmailAddress.objects.create(user=user, email=email, verified=verified, primary=True)
    return user


def make_network(slug: str, name: str | None = None) -> Network:
    """A USD network with the minimum payout a new network gets (50.00 USD)."""
    network = Network.objects.create(slug=slug, name=name or slug.title())
    with scopes_disabled():
        PayoutMinimum.objects.create(network=network, currency="USD", amount=5000)
    return network


def set_minimum(network: Network, currency: str, amount) -> None:
    """The network's minimum payout in `currency` (major units: 10 for 10.00 USD)."""
    from lib.money import to_minor

    with scopes_disabled():
        PayoutMinimum.objects.update_or_create(
            network=network,
            currency=currency,
            defaults={"amount": to_minor(Decimal(amount), currency)},
        )


def make_member(network: Network, role: Role, email: str, company: str | None = None) -> User:
    """A verified user with a membership; advertisers and publishers get their company."""
    with scopes_disabled():
        user = make_user(email)
        extra: dict[str, object] = {}
        if role == Role.ADVERTISER:
            extra["advertiser"] = Advertiser.objects.create(
                network=network, name=company or f"{email} Co"
            )
        elif role == Role.PUBLISHER:
            extra["publisher"] = Publisher.objects.create(
                network=network,
                name=company or f"{email} Media",
                website="https://pub.example",
                country="US",
                traffic_sources=["search"],
                status=Publisher.Status.APPROVED,
            )
        Membership.objects.create(network=network, user=user, role=role, **extra)
    return user


def client_for(network: Network | None, user: User | None = None, **options) -> Client:
    """A test client on the network's host (or the platform host), signed in if user given."""
    host = network.portal_host if network is not None else "localhost"
    client = Client(HTTP_HOST=host, **options)
    if user is not None:
        sign_in(client, user, network)
    return client


def sign_in(client: Client, user: User, network: Network | None) -> None:
    """force_login, with the session bound to the network's host (or the platform's) as a
    real sign-in there binds it: force_login's request has no host, so its session would be
    anonymous everywhere (network/sessions.py)."""
    client.force_login(user)
    session = client.session
    bind(session, network)
    session.save()


@pytest.fixture
def network(db) -> Network:
    return make_network("alpha", "Alpha Network")


@pytest.fixture
def other_network(db) -> Network:
    return make_network("beta", "Beta Network")


@pytest.fixture
def owner(network) -> User:
    return make_member(network, Role.OWNER, "owner@alpha.example")


@pytest.fixture
def manager(network) -> User:
    return make_member(network, Role.MANAGER, "manager@alpha.example")


@pytest.fixture
def advertiser_user(network) -> User:
    return make_member(network, Role.ADVERTISER, "adv@alpha.example", company="Alpha Shop")


@pytest.fixture
def publisher_user(network) -> User:
    return make_member(network, Role.PUBLISHER, "pub@alpha.example", company="Alpha Media")


@pytest.fixture
def outsider(db) -> User:
    """A verified user who belongs to no network."""
    return make_user("outsider@example.com")


def make_money(network: Network, advertiser, publisher) -> tuple:
    """A payout run in review with one line for the publisher, an issued invoice, and a credit
    note (in EUR: no USD invoice of the tests takes its credit)."""
    from datetime import UTC, date, datetime

    from payouts.models import CreditNote, Invoice, PayoutLine, PayoutRun
    from payouts.tests.helpers import make_line

    cutoff = datetime(2026, 10, 1, tzinfo=UTC)
    run = PayoutRun.objects.create(network=network, period=date(2026, 9, 1), cutoff=cutoff)
    line = make_line(run, publisher, "USD", 12_345, PayoutLine.Status.PAYABLE, conversions=3)
    first_of = {"network": network, "advertiser": advertiser, "number": 1}  # the first of each
    due = date(2026, 10, 31)
    invoice = Invoice.objects.create(
        **first_of, period=date(2026, 9, 1), currency="USD", total=20_000, due_date=due
    )
    credit_note = CreditNote.objects.create(
        **first_of, period=date(2026, 8, 1), currency="EUR", total=5_000, remaining=5_000
    )
    return run, line, invoice, credit_note


def make_offer(network: Network, advertiser, name: str, **fields):
    """An active e-commerce offer in USD (`fields` add to that or change it)."""
    from offers.models import Offer

    fields = {"category": "ecommerce", "currency": "USD", "status": Offer.Status.ACTIVE} | fields
    return Offer.objects.create(network=network, advertiser=advertiser, name=name, **fields)


def make_default_goal(offer, **fields):
    """The offer's default goal "Sale": CPA, revenue 10 and payout 8 (`fields` change that)."""
    from offers.models import Goal

    sale = {"name": "Sale", "is_default": True, "payout_set": True}
    cpa = {"revenue_type": "cpa", "revenue_amount": 10, "payout_type": "cpa", "payout_amount": 8}
    return Goal.objects.create(network=offer.network, offer=offer, **sale | cpa | fields)


def make_cap(offer, **fields):
    """A daily cap of 100 conversions that stops the offer (`fields` change that)."""
    from offers.models import Cap

    daily = {"period": "daily", "metric": "conversions", "limit": 100, "action": "stop"}
    return Cap.objects.create(network=offer.network, offer=offer, **daily | fields)


def make_world(network: Network, admin: User, *, money: bool = True) -> dict[str, object]:
    """One object of every kind a portal URL can name, in this network.

    Reuses the network's first advertiser company and approved publisher (so the role
    fixtures own them), creating them when missing. The tenancy matrix finds URL kwargs
    here by convention: `<snake_case model name>_id`, e.g. `landing_page_id`.
    """
    from django_scopes import scope

    from commissions.models import PayoutOverride, PayoutTier, TierMembership, TierPayout
    from network.api_keys import api_key_create
    from network.services import invitation_create
    from notifications.models import Notification
    from offers.models import Creative, LandingPage, Offer, OfferAccess
    from webhooks.models import PostbackEndpoint, WebhookDelivery, WebhookEndpoint

    with scope(network=network):
        advertiser = Advertiser.objects.first() or Advertiser.objects.create(
            network=network, name=f"World Shop {network.slug}"
        )
        publisher = Publisher.objects.filter(status="approved").first() or Publisher.objects.create(
            network=network,
            name=f"World Media {network.slug}",
            website="https://w.example",
            country="US",
            status=Publisher.Status.APPROVED,
        )
        applicant = Publisher.objects.create(
            network=network,
            name=f"Applicant {network.slug}",
            website="https://a.example",
            country="DE",
        )
        offer = make_offer(
            network, advertiser, f"World Offer {network.slug}", visibility=Offer.Visibility.APPROVAL
        )
        goal = make_default_goal(offer)
        landing_page = LandingPage.objects.create(
            network=network,
            offer=offer,
            name="Home",
            url_template="https://shop.example/?t={transaction_id}",
        )
        creative = Creative.objects.create(
            network=network, offer=offer, name="Text", kind="text", text="Buy now"
        )
        cap = make_cap(offer)
        tier = PayoutTier.objects.create(network=network, name="Gold")
        TierMembership.objects.create(network=network, tier=tier, publisher=publisher)
        TierPayout.objects.create(
            network=network, tier=tier, goal=goal, payout_type="cpa", payout_amount=9
        )
        override = PayoutOverride.objects.create(
            network=network, goal=goal, publisher=publisher, payout_type="cpa", payout_amount=9.5
        )
        access = OfferAccess.objects.create(
            network=network, offer=offer, publisher=publisher, status="approved"
        )
        postback_endpoint = PostbackEndpoint.objects.create(
            network=network,
            publisher=publisher,
            offer=offer,
            url_template="https://pub.example/pb?c={conversion_id}",
        )
        invitation = invitation_create(
            network=network, invited_by=admin, email=f"new@{network.slug}.example", role="manager"
        )
        api_key, _raw = api_key_create(
            network=network, user=admin, name="World key", recently_authenticated=True
        )
        # Subscribed to nothing: other tests' events send no webhooks.
        webhook_endpoint = WebhookEndpoint.objects.create(
            network=network, url="https://hooks.example/in", events=[]
        )
        webhook_delivery = WebhookDelivery.objects.create(
            network=network,
            endpoint=webhook_endpoint,
            event="ping",
            payload={"type": "ping"},
            state="delivered",
        )
        notification = Notification.objects.create(
            network=network,
            user=admin,
            kind="payout_run_ready",
            object_id=1,
            occurrence="world",
            title="Payout run ready",
            path="/manage/payouts/",
        )
        # money=False for tests of the runs and invoices themselves, which count from zero.
        payout_run, payout_line, invoice, credit_note = (
            make_money(network, advertiser, applicant) if money else (None, None, None, None)
        )
    return {
        "advertiser": advertiser,
        "publisher": applicant,
        "offer": offer,
        "goal": goal,
        "landing_page": landing_page,
        "creative": creative,
        "cap": cap,
        "payout_tier": tier,
        "payout_override": override,
        "offer_access": access,
        "invitation": invitation,
        "api_key": api_key,
        "postback_endpoint": postback_endpoint,
        "webhook_endpoint": webhook_endpoint,
        "webhook_delivery": webhook_delivery,
        "payout_run": payout_run,
        "payout_line": payout_line,
        "invoice": invoice,
        "credit_note": credit_note,
        "notification": notification,
        "key": invitation.key,  # the invitation link's token
        "year": 2026,  # a statement's month: make_money's run
        "month": 9,
    }
