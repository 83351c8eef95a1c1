"""The admins' block / unblock form of an advertiser company (advertisers list page)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from advertisers.models import Advertiser


class AdvertiserStatusForm(forms.Form):
    status = forms.ChoiceField(choices=Advertiser.Status.choices, widget=forms.HiddenInput)
    reason = forms.CharField(label=_("Reason"), required=False, max_length=2000, strip=True)

    def clean(self) -> dict:
        data = super().clean()
        if data.get("status") == Advertiser.Status.BLOCKED and not data.get("reason"):
            self.add_error("reason", _("Give a reason for blocking this advertiser."))
        return data
