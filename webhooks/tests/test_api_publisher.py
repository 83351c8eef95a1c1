"""The publisher's postback API (webhooks/api_publisher.py): their postbacks and the log of
their calls, under the same rules, services and audit as the postbacks page."""
# ruff: noqa: F811  (the fixtures imported from the publisher API's world are the tests' arguments)

from __future__ import annotations

import pytest
from django_scopes import scopes_disabled

from audit.models import AuditEntry
from lib.tests.test_safehttp import REFUSED_URLS
from network.tests.api import audit_of, error_of, fresh, ids, key_prefix
from publishers.tests.api_world import (  # noqa: F401  (fixtures)
    API,
    URL,
    grant,
    make_offer,
    pub,
    world,
)
from webhooks.models import PostbackAttempt, PostbackEndpoint

pytestmark = pytest.mark.django_db


def test_it_sets_the_global_postback_as_the_page_does_with_the_audit(
    network, world, pub, publisher_user
):
    assert error_of(pub.get(f"{API}/postbacks/global/"), 404)
    sneaky = {"url_template": URL, "state": "off", "consecutive_failures": 9, "offer": 1}
    created = pub.put(f"{API}/postbacks/global/", sneaky, format="json")
    assert created.status_code == 201, created.content
    body = created.json()
    assert (body["offer"], body["state"], body["consecutive_failures"]) == (None, "active", 0)
    with scopes_disabled():
        endpoint = PostbackEndpoint.objects.get(publisher=world["me"], offer__isnull=True)
    [entry] = audit_of(endpoint)
    assert (entry.action, entry.actor, entry.to_state) == ("postback.created", publisher_user, URL)
    assert entry.actor_label.endswith(f"via API key {key_prefix(pub)}")
    changed = pub.put(
        f"{API}/postbacks/global/",
        {"url_template": "https://t.example/{conversion_id}", "fire_on_approval": True},
        format="json",
    )
    assert changed.status_code == 200 and changed.json()["id"] == endpoint.pk
    assert fresh(endpoint).fire_on_approval is True
    assert [e.action for e in audit_of(endpoint)] == ["postback.created", "postback.updated"]
    assert pub.get(f"{API}/postbacks/global/").json()["url_template"] == (
        "https://t.example/{conversion_id}"
    )


def test_postback_urls_are_judged_like_on_the_page(network, world, pub):
    for bad, words in [
        ("ftp://t.example/pb", "http"),
        ("https://t.example/pb?x={nope}", "nope"),
        ("https://{offer_id}.example/pb", "path or the query"),
    ]:
        response = pub.put(f"{API}/postbacks/global/", {"url_template": bad}, format="json")
        assert words in " ".join(error_of(response, 400)["fields"]["url_template"]), bad
    endpoint = world["postback_endpoint"]
    response = pub.patch(f"{API}/postbacks/{endpoint.pk}/", {"url_template": "nope"}, format="json")
    assert error_of(response, 400)["fields"]["url_template"]
    assert fresh(endpoint).url_template == "https://pub.example/pb?c={conversion_id}"
    with scopes_disabled():
        assert not PostbackEndpoint.objects.filter(offer__isnull=True).exists()


@pytest.mark.parametrize(("url", "words"), REFUSED_URLS)
def test_postback_urls_are_refused_as_webhook_urls_are(network, world, pub, url, words):
    for response in (
        pub.put(f"{API}/postbacks/global/", {"url_template": url}, format="json"),
        pub.patch(
            f"{API}/postbacks/{world['postback_endpoint'].pk}/",
            {"url_template": url},
            format="json",
        ),
    ):
        assert words in " ".join(error_of(response, 400)["fields"]["url_template"]), url
    assert (
        fresh(world["postback_endpoint"]).url_template == "https://pub.example/pb?c={conversion_id}"
    )
    macros = "https://t.example/pb/{offer_id}?c={aff_click_id}&s={status}"
    response = pub.put(f"{API}/postbacks/global/", {"url_template": macros}, format="json")
    assert response.status_code in (200, 201), response.content


def test_it_chooses_the_events_a_postback_is_called_for(network, world, pub):
    endpoint = world["postback_endpoint"]
    assert pub.get(f"{API}/postbacks/{endpoint.pk}/").json()["events"] == ["created"]
    changed = pub.patch(
        f"{API}/postbacks/{endpoint.pk}/", {"events": ["reversed", "created"]}, format="json"
    )
    assert changed.status_code == 200, changed.content
    assert (changed.json()["events"], changed.json()["fire_on_approval"]) == (
        ["created", "reversed"],
        False,
    )
    assert fresh(endpoint).events == ["created", "reversed"]
    # An older integration's flag adds approvals to what was chosen.
    pub.patch(f"{API}/postbacks/{endpoint.pk}/", {"fire_on_approval": True}, format="json")
    assert fresh(endpoint).events == ["created", "approved", "reversed"]
    for bad in ([], ["paid"], "reversed"):
        response = pub.patch(f"{API}/postbacks/{endpoint.pk}/", {"events": bad}, format="json")
        assert error_of(response, 400)["fields"]["events"], bad
    created = pub.put(
        f"{API}/postbacks/global/", {"url_template": URL, "events": ["reversed"]}, format="json"
    )
    assert created.status_code == 201 and created.json()["events"] == ["reversed"]


def test_the_log_shows_reversal_calls(network, world, pub):
    endpoint = world["postback_endpoint"]
    with scopes_disabled():
        PostbackAttempt.objects.create(
            network=network,
            endpoint=endpoint,
            event="reversed",
            url="https://pub.example/pb?s=reversed",
            status_code=200,
        )
    body = pub.get(f"{API}/postback-log/", {"event": "reversed"}).json()
    assert [(row["event"], row["url"]) for row in body["results"]] == [
        ("reversed", "https://pub.example/pb?s=reversed")
    ]


@pytest.mark.parametrize("name", ["offer", "postback"])
def test_the_log_refuses_an_id_past_the_database_integers(network, world, pub, name):
    # Schemathesis sent one: SQLite raised OverflowError (500).
    response = pub.get(f"{API}/postback-log/", {name: str(2**63)})
    assert name in error_of(response, 400)["fields"]
    assert pub.get(f"{API}/postback-log/", {name: str(2**63 - 1)}).json()["results"] == []


def test_offer_postbacks_are_added_changed_and_deleted_with_the_audit(network, world, pub):
    existing = world["postback_endpoint"]  # for world's offer
    second = make_offer(world, "Open Offer", visibility="public")
    asked = make_offer(world, "Ask Offer")
    grant(second, world["me"])
    taken = pub.post(f"{API}/postbacks/", {"offer": world["offer"].pk, "url_template": URL})
    assert "already" in error_of(taken, 400)["fields"]["offer"][0]
    not_run = pub.post(f"{API}/postbacks/", {"offer": asked.pk, "url_template": URL})
    assert "does not exist" in error_of(not_run, 400)["fields"]["offer"][0]
    response = pub.post(
        f"{API}/postbacks/", {"offer": second.pk, "url_template": URL, "consecutive_failures": 7}
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["offer"], body["offer_name"], body["consecutive_failures"]) == (
        second.pk,
        "Open Offer",
        0,
    )
    with scopes_disabled():
        created = PostbackEndpoint.objects.get(pk=body["id"])
    assert [e.action for e in audit_of(created)] == ["postback.created"]
    # A change keeps the offer, whatever the body says.
    moved = pub.put(
        f"{API}/postbacks/{existing.pk}/",
        {"url_template": URL, "offer": second.pk, "fire_on_approval": True},
        format="json",
    )
    assert moved.status_code == 200 and moved.json()["offer"] == world["offer"].pk
    assert fresh(existing).url_template == URL and fresh(existing).fire_on_approval
    assert [e.action for e in audit_of(existing)] == ["postback.updated"]
    assert pub.delete(f"{API}/postbacks/{created.pk}/").status_code == 204
    with scopes_disabled():
        assert not PostbackEndpoint.objects.filter(pk=created.pk).exists()
        [gone] = AuditEntry.objects.filter(action="postback.deleted")
    assert gone.object_id == str(created.pk) and gone.reason == URL
    assert set(ids(pub.get(f"{API}/postbacks/"))) == {existing.pk}


def test_postbacks_are_turned_off_and_on_with_the_audit(network, world, pub):
    endpoint = world["postback_endpoint"]
    with scopes_disabled():
        PostbackEndpoint.objects.filter(pk=endpoint.pk).update(consecutive_failures=3)
    off = pub.post(f"{API}/postbacks/{endpoint.pk}/disable/")
    assert off.status_code == 200 and off.json()["state"] == "off"
    on = pub.post(f"{API}/postbacks/{endpoint.pk}/enable/")
    assert (on.json()["state"], on.json()["consecutive_failures"]) == ("active", 0)
    moves = [(e.action, e.from_state, e.to_state) for e in audit_of(endpoint)]
    assert moves == [
        ("postback.turned_off", "active", "off"),
        ("postback.enabled", "off", "active"),
    ]


def test_a_test_call_is_queued_once_per_ten_seconds(
    network, world, pub, django_capture_on_commit_callbacks
):
    endpoint = world["postback_endpoint"]
    with django_capture_on_commit_callbacks() as queued:
        first = pub.post(f"{API}/postbacks/{endpoint.pk}/test/")
    assert first.status_code == 202 and len(queued) == 1
    assert error_of(pub.post(f"{API}/postbacks/{endpoint.pk}/test/"), 429)


def test_the_call_log_lists_their_calls_filtered_by_outcome_and_offer(network, world, pub):
    endpoint = world["postback_endpoint"]
    with scopes_disabled():
        global_ = PostbackEndpoint.objects.create(
            network=network, publisher=world["me"], url_template="https://g.example/pb"
        )
        made = {}
        for name, target, code, error in [
            ("ok", endpoint, 200, ""),
            ("http_error", endpoint, 500, ""),
            ("no_response", global_, None, "Connection refused"),
        ]:
            made[name] = PostbackAttempt.objects.create(
                network=network,
                endpoint=target,
                event="created",
                url=target.url_template,
                status_code=code,
                error=error,
            )
    everything = ids(pub.get(f"{API}/postback-log/"))
    assert set(everything) == {attempt.pk for attempt in made.values()}
    for outcome, attempt in made.items():
        response = pub.get(f"{API}/postback-log/", {"outcome": outcome})
        assert ids(response) == [attempt.pk]
        assert response.json()["results"][0]["outcome"] == outcome
    by_offer = ids(pub.get(f"{API}/postback-log/", {"offer": world["offer"].pk}))
    assert set(by_offer) == {made["ok"].pk, made["http_error"].pk}
    assert ids(pub.get(f"{API}/postback-log/", {"postback": global_.pk})) == [
        made["no_response"].pk
    ]
    assert error_of(pub.get(f"{API}/postback-log/", {"outcome": "maybe"}), 400)
