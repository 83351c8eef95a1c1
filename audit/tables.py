"""The audit log's table: newest first, never re-sorted (a sort on another column would read
every entry of the network), paged without counting them."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from audit.log import actor_shown, object_type_name, object_url, viewer_role
from audit.models import AuditEntry
from audit.text import action_label, change_label, reason_label
from lib.tables import DateTimeColumn, Table
from network.models import Membership


class AuditTable(Table):
    created_at = DateTimeColumn(verbose_name=_("Time"))
    actor = tables.Column(accessor="actor_label", verbose_name=_("Who"))
    action = tables.Column(verbose_name=_("Action"))
    object = tables.Column(accessor="object_repr", verbose_name=_("Object"))
    object_id = tables.Column(verbose_name=_("Object id"))
    change = tables.Column(accessor="to_state", verbose_name=_("Change"), empty_values=())
    reason = tables.Column(verbose_name=_("Reason"), attrs={"td": {"class": "wrap"}})

    class Meta:
        model = AuditEntry
        fields = ["created_at", "actor", "action", "object", "object_id", "change", "reason"]
        attrs = {"class": "table"}
        orderable = False
        empty_text = _("No entries match.")

    def __init__(self, data, *, membership: Membership, **kwargs) -> None:
        super().__init__(data, **kwargs)
        self.membership = membership
        self.role = viewer_role(membership)

    def render_actor(self, record: AuditEntry) -> str:
        return actor_shown(record, self.membership)

    def render_object(self, record: AuditEntry):
        kind = object_type_name(record.object_type)
        url = object_url(self.role, record.object_type, record.object_id, record.action)
        if url is None:
            return format_html("{}: {}", kind, record.object_repr)
        return format_html('{}: <a href="{}">{}</a>', kind, url, record.object_repr)

    def render_action(self, record: AuditEntry):
        # The code too: it is what the Action filter takes.
        return format_html(
            '{} <small class="muted"><code>{}</code></small>', action_label(record), record.action
        )

    def render_change(self, record: AuditEntry) -> str:
        return change_label(record) or "—"

    def render_reason(self, record: AuditEntry) -> str:
        value = reason_label(record)
        return value if len(value) <= 120 else value[:119] + "…"
