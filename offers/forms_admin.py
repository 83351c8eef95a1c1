"""Forms of the admins' offer pages: filters, review decisions, access (payouts and tiers:
commissions.forms).

Querysets are set in __init__ so they are built inside the request's tenant scope.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from advertisers.models import Advertiser
from lib.forms import ReasonedDecisionForm, note_field
from offers.models import Offer, OfferAccess
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
    reason = note_field(
        _("Note to the advertiser"),
        help_text=_("Required when you send the offer back: say what to change."),
        rows=2,
    )


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


class AccessDecisionForm(ReasonedDecisionForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            (OfferAccess.Status.APPROVED, _("Approve: they may run the offer")),
            (OfferAccess.Status.REJECTED, _("Reject: they may not run it now")),
            (OfferAccess.Status.BLOCKED, _("Block: hide the offer from them")),
        ],
        widget=forms.RadioSelect,
    )
    reason = note_field(_("Reason (sent to the publisher)"))
    missing_reason = _("Give the publisher a reason.")

    def refuses(self, decision: str | None) -> bool:
        return decision not in (None, "", OfferAccess.Status.APPROVED)
