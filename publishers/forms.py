from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

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
        choices=[("approve", _("Approve")), ("reject", _("Reject"))], widget=forms.RadioSelect
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
