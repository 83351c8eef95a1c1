from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from conftest import make_member, make_world
from network.models import Role
from tracking import follow_ups
from tracking.fraud import check_conversion, fraud_flags
from tracking.models import Click, Conversion
from tracking.tasks import check_new_conversions, sweep_unchecked_conversions
from tracking.tests.test_geoip import forget_reader, write_country_db

T0 = datetime(2026, 3, 2, 12, 0, tzinfo=UTC)
CHROME = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/124.0.0.0 Safari/537.36"
)
GB_IP = "81.2.69.160"  # GB in the test database
DE_IP = "2001:db8:1::42"  # DE in the test database


@pytest.fixture(autouse=True)
def _fraud_settings(settings, monkeypatch):
    settings.FRAUD_MIN_SECONDS = 10
    settings.FRAUD_MAX_CONVERSIONS_PER_IP = 5
    settings.GEOIP_PATH = ""
    settings.GEOIP_COUNTRY_HEADER = ""
    yield from forget_reader(monkeypatch)


@pytest.fixture
def geoip_db(settings, tmp_path):
    settings.GEOIP_PATH = str(write_country_db(tmp_path / "country.mmdb"))


@pytest.fixture
def world(network, owner):
    return make_world(network, owner)


def make_click(world, *, created_at=T0, user_agent=CHROME, country="", ip=GB_IP) -> Click:
    offer = world["offer"]
    with scopes_disabled():
        return Click.objects.create(
            id=uuid4().hex,
            network=offer.network,
            offer=offer,
            publisher=world["offer_access"].publisher,
            user_agent=user_agent,
            country=country,
            ip=ip,
            created_at=created_at,
        )


def make_conversion(
    world, click=None, *, after=timedelta(minutes=5), created_at=None, ip=GB_IP, **extra
) -> Conversion:
    """A conversion `after` its click (a new one unless given), or at `created_at`."""
    if click is None:
        click = make_click(world, created_at=(created_at or T0 + after) - after)
    with scopes_disabled():
        return Conversion.objects.create(
            network=click.network,
            click=click,
            offer=click.offer,
            goal=world["goal"],
            publisher=click.publisher,
            currency="USD",
            method=extra.pop("method", Conversion.Method.PIXEL),
            ip=ip,
            created_at=created_at or click.created_at + after,
            **extra,
        )


def flags_of(conversion) -> list[str]:
    with scope(network=conversion.network):
        return fraud_flags(Conversion.objects.get(pk=conversion.pk))


def test_it_finds_nothing_on_an_ordinary_conversion(world, geoip_db):
    click = make_click(world, country="GB")
    assert flags_of(make_conversion(world, click)) == []


# fast_conversion


def test_a_conversion_exactly_at_the_minimum_delay_is_not_fast(world, time_machine):
    time_machine.move_to(T0, tick=False)
    click = make_click(world, created_at=datetime.now(tz=UTC))
    time_machine.shift(timedelta(seconds=10))
    conversion = make_conversion(world, click, created_at=datetime.now(tz=UTC))
    assert conversion.created_at - click.created_at == timedelta(seconds=10)
    assert flags_of(conversion) == []


def test_a_conversion_just_under_the_minimum_delay_is_fast(world, time_machine):
    time_machine.move_to(T0, tick=False)
    click = make_click(world, created_at=datetime.now(tz=UTC))
    time_machine.shift(timedelta(seconds=9.9))
    conversion = make_conversion(world, click, created_at=datetime.now(tz=UTC))
    assert flags_of(conversion) == ["fast_conversion"]


def test_the_minimum_delay_is_a_setting(world, settings):
    settings.FRAUD_MIN_SECONDS = 120
    assert flags_of(make_conversion(world, after=timedelta(seconds=119))) == ["fast_conversion"]
    assert flags_of(make_conversion(world, after=timedelta(seconds=120))) == []


# ip_velocity


def test_the_sixth_conversion_from_one_ip_in_24_hours_is_flagged(world):
    conversions = [make_conversion(world, created_at=T0 + timedelta(hours=4 * n)) for n in range(6)]
    assert [flags_of(c) for c in conversions[:5]] == [[]] * 5
    assert flags_of(conversions[5]) == ["ip_velocity"]


def test_velocity_counts_only_this_ip_this_network_and_the_last_24_hours(world, other_network):
    make_conversion(world, created_at=T0 - timedelta(hours=24))  # exactly 24 h before: out
    for n in range(4):
        make_conversion(world, created_at=T0 - timedelta(hours=n))
    make_conversion(world, created_at=T0 - timedelta(minutes=1), ip="81.2.69.161")
    make_conversion(world, created_at=T0 - timedelta(minutes=1), ip=None)
    make_conversion(world, created_at=T0 + timedelta(minutes=1))  # later: not counted
    other_world = make_world(
        other_network, make_member(other_network, Role.OWNER, "owner@beta.example")
    )
    make_conversion(other_world, created_at=T0 - timedelta(minutes=1))

    fifth = make_conversion(world, created_at=T0)
    assert flags_of(fifth) == []
    make_conversion(world, created_at=T0 - timedelta(hours=23, minutes=59))
    assert flags_of(fifth) == ["ip_velocity"]


def test_a_conversion_without_ip_has_no_velocity(world):
    conversions = [make_conversion(world, ip=None) for _ in range(7)]
    assert flags_of(conversions[-1]) == []


def test_postbacks_share_the_advertisers_server_ip_and_have_no_velocity(world):
    server_ip = "198.51.100.7"
    for n in range(6):
        make_conversion(world, created_at=T0 + timedelta(minutes=n), ip=server_ip)
    postbacks = [
        make_conversion(
            world,
            created_at=T0 + timedelta(hours=1, minutes=n),
            ip=server_ip,
            method=Conversion.Method.POSTBACK,
        )
        for n in range(7)
    ]
    assert flags_of(postbacks[-1]) == []


def test_the_velocity_limit_is_a_setting(world, settings):
    settings.FRAUD_MAX_CONVERSIONS_PER_IP = 1
    first = make_conversion(world, created_at=T0)
    second = make_conversion(world, created_at=T0 + timedelta(minutes=1))
    assert (flags_of(first), flags_of(second)) == ([], ["ip_velocity"])


# bot_user_agent


@pytest.mark.parametrize(
    "user_agent",
    [
        "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
        "curl/8.5.0",
        "python-requests/2.31.0",
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "HeadlessChrome/124.0.6367.60 Safari/537.36",
        "",
    ],
)
def test_a_click_from_a_bot_is_flagged(world, user_agent):
    click = make_click(world, user_agent=user_agent)
    assert flags_of(make_conversion(world, click)) == ["bot_user_agent"]


# country_mismatch


@pytest.mark.parametrize(
    ("click_country", "conversion_ip", "flagged"),
    [
        ("US", GB_IP, True),
        ("GB", DE_IP, True),
        ("GB", GB_IP, False),
        ("gb", GB_IP, False),
        ("DE", DE_IP, False),
        ("", GB_IP, False),  # click country unknown
        ("US", "192.0.2.1", False),  # conversion country unknown
        ("US", None, False),
    ],
)
def test_country_mismatch(world, geoip_db, click_country, conversion_ip, flagged):
    click = make_click(world, country=click_country)
    conversion = make_conversion(world, click, ip=conversion_ip)
    assert flags_of(conversion) == (["country_mismatch"] if flagged else [])


def test_a_postback_from_another_country_is_no_mismatch(world, geoip_db):
    click = make_click(world, country="US")
    conversion = make_conversion(world, click, ip=GB_IP, method=Conversion.Method.POSTBACK)
    assert flags_of(conversion) == []


def test_without_geoip_there_is_no_country_mismatch(world, settings):
    settings.GEOIP_COUNTRY_HEADER = "HTTP_CF_IPCOUNTRY"  # a header is no use without a request
    click = make_click(world, country="US")
    assert flags_of(make_conversion(world, click, ip=GB_IP)) == []


def test_flags_come_in_a_fixed_order(world, geoip_db):
    click = make_click(world, user_agent="curl/8.5.0", country="US")
    for n in range(6):
        conversion = make_conversion(world, click, after=timedelta(seconds=1 + n / 10))
    assert flags_of(conversion) == [
        "fast_conversion",
        "ip_velocity",
        "bot_user_agent",
        "country_mismatch",
    ]


# check_conversion


def audit_entries(network):
    with scopes_disabled():
        return list(AuditEntry.objects.filter(network=network, action="conversion.fraud_checked"))


def test_it_stores_the_flags_and_audits_them(world, network, time_machine):
    time_machine.move_to(T0 + timedelta(hours=1), tick=False)
    click = make_click(world, user_agent="curl/8.5.0")
    conversion = make_conversion(world, click, after=timedelta(seconds=2))
    with scope(network=network):
        assert check_conversion(conversion) == ["fast_conversion", "bot_user_agent"]

    with scopes_disabled():
        conversion.refresh_from_db()
    assert conversion.fraud_flags == ["fast_conversion", "bot_user_agent"]
    assert conversion.reason_code == "fast_conversion"
    assert conversion.fraud_checked_at == T0 + timedelta(hours=1)
    assert conversion.status == Conversion.Status.PENDING  # flags only; the status is not ours
    [entry] = audit_entries(network)
    assert (entry.actor, entry.actor_label) == (None, "system")
    assert entry.object_id == str(conversion.pk)
    assert entry.reason == "fast_conversion, bot_user_agent"


def test_a_clean_conversion_is_marked_checked_without_audit(world, network, time_machine):
    time_machine.move_to(T0 + timedelta(hours=1), tick=False)
    conversion = make_conversion(world)
    with scope(network=network):
        assert check_conversion(conversion) == []
    with scopes_disabled():
        conversion.refresh_from_db()
    assert (conversion.fraud_flags, conversion.reason_code) == ([], "")
    assert conversion.fraud_checked_at == T0 + timedelta(hours=1)
    assert audit_entries(network) == []


def test_checking_twice_gives_the_same_result_and_one_audit_entry(world, network):
    click = make_click(world, user_agent="Wget/1.21.4")
    conversion = make_conversion(world, click)
    with scope(network=network):
        check_conversion(conversion)
        # Conversions from the same IP after this one do not change its result.
        for n in range(6):
            make_conversion(world, click, after=timedelta(hours=1, minutes=n))
        check_conversion(Conversion.objects.get(pk=conversion.pk))
    with scopes_disabled():
        conversion.refresh_from_db()
    assert conversion.fraud_flags == ["bot_user_agent"]
    assert conversion.reason_code == "bot_user_agent"
    assert len(audit_entries(network)) == 1


def test_a_changed_result_clears_the_old_fraud_reason(world, network, settings):
    conversion = make_conversion(world, after=timedelta(seconds=30))
    settings.FRAUD_MIN_SECONDS = 60
    with scope(network=network):
        check_conversion(conversion)
        assert conversion.reason_code == "fast_conversion"
        settings.FRAUD_MIN_SECONDS = 10
        check_conversion(conversion)
    with scopes_disabled():
        conversion.refresh_from_db()
    assert (conversion.fraud_flags, conversion.reason_code) == ([], "")


def test_it_keeps_a_reason_code_set_by_another_validation_step(world, network):
    click = make_click(world, user_agent="curl/8.5.0")
    conversion = make_conversion(
        world, click, status=Conversion.Status.REJECTED, reason_code="cap_reached"
    )
    with scope(network=network):
        check_conversion(conversion)
    with scopes_disabled():
        conversion.refresh_from_db()
    assert (conversion.fraud_flags, conversion.reason_code) == (["bot_user_agent"], "cap_reached")


# the task: the conversion rows are the outbox (tracking.follow_ups)


def test_the_task_checks_every_unchecked_conversion_of_its_network(world, network):
    bot = make_click(world, user_agent="curl/8.5.0")
    conversions = [make_conversion(world, bot), make_conversion(world, make_click(world))]
    # No scope here: the task enters it, and the service's scoped queries would fail otherwise.
    assert check_new_conversions.apply(kwargs={"network_id": network.id}).get() == 2
    with scopes_disabled():
        flagged, clean = (Conversion.objects.get(pk=c.pk) for c in conversions)
    assert flagged.fraud_flags == ["bot_user_agent"] and flagged.fraud_checked_at
    assert clean.fraud_flags == [] and clean.fraud_checked_at
    assert check_new_conversions.apply(kwargs={"network_id": network.id}).get() == 0


def test_the_task_works_through_more_than_one_batch(world, network, monkeypatch):
    monkeypatch.setattr(follow_ups, "BATCH", 2)
    for _ in range(5):
        make_conversion(world, make_click(world))
    assert check_new_conversions.apply(kwargs={"network_id": network.id}).get() == 5
    with scopes_disabled():
        assert not Conversion.objects.filter(fraud_checked_at__isnull=True).exists()


def test_a_new_conversion_is_checked_after_commit(
    world, network, django_capture_on_commit_callbacks
):
    conversion = make_conversion(world, make_click(world, user_agent="curl/8.5.0"))
    with django_capture_on_commit_callbacks(execute=True):
        follow_ups.conversion_stored(network.id)
        with scopes_disabled():
            assert Conversion.objects.get(pk=conversion.pk).fraud_checked_at is None
    with scopes_disabled():
        conversion.refresh_from_db()
    assert conversion.fraud_flags == ["bot_user_agent"]


def test_the_beat_backstop_checks_conversions_left_unchecked(world, network, other_network):
    old = make_conversion(world, make_click(world, user_agent="curl/8.5.0"))
    fresh = make_conversion(world, make_click(world, user_agent="curl/8.5.0"))
    with scopes_disabled():
        Conversion.objects.filter(pk=old.pk).update(
            created_at=timezone.now() - timedelta(minutes=5)
        )
        Conversion.objects.filter(pk=fresh.pk).update(created_at=timezone.now())
    assert sweep_unchecked_conversions.apply().get() == 1
    with scopes_disabled():
        assert Conversion.objects.get(pk=old.pk).fraud_flags == ["bot_user_agent"]
        assert Conversion.objects.get(pk=fresh.pk).fraud_checked_at is None  # the sweeper's


def test_the_task_needs_a_network_id(world):
    make_conversion(world)
    with pytest.raises(TypeError, match="network_id"):
        check_new_conversions.apply(kwargs={}).get()


def test_the_task_does_not_touch_another_networks_conversion(world, other_network):
    conversion = make_conversion(world, make_click(world, user_agent="curl/8.5.0"))
    assert check_new_conversions.apply(kwargs={"network_id": other_network.id}).get() == 0
    with scopes_disabled():
        conversion.refresh_from_db()
    assert (conversion.fraud_flags, conversion.fraud_checked_at) == ([], None)
