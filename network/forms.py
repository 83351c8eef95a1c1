from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from lib.forms import CurrencyAmountForm, minimum_payout_field
from lib.money import CURRENCY_CHOICES, from_minor, minor_units, validate_amount
from network.models import RESERVED_SLUGS, TIMEZONES, Invitation, Membership, Network, Role


class NetworkCreateForm(forms.ModelForm):
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES, initial="USD")
    timezone = forms.ChoiceField(
        label=_("Time zone"), choices=[(z, z) for z in TIMEZONES], initial="UTC"
    )

    class Meta:
        model = Network
        fields = ["name", "slug", "currency", "timezone", "language"]

    def __init__(self, *args, platform_domain: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["slug"].help_text = _("Your portal will be at <address>.%(domain)s") % {
            "domain": platform_domain
        }

    def clean_slug(self) -> str:
        slug = self.cleaned_data["slug"].lower()
        if slug in RESERVED_SLUGS:
            raise forms.ValidationError(_("This address is reserved; pick another."))
        return slug


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email"))
    role = forms.ChoiceField(label=_("Role"), choices=Invitation.INVITABLE_ROLES)
    # The companies' model as Invitation's foreign key names it (tenancy imports no app).
    advertiser = forms.ModelChoiceField(
        label=_("Existing advertiser company"),
        queryset=Invitation.company_model().objects.none(),
        required=False,
    )
    company_name = forms.CharField(
        label=_("or a new advertiser company"), max_length=150, required=False
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Evaluated in the request's scope: only this network's companies are choices.
        self.fields["advertiser"].queryset = self.companies()

    @staticmethod
    def companies():
        return Invitation.company_model().objects.all()

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
            elif company and self.companies().filter(name__iexact=company).exists():
                self.add_error("company_name", _("A company with this name exists; pick it above."))
            data["company_name"] = company
        else:
            data["advertiser"], data["company_name"] = None, ""
        return data


class NetworkSettingsForm(forms.ModelForm):
    """What admins may change later. The currency is fixed: money is booked in it.

    `min_payout` is the minimum in the network's own currency: one row of the per-currency
    table (network.PayoutMinimum), the others are set on the payout minimums page."""

    timezone = forms.ChoiceField(label=_("Time zone"), choices=[(z, z) for z in TIMEZONES])
    min_payout = forms.DecimalField(max_digits=14, decimal_places=3)

    class Meta:
        model = Network
        fields = [
            "name",
            "timezone",
            "language",
            "default_margin_percent",
            "min_payout",
            "payout_second_approver",
            "invoice_terms_days",
        ]
        help_texts = {
            "invoice_terms_days": _(
                'Each invoice is due this many days after it is issued, and says so ("Net '
                '30"); 0 means due on receipt. A change applies to invoices issued after it.'
            ),
            "payout_second_approver": _(
                "Each payout run needs the approval of two different owners or managers "
                "before it can be paid."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        currency = self.instance.currency
        amount = self.fields["min_payout"]
        amount.label = _("Minimum payout (%(currency)s)") % {"currency": currency}
        amount.help_text = _(
            "A publisher whose balance is below this at the monthly payout run is not "
            "paid that month: the balance is carried over to the next run. Other currencies "
            "have their own minimums, and a publisher can have their own, set on their "
            "review page."
        )
        amount.widget.attrs.update(min="0", step=str(Decimal(1).scaleb(-minor_units(currency))))
        if "min_payout" not in self.initial:  # 50.00 for USD: the currency's decimals
            minimum = self.instance.minimum_payout(currency) if self.instance.pk else None
            self.initial["min_payout"] = from_minor(minimum or 0, currency)

    def clean_min_payout(self) -> Decimal:
        """Not negative, and no finer than the network currency's minor unit (cents)."""
        amount = self.cleaned_data["min_payout"]
        validate_amount(amount, self.instance.currency)
        return amount


class PayoutMinimumForm(CurrencyAmountForm):
    """One currency's minimum payout on the payout minimums page; empty removes it."""

    amount = minimum_payout_field(
        _("Minimum payout"), _("In the currency's own units (e.g. 500000 for VND, 15 for KWD).")
    )
