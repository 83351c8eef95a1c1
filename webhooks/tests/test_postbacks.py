"""Publisher postbacks: filled URLs, which endpoint fires, the call log, the failure count
that turns an endpoint off, retries with backoff (the postback adapter of the one delivery
engine, webhooks.delivery), approvals and reversals. The pages: test_pages_publisher.py."""

from __future__ import annotations

import datetime as dt
import itertools
from concurrent.futures import ThreadPoolExecutor
from decimal import Decimal
from urllib.parse import quote

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.db import connection, connections
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from conftest import client_for, make_member, make_world
from lib.tests.test_safehttp import listening
from network.celery import app as celery_app
from network.models import Role
from offers.models import Offer, OfferAccess
from publishers.models import Publisher
from tracking import follow_ups
from tracking.models import Click, Conversion
from webhooks import tasks
from webhooks.delivery import engine
from webhooks.delivery.engine import MAX_ATTEMPTS, MAX_CONSECUTIVE_FAILURES, RETRY_DELAYS
from webhooks.delivery.postback import (
    POSTBACK,
    fill_postback_url,
    postback_endpoints_for,
    send_test,
)
from webhooks.models import PostbackAttempt, PostbackDelivery, PostbackEndpoint

HOME = "/publisher/postbacks/"
WHEN = dt.datetime(2026, 3, 4, 5, 6, 7, tzinfo=dt.UTC)


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


def fire(endpoint, conversion, event="created") -> PostbackAttempt | None:
    """One call of the postback the conversion owes the endpoint, through the delivery engine:
    its delivery row owed (or made due again) and attempted."""
    with scope(network=endpoint.network):
        moment = timezone.now()
        delivery, _ = PostbackDelivery.objects.get_or_create(
            network_id=endpoint.network_id,
            endpoint_id=endpoint.pk,
            conversion=conversion,
            event=event,
            defaults={"next_attempt_at": moment},
        )
        PostbackDelivery.objects.filter(pk=delivery.pk).update(
            state="pending", next_attempt_at=moment, finished_at=None
        )
        return engine.attempt(POSTBACK, delivery.pk)


def delivery_of(conversion, event="created") -> PostbackDelivery:
    with scopes_disabled():
        return PostbackDelivery.objects.get(conversion=conversion, event=event)


def send_due() -> int:
    return tasks.send_due_deliveries.apply().get()


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

    # Its deliveries are not called any more: given up without a call.
    assert fire(endpoint, conversion) is None
    assert len(attempts_of(endpoint)) == MAX_CONSECUTIVE_FAILURES
    assert delivery_of(conversion).state == "failed"
    # Another failure (a call already in flight when it turned off) neither emails nor audits.
    with django_capture_on_commit_callbacks(execute=True), scope(network=network):
        engine.count_failure(POSTBACK, reload(endpoint))
    assert reload(endpoint).consecutive_failures == MAX_CONSECUTIVE_FAILURES + 1
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
    conversions = [make_conversion(world, publisher) for _ in range(20)]

    def fail(conversion):
        try:
            fire(endpoint, conversion)
        finally:
            connections.close_all()

    with ThreadPoolExecutor(max_workers=20) as pool:
        list(pool.map(fail, conversions))
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
        logged = send_test(reload(endpoint))
    assert logged.conversion is None and logged.url == "http://10.0.0.1/pb?c=test"
    assert logged.event == "test" and logged.error.startswith("Refused:")
    endpoint = reload(endpoint)
    assert (endpoint.consecutive_failures, endpoint.is_active) == (24, True)


# Retries: the one schedule of both kinds (webhooks.delivery.engine)

START = dt.datetime(2026, 5, 4, 10, 0, tzinfo=dt.UTC)


def test_the_backoff_multiplies_by_four_from_a_minute():
    assert RETRY_DELAYS == [60, 240, 960, 3840, 15360, 61440]
    assert MAX_ATTEMPTS == 7
    assert round(sum(RETRY_DELAYS) / 3600) == 23  # "about 23 hours", as the pages say


def sweep_and_send(network, django_capture_on_commit_callbacks) -> None:
    """The conversion sweeper owes the postbacks, sent after its commit (tasks run eagerly)."""
    with django_capture_on_commit_callbacks(execute=True):
        follow_ups.sweep(network_id=network.pk)


def test_a_failing_postback_is_retried_with_backoff(
    world, publisher, network, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(publisher, url="http://10.0.0.1/pb")
    conversion = make_conversion(world, publisher)
    with time_machine.travel(START, tick=False) as traveller:
        sweep_and_send(network, django_capture_on_commit_callbacks)
        for delay in RETRY_DELAYS:
            traveller.shift(dt.timedelta(seconds=delay - 1))
            assert send_due() == 0  # not due yet
            traveller.shift(dt.timedelta(seconds=1))
            assert send_due() == 1
        traveller.shift(dt.timedelta(days=3))
        assert send_due() == 0  # given up
    logged = sorted(attempts_of(endpoint), key=lambda attempt: attempt.attempt_number)
    assert [a.attempt_number for a in logged] == list(range(1, MAX_ATTEMPTS + 1))
    assert {a.event for a in logged} == {"created"}
    gaps = [
        round((later.created_at - earlier.created_at).total_seconds())
        for earlier, later in itertools.pairwise(logged)
    ]
    assert gaps == RETRY_DELAYS
    delivery = delivery_of(conversion)
    assert (delivery.state, delivery.attempts, delivery.next_attempt_at) == ("failed", 7, None)
    assert reload(endpoint).consecutive_failures == 7


@pytest.mark.usefixtures("allow_loopback")
def test_a_successful_postback_is_not_retried(
    world, publisher, network, django_capture_on_commit_callbacks
):
    conversion = make_conversion(world, publisher)
    with listening() as server:
        endpoint = make_endpoint(publisher, url=f"http://127.0.0.1:{server.port}/")
        sweep_and_send(network, django_capture_on_commit_callbacks)
        with time_machine.travel(timezone.now() + dt.timedelta(days=1)):
            assert send_due() == 0
    assert len(server.requests) == 1
    assert [a.status_code for a in attempts_of(endpoint)] == [200]
    assert delivery_of(conversion).state == "delivered"


def test_retries_stop_once_the_endpoint_is_turned_off(
    world, publisher, network, django_capture_on_commit_callbacks
):
    endpoint = make_endpoint(
        publisher, url="http://10.0.0.1/pb", consecutive_failures=MAX_CONSECUTIVE_FAILURES - 1
    )
    conversion = make_conversion(world, publisher)
    sweep_and_send(network, django_capture_on_commit_callbacks)
    assert len(attempts_of(endpoint)) == 1
    assert not reload(endpoint).is_active  # this failure turned it off: no retry
    delivery = delivery_of(conversion)
    assert (delivery.state, delivery.next_attempt_at) == ("failed", None)


def legacy_call(network, endpoint, conversion, event="created", task="fire_endpoint_postback"):
    """A message queued under the publishers app's task names, before the one module."""
    kwargs = {"network_id": network.pk, "conversion_id": conversion.pk, "event": event}
    if task == "fire_endpoint_postback":
        kwargs["postback_endpoint_id"] = endpoint.pk
    celery_app.tasks[f"publishers.tasks.{task}"].apply(kwargs=kwargs)


@pytest.mark.usefixtures("allow_loopback")
@pytest.mark.parametrize("task", ["fire_conversion_postbacks", "fire_endpoint_postback"])
def test_a_message_queued_before_the_move_still_calls_once(world, publisher, network, task):
    conversion = make_conversion(world, publisher)
    with listening() as server:
        endpoint = make_endpoint(
            publisher, url=f"http://127.0.0.1:{server.port}/pb?s={{status}}", events=["approved"]
        )
        legacy_call(network, endpoint, conversion, "approved", task)
        legacy_call(network, endpoint, conversion, "approved", task)  # a duplicate message
    assert [r["path"] for r in server.requests] == ["/pb?s=approved"]
    assert delivery_of(conversion, "approved").state == "delivered"


def test_the_task_does_nothing_without_an_endpoint_or_conversion(world, publisher, network):
    endpoint = make_endpoint(publisher, is_active=False)
    conversion = make_conversion(world, publisher)
    legacy_call(network, endpoint, conversion, task="fire_conversion_postbacks")
    tasks.fire_conversion_postbacks.apply(kwargs={"network_id": network.pk, "conversion_id": 10**9})
    legacy_call(network, endpoint, conversion)
    assert attempts_of(endpoint) == []


def test_the_task_stays_in_its_network(world, publisher, network, other_network):
    """Called with another network's id, the task finds neither conversion nor endpoint."""
    endpoint = make_endpoint(publisher, url="http://10.0.0.1/pb")
    conversion = make_conversion(world, publisher)
    legacy_call(other_network, endpoint, conversion)
    legacy_call(other_network, endpoint, conversion, task="fire_conversion_postbacks")
    assert attempts_of(endpoint) == []


def second_publisher(network, world) -> Publisher:
    """Another approved publisher of the same network who runs the same offer."""
    user = make_member(network, Role.PUBLISHER, "second@alpha.example", company="Second Media")
    with scopes_disabled():
        other = Publisher.objects.get(memberships__user=user)
        OfferAccess.objects.create(network=network, offer=world["offer"], publisher=other)
    return other


def listener_url(server) -> str:
    return f"http://127.0.0.1:{server.port}/pb?c={{conversion_id}}&s={{status}}"


# The migrations that databases made before issue 17 recorded, among them the move of the
# postbacks from publishers to webhooks: the squashed migrations replace them all.
OLD_CHAINS = {
    "advertisers": [
        "0001_initial",
        "0002_initial",
        "0003_advertiser_postback_ips_advertiser_postback_token_and_more",
        "0004_distinct_postback_tokens",
        "0005_advertiser_blocked_status",
    ],
    "audit": ["0001_initial"],
    "commissions": ["0001_initial"],
    "network": [
        "0001_initial",
        "0002_initial",
        "0003_network_default_margin_percent_and_more",
        "0004_network_fallback_url",
        "0005_network_min_payout_network_payout_second_approver",
        "0006_user_language",
        "0007_api_keys_idempotency",
        "0008_auditentry_network_created_index",
        "0009_api_key_scopes",
        "0010_currency_minimums",
        "0011_invoice_terms",
        "0012_alter_network_language_alter_user_language",
        "0013_auditentry_to_audit_app",
    ],
    "offers": ["0001_initial", "0002_rules_to_commissions"],
    "payouts": [
        "0001_initial",
        "0002_entry_covering_index",
        "0003_run_controls",
        "0004_ledger_immutable",
        "0005_run_heartbeat",
        "0006_currency_minimums",
        "0007_credit_notes",
        "0008_payment_details_to_publishers",
    ],
    "publishers": [
        "0001_initial",
        "0002_postbacks",
        "0003_publisher_min_payout",
        "0004_postback_events",
        "0005_postback_delivery",
        "0006_currency_minimums",
        "0007_alter_publisher_country",
        "0007_payment_details",
        "0007_postbacks_move_to_webhooks",
        "0008_merge_20261207_1604",
        "0009_merge_0007_payment_details_0008_merge_20261207_1604",
    ],
    "reports": [
        "0001_initial",
        "0002_daily_rollups",
        "0003_daily_landing_pages_and_geo",
        "0004_daily_redo_progress",
        "0005_daily_advertiser_publishers",
        "0006_converting_clicks",
    ],
    "tracking": [
        "0001_initial",
        "0002_click_for_fast_inserts",
        "0003_conversion_unchecked_index",
        "0004_conversion_decided_at_conversion_ledger_postings",
        "0005_conversion_fewer_indexes",
        "0006_rollup_indexes",
        "0007_click_fewer_indexes",
        "0008_conversion_method_click",
    ],
    "webhooks": [
        "0001_initial",
        "0002_postbacks_from_publishers",
        "0003_one_delivery_shape",
        "0004_postback_labels",
    ],
}


@pytest.mark.django_db
def test_a_database_migrated_by_the_old_chains_has_nothing_to_apply():
    """Such a database counts as migrated: nothing runs again on its tables and rows."""
    old = {(app, name) for app, names in OLD_CHAINS.items() for name in names}
    on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    squashed = {key: migration for key, migration in on_disk.items() if migration.replaces}
    assert {tuple(key) for migration in squashed.values() for key in migration.replaces} == old
    recorder = MigrationRecorder(connection)
    for app, name in old | set(squashed):
        recorder.migration_qs.filter(app=app, name=name).delete()
    for app, name in sorted(old):
        recorder.record_applied(app, name)
    executor = MigrationExecutor(connection)
    assert squashed.keys() <= executor.loader.applied_migrations.keys()
    assert executor.migration_plan(executor.loader.graph.leaf_nodes()) == []


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
