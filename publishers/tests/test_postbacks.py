"""Publisher postbacks: filled URLs, which endpoint fires, the call log, the failure count
that turns an endpoint off, retries with backoff, and the publisher's pages."""

from __future__ import annotations

import datetime as dt
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from html import escape
from urllib.parse import quote

import pytest
from django.conf import settings
from django.core import mail
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django_scopes import scope, scopes_disabled

from conftest import client_for, make_member, make_network, make_world
from network.audit import AuditEntry
from network.models import Role
from offers.models import Offer, OfferAccess
from payouts.decisions import Actor, conversion_decide
from publishers import tasks
from publishers.models import Publisher
from publishers.postback_services import (
    fill_postback_url,
    fire_postback,
    postback_endpoints_for,
)
from publishers.postbacks import (
    MAX_CONSECUTIVE_FAILURES,
    PostbackAttempt,
    PostbackDelivery,
    PostbackEndpoint,
)
from publishers.tests.test_safehttp import LOOPBACK, REFUSED_URLS, listening
from tracking import follow_ups
from tracking.models import Click, Conversion

HOME = "/publisher/postbacks/"
WHEN = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def _nothing_allowed_by_default(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = []


@pytest.fixture
def allow_loopback(settings):
    settings.OUTBOUND_ALLOWED_NETWORKS = LOOPBACK


@pytest.fixture
def world(network, owner, publisher_user):
    objects = make_world(network, owner)
    with scopes_disabled():  # each test makes the endpoints it is about
        PostbackEndpoint.objects.filter(network=network).delete()
    return objects


@pytest.fixture
def publisher(publisher_user):
    with scopes_disabled():
        return Publisher.objects.get(memberships__user=publisher_user)


@pytest.fixture
def client(network, publisher_user):
    return client_for(network, publisher_user)


def make_endpoint(publisher, offer=None, url="https://pub.example/pb?c={conversion_id}", **kw):
    with scopes_disabled():
        return PostbackEndpoint.objects.create(
            network=publisher.network, publisher=publisher, offer=offer, url_template=url, **kw
        )


def make_conversion(world, publisher, *, offer=None, goal=None, **kwargs) -> Conversion:
    offer = offer or world["offer"]
    goal = goal or world["goal"]
    click_fields = {
        name: kwargs.pop(name)
        for name in ("aff_sub", "aff_sub2", "aff_sub3", "aff_sub4", "aff_sub5", "source")
        if name in kwargs
    }
    click_fields["aff_click_id"] = kwargs.pop("aff_click_id", "")
    with scopes_disabled():
        count = Click.objects.count()
        click = Click.objects.create(
            id=f"c{count:031d}",
            network=offer.network,
            offer=offer,
            publisher=publisher,
            **click_fields,
        )
        return Conversion.objects.create(
            network=offer.network,
            click=click,
            offer=offer,
            goal=goal,
            publisher=publisher,
            currency=kwargs.pop("currency", offer.currency),
            payout=kwargs.pop("payout", Decimal("8")),
            method=Conversion.Method.POSTBACK,
            created_at=kwargs.pop("created_at", WHEN),
            **kwargs,
        )


def attempts_of(endpoint) -> list[PostbackAttempt]:
    with scopes_disabled():
        return list(PostbackAttempt.objects.filter(endpoint=endpoint).order_by("id"))


def reload(endpoint) -> PostbackEndpoint:
    with scopes_disabled():
        return PostbackEndpoint.objects.get(pk=endpoint.pk)


def fire(endpoint, conversion, event="created", attempt=1) -> PostbackAttempt:
    with scope(network=endpoint.network):
        return fire_postback(reload(endpoint), conversion, event, attempt)


# Filling the URL


def test_it_fills_every_macro_url_encoded(world, publisher):
    conversion = make_conversion(
        world,
        publisher,
        aff_sub="a&b=c d",
        aff_sub2="Tiếng Việt",
        aff_sub3="x/y?z#w",
        aff_sub4="50%",
        aff_sub5="+1",
        source="news letter",
        aff_click_id="{click}",
        payout=Decimal("8.5"),
    )
    template = (
        "https://t.example/pb?s1={aff_sub}&s2={aff_sub2}&s3={aff_sub3}&s4={aff_sub4}"
        "&s5={aff_sub5}&src={source}&cid={aff_click_id}&o={offer_id}&on={offer_name}"
        "&g={goal_id}&p={payout}&cur={currency}&conv={conversion_id}&st={status}&t={datetime}"
    )
    with scope(network=world["offer"].network):
        url = fill_postback_url(template, conversion)
    offer = world["offer"]
    assert url == (
        "https://t.example/pb?s1=a%26b%3Dc%20d&s2=Ti%E1%BA%BFng%20Vi%E1%BB%87t"
        "&s3=x%2Fy%3Fz%23w&s4=50%25&s5=%2B1&src=news%20letter&cid=%7Bclick%7D"
        f"&o={offer.pk}&on={quote(offer.name, safe='')}&g={world['goal'].pk}&p=8.50&cur=USD"
        f"&conv={conversion.pk}&st=pending&t=2026-03-04T05%3A06%3A07Z"
    )


@pytest.mark.parametrize(
    ("currency", "payout", "expected"),
    [
        ("USD", "8", "8.00"),
        ("VND", "12000.4", "12000"),
        ("KWD", "1.2345", "1.234"),
        ("EUR", "0", "0.00"),
    ],
)
def test_it_writes_the_payout_in_the_currencys_precision(
    world, publisher, currency, payout, expected
):
    conversion = make_conversion(world, publisher, currency=currency, payout=Decimal(payout))
    with scope(network=world["offer"].network):
        assert fill_postback_url("https://t.example/?p={payout}", conversion).endswith(
            f"?p={expected}"
        )


def test_it_writes_the_time_in_utc(world, publisher):
    saigon = dt.timezone(dt.timedelta(hours=7))
    conversion = make_conversion(
        world, publisher, created_at=dt.datetime(2026, 1, 1, 6, 30, tzinfo=saigon)
    )
    with scope(network=world["offer"].network):
        url = fill_postback_url("https://t.example/?t={datetime}", conversion)
    assert url.endswith("?t=2025-12-31T23%3A30%3A00Z")


# Which endpoint fires


def test_an_offers_own_postback_beats_the_global_one(world, publisher, network):
    global_endpoint = make_endpoint(publisher)
    own = make_endpoint(publisher, world["offer"], url="https://pub.example/own")
    conversion = make_conversion(world, publisher)
    with scope(network=network):
        assert postback_endpoints_for(conversion) == [own]
        PostbackEndpoint.objects.filter(pk=own.pk).update(is_active=False)
        assert postback_endpoints_for(conversion) == [global_endpoint]
        PostbackEndpoint.objects.filter(pk=global_endpoint.pk).update(is_active=False)
        assert postback_endpoints_for(conversion) == []


def test_another_offers_postback_does_not_fire(world, publisher, network):
    with scopes_disabled():
        other = Offer.objects.create(
            network=network, advertiser=world["offer"].advertiser, name="Other", currency="USD"
        )
    make_endpoint(publisher, other)
    global_endpoint = make_endpoint(publisher)
    conversion = make_conversion(world, publisher)
    with scope(network=network):
        assert postback_endpoints_for(conversion) == [global_endpoint]


def test_another_publishers_postback_does_not_fire(world, publisher, network):
    other_user = make_member(network, Role.PUBLISHER, "other@alpha.example")
    with scopes_disabled():
        other = Publisher.objects.get(memberships__user=other_user)
    make_endpoint(other)
    make_endpoint(other, world["offer"])
    conversion = make_conversion(world, publisher)
    with scope(network=network):
        assert postback_endpoints_for(conversion) == []


def test_an_approval_fires_only_an_endpoint_that_asks_for_it(world, publisher, network):
    make_endpoint(publisher, events=["created", "approved"])
    own = make_endpoint(publisher, world["offer"], events=["created"])
    conversion = make_conversion(world, publisher)
    with scope(network=network):
        assert postback_endpoints_for(conversion, event="approved") == []
        PostbackEndpoint.objects.filter(pk=own.pk).update(events=["created", "approved"])
        assert postback_endpoints_for(conversion, event="approved") == [own]


# Calling and logging


@pytest.mark.usefixtures("allow_loopback")
def test_it_logs_each_call_with_its_code_and_time(world, publisher):
    conversion = make_conversion(world, publisher, aff_sub="a b")
    with listening() as server:
        endpoint = make_endpoint(publisher, url=f"http://127.0.0.1:{server.port}/pb?s={{aff_sub}}")
        logged = fire(endpoint, conversion)
    assert [r["path"] for r in server.requests] == ["/pb?s=a%20b"]
    assert logged.status_code == 200 and logged.error == ""
    assert logged.url == f"http://127.0.0.1:{server.port}/pb?s=a%20b"
    assert logged.elapsed_ms >= 0 and logged.attempt_number == 1
    assert (logged.event, logged.conversion_id) == ("created", conversion.pk)
    assert attempts_of(endpoint) == [logged]


def test_it_logs_a_refused_call_without_calling(world, publisher):
    conversion = make_conversion(world, publisher)
    with listening() as server:
        endpoint = make_endpoint(publisher, url=f"http://127.0.0.1:{server.port}/")
        logged = fire(endpoint, conversion)
    assert server.requests == []
    assert logged.status_code is None
    assert logged.error == "Refused: 127.0.0.1 is a loopback address."
    assert reload(endpoint).consecutive_failures == 1


@pytest.mark.usefixtures("allow_loopback")
def test_a_2xx_resets_the_failure_count(world, publisher):
    conversion = make_conversion(world, publisher)
    with listening(status=204) as server:
        endpoint = make_endpoint(
            publisher, url=f"http://127.0.0.1:{server.port}/", consecutive_failures=7
        )
        fire(endpoint, conversion)
    assert reload(endpoint).consecutive_failures == 0


@pytest.mark.usefixtures("allow_loopback")
def test_a_redirect_counts_as_a_failure(world, publisher):
    conversion = make_conversion(world, publisher)
    with listening(status=302, headers={"Location": "https://x.example/"}) as server:
        endpoint = make_endpoint(publisher, url=f"http://127.0.0.1:{server.port}/")
        logged = fire(endpoint, conversion)
    assert logged.status_code == 302
    assert reload(endpoint).consecutive_failures == 1


def test_it_turns_an_endpoint_off_after_25_failures_in_a_row(
    world, publisher, publisher_user, network, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(publisher, url="http://10.0.0.1/pb")
    conversion = make_conversion(world, publisher)
    for _ in range(MAX_CONSECUTIVE_FAILURES - 1):
        fire(endpoint, conversion)
    assert reload(endpoint).is_active
    with django_capture_on_commit_callbacks(execute=True):
        fire(endpoint, conversion)
    endpoint = reload(endpoint)
    assert (endpoint.is_active, endpoint.consecutive_failures) == (False, 25)
    assert endpoint.disabled_at is not None and endpoint.state == "failing"
    with scopes_disabled():
        entry = AuditEntry.objects.get(action="postback.disabled")
    assert (entry.object_id, entry.actor_label, entry.to_state) == (
        str(endpoint.pk),
        "system",
        "failing",
    )
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [publisher_user.email]
    assert "25 failed calls" in message.subject
    assert "http://10.0.0.1/pb" in message.body
    assert "Refused: 10.0.0.1 is a private address." in message.body
    assert network.absolute_url("/publisher/postbacks/") in message.body

    # Another failure (a retry already in flight) neither emails nor audits again.
    with django_capture_on_commit_callbacks(execute=True):
        fire(endpoint, conversion)
    assert len(mail.outbox) == 1
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="postback.disabled").count() == 1


@pytest.mark.skipif(
    "postgresql" not in settings.DATABASES["default"]["ENGINE"],
    reason="concurrent failures need PostgreSQL's row locks (set DATABASE_URL=postgres://...)",
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_failures_all_count_and_turn_the_endpoint_off_once(
    network, owner, publisher_user
):
    world = make_world(network, owner)
    with scopes_disabled():
        publisher = Publisher.objects.get(memberships__user=publisher_user)
        PostbackEndpoint.objects.filter(network=network).delete()
    endpoint = make_endpoint(
        publisher, url="http://10.0.0.1/pb", consecutive_failures=MAX_CONSECUTIVE_FAILURES - 10
    )
    conversion = make_conversion(world, publisher)

    def fail(_):
        try:
            with scope(network=network):
                fire_postback(reload(endpoint), conversion, "created")
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(fail, range(20)))
    endpoint = reload(endpoint)
    assert endpoint.consecutive_failures == MAX_CONSECUTIVE_FAILURES + 10
    assert not endpoint.is_active
    with scopes_disabled():
        assert AuditEntry.objects.filter(action="postback.disabled").count() == 1
    assert sum("Postback turned off" in m.subject for m in mail.outbox) == 1


def test_test_calls_do_not_count_as_failures(world, publisher):
    endpoint = make_endpoint(
        publisher, url="http://10.0.0.1/pb?c={conversion_id}", consecutive_failures=24
    )
    with scope(network=endpoint.network):
        logged = fire_postback(reload(endpoint), None, "test")
    assert logged.conversion is None and logged.url == "http://10.0.0.1/pb?c=test"
    endpoint = reload(endpoint)
    assert (endpoint.consecutive_failures, endpoint.is_active) == (24, True)


# Tasks: retries with backoff


def test_the_backoff_doubles_from_30_seconds():
    delays = [tasks.postback_retry_countdown(n) for n in range(tasks.MAX_POSTBACK_RETRIES)]
    assert delays == [30, 60, 120, 240, 480, 960]


@pytest.fixture
def retry_countdowns(monkeypatch):
    """The countdown of every retry the postback task asks Celery for."""
    seen = []
    original = tasks.fire_endpoint_postback.retry

    def spy(*args, **kwargs):
        seen.append(kwargs.get("countdown"))
        return original(*args, **kwargs)

    monkeypatch.setattr(tasks.fire_endpoint_postback, "retry", spy)
    return seen


def test_a_failing_postback_is_retried_with_backoff(world, publisher, network, retry_countdowns):
    endpoint = make_endpoint(publisher, url="http://10.0.0.1/pb")
    conversion = make_conversion(world, publisher)
    tasks.fire_conversion_postbacks.apply(
        kwargs={"network_id": network.pk, "conversion_id": conversion.pk}
    )
    assert retry_countdowns == [30]  # the first call failed: the next one in 30 s
    # What the worker runs when each scheduled retry comes due.
    for retries in range(1, tasks.MAX_POSTBACK_RETRIES + 1):
        tasks.fire_endpoint_postback.apply(
            kwargs={
                "network_id": network.pk,
                "postback_endpoint_id": endpoint.pk,
                "conversion_id": conversion.pk,
                "event": "created",
            },
            retries=retries,
        )
    logged = attempts_of(endpoint)
    assert [a.attempt_number for a in logged] == [1, 2, 3, 4, 5, 6, 7]
    assert {a.event for a in logged} == {"created"}
    assert retry_countdowns == [30, 60, 120, 240, 480, 960]  # none after the last
    assert reload(endpoint).consecutive_failures == 7


@pytest.mark.usefixtures("allow_loopback")
def test_a_successful_postback_is_not_retried(world, publisher, network, retry_countdowns):
    conversion = make_conversion(world, publisher)
    with listening() as server:
        endpoint = make_endpoint(publisher, url=f"http://127.0.0.1:{server.port}/")
        tasks.fire_conversion_postbacks.apply(
            kwargs={"network_id": network.pk, "conversion_id": conversion.pk}
        )
    assert len(server.requests) == 1
    assert [a.status_code for a in attempts_of(endpoint)] == [200]
    assert retry_countdowns == []


def test_retries_stop_once_the_endpoint_is_turned_off(world, publisher, network, retry_countdowns):
    endpoint = make_endpoint(
        publisher, url="http://10.0.0.1/pb", consecutive_failures=MAX_CONSECUTIVE_FAILURES - 1
    )
    conversion = make_conversion(world, publisher)
    tasks.fire_conversion_postbacks.apply(
        kwargs={"network_id": network.pk, "conversion_id": conversion.pk}
    )
    assert len(attempts_of(endpoint)) == 1
    assert not reload(endpoint).is_active  # this failure turned it off: no retry
    assert retry_countdowns == []


def test_the_task_does_nothing_without_an_endpoint_or_conversion(world, publisher, network):
    endpoint = make_endpoint(publisher, is_active=False)
    conversion = make_conversion(world, publisher)
    tasks.fire_conversion_postbacks.apply(
        kwargs={"network_id": network.pk, "conversion_id": conversion.pk}
    )
    tasks.fire_conversion_postbacks.apply(kwargs={"network_id": network.pk, "conversion_id": 10**9})
    tasks.fire_endpoint_postback.apply(
        kwargs={
            "network_id": network.pk,
            "postback_endpoint_id": endpoint.pk,
            "conversion_id": conversion.pk,
            "event": "created",
        }
    )
    assert attempts_of(endpoint) == []


def test_the_task_stays_in_its_network(world, publisher, network, other_network):
    """Called with another network's id, the task finds neither conversion nor endpoint."""
    endpoint = make_endpoint(publisher, url="http://10.0.0.1/pb")
    conversion = make_conversion(world, publisher)
    tasks.fire_conversion_postbacks.apply(
        kwargs={"network_id": other_network.pk, "conversion_id": conversion.pk}
    )
    assert attempts_of(endpoint) == []


# Approvals and reversals: payouts.decisions.conversion_decide calls the chosen endpoints


def decide(network, conversion, to_status, reason=""):
    with scope(network=network):
        conversion_decide(
            network=network,
            conversion_id=conversion.pk,
            to_status=to_status,
            actor=Actor(label="test"),
            reason=reason,
        )


def second_publisher(network, world) -> Publisher:
    """Another approved publisher of the same network who runs the same offer."""
    user = make_member(network, Role.PUBLISHER, "second@alpha.example", company="Second Media")
    with scopes_disabled():
        other = Publisher.objects.get(memberships__user=user)
        OfferAccess.objects.create(network=network, offer=world["offer"], publisher=other)
    return other


def listener_url(server) -> str:
    return f"http://127.0.0.1:{server.port}/pb?c={{conversion_id}}&s={{status}}"


@pytest.mark.usefixtures("allow_loopback")
def test_a_reversal_calls_an_endpoint_that_chose_reversals_with_its_status(
    world, publisher, network, client, django_capture_on_commit_callbacks
):
    conversion = make_conversion(world, publisher)
    with listening() as server, django_capture_on_commit_callbacks(execute=True):
        endpoint = make_endpoint(publisher, url=listener_url(server), events=["reversed"])
        decide(network, conversion, "approved")
        assert server.requests == []  # approvals were not chosen
        decide(network, conversion, "reversed", reason="chargeback")
    assert [r["path"] for r in server.requests] == [f"/pb?c={conversion.pk}&s=reversed"]
    [attempt] = attempts_of(endpoint)
    assert (attempt.event, attempt.conversion_id, attempt.status_code) == (
        "reversed",
        conversion.pk,
        200,
    )
    # In the publisher's delivery log, named as a reversal.
    log = client.get(HOME).context["table"]
    assert [(row.get_cell("event"), row.record.url) for row in log.rows] == [
        ("Reversal", f"http://127.0.0.1:{server.port}/pb?c={conversion.pk}&s=reversed")
    ]


@pytest.mark.usefixtures("allow_loopback")
def test_a_reversal_calls_no_endpoint_that_did_not_choose_it(
    world, publisher, network, django_capture_on_commit_callbacks
):
    conversion = make_conversion(world, publisher)
    with listening() as server, django_capture_on_commit_callbacks(execute=True):
        # The offer's own endpoint stands for the global one (which did choose reversals).
        global_endpoint = make_endpoint(publisher, url=listener_url(server), events=["reversed"])
        own = make_endpoint(publisher, world["offer"], url=listener_url(server))
        assert own.events == ["created"]  # the default: each new conversion, as before
        decide(network, conversion, "approved")
        decide(network, conversion, "reversed", reason="chargeback")
        with scopes_disabled():  # now approvals too, but still not reversals
            PostbackEndpoint.objects.filter(pk=own.pk).update(events=["created", "approved"])
        second = make_conversion(world, publisher)
        decide(network, second, "approved")
        decide(network, second, "reversed", reason="refund")
    assert [r["path"] for r in server.requests] == [f"/pb?c={second.pk}&s=approved"]
    assert attempts_of(global_endpoint) == []
    assert [a.event for a in attempts_of(own)] == ["approved"]


@pytest.mark.usefixtures("allow_loopback")
def test_a_reversal_never_calls_another_publishers_endpoint(
    world, publisher, network, django_capture_on_commit_callbacks
):
    other = second_publisher(network, world)
    conversion = make_conversion(world, publisher)
    everything = ["created", "approved", "reversed"]
    with listening() as server, django_capture_on_commit_callbacks(execute=True):
        theirs = make_endpoint(other, url=listener_url(server), events=everything)
        theirs_for_offer = make_endpoint(
            other, world["offer"], url=listener_url(server), events=everything
        )
        decide(network, conversion, "approved")
        decide(network, conversion, "reversed", reason="chargeback")
    assert server.requests == []
    assert attempts_of(theirs) == [] and attempts_of(theirs_for_offer) == []


@pytest.mark.usefixtures("allow_loopback")
def test_a_reversal_is_retried_like_any_postback(
    world, publisher, network, retry_countdowns, django_capture_on_commit_callbacks
):
    conversion = make_conversion(world, publisher)
    endpoint = make_endpoint(publisher, url="http://10.0.0.1/pb", events=["reversed"])
    with django_capture_on_commit_callbacks(execute=True):
        decide(network, conversion, "approved")
        decide(network, conversion, "reversed", reason="chargeback")
    [attempt] = attempts_of(endpoint)
    assert (attempt.event, attempt.attempt_number) == ("reversed", 1)
    assert retry_countdowns == [30]  # the same backoff, failure count and auto-disable
    assert reload(endpoint).consecutive_failures == 1


BEFORE_EVENTS = [("publishers", "0003_publisher_min_payout")]
WITH_EVENTS = [("publishers", "0004_postback_events")]


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_what_each_endpoint_was_called_for():
    """Endpoints saved with the old flag: without it, conversions only; with it, approvals too."""
    with scopes_disabled():
        network = make_network("mig")
        first, second = (
            Publisher.objects.create(network=network, name=name) for name in ("Old", "Older")
        )
    executor = MigrationExecutor(connection)
    executor.migrate(BEFORE_EVENTS)
    try:
        old = executor.loader.project_state(BEFORE_EVENTS).apps
        endpoints = old.get_model("publishers", "PostbackEndpoint")._base_manager
        url = "https://t.example/"
        plain = endpoints.create(network_id=network.pk, publisher_id=first.pk, url_template=url)
        approvals = endpoints.create(
            network_id=network.pk, publisher_id=second.pk, url_template=url, fire_on_approval=True
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.migrate(executor.loader.graph.leaf_nodes())
    with scopes_disabled():
        assert PostbackEndpoint.objects.get(pk=plain.pk).events == ["created"]
        assert PostbackEndpoint.objects.get(pk=approvals.pk).events == ["created", "approved"]


# Pages


def test_it_shows_the_publisher_only_their_own_postbacks_and_calls(
    client, world, publisher, network
):
    own = make_endpoint(publisher, url="https://mine.example/pb")
    other_user = make_member(network, Role.PUBLISHER, "other@alpha.example")
    with scopes_disabled():
        other = Publisher.objects.get(memberships__user=other_user)
        theirs = make_endpoint(other, url="https://theirs.example/pb")
        for endpoint, url in [
            (own, "https://mine.example/pb?1"),
            (theirs, "https://theirs.example/pb?1"),
        ]:
            PostbackAttempt.objects.create(
                network=network, endpoint=endpoint, event="test", url=url, status_code=200
            )
    body = client.get(HOME).content.decode()
    assert "https://mine.example/pb?1" in body
    assert "theirs.example" not in body

    for suffix in ["", "enable/", "disable/", "test/", "delete/"]:
        assert client.post(f"{HOME}{theirs.pk}/{suffix}").status_code == 404, suffix
    assert client.get(f"{HOME}{theirs.pk}/").status_code == 404
    assert reload(theirs).is_active
    with scopes_disabled():
        assert PostbackAttempt.objects.filter(endpoint=theirs).count() == 1


def test_it_lists_the_calls_newest_first_with_their_result(client, publisher, network):
    endpoint = make_endpoint(publisher)
    with scopes_disabled():
        for minute, code, error in [(1, 200, ""), (2, None, "Timed out after 5 s."), (3, 500, "")]:
            PostbackAttempt.objects.create(
                network=network,
                endpoint=endpoint,
                event="created",
                url=f"https://pub.example/pb?n={minute}",
                status_code=code,
                error=error,
                elapsed_ms=100 + minute,
                attempt_number=minute,
                created_at=WHEN + dt.timedelta(minutes=minute),
            )
    response = client.get(HOME)
    rows = [row.record.url for row in response.context["table"].page.object_list]
    assert rows == [f"https://pub.example/pb?n={n}" for n in (3, 2, 1)]
    body = response.content.decode()
    assert "HTTP 500" in body and "Timed out after 5 s." in body and "HTTP 200" in body
    assert "Mar 4, 2026, 5:09:07\u202fAM" in body
    assert client.get(HOME, {"per_page": "-1", "page": "x", "sort": "nope"}).status_code in (
        200,
        404,
    )


def test_it_saves_then_updates_the_global_postback(client, publisher, network):
    url = "https://t.example/pb?click={aff_click_id}&p={payout}"
    response = client.post(
        f"{HOME}global/", {"global-url_template": url, "global-events": "created"}
    )
    assert response.status_code == 302
    with scopes_disabled():
        endpoint = PostbackEndpoint.objects.get(publisher=publisher)
    assert (endpoint.offer, endpoint.url_template, endpoint.events) == (None, url, ["created"])
    client.post(
        f"{HOME}global/",
        {"global-url_template": url + "&s={status}", "global-events": ["reversed", "approved"]},
    )
    endpoint = reload(endpoint)
    assert endpoint.url_template.endswith("&s={status}")
    assert endpoint.events == ["approved", "reversed"]  # the page's order
    with scopes_disabled():
        actions = list(
            AuditEntry.objects.filter(object_id=str(endpoint.pk))
            .order_by("id")
            .values_list("action", flat=True)
        )
    assert actions == ["postback.created", "postback.updated"]
    assert escape(url + "&s={status}") in client.get(HOME).content.decode()


def test_it_adds_a_postback_for_an_offer_the_publisher_runs(client, world, publisher):
    response = client.post(
        f"{HOME}offers/new/",
        {
            "offer-offer": world["offer"].pk,
            "offer-url_template": "https://t.example/{offer_id}",
            "offer-events": "created",
        },
    )
    assert response.status_code == 302
    with scopes_disabled():
        endpoint = PostbackEndpoint.objects.get(publisher=publisher)
    assert endpoint.offer == world["offer"]
    # The offer is no longer offered for a second one.
    form = client.get(HOME).context["offer_form"]
    assert world["offer"] not in form.fields["offer"].queryset


def test_it_does_not_add_a_postback_for_an_offer_the_publisher_does_not_run(
    client, world, publisher, network, other_network
):
    with scopes_disabled():
        OfferAccess.objects.filter(offer=world["offer"], publisher=publisher).update(
            status="pending"
        )
    beta = make_world(other_network, make_member(other_network, Role.OWNER, "o@beta.example"))
    for offer_id in [world["offer"].pk, beta["offer"].pk, "abc", "", "1 OR 1=1"]:
        response = client.post(
            f"{HOME}offers/new/",
            {"offer-offer": offer_id, "offer-url_template": "https://t.example/"},
        )
        assert response.status_code == 200
        assert "offer" in response.context["offer_form"].errors
    with scopes_disabled():
        assert not PostbackEndpoint.objects.filter(network=network).exists()


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("https://t.example/?x={foo}&y={aff_sub}", "Unknown macro {foo}."),
        ("https://t.example/?x={transaction_id}", "Unknown macro {transaction_id}."),
        ("ftp://t.example/pb", "Use an http:// or https:// URL."),
        ("javascript:alert(1)", "Use an http:// or https:// URL."),
        ("t.example/pb", "Use an http:// or https:// URL."),
        ("https:///pb", "The URL needs a host name"),
        ("https://{aff_sub}.t.example/pb", "Macros can only be used in the path"),
        ("https://t.example/a b", "A URL cannot contain spaces."),
        ("", "This field is required."),
    ],
)
def test_it_explains_what_is_wrong_with_a_postback_url(client, network, url, message):
    response = client.post(f"{HOME}global/", {"global-url_template": url})
    assert response.status_code == 200
    errors = " ".join(response.context["global_form"].errors["url_template"])
    assert message in errors
    with scopes_disabled():
        assert not PostbackEndpoint.objects.filter(network=network).exists()


@pytest.mark.parametrize(("url", "words"), REFUSED_URLS)
@pytest.mark.parametrize("form", ["global", "offer"])
def test_it_refuses_a_postback_url_as_a_webhook_url_is_refused(
    client, network, world, url, words, form
):
    data = {f"{form}-url_template": url, "offer-offer": world["offer"].pk}
    response = client.post(f"{HOME}{'global/' if form == 'global' else 'offers/new/'}", data)
    assert response.status_code == 200
    assert words in " ".join(response.context[f"{form}_form"].errors["url_template"])
    with scopes_disabled():
        assert not PostbackEndpoint.objects.filter(network=network).exists()


def test_it_still_takes_macros_anywhere_in_the_path_and_query(client, network):
    url = "https://t.example/pb/{offer_id}?c={aff_click_id}&p={payout}&s={status}#{source}"
    data = {"global-url_template": url, "global-events": "created"}
    assert client.post(f"{HOME}global/", data).status_code == 302
    with scopes_disabled():
        assert PostbackEndpoint.objects.get(network=network).url_template == url


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"global-url_template": "https://t.example/\x00"},
        {"global-url_template": "https://t.example/" + "a" * 5000},
        {"global-url_template": "https://[t.example/"},
        {"global-url_template": "https://t.example:99999/"},
        {"global-url_template": "https://t.example/{", "global-events": "maybe"},
        {"global-url_template": ["https://a.example/", "https://b.example/"]},
    ],
)
def test_it_never_fails_on_a_malformed_post(client, data):
    response = client.post(f"{HOME}global/", data)
    assert response.status_code in (200, 302)


def test_it_edits_an_offers_postback_on_its_own_page(client, world, publisher):
    endpoint = make_endpoint(publisher, world["offer"])
    page = f"{HOME}{endpoint.pk}/"
    assert world["offer"].name in client.get(page).content.decode()
    response = client.post(page, {"url_template": "https://t.example/{bogus}"})
    assert "Unknown macro {bogus}." in response.content.decode()
    client.post(page, {"url_template": "https://t.example/new", "events": ["created", "approved"]})
    endpoint = reload(endpoint)
    assert (endpoint.url_template, endpoint.events) == (
        "https://t.example/new",
        ["created", "approved"],
    )
    assert endpoint.offer == world["offer"]


def test_turning_a_failing_postback_back_on_resets_its_count(client, publisher):
    endpoint = make_endpoint(publisher, is_active=False, consecutive_failures=25, disabled_at=WHEN)
    body = client.get(HOME).content.decode()
    assert "Turned off after 25 failed calls" in body
    assert "Turn back on" in body
    client.post(f"{HOME}{endpoint.pk}/enable/")
    endpoint = reload(endpoint)
    assert (endpoint.is_active, endpoint.consecutive_failures, endpoint.disabled_at) == (
        True,
        0,
        None,
    )
    client.post(f"{HOME}{endpoint.pk}/disable/")
    assert reload(endpoint).state == "off"
    with scopes_disabled():
        actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"postback.enabled", "postback.turned_off"} <= actions


def test_it_deletes_a_postback(client, publisher, network):
    endpoint = make_endpoint(publisher)
    assert client.post(f"{HOME}{endpoint.pk}/delete/").status_code == 302
    with scopes_disabled():
        assert not PostbackEndpoint.objects.filter(network=network).exists()
        assert AuditEntry.objects.filter(action="postback.deleted").exists()


@pytest.mark.usefixtures("allow_loopback")
def test_the_test_button_calls_with_sample_values_and_logs_it(
    client, publisher, django_capture_on_commit_callbacks
):
    with listening() as server:
        endpoint = make_endpoint(
            publisher, url=f"http://127.0.0.1:{server.port}/pb?c={{conversion_id}}&p={{payout}}"
        )
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"{HOME}{endpoint.pk}/test/", follow=True)
        assert "Test call sent" in response.content.decode()
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(f"{HOME}{endpoint.pk}/test/", follow=True)
        assert "A test call was just sent" in response.content.decode()
    assert [r["path"] for r in server.requests] == ["/pb?c=test&p=1.00"]
    (logged,) = attempts_of(endpoint)
    assert (logged.event, logged.status_code, logged.conversion) == ("test", 200, None)
    assert reload(endpoint).consecutive_failures == 0


def test_a_publisher_under_review_cannot_set_postbacks(network):
    user = make_member(network, Role.PUBLISHER, "pending@alpha.example")
    with scopes_disabled():
        Publisher.objects.filter(memberships__user=user).update(status="pending")
    client = client_for(network, user)
    assert "once the network has approved" in client.get(HOME).content.decode()
    client.post(
        f"{HOME}global/", {"global-url_template": "https://t.example/", "global-events": "created"}
    )
    with scopes_disabled():
        assert not PostbackEndpoint.objects.filter(network=network).exists()


def test_other_roles_may_not_open_the_pages(network, owner, advertiser_user):
    for user in (owner, advertiser_user):
        assert client_for(network, user).get(HOME).status_code == 403


def test_the_sweeper_owes_a_created_postback_only_to_an_endpoint_that_asked_for_it(
    world, publisher, network
):
    second = second_publisher(network, world)
    reversals_only = make_endpoint(publisher, events=["reversed"])
    everything = make_endpoint(second, events=["created", "approved", "reversed"])
    quiet = make_conversion(world, publisher)
    called = make_conversion(world, second)
    follow_ups.sweep(network_id=network.pk)
    with scopes_disabled():
        owed = list(PostbackDelivery.objects.values_list("endpoint_id", "conversion_id", "event"))
        assert Conversion.objects.get(pk=quiet.pk).fraud_checked_at is not None  # swept too
    assert owed == [(everything.pk, called.pk, "created")]
    assert reversals_only.pk not in {endpoint for endpoint, _, _ in owed}
