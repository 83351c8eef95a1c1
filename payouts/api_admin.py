"""The admins' payout runs (/api/v1/admin/payout-runs/): list, review with the lines, create a
month's run, approve it, download the payment files, mark lines paid. The same services as
the payout run pages (payouts.runs), so the same refusals and the same audit entries.
The admins' conversions with their decisions: decisions/api_admin.py; invoices and credit
notes: invoices/api_admin.py.

Approving, marking paid and downloading payment files move money or payment details. The
page asks for two-factor authentication and a recent password (allauth's
re-authentication); a key cannot type a password, so through the API (see `money_refusal`):
- the caller must have two-factor authentication on (network.step_up);
- with an API key: the key must carry the `payouts:approve` scope, which is only granted
  when the key is made by a user with two-factor on, after a recent authentication; and it
  must have been made after two-factor authentication was last turned on;
- with the browser's session: a recent authentication, as on the page.
Refusals answer 403 with code `mfa_required` or `scope_required`. The audit entries of a
call made with a key name the key. Whoever started a run never approves it, and the second
approver rule is the run's own (payouts.runs.payout_run_approve).
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from django.db.models import Min
from django.http import HttpResponse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_view,
)
from rest_framework import exceptions, renderers, serializers
from rest_framework.decorators import action
from rest_framework.response import Response

from network import api_router, step_up
from network.api_base import ListAndRetrieve, TenantViewSet, created
from network.api_docs import ERRORS, admin_roles, answers, example, listed, pressed, shown
from network.api_forms import form_errors
from network.api_keys import ApiKey
from payouts import api_admin_serializers as s
from payouts import exports, runs
from payouts.filters import RunFilter
from payouts.forms_runs import MarkPaidForm, StartRunForm
from payouts.models import PayoutRun

TAGS = ["admin: payout runs"]


def money_refusal(request) -> tuple[str, str]:
    """(code, why) this caller may not move money through the API, or ("", "")."""
    key = request.auth if isinstance(request.auth, ApiKey) else None
    code, why = step_up.step_up_check(request.user, proof_of(request))
    if why or key is None:
        return code, why
    mfa_since = Authenticator.objects.filter(user=request.user).aggregate(at=Min("created_at"))
    if key.created_at < mfa_since["at"]:
        return "mfa_required", _(
            "This API key was made before two-factor authentication was turned on: make a "
            "new key to approve payouts."
        )
    return "", ""


def proof_of(request) -> step_up.StepUp:
    key = request.auth if isinstance(request.auth, ApiKey) else None
    return step_up.of_request(request._request, key)


def check_money_move(request) -> None:
    """403 (`mfa_required` / `scope_required`) unless this caller may move money."""
    code, why = money_refusal(request)
    if why:
        raise exceptions.PermissionDenied(why, code=code)


class CsvRenderer(renderers.BaseRenderer):
    """Lets a client ask for a payment file with `Accept: text/csv`; refusals stay JSON."""

    media_type = "text/csv"
    format = "csv"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        response = (renderer_context or {}).get("response")
        if response is not None:
            response["Content-Type"] = "application/json"
        return renderers.JSONRenderer().render(data)


RUN_EXAMPLE = {
    "id": 4,
    "period": "2026-10-01",
    "cutoff": "2026-10-31T17:00:00Z",
    "status": "approved",
    "created_by": "scheduled",
    "needs_second_approver": False,
    "first_approver": None,
    "approved_by": "owner@example.com",
    "approved_at": "2026-11-03T09:00:00Z",
    "created_at": "2026-11-01T02:00:00Z",
    "totals": [
        {
            "currency": "USD",
            "payable": "48.00",
            "paid": "0.00",
            "carried": "8.00",
            "payable_lines": 3,
            "paid_lines": 0,
            "carried_lines": 1,
        }
    ],
    "lines": [
        {
            "id": 17,
            "run": 4,
            "publisher": 7,
            "publisher_name": "Deal Blog",
            "currency": "USD",
            "amount": "16.00",
            "conversions": 2,
            "status": "payable",
            "minimum": "10.00",
            "carried_reason": None,
            "from_time": None,
            "to_time": "2026-10-31T17:00:00Z",
            "payment_method": "paypal",
            "payment_problem": None,
            "payment_reference": "",
            "paid_at": None,
        }
    ],
}
RUN_SUMMARY = {key: value for key, value in RUN_EXAMPLE.items() if key not in ("totals", "lines")}


@extend_schema_view(
    list=listed(
        "List the payout runs",
        "One run per month. Filters: `status`, `period_from` / `period_to` (months, as their "
        "first day). Order by period, created_at or id.",
        s.AdminPayoutRunSerializer,
        TAGS,
    ),
    retrieve=shown(
        "One payout run, with its totals and every line",
        s.AdminPayoutRunDetailSerializer,
        ("An approved run", RUN_EXAMPLE),
        TAGS,
    ),
)
class PayoutRunViewSet(ListAndRetrieve, TenantViewSet):
    roles = admin_roles("list", "retrieve", "create", "approve", "mark_paid", "export")
    filterset_class = RunFilter
    ordering_fields = ["period", "created_at", "id"]
    ordering = ["-period", "-id"]

    def visible(self, membership):
        return PayoutRun.objects.select_related("created_by", "first_approver", "approved_by")

    def get_serializer_class(self):
        if self.action in ("list", "create"):
            return s.AdminPayoutRunSerializer
        return s.AdminPayoutRunDetailSerializer

    def run_data(self, run: PayoutRun) -> dict:
        return s.AdminPayoutRunDetailSerializer(self.get_queryset().get(pk=run.pk)).data

    @extend_schema(
        summary="Make the payout run of a month",
        description="The run of a month that has ended (in the network's time zone), as the "
        "payout runs page's form: one line per publisher and currency with their payable "
        "balance at the month's end (below their minimum: carried). It is made now, within "
        "the call; 201 with the new run in review, or 200 with the month's run if it exists "
        "already. A month before an existing run's, or one not ended, answers 400. Written "
        "to the audit log (`payout_run.created`).",
        request=s.NewRunSerializer,
        responses={
            201: s.AdminPayoutRunDetailSerializer,
            200: s.AdminPayoutRunDetailSerializer,
            **ERRORS,
        },
        examples=[
            example("October 2026", {"period": "2026-10-01"}, request=True),
            example("The new run", {**RUN_EXAMPLE, "status": "review", "approved_by": None}),
        ],
        tags=TAGS,
    )
    def create(self, request):
        network = request._request.network
        period = runs.month_start(self.body_of(s.NewRunSerializer)["period"])
        form = StartRunForm({"period": period.isoformat()}, network=network)
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
        existing = PayoutRun.objects.filter(period=period).first()
        if existing is not None:
            return Response(self.run_data(existing))
        run = runs.payout_run_create(network, period, actor=request.user)
        return created(self.run_data(run))

    @pressed(
        "Approve a payout run",
        "Needs two-factor authentication on (else 403, code `mfa_required`) and an API key "
        "with the `payouts:approve` scope, made after two-factor was turned on (else 403, "
        "`scope_required` / `mfa_required`), or a browser session that re-authenticated "
        "recently. Whoever started the run cannot approve it (400). With the run's second "
        "approver rule (the network's setting when the run started), the first approval is "
        "recorded (`first_approver`, audit `payout_run.first_approval`) and the run stays in "
        "review until a different owner or manager approves (`payout_run.approved`). "
        "Publishers are emailed once approved.",
        s.AdminPayoutRunDetailSerializer,
        ("The approved run", RUN_EXAMPLE),
        TAGS,
    )
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        run = self.get_object()  # another network's run: 404 before anything is said
        check_money_move(request)
        runs.payout_run_approve(
            request._request.network, run.pk, actor=request.user, proof=proof_of(request)
        )
        return Response(self.run_data(run))

    @extend_schema(
        summary="Mark lines of a run paid",
        description="After the transfer: the lines paid, with the payment reference (the "
        "bank or PayPal batch id; publishers see it). Each line paid posts payable -> cash "
        "to the ledger and writes `payout_line.paid`; lines carried, paid already, or whose "
        "publisher changed their payment details in the last 48 hours are not paid (see "
        "`not_paid`). The run becomes paid when no line is left to pay. Only an approved "
        "run is paid (else 400). Needs what approving needs (two-factor, the "
        "`payouts:approve` scope; else 403).",
        request=s.MarkPaidSerializer,
        responses=answers(s.MarkPaidResultSerializer),
        examples=[
            example(
                "PayPal batch", {"lines": [17, 18], "reference": "PP-BATCH-7781"}, request=True
            ),
            example(
                "One paid, one on hold",
                {
                    "paid": [17],
                    "not_paid": [
                        "Held Media: payment details changed recently: on hold until "
                        "Nov 26, 2026, 9:00 a.m. (Asia/Ho_Chi_Minh)"
                    ],
                    "not_found": [],
                    "run": RUN_SUMMARY,
                },
            ),
        ],
        tags=TAGS,
    )
    @action(detail=True, methods=["post"])
    def mark_paid(self, request, pk=None):
        run = self.get_object()
        check_money_move(request)
        sent = self.body_of(s.MarkPaidSerializer)
        ids = sorted(set(sent["lines"]))
        form = MarkPaidForm({"selected": ids, "reference": sent["reference"]})
        if not form.is_valid():
            renamed = {"selected": "lines"}
            errors = form_errors(form)
            raise serializers.ValidationError({renamed.get(k, k): v for k, v in errors.items()})
        network = request._request.network
        ours = set(run.lines.filter(pk__in=ids).values_list("pk", flat=True))
        paid, skipped = runs.payout_lines_mark_paid(
            network,
            run.pk,
            ids,
            reference=form.cleaned_data["reference"],
            actor=request.user,
            proof=proof_of(request),
        )
        result = {
            "paid": sorted(line.pk for line in paid),
            "not_paid": skipped,
            "not_found": sorted(set(ids) - ours),
            "run": self.get_queryset().get(pk=run.pk),
        }
        return Response(s.MarkPaidResultSerializer(result).data)

    @extend_schema(
        summary="Download a payment file of a run",
        description="The CSV the payout run page offers, to upload to PayPal (mass payment, "
        "no header row) or the bank: the run's lines still to pay by that method, leaving "
        "out publishers whose payment details changed in the last 48 hours. Only once the "
        "run is approved (else 400). It holds payment details, so it needs what approving "
        "needs (two-factor, the `payouts:approve` scope; else 403). Changes nothing, but "
        "each download is written to the "
        "audit log (`payout_run.exported`). Answered as `text/csv` whatever the Accept header "
        "asks, refusals as JSON.",
        parameters=[
            OpenApiParameter(
                "method",
                str,
                required=True,
                enum=list(exports.FORMATS),
                description="paypal or bank.",
            )
        ],
        responses={
            (200, "text/csv"): OpenApiResponse(
                OpenApiTypes.STR,
                description="The CSV file.",
                examples=[
                    OpenApiExample(
                        "PayPal mass payment",
                        value="pub@example.com,250.00,USD,line-17,October 2026 payout\n",
                        response_only=True,
                    )
                ],
            ),
            **ERRORS,
        },
        tags=TAGS,
    )
    @action(detail=True, methods=["get"], renderer_classes=[renderers.JSONRenderer, CsvRenderer])
    def export(self, request, pk=None):
        run = self.get_object()
        fmt = request.query_params.get("method", "")
        if fmt not in exports.FORMATS:
            raise serializers.ValidationError({"method": [_("Choose paypal or bank.")]})
        check_money_move(request)
        network = request._request.network
        run, text, _count = runs.payout_run_export(
            network, run.pk, fmt, actor=request.user, proof=proof_of(request)
        )
        response = HttpResponse(text, content_type="text/csv; charset=utf-8")
        name = exports.filename(network, run, fmt)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        response["Cache-Control"] = "no-store"
        return response


api_router.register("admin", "payout-runs", PayoutRunViewSet, basename="admin-payout-runs")
