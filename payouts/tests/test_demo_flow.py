"""The README's money walk-through on the demo network, through the pages: the hold-period
job and a person approve conversions, the owner runs last month's payouts, the manager approves
the run (signed in with the password and the two-factor code a moment ago: nothing more is
asked), exports the PayPal file and marks it paid; the publisher sees the paid statement and
the advertiser the invoice."""

from __future__ import annotations

import csv
import io
import time

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
from allauth.mfa.utils import decrypt
from django.core.management import call_command
from django.db.models import Sum
from django.test import Client
from django_scopes import scopes_disabled

from network.management.commands.seed_demo import APPROVER, DEMO_PASSWORD
from network.models import Network
from payouts.ledger import from_minor
from payouts.models import Entry, Invoice, PayoutLine, PayoutRun
from payouts.runs import last_closed_period, period_bounds, previous_month
from tracking.models import Conversion

HOST = "demo.localhost"


def log_in(email: str) -> Client:
    client = Client(HTTP_HOST=HOST)
    response = client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    if response["Location"].startswith("/accounts/2fa/authenticate/"):
        response = client.post(response["Location"], {"code": current_code(email)})
    assert response.status_code == 302 and "/accounts/" not in response["Location"], email
    return client


def current_code(email: str) -> str:
    totp = Authenticator.objects.get(user__email=email, type=Authenticator.Type.TOTP)
    return format_hotp_value(hotp_value(decrypt(totp.data["secret"]), int(time.time()) // 30))


def test_the_demo_month_is_paid_from_approval_to_statement(db):
    call_command("seed_demo")
    call_command("approve_held")
    with scopes_disabled():
        network = Network.objects.get(slug="demo")
        flagged = Conversion.objects.filter(network=network, status="pending").exclude(
            fraud_flags=[]
        )
        assert flagged.count() == 2  # the hold-period job left them for a person
        first_flagged = flagged.order_by("pk").first()
    period = last_closed_period(network)

    # The advertiser approves a flagged conversion by hand.
    advertiser = log_in("advertiser@demo.example")
    response = advertiser.post(
        "/advertiser/conversions/",
        {"selected": str(first_flagged.pk), "action": "approved", "reason": ""},
    )
    assert response.status_code == 302
    first_flagged.refresh_from_db()
    assert first_flagged.status == "approved"

    # The owner runs last month's payouts; the manager (not who started it) approves and pays.
    owner = log_in("owner@demo.example")
    response = owner.post("/manage/payouts/start/", {"period": period.isoformat()})
    assert response.status_code == 302
    with scopes_disabled():
        run = PayoutRun.objects.get(network=network, period=period)
        lines = {line.publisher.name: line for line in run.lines.select_related("publisher")}
    blue, red = lines["Blue Traffic Media"], lines["Red Deals"]
    assert (blue.status, red.status) == ("payable", "payable")
    assert {"Lotus Coupons", "Maple Reviews"} <= set(lines)  # the generated traffic's
    with scopes_disabled():
        owed = Entry.objects.filter(
            account__kind="payable", account__publisher=blue.publisher, created_at__lt=run.cutoff
        ).aggregate(total=Sum("amount"))["total"]
    assert blue.amount == -owed > 0

    approve = f"/manage/payouts/{run.pk}/approve/"
    manager = log_in(APPROVER)
    # Signed in with the password and the code a moment ago: nothing more is asked.
    response = manager.post(approve)
    assert response["Location"] == f"/manage/payouts/{run.pk}/"
    run.refresh_from_db()
    assert run.status == "approved" and run.approved_by.email == APPROVER

    paypal = manager.get(f"/manage/payouts/{run.pk}/export/paypal/")
    rows = list(csv.reader(io.StringIO(paypal.content.decode())))
    assert rows == [
        [
            "payments@bluetraffic.example",
            str(from_minor(blue.amount, "USD")),
            "USD",
            str(blue.pk),
            f"Commission for {period:%Y-%m}",
        ]
    ]
    response = manager.post(
        f"/manage/payouts/{run.pk}/pay/",
        {"selected": [str(line.pk) for line in lines.values()], "reference": "PAYPAL-B-1"},
    )
    assert response.status_code == 302
    with scopes_disabled():
        assert set(PayoutLine.objects.filter(run=run).values_list("status", flat=True)) == {"paid"}

    # The publisher sees the month before last as paid, with the reference.
    earlier = previous_month(period)
    publisher = log_in("publisher@demo.example")
    statement = publisher.get(f"/publisher/statements/{earlier.year}/{earlier.month}/")
    assert statement.status_code == 200
    assert "PAYPAL-B-1" in statement.content.decode()
    start, end = period_bounds(earlier, network.timezone)
    with scopes_disabled():
        approved_then = Conversion.objects.filter(
            publisher=blue.publisher, status="approved", created_at__gte=start, created_at__lt=end
        ).count()
    counted = {total.status: total.count for total in statement.context["totals"]}
    assert counted["paid"] == approved_then >= 7  # every approval of that month was paid

    # The admin bills last month; the advertiser sees the invoice.
    response = manager.post("/manage/invoices/", {"period": f"{period:%Y-%m}"})
    assert response.status_code == 302
    with scopes_disabled():
        invoice = Invoice.objects.get(network=network, period=period)
    listing = advertiser.get("/advertiser/invoices/").content.decode()
    assert invoice.display_number in listing
    page = advertiser.get(f"/advertiser/invoices/{invoice.pk}/")
    assert page.status_code == 200 and "Acme Summer Sale" in page.content.decode()
