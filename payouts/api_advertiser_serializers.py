"""What the advertiser's money endpoints read and take (payouts/api_advertiser.py): the order
validation upload and its answer row by row (the company's invoices:
invoices/api_serializers.py). The bulk decisions' bodies are payouts.api_decisions' (admins
send them too)."""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from network.api_forms import DECIMAL
from payouts.validation_csv import Row
from tracking.models import Conversion

# --- Order validation by CSV ---------------------------------------------------------------


class ValidationUploadSerializer(serializers.Serializer):
    file = serializers.FileField(
        help_text=(
            "CSV, UTF-8, comma or semicolon separated: transaction_id or order_id, status "
            "(approved, rejected, reversed), sale_amount (optional), reason (required to "
            "reject or reverse). At most 5 MB and 20,000 rows."
        )
    )
    dry_run = serializers.BooleanField(
        default=False, help_text="true: judge every row and change nothing."
    )


OUTCOMES = ["change", "unchanged", "error", "changed"]


class ValidationRowSerializer(serializers.Serializer):
    line = serializers.IntegerField(help_text="The line of the file (the header is line 1).")
    transaction_id = serializers.CharField(allow_blank=True)
    order_id = serializers.CharField(allow_blank=True)
    status = serializers.CharField(allow_blank=True, help_text="The status the row asks for.")
    sale_amount = serializers.CharField(allow_blank=True, source="amount_text")
    reason = serializers.CharField(allow_blank=True)
    conversion = serializers.IntegerField(
        source="conversion.pk", allow_null=True, help_text="Your conversion the row names."
    )
    status_before = serializers.ChoiceField(
        choices=Conversion.Status.choices, allow_null=True, source="current_status"
    )
    new_sale_amount = serializers.SerializerMethodField(
        help_text="The corrected sale amount the row applies, when it differs."
    )
    outcome = serializers.ChoiceField(
        choices=OUTCOMES,
        help_text=(
            "change: would change (dry run, or left for the next call); changed: applied; "
            "unchanged: the conversion is so already; error: see error."
        ),
    )
    error = serializers.CharField(allow_blank=True)
    note = serializers.CharField(
        allow_blank=True,
        help_text="Why an unchanged row is so, when someone else applied it meanwhile.",
    )

    @extend_schema_field({**DECIMAL, "nullable": True})
    def get_new_sale_amount(self, row: Row) -> str | None:
        return None if row.new_amount is None else str(row.new_amount)

    def to_representation(self, row: Row) -> dict:
        data = super().to_representation(row)
        data["status_before"] = data["status_before"] or None
        return data


class ValidationTallySerializer(serializers.Serializer):
    change = serializers.IntegerField()
    changed = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    error = serializers.IntegerField()


class ValidationResultSerializer(serializers.Serializer):
    dry_run = serializers.BooleanField()
    file = serializers.CharField(help_text="The uploaded file's name.")
    tally = ValidationTallySerializer()
    rows = ValidationRowSerializer(many=True)
