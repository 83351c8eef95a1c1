"""What the admins' money endpoints read and write: a payout run with its totals and lines
and the bodies of its moves, judged by the payout run page's forms (payouts/api_admin.py).
The admins' invoices: invoices/api_serializers.py."""

from __future__ import annotations

from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from lib.tables import MAX_ID
from network.api_base import ReadOnlyModelSerializer
from network.api_forms import DECIMAL, MinorAmount, user_email
from payouts import methods
from payouts.api_publisher_serializers import LINE_FIELDS, CarriedLineMixin
from payouts.forms_runs import MAX_TICKED
from payouts.models import PayoutLine, PayoutRun
from payouts.views_runs import currency_totals, totals_by_run


class AdminPayoutLineSerializer(CarriedLineMixin, ReadOnlyModelSerializer):
    publisher_name = serializers.CharField(source="publisher.name", read_only=True)
    amount = MinorAmount()
    payment_method = serializers.SerializerMethodField(
        help_text=_("How the publisher is paid (paypal, bank, other); null: no details yet.")
    )
    payment_problem = serializers.SerializerMethodField(
        help_text=_(
            "Why the payment method cannot pay the line's currency (the line is in no payment "
            "file); null when it can."
        )
    )

    class Meta:
        model = PayoutLine
        fields = [
            "id",
            "run",
            "publisher",
            "publisher_name",
            *LINE_FIELDS,
            "payment_method",
            "payment_problem",
            "payment_reference",
            "paid_at",
        ]

    @extend_schema_field(
        {"type": "string", "enum": ["paypal", "bank", "other", None], "nullable": True}
    )
    def get_payment_method(self, line: PayoutLine) -> str | None:
        details = getattr(line.publisher, "payment_details", None)
        return details.method if details else None

    @extend_schema_field({"type": "string", "nullable": True})
    def get_payment_problem(self, line: PayoutLine) -> str | None:
        details = getattr(line.publisher, "payment_details", None)
        return methods.line_problem(line, details) or None


@extend_schema_field(DECIMAL)
class DecimalText(serializers.Field):
    """An amount already in its currency's precision (e.g. from the ledger), as a string."""

    def to_representation(self, value: Decimal) -> str:
        return str(value)


class RunTotalSerializer(serializers.Serializer):
    currency = serializers.CharField()
    payable = DecimalText(help_text=_("To pay."))
    paid = DecimalText()
    carried = DecimalText(
        help_text=_("Below the minimum, or a negative balance: the next run takes it.")
    )
    payable_lines = serializers.IntegerField()
    paid_lines = serializers.IntegerField()
    carried_lines = serializers.IntegerField()


class AdminPayoutRunSerializer(ReadOnlyModelSerializer):
    created_by = serializers.SerializerMethodField(
        help_text=_(
            'Who started the run (an email; they cannot approve it), "scheduled" for the '
            "monthly job, or null for a run made before this was recorded."
        )
    )
    first_approver = user_email("first_approver")
    approved_by = user_email("approved_by")

    class Meta:
        model = PayoutRun
        fields = [
            "id",
            "period",
            "cutoff",
            "status",
            "created_by",
            "needs_second_approver",
            "first_approver",
            "approved_by",
            "approved_at",
            "created_at",
        ]
        extra_kwargs = {
            "period": {"help_text": _("The month paid (its first day).")},
            "needs_second_approver": {
                "help_text": _("The network's second approver rule when the run started.")
            },
        }

    def get_created_by(self, run: PayoutRun) -> str | None:
        if run.created_by_id is not None:
            return run.created_by.email
        return "scheduled" if run.scheduled else None


class AdminPayoutRunDetailSerializer(AdminPayoutRunSerializer):
    totals = serializers.SerializerMethodField()
    lines = serializers.SerializerMethodField()

    class Meta(AdminPayoutRunSerializer.Meta):
        fields = [*AdminPayoutRunSerializer.Meta.fields, "totals", "lines"]

    @extend_schema_field(RunTotalSerializer(many=True))
    def get_totals(self, run: PayoutRun) -> list[dict]:
        rows = currency_totals(totals_by_run(run.lines.all()).get(run.pk, {}))
        return RunTotalSerializer(rows, many=True).data

    @extend_schema_field(AdminPayoutLineSerializer(many=True))
    def get_lines(self, run: PayoutRun) -> list[dict]:
        lines = run.lines.select_related("publisher__payment_details").order_by(
            "publisher__name", "currency", "pk"
        )
        return AdminPayoutLineSerializer(lines, many=True).data


class NewRunSerializer(serializers.Serializer):
    period = serializers.DateField(
        help_text=_(
            "The month to pay, as its first day (2026-10-01): one of the last 12 months that "
            "have ended in the network's time zone."
        )
    )


class MarkPaidSerializer(serializers.Serializer):
    lines = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=MAX_TICKED,
        help_text=_("Ids of the run's lines that were paid (at most 1000)."),
    )
    reference = serializers.CharField(
        max_length=200, help_text=_("The bank transfer or PayPal batch id; the publishers see it.")
    )


class MarkPaidResultSerializer(serializers.Serializer):
    paid = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("The lines marked paid now.")
    )
    not_paid = serializers.ListField(
        child=serializers.CharField(), help_text=_("Why the other lines named were not paid.")
    )
    not_found = serializers.ListField(
        child=serializers.IntegerField(), help_text=_("Ids that are no line of this run.")
    )
    run = AdminPayoutRunSerializer()
