"""The delivery log: newest first, each row opening its payload and attempts."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lib.tables import DateTimeColumn, NumberColumn, Table
from webhooks.models import WebhookDelivery


class DeliveryTable(Table):
    created_at = DateTimeColumn(verbose_name=_("Time"))
    event = tables.Column(verbose_name=_("Event"))
    endpoint = tables.Column(
        verbose_name=_("Endpoint"), orderable=False, attrs={"td": {"class": "wrap"}}
    )
    state = tables.Column(verbose_name=_("Outcome"))
    result = tables.Column(
        verbose_name=_("Last answer"),
        orderable=False,
        empty_values=(),
        attrs={"td": {"class": "wrap"}},
    )
    attempts = NumberColumn(verbose_name=_("Attempts"))
    duration_ms = tables.Column(verbose_name=_("ms"), orderable=False)
    event_id = tables.Column(verbose_name=_("Event id"), orderable=False)

    class Meta:
        attrs = {"class": "table"}
        order_by = "-created_at"
        empty_text = _("No deliveries yet: they appear here as soon as an event is sent.")

    def render_event(self, record: WebhookDelivery) -> str:
        return record.get_event_display()

    def render_endpoint(self, record: WebhookDelivery):
        return format_html('<code class="break-all">{}</code>', record.endpoint.url)

    def render_state(self, record: WebhookDelivery):
        css = {"delivered": "approved", "failed": "rejected"}.get(record.state, "pending")
        return format_html(
            '<span class="badge badge-{}">{}</span>', css, record.get_state_display()
        )

    def render_result(self, record: WebhookDelivery):
        if record.status_code is not None:
            return f"HTTP {record.status_code}"
        return record.error or "—"

    def render_event_id(self, record: WebhookDelivery):
        url = reverse("webhook_delivery_detail", args=[record.pk])
        return format_html('<a href="{}"><code>{}</code></a>', url, record.event_id)

    def order_created_at(self, queryset, is_descending: bool):
        """Ties (same instant) broken by id, newest first."""
        fields = ["-created_at", "-id"] if is_descending else ["created_at", "id"]
        return queryset.order_by(*fields), True
