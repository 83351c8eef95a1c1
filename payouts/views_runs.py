"""Payout run pages for owners and managers: list and start runs, review a run's lines,
approve it (MFA, a recent re-authentication, not its starter, an optional second approver),
mark lines paid, and download the payment files (see payouts/exports.py for what they hold).
Approving, paying and downloading need two-factor authentication on and allauth's recent
authentication (network.step_up); the services check both again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.contrib import messages
from django.db.models import Count, OuterRef, QuerySet, Subquery, Sum
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from lib.formats import format_month
from lib.pdf import pdf_response
from lib.tables import configure
from lib.views import render_in_network_time
from network import step_up
from network.access import ADMINS, role_required
from payouts import exports, methods, runs, tasks
from payouts.forms_runs import MarkOnePaidForm, MarkPaidForm, StartRunForm
from payouts.ledger import from_minor
from payouts.models import Account, Entry, LedgerTransaction, PayoutLine, PayoutRun
from payouts.tables_runs import EntryTable, RunTable, details_of, line_table
from publishers.models import Publisher
from publishers.payment_details import hold_ends

PER_PAGE = 50
PDF_LINES = 1000  # a run's PDF summary lists its first lines, up to these
MAX_SKIPPED_SHOWN = 10
STATUSES = [s.value for s in PayoutLine.Status]


def plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def totals_by_run(lines: QuerySet[PayoutLine]) -> dict[int, dict[str, dict[str, int]]]:
    """{run id: {currency: {"payable": minor units, "payable_lines": count, ...}}}."""
    totals: dict[int, dict[str, dict[str, int]]] = {}
    rows = lines.values("run_id", "currency", "status").annotate(total=Sum("amount"), n=Count("pk"))
    for row in rows.order_by():
        empty = {key: 0 for status in STATUSES for key in (status, f"{status}_lines")}
        per_currency = totals.setdefault(row["run_id"], {}).setdefault(row["currency"], empty)
        per_currency[row["status"]] = row["total"]
        per_currency[f"{row['status']}_lines"] = row["n"]
    return totals


def currency_totals(per_currency: dict[str, dict[str, int]]) -> list[dict]:
    """One row per currency for a template: amounts as Decimal, counts as they are."""
    return [
        {"currency": currency, **t, **{s: from_minor(t[s], currency) for s in STATUSES}}
        for currency, t in sorted(per_currency.items())
    ]


# --- The list, and starting a run -----------------------------------------------------------


def render_run_list(request: HttpRequest, form: StartRunForm) -> HttpResponse:
    runs_shown = PayoutRun.objects.select_related("first_approver", "approved_by")
    table = RunTable(runs_shown, totals={})
    configure(request, table, per_page=24)
    shown = [row.record.pk for row in table.page.object_list]
    table.totals = totals_by_run(PayoutLine.objects.filter(run__in=shown))
    return render_in_network_time(request, "payouts/runs/list.html", {"table": table, "form": form})


@role_required(*ADMINS)
@require_safe
def payout_run_list(request: HttpRequest) -> HttpResponse:
    return render_run_list(request, StartRunForm(network=request.network))


@role_required(*ADMINS)
@require_POST
def payout_run_start(request: HttpRequest) -> HttpResponse:
    """Enqueue the run of the chosen month: on a big network it takes a while."""
    form = StartRunForm(request.POST, network=request.network)
    if not form.is_valid():
        return render_run_list(request, form)
    period = form.cleaned_data["period"]
    existing = PayoutRun.objects.filter(period=period).first()
    if existing is not None:
        messages.info(
            request,
            _("The payout run for %(month)s exists already.") % {"month": format_month(period)},
        )
        return redirect("payout_run_detail", payout_run_id=existing.pk)
    try:
        run = runs.payout_run_request(request.network, period, actor=request.user)
    except runs.PayoutError as exc:
        form.add_error("period", str(exc))
        return render_run_list(request, form)
    # Committed: should this message be lost, the recovery job makes the run within a minute.
    tasks.make_payout_run.delay(network_id=request.network.pk, payout_run_id=run.pk)
    messages.success(
        request,
        _(
            "The payout run for %(month)s is being made. It appears in this list in a moment, "
            "and owners and managers get an email when it is ready for review."
        )
        % {"month": format_month(period)},
    )
    return redirect("payout_run_list")


# --- Reviewing and approving a run ----------------------------------------------------------


def run_lines(run: PayoutRun) -> QuerySet[PayoutLine]:
    """The run's lines, each with the amount of the publisher's line of the month before."""
    previous = PayoutLine.objects.filter(
        run__period=runs.previous_month(run.period),
        publisher_id=OuterRef("publisher_id"),
        currency=OuterRef("currency"),
    ).values("amount")[:1]
    return run.lines.select_related("publisher__payment_details").annotate(
        previous_amount=Subquery(previous)
    )


def summary_context(run: PayoutRun, table) -> dict:
    """What the run's page and its PDF summary both show."""
    missing = (
        Publisher.objects.filter(
            payout_lines__run=run,
            payout_lines__status=PayoutLine.Status.PAYABLE,
            payment_details__isnull=True,
        )
        .distinct()
        .order_by("name")
    )
    return {
        "run": run,
        "table": table,
        "totals": currency_totals(totals_by_run(run.lines.all()).get(run.pk, {})),
        "missing": missing,
        "unpayable": methods.unpayable_lines(run),
    }


def render_run(request: HttpRequest, run: PayoutRun, pay_form: MarkPaidForm) -> HttpResponse:
    payable = run.status == PayoutRun.Status.APPROVED
    ticked = pay_form.ticked() if pay_form.is_bound else ()
    table = line_table(run_lines(run), payable=payable, selected=ticked)
    configure(request, table, per_page=PER_PAGE)
    context = {
        **summary_context(run, table),
        "pay_form": pay_form,
        "payable": payable,
        "refusal": runs.can_approve(request.user),
        "started_by_you": run.created_by_id == request.user.pk,
        "second_approver": run.needs_second_approver,
        "approved_first": run.first_approver_id == request.user.pk,
        "export_formats": list(exports.FORMATS),
    }
    return render_in_network_time(request, "payouts/runs/detail.html", context)


def run_of(payout_run_id: int) -> PayoutRun:
    """The pages of one run or line answer any method, as other detail pages do: the lookup
    comes first, so another network's id is a 404 whatever the method."""
    queryset = PayoutRun.objects.select_related("created_by", "first_approver", "approved_by")
    return get_object_or_404(queryset, pk=payout_run_id)


@role_required(*ADMINS)
def payout_run_detail(request: HttpRequest, payout_run_id: int) -> HttpResponse:
    return render_run(request, run_of(payout_run_id), MarkPaidForm())


@role_required(*ADMINS)
def payout_run_pdf(request: HttpRequest, payout_run_id: int) -> HttpResponse:
    """The run's summary as a PDF (lib.pdf, as invoices): what its page shows without the
    forms, the lines sorted by publisher, the first PDF_LINES of them. The run is looked up
    first, as on its page: another network's id is a 404 whatever the method."""
    run = run_of(payout_run_id)
    if request.method not in ("GET", "HEAD"):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    lines = run_lines(run).order_by("publisher__name", "currency", "pk")
    total = lines.count()
    table = line_table(list(lines[:PDF_LINES]), payable=False)
    context = {
        **summary_context(run, table),
        "total_lines": total,
        "shown_lines": min(total, PDF_LINES),
        "more_lines": total > PDF_LINES,
    }
    filename = f"payouts-{run.period:%Y-%m}"
    title = _("Payouts for %(period)s") % {"period": format_month(run.period)}
    return pdf_response(
        request, "payouts/runs/_summary.html", context, filename=filename, title=title
    )


@role_required(*ADMINS)
@require_POST
def payout_run_approve(request: HttpRequest, payout_run_id: int) -> HttpResponse:
    """Another network's run is a 404 before anyone is asked for their password again."""
    run = get_object_or_404(PayoutRun, pk=payout_run_id)
    refusal = runs.can_approve(request.user)  # the service checks it again
    if refusal:
        messages.error(request, refusal)
        return redirect("payout_run_detail", payout_run_id=run.pk)
    return approve_recently_authenticated(request, run)


@step_up.recent_authentication_required
def approve_recently_authenticated(request: HttpRequest, run: PayoutRun) -> HttpResponse:
    """Without a recent password (or code) allauth asks for one, then posts this again."""
    try:
        run = runs.payout_run_approve(
            request.network, run.pk, actor=request.user, proof=step_up.of_request(request)
        )
    except (runs.PayoutError, step_up.StepUpRequired) as exc:
        messages.error(request, str(exc))
    else:
        if run.status == PayoutRun.Status.APPROVED:
            messages.success(
                request,
                _("Payouts for %(month)s approved: pay the lines, then mark them paid.")
                % {"month": format_month(run.period)},
            )
        else:
            messages.success(
                request, _("Your approval is recorded: another owner or manager must approve too.")
            )
    return redirect("payout_run_detail", payout_run_id=run.pk)


# --- Paying ---------------------------------------------------------------------------------


def mark_paid(request: HttpRequest, run: PayoutRun, line_ids: set[int], reference: str) -> None:
    """Mark the lines paid and say what happened to each."""
    try:
        paid, skipped = runs.payout_lines_mark_paid(
            request.network,
            run.pk,
            sorted(line_ids),
            reference=reference,
            actor=request.user,
            proof=step_up.of_request(request),
        )
    except (runs.PayoutError, step_up.StepUpRequired) as exc:
        messages.error(request, str(exc))
        return
    if paid:
        count = len(paid)
        messages.success(
            request,
            ngettext(
                "%(count)d line marked paid (%(reference)s).",
                "%(count)d lines marked paid (%(reference)s).",
                count,
            )
            % {"count": count, "reference": reference},
        )
    for reason in skipped[:MAX_SKIPPED_SHOWN]:
        messages.warning(request, _("Not paid: %(reason)s.") % {"reason": reason})
    if len(skipped) > MAX_SKIPPED_SHOWN:
        more = len(skipped) - MAX_SKIPPED_SHOWN
        messages.warning(
            request,
            ngettext(
                "And %(count)d more line not paid.", "And %(count)d more lines not paid.", more
            )
            % {"count": more},
        )
    unknown = len(line_ids) - len(paid) - len(skipped)
    if unknown:
        messages.warning(
            request,
            ngettext(
                "%(count)d ticked line not in this run: left alone.",
                "%(count)d ticked lines not in this run: left alone.",
                unknown,
            )
            % {"count": unknown},
        )


@role_required(*ADMINS)
@require_POST
def payout_run_mark_paid(request: HttpRequest, payout_run_id: int) -> HttpResponse:
    run = run_of(payout_run_id)
    return mark_paid_posted(
        request,
        run,
        MarkPaidForm(request.POST),
        lambda form: render_run(request, run, form),
        redirect("payout_run_detail", payout_run_id=run.pk),
    )


def mark_paid_posted(
    request: HttpRequest,
    run: PayoutRun,
    form: MarkPaidForm | MarkOnePaidForm,
    invalid: Callable[[Any], HttpResponse],
    back: HttpResponse,
    line_ids: set[int] | None = None,
) -> HttpResponse:
    """A mark-paid form posted (a run's ticked lines, or `line_ids`): the page again with the
    form's errors (`invalid`), or, with two-factor on and a recent password, the lines marked
    paid; then `back`."""
    if not form.is_valid():
        return invalid(form)
    refusal = step_up.mfa_refusal(request.user)
    if refusal:
        messages.error(request, refusal)
        return back
    selected = form.cleaned_data["selected"] if line_ids is None else line_ids
    mark_paid_recently_authenticated(request, run, selected, form.cleaned_data["reference"])
    return back


@step_up.recent_authentication_required
def mark_paid_recently_authenticated(
    request: HttpRequest, run: PayoutRun, line_ids: set[int], reference: str
) -> None:
    """Without a recent password (or code) allauth asks for one (the decorator raises), then
    posts this again."""
    mark_paid(request, run, line_ids, reference)


# --- One line -------------------------------------------------------------------------------


def line_entries(line: PayoutLine) -> QuerySet[Entry]:
    """The conversions behind a line: its publisher's payable entries in the line's range."""
    entries = Entry.objects.filter(
        account__kind=Account.Kind.PAYABLE,
        account__publisher_id=line.publisher_id,
        account__currency=line.currency,
        kind__in=[LedgerTransaction.Kind.APPROVAL, LedgerTransaction.Kind.REVERSAL],
        created_at__lt=line.to_time,
    )
    if line.from_time is not None:
        entries = entries.filter(created_at__gte=line.from_time)
    return entries


def render_line(request: HttpRequest, line: PayoutLine, form: MarkOnePaidForm) -> HttpResponse:
    entries = line_entries(line)
    table = EntryTable(
        entries.select_related("conversion__offer", "conversion__goal"), currency=line.currency
    )
    configure(request, table, per_page=PER_PAGE)
    credited = entries.aggregate(total=Sum("amount"))["total"] or 0
    details = details_of(line)
    context = {
        "line": line,
        "run": line.run,
        "amount": from_minor(line.amount, line.currency),
        "earned": from_minor(-credited, line.currency),
        "details": details,
        "held_until": hold_ends(details),
        "currency_problem": methods.line_problem(line, details),
        "minimum": from_minor(line.minimum or 0, line.currency),
        "table": table,
        "form": form,
        "payable": (
            line.run.status == PayoutRun.Status.APPROVED
            and line.status == PayoutLine.Status.PAYABLE
        ),
    }
    return render_in_network_time(request, "payouts/runs/line.html", context)


def line_of(payout_line_id: int) -> PayoutLine:
    lines = PayoutLine.objects.select_related("run", "publisher__payment_details")
    return get_object_or_404(lines, pk=payout_line_id)


@role_required(*ADMINS)
def payout_line_detail(request: HttpRequest, payout_line_id: int) -> HttpResponse:
    return render_line(request, line_of(payout_line_id), MarkOnePaidForm())


@role_required(*ADMINS)
@require_POST
def payout_line_mark_paid(request: HttpRequest, payout_line_id: int) -> HttpResponse:
    line = line_of(payout_line_id)
    return mark_paid_posted(
        request,
        line.run,
        MarkOnePaidForm(request.POST),
        lambda form: render_line(request, line, form),
        redirect("payout_line_detail", payout_line_id=line.pk),
        line_ids={line.pk},
    )


# --- Payment files --------------------------------------------------------------------------


@role_required(*ADMINS)
def payout_run_export(request: HttpRequest, payout_run_id: int, fmt: str) -> HttpResponse:
    """The CSV to upload to PayPal or the bank; only once the run is approved. It holds
    payment details (IBANs, PayPal emails): two-factor on (else 403) and a recent password."""
    run = get_object_or_404(PayoutRun, pk=payout_run_id)
    if fmt not in exports.FORMATS:
        raise Http404("Unknown export format")
    if run.status in (PayoutRun.Status.MAKING, PayoutRun.Status.REVIEW):
        return render_in_network_time(request, "payouts/runs/export_unavailable.html", {"run": run})
    refusal = step_up.mfa_refusal(request.user)
    if refusal:
        raise step_up.StepUpRequired(refusal)
    return export_recently_authenticated(request, run, fmt)


@step_up.recent_authentication_required(allow_get=False)
def export_recently_authenticated(request: HttpRequest, run: PayoutRun, fmt: str) -> HttpResponse:
    run, text, _count = runs.payout_run_export(
        request.network, run.pk, fmt, actor=request.user, proof=step_up.of_request(request)
    )
    response = HttpResponse(text, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="{exports.filename(request.network, run, fmt)}"'
    )
    response["Cache-Control"] = "no-store"
    return response
