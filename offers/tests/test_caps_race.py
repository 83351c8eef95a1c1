"""Caps under concurrent requests (PostgreSQL's row locks make the race real): a cap removed
twice at once is removed and audited once; a cap added while the offer is being archived is
refused, never left on an archived offer.

The first request is held inside its transaction, at its audit row (after its locks), until
the second one waits for a lock; then both finish."""

from __future__ import annotations

import threading

from django.db import connections
from django_scopes import scopes_disabled

import audit
from audit.models import AuditEntry
from conftest import client_for, make_world
from network.tests.api import api_client, audit_of, error_of, key_for
from network.tests.races import RACE_TEST, WAIT, until_another_session_waits_for_a_lock
from offers.models import Cap, Offer

pytestmark = RACE_TEST
CAP = {"period": "daily", "metric": "clicks", "limit": "9", "action": "stop"}


class FirstWriterHeld:
    """audit.record, holding the first call (its transaction and locks open) until released."""

    def __init__(self) -> None:
        self.holding, self.release = threading.Event(), threading.Event()
        self.record, self.calls = audit.record, 0

    def __call__(self, **kwargs):
        self.calls += 1
        if self.calls == 1:
            self.holding.set()
            assert self.release.wait(WAIT)
        return self.record(**kwargs)


def in_thread(request, answers: list) -> threading.Thread:
    def run() -> None:
        try:
            answers.append(request())
        finally:
            connections.close_all()

    thread = threading.Thread(target=run)
    thread.start()
    return thread


def race(first, second, monkeypatch) -> tuple:
    """Runs `first` until it holds its locks, then `second` until it waits for them; the
    answers of both."""
    held = FirstWriterHeld()
    monkeypatch.setattr(audit, "record", held)
    firsts, seconds = [], []
    one = in_thread(first, firsts)
    assert held.holding.wait(WAIT)
    two = in_thread(second, seconds)
    until_another_session_waits_for_a_lock("the second request never waited for the lock")
    held.release.set()
    one.join(WAIT)
    two.join(WAIT)
    return firsts[0], seconds[0]


def test_a_cap_removed_twice_at_once_is_removed_once(network, owner, monkeypatch):
    world = make_world(network, owner, money=False)
    cap, key = world["cap"], key_for(network, owner)
    path = f"/api/v1/admin/caps/{cap.pk}/"

    def remove():
        return api_client(network, key).delete(path)

    first, second = race(remove, remove, monkeypatch)
    assert first.status_code == 204
    assert error_of(second, 400)["message"] == "This cap was already removed."
    assert [entry.action for entry in audit_of(cap)] == ["cap.deleted"]
    with scopes_disabled():
        assert not Cap.objects.filter(pk=cap.pk).exists()


def test_a_cap_added_while_the_offer_is_archived_is_refused(
    network, owner, advertiser_user, monkeypatch
):
    world = make_world(network, owner, money=False)  # its offer is advertiser_user's company's
    offer, key = world["offer"], key_for(network, owner)

    def archive():
        return api_client(network, key).post(f"/api/v1/admin/offers/{offer.pk}/archive/")

    def add_cap():
        return client_for(network, advertiser_user).post(
            f"/advertiser/offers/{offer.pk}/caps/new/", CAP, follow=True
        )

    archived, refused = race(archive, add_cap, monkeypatch)
    assert archived.status_code == 200 and archived.json()["status"] == "archived"
    shown = [str(message) for message in refused.context["messages"]]
    assert "This offer is archived: it can no longer be changed." in shown
    with scopes_disabled():
        assert Offer.objects.get(pk=offer.pk).status == Offer.Status.ARCHIVED
        assert list(Cap.objects.filter(offer=offer)) == [world["cap"]]
        assert not AuditEntry.objects.filter(action="cap.created").exists()
