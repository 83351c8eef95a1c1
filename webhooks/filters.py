"""The delivery log's filters: endpoint, event, outcome."""

from __future__ import annotations

import django_filters as filters
from django.utils.translation import gettext_lazy as _

from webhooks.models import Event, WebhookDelivery, WebhookEndpoint


class DeliveryFilter(filters.FilterSet):
    endpoint = filters.ModelChoiceFilter(
        label=_("Endpoint"),
        queryset=WebhookEndpoint.objects.none(),
        empty_label=_("Every endpoint"),
    )
    event = filters.ChoiceFilter(
        label=_("Event"), choices=Event.choices, empty_label=_("Every event")
    )
    state = filters.ChoiceFilter(
        label=_("Outcome"), choices=WebhookDelivery.State.choices, empty_label=_("Every outcome")
    )

    class Meta:
        model = WebhookDelivery
        fields: list[str] = []

    def __init__(self, data=None, *, queryset):
        super().__init__(data, queryset=queryset)
        self.filters["endpoint"].queryset = WebhookEndpoint.objects.order_by("created_at", "pk")

    @property
    def active(self) -> bool:
        return self.is_bound and self.form.is_valid() and any(self.form.cleaned_data.values())
