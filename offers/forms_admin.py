"""Forms of the admins' offer pages: filters, review decisions, payouts, tiers, access.

Querysets are set in __init__ so they are built inside the request's tenant scope.
"""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from advertisers.models import Advertiser
from offers.forms import clean_terms
from offers.models import Goal, Offer, OfferAccess, PayoutTier, TierMembership
from offers.services_rules import already_in_tier
from publishers.models import Publisher


def approved_publishers():
    return Publisher.objects.filter(status=Publisher.Status.APPROVED).order_by("name")


class FilterForm(forms.Form):
    """Filters of a list (GET): one line of inputs, labelled for screen readers only.
    Invalid values are ignored by the views, never an error page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)


class OfferFilterForm(FilterForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Offer, advertiser or ID")}),
    )
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Every status")), *Offer.Status.choices]
    )
    advertiser = forms.ModelChoiceField(
        label=_("Advertiser"),
        required=False,
        queryset=Advertiser.objects.none(),
        empty_label=_("Every advertiser"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["advertiser"].queryset = Advertiser.objects.order_by("name")


class AccessFilterForm(FilterForm):
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("Every status")), *OfferAccess.Status.choices],
    )
    offer = forms.ModelChoiceField(
        label=_("Offer"),
        required=False,
        queryset=Offer.objects.none(),
        empty_label=_("Every offer"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["offer"].queryset = Offer.objects.exclude(status=Offer.Status.DRAFT)


class TransitionForm(forms.Form):
    """One form, one submit button per allowed move; the service says what is refused."""

    to_status = forms.ChoiceField(choices=Offer.Status.choices, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("Note to the advertiser"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when you send the offer back: say what to change."),
    )


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


class InviteForm(forms.Form):
    publisher = forms.ModelChoiceField(
        label=_("Publisher"),
        queryset=Publisher.objects.none(),
        empty_label=_("Choose an approved publisher"),
        widget=forms.Select(attrs={"aria-label": _("Publisher to invite")}),
    )

    def __init__(self, *args, offer: Offer, **kwargs):
        super().__init__(*args, **kwargs)
        running = offer.accesses.filter(status=OfferAccess.Status.APPROVED).values("publisher_id")
        self.fields["publisher"].queryset = approved_publishers().exclude(pk__in=running)


class AccessDecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (OfferAccess.Status.APPROVED, _("Approve: they may run the offer")),
            (OfferAccess.Status.REJECTED, _("Reject: they may not run it now")),
            (OfferAccess.Status.BLOCKED, _("Block: hide the offer from them")),
        ],
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("Reason (sent to the publisher)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def clean(self) -> dict:
        data = super().clean()
        refused = data.get("decision") not in (None, "", OfferAccess.Status.APPROVED)
        if refused and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Give the publisher a reason."))
        return data


def payout_terms(data: dict) -> dict:
    """A payout form's cleaned data as the services' keyword arguments."""
    return {
        "payout_type": data["payout_type"],
        "amount": data["payout_amount"],
        "percent": data["payout_percent"],
    }
