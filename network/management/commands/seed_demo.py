"""Create the demo network and its people. Safe to run twice: the second run changes nothing."""

from __future__ import annotations

from allauth.account.models import EmailAddress
from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scope

from advertisers.models import Advertiser
from network.models import Membership, Network, PayoutMinimum, Role, User
from offers.demo import seed_offers
from payouts.demo import seed_money
from publishers.models import Publisher
from reports.rollup import rollup_network
from tracking.demo_activity import seed_activity
from webhooks.demo import seed_postbacks

DEMO_PASSWORD = "demo-pass-2026"
APPROVER = "manager@demo.example"  # two-factor on: the one who can approve payouts
PEOPLE = [
    # email, name, role, company
    ("owner@demo.example", "Olivia Owner", Role.OWNER, None),
    ("manager@demo.example", "Minh Manager", Role.MANAGER, None),
    ("advertiser@demo.example", "Ada Advertiser", Role.ADVERTISER, "Acme Shop"),
    ("publisher@demo.example", "Paul Publisher", Role.PUBLISHER, "Blue Traffic Media"),
    ("pending@demo.example", "Pia Pending", Role.PUBLISHER, "Green Coupons"),
]
PUBLISHER_PROFILES = {
    "Blue Traffic Media": dict(
        website="https://bluetraffic.example",
        country="US",
        traffic_sources=["search", "content"],
        status="approved",
    ),
    "Green Coupons": dict(
        website="https://greencoupons.example",
        country="VN",
        traffic_sources=["coupon"],
        status="pending",
    ),
}


class Command(BaseCommand):
    help = "Create the demo network with an owner, a manager, an advertiser and two publishers."

    @transaction.atomic
    def handle(self, *args, **options):
        network, _ = Network.objects.get_or_create(
            slug="demo", defaults={"name": "Demo Network", "currency": "USD"}
        )
        with scope(network=network):
            PayoutMinimum.objects.get_or_create(
                network=network, currency=network.currency, defaults={"amount": 5000}
            )
            for email, name, role, company in PEOPLE:
                user = self.user(email, name)
                self.membership(network, user, role, company)
            advertiser = Advertiser.objects.get(name="Acme Shop")
            publisher = Publisher.objects.get(name="Blue Traffic Media")
            seed_offers(network, advertiser, publisher)
            seed_postbacks(network, publisher)
            seed_money(network, advertiser, publisher)
            seed_activity(network)
            # The dashboards read the rollups: made now rather than at beat's first run.
            rollup_network(network)
        secret = self.two_factor(User.objects.get(email=APPROVER))
        self.stdout.write(self.style.SUCCESS(f"Demo network: {network.absolute_url()}"))
        self.stdout.write(f"Every demo login uses the password {DEMO_PASSWORD!r}:")
        for email, _name, role, company in PEOPLE:
            self.stdout.write(f"  {role.label:<11} {email:<26} {company or ''}")
        self.stdout.write(
            f"{APPROVER} approves payouts: two-factor secret {secret} (an authenticator app,"
            " or `.venv/bin/python manage.py demo_totp` for the current code)"
        )

    def two_factor(self, user: User) -> str:
        """The manager has TOTP on, so that the demo's payout run can be approved."""
        from allauth.mfa.models import Authenticator
        from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
        from allauth.mfa.utils import decrypt

        existing = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if existing:
            return decrypt(existing.data["secret"])
        secret = generate_totp_secret()
        TOTP.activate(user, secret)
        return secret

    def user(self, email: str, name: str) -> User:
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, name=name)
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        return user

    def membership(self, network: Network, user: User, role: Role, company: str | None) -> None:
        if Membership.objects.filter(user=user).exists():
            return
        extra: dict[str, object] = {}
        if role == Role.ADVERTISER:
            extra["advertiser"], _ = Advertiser.objects.get_or_create(network=network, name=company)
        elif role == Role.PUBLISHER:
            extra["publisher"], _ = Publisher.objects.get_or_create(
                network=network, name=company, defaults=PUBLISHER_PROFILES[company]
            )
        Membership.objects.create(network=network, user=user, role=role, **extra)
