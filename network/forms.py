from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from advertisers.models import Advertiser
from lib.money import CURRENCIES
from network.models import RESERVED_SLUGS, TIMEZONES, Invitation, Membership, Network, Role


class NetworkCreateForm(forms.ModelForm):
    currency = forms.ChoiceField(
        label=_("Currency"), choices=[(c, f"{c} · {n}") for c, n in CURRENCIES], initial="USD"
    )
    timezone = forms.ChoiceField(
        label=_("Time zone"), choices=[(z, z) for z in TIMEZONES], initial="UTC"
    )

    class Meta:
        model = Network
        fields = ["name", "slug", "currency", "timezone", "language"]

    def __init__(self, *args, platform_domain: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].help_text = f"Your portal will be at <address>.{platform_domain}"

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is reserved; pick another."))
        return slug


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Invitation.INVITABLE_ROLES)
    advertiser = forms.ModelChoiceField(
        label=_("Existing advertiser company"), queryset=Advertiser.objects.none(), required=False
    )
    company_name = forms.CharField(
        label=_("or a new advertiser company"), max_length=150, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Evaluated in the request's scope: only this network's companies are choices.
        self.fields["advertiser"].queryset = Advertiser.objects.all()

    def clean_email(self) -> str:
        email = self.cleaned_data["email"].lower()
        if Membership.objects.filter(user__email__iexact=email).exists():
            raise forms.ValidationError(_("This person is already a member of the network."))
        pending = Invitation.objects.filter(email=email, status=Invitation.Status.PENDING)
        if any(invitation.is_usable for invitation in pending):
            raise forms.ValidationError(
                _("An invitation for this email is still open; revoke it first to send another.")
            )
        return email

    def clean(self) -> dict:
        data = super().clean()
        if data.get("role") == Role.ADVERTISER:
            company = (data.get("company_name") or "").strip()
            if not data.get("advertiser") and not company:
                self.add_error("company_name", _("Pick an advertiser company or name a new one."))
            elif data.get("advertiser") and company:
                self.add_error(
                    "company_name", _("Pick an existing company or a new one, not both.")
                )
            elif company and Advertiser.objects.filter(name__iexact=company).exists():
                self.add_error("company_name", _("A company with this name exists; pick it above."))
            data["company_name"] = company
        else:
            data["advertiser"], data["company_name"] = None, ""
        return data


class NetworkSettingsForm(forms.ModelForm):
    """What admins may change later. The currency is fixed: money is booked in it."""

    timezone = forms.ChoiceField(label=_("Time zone"), choices=[(z, z) for z in TIMEZONES])

    class Meta:
        model = Network
        fields = ["name", "timezone", "language", "default_margin_percent"]
