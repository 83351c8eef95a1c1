"""Forms of the publisher's offer pages: marketplace filters, applying, building a link."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from lib.countries import country_choices
from lib.forms import note_field
from lib.widgets import FastSelect
from offers.links import SUB_FIELDS, check_deep_link
from offers.models import CATEGORIES, GoalType, Offer

SUB_MAX_LENGTH = 255  # what the click table stores per sub value


class MarketplaceFilterForm(forms.Form):
    """GET filters; an invalid value is reported next to its field and otherwise ignored."""

    q = forms.CharField(label=_("Search"), required=False, max_length=100)
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", _("All categories")), *CATEGORIES]
    )
    country = forms.ChoiceField(
        label=_("Country"),
        required=False,
        choices=lambda: [("", _("All countries")), *country_choices()],
        widget=FastSelect,
    )
    payout_type = forms.ChoiceField(
        label=_("Payout type"),
        required=False,
        choices=[("", _("All payout types")), *GoalType.choices],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs.update(
            {"placeholder": _("Name or description"), "type": "search"}
        )

    def filter(self, offers):
        """The offers narrowed by the valid filters."""
        if not self.is_valid():
            return offers
        data = self.cleaned_data
        if data["q"]:
            offers = offers.filter(
                Q(name__icontains=data["q"]) | Q(description__icontains=data["q"])
            )
        if data["category"]:
            offers = offers.filter(category=data["category"])
        if data["country"]:
            # allowed_countries is a JSON list; `__contains` on JSON is not available on
            # SQLite, so match the quoted code in the JSON text (portable; the code was
            # validated against the country list, so it holds no LIKE wildcards).
            offers = offers.filter(
                Q(allowed_countries=[]) | Q(allowed_countries__icontains=f'"{data["country"]}"')
            )
        if data["payout_type"]:
            # The default goal's payout type (overrides rarely change the type). One default
            # goal per offer (a constraint), so the join adds no duplicate rows.
            offers = offers.filter(goals__is_default=True, goals__payout_type=data["payout_type"])
        return offers


class ApplyForm(forms.Form):
    note = note_field(
        _("Note to the network"),
        help_text=_("How and where you will promote this offer (optional)."),
    )


def sub_id_field(number: int) -> forms.CharField:
    name = "aff_sub" if number == 1 else f"aff_sub{number}"
    return forms.CharField(
        label=f"Sub ID {number} ({name})", required=False, max_length=SUB_MAX_LENGTH
    )


class LinkForm(forms.Form):
    """The parameters of a tracking link; `link()` builds it once the form is valid."""

    landing_page = forms.ModelChoiceField(
        label=_("Landing page"),
        queryset=None,  # set per offer: the manager needs the request's scope
        required=False,
        empty_label=_("Rotate between the offer's landing pages"),
    )
    aff_sub = sub_id_field(1)
    aff_sub2 = forms.CharField(
        label=_("Sub ID 2 (aff_sub2)"), required=False, max_length=SUB_MAX_LENGTH
    )
    aff_sub3 = forms.CharField(
        label=_("Sub ID 3 (aff_sub3)"), required=False, max_length=SUB_MAX_LENGTH
    )
    aff_sub4 = forms.CharField(
        label=_("Sub ID 4 (aff_sub4)"), required=False, max_length=SUB_MAX_LENGTH
    )
    aff_sub5 = forms.CharField(
        label=_("Sub ID 5 (aff_sub5)"), required=False, max_length=SUB_MAX_LENGTH
    )
    source = forms.CharField(
        label=_("Source"),
        required=False,
        max_length=SUB_MAX_LENGTH,
        help_text=_("Where the traffic comes from, e.g. newsletter or site section."),
    )
    deep_link = forms.CharField(
        label=_("Deep link"),
        required=False,
        max_length=2000,
        widget=forms.URLInput(attrs={"placeholder": "https://"}),
    )

    def __init__(self, *args, offer: Offer, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offer
        self.fields["landing_page"].queryset = offer.landing_pages.filter(is_active=True)
        if offer.allows_deep_links:
            self.fields["deep_link"].help_text = _(
                "Send the visitor to a page of %(domains)s instead of the landing page."
            ) % {"domains": ", ".join(offer.deep_link_domains)}
        else:
            del self.fields["deep_link"]  # not offered, so it cannot be posted either

    def clean_deep_link(self) -> str:
        url = self.cleaned_data.get("deep_link", "").strip()
        if url:
            try:
                check_deep_link(self.offer, url)
            except ValidationError as exc:
                raise ValidationError(exc.messages) from None
        return url

    def subs(self) -> dict[str, str]:
        return {name: self.cleaned_data.get(name, "") for name in SUB_FIELDS}
