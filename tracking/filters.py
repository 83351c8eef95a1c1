"""The conversion lists' filters: each role picks among its own offers, and dates are days in
the network's time zone (a day there is not a UTC day)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import django_filters as filters
from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from lib.days import DAY_RANGE, day_start
from offers.models import Offer, OfferAccess
from tracking.models import Conversion

FLAGGED_CHOICES = [("yes", _("Flagged")), ("no", _("Not flagged"))]


def offers_for(role: str, membership) -> QuerySet[Offer]:
    """The offers a role may pick in the filter: an advertiser's own, a publisher's known ones."""
    offers = Offer.objects.order_by("name", "pk")
    if role == "advertiser":
        return offers.filter(advertiser=membership.advertiser)
    if role == "publisher":
        publisher = membership.publisher
        accessed = OfferAccess.objects.filter(publisher=publisher).values("offer_id")
        visible = Offer.objects.visible_to(publisher).values("pk")
        return offers.filter(Q(pk__in=accessed) | Q(pk__in=visible))
    return offers


class ConversionFilter(filters.FilterSet):
    offer = filters.ModelChoiceFilter(
        label=_("Offer"), queryset=Offer.objects.none(), empty_label=_("Every offer")
    )
    status = filters.ChoiceFilter(
        label=_("Status"), choices=Conversion.Status.choices, empty_label=_("Every status")
    )
    created_from = filters.DateFilter(
        label=_("From"),
        method="filter_from",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DAY_RANGE,
    )
    created_to = filters.DateFilter(
        label=_("To"),
        method="filter_to",
        widget=forms.DateInput(attrs={"type": "date"}),
        validators=DAY_RANGE,
    )
    order_id = filters.CharFilter(label=_("Order id"), field_name="order_id", max_length=255)
    transaction_id = filters.CharFilter(
        label=_("Transaction id"), field_name="click_id", max_length=32
    )
    flagged = filters.ChoiceFilter(
        label=_("Fraud flags"),
        choices=FLAGGED_CHOICES,
        empty_label=_("Flagged or not"),
        method="filter_flagged",
    )

    class Meta:
        model = Conversion
        fields: list[str] = []

    def __init__(self, data=None, *, queryset, offers: QuerySet[Offer], timezone: str, role: str):
        super().__init__(data, queryset=queryset)
        self.zone = ZoneInfo(timezone)
        self.filters["offer"].queryset = offers
        if role == "publisher":  # publishers do not see the fraud flags
            del self.filters["flagged"]

    def filter_from(self, queryset, name, value: date):
        return queryset.filter(created_at__gte=day_start(value, self.zone))

    def filter_to(self, queryset, name, value: date):
        return queryset.filter(created_at__lt=day_start(value + timedelta(days=1), self.zone))

    def filter_flagged(self, queryset, name, value: str):
        if value == "yes":
            return queryset.exclude(fraud_flags=[])
        return queryset.filter(fraud_flags=[])

    @property
    def active(self) -> bool:
        """Whether any filter narrows the list (for a "Clear filters" link)."""
        return self.is_bound and self.form.is_valid() and any(self.form.cleaned_data.values())
