"""Every state change of the offers app is one service (a function of offers.services* that runs
in a transaction) and writes its audit row: each is called here with audit.record watched. A
service added without a line here fails the first test. (Commissions' services:
commissions/tests/test_services_audit.py, with the same checks.)"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from decimal import Decimal
from unittest import mock

import pytest
from django_scopes import scope

import audit
from audit.text import ACTIONS
from conftest import make_world
from network.models import Role
from offers import services, services_access, services_parts, services_rules
from offers.models import Cap, Creative, Goal, LandingPage, Offer
from offers.tests.api import approved_publisher

pytestmark = pytest.mark.django_db
MODULES = (services, services_parts, services_rules, services_access)


def edited(row, **changes):
    """A fresh copy of `row` with `changes`, as an edit form hands it to its service."""
    copy = type(row).objects.get(pk=row.pk)
    for name, value in changes.items():
        setattr(copy, name, value)
    return copy


def new_publisher(world):
    return approved_publisher(world["offer"].network, "Newcomer Media")


# Each service: how to call it on make_world's rows (`w`) by `user`, and the audit action.
CALLS: dict[str, tuple[Callable, str]] = {
    "offer_create": (
        lambda w, user: services.offer_create(
            network=w["offer"].network,
            advertiser=w["advertiser"],
            actor=user,
            offer=Offer(name="New", category="ecommerce", currency="USD"),
            default_goal=Goal(name="Sale", revenue_type="cpa", revenue_amount=Decimal(3)),
        ),
        "offer.created",
    ),
    "offer_update": (
        lambda w, user: services.offer_update(offer=edited(w["offer"], hold_days=21), actor=user),
        "offer.hold_days",
    ),
    "offer_transition": (
        lambda w, user: services.offer_transition(
            offer=w["offer"], to_status=Offer.Status.PAUSED, actor=user, role=Role.ADVERTISER
        ),
        "offer.status",
    ),
    "goal_create": (
        lambda w, user: services_parts.goal_create(
            offer=w["offer"],
            goal=Goal(name="Lead", revenue_type="cpl", revenue_amount=Decimal(2)),
            actor=user,
        ),
        "goal.created",
    ),
    "goal_update": (
        lambda w, user: services_parts.goal_update(
            goal=edited(w["goal"], revenue_amount=Decimal(12)), actor=user
        ),
        "goal.revenue",
    ),
    "landing_page_create": (
        lambda w, user: services_parts.landing_page_create(
            offer=w["offer"],
            landing_page=LandingPage(name="Promo", url_template="https://shop.example/promo"),
            actor=user,
        ),
        "landing_page.created",
    ),
    "landing_page_update": (
        lambda w, user: services_parts.landing_page_update(
            landing_page=edited(w["landing_page"], weight=5), actor=user
        ),
        "landing_page.updated",
    ),
    "creative_create": (
        lambda w, user: services_parts.creative_create(
            offer=w["offer"], creative=Creative(name="Link", kind="text", text="Buy"), actor=user
        ),
        "creative.created",
    ),
    "creative_update": (
        lambda w, user: services_parts.creative_update(
            creative=edited(w["creative"], is_active=False), actor=user
        ),
        "creative.updated",
    ),
    "cap_create": (
        lambda w, user: services_rules.cap_create(
            cap=Cap(offer=w["offer"], period="daily", metric="clicks", limit=5, action="stop"),
            actor=user,
            role=Role.ADVERTISER,
        ),
        "cap.created",
    ),
    "cap_delete": (
        lambda w, user: services_rules.cap_delete(cap=w["cap"], actor=user, role=Role.OWNER),
        "cap.deleted",
    ),
    "access_request": (
        lambda w, user: services_access.access_request(
            offer=w["offer"], publisher=new_publisher(w), actor=user, note="Hi"
        ),
        "offer_access.requested",
    ),
    "access_decide": (
        lambda w, user: services_access.access_decide(
            access=w["offer_access"], actor=user, status="blocked", reason="Brand bidding"
        ),
        "offer_access.decided",
    ),
    "access_invite": (
        lambda w, user: services_access.access_invite(
            offer=w["offer"], publisher=new_publisher(w), actor=user
        ),
        "offer_access.invited",
    ),
}


def state_changes(modules) -> set[str]:
    """The functions of the service modules that run in a transaction of their own."""
    return {
        name
        for module in modules
        for name, function in inspect.getmembers(module, inspect.isfunction)
        if function.__module__ == module.__name__ and hasattr(function, "__wrapped__")
    }


def check_audited(call: Callable, action: str, network, owner) -> None:
    """`call` on make_world's rows writes the audit row `action`, by `owner` only."""
    world = make_world(network, owner, money=False)
    with scope(network=network), mock.patch.object(audit, "record", wraps=audit.record) as record:
        call(world, owner)
    assert action in [c.kwargs["action"] for c in record.call_args_list]
    assert all(c.kwargs["actor"] == owner for c in record.call_args_list)


def test_every_state_change_is_called_here():
    assert state_changes(MODULES) == set(CALLS)


@pytest.mark.parametrize("name", sorted(CALLS))
def test_each_state_change_writes_its_audit_row(name, network, owner):
    check_audited(*CALLS[name], network, owner)


def test_every_action_the_services_write_has_a_label():
    actions = {action for _call, action in CALLS.values()}
    assert set(services.AUDITED_SETTINGS.values()) | actions <= set(ACTIONS)
