"""The demo network of `manage.py seed_demo`, made of steps the apps register.

The tenancy core makes the network, its minimum payout and its staff (an owner and a manager);
each app adds its own part through a step it registers when it loads (its AppConfig.ready:
`demo.register(40, "payouts.demo.seed")`), so that network imports no app. seed_demo
runs the steps in their order inside the network's scope and one transaction. A step takes
the Demo (the network, the people made so far, what an earlier step left for a later one in
`plan`) and must change nothing when its data is there already: seed_demo is safe to run twice.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from allauth.account.models import EmailAddress
from django.utils.module_loading import import_string

from network.models import Membership, Network, PayoutMinimum, Role, User

DEMO_PASSWORD = "demo-pass-2026"
APPROVER = "manager@demo.example"  # two-factor on: the one who can approve payouts
STAFF = [
    # email, name, role
    ("owner@demo.example", "Olivia Owner", Role.OWNER),
    ("manager@demo.example", "Minh Manager", Role.MANAGER),
]


@dataclass(frozen=True)
class Person:
    email: str
    role: Role
    company: str


@dataclass
class Demo:
    network: Network
    people: list[Person] = field(default_factory=list)
    # What a step leaves for a later one (tracking's conversions for payouts' decisions).
    plan: dict[str, Any] = field(default_factory=dict)

    def member(self, email: str, name: str, role: Role, **company: Any) -> User:
        """A demo login (verified email, the demo password) with its membership here, made
        once; `company` is its advertiser= or publisher=."""
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, DEMO_PASSWORD, name=name)
        EmailAddress.objects.get_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if not Membership.objects.filter(user=user).exists():
            Membership.objects.create(network=self.network, user=user, role=role, **company)
        names = [str(one) for one in company.values()]
        self.people.append(Person(email, role, names[0] if names else ""))
        return user


# The orders in use: 0 the staff (here), 10 advertisers, 20 publishers, 30 offers, 40 payouts'
# money, 50 tracking's traffic, 60 payouts' decisions of that traffic, 70 reports' rollups.
Step = Callable[[Demo], None]
_steps: list[tuple[int, str | Step]] = []


def register(order: int, step: str | Step) -> None:
    """A step of the demo (a callable or its dotted path, imported when the demo is made),
    run after the steps of a lower order."""
    _steps.append((order, step))


def steps() -> list[Step]:
    ordered = sorted(_steps, key=lambda entry: entry[0])  # stable: same order, registration
    return [import_string(step) if isinstance(step, str) else step for _order, step in ordered]


def seed_staff(demo: Demo) -> None:
    """The network's minimum payout (50.00 in its currency) and its owner and manager."""
    PayoutMinimum.objects.get_or_create(
        network=demo.network, currency=demo.network.currency, defaults={"amount": 5000}
    )
    for email, name, role in STAFF:
        demo.member(email, name, role)


register(0, seed_staff)
