"""The delivery log, one page component for both kinds of outbound delivery: DeliveryLogTable
and templates/webhooks/delivery_log.html, which draws it with its filters. The publisher's
postback log lists calls (PostbackAttempt: AttemptTable), the admins' webhook log deliveries
(WebhookDelivery: DeliveryTable, each row opening its calls)."""

from __future__ import annotations

import datetime as dt

import django_tables2 as tables
from django.db.models import QuerySet
from django.urls import reverse
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from lib.formats import format_datetime
from lib.tables import DateTimeColumn, NumberColumn, Table
from webhooks.models import PostbackAttempt, WebhookDelivery


class DeliveryLogTable(Table):
    """What both logs share: newest first (ties broken by id), the event in words, and an
    answer as a badge (the HTTP status, green for a 2xx, or what went wrong)."""

    class Meta:
        attrs = {"class": "table"}
        order_by = "-created_at"

    def render_event(self, record: PostbackAttempt | WebhookDelivery) -> str:
        return record.get_event_display()

    def order_created_at(self, queryset: QuerySet, is_descending: bool):
        fields = ["-created_at", "-id"] if is_descending else ["created_at", "id"]
        return queryset.order_by(*fields), True

    @staticmethod
    def answer_badge(status_code: int | None, ok: bool, error: str) -> SafeString:
        if status_code is not None:
            css = "approved" if ok else "rejected"
            return format_html('<span class="badge badge-{}">HTTP {}</span>', css, status_code)
        return format_html('<span class="badge badge-rejected">{}</span>', error)


class AttemptTable(DeliveryLogTable):
    """The publisher's postback log: time, event, postback, URL, answer, ms, attempt."""

    created_at = tables.Column(verbose_name=_("Time (UTC)"), attrs={"td": {"class": "nowrap"}})
    event = tables.Column(verbose_name=_("Event"), orderable=False)
    endpoint = tables.Column(verbose_name=_("Postback"), orderable=False, empty_values=())
    url = tables.Column(verbose_name=_("URL"), orderable=False, attrs={"td": {"class": "wrap"}})
    result = tables.Column(
        verbose_name=_("Result"), orderable=False, empty_values=(), attrs={"td": {"class": "wrap"}}
    )
    elapsed_ms = NumberColumn(verbose_name=_("ms"), orderable=False)
    attempt_number = NumberColumn(verbose_name=_("Attempt"), orderable=False)

    class Meta(DeliveryLogTable.Meta):
        empty_text = _("No calls yet: they appear here as soon as a conversion fires a postback.")

    def render_created_at(self, value: dt.datetime) -> str:
        return format_datetime(value, tz=dt.UTC, seconds=True)

    def render_endpoint(self, record: PostbackAttempt) -> str:
        offer = record.endpoint.offer
        return offer.name if offer else gettext("Global")

    def render_url(self, value: str) -> SafeString:
        return format_html('<code class="break-all">{}</code>', value)

    def render_result(self, record: PostbackAttempt) -> SafeString:
        return self.answer_badge(record.status_code, record.ok, record.error)


class DeliveryTable(DeliveryLogTable):
    """The admins' webhook log: each delivery with its outcome and its last answer."""

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

    class Meta(DeliveryLogTable.Meta):
        empty_text = _("No deliveries yet: they appear here as soon as an event is sent.")

    def render_endpoint(self, record: WebhookDelivery) -> SafeString:
        return format_html('<code class="break-all">{}</code>', record.endpoint.url)

    def render_state(self, record: WebhookDelivery) -> SafeString:
        css = {"delivered": "approved", "failed": "rejected"}.get(record.state, "pending")
        return format_html(
            '<span class="badge badge-{}">{}</span>', css, record.get_state_display()
        )

    def render_result(self, record: WebhookDelivery) -> str:
        if record.status_code is not None:
            return f"HTTP {record.status_code}"
        return record.error or "—"

    def render_event_id(self, record: WebhookDelivery) -> SafeString:
        url = reverse("webhook_delivery_detail", args=[record.pk])
        return format_html('<a href="{}"><code>{}</code></a>', url, record.event_id)
