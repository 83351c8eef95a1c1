"""The money API's filters: payout runs and a publisher's statements (the invoices' and credit
notes': invoices/filters.py)."""

from __future__ import annotations

import django_filters as filters
from django_filters.rest_framework import FilterSet as ApiFilterSet

from payouts.models import PayoutLine, PayoutRun


class RunFilter(ApiFilterSet):
    status = filters.ChoiceFilter(choices=PayoutRun.Status.choices)
    period_from = filters.DateFilter(field_name="period", lookup_expr="gte")
    period_to = filters.DateFilter(field_name="period", lookup_expr="lte")

    class Meta:
        model = PayoutRun
        fields: list[str] = []


class StatementFilter(ApiFilterSet):
    status = filters.ChoiceFilter(choices=PayoutLine.Status.choices)
    currency = filters.CharFilter(max_length=3)
    period_from = filters.DateFilter(field_name="run__period", lookup_expr="gte")
    period_to = filters.DateFilter(field_name="run__period", lookup_expr="lte")

    class Meta:
        model = PayoutLine
        fields: list[str] = []
