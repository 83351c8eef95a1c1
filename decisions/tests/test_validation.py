"""Advertisers (and admins) decide conversions: filters, bulk decisions, the CSV upload."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled

from advertisers.tests import api_world
from audit.models import AuditEntry
from conftest import client_for, make_member, make_world
from decisions import validation, validation_csv
from decisions.services import Actor, DecisionError, conversion_decide
from network.models import Role
from offers.models import Goal, Offer
from payouts.models import Entry
from tracking.models import Conversion
from tracking.tests.wsgi_client import ENTRY_POINTS, enter_by

BULK = "/advertiser/conversions/"
ADMIN = "/manage/conversions/"
UPLOAD = "/advertiser/conversions/validate/"
PREVIEW = "/advertiser/conversions/validate/preview/"
APPLY = "/advertiser/conversions/validate/apply/"


# The deciding pages are served behind both entry points of a network's host, as the tracking
# tests run: Django's route, and the lean tracking application that hands them to Django.
@pytest.fixture(autouse=True, params=ENTRY_POINTS)
def entry_point(request, monkeypatch) -> str:
    return enter_by(request.param, monkeypatch)


def make_conversion(offer: Offer, **fields) -> Conversion:
    """api_world's conversion (a postback sale), paying the publisher 9.50."""
    return api_world.make_conversion(offer, payout="9.50", **fields)


def reload(conversion: Conversion) -> Conversion:
    with scopes_disabled():
        return Conversion.objects.get(pk=conversion.pk)


def audits(network) -> list[AuditEntry]:
    with scope(network=network):
        return list(AuditEntry.objects.filter(object_type="tracking.conversion").order_by("id"))


def entries(conversion: Conversion) -> list[Entry]:
    with scopes_disabled():
        return list(Entry.objects.filter(conversion_id=conversion.pk))


@pytest.fixture
def world(network, owner, advertiser_user, publisher_user):
    """make_world's offer belongs to advertiser_user's company (the network's first)."""
    return make_world(network, owner)


@pytest.fixture
def rival_offer(network, world):
    """An offer of another advertiser of the same network, run by the same publisher."""
    return api_world.make_rival_offer(network, world)


@pytest.fixture
def foreign_offer(other_network):
    """An offer of another network."""
    admin = make_member(other_network, Role.OWNER, "owner@beta.example")
    return make_world(other_network, admin)["offer"]


def listed(response) -> set[int]:
    return {row.record.pk for row in response.context["table"].page.object_list}


# --- Filters ------------------------------------------------------------------------------


def test_it_narrows_the_advertisers_list_with_each_filter(
    network, world, advertiser_user, rival_offer
):
    offer = world["offer"]
    with scopes_disabled():
        second = Offer.objects.create(
            network=network,
            advertiser=offer.advertiser,
            name="Second Offer",
            category="ecommerce",
            currency="USD",
        )
        Goal.objects.create(network=network, offer=second, name="Sale", is_default=True)
        second.accesses.create(network=network, publisher=world["offer_access"].publisher)
    early = make_conversion(offer, order_id="A-1", at=datetime(2025, 3, 1, 12, tzinfo=UTC))
    late = make_conversion(
        offer, order_id="A-2", status="approved", at=datetime(2025, 3, 3, 12, tzinfo=UTC)
    )
    flagged = make_conversion(second, order_id="B-1", flags=["fast_conversion"])
    rival = make_conversion(rival_offer, order_id="A-1")
    client = client_for(network, advertiser_user)

    assert listed(client.get(BULK)) == {early.pk, late.pk, flagged.pk}
    assert listed(client.get(BULK, {"status": "approved"})) == {late.pk}
    assert listed(client.get(BULK, {"offer": second.pk})) == {flagged.pk}
    assert listed(client.get(BULK, {"order_id": "A-1"})) == {early.pk}
    assert listed(client.get(BULK, {"transaction_id": late.click_id})) == {late.pk}
    assert listed(client.get(BULK, {"flagged": "yes"})) == {flagged.pk}
    assert listed(client.get(BULK, {"flagged": "no"})) == {early.pk, late.pk}
    in_march = {"created_from": "2025-03-01", "created_to": "2025-03-02"}
    assert listed(client.get(BULK, in_march)) == {early.pk}
    # Another advertiser's offer is not a choice and never shows its conversions.
    response = client.get(BULK, {"offer": rival_offer.pk})
    assert rival.pk not in listed(response)
    choices = {o.pk for o in response.context["filter"].form.fields["offer"].queryset}
    assert choices == {offer.pk, second.pk}


def test_it_reads_the_dates_in_the_networks_time_zone(network, world, advertiser_user):
    network.timezone = "Asia/Tokyo"  # UTC+9: 20:00 UTC on the 1st is 05:00 on the 2nd there
    network.save()
    conversion = make_conversion(world["offer"], at=datetime(2025, 3, 1, 20, tzinfo=UTC))
    client = client_for(network, advertiser_user)
    assert listed(client.get(BULK, {"created_from": "2025-03-02"})) == {conversion.pk}
    assert listed(client.get(BULK, {"created_to": "2025-03-01"})) == set()
    assert listed(client.get(BULK, {"created_to": "2025-03-02"})) == {conversion.pk}
    assert "Mar 2, 2025, 5:00\u202fAM" in client.get(BULK).content.decode()


def test_it_ignores_filter_values_that_make_no_sense(network, world, advertiser_user):
    conversion = make_conversion(world["offer"])
    client = client_for(network, advertiser_user)
    network.timezone = "Asia/Tokyo"  # ahead of UTC: year 1 there starts before year 1 in UTC
    network.save()
    for bad in (
        {"created_to": "9999-12-31"},
        {"created_from": "0001-01-01"},
        {"created_to": "0001-01-01"},
        {"created_from": "nope"},
        {"offer": "x"},
    ):
        response = client.get(BULK, bad)
        assert response.status_code == 200
        assert listed(response) == {conversion.pk}


def test_it_keeps_the_publisher_page_to_their_own_conversions_without_revenue(
    network, world, publisher_user, rival_offer
):
    mine = make_conversion(world["offer"], status="approved")
    other_publisher = make_member(network, Role.PUBLISHER, "p2@alpha.example")
    with scopes_disabled():
        theirs = make_conversion(
            world["offer"], publisher=other_publisher.memberships.get().publisher
        )
    client = client_for(network, publisher_user)
    response = client.get("/publisher/conversions/")
    assert listed(response) == {mine.pk}
    html = response.content.decode()
    assert "Revenue" not in html and 'name="selected"' not in html and "flagged" not in html
    assert listed(client.get("/publisher/conversions/", {"status": "pending"})) == set()
    assert theirs.pk not in listed(client.get("/publisher/conversions/", {"offer": ""}))
    assert client.post("/publisher/conversions/", {"selected": [mine.pk]}).status_code == 405


# --- Bulk decisions -----------------------------------------------------------------------


def test_it_approves_the_selected_conversions_with_audit_and_ledger(
    network, world, advertiser_user, rival_offer, foreign_offer
):
    first, second = make_conversion(world["offer"]), make_conversion(world["offer"])
    left = make_conversion(world["offer"])
    rival = make_conversion(rival_offer)
    foreign = make_conversion(foreign_offer)
    response = client_for(network, advertiser_user).post(
        BULK,
        {"selected": [first.pk, second.pk, rival.pk, foreign.pk], "action": "approved"},
        follow=True,
    )
    assert [reload(c).status for c in (first, second, left)] == ["approved", "approved", "pending"]
    assert reload(rival).status == "pending" and reload(foreign).status == "pending"
    html = response.content.decode()
    assert "2 conversions approved." in html
    assert "2 conversions of the selection could not be found" in html
    trail = audits(network)
    assert [(a.object_id, a.action, a.actor_id) for a in trail] == [
        (str(first.pk), "conversion.approved", advertiser_user.pk),
        (str(second.pk), "conversion.approved", advertiser_user.pk),
    ]
    assert entries(first) and entries(second)
    assert sum(e.amount for e in entries(first)) == 0  # balanced
    assert not entries(left) and not entries(rival) and not entries(foreign)


def test_it_needs_a_reason_to_reject_and_keeps_the_selection(network, world, advertiser_user):
    conversion = make_conversion(world["offer"])
    client = client_for(network, advertiser_user)
    response = client.post(BULK, {"selected": [conversion.pk], "action": "rejected"})
    assert response.status_code == 200
    assert "Say why the conversions are rejected." in response.content.decode()
    assert f'value="{conversion.pk}" checked' in response.content.decode()
    assert reload(conversion).status == "pending" and audits(network) == []

    client.post(
        BULK, {"selected": [conversion.pk], "action": "rejected", "reason": "Cancelled order"}
    )
    rejected = reload(conversion)
    assert (rejected.status, rejected.reason_code) == ("rejected", "Cancelled order")
    [entry] = audits(network)
    assert (entry.action, entry.reason) == ("conversion.rejected", "Cancelled order")
    assert entries(conversion) == []  # no money moved


def test_it_reverses_an_approved_conversion_with_a_reason_and_reports_refusals(
    network, world, advertiser_user
):
    pending = make_conversion(world["offer"])
    approved = make_conversion(world["offer"])
    client = client_for(network, advertiser_user)
    client.post(BULK, {"selected": [approved.pk], "action": "approved"})
    response = client.post(
        BULK,
        {"selected": [approved.pk, pending.pk], "action": "reversed", "reason": "Returned"},
        follow=True,
    )
    assert reload(approved).status == "reversed" and reload(pending).status == "pending"
    html = response.content.decode()
    assert "1 conversion reversed." in html
    assert f"#{pending.pk}: A pending conversion cannot become reversed." in html
    kinds = sorted(e.kind for e in entries(approved))
    assert "reversal" in kinds and "approval" in kinds
    assert sum(e.amount for e in entries(approved)) == 0


def test_it_lets_no_advertiser_override(network, world, advertiser_user):
    conversion = make_conversion(world["offer"], status="rejected")
    client_for(network, advertiser_user).post(
        BULK,
        {
            "selected": [conversion.pk],
            "action": "override",
            "to_status": "approved",
            "reason": "x",
        },
    )
    assert reload(conversion).status == "rejected" and audits(network) == []


def test_an_admin_overrides_any_conversion_of_the_network_with_a_reason(
    network, world, owner, rival_offer, foreign_offer
):
    rejected = make_conversion(world["offer"], status="rejected")
    rival = make_conversion(rival_offer)
    foreign = make_conversion(foreign_offer, status="rejected")
    client = client_for(network, owner)
    ticked = {"selected": [rejected.pk, rival.pk, foreign.pk], "action": "override"}

    response = client.post(ADMIN, {**ticked, "to_status": "approved"})
    assert "An override needs a reason." in response.content.decode()
    assert reload(rejected).status == "rejected"

    response = client.post(
        ADMIN, {**ticked, "to_status": "approved", "reason": "Customer kept it"}, follow=True
    )
    assert reload(rejected).status == "approved" and reload(rival).status == "approved"
    assert reload(foreign).status == "rejected"  # another network's id: ignored
    assert "2 conversions approved (override)." in response.content.decode()
    assert {a.action for a in audits(network)} == {"conversion.override"}
    assert entries(rejected) and entries(rival)

    client.post(ADMIN, {**ticked, "to_status": "pending", "reason": "Check again"})
    assert reload(rejected).status == "pending"
    assert sum(e.amount for e in entries(rejected)) == 0


def test_an_admin_also_decides_without_override(network, world, owner):
    conversion = make_conversion(world["offer"])
    client_for(network, owner).post(ADMIN, {"selected": [conversion.pk], "action": "approved"})
    assert reload(conversion).status == "approved"
    assert [a.action for a in audits(network)] == ["conversion.approved"]


def test_it_refuses_a_bulk_post_without_its_csrf_token(network, world, advertiser_user):
    conversion = make_conversion(world["offer"])
    client = client_for(network, advertiser_user, enforce_csrf_checks=True)
    response = client.post(BULK, {"selected": [conversion.pk], "action": "approved"})
    assert response.status_code == 403
    response = client.post(UPLOAD, {"file": csv_file("order_id,status\nA,approved\n")})
    assert response.status_code == 403
    assert client.post(APPLY, {"token": "x"}).status_code == 403
    assert reload(conversion).status == "pending"
    # With the page's token the same post goes through: the 403 was the CSRF check's.
    token = client.get(BULK).context["csrf_token"]
    response = client.post(
        BULK, {"selected": [conversion.pk], "action": "approved", "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and reload(conversion).status == "approved"


# --- The CSV upload -----------------------------------------------------------------------


def csv_file(text: str, *, encoding: str = "utf-8", name: str = "orders.csv"):
    return SimpleUploadedFile(name, text.encode(encoding), content_type="text/csv")


def upload(client, text: str, **kwargs):
    return client.post(UPLOAD, {"file": csv_file(text, **kwargs)})


def preview_rows(client) -> list[validation_csv.Row]:
    response = client.get(PREVIEW)
    assert response.status_code == 200
    return response.context["rows"]


def apply(client):
    token = client.get(PREVIEW).context["upload"].token
    return client.post(APPLY, {"token": token})


@pytest.fixture
def orders(world, rival_offer, foreign_offer):
    """Conversions named by the file below."""
    offer = world["offer"]
    return {
        "approve": make_conversion(offer, order_id="A-1"),
        "reject": make_conversion(offer, order_id="A-2"),
        "reprice": make_conversion(offer, order_id="A-3", sale_amount="100.00"),
        "done": make_conversion(offer, order_id="A-4", status="rejected"),
        "approved": make_conversion(offer, order_id="A-5", status="approved"),
        "no_reason": make_conversion(offer, order_id="A-6"),
        "rival": make_conversion(rival_offer, order_id="R-1"),
        "foreign": make_conversion(foreign_offer, order_id="F-1"),
    }


def orders_file(orders) -> str:
    return "\n".join(
        [
            "Transaction_ID,Order_ID,Status,Sale_Amount,Reason",
            ",A-1,approved,,",  # line 2: approve
            f"{orders['reject'].click_id},,rejected,,Cancelled",  # 3: reject by transaction id
            ",A-3,APPROVED,80.5,",  # 4: approve with a corrected amount
            ",A-4,approved,,",  # 5: rejected -> approved is not allowed
            ",A-5,reversed,,Returned",  # 6: reverse
            ",A-6,rejected,,",  # 7: missing reason
            ",R-1,approved,,",  # 8: another advertiser's
            ",F-1,approved,,",  # 9: another network's: unknown here
            ",NOPE,approved,,",  # 10: unknown
            ",A-1,approved,,",  # 11: duplicate of line 2
            ",A-2,maybe,,",  # 12: bad status
            ",A-2,approved,12x,",  # 13: bad amount
            ",,approved,,",  # 14: no id
        ]
    )


EXPECTED_ERRORS = {
    5: "A rejected conversion cannot become approved.",
    7: "Give the reason why the conversion is rejected.",
    8: "This conversion belongs to another advertiser.",
    9: "No conversion has this order id.",
    10: "No conversion has this order id.",
    11: "Duplicate: line 2 names this conversion.",
    12: "The status must be approved, rejected or reversed.",
    13: "is not a number",
    14: "Give the transaction_id or the order_id.",
}


def test_the_preview_reads_in_the_advertisers_language(network, advertiser_user, orders):
    """Row errors are whole translated sentences; statuses are shown by their labels."""
    advertiser_user.language = "vi"
    advertiser_user.save(update_fields=["language"])
    client = client_for(network, advertiser_user)
    upload(client, orders_file(orders))
    by_line = {row.line: row for row in preview_rows(client)}
    assert by_line[5].error == "Chuyển đổi đang “bị từ chối” không thể chuyển sang “đã duyệt”."
    assert by_line[11].error == "Trùng lặp: dòng 2 đã chỉ tới chuyển đổi này."
    assert by_line[13].error.startswith("Giá trị đơn hàng “12x” không phải là số dạng 120.50.")
    html = client.get(PREVIEW).content.decode()
    assert "Áp dụng 4 thay đổi" in html and "Đã duyệt" in html
    assert "Apply" not in html and "approved</td>" not in html


def test_it_previews_each_row_and_changes_nothing(network, advertiser_user, orders):
    client = client_for(network, advertiser_user)
    response = upload(client, orders_file(orders))
    assert response.status_code == 302 and response["Location"] == PREVIEW
    rows = preview_rows(client)
    by_line = {row.line: row for row in rows}
    assert [by_line[line].outcome for line in (2, 3, 4, 6)] == ["change"] * 4
    for line, message in EXPECTED_ERRORS.items():
        assert by_line[line].outcome == "error", line
        assert message in by_line[line].error, (line, by_line[line].error)
    assert by_line[4].new_amount == Decimal("80.50")
    assert by_line[8].conversion is None  # another advertiser's conversion is not shown
    html = client.get(PREVIEW).content.decode()
    assert "Apply 4 changes" in html and "belongs to another advertiser" in html
    assert "Rival Offer" not in html
    assert [reload(c).status for c in orders.values()] == [
        "pending",
        "pending",
        "pending",
        "rejected",
        "approved",
        "pending",
        "pending",
        "pending",
    ]
    assert audits(network) == []


def test_it_applies_the_valid_rows_and_a_second_time_nothing(network, advertiser_user, orders):
    client = client_for(network, advertiser_user)
    upload(client, orders_file(orders))
    response = apply(client)
    assert response.status_code == 200
    assert response.context["tally"]["changed"] == 4
    assert response.context["tally"]["error"] == len(EXPECTED_ERRORS)
    assert reload(orders["approve"]).status == "approved"
    assert (reload(orders["reject"]).status, reload(orders["reject"]).reason_code) == (
        "rejected",
        "Cancelled",
    )
    repriced = reload(orders["reprice"])
    assert (repriced.status, repriced.sale_amount) == ("approved", Decimal("80.50"))
    assert reload(orders["approved"]).status == "reversed"
    for untouched in ("done", "no_reason", "rival", "foreign"):
        assert reload(orders[untouched]).status == orders[untouched].status, untouched
    trail = audits(network)
    assert len(trail) == 4 and {a.actor_id for a in trail} == {advertiser_user.pk}
    assert entries(orders["approve"]) and entries(orders["reprice"])
    assert not entries(orders["rival"]) and not entries(orders["foreign"])
    ledger_size = sum(len(entries(c)) for c in orders.values())

    # The same Apply again: the upload was used up.
    again = client.post(APPLY, {"token": response.context["upload"].token}, follow=True)
    assert "nothing to apply" in again.content.decode()
    # The same file again: the applied rows are unchanged, not errors, and nothing moves.
    upload(client, orders_file(orders))
    rows = {row.line: row for row in preview_rows(client)}
    assert [rows[line].outcome for line in (2, 3, 4, 6)] == ["unchanged"] * 4
    second = apply(client)
    assert second.context["tally"]["changed"] == 0
    assert second.context["tally"]["unchanged"] == 4
    assert len(audits(network)) == 4
    assert sum(len(entries(c)) for c in orders.values()) == ledger_size


def test_it_refuses_a_sale_amount_finer_than_the_currency_allows(network, world, advertiser_user):
    """0.001 USD was rounded to 0.00 and approved a percent-of-sale conversion for 0."""
    with scopes_disabled():
        Goal.objects.filter(pk=world["goal"].pk).update(
            revenue_type="cps", revenue_percent=10, payout_type="cps", payout_percent=5
        )
    conversion = make_conversion(world["offer"], order_id="A-1", sale_amount="100.00")
    kept = make_conversion(world["offer"], order_id="A-2", sale_amount="100.00")
    client = client_for(network, advertiser_user)
    upload(client, "order_id,status,sale_amount\nA-1,approved,0.001\nA-2,approved,80.500\n")
    rows = {row.line: row for row in preview_rows(client)}
    assert rows[2].outcome == "error"
    assert rows[2].error == (
        "The sale amount “0.001” is refused: USD amounts have at most 2 decimals."
    )
    assert (rows[3].outcome, rows[3].new_amount) == ("change", Decimal("80.50"))  # exact
    response = apply(client)
    assert (response.context["tally"]["changed"], response.context["tally"]["error"]) == (1, 1)
    conversion = reload(conversion)
    assert (conversion.status, conversion.sale_amount, conversion.payout) == (
        "pending",
        Decimal("100.00"),
        Decimal("9.50"),
    )
    assert not entries(conversion)
    assert reload(kept).status == "approved"
    # The service refuses it too, whoever calls it.
    with scope(network=network), pytest.raises(DecisionError, match="at most 2 decimals"):
        conversion_decide(
            network=network,
            conversion_id=conversion.pk,
            to_status="approved",
            actor=Actor(user=advertiser_user),
            sale_amount=Decimal("0.001"),
        )


def test_it_reads_a_bom_semicolons_and_decimal_commas(network, world, advertiser_user):
    conversion = make_conversion(world["offer"], order_id="Z-9")
    text = "\ufeffORDER_ID;STATUS;Sale Amount;Reason\nZ-9;Approved;1 234,5;\n"
    client = client_for(network, advertiser_user)
    upload(client, text)
    [row] = preview_rows(client)
    assert (row.outcome, row.new_amount) == ("change", Decimal("1234.50"))
    apply(client)
    assert reload(conversion).sale_amount == Decimal("1234.50")


def test_it_names_a_conversion_by_both_ids_when_one_click_has_several(
    network, world, advertiser_user
):
    first = make_conversion(world["offer"], order_id="O-1")
    with scopes_disabled():
        lead = Goal.objects.create(network=network, offer=world["offer"], name="Lead")
        second = Conversion.objects.create(
            network=network,
            click=first.click,
            offer=first.offer,
            goal=lead,
            publisher=first.publisher,
            currency="USD",
            method="postback",
            order_id="O-2",
        )
    client = client_for(network, advertiser_user)
    upload(client, f"transaction_id,status\n{first.click_id},approved\n")
    [row] = preview_rows(client)
    assert row.outcome == "error" and "2 of your conversions match" in row.error
    upload(client, f"transaction_id,order_id,status\n{first.click_id},O-2,approved\n")
    [row] = preview_rows(client)
    assert (row.outcome, row.conversion.pk) == ("change", second.pk)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"order,state\nA,approved\n", "The first line must name the columns"),
        ("order_id,status\nA,approuvé\n".encode("latin-1"), "not UTF-8"),
        (b"", "The submitted file is empty."),
        (b"order_id,status\n", "no rows"),
        (b"order_id,status,order_id\nA,approved,B\n", "appears twice"),
    ],
)
def test_it_refuses_a_file_it_cannot_read(network, world, advertiser_user, content, message):
    client = client_for(network, advertiser_user)
    response = client.post(UPLOAD, {"file": SimpleUploadedFile("x.csv", content)})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert client.get(PREVIEW).context["upload"] is None


def test_it_refuses_too_many_rows(network, world, advertiser_user, monkeypatch):
    monkeypatch.setattr(validation_csv, "MAX_ROWS", 2)
    client = client_for(network, advertiser_user)
    response = upload(client, "order_id,status\nA,approved\nB,approved\nC,approved\n")
    assert "more than 2 rows" in response.content.decode()


def test_it_keeps_the_upload_to_the_company_that_sent_it(network, world, advertiser_user):
    conversion = make_conversion(world["offer"], order_id="K-1")
    client = client_for(network, advertiser_user)
    upload(client, "order_id,status\nK-1,approved\n")
    token = client.get(PREVIEW).context["upload"].token
    assert client.post(APPLY, {"token": "forged"}, follow=True).status_code == 200
    assert reload(conversion).status == "pending"
    # A stranger's session has no upload: their Apply with the token finds nothing.
    stranger = make_member(network, Role.ADVERTISER, "s@alpha.example", company="S Co")
    client_for(network, stranger).post(APPLY, {"token": token})
    assert reload(conversion).status == "pending"
    client.post(APPLY, {"token": token})
    assert reload(conversion).status == "approved"


def test_it_shows_an_empty_preview_without_an_upload(network, world, advertiser_user):
    response = client_for(network, advertiser_user).get(PREVIEW)
    assert response.status_code == 200 and "No file is waiting" in response.content.decode()


def test_the_parser_reads_extra_columns_and_trailing_delimiters():
    rows = validation_csv.parse(
        "id,order_id,status,reason,\n7,A,rejected,Fraud,\n8,B,approved,,,x\n"
    )
    assert [(r.order_id, r.status, r.reason, r.outcome) for r in rows] == [
        ("A", "rejected", "Fraud", ""),
        ("B", "approved", "", "error"),
    ]
    assert "More cells than the header" in rows[1].error


def test_it_applies_a_large_file_in_batches(network, world, advertiser_user, monkeypatch):
    monkeypatch.setattr(validation, "APPLY_BATCH", 2)
    batch = [make_conversion(world["offer"], order_id=f"L-{i}") for i in range(3)]
    client = client_for(network, advertiser_user)
    upload(client, "order_id,status\nL-0,approved\nL-1,approved\nL-2,approved\n")
    assert "Apply 2 of 3 changes" in client.get(PREVIEW).content.decode()
    first = apply(client)
    assert (first.context["tally"]["changed"], first.context["tally"]["change"]) == (2, 1)
    assert "Apply the next 1 change" in first.content.decode()
    assert [reload(c).status for c in batch] == ["approved", "approved", "pending"]
    second = client.post(APPLY, {"token": first.context["upload"].token})
    assert (second.context["tally"]["changed"], second.context["tally"]["unchanged"]) == (1, 2)
    assert [reload(c).status for c in batch] == ["approved"] * 3
    assert client.get(PREVIEW).context["upload"] is None  # done: the upload is forgotten


def test_it_stops_a_batch_when_its_time_is_up_but_always_makes_progress(
    network, world, advertiser_user, monkeypatch
):
    monkeypatch.setattr(validation, "APPLY_SECONDS", 0)
    batch = [make_conversion(world["offer"], order_id=f"T-{i}") for i in range(2)]
    client = client_for(network, advertiser_user)
    upload(client, "order_id,status\nT-0,approved\nT-1,approved\n")
    first = apply(client)
    assert first.context["tally"]["changed"] == 1
    client.post(APPLY, {"token": first.context["upload"].token})
    assert [reload(c).status for c in batch] == ["approved", "approved"]


def test_it_refuses_ids_that_are_no_ids(network, world, advertiser_user):
    conversion = make_conversion(world["offer"])
    client = client_for(network, advertiser_user)
    for junk in ("9" * 30, "-1", "abc"):
        response = client.post(BULK, {"selected": [conversion.pk, junk], "action": "approved"})
        assert response.status_code == 200
        assert "Select conversions from the list." in response.content.decode()
    assert reload(conversion).status == "pending"
    assert client.get(BULK, {"offer": "9" * 30}).status_code == 200
