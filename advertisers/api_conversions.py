"""The advertiser's conversions (list, decisions, order validation by CSV) and invoices
(/api/v1/advertiser/), with the rules of the conversions and invoice pages."""

from __future__ import annotations

import django_filters.rest_framework as filters
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    extend_schema,
    extend_schema_view,
)
from rest_framework import mixins, serializers
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from advertisers import api_serializers as s
from advertisers.api_base import ADVERTISER
from network.api_base import TenantViewSet
from network.api_docs import answers, example, id_filter, text_filter
from network.api_policy import membership_of
from payouts.api_invoice_serializers import (
    AppliedCreditSerializer,
    CreditNoteDetailSerializer,
    CreditNoteSerializer,
)
from payouts.api_invoices import (
    CREDIT_NOTE_DETAIL_EXAMPLE,
    CREDIT_NOTE_EXAMPLE,
    in_reader_language,
    pdf_action,
    with_credit_details,
    with_credits,
)
from payouts.decisions import Actor
from payouts.models import CreditNote, Invoice, InvoiceLine
from tracking import validation
from tracking.filters import ConversionFilter, offers_for
from tracking.models import Conversion


class InvoiceFilter(filters.FilterSet):
    status = filters.ChoiceFilter(choices=Invoice.Status.choices)
    currency = text_filter("currency", 3)
    period_from = filters.DateFilter(field_name="period", lookup_expr="gte")
    period_to = filters.DateFilter(field_name="period", lookup_expr="lte")

    class Meta:
        model = Invoice
        fields: list[str] = []


class AdvertiserConversionFilter(ConversionFilter):
    """The conversions page's filters (days in the network's time zone, your own offers)."""

    offer = id_filter("offer_id")
    order_id = text_filter("order_id", 255)
    transaction_id = text_filter("click_id", 32)

    def __init__(self, data=None, queryset=None, *, request=None, prefix=None):
        super().__init__(
            data,
            queryset=queryset,
            offers=offers_for("advertiser", membership_of(request)),
            timezone=request._request.network.timezone,
            role="advertiser",
        )


CONVERSION_EXAMPLE = {
    "id": 901,
    "transaction_id": "0190f3c2a4b87c1e9d2f4a6b8c0d1e2f",
    "offer": 12,
    "offer_name": "Summer Sale",
    "goal": 31,
    "goal_name": "Sale",
    "publisher": 7,
    "publisher_name": "Deal Blog",
    "status": "pending",
    "reason_code": "",
    "sale_amount": "120.00",
    "revenue": "8.50",
    "currency": "USD",
    "order_id": "A-1001",
    "adv_sub": "",
    "adv_sub2": "",
    "adv_sub3": "",
    "adv_sub4": "",
    "adv_sub5": "",
    "aff_sub": "spring",
    "method": "postback",
    "fraud_flags": [],
    "created_at": "2026-06-02T10:00:00Z",
    "decided_at": None,
}


TAGS = ["advertiser: conversions"]


# The days the filters accept (tracking.filters.DAY_RANGE), for the schema.
DAY_PATTERN = r"^(19\d\d|[2-8]\d{3}|9[0-8]\d\d|99[0-8]\d|999[0-8])-\d\d-\d\d$"


@extend_schema_view(
    list=extend_schema(
        summary="List the conversions of your offers",
        description="Filters: `status`, `offer`, `created_from` / `created_to` (days in the "
        "network's time zone, both included), `order_id`, `transaction_id`, `flagged` "
        "(yes/no). Order by created_at, id, sale_amount or revenue.",
        parameters=[
            OpenApiParameter(
                name,
                OpenApiTypes.DATE,
                description=f"{label} this day (in the network's time zone), 1900 to 9998.",
                pattern=DAY_PATTERN,
            )
            for name, label in (("created_from", "From"), ("created_to", "Up to and with"))
        ],
        responses=answers(s.AdvertiserConversionSerializer(many=True)),
        tags=TAGS,
    ),
    retrieve=extend_schema(
        summary="One conversion of your offers",
        responses=answers(s.AdvertiserConversionSerializer),
        examples=[example("A pending sale", CONVERSION_EXAMPLE)],
        tags=TAGS,
    ),
)
class ConversionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    roles = {name: ADVERTISER for name in ("list", "retrieve", "decide", "validate")}
    filterset_class = AdvertiserConversionFilter
    ordering_fields = ["created_at", "id", "sale_amount", "revenue"]
    ordering = ["-created_at", "-id"]

    def visible(self, membership):
        return Conversion.objects.filter(
            offer__advertiser_id=membership.advertiser_id
        ).select_related("offer", "goal", "publisher", "click")

    def visible_model(self):
        return Conversion

    def get_serializer_class(self):
        if self.action == "decide":
            return s.DecisionSerializer
        if self.action == "validate":
            return s.ValidationUploadSerializer
        return s.AdvertiserConversionSerializer

    @extend_schema(
        summary="Approve, reject or reverse conversions",
        description="The bulk form of the conversions page: pending -> approved or rejected, "
        "approved -> reversed; a reason is required to reject or reverse. Each change posts "
        "to the ledger when money moves and writes its audit entry, as the page does. Ids "
        "that are not yours are left alone (`not_found`); conversions that cannot make the "
        "move are named in `errors`. Only the network's owners and managers override a "
        "decision (or decide flagged conversions otherwise than you can).",
        request=s.DecisionSerializer,
        responses=answers(s.DecisionResultSerializer),
        examples=[
            example("Approve two orders", {"ids": [901, 902], "status": "approved"}, request=True),
            example(
                "Reject with a reason",
                {"ids": [903], "status": "rejected", "reason": "Order cancelled"},
                request=True,
            ),
            example(
                "One approved, one refused, one not yours",
                {
                    "changed": 1,
                    "errors": ["#902: The conversion is approved already."],
                    "not_found": [7],
                    "conversions": [
                        {"id": 901, "status": "approved"},
                        {"id": 902, "status": "approved"},
                    ],
                },
            ),
        ],
        tags=TAGS,
    )
    @action(detail=False, methods=["post"])
    def decide(self, request):
        decision = self.get_serializer(data=request.data)
        decision.is_valid(raise_exception=True)
        form = decision.form
        ids = form.cleaned_data["selected"]
        decidable = self.get_queryset()
        result = validation.decide_selected(
            network=request._request.network,
            decidable=decidable,
            ids=ids,
            to_status=form.target_status,
            actor=Actor(user=request.user),
            reason=form.cleaned_data["reason"],
            override=False,
        )
        now_ = list(decidable.filter(pk__in=ids).order_by("pk").values("id", "status"))
        found = {row["id"] for row in now_}
        body = {
            "changed": result.changed,
            "errors": result.errors,
            "not_found": sorted(set(ids) - found),
            "conversions": now_,
        }
        return Response(s.DecisionResultSerializer(body).data)

    @extend_schema(
        summary="Validate orders with a CSV file",
        description=(
            "The order validation upload of the conversions page, in one call. Send the file "
            "as multipart/form-data (`file`), with `dry_run=true` to see what it would do "
            "(nothing changes), then again without it to apply. Each row is judged against "
            "the conversions as they are at the call: a row whose conversion has the wanted "
            "status already is `unchanged`, so sending a file twice changes nothing the "
            "second time. One call applies at most 5,000 rows (and stops after about 10 "
            "seconds): while `tally.change` is above 0 after an apply, send the same file "
            "again. A file that cannot be read answers 400 (`fields.file`); a bad row is "
            "`error` with its reason, and the others still apply."
        ),
        request={"multipart/form-data": s.ValidationUploadSerializer},
        responses=answers(s.ValidationResultSerializer),
        examples=[
            example(
                "Two rows applied, one refused",
                {
                    "dry_run": False,
                    "file": "orders-june.csv",
                    "tally": {"change": 0, "changed": 2, "unchanged": 0, "error": 1},
                    "rows": [
                        {
                            "line": 2,
                            "transaction_id": "",
                            "order_id": "A-1001",
                            "status": "approved",
                            "sale_amount": "118.50",
                            "reason": "",
                            "conversion": 901,
                            "status_before": "pending",
                            "new_sale_amount": "118.50",
                            "outcome": "changed",
                            "error": "",
                        },
                        {
                            "line": 3,
                            "transaction_id": "",
                            "order_id": "A-1002",
                            "status": "rejected",
                            "sale_amount": "",
                            "reason": "Cancelled",
                            "conversion": 902,
                            "status_before": "pending",
                            "new_sale_amount": None,
                            "outcome": "changed",
                            "error": "",
                        },
                        {
                            "line": 4,
                            "transaction_id": "",
                            "order_id": "NOPE",
                            "status": "approved",
                            "sale_amount": "",
                            "reason": "",
                            "conversion": None,
                            "status_before": None,
                            "new_sale_amount": None,
                            "outcome": "error",
                            "error": "No conversion has this order id.",
                        },
                    ],
                },
            ),
            OpenApiExample(
                "Preview a file",
                value={"file": "order_id,status\nA-1001,approved", "dry_run": True},
                request_only=True,
                media_type="multipart/form-data",
            ),
        ],
        tags=TAGS,
    )
    @action(detail=False, methods=["post"], parser_classes=[MultiPartParser])
    def validate(self, request):
        upload = self.get_serializer(data=request.data)
        upload.is_valid(raise_exception=True)
        file = upload.validated_data["file"]
        form = validation.UploadForm(data={}, files={"file": file})
        if not form.is_valid():
            raise serializers.ValidationError(s.form_errors(form))
        network, rows = request._request.network, form.rows
        validation.judge(
            rows,
            conversions=Conversion.objects.filter(network=network),
            advertiser_id=self.membership.advertiser_id,
        )
        dry_run = upload.validated_data["dry_run"]
        if not dry_run:
            validation.apply(
                rows,
                network=network,
                actor=Actor(user=request.user),
                limit=validation.APPLY_BATCH,
                seconds=validation.APPLY_SECONDS,
            )
        tally = validation.tally(rows)
        body = {
            "dry_run": dry_run,
            "file": file.name,
            "tally": {outcome: tally[outcome] for outcome in s.OUTCOMES},
            "rows": rows,
        }
        return Response(s.ValidationResultSerializer(body).data)


class InvoiceDetailSerializer(s.AdvertiserInvoiceDetailSerializer):
    credits = AppliedCreditSerializer(many=True, read_only=True)

    class Meta(s.AdvertiserInvoiceDetailSerializer.Meta):
        fields = [*s.AdvertiserInvoiceDetailSerializer.Meta.fields, "credits"]
        read_only_fields = fields


INVOICE_EXAMPLE = {
    "id": 3,
    "number": "INV-2026-0003",
    "period": "2026-05-01",
    "currency": "USD",
    "total": "1250.00",
    "status": "issued",
    "issued_at": "2026-06-01T02:00:00Z",
    "paid_at": None,
    "payment_reference": "",
    "lines": [
        {
            "offer": 12,
            "offer_name": "Summer Sale",
            "goal": 31,
            "goal_name": "Sale",
            "conversions": 125,
            "amount": "1250.00",
        }
    ],
}


@extend_schema_view(
    list=extend_schema(
        summary="List your invoices",
        description="What the network bills your company, one invoice per month and "
        "currency. Filter by status, currency, period; order by period, issued_at or id.",
        responses=answers(s.AdvertiserInvoiceSerializer(many=True)),
        tags=["advertiser: invoices"],
    ),
    retrieve=extend_schema(
        summary="One of your invoices, with its lines",
        responses=answers(s.AdvertiserInvoiceDetailSerializer),
        examples=[example("An issued invoice", INVOICE_EXAMPLE)],
        tags=["advertiser: invoices"],
    ),
)
class InvoiceViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    roles = {"list": ADVERTISER, "retrieve": ADVERTISER, "pdf": ADVERTISER}
    filterset_class = InvoiceFilter
    ordering_fields = ["period", "issued_at", "id"]
    ordering = ["-period", "-id"]

    def visible(self, membership):
        invoices = Invoice.objects.filter(advertiser_id=membership.advertiser_id)
        if self.action == "retrieve":
            lines = InvoiceLine.objects.select_related("offer", "goal", "invoice")
            invoices = with_credits(invoices.prefetch_related(Prefetch("lines", queryset=lines)))
        return invoices

    def visible_model(self):
        return Invoice

    def get_serializer_class(self):
        if self.action == "retrieve":
            return InvoiceDetailSerializer
        return s.AdvertiserInvoiceSerializer

    @pdf_action(
        "Your invoice's PDF: the invoice page's document in your account's language.",
        ["advertiser: invoices"],
    )
    def pdf(self, request, pk=None):
        from payouts.views_invoices import invoice_pdf

        invoice = self.get_object()
        return in_reader_language(
            request, lambda: invoice_pdf(request._request, invoice, "advertiser")
        )


class CreditNoteFilter(filters.FilterSet):
    currency = text_filter("currency", 3)
    period_from = filters.DateFilter(field_name="period", lookup_expr="gte")
    period_to = filters.DateFilter(field_name="period", lookup_expr="lte")

    class Meta:
        model = CreditNote
        fields: list[str] = []


@extend_schema_view(
    list=extend_schema(
        summary="List your credit notes",
        description="A month whose reversals came to more than its approvals makes a credit "
        "note instead of an invoice; `remaining` is what your next invoices in the currency "
        "have not taken off yet.",
        responses=answers(CreditNoteSerializer(many=True)),
        examples=[example("A credit note partly used", [CREDIT_NOTE_EXAMPLE])],
        tags=["advertiser: invoices"],
    ),
    retrieve=extend_schema(
        summary="One of your credit notes, with its lines and the invoices it was applied to",
        responses=answers(CreditNoteDetailSerializer),
        examples=[example("A credit note partly used", CREDIT_NOTE_DETAIL_EXAMPLE)],
        tags=["advertiser: invoices"],
    ),
)
class CreditNoteViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, TenantViewSet):
    roles = {"list": ADVERTISER, "retrieve": ADVERTISER, "pdf": ADVERTISER}
    filterset_class = CreditNoteFilter
    ordering_fields = ["period", "issued_at", "id"]
    ordering = ["-period", "-id"]

    def visible(self, membership):
        notes = CreditNote.objects.filter(advertiser_id=membership.advertiser_id)
        notes = notes.select_related("advertiser")
        return notes if self.action == "list" else with_credit_details(notes)

    def visible_model(self):
        return CreditNote

    def get_serializer_class(self):
        if self.action == "list":
            return CreditNoteSerializer
        return CreditNoteDetailSerializer

    @pdf_action("Your credit note's PDF, as its page, in your language.", ["advertiser: invoices"])
    def pdf(self, request, pk=None):
        from payouts.views_invoices import credit_note_pdf

        note = self.get_object()
        return in_reader_language(
            request, lambda: credit_note_pdf(request._request, note, "advertiser")
        )
