"""The publisher's money pages, under /publisher/: statements (the balance, the months, one
printable month). Only the publisher's own users open them; each query is of
`request.membership.publisher`. (Their payment details: publishers/views_payment_details.py.)"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

import django_tables2 as tables
from django.db.models import QuerySet
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from lib.formats import format_money, format_month
from lib.pdf import pdf_response
from lib.tables import DateTimeColumn, Table, configure
from lib.views import render_in_network_time
from network.access import role_required
from network.models import Role
from payouts import statements
from payouts.ledger import from_minor

FIRST_YEAR = 2000  # earlier months are "out of range": no network's data goes back further
PER_PAGE = 50
PDF_CONVERSIONS = 500  # a statement's PDF lists the month's latest conversions, up to these


class StatementTable(Table):
    """A month's conversions as a publisher sees them (as on the Conversions page: no
    revenue), with "paid" for those whose approval a payout paid."""

    # Evaluated once, at import: the labels must be lazy to follow each request's language.
    created_at = DateTimeColumn(verbose_name=gettext_lazy("Time"))
    id = tables.Column(verbose_name=gettext_lazy("ID"))
    offer = tables.Column(
        accessor="offer__name", verbose_name=gettext_lazy("Offer"), orderable=False
    )
    goal = tables.Column(accessor="goal__name", verbose_name=gettext_lazy("Goal"), orderable=False)
    aff_sub = tables.Column(
        accessor="click__aff_sub", verbose_name=gettext_lazy("aff_sub"), orderable=False
    )
    order_id = tables.Column(verbose_name=gettext_lazy("Order"), orderable=False)
    # "Earnings", as on the publisher's dashboard, reports and conversions.
    payout = tables.Column(verbose_name=gettext_lazy("Earnings"))
    shown_status = tables.Column(verbose_name=gettext_lazy("Status"), orderable=False)

    class Meta:
        attrs = {"class": "table"}
        order_by = ("-created_at", "-id")  # newest first, ties in a fixed order (page and PDF)
        empty_text = gettext_lazy("No conversions in this month.")

    def render_payout(self, value, record):
        return format_money(value, record.currency)

    def render_shown_status(self, value, record):
        label = dict(statements.SHOWN_STATUSES).get(value, value)
        reason = f" ({record.reason_label})" if record.reason_code and value != "paid" else ""
        return format_html('<span class="badge badge-{}">{}</span>{}', value, label, reason)


@role_required(Role.PUBLISHER)
@require_safe
def publisher_statements(request: HttpRequest) -> HttpResponse:
    network, publisher = request.network, request.membership.publisher
    accounts = statements.payable_accounts(publisher)
    owed = statements.balances(accounts)
    return render_in_network_time(
        request,
        "payouts/publisher/statements.html",
        {
            "balances": owed,
            "pending": statements.pending_earnings(publisher),
            "next_payouts": statements.next_payouts(network, publisher, owed),
            "months": statements.months(network, publisher, accounts),
        },
    )


def month_in_range(request: HttpRequest, year: int, month: int) -> date:
    """The month asked for, or 404: not a month, before 2000, or not begun yet."""
    try:
        period = date(year, month, 1)
    except ValueError:
        raise Http404("No such month") from None
    current = timezone.now().astimezone(ZoneInfo(request.network.timezone)).date()
    if year < FIRST_YEAR or period > current:
        raise Http404("No statement for that month")
    return period


def statement_context(
    request: HttpRequest, period: date, conversions: QuerySet, table: StatementTable
) -> dict:
    """What a month's statement shows, on the page and in its PDF."""
    network, publisher = request.network, request.membership.publisher
    return {
        "period": period,
        "publisher": publisher,
        "month_rows": statements.month_rows(network, publisher, period),
        "table": table,
        "totals": statements.status_totals(conversions),
        "postings": statements.month_postings(
            statements.payable_accounts(publisher), network, period
        ),
        "lines": [
            (line, from_minor(line.amount, line.currency))
            for line in statements.month_lines(network, publisher, period)
        ],
    }


def statement_conversions(request: HttpRequest, period: date) -> QuerySet:
    network, publisher = request.network, request.membership.publisher
    conversions = statements.month_conversions(network, publisher, period)
    return conversions.select_related("offer", "goal", "click")


@role_required(Role.PUBLISHER)
@require_safe
def publisher_statement(request: HttpRequest, year: int, month: int) -> HttpResponse:
    period = month_in_range(request, year, month)
    conversions = statement_conversions(request, period)
    table = StatementTable(conversions)
    configure(request, table, per_page=PER_PAGE)
    context = statement_context(request, period, conversions, table)
    return render_in_network_time(request, "payouts/publisher/statement.html", context)


@role_required(Role.PUBLISHER)
@require_safe
def publisher_statement_pdf(request: HttpRequest, year: int, month: int) -> HttpResponse:
    """The month's statement as a PDF (lib.pdf, as invoices): what the page shows, the
    conversions' table with the latest PDF_CONVERSIONS of them (the page pages through all)."""
    period = month_in_range(request, year, month)
    conversions = statement_conversions(request, period)
    table = StatementTable(list(conversions.order_by("-created_at", "-id")[:PDF_CONVERSIONS]))
    context = statement_context(request, period, conversions, table)
    total = context["total_conversions"] = sum(row.count for row in context["totals"])
    context["shown_conversions"] = min(total, PDF_CONVERSIONS)
    context["more_conversions"] = total > PDF_CONVERSIONS
    filename = f"statement-{period:%Y-%m}"
    title = _("Statement %(period)s") % {"period": format_month(period)}
    return pdf_response(
        request, "payouts/publisher/_statement.html", context, filename=filename, title=title
    )
