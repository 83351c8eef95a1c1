"""What the decisions' endpoints read and take. The bulk decisions, for admins and advertisers
alike (decisions/api_admin.py, decisions/api_advertiser.py): the bodies they send (judged by
the conversions page's own BulkDecisionForm, so the rules and the words are the page's), what
they get back, and `decide`, which both roles' viewsets call. The advertiser's order
validation by CSV: the upload and its answer row by row."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from rest_framework.response import Response

from decisions import bulk
from decisions.bulk import BulkDecisionForm
from decisions.services import Actor
from decisions.validation_csv import Row
from lib.tables import MAX_ID
from network.api_forms import DECIMAL, form_errors
from tracking.models import Conversion

# The moves of the advertiser's bulk decision (an advertiser never overrides), by name in
# the schema.
DECISION_STATUSES = [str(status) for status in bulk.CSV_STATUSES]


def conversion_ids(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=bulk.MAX_SELECTED,
        help_text=help_text,
    )


def judged(form: BulkDecisionForm, renamed: dict[str, str]) -> BulkDecisionForm:
    """The page's form, valid, or its errors under the API's names as a 400."""
    if not form.is_valid():
        errors: dict[str, list[str]] = {}
        for name, messages in form_errors(form).items():
            errors.setdefault(renamed.get(name, name), []).extend(messages)
        raise serializers.ValidationError(errors)
    return form


class DecisionSerializer(serializers.Serializer):
    """The bulk form of the conversions page: ticked ids, what to do, and why."""

    ids = conversion_ids("Conversion ids (at most 500); ids that are not yours are left alone.")
    status = serializers.ChoiceField(choices=DECISION_STATUSES)
    reason = serializers.CharField(
        max_length=bulk.MAX_REASON,
        required=False,
        allow_blank=True,
        default="",
        help_text="Required to reject or reverse; the publisher may see it.",
    )

    def validate(self, attrs: dict) -> dict:
        form = BulkDecisionForm(
            {"selected": attrs["ids"], "action": attrs["status"], "reason": attrs["reason"]},
            admin=False,  # only owners and managers override a decision
        )
        self.form = judged(form, {"selected": "ids", "action": "status"})
        return attrs


class AdminApprovalSerializer(serializers.Serializer):
    """The bulk form of the admins' conversions page: the ticked ids and why. The move is
    the action's (approve, reject, reverse, override); the form judges it."""

    ids = conversion_ids(
        _("Conversion ids (at most 500); ids of no conversion here are left alone.")
    )
    reason = serializers.CharField(
        max_length=bulk.MAX_REASON, required=False, allow_blank=True, default=""
    )

    def validate(self, attrs: dict) -> dict:
        to_status = attrs.get("status") or self.context["to_status"]
        override = "status" in attrs
        form = BulkDecisionForm(
            {
                "selected": attrs["ids"],
                "action": bulk.OVERRIDE if override else to_status,
                "to_status": to_status if override else "",
                "reason": attrs["reason"],
            },
            admin=True,
        )
        renamed = {"selected": "ids", "action": "status", "to_status": "status"}
        self.form = judged(form, renamed)
        return attrs


def required_reason() -> serializers.CharField:
    return serializers.CharField(
        max_length=bulk.MAX_REASON,
        validators=[RegexValidator(r"\S")],
        help_text=_("Required to reject, reverse or override; the publisher may see it."),
    )


class AdminRefusalSerializer(AdminApprovalSerializer):
    """Reject or reverse: with a reason."""

    reason = required_reason()


class AdminOverrideSerializer(AdminApprovalSerializer):
    """An override: any status to any other, with a reason."""

    status = serializers.ChoiceField(choices=Conversion.Status.choices)
    reason = required_reason()


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


def decide(viewset, form: BulkDecisionForm) -> Response:
    """Decide the form's ticked ids that are among the viewset's conversions (the caller's),
    one by one as the page does; the others are named in `not_found`."""
    request = viewset.request
    ids = form.cleaned_data["selected"]
    decidable = viewset.get_queryset()
    result = bulk.decide_selected(
        network=request._request.network,
        decidable=decidable,
        ids=ids,
        to_status=form.target_status,
        actor=Actor(user=request.user),
        reason=form.cleaned_data["reason"],
        override=form.override,
    )
    now_ = list(decidable.filter(pk__in=ids).order_by("pk").values("id", "status"))
    body = {
        "changed": result.changed,
        "errors": result.errors,
        "not_found": sorted(set(ids) - {row["id"] for row in now_}),
        "conversions": now_,
    }
    return Response(DecisionResultSerializer(body).data)


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
