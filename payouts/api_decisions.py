"""The bulk decisions of the API, for admins and advertisers alike: the bodies they send
(judged by the conversions page's own BulkDecisionForm, so the rules and the words are the
page's), what they get back, and `decide`, which both roles' viewsets call."""

from __future__ import annotations

from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.response import Response

from lib.tables import MAX_ID
from network.api_forms import form_errors
from payouts import bulk_decisions
from payouts.bulk_decisions import BulkDecisionForm
from payouts.decisions import Actor
from tracking.models import Conversion

# The moves of the advertiser's bulk decision (an advertiser never overrides), by name in
# the schema.
DECISION_STATUSES = [str(status) for status in bulk_decisions.CSV_STATUSES]


def conversion_ids(help_text: str) -> serializers.ListField:
    return serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=MAX_ID),
        min_length=1,
        max_length=bulk_decisions.MAX_SELECTED,
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
        max_length=bulk_decisions.MAX_REASON,
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
        max_length=bulk_decisions.MAX_REASON, required=False, allow_blank=True, default=""
    )

    def validate(self, attrs: dict) -> dict:
        to_status = attrs.get("status") or self.context["to_status"]
        override = "status" in attrs
        form = BulkDecisionForm(
            {
                "selected": attrs["ids"],
                "action": bulk_decisions.OVERRIDE if override else to_status,
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
        max_length=bulk_decisions.MAX_REASON,
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
    result = bulk_decisions.decide_selected(
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
