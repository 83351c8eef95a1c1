"""Create the demo network and its people. Safe to run twice: the second run changes nothing.

The network and its staff are the tenancy core's (network/demo.py); every app adds its part
through the step it registers there (offers, money, sixty days of traffic, the rollups)."""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.db import transaction
from django_scopes import scope

from network import demo
from network.demo import APPROVER, DEMO_PASSWORD
from network.models import Network, User

__all__ = ["APPROVER", "DEMO_PASSWORD", "Command"]


class Command(BaseCommand):
    help = "Create the demo network with an owner, a manager, an advertiser and two publishers."

    @transaction.atomic
    def handle(self, *args, **options):
        network, _ = Network.objects.get_or_create(
            slug="demo", defaults={"name": "Demo Network", "currency": "USD"}
        )
        made = demo.Demo(network)
        with scope(network=network):
            for step in demo.steps():
                step(made)
        secret = self.two_factor(User.objects.get(email=APPROVER))
        self.stdout.write(self.style.SUCCESS(f"Demo network: {network.absolute_url()}"))
        self.stdout.write(f"Every demo login uses the password {DEMO_PASSWORD!r}:")
        for person in made.people:
            self.stdout.write(f"  {person.role.label:<11} {person.email:<26} {person.company}")
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
