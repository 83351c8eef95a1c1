"""The publisher's payment details form. The checks live in publishers.payment_details, so
the form and the service agree on what may be stored."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lib.forms import note_field
from lib.money import CURRENCY_CHOICES
from publishers.models import PaymentDetails
from publishers.payment_details import clean_details, mask

# Prefilled from the saved details; the IBAN and account number are typed again.
PREFILLED = (
    "method",
    "paypal_email",
    "account_holder",
    "swift",
    "bank_name",
    "routing_number",
    "currency",
    "instructions",
)
NOT_SHOWN = _("Saved: %(masked)s. Not shown for your security: type it again to change it.")


class PaymentDetailsForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How do you want to be paid?"),
        choices=PaymentDetails.Method.choices,
        widget=forms.RadioSelect,
    )
    paypal_email = forms.CharField(
        label=_("PayPal email"),
        required=False,
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    account_holder = forms.CharField(label=_("Account holder"), required=False, max_length=150)
    bank_name = forms.CharField(label=_("Bank name"), required=False, max_length=150)
    iban = forms.CharField(
        label=_("IBAN"),
        required=False,
        max_length=50,  # with the spaces people type
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("With or without spaces, e.g. DE89 3704 0044 0532 0130 00."),
    )
    swift = forms.CharField(
        label=_("SWIFT/BIC"),
        required=False,
        max_length=15,
        widget=forms.TextInput(attrs={"spellcheck": "false"}),
        help_text=_("8 or 11 characters; needed with an IBAN."),
    )
    account_number = forms.CharField(
        label=_("Account number"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false"}),
        help_text=_("Without an IBAN: the account holder, account number and routing code."),
    )
    routing_number = forms.CharField(
        label=_("Routing number or sort code"), required=False, max_length=40
    )
    currency = forms.ChoiceField(
        label=_("Account currency"),
        required=False,
        choices=[("", "—"), *CURRENCY_CHOICES],
        help_text=_("The currency the account holds: only payouts in it are sent there."),
    )
    instructions = note_field(
        _("Instructions"),
        help_text=_("For another way of being paid: tell the network exactly how."),
    )

    def __init__(self, *args, details: PaymentDetails | None = None, **kwargs):
        if details is not None:
            kwargs.setdefault("initial", {f: getattr(details, f) for f in PREFILLED})
        super().__init__(*args, **kwargs)
        if details is not None:
            for name in ("iban", "account_number"):
                saved = getattr(details, name)
                if saved:
                    self.fields[name].help_text = NOT_SHOWN % {"masked": mask(saved)}

    def clean(self) -> dict:
        data = super().clean()
        if "method" not in data:  # not a choice: said next to the field already
            return data
        try:
            return clean_details(data)
        except ValidationError as exc:
            for name, messages in exc.message_dict.items():
                for message in messages:
                    self.add_error(name if name in self.fields else None, message)
            return data

    def fieldsets(self) -> list[tuple[str, list[forms.BoundField]]]:
        """The fields grouped by method, for the template."""
        groups = [
            (_("PayPal"), ["paypal_email"]),
            (
                _("Bank transfer"),
                [
                    "account_holder",
                    "bank_name",
                    "iban",
                    "swift",
                    "account_number",
                    "routing_number",
                    "currency",
                ],
            ),
            (_("Other"), ["instructions"]),
        ]
        return [(legend, [self[name] for name in names]) for legend, names in groups]
