"""The endpoint form: an http(s) URL we are allowed to call, and the events it receives."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.urls import validate_outbound_url
from webhooks.models import SUBSCRIBABLE


class EndpointForm(forms.Form):
    url = forms.CharField(
        label=_("URL"),
        max_length=2000,
        validators=[validate_outbound_url],
        widget=forms.URLInput(
            attrs={"placeholder": "https://crm.example/hooks/affiliate", "spellcheck": "false"}
        ),
        help_text=_("An http:// or https:// URL of your own system; we POST JSON to it."),
    )
    description = forms.CharField(label=_("Description"), max_length=200, required=False)
    events = forms.MultipleChoiceField(
        label=_("Events"),
        choices=SUBSCRIBABLE,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("The endpoint receives only the events ticked here."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def clean_url(self) -> str:
        return self.cleaned_data["url"].strip()
