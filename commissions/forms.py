"""Forms of the admins' payout pages: a goal's payout, overrides, tiers and their payouts.

Querysets are set in __init__ so they are built inside the request's tenant scope.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from commissions.models import PayoutTier, TierMembership
from commissions.services import already_in_tier
from offers.forms import clean_terms
from offers.forms_admin import approved_publishers
from offers.models import Goal, Offer
from publishers.models import Publisher


class TermsForm(forms.Form):
    """A payout: type, flat amount and/or percent, checked against the offer's currency."""

    payout_type = forms.ChoiceField(label=_("Payout type"), choices=Goal.Type.choices)
    payout_amount = forms.DecimalField(
        label=_("Flat payout"), max_digits=14, decimal_places=3, required=False, initial=0
    )
    payout_percent = forms.DecimalField(
        # xgettext:no-python-format (a label, never %-formatted)
        label=_("Payout (% of sale)"),
        max_digits=6,
        decimal_places=3,
        required=False,
        initial=0,
    )

    def __init__(self, *args, currency: str | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency

    def terms_currency(self, data: dict) -> str | None:
        return self.currency

    def clean(self) -> dict:
        data = super().clean()
        currency = self.terms_currency(data)
        if currency:
            clean_terms(self, data, "payout_type", "payout_amount", "payout_percent", currency)
        for field in ("payout_amount", "payout_percent"):
            if data.get(field) is None and field not in self.errors:
                data[field] = Decimal(0)
        return data


class GoalPayoutForm(TermsForm):
    """The payout every publisher earns on a goal unless a tier or an override says otherwise."""


class OverrideForm(TermsForm):
    field_order = ["goal", "publisher"]

    goal = forms.ModelChoiceField(label=_("Goal"), queryset=Goal.objects.none())
    publisher = forms.ModelChoiceField(label=_("Publisher"), queryset=Publisher.objects.none())

    def __init__(self, *args, offer: Offer, **kwargs):
        super().__init__(*args, currency=offer.currency, **kwargs)
        self.fields["goal"].queryset = offer.goals.all()
        self.fields["publisher"].queryset = approved_publishers()


class TierPayoutForm(TermsForm):
    field_order = ["goal"]

    goal = forms.ModelChoiceField(label=_("Offer and goal"), queryset=Goal.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        goals = Goal.objects.select_related("offer").exclude(offer__status=Offer.Status.ARCHIVED)
        self.fields["goal"].queryset = goals.order_by("offer__name", "-is_default", "name")
        self.fields["goal"].label_from_instance = lambda goal: (
            f"{goal.offer.name} · {goal.name} ({goal.offer.currency})"
        )

    def terms_currency(self, data: dict) -> str | None:
        goal = data.get("goal")
        return goal.offer.currency if goal else None


class TierForm(forms.ModelForm):
    class Meta:
        model = PayoutTier
        fields = ["name"]

    def clean_name(self) -> str:
        name = self.cleaned_data["name"].strip()
        if PayoutTier.objects.filter(name__iexact=name).exists():
            raise forms.ValidationError(_("There is already a tier with this name."))
        return name


class TierMemberForm(forms.Form):
    publisher = forms.ModelChoiceField(label=_("Publisher"), queryset=Publisher.objects.none())

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["publisher"].queryset = approved_publishers()

    def clean_publisher(self) -> Publisher:
        publisher = self.cleaned_data["publisher"]
        current = TierMembership.objects.filter(publisher=publisher).select_related("tier").first()
        if current is not None:
            raise forms.ValidationError(already_in_tier(publisher, current.tier))
        return publisher


def payout_terms(data: dict) -> dict:
    """A payout form's cleaned data as the services' keyword arguments."""
    return {
        "payout_type": data["payout_type"],
        "amount": data["payout_amount"],
        "percent": data["payout_percent"],
    }
