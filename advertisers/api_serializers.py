"""What the advertiser's conversions and invoices API reads and writes
(advertisers/api_conversions.py; the offers' serializers: offers/api_advertiser_serializers.py).

Writes are judged by the portal page's own form (tracking/validation.py), so that every rule of
the page holds for the API too. The views save what the form cleaned, through the same code as
the pages.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from network.api_forms import DECIMAL, Amount, MinorAmount, form_errors, form_value, run_form  # noqa: F401
from payouts import ledger
from payouts.models import Invoice, InvoiceLine
from tracking import validation
from tracking.models import ADV_SUB_FIELDS, Conversion

# The moves of the bulk decision (an advertiser never overrides), by name in the schema.
DECISION_STATUSES = [str(status) for status in validation.CSV_STATUSES]


# --- Conversions ---------------------------------------------------------------------------


class AdvertiserConversionSerializer(serializers.ModelSerializer):
    """A conversion of one of the company's offers, as the advertiser's conversions page
    shows it (no publisher payout)."""

    transaction_id = serializers.CharField(source="click_id", read_only=True)
    offer_name = serializers.CharField(source="offer.name", read_only=True)
    goal_name = serializers.CharField(source="goal.name", read_only=True)
    publisher_name = serializers.CharField(source="publisher.name", read_only=True)
    aff_sub = serializers.CharField(source="click.aff_sub", read_only=True)
    sale_amount = Amount()
    revenue = Amount(help_text="What the advertiser pays for this conversion.")
    fraud_flags = serializers.ListField(child=serializers.CharField(), read_only=True)

    class Meta:
        model = Conversion
        fields = [
            "id",
            "transaction_id",
            "offer",
            "offer_name",
            "goal",
            "goal_name",
            "publisher",
            "publisher_name",
            "status",
            "reason_code",
            "sale_amount",
            "revenue",
            "currency",
            "order_id",
            *ADV_SUB_FIELDS,
            "aff_sub",
            "method",
            "fraud_flags",
            "created_at",
            "decided_at",
        ]
        read_only_fields = fields


class DecisionSerializer(serializers.Serializer):
    """The bulk form of the conversions page: ticked ids, what to do, and why."""

    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=validation.MAX_ID),
        min_length=1,
        max_length=validation.MAX_SELECTED,
        help_text="Conversion ids (at most 500); ids that are not yours are left alone.",
    )
    status = serializers.ChoiceField(choices=DECISION_STATUSES)
    reason = serializers.CharField(
        max_length=validation.MAX_REASON,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required to reject or reverse; the publisher may see it.",
    )

    def validate(self, attrs: dict) -> dict:
        form = validation.BulkDecisionForm(
            {"selected": attrs["ids"], "action": attrs["status"], "reason": attrs["reason"]},
            admin=False,  # only owners and managers override a decision
        )
        if not form.is_valid():
            errors = form_errors(form)
            renamed = {"selected": "ids", "action": "status"}
            raise serializers.ValidationError(
                {renamed.get(name, name): messages for name, messages in errors.items()}
            )
        self.form = form
        return attrs


class DecisionStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.ChoiceField(choices=Conversion.Status.choices)


class DecisionResultSerializer(serializers.Serializer):
    changed = serializers.IntegerField(help_text="How many conversions changed.")
    errors = serializers.ListField(
        child=serializers.CharField(),
        help_text="Why some of yours did not change, one message per conversion.",
    )
    not_found = serializers.ListField(
        child=serializers.IntegerField(),
        help_text="Ids that are not among your conversions: left alone.",
    )
    conversions = DecisionStateSerializer(
        many=True, help_text="Your conversions among the ids, with their status now."
    )


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
    def get_new_sale_amount(self, row: validation.Row) -> str | None:
        return None if row.new_amount is None else str(row.new_amount)

    def to_representation(self, row: validation.Row) -> dict:
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


# --- Invoices ------------------------------------------------------------------------------


class AdvertiserInvoiceLineSerializer(serializers.ModelSerializer):
    offer_name = serializers.CharField(source="offer.name", read_only=True)
    goal_name = serializers.CharField(source="goal.name", read_only=True)
    amount = serializers.SerializerMethodField()

    class Meta:
        model = InvoiceLine
        fields = ["offer", "offer_name", "goal", "goal_name", "conversions", "amount"]
        read_only_fields = fields

    @extend_schema_field(DECIMAL)
    def get_amount(self, line: InvoiceLine) -> str:
        return str(ledger.from_minor(line.amount, line.invoice.currency))


class AdvertiserInvoiceSerializer(serializers.ModelSerializer):
    number = serializers.CharField(source="display_number", read_only=True)
    total = MinorAmount()
    credit_applied = MinorAmount(help_text="Taken off the total by credit notes.")
    amount_due = MinorAmount(help_text="The total less the credit applied: what to pay.")
    payment_terms = serializers.CharField(
        source="terms_label", read_only=True, help_text='As printed: "Net 30".'
    )

    class Meta:
        model = Invoice
        fields = [
            "id",
            "number",
            "period",
            "currency",
            "total",
            "status",
            "issued_at",
            "paid_at",
            "payment_reference",
            "credit_applied",
            "amount_due",
            "payment_terms",
            "terms_days",
            "due_date",
        ]
        read_only_fields = fields
        extra_kwargs = {"period": {"help_text": ("The month billed (its first day).")}}


class AdvertiserInvoiceDetailSerializer(AdvertiserInvoiceSerializer):
    lines = AdvertiserInvoiceLineSerializer(many=True, read_only=True)

    class Meta(AdvertiserInvoiceSerializer.Meta):
        fields = [*AdvertiserInvoiceSerializer.Meta.fields, "lines"]
        read_only_fields = fields
