"""The invoices list of both roles (django-tables2): advertisers see theirs without the
advertiser column; each row links to the role's invoice page."""

from __future__ import annotations

import django_tables2 as tables
from django.db.models import QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from lib.formats import format_amount
from lib.tables import DateColumn, MonthColumn, Table, configure
from payouts import ledger
from payouts.models import Invoice

PER_PAGE = 50


def invoice_number(invoice: Invoice) -> str:
    return invoice.display_number


def invoice_url(record: Invoice, table: InvoiceTable) -> str:
    return reverse(table.detail_view, kwargs={"invoice_id": record.pk})


class InvoiceTable(Table):
    number = tables.Column(verbose_name=_("Invoice"), linkify=invoice_url)
    period = MonthColumn(verbose_name=_("Month"))
    advertiser = tables.Column(accessor="advertiser__name", verbose_name=_("Advertiser"))
    currency = tables.Column(verbose_name=_("Currency"))
    total = tables.Column(verbose_name=_("Total"), attrs={"td": {"class": "amount"}})
    status = tables.Column(verbose_name=_("Status"))
    issued_at = DateColumn(verbose_name=_("Issued"))
    paid_at = DateColumn(verbose_name=_("Paid"))

    class Meta:
        model = Invoice
        fields = [
            "number",
            "period",
            "advertiser",
            "currency",
            "total",
            "status",
            "issued_at",
            "paid_at",
        ]
        attrs = {"class": "table"}
        empty_text = _("No invoices yet.")

    def __init__(self, *args, detail_view: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.detail_view = detail_view

    def render_number(self, record: Invoice) -> str:
        return invoice_number(record)

    def render_total(self, record: Invoice) -> str:
        return format_amount(ledger.from_minor(record.total, record.currency), record.currency)

    def render_status(self, record: Invoice) -> str:
        return format_html(
            '<span class="badge badge-{}">{}</span>', record.status, record.get_status_display()
        )


def invoice_table(request: HttpRequest, queryset: QuerySet[Invoice], role: str) -> InvoiceTable:
    exclude = ("advertiser",) if role == "advertiser" else ()
    table = InvoiceTable(
        queryset.select_related("advertiser"),
        exclude=exclude,
        detail_view=f"{role}_invoice_detail",
    )
    return configure(request, table, per_page=PER_PAGE)
