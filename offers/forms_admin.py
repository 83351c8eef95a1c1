"""Forms of the admins' offer pages: filters, review decisions, access (payouts and tiers:
commissions.forms).

Querysets are set in __init__ so they are built inside the request's tenant scope.
"""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from advertisers.models import Advertiser
from lib.forms import ReasonedDecisionForm, note_field
from offers.models import Offer, OfferAccess
from publishers.models import Publisher


def approved_publishers():
    return Publisher.objects.filter(status=Publisher.Status.APPROVED).order_by("name")


def status_menu(statuses) -> forms.ChoiceField:
    """A filter: every status, or one of `statuses`."""
    return forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("Every status")), *statuses]
    )


def rows_menu(model, label, every) -> forms.ModelChoiceField:
    """A filter: every row of `model` (said `every`), or one; the rows come from the form's
    menus()."""
    return forms.ModelChoiceField(
        label=label, required=False, queryset=model.objects.none(), empty_label=every
    )


class FilterForm(forms.Form):
    """Filters of a list (GET): one line of inputs, labelled for screen readers only.
    Invalid values are ignored by the views, never an error page."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs.setdefault("aria-label", field.label)
        for name, rows in self.menus().items():
            self.fields[name].queryset = rows

    def menus(self) -> dict[str, QuerySet]:
        """Each rows_menu's rows, built here: the managers need the request's tenant scope."""
        return {}


class OfferFilterForm(FilterForm):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        widget=forms.TextInput(attrs={"placeholder": _("Offer, advertiser or ID")}),
    )
    status = status_menu(Offer.Status.choices)
    advertiser = rows_menu(Advertiser, _("Advertiser"), _("Every advertiser"))

    def menus(self) -> dict[str, QuerySet]:
        return {"advertiser": Advertiser.objects.order_by("name")}


class AccessFilterForm(FilterForm):
    status = status_menu(OfferAccess.Status.choices)
    offer = rows_menu(Offer, _("Offer"), _("Every offer"))

    def menus(self) -> dict[str, QuerySet]:
        return {"offer": Offer.objects.exclude(status=Offer.Status.DRAFT)}


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
