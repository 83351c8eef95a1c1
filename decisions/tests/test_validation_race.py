"""Two people of one advertiser apply the same validation file at once (PostgreSQL's row
locks make the race real): the slower one is told who applied each row, not given errors."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction
from django_scopes import scope, scopes_disabled

from conftest import client_for, make_user, make_world
from decisions import validation, validation_csv
from decisions.services import Actor
from decisions.tests.test_validation import (
    APPLY,
    PREVIEW,
    make_conversion,
    reload,
    upload,
)
from network.models import Membership, Role
from network.tests.races import RACE_TEST, WAIT, until_another_session_waits_for_a_lock
from tracking.models import Conversion
from tracking.tests.wsgi_client import ENTRY_POINTS, enter_by

pytestmark = RACE_TEST

FILE = "order_id,status,sale_amount\nA-1,approved,\nA-3,approved,80.5\n"


# The deciding pages are served behind both entry points of a network's host, as the tracking
# tests run: Django's route, and the lean tracking application that hands them to Django.
@pytest.fixture(autouse=True, params=ENTRY_POINTS)
def entry_point(request, monkeypatch) -> str:
    return enter_by(request.param, monkeypatch)


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    """make_world's offer belongs to advertiser_user's company (the network's first)."""
    return make_world(network, owner)


def test_the_slower_of_two_people_applying_one_file_is_told_who_applied_it(
    network, world, advertiser_user
):
    with scopes_disabled():
        company = Membership.objects.get(user=advertiser_user).advertiser
        colleague = make_user("colleague@alpha.example")
        Membership.objects.create(
            network=network, user=colleague, role=Role.ADVERTISER, advertiser=company
        )
    approve = make_conversion(world["offer"], order_id="A-1")
    reprice = make_conversion(world["offer"], order_id="A-3", sale_amount="100.00")

    # The colleague applies the file and holds the transaction open (their rows locked).
    holding, release = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def colleague_applies():
        try:
            with scope(network=network), transaction.atomic():
                rows = validation_csv.parse(FILE)
                validation.judge(
                    rows, conversions=Conversion.objects.all(), advertiser_id=company.pk
                )
                validation.apply(rows, network=network, actor=Actor(user=colleague))
                assert [row.outcome for row in rows] == ["changed", "changed"]
                holding.set()
                assert release.wait(WAIT)
        except BaseException as error:  # reported by the main thread
            failures.append(error)
            holding.set()
        finally:
            connection.close()

    # The advertiser previewed the same file; they apply it while the colleague's is
    # in flight: judged "change" against what is committed, then blocked on the row lock.
    client = client_for(network, advertiser_user)
    upload(client, FILE)
    token = client.get(PREVIEW).context["upload"].token
    responses = []

    def advertiser_applies():
        try:
            responses.append(client.post(APPLY, {"token": token}))
        except BaseException as error:
            failures.append(error)
        finally:
            connection.close()

    first = threading.Thread(target=colleague_applies)
    first.start()
    assert holding.wait(WAIT) and not failures, failures
    second = threading.Thread(target=advertiser_applies)
    second.start()
    # The advertiser's apply waits for the colleague's rows.
    until_another_session_waits_for_a_lock("the second apply never waited", second.is_alive)
    release.set()
    first.join(WAIT)
    second.join(WAIT)
    assert failures == []

    [response] = responses
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [row.outcome for row in rows] == ["unchanged", "unchanged"]
    assert all(row.error == "" for row in rows)
    for row in rows:
        assert row.note.startswith("Already applied by colleague@alpha.example at "), row.note
    assert response.context["tally"]["error"] == 0
    html = response.content.decode()
    assert "Already applied by colleague@alpha.example at " in html
    assert "Error:" not in html
    assert reload(approve).status == "approved"
    assert (reload(reprice).status, str(reload(reprice).sale_amount)) == ("approved", "80.500")
