"""The advertiser's decisions (/api/v1/advertiser/conversions/): the bulk decisions and the
order validation by CSV added to tracking's read-only conversions viewset, with the rules of
the conversions pages, and registered here, the whole, at "conversions". Decisions go through
decisions.services (ledger and audit entries, as on the pages)."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response

from decisions import api_serializers as s
from decisions import validation, validation_csv
from decisions.api_serializers import DecisionResultSerializer, DecisionSerializer, decide
from decisions.services import Actor
from network import api_router
from network.api_docs import READ, answers, example, roles_of
from network.api_forms import form_errors
from tracking import api_advertiser
from tracking.api_advertiser import ADVERTISER, TAGS
from tracking.models import Conversion


# No docstring: the schema would take it as the description of each operation.
class ConversionViewSet(api_advertiser.ConversionViewSet):
    roles = roles_of(ADVERTISER, *READ, "decide", "validate")

    def get_serializer_class(self):
        if self.action == "decide":
            return DecisionSerializer
        if self.action == "validate":
            return s.ValidationUploadSerializer
        return super().get_serializer_class()

    @extend_schema(
        summary="Approve, reject or reverse conversions",
        description="The bulk form of the conversions page: pending -> approved or rejected, "
        "approved -> reversed; a reason is required to reject or reverse. Each change posts "
        "to the ledger when money moves and writes its audit entry, as the page does. Ids "
        "that are not yours are left alone (`not_found`); conversions that cannot make the "
        "move are named in `errors`. Only the network's owners and managers override a "
        "decision (or decide flagged conversions otherwise than you can).",
        request=DecisionSerializer,
        responses=answers(DecisionResultSerializer),
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
        return decide(self, decision.form)

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
        form = validation_csv.UploadForm(data={}, files={"file": file})
        if not form.is_valid():
            raise serializers.ValidationError(form_errors(form))
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


api_router.register(
    "advertiser", "conversions", ConversionViewSet, basename="advertiser-conversions"
)
