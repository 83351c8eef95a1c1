from __future__ import annotations

from collections.abc import Collection

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lib.formats import format_amount
from lib.tables import DateTimeColumn, SelectColumn, Table
from tracking.models import Conversion

# Amounts align at the end of their column.
FIGURE = {"th": {"class": "num"}, "td": {"class": "num"}}


def select_label(record) -> str:
    return _("Select conversion %(id)s") % {"id": record.pk}


class ConversionTable(Table):
    selected = SelectColumn(
        accessor="pk",
        attrs={"td__input": {"aria-label": select_label}},
    )
    created_at = DateTimeColumn(verbose_name=_("Time"))
    id = tables.Column(verbose_name=_("ID"))
    offer = tables.Column(accessor="offer__name", verbose_name=_("Offer"))
    goal = tables.Column(accessor="goal__name", verbose_name=_("Goal"))
    publisher = tables.Column(accessor="publisher__name", verbose_name=_("Publisher"))
    status = tables.Column(verbose_name=_("Status"))
    sale_amount = tables.Column(verbose_name=_("Sale"), attrs=FIGURE)
    revenue = tables.Column(verbose_name=_("Revenue"), attrs=FIGURE)
    payout = tables.Column(verbose_name=_("Payout"), attrs=FIGURE)
    order_id = tables.Column(verbose_name=_("Order"))
    transaction_id = tables.Column(accessor="click_id", verbose_name=_("Transaction id"))
    aff_sub = tables.Column(accessor="click__aff_sub", verbose_name=_("aff_sub"))
    method = tables.Column(verbose_name=_("Method"))
    flags = tables.Column(accessor="fraud_flags", orderable=False, verbose_name=_("Flags"))

    class Meta:
        model = Conversion
        fields = [
            "selected",
            "created_at",
            "id",
            "offer",
            "goal",
            "publisher",
            "status",
            "sale_amount",
            "revenue",
            "payout",
            "order_id",
            "transaction_id",
            "aff_sub",
            "method",
            "flags",
        ]
        attrs = {"class": "table"}
        order_by = "-created_at"
        empty_text = _("No conversions yet.")

    def render_status(self, record: Conversion):
        reason = f" ({record.reason_label})" if record.reason_code else ""
        return format_html(
            '<span class="badge badge-{}">{}</span>{}',
            record.status,
            record.get_status_display(),
            reason,
        )

    def render_sale_amount(self, value, record: Conversion):
        return format_amount(value, record.currency)

    def render_revenue(self, value, record: Conversion):
        return format_amount(value, record.currency)

    def render_payout(self, value, record: Conversion):
        return format_amount(value, record.currency)

    def render_flags(self, record: Conversion):
        return ", ".join(record.fraud_flag_labels) or "—"


def conversion_table(queryset, role: str, *, selected: Collection[int] = ()) -> ConversionTable:
    """Each role sees its own columns: publishers never see revenue, advertisers no payout.

    Advertisers and admins get a checkbox per row for the bulk decisions; `selected` are the
    ids to show checked again (a bulk form sent back with an error)."""
    exclude = {
        "publisher": ("selected", "revenue", "publisher", "flags"),
        "advertiser": ("payout",),
    }
    table = ConversionTable(queryset, exclude=exclude.get(role, ()))
    # The money's name from the reader's side, as on their dashboard and reports: what the
    # network's revenue costs an advertiser, what a publisher's payout earns them.
    if role == "advertiser":
        table.columns["revenue"].column.verbose_name = _("Cost")
    if role == "publisher":
        table.columns["payout"].column.verbose_name = _("Earnings")
    if role != "publisher":
        chosen = frozenset(selected)
        table.columns["selected"].column.checked = lambda value, record: value in chosen
    return table
