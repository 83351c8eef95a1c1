"""The publisher's payment details page and service: a recent password to save, the checks
(IBAN, SWIFT, the account's currency...), the masked audit entry, the email to every user of
the company, and the 48-hour payout hold a real change starts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core import mail
from django_scopes import scope, scopes_disabled

from audit.models import AuditEntry
from conftest import PASSWORD, client_for, make_world
from publishers.models import PaymentDetails
from publishers.payment_details import (
    PAYMENT_HOLD,
    PaymentDetailsError,
    clean_iban,
    iban_checksum_ok,
    payment_details_change,
    payment_hold_until,
)

TODAY = datetime(2026, 11, 20, 12, tzinfo=UTC)
DETAILS = "/publisher/payment-details/"
REAUTHENTICATE = "/accounts/reauthenticate/"
IBAN = "DE89370400440532013000"
BANK = {
    "method": "bank",
    "account_holder": "Alpha Media GmbH",
    "iban": "de89 3704 0044 0532 0130 00",
    "swift": "deutdeff",
    "currency": "EUR",
}


@pytest.fixture
def publisher(network, owner, publisher_user):
    """The publisher user's company."""
    company = make_world(network, owner)["offer_access"].publisher
    with scopes_disabled():
        assert publisher_user.memberships.get().publisher == company
    return company


def signed_in_recently(network, user):
    """A client whose user has just typed their password again (allauth's reauthentication)."""
    client = client_for(network, user)
    response = client.post(REAUTHENTICATE, {"password": PASSWORD})
    assert response.status_code == 302
    return client


def details_of(publisher) -> PaymentDetails | None:
    with scopes_disabled():
        return PaymentDetails.objects.filter(publisher=publisher).first()


def hold_of(network, publisher, moment):
    with time_machine.travel(moment, tick=False), scope(network=network):
        return payment_hold_until(publisher.pk)


def test_saving_needs_a_recent_reauthentication(
    network, publisher, publisher_user, django_capture_on_commit_callbacks
):
    client = client_for(network, publisher_user)
    assert client.get(DETAILS).status_code == 200  # looking needs no password
    response = client.post(DETAILS, BANK)
    assert response.status_code == 302
    assert response["Location"].startswith(REAUTHENTICATE)
    assert details_of(publisher) is None
    # Once the password is typed, allauth replays the saved POST.
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(response["Location"], {"password": PASSWORD})
    assert (response.status_code, response["Location"]) == (302, DETAILS)
    assert details_of(publisher).iban == IBAN


def test_a_reauthentication_expires(network, publisher, publisher_user):
    with time_machine.travel(TODAY, tick=False):
        client = signed_in_recently(network, publisher_user)
    with time_machine.travel(TODAY + timedelta(minutes=10), tick=False):
        response = client.post(DETAILS, BANK)
    assert response["Location"].startswith(REAUTHENTICATE)
    assert details_of(publisher) is None


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({**BANK, "iban": "DE89 3704 0044 0532 0130 01"}, "iban", "check digits"),
        ({**BANK, "iban": "DE89 3704 0044 0532 0130"}, "iban", "has 22 characters"),
        ({**BANK, "iban": "12AB"}, "iban", "Enter an IBAN"),
        ({**BANK, "account_holder": ""}, "account_holder", "name on the account"),
        ({**BANK, "swift": "DEUT"}, "swift", "8 or 11"),
        ({**BANK, "swift": ""}, "swift", "SWIFT/BIC"),
        ({"method": "bank", "account_number": "12345678"}, "account_holder", "IBAN, or"),
        ({"method": "paypal", "paypal_email": "not-an-email"}, "paypal_email", "valid email"),
        ({"method": "paypal"}, "paypal_email", "PayPal needs"),
        ({"method": "other", "instructions": "  "}, "instructions", "how to pay you"),
        ({"method": "cheque"}, "method", "valid choice"),
    ],
)
def test_invalid_details_show_an_error_and_save_nothing(
    network, publisher, publisher_user, data, field, message
):
    response = signed_in_recently(network, publisher_user).post(DETAILS, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert any(message in error for error in errors[field]), errors
    assert details_of(publisher) is None
    with scopes_disabled():
        assert not AuditEntry.objects.filter(action__startswith="payment_details").exists()


def test_a_change_is_saved_audited_masked_emailed_and_holds_the_payout(
    network, publisher, publisher_user, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False):
        client = signed_in_recently(network, publisher_user)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(DETAILS, {**BANK, "account_holder": "Alpha Media GmbH"})
        assert (response.status_code, response["Location"]) == (302, DETAILS)
        page = client.get(DETAILS)
    details = details_of(publisher)
    assert (details.method, details.iban, details.swift) == ("bank", IBAN, "DEUTDEFF")
    assert details.changed_at == TODAY
    assert hold_of(network, publisher, TODAY) == TODAY + PAYMENT_HOLD
    with scopes_disabled():
        [entry] = AuditEntry.objects.filter(action__startswith="payment_details")
    assert (entry.action, entry.actor, entry.to_state) == (
        "payment_details.created",
        publisher_user,
        "bank",
    )
    assert "••••3000" in entry.reason and IBAN not in entry.reason
    assert IBAN not in entry.object_repr
    [message] = mail.outbox
    assert message.to == [publisher_user.email]
    assert "payment details were changed" in message.subject
    assert page.status_code == 200
    assert "••••3000".encode() in page.content and IBAN.encode() not in page.content
    assert "held until Nov 22, 2026, 12:00\u202fPM".encode() in page.content


def test_saving_the_same_details_does_not_restart_the_hold(
    network, publisher, publisher_user, django_capture_on_commit_callbacks
):
    with time_machine.travel(TODAY, tick=False), django_capture_on_commit_callbacks(execute=True):
        signed_in_recently(network, publisher_user).post(DETAILS, BANK)
    later = TODAY + timedelta(hours=10)
    with time_machine.travel(later, tick=False):
        client = signed_in_recently(network, publisher_user)
        with django_capture_on_commit_callbacks(execute=True):
            same = {
                "method": "bank",
                "account_holder": "Alpha Media GmbH",
                "iban": IBAN,
                "swift": "DEUTDEFF",
                "currency": "EUR",
            }
            response = client.post(DETAILS, same, follow=True)
    assert b"Nothing changed" in response.content
    assert details_of(publisher).changed_at == TODAY
    assert hold_of(network, publisher, later) == TODAY + PAYMENT_HOLD
    assert len(mail.outbox) == 1
    with scopes_disabled():
        assert AuditEntry.objects.filter(action__startswith="payment_details").count() == 1

    with time_machine.travel(later, tick=False), django_capture_on_commit_callbacks(execute=True):
        client.post(DETAILS, {"method": "paypal", "paypal_email": "pay@alpha.example"})
    details = details_of(publisher)
    assert (details.method, details.iban, details.paypal_email) == (
        "paypal",
        "",
        "pay@alpha.example",
    )
    assert hold_of(network, publisher, later) == later + PAYMENT_HOLD
    assert len(mail.outbox) == 2
    with scopes_disabled():
        entry = AuditEntry.objects.filter(action="payment_details.changed").get()
    assert (entry.from_state, entry.to_state) == ("bank", "paypal")
    assert IBAN not in entry.reason


def test_a_bank_account_without_iban_needs_holder_number_and_routing(
    network, publisher, publisher_user, django_capture_on_commit_callbacks
):
    data = {
        "method": "bank",
        "account_holder": "Alpha Media LLC",
        "account_number": "000123456789",
        "routing_number": "026009593",
        "currency": "USD",
        "paypal_email": "stale@alpha.example",  # another method's field is not kept
    }
    with django_capture_on_commit_callbacks(execute=True):
        signed_in_recently(network, publisher_user).post(DETAILS, data)
    details = details_of(publisher)
    assert (details.account_number, details.routing_number, details.paypal_email) == (
        "000123456789",
        "026009593",
        "",
    )
    page = client_for(network, publisher_user).get(DETAILS)
    assert "••••6789".encode() in page.content and b"000123456789" not in page.content


def test_the_service_checks_the_details_itself(network, publisher, publisher_user):
    with scope(network=network), pytest.raises(PaymentDetailsError, match="check digits"):
        payment_details_change(
            network,
            publisher,
            {**BANK, "iban": "DE00370400440532013000"},
            actor=publisher_user,
        )
    assert details_of(publisher) is None


def test_iban_checks():
    assert iban_checksum_ok("GB82WEST12345698765432")
    assert iban_checksum_ok("NL91ABNA0417164300")
    assert not iban_checksum_ok("GB82WEST12345698765433")
    assert clean_iban(" nl91 abna 0417 1643 00 ") == "NL91ABNA0417164300"
