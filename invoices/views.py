"""Invoice pages: advertisers see, print and download (PDF) their own invoices and credit notes
and what they owe; owners and managers list every invoice and credit note, bill a closed month
and record advertisers' payments. A PDF is the page's own document template (the article),
rendered in the reader's language by lib.pdf."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.db.models import Count, F, Q, QuerySet, Sum
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST, require_safe

from invoices.filters import InvoicePageFilter
from invoices.forms import InvoicesCreateForm, PaymentForm, month_label, parse_month
from invoices.services import invoice_record_payment, month_bill
from invoices.tables import invoice_number, invoice_table
from lib.pdf import pdf_response as lib_pdf_response
from lib.views import render_in_network_time
from network.access import ADMINS, posted, role_required
from network.models import Role
from payouts import ledger
from payouts.ledger import network_receivables, receivables_by_advertiser
from payouts.models import CreditNote, Invoice
from payouts.runs import PayoutError

Document = TypeVar("Document", Invoice, CreditNote)
ROLES = {"advertiser": (Role.ADVERTISER,), "admin": ADMINS}


def unpaid_totals(invoices: QuerySet[Invoice]) -> list[dict]:
    """Per currency: what the invoices bill in all, and what of it is not paid yet."""
    rows = (
        invoices.order_by()
        .values("currency")
        .annotate(
            count=Count("id"),
            billed=Sum("total"),
            unpaid=Sum(
                F("total") - F("credit_applied"), filter=Q(status=Invoice.Status.ISSUED), default=0
            ),
        )
        .order_by("currency")
    )
    return [
        {
            "currency": row["currency"],
            "count": row["count"],
            "billed": ledger.from_minor(row["billed"], row["currency"]),
            "unpaid": ledger.from_minor(row["unpaid"], row["currency"]),
        }
        for row in rows
    ]


def _priced(rows, currency: str, link: tuple[str, str] | None = None) -> list:
    """The rows (lines, credit applications) with their `money` in `currency`; with `link`, a
    URL name and the row's id field it takes, each row's `url` too."""
    rows = list(rows)
    for row in rows:
        row.money = ledger.from_minor(row.amount, currency)
        if link:
            name, key = link
            row.url = reverse(name, kwargs={key: getattr(row, key)})
    return rows


def _document_context(document: Invoice | CreditNote, number: str) -> dict:
    """What an invoice's and a credit note's documents both show: the number, the month, the
    lines in the document's currency and their total."""
    return {
        "number": number,
        "period": month_label(document.period),
        "lines": _priced(document.lines.select_related("offer", "goal"), document.currency),
        "total": ledger.from_minor(document.total, document.currency),
    }


def invoice_context(invoice: Invoice, role: str) -> dict:
    """What the invoice's document shows, on the page and in its PDF."""
    context = _document_context(invoice, invoice_number(invoice))
    credits = invoice.credits.select_related("credit_note")
    return {
        **context,
        "invoice": invoice,
        "conversions": sum(line.conversions for line in context["lines"]),
        "credits": _priced(
            credits, invoice.currency, link=(f"{role}_credit_note_detail", "credit_note_id")
        ),
        "due": ledger.from_minor(invoice.amount_due, invoice.currency),
    }


def credit_note_context(note: CreditNote, role: str) -> dict:
    """What the credit note's document shows, on the page and in its PDF."""
    applications = note.applications.select_related("invoice")
    return {
        **_document_context(note, note.display_number),
        "note": note,
        "applications": _priced(
            applications, note.currency, link=(f"{role}_invoice_detail", "invoice_id")
        ),
        "remaining": ledger.from_minor(note.remaining, note.currency),
    }


def invoice_page(
    request: HttpRequest, invoice: Invoice, role: str, form: PaymentForm | None = None
) -> HttpResponse:
    """The printable invoice; admins also get the payment form while it is unpaid."""
    if role == "admin" and form is None and invoice.status == Invoice.Status.ISSUED:
        form = PaymentForm(invoice=invoice)
    context = invoice_context(invoice, role)
    context.update(
        role=role,
        form=form,
        back=reverse(f"{role}_invoice_list"),
        pdf_url=reverse(f"{role}_invoice_pdf", kwargs={"invoice_id": invoice.pk}),
    )
    return render_in_network_time(request, "invoices/detail.html", context)


def credit_note_page(request: HttpRequest, note: CreditNote, role: str) -> HttpResponse:
    context = credit_note_context(note, role)
    context.update(
        back=reverse(f"{role}_invoice_list"),
        pdf_url=reverse(f"{role}_credit_note_pdf", kwargs={"credit_note_id": note.pk}),
    )
    return render_in_network_time(request, "invoices/credit_note.html", context)


def pdf_response(request: HttpRequest, document: str, context: dict) -> HttpResponse:
    """The document's PDF (lib.pdf): the page's template, in the reader's language and the
    network's time zone, downloaded as <number>.pdf."""
    return lib_pdf_response(
        request,
        document,
        context,
        filename=context["number"],
        stylesheets=("css/invoice.css", "css/invoice-pdf.css"),
    )


def invoice_pdf(request: HttpRequest, invoice: Invoice, role: str) -> HttpResponse:
    return pdf_response(request, "invoices/_invoice.html", invoice_context(invoice, role))


def credit_note_pdf(request: HttpRequest, note: CreditNote, role: str) -> HttpResponse:
    context = credit_note_context(note, role)
    return pdf_response(request, "invoices/_credit_note.html", context)


def credit_note_rows(notes: QuerySet[CreditNote], role: str) -> list[CreditNote]:
    """The credit notes of a list page, newest first, with their links and amounts."""
    rows = list(notes.select_related("advertiser"))
    for note in rows:
        note.url = reverse(f"{role}_credit_note_detail", kwargs={"credit_note_id": note.pk})
        note.period_label = month_label(note.period)
        note.total_money = ledger.from_minor(note.total, note.currency)
        note.remaining_money = ledger.from_minor(note.remaining, note.currency)
    return rows


def role_document(request: HttpRequest, model: type[Document], pk: int, role: str) -> Document:
    """The invoice or credit note `pk`: for an advertiser their company's own only (another's,
    or another network's, is 404), for owners and managers any of the network's."""
    documents = model.objects.select_related("advertiser")
    if role == "advertiser":
        documents = documents.filter(advertiser=request.membership.advertiser)
    return get_object_or_404(documents, pk=pk)


def document_view(role: str, model: type[Document], show: Callable[..., HttpResponse]):
    """The view that shows `role` one invoice or credit note (its URL's one id) through `show`:
    its page or its PDF."""

    @role_required(*ROLES[role])  # any method: the lookup answers 404 before a 405 could leak
    def view(request: HttpRequest, **url_id: int) -> HttpResponse:
        (pk,) = url_id.values()
        return show(request, role_document(request, model, pk, role), role)

    return view


# --- Advertisers -----------------------------------------------------------------------


@role_required(Role.ADVERTISER)
@require_safe
def advertiser_invoice_list(request: HttpRequest) -> HttpResponse:
    company = request.membership.advertiser
    invoices = Invoice.objects.filter(advertiser=company)
    return render_in_network_time(
        request,
        "invoices/advertiser_list.html",
        {
            "company": company,
            "table": invoice_table(request, invoices, "advertiser"),
            "receivables": receivables_by_advertiser(company.pk).get(company.pk, []),
            "totals": unpaid_totals(invoices),
            "credit_notes": credit_note_rows(
                CreditNote.objects.filter(advertiser=company), "advertiser"
            ),
        },
    )


advertiser_invoice_detail = document_view("advertiser", Invoice, invoice_page)
advertiser_invoice_pdf = document_view("advertiser", Invoice, invoice_pdf)
advertiser_credit_note_detail = document_view("advertiser", CreditNote, credit_note_page)
advertiser_credit_note_pdf = document_view("advertiser", CreditNote, credit_note_pdf)


# --- Owners and managers ---------------------------------------------------------------


@role_required(*ADMINS)
def admin_invoice_list(request: HttpRequest) -> HttpResponse:
    create_form = InvoicesCreateForm(posted(request), network=request.network)
    if request.method == "POST" and create_form.is_valid():
        create_invoices(request, create_form.cleaned_data["period"])
        return redirect("admin_invoice_list")
    filters = InvoicePageFilter(request.GET, queryset=Invoice.objects.all())
    advertiser = filters.form.cleaned_data.get("advertiser") if filters.form.is_valid() else None
    return render_in_network_time(
        request,
        "invoices/admin_list.html",
        {
            "table": invoice_table(request, filters.qs, "admin"),
            "filter": filters,
            "create_form": create_form,
            "totals": unpaid_totals(filters.qs),
            "receivables": network_receivables(advertiser.pk if advertiser else None),
            "receivables_of": advertiser,
            "sort": request.GET.get("sort", ""),
            "credit_notes": credit_note_rows(credit_notes_of(filters), "admin"),
        },
    )


def credit_notes_of(filters: InvoicePageFilter) -> QuerySet[CreditNote]:
    """The credit notes of the advertiser and month the invoice filters name (status aside)."""
    notes = CreditNote.objects.all()
    if filters.form.is_valid():
        if advertiser := filters.form.cleaned_data.get("advertiser"):
            notes = notes.filter(advertiser=advertiser)
        if period := parse_month(filters.form.cleaned_data.get("period") or ""):
            notes = notes.filter(period=period)
    return notes


def create_invoices(request: HttpRequest, period) -> None:
    """Bill the month and say how many invoices (and credit notes) are new and how many
    existed already."""
    month = month_label(period)
    try:
        billing = month_bill(request.network, period)
    except PayoutError as exc:
        messages.error(request, gettext("%(month)s: %(error)s") % {"month": month, "error": exc})
        return
    made = billing.invoices
    for note in billing.credit_notes:
        messages.info(
            request,
            gettext("%(month)s: credit note %(number)s for %(advertiser)s (a negative month).")
            % {"month": month, "number": note.display_number, "advertiser": note.advertiser},
        )
    existed = Invoice.objects.filter(period=period).count() - len(made)
    if not made and not existed and not billing.credit_notes:
        messages.info(
            request, _("%(month)s: nothing to bill (no approved conversions).") % {"month": month}
        )
        return
    created = ngettext("%(count)d invoice created", "%(count)d invoices created", len(made)) % {
        "count": len(made)
    }
    messages.success(
        request,
        _("%(month)s: %(created)s, %(existed)s existed already.")
        % {"month": month, "created": created, "existed": existed},
    )


admin_invoice_detail = document_view("admin", Invoice, invoice_page)
admin_invoice_pdf = document_view("admin", Invoice, invoice_pdf)
admin_credit_note_detail = document_view("admin", CreditNote, credit_note_page)
admin_credit_note_pdf = document_view("admin", CreditNote, credit_note_pdf)


@role_required(*ADMINS)
@require_POST
def admin_invoice_record_payment(request: HttpRequest, invoice_id: int) -> HttpResponse:
    invoice = role_document(request, Invoice, invoice_id, "admin")
    number = invoice_number(invoice)
    if invoice.status == Invoice.Status.PAID:
        messages.error(
            request,
            gettext("%(number)s is paid already (reference %(reference)s); nothing was recorded.")
            % {"number": number, "reference": invoice.payment_reference},
        )
        return redirect("admin_invoice_detail", invoice_id=invoice.pk)
    form = PaymentForm(request.POST, invoice=invoice)
    if not form.is_valid():
        return invoice_page(request, invoice, "admin", form=form)
    try:
        invoice_record_payment(
            request.network,
            invoice.pk,
            amount=form.cleaned_data["amount"],
            reference=form.cleaned_data["reference"],
            actor=request.user,
        )
    except PayoutError as exc:  # paid in the meantime: the row lock settled it
        messages.error(
            request,
            gettext("%(number)s: %(error)s Nothing was recorded.")
            % {"number": number, "error": exc},
        )
    else:
        messages.success(request, gettext("%(number)s: payment recorded.") % {"number": number})
    return redirect("admin_invoice_detail", invoice_id=invoice.pk)
