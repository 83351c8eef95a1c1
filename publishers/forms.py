from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.forms import CurrencyAmountForm, ReasonedDecisionForm, minimum_payout_field, note_field
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


class DecisionForm(ReasonedDecisionForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    reason = note_field(_("Reason (sent to the applicant)"))
    missing_reason = _("Give the applicant a reason for the rejection.")

    def refuses(self, decision: str | None) -> bool:
        return decision == "reject"


class PublisherMinimumForm(CurrencyAmountForm):
    """The publisher's own minimum payout in one currency; empty: the network's applies."""

    amount_field = "min_payout"
    min_payout = minimum_payout_field(
        _("Minimum payout for this publisher"),
        _(
            "In the currency's own units. Leave empty to use the network's minimum in that "
            "currency. Balances below the minimum are carried over to the next monthly run."
        ),
    )
