"""The audit log pages: admins read the whole network's log, a company only the entries about
its own objects; filters, the CSV export, the links to objects and who may open what."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled

from audit.log import object_url
from audit.models import AuditEntry
from conftest import client_for, make_cap, make_member, make_user, make_world
from decisions.services import Actor, conversion_decide
from network.models import Membership, Role
from offers.models import Cap, Offer
from offers.services_access import access_decide
from offers.services_rules import cap_create
from payouts.tests.helpers import make_conversion, make_publisher
from publishers.models import PaymentDetails
from publishers.services import publisher_decide
from webhooks.models import PostbackEndpoint

T0 = datetime(2026, 3, 9, 12, 0, tzinfo=UTC)


def entry(network, obj_type: str, obj_id, action: str, **fields) -> AuditEntry:
    """An entry written directly, for kinds whose services other tests cover."""
    fields.setdefault("actor_label", "system")
    fields.setdefault("object_repr", f"{obj_type} {obj_id}")
    with scopes_disabled():
        return AuditEntry.objects.create(
            network=network,
            action=action,
            object_type=obj_type,
            object_id=str(obj_id),
            **fields,
        )


def in_ho_chi_minh_city(network) -> None:
    """The network's time zone set to Asia/Ho_Chi_Minh (UTC+7)."""
    with scopes_disabled():
        network.timezone = "Asia/Ho_Chi_Minh"
        network.save(update_fields=["timezone"])


def shown(response):
    """The table rows of the page shown (table.rows would be every row of every page)."""
    assert response.status_code == 200
    return response.context["table"].page.object_list


def rows(response) -> list[AuditEntry]:
    return [row.record for row in shown(response)]


def actors(response) -> list[str]:
    """The "Who" column as rendered (the page's menu also shows the signed-in email)."""
    return [str(row.get_cell("actor")) for row in shown(response)]


def seen(response) -> set[tuple[str, str, str]]:
    return {(e.object_type, e.object_id, e.action) for e in rows(response)}


def csv_lines(response) -> list[list[str]]:
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    text = b"".join(response.streaming_content).decode()
    return list(csv.reader(io.StringIO(text)))


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    """The role fixtures' companies own the world's advertiser and approved publisher."""
    return make_world(network, owner)


# --- Admins ---------------------------------------------------------------------------------


def test_it_lists_the_networks_entries_newest_first_for_owners_and_managers(
    network, owner, manager, world
):
    with scope(network=network):
        publisher_decide(publisher=world["publisher"], actor=owner, approve=True, reason="ok")
    for admin in (owner, manager):
        listed = rows(client_for(network, admin).get("/manage/audit/"))
        assert listed[0].action == "publisher.reviewed"
        assert listed[0].actor_label == "owner@alpha.example"
        assert {"invitation.created", "api_key.created"} <= {e.action for e in listed}
        times = [e.created_at for e in listed]
        assert times == sorted(times, reverse=True)


def test_its_page_links_an_entry_to_its_objects_page(network, owner, world):
    with scope(network=network):
        publisher_decide(publisher=world["publisher"], actor=owner, approve=True, reason="ok")
    html = client_for(network, owner).get("/manage/audit/").content.decode()
    assert f'href="/manage/publishers/{world["publisher"].pk}/"' in html


@pytest.fixture
def varied(network, owner, manager, world):
    """Entries that differ in one filtered property each."""
    offer, publisher = world["offer"], world["publisher"]
    return {
        "offer_by_owner": entry(
            network,
            "offers.offer",
            offer.pk,
            "offer.status",
            actor=owner,
            actor_label=owner.email,
            object_repr="Summer sale",
            created_at=T0,
        ),
        "offer_by_manager": entry(
            network,
            "offers.offer",
            offer.pk + 1000,
            "offer.created",
            actor=manager,
            actor_label=manager.email,
            object_repr="Winter sale",
            created_at=T0 + timedelta(days=2),
        ),
        "publisher_by_system": entry(
            network,
            "publishers.publisher",
            publisher.pk,
            "publisher.reviewed",
            reason="Traffic from coupon sites",
            created_at=T0 + timedelta(days=5),
        ),
    }


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("action=offer.status", {"offer_by_owner"}),
        ("action=offer", {"offer_by_owner", "offer_by_manager"}),
        ("object_type=publishers.publisher", {"publisher_by_system"}),
        ("actor=system", {"publisher_by_system"}),
        ("q=winter", {"offer_by_manager"}),
        ("q=COUPON", {"publisher_by_system"}),
        ("created_from=2026-03-11", {"offer_by_manager", "publisher_by_system"}),
        ("created_to=2026-03-11", {"offer_by_owner", "offer_by_manager"}),
        ("created_from=2026-03-10&created_to=2026-03-12", {"offer_by_manager"}),
    ],
)
def test_each_filter_narrows_the_list(network, owner, varied, query, expected):
    listed = {e.pk for e in rows(client_for(network, owner).get(f"/manage/audit/?{query}"))}
    # make_world's own entries (written today) may match the open-ended date filters too.
    assert listed & {e.pk for e in varied.values()} == {varied[name].pk for name in expected}


def test_the_actor_and_object_id_filters_pick_one_entry(network, owner, manager, varied):
    client = client_for(network, owner)
    by_manager = rows(client.get(f"/manage/audit/?actor={manager.pk}"))
    assert [e.pk for e in by_manager] == [varied["offer_by_manager"].pk]
    one_id = varied["offer_by_owner"].object_id
    by_id = rows(client.get(f"/manage/audit/?object_type=offers.offer&object_id={one_id}"))
    assert [e.pk for e in by_id] == [varied["offer_by_owner"].pk]


def test_the_object_type_filter_names_types_for_people(network, owner, world):
    html = client_for(network, owner).get("/manage/audit/").content.decode()
    assert '<option value="payouts.payoutrun">Payout run</option>' in html


def test_days_are_the_networks_days(network, owner, world):
    """Ho Chi Minh City is UTC+7: its 10 March starts at 17:00 UTC on 9 March."""
    in_ho_chi_minh_city(network)
    midnight = datetime(2026, 3, 9, 17, tzinfo=UTC)
    a_second_before = midnight - timedelta(seconds=1)
    late = entry(network, "offers.offer", 1, "offer.status", created_at=a_second_before)
    early = entry(network, "offers.offer", 2, "offer.status", created_at=midnight)
    client = client_for(network, owner)
    on_9th = rows(client.get("/manage/audit/?created_from=2026-03-09&created_to=2026-03-09"))
    on_10th = rows(client.get("/manage/audit/?created_from=2026-03-10&created_to=2026-03-10"))
    assert [e.pk for e in on_9th] == [late.pk]
    assert [e.pk for e in on_10th] == [early.pk]


def test_the_list_pages_without_counting_the_entries(network, owner, world):
    for number in range(60):
        entry(
            network,
            "offers.offer",
            number,
            "offer.status",
            created_at=T0 + timedelta(minutes=number),
        )
    client = client_for(network, owner)
    with CaptureQueriesContext(connection) as queries:
        first = rows(client.get("/manage/audit/"))
    audit_queries = [q["sql"] for q in queries if "network_auditentry" in q["sql"]]
    assert not [sql for sql in audit_queries if "COUNT(" in sql.upper()]
    assert len(first) == 50
    second = rows(client.get("/manage/audit/?page=2"))
    assert not {e.pk for e in first} & {e.pk for e in second}
    assert first[-1].created_at > second[0].created_at


# --- CSV export -------------------------------------------------------------------------


def test_the_export_has_a_header_and_every_field_of_the_filtered_entries(network, owner, world):
    in_ho_chi_minh_city(network)
    kept = entry(
        network,
        "offers.offer",
        7,
        "offer.status",
        actor=owner,
        actor_label=owner.email,
        object_repr="Summer sale",
        from_state="pending",
        to_state="active",
        reason="Looks fine",
        created_at=datetime(2026, 3, 9, 17, 30, tzinfo=UTC),
    )
    entry(network, "publishers.publisher", 8, "publisher.reviewed", created_at=T0)
    response = client_for(network, owner).get("/manage/audit/?action=offer.status&export=csv")
    header, *data = csv_lines(response)
    assert ",".join(header) == (
        "id,time,actor,action,object_type,object_id,object,from_state,to_state,reason"
    )
    assert data == [
        [
            str(kept.pk),
            "2026-03-10T00:30:00+07:00",
            "owner@alpha.example",
            "offer.status",
            "offers.offer",
            "7",
            "Summer sale",
            "pending",
            "active",
            "Looks fine",
        ]
    ]
    assert 'filename="audit-' in response["Content-Disposition"]


def test_the_export_defuses_spreadsheet_formulas(network, owner, world):
    entry(
        network,
        "offers.offer",
        9,
        "offer.status",
        object_repr='=HYPERLINK("http://evil.example","x")',
        from_state="+1",
        to_state="-1",
        reason="@SUM(A1)",
    )
    [_header, row] = csv_lines(
        client_for(network, owner).get("/manage/audit/?export=csv&action=offer")
    )
    assert row[6:] == ['\'=HYPERLINK("http://evil.example","x")', "'+1", "'-1", "'@SUM(A1)"]


# --- Advertisers ------------------------------------------------------------------------


@pytest.fixture
def two_advertisers(network, owner, advertiser_user, publisher_user, world):
    """Entries about the advertiser's objects (some by real services) and about another
    advertiser's, a publisher's and the network's."""
    boss = make_member(network, Role.MANAGER, "boss@alpha.example")
    stranger = make_member(network, Role.ADVERTISER, "rival@alpha.example", company="Rival Co")
    with scopes_disabled():
        rival = stranger.memberships.get().advertiser
        rival_offer = Offer.objects.create(
            network=network, advertiser=rival, name="Rival offer", currency="USD", status="active"
        )
        rival_cap = make_cap(rival_offer, metric="clicks", limit=5)
    conversion = make_conversion(world)
    with scope(network=network):
        cap = cap_create(
            cap=Cap(
                network=network,
                offer=world["offer"],
                period="weekly",
                metric="conversions",
                limit=9,
                action="stop",
            ),
            actor=advertiser_user,
            role=Role.ADVERTISER,
        )
        conversion_decide(
            network=network,
            conversion_id=conversion.pk,
            to_status="approved",
            actor=Actor(user=boss),
        )
        access_decide(access=world["offer_access"], actor=owner, status="blocked", reason="Spam")
    own = {
        ("offers.cap", str(cap.pk), "cap.created"),
        ("tracking.conversion", str(conversion.pk), "conversion.approved"),
        ("offers.offeraccess", str(world["offer_access"].pk), "offer_access.decided"),
    }
    for made in (
        entry(network, "advertisers.advertiser", world["advertiser"].pk, "advertiser.created"),
        entry(
            network,
            "offers.offer",
            world["offer"].pk,
            "offer.status",
            actor=owner,
            actor_label=owner.email,
        ),
        entry(
            network,
            "offers.goal",
            world["goal"].pk,
            "goal.revenue",
            actor=advertiser_user,
            actor_label=advertiser_user.email,
        ),
        entry(
            network,
            "payouts.invoice",
            world["invoice"].pk,
            "invoice.issued",
            actor_label="system: monthly invoices",
        ),
    ):
        own.add((made.object_type, made.object_id, made.action))
    rival_entry = entry(network, "offers.offer", rival_offer.pk, "offer.status")
    for obj_type, obj_id, action in (
        ("advertisers.advertiser", rival.pk, "advertiser.created"),
        ("offers.cap", rival_cap.pk, "cap.created"),
        ("network.network", network.pk, "network.name"),
        ("publishers.publisher", world["offer_access"].publisher_id, "publisher.reviewed"),
        ("payouts.payoutline", world["payout_line"].pk, "payout_line.paid"),
        # The id of the advertiser's own offer under another type: must not match.
        ("payouts.payoutrun", world["offer"].pk, "payout_run.created"),
    ):
        entry(network, obj_type, obj_id, action)
    return {"own": own, "stranger": stranger, "rival_entry": rival_entry, "boss": boss}


def test_an_advertiser_sees_exactly_the_entries_of_its_own_objects(
    network, advertiser_user, two_advertisers
):
    listed = seen(client_for(network, advertiser_user).get("/advertiser/audit/"))
    assert listed == two_advertisers["own"]


def test_another_advertiser_in_the_network_sees_none_of_them(network, two_advertisers):
    rival = two_advertisers["rival_entry"]
    listed = seen(client_for(network, two_advertisers["stranger"]).get("/advertiser/audit/"))
    assert ("offers.offer", rival.object_id, "offer.status") in listed
    assert not listed & two_advertisers["own"]


def test_an_advertiser_reads_network_staff_as_the_network_team(
    network, advertiser_user, two_advertisers
):
    response = client_for(network, advertiser_user).get("/advertiser/audit/")
    who = dict(zip([e.action for e in rows(response)], actors(response), strict=True))
    assert who["offer.status"] == "Network team"  # the owner
    assert who["conversion.approved"] == "Network team"  # a manager
    assert who["goal.revenue"] == "adv@alpha.example"  # their own people by name
    assert who["invoice.issued"] == "system: monthly invoices"
    assert "owner@alpha.example" not in response.content.decode()


def test_an_advertisers_export_has_its_own_entries_only(network, advertiser_user, two_advertisers):
    client = client_for(network, advertiser_user)
    _header, *data = csv_lines(client.get("/advertiser/audit/?export=csv"))
    assert {(row[4], row[5], row[3]) for row in data} == two_advertisers["own"]
    assert "owner@alpha.example" not in {row[2] for row in data}
    assert "Network team" in {row[2] for row in data}


def test_an_advertiser_filters_on_its_own_object_types_and_people(
    network, advertiser_user, owner, two_advertisers
):
    client = client_for(network, advertiser_user)
    html = client.get("/advertiser/audit/").content.decode()
    assert 'value="network.network"' not in html and 'value="payouts.payoutline"' not in html
    assert 'value="offers.offer"' in html
    assert f'<option value="{owner.pk}">' not in html  # staff are "the network team"
    assert f'<option value="{advertiser_user.pk}">adv@alpha.example</option>' in html
    by_team = rows(client.get("/advertiser/audit/?actor=team"))
    assert {e.action for e in by_team} == {
        "offer.status",
        "conversion.approved",
        "offer_access.decided",
    }
    by_them = rows(client.get(f"/advertiser/audit/?actor={advertiser_user.pk}"))
    assert {e.action for e in by_them} == {"cap.created", "goal.revenue"}


# --- Publishers -------------------------------------------------------------------------


@pytest.fixture
def two_publishers(network, owner, advertiser_user, publisher_user, world):
    """The publisher user's company runs the world's offer; an applicant gets a user too."""
    mine = world["offer_access"].publisher
    with scopes_disabled():
        # The world's applicant company gets a person of its own.
        applicant_user = make_user("applicant@alpha.example")
        Membership.objects.create(
            network=network, user=applicant_user, role=Role.PUBLISHER, publisher=world["publisher"]
        )
        details = PaymentDetails.objects.create(
            network=network, publisher=mine, method="paypal", paypal_email="p@x.example"
        )
        rival = make_publisher(network, "Rival Media")
        rival_details = PaymentDetails.objects.create(
            network=network, publisher=rival, method="paypal", paypal_email="r@x.example"
        )
        rival_postback = PostbackEndpoint.objects.create(
            network=network, publisher=rival, url_template="https://r.example/?c={conversion_id}"
        )
    conversion = make_conversion(world, publisher=mine)
    with scope(network=network):
        publisher_decide(publisher=world["publisher"], actor=owner, approve=True, reason="Welcome")
        conversion_decide(
            network=network,
            conversion_id=conversion.pk,
            to_status="approved",
            actor=Actor(user=advertiser_user),
        )
    own = {
        entry(
            network,
            "publishers.publisher",
            mine.pk,
            "publisher.min_payout",
            actor=owner,
            actor_label=owner.email,
        ),
        entry(
            network,
            "webhooks.postbackendpoint",
            world["postback_endpoint"].pk,
            "postback.created",
            actor=publisher_user,
            actor_label=publisher_user.email,
        ),
        entry(
            network,
            "payouts.paymentdetails",
            details.pk,
            "payment_details.created",
            actor=publisher_user,
            actor_label=publisher_user.email,
        ),
        entry(
            network,
            "offers.offeraccess",
            world["offer_access"].pk,
            "offer_access.requested",
            actor=publisher_user,
            actor_label=publisher_user.email,
        ),
    }
    hidden = entry(
        network,
        "tracking.conversion",
        conversion.pk,
        "conversion.fraud_checked",
        reason="ip_velocity",
    )
    others = [
        entry(network, "publishers.publisher", rival.pk, "publisher.reviewed"),
        entry(network, "payouts.paymentdetails", rival_details.pk, "payment_details.changed"),
        entry(network, "webhooks.postbackendpoint", rival_postback.pk, "postback.created"),
        entry(
            network, "payouts.payoutline", world["payout_line"].pk, "payout_line.paid"
        ),  # the applicant's line
        entry(network, "offers.offer", world["offer"].pk, "offer.status"),
        entry(network, "advertisers.advertiser", world["advertiser"].pk, "advertiser.created"),
    ]
    return {
        "own": {(e.object_type, e.object_id, e.action) for e in own},
        "conversion": conversion,
        "hidden": hidden,
        "others": others,
        "applicant_user": applicant_user,
    }


def test_a_publisher_sees_exactly_the_entries_of_its_own_objects(
    network, publisher_user, world, two_publishers
):
    listed = seen(client_for(network, publisher_user).get("/publisher/audit/"))
    conversion_id = str(two_publishers["conversion"].pk)
    assert listed == two_publishers["own"] | {
        ("tracking.conversion", conversion_id, "conversion.approved")
    }


def test_a_publisher_does_not_read_the_fraud_checks_of_its_conversions(
    network, publisher_user, world, two_publishers
):
    listed = seen(
        client_for(network, publisher_user).get("/publisher/audit/?object_type=tracking.conversion")
    )
    assert (
        "tracking.conversion",
        str(two_publishers["conversion"].pk),
        "conversion.fraud_checked",
    ) not in listed


def test_another_publisher_sees_its_application_decision_only(network, world, two_publishers):
    response = client_for(network, two_publishers["applicant_user"]).get("/publisher/audit/")
    listed = seen(response)
    applicant_id = str(world["publisher"].pk)
    assert ("publishers.publisher", applicant_id, "publisher.reviewed") in listed
    assert ("payouts.payoutline", str(world["payout_line"].pk), "payout_line.paid") in listed
    assert not listed & two_publishers["own"]
    who = dict(zip([e.action for e in rows(response)], actors(response), strict=True))
    assert who["publisher.reviewed"] == "Network team"
    assert 'href="/publisher/profile/"' in response.content.decode()


def test_a_publisher_reads_an_advertisers_person_as_the_advertiser(
    network, publisher_user, world, two_publishers
):
    client = client_for(network, publisher_user)
    response = client.get("/publisher/audit/?action=conversion.approved")
    assert actors(response) == ["Advertiser"]
    assert "adv@alpha.example" not in response.content.decode()
    _header, row = csv_lines(
        client_for(network, publisher_user).get(
            "/publisher/audit/?action=conversion.approved&export=csv"
        )
    )
    assert row[2] == "Advertiser"


# --- Who may open the pages -------------------------------------------------------------


@pytest.mark.parametrize("path", ["/manage/audit/", "/advertiser/audit/", "/publisher/audit/"])
def test_a_member_of_another_network_gets_404(network, other_network, world, path):
    for role in (Role.OWNER, Role.ADVERTISER, Role.PUBLISHER):
        stranger = make_member(other_network, role, f"{role}@beta.example")
        assert client_for(network, stranger).get(path).status_code == 404


@pytest.mark.parametrize(
    ("path", "wrong"),
    [
        ("/manage/audit/", "advertiser_user"),
        ("/manage/audit/", "publisher_user"),
        ("/advertiser/audit/", "owner"),
        ("/advertiser/audit/", "publisher_user"),
        ("/publisher/audit/", "manager"),
        ("/publisher/audit/", "advertiser_user"),
    ],
)
def test_a_wrong_role_gets_403(network, world, manager, request, path, wrong):
    user = request.getfixturevalue(wrong)
    assert client_for(network, user).get(path).status_code == 403
    assert client_for(network, user).get(path + "?export=csv").status_code == 403


def test_each_role_finds_its_audit_page_in_the_menu(
    network, owner, advertiser_user, publisher_user, world
):
    for user, path in (
        (owner, "/manage/"),
        (advertiser_user, "/advertiser/"),
        (publisher_user, "/publisher/"),
    ):
        html = client_for(network, user).get(path).content.decode()
        audit_path = {"/manage/": "/manage/audit/"}.get(path, f"{path}audit/")
        assert f'href="{audit_path}"' in html


# --- The link mapping -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "object_type", "action", "url"),
    [
        ("admin", "offers.offer", "offer.status", "/manage/offers/12/"),
        ("admin", "publishers.publisher", "publisher.reviewed", "/manage/publishers/12/"),
        ("admin", "payouts.payoutrun", "payout_run.approved", "/manage/payouts/12/"),
        ("admin", "payouts.payoutline", "payout_line.paid", "/manage/payouts/lines/12/"),
        ("admin", "offers.offeraccess", "offer_access.decided", "/manage/offer-access/12/"),
        ("admin", "payouts.invoice", "invoice.issued", "/manage/invoices/12/"),
        ("admin", "network.network", "network.name", "/manage/settings/"),
        ("advertiser", "offers.offer", "offer.status", "/advertiser/offers/12/"),
        ("advertiser", "payouts.invoice", "invoice.paid", "/advertiser/invoices/12/"),
        (
            "publisher",
            "webhooks.postbackendpoint",
            "postback.updated",
            "/publisher/postbacks/12/",
        ),
        (
            "publisher",
            "payouts.paymentdetails",
            "payment_details.changed",
            "/publisher/payment-details/",
        ),
        ("publisher", "publishers.publisher", "publisher.reviewed", "/publisher/profile/"),
        # No page: a conversion has none, the publisher may not open the admins' offer page,
        # a deleted object has none any more.
        ("admin", "tracking.conversion", "conversion.approved", None),
        ("publisher", "offers.offer", "offer.status", None),
        ("admin", "offers.cap", "cap.deleted", None),
        ("publisher", "webhooks.postbackendpoint", "postback.deleted", None),
    ],
)
def test_the_link_mapping(role, object_type, action, url):
    assert object_url(role, object_type, "12", action) == url


def test_an_id_the_url_cannot_hold_gets_no_link():
    assert object_url("admin", "offers.offer", "abc", "offer.status") is None
