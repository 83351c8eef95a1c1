from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from lib.money import CURRENCY_CHOICES, validate_amount
from lib.widgets import FastSelect
from publishers.models import TRAFFIC_SOURCES, Publisher


class PublisherProfileForm(forms.ModelForm):
    website = forms.URLField(label=_("Website"), assume_scheme="https")
    traffic_sources = forms.MultipleChoiceField(
        label=_("Traffic sources"), choices=TRAFFIC_SOURCES, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Publisher
        fields = ["name", "website", "traffic_sources", "traffic_description", "country"]
        widgets = {
            "traffic_description": forms.Textarea(attrs={"rows": 3}),
            "country": FastSelect,
        }


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (sent to the applicant)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("decision") == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the applicant a reason for the rejection."))
        return data


class PublisherMinimumForm(forms.Form):
    """The publisher's own minimum payout in one currency; empty: the network's applies."""

    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES)
    min_payout = forms.DecimalField(
        label=_("Minimum payout for this publisher"),
        required=False,
        max_digits=18,  # the decimals are the currency's: checked in clean()
        help_text=_(
            "In the currency's own units. Leave empty to use the network's minimum in that "
            "currency. Balances below the minimum are carried over to the next monthly run."
        ),
        widget=forms.NumberInput(attrs={"min": 0, "step": "any"}),
    )

    def clean(self) -> dict:
        data = super().clean()
        currency, amount = data.get("currency"), data.get("min_payout")
        if currency and amount is not None:
            try:
                validate_amount(amount, currency)
            except ValidationError as exc:
                self.add_error("min_payout", exc)
        return data
