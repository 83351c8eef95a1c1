"""The conversion lists' filters: each role picks among its own offers, and dates are days in
the network's time zone (a day there is not a UTC day). The pages' filter, and each role's
API filter built on it (ids and texts where the page has menus)."""

from __future__ import annotations

from datetime import date, timedelta
from zoneinfo import ZoneInfo

import django_filters as filters
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from lib.days import day_start
from lib.filters import day_filter
from network.api_docs import id_filter, text_filter
from network.api_policy import membership_of
from offers.models import Offer, OfferAccess
from tracking.models import Conversion

FLAGGED_CHOICES = [("yes", _("Flagged")), ("no", _("Not flagged"))]
# The days DAY_RANGE accepts, for the API's schema.
DAY_PATTERN = r"^(19\d\d|[2-8]\d{3}|9[0-8]\d\d|99[0-8]\d|999[0-8])-\d\d-\d\d$"
DAY_PARAMETERS = [
    OpenApiParameter(
        name,
        OpenApiTypes.DATE,
        description=f"{label} this day (in the network's time zone), 1900 to 9998.",
        pattern=DAY_PATTERN,
    )
    for name, label in (("created_from", "From"), ("created_to", "Up to and with"))
]


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
    created_from = day_filter(_("From"), "filter_from")
    created_to = day_filter(_("To"), "filter_to")
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


class ApiConversionFilter(ConversionFilter):
    """A role's conversions page filters in the API: the offers it may pick and the days of
    the network's time zone come from the request."""

    role = ""

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(
            data,
            queryset=queryset,
            offers=offers_for(self.role, membership_of(request)),
            timezone=request._request.network.timezone,
            role=self.role,
        )


class PublisherConversionFilter(ApiConversionFilter):
    """The conversions page's filters: status, offer, days in the network's time zone,
    order id, transaction id (no fraud flags for publishers)."""

    role = "publisher"


class AdvertiserConversionFilter(ApiConversionFilter):
    """The conversions page's filters (days in the network's time zone, your own offers)."""

    role = "advertiser"
    offer = id_filter("offer_id")
    order_id = text_filter("order_id", 255)
    transaction_id = text_filter("click_id", 32)


class AdminConversionFilter(ApiConversionFilter):
    """The admins' conversions page's filters (days in the network's time zone), plus the
    publisher and the advertiser."""

    role = "admin"
    offer = id_filter("offer_id")
    publisher = id_filter("publisher_id")
    advertiser = id_filter("offer__advertiser_id")
    order_id = text_filter("order_id", 255)
    transaction_id = text_filter("click_id", 32)
