"""How a publisher is paid: checking and normalising the details, masking them for display
and the audit log, and changing them.

A change restarts the 48-hour payout hold (`payment_hold_until` reads `changed_at`; payout
runs and payment files wait for it), is audited with the numbers masked, and is emailed to the
publisher's users after commit, so that someone who took over an account cannot quietly
redirect the money. Saving the same details again changes nothing and does not restart the
hold. Which currencies each method can pay is payouts' (payouts/methods.py).
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils.timezone import now
from django.utils.translation import gettext as _

from audit import audit_row
from lib.money import validate_currency
from network.errors import ServiceError
from network.models import Network, User
from network.tasks import send_email_of
from publishers.models import PaymentDetails, Publisher

Method = PaymentDetails.Method

BANK_FIELDS = (
    "account_holder",
    "iban",
    "swift",
    "bank_name",
    "account_number",
    "routing_number",
    "currency",
)
FIELDS = ("method", "paypal_email", *BANK_FIELDS, "instructions")
# What each method keeps; the other fields are emptied so no stale number lingers.
KEPT = {
    Method.PAYPAL: {"paypal_email"},
    Method.BANK: set(BANK_FIELDS),
    Method.OTHER: {"instructions"},
}

# IBAN lengths by country (SWIFT IBAN registry). Countries not listed get the generic check.
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22,
    "BR": 29, "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28,
    "EE": 20, "EG": 29, "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23,
    "GL": 18, "GR": 27, "GT": 28, "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26,
    "IT": 27, "JO": 30, "KW": 30, "KZ": 20, "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20,
    "LV": 21, "MC": 27, "MD": 24, "ME": 22, "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18,
    "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25, "QA": 29, "RO": 24, "RS": 22, "SA": 24,
    "SC": 31, "SE": 24, "SI": 19, "SK": 24, "SM": 27, "ST": 25, "SV": 28, "TL": 23, "TN": 24,
    "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}  # fmt: skip
IBAN_FORMAT = re.compile(r"[A-Z]{2}[0-9]{2}[A-Z0-9]{11,30}")
SWIFT_FORMAT = re.compile(r"[A-Z]{4}[A-Z]{2}[A-Z0-9]{2}(?:[A-Z0-9]{3})?")
ACCOUNT_FORMAT = re.compile(r"[A-Z0-9][A-Z0-9 -]{2,38}[A-Z0-9]", re.IGNORECASE)
SEPARATORS = re.compile(r"[\s-]+")
MASK = "••••"
PAYMENT_HOLD = timedelta(hours=48)


class PaymentDetailsError(ServiceError, ValueError):
    pass


# Checking


def compact(value: str) -> str:
    """Spaces and hyphens out, upper case: how IBANs and SWIFT codes are stored."""
    return SEPARATORS.sub("", value or "").upper()


def iban_checksum_ok(iban: str) -> bool:
    """ISO 13616: the country and check digits moved to the end, letters as 10..35, mod 97."""
    digits = "".join(str(int(char, 36)) for char in iban[4:] + iban[:4])
    return int(digits) % 97 == 1


def clean_iban(value: str) -> str:
    iban = compact(value)
    if not IBAN_FORMAT.fullmatch(iban):
        raise ValidationError(
            _("Enter an IBAN: two letters, two check digits, then 11 to 30 letters or digits.")
        )
    expected = IBAN_LENGTHS.get(iban[:2])
    if expected is not None and len(iban) != expected:
        raise ValidationError(
            _("An IBAN from %(country)s has %(expected)d characters; this one has %(length)d.")
            % {"country": iban[:2], "expected": expected, "length": len(iban)}
        )
    if not iban_checksum_ok(iban):
        raise ValidationError(_("This IBAN's check digits do not match: look for a typo."))
    return iban


def clean_swift(value: str) -> str:
    swift = compact(value)
    if not SWIFT_FORMAT.fullmatch(swift):
        raise ValidationError(
            _("Enter a SWIFT/BIC code of 8 or 11 characters, e.g. DEUTDEFF or DEUTDEFF500.")
        )
    return swift


def clean_email(value: str) -> str:
    validate_email(value)
    return value


def clean_currency(value: str) -> str:
    currency = value.upper()
    validate_currency(currency)
    return currency


def clean_account(value: str) -> str:
    account = " ".join((value or "").split())
    if not ACCOUNT_FORMAT.fullmatch(account):
        raise ValidationError(_("Use 4 to 40 letters, digits, spaces or hyphens."))
    return account


def clean_details(data: dict) -> dict[str, str]:
    """The details to store, normalised, with only the chosen method's fields filled.

    Raises ValidationError with a message per field (a form shows them next to its fields)."""
    values = {field: str(data.get(field) or "").strip() for field in FIELDS}
    method = values["method"]
    if method not in Method.values:
        raise ValidationError({"method": _("Choose how you want to be paid.")})
    kept = KEPT[Method(method)] | {"method"}
    values = {name: (value if name in kept else "") for name, value in values.items()}
    errors: dict[str, list[str]] = {}

    def check(field: str, cleaner) -> None:
        try:
            values[field] = cleaner(values[field])
        except ValidationError as exc:
            errors.setdefault(field, []).extend(exc.messages)

    def require(field: str, message: str) -> bool:
        if not values[field]:
            errors.setdefault(field, []).append(message)
            return False
        return True

    if method == Method.PAYPAL:
        if require("paypal_email", _("PayPal needs the email address of your PayPal account.")):
            check("paypal_email", clean_email)
    elif method == Method.OTHER:
        require("instructions", _("Tell the network how to pay you."))
    else:
        # A bank account pays in its own currency only (payouts/methods.py).
        if require(
            "currency",
            _("Say which currency the account holds: only payouts in it are sent there."),
        ):
            check("currency", clean_currency)
        check_bank_account(values, check, require)
    if errors:
        raise ValidationError(errors)
    return values


def check_bank_account(values: dict[str, str], check, require) -> None:
    """An IBAN (with holder and SWIFT), or holder, account number and routing code."""
    if values["iban"]:
        check("iban", clean_iban)
        require("account_holder", _("A bank transfer needs the name on the account."))
        if require("swift", _("A transfer to an IBAN needs the bank's SWIFT/BIC code.")):
            check("swift", clean_swift)
        values["account_number"] = values["routing_number"] = ""
    else:
        needed = _("Give an IBAN, or the account holder, account number and routing code.")
        for field in ("account_holder", "account_number", "routing_number"):
            require(field, needed)
        for field in ("account_number", "routing_number"):
            if values[field]:
                check(field, clean_account)
        if values["swift"]:
            check("swift", clean_swift)


# Showing


def mask(value: str) -> str:
    """All but the last four characters hidden: `••••3000`."""
    value = compact(value)
    return f"{MASK}{value[-4:]}" if len(value) > 4 else MASK if value else ""


def summary(details: PaymentDetails | None) -> str:
    """One line for the audit log and the email-safe history: numbers masked."""
    if details is None:
        return "none"
    if details.method == Method.PAYPAL:
        return f"PayPal {details.paypal_email}"
    if details.method == Method.OTHER:
        return "other (instructions)"
    parts = [f"holder {details.account_holder}"] if details.account_holder else []
    if details.iban:
        parts += [f"IBAN {mask(details.iban)}", f"SWIFT {details.swift}"]
    else:
        parts += [f"account {mask(details.account_number)}", f"routing {details.routing_number}"]
        if details.swift:
            parts.append(f"SWIFT {details.swift}")
    if details.currency:
        parts.append(f"in {details.currency}")
    return "bank transfer: " + ", ".join(parts)


# The hold


def payment_hold_until(publisher_id: int) -> datetime | None:
    """When a recent change of payment details stops holding this publisher's payout."""
    return hold_ends(PaymentDetails.objects.filter(publisher_id=publisher_id).first())


def hold_ends(details: PaymentDetails | None) -> datetime | None:
    """The end of the hold that these details' last change started, while it lasts."""
    if details and details.changed_at + PAYMENT_HOLD > now():
        return details.changed_at + PAYMENT_HOLD
    return None


# Changing


@transaction.atomic
def payment_details_change(
    network: Network, publisher: Publisher, data: dict, *, actor: User
) -> PaymentDetails:
    """Save the publisher's payment details; a real change restarts the payout hold, is
    audited (masked) and emailed to the publisher's users after commit."""
    try:
        values = clean_details(data)
    except ValidationError as exc:
        raise PaymentDetailsError("; ".join(exc.messages)) from exc
    # One change of a publisher's details at a time (the first one creates the row).
    Publisher.objects.select_for_update().filter(pk=publisher.pk).first()
    details = PaymentDetails.objects.filter(publisher=publisher).first()
    if details is not None and all(getattr(details, f) == v for f, v in values.items()):
        return details
    before, from_state = summary(details), details.method if details else ""
    if details is None:
        details = PaymentDetails(network=network, publisher=publisher)
    for field, value in values.items():
        setattr(details, field, value)
    details.changed_at = now()
    details.save()
    audit_row(
        details,
        actor,
        action="payment_details.changed" if from_state else "payment_details.created",
        network=network,
        from_state=from_state,
        to_state=details.method,
        reason=f"{before} -> {summary(details)}",
    )
    send_email_of.delay_on_commit(
        kind="payment_details_changed", network_id=network.pk, object_id=publisher.pk
    )
    return details
