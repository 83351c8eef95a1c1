"""The API core: keys (hashed, shown once, per network, revocable), who may call, the one
error format, rate limits per key and per IP, Idempotency-Key."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, connections
from django_scopes import scopes_disabled

from audit.models import AuditEntry
from conftest import client_for, make_member
from network.api_keys import ApiKey, api_key_revoke
from network.models import Membership, Role
from network.tests.api import api_client, key_for
from network.tests.money import reauthenticated

pytestmark = pytest.mark.django_db


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"status", "code", "message", "fields"}
    assert body["error"]["status"] == response.status_code
    return body["error"]


def test_it_answers_401_with_the_error_format_without_a_key(network, publisher_user):
    response = api_client(network).get("/api/v1/me/")
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Api-Key"
    assert error_of(response)["code"] == "not_authenticated"


@pytest.mark.parametrize(
    "header",
    ["Api-Key nonsense", "Api-Key afk_12345678_wrong", "Api-Key ", "Api-Key afk_\x00"],
)
def test_it_refuses_malformed_and_wrong_keys(network, publisher_user, header):
    key_for(network, publisher_user)
    client = api_client(network)
    client.credentials(HTTP_AUTHORIZATION=header)
    response = client.get("/api/v1/me/")
    assert response.status_code == 401
    assert error_of(response)["code"] == "authentication_failed"


def test_a_key_acts_with_its_owners_role(network, advertiser_user):
    key = key_for(network, advertiser_user)
    body = api_client(network, key).get("/api/v1/me/").json()
    assert body["role"] == "advertiser"
    assert body["email"] == "adv@alpha.example"
    assert body["api_key"] == key.split("_")[1]


def test_a_key_works_only_on_its_own_networks_host(network, other_network, owner):
    key = key_for(network, owner)
    make_member(other_network, Role.OWNER, "owner@beta.example")
    assert api_client(other_network, key).get("/api/v1/me/").status_code == 401


def test_a_revoked_key_and_a_key_whose_owner_left_stop_working(network, owner, publisher_user):
    revoked, kept = key_for(network, owner), key_for(network, publisher_user)
    with scopes_disabled():
        api_key_revoke(key=ApiKey.objects.get(user=owner), actor=owner)
        Membership.objects.filter(user=publisher_user).delete()
    assert api_client(network, revoked).get("/api/v1/me/").status_code == 401
    assert api_client(network, kept).get("/api/v1/me/").status_code == 401


def test_a_session_works_for_members_and_outsiders_get_404(network, manager, outsider):
    assert client_for(network, manager).get("/api/v1/me/").json()["role"] == "manager"
    assert client_for(network, outsider).get("/api/v1/me/").status_code == 404


def test_the_page_shows_a_new_key_once_and_stores_only_its_hash(network, publisher_user):
    client = reauthenticated(client_for(network, publisher_user), publisher_user)
    page = client.post("/account/api-keys/", {"name": "order sync"})
    assert page.status_code == 200
    raw = page.context["new_key"]
    assert raw.startswith("afk_") and raw.encode() in page.content
    with scopes_disabled():
        key = ApiKey.objects.get()
        assert raw not in (key.key_hash, key.prefix) and key.key_hash != ""
        assert AuditEntry.objects.filter(action="api_key.created", object_id=str(key.pk)).exists()
    assert raw.encode() not in client.get("/account/api-keys/").content  # shown once
    assert api_client(network, raw).get("/api/v1/me/").status_code == 200
    with scopes_disabled():
        assert ApiKey.objects.get().last_used_at is not None


def test_members_revoke_their_own_keys_and_admins_any(network, owner, publisher_user, manager):
    key_for(network, publisher_user)
    with scopes_disabled():
        key = ApiKey.objects.get()
    other_member = client_for(network, make_member(network, Role.PUBLISHER, "p2@alpha.example"))
    assert other_member.post(f"/account/api-keys/{key.pk}/revoke/").status_code == 404
    assert (
        client_for(network, manager).post(f"/account/api-keys/{key.pk}/revoke/").status_code == 302
    )
    with scopes_disabled():
        assert ApiKey.objects.get().revoked_at is not None
        entry = AuditEntry.objects.get(action="api_key.revoked")
    assert entry.actor == manager


@pytest.mark.urls("network.tests.api_test_urls")
def test_audit_entries_say_a_change_came_through_a_key(network, owner):
    key = key_for(network, owner)
    response = api_client(network, key).post("/api/test/keys/", {"name": "k2"}, format="json")
    assert response.status_code == 201
    with scopes_disabled():
        entry = AuditEntry.objects.filter(action="api_key.created").latest("id")
    assert entry.actor_label == f"owner@alpha.example via API key {key.split('_')[1]}"


def set_rates(settings, per_key: str, per_ip: str) -> None:
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"api_key": per_key, "api_ip": per_ip},
    }


def test_it_answers_429_past_the_rate_of_a_key(network, owner, settings):
    set_rates(settings, per_key="3/min", per_ip="100/min")
    client = api_client(network, key_for(network, owner))
    answers = [client.get("/api/v1/me/").status_code for _ in range(4)]
    assert answers == [200, 200, 200, 429]
    response = client.get("/api/v1/me/")
    assert error_of(response)["code"] == "throttled"
    assert int(response["Retry-After"]) > 0
    # Another key of the same network has its own allowance.
    assert api_client(network, key_for(network, owner)).get("/api/v1/me/").status_code == 200


def test_guessing_keys_from_one_ip_is_rate_limited(network, owner, settings):
    set_rates(settings, per_key="100/min", per_ip="3/min")
    client = api_client(network)
    client.credentials(HTTP_AUTHORIZATION="Api-Key afk_00000000_guess")
    answers = [client.get("/api/v1/me/").status_code for _ in range(4)]
    assert answers == [401, 401, 401, 429]


@pytest.mark.urls("network.tests.api_test_urls")
def test_an_idempotency_key_replays_the_first_answer(network, owner):
    client = api_client(network, key_for(network, owner))
    first = client.post("/api/test/keys/", {"name": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    again = client.post("/api/test/keys/", {"name": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    with scopes_disabled():
        assert ApiKey.objects.filter(name="a").count() == 1
    other = client.post("/api/test/keys/", {"name": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="k2")
    assert other.status_code == 201 and other.json()["id"] != first.json()["id"]


@pytest.mark.urls("network.tests.api_test_urls")
def test_an_idempotency_key_with_another_body_is_a_conflict(network, owner):
    client = api_client(network, key_for(network, owner))
    client.post("/api/test/keys/", {"name": "a"}, format="json", HTTP_IDEMPOTENCY_KEY="k1")
    response = client.post(
        "/api/test/keys/", {"name": "b"}, format="json", HTTP_IDEMPOTENCY_KEY="k1"
    )
    assert response.status_code == 409
    assert error_of(response)["code"] == "idempotency_conflict"
    with scopes_disabled():
        assert not ApiKey.objects.filter(name="b").exists()


@pytest.mark.urls("network.tests.api_test_urls")
def test_idempotency_keys_belong_to_their_user(network, owner, manager):
    body = {"name": "same"}
    for user in (owner, manager):
        client = api_client(network, key_for(network, user))
        response = client.post("/api/test/keys/", body, format="json", HTTP_IDEMPOTENCY_KEY="k")
        assert response.status_code == 201
    with scopes_disabled():
        assert ApiKey.objects.filter(name="same").count() == 2


@pytest.mark.urls("network.tests.api_test_urls")
@pytest.mark.django_db(transaction=True)
def test_concurrent_requests_with_one_key_create_one_object(network, owner):
    if connection.vendor != "postgresql":
        pytest.skip("concurrency needs PostgreSQL (SQLite serialises writers)")
    raw = key_for(network, owner)
    answers: list[tuple[int, int | None]] = []

    def post() -> None:
        client = api_client(network, raw)
        response = client.post(
            "/api/test/keys/?pause=0.5", {"name": "once"}, format="json", HTTP_IDEMPOTENCY_KEY="c"
        )
        answers.append((response.status_code, response.json().get("id")))
        connections.close_all()

    threads = [threading.Thread(target=post) for _ in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    # One runs; the others are told it is still running (409), or, if they came late, get
    # its answer replayed: never a second object.
    with scopes_disabled():
        made = ApiKey.objects.get(name="once")
    assert {status for status, _id in answers} <= {201, 409}
    assert {key_id for status, key_id in answers if status == 201} == {made.pk}
    replay = api_client(network, raw).post(
        "/api/test/keys/?pause=0.5", {"name": "once"}, format="json", HTTP_IDEMPOTENCY_KEY="c"
    )
    assert replay.status_code == 201 and replay["Idempotent-Replayed"] == "true"
