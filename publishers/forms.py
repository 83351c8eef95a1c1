from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.formats import format_money
from lib.money import minor_units, quantize, validate_amount
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


class MinPayoutForm(forms.Form):
    """The publisher's own payout minimum; empty falls back to the network's."""

    min_payout = forms.DecimalField(
        required=False, max_digits=14, decimal_places=3, widget=forms.NumberInput(attrs={"min": 0})
    )

    def __init__(self, *args, currency: str, network_min: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency
        self.network_min = quantize(network_min, currency)
        field = self.fields["min_payout"]
        field.label = _("Minimum payout for this publisher (%(currency)s)") % {"currency": currency}
        field.help_text = _(
            "Leave empty to use the network's minimum (now %(amount)s). Balances below the "
            "minimum are carried over to the next monthly run."
        ) % {"amount": format_money(self.network_min, currency)}
        field.widget.attrs["step"] = str(Decimal(1).scaleb(-minor_units(currency)))
        if self.initial.get("min_payout") is not None:  # 10.00 for USD, not the column's 10.000
            self.initial["min_payout"] = quantize(self.initial["min_payout"], currency)

    def clean_min_payout(self) -> Decimal | None:
        amount = self.cleaned_data["min_payout"]
        if amount is not None:
            validate_amount(amount, self.currency)
        return amount
