"""Form fields and forms that several apps' pages declare alike."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lib.money import CURRENCY_CHOICES, validate_amount

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise  # a dev (typing) requirement only


def note_field(
    label: StrOrPromise, *, help_text: StrOrPromise = "", rows: int = 3
) -> forms.CharField:
    """An optional free-text note (a reason, instructions) of up to 2000 characters."""
    return forms.CharField(
        label=label,
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": rows}),
        help_text=help_text,
    )


class ReasonedDecisionForm(forms.Form):
    """A decision and a reason, which every refusal must give.

    Subclasses declare the `decision` choice field, `reason = note_field(...)`, what counts as
    a refusal and the error shown when its reason is missing."""

    missing_reason: StrOrPromise = ""

    def refuses(self, decision: str | None) -> bool:
        raise NotImplementedError

    def clean(self) -> dict:
        data = super().clean() or {}
        if self.refuses(data.get("decision")) and not (data.get("reason") or "").strip():
            self.add_error("reason", self.missing_reason)
        return data


def minimum_payout_field(label: StrOrPromise, help_text: StrOrPromise) -> forms.DecimalField:
    """An optional amount in the currency chosen next to it (see CurrencyAmountForm)."""
    return forms.DecimalField(
        label=label,
        required=False,
        max_digits=18,  # the decimals are the currency's: checked in clean()
        help_text=help_text,
        widget=forms.NumberInput(attrs={"min": 0, "step": "any"}),
    )


class CurrencyAmountForm(forms.Form):
    """A currency and an optional amount (the field named `amount_field`) in it, no finer
    than the currency's minor unit."""

    amount_field = "amount"
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)

    def clean(self) -> dict:
        data = super().clean() or {}
        currency, amount = data.get("currency"), data.get(self.amount_field)
        if currency and amount is not None:
            try:
                validate_amount(amount, currency)
            except ValidationError as exc:
                self.add_error(self.amount_field, exc)
        return data
