"""Currency-aware payout rules (issue 15, section 2): a minimum payout per currency (the
network's and the publisher's own), payment methods that pay only some currencies, and
negative balances told apart from small ones. Each test reproduces a step of the issue and
failed on the code before the change."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from allauth.mfa.models import Authenticator
from django.db import connection
from django.utils import translation
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from conftest import client_for, make_world, set_minimum
from lib.formats import format_money
from network.models import PayoutMinimum
from network.services import payout_minimum_set
from network.step_up import StepUp
from network.tests.api import api_client, key_for
from network.tests.money import reauthenticated, with_mfa
from payouts import exports
from payouts.models import CreditApplication, CreditNote, Invoice, PayoutLine, PayoutRun
from payouts.runs import payout_lines_mark_paid, payout_run_approve, payout_run_create
from payouts.tests.helpers import RECENT, make_conversion, make_publisher
from payouts.tests.helpers import decide as decide_at
from publishers.models import PaymentDetails, Publisher, PublisherMinimum
from publishers.payment_details import PaymentDetailsError, payment_details_change
from publishers.services import publisher_minimum_set

NOW = datetime(2026, 12, 10, 12, tzinfo=UTC)
OCTOBER, NOVEMBER = date(2026, 10, 1), date(2026, 11, 1)
IN_OCTOBER = datetime(2026, 10, 15, 12, tzinfo=UTC)
IN_NOVEMBER = datetime(2026, 11, 15, 12, tzinfo=UTC)
AFTER_OCTOBER = datetime(2026, 11, 2, 12, tzinfo=UTC)
AFTER_NOVEMBER = datetime(2026, 12, 2, 12, tzinfo=UTC)
MINIMUMS = "/manage/settings/minimums/"


@pytest.fixture(autouse=True)
def _frozen_now():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(network, owner):
    return make_world(network, owner, money=False)


@pytest.fixture
def own_company(network, publisher_user) -> Publisher:
    with scopes_disabled():
        return publisher_user.memberships.get().publisher


def earn(network, world, publisher, payout: str, currency: str, at=IN_OCTOBER):
    conversion = make_conversion(
        world, publisher=publisher, payout=payout, currency=currency, at=at
    )
    decide(network, conversion, "approved", at)
    return conversion


def decide(network, conversion, to_status: str, at: datetime) -> None:
    decide_at(network, conversion, to_status, at, "" if to_status == "approved" else "refund")


def run_for(network, period: date = OCTOBER, at: datetime = AFTER_OCTOBER) -> PayoutRun:
    with time_machine.travel(at, tick=False), scope(network=network):
        return payout_run_create(network, period)


def lines_of(run) -> dict[tuple[str, str], tuple[int, str, int | None]]:
    """{(publisher, currency): (amount, status, minimum applied)}, amounts in minor units."""
    with scopes_disabled():
        return {
            (line.publisher.name, line.currency): (line.amount, line.status, line.minimum)
            for line in PayoutLine.objects.filter(run=run).select_related("publisher")
        }


def approved(network, run, user) -> PayoutRun:
    Authenticator.objects.get_or_create(
        user=user, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "x"}}
    )
    with scope(network=network):
        return payout_run_approve(network, run.pk, actor=user, proof=RECENT)


def set_minimums(network, owner, **amounts: str) -> None:
    """As an owner with two-factor who just entered the password (a money control)."""
    with scopes_disabled():
        with_mfa(owner)
    with scope(network=network):
        for currency, amount in amounts.items():
            payout_minimum_set(
                network=network,
                actor=owner,
                currency=currency,
                amount=Decimal(amount),
                proof=StepUp(recent=True),
            )


def pay_with(network, publisher, **fields) -> PaymentDetails:
    with scopes_disabled():
        return PaymentDetails.objects.create(
            network=network, publisher=publisher, changed_at=NOW - timedelta(days=30), **fields
        )


def money(amount: str, currency: str, language: str = "en") -> str:
    with translation.override(language):
        return format_money(Decimal(amount), currency)


# --- Minimums per currency -------------------------------------------------------------------


def test_each_currency_has_its_own_minimum(network, world, owner):
    """Issue: one minimum of 50 made an 80,975 VND line (about 3 USD) payable and carried a
    49 KWD balance (about 160 USD). With 500,000 VND and 15 KWD, it is the other way round."""
    set_minimums(network, owner, VND="500000", KWD="15")
    multi = make_publisher(network, "Multi")
    earn(network, world, multi, "80975", "VND")
    earn(network, world, multi, "49.000", "KWD")
    earn(network, world, multi, "49.00", "USD")  # the network's 50.00 USD still applies
    assert lines_of(run_for(network)) == {
        ("Multi", "VND"): (80975, "carried", 500000),
        ("Multi", "KWD"): (49000, "payable", 15000),
        ("Multi", "USD"): (4900, "carried", 5000),
    }


def test_a_currency_without_a_minimum_pays_every_positive_balance(network, world):
    multi = make_publisher(network, "Multi")
    earn(network, world, multi, "1", "VND")
    earn(network, world, multi, "0.001", "KWD")
    assert lines_of(run_for(network)) == {
        ("Multi", "VND"): (1, "payable", 0),
        ("Multi", "KWD"): (1, "payable", 0),
    }


def test_a_publishers_own_minimum_is_per_currency(network, world, owner):
    set_minimums(network, owner, VND="500000", KWD="15")
    own, other = make_publisher(network, "Own"), make_publisher(network, "Other")
    with scope(network=network):
        for currency, amount in (("KWD", 60), ("VND", 50000)):
            publisher_minimum_set(
                publisher=own,
                actor=with_mfa(owner),
                currency=currency,
                amount=Decimal(amount),
                proof=RECENT,
            )
    for publisher in (own, other):
        earn(network, world, publisher, "80975", "VND")
        earn(network, world, publisher, "49.000", "KWD")
    assert lines_of(run_for(network)) == {
        ("Own", "VND"): (80975, "payable", 50000),
        ("Own", "KWD"): (49000, "carried", 60000),
        ("Other", "VND"): (80975, "carried", 500000),
        ("Other", "KWD"): (49000, "payable", 15000),
    }


def test_a_run_keeps_the_minimum_it_applied(network, world, owner):
    """A later change of the rule does not rewrite why an old line was carried."""
    set_minimums(network, owner, VND="500000")
    multi = make_publisher(network, "Multi")
    earn(network, world, multi, "80975", "VND")
    run = run_for(network)
    set_minimums(network, owner, VND="1000")
    assert lines_of(run)[("Multi", "VND")] == (80975, "carried", 500000)


def test_the_statements_show_each_minimum_in_its_currencys_format(
    network, world, owner, publisher_user, own_company
):
    """Issue: statements said "minimum payout of 50 VND" and "50.000 KWD"."""
    set_minimums(network, owner, VND="500000", KWD="15")
    earn(network, world, own_company, "80975", "VND", at=NOW - timedelta(days=1))
    earn(network, world, own_company, "12.500", "KWD", at=NOW - timedelta(days=1))
    client = client_for(network, publisher_user)
    page = client.get("/publisher/statements/").content.decode()
    for amount, minimum, currency in (("80975", "500000", "VND"), ("12.5", "15", "KWD")):
        assert (
            f"{money(amount, currency)} is below the minimum payout of {money(minimum, currency)}"
        ) in page
    assert money("50", "VND") not in page and money("50", "KWD") not in page
    assert (money("500000", "VND"), money("15", "KWD")) == ("500,000 VND", "15.000 KWD")

    publisher_user.language = "vi"
    publisher_user.save(update_fields=["language"])
    page = client_for(network, publisher_user).get("/publisher/statements/").content.decode()
    assert money("500000", "VND", "vi") in page and money("15", "KWD", "vi") in page
    assert "500.000\xa0₫" in page  # Vietnamese digit grouping, no decimals


def test_the_statements_warn_when_the_method_cannot_pay_a_currency(
    network, world, publisher_user, own_company
):
    pay_with(network, own_company, method="paypal", paypal_email="pay@alpha.example")
    earn(network, world, own_company, "49.000", "KWD", at=NOW - timedelta(days=1))
    earn(network, world, own_company, "60.00", "USD", at=NOW - timedelta(days=1))
    page = client_for(network, publisher_user).get("/publisher/statements/").content.decode()
    assert "Your payment method cannot receive KWD" in page
    assert "cannot receive USD" not in page


# --- The network's minimums page and API -------------------------------------------------------


def test_admins_manage_the_minimums_per_currency_on_their_page(network, owner):
    with scopes_disabled():
        with_mfa(owner)
    client = reauthenticated(client_for(network, owner), owner)
    response = client.post(MINIMUMS, {"currency": "KWD", "amount": "15"})
    assert response["Location"] == MINIMUMS
    client.post(MINIMUMS, {"currency": "VND", "amount": "500000"})
    page = client.get(MINIMUMS).content.decode()
    for amount, currency in (("15", "KWD"), ("500000", "VND"), ("50", "USD")):
        assert money(amount, currency) in page
    assert "(the network's currency)" in page

    client.post(MINIMUMS, {"currency": "KWD", "amount": ""})  # each row's Remove button
    with scope(network=network):
        assert [network.minimum_payout(code) for code in ("KWD", "VND", "USD")] == [
            None,
            500000,
            5000,
        ]
        rows = AuditEntry.objects.filter(action="network.payout_minimum").order_by("id")
        assert [(e.actor, e.reason, e.from_state, e.to_state) for e in rows] == [
            (owner, "KWD", "none", "15.000 KWD"),
            (owner, "VND", "none", "500000 VND"),
            (owner, "KWD", "15.000 KWD", "none"),
        ]


def test_a_minimum_is_a_money_control_two_factor_then_the_password(network, owner):
    """Lowering a minimum pays more people sooner: the same step-up as the second-approver
    switch. Without two-factor the page refuses; with it, allauth asks for the password."""
    client = client_for(network, owner)
    refused = client.post(MINIMUMS, {"currency": "KWD", "amount": "15"})
    assert "Turn on two-factor authentication" in refused.content.decode()
    with scopes_disabled():
        with_mfa(owner)
    asked = client.post(MINIMUMS, {"currency": "KWD", "amount": "15"})
    assert "/reauthenticate/" in asked["Location"]
    with scope(network=network):
        assert network.minimum_payout("KWD") is None
        assert not AuditEntry.objects.filter(action="network.payout_minimum").exists()


@pytest.mark.parametrize(
    ("currency", "amount", "words"),
    [
        ("VND", "10.5", "VND has no decimals"),
        ("KWD", "15.0005", "at most 3 decimals"),
        ("USD", "-1", "cannot be negative"),
    ],
)
def test_the_minimums_page_refuses_amounts_finer_than_the_currency(
    network, owner, currency, amount, words
):
    response = client_for(network, owner).post(MINIMUMS, {"currency": currency, "amount": amount})
    assert response.status_code == 200
    assert words in " ".join(response.context["form"].errors["amount"])
    with scope(network=network):
        assert not AuditEntry.objects.filter(action="network.payout_minimum").exists()


def test_the_minimums_page_is_for_admins_of_the_network(network, publisher_user, outsider):
    assert client_for(network, publisher_user).get(MINIMUMS).status_code == 403
    assert client_for(network, outsider).get(MINIMUMS).status_code == 404
    response = client_for(network, publisher_user).post(MINIMUMS, {"currency": "KWD", "amount": 1})
    assert response.status_code == 403
    with scope(network=network):
        assert network.minimum_payout("KWD") is None


def test_a_new_network_starts_with_a_minimum_in_its_own_currency(owner):
    from network.services import network_create

    made = network_create(
        owner=owner,
        name="Dong",
        slug="dong",
        currency="VND",
        timezone_name="Asia/Ho_Chi_Minh",
        language="vi",
    )
    with scope(network=made):
        assert (made.minimum_payout("VND"), made.minimum_payout("USD")) == (50, None)


# --- Payment methods and their currencies -----------------------------------------------------


@pytest.fixture
def paid_run(network, world, owner):
    """October: PayPal Pete earned USD, VND and KWD; Bank Bea (a KWD account) USD and KWD.
    No minimum in VND or KWD: every line is to pay."""
    set_minimum(network, "USD", 1)
    pete, bea = make_publisher(network, "Paypal Pete"), make_publisher(network, "Bank Bea")
    pay_with(network, pete, method="paypal", paypal_email="pete@pay.example")
    pay_with(
        network,
        bea,
        method="bank",
        account_holder="Bea",
        iban="KW81CBKU0000000000001234560101",
        swift="CBKUKWKW",
        currency="KWD",
    )
    for payout, currency in (("16.00", "USD"), ("80975", "VND"), ("49.000", "KWD")):
        earn(network, world, pete, payout, currency)
    for payout, currency in (("16.00", "USD"), ("49.000", "KWD")):
        earn(network, world, bea, payout, currency)
    run = approved(network, run_for(network), owner)
    assert {status for _amount, status, _minimum in lines_of(run).values()} == {"payable"}
    return run


def exported(network, run, fmt: str) -> str:
    with scope(network=network):
        return exports.export_csv(run, fmt)[0]


def test_paypal_pays_only_the_currencies_paypal_supports(network, paid_run):
    """VND and KWD are not PayPal currencies: those lines are not in the PayPal file."""
    text = exported(network, paid_run, "paypal")
    rows = [row.split(",")[:3] for row in text.strip().splitlines()]
    assert rows == [["pete@pay.example", "16.00", "USD"]]


def test_a_bank_transfer_pays_only_the_accounts_currency(network, paid_run):
    rows = exported(network, paid_run, "bank").strip().splitlines()
    assert len(rows) == 2  # the header and the KWD line
    assert rows[1].split(",")[8:10] == ["49.000", "KWD"]


def test_lines_the_method_cannot_pay_stay_in_the_run_flagged(network, owner, paid_run):
    with scopes_disabled():
        assert paid_run.lines.count() == 5
        assert set(paid_run.lines.values_list("status", flat=True)) == {"payable"}
    page = client_for(network, owner).get(f"/manage/payouts/{paid_run.pk}/").content.decode()
    assert "Currency their payment method cannot pay" in page
    for reason in (
        "PayPal cannot pay VND: the publisher needs a bank account in it.",
        "PayPal cannot pay KWD: the publisher needs a bank account in it.",
        "The bank account is in KWD: it cannot receive USD.",
    ):
        assert reason in page

    api = api_client(network, key_for(network, owner))
    body = api.get(f"/api/v1/admin/payout-runs/{paid_run.pk}/").json()
    problems = {
        (line["publisher_name"], line["currency"]): line["payment_problem"]
        for line in body["lines"]
    }
    assert problems == {
        ("Bank Bea", "KWD"): None,
        ("Bank Bea", "USD"): "The bank account is in KWD: it cannot receive USD.",
        ("Paypal Pete", "KWD"): "PayPal cannot pay KWD: the publisher needs a bank account in it.",
        ("Paypal Pete", "USD"): None,
        ("Paypal Pete", "VND"): "PayPal cannot pay VND: the publisher needs a bank account in it.",
    }


def test_the_line_page_says_why_its_method_cannot_pay_it(network, owner, paid_run):
    with scopes_disabled():
        line = paid_run.lines.get(currency="VND")
    page = client_for(network, owner).get(f"/manage/payouts/lines/{line.pk}/").content.decode()
    assert "PayPal cannot pay VND: the publisher needs a bank account in it." in page


def test_bank_details_say_the_accounts_currency(network, own_company, publisher_user):
    data = {
        "method": "bank",
        "account_holder": "Alpha Media GmbH",
        "iban": "DE89370400440532013000",
        "swift": "DEUTDEFF",
    }
    with scope(network=network), pytest.raises(PaymentDetailsError, match="which currency"):
        payment_details_change(network, own_company, data, actor=publisher_user)
    with scope(network=network), pytest.raises(PaymentDetailsError, match="ISO 4217"):
        payment_details_change(
            network, own_company, {**data, "currency": "XX"}, actor=publisher_user
        )
    with scope(network=network):
        saved = payment_details_change(
            network, own_company, {**data, "currency": "eur"}, actor=publisher_user
        )
    assert saved.currency == "EUR"


# --- Negative balances -----------------------------------------------------------------------


@pytest.fixture
def negative_run(network, world, owner, own_company):
    """October: 16.00 USD earned and paid. November: the 16.00 reversed, nothing earned: a
    negative balance of 16.00 USD, carried (not "below the minimum")."""
    set_minimum(network, "USD", 1)
    pay_with(network, own_company, method="paypal", paypal_email="pay@alpha.example")
    conversion = earn(network, world, own_company, "16.00", "USD")
    october = approved(network, run_for(network), owner)
    with time_machine.travel(AFTER_OCTOBER, tick=False), scope(network=network):
        line_ids = list(october.lines.values_list("pk", flat=True))
        payout_lines_mark_paid(
            network, october.pk, line_ids, reference="PP-1", actor=with_mfa(owner), proof=RECENT
        )
    decide(network, conversion, "reversed", IN_NOVEMBER)
    return run_for(network, NOVEMBER, AFTER_NOVEMBER)


def test_a_negative_line_is_a_negative_balance_not_below_the_minimum(
    network, owner, own_company, negative_run
):
    with scopes_disabled():
        line = negative_run.lines.get()
    assert (line.amount, line.status, line.negative) == (-1600, "carried", True)
    assert line.status_label == "Negative balance: carried over"

    page = client_for(network, owner).get(f"/manage/payouts/{negative_run.pk}/").content.decode()
    assert "Negative balance: carried over" in page
    assert "Below the minimum" not in page
    line_page = client_for(network, owner).get(f"/manage/payouts/lines/{line.pk}/")
    assert "Negative balance: carried over" in line_page.content.decode()

    approved(network, negative_run, owner)
    with scope(network=network):
        _paid, skipped = payout_lines_mark_paid(
            network,
            negative_run.pk,
            [line.pk],
            reference="PP-2",
            actor=with_mfa(owner),
            proof=RECENT,
        )
    assert skipped == [
        f"{own_company.name}: a negative balance: carried to the next run and deducted from it"
    ]

    api = api_client(network, key_for(network, owner))
    [row] = api.get(f"/api/v1/admin/payout-runs/{negative_run.pk}/").json()["lines"]
    assert (row["amount"], row["carried_reason"], row["minimum"]) == (
        "-16.00",
        "negative_balance",
        "1.00",
    )


def test_a_small_line_is_below_the_minimum(network, world, owner):
    small = make_publisher(network, "Small")
    earn(network, world, small, "8.00", "USD")
    run = run_for(network)
    with scopes_disabled():
        line = run.lines.get()
    assert (line.negative, line.status_label) == (False, "Below the minimum: carried over")
    page = client_for(network, owner).get(f"/manage/payouts/{run.pk}/").content.decode()
    assert "Below the minimum: carried over" in page and "minimum 50.00 USD" in page
    api = api_client(network, key_for(network, owner))
    [row] = api.get(f"/api/v1/admin/payout-runs/{run.pk}/").json()["lines"]
    assert (row["carried_reason"], row["minimum"]) == ("below_minimum", "50.00")


def test_the_publishers_statements_call_it_a_negative_balance(
    network, publisher_user, negative_run
):
    client = client_for(network, publisher_user)
    page = client.get("/publisher/statements/").content.decode()
    assert "Negative balance: carried over" in page  # November's row
    assert "is a negative balance (reversals after a payout)" in page  # the next payout
    assert "below the minimum" not in page.lower()
    month = client.get("/publisher/statements/2026/11/").content.decode()
    assert "Negative balance: carried over" in month


# --- The database ----------------------------------------------------------------------------

# What the database itself refuses, whatever code writes (the migrations squashed in issue 17
# keep it from the old chains): a second minimum for a currency, a negative one, a credit note
# or an invoice whose credit goes past its total.
DATABASE_RULES = [
    (PayoutMinimum, "payout_minimum_once", "unique"),
    (PayoutMinimum, "payout_minimum_gte_0", "check"),
    (PublisherMinimum, "publisher_minimum_once", "unique"),
    (PublisherMinimum, "publisher_minimum_gte_0", "check"),
    (CreditNote, "credit_note_total_positive", "check"),
    (CreditNote, "credit_note_remaining_within_total", "check"),
    (CreditApplication, "credit_application_positive", "check"),
    (Invoice, "invoice_total_positive", "check"),
    (Invoice, "invoice_credit_within_total", "check"),
]


@pytest.mark.django_db
def test_the_database_keeps_the_rules_of_minimums_and_credit():
    """Each rule stands in the database under its name, of its kind."""
    with connection.cursor() as cursor:
        for model, name, kind in DATABASE_RULES:
            table = model._meta.db_table
            constraints = connection.introspection.get_constraints(cursor, table)
            assert constraints.get(name, {}).get(kind), f"{table}: no {kind} {name}"


def test_the_publishers_api_says_why_a_line_was_carried(
    network, world, publisher_user, negative_run
):
    api = api_client(network, key_for(network, publisher_user))
    rows = api.get("/api/v1/publisher/statements/").json()["results"]
    shown = {(row["period"], row["amount"], row["carried_reason"], row["minimum"]) for row in rows}
    assert shown == {
        ("2026-10-01", "16.00", None, "1.00"),
        ("2026-11-01", "-16.00", "negative_balance", "1.00"),
    }
