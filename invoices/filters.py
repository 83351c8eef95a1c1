"""The invoices' filters: the admins' invoices page's, and the API's (invoices and credit notes
for both roles)."""

from __future__ import annotations

import django_filters as filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import FilterSet as ApiFilterSet

from advertisers.models import Advertiser
from invoices.forms import month_label, month_value, parse_month
from network.api_docs import id_filter, text_filter
from payouts.models import CreditNote, Invoice

# --- The admins' invoices page -------------------------------------------------------------


class InvoicePageFilter(filters.FilterSet):
    """The invoices page's menus: status, advertiser, month (the API filters by ids and
    dates instead: InvoiceFilter)."""

    status = filters.ChoiceFilter(
        label=_("Status"), choices=Invoice.Status.choices, empty_label=_("Every status")
    )
    advertiser = filters.ModelChoiceFilter(
        label=_("Advertiser"),
        queryset=Advertiser.objects.none(),
        empty_label=_("Every advertiser"),
    )
    period = filters.ChoiceFilter(
        label=_("Month"), choices=[], empty_label=_("Every month"), method="filter_period"
    )

    class Meta:
        model = Invoice
        fields: list[str] = []

    def __init__(self, data=None, *, queryset: QuerySet[Invoice]):
        super().__init__(data, queryset=queryset)
        # Evaluated in the request's scope: this network's companies and months only.
        self.filters["advertiser"].queryset = Advertiser.objects.order_by("name")
        periods = Invoice.objects.dates("period", "month", order="DESC")
        self.filters["period"].extra["choices"] = [
            (month_value(period), month_label(period)) for period in periods
        ]

    def filter_period(self, queryset: QuerySet[Invoice], name: str, value: str):
        period = parse_month(value)
        return queryset.filter(period=period) if period else queryset

    @property
    def active(self) -> bool:
        """Whether any filter narrows the list (for a "Clear filters" link)."""
        return self.is_bound and self.form.is_valid() and any(self.form.cleaned_data.values())


# --- The API -------------------------------------------------------------------------------


class MonthsFilter(ApiFilterSet):
    """An invoice's or a credit note's currency and months (their first days)."""

    currency = text_filter("currency", 3)
    period_from = filters.DateFilter(field_name="period", lookup_expr="gte")
    period_to = filters.DateFilter(field_name="period", lookup_expr="lte")


class InvoiceFilter(MonthsFilter):
    """An advertiser's invoices; admins' (AdminInvoiceFilter) also by advertiser."""

    status = filters.ChoiceFilter(choices=Invoice.Status.choices)

    class Meta:
        model = Invoice
        fields: list[str] = []


class AdminInvoiceFilter(InvoiceFilter):
    advertiser = id_filter("advertiser_id")


class CreditNoteFilter(MonthsFilter):
    """An advertiser's credit notes; admins' (AdminCreditNoteFilter) also by advertiser."""

    class Meta:
        model = CreditNote
        fields: list[str] = []


class AdminCreditNoteFilter(CreditNoteFilter):
    advertiser = id_filter("advertiser_id")
